//! The counters and rate limits the pallet keeps in several places, as pure functions over the
//! stored value, so every counter and every window follows one rule.

use frame_support::traits::Defensive;
use sp_runtime::Saturating;

/// Counts one kept item less (a consent, a delegate, a representation): the counter is removed
/// at zero, so only non-zero counts are stored. Every removed item was counted, so `count` is
/// never absent here.
pub(crate) fn count_down(count: &mut Option<u32>) {
	let left = count
		.take()
		.defensive_proof("a removed item was counted")
		.unwrap_or_default()
		.saturating_sub(1);
	*count = (left > 0).then_some(left);
}

/// One more use of a limit of `max` uses per `window` blocks, given the stored `(window start,
/// uses)`: the value to store, or `None` if the limit is reached. A window that has passed
/// starts afresh at `now`.
pub(crate) fn use_in_window<B: Saturating + PartialOrd + Copy>(
	stored: Option<(B, u32)>,
	now: B,
	window: B,
	max: u32,
) -> Option<(B, u32)> {
	let (start, used) = match stored {
		Some((start, used)) if now < start.saturating_add(window) => (start, used),
		_ => (now, 0),
	};
	(used < max).then(|| (start, used.saturating_add(1)))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn windows_count_uses_and_start_afresh() {
		assert_eq!(use_in_window(None, 5u64, 10, 2), Some((5, 1)));
		assert_eq!(use_in_window(Some((5, 1)), 14u64, 10, 2), Some((5, 2)));
		assert_eq!(use_in_window(Some((5, 2)), 14u64, 10, 2), None);
		assert_eq!(use_in_window(Some((5, 2)), 15u64, 10, 2), Some((15, 1)));
		assert_eq!(use_in_window(None, 1u64, 10, 0), None);
	}

	#[test]
	fn counters_are_removed_at_zero() {
		let mut count = Some(2);
		count_down(&mut count);
		assert_eq!(count, Some(1));
		count_down(&mut count);
		assert_eq!(count, None);
	}
}
