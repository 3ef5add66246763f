//! A connection to a MedChain node, on [`subxt`].
//!
//! subxt carries the transport, signing, submission, progress and events, and follows runtime
//! upgrades: every operation here works at a block, with that block's runtime version and
//! metadata. What this module adds is MedChain's use of it:
//!
//! - calls are the runtime's own Rust types (`RuntimeCall`), checked against the live runtime's
//!   metadata before they are signed, or subxt's generated calls ([`crate::api`]);
//! - every transaction signs the runtime's metadata hash (`CheckMetadataHash` in mode
//!   `Enabled`), computed once per runtime version from the metadata itself, as a hardware
//!   wallet's companion app does;
//! - a failed dispatch is reported as the runtime's own `Pallet(Error)`, also through sudo;
//! - many transactions of one signer are submitted together with consecutive nonces.

use codec::{Decode, Encode};
use futures::StreamExt;
use jsonrpsee::ws_client::WsClientBuilder;
use medchain_runtime::{AccountId, Hash, Nonce, RuntimeCall, RuntimeError, RuntimeEvent};
use sp_core::{sr25519, Pair};
use sp_io::hashing::twox_128;
use sp_runtime::DispatchError;
use std::{collections::HashMap, sync::Mutex, time::Duration};
use subxt::{
	client::{ClientAtBlock, OnlineClientAtBlockImpl},
	config::RpcConfigFor,
	rpcs::{LegacyRpcMethods, RpcClient},
	tx::{Payload, SubmittableTransaction, TransactionStatus},
	OnlineClient,
};

use crate::{
	config::{params, MedChainConfig, PairSigner},
	Error, Result,
};

/// Transactions one [`Chain::submit_all`] watches at once: half of the 1,024 subscriptions a
/// polkadot-sdk node grants one RPC connection by default, leaving room for concurrent callers.
pub const MAX_WATCHED_PER_CALL: usize = 512;

/// Largest request or answer on the connection: an `append_records` of 256 records with their
/// longest fields, with room to spare.
const MAX_MESSAGE_BYTES: u32 = 64 << 20;

/// subxt's client at one block.
pub type AtBlock = ClientAtBlock<MedChainConfig, OnlineClientAtBlockImpl<MedChainConfig>>;

/// What a finalized transaction did.
#[derive(Debug)]
pub struct Finalized {
	/// The block that includes it.
	pub block_hash: Hash,
	/// The events it emitted (its `ApplyExtrinsic` phase), in order.
	pub events: Vec<RuntimeEvent>,
}

/// Which metadata hash transactions commit to.
enum MetadataHash {
	/// The hash of each runtime version's metadata, computed when first signed for.
	Computed(Mutex<HashMap<u32, [u8; 32]>>),
	/// This hash (`None`: `CheckMetadataHash`'s disabled mode), whatever the runtime.
	Fixed(Option<[u8; 32]>),
}

/// A connection to one node.
pub struct Chain {
	api: OnlineClient<MedChainConfig>,
	rpc: LegacyRpcMethods<RpcConfigFor<MedChainConfig>>,
	metadata_hash: MetadataHash,
	/// How long [`Chain::submit`] waits for finality.
	pub finality_timeout: Duration,
}

fn rpc_error(e: impl std::fmt::Display) -> Error {
	Error::Rpc(e.to_string())
}

impl Chain {
	/// Connects to `url` (`ws://127.0.0.1:9944`) and computes the metadata hash of the runtime
	/// at the finalized block, so that a node whose runtime lacks metadata v15 is refused here.
	pub async fn connect(url: &str) -> Result<Self> {
		let ws = WsClientBuilder::default()
			.max_request_size(MAX_MESSAGE_BYTES)
			.max_response_size(MAX_MESSAGE_BYTES)
			.build(url)
			.await
			.map_err(rpc_error)?;
		let rpc_client = RpcClient::new(ws);
		let api = OnlineClient::from_rpc_client_with_config(
			MedChainConfig::default(),
			rpc_client.clone(),
		)
		.await
		.map_err(rpc_error)?;
		let chain = Self {
			api,
			rpc: LegacyRpcMethods::new(rpc_client),
			metadata_hash: MetadataHash::Computed(Mutex::default()),
			finality_timeout: Duration::from_secs(60),
		};
		chain.metadata_hash_at(&chain.at_finalized().await?).await?;
		Ok(chain)
	}

	/// Signs with `hash` as the metadata hash from now on, whatever the runtime, or in
	/// `CheckMetadataHash`'s disabled mode with `None` (for a runtime built without its hash).
	pub fn with_metadata_hash(mut self, hash: Option<[u8; 32]>) -> Self {
		self.metadata_hash = MetadataHash::Fixed(hash);
		self
	}

	/// The metadata hash transactions built at the finalized block commit to, if any.
	pub async fn metadata_hash(&self) -> Result<Option<[u8; 32]>> {
		self.metadata_hash_at(&self.at_finalized().await?).await
	}

	/// subxt's client at the finalized block, for typed storage and runtime-API queries with
	/// [`crate::api`].
	pub async fn at_finalized(&self) -> Result<AtBlock> {
		// subxt's chainHead backend can unpin the block it has just named finalized before
		// the block's header is read (medchain-cloud's benchmark saw this for one request in
		// seven at 64 concurrent clients): the then-finalized block is asked for again.
		let mut retries = 0u64;
		loop {
			match self.api.at_current_block().await {
				Err(subxt::error::OnlineClientAtBlockError::BlockHeaderNotFound { .. })
					if retries < 5 =>
				{
					retries += 1;
					tokio::time::sleep(Duration::from_millis(20 * retries)).await;
				},
				result => return result.map_err(rpc_error),
			}
		}
	}

	/// subxt's client at block `hash`.
	pub async fn at(&self, hash: Hash) -> Result<AtBlock> {
		self.api.at_block(to_subxt_hash(hash)).await.map_err(rpc_error)
	}

	/// The spec version of the runtime at the finalized block.
	pub async fn spec_version(&self) -> Result<u32> {
		Ok(self.at_finalized().await?.spec_version())
	}

	async fn metadata_hash_at(&self, at: &AtBlock) -> Result<Option<[u8; 32]>> {
		let cache = match &self.metadata_hash {
			MetadataHash::Fixed(hash) => return Ok(*hash),
			MetadataHash::Computed(cache) => cache,
		};
		let spec_version = at.spec_version();
		if let Some(hash) = cache.lock().ok().and_then(|c| c.get(&spec_version).copied()) {
			return Ok(Some(hash));
		}
		let hash = compute_metadata_hash(at).await?;
		if let Ok(mut cache) = cache.lock() {
			cache.insert(spec_version, hash);
		}
		Ok(Some(hash))
	}

	/// The chain's genesis block hash (what SHVE tokens name, so that they are good on no other
	/// chain).
	pub fn genesis_hash(&self) -> Hash {
		Hash::from(self.api.genesis_hash().0)
	}

	/// The next nonce of `who`, counting transactions in the pool.
	pub async fn next_nonce(&self, who: &AccountId) -> Result<Nonce> {
		let who = subxt::utils::AccountId32(*who.as_ref());
		let nonce = self.rpc.system_account_next_index(&who).await.map_err(rpc_error)?;
		Nonce::try_from(nonce).map_err(|_| Error::Decode("nonce out of range".into()))
	}

	/// Signs `call`, submits it and waits until its block is finalized. A transaction the pool
	/// refuses is [`Error::Rejected`]; one whose dispatch fails is [`Error::Dispatch`] with the
	/// pallet error.
	pub async fn submit(&self, signer: &sr25519::Pair, call: RuntimeCall) -> Result<Finalized> {
		self.submit_all(signer, vec![call]).await.pop().unwrap_or(Err(Error::Invalid("no call")))
	}

	/// Signs a subxt payload (a generated call of [`crate::api`]) and submits it as
	/// [`Chain::submit`] does.
	pub async fn submit_payload(
		&self,
		signer: &sr25519::Pair,
		payload: &impl Payload,
	) -> Result<Finalized> {
		let at = self.at_finalized().await?;
		let nonce = self.next_nonce(&signer.public().into()).await?;
		let transaction = self.sign_at(&at, signer, payload, nonce).await?;
		self.watch(transaction).await
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
		let (at, first) = match self.build_context(signer).await {
			Ok(context) => context,
			Err(e) => return calls.iter().map(|_| Err(Error::Rejected(e.to_string()))).collect(),
		};
		// Nonces are consecutive: once one call cannot be signed, the later ones would wait in
		// the pool for its nonce for ever, so they are not submitted either.
		let mut transactions = Vec::with_capacity(calls.len());
		let mut failed = false;
		for (call, nonce) in calls.into_iter().zip(first..) {
			let signed = if failed {
				Err(Error::Signing("an earlier call of the batch could not be signed".into()))
			} else {
				self.sign_native(&at, signer, call, nonce).await
			};
			failed |= signed.is_err();
			transactions.push(signed);
		}
		futures::stream::iter(transactions.into_iter().map(|signed| async move {
			match signed {
				Ok(transaction) => self.watch(transaction).await,
				Err(e) => Err(e),
			}
		}))
		.buffered(MAX_WATCHED_PER_CALL)
		.collect()
		.await
	}

	/// The block to build at and the signer's first free nonce.
	async fn build_context(&self, signer: &sr25519::Pair) -> Result<(AtBlock, Nonce)> {
		let at = self.at_finalized().await?;
		let nonce = self.next_nonce(&signer.public().into()).await?;
		Ok((at, nonce))
	}

	/// A native call as subxt's payload: its bytes decoded against the metadata of the runtime
	/// at `at`, so that a call that runtime does not know is refused before it is signed.
	async fn sign_native(
		&self,
		at: &AtBlock,
		signer: &sr25519::Pair,
		call: RuntimeCall,
		nonce: Nonce,
	) -> Result<SubmittableTransaction<MedChainConfig, OnlineClientAtBlockImpl<MedChainConfig>>> {
		let payload = at
			.transactions()
			.from_call_data_bytes(&call.encode())
			.map_err(|e| Error::Decode(format!("call against the runtime's metadata: {e}")))?;
		self.sign_at(at, signer, &payload, nonce).await
	}

	async fn sign_at(
		&self,
		at: &AtBlock,
		signer: &sr25519::Pair,
		payload: &impl Payload,
		nonce: Nonce,
	) -> Result<SubmittableTransaction<MedChainConfig, OnlineClientAtBlockImpl<MedChainConfig>>> {
		let hash = self.metadata_hash_at(at).await?;
		let signer = PairSigner(signer);
		at.transactions()
			.create_signed(payload, &signer, params(nonce.into(), hash))
			.await
			.map_err(|e| Error::Signing(e.to_string()))
	}

	/// Submits a signed transaction and waits for finality (see [`Chain::submit`]).
	async fn watch(
		&self,
		transaction: SubmittableTransaction<
			MedChainConfig,
			OnlineClientAtBlockImpl<MedChainConfig>,
		>,
	) -> Result<Finalized> {
		let mut progress =
			transaction.submit_and_watch().await.map_err(|e| Error::Rejected(e.to_string()))?;
		let in_block = tokio::time::timeout(self.finality_timeout, async {
			while let Some(status) = progress.next().await {
				match status.map_err(|e| Error::Rejected(e.to_string()))? {
					TransactionStatus::InFinalizedBlock(in_block) => return Ok(in_block),
					TransactionStatus::Error { message }
					| TransactionStatus::Invalid { message }
					| TransactionStatus::Dropped { message } => return Err(Error::Rejected(message)),
					_ => continue,
				}
			}
			Err(Error::Rejected("status stream closed".into()))
		})
		.await
		.map_err(|_| Error::Timeout)??;
		let block_hash = Hash::from(in_block.block_hash().0);
		let found = in_block.fetch_events().await.map_err(rpc_error)?;
		let mut events = Vec::new();
		for event in found.iter() {
			let event = event.map_err(|e| Error::Decode(format!("event: {e}")))?;
			let mut bytes = vec![event.pallet_index(), event.event_index()];
			bytes.extend_from_slice(event.field_bytes());
			events.push(
				RuntimeEvent::decode(&mut &bytes[..])
					.map_err(|e| Error::Decode(format!("event: {e}")))?,
			);
		}
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
	/// finalized block.
	pub async fn storage<V: Decode>(&self, key: &[u8], at: Option<Hash>) -> Result<Option<V>> {
		let at = match at {
			Some(hash) => self.at(hash).await?,
			None => self.at_finalized().await?,
		};
		match at.storage().fetch_raw(key.to_vec()).await {
			Ok(bytes) => V::decode(&mut &bytes[..])
				.map(Some)
				.map_err(|e| Error::Decode(format!("storage: {e}"))),
			Err(subxt::error::StorageError::NoValueFound) => Ok(None),
			Err(e) => Err(rpc_error(e)),
		}
	}

	/// Calls runtime API `method` (`EmrApi_verify_chain`) with SCALE `args` at the finalized
	/// block.
	pub async fn runtime_api<R: Decode>(&self, method: &str, args: impl Encode) -> Result<R> {
		let args = args.encode();
		let answer = self
			.at_finalized()
			.await?
			.runtime_apis()
			.call_raw(method, Some(&args))
			.await
			.map_err(rpc_error)?;
		R::decode(&mut &answer[..]).map_err(|e| Error::Decode(format!("{method}: {e}")))
	}

	/// Number of the best block.
	pub async fn best_number(&self) -> Result<u32> {
		self.block_number(None).await
	}

	/// Number of block `hash`, or of the best block.
	pub async fn block_number(&self, hash: Option<Hash>) -> Result<u32> {
		let header = self
			.rpc
			.chain_get_header(hash.map(to_subxt_hash))
			.await
			.map_err(rpc_error)?
			.ok_or_else(|| Error::Decode("no such block".into()))?;
		u32::try_from(header.number).map_err(|_| Error::Decode("block number".into()))
	}
}

fn to_subxt_hash(hash: Hash) -> subxt::config::substrate::H256 {
	subxt::config::substrate::H256(hash.0)
}

/// The RFC-0078 digest of the metadata v15 of the runtime at `at`, with the chain's token and
/// address format (the wasm builder computes the same from the wasm it built).
async fn compute_metadata_hash(at: &AtBlock) -> Result<[u8; 32]> {
	let apis = at.runtime_apis();
	let version = apis.call_raw("Core_version", None).await.map_err(rpc_error)?;
	// `RuntimeVersion` starts with `spec_name`; the rest is not needed here.
	let spec_name = String::decode(&mut &version[..])
		.map_err(|e| Error::Decode(format!("runtime version: {e}")))?;
	let args = crate::api::METADATA_VERSION.encode();
	let answer =
		apis.call_raw("Metadata_metadata_at_version", Some(&args)).await.map_err(rpc_error)?;
	let metadata = Option::<Vec<u8>>::decode(&mut &answer[..])
		.map_err(|e| Error::Decode(format!("metadata: {e}")))?
		.ok_or_else(|| Error::Decode("the runtime serves no metadata v15".into()))?;
	let metadata = frame_metadata::RuntimeMetadataPrefixed::decode(&mut &metadata[..])
		.map_err(|e| Error::Decode(format!("metadata: {e}")))?
		.1;
	let extra = merkleized_metadata::ExtraInfo {
		spec_version: at.spec_version(),
		spec_name,
		base58_prefix: medchain_runtime::SS58_PREFIX,
		decimals: medchain_runtime::TOKEN_DECIMALS,
		token_symbol: medchain_runtime::TOKEN_SYMBOL.into(),
	};
	merkleized_metadata::generate_metadata_digest(&metadata, extra)
		.map(|digest| digest.hash())
		.map_err(|e| Error::Decode(format!("metadata digest: {e}")))
}

/// A dispatch error as `Pallet(Error)` where the runtime knows it.
pub fn describe(error: DispatchError) -> String {
	match RuntimeError::from_dispatch_error(error) {
		Some(e) => format!("{e:?}"),
		None => format!("{error:?}"),
	}
}
