//! Tests of the runtime's own configuration: genesis presets, session keys and block limits.

use frame_support::traits::Get;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{configs::RuntimeBlockWeights, genesis_config_presets, *};

/// Applies a JSON patch the way the node's chain-spec builder does: objects merge key by key,
/// everything else is replaced.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// Builds the genesis state of a named preset the way the node does (defaults, then the
/// preset's patch), and runs `check` in it.
pub(crate) fn with_preset_state(preset: &str, check: impl FnOnce()) {
	let patch = genesis_config_presets::get_preset(&PresetId::from(preset))
		.unwrap_or_else(|| panic!("preset {preset} exists"));
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, serde_json::from_slice(&patch).unwrap());
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.execute_with(|| {
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
			serde_json::to_vec(&config).unwrap(),
		)
		.unwrap_or_else(|e| panic!("preset {preset} builds: {e}"));
		check();
	});
}

fn aura_key(who: Sr25519Keyring) -> sp_consensus_aura::sr25519::AuthorityId {
	who.public().into()
}

fn grandpa_key(who: Ed25519Keyring) -> pallet_grandpa::AuthorityId {
	who.public().into()
}

#[test]
fn presets_are_listed() {
	let names = genesis_config_presets::preset_names();
	assert_eq!(
		names,
		vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
	);
	assert!(genesis_config_presets::get_preset(&PresetId::from("no_such_preset")).is_none());
}

#[test]
fn development_preset_has_alice_as_sole_validator_and_registrar() {
	with_preset_state(DEV_RUNTIME_PRESET, || {
		assert_eq!(Session::validators(), vec![Sr25519Keyring::Alice.to_account_id()]);
		assert_eq!(
			pallet_aura::Authorities::<Runtime>::get().into_inner(),
			vec![aura_key(Sr25519Keyring::Alice)]
		);
		assert_eq!(Grandpa::grandpa_authorities(), vec![(grandpa_key(Ed25519Keyring::Alice), 1)]);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
		let bob = System::account(Sr25519Keyring::Bob.to_account_id());
		assert!(bob.data.free > 1_000 * UNIT);
		assert_genesis_allowlist();
	});
}

/// Both presets allow `emergency` (break-glass, and the clients' record policies) and nothing
/// else until the registrar does.
fn assert_genesis_allowlist() {
	use medchain_primitives::AttributeRegistry;
	assert!(Registry::is_allowed_attribute(b"emergency"));
	assert_eq!(pallet_medchain_registry::AllowedAttributeCount::<Runtime>::get(), 1);
}

#[test]
fn local_testnet_preset_has_four_hospital_validators() {
	let hospitals = [
		(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	];
	with_preset_state(LOCAL_TESTNET_RUNTIME_PRESET, || {
		let validators: Vec<_> = hospitals.iter().map(|(sr, _)| sr.to_account_id()).collect();
		assert_eq!(Session::validators(), validators);
		let aura: Vec<_> = hospitals.iter().map(|(sr, _)| aura_key(*sr)).collect();
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().into_inner(), aura);
		let grandpa: Vec<_> = hospitals.iter().map(|(_, ed)| (grandpa_key(*ed), 1)).collect();
		assert_eq!(Grandpa::grandpa_authorities(), grandpa);
		// Each validator's on-chain session keys are the ones its node derives from //Name.
		for (sr, ed) in hospitals {
			let keys = Session::load_keys(&sr.to_account_id()).expect("session keys are set");
			assert_eq!(keys.aura, aura_key(sr));
			assert_eq!(keys.grandpa, grandpa_key(ed));
		}
		assert_genesis_allowlist();
	});
}

#[test]
fn blocks_fit_their_slot() {
	// A block's compute must leave half of the 2 s slot for propagation and import.
	let max_block = RuntimeBlockWeights::get().max_block;
	let slot_ps = SLOT_DURATION * frame_support::weights::constants::WEIGHT_REF_TIME_PER_MILLIS;
	assert!(max_block.ref_time() * 2 <= slot_ps, "max block {max_block:?} vs slot {slot_ps} ps");
	assert_eq!(<Runtime as pallet_aura::Config>::SlotDuration::get(), SLOT_DURATION);
	assert_eq!(SLOT_DURATION, 2000);
}

#[test]
fn chain_identity_constants() {
	assert_eq!(VERSION.spec_name, "medchain");
	assert_eq!(<Runtime as frame_system::Config>::SS58Prefix::get(), SS58_PREFIX);
	assert_eq!(TOKEN_SYMBOL, "MED");
	assert_eq!(UNIT, 10u128.pow(TOKEN_DECIMALS as u32));
	// build.rs embeds the metadata hash over ("MED", 12); clients recompute it from these.
	let build_script = include_str!("../build.rs");
	assert!(
		build_script.contains(&format!("enable_metadata_hash({TOKEN_SYMBOL:?}, {TOKEN_DECIMALS})")),
		"build.rs hashes the metadata with the chain's token"
	);
}

/// The heaviest call each bound allows must fit a block's normal class, or a transaction at
/// the bound could never be included (and a search over a full provider never fulfilled).
#[test]
fn worst_case_medchain_calls_fit_a_block() {
	use frame_support::dispatch::DispatchClass;
	use pallet_medchain_access::WeightInfo as _;
	use pallet_medchain_emr::WeightInfo as _;
	use pallet_medchain_registry::WeightInfo as _;
	use pallet_transaction_payment::WeightInfo as _;

	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	// These calls are all feeless, so they must also fit the feeless share of a block, or the
	// pool would refuse them for good.
	let limit = normal
		.max_extrinsic
		.expect("normal extrinsics are limited")
		.min(<Runtime as pallet_medchain_registry::Config>::MaxFeelessBlockWeight::get());
	let hosted = <Runtime as pallet_medchain_emr::Config>::MaxHostedPerProvider::get();
	let batch = <Runtime as pallet_medchain_emr::Config>::MaxBatch::get();
	let bytes_per_record = pallet_medchain_emr::NewEntry::<Runtime>::max_variable_len();
	let records = <Runtime as pallet_medchain_access::Config>::MaxRecordsPerRequest::get();
	for (call, weight) in [
		(
			"fulfil_search(MaxHostedPerProvider)",
			pallet_medchain_access::weights::SubstrateWeight::<Runtime>::fulfil_search(hosted),
		),
		(
			"append_records(MaxBatch) with the longest fields",
			pallet_medchain_emr::weights::SubstrateWeight::<Runtime>::append_records(
				batch,
				batch * bytes_per_record,
			),
		),
		(
			"request_access(MaxRecordsPerRequest)",
			pallet_medchain_access::weights::SubstrateWeight::<Runtime>::request_access(records),
		),
	] {
		// As the feeless admission counts it: with the extrinsic base and the extensions that
		// have a weight in this runtime (ours and the fee charge; frame-system's weigh nothing
		// here, `ExtensionsWeightInfo = ()`).
		let weight = weight
			.saturating_add(normal.base_extrinsic)
			.saturating_add(pallet_medchain_registry::weights::SubstrateWeight::<Runtime>::check_feeless())
			.saturating_add(
				pallet_transaction_payment::weights::SubstrateWeight::<Runtime>::charge_transaction_payment(),
			);
		assert!(weight.all_lte(limit), "{call} weighs {weight:?}, over the limit {limit:?}");
	}
}
