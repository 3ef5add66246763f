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

/// Why a doctor asks: a closed list, so that no diagnosis or department can be written into
/// the access chain as free text.
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
pub enum Purpose {
	/// Treatment of the patient by the requesting doctor.
	#[codec(index = 0)]
	Treatment,
	/// A referral: the doctor was asked to give an opinion or take over.
	#[codec(index = 1)]
	Referral,
	/// Emergency care (every break-glass request has this purpose).
	#[codec(index = 2)]
	Emergency,
	/// An audit of the care given (quality review, complaint, privacy officer).
	#[codec(index = 3)]
	Audit,
	/// Billing and insurance.
	#[codec(index = 4)]
	Billing,
}

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
	/// A fuzzy search over the patient's records. Only a commitment to the off-chain predicate
	/// (the departments asked for) goes on chain: the departments are what SHVE hides. The key
	/// service recomputes the commitment from the predicate and salt the doctor sends it,
	/// signs it into the token, and every provider hosting the patient's records fulfils the
	/// search with [`crate::Pallet::fulfil_search`].
	#[codec(index = 0)]
	Search {
		/// `medchain_crypto::shve::query_commitment(predicate, salt)`.
		query_commitment: Hash32,
		/// The doctor asks for every record: only then may the token fix no position.
		all_records: bool,
	},
	/// Named entries of the patient's EMR chain, which must all exist; decided at once.
	#[codec(index = 1)]
	Records(BoundedVec<Seq, T::MaxRecordsPerRequest>),
}

/// A patient's presence, proven by the presence key on the patient's card (ed25519): the
/// signature over the [`PresenceStatement`] the runtime rebuilds from the request and these
/// fields.
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
pub struct PresenceProof<T: Config> {
	/// A one-time nonce of the card's.
	pub nonce: [u8; 16],
	/// Last block in which the statement counts (at most [`Config::MaxPresenceValidity`]
	/// blocks ahead when it is used).
	pub not_after: BlockNumberFor<T>,
	/// The ed25519 signature of the patient's presence key over
	/// `SCALE(PresenceStatement)`.
	pub signature: [u8; 64],
}

/// What a patient's card signs when the patient is present: version 1 of the statement. Its
/// SCALE encoding starts with [`PRESENCE_DOMAIN`], so it is never a transaction payload, and the
/// presence key is registered apart from the account key and signs nothing else.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct PresenceStatement<AccountId, BlockNumber> {
	/// [`PRESENCE_DOMAIN`].
	pub domain: [u8; 20],
	/// [`PRESENCE_STATEMENT_VERSION`].
	pub version: u8,
	/// The chain's genesis block hash.
	pub genesis_hash: [u8; 32],
	/// The doctor the patient lets in.
	pub doctor: AccountId,
	/// The patient.
	pub patient: AccountId,
	/// `blake2_256(SCALE(AccessTarget))`: what the doctor may ask for.
	pub scope_commitment: Hash32,
	/// Why.
	pub purpose: Purpose,
	/// Last block in which the statement counts.
	pub not_after: BlockNumber,
	/// A one-time nonce.
	pub nonce: [u8; 16],
}

impl<AccountId, BlockNumber> PresenceStatement<AccountId, BlockNumber> {
	/// The statement of version [`PRESENCE_STATEMENT_VERSION`] letting `doctor` ask `target`
	/// of `patient` for `purpose` on the chain with `genesis_hash`, until `not_after`, with
	/// `nonce`: what the runtime rebuilds from a request and what a patient's card signs.
	pub fn new<T: Config>(
		genesis_hash: [u8; 32],
		doctor: AccountId,
		patient: AccountId,
		target: &AccessTarget<T>,
		purpose: Purpose,
		not_after: BlockNumber,
		nonce: [u8; 16],
	) -> Self {
		Self {
			domain: PRESENCE_DOMAIN,
			version: PRESENCE_STATEMENT_VERSION,
			genesis_hash,
			doctor,
			patient,
			scope_commitment: sp_io::hashing::blake2_256(&target.encode()),
			purpose,
			not_after,
			nonce,
		}
	}
}

/// The first bytes of every presence statement.
pub const PRESENCE_DOMAIN: [u8; 20] = *b"medchain/presence/v1";
/// The presence statement layout signed today.
pub const PRESENCE_STATEMENT_VERSION: u8 = 1;

/// The basis a doctor names for a request (DESIGN.md "Access needs a basis"); break-glass has
/// its own call.
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
pub enum Basis<T: Config> {
	/// The patient is present and their card signed a presence statement.
	#[codec(index = 0)]
	PatientPresent(PresenceProof<T>),
	/// A consent the patient (or their guardian or delegate) set is in force.
	#[codec(index = 1)]
	Consent,
}

/// The basis of a request as it is kept and logged.
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
pub enum BasisRecord<T: Config> {
	/// The patient was present: the key that signed and the proof, so anyone can check the
	/// signature against the statement rebuilt from the logged request.
	#[codec(index = 0)]
	PatientPresent {
		/// The presence key in force when the request was made.
		presence_key: [u8; 32],
		/// The proof the card gave.
		proof: PresenceProof<T>,
	},
	/// A consent in force.
	#[codec(index = 1)]
	Consent,
	/// Break-glass emergency access.
	#[codec(index = 2)]
	BreakGlass,
}

impl<T: Config> BasisRecord<T> {
	/// The kind of the basis.
	pub fn kind(&self) -> BasisKind {
		match self {
			Self::PatientPresent { .. } => BasisKind::PatientPresent,
			Self::Consent => BasisKind::Consent,
			Self::BreakGlass => BasisKind::BreakGlass,
		}
	}
}

/// The kind of a request's basis, as history answers show it.
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
pub enum BasisKind {
	/// The patient was present.
	#[codec(index = 0)]
	PatientPresent,
	/// A consent in force.
	#[codec(index = 1)]
	Consent,
	/// Break-glass emergency access.
	#[codec(index = 2)]
	BreakGlass,
}

/// Who acted on a patient's behalf in their access chain.
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
pub enum Actor<T: Config> {
	/// The patient.
	#[codec(index = 0)]
	Patient,
	/// The guardian the registrar recorded.
	#[codec(index = 1)]
	Guardian(T::AccountId),
	/// A delegate the patient named.
	#[codec(index = 2)]
	Delegate(T::AccountId),
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
	/// Why.
	pub purpose: Purpose,
	/// The basis, checked at request, at fulfilment and whenever a provider asks
	/// [`crate::Pallet::may_serve`].
	pub basis: BasisRecord<T>,
	/// X25519 public key the provider seals the record (and the key service the token) to.
	pub delivery_key: [u8; 32],
	/// The key epoch in force at the request: a new epoch ends its grants.
	pub key_epoch: Option<u32>,
	/// Block of the request.
	pub created_at: BlockNumberFor<T>,
	/// Last block in which the request may be fulfilled (for break-glass: the end of the
	/// emergency window).
	pub expires_at: BlockNumberFor<T>,
	/// Position of the request's [`AccessEvent::Requested`] record in the patient's chain.
	pub access_seq: Seq,
}

impl<T: Config> Request<T> {
	/// A break-glass request.
	pub fn emergency(&self) -> bool {
		matches!(self.basis, BasisRecord::BreakGlass)
	}
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
	/// No consent in force covers the doctor. No longer decided per entry (the basis of a
	/// request is checked before any entry is decided); kept so that older records decode.
	#[codec(index = 2)]
	ConsentMissing,
	/// A refusal in force covers the doctor or their hospital. No longer decided per entry;
	/// kept so that older records decode.
	#[codec(index = 3)]
	ConsentRefused,
	/// The entry's policy is not a valid policy text.
	#[codec(index = 4)]
	MalformedPolicy,
	/// The patient's chain has no entry at this position (named entries must exist, so this
	/// arises only from an inconsistent EMR index).
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
	// Index 2 was `Department(u8)`, removed because nothing on chain may map a doctor to a
	// department (DESIGN.md "Access needs a basis"); it stays reserved so no scope reuses it.
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
	/// The one purpose the consent covers; `None`: every purpose.
	pub purpose: Option<Purpose>,
	/// Last block in which the consent is in force; `None`: until changed. An expired consent
	/// counts as absent.
	pub expires_at: Option<BlockNumberFor<T>>,
}

impl<T: Config> Consent<T> {
	/// Whether the consent is in force at block `now`.
	pub fn in_force(&self, now: BlockNumberFor<T>) -> bool {
		self.expires_at.is_none_or(|until| now <= until)
	}

	/// Whether the consent is in force at block `now` for a request with `purpose`.
	pub fn covers(&self, purpose: Purpose, now: BlockNumberFor<T>) -> bool {
		self.in_force(now) && self.purpose.is_none_or(|p| p == purpose)
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
	/// Opted in by the patient: a request with basis [`Basis::Consent`] holds unless a refusal
	/// in force covers the requester (the record policies decide who reads).
	#[codec(index = 0)]
	Implied,
	/// The default: a request with basis [`Basis::Consent`] needs a grant in force covering the
	/// doctor or their hospital (and the request's purpose, if the grant names one); refusals
	/// still win.
	#[default]
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
		/// The one purpose covered, if limited.
		purpose: Option<Purpose>,
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
		purpose: Purpose,
		/// On what basis.
		basis: BasisRecord<T>,
		/// Where keys and records are to be sealed.
		delivery_key: [u8; 32],
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
	/// The patient's consent changed.
	#[codec(index = 2)]
	ConsentChanged {
		/// Who changed it.
		by: Actor<T>,
		/// The scope, or `None` for a change of the consent mode.
		scope: Option<ConsentScope<T>>,
		/// What changed.
		change: ConsentChange<T>,
	},
	/// The patient's presence key was set (`Some`) or removed (`None`: a lost card).
	#[codec(index = 3)]
	PresenceKeySet {
		/// Who set it.
		by: Actor<T>,
		/// The new key.
		key: Option<[u8; 32]>,
	},
	/// A delegate was named until a block (`Some`) or removed (`None`).
	#[codec(index = 4)]
	DelegateChanged {
		/// Who changed it (the patient, the guardian, or the delegate stepping down).
		by: Actor<T>,
		/// The delegate.
		delegate: T::AccountId,
		/// Last block of the delegation.
		until: Option<BlockNumberFor<T>>,
	},
	/// The registrar recorded (`Some`) or removed (`None`) the patient's guardian.
	#[codec(index = 5)]
	GuardianSet {
		/// The guardian.
		guardian: Option<T::AccountId>,
	},
	/// The doctor justified a break-glass request (the hash of a reason written off chain).
	#[codec(index = 6)]
	Justified {
		/// `blake2_256` (or any 32-byte digest) of the written reason.
		reason_hash: Hash32,
	},
	/// A break-glass request was not justified in time; the registrar was alerted.
	#[codec(index = 7)]
	JustificationOverdue,
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
	/// The record's format ([`crate::ACCESS_FORMAT`]), part of what is hashed: the rules
	/// [`crate::Pallet::verify_access_chain`] recomputes `record_hash` with.
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
	/// The request's basis (break-glass access is flagged here).
	pub basis: BasisKind,
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
	pub purpose: Purpose,
	/// Block of the grant.
	pub at: BlockNumberFor<T>,
	/// The request's basis (break-glass access is flagged here).
	pub basis: BasisKind,
}

/// What [`crate::Pallet::may_serve`] tells a provider that may serve an entry: where to seal
/// it and until when.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct ServeGrant<BlockNumber> {
	/// The X25519 key recorded on chain: the provider seals to this key only.
	pub delivery_key: [u8; 32],
	/// Last block in which the grant holds.
	pub expires_at: BlockNumber,
}

/// Why a provider may not serve an entry now ([`crate::Pallet::may_serve`]).
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
pub enum Refusal {
	/// No grant for this request and entry (never granted, or pruned).
	#[codec(index = 0)]
	NoGrant,
	/// The grant names another provider, grantee or patient.
	#[codec(index = 1)]
	NotThisGrant,
	/// The grant expired.
	#[codec(index = 2)]
	Expired,
	/// The grantee is no longer an active doctor (revoked, or their hospital revoked).
	#[codec(index = 3)]
	DoctorInactive,
	/// The patient was revoked.
	#[codec(index = 4)]
	PatientInactive,
	/// The provider is no longer an active provider.
	#[codec(index = 5)]
	ProviderInactive,
	/// The consent the request rested on was withdrawn or expired.
	#[codec(index = 6)]
	ConsentWithdrawn,
	/// The doctor no longer holds the `emergency` attribute a break-glass request rests on.
	#[codec(index = 7)]
	EmergencyAttributeRemoved,
	/// A new key epoch started since the request.
	#[codec(index = 8)]
	KeyEpochChanged,
	/// The presence key that signed was replaced or removed since (a lost card).
	#[codec(index = 9)]
	PresenceKeyChanged,
	/// The entry was erased since it was granted.
	#[codec(index = 10)]
	Erased,
}
