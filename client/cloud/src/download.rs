//! `GET /v1/records/{patient}/{seq}?request={id}&not_after={block}`: the ciphertext of an EMR
//! entry, to the grantee the chain names.
//!
//! The grantee signs a [`medchain_client::storage::DownloadStatement`] (header
//! `x-medchain-grantee`, `x-medchain-signature`) that names this provider, the entry, the
//! request and the last block it counts in (at most [`MAX_VALIDITY`] blocks past the finalized
//! head), so a captured request is worthless soon and elsewhere. The service asks
//! `AccessApi::may_serve` at its finalized head before the first byte and again every
//! [`RECHECK_BYTES`] of a long download, which ends as soon as the grant does (a revocation
//! mid-download). Ranges (`Range: bytes=a-b`) are served as 206.
//!
//! The bytes go out sealed to the delivery key the grant names ([`medchain_client::transport`]):
//! a fresh transport key per download, sealed to that key and signed by the provider, and the
//! served bytes as an envelope under it, [`SEGMENT_SIZE`](transport::SEGMENT_SIZE) at a time.

use std::{
	ops::Range,
	sync::{Arc, Mutex},
};

use axum::{
	body::Body,
	extract::{Path, Query, State},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	response::Response,
};
use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use medchain_client::{
	runtime::{AccountId, BlockNumber},
	storage,
	transport::{self, SealedTransport},
};
use medchain_crypto::envelope::EncryptWriter;
use pallet_medchain_access::ServeGrant;
use serde::Deserialize;
use sp_core::{sr25519, Pair};

use crate::{
	app::App,
	chain::Finalized,
	error::ApiError,
	upload::{entry_bundle_key, parse_account},
};

/// Blocks past the finalized head a download statement may count in.
pub const MAX_VALIDITY: u32 = 600;

/// Bytes served between two `may_serve` checks of one download.
pub const RECHECK_BYTES: u64 = 8 << 20;

/// The query of a download.
#[derive(Deserialize)]
pub struct DownloadQuery {
	/// The access request the grant belongs to.
	pub request: u64,
	/// The last block the grantee's statement counts in.
	pub not_after: u32,
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, ApiError> {
	headers
		.get(name)
		.and_then(|value| value.to_str().ok())
		.ok_or_else(|| ApiError::bad_signature(format!("missing header {name}")))
}

/// Parses `Range: bytes=a-b` (one range; `a-` to the end) against a bundle of `size` bytes.
fn parse_range(value: &str, size: u64) -> Result<Range<u64>, ApiError> {
	let bad = || {
		ApiError::new(
			StatusCode::RANGE_NOT_SATISFIABLE,
			"range_not_satisfiable",
			format!("bad range {value:?} for {size} bytes"),
		)
	};
	let spec = value.strip_prefix("bytes=").ok_or_else(bad)?;
	let (start, end) = spec.split_once('-').ok_or_else(bad)?;
	let start: u64 = start.trim().parse().map_err(|_| bad())?;
	let end: u64 = match end.trim() {
		"" => size.checked_sub(1).ok_or_else(bad)?,
		end => end.parse().map_err(|_| bad())?,
	};
	if start > end || end >= size {
		return Err(bad());
	}
	Ok(start..end + 1)
}

/// The download handler.
pub async fn download(
	State(app): State<Arc<App>>,
	Path((patient, seq)): Path<(String, u32)>,
	Query(query): Query<DownloadQuery>,
	headers: HeaderMap,
) -> Result<Response, ApiError> {
	let patient = parse_account(&patient, "patient")?;
	let grantee = parse_account(header_text(&headers, "x-medchain-grantee")?, "grantee")?;
	let signature = signature_bytes(header_text(&headers, "x-medchain-signature")?)?;
	let message = storage::download_message(
		app.genesis,
		&app.account,
		&grantee,
		&patient,
		seq,
		query.request,
		query.not_after,
	);
	let signer = sr25519::Public::from_raw(*grantee.as_ref());
	if !sr25519::Pair::verify(&sr25519::Signature::from_raw(signature), &message, &signer) {
		app.metrics.downloads.with_label_values(&["bad_signature"]).inc();
		return Err(ApiError::bad_signature(
			"the download statement is not signed by the grantee it names",
		));
	}

	let chain = Finalized::now(&app.chain).await?;
	let now = chain.number();
	if u64::from(query.not_after) < now
		|| u64::from(query.not_after) > now + u64::from(MAX_VALIDITY)
	{
		app.metrics.downloads.with_label_values(&["statement_expired"]).inc();
		return Err(ApiError::bad_signature(format!(
			"the statement counts until block {}, outside {now}..={}",
			query.not_after,
			now + u64::from(MAX_VALIDITY)
		)));
	}
	let grant = check_grant(&app, &chain, &grantee, &patient, seq, query.request).await?;
	let locator = chain.live_locator(&patient, seq).await?.ok_or_else(|| {
		ApiError::new(StatusCode::NOT_FOUND, "no_such_entry", "no live entry at this position")
	})?;
	let key = entry_bundle_key(&patient, &locator)?;
	let size = app.store.size(&key).await?;
	let range = headers
		.get(header::RANGE)
		.and_then(|value| value.to_str().ok())
		.map(|value| parse_range(value, size))
		.transpose()?;
	let served = range.clone().unwrap_or(0..size);
	let context = transport::context(&message, served.start, served.end);
	let sealing = transport::seal_for(
		&app.key,
		&app.seal_sender,
		&grant.delivery_key,
		&context,
		&mut rand_core::OsRng,
	)
	.map_err(|e| {
		app.metrics.downloads.with_label_values(&["bad_delivery_key"]).inc();
		ApiError::new(
			StatusCode::UNPROCESSABLE_ENTITY,
			"bad_delivery_key",
			format!("the grant's delivery key cannot be sealed to: {e}"),
		)
	})?;
	let stream = app.store.get(&key, range.clone()).await?;

	app.metrics.downloads.with_label_values(&["served"]).inc();
	tracing::info!(%patient, %grantee, seq, request = query.request, bytes = served.end - served.start, "serving a record");

	// Every RECHECK_BYTES, the grant is asked for again; a refusal ends the body with an error,
	// which the client sees as a cut connection and a short body.
	let recheck = app.clone();
	let request = query.request;
	let body = stream
		.map_err(ApiError::from)
		.scan((0u64, 0u64), move |(sent, checked), chunk| {
			let app = recheck.clone();
			let (grantee, patient) = (grantee.clone(), patient.clone());
			let due = *sent >= *checked + RECHECK_BYTES;
			if due {
				*checked = *sent;
			}
			if let Ok(chunk) = &chunk {
				*sent += chunk.len() as u64;
				app.metrics.bytes_served.inc_by(chunk.len() as u64);
			}
			async move {
				if due {
					let still = async {
						let chain = Finalized::now(&app.chain).await?;
						check_grant(&app, &chain, &grantee, &patient, seq, request).await.map(drop)
					};
					if let Err(e) = still.await {
						tracing::warn!(%e, "grant ended during a download");
						return Some(Err(e));
					}
				}
				Some(chunk)
			}
		})
		.map_err(|e| std::io::Error::other(e.to_string()));
	let sealed_key = format!("0x{}", hex::encode(&sealing.sealed_key));
	let seal_signature = format!("0x{}", hex::encode(sealing.signature));
	let body = sealed(body, &sealing)?;

	let mut response = Response::new(Body::from_stream(body));
	if range.is_some() {
		*response.status_mut() = StatusCode::PARTIAL_CONTENT;
	}
	let headers = response.headers_mut();
	headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
	headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
	headers.insert(
		header::CONTENT_LENGTH,
		HeaderValue::from(transport::sealed_len(served.end - served.start)),
	);
	let served_range = format!("{}-{}/{size}", served.start, served.end);
	for (name, value) in [
		(transport::RANGE_HEADER, served_range),
		(transport::SEALED_KEY_HEADER, sealed_key),
		(transport::SEAL_SIGNATURE_HEADER, seal_signature),
	] {
		if let Ok(value) = HeaderValue::from_str(&value) {
			headers.insert(name, value);
		}
	}
	Ok(response)
}

/// A `Write` that collects what the envelope writer emits, for the body stream to take.
#[derive(Clone, Default)]
struct Spool(Arc<Mutex<Vec<u8>>>);

impl Spool {
	fn take(&self) -> Vec<u8> {
		self.0.lock().map(|mut bytes| std::mem::take(&mut *bytes)).unwrap_or_default()
	}
}

impl std::io::Write for Spool {
	fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
		self.0
			.lock()
			.map_err(|_| std::io::Error::other("spool poisoned"))?
			.extend_from_slice(bytes);
		Ok(bytes.len())
	}

	fn flush(&mut self) -> std::io::Result<()> {
		Ok(())
	}
}

/// `plain` as an envelope under `sealing`'s transport key: each chunk is encrypted as it
/// arrives (at most a batch of segments held), the final segment once the stream ends; an
/// error in `plain` ends the body before its final segment, which the grantee sees as cut.
fn sealed(
	plain: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
	sealing: &SealedTransport,
) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static, ApiError> {
	let spool = Spool::default();
	let writer = sealing.writer(spool.clone()).map_err(|e| {
		ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "seal_failed", e.to_string())
	})?;
	let writer: Arc<Mutex<Option<EncryptWriter<Spool>>>> = Arc::new(Mutex::new(Some(writer)));
	let (chunks_spool, last_spool, last_writer) = (spool.clone(), spool, writer.clone());
	let body = plain.map(move |chunk| {
		let chunk = chunk?;
		let mut guard = writer.lock().map_err(|_| std::io::Error::other("sealing poisoned"))?;
		let sealing = guard.as_mut().ok_or_else(|| std::io::Error::other("sealing finished"))?;
		std::io::Write::write_all(sealing, &chunk)?;
		Ok(Bytes::from(chunks_spool.take()))
	});
	let last = futures::stream::once(async move {
		let writer = last_writer
			.lock()
			.map_err(|_| std::io::Error::other("sealing poisoned"))?
			.take()
			.ok_or_else(|| std::io::Error::other("sealing finished"))?;
		writer.finish().map_err(|e| std::io::Error::other(e.to_string()))?;
		Ok(Bytes::from(last_spool.take()))
	});
	Ok(body.chain(last).try_filter(|bytes| futures::future::ready(!bytes.is_empty())))
}

fn signature_bytes(text: &str) -> Result<[u8; 64], ApiError> {
	hex::decode(text.trim_start_matches("0x"))
		.ok()
		.and_then(|bytes| bytes.try_into().ok())
		.ok_or_else(|| ApiError::bad_signature("x-medchain-signature is not 64 hex bytes"))
}

/// `may_serve` at `chain`: the grant, or an error answer if the chain refuses.
async fn check_grant(
	app: &App,
	chain: &Finalized,
	grantee: &AccountId,
	patient: &AccountId,
	seq: u32,
	request: u64,
) -> Result<ServeGrant<BlockNumber>, ApiError> {
	match chain.may_serve(request, &app.account, grantee, patient, seq).await? {
		Ok(grant) => Ok(grant),
		Err(refusal) => {
			app.metrics.downloads.with_label_values(&["refused"]).inc();
			Err(ApiError::forbidden("no_grant", format!("the chain refuses: {refusal:?}")))
		},
	}
}
