//! A runtime upgrade on a running dev node: the registrar sets the code of the same runtime one
//! spec version higher (`runtime/upgrade-test`'s wasm) with `set_code`; blocks go on, the
//! migrations run (`LastRuntimeUpgrade` names the new version), the state from before is still
//! there, and the client connected before the upgrade follows it: it fetches the new metadata,
//! signs the new metadata hash, and its transactions and generated calls keep working, while a
//! transaction still signing the old runtime's hash is refused.

use std::time::Duration;

use medchain_client::{
	api,
	chain::Chain,
	devnode::DevNode,
	runtime::{AccountId, Runtime, RuntimeCall, RuntimeEvent, VERSION},
	Error,
};
use sp_core::{sr25519, Pair};

type Registry = pallet_medchain_registry::Call<Runtime>;

fn sudo(call: impl Into<RuntimeCall>) -> RuntimeCall {
	pallet_sudo::Call::sudo { call: Box::new(call.into()) }.into()
}

fn register_patient(patient: &sr25519::Pair, commitment: u8) -> RuntimeCall {
	sudo(Registry::register_patient {
		patient: AccountId::from(patient.public()),
		identity_commitment: [commitment; 32],
	})
}

/// The spec version `LastRuntimeUpgrade` records at the finalized block: the version whose
/// migrations have run.
async fn migrated_version(chain: &Chain) -> u32 {
	let at = chain.at_finalized().await.unwrap();
	let last = at
		.storage()
		.fetch(api::storage().system().last_runtime_upgrade(), ())
		.await
		.expect("LastRuntimeUpgrade is set")
		.decode()
		.unwrap();
	last.spec_version
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runtime_upgrades_on_a_running_chain_and_clients_follow() {
	let code = medchain_runtime_upgrade_test::WASM_BINARY
		.expect("runtime/upgrade-test builds the wasm with feature `wasm`")
		.to_vec();
	let node = DevNode::start().expect("dev node starts");
	let chain = Chain::connect(&node.url).await.expect("connects");
	let registrar = sr25519::Pair::from_string("//Alice", None).unwrap();
	let fresh =
		|seed: &str| sr25519::Pair::from_string(&format!("//upgrade//{seed}"), None).unwrap();
	let (before, after) = (fresh("patient-before"), fresh("patient-after"));

	assert_eq!(chain.spec_version().await.unwrap(), VERSION.spec_version);
	let old_hash = chain.metadata_hash().await.unwrap().expect("signs the metadata hash");
	chain.submit(&registrar, register_patient(&before, 1)).await.expect("registered before");

	// The upgrade: `set_code` checks that the new code is the same chain's runtime with a
	// higher spec version; sudo's unchecked weight, as polkadot.js apps submits it.
	let set_code: RuntimeCall = pallet_sudo::Call::sudo_unchecked_weight {
		call: Box::new(frame_system::Call::set_code { code }.into()),
		weight: frame_support::weights::Weight::zero(),
	}
	.into();
	let upgraded = chain.submit(&registrar, set_code).await.expect("set_code dispatched");
	assert!(
		upgraded
			.events
			.iter()
			.any(|e| matches!(e, RuntimeEvent::System(frame_system::Event::CodeUpdated { .. }))),
		"the code was replaced"
	);
	let upgrade_block = chain.block_number(Some(upgraded.block_hash)).await.unwrap();

	// The next blocks run the new runtime and its migrations, and finality follows.
	let new_version = VERSION.spec_version + 1;
	let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
	while migrated_version(&chain).await != new_version {
		assert!(tokio::time::Instant::now() < deadline, "the upgrade was not finalized in 60 s");
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	assert_eq!(chain.spec_version().await.unwrap(), new_version);
	let new_hash = chain.metadata_hash().await.unwrap().expect("signs the metadata hash");
	assert_ne!(new_hash, old_hash, "the metadata hash names the spec version");

	// The connection made before the upgrade signs for the new runtime.
	let registered = chain
		.submit(&registrar, register_patient(&after, 2))
		.await
		.expect("the old connection follows the upgrade");
	assert!(chain.block_number(Some(registered.block_hash)).await.unwrap() > upgrade_block + 1);

	// A signer that still commits to the old runtime's metadata is refused.
	let stale = Chain::connect(&node.url).await.unwrap().with_metadata_hash(Some(old_hash));
	match stale.submit(&registrar, register_patient(&fresh("never"), 3)).await {
		Err(Error::Rejected(reason)) => assert!(reason.contains("bad signature"), "{reason}"),
		other => panic!("the old metadata hash must be refused, got {other:?}"),
	}

	// A new connection, and subxt's generated code (from the old metadata: the calls it uses
	// did not change, so their type hashes still match).
	let reconnected = Chain::connect(&node.url).await.expect("reconnects");
	reconnected
		.submit_payload(&registrar, &api::tx().system().remark_with_event(b"after".to_vec()))
		.await
		.expect("a generated call after the upgrade");
	let at = reconnected.at_finalized().await.unwrap();
	for patient in [&before, &after] {
		let id = subxt::utils::AccountId32(patient.public().0);
		let stored = at
			.storage()
			.try_fetch(api::storage().registry().patients(), (id,))
			.await
			.expect("typed address still matches");
		assert!(stored.is_some(), "patients registered before and after the upgrade are kept");
	}
}
