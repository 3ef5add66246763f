//! `POST /v1/audits/{patient}/{seq}?seed=0x…`: the provider's answer to an audit challenge of
//! an EMR entry it holds.
//!
//! The answer is a masked proof (Wang et al.'s privacy-preserving variant: a plain
//! Shacham–Waters proof for seeds of the caller's choosing would, by its linearity, let the
//! caller solve for the record's blocks), computed from the challenged blocks only (ranged reads
//! of the stored ciphertext), with the file parameters the entry committed to, and signed by
//! the provider ([`medchain_client::storage::audit_answer_message`]) so that a relayer cannot
//! forge a bad answer in its name. Until the audit pallet opens challenges on chain, any caller
//! may name the seed, so answers are rate-limited per entry.

use std::{num::NonZeroU32, sync::Arc, time::Duration};

use axum::{
	extract::{Path, Query, State},
	http::StatusCode,
	Json,
};
use codec::{Decode, Encode};
use futures::TryStreamExt;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use medchain_client::{runtime::AccountId, storage};
use medchain_crypto::pdp::{self, PdpPublicKey};
use serde::{Deserialize, Serialize};
use sp_core::Pair;

use crate::{
	app::App,
	chain::Finalized,
	error::ApiError,
	upload::{entry_bundle_key, parse_account, MetaHead},
};

/// Answers per entry: one per [`AUDIT_INTERVAL`], so that a caller cannot collect many proofs
/// of one record for seeds of its choosing.
pub struct AuditLimiter(DefaultKeyedRateLimiter<(AccountId, u32)>);

/// The shortest time between two answers for one entry.
pub const AUDIT_INTERVAL: Duration = Duration::from_secs(5);

impl Default for AuditLimiter {
	fn default() -> Self {
		let quota = Quota::with_period(AUDIT_INTERVAL)
			.expect("a non-zero period")
			.allow_burst(NonZeroU32::MIN);
		Self(RateLimiter::keyed(quota))
	}
}

/// The query of an audit.
#[derive(Deserialize)]
pub struct AuditQuery {
	/// The challenge seed, 0x-hex of 32 bytes.
	pub seed: String,
}

/// An audit answer.
#[derive(Serialize, Debug)]
pub struct AuditAnswer {
	/// The SCALE `PdpFileParams` the entry committed to (0x-hex).
	pub file_params: String,
	/// The SCALE masked proof (0x-hex).
	pub proof: String,
	/// The provider's sr25519 signature over the audit answer statement (0x-hex).
	pub signature: String,
}

fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// The audit handler.
pub async fn audit(
	State(app): State<Arc<App>>,
	Path((patient, seq)): Path<(String, u32)>,
	Query(query): Query<AuditQuery>,
) -> Result<Json<AuditAnswer>, ApiError> {
	let patient = parse_account(&patient, "patient")?;
	let seed: [u8; 32] = hex::decode(query.seed.trim_start_matches("0x"))
		.ok()
		.and_then(|b| b.try_into().ok())
		.ok_or_else(|| ApiError::bad_request("bad_seed", "the seed is not 32 hex bytes"))?;
	if app.audits.0.check_key(&(patient.clone(), seq)).is_err() {
		app.metrics.audit_answers.with_label_values(&["rate_limited"]).inc();
		return Err(ApiError::new(
			StatusCode::TOO_MANY_REQUESTS,
			"audit_rate_limited",
			format!("one answer per entry every {} s", AUDIT_INTERVAL.as_secs()),
		));
	}
	let chain = Finalized::now(&app.chain).await?;
	let (params, proof) =
		prove_entry(&app, &chain, &patient, seq, &seed, pdp::MAX_CHALLENGE).await?;
	let message =
		storage::audit_answer_message(app.genesis, &app.account, &patient, seq, seed, &proof);
	let signature = app.key.sign(&message);
	app.metrics.audit_answers.with_label_values(&["answered"]).inc();
	tracing::info!(%patient, seq, "audit answered");
	Ok(Json(AuditAnswer {
		file_params: hex0x(&params),
		proof: hex0x(&proof),
		signature: hex0x(&signature.0),
	}))
}

/// A masked proof of entry `seq` of `patient` for the challenge of `challenged` blocks derived
/// from `seed`, read from the challenged blocks only (ranged reads of the stored ciphertext
/// and of the metadata's tags), at the finalized block `chain`; returns the SCALE file
/// parameters the entry committed to and the SCALE proof.
pub async fn prove_entry(
	app: &App,
	chain: &Finalized,
	patient: &AccountId,
	seq: u32,
	seed: &[u8; 32],
	challenged: u32,
) -> Result<(Vec<u8>, Vec<u8>), ApiError> {
	let (entry, erased) = chain.entry(patient, seq).await?.ok_or_else(|| {
		ApiError::new(StatusCode::NOT_FOUND, "no_such_entry", "no entry at this position")
	})?;
	if erased {
		return Err(ApiError::new(
			StatusCode::GONE,
			"erased",
			"the entry was erased; its ciphertext is no longer owed",
		));
	}
	if entry.record.provider != app.account {
		return Err(ApiError::new(
			StatusCode::NOT_FOUND,
			"not_hosted",
			"the entry names another provider",
		));
	}
	let key = entry_bundle_key(patient, &entry.record.locator)?;
	// The metadata's head only; the challenged tags are read by their offsets.
	let meta = MetaHead::read(&app.store, &key, app.limits.max_header).await?;
	let owner = chain
		.pdp_key(entry.hospital, entry.record.pdp_file.key_version)
		.await?
		.and_then(|bytes| PdpPublicKey::decode(&mut &bytes[..]).ok())
		.and_then(|key| pdp::prepared_key(&key))
		.ok_or_else(|| ApiError::chain_unavailable("the entry's PDP key is not on chain"))?;
	let size = entry.record.size;
	let params =
		pdp::expected_file_params(&entry.record.ciphertext_hash, size, meta.header.pdp_sectors)
			.ok_or_else(|| {
				ApiError::new(
					StatusCode::INTERNAL_SERVER_ERROR,
					"meta_corrupt",
					"no PDP parameters",
				)
			})?;

	// Only the challenged blocks are read.
	let challenge = pdp::derive_challenge_sized(seed, &params, challenged);
	let block = params.sectors as u64 * 31;
	let mut blocks = Vec::with_capacity(challenge.indices.len());
	let mut tags = Vec::with_capacity(challenge.indices.len());
	for &index in challenge.indices.iter() {
		let start = u64::from(index) * block;
		let end = (start + block).min(size);
		let bytes: Vec<u8> = if start < end {
			let chunks: Vec<_> = app.store.get(&key, Some(start..end)).await?.try_collect().await?;
			chunks.concat()
		} else {
			Vec::new()
		};
		blocks.push(bytes);
		tags.push(meta.tag(&app.store, &key, index).await?);
	}
	let slices: Vec<&[u8]> = blocks.iter().map(Vec::as_slice).collect();
	let proof = tokio::task::block_in_place(|| {
		pdp::prove_with_challenge(
			&owner,
			&params,
			&challenge,
			&slices,
			&tags,
			&mut rand_core::OsRng,
		)
	})
	.map_err(|e| {
		ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "proof_failed", format!("{e:?}"))
	})?
	.encode();
	Ok((params.encode(), proof))
}
