//! Selection at each session (`pallet_session::SessionManager`): the candidates' re-check, the
//! decay of those outside the set, and the planned set with its guards (see the crate docs,
//! "Selection").

use alloc::{collections::BTreeSet, vec::Vec};
use core::cmp::Ordering;
use frame_support::{
	dispatch::DispatchClass,
	traits::{Get, ValidatorRegistration},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::HospitalValidators;

use crate::{
	Candidate, Candidates, Config, CurrentSession, DropReason, Event, KeepReason, Pallet, Planned,
	Points, SessionIndex, SlotAuthorities, SlotInfo, WeightInfo,
};

/// One candidate as the selection sees it.
struct Entry<T: Config> {
	who: T::AccountId,
	points: Points,
	joined_at: BlockNumberFor<T>,
	member: bool,
	/// A candidate with registered keys.
	valid: bool,
	eligible: bool,
	protected: bool,
}

/// The rank order: eligible first, then points descending, members first, older candidates
/// first, then the account.
fn rank<T: Config>(a: &Entry<T>, b: &Entry<T>) -> Ordering {
	b.eligible
		.cmp(&a.eligible)
		.then(b.points.cmp(&a.points))
		.then(b.member.cmp(&a.member))
		.then(a.joined_at.cmp(&b.joined_at))
		.then(a.who.cmp(&b.who))
}

/// What a planning decided.
pub(crate) enum Plan<AccountId> {
	/// A new set: all of it, who entered, who left.
	New { set: Vec<AccountId>, entered: Vec<AccountId>, left: Vec<AccountId> },
	/// The set stays as it is.
	Unchanged,
	/// A guard kept the current set.
	Kept(KeepReason),
}

impl<T: Config> Pallet<T> {
	/// Whether a validator seated for session `seated` is in its grace period when session
	/// `planning` is planned.
	pub fn in_grace(seated: Option<SessionIndex>, planning: SessionIndex) -> bool {
		seated.is_some_and(|e| planning.saturating_sub(e) < T::GraceSessions::get())
	}

	/// Re-checks every candidate with the registry (dropping those no longer eligible to
	/// stand, refreshing grades) and decays the points of those outside `current`.
	pub(crate) fn refresh_candidates(current: &BTreeSet<T::AccountId>) {
		let all: Vec<(T::AccountId, Candidate<T>)> = Candidates::<T>::iter().collect();
		for (who, mut candidate) in all {
			let reason = match T::HospitalValidators::hospital_of_validator(&who) {
				Some(v) if v.hospital != candidate.hospital => Some(DropReason::NoLongerValidator),
				Some(v) if v.grade < T::MinGrade::get() => Some(DropReason::GradeTooLow),
				Some(v) => {
					candidate.grade = v.grade;
					None
				},
				None => Some(DropReason::NoLongerValidator),
			};
			if let Some(reason) = reason {
				Self::remove_candidate(&who, candidate.hospital);
				Self::deposit_event(Event::CandidateDropped {
					who,
					hospital: candidate.hospital,
					reason,
				});
				continue;
			}
			if !current.contains(&who) {
				candidate.points = Self::decayed(candidate.points, Self::baseline(candidate.grade));
			}
			Candidates::<T>::insert(&who, candidate);
		}
	}

	/// Plans session `planning` from the set `prev` in force (pure but for reads).
	pub(crate) fn plan(planning: SessionIndex, prev: &[T::AccountId]) -> Plan<T::AccountId> {
		let members: BTreeSet<&T::AccountId> = prev.iter().collect();
		let mut entries: Vec<Entry<T>> = Candidates::<T>::iter()
			.map(|(who, c)| {
				let member = members.contains(&who);
				let valid = T::ValidatorRegistration::is_registered(&who);
				let threshold =
					if member { T::LeaveThreshold::get() } else { T::EnterThreshold::get() };
				Entry {
					eligible: valid && c.points >= threshold,
					protected: valid && member && Self::in_grace(c.seated_since, planning),
					who,
					points: c.points,
					joined_at: c.joined_at,
					member,
					valid,
				}
			})
			.collect();
		entries.sort_by(rank::<T>);

		let max = T::MaxValidators::get() as usize;
		let desired = (T::DesiredValidators::get() as usize).min(max);

		// The ideal set: the protected, then the eligible members (a validator keeps its seat
		// while at or above the leave threshold), then the eligible newcomers, by rank.
		let mut ideal: BTreeSet<&T::AccountId> =
			entries.iter().filter(|e| e.protected).map(|e| &e.who).collect();
		let members_first = entries.iter().filter(|e| e.eligible && e.member && !e.protected);
		let newcomers = entries.iter().filter(|e| e.eligible && !e.member);
		for e in members_first.chain(newcomers) {
			if ideal.len() >= desired {
				break;
			}
			ideal.insert(&e.who);
		}

		// Exits: forced (no longer a candidate with keys), or for points (worst first).
		let by_account: alloc::collections::BTreeMap<&T::AccountId, &Entry<T>> =
			entries.iter().map(|e| (&e.who, e)).collect();
		let mut forced: BTreeSet<&T::AccountId> = BTreeSet::new();
		let mut for_points: Vec<&Entry<T>> = Vec::new();
		for who in prev.iter().filter(|who| !ideal.contains(who)) {
			match by_account.get(who) {
				Some(e) if e.valid => for_points.push(e),
				_ => {
					forced.insert(who);
				},
			}
		}
		let cap = prev.len().saturating_sub(1) / 3;
		let allowed = cap.saturating_sub(forced.len());
		// The worst (by rank) leave first.
		for_points.sort_by(|a, b| rank::<T>(a, b));
		let leaving_for_points: BTreeSet<&T::AccountId> =
			for_points.iter().rev().take(allowed).map(|e| &e.who).collect();

		let mut set: Vec<T::AccountId> = prev
			.iter()
			.filter(|who| !forced.contains(who) && !leaving_for_points.contains(who))
			.cloned()
			.collect();
		let staying = set.len();
		let free = desired.saturating_sub(staying);
		let entrants = free.min(cap.max(1));
		let entered: Vec<T::AccountId> = entries
			.iter()
			.filter(|e| !e.member && ideal.contains(&e.who))
			.take(entrants)
			.map(|e| e.who.clone())
			.collect();
		set.extend(entered.iter().cloned());
		set.truncate(max);

		if set.is_empty() {
			return Plan::Kept(KeepReason::Empty);
		}
		if set.len() < T::MinValidators::get() as usize && set.len() < prev.len() {
			return Plan::Kept(KeepReason::TooFewEligible);
		}
		let kept: BTreeSet<&T::AccountId> = set.iter().collect();
		let left: Vec<T::AccountId> = prev.iter().filter(|w| !kept.contains(w)).cloned().collect();
		if entered.is_empty() && left.is_empty() {
			return Plan::Unchanged;
		}
		Plan::New { set, entered, left }
	}

	/// `SessionManager::new_session`: re-check, decay, plan, record.
	pub(crate) fn do_new_session(planning: SessionIndex) -> Option<Vec<T::AccountId>> {
		let prev = T::SlotAuthorities::authorities();
		let current: BTreeSet<T::AccountId> = prev.iter().cloned().collect();
		Self::refresh_candidates(&current);
		let result = match Self::plan(planning, &prev) {
			Plan::New { set, entered, left } => {
				for who in &left {
					let _ = Self::mutate_candidate(who, |c| c.seated_since = None);
				}
				for who in &entered {
					let _ = Self::mutate_candidate(who, |c| c.seated_since = Some(planning));
				}
				Planned::<T>::put((planning, BoundedVec::truncate_from(set.clone())));
				Self::deposit_event(Event::NewSetPlanned {
					session: planning,
					validators: set.clone(),
					entered,
					left,
				});
				Some(set)
			},
			Plan::Unchanged => None,
			Plan::Kept(reason) => {
				Self::deposit_event(Event::SetKept { session: planning, reason });
				None
			},
		};
		frame_system::Pallet::<T>::register_extra_weight_unchecked(
			T::WeightInfo::new_session(Candidates::<T>::count(), prev.len() as u32),
			DispatchClass::Mandatory,
		);
		result
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		Self::do_new_session(new_index)
	}

	/// The genesis validators are `pallet-session`'s genesis keys.
	fn new_session_genesis(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		None
	}

	fn start_session(start_index: SessionIndex) {
		CurrentSession::<T>::put(start_index);
		// The next block's `on_initialize` counts the slots before it against the set that
		// expected them, then takes the new one.
		SlotInfo::<T>::mutate(|s| s.refresh = true);
	}

	fn end_session(_end_index: SessionIndex) {}
}
