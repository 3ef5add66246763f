//! Providers' reputations: score, consecutive misses and passes, standing and the way back;
//! and the per-entry and per-provider queries of the runtime API.

use alloc::vec::Vec;
use frame_support::traits::Get;
use medchain_primitives::Seq;

use crate::{
	ChallengeId, Config, EntryAudit, EntryAudits, Event, OpenQueue, Outcome, Pallet,
	ProviderStanding, Reputation, Reputations, Standing,
};

impl<T: Config> Pallet<T> {
	/// A reputation with `score` and nothing else on record.
	pub fn fresh_reputation(score: u32) -> Reputation {
		Reputation {
			score: score.min(T::MaxScore::get()),
			consecutive_misses: 0,
			consecutive_passes: 0,
			standing: Standing::Good,
		}
	}

	/// `provider`'s reputation (a fresh one before its first counted audit).
	pub fn reputation(provider: &T::AccountId) -> Reputation {
		Reputations::<T>::get(provider)
			.unwrap_or_else(|| Self::fresh_reputation(T::InitialScore::get()))
	}

	/// The reputation after `outcome`, from `before` (pure: the rules in one place).
	///
	/// - pass: misses reset, passes counted, `PassReward` gained (up to `MaxScore`); a
	///   suspended provider returns to probation and one on probation to good standing after
	///   `RecoveryPasses` passes in a row (each step counts its passes afresh);
	/// - timeout: passes reset, misses counted, `MissPenalty × consecutive misses` lost;
	/// - fail: as a timeout, twice the penalty (the provider signed a proof that is wrong);
	/// - either miss puts a provider in good standing on probation, and `SuspendAfterMisses`
	///   misses in a row or a score of 0 suspend it;
	/// - void: nothing changes.
	pub fn next_reputation(before: Reputation, outcome: Outcome) -> Reputation {
		let mut r = before;
		match outcome {
			Outcome::Pass => {
				r.consecutive_misses = 0;
				r.consecutive_passes = r.consecutive_passes.saturating_add(1);
				r.score = r.score.saturating_add(T::PassReward::get()).min(T::MaxScore::get());
				if r.consecutive_passes >= T::RecoveryPasses::get() {
					match r.standing {
						Standing::Suspended => {
							r.standing = Standing::Probation;
							r.consecutive_passes = 0;
						},
						Standing::Probation => r.standing = Standing::Good,
						Standing::Good => {},
					}
				}
			},
			Outcome::Fail | Outcome::Timeout => {
				r.consecutive_passes = 0;
				r.consecutive_misses = r.consecutive_misses.saturating_add(1);
				let factor = if outcome == Outcome::Fail { 2 } else { 1 };
				let penalty = T::MissPenalty::get()
					.saturating_mul(factor)
					.saturating_mul(r.consecutive_misses);
				r.score = r.score.saturating_sub(penalty);
				if r.consecutive_misses >= T::SuspendAfterMisses::get() || r.score == 0 {
					r.standing = Standing::Suspended;
				} else if r.standing == Standing::Good {
					r.standing = Standing::Probation;
				}
			},
			Outcome::Void => {},
		}
		r
	}

	/// Applies `outcome` to `provider`'s reputation; emits [`Event::StandingChanged`] if its
	/// standing changed.
	pub(crate) fn update_reputation(provider: &T::AccountId, outcome: Outcome) {
		if outcome == Outcome::Void {
			return;
		}
		let before = Self::reputation(provider);
		let after = Self::next_reputation(before, outcome);
		Reputations::<T>::insert(provider, after);
		if after.standing != before.standing {
			Self::deposit_event(Event::StandingChanged {
				provider: provider.clone(),
				from: before.standing,
				to: after.standing,
				score: after.score,
			});
		}
	}

	/// Entry `seq` of `patient`'s audit history (runtime API).
	pub fn entry_status(patient: &T::AccountId, seq: Seq) -> EntryAudit<T> {
		EntryAudits::<T>::get(patient, seq)
	}

	/// The open challenges with their ids, in opening order (runtime API; bounded by
	/// `MaxOpenChallenges`).
	pub fn open_challenges() -> Vec<(ChallengeId, crate::Challenge<T>)> {
		OpenQueue::<T>::get()
			.iter()
			.filter_map(|slot| crate::Challenges::<T>::get(slot.id).map(|c| (slot.id, c)))
			.collect()
	}
}

impl<T: Config> ProviderStanding<T::AccountId> for Pallet<T> {
	fn accepts_new_records(provider: &T::AccountId) -> bool {
		Reputations::<T>::get(provider).is_none_or(|r| r.standing != Standing::Suspended)
	}
}
