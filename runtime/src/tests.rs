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
		// Alice relays audits with her `//Alice` sr25519 key, which `--alice` inserts as `mdau`.
		assert_eq!(
			pallet_medchain_audit::Relayers::<Runtime>::get().into_inner(),
			vec![(
				Sr25519Keyring::Alice.to_account_id(),
				pallet_medchain_audit::AuditId::from(Sr25519Keyring::Alice.public())
			)]
		);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
		let bob = System::account(Sr25519Keyring::Bob.to_account_id());
		assert!(bob.data.free > 1_000 * UNIT);
		assert_genesis_allowlist();
		// Ferdie is the storage provider `scripts/devnet.sh` runs medchain-cloud as.
		use medchain_primitives::ProviderRegistry;
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		assert_eq!(
			<Registry as ProviderRegistry<AccountId>>::active_provider(&ferdie),
			Some(medchain_primitives::ProviderInfo { operator: None })
		);
		let endpoint =
			pallet_medchain_registry::Providers::<Runtime>::get(&ferdie).unwrap().endpoint;
		assert_eq!(&endpoint[..], crate::genesis_config_presets::DEV_PROVIDER_ENDPOINT.as_bytes());
		assert!(System::account(&ferdie).sufficients >= 1, "the provider's account exists");
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

/// A relayed full audit answer fits a normal extrinsic, and a quarter of a block (the audit
/// budget) holds several: the budget reserves their verification when it opens challenges.
#[test]
fn audit_answers_fit_a_block_and_the_budget() {
	use frame_support::dispatch::DispatchClass;
	use pallet_medchain_audit::WeightInfo as _;
	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal).max_extrinsic.expect("limited");
	let full = pallet_medchain_audit::weights::SubstrateWeight::<Runtime>::submit_proof(460);
	let light = pallet_medchain_audit::weights::SubstrateWeight::<Runtime>::submit_proof(8);
	assert!(full.all_lte(normal), "submit_proof(460) weighs {full:?}");
	let budget = <Runtime as pallet_medchain_audit::Config>::AuditBudget::get() * weights.max_block;
	let average = full.saturating_add(light.saturating_mul(3)) / 4;
	assert!(
		budget.ref_time() / average.ref_time() >= 8,
		"a budget of {budget:?} verifies fewer than 8 audits of {average:?} per block"
	);
}

/// The runtime's migrations under try-runtime's checks, as `try-runtime on-runtime-upgrade`
/// runs them against a chain: every migration's `pre_upgrade` and `post_upgrade` around the
/// upgrade, then every pallet's `try_state`. First on the dev chain's genesis state, where
/// every pallet is at its current storage version; then on a chain whose registry and access
/// pallets are still at version 1, with a doctor and a consent mode in the version-1 layouts,
/// so that both migrations really run.
#[cfg(feature = "try-runtime")]
#[test]
fn try_runtime_checks_pass_for_the_runtime_upgrade() {
	use frame_support::traits::{GetStorageVersion, StorageVersion};
	use frame_try_runtime::UpgradeCheckSelect;
	use pallet_medchain_registry::{migrations::v2::DoctorV1, Doctors, Hospital, Hospitals};

	with_preset_state(DEV_RUNTIME_PRESET, || {
		Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
			.expect("the checks pass on the dev chain's state");
	});

	with_preset_state(DEV_RUNTIME_PRESET, || {
		// Not Ferdie: the dev genesis registers Ferdie as a storage provider.
		let record_service = AccountId::from(Sr25519Keyring::Bob.public());
		let doctor = AccountId::from(Sr25519Keyring::Eve.public());
		let patient = AccountId::from(Sr25519Keyring::Dave.public());
		Hospitals::<Runtime>::insert(
			0,
			Hospital::<Runtime> {
				record_service: record_service.clone(),
				name: b"Hospital A".to_vec().try_into().unwrap(),
				grade: 12,
				pdp_key_version: 0,
				validator: None,
				registered_at: 0,
				revoked_at: None,
			},
		);
		pallet_medchain_registry::HospitalOfRecordService::<Runtime>::insert(&record_service, 0);
		pallet_medchain_registry::NextHospitalId::<Runtime>::put(1);
		// The key's bytes are not read by the checks; only its presence is.
		frame_support::storage::unhashed::put_raw(
			&pallet_medchain_registry::PdpKeys::<Runtime>::hashed_key_for(0, 0),
			&[0u8],
		);
		frame_support::storage::unhashed::put(
			&Doctors::<Runtime>::hashed_key_for(&doctor),
			&DoctorV1::<Runtime> {
				hospital: 0,
				title: 3,
				departments: 0b1010,
				attributes: vec![b"dept:cardiology".to_vec().try_into().unwrap()]
					.try_into()
					.unwrap(),
				registered_at: 0,
				revoked_at: None,
			},
		);
		// Version 1 stored only explicit modes (absent meant implied).
		pallet_medchain_access::ConsentModes::<Runtime>::insert(
			&patient,
			pallet_medchain_access::ConsentMode::Explicit,
		);
		StorageVersion::new(1).put::<Registry>();
		StorageVersion::new(1).put::<Access>();

		Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
			.expect("the checks pass on a version-1 chain");
		assert_eq!(Registry::on_chain_storage_version(), StorageVersion::new(2));
		assert_eq!(Access::on_chain_storage_version(), StorageVersion::new(2));
		let migrated = Doctors::<Runtime>::get(&doctor).expect("the doctor decodes as version 2");
		assert!(migrated.attributes.is_empty(), "the department attribute is gone");
		assert!(!pallet_medchain_access::ConsentModes::<Runtime>::contains_key(&patient));
	});
}
