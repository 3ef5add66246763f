//! A typed connection to a MedChain node over JSON-RPC (WebSocket).
//!
//! Calls, storage values and runtime-API answers are built and decoded with the runtime's own
//! Rust types (`medchain_runtime::RuntimeCall`, the pallets' storage items), so a client that
//! compiles against the runtime it talks to cannot encode a call wrongly. Only the transport
//! (jsonrpsee) and the few lines that assemble a signed extrinsic live here; polkadot-sdk has
//! no client crate that takes a runtime's native types, which is why this is written by hand.

use codec::{Decode, Encode};
use futures::StreamExt;
use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use medchain_runtime::{
	AccountId, Hash, Nonce, RuntimeCall, RuntimeError, RuntimeEvent, Signature, SignedPayload,
	TxExtension, UncheckedExtrinsic,
};
use sp_core::{sr25519, Pair};
use sp_io::hashing::twox_128;
use sp_runtime::{generic::Era, DispatchError, MultiAddress};
use std::time::Duration;

use crate::{Error, Result};

/// Transactions one [`Chain::submit_all`] watches at once: half of the 1,024 subscriptions a
/// polkadot-sdk node grants one RPC connection by default, leaving room for concurrent callers.
pub const MAX_WATCHED_PER_CALL: usize = 512;

/// What a finalized transaction did.
#[derive(Debug)]
pub struct Finalized {
	/// The block that includes it.
	pub block_hash: Hash,
	/// The events it emitted (its `ApplyExtrinsic` phase), in order.
	pub events: Vec<RuntimeEvent>,
}

/// A connection to one node.
pub struct Chain {
	rpc: WsClient,
	genesis_hash: Hash,
	spec_version: u32,
	transaction_version: u32,
	/// The runtime's metadata hash (RFC-0078) every transaction commits to through
	/// `CheckMetadataHash`, or `None` to sign in its disabled mode.
	metadata_hash: Option<[u8; 32]>,
	/// How long [`Chain::submit`] waits for finality.
	pub finality_timeout: Duration,
}

fn decode_hex(s: &str) -> Result<Vec<u8>> {
	hex::decode(s.strip_prefix("0x").unwrap_or(s)).map_err(|e| Error::Decode(format!("hex: {e}")))
}

fn encode_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn decode_hash(value: &serde_json::Value) -> Result<Hash> {
	let bytes = decode_hex(value.as_str().ok_or_else(|| Error::Decode("hash".into()))?)?;
	Hash::decode(&mut &bytes[..]).map_err(|e| Error::Decode(format!("hash: {e}")))
}

impl Chain {
	/// Connects to `url` (`ws://127.0.0.1:9944`) and reads the genesis hash and runtime version
	/// that signed transactions commit to, and computes the hash of the runtime's metadata from
	/// the metadata itself, as a hardware wallet's companion app does: every transaction then
	/// signs that hash (`CheckMetadataHash` in mode `Enabled`), and the runtime refuses it unless
	/// its embedded hash (feature `metadata-hash`) is the same. See
	/// [`Chain::with_metadata_hash`] for a runtime built without it.
	pub async fn connect(url: &str) -> Result<Self> {
		let rpc = WsClientBuilder::default()
			.max_request_size(64 << 20)
			.max_response_size(64 << 20)
			.build(url)
			.await?;
		let genesis: serde_json::Value = rpc.request("chain_getBlockHash", rpc_params![0]).await?;
		let version: serde_json::Value =
			rpc.request("state_getRuntimeVersion", rpc_params![]).await?;
		let field = |name: &str| {
			version[name]
				.as_u64()
				.and_then(|v| u32::try_from(v).ok())
				.ok_or_else(|| Error::Decode(format!("runtime version without {name}")))
		};
		let spec_name = version["specName"]
			.as_str()
			.ok_or_else(|| Error::Decode("runtime version without specName".into()))?
			.to_string();
		let mut chain = Self {
			genesis_hash: decode_hash(&genesis)?,
			spec_version: field("specVersion")?,
			transaction_version: field("transactionVersion")?,
			metadata_hash: None,
			rpc,
			finality_timeout: Duration::from_secs(60),
		};
		chain.metadata_hash = Some(chain.compute_metadata_hash(spec_name).await?);
		Ok(chain)
	}

	/// Signs with `hash` as the metadata hash from now on, or in `CheckMetadataHash`'s disabled
	/// mode with `None` (for a runtime built without its metadata hash).
	pub fn with_metadata_hash(mut self, hash: Option<[u8; 32]>) -> Self {
		self.metadata_hash = hash;
		self
	}

	/// The metadata hash transactions commit to, if any.
	pub fn metadata_hash(&self) -> Option<[u8; 32]> {
		self.metadata_hash
	}

	/// The RFC-0078 digest of the runtime's metadata v15 with the chain's token and address
	/// format (the wasm builder computes the same from the wasm it built).
	async fn compute_metadata_hash(&self, spec_name: String) -> Result<[u8; 32]> {
		let metadata: Option<Vec<u8>> =
			self.runtime_api("Metadata_metadata_at_version", 15u32).await?;
		let metadata = metadata.ok_or_else(|| Error::Decode("no metadata v15".into()))?;
		let metadata = frame_metadata::RuntimeMetadataPrefixed::decode(&mut &metadata[..])
			.map_err(|e| Error::Decode(format!("metadata: {e}")))?
			.1;
		let extra = merkleized_metadata::ExtraInfo {
			spec_version: self.spec_version,
			spec_name,
			base58_prefix: medchain_runtime::SS58_PREFIX,
			decimals: medchain_runtime::TOKEN_DECIMALS,
			token_symbol: medchain_runtime::TOKEN_SYMBOL.into(),
		};
		merkleized_metadata::generate_metadata_digest(&metadata, extra)
			.map(|digest| digest.hash())
			.map_err(|e| Error::Decode(format!("metadata digest: {e}")))
	}

	/// The chain's genesis block hash (what SHVE tokens name, so that they are good on no other
	/// chain).
	pub fn genesis_hash(&self) -> Hash {
		self.genesis_hash
	}

	/// The next nonce of `who`, counting transactions in the pool.
	pub async fn next_nonce(&self, who: &AccountId) -> Result<Nonce> {
		let nonce: u64 =
			self.rpc.request("system_accountNextIndex", rpc_params![who.to_string()]).await?;
		Nonce::try_from(nonce).map_err(|_| Error::Decode("nonce out of range".into()))
	}

	/// A signed, immortal extrinsic of `call` by `signer` with `nonce`.
	pub fn sign(&self, signer: &sr25519::Pair, call: RuntimeCall, nonce: Nonce) -> Vec<u8> {
		let extension: TxExtension = (
			frame_system::CheckNonZeroSender::new(),
			frame_system::CheckSpecVersion::new(),
			frame_system::CheckTxVersion::new(),
			frame_system::CheckGenesis::new(),
			frame_system::CheckEra::from(Era::Immortal),
			pallet_medchain_registry::CheckNonceAndFeeless::from(nonce),
			frame_system::CheckWeight::new(),
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::new(self.metadata_hash.is_some()),
			frame_system::WeightReclaim::new(),
		);
		let implicit = (
			(),
			self.spec_version,
			self.transaction_version,
			self.genesis_hash,
			self.genesis_hash,
			(),
			(),
			(),
			self.metadata_hash,
			(),
		);
		let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
		let signature = payload.using_encoded(|bytes| signer.sign(bytes));
		let signer_account: AccountId = signer.public().into();
		UncheckedExtrinsic::new_signed(
			call,
			MultiAddress::Id(signer_account),
			Signature::Sr25519(signature),
			extension,
		)
		.encode()
	}

	/// Signs `call`, submits it and waits until its block is finalized. A transaction the pool
	/// refuses is [`Error::Rejected`]; one whose dispatch fails is [`Error::Dispatch`] with the
	/// pallet error.
	pub async fn submit(&self, signer: &sr25519::Pair, call: RuntimeCall) -> Result<Finalized> {
		let nonce = self.next_nonce(&signer.public().into()).await?;
		let extrinsic = self.sign(signer, call, nonce);
		self.submit_encoded(&extrinsic).await
	}

	/// Signs `calls` with consecutive nonces, submits them together (so they share blocks) and
	/// waits until all are finalized; the results are in the order of `calls`. At most
	/// [`MAX_WATCHED_PER_CALL`] are watched at once, in nonce order, so that long lists stay
	/// within the node's subscriptions per connection.
	pub async fn submit_all(
		&self,
		signer: &sr25519::Pair,
		calls: Vec<RuntimeCall>,
	) -> Vec<Result<Finalized>> {
		let first = match self.next_nonce(&signer.public().into()).await {
			Ok(nonce) => nonce,
			Err(e) => return calls.iter().map(|_| Err(Error::Rejected(e.to_string()))).collect(),
		};
		let extrinsics: Vec<Vec<u8>> = calls
			.into_iter()
			.zip(first..)
			.map(|(call, nonce)| self.sign(signer, call, nonce))
			.collect();
		futures::stream::iter(extrinsics.iter().map(|x| self.submit_encoded(x)))
			.buffered(MAX_WATCHED_PER_CALL)
			.collect()
			.await
	}

	/// Submits an encoded extrinsic and waits for finality (see [`Chain::submit`]).
	pub async fn submit_encoded(&self, extrinsic: &[u8]) -> Result<Finalized> {
		let mut statuses: Subscription<serde_json::Value> = self
			.rpc
			.subscribe(
				"author_submitAndWatchExtrinsic",
				rpc_params![encode_hex(extrinsic)],
				"author_unwatchExtrinsic",
			)
			.await
			.map_err(|e| Error::Rejected(e.to_string()))?;
		let block_hash = tokio::time::timeout(self.finality_timeout, async {
			while let Some(status) = statuses.next().await {
				let status = status.map_err(|e| Error::Decode(format!("status: {e}")))?;
				if let Some(hash) = status.get("finalized") {
					return decode_hash(hash);
				}
				if let Some(s) = status.as_str() {
					if matches!(s, "invalid" | "dropped" | "usurped") {
						return Err(Error::Rejected(s.into()));
					}
				}
			}
			Err(Error::Rejected("subscription closed".into()))
		})
		.await
		.map_err(|_| Error::Timeout)??;

		let index = self.extrinsic_index(block_hash, extrinsic).await?;
		let events: Vec<RuntimeEvent> = self
			.events(block_hash)
			.await?
			.into_iter()
			.filter(|r| r.phase == frame_system::Phase::ApplyExtrinsic(index))
			.map(|r| r.event)
			.collect();
		// A failed call, or a failed call the registrar dispatched through sudo (whose own
		// dispatch succeeds and reports the inner result in `Sudid`).
		for event in &events {
			match event {
				RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					dispatch_error,
					..
				})
				| RuntimeEvent::Sudo(pallet_sudo::Event::Sudid {
					sudo_result: Err(dispatch_error),
				}) => return Err(Error::Dispatch(describe(*dispatch_error))),
				_ => {},
			}
		}
		Ok(Finalized { block_hash, events })
	}

	async fn extrinsic_index(&self, block_hash: Hash, extrinsic: &[u8]) -> Result<u32> {
		let block: serde_json::Value =
			self.rpc.request("chain_getBlock", rpc_params![block_hash]).await?;
		let extrinsics = block["block"]["extrinsics"]
			.as_array()
			.ok_or_else(|| Error::Decode("block without extrinsics".into()))?;
		let wanted = encode_hex(extrinsic);
		extrinsics
			.iter()
			.position(|x| x.as_str() == Some(wanted.as_str()))
			.map(|i| i as u32)
			.ok_or_else(|| Error::Decode("finalized block lacks the extrinsic".into()))
	}

	/// Every event of a block.
	pub async fn events(
		&self,
		block_hash: Hash,
	) -> Result<Vec<frame_system::EventRecord<RuntimeEvent, Hash>>> {
		// `frame_system::Events` is private to the pallet; its key is the standard prefix.
		let key = [twox_128(b"System"), twox_128(b"Events")].concat();
		Ok(self.storage(&key, Some(block_hash)).await?.unwrap_or_default())
	}

	/// The value at storage `key` (e.g. `Item::<Runtime>::hashed_key_for(..)`) at `at` or the
	/// best block.
	pub async fn storage<V: Decode>(&self, key: &[u8], at: Option<Hash>) -> Result<Option<V>> {
		let value: Option<String> =
			self.rpc.request("state_getStorage", rpc_params![encode_hex(key), at]).await?;
		value
			.map(|hex| {
				let bytes = decode_hex(&hex)?;
				V::decode(&mut &bytes[..]).map_err(|e| Error::Decode(format!("storage: {e}")))
			})
			.transpose()
	}

	/// Calls runtime API `method` (`EmrApi_verify_chain`) with SCALE `args` on the best block.
	pub async fn runtime_api<R: Decode>(&self, method: &str, args: impl Encode) -> Result<R> {
		let answer: String =
			self.rpc.request("state_call", rpc_params![method, encode_hex(&args.encode())]).await?;
		let bytes = decode_hex(&answer)?;
		R::decode(&mut &bytes[..]).map_err(|e| Error::Decode(format!("{method}: {e}")))
	}

	/// Number of the best block.
	pub async fn best_number(&self) -> Result<u32> {
		self.block_number(None).await
	}

	/// Number of block `hash`, or of the best block.
	pub async fn block_number(&self, hash: Option<Hash>) -> Result<u32> {
		let header: serde_json::Value =
			self.rpc.request("chain_getHeader", rpc_params![hash]).await?;
		let number = header["number"].as_str().ok_or_else(|| Error::Decode("header".into()))?;
		u32::from_str_radix(number.trim_start_matches("0x"), 16)
			.map_err(|e| Error::Decode(format!("block number: {e}")))
	}
}

/// A dispatch error as `Pallet(Error)` where the runtime knows it.
pub fn describe(error: DispatchError) -> String {
	match RuntimeError::from_dispatch_error(error) {
		Some(e) => format!("{e:?}"),
		None => format!("{error:?}"),
	}
}
