//! Benchmarks of the EMR index chain, in the worst case: the longest locators and descriptions,
//! every record under the worst policy (the most leaves the parser takes, each but the key
//! epoch an allowlisted attribute, so each is one allowlist lookup, and as long as the bounds
//! let them be), every record an amendment of an entry as large, and a provider's hosted index
//! almost full (full, for an erasure), so every call decodes and re-encodes the largest bounded
//! vector.

use super::*;
use crate::BenchmarkHelper;
use alloc::{string::String, vec, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{traits::Get, BoundedVec};
use frame_system::RawOrigin;
use medchain_crypto::abe::{MAX_ATTRIBUTE_LEN, MAX_GATE_CHILDREN, MAX_POLICY_LEAVES};
use sp_runtime::traits::Saturating;

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
	let provider = T::BenchmarkHelper::provider_account(0);
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

/// The longest policy text the parser takes.
const POLICY_TEXT_LIMIT: usize = 4096;
/// The shortest leaf of the worst policy: `a` and up to two digits.
const MIN_LEAF_LEN: usize = 3;
/// Leaves per AND group of the worst policy.
const GROUP: usize = 3;

/// The policy text `epoch:0 and (G or … or G or s or … or s)` over `leaves` allowlisted
/// attributes of `len` characters (`a<i>x…`): the first ones in AND groups of three, as few as
/// keep the OR within the parser's children per gate, the rest single. With 47 leaves that is 48
/// leaves and 58 nodes, within the parser's 48 and 64.
fn policy_text(leaves: usize, len: usize) -> (String, Vec<String>) {
	let names: Vec<String> = (0..leaves)
		.map(|i| {
			let mut name = alloc::format!("a{i}");
			while name.len() < len {
				name.push('x');
			}
			name
		})
		.collect();
	// Each group of three takes two children off the OR.
	let groups = leaves.saturating_sub(MAX_GATE_CHILDREN as usize).div_ceil(GROUP - 1);
	let grouped = groups.saturating_mul(GROUP).min(leaves);
	let children: Vec<String> = names[..grouped]
		.chunks(GROUP)
		.map(|group| alloc::format!("({})", group.join(" and ")))
		.chain(names[grouped..].iter().cloned())
		.collect();
	(alloc::format!("epoch:0 and ({})", children.join(" or ")), names)
}

/// The worst policy: [`policy_text`] with as many leaves as the parser takes (each costs a
/// lookup), then as long as the allowlist and `MaxPolicyLen` let them be. Its attributes are
/// allowlisted through the helper.
fn worst_policy<T: Config>() -> Result<BoundedVec<u8, T::MaxPolicyLen>, BenchmarkError> {
	let budget = (T::MaxPolicyLen::get() as usize).min(POLICY_TEXT_LIMIT);
	let longest =
		(T::BenchmarkHelper::max_attribute_len().min(MAX_ATTRIBUTE_LEN) as usize).max(MIN_LEAF_LEN);
	let fits = |leaves: usize, len: usize| policy_text(leaves, len).0.len() <= budget;
	let mut leaves = MAX_POLICY_LEAVES.saturating_sub(1) as usize;
	while leaves > 1 && !fits(leaves, MIN_LEAF_LEN) {
		leaves -= 1;
	}
	let mut len = longest;
	while len > MIN_LEAF_LEN && !fits(leaves, len) {
		len -= 1;
	}
	let (text, names) = policy_text(leaves, len);
	for name in &names {
		T::BenchmarkHelper::allow_attribute(name.as_bytes());
	}
	let policy = BoundedVec::try_from(text.into_bytes())
		.map_err(|_| BenchmarkError::Stop("MaxPolicyLen too small for any policy"))?;
	Pallet::<T>::ensure_known_policy(&policy)
		.map_err(|_| BenchmarkError::Stop("the worst policy is refused"))?;
	Ok(policy)
}

fn record<T: Config>(
	patient: &T::AccountId,
	provider: &T::AccountId,
	policy: &BoundedVec<u8, T::MaxPolicyLen>,
	supersedes: Option<Seq>,
) -> NewEntry<T> {
	record_with_bytes::<T>(patient, provider, policy, u32::MAX, supersedes)
}

/// A record under `policy` whose locator and description (filled in that order) hold `bytes`
/// bytes in all, as far as their bounds allow, with `provider`'s receipt for `patient`.
fn record_with_bytes<T: Config>(
	patient: &T::AccountId,
	provider: &T::AccountId,
	policy: &BoundedVec<u8, T::MaxPolicyLen>,
	bytes: u32,
	supersedes: Option<Seq>,
) -> NewEntry<T> {
	let locator = bytes.min(T::MaxLocatorLen::get());
	let description = bytes.saturating_sub(locator).min(T::MaxDescriptionLen::get());
	let mut record = NewEntry {
		provider: provider.clone(),
		locator: filled(locator, b'l'),
		ciphertext_hash: [2; 32],
		size: RECORD_SIZE,
		pdp_file: PdpFile::derived(&[2; 32], RECORD_SIZE, 256, 0).unwrap_or_default(),
		shve_commitment: [4; 32],
		policy: policy.clone(),
		description: filled(description, b'd'),
		supersedes,
		receipt: T::BenchmarkHelper::sign_receipt(provider, &[]),
		receipt_valid_until: frame_system::Pallet::<T>::block_number()
			.saturating_add(1_000u32.into()),
	};
	let statement = Pallet::<T>::receipt_statement(patient, &record).encode();
	record.receipt = T::BenchmarkHelper::sign_receipt(provider, &statement);
	record
}

/// Appends one worst-case entry by `service` to `patient`'s chain, then pretends the chain and
/// the provider's hosted index of the patient hold `hosted` entries (positions `0..hosted`,
/// the real entry first), so that the next call rewrites the longest index.
fn entry_in_full_index<T: Config>(
	service: &T::AccountId,
	patient: &T::AccountId,
	provider: &T::AccountId,
	policy: &BoundedVec<u8, T::MaxPolicyLen>,
	hosted: u32,
) -> Result<(), BenchmarkError> {
	Pallet::<T>::append_record(
		RawOrigin::Signed(service.clone()).into(),
		patient.clone(),
		record::<T>(patient, provider, policy, None),
	)
	.map_err(|_| BenchmarkError::Stop("append failed"))?;
	let hosted = hosted.max(1);
	Chains::<T>::mutate(patient, |chain| {
		if let Some(chain) = chain {
			chain.length = hosted;
		}
	});
	HostedBy::<T>::insert(
		patient,
		provider,
		BoundedVec::<Seq, T::MaxHostedPerProvider>::truncate_from((0..hosted).collect()),
	);
	Ok(())
}

/// Length of the chain the page benchmark reads the end of.
const LONG_CHAIN: Seq = 100_000;

/// Copies of the patient's first entry (the worst policy) as the last `n + 1` entries of a
/// `LONG_CHAIN`-entry chain, each re-linked and re-hashed (the entries before them are never read
/// by a page at the end, so they are not stored). Returns the page's first position.
fn long_chain_tail<T: Config>(patient: &T::AccountId, n: u32) -> Result<Seq, BenchmarkError> {
	let template = Entries::<T>::get(patient, 0).ok_or(BenchmarkError::Stop("no entry"))?;
	let from = LONG_CHAIN.saturating_sub(n);
	let mut prev = [7u8; 32];
	for seq in from.saturating_sub(1)..LONG_CHAIN {
		let mut entry = template.clone();
		entry.seq = seq;
		entry.prev_hash = prev;
		entry.entry_hash =
			entry.compute_hash(&EMR_CHAIN, patient).ok_or(BenchmarkError::Stop("format"))?;
		prev = entry.entry_hash;
		Entries::<T>::insert(patient, seq, entry);
	}
	Chains::<T>::insert(patient, ChainState { length: LONG_CHAIN, head: prev });
	Ok(from)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `n` records for `n` different patients (so every per-patient item is read and written
	/// once per record), each for its own provider (whose receipt signature is verified), each
	/// under the worst policy and amending the patient's first entry (as large, same hospital),
	/// into hosted indexes one short of full (the longest to decode and encode), with `b` bytes
	/// of locators and descriptions spread over the batch. The policy's cost is per record, so
	/// it is in every record rather than in `b`.
	#[benchmark]
	fn append_records(
		n: Linear<1, { T::MaxBatch::get() }>,
		b: Linear<0, { T::MaxBatch::get().saturating_mul(NewEntry::<T>::max_variable_len()) }>,
	) -> Result<(), BenchmarkError> {
		let (service, _, _) = actors::<T>();
		let operator =
			T::BenchmarkHelper::register_record_service(&account("record-service", 2, 0));
		let policy = worst_policy::<T>()?;
		let room = T::MaxHostedPerProvider::get().saturating_sub(1).max(1);
		let per_record = b / n;
		let mut batch = Vec::new();
		for i in 0..n {
			let patient: T::AccountId = account("batch-patient", i, 0);
			T::BenchmarkHelper::register_patient(&patient);
			// A provider per record, so that every record's provider lookup is a storage read
			// of its own (one provider for the batch would be read once and then cached).
			let provider = T::BenchmarkHelper::provider_account(i.saturating_add(1));
			T::BenchmarkHelper::register_provider(&provider, Some(operator));
			entry_in_full_index::<T>(&service, &patient, &provider, &policy, room)?;
			let record = record_with_bytes::<T>(&patient, &provider, &policy, per_record, Some(0));
			batch.push((patient, record));
		}
		let batch: BoundedVec<_, T::MaxBatch> = BoundedVec::truncate_from(batch);
		#[extrinsic_call]
		_(RawOrigin::Signed(service), batch);
		assert_eq!(
			Pallet::<T>::chain_length(&account("batch-patient", 0, 0)),
			room.saturating_add(1)
		);
		Ok(())
	}

	/// The erased entry in a full hosted index, which is rewritten without it.
	#[benchmark]
	fn erase_record() -> Result<(), BenchmarkError> {
		let (service, patient, provider) = actors::<T>();
		let policy = worst_policy::<T>()?;
		let hosted = T::MaxHostedPerProvider::get().max(1);
		entry_in_full_index::<T>(&service, &patient, &provider, &policy, hosted)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(service), patient.clone(), 0);
		assert!(Erasures::<T>::contains_key(&patient, 0));
		assert_eq!(HostedBy::<T>::get(&patient, &provider).len() as u32, hosted.saturating_sub(1));
		Ok(())
	}

	/// The runtime API's page of `verify_chain` at the end of a 100,000-entry chain, every entry
	/// under the worst policy: its cost depends on the page, not on the chain's length.
	#[benchmark]
	// 4096: the runtime API's page cap (`MAX_CHAIN_PAGE` of the runtime).
	fn verify_chain_page(n: Linear<1, 4096>) -> Result<(), BenchmarkError> {
		let (service, patient, provider) = actors::<T>();
		let policy = worst_policy::<T>()?;
		Pallet::<T>::append_record(
			RawOrigin::Signed(service).into(),
			patient.clone(),
			record::<T>(&patient, &provider, &policy, None),
		)
		.map_err(|_| BenchmarkError::Stop("append failed"))?;
		let from = long_chain_tail::<T>(&patient, n)?;
		#[block]
		{
			let page = Pallet::<T>::verify_chain_page(&patient, from, n);
			assert_eq!((page.to, page.first_broken), (LONG_CHAIN, None));
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
