//! # MedChain EMR runtime API
//!
//! Read access to patients' EMR index chains for clients (polkadot.js, the Rust client, the
//! storage provider service and auditors), declared apart from the pallet as polkadot-sdk does
//! for transaction payment, so that clients depend on this small crate alone.
//!
//! Versions: 1, the first; 2 pages `verify_chain` (a range and a maximum, answered in
//! bounded time for any chain length).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use medchain_primitives::{ChainPage, ChainVerification, PossessionCheck, Seq};

sp_api::decl_runtime_apis! {
	/// Read access to EMR index chains. `Entry` is the runtime's `pallet_medchain_emr::EmrEntry`.
	#[api_version(2)]
	pub trait EmrApi<AccountId, Entry> where AccountId: codec::Codec, Entry: codec::Codec {
		/// Version 1: recomputed the whole chain in one call (unbounded).
		#[changed_in(2)]
		fn verify_chain(patient: AccountId) -> ChainVerification;
		/// Recomputes at most `max` entries of `patient`'s chain from `from` (the runtime caps
		/// `max`), and the stored head if the page reaches the end; ask again from `to` until
		/// `to == length`.
		fn verify_chain(patient: AccountId, from: Seq, max: u32) -> ChainPage;
		/// Up to `count` entries of `patient`'s chain from position `from` on (the runtime caps
		/// `count`).
		fn entries(patient: AccountId, from: Seq, count: u32) -> alloc::vec::Vec<Entry>;
		/// Checks a storage provider's proof of data possession for entry `seq` of `patient`:
		/// `file_params` (SCALE `PdpFileParams`) must be the ones the entry committed to, and
		/// `proof` must answer the challenge derived from `seed` under the PDP key version that
		/// tagged the entry. Anyone can run it: PDP proofs are publicly verifiable.
		fn check_possession(
			patient: AccountId,
			seq: Seq,
			file_params: alloc::vec::Vec<u8>,
			seed: [u8; 32],
			proof: alloc::vec::Vec<u8>,
		) -> PossessionCheck;
	}
}
