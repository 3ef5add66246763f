//! The audit pallet's stored records, call payloads and signed statements.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::ConstU32, BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound,
	PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{Hash32, HospitalId, Seq};
use scale_info::TypeInfo;

use crate::{crypto::AuditId, Config};

/// A challenge's identifier, assigned in opening order from 0; never reused.
pub type ChallengeId = u64;

/// Longest SCALE `PdpFileParams` an answer carries (a 55-byte name, the block count and the
/// sectors take 62 bytes).
pub const MAX_FILE_PARAMS_LEN: u32 = 128;

/// Longest SCALE masked `PdpProof` an answer carries: 256 `mu'` scalars of 32 bytes with their
/// compact length (8,194), `sigma` (48) and `R` (576) take 8,818 bytes.
pub const MAX_PROOF_LEN: u32 = 9 * 1024;

/// The SCALE file parameters of an answer.
pub type FileParamsOf = BoundedVec<u8, ConstU32<MAX_FILE_PARAMS_LEN>>;
/// The SCALE proof of an answer.
pub type ProofOf = BoundedVec<u8, ConstU32<MAX_PROOF_LEN>>;

/// The first bytes of what a relayer's audit key signs over a relayed answer.
pub const RELAY_DOMAIN: &[u8] = b"medchain/audit/relay/v1";
/// The first bytes of what a relayer's audit key signs over an unreachable report.
pub const UNREACHABLE_DOMAIN: &[u8] = b"medchain/audit/unreachable/v1";
/// The domain of challenge seeds.
pub const SEED_DOMAIN: &[u8] = b"medchain/audit/seed/v1";
/// The domain of the randomness that picks entries and relayers.
pub const SELECT_DOMAIN: &[u8] = b"medchain/audit/select/v1";

/// The two kinds of audit (DESIGN.md "Audits").
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
pub enum ChallengeKind {
	/// A few blocks ([`Config::LightChallengeBlocks`]): catches a record that is gone, cheaply.
	#[codec(index = 0)]
	Light,
	/// `min(n, 460)` blocks ([`Config::FullChallengeBlocks`]): catches 1% corruption with
	/// probability >= 99%.
	#[codec(index = 1)]
	Full,
}

/// How an audit ended.
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
pub enum Outcome {
	/// The provider's signed proof verified.
	#[codec(index = 0)]
	Pass,
	/// The provider signed a proof that does not verify (or for other file parameters).
	#[codec(index = 1)]
	Fail,
	/// No proof the provider signed reached the chain within the window.
	#[codec(index = 2)]
	Timeout,
	/// Nobody's fault: the entry was erased, or its key vanished, while the challenge was open.
	/// Not counted in the provider's reputation.
	#[codec(index = 3)]
	Void,
}

impl Outcome {
	/// Whether the outcome alerts the record's patient and hospital.
	pub fn alerts(self) -> bool {
		matches!(self, Self::Fail | Self::Timeout)
	}
}

/// What an assigned relayer reported for a challenge.
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
pub enum RelayReport {
	/// It brought an answer the provider signed (which closed the challenge).
	#[codec(index = 0)]
	Answer,
	/// It could not get a signed answer from the provider's endpoint.
	#[codec(index = 1)]
	Unreachable,
	/// It brought an answer the provider had not signed (refused; its duty is not done).
	#[codec(index = 2)]
	Unsigned,
}

/// One relayer assigned to a challenge: its validator account, the audit key it held when the
/// challenge opened (so that a session change or a key rotation during the window changes
/// nothing), and what it reported.
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
pub struct Assignment<T: Config> {
	/// The validator's account.
	pub relayer: T::AccountId,
	/// Its audit key at assignment.
	pub key: AuditId,
	/// What it reported, if anything.
	pub report: Option<RelayReport>,
}

/// An open challenge.
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
pub struct Challenge<T: Config> {
	/// The challenged entry's patient.
	pub patient: T::AccountId,
	/// The challenged entry's position.
	pub seq: Seq,
	/// The provider that must answer.
	pub provider: T::AccountId,
	/// The hospital that wrote the entry.
	pub hospital: HospitalId,
	/// Light or full.
	pub kind: ChallengeKind,
	/// Number of blocks challenged: `min(n, blocks of the kind)`.
	pub challenged: u32,
	/// The block in whose `on_initialize` the challenge opened.
	pub opened_at: BlockNumberFor<T>,
	/// The seed, once fixed (see the crate docs, "Seeds").
	pub seed: Option<[u8; 32]>,
	/// Distinct authors among the blocks the seed was drawn from (0 until it is fixed).
	pub seed_authors: u8,
	/// The last block in which an answer is accepted.
	pub deadline: BlockNumberFor<T>,
	/// The relayers assigned.
	pub relayers: BoundedVec<Assignment<T>, T::RelayersPerChallenge>,
}

/// A challenge in the open queue, with what `on_initialize` needs without reading it.
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
pub struct OpenSlot<T: Config> {
	/// The challenge.
	pub id: ChallengeId,
	/// When it opened.
	pub opened_at: BlockNumberFor<T>,
	/// Its deadline (final once the seed is fixed).
	pub deadline: BlockNumberFor<T>,
	/// Whether its seed is fixed.
	pub seeded: bool,
}

/// An entry's audit history: what the runtime API answers per entry.
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
	DefaultNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound(T: Config))]
pub struct EntryAudit<T: Config> {
	/// The challenge open on the entry, if any (at most one at a time).
	pub open: Option<ChallengeId>,
	/// The last closed audit's outcome and block.
	pub last: Option<(Outcome, BlockNumberFor<T>)>,
	/// Audits passed.
	pub passes: u32,
	/// Audits failed.
	pub fails: u32,
	/// Audits timed out.
	pub timeouts: u32,
}

/// A provider's standing, from its audit record.
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
	Default,
)]
pub enum Standing {
	/// In good standing.
	#[codec(index = 0)]
	#[default]
	Good,
	/// Missed audits recently, or recovering from a suspension: still takes new records.
	#[codec(index = 1)]
	Probation,
	/// Missed [`Config::SuspendAfterMisses`] audits in a row (or its score reached 0): takes no
	/// new records ([`crate::ProviderStanding`]) until it passes
	/// [`Config::RecoveryPasses`] audits in a row.
	#[codec(index = 2)]
	Suspended,
}

/// A provider's reputation.
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
pub struct Reputation {
	/// 0..=[`Config::MaxScore`]; starts at [`Config::InitialScore`].
	pub score: u32,
	/// Audits failed or timed out in a row.
	pub consecutive_misses: u32,
	/// Audits passed in a row (what a way back counts).
	pub consecutive_passes: u32,
	/// The standing that follows from the above.
	pub standing: Standing,
}

/// The body of an audit log record: what is hashed besides the link fields.
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
pub struct AuditEvent<T: Config> {
	/// The challenge.
	pub challenge: ChallengeId,
	/// The audited entry's patient.
	pub patient: T::AccountId,
	/// The audited entry's position.
	pub seq: Seq,
	/// Light or full.
	pub kind: ChallengeKind,
	/// Blocks challenged.
	pub challenged: u32,
	/// The seed (zero for a challenge that timed out before its seed was fixed).
	pub seed: [u8; 32],
	/// How it ended.
	pub outcome: Outcome,
	/// Who brought the answer: a relayer, the provider itself, or nobody (timeout, void).
	pub answered_by: Option<T::AccountId>,
}

/// A record of a provider's hash-linked audit log.
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
pub struct AuditRecord<T: Config> {
	/// The record's format ([`crate::log::AUDIT_FORMAT`]), hashed.
	pub format: u8,
	/// Position in the provider's log.
	pub seq: Seq,
	/// The previous record's hash, or the log's genesis hash.
	pub prev_hash: Hash32,
	/// The link hash over the provider, format, position, `prev_hash` and `(at, event)`.
	pub record_hash: Hash32,
	/// Block of the outcome.
	pub at: BlockNumberFor<T>,
	/// The outcome.
	pub event: AuditEvent<T>,
}

/// An answer a relayer carries to the chain (the payload of [`crate::Pallet::submit_proof`]),
/// signed by its audit key over `SCALE(RELAY_DOMAIN, genesis hash, answer)`.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
)]
#[scale_info(skip_type_params(T))]
pub struct RelayedAnswer<T: Config> {
	/// The challenge answered.
	pub challenge: ChallengeId,
	/// The relayer's audit key, as assigned.
	pub relayer: AuditId,
	/// The challenge's number of blocks (what the call is weighed with; must match).
	pub challenged: u32,
	/// The SCALE `PdpFileParams` of the entry.
	pub file_params: FileParamsOf,
	/// The SCALE masked proof.
	pub proof: ProofOf,
	/// The provider's signature over the [`medchain_primitives::AnswerStatement`].
	pub provider_signature: T::ProviderSignature,
}

/// A relayer's report that it could not get a signed answer (the payload of
/// [`crate::Pallet::report_unreachable`]), signed by its audit key over
/// `SCALE(UNREACHABLE_DOMAIN, genesis hash, report)`.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct UnreachableReport {
	/// The challenge.
	pub challenge: ChallengeId,
	/// The relayer's audit key, as assigned.
	pub relayer: AuditId,
}
