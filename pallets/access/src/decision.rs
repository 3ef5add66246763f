//! The access decision, as pure functions of plain inputs: a doctor's attribute set, the
//! consent verdict and the decision for one entry. Nothing here reads storage; the pallet
//! gathers the inputs ([`crate::Pallet::attributes_of`], [`crate::Pallet::consent_verdict`])
//! and these functions decide, so each rule is unit-tested here on its own.
//!
//! **Decisions** ([`decide`]) for one entry `(patient, seq)`, in this order:
//! 1. [`DenialReason::UnknownEntry`] if the EMR chain has no such entry;
//! 2. [`DenialReason::Erased`] if it was erased;
//! 3. [`DenialReason::MalformedPolicy`] if its policy bytes are not a UTF-8 policy text that
//!    [`medchain_crypto::abe::Policy::parse`] accepts (the parser is no_std and runs in wasm);
//! 4. [`DenialReason::PolicyNotSatisfied`] unless the doctor's attribute set (below) satisfies
//!    the policy;
//! 5. otherwise [`Decision::Granted`].
//!
//! Consent is not decided per entry: it is one possible basis of the whole request, checked
//! before any entry is decided ([`consent_verdict`] over the consents in force).
//!
//! **The attribute set** ([`attribute_set`], a contract with the key service, which issues ABE
//! user keys with the same attributes): [`medchain_crypto::abe::doctor_attributes`] with
//! - `title>=1` ..= `title>=t` for the doctor's title `t`,
//! - `grade>=5` ..= `grade>=g` for the grade `g` of the doctor's hospital,
//! - `epoch:N` for the current key epoch `N` (absent while no epoch has started),
//! - `doctor:<hex>`: 64 lowercase hex digits of [`account_bytes`] of the doctor,
//! - the doctor's registry attributes that are valid UTF-8 and do not start with a reserved
//!   prefix ([`RESERVED_ATTRIBUTE_PREFIXES`]), except [`EMERGENCY_ATTRIBUTE`], which counts only
//!   for break-glass requests (the key service puts it only into break-glass keys).

use alloc::{string::String, vec::Vec};
use medchain_crypto::abe::{doctor_attributes, Policy};
use medchain_primitives::EntryInfo;

use crate::{ConsentMode, Decision, DenialReason};

/// The registry attribute that allows break-glass access and counts only in break-glass
/// requests.
pub const EMERGENCY_ATTRIBUTE: &str = "emergency";

/// Attribute prefixes the chain derives itself; registry attributes starting with them are
/// ignored, so a registry entry can never forge a title, grade, epoch or identity (the
/// registry's allowlist refuses them too).
pub const RESERVED_ATTRIBUTE_PREFIXES: [&str; 4] = medchain_primitives::DERIVED_ATTRIBUTE_PREFIXES;

/// The 32 bytes that stand for an account in SHVE tokens and ABE attributes: its SCALE encoding
/// if that is 32 bytes long (an `AccountId32`), else BLAKE2b-256 of the encoding.
pub fn account_bytes<A: codec::Encode>(who: &A) -> [u8; 32] {
	let encoded = who.encode();
	match <[u8; 32]>::try_from(encoded.as_slice()) {
		Ok(bytes) => bytes,
		Err(_) => sp_io::hashing::blake2_256(&encoded),
	}
}

/// Lowercase hexadecimal digits of `bytes`.
pub fn hex_of(bytes: &[u8]) -> String {
	const DIGITS: &[u8; 16] = b"0123456789abcdef";
	let mut out = String::with_capacity(bytes.len().saturating_mul(2));
	for b in bytes {
		out.push(char::from(DIGITS[usize::from(b >> 4)]));
		out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
	}
	out
}

/// Whether a doctor's registry attributes hold [`EMERGENCY_ATTRIBUTE`] (break-glass access).
pub fn holds_emergency(registry_attributes: &[Vec<u8>]) -> bool {
	registry_attributes.iter().any(|a| a[..] == *EMERGENCY_ATTRIBUTE.as_bytes())
}

/// The attribute set of a doctor (a contract with the key service, see the crate
/// documentation): `title>=1..=title`, `grade>=5..=grade`, `epoch:N` if a key epoch `N` is in
/// force, `doctor:<64 hex digits of account>` and the registry attributes that are valid UTF-8
/// and do not start with a reserved prefix, `emergency` only if `emergency` (a break-glass
/// request).
pub fn attribute_set(
	account: &[u8; 32],
	title: u8,
	grade: u8,
	epoch: Option<u32>,
	registry_attributes: &[Vec<u8>],
	emergency: bool,
) -> Vec<String> {
	let extras: Vec<&str> = registry_attributes
		.iter()
		.filter_map(|a| core::str::from_utf8(a).ok())
		.filter(|a| !RESERVED_ATTRIBUTE_PREFIXES.iter().any(|p| a.starts_with(p)))
		.filter(|a| emergency || *a != EMERGENCY_ATTRIBUTE)
		.collect();
	let mut attributes =
		doctor_attributes(title, grade, epoch.unwrap_or_default(), &hex_of(account), &extras);
	if epoch.is_none() {
		// Extras never start with `epoch:`, so this removes only the derived one.
		attributes.retain(|a| !a.starts_with("epoch:"));
	}
	attributes
}

/// The consent verdict in `mode`, given whether each consent in force that covers the
/// requester (their doctor scope, their hospital) and the request's purpose grants (`true`) or
/// refuses (`false`): a refusal denies ([`DenialReason::ConsentRefused`], refusals win); in
/// [`ConsentMode::Explicit`] a grant is required ([`DenialReason::ConsentMissing`]). Stops at
/// the first refusal, so a lazy iterator reads no further.
pub fn consent_verdict(
	mode: ConsentMode,
	in_force: impl IntoIterator<Item = bool>,
) -> Option<DenialReason> {
	let mut granted = false;
	for grants in in_force {
		if !grants {
			return Some(DenialReason::ConsentRefused);
		}
		granted = true;
	}
	(mode == ConsentMode::Explicit && !granted).then_some(DenialReason::ConsentMissing)
}

/// The decision for one entry, given the entry if the EMR chain has it and the doctor's
/// attribute set, in the order of the module documentation: unknown entry, erased, malformed
/// policy, policy not satisfied.
pub fn decide<AccountId>(entry: Option<&EntryInfo<AccountId>>, attributes: &[String]) -> Decision {
	let Some(entry) = entry else {
		return Decision::Denied(DenialReason::UnknownEntry);
	};
	if entry.erased {
		return Decision::Denied(DenialReason::Erased);
	}
	let Some(policy) =
		core::str::from_utf8(&entry.policy).ok().and_then(|text| Policy::parse(text).ok())
	else {
		return Decision::Denied(DenialReason::MalformedPolicy);
	};
	if !policy.is_satisfied_by(attributes) {
		return Decision::Denied(DenialReason::PolicyNotSatisfied);
	}
	Decision::Granted
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::{format, string::ToString};

	const POLICY: &[u8] =
		b"epoch:0 and ((grade>=10 and title>=2) or (grade>=11 and title>=1) or emergency)";

	fn entry(policy: &[u8], erased: bool) -> EntryInfo<u64> {
		EntryInfo { provider: 1, shve_commitment: [0; 32], policy: policy.to_vec(), erased }
	}

	fn strings(list: &[&str]) -> Vec<String> {
		list.iter().map(|s| s.to_string()).collect()
	}

	#[test]
	fn the_attribute_set_is_derived_and_filtered() {
		let account = [0xab; 32];
		let registry: Vec<Vec<u8>> = [
			&b"surgeon"[..],
			b"grade>=14",
			b"epoch:9",
			b"doctor:x",
			b"title>=4",
			&[0xff],
			b"emergency",
		]
		.iter()
		.map(|a| a.to_vec())
		.collect();
		let mut expected =
			strings(&["title>=1", "title>=2", "grade>=5", "grade>=6", "grade>=7", "epoch:3"]);
		expected.push(format!("doctor:{}", "ab".repeat(32)));
		expected.push("surgeon".into());
		assert_eq!(attribute_set(&account, 2, 7, Some(3), &registry, false), expected);
		expected.push("emergency".into());
		assert_eq!(attribute_set(&account, 2, 7, Some(3), &registry, true), expected);
		// No epoch attribute before the first key epoch.
		let without = attribute_set(&account, 2, 7, None, &registry, true);
		assert!(!without.iter().any(|a| a.starts_with("epoch:")));
		assert_eq!(without.len(), expected.len() - 1);
	}

	#[test]
	fn the_emergency_attribute_is_recognised_exactly() {
		assert!(holds_emergency(&[b"surgeon".to_vec(), b"emergency".to_vec()]));
		assert!(!holds_emergency(&[b"emergency:x".to_vec(), b"Emergency".to_vec()]));
		assert!(!holds_emergency(&[]));
	}

	#[test]
	fn refusals_win_and_explicit_mode_needs_a_grant() {
		use ConsentMode::*;
		assert_eq!(consent_verdict(Implied, []), None);
		assert_eq!(consent_verdict(Implied, [true]), None);
		assert_eq!(consent_verdict(Implied, [true, false]), Some(DenialReason::ConsentRefused));
		assert_eq!(consent_verdict(Explicit, []), Some(DenialReason::ConsentMissing));
		assert_eq!(consent_verdict(Explicit, [true]), None);
		assert_eq!(consent_verdict(Explicit, [false, true]), Some(DenialReason::ConsentRefused));
		// The first refusal ends the scan.
		let mut read = 0;
		let verdict =
			consent_verdict(Explicit, [false, true, true].into_iter().inspect(|_| read += 1));
		assert_eq!((verdict, read), (Some(DenialReason::ConsentRefused), 1));
	}

	#[test]
	fn decisions_follow_the_documented_order() {
		let senior = strings(&["title>=1", "title>=2", "grade>=10", "epoch:0"]);
		let junior = strings(&["title>=1", "grade>=5", "epoch:0"]);
		let denied = Decision::Denied;
		assert_eq!(decide::<u64>(None, &senior), denied(DenialReason::UnknownEntry));
		assert_eq!(
			decide(Some(&entry(b"(grade>=10 and", true)), &senior),
			denied(DenialReason::Erased)
		);
		for malformed in [&b"(grade>=10 and"[..], &[0xff, 0xfe][..], &b"title>=3 and and"[..]] {
			assert_eq!(
				decide(Some(&entry(malformed, false)), &senior),
				denied(DenialReason::MalformedPolicy)
			);
		}
		assert_eq!(
			decide(Some(&entry(POLICY, false)), &junior),
			denied(DenialReason::PolicyNotSatisfied)
		);
		assert_eq!(decide(Some(&entry(POLICY, false)), &senior), Decision::Granted);
		let mut emergency = junior.clone();
		emergency.push("emergency".into());
		assert_eq!(decide(Some(&entry(POLICY, false)), &emergency), Decision::Granted);
	}

	#[test]
	fn account_bytes_are_the_encoding_of_32_byte_accounts() {
		use codec::Encode;
		let account = sp_runtime::AccountId32::new([7; 32]);
		assert_eq!(account_bytes(&account), [7; 32]);
		assert_eq!(account_bytes(&40u64), sp_io::hashing::blake2_256(&40u64.encode()));
		assert_eq!(hex_of(&[0x00, 0xab, 0x7f]), "00ab7f");
	}
}
