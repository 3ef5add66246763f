//! # Runtime API of the access-record chain
//!
//! [`AccessApi`]: read access to patients' access-record chains for patients, the registrar
//! and auditors (DESIGN.md flow 5), implemented by the runtime over `pallet-medchain-access`
//! (`Record`, `Reader` and `Disclosure` are that pallet's `AccessRecord`, `Reader` and
//! `Disclosure` of the runtime).
//!
//! Versions: 1, the first.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
pub use medchain_primitives::{ChainVerification, Seq};

sp_api::decl_runtime_apis! {
	/// Read access to access-record chains for patients, the registrar and auditors (flow 5).
	#[api_version(1)]
	pub trait AccessApi<AccountId, Record, Reader, Disclosure>
	where
		AccountId: codec::Codec,
		Record: codec::Codec,
		Reader: codec::Codec,
		Disclosure: codec::Codec,
	{
		/// Recomputes `patient`'s whole access chain and reports the first broken link, if any.
		fn verify_access_chain(patient: AccountId) -> ChainVerification;
		/// Up to `count` records of `patient`'s access chain from position `from` on.
		fn access_history(patient: AccountId, from: Seq, count: u32) -> Vec<Record>;
		/// Every grant of EMR entry `seq` of `patient` ("who read record R"), oldest first.
		fn readers_of(patient: AccountId, seq: Seq) -> Vec<Reader>;
		/// The accounting of disclosures: every entry granted in access records
		/// `from .. from + count` of `patient`'s chain.
		fn disclosures(patient: AccountId, from: Seq, count: u32) -> Vec<Disclosure>;
	}
}
