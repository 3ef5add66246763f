//! Benchmarks (frame-benchmarking v2). The verification benchmarks need a real PDP proof of a
//! real entry: the runtime's [`crate::BenchmarkHelper`] provides them from checked-in fixtures
//! ([`crate::fixtures`]), and a challenge with the fixtures' seed is written directly.

use super::*;

use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Authorize, Get, Hooks},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::RuntimeAppPublic;

/// Writes an open, seeded challenge of `challenged` blocks on a fixture entry, assigned to one
/// relayer with a fresh audit key; returns its id and the key.
fn open_seeded<T: Config>(challenged: u32) -> (ChallengeId, AuditId) {
	let (patient, seq, target) = T::BenchmarkHelper::auditable_entry(challenged);
	let key = AuditId::generate_pair(None);
	let relayer: T::AccountId = account("relayer", 0, 0);
	let id = NextChallengeId::<T>::get();
	let now = frame_system::Pallet::<T>::block_number();
	let deadline = now + T::FullWindow::get();
	let relayers = BoundedVec::truncate_from(alloc::vec![Assignment {
		relayer,
		key: key.clone(),
		report: None
	}]);
	Challenges::<T>::insert(
		id,
		Challenge {
			patient: patient.clone(),
			seq,
			provider: target.provider.clone(),
			hospital: target.hospital,
			kind: ChallengeKind::Full,
			challenged,
			opened_at: now,
			seed: Some(T::BenchmarkHelper::seed()),
			seed_authors: 2,
			deadline,
			relayers,
		},
	);
	OpenQueue::<T>::mutate(|queue| {
		let _ = queue.try_push(OpenSlot { id, opened_at: now, deadline, seeded: true });
	});
	EntryAudits::<T>::mutate(&patient, seq, |audit| audit.open = Some(id));
	NextChallengeId::<T>::put(id + 1);
	(id, key)
}

/// The relayed answer to `id`, signed by the provider (or by nobody it knows if `unsigned`).
fn answer_for<T: Config>(id: ChallengeId, key: &AuditId, unsigned: bool) -> RelayedAnswer<T> {
	let challenge = Challenges::<T>::get(id).expect("opened");
	let (file_params, proof) = T::BenchmarkHelper::answer(challenge.challenged);
	let statement = Pallet::<T>::answer_statement(
		id,
		&challenge,
		challenge.seed.expect("seeded"),
		&file_params,
		&proof,
	)
	.encode();
	// Unsigned: the provider's signature over other bytes, which fails as any forgery does.
	let signed: &[u8] = if unsigned { b"not the answer statement" } else { &statement };
	RelayedAnswer {
		challenge: id,
		relayer: key.clone(),
		challenged: challenge.challenged,
		file_params: BoundedVec::truncate_from(file_params),
		proof: BoundedVec::truncate_from(proof),
		provider_signature: T::BenchmarkHelper::sign(&challenge.provider, signed),
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn authorize_submit_proof() -> Result<(), BenchmarkError> {
		let (id, key) = open_seeded::<T>(T::FullChallengeBlocks::get());
		let answer = answer_for::<T>(id, &key, false);
		let signature = key.sign(&Pallet::<T>::relay_message(&answer)).ok_or("sign")?;
		let call = Call::<T>::submit_proof { answer, signature };
		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("authorizes")?
				.map_err(|_| "valid")?;
		}
		Ok(())
	}

	#[benchmark]
	fn submit_proof(c: Linear<1, 460>) -> Result<(), BenchmarkError> {
		let (id, key) = open_seeded::<T>(c);
		let answer = answer_for::<T>(id, &key, false);
		let signature = key.sign(&Pallet::<T>::relay_message(&answer)).ok_or("sign")?;
		#[extrinsic_call]
		submit_proof(RawOrigin::Authorized, answer, signature);
		assert!(Challenges::<T>::get(id).is_none());
		Ok(())
	}

	#[benchmark]
	fn submit_unsigned_answer() -> Result<(), BenchmarkError> {
		let (id, key) = open_seeded::<T>(T::FullChallengeBlocks::get());
		let answer = answer_for::<T>(id, &key, true);
		let signature = key.sign(&Pallet::<T>::relay_message(&answer)).ok_or("sign")?;
		#[extrinsic_call]
		submit_proof(RawOrigin::Authorized, answer, signature);
		assert!(Challenges::<T>::get(id).is_some());
		Ok(())
	}

	#[benchmark]
	fn authorize_report_unreachable() -> Result<(), BenchmarkError> {
		let (id, key) = open_seeded::<T>(1);
		let report = UnreachableReport { challenge: id, relayer: key.clone() };
		let signature = key.sign(&Pallet::<T>::unreachable_message(&report)).ok_or("sign")?;
		let call = Call::<T>::report_unreachable { report, signature };
		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("authorizes")?
				.map_err(|_| "valid")?;
		}
		Ok(())
	}

	#[benchmark]
	fn report_unreachable() -> Result<(), BenchmarkError> {
		let (id, key) = open_seeded::<T>(1);
		let report = UnreachableReport { challenge: id, relayer: key.clone() };
		let signature = key.sign(&Pallet::<T>::unreachable_message(&report)).ok_or("sign")?;
		#[extrinsic_call]
		report_unreachable(RawOrigin::Authorized, report, signature);
		Ok(())
	}

	#[benchmark]
	fn answer_challenge(c: Linear<1, 460>) -> Result<(), BenchmarkError> {
		let (id, _) = open_seeded::<T>(c);
		let challenge = Challenges::<T>::get(id).ok_or("opened")?;
		let (file_params, proof) = T::BenchmarkHelper::answer(c);
		#[extrinsic_call]
		answer_challenge(
			RawOrigin::Signed(challenge.provider),
			id,
			c,
			BoundedVec::truncate_from(file_params),
			BoundedVec::truncate_from(proof),
		);
		Ok(())
	}

	/// The hook with nothing to do but its fixed reads and writes.
	#[benchmark]
	fn on_initialize_base() {
		let now: BlockNumberFor<T> = 10u32.into();
		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}
	}

	#[benchmark]
	fn seed_challenge() -> Result<(), BenchmarkError> {
		let (id, _) = open_seeded::<T>(1);
		#[block]
		{
			let _ = Pallet::<T>::seed_of(id, &[1u8; 32]);
			Challenges::<T>::mutate(id, |c| {
				if let Some(c) = c {
					c.seed_authors = 2;
				}
			});
		}
		Ok(())
	}

	#[benchmark]
	fn time_out_challenge() -> Result<(), BenchmarkError> {
		let (id, _) = open_seeded::<T>(1);
		let challenge = Challenges::<T>::get(id).ok_or("opened")?;
		#[block]
		{
			Pallet::<T>::close(id, challenge, Outcome::Timeout, None)?;
		}
		Ok(())
	}

	#[benchmark]
	fn open_challenge() {
		let (patient, seq, _) = T::BenchmarkHelper::auditable_entry(1);
		let validators: Vec<_> = (0..T::MaxValidators::get())
			.map(|i| (account("v", i, 0), AuditId::generate_pair(None)))
			.collect();
		#[block]
		{
			let _ = Pallet::<T>::pick_relayers(&[3u8; 32], &validators);
			let _ = EntryAudits::<T>::get(&patient, seq);
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
