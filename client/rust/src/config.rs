//! MedChain's configuration of [`subxt`]: the runtime's account, address, signature, header and
//! hasher types, the transaction extensions a signer must provide, and a signer for
//! `sp_core` sr25519 pairs.
//!
//! Of the runtime's extensions, `CheckNonZeroSender`, `CheckWeight` and `WeightReclaim` carry no
//! data, and subxt skips any such extension it does not know; `CheckNonceAndFeeless` is
//! identified and encoded as `CheckNonce`. Only `CheckMetadataHash` needs code here: subxt's own
//! always signs its disabled mode, and MedChain's clients sign the hash, as hardware wallets do.

use std::{collections::HashMap, sync::Arc, sync::RwLock};

use codec::Encode;
use sp_core::{sr25519, Pair};
use subxt::{
	config::{
		substrate::{BlakeTwo256, SubstrateHeader, H256},
		transaction_extensions as ext, ClientState, Config, TransactionExtension,
	},
	error::TransactionExtensionError,
	metadata::ArcMetadata,
	utils::{AccountId32, MultiAddress, MultiSignature},
};

/// MedChain for subxt. Clones share one cache of the metadata of each runtime version seen, so
/// that following a runtime upgrade fetches the new metadata once.
#[derive(Debug, Clone, Default)]
pub struct MedChainConfig {
	metadata: Arc<RwLock<HashMap<u32, ArcMetadata>>>,
	/// For signing offline: the one chain and runtime version every block is taken to have.
	offline: Option<OfflineChain>,
}

#[derive(Debug, Clone, Copy)]
struct OfflineChain {
	genesis_hash: H256,
	spec_version: u32,
	transaction_version: u32,
}

impl MedChainConfig {
	/// A configuration for [`subxt::OfflineClient`]: transactions built and signed without a
	/// node (an air-gapped signer), for the chain with `genesis_hash` whose runtime has these
	/// versions and `metadata`.
	pub fn offline(
		genesis_hash: [u8; 32],
		spec_version: u32,
		transaction_version: u32,
		metadata: subxt::Metadata,
	) -> Self {
		let config = Self {
			metadata: Arc::default(),
			offline: Some(OfflineChain {
				genesis_hash: H256(genesis_hash),
				spec_version,
				transaction_version,
			}),
		};
		config.set_metadata_for_spec_version(spec_version, metadata.arc());
		config
	}
}

impl Config for MedChainConfig {
	type AccountId = AccountId32;
	type Address = MultiAddress<AccountId32, ()>;
	type Signature = MultiSignature;
	type Hasher = BlakeTwo256;
	type Header = SubstrateHeader<H256>;
	type TransactionExtensions = TransactionExtensions;
	type AssetId = u32;

	fn genesis_hash(&self) -> Option<H256> {
		self.offline.map(|chain| chain.genesis_hash)
	}

	fn spec_and_transaction_version_for_block_number(&self, _block: u64) -> Option<(u32, u32)> {
		self.offline.map(|chain| (chain.spec_version, chain.transaction_version))
	}

	fn metadata_for_spec_version(&self, spec_version: u32) -> Option<ArcMetadata> {
		self.metadata.read().ok()?.get(&spec_version).cloned()
	}

	fn set_metadata_for_spec_version(&self, spec_version: u32, metadata: ArcMetadata) {
		if let Ok(mut cache) = self.metadata.write() {
			cache.insert(spec_version, metadata);
		}
	}
}

/// The extensions MedChain's runtime asks for that carry data, by their metadata names.
pub type TransactionExtensions = (
	ext::CheckSpecVersion,
	ext::CheckTxVersion,
	ext::CheckNonce,
	ext::CheckGenesis<MedChainConfig>,
	ext::CheckMortality<MedChainConfig>,
	ext::ChargeTransactionPayment,
	CheckMetadataHash,
);

/// The parameters of [`TransactionExtensions`], in the same order.
pub type TransactionParams = (
	(),
	(),
	ext::CheckNonceParams,
	(),
	ext::CheckMortalityParams<MedChainConfig>,
	ext::ChargeTransactionPaymentParams,
	MetadataHashParams,
);

/// Parameters for a transaction with `nonce`, mortal for 64 blocks from the block it is built
/// at, no tip, committing to `metadata_hash` (`None`: `CheckMetadataHash`'s disabled mode).
pub fn params(nonce: u64, metadata_hash: Option<[u8; 32]>) -> TransactionParams {
	(
		(),
		(),
		ext::CheckNonceParams::with_nonce(nonce),
		(),
		ext::CheckMortalityParams::mortal(64),
		ext::ChargeTransactionPaymentParams::no_tip(),
		MetadataHashParams(metadata_hash),
	)
}

/// The metadata hash a transaction commits to, or `None` for `CheckMetadataHash`'s disabled
/// mode.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetadataHashParams(pub Option<[u8; 32]>);

impl subxt::config::transaction_extensions::Params<MedChainConfig> for MetadataHashParams {}

/// `frame_metadata_hash_extension::CheckMetadataHash`: the mode byte in the transaction and, in
/// mode `Enabled`, the metadata hash (RFC-0078) in what is signed.
pub struct CheckMetadataHash {
	hash: Option<[u8; 32]>,
}

impl TransactionExtension<MedChainConfig> for CheckMetadataHash {
	type Decoded = ext::CheckMetadataHashMode;
	type Params = MetadataHashParams;

	fn new(
		_client: &ClientState<MedChainConfig>,
		params: Self::Params,
	) -> Result<Self, TransactionExtensionError> {
		Ok(Self { hash: params.0 })
	}
}

impl subxt::ext::frame_decode::extrinsics::TransactionExtension<scale_info::PortableRegistry>
	for CheckMetadataHash
{
	const NAME: &str = "CheckMetadataHash";

	fn encode_value_to(
		&self,
		_type_id: u32,
		_types: &scale_info::PortableRegistry,
		out: &mut Vec<u8>,
	) -> Result<(), subxt::ext::frame_decode::extrinsics::TransactionExtensionError> {
		// The runtime's `Mode` enum: 0 disabled, 1 enabled.
		u8::from(self.hash.is_some()).encode_to(out);
		Ok(())
	}

	fn encode_implicit_to(
		&self,
		_type_id: u32,
		_types: &scale_info::PortableRegistry,
		out: &mut Vec<u8>,
	) -> Result<(), subxt::ext::frame_decode::extrinsics::TransactionExtensionError> {
		self.hash.encode_to(out);
		Ok(())
	}
}

/// Signs for subxt with an `sp_core` sr25519 pair (the dev accounts, `//Alice`, and keys loaded
/// from a SURI).
pub struct PairSigner<'a>(pub &'a sr25519::Pair);

impl subxt::tx::Signer<MedChainConfig> for PairSigner<'_> {
	fn account_id(&self) -> AccountId32 {
		AccountId32(self.0.public().0)
	}

	fn sign(&self, payload: &[u8]) -> MultiSignature {
		MultiSignature::Sr25519(self.0.sign(payload).0)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Decode;
	use medchain_runtime::{RuntimeCall, SignedPayload, UncheckedExtrinsic, VERSION};
	use sp_runtime::{generic::Preamble, traits::Verify};

	/// subxt's extrinsic, built from the committed metadata with this crate's extensions, is one
	/// the runtime's own types decode, and its signature verifies over the payload the runtime
	/// itself assembles: every extension (the nonce-and-feeless one, the metadata hash in mode
	/// `Enabled`, the era) is encoded as the runtime expects.
	#[test]
	fn subxt_signs_what_the_runtime_verifies() {
		let metadata =
			subxt::Metadata::decode_from(include_bytes!("../metadata.scale")).expect("metadata");
		let genesis = [9u8; 32];
		let config = MedChainConfig::offline(
			genesis,
			VERSION.spec_version,
			VERSION.transaction_version,
			metadata,
		);
		let at = subxt::OfflineClient::new_with_config(config).at_block(0u64).expect("offline");
		let call: RuntimeCall = frame_system::Call::remark { remark: b"offline".to_vec() }.into();
		let payload = at.transactions().from_call_data_bytes(&call.encode()).expect("known call");
		let metadata_hash = [5u8; 32];
		let mut offline_params = params(7, Some(metadata_hash));
		offline_params.4 = ext::CheckMortalityParams::immortal();
		let pair = sr25519::Pair::from_string("//Alice", None).unwrap();
		let extrinsic = at
			.transactions()
			.create_signable_offline(&payload, offline_params)
			.expect("signable")
			.sign(&PairSigner(&pair))
			.expect("signed")
			.into_encoded();

		let decoded = UncheckedExtrinsic::decode(&mut &extrinsic[..]).expect("runtime decodes it");
		assert_eq!(decoded.function, call);
		let Preamble::Signed(address, signature, extension) = decoded.preamble else {
			panic!("a signed transaction")
		};
		assert_eq!(address, sp_runtime::MultiAddress::Id(pair.public().into()));
		// `AuthorizeCall` first: it carries nothing.
		let (_, _, _, _, _, era, nonce, _, _, mode, _) = extension.clone();
		assert_eq!(era, frame_system::CheckEra::from(sp_runtime::generic::Era::Immortal));
		assert_eq!(nonce.0 .0, 7, "CheckNonceAndFeeless carries the nonce");
		assert_eq!(
			mode.encode(),
			frame_metadata_hash_extension::CheckMetadataHash::<medchain_runtime::Runtime>::new(
				true
			)
			.encode()
		);
		let implicit = (
			(),
			(),
			VERSION.spec_version,
			VERSION.transaction_version,
			sp_core::H256(genesis),
			sp_core::H256(genesis),
			(),
			(),
			(),
			Some(metadata_hash),
			(),
		);
		let signed = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
		assert!(signed.using_encoded(|bytes| signature.verify(bytes, &pair.public().into())));

		// The same transaction with another metadata hash in the payload does not verify: the
		// hash really is signed.
		let mut other = implicit;
		other.9 = Some([6u8; 32]);
		let signed = SignedPayload::from_raw(call, extension, other);
		assert!(!signed.using_encoded(|bytes| signature.verify(bytes, &pair.public().into())));
	}
}
