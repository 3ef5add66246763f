//! The service's shared state and its HTTP routes, with the limits every request passes:
//! a body-size limit on the raw stream (`RequestBodyLimitLayer`: axum's own limit covers only
//! buffered extractors), a per-client rate limit, a timeout, and metrics for every answer.

use std::{
	net::{IpAddr, SocketAddr},
	num::NonZeroU32,
	sync::Arc,
	time::{Duration, Instant},
};

use axum::{
	extract::{ConnectInfo, MatchedPath, Request, State},
	http::StatusCode,
	middleware::{self, Next},
	response::{IntoResponse, Response},
	routing::{get, post, put},
	Json, Router,
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use medchain_client::{chain::Chain, runtime::AccountId};
use serde_json::json;
use sp_core::{crypto::Ss58Codec, sr25519};
use tower_http::{limit::RequestBodyLimitLayer, timeout::TimeoutLayer};

use crate::{
	chain::Finalized, error::ApiError, index::SearchIndex, metrics::Metrics, store::BundleStore,
};

/// The limits of one service.
#[derive(Clone, Debug)]
pub struct Limits {
	/// Largest upload header (statement, SHVE ciphertext, wrapped key), in bytes.
	pub max_header: usize,
	/// Requests per second per client address, sustained.
	pub requests_per_second: NonZeroU32,
	/// Requests a client may make at once above the sustained rate.
	pub burst: NonZeroU32,
	/// Longest a request may take, body included.
	pub timeout: Duration,
	/// Blocks past the finalized head a receipt lets its entry be appended in.
	pub receipt_blocks: u32,
}

/// What every handler shares.
pub struct App {
	/// The chain, asked at its finalized head.
	pub chain: Chain,
	/// The bundles.
	pub store: BundleStore,
	/// The metrics.
	pub metrics: Metrics,
	/// The provider's key: it signs receipts.
	pub key: sr25519::Pair,
	/// The provider's account.
	pub account: AccountId,
	/// The chain's genesis hash, which every statement names.
	pub genesis: [u8; 32],
	/// The limits.
	pub limits: Limits,
	/// One audit answer per entry per interval.
	pub audits: crate::audit::AuditLimiter,
	/// The answers to the latest on-chain challenges.
	pub challenge_answers: crate::challenge::AnswerCache,
	/// The SHVE ciphertexts of the stored bundles, which searches are matched over.
	pub index: SearchIndex,
	/// The ed25519 key that signs the seals of downloads (drawn at start: the provider's
	/// account signs each sealed key with it inside, so clients need not know it beforehand).
	pub seal_sender: ed25519_dalek::SigningKey,
	/// Held while the provider's account submits a transaction, so that nonces never clash.
	pub submissions: tokio::sync::Mutex<()>,
	limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl App {
	/// The service's state, with the SHVE index of what `store` holds.
	pub fn new(
		chain: Chain,
		store: BundleStore,
		index: SearchIndex,
		key: sr25519::Pair,
		limits: Limits,
	) -> Self {
		let genesis = chain.genesis_hash().0;
		let account = AccountId::from(sp_core::Pair::public(&key));
		let quota = Quota::per_second(limits.requests_per_second).allow_burst(limits.burst);
		Self {
			chain,
			store,
			metrics: Metrics::new(),
			key,
			account,
			genesis,
			limits,
			audits: Default::default(),
			challenge_answers: Default::default(),
			index,
			seal_sender: ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng),
			submissions: tokio::sync::Mutex::new(()),
			limiter: RateLimiter::keyed(quota),
		}
	}

	/// The largest body an upload may have: header, tags of the largest bundle, the bundle.
	pub fn max_body(&self) -> usize {
		let max = self.store.max_size();
		// One 48-byte tag per block of at least one 31-byte sector.
		let tags = max.div_ceil(31).saturating_mul(48);
		usize::try_from(max.saturating_add(tags).saturating_add(self.limits.max_header as u64 + 8))
			.unwrap_or(usize::MAX)
	}
}

/// The routes, with the limits and metrics around them.
pub fn router(app: Arc<App>) -> Router {
	Router::new()
		.route("/health", get(health))
		.route("/metrics", get(metrics))
		.route("/v1/bundles/:patient/:locator", put(crate::upload::upload))
		.route("/v1/records/:patient/:seq", get(crate::download::download))
		.route("/v1/audits/:patient/:seq", post(crate::audit::audit))
		.route("/v1/audits/challenges/:id", post(crate::challenge::answer))
		.route("/v1/searches/:request", post(crate::search::fulfil))
		.layer(RequestBodyLimitLayer::new(app.max_body()))
		.layer(TimeoutLayer::new(app.limits.timeout))
		.layer(middleware::from_fn_with_state(app.clone(), rate_limit))
		.layer(middleware::from_fn_with_state(app.clone(), observe))
		.with_state(app)
}

/// `GET /health`: the provider's account and the chain's finalized block, or 503 if the chain
/// cannot be asked.
async fn health(State(app): State<Arc<App>>) -> Result<Json<serde_json::Value>, ApiError> {
	let finalized = Finalized::now(&app.chain).await?;
	Ok(Json(json!({
		"status": "ok",
		"provider": app.account.to_ss58check(),
		"finalized": finalized.number(),
	})))
}

/// `GET /metrics`: Prometheus text.
async fn metrics(State(app): State<Arc<App>>) -> String {
	app.metrics.render()
}

/// Counts every answer by route and status, and times it.
async fn observe(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
	let route = request
		.extensions()
		.get::<MatchedPath>()
		.map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
	let started = Instant::now();
	let response = next.run(request).await;
	app.metrics.latency.with_label_values(&[&route]).observe(started.elapsed().as_secs_f64());
	app.metrics.requests.with_label_values(&[&route, response.status().as_str()]).inc();
	response
}

/// Refuses a client over its rate with 429 `rate_limited`.
async fn rate_limit(
	State(app): State<Arc<App>>,
	ConnectInfo(peer): ConnectInfo<SocketAddr>,
	request: Request,
	next: Next,
) -> Response {
	if app.limiter.check_key(&peer.ip()).is_err() {
		return ApiError::new(
			StatusCode::TOO_MANY_REQUESTS,
			"rate_limited",
			"too many requests from this address",
		)
		.into_response();
	}
	next.run(request).await
}
