//! A minimal runtime for the EMR tests: System and the EMR chain, nothing else. The registry is
//! a test directory behind the `medchain-primitives` traits ([`Directory`]); `Root` is the
//! registrar.

use core::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{derive_impl, parameter_types};
use frame_system::EnsureRoot;
use medchain_primitives::{
	AttributeRegistry, HospitalId, HospitalRegistry, PatientRegistry, PdpKeyVersion, ProviderInfo,
	ProviderRegistry, ProviderStanding, RecordServiceInfo,
};
use scale_info::TypeInfo;
use sp_runtime::{
	testing::UintAuthorityId,
	traits::{Lazy, Verify},
	BuildStorage,
};

use crate as pallet_emr;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Emr: pallet_emr,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxLocatorLen: u32 = 128;
	pub const MaxPolicyLen: u32 = 512;
	pub const MaxDescriptionLen: u32 = 128;
	// A batch must fit a provider's hosted index after one existing entry (benchmark setup).
	pub const MaxBatch: u32 = 3;
	pub const MaxHostedPerProvider: u32 = 4;
}

/// A provider's receipt in the mock: who signed, and the BLAKE2b-256 of what. It verifies
/// for that signer and a statement of that hash only, so a test sees the pallet check both
/// (the runtime's `MultiSignature` is the real thing, tested in the runtime and the e2e test).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct MockReceipt {
	pub signer: u64,
	pub statement_hash: [u8; 32],
}

impl MockReceipt {
	/// `signer`'s receipt over `statement`.
	pub fn sign(signer: u64, statement: &[u8]) -> Self {
		Self { signer, statement_hash: sp_io::hashing::blake2_256(statement) }
	}
}

impl Verify for MockReceipt {
	type Signer = UintAuthorityId;
	fn verify<L: Lazy<[u8]>>(&self, mut msg: L, signer: &u64) -> bool {
		self.signer == *signer && self.statement_hash == sp_io::hashing::blake2_256(msg.get())
	}
}

/// A hospital of the test directory.
#[derive(Clone, Default)]
struct Hospital {
	active: bool,
	/// PDP keys by version; the last is in force.
	keys: Vec<Vec<u8>>,
}

/// What the registry would know, for one test.
#[derive(Default)]
struct State {
	hospitals: Vec<Hospital>,
	services: BTreeMap<u64, HospitalId>,
	providers: BTreeMap<u64, (Option<HospitalId>, bool)>,
	patients: BTreeMap<u64, bool>,
	/// The registrar's allowlist.
	attributes: BTreeSet<Vec<u8>>,
	/// Providers the audit pallet would have suspended.
	suspended: BTreeSet<u64>,
}

/// The longest attribute the test directory's allowlist takes (the registry's mock bound).
#[cfg_attr(not(feature = "runtime-benchmarks"), allow(dead_code))]
pub const MAX_ATTRIBUTE_LEN: u32 = 32;

std::thread_local! {
	static STATE: RefCell<State> = RefCell::new(State::default());
}

/// The test directory: registers and revokes actors and answers the EMR pallet's questions.
pub struct Directory;

impl Directory {
	/// Registers an active hospital whose record service is `service`, with PDP key `key` as
	/// version 0; returns its id.
	pub fn add_hospital(service: u64, key: Vec<u8>) -> HospitalId {
		STATE.with(|s| {
			let mut s = s.borrow_mut();
			let id = s.hospitals.len() as HospitalId;
			s.hospitals.push(Hospital { active: true, keys: vec![key] });
			s.services.insert(service, id);
			id
		})
	}
	/// Adds a PDP key to `hospital`; returns its version.
	pub fn add_pdp_key(hospital: HospitalId, key: Vec<u8>) -> PdpKeyVersion {
		STATE.with(|s| {
			let mut s = s.borrow_mut();
			let keys = &mut s.hospitals[hospital as usize].keys;
			keys.push(key);
			(keys.len() - 1) as PdpKeyVersion
		})
	}
	pub fn revoke_hospital(hospital: HospitalId) {
		STATE.with(|s| s.borrow_mut().hospitals[hospital as usize].active = false);
	}
	pub fn add_provider(provider: u64, operator: Option<HospitalId>) {
		STATE.with(|s| s.borrow_mut().providers.insert(provider, (operator, true)));
	}
	pub fn revoke_provider(provider: u64) {
		STATE.with(|s| {
			if let Some(entry) = s.borrow_mut().providers.get_mut(&provider) {
				entry.1 = false;
			}
		});
	}
	pub fn add_patient(patient: u64) {
		STATE.with(|s| s.borrow_mut().patients.insert(patient, true));
	}
	pub fn revoke_patient(patient: u64) {
		STATE.with(|s| s.borrow_mut().patients.insert(patient, false));
	}
	/// Puts `attribute` on the allowlist (the registry's rule is the registry's to test).
	pub fn allow_attribute(attribute: &[u8]) {
		STATE.with(|s| s.borrow_mut().attributes.insert(attribute.to_vec()));
	}
	/// Suspends `provider` (or lifts its suspension), as its audit record would.
	pub fn set_suspended(provider: u64, suspended: bool) {
		STATE.with(|s| {
			let mut s = s.borrow_mut();
			if suspended {
				s.suspended.insert(provider);
			} else {
				s.suspended.remove(&provider);
			}
		});
	}
	pub fn disallow_attribute(attribute: &[u8]) {
		STATE.with(|s| s.borrow_mut().attributes.remove(attribute));
	}
}

impl AttributeRegistry for Directory {
	fn is_allowed_attribute(attribute: &[u8]) -> bool {
		STATE.with(|s| s.borrow().attributes.contains(attribute))
	}
}

impl HospitalRegistry<u64> for Directory {
	fn active_record_service(who: &u64) -> Option<RecordServiceInfo> {
		STATE.with(|s| {
			let s = s.borrow();
			let hospital = *s.services.get(who)?;
			let entry = s.hospitals.get(hospital as usize).filter(|h| h.active)?;
			let pdp_key_version = entry.keys.len().checked_sub(1)? as PdpKeyVersion;
			Some(RecordServiceInfo { hospital, pdp_key_version })
		})
	}
	fn hospital_exists(hospital: HospitalId) -> bool {
		STATE.with(|s| (hospital as usize) < s.borrow().hospitals.len())
	}
	fn pdp_public_key(hospital: HospitalId, version: PdpKeyVersion) -> Option<Vec<u8>> {
		STATE.with(|s| {
			s.borrow().hospitals.get(hospital as usize)?.keys.get(version as usize).cloned()
		})
	}
}

impl ProviderRegistry<u64> for Directory {
	fn active_provider(who: &u64) -> Option<ProviderInfo> {
		STATE.with(|s| {
			s.borrow()
				.providers
				.get(who)
				.filter(|(_, active)| *active)
				.map(|(operator, _)| ProviderInfo { operator: *operator })
		})
	}
}

impl ProviderStanding<u64> for Directory {
	fn accepts_new_records(provider: &u64) -> bool {
		STATE.with(|s| !s.borrow().suspended.contains(provider))
	}
}

impl PatientRegistry<u64> for Directory {
	fn is_active_patient(who: &u64) -> bool {
		STATE.with(|s| s.borrow().patients.get(who).copied().unwrap_or(false))
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64, MockReceipt> for Directory {
	fn register_record_service(service: &u64) -> HospitalId {
		Directory::add_hospital(*service, Vec::new())
	}
	fn register_provider(provider: &u64, operator: Option<HospitalId>) {
		Directory::add_provider(*provider, operator);
	}
	fn provider_account(index: u32) -> u64 {
		1_000_000 + u64::from(index)
	}
	fn sign_receipt(provider: &u64, statement: &[u8]) -> MockReceipt {
		MockReceipt::sign(*provider, statement)
	}
	fn register_patient(patient: &u64) {
		Directory::add_patient(*patient);
	}
	fn allow_attribute(attribute: &[u8]) {
		Directory::allow_attribute(attribute);
	}
	fn max_attribute_len() -> u32 {
		MAX_ATTRIBUTE_LEN
	}
}

impl pallet_emr::Config for Test {
	type RegistrarOrigin = EnsureRoot<u64>;
	type Hospitals = Directory;
	type Providers = Directory;
	type Patients = Directory;
	type Attributes = Directory;
	type ProviderSignature = MockReceipt;
	type ProviderPublic = UintAuthorityId;
	type MaxLocatorLen = MaxLocatorLen;
	type MaxPolicyLen = MaxPolicyLen;
	type MaxDescriptionLen = MaxDescriptionLen;
	type MaxBatch = MaxBatch;
	type MaxHostedPerProvider = MaxHostedPerProvider;
	type ProviderStanding = Directory;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Directory;
}

/// Test externalities at block 1 (so that events are recorded), with an empty directory whose
/// allowlist holds `emergency`.
pub fn new_test_ext() -> sp_io::TestExternalities {
	STATE.with(|s| *s.borrow_mut() = State::default());
	Directory::allow_attribute(b"emergency");
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
