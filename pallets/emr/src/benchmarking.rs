//! Benchmarks of the EMR index chain, in the worst case: the longest locators, policies and
//! descriptions, and a provider's hosted index almost full, so every append decodes and
//! re-encodes the largest bounded vector.

use super::*;
use crate::BenchmarkHelper;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{traits::Get, BoundedVec};
use frame_system::RawOrigin;

/// The record service, the patient and the provider of a benchmark.
type Actors<T> = (
	<T as frame_system::Config>::AccountId,
	<T as frame_system::Config>::AccountId,
	<T as frame_system::Config>::AccountId,
);

/// A hospital record service, a patient and a provider operated by another hospital.
fn actors<T: Config>() -> Actors<T> {
	let service: T::AccountId = account("record-service", 0, 0);
	let other: T::AccountId = account("record-service", 1, 0);
	let patient: T::AccountId = account("patient", 0, 0);
	let provider: T::AccountId = account("provider", 0, 0);
	T::BenchmarkHelper::register_record_service(&service);
	let operator = T::BenchmarkHelper::register_record_service(&other);
	T::BenchmarkHelper::register_patient(&patient);
	T::BenchmarkHelper::register_provider(&provider, Some(operator));
	(service, patient, provider)
}

/// A 1 TiB record: its PDP file check derives a name and block count like any other.
const RECORD_SIZE: u64 = 1 << 40;

fn filled<S: Get<u32>>(len: u32, byte: u8) -> BoundedVec<u8, S> {
	BoundedVec::truncate_from(vec![byte; len as usize])
}

fn record<T: Config>(provider: &T::AccountId, supersedes: Option<Seq>) -> NewEntry<T> {
	record_with_bytes::<T>(provider, u32::MAX, supersedes)
}

/// A record whose variable-length fields (locator, policy, description, filled in that order)
/// hold `bytes` bytes in all, as far as their bounds allow.
fn record_with_bytes<T: Config>(
	provider: &T::AccountId,
	bytes: u32,
	supersedes: Option<Seq>,
) -> NewEntry<T> {
	let locator = bytes.min(T::MaxLocatorLen::get());
	let policy = bytes.saturating_sub(locator).min(T::MaxPolicyLen::get());
	let description =
		bytes.saturating_sub(locator).saturating_sub(policy).min(T::MaxDescriptionLen::get());
	NewEntry {
		provider: provider.clone(),
		locator: filled(locator, b'l'),
		ciphertext_hash: [2; 32],
		size: RECORD_SIZE,
		pdp_file: PdpFile::derived(&[2; 32], RECORD_SIZE, 256, 0).unwrap_or_default(),
		shve_commitment: [4; 32],
		policy: filled(policy, b'p'),
		description: filled(description, b'd'),
		supersedes,
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `n` records for `n` different patients (so every per-patient item is read and written
	/// once per record), each amending the patient's previous entry, into hosted indexes one
	/// short of full (the longest to decode and encode), with `b` bytes of locators, policies
	/// and descriptions spread over the batch.
	#[benchmark]
	fn append_records(
		n: Linear<1, { T::MaxBatch::get() }>,
		b: Linear<0, { T::MaxBatch::get().saturating_mul(NewEntry::<T>::max_variable_len()) }>,
	) -> Result<(), BenchmarkError> {
		let (service, _, provider) = actors::<T>();
		let room = T::MaxHostedPerProvider::get().saturating_sub(1);
		let per_record = b / n;
		let mut batch = alloc::vec::Vec::new();
		for i in 0..n {
			let patient: T::AccountId = account("batch-patient", i, 0);
			T::BenchmarkHelper::register_patient(&patient);
			// One earlier entry to amend (its position and the chain head are all an
			// amendment reads).
			Chains::<T>::insert(&patient, ChainState { length: 1, head: [9; 32] });
			HostedBy::<T>::insert(
				&patient,
				&provider,
				BoundedVec::<Seq, T::MaxHostedPerProvider>::truncate_from((0..room).collect()),
			);
			batch.push((patient, record_with_bytes::<T>(&provider, per_record, Some(0))));
		}
		let batch: BoundedVec<_, T::MaxBatch> = BoundedVec::truncate_from(batch);
		#[extrinsic_call]
		_(RawOrigin::Signed(service), batch);
		assert_eq!(Pallet::<T>::chain_length(&account("batch-patient", 0, 0)), 2);
		Ok(())
	}

	#[benchmark]
	fn erase_record() -> Result<(), BenchmarkError> {
		let (service, patient, provider) = actors::<T>();
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
