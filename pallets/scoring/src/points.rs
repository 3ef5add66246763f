//! Candidates and their points: registration, the baseline, blocks authored
//! (`pallet_authorship::EventHandler`), missed slots (`on_initialize`), audits relayed
//! ([`RelayScores`]) and the decay toward the baseline.

use frame_support::{
	dispatch::DispatchResult,
	ensure,
	traits::{Get, ValidatorRegistration},
	weights::Weight,
	BoundedVec,
};
use medchain_primitives::{HospitalId, HospitalValidators};
use pallet_medchain_audit::{ChallengeId, Outcome, RelayScores};

use crate::{
	Candidate, CandidateOfHospital, Candidates, Config, DropReason, Error, Event, ExpectedAuthors,
	Pallet, Points, Slot, SlotAuthorities, SlotInfo, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// The points `grade` is worth: `grade · PointsPerGrade`, at most `MaxPoints`.
	pub fn baseline(grade: u8) -> Points {
		Points::from(grade).saturating_mul(T::PointsPerGrade::get()).min(T::MaxPoints::get())
	}

	/// Stores a new candidate at its baseline (no checks: callers check).
	pub(crate) fn insert_candidate(who: &T::AccountId, hospital: HospitalId, grade: u8) {
		let candidate = Candidate {
			hospital,
			grade,
			points: Self::baseline(grade),
			joined_at: frame_system::Pallet::<T>::block_number(),
			seated_since: None,
		};
		Candidates::<T>::insert(who, candidate);
		CandidateOfHospital::<T>::insert(hospital, who);
	}

	/// Removes a candidate and its hospital's link to it.
	pub(crate) fn remove_candidate(who: &T::AccountId, hospital: HospitalId) {
		Candidates::<T>::remove(who);
		if CandidateOfHospital::<T>::get(hospital).as_ref() == Some(who) {
			CandidateOfHospital::<T>::remove(hospital);
		}
	}

	/// [`Pallet::register_as_candidate`].
	pub(crate) fn do_register(who: T::AccountId) -> DispatchResult {
		ensure!(!Candidates::<T>::contains_key(&who), Error::<T>::AlreadyCandidate);
		let validator = T::HospitalValidators::hospital_of_validator(&who)
			.ok_or(Error::<T>::NotHospitalValidator)?;
		ensure!(validator.grade >= T::MinGrade::get(), Error::<T>::GradeTooLow);
		ensure!(T::ValidatorRegistration::is_registered(&who), Error::<T>::KeysNotRegistered);
		match CandidateOfHospital::<T>::get(validator.hospital) {
			Some(former) => {
				// The hospital's former validator account may still stand (the registry named
				// a new one since): the hospital's current validator replaces it.
				let still_its_validator = T::HospitalValidators::hospital_of_validator(&former)
					.is_some_and(|v| v.hospital == validator.hospital);
				ensure!(!still_its_validator, Error::<T>::HospitalHasCandidate);
				Self::remove_candidate(&former, validator.hospital);
				Self::deposit_event(Event::CandidateDropped {
					who: former,
					hospital: validator.hospital,
					reason: DropReason::Replaced,
				});
			},
			None => ensure!(
				Candidates::<T>::count() < T::MaxCandidates::get(),
				Error::<T>::TooManyCandidates
			),
		}
		Self::insert_candidate(&who, validator.hospital, validator.grade);
		Self::deposit_event(Event::CandidateJoined {
			who,
			hospital: validator.hospital,
			points: Self::baseline(validator.grade),
		});
		Ok(())
	}

	/// Applies `f` to `who`'s candidate record if `who` is a candidate (one read, one write),
	/// and returns its result.
	pub(crate) fn mutate_candidate<R>(
		who: &T::AccountId,
		f: impl FnOnce(&mut Candidate<T>) -> R,
	) -> Option<R> {
		Candidates::<T>::try_mutate_exists(who, |maybe| maybe.as_mut().map(f).ok_or(())).ok()
	}

	/// Adds `gain` points to `who`'s, if a candidate, up to `MaxPoints`.
	pub(crate) fn reward(who: &T::AccountId, gain: Points) {
		let _ = Self::mutate_candidate(who, |c| {
			c.points = c.points.saturating_add(gain).min(T::MaxPoints::get());
		});
	}

	/// Takes `loss` points from `who`'s, if a candidate, down to 0; returns the points left.
	pub(crate) fn penalise(who: &T::AccountId, loss: Points) -> Option<Points> {
		Self::mutate_candidate(who, |c| {
			c.points = c.points.saturating_sub(loss);
			c.points
		})
	}

	/// `points` moved toward `baseline` by `DecayRate` of the distance, at least one point,
	/// never past it.
	pub fn decayed(points: Points, baseline: Points) -> Points {
		let distance = points.abs_diff(baseline);
		if distance == 0 {
			return points;
		}
		let step = (T::DecayRate::get() * distance).clamp(1, distance);
		if points > baseline {
			points.saturating_sub(step)
		} else {
			points.saturating_add(step)
		}
	}

	/// How many of `k` consecutive slots from `first` the authority at position `j` of `n`
	/// was expected to author: `⌊k/n⌋`, plus one if `(j - first) mod n < k mod n`.
	pub fn missed_by_position(first: Slot, k: u64, n: u64, j: u64) -> u64 {
		if n == 0 {
			return 0;
		}
		let start = first % n;
		// `start < n`, so `n - start` does not underflow.
		let offset = (j % n).saturating_add(n - start) % n;
		let extra = if offset < k % n { 1 } else { 0 };
		(k / n).saturating_add(extra)
	}

	/// `on_initialize`: charges the slots skipped since the last block to the authorities
	/// that were expected in them, then refreshes [`ExpectedAuthors`] if a session started.
	pub(crate) fn count_missed_slots() -> Weight {
		let slot = T::SlotAuthorities::current_slot();
		let mut state = SlotInfo::<T>::get();
		let mut charged = 0u32;
		if let Some(last) = state.last_slot {
			let skipped = slot.saturating_sub(last).saturating_sub(1);
			if skipped > 0 {
				let expected = ExpectedAuthors::<T>::get();
				charged = expected.len() as u32;
				Self::charge_missed(&expected, last.saturating_add(1), skipped);
			}
		}
		let refreshed = state.refresh || ExpectedAuthors::<T>::decode_len().unwrap_or(0) == 0;
		if refreshed {
			ExpectedAuthors::<T>::put(BoundedVec::truncate_from(T::SlotAuthorities::authorities()));
			state.refresh = false;
		}
		state.last_slot = Some(state.last_slot.map_or(slot, |last| last.max(slot)));
		SlotInfo::<T>::put(state);
		let mut weight = if charged > 0 {
			T::WeightInfo::on_initialize_missed(charged)
		} else {
			T::WeightInfo::on_initialize_base()
		};
		if refreshed {
			weight.saturating_accrue(T::WeightInfo::refresh_authorities());
		}
		// `pallet-authorship` does not charge its event handler: `note_author` is paid here.
		weight.saturating_add(T::WeightInfo::note_author())
	}

	/// Charges `skipped` slots from `first` to `expected` (Aura's order): O(n).
	fn charge_missed(expected: &[T::AccountId], first: Slot, skipped: u64) {
		let n = expected.len() as u64;
		for (j, who) in expected.iter().enumerate() {
			let slots = Self::missed_by_position(first, skipped, n, j as u64);
			if slots == 0 {
				continue;
			}
			let loss = Points::try_from(slots.saturating_mul(T::MissedSlotPenalty::get().into()))
				.unwrap_or(Points::MAX);
			if let Some(points) = Self::penalise(who, loss) {
				Self::deposit_event(Event::SlotsMissed { who: who.clone(), slots, points });
			}
		}
	}
}

impl<T: Config>
	pallet_authorship::EventHandler<T::AccountId, frame_system::pallet_prelude::BlockNumberFor<T>>
	for Pallet<T>
{
	fn note_author(author: T::AccountId) {
		Self::reward(&author, T::BlockPoints::get());
	}
}

impl<T: Config> RelayScores<T::AccountId> for Pallet<T> {
	fn relayed(relayer: &T::AccountId, _: ChallengeId, _: Outcome) {
		// A pass or a failure alike: the relayer did its duty.
		Self::reward(relayer, T::RelayPoints::get());
	}
	fn reported_unreachable(_: &T::AccountId, _: ChallengeId) {
		// Duty done, nothing proven: no points, no penalty.
	}
	fn missed(relayer: &T::AccountId, _: ChallengeId) {
		let _ = Self::penalise(relayer, T::MissedRelayPenalty::get());
	}
	fn misbehaved(relayer: &T::AccountId, _: ChallengeId) {
		let _ = Self::penalise(relayer, T::MisbehaviourPenalty::get());
	}
	fn weight() -> Weight {
		T::WeightInfo::relay_score()
	}
}
