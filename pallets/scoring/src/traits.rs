//! What the scoring pallet asks of the runtime besides the registry: Aura's slot and the
//! session's authorities.

use alloc::vec::Vec;

use crate::Slot;

/// The current block's Aura slot and the authorities Aura assigns slots to.
///
/// In the runtime: `pallet_aura::CurrentSlot` and `pallet_session::Validators` (the accounts
/// behind Aura's authorities, in the same order: authority `i` authors slot `s` when
/// `s mod n = i`). Both must be cheap (a storage read each).
pub trait SlotAuthorities<AccountId> {
	/// The slot of the block being built (after Aura's `on_initialize`).
	fn current_slot() -> Slot;
	/// The session's validators, in Aura's order.
	fn authorities() -> Vec<AccountId>;
}
