//! The records the registry keeps about each actor.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

use crate::Config;

pub use medchain_primitives::{HospitalId, PdpKeyVersion};

/// Lowest and highest hospital grades (S2's grades 5..=14).
pub const GRADES: core::ops::RangeInclusive<u8> = 5..=14;

/// Lowest and highest doctor titles (S2's titles 1..=4).
pub const TITLES: core::ops::RangeInclusive<u8> = 1..=4;

/// A hospital's PDP public key: the SCALE encoding of a `medchain_crypto::pdp::PdpPublicKey`,
/// checked when it is registered.
pub type PdpKey<T> = BoundedVec<u8, <T as Config>::MaxPdpKeyLen>;

/// A doctor's attribute as the ABE policies name it (for example `emergency`), UTF-8, obeying
/// the allowlist rule ([`crate::allowlist`]).
pub type Attribute<T> = BoundedVec<u8, <T as Config>::MaxAttributeLen>;

/// A registered hospital.
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
pub struct Hospital<T: Config> {
	/// The account of the hospital's record service: it appends records and is the `author`
	/// of EMR entries (so no doctor, and hence no department, is named on chain).
	pub record_service: T::AccountId,
	/// Public display name (UTF-8).
	pub name: BoundedVec<u8, T::MaxNameLen>,
	/// Grade 5..=14; ABE policies compare against it (`grade>=g`).
	pub grade: u8,
	/// The version of the hospital's PDP public key in force ([`crate::PdpKeys`]): its record
	/// service tags new records under it. The keys themselves (12 KB each) live in their own
	/// map, so that the feeless check and every append, which read this record, do not decode
	/// them.
	pub pdp_key_version: PdpKeyVersion,
	/// The account of the hospital's validator node, if the hospital stands as a validator.
	pub validator: Option<T::AccountId>,
	/// Block of registration.
	pub registered_at: BlockNumberFor<T>,
	/// Block of revocation; a revoked hospital can no longer append records or read.
	pub revoked_at: Option<BlockNumberFor<T>>,
}

/// A registered doctor.
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
pub struct Doctor<T: Config> {
	/// The hospital employing the doctor.
	pub hospital: HospitalId,
	/// Title 1..=4 (resident .. chief physician); ABE policies compare against it.
	pub title: u8,
	/// Further attributes used by ABE policies, each on the registrar's allowlist when it was
	/// given; only those still on it count ([`crate::AllowedAttributes`]). No department: nothing
	/// on chain maps a doctor to a department.
	pub attributes: BoundedVec<Attribute<T>, T::MaxAttributes>,
	/// Block of registration.
	pub registered_at: BlockNumberFor<T>,
	/// Block of revocation; a revoked doctor's requests are refused.
	pub revoked_at: Option<BlockNumberFor<T>>,
}

/// A registered storage provider (S1's cloud server, S2's data center).
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
pub struct Provider<T: Config> {
	/// The hospital that operates the provider, if one does. A provider never stores records
	/// of its own operator: whoever holds a hospital's PDP secret could answer audits without
	/// the data.
	pub operator: Option<HospitalId>,
	/// HTTP(S) base URL of the provider's service.
	pub endpoint: BoundedVec<u8, T::MaxEndpointLen>,
	/// Block of registration.
	pub registered_at: BlockNumberFor<T>,
	/// Block of revocation; a revoked provider receives no new records.
	pub revoked_at: Option<BlockNumberFor<T>>,
}

/// A registered patient: a pseudonymous account and nothing that identifies the person.
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
pub struct Patient<T: Config> {
	/// Commitment to the identity escrow the key service keeps (hiding and binding), so the
	/// registrar can later prove which escrow belongs to this pseudonym.
	pub identity_commitment: [u8; 32],
	/// Block of registration.
	pub registered_at: BlockNumberFor<T>,
	/// Block of revocation.
	pub revoked_at: Option<BlockNumberFor<T>>,
}

/// The current key epoch: ABE user keys and policies name it (`epoch:N`), so starting a new
/// epoch revokes every key issued before it.
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
pub struct KeyEpoch<T: Config> {
	/// Epoch number, from 0.
	pub index: u32,
	/// Block at which the epoch started.
	pub started_at: BlockNumberFor<T>,
}

/// Public parameters the registrar's key service publishes.
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
pub struct PublicParameters<T: Config> {
	/// The CP-ABE public key records' data keys are encrypted under.
	pub abe_public_key: BoundedVec<u8, T::MaxAbeKeyLen>,
	/// The ed25519 key with which the key service signs SHVE search tokens.
	pub token_signing_key: [u8; 32],
	/// The SHVE vector schema in force.
	pub shve_schema: u16,
}
