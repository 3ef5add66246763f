//! The runtime APIs the node, polkadot.js and MedChain's clients call.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

use super::{
	Access, AccountId, Audit, Aura, Balance, Block, Emr, Executive, Grandpa, InherentDataExt,
	Nonce, Runtime, RuntimeCall, RuntimeGenesisConfig, SessionKeys, System, TransactionPayment,
	VERSION,
};

/// Most entries one runtime-API page returns, so that a client cannot make a node decode a whole
/// chain at once.
pub const MAX_ENTRIES_PER_PAGE: u32 = 256;

/// Most records one runtime-API call recomputes or scans (`verify_chain`,
/// `verify_access_chain`, `readers_of`): one read and one BLAKE2b-256 each, so a call is
/// bounded however long the patient's chain (the access pallet's `verify_access_chain_page`
/// and `readers_of_page` benchmarks price a full page at the end of a 100,000-record chain).
pub const MAX_CHAIN_PAGE: u32 = pallet_medchain_access::MAX_CHAIN_PAGE;

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			// Equivocation reports need key-ownership proofs, which this runtime does not
			// keep (`KeyOwnerProof = Void`).
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			None
		}
	}

	impl pallet_medchain_emr_runtime_api::EmrApi<Block, AccountId, pallet_medchain_emr::EmrEntry<Runtime>> for Runtime {
		fn verify_chain(
			patient: AccountId,
			from: pallet_medchain_emr::Seq,
			max: u32,
		) -> pallet_medchain_emr::ChainPage {
			Emr::verify_chain_page(&patient, from, max.min(MAX_CHAIN_PAGE))
		}

		fn entries(
			patient: AccountId,
			from: pallet_medchain_emr::Seq,
			count: u32,
		) -> Vec<pallet_medchain_emr::EmrEntry<Runtime>> {
			Emr::entries(&patient, from, count.min(MAX_ENTRIES_PER_PAGE))
		}

		fn check_possession(
			patient: AccountId,
			seq: pallet_medchain_emr::Seq,
			file_params: Vec<u8>,
			seed: [u8; 32],
			proof: Vec<u8>,
		) -> pallet_medchain_emr::PossessionCheck {
			Emr::check_possession(&patient, seq, &file_params, &seed, &proof)
		}
	}

	impl pallet_medchain_audit_runtime_api::AuditApi<
		Block,
		AccountId,
		pallet_medchain_audit::EntryAudit<Runtime>,
		pallet_medchain_audit::Reputation,
		pallet_medchain_audit::Challenge<Runtime>,
	> for Runtime {
		fn entry_status(
			patient: AccountId,
			seq: pallet_medchain_emr::Seq,
		) -> pallet_medchain_audit::EntryAudit<Runtime> {
			Audit::entry_status(&patient, seq)
		}

		fn reputation(provider: AccountId) -> pallet_medchain_audit::Reputation {
			Audit::reputation(&provider)
		}

		fn open_challenges() -> Vec<(u64, pallet_medchain_audit::Challenge<Runtime>)> {
			Audit::open_challenges()
		}

		fn verify_audit_log(
			provider: AccountId,
			from: pallet_medchain_emr::Seq,
			max: u32,
		) -> pallet_medchain_emr::ChainPage {
			Audit::verify_audit_log_page(&provider, from, max.min(MAX_CHAIN_PAGE))
		}
	}

	impl pallet_medchain_access_runtime_api::AccessApi<
		Block,
		AccountId,
		pallet_medchain_access::AccessRecord<Runtime>,
		pallet_medchain_access::Reader<Runtime>,
		pallet_medchain_access::Disclosure<Runtime>,
		Result<pallet_medchain_access::ServeGrant<crate::BlockNumber>, pallet_medchain_access::Refusal>,
	> for Runtime {
		fn verify_access_chain(
			patient: AccountId,
			from: pallet_medchain_emr::Seq,
			max: u32,
		) -> pallet_medchain_emr::ChainPage {
			Access::verify_access_chain_page(&patient, from, max.min(MAX_CHAIN_PAGE))
		}

		fn access_history(
			patient: AccountId,
			from: pallet_medchain_emr::Seq,
			count: u32,
		) -> Vec<pallet_medchain_access::AccessRecord<Runtime>> {
			Access::access_history(&patient, from, count.min(MAX_ENTRIES_PER_PAGE))
		}

		fn readers_of(
			patient: AccountId,
			seq: pallet_medchain_emr::Seq,
			from: pallet_medchain_emr::Seq,
			max: u32,
		) -> Vec<pallet_medchain_access::Reader<Runtime>> {
			Access::readers_of_page(&patient, seq, from, max.min(MAX_CHAIN_PAGE))
		}

		fn disclosures(
			patient: AccountId,
			from: pallet_medchain_emr::Seq,
			count: u32,
		) -> Vec<pallet_medchain_access::Disclosure<Runtime>> {
			Access::disclosures(&patient, from, count.min(MAX_ENTRIES_PER_PAGE))
		}

		fn may_serve(
			request_id: u64,
			provider: AccountId,
			grantee: AccountId,
			patient: AccountId,
			seq: pallet_medchain_emr::Seq,
		) -> Result<pallet_medchain_access::ServeGrant<crate::BlockNumber>, pallet_medchain_access::Refusal> {
			Access::may_serve(request_id, &provider, &grantee, &patient, seq)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			crate::benchmarks::metadata(extra)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			crate::benchmarks::dispatch(config)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			// try-runtime is an off-chain tool: a failed check must stop it with a backtrace.
			let weight = Executive::try_runtime_upgrade(checks).unwrap();
			(weight, super::configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.expect("execute-block failed")
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
