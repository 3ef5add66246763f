//! The pallet's stored types.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::HospitalId;
use scale_info::TypeInfo;

/// A session's index, as `pallet-session` counts them (from 0 at genesis).
pub type SessionIndex = u32;

/// A candidate's points: saturating, at most [`crate::Config::MaxPoints`].
pub type Points = u32;

/// An Aura slot number.
pub type Slot = u64;

/// A validator candidate.
#[derive(
	Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
pub struct Candidate<T: frame_system::Config> {
	/// The hospital whose validator account the candidate is.
	pub hospital: HospitalId,
	/// The hospital's grade when last checked (at registration and at each session).
	pub grade: u8,
	/// The candidate's points.
	pub points: Points,
	/// The block in which it registered (older candidates win ties).
	pub joined_at: BlockNumberFor<T>,
	/// The session for which the pallet last selected it into the set, while it holds a seat;
	/// `None` outside the set and for a validator the pallet did not select (genesis).
	pub seated_since: Option<SessionIndex>,
}

/// Why a candidate was dropped without leaving on its own.
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
pub enum DropReason {
	/// The registry revoked its hospital.
	#[codec(index = 0)]
	HospitalRevoked,
	/// The account is no longer an active hospital's validator account (the hospital named
	/// another validator, or is gone).
	#[codec(index = 1)]
	NoLongerValidator,
	/// The hospital's grade fell below [`crate::Config::MinGrade`].
	#[codec(index = 2)]
	GradeTooLow,
	/// Another account became the hospital's validator and registered in its place.
	#[codec(index = 3)]
	Replaced,
}

/// Why the pallet kept the current set instead of planning a new one.
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
pub enum KeepReason {
	/// The new set would be smaller than [`crate::Config::MinValidators`] and than the current
	/// one.
	#[codec(index = 0)]
	TooFewEligible,
	/// The new set would be empty.
	#[codec(index = 1)]
	Empty,
}

/// What the pallet keeps of the Aura slots it has seen.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, Default, TypeInfo, MaxEncodedLen)]
pub struct SlotState {
	/// The slot of the last block seen, once a block was seen.
	pub last_slot: Option<Slot>,
	/// A session started since the last block: [`crate::ExpectedAuthors`] is refreshed after
	/// the slots up to the next block are counted against the set that expected them.
	pub refresh: bool,
}
