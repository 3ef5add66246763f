//! Monotone span programs (LSSS matrices) from policies, and reconstruction coefficients.
//!
//! Construction (target vector `(1, 0, …, 0)`), processed root-first over the flat node list
//! (no recursion):
//! * OR (1-of-n): every child gets the parent's vector.
//! * AND (n-of-n), Lewko–Waters: with `n-1` fresh columns `c_1..c_{n-1}`, the first child gets
//!   `v + e_{c_1} + … + e_{c_{n-1}}`, child `k+1` gets `-e_{c_k}` (the shares sum to the secret).
//! * k-of-n threshold (1 < k < n), Shamir / Vandermonde: `k-1` fresh columns; child `i`
//!   (abscissa `x = i+1`) gets `v + Σ_{m=1}^{k-1} x^m e_{c_m}`.
//!
//! Reconstruction walks the tree as well: a minimal satisfying set of leaves is chosen bottom-up,
//! then coefficients are pushed top-down (1 for OR/AND, Lagrange coefficients at 0 for
//! thresholds), so `Σ γ_i M_i = (1, 0, …, 0)` (checked in tests).
//!
//! Why hand-written: no maintained Rust crate derives LSSS matrices from policies.

use super::policy::{Policy, PolicyNode, MAX_POLICY_NODES};
use ark_bls12_381::Fr;
use ark_ff::{Field, One, Zero};

/// The MSP of a policy: one row per leaf (in node order).
#[derive(Clone, Debug)]
pub struct Msp {
	/// Rows, all of length `cols`.
	pub rows: Vec<Vec<Fr>>,
	/// Node index of each row's leaf.
	pub row_node: Vec<usize>,
	/// Number of columns.
	pub cols: usize,
}

impl Msp {
	/// Builds the MSP of a policy.
	pub fn from_policy(p: &Policy) -> Msp {
		let nodes = p.nodes();
		let mut vecs: Vec<Vec<Fr>> = vec![Vec::new(); nodes.len()];
		vecs[p.root()] = vec![Fr::one()];
		let mut cols = 1usize;
		for i in (0..nodes.len()).rev() {
			let PolicyNode::Gate { threshold, children } = &nodes[i] else {
				continue;
			};
			let v = core::mem::take(&mut vecs[i]);
			let n = children.len();
			let k = *threshold as usize;
			if k == 1 {
				for c in children.iter() {
					vecs[*c as usize] = v.clone();
				}
			} else if k == n {
				let base = cols;
				cols += n - 1;
				for (j, c) in children.iter().enumerate() {
					let mut w = if j == 0 { v.clone() } else { Vec::new() };
					w.resize(cols, Fr::zero());
					if j == 0 {
						for m in 0..n - 1 {
							w[base + m] = Fr::one();
						}
					} else {
						w[base + j - 1] = -Fr::one();
					}
					vecs[*c as usize] = w;
				}
			} else {
				let base = cols;
				cols += k - 1;
				for (j, c) in children.iter().enumerate() {
					let x = Fr::from((j + 1) as u64);
					let mut w = v.clone();
					w.resize(cols, Fr::zero());
					let mut xp = x;
					for m in 0..k - 1 {
						w[base + m] = xp;
						xp *= x;
					}
					vecs[*c as usize] = w;
				}
			}
		}
		let mut rows = Vec::new();
		let mut row_node = Vec::new();
		for (i, _) in p.leaves() {
			let mut r = core::mem::take(&mut vecs[i]);
			r.resize(cols, Fr::zero());
			rows.push(r);
			row_node.push(i);
		}
		Msp { rows, row_node, cols }
	}
}

/// Reconstruction coefficients for an attribute set: `(row index, γ)` for a minimal satisfying
/// set of leaves, or `None` if the policy is not satisfied.
pub fn reconstruction(p: &Policy, has: impl Fn(&[u8]) -> bool) -> Option<Vec<(usize, Fr)>> {
	let nodes = p.nodes();
	const N: usize = MAX_POLICY_NODES as usize;
	// Bottom-up: minimal number of leaves needed to satisfy each node.
	let mut cost: [Option<u32>; N] = [None; N];
	for (i, n) in nodes.iter().enumerate() {
		cost[i] = match n {
			PolicyNode::Leaf(a) => has(a).then_some(1),
			PolicyNode::Gate { threshold, children } => {
				let mut cs: Vec<u32> = children.iter().filter_map(|c| cost[*c as usize]).collect();
				if cs.len() < *threshold as usize {
					None
				} else {
					cs.sort_unstable();
					Some(cs[..*threshold as usize].iter().sum())
				}
			},
		};
	}
	cost[p.root()]?;
	// Row number of each leaf node.
	let mut row_of = [usize::MAX; N];
	for (r, (i, _)) in p.leaves().enumerate() {
		row_of[i] = r;
	}
	// Top-down with an explicit stack.
	let mut out = Vec::new();
	let mut stack = vec![(p.root(), Fr::one())];
	while let Some((i, coef)) = stack.pop() {
		match &nodes[i] {
			PolicyNode::Leaf(_) => out.push((row_of[i], coef)),
			PolicyNode::Gate { threshold, children } => {
				let k = *threshold as usize;
				let n = children.len();
				// Choose the k cheapest satisfied children (position j, node index).
				let mut sat: Vec<(u32, usize, usize)> = children
					.iter()
					.enumerate()
					.filter_map(|(j, c)| cost[*c as usize].map(|w| (w, j, *c as usize)))
					.collect();
				sat.sort_unstable();
				sat.truncate(k);
				if k == 1 || k == n {
					for (_, _, c) in sat {
						stack.push((c, coef));
					}
				} else {
					// Lagrange at 0 over abscissae x_j = j + 1.
					let xs: Vec<Fr> =
						sat.iter().map(|(_, j, _)| Fr::from((*j + 1) as u64)).collect();
					for (a, (_, _, c)) in sat.iter().enumerate() {
						let mut num = Fr::one();
						let mut den = Fr::one();
						for (b, xb) in xs.iter().enumerate() {
							if a != b {
								num *= xb;
								den *= *xb - xs[a];
							}
						}
						let lam = num * den.inverse().unwrap_or_default();
						stack.push((*c, coef * lam));
					}
				}
			},
		}
	}
	out.sort_by_key(|(r, _)| *r);
	Some(out)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn check(p: &str, attrs: &[&str]) -> bool {
		let pol = Policy::parse(p).unwrap();
		let msp = Msp::from_policy(&pol);
		let has = |a: &[u8]| attrs.iter().any(|x| x.as_bytes() == a);
		let plain = pol.eval_with(has);
		match reconstruction(&pol, has) {
			None => {
				assert!(!plain, "{p} {attrs:?}");
				false
			},
			Some(g) => {
				assert!(plain);
				let mut sum = vec![Fr::zero(); msp.cols];
				for (r, c) in &g {
					let PolicyNode::Leaf(a) = &pol.nodes()[msp.row_node[*r]] else { panic!() };
					assert!(has(a));
					for (s, m) in sum.iter_mut().zip(&msp.rows[*r]) {
						*s += *c * m;
					}
				}
				let mut target = vec![Fr::zero(); msp.cols];
				target[0] = Fr::one();
				assert_eq!(sum, target, "{p} {attrs:?}");
				true
			},
		}
	}

	#[test]
	fn reconstruction_hits_target() {
		assert!(check("a and b", &["a", "b"]));
		assert!(!check("a and b", &["a"]));
		assert!(check("a or b", &["b"]));
		assert!(check("2of(a, b, c)", &["a", "c"]));
		assert!(check("2of(a, b, c)", &["b", "c"]));
		assert!(!check("2of(a, b, c)", &["c"]));
		assert!(check("3of(a, b and x, c, d or e)", &["a", "b", "x", "e"]));
		assert!(check("(grade>=12 and title>=3) or doctor:5Grw", &["doctor:5Grw"]));
		assert!(check(
			"epoch:1 and ((g and t) or (g2 and t2) or emergency)",
			&["epoch:1", "g2", "t2"]
		));
		assert!(!check("epoch:1 and ((g and t) or emergency)", &["g", "t", "emergency"]));
	}
}
