//! # MedChain validator scoring pallet
//!
//! S1's DPoS made a consortium's merit system (DESIGN.md "Consortium"): hospitals stand as
//! validator candidates, earn points for the work their nodes do and lose them for the duties
//! they miss, and at each session the best eligible become the Aura and GRANDPA authorities
//! through `pallet_session::SessionManager`. Nothing is staked: hospitals are chosen by grade
//! and merit, not by money. The closest polkadot-sdk anchor is `pallet-collator-selection`.
//!
//! ## Overview
//!
//! **Candidates** (`calls.rs`, `revocation.rs`). A registered, active hospital's validator
//! account ([`Config::HospitalValidators`], implemented by the registry) whose session keys are
//! registered ([`Config::ValidatorRegistration`], `pallet-session`) and whose hospital's grade
//! is at least [`Config::MinGrade`] joins with [`Pallet::register_as_candidate`] and leaves
//! with [`Pallet::leave_candidacy`]. One candidate per hospital ([`CandidateOfHospital`]); if a
//! hospital names a new validator account, the new account's registration replaces the old
//! one. At most [`Config::MaxCandidates`] candidates. The registry's revocation hook
//! ([`medchain_primitives::OnRevoked`], implemented here) drops a revoked hospital's candidate
//! at once (O(1)); at each session every candidate is checked again, and one that is no
//! longer its hospital's validator, or whose hospital's grade fell below the minimum, is
//! dropped ([`Event::CandidateDropped`]).
//!
//! **Points** (`points.rs`), `u32`, saturating, clamped to `0..=`[`Config::MaxPoints`]:
//! - a candidate starts at its **baseline**, `grade ·` [`Config::PointsPerGrade`];
//! - `+`[`Config::BlockPoints`] per block authored (this pallet is the runtime's
//!   `pallet_authorship::EventHandler`);
//! - `-`[`Config::MissedSlotPenalty`] per slot in which Aura expected the candidate to author
//!   and no block came. Each block's `on_initialize` compares the block's slot
//!   ([`Config::SlotAuthorities`]) with the last slot seen ([`SlotInfo`]): the `k` skipped
//!   slots `a ..= a+k-1` were expected of the authorities `s mod n` ([`ExpectedAuthors`], the
//!   `n` authorities of the session that expected them, refreshed after the first block of
//!   each session). The authority at position `j` missed `⌊k/n⌋` slots, plus one if
//!   `(j - a) mod n < k mod n`: O(n) whatever `k` is, so a chain that stalled for a day costs
//!   one ordinary block to account for;
//! - `+`[`Config::RelayPoints`] per audit answer relayed, `-`[`Config::MissedRelayPenalty`] per
//!   audit assignment missed and `-`[`Config::MisbehaviourPenalty`] per answer relayed without
//!   the provider's signature (this pallet is the audit pallet's
//!   [`pallet_medchain_audit::RelayScores`]; an unreachable report earns nothing and costs
//!   nothing);
//! - **decay**: a candidate outside the set can neither author nor relay, so at each session
//!   its points move toward its baseline by [`Config::DecayRate`] of the distance (at least one
//!   point): a validator rotated out for missed slots recovers to its baseline, and with it its
//!   way back in, in about `ln(distance) / DecayRate` sessions.
//!
//! **Selection** (`selection.rs`), in `SessionManager::new_session(p)`, which plans session `p`
//! (one session ahead) while session `p - 1` starts. With `prev` the set now in force:
//! 1. *eligible*: a candidate with registered keys whose points are at least
//!    [`Config::EnterThreshold`], or, if it is in `prev`, at least [`Config::LeaveThreshold`]
//!    (hysteresis: `LeaveThreshold < EnterThreshold`, so a validator near the line does not
//!    flap in and out);
//! 2. *protected*: a member of `prev` the pallet seated for session `e` with `p - e <`
//!    [`Config::GraceSessions`] (at least 2) keeps its seat whatever its points (grace);
//! 3. the *ideal* set, up to `min(`[`Config::DesiredValidators`]`, `[`Config::MaxValidators`]`)`:
//!    the protected, then the eligible members of `prev`, then the eligible newcomers, each by
//!    rank (points descending, then the earlier candidate, then the account). A validator thus
//!    keeps its seat while at or above the leave threshold (being outranked does not cost a
//!    seat: no needless GRANDPA set change), and a seat it frees goes to the best eligible
//!    newcomer ("below a threshold a node loses its duties to the next eligible one");
//! 4. *churn cap*: `cap = (|prev| - 1) / 3`, the most that is strictly fewer than a third.
//!    A member of `prev` that is no longer a candidate or has no keys leaves regardless
//!    (*forced*: revoked, dropped, left, keys purged); the members the ideal set leaves out
//!    for their points leave only within `cap - forced`, worst first, the others stay; at most
//!    `max(cap, 1)` newcomers enter, into free seats only;
//! 5. *minimum*: a set smaller than [`Config::MinValidators`] and smaller than `prev` is not
//!    planned (the current set is kept, [`Event::SetKept`]), nor is an empty one;
//! 6. an unchanged set returns `None` (no needless GRANDPA set change); a new one keeps
//!    `prev`'s order, newcomers appended by rank ([`Event::NewSetPlanned`], [`Planned`]).
//!
//! `new_session_genesis` returns `None`: the genesis validators are `pallet-session`'s genesis
//! keys. Every set this pallet plans has registered keys, at most
//! [`Config::MaxValidators`] (the runtime sets it to Aura's `MaxAuthorities`) members, and is
//! never empty.
//!
//! **Ranking** (`ranking.rs`): [`Pallet::ranking`], every candidate's points and its
//! [`CandidateStanding`] (in the set, in grace, leaving, outgoing, incoming, eligible and waiting,
//! below the threshold, without keys, its hospital ineligible), for the runtime API
//! `ScoringApi` (crate `pallet-medchain-scoring-runtime-api`).
//!
//! **Limits**, documented: a candidate that leaves and registers again restarts at its
//! baseline (where decay would bring it anyway, only sooner, and without its seat); on the
//! block that rotates the session, `pallet_session::FindAccountFromAuthorIndex` maps the
//! author's index against the new set (a polkadot-sdk quirk), so that one block may be
//! credited to another validator.
//!
//! ## Interface
//!
//! ### Dispatchable functions
//!
//! - [`Pallet::register_as_candidate`]: a hospital's validator account stands as a candidate.
//! - [`Pallet::leave_candidacy`]: a candidate withdraws.
//!
//! ### Hooks and trait implementations
//!
//! - `on_initialize`: missed slots (and the weight of `note_author`, which
//!   `pallet-authorship` does not charge).
//! - `pallet_session::SessionManager`: selection, decay, the candidates' re-check.
//! - `pallet_authorship::EventHandler`: blocks authored.
//! - [`pallet_medchain_audit::RelayScores`]: audits relayed and missed.
//! - [`medchain_primitives::OnRevoked`]: a revoked hospital's candidate dropped.
//!
//! ### Queries (the runtime API `ScoringApi`)
//!
//! [`Pallet::ranking`], [`Pallet::ranked`], [`Pallet::planned_validators`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use frame_support::pallet_macros::import_section;
pub use medchain_primitives::{
	CandidateStanding, HospitalValidator, HospitalValidators, RankedCandidate,
};
pub use pallet::*;
pub use traits::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod calls;
mod events;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
mod points;
mod ranking;
mod revocation;
mod selection;
#[cfg(test)]
mod tests;
pub mod traits;
mod types;
pub mod weights;

#[import_section(events::events)]
#[import_section(calls::calls)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;

	use frame_support::{pallet_prelude::*, traits::ValidatorRegistration};
	use frame_system::pallet_prelude::*;
	use medchain_primitives::HospitalId;
	use sp_runtime::Perbill;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the scoring pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Which active hospital an account validates for, with its grade (the registry).
		type HospitalValidators: HospitalValidators<Self::AccountId>;

		/// Whether an account's session keys are registered (`pallet-session`, whose
		/// `ValidatorId` is the account).
		type ValidatorRegistration: ValidatorRegistration<Self::AccountId>;

		/// The current block's Aura slot and the session's validators in Aura's order
		/// (`pallet_aura::CurrentSlot` and `pallet_session::Validators` in the runtime; this
		/// pallet's `on_initialize` must run after Aura's).
		type SlotAuthorities: SlotAuthorities<Self::AccountId>;

		/// The lowest hospital grade that may stand (S1: only top-grade hospitals produce
		/// blocks).
		#[pallet::constant]
		type MinGrade: Get<u8>;

		/// Points per grade step: a candidate's baseline is `grade · PointsPerGrade`.
		#[pallet::constant]
		type PointsPerGrade: Get<Points>;

		/// The most points a candidate can have.
		#[pallet::constant]
		type MaxPoints: Get<Points>;

		/// Points gained per block authored.
		#[pallet::constant]
		type BlockPoints: Get<Points>;

		/// Points lost per slot in which Aura expected the candidate to author and no block
		/// came.
		#[pallet::constant]
		type MissedSlotPenalty: Get<Points>;

		/// Points gained per audit answer relayed.
		#[pallet::constant]
		type RelayPoints: Get<Points>;

		/// Points lost per audit assignment missed.
		#[pallet::constant]
		type MissedRelayPenalty: Get<Points>;

		/// Points lost per answer relayed without the provider's signature.
		#[pallet::constant]
		type MisbehaviourPenalty: Get<Points>;

		/// Share of the distance to its baseline by which a candidate outside the set moves
		/// toward it at each session (at least one point).
		#[pallet::constant]
		type DecayRate: Get<Perbill>;

		/// Points a candidate outside the set needs to enter it.
		#[pallet::constant]
		type EnterThreshold: Get<Points>;

		/// A validator below this many points is rotated out (after its grace period, within
		/// the churn cap); below [`Config::EnterThreshold`].
		#[pallet::constant]
		type LeaveThreshold: Get<Points>;

		/// Sessions a newly seated validator keeps its seat whatever its points: at least 2.
		#[pallet::constant]
		type GraceSessions: Get<SessionIndex>;

		/// The number of validators the pallet aims for.
		#[pallet::constant]
		type DesiredValidators: Get<u32>;

		/// A set smaller than this (and than the current one) is never planned: at least 1.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// The most validators a set has: Aura's `MaxAuthorities`.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// The most candidates.
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Sets up hospitals' validators, slots and authorities for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId>;
	}

	/// The candidates (at most [`Config::MaxCandidates`]).
	#[pallet::storage]
	pub type Candidates<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, Candidate<T>>;

	/// Each candidate's hospital's candidate account: one candidate per hospital, and the
	/// revocation hook's O(1) way from a hospital to its candidate.
	#[pallet::storage]
	pub type CandidateOfHospital<T: Config> = StorageMap<_, Twox64Concat, HospitalId, T::AccountId>;

	/// The last set this pallet planned and the session it was planned for.
	#[pallet::storage]
	pub type Planned<T: Config> =
		StorageValue<_, (SessionIndex, BoundedVec<T::AccountId, T::MaxValidators>)>;

	/// The session in force (from `SessionManager::start_session`).
	#[pallet::storage]
	pub type CurrentSession<T> = StorageValue<_, SessionIndex, ValueQuery>;

	/// The last slot seen, and whether [`ExpectedAuthors`] is due for a refresh.
	#[pallet::storage]
	pub type SlotInfo<T> = StorageValue<_, SlotState, ValueQuery>;

	/// The authorities, in Aura's order, that the slots after [`SlotInfo`]'s last slot expect.
	#[pallet::storage]
	pub type ExpectedAuthors<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The genesis candidates: validator account, hospital, grade. They start at their
		/// baseline. The genesis validators themselves are `pallet-session`'s genesis keys.
		pub candidates: alloc::vec::Vec<(T::AccountId, HospitalId, u8)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(
				self.candidates.len() as u64 <= T::MaxCandidates::get() as u64,
				"more genesis candidates than MaxCandidates"
			);
			for (who, hospital, grade) in &self.candidates {
				assert!(
					*grade >= T::MinGrade::get(),
					"a genesis candidate's grade is below MinGrade"
				);
				assert!(!Candidates::<T>::contains_key(who), "a genesis candidate is listed twice");
				assert!(
					!CandidateOfHospital::<T>::contains_key(hospital),
					"a hospital has two genesis candidates"
				);
				Pallet::<T>::insert_candidate(who, *hospital, *grade);
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			Self::count_missed_slots()
		}

		fn integrity_test() {
			assert!(
				T::LeaveThreshold::get() < T::EnterThreshold::get(),
				"LeaveThreshold must be below EnterThreshold"
			);
			assert!(
				T::EnterThreshold::get() <= T::MaxPoints::get(),
				"EnterThreshold above MaxPoints"
			);
			assert!(T::GraceSessions::get() >= 2, "GraceSessions must be at least 2");
			assert!(T::MinValidators::get() >= 1, "MinValidators must be at least 1");
			assert!(
				T::MinValidators::get() <= T::DesiredValidators::get(),
				"MinValidators above DesiredValidators"
			);
			assert!(
				T::DesiredValidators::get() <= T::MaxValidators::get(),
				"DesiredValidators above MaxValidators"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}

/// What the benchmarks need of the rest of the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers a new active hospital of grade `grade` whose validator account is `who`, with
	/// `who`'s session keys registered; returns the hospital. With `replacing`, no new
	/// hospital: `who` becomes `replacing`'s validator account instead of the former one.
	fn make_validator(
		who: &AccountId,
		grade: u8,
		replacing: Option<medchain_primitives::HospitalId>,
	) -> medchain_primitives::HospitalId;
	/// Makes [`SlotAuthorities::current_slot`] return `slot`.
	fn set_slot(slot: Slot);
	/// Makes [`SlotAuthorities::authorities`] return `authorities`.
	fn set_authorities(authorities: &[AccountId]);
}
