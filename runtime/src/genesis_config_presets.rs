//! Genesis presets: `development` (one validator) and `local_testnet` (four hospital validators).
//!
//! The node's `--dev` and `--chain local` chain specs are built from these presets, and
//! `medchain-node build-spec` / `export-chain-spec` write them out for zombienet and for real
//! deployments (which replace the well-known development keys).

use alloc::{string::String, vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	AccountId, BalancesConfig, RegistryConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys,
	SudoConfig, UNIT,
};

/// Balance given to every well-known development account: enough for any test, far below
/// `u128::MAX` so that no test can overflow total issuance.
const DEV_ENDOWMENT: u128 = 1_000_000_000 * UNIT;

/// The attributes on the registrar's allowlist at genesis: `emergency`, which break-glass
/// access needs and the clients' record policies name. Further roles are the registrar's to
/// allow (`allow_attribute`); no department ever is.
const GENESIS_ALLOWED_ATTRIBUTES: [&str; 1] = ["emergency"];

/// A well-known development validator: its sr25519 Aura and audit keys and its ed25519 GRANDPA
/// key come from the same seed (`//Alice` etc.), as `medchain-node --alice` inserts them (it
/// inserts the seed's key for every key type of the session keys, the audit key's `mdau`
/// included), so audits run on the devnet and the local testnet with no manual step.
type DevValidator = (Sr25519Keyring, Ed25519Keyring);

fn dev_session_keys((aura, grandpa): DevValidator) -> SessionKeys {
	SessionKeys {
		aura: aura.public().into(),
		grandpa: grandpa.public().into(),
		audit: pallet_medchain_audit::AuditId::from(aura.public()),
	}
}

/// The endpoint of the development chain's storage provider: `medchain-cloud`'s default
/// listen address, where `scripts/devnet.sh` starts it as Ferdie.
pub const DEV_PROVIDER_ENDPOINT: &str = "http://127.0.0.1:8710";

/// A genesis state with the given validators, endowed accounts, sudo (registrar) key and
/// storage providers (account, endpoint).
fn medchain_genesis(
	validators: Vec<DevValidator>,
	endowed: Vec<AccountId>,
	root: AccountId,
	providers: Vec<(AccountId, String)>,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed
				.into_iter()
				.map(|account| (account, DEV_ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		session: SessionConfig {
			keys: validators
				.into_iter()
				.map(|validator| {
					let account = validator.0.to_account_id();
					(account.clone(), account, dev_session_keys(validator))
				})
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		registry: RegistryConfig {
			allowed_attributes: GENESIS_ALLOWED_ATTRIBUTES
				.iter()
				.map(|attribute| String::from(*attribute))
				.collect::<Vec<_>>(),
			providers,
		},
	})
}

/// One validator (Alice), the well-known accounts endowed, Alice as registrar (sudo), and
/// Ferdie as a storage provider at [`DEV_PROVIDER_ENDPOINT`].
pub fn development_config_genesis() -> Value {
	medchain_genesis(
		vec![(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		vec![(Sr25519Keyring::Ferdie.to_account_id(), String::from(DEV_PROVIDER_ENDPOINT))],
	)
}

/// Four hospital validators (Alice, Bob, Charlie, Dave), Alice as registrar (sudo).
pub fn local_testnet_genesis() -> Value {
	medchain_genesis(
		vec![
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		Vec::new(),
	)
}

/// The JSON of a named preset, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
