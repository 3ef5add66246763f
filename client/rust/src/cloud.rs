//! A client of `medchain-cloud`, the storage provider service (`client/cloud`), over HTTP/1.1:
//! uploads answered with the provider's receipt, downloads signed by the grantee and sealed to
//! its delivery key, audit answers and search fulfilments. Refusals
//! come back as [`Error::Service`] with the service's stable code. [`DevCloud`] runs the
//! service as a process for tests and tools, as [`crate::devnode::DevNode`] runs a node.

use std::{
	ops::Range,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use bytes::Bytes;
use codec::Encode;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::{body::Frame, Request, StatusCode};
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};
use medchain_runtime::AccountId;
use sp_core::{crypto::Ss58Codec, sr25519, Pair};

use x25519_dalek::StaticSecret;

use crate::{
	storage::{download_message, upload_prefix, UploadHeader},
	transport, Error, Result,
};

type Body = BoxBody<Bytes, std::io::Error>;

/// The provider's answer to an upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadReceipt {
	/// `stored`, or `already_stored` for a retried upload.
	pub outcome: String,
	/// The provider's sr25519 receipt signature, for the entry's `receipt`.
	pub receipt: [u8; 64],
	/// The last block the receipt counts in, for the entry's `receipt_valid_until`.
	pub valid_until: u32,
}

impl UploadReceipt {
	/// Puts the receipt into `entry` (`storage::with_receipt`).
	pub fn fill(&self, entry: &mut pallet_medchain_emr::NewEntry<medchain_runtime::Runtime>) {
		crate::storage::with_receipt(entry, self.receipt, self.valid_until);
	}
}

/// What a download names: the entry, the access request it is granted under, and the last
/// block the grantee's signature counts in.
#[derive(Clone, Debug)]
pub struct DownloadRequest<'a> {
	/// The provider's account (it is named in the signed statement).
	pub provider: &'a AccountId,
	/// The patient.
	pub patient: &'a AccountId,
	/// The entry's position.
	pub seq: u32,
	/// The access request.
	pub request: u64,
	/// The last block the statement counts in.
	pub not_after: u32,
	/// A byte range, or all of the ciphertext.
	pub range: Option<Range<u64>>,
}

/// A client of one `medchain-cloud` service.
#[derive(Clone)]
pub struct CloudClient {
	base: String,
	http: Client<HttpConnector, Body>,
}

fn full(bytes: impl Into<Bytes>) -> Body {
	Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

impl CloudClient {
	/// A client of the service at `base_url` (`http://host:port`).
	pub fn new(base_url: &str) -> Self {
		Self {
			base: base_url.trim_end_matches('/').to_owned(),
			http: Client::builder(TokioExecutor::new()).build_http(),
		}
	}

	/// Sends `request`; the status and the whole answer body.
	pub async fn send(&self, request: Request<Body>) -> Result<(StatusCode, Bytes)> {
		let (status, _, body) = self.send_with_headers(request).await?;
		Ok((status, body))
	}

	/// Sends `request`; the status, the headers and the whole answer body.
	pub async fn send_with_headers(
		&self,
		request: Request<Body>,
	) -> Result<(StatusCode, hyper::HeaderMap, Bytes)> {
		let response =
			self.http.request(request).await.map_err(|e| Error::Rpc(format!("cloud: {e}")))?;
		let status = response.status();
		let headers = response.headers().clone();
		let body = response
			.into_body()
			.collect()
			.await
			.map_err(|e| Error::Rpc(format!("cloud: body: {e}")))?
			.to_bytes();
		Ok((status, headers, body))
	}

	/// A request for `path` of the service.
	pub fn request(&self, method: &str, path: &str) -> hyper::http::request::Builder {
		Request::builder().method(method).uri(format!("{}{path}", self.base))
	}

	/// `GET path`: the status and the whole answer body (`/metrics`, say).
	pub async fn get(&self, path: &str) -> Result<(StatusCode, Bytes)> {
		let request = self.request("GET", path).body(full(Bytes::new()));
		self.send(request.map_err(invalid)?).await
	}

	/// `GET /health`: the service's JSON answer.
	pub async fn health(&self) -> Result<serde_json::Value> {
		let (status, body) = self.get("/health").await?;
		ok_or_service_error(status, &body)?;
		serde_json::from_slice(&body).map_err(|e| Error::Decode(format!("health: {e}")))
	}

	/// Uploads a bundle: `header` (signed by the record service), the PDP tags, then the
	/// ciphertext; the provider's receipt on success.
	pub async fn upload(
		&self,
		header: &UploadHeader,
		tags: &[[u8; 48]],
		ciphertext: Bytes,
	) -> Result<UploadReceipt> {
		let prefix = Bytes::from(upload_prefix(header, tags));
		let frames = futures::stream::iter([prefix, ciphertext].map(|b| Ok(Frame::data(b))));
		let body = BodyExt::boxed(StreamBody::new(frames));
		self.put_bundle(&header.bundle.patient, &header.bundle.locator, body).await
	}

	/// Uploads `body` as it is (a whole upload frame, or a malformed one) for `patient` and
	/// `locator`.
	pub async fn upload_raw(
		&self,
		patient: &AccountId,
		locator: &[u8],
		body: Bytes,
	) -> Result<UploadReceipt> {
		self.put_bundle(patient, locator, full(body)).await
	}

	async fn put_bundle(
		&self,
		patient: &AccountId,
		locator: &[u8],
		body: Body,
	) -> Result<UploadReceipt> {
		let path = format!("/v1/bundles/{}/{}", patient.to_ss58check(), hex::encode(locator));
		let request = self.request("PUT", &path).body(body);
		let (status, body) = self.send(request.map_err(invalid)?).await?;
		ok_or_service_error(status, &body)?;
		let answer: serde_json::Value =
			serde_json::from_slice(&body).map_err(|e| Error::Decode(format!("upload: {e}")))?;
		let receipt = answer["receipt"]
			.as_str()
			.and_then(|hex| hex::decode(hex.trim_start_matches("0x")).ok())
			.and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
			.ok_or_else(|| Error::Decode("upload: no receipt in the answer".into()))?;
		let valid_until = answer["valid_until"]
			.as_u64()
			.and_then(|n| u32::try_from(n).ok())
			.ok_or_else(|| Error::Decode("upload: no valid_until in the answer".into()))?;
		let outcome = answer["outcome"].as_str().unwrap_or_default().to_owned();
		Ok(UploadReceipt { outcome, receipt, valid_until })
	}

	/// The provider's answer to an audit challenge of entry `seq` of `patient` for `seed`:
	/// the SCALE file parameters, the SCALE masked proof, and the provider's signature over
	/// [`crate::storage::audit_answer_message`].
	pub async fn audit(
		&self,
		patient: &AccountId,
		seq: u32,
		seed: [u8; 32],
	) -> Result<(Vec<u8>, Vec<u8>, [u8; 64])> {
		let path =
			format!("/v1/audits/{}/{seq}?seed=0x{}", patient.to_ss58check(), hex::encode(seed));
		let request = self.request("POST", &path).body(full(Bytes::new()));
		let (status, body) = self.send(request.map_err(invalid)?).await?;
		ok_or_service_error(status, &body)?;
		let answer: serde_json::Value =
			serde_json::from_slice(&body).map_err(|e| Error::Decode(format!("audit: {e}")))?;
		let field = |name: &str| {
			answer[name]
				.as_str()
				.and_then(|hex| hex::decode(hex.trim_start_matches("0x")).ok())
				.ok_or_else(|| Error::Decode(format!("audit: no {name} in the answer")))
		};
		let signature = <[u8; 64]>::try_from(field("signature")?)
			.map_err(|_| Error::Decode("audit: the signature is not 64 bytes".into()))?;
		Ok((field("file_params")?, field("proof")?, signature))
	}

	/// Asks the provider to fulfil search `request` with the key service's `token`: it matches
	/// the token over every entry it hosts for the patient and submits `fulfil_search`.
	pub async fn fulfil_search(
		&self,
		request: u64,
		token: &medchain_crypto::shve::SignedToken,
	) -> Result<SearchFulfilment> {
		let body = serde_json::json!({ "token": format!("0x{}", hex::encode(token.encode())) });
		let http = self
			.request("POST", &format!("/v1/searches/{request}"))
			.header("content-type", "application/json")
			.body(full(body.to_string()));
		let (status, body) = self.send(http.map_err(invalid)?).await?;
		ok_or_service_error(status, &body)?;
		let answer: serde_json::Value =
			serde_json::from_slice(&body).map_err(|e| Error::Decode(format!("search: {e}")))?;
		let number = |name: &str| {
			answer[name].as_u64().ok_or_else(|| Error::Decode(format!("search: no {name}")))
		};
		let matched = answer["matched"]
			.as_array()
			.map(|seqs| seqs.iter().filter_map(|seq| seq.as_u64()).map(|seq| seq as u32).collect())
			.ok_or_else(|| Error::Decode("search: no matched".into()))?;
		Ok(SearchFulfilment {
			hosted: number("hosted")? as usize,
			matched,
			granted: number("granted")? as u32,
			denied: number("denied")? as u32,
		})
	}

	/// Downloads (a range of) an entry's ciphertext as `grantee`, on the chain of `genesis`,
	/// sealed to the delivery key whose secret is `device` (the key the access request named):
	/// the provider's signature, the seal and the envelope are checked ([`transport::open`]),
	/// and the bytes served must be the ones asked for.
	pub async fn download(
		&self,
		grantee: &sr25519::Pair,
		genesis: [u8; 32],
		what: &DownloadRequest<'_>,
		device: &StaticSecret,
	) -> Result<Vec<u8>> {
		let sealed = self.download_sealed(grantee, genesis, what).await?;
		let (start, end, size) = sealed.range;
		let expected = what.range.clone().unwrap_or(0..size);
		if (start, end) != (expected.start, expected.end) || end > size {
			return Err(Error::Invalid("the provider served another range than asked for"));
		}
		let context = transport::context(&sealed.statement, start, end);
		transport::open(
			what.provider,
			device,
			&context,
			&sealed.sealed_key,
			&sealed.signature,
			&sealed.body,
		)
	}

	/// A download as the provider answers it, before it is opened.
	pub async fn download_sealed(
		&self,
		grantee: &sr25519::Pair,
		genesis: [u8; 32],
		what: &DownloadRequest<'_>,
	) -> Result<SealedDownload> {
		let grantee_account = AccountId::from(grantee.public());
		let statement = download_message(
			genesis,
			what.provider,
			&grantee_account,
			what.patient,
			what.seq,
			what.request,
			what.not_after,
		);
		let signature = grantee.sign(&statement);
		let path = format!(
			"/v1/records/{}/{}?request={}&not_after={}",
			what.patient.to_ss58check(),
			what.seq,
			what.request,
			what.not_after
		);
		let mut request = self
			.request("GET", &path)
			.header("x-medchain-grantee", grantee_account.to_ss58check())
			.header("x-medchain-signature", format!("0x{}", hex::encode(signature.0)));
		if let Some(range) = &what.range {
			request = request
				.header("range", format!("bytes={}-{}", range.start, range.end.saturating_sub(1)));
		}
		let (status, headers, body) =
			self.send_with_headers(request.body(full(Bytes::new())).map_err(invalid)?).await?;
		ok_or_service_error(status, &body)?;
		let header = |name: &str| {
			headers
				.get(name)
				.and_then(|value| value.to_str().ok())
				.ok_or_else(|| Error::Decode(format!("download: no {name} header")))
		};
		let hex_bytes = |name: &str| {
			hex::decode(header(name)?.trim_start_matches("0x"))
				.map_err(|_| Error::Decode(format!("download: {name} is not hex")))
		};
		let signature = <[u8; 64]>::try_from(hex_bytes(transport::SEAL_SIGNATURE_HEADER)?)
			.map_err(|_| Error::Decode("download: the seal signature is not 64 bytes".into()))?;
		let range = parse_served_range(header(transport::RANGE_HEADER)?)
			.ok_or_else(|| Error::Decode("download: a malformed range header".into()))?;
		Ok(SealedDownload {
			statement,
			sealed_key: hex_bytes(transport::SEALED_KEY_HEADER)?,
			signature,
			range,
			body,
		})
	}
}

/// What a provider answered to a search fulfilment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchFulfilment {
	/// How many entries of the patient it hosts (each one claimed).
	pub hosted: usize,
	/// The positions of the entries that matched.
	pub matched: Vec<u32>,
	/// Matching entries the chain granted.
	pub granted: u32,
	/// Matching entries the chain denied.
	pub denied: u32,
}

/// A download as served: sealed to the delivery key.
#[derive(Clone, Debug)]
pub struct SealedDownload {
	/// The download statement the grantee signed.
	pub statement: Vec<u8>,
	/// SCALE of the sealed transport key.
	pub sealed_key: Vec<u8>,
	/// The provider's signature over the seal statement.
	pub signature: [u8; 64],
	/// The stored bytes served (start, end exclusive) and the stored size.
	pub range: (u64, u64, u64),
	/// The sealed body.
	pub body: Bytes,
}

/// `start-end/size` as the service sends it in [`transport::RANGE_HEADER`].
fn parse_served_range(text: &str) -> Option<(u64, u64, u64)> {
	let (range, size) = text.split_once('/')?;
	let (start, end) = range.split_once('-')?;
	let (start, end, size) = (start.parse().ok()?, end.parse().ok()?, size.parse().ok()?);
	(start <= end && end <= size).then_some((start, end, size))
}

fn invalid(e: hyper::http::Error) -> Error {
	Error::Rpc(format!("cloud: request: {e}"))
}

/// `Ok` for a 2xx answer, else the service's JSON error as [`Error::Service`].
fn ok_or_service_error(status: StatusCode, body: &[u8]) -> Result<()> {
	if status.is_success() {
		return Ok(());
	}
	let error: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
	Err(Error::Service {
		status: status.as_u16(),
		code: error["code"].as_str().unwrap_or("unknown").to_owned(),
		message: error["message"].as_str().unwrap_or_default().to_owned(),
	})
}

/// A running `medchain-cloud` process, killed on drop.
pub struct DevCloud {
	child: Child,
	/// Its base URL.
	pub url: String,
}

/// The service binary: `$MEDCHAIN_CLOUD`, else `medchain-cloud` beside the running
/// executable's build directory (as [`crate::devnode::node_binary`] finds the node).
pub fn cloud_binary() -> Option<PathBuf> {
	crate::devnode::find_binary("medchain-cloud", "MEDCHAIN_CLOUD")
}

/// Where a [`DevCloud`] keeps its bundles.
#[derive(Clone, Debug)]
pub enum DevStore {
	/// A directory (`file://`).
	Dir(PathBuf),
	/// An S3 bucket: the `s3://` URL, and the `AWS_*` environment the service reads it with
	/// (credentials, endpoint).
	S3 {
		/// `s3://bucket/prefix`.
		url: String,
		/// Environment variables for the service process.
		env: Vec<(String, String)>,
	},
}

impl DevStore {
	fn url(&self) -> String {
		match self {
			Self::Dir(dir) => format!("file://{}", dir.display()),
			Self::S3 { url, .. } => url.clone(),
		}
	}

	fn env(&self) -> &[(String, String)] {
		match self {
			Self::Dir(_) => &[],
			Self::S3 { env, .. } => env,
		}
	}
}

impl DevCloud {
	/// Starts the service against the node at `rpc`, storing in directory `store`, as the
	/// provider whose secret URI is `suri`, and waits until `/health` answers (at most a
	/// minute).
	pub async fn start(rpc: &str, store: &Path, suri: &str) -> Result<Self> {
		let binary = cloud_binary()
			.ok_or(Error::Invalid("medchain-cloud not found: build it or set MEDCHAIN_CLOUD"))?;
		Self::start_binary(&binary, rpc, &DevStore::Dir(store.to_owned()), suri, &[]).await
	}

	/// [`Self::start`] from the service binary at `binary`, on `store`, with extra
	/// command-line flags.
	pub async fn start_binary(
		binary: &Path,
		rpc: &str,
		store: &DevStore,
		suri: &str,
		flags: &[&str],
	) -> Result<Self> {
		Self::start_binary_on(binary, rpc, store, suri, flags, crate::devnode::free_port()?).await
	}

	/// [`Self::start_binary`] listening on `port` of 127.0.0.1: a provider restarted on the
	/// port it had keeps the endpoint the chain lists, which audits fetch answers from.
	pub async fn start_binary_on(
		binary: &Path,
		rpc: &str,
		store: &DevStore,
		suri: &str,
		flags: &[&str],
		port: u16,
	) -> Result<Self> {
		let child = Command::new(binary)
			.args(["--rpc", rpc, "--listen", &format!("127.0.0.1:{port}")])
			.args(["--store", &store.url()])
			.args(["--suri", suri])
			.args(flags)
			.envs(store.env().iter().map(|(k, v)| (k, v)))
			.stdout(Stdio::null())
			.stderr(Stdio::inherit())
			.spawn()
			.map_err(|_| Error::Invalid("medchain-cloud could not be started"))?;
		let mut cloud = Self { child, url: format!("http://127.0.0.1:{port}") };
		let client = cloud.client();
		let deadline = Instant::now() + Duration::from_secs(60);
		while client.health().await.is_err() {
			if Instant::now() > deadline {
				return Err(Error::Invalid("medchain-cloud did not answer /health in 60 s"));
			}
			if matches!(cloud.child.try_wait(), Ok(Some(_))) {
				return Err(Error::Invalid("medchain-cloud exited at start (its log says why)"));
			}
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
		Ok(cloud)
	}

	/// A client of this service.
	pub fn client(&self) -> CloudClient {
		CloudClient::new(&self.url)
	}

	/// The process id of the service (for its `/proc` figures).
	pub fn pid(&self) -> u32 {
		self.child.id()
	}

	/// Kills the process at once (`SIGKILL`), as a crash would.
	pub fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

impl Drop for DevCloud {
	fn drop(&mut self) {
		self.kill();
	}
}
