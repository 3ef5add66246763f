//! `POST /v1/searches/{request}` with `{"token": "0x…"}`: the provider's fulfilment of a search
//! logged on chain (DESIGN.md flow 3).
//!
//! The token is the key service's SHVE token for the request (SCALE `SignedToken`, 0x-hex).
//! Its signature is checked against the key the chain holds before anything else is read, so
//! nobody but the key service can make the provider match or submit. Then, at the finalized
//! head: the token names this request and its patient, the request is an open search that
//! this provider has not fulfilled, and the provider hosts some of the patient's entries. The
//! token is matched (on the rayon pool) against the indexed SHVE ciphertext of *every* hosted
//! entry, in the chain's `HostedBy` order, and `fulfil_search` is submitted with every claim:
//! the runtime re-checks each one, so the provider can neither add nor leave out an entry.
//! The answer says which entries matched and what the chain decided.

use std::sync::Arc;

use axum::{
	body::Bytes,
	extract::{Path, State},
	http::StatusCode,
	Json,
};
use codec::DecodeAll;
use medchain_client::runtime::{Runtime, RuntimeEvent};
use medchain_crypto::shve::{self, SignedToken, SCHEMA_S2};
use pallet_medchain_access::{AccessTarget, ClaimsOf};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{app::App, chain::Finalized, error::ApiError, upload::entry_bundle_key};

/// The body of a fulfilment request.
#[derive(Deserialize)]
pub struct SearchRequest {
	/// The key service's signed token, 0x-hex of its SCALE encoding.
	pub token: String,
}

/// The answer to a fulfilment.
#[derive(Serialize, Debug)]
pub struct SearchAnswer {
	/// The access request fulfilled.
	pub request: u64,
	/// How many entries of the patient this provider hosts (each one claimed).
	pub hosted: usize,
	/// The positions of the entries that matched the token.
	pub matched: Vec<u32>,
	/// Matching entries the chain granted.
	pub granted: u32,
	/// Matching entries the chain denied (their policy, the doctor's attributes).
	pub denied: u32,
	/// The block (0x-hex hash) that includes the fulfilment.
	pub block: String,
}

fn refused(app: &App, error: ApiError) -> ApiError {
	app.metrics.fulfilments.with_label_values(&[error.code]).inc();
	error
}

/// The fulfilment handler.
pub async fn fulfil(
	State(app): State<Arc<App>>,
	Path(request_id): Path<u64>,
	body: Bytes,
) -> Result<Json<SearchAnswer>, ApiError> {
	let token = parse_token(&body).map_err(|e| refused(&app, e))?;
	let chain = Finalized::now(&app.chain).await?;
	match check_and_match(&app, &chain, request_id, &token).await {
		Ok((hosted, claims)) => submit(&app, request_id, token, hosted, claims).await,
		Err(e) => Err(refused(&app, e)),
	}
}

fn parse_token(body: &[u8]) -> Result<SignedToken, ApiError> {
	let request: SearchRequest = serde_json::from_slice(body)
		.map_err(|e| ApiError::bad_request("bad_token", format!("not {{\"token\": …}}: {e}")))?;
	let bytes = hex::decode(request.token.trim_start_matches("0x"))
		.map_err(|_| ApiError::bad_request("bad_token", "the token is not hex"))?;
	SignedToken::decode_all(&mut &bytes[..])
		.map_err(|e| ApiError::bad_request("bad_token", format!("undecodable token: {e}")))
}

/// Everything the chain would refuse, checked at `chain` first; then the match of every
/// hosted entry. Returns the hosted positions and the claims.
async fn check_and_match(
	app: &App,
	chain: &Finalized,
	request_id: u64,
	token: &SignedToken,
) -> Result<(Vec<u32>, Vec<(shve::ShveCiphertext, bool)>), ApiError> {
	let issuer = chain.token_issuer().await?.ok_or_else(|| {
		ApiError::new(
			StatusCode::SERVICE_UNAVAILABLE,
			"no_public_parameters",
			"the chain holds no key service parameters yet",
		)
	})?;
	if !shve::verify_token_signature(token, &issuer) {
		return Err(ApiError::bad_signature("the token is not signed by the key service"));
	}
	let body = &token.body;
	if body.request_id != request_id {
		return Err(ApiError::bad_request(
			"token_request_mismatch",
			format!("the token is for request {}", body.request_id),
		));
	}
	let request = chain.request(request_id).await?.ok_or_else(|| {
		ApiError::new(StatusCode::NOT_FOUND, "unknown_request", "no open request with this id")
	})?;
	if !matches!(request.target, AccessTarget::Search { .. }) {
		return Err(ApiError::bad_request("not_search", "the request names its records"));
	}
	if u64::from(request.expires_at) < chain.number() {
		return Err(ApiError::new(
			StatusCode::GONE,
			"request_expired",
			format!("the request could be fulfilled up to block {}", request.expires_at),
		));
	}
	let patient_bytes: [u8; 32] = *request.patient.as_ref();
	let s2_mode = body.schema == SCHEMA_S2 && body.patient == [0; 32];
	if body.patient != patient_bytes && !s2_mode {
		return Err(ApiError::bad_request(
			"token_patient_mismatch",
			"the token is for another patient than the request",
		));
	}
	if chain.fulfilled(request_id, &app.account).await? {
		return Err(ApiError::new(
			StatusCode::CONFLICT,
			"already_fulfilled",
			"this provider fulfilled the search already",
		));
	}
	let hosted = chain.hosted(&request.patient, &app.account).await?;
	if hosted.is_empty() {
		return Err(ApiError::new(
			StatusCode::NOT_FOUND,
			"nothing_hosted",
			"this provider hosts no entry of the patient",
		));
	}
	let mut locators = Vec::with_capacity(hosted.len());
	for seq in &hosted {
		let locator = chain.live_locator(&request.patient, *seq).await?.ok_or_else(|| {
			ApiError::chain_unavailable(format!("hosted entry {seq} is not a live entry"))
		})?;
		locators.push(entry_bundle_key(&request.patient, &locator)?.locator);
	}
	let mut ciphertexts = Vec::with_capacity(hosted.len());
	for (seq, ciphertext) in hosted.iter().zip(app.index.get(&patient_bytes, &locators)) {
		ciphertexts.push(ciphertext.ok_or_else(|| {
			tracing::error!(seq, "a hosted entry's bundle is missing from the SHVE index");
			ApiError::new(
				StatusCode::INTERNAL_SERVER_ERROR,
				"index_incomplete",
				format!("this provider holds no SHVE ciphertext for hosted entry {seq}"),
			)
		})?);
	}
	// CPU-bound (one AES evaluation per fixed position per entry): off the async workers.
	let matched: Result<Vec<bool>, _> = tokio::task::block_in_place(|| {
		ciphertexts.par_iter().map(|ciphertext| shve::matches(body, ciphertext)).collect()
	});
	let matched = matched.map_err(|e| {
		ApiError::new(
			StatusCode::UNPROCESSABLE_ENTITY,
			"token_mismatch",
			format!("the token does not fit the hosted ciphertexts: {e}"),
		)
	})?;
	Ok((hosted, ciphertexts.into_iter().zip(matched).collect()))
}

/// Submits the fulfilment (one submission of this provider's account at a time, so that
/// nonces never clash) and reads the chain's decision from its events.
async fn submit(
	app: &App,
	request_id: u64,
	signed_token: SignedToken,
	hosted: Vec<u32>,
	claims: Vec<(shve::ShveCiphertext, bool)>,
) -> Result<Json<SearchAnswer>, ApiError> {
	let matched: Vec<u32> = hosted
		.iter()
		.zip(&claims)
		.filter_map(|(seq, (_, matches))| matches.then_some(*seq))
		.collect();
	let claims: ClaimsOf<Runtime> = claims.try_into().map_err(|_| {
		ApiError::new(
			StatusCode::INTERNAL_SERVER_ERROR,
			"too_many_hosted",
			"more hosted entries than a fulfilment carries",
		)
	})?;
	let call =
		pallet_medchain_access::Call::<Runtime>::fulfil_search { request_id, signed_token, claims };
	let included = {
		let _one_at_a_time = app.submissions.lock().await;
		app.chain.submit(&app.key, call.into()).await
	};
	let included = included.map_err(|e| {
		let error = match e {
			medchain_client::Error::Dispatch(_) | medchain_client::Error::Rejected(_) => {
				ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "fulfilment_refused", e.to_string())
			},
			other => ApiError::chain_unavailable(other),
		};
		refused(app, error)
	})?;
	let (granted, denied) = included
		.events
		.iter()
		.find_map(|event| match event {
			RuntimeEvent::Access(pallet_medchain_access::Event::AccessDecided {
				granted,
				denied,
				..
			}) => Some((*granted, *denied)),
			_ => None,
		})
		.unwrap_or_default();
	app.metrics.fulfilments.with_label_values(&["fulfilled"]).inc();
	tracing::info!(
		request = request_id,
		hosted = hosted.len(),
		matched = matched.len(),
		granted,
		denied,
		"search fulfilled"
	);
	Ok(Json(SearchAnswer {
		request: request_id,
		hosted: hosted.len(),
		matched,
		granted,
		denied,
		block: format!("{:?}", included.block_hash),
	}))
}
