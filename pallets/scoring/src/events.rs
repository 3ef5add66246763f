//! The pallet's events and errors, a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

/// Events and errors of the scoring pallet.
#[pallet_section]
mod events {
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A hospital's validator account became a candidate, at its baseline `points`.
		CandidateJoined { who: T::AccountId, hospital: HospitalId, points: Points },
		/// A candidate withdrew. If it holds a seat it leaves the set at the next planning.
		CandidateLeft { who: T::AccountId, hospital: HospitalId },
		/// A candidate was dropped without withdrawing (revocation, re-check at a session, or
		/// replaced by its hospital's new validator account).
		CandidateDropped { who: T::AccountId, hospital: HospitalId, reason: DropReason },
		/// A validator missed `slots` slots in which Aura expected it to author; it now has
		/// `points`.
		SlotsMissed { who: T::AccountId, slots: u64, points: Points },
		/// The set for session `session` was planned: `entered` joined it, `left` left it.
		NewSetPlanned {
			session: SessionIndex,
			validators: alloc::vec::Vec<T::AccountId>,
			entered: alloc::vec::Vec<T::AccountId>,
			left: alloc::vec::Vec<T::AccountId>,
		},
		/// The set for session `session` would have broken a guard: the current set carries
		/// over.
		SetKept { session: SessionIndex, reason: KeepReason },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is a candidate already.
		AlreadyCandidate,
		/// The account is not a candidate.
		NotCandidate,
		/// [`Config::MaxCandidates`] candidates stand already.
		TooManyCandidates,
		/// The account is no active hospital's validator account.
		NotHospitalValidator,
		/// The hospital's grade is below [`Config::MinGrade`].
		GradeTooLow,
		/// The account's session keys are not registered (`session.set_keys` first).
		KeysNotRegistered,
		/// The hospital has a candidate already (its current validator account).
		HospitalHasCandidate,
	}
}
