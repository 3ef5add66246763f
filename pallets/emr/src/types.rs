//! The entries of a patient's EMR index chain.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{ChainLink, HashChain, HospitalId, PdpKeyVersion};
use scale_info::TypeInfo;

use crate::Config;

pub use medchain_primitives::{ChainPage, ChainVerification, Hash32, PossessionCheck, Seq};

/// What the PDP auditor needs to know of a record: its block count, a hash of the tagging
/// parameters (file name, sectors per block), which the provider must present with each proof,
/// and the version of the authoring hospital's PDP key that tagged it.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct PdpFile {
	/// Number of PDP blocks the record was tagged in.
	pub blocks: u32,
	/// Sectors per block the record was tagged with (1..=256).
	pub sectors: u16,
	/// BLAKE2b-256 of the SCALE `PdpFileParams` the record was tagged under. The runtime
	/// accepts only the parameters it derives itself: the file name from the ciphertext hash
	/// and size (`medchain_crypto::pdp::file_name_for`, so no two distinct records share tag
	/// names), the block count of `size` bytes and `sectors`.
	pub params_hash: Hash32,
	/// The version of the hospital's PDP public key the record was tagged under: the one in
	/// force when it is appended. Proofs of the record verify under this key for good, whatever
	/// keys the hospital adds later.
	pub key_version: PdpKeyVersion,
}

impl PdpFile {
	/// The PDP file the runtime accepts for a record with this ciphertext hash and size tagged
	/// in blocks of `sectors` under key `key_version`; `None` for a sector count outside
	/// `1..=256` or more than `u32::MAX` blocks.
	pub fn derived(
		ciphertext_hash: &Hash32,
		size: u64,
		sectors: u16,
		key_version: PdpKeyVersion,
	) -> Option<Self> {
		let params = medchain_crypto::pdp::expected_file_params(ciphertext_hash, size, sectors)?;
		Some(Self::of_params(&params, key_version))
	}

	/// The PDP file committing to `params` under key `key_version` (for a record service that
	/// already holds the parameters it tagged with).
	pub fn of_params(
		params: &medchain_crypto::pdp::PdpFileParams,
		key_version: PdpKeyVersion,
	) -> Self {
		Self {
			blocks: params.blocks,
			sectors: params.sectors,
			params_hash: sp_io::hashing::blake2_256(&params.encode()),
			key_version,
		}
	}
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
	/// The CP-ABE policy of the record's key, as policy text
	/// ([`medchain_crypto::abe::Policy::parse`]); it names only derived and allowlisted
	/// attributes.
	pub policy: BoundedVec<u8, T::MaxPolicyLen>,
	/// A public description that names neither department nor diagnosis.
	pub description: BoundedVec<u8, T::MaxDescriptionLen>,
	/// The entry this one amends, if it is an amendment.
	pub supersedes: Option<Seq>,
	/// The provider's signature over its receipt for this bundle
	/// ([`Pallet::receipt_statement`]): it holds the bundle complete and checked every PDP
	/// tag. Entries are audited on the strength of it.
	pub receipt: T::ProviderSignature,
	/// The last block the receipt lets the entry be appended in (part of what the provider
	/// signed): after it, the provider may have deleted a bundle no entry listed.
	pub receipt_valid_until: BlockNumberFor<T>,
}

impl<T: Config> NewEntry<T> {
	/// Bytes in the variable-length fields besides the policy (locator, description): what,
	/// besides the number of records, the cost of appending scales with. The policy is priced
	/// per record at its worst (it is parsed and each leaf looked up, a cost the parser's own
	/// bounds cap), so it is not counted here.
	pub fn variable_len(&self) -> u32 {
		(self.locator.len() + self.description.len()) as u32
	}

	/// The largest [`Self::variable_len`] the bounds allow: the top of the weight's byte
	/// component, per record.
	pub fn max_variable_len() -> u32 {
		T::MaxLocatorLen::get().saturating_add(T::MaxDescriptionLen::get())
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
	/// The entry's format ([`medchain_primitives::FORMAT_V1`]), part of what is hashed: a
	/// runtime that changes the layout adds a format and keeps verifying older entries.
	pub format: u8,
	/// Position in the chain.
	pub seq: Seq,
	/// `entry_hash` of the previous entry, or the chain's genesis hash for entry 0.
	pub prev_hash: Hash32,
	/// The chain link hash ([`medchain_primitives::HashChain::link_hash`]) over the patient,
	/// the format, this entry's position, `prev_hash` and every field below.
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

/// The domain separators of EMR index chains.
pub const EMR_CHAIN: HashChain =
	HashChain::new(b"medchain/emr/genesis/v1", b"medchain/emr/entry/v1");

impl<T: Config> EmrEntry<T> {
	/// The entry's hash under its format's rules, for `patient`'s chain; `None` for a format
	/// this runtime does not know.
	pub fn compute_hash<O: Encode>(&self, chain: &HashChain, patient: &O) -> Option<Hash32> {
		match self.format {
			medchain_primitives::FORMAT_V1 => Some(chain.link_hash(
				patient,
				self.format,
				self.seq,
				&self.prev_hash,
				&(&self.author, self.hospital, &self.created_at, &self.record),
			)),
			_ => None,
		}
	}
}

impl<T: Config> ChainLink for EmrEntry<T> {
	fn seq(&self) -> Seq {
		self.seq
	}
	fn prev_hash(&self) -> &Hash32 {
		&self.prev_hash
	}
	fn hash(&self) -> &Hash32 {
		&self.entry_hash
	}
	fn recompute<O: Encode>(&self, chain: &HashChain, owner: &O) -> Option<Hash32> {
		self.compute_hash(chain, owner)
	}
}
