//! Bootstrap weights: only the trait exists until `medchain-node benchmark pallet` writes this
//! file (see the README); nothing here is ever committed as the pallet's weights.
#![allow(missing_docs)]
use frame_support::weights::Weight;
pub trait WeightInfo {
	fn register_hospital() -> Weight;
	fn update_hospital() -> Weight;
	fn revoke_hospital() -> Weight;
	fn register_doctor(a: u32) -> Weight;
	fn update_doctor(a: u32) -> Weight;
	fn revoke_doctor() -> Weight;
	fn register_provider() -> Weight;
	fn update_provider() -> Weight;
	fn revoke_provider() -> Weight;
	fn register_patient() -> Weight;
	fn revoke_patient() -> Weight;
	fn start_key_epoch() -> Weight;
	fn set_public_parameters() -> Weight;
}
impl WeightInfo for () {
	fn register_hospital() -> Weight {
		Weight::MAX
	}
	fn update_hospital() -> Weight {
		Weight::MAX
	}
	fn revoke_hospital() -> Weight {
		Weight::MAX
	}
	fn register_doctor(_a: u32) -> Weight {
		Weight::MAX
	}
	fn update_doctor(_a: u32) -> Weight {
		Weight::MAX
	}
	fn revoke_doctor() -> Weight {
		Weight::MAX
	}
	fn register_provider() -> Weight {
		Weight::MAX
	}
	fn update_provider() -> Weight {
		Weight::MAX
	}
	fn revoke_provider() -> Weight {
		Weight::MAX
	}
	fn register_patient() -> Weight {
		Weight::MAX
	}
	fn revoke_patient() -> Weight {
		Weight::MAX
	}
	fn start_key_epoch() -> Weight {
		Weight::MAX
	}
	fn set_public_parameters() -> Weight {
		Weight::MAX
	}
}
