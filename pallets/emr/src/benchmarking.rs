//! Benchmarks of the EMR index chain, in the worst case: the longest locators, policies and
//! descriptions, and a provider's hosted index almost full, so every append decodes and
//! re-encodes the largest bounded vector.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use pallet_medchain_registry::Pallet as Registry;

fn full<S: Get<u32>>(byte: u8) -> BoundedVec<u8, S> {
	BoundedVec::truncate_from(vec![byte; S::get() as usize])
}

fn registrar<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	<T as pallet_medchain_registry::Config>::RegistrarOrigin::try_successful_origin()
		.map_err(|_| BenchmarkError::Weightless)
}

/// The record service, the patient and the provider of a benchmark.
type Actors<T> = (
	<T as frame_system::Config>::AccountId,
	<T as frame_system::Config>::AccountId,
	<T as frame_system::Config>::AccountId,
);

/// A hospital record service, a patient and a provider operated by another hospital.
fn actors<T: Config>() -> Result<Actors<T>, BenchmarkError> {
	let service: T::AccountId = account("record-service", 0, 0);
	let other: T::AccountId = account("record-service", 1, 0);
	let patient: T::AccountId = account("patient", 0, 0);
	let provider: T::AccountId = account("provider", 0, 0);
	let fail = |_| BenchmarkError::Stop("registry setup failed");
	for who in [&service, &other] {
		Registry::<T>::register_hospital(
			registrar::<T>()?,
			who.clone(),
			BoundedVec::new(),
			10,
			BoundedVec::new(),
			None,
		)
		.map_err(fail)?;
	}
	Registry::<T>::register_patient(registrar::<T>()?, patient.clone(), [1; 32]).map_err(fail)?;
	Registry::<T>::register_provider(
		registrar::<T>()?,
		provider.clone(),
		Some(1),
		BoundedVec::new(),
	)
	.map_err(fail)?;
	Ok((service, patient, provider))
}

fn record<T: Config>(provider: &T::AccountId, supersedes: Option<Seq>) -> NewEntry<T> {
	NewEntry {
		provider: provider.clone(),
		locator: full::<T::MaxLocatorLen>(b'l'),
		ciphertext_hash: [2; 32],
		size: u64::MAX,
		pdp_file: PdpFile { blocks: u32::MAX, params_hash: [3; 32] },
		shve_commitment: [4; 32],
		policy: full::<T::MaxPolicyLen>(b'p'),
		description: full::<T::MaxDescriptionLen>(b'd'),
		supersedes,
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn append_records(n: Linear<1, { T::MaxBatch::get() }>) -> Result<(), BenchmarkError> {
		let (service, patient, provider) = actors::<T>()?;
		// One existing entry to amend, and a hosted index filled up to what the batch needs.
		Pallet::<T>::append_record(
			RawOrigin::Signed(service.clone()).into(),
			patient.clone(),
			record::<T>(&provider, None),
		)
		.map_err(|_| BenchmarkError::Stop("first append failed"))?;
		// Positions already hosted: all but the n the batch adds (the first append is one).
		let room = T::MaxHostedPerProvider::get().saturating_sub(n).max(1);
		HostedBy::<T>::insert(
			&patient,
			&provider,
			BoundedVec::<Seq, T::MaxHostedPerProvider>::truncate_from((0..room).collect()),
		);
		let batch: BoundedVec<_, T::MaxBatch> = BoundedVec::truncate_from(
			(0..n)
				.map(|_| (patient.clone(), record::<T>(&provider, Some(0))))
				.collect::<alloc::vec::Vec<_>>(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(service), batch);
		assert_eq!(ChainLength::<T>::get(&patient), n + 1);
		Ok(())
	}

	#[benchmark]
	fn erase_record() -> Result<(), BenchmarkError> {
		let (service, patient, provider) = actors::<T>()?;
		Pallet::<T>::append_record(
			RawOrigin::Signed(service.clone()).into(),
			patient.clone(),
			record::<T>(&provider, None),
		)
		.map_err(|_| BenchmarkError::Stop("append failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(service), patient.clone(), 0);
		assert!(Erasures::<T>::contains_key(&patient, 0));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
