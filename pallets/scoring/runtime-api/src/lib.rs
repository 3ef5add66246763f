//! # MedChain scoring runtime API
//!
//! What clients (polkadot.js, the Rust client, a hospital's IT team watching its validator)
//! ask of the scoring pallet, declared apart from the pallet so that clients depend on this
//! small crate and `medchain-primitives` alone.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use medchain_primitives::{CandidateStanding, RankedCandidate};

sp_api::decl_runtime_apis! {
	/// Validator scoring.
	pub trait ScoringApi<AccountId>
	where
		AccountId: codec::Codec,
	{
		/// Every candidate (at most the pallet's `MaxCandidates`) with its points and the
		/// reason for its standing, best first (points descending, then account).
		fn ranking() -> alloc::vec::Vec<RankedCandidate<AccountId>>;
		/// One candidate's entry of the ranking, if `who` is a candidate.
		fn candidate(who: AccountId) -> Option<RankedCandidate<AccountId>>;
		/// The validators planned for the next session, if a set was planned (otherwise the
		/// current set carries over).
		fn planned_validators() -> Option<(u32, alloc::vec::Vec<AccountId>)>;
	}
}
