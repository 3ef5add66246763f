//! `try_state` invariants.

use alloc::collections::BTreeSet;
use frame_support::{ensure, traits::Get};

use crate::{CandidateOfHospital, Candidates, Config, Pallet, Planned};

impl<T: Config> Pallet<T> {
	/// Invariants: at most `MaxCandidates` candidates, counted right; every candidate's points
	/// are at most `MaxPoints`, its grade at least `MinGrade`, its hospital links back to it
	/// and no other candidate has its hospital; every hospital link names a candidate of that
	/// hospital; a seat is never dated after the last planned session; the planned set is not
	/// empty and has no duplicate.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut counted = 0u32;
		let mut hospitals = BTreeSet::new();
		let planned = Planned::<T>::get();
		for (who, c) in Candidates::<T>::iter() {
			counted = counted.saturating_add(1);
			ensure!(c.points <= T::MaxPoints::get(), "a candidate has more than MaxPoints");
			ensure!(c.grade >= T::MinGrade::get(), "a candidate's grade is below MinGrade");
			ensure!(hospitals.insert(c.hospital), "two candidates of one hospital");
			ensure!(
				CandidateOfHospital::<T>::get(c.hospital).as_ref() == Some(&who),
				"a candidate's hospital does not link to it"
			);
			if let Some(seated) = c.seated_since {
				let (session, _) = planned.as_ref().ok_or("a seat without a planned set")?;
				ensure!(seated <= *session, "a seat dated after the last planning");
			}
		}
		ensure!(counted == Candidates::<T>::count(), "the candidate count is wrong");
		ensure!(counted <= T::MaxCandidates::get(), "more than MaxCandidates candidates");
		for (hospital, who) in CandidateOfHospital::<T>::iter() {
			let c = Candidates::<T>::get(&who).ok_or("a hospital links to a non-candidate")?;
			ensure!(c.hospital == hospital, "a hospital links to another hospital's candidate");
		}
		if let Some((_, set)) = planned {
			ensure!(!set.is_empty(), "an empty planned set");
			let distinct: BTreeSet<_> = set.iter().collect();
			ensure!(distinct.len() == set.len(), "a validator planned twice");
		}
		Ok(())
	}
}
