//! Policy text → [`Policy`] (no_std): `(grade>=12 and title>=3) or doctor:5Grw…`,
//! `2of(a, b, c)` / `2 of (a, b, c)`, `AND`/`OR`/`&&`/`||`, `x > 3` (= `x>=4`).
//! Recursion is bounded by [`MAX_PARSE_DEPTH`]; node counts by the policy bounds.

use super::policy::{Policy, PolicyNode, MAX_ATTRIBUTE_LEN, MAX_GATE_CHILDREN};
use crate::Error;
use alloc::{format, string::String, vec::Vec};

/// Maximum nesting of parentheses / gates accepted by the parser.
pub const MAX_PARSE_DEPTH: usize = 16;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
	LParen,
	RParen,
	Comma,
	Word(String),
}

fn lex(s: &str) -> Result<Vec<Tok>, Error> {
	let mut out = Vec::new();
	let mut cur = String::new();
	let flush = |cur: &mut String, out: &mut Vec<Tok>| {
		if !cur.is_empty() {
			out.push(Tok::Word(core::mem::take(cur)));
		}
	};
	for c in s.chars() {
		match c {
			'(' | ')' | ',' => {
				flush(&mut cur, &mut out);
				out.push(match c {
					'(' => Tok::LParen,
					')' => Tok::RParen,
					_ => Tok::Comma,
				});
			},
			c if c.is_whitespace() => flush(&mut cur, &mut out),
			c if c.is_ascii_graphic() => cur.push(c),
			_ => return Err(Error::PolicyParse),
		}
		if out.len() > 4 * 64 {
			return Err(Error::TooLarge);
		}
	}
	flush(&mut cur, &mut out);
	Ok(out)
}

#[derive(Debug)]
enum Ast {
	Leaf(String),
	Gate(usize, Vec<Ast>),
}

struct Parser {
	toks: Vec<Tok>,
	pos: usize,
}

fn is_kw(t: Option<&Tok>, kws: &[&str]) -> bool {
	matches!(t, Some(Tok::Word(w)) if kws.iter().any(|k| w.eq_ignore_ascii_case(k)))
}

impl Parser {
	fn peek(&self) -> Option<&Tok> {
		self.toks.get(self.pos)
	}
	fn next(&mut self) -> Option<Tok> {
		let t = self.toks.get(self.pos).cloned();
		self.pos += 1;
		t
	}
	fn expect(&mut self, t: Tok) -> Result<(), Error> {
		if self.next() == Some(t) {
			Ok(())
		} else {
			Err(Error::PolicyParse)
		}
	}

	fn expr(&mut self, depth: usize) -> Result<Ast, Error> {
		if depth > MAX_PARSE_DEPTH {
			return Err(Error::TooLarge);
		}
		let mut items = alloc::vec![self.term(depth)?];
		while is_kw(self.peek(), &["or", "||"]) {
			self.pos += 1;
			items.push(self.term(depth)?);
		}
		Ok(gate(1, items, true))
	}

	fn term(&mut self, depth: usize) -> Result<Ast, Error> {
		let mut items = alloc::vec![self.factor(depth)?];
		while is_kw(self.peek(), &["and", "&&"]) {
			self.pos += 1;
			items.push(self.factor(depth)?);
		}
		let n = items.len();
		Ok(gate(n, items, false))
	}

	fn factor(&mut self, depth: usize) -> Result<Ast, Error> {
		match self.next() {
			Some(Tok::LParen) => {
				let e = self.expr(depth + 1)?;
				self.expect(Tok::RParen)?;
				Ok(e)
			},
			Some(Tok::Word(w)) => {
				// Threshold: `2of(` or `2 of (`.
				let lower = w.to_ascii_lowercase();
				let k_str = if let Some(k) = lower.strip_suffix("of") {
					Some(String::from(k))
				} else if lower.chars().all(|c| c.is_ascii_digit()) && is_kw(self.peek(), &["of"]) {
					self.pos += 1;
					Some(lower.clone())
				} else {
					None
				};
				if let Some(k) =
					k_str.filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_digit()))
				{
					let k: usize = k.parse().map_err(|_| Error::PolicyParse)?;
					self.expect(Tok::LParen)?;
					let mut items = alloc::vec![self.expr(depth + 1)?];
					while self.peek() == Some(&Tok::Comma) {
						self.pos += 1;
						items.push(self.expr(depth + 1)?);
					}
					self.expect(Tok::RParen)?;
					if k == 0 || k > items.len() || items.len() > MAX_GATE_CHILDREN as usize {
						return Err(Error::PolicyParse);
					}
					return Ok(Ast::Gate(k, items));
				}
				self.attribute(w)
			},
			_ => Err(Error::PolicyParse),
		}
	}

	/// An attribute, possibly a comparison split over several words (`grade >= 12`).
	fn attribute(&mut self, mut w: String) -> Result<Ast, Error> {
		if is_kw(Some(&Tok::Word(w.clone())), &["and", "or", "&&", "||", "of"]) {
			return Err(Error::PolicyParse);
		}
		while let Some(Tok::Word(n)) = self.peek() {
			let glue = w.ends_with(">=") || w.ends_with('>') || n.starts_with('>');
			if !glue || is_kw(self.peek(), &["and", "or", "&&", "||"]) {
				break;
			}
			let n = n.clone();
			self.pos += 1;
			w.push_str(&n);
		}
		Ok(Ast::Leaf(normalize(&w)?))
	}
}

/// `x>=7` stays, `x>6` becomes `x>=7`; other attributes are taken verbatim.
fn normalize(w: &str) -> Result<String, Error> {
	let out = if let Some((name, num)) = w.split_once(">=") {
		let k: u32 = num.parse().map_err(|_| Error::PolicyParse)?;
		if name.is_empty() {
			return Err(Error::PolicyParse);
		}
		format!("{name}>={k}")
	} else if let Some((name, num)) = w.split_once('>') {
		let k: u32 = num.parse().map_err(|_| Error::PolicyParse)?;
		if name.is_empty() {
			return Err(Error::PolicyParse);
		}
		format!("{name}>={}", k.checked_add(1).ok_or(Error::PolicyParse)?)
	} else {
		String::from(w)
	};
	if out.is_empty() || out.len() > MAX_ATTRIBUTE_LEN as usize {
		return Err(Error::PolicyParse);
	}
	Ok(out)
}

/// Builds a gate, merging nested gates of the same kind (AND of AND, OR of OR).
fn gate(k: usize, items: Vec<Ast>, is_or: bool) -> Ast {
	if items.len() == 1 {
		return items.into_iter().next().unwrap_or(Ast::Gate(1, Vec::new()));
	}
	let n = items.len();
	let mut flat = Vec::new();
	for it in items {
		match it {
			Ast::Gate(kk, ch) if is_or && kk == 1 => flat.extend(ch),
			Ast::Gate(kk, ch) if !is_or && kk == ch.len() => flat.extend(ch),
			other => flat.push(other),
		}
	}
	let k = if is_or {
		1
	} else if k == n {
		flat.len()
	} else {
		k
	};
	Ast::Gate(k, flat)
}

fn emit(ast: &Ast, nodes: &mut Vec<PolicyNode>) -> Result<u8, Error> {
	match ast {
		Ast::Leaf(a) => {
			nodes.push(PolicyNode::Leaf(
				a.as_bytes().to_vec().try_into().map_err(|_| Error::TooLarge)?,
			));
		},
		Ast::Gate(k, ch) => {
			if ch.len() > MAX_GATE_CHILDREN as usize {
				return Err(Error::TooLarge);
			}
			let mut idx = Vec::with_capacity(ch.len());
			for c in ch {
				idx.push(emit(c, nodes)?);
			}
			nodes.push(PolicyNode::Gate {
				threshold: u8::try_from(*k).map_err(|_| Error::TooLarge)?,
				children: idx.try_into().map_err(|_| Error::TooLarge)?,
			});
		},
	}
	if nodes.len() > super::policy::MAX_POLICY_NODES as usize {
		return Err(Error::TooLarge);
	}
	Ok((nodes.len() - 1) as u8)
}

impl Policy {
	/// Parses policy text.
	pub fn parse(text: &str) -> Result<Policy, Error> {
		if text.len() > 4096 {
			return Err(Error::TooLarge);
		}
		let mut p = Parser { toks: lex(text)?, pos: 0 };
		let ast = p.expr(0)?;
		if p.pos != p.toks.len() {
			return Err(Error::PolicyParse);
		}
		let mut nodes = Vec::new();
		emit(&ast, &mut nodes)?;
		Policy::new(nodes).map_err(|e| match e {
			super::policy::PolicyError::TooLarge => Error::TooLarge,
			_ => Error::PolicyParse,
		})
	}
}

/// Lowest and highest doctor title and hospital grade in S2.
pub const TITLE_RANGE: (u8, u8) = (1, 4);
/// Hospital grades in S2.
pub const GRADE_RANGE: (u8, u8) = (5, 14);

/// S2's default policy for a record written by a doctor of title `t` at a hospital of grade `g`,
/// with MedChain's emergency branch and key epoch:
///
/// `epoch:N and ((grade>=g and title>=t) or (grade>=g+1 and title>=t-1) or emergency)`
///
/// * `title>=t-1` is dropped when `t-1 < 1` (every doctor holds `title>=1`), and the second
///   branch is dropped when `g+1` exceeds the highest grade (14).
/// * `emergency` is an attribute the key service puts only in break-glass keys (time-limited,
///   logged on chain); ANDing the epoch means keys of a revoked epoch open nothing new.
pub fn s2_default_policy(title: u8, grade: u8, epoch: u32) -> Result<Policy, Error> {
	if !(TITLE_RANGE.0..=TITLE_RANGE.1).contains(&title)
		|| !(GRADE_RANGE.0..=GRADE_RANGE.1).contains(&grade)
	{
		return Err(Error::InvalidParameter);
	}
	let mut branches = alloc::vec![format!("(grade>={grade} and title>={title})")];
	if grade < GRADE_RANGE.1 {
		if title > TITLE_RANGE.0 {
			branches.push(format!("(grade>={} and title>={})", grade + 1, title - 1));
		} else {
			branches.push(format!("grade>={}", grade + 1));
		}
	}
	branches.push(String::from("emergency"));
	Policy::parse(&format!("epoch:{epoch} and ({})", branches.join(" or ")))
}

impl core::fmt::Display for Policy {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		fn go(p: &Policy, i: usize, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
			match &p.nodes()[i] {
				PolicyNode::Leaf(a) => write!(f, "{}", String::from_utf8_lossy(a)),
				PolicyNode::Gate { threshold, children } => {
					let n = children.len();
					let sep = if *threshold == 1 {
						" or "
					} else if *threshold as usize == n {
						" and "
					} else {
						write!(f, "{threshold}of")?;
						", "
					};
					write!(f, "(")?;
					for (j, c) in children.iter().enumerate() {
						if j > 0 {
							write!(f, "{sep}")?;
						}
						go(p, *c as usize, f)?;
					}
					write!(f, ")")
				},
			}
		}
		go(self, self.root(), f)
	}
}
