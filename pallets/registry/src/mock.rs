//! A minimal runtime for the registry's tests: System and the registry, `Root` as registrar.

use frame_support::{derive_impl, parameter_types, weights::Weight};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

use crate as pallet_registry;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Registry: pallet_registry,
	}
);

parameter_types! {
	/// Every extrinsic costs a base of 100 units of reference time (what the feeless share
	/// counts on top of a call's weight).
	pub MockBlockWeights: frame_system::limits::BlockWeights = {
		let mut weights = frame_system::limits::BlockWeights::with_sensible_defaults(
			Weight::from_parts(1_000_000_000_000, u64::MAX),
			sp_runtime::Perbill::from_percent(75),
		);
		for class in frame_support::dispatch::DispatchClass::all() {
			weights.per_class.get_mut(*class).base_extrinsic = Weight::from_parts(100, 0);
		}
		weights
	};
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type BlockWeights = MockBlockWeights;
}

parameter_types! {
	pub const MaxNameLen: u32 = 64;
	/// A three-sector PDP key (96 + 1 + 3 · 48 bytes) fits.
	pub const MaxPdpKeyLen: u32 = 256;
	pub const MaxAttributes: u32 = 8;
	pub const MaxAttributeLen: u32 = 32;
	// Room for every attribute the benchmarks give one doctor (MaxAttributes) and a few more.
	pub const MaxAllowedAttributes: u32 = 12;
	pub const MaxEndpointLen: u32 = 128;
	pub const MaxAbeKeyLen: u32 = 512;
	/// Feeless windows of 10 blocks, 3 feeless transactions per actor and window.
	pub const FeelessWindow: u64 = 10;
	pub const MaxFeelessPerWindow: u32 = 3;
	/// Feeless transactions take at most 1,000 units of reference time per block.
	pub MaxFeelessBlockWeight: Weight = Weight::from_parts(1_000, u64::MAX);
}

/// A revocation the registry announced.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Revoked {
	Hospital(u32),
	Doctor(u64),
	Provider(u64),
	Patient(u64),
}

std::thread_local! {
	static REVOKED: core::cell::RefCell<Vec<Revoked>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// The revocations announced so far in this test.
pub fn revoked() -> Vec<Revoked> {
	REVOKED.with(|r| r.borrow().clone())
}

/// Records every revocation it is told of.
pub struct RecordRevocations;

impl medchain_primitives::OnRevoked<u64> for RecordRevocations {
	fn on_hospital_revoked(hospital: u32) {
		REVOKED.with(|r| r.borrow_mut().push(Revoked::Hospital(hospital)));
	}
	fn on_doctor_revoked(doctor: &u64) {
		REVOKED.with(|r| r.borrow_mut().push(Revoked::Doctor(*doctor)));
	}
	fn on_provider_revoked(provider: &u64) {
		REVOKED.with(|r| r.borrow_mut().push(Revoked::Provider(*provider)));
	}
	fn on_patient_revoked(patient: &u64) {
		REVOKED.with(|r| r.borrow_mut().push(Revoked::Patient(*patient)));
	}
	fn on_patient_revoked_weight() -> Weight {
		Weight::zero()
	}
}

/// The one account the mock treats as acting for a patient (a guardian or delegate).
pub const REPRESENTATIVE: u64 = 60;

/// [`REPRESENTATIVE`] and nobody else.
pub struct MockRepresentatives;

impl frame_support::traits::Contains<u64> for MockRepresentatives {
	fn contains(who: &u64) -> bool {
		*who == REPRESENTATIVE
	}
}

impl pallet_registry::Config for Test {
	type RegistrarOrigin = EnsureRoot<u64>;
	type Representatives = MockRepresentatives;
	type OnRevoked = RecordRevocations;
	type MaxNameLen = MaxNameLen;
	type MaxPdpKeyLen = MaxPdpKeyLen;
	type MaxAttributes = MaxAttributes;
	type MaxAttributeLen = MaxAttributeLen;
	type MaxAllowedAttributes = MaxAllowedAttributes;
	type MaxEndpointLen = MaxEndpointLen;
	type MaxAbeKeyLen = MaxAbeKeyLen;
	type FeelessWindow = FeelessWindow;
	type MaxFeelessPerWindow = MaxFeelessPerWindow;
	type MaxFeelessBlockWeight = MaxFeelessBlockWeight;
	type WeightInfo = ();
}

/// The attributes the mock's genesis allows: break-glass's and two roles the tests give
/// doctors.
pub const GENESIS_ATTRIBUTES: [&str; 3] = ["emergency", "surgeon", "attending"];

/// Test externalities at block 1 (so that events are recorded), with
/// [`GENESIS_ATTRIBUTES`] allowed.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		registry: pallet_registry::GenesisConfig {
			allowed_attributes: GENESIS_ATTRIBUTES.iter().map(|a| a.to_string()).collect(),
			..Default::default()
		},
		..Default::default()
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
