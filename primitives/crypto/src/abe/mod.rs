//! Attribute-based access control: policies (no_std), MSP/LSSS, and FAME CP-ABE.
//!
//! * [`policy`] / [`parse`] (no_std): a policy is a flat, bounded, validated node list; the
//!   runtime evaluates `doctor attributes vs policy` with [`Policy::is_satisfied_by`] without
//!   any cryptography. Numeric comparisons use unary attributes ([`unary_attributes`]): a doctor
//!   at a grade-13 hospital holds `grade>=5` … `grade>=13`. [`s2_default_policy`] builds S2's
//!   default policy with MedChain's emergency branch and key epoch.
//! * [`msp`] (std): LSSS matrices (Lewko–Waters for AND/OR, Vandermonde for thresholds).
//! * [`fame`] (std): FAME on BLS12-381 as a KEM; [`wrap_key`] / [`unwrap_key`] protect a record's
//!   32-byte data key with AES-256-GCM under the encapsulated key.

pub mod parse;
pub mod policy;

pub use parse::{s2_default_policy, GRADE_RANGE, MAX_PARSE_DEPTH, TITLE_RANGE};
pub use policy::{
	unary_attributes, Attribute, Policy, PolicyError, PolicyNode, MAX_ATTRIBUTE_LEN,
	MAX_GATE_CHILDREN, MAX_POLICY_LEAVES, MAX_POLICY_NODES,
};

#[cfg(feature = "std")]
mod curve;
#[cfg(feature = "std")]
pub mod fame;
#[cfg(feature = "std")]
mod hashes;
#[cfg(feature = "std")]
pub mod msp;

/// Attribute set of a doctor under S2's attributes: unary title and grade, the key epoch, the
/// doctor's own id attribute and any extra attributes (the registrar's allowlisted roles,
/// `emergency` for break-glass keys).
pub fn doctor_attributes(
	title: u8,
	grade: u8,
	epoch: u32,
	doctor_id: &str,
	extra: &[&str],
) -> alloc::vec::Vec<alloc::string::String> {
	let mut v = unary_attributes("title", title as u32, TITLE_RANGE.0 as u32);
	v.extend(unary_attributes("grade", grade as u32, GRADE_RANGE.0 as u32));
	v.push(alloc::format!("epoch:{epoch}"));
	v.push(alloc::format!("doctor:{doctor_id}"));
	v.extend(extra.iter().map(|s| alloc::string::String::from(*s)));
	v
}

#[cfg(feature = "std")]
mod wrap;
#[cfg(feature = "std")]
pub use wrap::{unwrap_key, wrap_key, AbeWrappedKey};

#[cfg(all(test, feature = "std"))]
mod tests;
