//! # MedChain audit runtime API
//!
//! What clients (polkadot.js, the Rust client, a hospital's privacy officer, the storage
//! provider service) ask of the audit pallet, declared apart from the pallet as polkadot-sdk
//! does for transaction payment, so that clients depend on this small crate alone.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use medchain_primitives::{ChainPage, Seq};

sp_api::decl_runtime_apis! {
	/// Storage audits. `EntryAudit`, `Reputation` and `Challenge` are the runtime's
	/// `pallet_medchain_audit::{EntryAudit, Reputation, Challenge}`.
	pub trait AuditApi<AccountId, EntryAudit, Reputation, Challenge>
	where
		AccountId: codec::Codec,
		EntryAudit: codec::Codec,
		Reputation: codec::Codec,
		Challenge: codec::Codec,
	{
		/// Entry `seq` of `patient`'s audit history: the open challenge, the last outcome and
		/// the counts of passes, failures and timeouts.
		fn entry_status(patient: AccountId, seq: Seq) -> EntryAudit;
		/// `provider`'s reputation: score, consecutive misses and passes, standing.
		fn reputation(provider: AccountId) -> Reputation;
		/// The open challenges with their ids, in opening order (bounded by the pallet's
		/// `MaxOpenChallenges`).
		fn open_challenges() -> alloc::vec::Vec<(u64, Challenge)>;
		/// Recomputes at most `max` records of `provider`'s hash-linked audit log from `from`
		/// (the runtime caps `max`); ask again from `to` until `to == length`.
		fn verify_audit_log(provider: AccountId, from: Seq, max: u32) -> ChainPage;
	}
}
