//! Benchmarks (frame-benchmarking v2): every call, the `on_initialize` paths, `note_author`,
//! a relay score, the session hook and the revocation hook, each in its worst case. The
//! runtime's [`crate::BenchmarkHelper`] registers hospitals and session keys and sets Aura's
//! slot and the session's validators.

use super::*;

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{Get, Hooks};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use medchain_primitives::OnRevoked;
use pallet_session::SessionManager;

/// The top grade: every benchmark candidate may stand whatever `MinGrade` is.
const GRADE: u8 = 14;

/// `n` candidates `seed..seed + n`, each its own hospital's validator with keys.
fn candidates<T: Config>(name: &'static str, n: u32) -> Vec<T::AccountId> {
	(0..n)
		.map(|i| {
			let who: T::AccountId = account(name, i, 0);
			let hospital = T::BenchmarkHelper::make_validator(&who, GRADE, None);
			Pallet::<T>::insert_candidate(&who, hospital, GRADE);
			who
		})
		.collect()
}

/// Makes the slot state as after a block at `slot` under `authorities`.
fn seen_slot<T: Config>(slot: Slot, authorities: &[T::AccountId]) {
	T::BenchmarkHelper::set_authorities(authorities);
	ExpectedAuthors::<T>::put(frame_support::BoundedVec::truncate_from(authorities.to_vec()));
	SlotInfo::<T>::put(SlotState { last_slot: Some(slot), refresh: false });
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The worst case: the hospital's former validator account is replaced.
	#[benchmark]
	fn register_as_candidate() -> Result<(), BenchmarkError> {
		let former = candidates::<T>("former", 1).pop().ok_or("one candidate")?;
		let hospital = Candidates::<T>::get(&former).ok_or("stored")?.hospital;
		let who: T::AccountId = account("candidate", 0, 0);
		T::BenchmarkHelper::make_validator(&who, GRADE, Some(hospital));
		#[extrinsic_call]
		register_as_candidate(RawOrigin::Signed(who.clone()));
		assert!(Candidates::<T>::contains_key(&who));
		assert!(!Candidates::<T>::contains_key(&former));
		Ok(())
	}

	#[benchmark]
	fn leave_candidacy() -> Result<(), BenchmarkError> {
		let who = candidates::<T>("candidate", 1).pop().ok_or("one candidate")?;
		#[extrinsic_call]
		leave_candidacy(RawOrigin::Signed(who.clone()));
		assert!(!Candidates::<T>::contains_key(&who));
		Ok(())
	}

	/// A block right after the last one: no slot skipped.
	#[benchmark]
	fn on_initialize_base() {
		let set = candidates::<T>("validator", T::MaxValidators::get());
		seen_slot::<T>(10, &set);
		T::BenchmarkHelper::set_slot(11);
		#[block]
		{
			let _ = Pallet::<T>::count_missed_slots();
		}
		assert_eq!(SlotInfo::<T>::get().last_slot, Some(11));
	}

	/// A block after a long stall, charged to `n` expected authorities.
	#[benchmark]
	fn on_initialize_missed(n: Linear<1, { T::MaxValidators::get() }>) {
		let set = candidates::<T>("validator", n);
		seen_slot::<T>(10, &set);
		T::BenchmarkHelper::set_slot(10 + 1_000_000_007);
		#[block]
		{
			Pallet::<T>::on_initialize(20u32.into());
		}
		assert_eq!(SlotInfo::<T>::get().last_slot, Some(10 + 1_000_000_007));
	}

	/// The first block of a session: the expected authorities are refreshed.
	#[benchmark]
	fn refresh_authorities() {
		let set = candidates::<T>("validator", T::MaxValidators::get());
		seen_slot::<T>(10, &[]);
		T::BenchmarkHelper::set_authorities(&set);
		SlotInfo::<T>::mutate(|s| s.refresh = true);
		T::BenchmarkHelper::set_slot(11);
		#[block]
		{
			let _ = Pallet::<T>::count_missed_slots();
		}
		assert_eq!(ExpectedAuthors::<T>::decode_len(), Some(set.len()));
	}

	#[benchmark]
	fn note_author() -> Result<(), BenchmarkError> {
		let who = candidates::<T>("author", 1).pop().ok_or("one candidate")?;
		#[block]
		{
			<Pallet<T> as pallet_authorship::EventHandler<T::AccountId, BlockNumberFor<T>>>::note_author(
				who.clone(),
			);
		}
		Ok(())
	}

	#[benchmark]
	fn relay_score() -> Result<(), BenchmarkError> {
		let who = candidates::<T>("relayer", 1).pop().ok_or("one candidate")?;
		#[block]
		{
			<Pallet<T> as pallet_medchain_audit::RelayScores<T::AccountId>>::misbehaved(&who, 0);
		}
		Ok(())
	}

	/// `c` candidates, the first `v` of them (or all) the validators, half of those below the
	/// leave threshold: re-checks, decay, exits and entries.
	#[benchmark]
	fn new_session(
		c: Linear<1, { T::MaxCandidates::get() }>,
		v: Linear<1, { T::MaxValidators::get() }>,
	) {
		let all = candidates::<T>("candidate", c);
		let set: Vec<T::AccountId> = all.iter().take(v as usize).cloned().collect();
		for who in set.iter().step_by(2) {
			let _ = Pallet::<T>::mutate_candidate(who, |cand| cand.points = 0);
		}
		for who in all.iter().skip(v as usize) {
			let _ = Pallet::<T>::mutate_candidate(who, |cand| cand.points = T::MaxPoints::get());
		}
		T::BenchmarkHelper::set_authorities(&set);
		CurrentSession::<T>::put(9);
		#[block]
		{
			let _ = <Pallet<T> as SessionManager<T::AccountId>>::new_session(10);
		}
	}

	#[benchmark]
	fn on_hospital_revoked() -> Result<(), BenchmarkError> {
		let who = candidates::<T>("candidate", 1).pop().ok_or("one candidate")?;
		let hospital = Candidates::<T>::get(&who).ok_or("stored")?.hospital;
		#[block]
		{
			<Pallet<T> as OnRevoked<T::AccountId>>::on_hospital_revoked(hospital);
		}
		assert!(!Candidates::<T>::contains_key(&who));
		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
