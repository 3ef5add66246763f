//! The records of a patient's access-record chain, requests, grants and consent.
//!
//! Every enum that is stored or hashed has explicit `#[codec(index)]`es, so reordering or
//! removing a variant never changes the encoding of the others; a removed variant's index stays
//! reserved. The SCALE encodings and record hashes are pinned by `tests::chain`.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{Hash32, HospitalId, Seq};
use scale_info::TypeInfo;

use crate::Config;

/// An access request's identifier, assigned in order from 0.
pub type RequestId = u64;

/// The decisions of one access record: EMR entry position and outcome, at most as many as one
/// provider hosts for one patient (a search fulfilment covers them all).
pub type Decisions<T> = BoundedVec<(Seq, Decision), <T as Config>::MaxHostedPerProvider>;

/// What a doctor asks for.
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
pub enum AccessTarget<T: Config> {
	/// A fuzzy search over the patient's records. Only a hash of the off-chain predicate (the
	/// departments asked for) goes on chain: the departments are what SHVE hides. The key
	/// service issues a signed token for the request, and every provider hosting the patient's
	/// records fulfils it with [`crate::Pallet::fulfil_search`].
	#[codec(index = 0)]
	Search {
		/// Hash of the off-chain predicate, binding the token the key service issues.
		query_hash: Hash32,
	},
	/// Named entries of the patient's EMR chain, decided at once.
	#[codec(index = 1)]
	Records(BoundedVec<Seq, T::MaxRecordsPerRequest>),
}

/// An open access request (removed by [`crate::Pallet::prune_request`] once it and its grants
/// expired; its access records stay in the chain).
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
pub struct Request<T: Config> {
	/// Whose records.
	pub patient: T::AccountId,
	/// The requesting doctor.
	pub doctor: T::AccountId,
	/// The doctor's hospital.
	pub hospital: HospitalId,
	/// What is asked for.
	pub target: AccessTarget<T>,
	/// Why (free text of the doctor's information system; no diagnosis belongs here).
	pub purpose: BoundedVec<u8, T::MaxPurposeLen>,
	/// X25519 public key the provider seals the record (and the key service the token) to.
	pub delivery_key: [u8; 32],
	/// Break-glass request: consent skipped, the patient notified.
	pub emergency: bool,
	/// Block of the request.
	pub created_at: BlockNumberFor<T>,
	/// Last block in which the request may be fulfilled.
	pub expires_at: BlockNumberFor<T>,
	/// Position of the request's [`AccessEvent::Requested`] record in the patient's chain.
	pub access_seq: Seq,
}

/// Why an entry was not granted.
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
pub enum DenialReason {
	/// The entry was erased (crypto-shredded).
	#[codec(index = 0)]
	Erased,
	/// The doctor's attributes do not satisfy the entry's ABE policy.
	#[codec(index = 1)]
	PolicyNotSatisfied,
	/// The patient requires explicit consent and none in force covers the doctor.
	#[codec(index = 2)]
	ConsentMissing,
	/// A refusal in force covers the doctor, their hospital or one of their departments.
	#[codec(index = 3)]
	ConsentRefused,
	/// The entry's policy is not a valid policy text.
	#[codec(index = 4)]
	MalformedPolicy,
	/// The patient's chain has no entry at this position.
	#[codec(index = 5)]
	UnknownEntry,
}

/// The outcome for one entry.
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
pub enum Decision {
	/// The provider may serve the entry to the doctor (a [`Grant`] was stored).
	#[codec(index = 0)]
	Granted,
	/// Refused, and why.
	#[codec(index = 1)]
	Denied(DenialReason),
}

/// Whom a consent applies to.
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
pub enum ConsentScope<T: Config> {
	/// Every doctor of a hospital.
	#[codec(index = 0)]
	Hospital(HospitalId),
	/// One doctor.
	#[codec(index = 1)]
	Doctor(T::AccountId),
	/// Every doctor working in a department (0 ≤ d < 37, bit `d` of a doctor's departments).
	///
	/// Deprecated by DESIGN.md "Access needs a basis" (nothing on chain is to map a doctor to a
	/// department): the next issue removes this variant, and its index 2 stays reserved so that
	/// no later scope reuses it.
	#[codec(index = 2)]
	Department(u8),
}

/// A patient's consent for one scope.
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
pub struct Consent<T: Config> {
	/// Granted (`true`) or refused (`false`).
	pub granted: bool,
	/// Last block in which the consent is in force; `None`: until changed. An expired consent
	/// counts as absent.
	pub expires_at: Option<BlockNumberFor<T>>,
}

impl<T: Config> Consent<T> {
	/// Whether the consent is in force at block `now`.
	pub fn in_force(&self, now: BlockNumberFor<T>) -> bool {
		self.expires_at.is_none_or(|until| now <= until)
	}
}

/// How a patient's consent combines with record policies.
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
pub enum ConsentMode {
	/// The record policy decides, unless a refusal in force covers the requester.
	#[default]
	#[codec(index = 0)]
	Implied,
	/// Besides the policy, a grant in force must cover the requester (the doctor, their
	/// hospital or one of their departments); refusals still win.
	#[codec(index = 1)]
	Explicit,
}

/// A change of a patient's consent, as logged in the access chain.
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
pub enum ConsentChange<T: Config> {
	/// A consent was granted or refused for the scope.
	#[codec(index = 0)]
	Set {
		/// Granted or refused.
		granted: bool,
		/// Last block in force, if limited.
		expires_at: Option<BlockNumberFor<T>>,
	},
	/// The scope's consent was removed.
	#[codec(index = 1)]
	Cleared,
	/// The patient's consent mode changed (no scope).
	#[codec(index = 2)]
	ModeSet(ConsentMode),
}

/// What an access record records.
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
pub enum AccessEvent<T: Config> {
	/// A doctor asked for access (logged before anything is decided or disclosed).
	#[codec(index = 0)]
	Requested {
		/// The requesting doctor.
		doctor: T::AccountId,
		/// The doctor's hospital.
		hospital: HospitalId,
		/// What was asked for.
		target: AccessTarget<T>,
		/// Why.
		purpose: BoundedVec<u8, T::MaxPurposeLen>,
		/// Where keys and records are to be sealed.
		delivery_key: [u8; 32],
		/// Break-glass access.
		emergency: bool,
		/// Last block in which the request may be fulfilled (for break-glass: the end of the
		/// emergency window).
		expires_at: BlockNumberFor<T>,
	},
	/// Entries were decided: all named entries of a records request (`provider: None`), or the
	/// entries a provider's search fulfilment proved to match (`provider: Some`). Entries that
	/// did not match are not listed: nothing of them was disclosed.
	#[codec(index = 1)]
	Decided {
		/// The fulfilling provider, for a search.
		provider: Option<T::AccountId>,
		/// Position of the request's `Requested` record in this chain.
		requested_at: Seq,
		/// Every decided entry with its outcome.
		decisions: Decisions<T>,
	},
	/// The patient changed their consent.
	#[codec(index = 2)]
	ConsentChanged {
		/// The scope, or `None` for a change of the consent mode.
		scope: Option<ConsentScope<T>>,
		/// What changed.
		change: ConsentChange<T>,
	},
}

/// One record of a patient's access chain.
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
pub struct AccessRecord<T: Config> {
	/// The record's format ([`medchain_primitives::FORMAT_V1`]), part of what is hashed: the
	/// rules [`crate::Pallet::verify_access_chain`] recomputes `record_hash` with.
	pub format: u8,
	/// Position in the chain.
	pub seq: Seq,
	/// `record_hash` of the previous record, or the chain's genesis hash for record 0.
	pub prev_hash: Hash32,
	/// The link hash of [`crate::ACCESS_CHAIN`] over the patient, `format`, `seq`, `prev_hash`
	/// and the body `(at, request_id, event)` ([`crate::Pallet::record_hash`]).
	pub record_hash: Hash32,
	/// Block in which the record was appended.
	pub at: BlockNumberFor<T>,
	/// The request the record belongs to (`None` for consent changes).
	pub request_id: Option<RequestId>,
	/// What happened.
	pub event: AccessEvent<T>,
}

/// What a storage provider checks before serving an entry: the grantee, where to seal it and
/// until when.
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
pub struct Grant<T: Config> {
	/// Whose record.
	pub patient: T::AccountId,
	/// Who may read it.
	pub doctor: T::AccountId,
	/// The provider that hosts it and may serve it.
	pub provider: T::AccountId,
	/// X25519 key the ciphertext is sealed to.
	pub delivery_key: [u8; 32],
	/// Last block in which the provider may serve it.
	pub expires_at: BlockNumberFor<T>,
}

/// Who was granted one entry ("who read record R"), from the access chain.
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
pub struct Reader<T: Config> {
	/// The request.
	pub request_id: RequestId,
	/// The doctor granted the entry.
	pub doctor: T::AccountId,
	/// The doctor's hospital.
	pub hospital: HospitalId,
	/// Block of the grant.
	pub at: BlockNumberFor<T>,
	/// Break-glass access.
	pub emergency: bool,
	/// Position of the `Decided` record in the access chain.
	pub access_seq: Seq,
}

/// One line of a patient's accounting of disclosures: an entry granted to a doctor.
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
pub struct Disclosure<T: Config> {
	/// Position of the `Decided` record in the access chain.
	pub access_seq: Seq,
	/// The request.
	pub request_id: RequestId,
	/// The EMR entry disclosed.
	pub seq: Seq,
	/// To whom.
	pub doctor: T::AccountId,
	/// The doctor's hospital.
	pub hospital: HospitalId,
	/// The provider that was allowed to serve it (the one hosting the entry).
	pub provider: Option<T::AccountId>,
	/// Why, as the doctor stated it.
	pub purpose: BoundedVec<u8, T::MaxPurposeLen>,
	/// Block of the grant.
	pub at: BlockNumberFor<T>,
	/// Break-glass access.
	pub emergency: bool,
}
