//! The off-chain worker: on a validator, for each seeded open challenge assigned to one of the
//! node's audit keys, fetch the provider's signed answer over HTTP, check it natively, and
//! submit it as an authorized general transaction ([`crate::Pallet::submit_proof`]); report the
//! provider unreachable when it gives no signed answer in time.
//!
//! HTTP: `POST {endpoint}/v1/audits/challenges/{id}` with `Accept: application/scale`; the
//! provider reads challenge `id` from the chain and answers with the SCALE
//! `(file_params, proof, signature)` of [`ProviderAnswer`].
//! Every run's requests are sent together and share one deadline of [`HTTP_DEADLINE_MS`], well
//! under the 2-s slot (a new run starts with every imported block, so a slow provider gets
//! another chance next block).
//!
//! Claims: one persistent offchain-storage value per challenge and key, updated by
//! compare-and-set ([`StorageValueRef::mutate`]), is the lock: a run that fails to claim skips
//! the challenge, so concurrent runs (one per block, they may overlap) never both fetch or
//! submit. A relayer without a signed answer tries again every block and reports the provider
//! unreachable only in the last [`REPORT_MARGIN`] blocks of the window. A submission is retried only after [`RESUBMIT_AFTER`] blocks if the challenge still
//! shows no report (a re-org dropped the transaction, or the pool did): persistent storage is
//! not fork-aware, the chain's state is.

use alloc::{format, vec::Vec};
use codec::{Decode, Encode};
use frame_system::{
	offchain::{CreateAuthorizedTransaction, SubmitTransaction},
	pallet_prelude::BlockNumberFor,
};
use sp_runtime::{
	offchain::{
		http,
		storage::{MutateStorageError, StorageRetrievalError, StorageValueRef},
		Duration,
	},
	traits::{Saturating, Verify},
	RuntimeAppPublic,
};

use crate::{
	AuditId, AuditIndex, Call, Challenge, ChallengeId, Challenges, Config, FileParamsOf, OpenQueue,
	Pallet, ProofOf, ProviderEndpoints, RelayedAnswer, UnreachableReport,
};

/// The deadline of one run's HTTP requests, in milliseconds.
pub const HTTP_DEADLINE_MS: u64 = 800;
/// Most challenges one run fetches.
pub const MAX_FETCHES_PER_RUN: usize = 8;
/// Blocks after the seed before the first fetch: the provider reads the challenge at its
/// finalized head, which lags the best block by a block or two.
pub const FETCH_AFTER: u32 = 2;
/// Blocks before the deadline from which a relayer that still has no signed answer reports the
/// provider unreachable (until then it tries again every block: a report spends its duty).
pub const REPORT_MARGIN: u32 = 3;
/// Blocks after a submission before it is retried, if the chain still shows no report.
pub const RESUBMIT_AFTER: u32 = 5;
/// Largest answer body read, in bytes.
pub const MAX_BODY: usize = 16 * 1024;
/// Prefix of the offchain-storage claims.
const CLAIM_PREFIX: &[u8] = b"medchain/audit/ocw/claim/";

/// The SCALE body of a provider's answer.
#[derive(Encode, Decode)]
pub struct ProviderAnswer<Signature> {
	/// The SCALE `PdpFileParams` of the entry.
	pub file_params: FileParamsOf,
	/// The SCALE masked proof.
	pub proof: ProofOf,
	/// The provider's signature over the answer statement (a `MultiSignature`).
	pub signature: Signature,
}

/// A claim on one challenge for one key.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug)]
enum Claim {
	/// Fetches tried, the last in block `at` (a number, to stay independent of `T`).
	Trying { attempts: u8, at: u64 },
	/// Submitted in block `at`.
	Submitted { at: u64 },
}

/// One challenge a run works on.
struct Job<T: Config> {
	id: ChallengeId,
	challenge: Challenge<T>,
	key: AuditId,
	attempts: u8,
}

/// The worker's entry point (from `offchain_worker`).
pub fn run<T: Config>(now: BlockNumberFor<T>) {
	if !sp_io::offchain::is_validator() {
		return;
	}
	let local = AuditId::all();
	if local.is_empty() {
		return;
	}
	let now_number: u64 = sp_runtime::traits::UniqueSaturatedInto::unique_saturated_into(now);
	let mut jobs: Vec<Job<T>> = Vec::new();
	for slot in OpenQueue::<T>::get().iter().filter(|slot| slot.seeded) {
		if jobs.len() >= MAX_FETCHES_PER_RUN {
			break;
		}
		let Some(challenge) = Challenges::<T>::get(slot.id) else { continue };
		let Some(assignment) =
			challenge.relayers.iter().find(|a| a.report.is_none() && local.contains(&a.key))
		else {
			continue;
		};
		let seeded_at = challenge.deadline.saturating_sub(Pallet::<T>::window(challenge.kind));
		if now < seeded_at.saturating_add(FETCH_AFTER.into()) {
			continue;
		}
		let key = assignment.key.clone();
		if let Some(attempts) = claim(slot.id, &key, now_number) {
			jobs.push(Job { id: slot.id, challenge, key, attempts });
		}
	}
	if jobs.is_empty() {
		return;
	}
	let answers = fetch_all::<T>(&jobs);
	for (job, answer) in jobs.into_iter().zip(answers) {
		let margin: BlockNumberFor<T> = REPORT_MARGIN.into();
		let late = now.saturating_add(margin) >= job.challenge.deadline;
		match answer.and_then(|answer| checked_answer::<T>(&job, answer)) {
			Some(relayed) => submit_answer::<T>(&job, relayed, now_number),
			None if late => submit_unreachable::<T>(&job, now_number),
			None => log::info!(
				target: "runtime::audit",
				"challenge {}: no signed answer yet (attempt {})",
				job.id,
				job.attempts
			),
		}
	}
}

/// Claims challenge `id` for `key` in block `now`: `Some(attempts so far, this one included)`
/// if this run may fetch it, `None` if another run holds it or a submission is recent.
fn claim(id: ChallengeId, key: &AuditId, now: u64) -> Option<u8> {
	let storage_key = [CLAIM_PREFIX, &(id, key).encode()[..]].concat();
	let value = StorageValueRef::persistent(&storage_key);
	let claimed =
		value.mutate(|stored: Result<Option<Claim>, StorageRetrievalError>| match stored {
			Ok(Some(Claim::Submitted { at })) if now < at.saturating_add(RESUBMIT_AFTER.into()) => {
				Err(())
			},
			Ok(Some(Claim::Trying { at, .. })) if at == now => Err(()),
			Ok(Some(Claim::Trying { attempts, .. })) => {
				Ok(Claim::Trying { attempts: attempts.saturating_add(1), at: now })
			},
			_ => Ok(Claim::Trying { attempts: 1, at: now }),
		});
	match claimed {
		Ok(Claim::Trying { attempts, .. }) => Some(attempts),
		Ok(Claim::Submitted { .. }) => None,
		Err(MutateStorageError::ConcurrentModification(_))
		| Err(MutateStorageError::ValueFunctionFailed(())) => None,
	}
}

/// Marks challenge `id` submitted by `key` in block `now`.
fn mark_submitted(id: ChallengeId, key: &AuditId, now: u64) {
	let storage_key = [CLAIM_PREFIX, &(id, key).encode()[..]].concat();
	StorageValueRef::persistent(&storage_key).set(&Claim::Submitted { at: now });
}

/// Sends every job's request, then waits for all of them until one shared deadline.
fn fetch_all<T: Config>(jobs: &[Job<T>]) -> Vec<Option<ProviderAnswer<T::ProviderSignature>>> {
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(HTTP_DEADLINE_MS));
	let mut pending = Vec::new();
	let mut sent = Vec::new();
	for job in jobs {
		let request = T::Endpoints::endpoint(&job.challenge.provider).and_then(|endpoint| {
			let base = alloc::string::String::from(
				core::str::from_utf8(&endpoint).ok()?.trim_end_matches('/'),
			);
			let url = format!("{base}/v1/audits/challenges/{}", job.id);
			http::Request::post(&url, Vec::<&[u8]>::new())
				.add_header("Accept", "application/scale")
				.deadline(deadline)
				.send()
				.ok()
		});
		sent.push(request.is_some());
		if let Some(request) = request {
			pending.push(request);
		}
	}
	let mut results = http::PendingRequest::try_wait_all(pending, deadline).into_iter();
	sent.into_iter()
		.map(|was_sent| {
			if !was_sent {
				return None;
			}
			let response = results.next()?.ok()?.ok()?;
			if response.code != 200 {
				return None;
			}
			let body: Vec<u8> = response.body().take(MAX_BODY + 1).collect();
			if body.len() > MAX_BODY {
				return None;
			}
			ProviderAnswer::decode(&mut &body[..]).ok()
		})
		.collect()
}

/// The relayed answer if the provider signed it; the proof is checked natively too, for the
/// log only: a signed wrong proof is submitted all the same (it is the provider's failure).
fn checked_answer<T: Config>(
	job: &Job<T>,
	answer: ProviderAnswer<T::ProviderSignature>,
) -> Option<RelayedAnswer<T>> {
	let seed = job.challenge.seed?;
	let statement = Pallet::<T>::answer_statement(
		job.id,
		&job.challenge,
		seed,
		&answer.file_params,
		&answer.proof,
	)
	.encode();
	if !answer.signature.verify(&statement[..], &job.challenge.provider) {
		log::warn!(target: "runtime::audit", "challenge {}: answer not signed by the provider", job.id);
		return None;
	}
	let check = T::Entries::check_possession(
		&job.challenge.patient,
		job.challenge.seq,
		&answer.file_params,
		&seed,
		job.challenge.challenged,
		&answer.proof,
	);
	log::debug!(target: "runtime::audit", "challenge {}: native check {:?}", job.id, check);
	Some(RelayedAnswer {
		challenge: job.id,
		relayer: job.key.clone(),
		challenged: job.challenge.challenged,
		file_params: answer.file_params,
		proof: answer.proof,
		provider_signature: answer.signature,
	})
}

fn submit<T: Config>(call: Call<T>) -> bool {
	let xt =
		<T as CreateAuthorizedTransaction<Call<T>>>::create_authorized_transaction(call.into());
	SubmitTransaction::<T, Call<T>>::submit_transaction(xt).is_ok()
}

fn submit_answer<T: Config>(job: &Job<T>, answer: RelayedAnswer<T>, now: u64) {
	let Some(signature) = job.key.sign(&Pallet::<T>::relay_message(&answer)) else { return };
	if submit::<T>(Call::submit_proof { answer, signature }) {
		mark_submitted(job.id, &job.key, now);
	}
}

fn submit_unreachable<T: Config>(job: &Job<T>, now: u64) {
	let report = UnreachableReport { challenge: job.id, relayer: job.key.clone() };
	let Some(signature) = job.key.sign(&Pallet::<T>::unreachable_message(&report)) else {
		return;
	};
	if submit::<T>(Call::report_unreachable { report, signature }) {
		mark_submitted(job.id, &job.key, now);
	}
}
