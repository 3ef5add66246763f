//! The entries of a patient's EMR index chain.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_medchain_registry::HospitalId;
use scale_info::TypeInfo;

use crate::Config;

/// Position of an entry in its patient's chain, from 0.
pub type Seq = u32;

/// A 32-byte hash (BLAKE2b-256 for chain links, SHA-256 or BLAKE2b for content hashes).
pub type Hash32 = [u8; 32];

/// What the PDP auditor needs to know of a record: its block count and a hash of the tagging
/// parameters (file name, sectors per block), which the provider must present with each proof.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct PdpFile {
	/// Number of PDP blocks the record was tagged in.
	pub blocks: u32,
	/// Hash of the tagging parameters.
	pub params_hash: Hash32,
}

/// A record entry as the hospital's record service submits it.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound(T: Config))]
pub struct NewEntry<T: Config> {
	/// The storage provider holding the ciphertext.
	pub provider: T::AccountId,
	/// Where the provider keeps it (object key), opaque to the chain.
	pub locator: BoundedVec<u8, T::MaxLocatorLen>,
	/// Hash of the whole envelope ciphertext, so a reader can check what the provider served.
	pub ciphertext_hash: Hash32,
	/// Ciphertext size in bytes.
	pub size: u64,
	/// PDP parameters of the stored record.
	pub pdp_file: PdpFile,
	/// Hash of the record's SHVE ciphertext: a fulfilment must present ciphertexts hashing to
	/// it, so the provider cannot swap the searchable index.
	pub shve_commitment: Hash32,
	/// The encoded CP-ABE policy of the record's key.
	pub policy: BoundedVec<u8, T::MaxPolicyLen>,
	/// A public description that names neither department nor diagnosis.
	pub description: BoundedVec<u8, T::MaxDescriptionLen>,
	/// The entry this one amends, if it is an amendment.
	pub supersedes: Option<Seq>,
}

impl<T: Config> NewEntry<T> {
	/// Bytes in the variable-length fields (locator, policy, description): what, besides the
	/// number of records, the cost of appending scales with.
	pub fn variable_len(&self) -> u32 {
		(self.locator.len() + self.policy.len() + self.description.len()) as u32
	}

	/// The largest [`Self::variable_len`] the bounds allow: the top of the weight's byte
	/// component, per record.
	pub fn max_variable_len() -> u32 {
		T::MaxLocatorLen::get()
			.saturating_add(T::MaxPolicyLen::get())
			.saturating_add(T::MaxDescriptionLen::get())
	}
}

/// An entry of a patient's EMR index chain.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound(T: Config))]
pub struct EmrEntry<T: Config> {
	/// Position in the chain.
	pub seq: Seq,
	/// `entry_hash` of the previous entry, or the chain's genesis hash for entry 0.
	pub prev_hash: Hash32,
	/// BLAKE2b-256 over the patient, this entry's position, `prev_hash` and every field below.
	pub entry_hash: Hash32,
	/// The hospital record service that appended the entry.
	pub author: T::AccountId,
	/// The author's hospital.
	pub hospital: HospitalId,
	/// Block in which the entry was appended.
	pub created_at: BlockNumberFor<T>,
	/// The record as submitted.
	pub record: NewEntry<T>,
}

/// Who erased an entry (crypto-shredding) and when.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound(T: Config))]
pub struct Erasure<T: Config> {
	/// The record service that requested the erasure, or `None` for the registrar.
	pub by: Option<T::AccountId>,
	/// Block of the erasure.
	pub at: BlockNumberFor<T>,
}

/// A patient's chain as the next append needs it: its length and the hash of its last entry.
/// One storage item rather than two, because every append reads and writes both.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct ChainState {
	/// Entries in the chain (the next entry's position).
	pub length: Seq,
	/// Hash of the last entry.
	pub head: Hash32,
}

/// The outcome of recomputing a patient's chain.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct ChainVerification {
	/// Entries in the chain.
	pub length: Seq,
	/// The first entry whose stored link or hash does not match the recomputed one.
	pub first_broken: Option<Seq>,
}

/// The outcome of checking a storage provider's proof of possession of an entry's ciphertext
/// against the keys and file parameters on chain ([`crate::Pallet::check_possession`]).
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo)]
pub enum PossessionCheck {
	/// The proof verifies under the authoring hospital's PDP key.
	Valid,
	/// The proof does not verify (wrong, forged, malformed or off-subgroup).
	Invalid,
	/// No entry at this position.
	UnknownEntry,
	/// The entry was erased; its ciphertext is no longer owed.
	Erased,
	/// The file parameters are not the ones the entry committed to.
	FileParamsMismatch,
	/// The authoring hospital is no longer registered.
	UnknownHospital,
}
