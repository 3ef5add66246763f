//! Bootstrap weights: only the trait exists until `medchain-node benchmark pallet` writes this
//! file (see the README); nothing here is ever committed as the pallet's weights.
#![allow(missing_docs)]
use frame_support::weights::Weight;
pub trait WeightInfo {
	fn request_access(r: u32) -> Weight;
	fn fulfil_search(n: u32) -> Weight;
	fn break_glass(r: u32) -> Weight;
	fn set_consent() -> Weight;
	fn clear_consent() -> Weight;
	fn set_consent_mode() -> Weight;
	fn prune_request(n: u32) -> Weight;
}
impl WeightInfo for () {
	fn request_access(_r: u32) -> Weight {
		Weight::MAX
	}
	fn fulfil_search(_n: u32) -> Weight {
		Weight::MAX
	}
	fn break_glass(_r: u32) -> Weight {
		Weight::MAX
	}
	fn set_consent() -> Weight {
		Weight::MAX
	}
	fn clear_consent() -> Weight {
		Weight::MAX
	}
	fn set_consent_mode() -> Weight {
		Weight::MAX
	}
	fn prune_request(_n: u32) -> Weight {
		Weight::MAX
	}
}
