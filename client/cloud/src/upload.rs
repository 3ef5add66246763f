//! `PUT /v1/bundles/{patient}/{locator}`: a record bundle, uploaded before its EMR entry exists.
//!
//! The body is [`medchain_client::storage::UploadHeader`]'s frame: magic, header length, the
//! SCALE header (the record service's signed upload statement, PDP sectors and key version, the
//! SHVE ciphertext and wrapped key), then the PDP tags, then the ciphertext. Everything that can
//! refuse the upload is decided before the ciphertext is read: the signature, the SHVE
//! ciphertext against the commitment the statement signs, then the chain at
//! its finalized head (the signer is the record service of an active hospital that does not
//! operate this provider, the patient is active, the tags are under the hospital's key in
//! force). The ciphertext then streams into the store while its hash, size and every PDP tag are
//! checked (the tags in windows on the blocking pool); only a bundle that passes all of them is
//! committed, and only then does the provider sign its receipt. The tags stay in the one buffer
//! they arrived in and are written to the metadata from it, never copied whole.

use std::sync::Arc;

use axum::{
	body::Body,
	extract::{Path, State},
	http::StatusCode,
	Json,
};
use bytes::{Bytes, BytesMut};
use codec::{Compact, Decode, DecodeAll, Encode};
use futures::{Stream, StreamExt};
use medchain_client::{
	runtime::AccountId,
	storage::{self, UploadHeader, UPLOAD_MAGIC},
};
use medchain_crypto::{
	pdp::{self, PdpPublicKey, PreparedPdpKey, TagCheck},
	shve::ShveCiphertext,
};
use serde::Serialize;
use sp_core::{crypto::Ss58Codec, sr25519, Pair};

use crate::{
	app::App,
	chain::Finalized,
	error::ApiError,
	store::{BodyCheck, BundleKey, BundleStore, Declared, StoreError, Stored},
};

/// Blocks of ciphertext per tag-check window: about 4 MiB of 992-byte blocks.
const WINDOW_BLOCKS: usize = 4096;

/// What the provider keeps beside a bundle (SCALE, in the store's `.meta` object). The
/// receipt's last block comes first, so that the retention sweep reads only
/// [`RECEIPT_PREFIX_LEN`] bytes of it, and the tags last, so that everything else is read
/// without them ([`MetaHead`]) and each tag by its offset.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct BundleMeta {
	/// The last block the receipt lets the entry be appended in.
	pub receipt_valid_until: u32,
	/// The provider's receipt (sr25519 over the receipt statement).
	pub receipt: [u8; 64],
	/// The header as uploaded (the signed statement among it).
	pub header: UploadHeader,
	/// The PDP tags, one per block.
	pub tags: Vec<[u8; 48]>,
}

/// The encoded length of a [`BundleMeta`]'s first two fields.
pub const RECEIPT_PREFIX_LEN: u64 = 4 + 64;

/// A [`BundleMeta`]'s encoding as parts: the fields before the tags, then `tags` (48 bytes
/// each) as they are, so that the tags of a large bundle are never copied.
pub fn meta_parts(
	valid_until: u32,
	receipt: [u8; 64],
	header: &UploadHeader,
	tags: Bytes,
) -> Vec<Bytes> {
	let count = Compact(u32::try_from(tags.len() / 48).unwrap_or(u32::MAX));
	let head = (valid_until, receipt, header, count).encode();
	vec![head.into(), tags]
}

/// A bundle's stored metadata but its tags, and where they start.
pub struct MetaHead {
	/// The last block the receipt counts in.
	pub receipt_valid_until: u32,
	/// The receipt.
	pub receipt: [u8; 64],
	/// The header as uploaded.
	pub header: UploadHeader,
	/// How many tags follow.
	pub tags: u32,
	/// The offset of the first tag in the metadata object.
	pub tags_offset: u64,
}

impl MetaHead {
	/// Reads the head of the metadata of the bundle at `key`: a prefix long enough for a header
	/// of `max_header` bytes, or the whole object if the header is longer (after a lowered
	/// limit). `meta_corrupt` if it does not decode.
	pub async fn read(
		store: &BundleStore,
		key: &BundleKey,
		max_header: usize,
	) -> Result<Self, ApiError> {
		let len = RECEIPT_PREFIX_LEN.saturating_add(max_header as u64).saturating_add(5);
		// A backend that refuses a range past the end of a small object is answered by the
		// whole object below.
		match store.get_meta_prefix(key, len).await {
			Ok(prefix) => {
				if let Some(head) = Self::decode(&prefix) {
					return Ok(head);
				}
			},
			Err(StoreError::NotFound) => return Err(StoreError::NotFound.into()),
			Err(e) => tracing::debug!(error = %e, "metadata prefix unreadable; reading it whole"),
		}
		Self::decode(&store.get_meta(key).await?).ok_or_else(|| {
			ApiError::new(
				StatusCode::INTERNAL_SERVER_ERROR,
				"meta_corrupt",
				"undecodable bundle metadata",
			)
		})
	}

	fn decode(bytes: &[u8]) -> Option<Self> {
		let mut input = bytes;
		let receipt_valid_until = u32::decode(&mut input).ok()?;
		let receipt = <[u8; 64]>::decode(&mut input).ok()?;
		let header = UploadHeader::decode(&mut input).ok()?;
		let tags = Compact::<u32>::decode(&mut input).ok()?.0;
		let tags_offset = (bytes.len() - input.len()) as u64;
		Some(Self { receipt_valid_until, receipt, header, tags, tags_offset })
	}

	/// Tag `index` of the bundle at `key`, read by its offset.
	pub async fn tag(
		&self,
		store: &BundleStore,
		key: &BundleKey,
		index: u32,
	) -> Result<[u8; 48], ApiError> {
		let corrupt =
			|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "meta_corrupt", "a tag is missing");
		if index >= self.tags {
			return Err(corrupt());
		}
		let start = self.tags_offset + u64::from(index) * 48;
		let bytes = store.get_meta_range(key, start..start + 48).await?;
		<[u8; 48]>::try_from(&bytes[..]).map_err(|_| corrupt())
	}
}

/// The answer to an upload.
#[derive(Serialize, Debug)]
pub struct UploadAnswer {
	/// `stored`, or `already_stored` for a retried upload of the same bundle.
	pub outcome: &'static str,
	/// The provider's account (SS58).
	pub provider: String,
	/// The receipt signature (0x-hex, 64 bytes), for the EMR entry's `receipt`.
	pub receipt: String,
	/// The last block the receipt counts in, for the entry's `receipt_valid_until`.
	pub valid_until: u32,
}

/// Parses an account given as SS58 or 0x-hex.
pub fn parse_account(text: &str, what: &'static str) -> Result<AccountId, ApiError> {
	if let Some(hex) = text.strip_prefix("0x") {
		let bytes: [u8; 32] =
			hex::decode(hex).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| {
				ApiError::bad_request("bad_account", format!("{what}: not 32 hex bytes"))
			})?;
		return Ok(AccountId::from(bytes));
	}
	AccountId::from_ss58check(text)
		.map_err(|_| ApiError::bad_request("bad_account", format!("{what}: not an SS58 account")))
}

/// Parses a 32-byte locator given as hex (with or without 0x).
pub fn parse_locator(text: &str) -> Result<[u8; 32], ApiError> {
	hex::decode(text.trim_start_matches("0x"))
		.ok()
		.and_then(|b| b.try_into().ok())
		.ok_or_else(|| ApiError::bad_request("bad_locator", "the locator is not 32 hex bytes"))
}

/// Where the bundle of an entry with `locator` lives; 404 `bundle_not_found` for a locator
/// this service never gives out (not 32 bytes).
pub fn entry_bundle_key(patient: &AccountId, locator: &[u8]) -> Result<BundleKey, ApiError> {
	let locator: [u8; 32] = locator.try_into().map_err(|_| {
		ApiError::new(
			StatusCode::NOT_FOUND,
			"bundle_not_found",
			"the entry's locator is not one of this service's",
		)
	})?;
	Ok(BundleKey { patient: *patient.as_ref(), locator })
}

/// A body read from the front: exact prefixes first, then the rest as a stream.
struct Framed<S> {
	stream: S,
	buffer: BytesMut,
}

impl<S, E> Framed<S>
where
	S: Stream<Item = Result<Bytes, E>> + Unpin,
	E: std::fmt::Display,
{
	/// The next `n` bytes; `truncated` if the body ends first.
	async fn take(&mut self, n: usize) -> Result<Bytes, ApiError> {
		// Once, so that a large tag list is not copied at every doubling of the buffer (`n` is
		// bounded: by the header limit, or by the tags of the largest bundle accepted).
		self.buffer.reserve(n.saturating_sub(self.buffer.len()));
		while self.buffer.len() < n {
			match self.stream.next().await {
				Some(Ok(chunk)) => self.buffer.extend_from_slice(&chunk),
				Some(Err(e)) => {
					return Err(ApiError::bad_request("body_incomplete", e.to_string()));
				},
				None => {
					return Err(ApiError::bad_request(
						"truncated",
						"the body ended inside its header or tags",
					));
				},
			}
		}
		Ok(self.buffer.split_to(n).freeze())
	}

	/// What is left of the body.
	fn rest(self) -> impl Stream<Item = Result<Bytes, E>> + Unpin {
		let buffered = (!self.buffer.is_empty()).then(|| Ok(self.buffer.freeze()));
		futures::stream::iter(buffered).chain(self.stream)
	}
}

/// The PDP tag check of a streamed ciphertext, in windows of [`WINDOW_BLOCKS`] blocks. The
/// tags stay in the body's own buffer (48 bytes each); only one window's are copied out.
struct TagWindows {
	check: Option<TagCheck<Arc<PreparedPdpKey>>>,
	tags: Bytes,
	window: BytesMut,
	next_block: usize,
}

impl TagWindows {
	fn blocks(&self) -> usize {
		self.tags.len() / 48
	}

	fn absorb_window(&mut self, bytes: usize, blocks: usize) {
		let data = self.window.split_to(bytes);
		let end = (self.next_block + blocks).min(self.blocks());
		if let Some(check) = self.check.as_mut() {
			let tags: Vec<[u8; 48]> = self.tags[self.next_block * 48..end * 48]
				.chunks_exact(48)
				.map(|tag| <[u8; 48]>::try_from(tag).unwrap_or([0; 48]))
				.collect();
			// The check is CPU-bound (a hash-to-curve per block): off the async workers.
			tokio::task::block_in_place(|| check.absorb(&data, &tags));
		}
		self.next_block = end;
	}
}

impl BodyCheck for TagWindows {
	fn update(&mut self, chunk: &[u8]) {
		self.window.extend_from_slice(chunk);
		let Some(block) = self.check.as_ref().map(TagCheck::block_size) else { return };
		let window_bytes = WINDOW_BLOCKS * block;
		while self.window.len() >= window_bytes {
			self.absorb_window(window_bytes, WINDOW_BLOCKS);
		}
	}

	fn accept(&mut self) -> Result<(), &'static str> {
		let rest = self.window.len();
		let blocks = self.blocks().saturating_sub(self.next_block);
		if blocks > 0 {
			self.absorb_window(rest, blocks);
		}
		let check = self.check.take().ok_or("bad_tags")?;
		if tokio::task::block_in_place(|| check.finish()) {
			Ok(())
		} else {
			Err("bad_tags")
		}
	}
}

/// The upload handler.
pub async fn upload(
	State(app): State<Arc<App>>,
	Path((patient, locator)): Path<(String, String)>,
	body: Body,
) -> Result<(StatusCode, Json<UploadAnswer>), ApiError> {
	let patient = parse_account(&patient, "patient")?;
	let locator = parse_locator(&locator)?;
	let mut body = Framed { stream: body.into_data_stream(), buffer: BytesMut::new() };

	let magic = body.take(UPLOAD_MAGIC.len()).await?;
	if magic[..] != UPLOAD_MAGIC {
		return Err(ApiError::bad_request("bad_frame", "the body does not start with MCU1"));
	}
	let len = body.take(4).await?;
	let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
	if len > app.limits.max_header {
		return Err(ApiError::new(
			StatusCode::PAYLOAD_TOO_LARGE,
			"header_too_large",
			format!("the header is larger than {} bytes", app.limits.max_header),
		));
	}
	let header = UploadHeader::decode(&mut &body.take(len).await?[..])
		.map_err(|e| ApiError::bad_request("bad_header", format!("undecodable header: {e}")))?;
	let bundle = &header.bundle;
	if bundle.patient != patient || bundle.locator[..] != locator[..] {
		return Err(ApiError::bad_request(
			"path_mismatch",
			"the header names another patient or locator",
		));
	}
	if bundle.size > app.store.max_size() {
		return Err(ApiError::new(
			StatusCode::PAYLOAD_TOO_LARGE,
			"body_too_large",
			format!("the bundle is larger than the limit of {} bytes", app.store.max_size()),
		));
	}

	// The signature before anything costs the chain or the disk.
	let message = storage::upload_message(app.genesis, &app.account, bundle);
	let signer = sr25519::Public::from_raw(*header.record_service.as_ref());
	if !sr25519::Pair::verify(&sr25519::Signature::from_raw(header.signature), &message, &signer) {
		return Err(ApiError::bad_signature(
			"the upload statement is not signed by the record service it names",
		));
	}

	// The SHVE ciphertext the statement commits to (and the entry will): a record service
	// that uploaded another one would make every search fulfilment of this provider fail.
	let shve_ciphertext = ShveCiphertext::decode_all(&mut &header.shve[..]).map_err(|e| {
		ApiError::bad_request("bad_shve", format!("undecodable SHVE ciphertext: {e}"))
	})?;
	if Declared::of(&header.shve).hash != bundle.shve_commitment {
		return Err(ApiError::bad_request(
			"bad_shve",
			"the SHVE ciphertext does not hash to the commitment the statement signs",
		));
	}

	let chain = Finalized::now(&app.chain).await?;
	let hospital = chain.record_service(&header.record_service).await?.ok_or_else(|| {
		ApiError::forbidden(
			"not_a_record_service",
			"the signer is not the record service of an active hospital",
		)
	})?;
	let provider = chain.provider(&app.account).await?.ok_or_else(|| {
		ApiError::new(
			StatusCode::SERVICE_UNAVAILABLE,
			"provider_inactive",
			"this provider is not an active provider on chain",
		)
	})?;
	if provider.operator == Some(hospital.id) {
		return Err(ApiError::forbidden("own_operator", "this provider is operated by the record's hospital, which must not store its own records here"));
	}
	if !chain.is_active_patient(&patient).await? {
		return Err(ApiError::forbidden("unknown_patient", "the patient is not an active patient"));
	}
	if header.pdp_key_version != hospital.version {
		return Err(ApiError::forbidden(
			"stale_pdp_key",
			format!("the hospital's PDP key in force is version {}", hospital.version),
		));
	}

	// The PDP parameters the runtime will accept, and the tags.
	let params =
		pdp::expected_file_params(&bundle.ciphertext_hash, bundle.size, header.pdp_sectors)
			.ok_or_else(|| {
				ApiError::bad_request(
					"bad_pdp_params",
					"no PDP parameters for this size and sector count",
				)
			})?;
	if Declared::of(&params.encode()).hash != bundle.pdp_params_hash {
		return Err(ApiError::bad_request(
			"bad_pdp_params",
			"the PDP parameters hash is not the one the chain derives",
		));
	}
	let key = PdpPublicKey::decode(&mut &hospital.pdp_key[..])
		.ok()
		.and_then(|key| pdp::prepared_key(&key))
		.ok_or_else(|| {
			ApiError::chain_unavailable("the hospital's PDP key on chain is undecodable")
		})?;
	let blocks = params.blocks as usize;
	let tags = body.take(blocks.saturating_mul(48)).await?;
	let check = TagCheck::new(key, params, &mut rand_core::OsRng).ok_or_else(|| {
		ApiError::forbidden(
			"bad_pdp_params",
			"the hospital's PDP key has fewer sectors than the blocks",
		)
	})?;
	let mut windows =
		TagWindows { check: Some(check), tags, window: BytesMut::new(), next_block: 0 };

	let key = BundleKey { patient: *patient.as_ref(), locator };
	let declared = Declared { size: bundle.size, hash: bundle.ciphertext_hash };
	let stored = app.store.put_checked(&key, declared, body.rest(), &mut windows).await;
	let stored = match stored {
		Ok(stored) => stored,
		Err(e) => {
			let error = ApiError::from(e);
			app.metrics.uploads.with_label_values(&[error.code]).inc();
			return Err(error);
		},
	};

	let valid_until =
		u32::try_from(chain.number()).unwrap_or(u32::MAX).saturating_add(app.limits.receipt_blocks);
	let (receipt, valid_until) =
		keep_meta(&app, &chain, &key, &header, windows.tags, valid_until).await?;
	app.index.insert(&key, shve_ciphertext);
	let outcome = match stored {
		Stored::New => "stored",
		Stored::AlreadyStored => "already_stored",
	};
	app.metrics.uploads.with_label_values(&[outcome]).inc();
	app.metrics.bytes_received.inc_by(bundle.size);
	tracing::info!(patient = %patient, locator = %hex::encode(locator), size = bundle.size, outcome, "bundle stored");
	Ok((
		if outcome == "stored" { StatusCode::CREATED } else { StatusCode::OK },
		Json(UploadAnswer {
			outcome,
			provider: app.account.to_ss58check(),
			receipt: format!("0x{}", hex::encode(receipt)),
			valid_until,
		}),
	))
}

/// Writes the bundle's metadata with a fresh receipt good until block `valid_until`, or, if an
/// upload of the same bundle got there first (a retry, or two at once), keeps that one:
/// sr25519 signatures are randomized, so a second receipt would differ from the first, and the
/// metadata is never replaced. Returns the receipt on record and its last block.
async fn keep_meta(
	app: &App,
	chain: &Finalized,
	key: &BundleKey,
	header: &UploadHeader,
	tags: Bytes,
	valid_until: u32,
) -> Result<([u8; 64], u32), ApiError> {
	match MetaHead::read(&app.store, key, app.limits.max_header).await {
		Ok(head) => return receipt_on_record(app, chain, key, header, head).await,
		Err(e) if e.code == "bundle_not_found" => {},
		Err(e) => return Err(e),
	}
	let receipt = storage::sign_receipt_raw(&app.key, app.genesis, &header.bundle, valid_until);
	match app.store.put_meta(key, meta_parts(valid_until, receipt, header, tags)).await {
		Ok(_) => Ok((receipt, valid_until)),
		Err(StoreError::Conflict) => {
			let head = MetaHead::read(&app.store, key, app.limits.max_header).await?;
			receipt_on_record(app, chain, key, header, head).await
		},
		Err(e) => Err(e.into()),
	}
}

/// The receipt in the stored metadata `meta` of the bundle `header` names. A receipt that
/// expired before the finalized block, for a bundle no entry lists, is refused
/// (`receipt_expired`): the retention sweep deletes that bundle, and an upload after it gets a
/// fresh receipt. An appended bundle's receipt is answered as it is.
async fn receipt_on_record(
	app: &App,
	chain: &Finalized,
	key: &BundleKey,
	header: &UploadHeader,
	meta: MetaHead,
) -> Result<([u8; 64], u32), ApiError> {
	if meta.header.bundle != header.bundle {
		return Err(ApiError::from(StoreError::Conflict));
	}
	if u64::from(meta.receipt_valid_until) < chain.number() {
		let patient = AccountId::from(key.patient);
		let hosted = chain.hosted_locators(&patient, &app.account).await?;
		if !hosted.iter().any(|locator| locator[..] == key.locator[..]) {
			return Err(ApiError::new(
				StatusCode::GONE,
				"receipt_expired",
				format!(
					"this bundle's receipt counted up to block {} and no entry lists it; it is \
					 deleted at the next retention sweep: upload it again then",
					meta.receipt_valid_until
				),
			));
		}
	}
	Ok((meta.receipt, meta.receipt_valid_until))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn header() -> UploadHeader {
		UploadHeader {
			record_service: AccountId::from([1; 32]),
			signature: [2; 64],
			bundle: medchain_primitives::BundleDigest {
				patient: AccountId::from([3; 32]),
				locator: vec![4; 32],
				ciphertext_hash: [5; 32],
				size: 20_000,
				pdp_params_hash: [6; 32],
				shve_commitment: [7; 32],
			},
			pdp_sectors: 32,
			pdp_key_version: 1,
			shve: vec![8; 300],
			wrapped_key: vec![9; 90],
		}
	}

	#[test]
	fn metadata_written_in_parts_is_the_encoded_bundle_meta_and_its_head_reads_back() {
		let tags: Vec<[u8; 48]> = (0..21u8).map(|i| [i; 48]).collect();
		let meta = BundleMeta {
			receipt_valid_until: 77,
			receipt: [0xaa; 64],
			header: header(),
			tags: tags.clone(),
		};
		let raw_tags = Bytes::from(tags.concat());
		let parts = meta_parts(77, [0xaa; 64], &header(), raw_tags);
		let written = parts.concat();
		assert_eq!(written, meta.encode());
		let head = MetaHead::decode(&written).expect("the head decodes");
		assert_eq!((head.receipt_valid_until, head.receipt, head.tags), (77, [0xaa; 64], 21));
		assert_eq!(head.header, header());
		for (i, tag) in tags.iter().enumerate() {
			let at = head.tags_offset as usize + 48 * i;
			assert_eq!(&written[at..at + 48], tag, "tag {i} at its offset");
		}
		// A prefix that cuts the header is not taken for a head.
		assert!(MetaHead::decode(&written[..100]).is_none());
	}
}
