//! A minimal runtime for the EMR tests: System, the registry and the EMR chain; `Root` is the
//! registrar.

use frame_support::{derive_impl, parameter_types};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

use crate as pallet_emr;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Registry: pallet_medchain_registry,
		Emr: pallet_emr,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxNameLen: u32 = 64;
	pub const MaxPdpKeyLen: u32 = 256;
	pub const MaxAttributes: u32 = 8;
	pub const MaxAttributeLen: u32 = 32;
	pub const MaxEndpointLen: u32 = 128;
	pub const MaxAbeKeyLen: u32 = 512;
	pub const MaxFeelessPerBlock: u32 = 2;
	pub const MaxLocatorLen: u32 = 128;
	pub const MaxPolicyLen: u32 = 512;
	pub const MaxDescriptionLen: u32 = 128;
	// A batch must fit a provider's hosted index after one existing entry (benchmark setup).
	pub const MaxBatch: u32 = 3;
	pub const MaxHostedPerProvider: u32 = 4;
}

impl pallet_medchain_registry::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type RegistrarOrigin = EnsureRoot<u64>;
	type MaxNameLen = MaxNameLen;
	type MaxPdpKeyLen = MaxPdpKeyLen;
	type MaxAttributes = MaxAttributes;
	type MaxAttributeLen = MaxAttributeLen;
	type MaxEndpointLen = MaxEndpointLen;
	type MaxAbeKeyLen = MaxAbeKeyLen;
	type MaxFeelessPerBlock = MaxFeelessPerBlock;
	type WeightInfo = ();
}

impl pallet_emr::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type RegistrarOrigin = EnsureRoot<u64>;
	type MaxLocatorLen = MaxLocatorLen;
	type MaxPolicyLen = MaxPolicyLen;
	type MaxDescriptionLen = MaxDescriptionLen;
	type MaxBatch = MaxBatch;
	type MaxHostedPerProvider = MaxHostedPerProvider;
	type WeightInfo = ();
}

/// Test externalities at block 1 (so that events are recorded).
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
