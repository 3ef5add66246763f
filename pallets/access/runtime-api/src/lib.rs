//! # Runtime API of the access-record chain
//!
//! [`AccessApi`]: read access to patients' access-record chains for patients, the registrar
//! and auditors (DESIGN.md flow 5), implemented by the runtime over `pallet-medchain-access`
//! (`Record`, `Reader` and `Disclosure` are that pallet's `AccessRecord`, `Reader` and
//! `Disclosure` of the runtime; `ServeAnswer` is
//! `Result<pallet_medchain_access::ServeGrant<BlockNumber>, pallet_medchain_access::Refusal>`).
//!
//! Versions: 1, the first; 2 adds `may_serve`; 3 pages `verify_access_chain` and `readers_of`
//! (a range and a maximum, answered in bounded time for any chain length).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
pub use medchain_primitives::{ChainPage, ChainVerification, Seq};

sp_api::decl_runtime_apis! {
	/// Read access to access-record chains for patients, the registrar and auditors (flow 5).
	#[api_version(3)]
	pub trait AccessApi<AccountId, Record, Reader, Disclosure, ServeAnswer>
	where
		AccountId: codec::Codec,
		Record: codec::Codec,
		Reader: codec::Codec,
		Disclosure: codec::Codec,
		ServeAnswer: codec::Codec,
	{
		/// Versions 1 and 2: recomputed the whole access chain in one call (unbounded).
		#[changed_in(3)]
		fn verify_access_chain(patient: AccountId) -> ChainVerification;
		/// Recomputes at most `max` records of `patient`'s access chain from `from` (the
		/// runtime caps `max`), and the stored head if the page reaches the end; ask again from
		/// `to` until `to == length`.
		fn verify_access_chain(patient: AccountId, from: Seq, max: u32) -> ChainPage;
		/// Up to `count` records of `patient`'s access chain from position `from` on.
		fn access_history(patient: AccountId, from: Seq, count: u32) -> Vec<Record>;
		/// Versions 1 and 2: every grant of an entry, scanning the whole chain (unbounded).
		#[changed_in(3)]
		fn readers_of(patient: AccountId, seq: Seq) -> Vec<Reader>;
		/// The grants of EMR entry `seq` of `patient` ("who read record R") in access records
		/// `from .. from + max` (the runtime caps `max`), oldest first.
		fn readers_of(patient: AccountId, seq: Seq, from: Seq, max: u32) -> Vec<Reader>;
		/// The accounting of disclosures: every entry granted in access records
		/// `from .. from + count` of `patient`'s chain.
		fn disclosures(patient: AccountId, from: Seq, count: u32) -> Vec<Disclosure>;
		/// What a provider asks before serving entry `seq` of `patient` to `grantee` under
		/// request `request_id`: the delivery key to seal to and the grant's end, or why not
		/// (the grant's basis no longer holds, a revocation, expiry). Ask at the finalized
		/// head, and again during a long download. Since version 2.
		fn may_serve(
			request_id: u64,
			provider: AccountId,
			grantee: AccountId,
			patient: AccountId,
			seq: Seq,
		) -> ServeAnswer;
	}
}
