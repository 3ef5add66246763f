//! The ranking the runtime API `ScoringApi` returns: every candidate with its points and the
//! reason for its standing.

use alloc::{collections::BTreeSet, vec::Vec};
use frame_support::traits::{Get, ValidatorRegistration};
use medchain_primitives::{CandidateStanding, HospitalValidators, RankedCandidate};

use crate::{
	Candidate, Candidates, Config, CurrentSession, Pallet, Planned, SessionIndex, SlotAuthorities,
};

impl<T: Config> Pallet<T> {
	/// Every candidate, best first (points descending, then account).
	pub fn ranking() -> Vec<RankedCandidate<T::AccountId>> {
		let current: BTreeSet<T::AccountId> =
			T::SlotAuthorities::authorities().into_iter().collect();
		let planned = Self::planned_set();
		let session = CurrentSession::<T>::get();
		let mut all: Vec<RankedCandidate<T::AccountId>> = Candidates::<T>::iter()
			.map(|(who, c)| Self::rank_entry(who, c, &current, planned.as_ref(), session))
			.collect();
		all.sort_by(|a, b| b.points.cmp(&a.points).then(a.account.cmp(&b.account)));
		all
	}

	/// `who`'s entry of the ranking, if a candidate.
	pub fn ranked(who: T::AccountId) -> Option<RankedCandidate<T::AccountId>> {
		let candidate = Candidates::<T>::get(&who)?;
		let current: BTreeSet<T::AccountId> =
			T::SlotAuthorities::authorities().into_iter().collect();
		let planned = Self::planned_set();
		Some(Self::rank_entry(
			who,
			candidate,
			&current,
			planned.as_ref(),
			CurrentSession::<T>::get(),
		))
	}

	/// The set planned for the next session, if one was planned after the session in force
	/// started.
	pub fn planned_validators() -> Option<(SessionIndex, Vec<T::AccountId>)> {
		let (session, set) = Planned::<T>::get()?;
		(session > CurrentSession::<T>::get()).then(|| (session, set.into_inner()))
	}

	fn planned_set() -> Option<BTreeSet<T::AccountId>> {
		Self::planned_validators().map(|(_, set)| set.into_iter().collect())
	}

	fn rank_entry(
		who: T::AccountId,
		c: Candidate<T>,
		current: &BTreeSet<T::AccountId>,
		planned: Option<&BTreeSet<T::AccountId>>,
		session: SessionIndex,
	) -> RankedCandidate<T::AccountId> {
		let active = current.contains(&who);
		// Without a plan for the next session, the current set carries over.
		let next = planned.map_or(active, |p| p.contains(&who));
		// Whether its grace period protected it when the next session was planned.
		let grace = Self::in_grace(c.seated_since, session.saturating_add(1));
		let hospital_ok = T::HospitalValidators::hospital_of_validator(&who)
			.is_some_and(|v| v.hospital == c.hospital && v.grade >= T::MinGrade::get());
		let standing = if active && !next {
			CandidateStanding::Outgoing
		} else if active && grace {
			CandidateStanding::InGrace
		} else if active && c.points < T::LeaveThreshold::get() {
			CandidateStanding::Leaving
		} else if active {
			CandidateStanding::InSet
		} else if next {
			CandidateStanding::Incoming
		} else if !T::ValidatorRegistration::is_registered(&who) {
			CandidateStanding::KeysNotRegistered
		} else if !hospital_ok {
			CandidateStanding::HospitalIneligible
		} else if c.points >= T::EnterThreshold::get() {
			CandidateStanding::EligibleWaiting
		} else {
			CandidateStanding::BelowThreshold
		};
		RankedCandidate {
			account: who,
			hospital: c.hospital,
			grade: c.grade,
			points: c.points,
			baseline: Self::baseline(c.grade),
			seated_since: c.seated_since,
			standing,
		}
	}
}
