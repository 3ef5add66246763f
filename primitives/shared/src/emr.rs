//! What other pallets may know of the EMR index chain.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

use crate::Seq;

/// The outcome of checking a storage provider's proof of possession of an entry's ciphertext
/// against the keys and file parameters on chain (the EMR runtime API `check_possession`).
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo)]
pub enum PossessionCheck {
	/// The proof verifies under the PDP key that tagged the entry.
	#[codec(index = 0)]
	Valid,
	/// The proof does not verify (wrong, forged, malformed or off-subgroup).
	#[codec(index = 1)]
	Invalid,
	/// No entry at this position.
	#[codec(index = 2)]
	UnknownEntry,
	/// The entry was erased; its ciphertext is no longer owed.
	#[codec(index = 3)]
	Erased,
	/// The file parameters are not the ones the entry committed to.
	#[codec(index = 4)]
	FileParamsMismatch,
	/// The PDP key version that tagged the entry is not registered for its hospital.
	#[codec(index = 5)]
	UnknownKey,
}

/// An EMR entry as access decisions need it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EntryInfo<AccountId> {
	/// The storage provider holding the record.
	pub provider: AccountId,
	/// Hash of the record's SHVE ciphertext (`blake2_256(SCALE(ciphertext))`).
	pub shve_commitment: [u8; 32],
	/// The encoded CP-ABE policy of the record's key.
	pub policy: Vec<u8>,
	/// Whether the entry was erased (crypto-shredded).
	pub erased: bool,
}

/// The entries of patients' EMR chains.
pub trait EmrIndex<AccountId> {
	/// Entry `seq` of `patient`'s chain, if it exists.
	fn entry(patient: &AccountId, seq: Seq) -> Option<EntryInfo<AccountId>>;
	/// The positions of the entries `provider` hosts for `patient`, in the order they were
	/// appended (the order a search fulfilment must follow).
	fn hosted_by(patient: &AccountId, provider: &AccountId) -> Vec<Seq>;
}
