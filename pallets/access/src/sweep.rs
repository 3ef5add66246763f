//! `on_idle` housekeeping: overdue break-glass justifications alert the registrar, presence
//! nonces whose statements expired are removed, and requests whose grants all expired are
//! pruned with their grants and fulfilment marks (what `prune_request` does for a fee). Both are kept by block, so the sweep
//! walks blocks in order from [`SweepCursor`], within the weight left and at most
//! [`Config::MaxSweepPerBlock`] steps (a block looked at, or an item handled) per block; what it cannot finish waits for the next
//! block. Nothing is lost by waiting: an expired nonce can no longer be replayed (its statement
//! is refused as expired), an overdue justification is alerted a block later, and an expired
//! request or grant can no longer be used.

use frame_support::{pallet_prelude::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::Saturating;

use crate::{
	Config, JustificationQueue, Pallet, PresenceNonces, RequestExpiry, RequestId, Requests,
	SweepCursor, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// Sweeps blocks before `now` within `limit`; returns the weight used.
	pub(crate) fn sweep(now: BlockNumberFor<T>, limit: Weight) -> Weight {
		let step = T::DbWeight::get().reads_writes(2, 1);
		let prune = T::WeightInfo::prune_request(Self::prune_limit());
		let item = T::WeightInfo::sweep_overdue().max(T::WeightInfo::sweep_nonce()).max(prune);
		let mut used = T::DbWeight::get().reads(1);
		if used.saturating_add(step).any_gt(limit) {
			return Weight::zero();
		}
		let mut cursor = SweepCursor::<T>::get();
		let mut budget = T::MaxSweepPerBlock::get();
		while cursor < now && budget > 0 {
			if used.saturating_add(step).saturating_add(item).any_gt(limit) {
				break;
			}
			used.saturating_accrue(step);
			// Every look at a block counts, so a long idle stretch is caught up over several
			// blocks.
			budget = budget.saturating_sub(1);
			let overdue: Option<RequestId> =
				JustificationQueue::<T>::iter_key_prefix(cursor).next();
			if let Some(request_id) = overdue {
				JustificationQueue::<T>::remove(cursor, request_id);
				Self::justification_overdue(request_id);
				used.saturating_accrue(T::WeightInfo::sweep_overdue());
				continue;
			}
			let expired_request = RequestExpiry::<T>::iter_key_prefix(cursor).next();
			if let Some(request_id) = expired_request {
				match Requests::<T>::get(request_id) {
					// At most `prune_limit` keys per step; the request stays queued until done.
					Some(request) => {
						Self::prune(request_id, &request);
					},
					None => RequestExpiry::<T>::remove(cursor, request_id),
				}
				used.saturating_accrue(prune);
				continue;
			}
			let expired = PresenceNonces::<T>::iter_key_prefix(cursor).next();
			if let Some(key) = expired {
				PresenceNonces::<T>::remove(cursor, key);
				used.saturating_accrue(T::WeightInfo::sweep_nonce());
				continue;
			}
			// Nothing left of this block.
			cursor.saturating_inc();
		}
		SweepCursor::<T>::put(cursor);
		used.saturating_add(T::DbWeight::get().writes(1))
	}
}
