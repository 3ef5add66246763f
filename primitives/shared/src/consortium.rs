//! The consortium's validators (DESIGN.md "Consortium"): what the scoring pallet asks of the
//! registry ([`HospitalValidators`]) and what it tells clients about its candidates
//! ([`RankedCandidate`], [`CandidateStanding`]).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::HospitalId;

/// The active hospital whose validator node an account is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct HospitalValidator {
	/// The hospital.
	pub hospital: HospitalId,
	/// Its grade, 5..=14.
	pub grade: u8,
}

/// Which hospital an account validates for.
///
/// Implementations must be cheap: at most a couple of storage reads (the scoring pallet calls
/// it once per candidate at each session).
pub trait HospitalValidators<AccountId> {
	/// The registered, not revoked hospital whose validator account `who` is, with its grade;
	/// `None` if `who` is no hospital's validator account (or the hospital is revoked).
	fn hospital_of_validator(who: &AccountId) -> Option<HospitalValidator>;
}

/// Why a candidate stands where it stands in the scoring pallet's ranking.
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
pub enum CandidateStanding {
	/// A validator of the current session, at or above the leave threshold.
	#[codec(index = 0)]
	InSet,
	/// A validator of the current session whose grace period kept its seat, whatever its
	/// points, when the next session's set was planned.
	#[codec(index = 1)]
	InGrace,
	/// A validator of the current session below the leave threshold: it is rotated out as soon
	/// as the churn cap and the minimum set allow.
	#[codec(index = 2)]
	Leaving,
	/// A validator of the current session that the next session's planned set leaves out.
	#[codec(index = 3)]
	Outgoing,
	/// Not a validator now, but selected for the next session.
	#[codec(index = 4)]
	Incoming,
	/// Not a validator, at or above the enter threshold: enters when a seat frees (or when it
	/// outranks a validator, within the churn cap).
	#[codec(index = 5)]
	EligibleWaiting,
	/// Not a validator, below the enter threshold: its points decay back toward its grade
	/// baseline each session.
	#[codec(index = 6)]
	BelowThreshold,
	/// The candidate's session keys are not registered: it cannot be selected.
	#[codec(index = 7)]
	KeysNotRegistered,
	/// The account is no longer an active hospital's validator, or the hospital's grade fell
	/// below the minimum: the candidacy ends at the next session.
	#[codec(index = 8)]
	HospitalIneligible,
}

/// One candidate in the scoring pallet's ranking.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct RankedCandidate<AccountId> {
	/// The candidate's (validator) account.
	pub account: AccountId,
	/// Its hospital.
	pub hospital: HospitalId,
	/// The hospital's grade when last checked.
	pub grade: u8,
	/// The candidate's points.
	pub points: u32,
	/// The points its grade is worth: where its points decay to while outside the set.
	pub baseline: u32,
	/// The session for which it was last selected into the set, if it holds a seat (`None` for
	/// a genesis validator or a candidate outside the set).
	pub seated_since: Option<u32>,
	/// Why it stands where it stands.
	pub standing: CandidateStanding,
}
