//! `POST /v1/audits/challenges/{id}`: the provider's signed answer to on-chain audit challenge
//! `id`, which validators' off-chain workers fetch and relay (`pallet-medchain-audit`).
//!
//! The challenge is read at the finalized head: it must be open, seeded and name this
//! provider. The answer proves the challenge's number of blocks for its seed (light or full),
//! signed over the `AnswerStatement` that names the chain, the challenge, the entry, the seed,
//! the size and the hashes of the file parameters and the proof, so a relayer can change no
//! byte of it. It is answered as SCALE `ProviderAnswer` for `Accept: application/scale` (the
//! off-chain worker's format), JSON otherwise. Answers are kept per challenge
//! ([`ANSWER_CACHE`] of the latest), so relayers' retries and anyone's repeats cost one read
//! and no proving: the seeds are the chain's, so there is nothing to learn from asking again.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
	extract::{Path, State},
	http::{header, HeaderMap, StatusCode},
	response::{IntoResponse, Response},
	Json,
};
use codec::Encode;
use medchain_client::runtime::{Runtime, Signature};
use medchain_primitives::AnswerStatement;
use pallet_medchain_audit::{offchain::ProviderAnswer, Challenge, Challenges};
use serde_json::json;
use sp_core::Pair;

use crate::{app::App, audit::prove_entry, chain::Finalized, error::ApiError};

/// Answers kept, the latest challenges' (more than the chain keeps open for one provider in
/// one window at the runtime's rate).
pub const ANSWER_CACHE: usize = 1024;

/// The answers of the latest challenges, by challenge id.
#[derive(Default)]
pub struct AnswerCache(std::sync::Mutex<BTreeMap<u64, Arc<ProviderAnswer<Signature>>>>);

impl AnswerCache {
	fn get(&self, id: u64) -> Option<Arc<ProviderAnswer<Signature>>> {
		self.0.lock().ok()?.get(&id).cloned()
	}

	fn put(&self, id: u64, answer: Arc<ProviderAnswer<Signature>>) {
		if let Ok(mut cache) = self.0.lock() {
			cache.insert(id, answer);
			// Challenge ids grow: the smallest are the oldest.
			while cache.len() > ANSWER_CACHE {
				cache.pop_first();
			}
		}
	}
}

/// The challenge handler.
pub async fn answer(
	State(app): State<Arc<App>>,
	Path(id): Path<u64>,
	headers: HeaderMap,
) -> Result<Response, ApiError> {
	let answer = match app.challenge_answers.get(id) {
		Some(answer) => answer,
		None => {
			let answer = Arc::new(prove_challenge(&app, id).await?);
			app.challenge_answers.put(id, answer.clone());
			answer
		},
	};
	app.metrics.audit_answers.with_label_values(&["challenge"]).inc();
	let scale = headers
		.get(header::ACCEPT)
		.and_then(|v| v.to_str().ok())
		.is_some_and(|v| v.contains("application/scale"));
	if scale {
		return Ok(([(header::CONTENT_TYPE, "application/scale")], answer.encode()).into_response());
	}
	Ok(Json(json!({
		"challenge": id,
		"file_params": format!("0x{}", hex::encode(&answer.file_params)),
		"proof": format!("0x{}", hex::encode(&answer.proof)),
		"signature": format!("0x{}", hex::encode(answer.signature.encode())),
	}))
	.into_response())
}

/// Reads challenge `id` at the finalized head, proves it and signs the answer.
async fn prove_challenge(app: &App, id: u64) -> Result<ProviderAnswer<Signature>, ApiError> {
	let chain = Finalized::now(&app.chain).await?;
	let challenge: Challenge<Runtime> =
		chain.fetch(Challenges::<Runtime>::hashed_key_for(id)).await?.ok_or_else(|| {
			ApiError::new(
				StatusCode::NOT_FOUND,
				"no_such_challenge",
				"no open challenge with this id at the finalized head",
			)
		})?;
	if challenge.provider != app.account {
		return Err(ApiError::new(
			StatusCode::NOT_FOUND,
			"not_our_challenge",
			"the challenge names another provider",
		));
	}
	let seed = challenge.seed.ok_or_else(|| {
		ApiError::new(
			StatusCode::CONFLICT,
			"seed_not_fixed",
			"the challenge's seed is not fixed at the finalized head yet",
		)
	})?;
	let (file_params, proof) =
		prove_entry(app, &chain, &challenge.patient, challenge.seq, &seed, challenge.challenged)
			.await?;
	let statement = AnswerStatement::new(
		app.genesis,
		app.account.clone(),
		id,
		challenge.patient.clone(),
		challenge.seq,
		seed,
		challenge.challenged,
		&file_params,
		&proof,
	);
	let signature = Signature::Sr25519(app.key.sign(&statement.encode()));
	tracing::info!(challenge = id, patient = %challenge.patient, seq = challenge.seq,
		blocks = challenge.challenged, "audit challenge answered");
	let too_long = |what: &str| {
		ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "answer_too_long", what.to_owned())
	};
	Ok(ProviderAnswer {
		file_params: file_params.try_into().map_err(|_| too_long("file parameters"))?,
		proof: proof.try_into().map_err(|_| too_long("proof"))?,
		signature,
	})
}
