//! The rule every attribute on the registrar's allowlist obeys.
//!
//! Doctors may hold, and record policies may name, only the attributes the chain derives itself
//! (title, grade, key epoch, the doctor's identity) and the attributes on the registrar's
//! allowlist ([`crate::AllowedAttributes`]). DESIGN.md "Access needs a basis" wants nothing on
//! chain to map a doctor to a department, so the allowlist refuses what would forge a derived
//! attribute, what looks like a department, and what a policy could not name as one attribute.
//!
//! An attribute may be allowlisted if and only if it
//!
//! 1. is valid UTF-8, not empty, and contains no whitespace and no parentheses;
//! 2. is not one of the policy language's words `and` / `or` (in any case) and does not start
//!    with a prefix of [`medchain_primitives::DERIVED_ATTRIBUTE_PREFIXES`] (in any case): those
//!    are the chain's to give ([`AttributeRefusal::Reserved`]);
//! 3. does not look like a department: it starts neither with `department` nor with `dept`
//!    followed by anything but a letter (`dept:3`, `dept-icu`, `dept_7`, `DEPT`), in any case
//!    ([`AttributeRefusal::Department`]);
//! 4. is read by the policy parser ([`medchain_crypto::abe::Policy::parse`]) as exactly this one
//!    attribute, so that a policy can name it: this refuses commas, `&&`, `||`, `of`, `2of`,
//!    comparisons the parser rewrites (`x>6`), characters outside printable ASCII and
//!    attributes longer than the parser's limit.
//!
//! Rules 1 and 4 refuse with [`AttributeRefusal::Malformed`].

use medchain_crypto::abe::{Policy, PolicyNode};
use medchain_primitives::DERIVED_ATTRIBUTE_PREFIXES;

/// Why an attribute may not be put on the allowlist.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AttributeRefusal {
	/// A derived attribute's prefix or a word of the policy language.
	Reserved,
	/// It looks like a department.
	Department,
	/// Not one word a policy can name: not UTF-8, empty, whitespace, parentheses, or not read
	/// back by the policy parser as itself.
	Malformed,
}

/// The policy language's own words, which can never be an attribute.
const POLICY_WORDS: [&str; 2] = ["and", "or"];

/// Checks `attribute` against the allowlist rule (see the module documentation).
pub fn check_attribute(attribute: &[u8]) -> Result<(), AttributeRefusal> {
	let text = core::str::from_utf8(attribute).map_err(|_| AttributeRefusal::Malformed)?;
	if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c == '(' || c == ')') {
		return Err(AttributeRefusal::Malformed);
	}
	if POLICY_WORDS.iter().any(|word| text.eq_ignore_ascii_case(word))
		|| DERIVED_ATTRIBUTE_PREFIXES.iter().any(|prefix| starts_with_ignore_case(text, prefix))
	{
		return Err(AttributeRefusal::Reserved);
	}
	if looks_like_department(text) {
		return Err(AttributeRefusal::Department);
	}
	if !parses_as_itself(text) {
		return Err(AttributeRefusal::Malformed);
	}
	Ok(())
}

/// `department…` or `dept` not followed by a letter, ignoring ASCII case. `dept` followed by a
/// letter (`deputy`, `depth`) is an ordinary word.
fn looks_like_department(text: &str) -> bool {
	if starts_with_ignore_case(text, "department") {
		return true;
	}
	if !starts_with_ignore_case(text, "dept") {
		return false;
	}
	// "dept" is ASCII, so byte 4 starts the next character, if there is one.
	!text.get(4..).and_then(|rest| rest.chars().next()).is_some_and(|c| c.is_alphabetic())
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
	text.as_bytes()
		.get(..prefix.len())
		.is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether the policy parser reads `text` as a policy of one leaf, `text` itself.
fn parses_as_itself(text: &str) -> bool {
	Policy::parse(text).is_ok_and(|policy| match policy.nodes() {
		[PolicyNode::Leaf(leaf)] => leaf[..] == *text.as_bytes(),
		_ => false,
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn check(attribute: &str) -> Result<(), AttributeRefusal> {
		check_attribute(attribute.as_bytes())
	}

	#[test]
	fn roles_pass() {
		for attribute in ["emergency", "surgeon", "attending", "on-call", "deputy", "depth_3"] {
			assert_eq!(check(attribute), Ok(()), "{attribute}");
		}
	}

	#[test]
	fn derived_prefixes_and_policy_words_are_reserved() {
		for attribute in ["title>=4", "grade>=14", "epoch:3", "doctor:00", "Title>=1", "AND", "or"]
		{
			assert_eq!(check(attribute), Err(AttributeRefusal::Reserved), "{attribute}");
		}
	}

	#[test]
	fn departments_are_refused() {
		for attribute in ["dept:3", "DEPT:cardiology", "dept", "dept-icu", "dept_7", "Department12"]
		{
			assert_eq!(check(attribute), Err(AttributeRefusal::Department), "{attribute}");
		}
	}

	#[test]
	fn what_a_policy_cannot_name_is_malformed() {
		for attribute in [
			"",
			"on call",
			"tab\there",
			"a(b",
			"b)",
			"a,b",
			"&&",
			"||",
			"of",
			"2of",
			"x>6",
			"ünfall",
		] {
			assert_eq!(check(attribute), Err(AttributeRefusal::Malformed), "{attribute:?}");
		}
		assert_eq!(check_attribute(&[0xff, 0xfe]), Err(AttributeRefusal::Malformed));
		assert_eq!(check(&"a".repeat(81)), Err(AttributeRefusal::Malformed));
	}
}
