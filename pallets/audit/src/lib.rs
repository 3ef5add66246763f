//! # MedChain storage audit pallet
//!
//! S1's third-party auditor made public (DESIGN.md "Audits"): the chain challenges storage
//! providers to prove, by PDP, that they still hold the records whose receipts they signed;
//! validators' off-chain workers carry the provider's signed answers to the chain; the runtime
//! verifies every proof natively and logs every outcome.
//!
//! ## Overview
//!
//! **Opening** (`challenges.rs`). Each block's `on_initialize` opens challenges over live (not
//! erased), receipted EMR entries, sampled uniformly through a global index
//! ([`Config::Entries`], [`AuditIndex`]), at most one open challenge per entry, within the
//! **audit budget**: [`Config::AuditBudget`] of the block's maximum weight (a quarter by
//! default) covers the hook itself and the verification weight of every challenge it opens,
//! reserved at opening (the proofs are verified by later blocks' `submit_proof`). One challenge
//! in [`Config::FullChallengeEvery`] is **full** ([`Config::FullChallengeBlocks`], 460 blocks:
//! 1% of bad blocks is caught with probability `1 - C(0.99n, 460)/C(n, 460) >= 1 - 0.99^460 =
//! 99.0%`); the others are **light** ([`Config::LightChallengeBlocks`]: a record that is gone
//! fails any challenge, and a light one costs a fraction of a full one).
//!
//! **Coverage**: with `k` challenges opened per block (the budget divided by the average cost
//! of a challenge: opening, seeding, closing, and the verification of a light or, one time in
//! [`Config::FullChallengeEvery`], a full proof), each of `N` live records is challenged about
//! every `N / k` blocks and fully about every `FullChallengeEvery · N / k` blocks. The README
//! gives `k` from the benchmarked weights and what it means for a 10-million-record consortium
//! (a monthly audit of every record needs 7.7 per 2-s block).
//!
//! **Relayers**. Each challenge is assigned to `min(`[`Config::RelayersPerChallenge`]`,
//! validators)` validators of the current session ([`Relayers`], kept by this pallet's
//! `OneSessionHandler`), stored with the challenge together with the audit key each held
//! ([`Assignment`]), so a session change or a key rotation during the window changes nothing.
//!
//! **Seeds** (`challenges.rs`). The seed of a challenge opened at block `o` is fixed in the
//! first block `s` whose predecessors `o+1 ..= s-1` had at least two distinct authors (where the
//! session has two validators or more): `seed = blake2_256(SEED_DOMAIN, id, hash of s-1)`. The
//! author of block `o` chose neither the entry's seed nor, alone, the blocks it is drawn from.
//! Limits, documented: the author of `s-1` can still grind that block's hash (re-sealing costs
//! nothing under Aura), so an author colluding with a provider biases the seeds of the blocks it
//! closes; with `V` validators that is about one seed in `V`. With a single validator (the
//! `--dev` chain) the seed falls back to one author after [`Config::SeedFallbackAfter`] blocks
//! (immediately when the set has one validator), and that author fully controls it. A stronger
//! beacon (the assigned relayers' sr25519 VRF outputs) is future work.
//!
//! **Answers** (`answers.rs`). The provider signs each answer with its account key over an
//! [`AnswerStatement`] that names the chain, the challenge, the entry, the seed, the challenge
//! size and hashes of the file parameters and the proof. Relayers submit it with
//! [`Pallet::submit_proof`], an **authorized general transaction**: its `authorize` step checks
//! only the relayer's audit-key signature over the payload, that the key is assigned and that
//! the relayer has not reported yet (cheap, in the pool and again at inclusion); the dispatch
//! checks the provider's signature and verifies the proof through the PDP host function, and is
//! weighed with it. A relayer that brings an answer the provider did not sign is refused and
//! reported ([`RelayScores::misbehaved`]): no relayer can frame a provider. The provider may
//! answer itself ([`Pallet::answer_challenge`], signed, feeless), so a window that passes
//! without a valid answer is the provider's **timeout**; an assigned relayer that reported
//! neither an answer nor [`Pallet::report_unreachable`] **missed its duty**
//! ([`RelayScores::missed`]).
//!
//! **Windows**. An answer is due within [`Config::LightWindow`] or [`Config::FullWindow`] blocks
//! of the seed: the provider reads the challenge at a finalized block (GRANDPA is 2-3 blocks
//! behind), reads the challenged blocks and proves (a full proof reads 460 ranges and takes
//! about a second), the off-chain worker of the next block fetches it within its HTTP deadline
//! and the transaction is included in the next block or two. Defaults: 20 blocks (40 s) light,
//! 30 blocks (60 s) full, several times the expected 6-10 blocks.
//!
//! **Outcomes** (`answers.rs`, `audit_log.rs`). Pass, fail or timeout (or void, nobody's fault:
//! the entry was erased meanwhile) go into the provider's hash-linked audit log
//! ([`AUDIT_CHAIN`], the shared [`medchain_primitives::HashChain`]) and the entry's
//! [`EntryAudits`]; a fail or timeout emits [`Event::AuditAlert`] naming the record's patient and
//! hospital and tells [`Config::Alerts`].
//!
//! **Reputation** (`reputation.rs`). Per provider: a score, consecutive misses and passes, and a
//! [`Standing`]. A miss lowers the score (a failure twice as much as a timeout, more for each
//! consecutive miss) and puts a provider in good standing on probation;
//! [`Config::SuspendAfterMisses`] misses in a row, or a score of 0, **suspend** it: a suspended
//! provider takes no new records ([`ProviderStanding`], asked by the EMR pallet on append) but
//! keeps being audited, and [`Config::RecoveryPasses`] passes in a row bring it back to
//! probation, as many again to good standing.
//!
//! **Off-chain worker** (`offchain.rs`): on validators, for each seeded open challenge assigned
//! to a local audit key, fetch the answer from the provider's registered endpoint with a deadline
//! well under the 2-s slot, check it natively, submit it as an authorized transaction; one claim
//! per challenge in offchain storage so that concurrent runs and re-orgs do not submit twice.
//!
//! ## Interface
//!
//! ### Dispatchable functions
//!
//! - [`Pallet::submit_proof`]: an assigned relayer brings the provider's signed answer
//!   (authorized general transaction).
//! - [`Pallet::report_unreachable`]: an assigned relayer reports it got no signed answer
//!   (authorized general transaction).
//! - [`Pallet::answer_challenge`]: the provider answers its own challenge (signed, feeless).
//!
//! ### Queries (the runtime API `AuditApi`, crate `pallet-medchain-audit-runtime-api`)
//!
//! [`Pallet::entry_status`], [`Pallet::reputation`], [`Pallet::open_challenges`],
//! [`Pallet::verify_audit_log_page`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use audit_log::{AUDIT_CHAIN, AUDIT_FORMAT};
pub use crypto::{AuditId, AuditSignature, AUDIT_KEY_TYPE};
use frame_support::pallet_macros::import_section;
pub use medchain_primitives::{
	AnswerStatement, AuditIndex, AuditTarget, ProviderEndpoints, ProviderStanding,
};
pub use pallet::*;
pub use traits::*;
pub use types::*;
pub use weights::WeightInfo;

mod answers;
mod audit_log;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod calls;
mod challenges;
pub mod crypto;
mod events;
#[cfg(feature = "runtime-benchmarks")]
pub mod fixtures;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
pub mod offchain;
mod reputation;
mod session;
#[cfg(test)]
mod tests;
pub mod traits;
mod types;
pub mod weights;

/// `InvalidTransaction::Custom` code: the challenge's seed is not fixed yet.
pub const SEED_NOT_FIXED: u8 = 60;
/// `InvalidTransaction::Custom` code: the answer names another challenge size.
pub const WRONG_CHALLENGE_SIZE: u8 = 61;

/// What the benchmarks need of the rest of the runtime: an entry whose PDP proof for a known
/// seed exists (the runtime's helper uses checked-in fixtures: proofs cannot be computed in
/// wasm), and a provider key that signs.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, ProviderSignature> {
	/// Makes an auditable entry whose proof for [`Self::seed`] and `challenged` blocks
	/// [`Self::answer`] returns; returns its patient, position and the entry as audits see it.
	fn auditable_entry(
		challenged: u32,
	) -> (AccountId, medchain_primitives::Seq, AuditTarget<AccountId>);
	/// The seed the fixtures answer.
	fn seed() -> [u8; 32];
	/// The SCALE file parameters and proof answering `challenged` blocks of the entry.
	fn answer(challenged: u32) -> (alloc::vec::Vec<u8>, alloc::vec::Vec<u8>);
	/// The provider's signature over `message`.
	fn sign(provider: &AccountId, message: &[u8]) -> ProviderSignature;
}

#[import_section(events::events)]
#[import_section(calls::calls)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;

	use frame_support::{pallet_prelude::*, traits::FindAuthor, WeakBoundedVec};
	use frame_system::{offchain::CreateAuthorizedTransaction, pallet_prelude::*};
	use medchain_primitives::{Hash32, HospitalId, Seq};
	use sp_runtime::{
		traits::{IdentifyAccount, Verify},
		Perbill,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the audit pallet.
	#[pallet::config]
	pub trait Config:
		CreateAuthorizedTransaction<Call<Self>>
		+ frame_system::Config<RuntimeEvent: From<Event<Self>>>
	{
		/// The live receipted EMR entries, by a global index, and the possession check of one
		/// of them through the PDP host function (the EMR pallet).
		type Entries: AuditIndex<Self::AccountId>;

		/// Providers' registered HTTP endpoints, for the off-chain worker (the registry).
		type Endpoints: ProviderEndpoints<Self::AccountId>;

		/// The author of the block being built (Aura's author index mapped to the session's
		/// validator accounts): what makes seeds multi-author.
		type FindAuthor: FindAuthor<Self::AccountId>;

		/// Told of relayers' work, for the scoring pallet.
		type RelayScores: RelayScores<Self::AccountId>;

		/// Told of every failed or timed-out audit.
		type Alerts: AuditAlerts<Self::AccountId>;

		/// A provider's signature over an [`AnswerStatement`]: the runtime's `MultiSignature`
		/// (the provider signs with its sr25519 account key).
		type ProviderSignature: Verify<Signer = Self::ProviderPublic> + Parameter;

		/// The key behind a [`Config::ProviderSignature`]: the provider's account.
		type ProviderPublic: IdentifyAccount<AccountId = Self::AccountId>;

		/// Share of the block's maximum weight audits may take (opening, seeding, timeouts,
		/// and the verification of the challenges opened); a quarter by default.
		#[pallet::constant]
		type AuditBudget: Get<Perbill>;

		/// Blocks of a light challenge (at most [`Config::FullChallengeBlocks`]).
		#[pallet::constant]
		type LightChallengeBlocks: Get<u32>;

		/// Blocks of a full challenge: 460.
		#[pallet::constant]
		type FullChallengeBlocks: Get<u32>;

		/// One challenge in this many is full (challenge ids divisible by it), the rest light.
		#[pallet::constant]
		type FullChallengeEvery: Get<u32>;

		/// Blocks after its seed within which a light challenge must be answered.
		#[pallet::constant]
		type LightWindow: Get<BlockNumberFor<Self>>;

		/// Blocks after its seed within which a full challenge must be answered.
		#[pallet::constant]
		type FullWindow: Get<BlockNumberFor<Self>>;

		/// Blocks after opening past which a seed is drawn from one author's blocks if two
		/// distinct authors have not produced blocks (a validator offline): at least 2.
		#[pallet::constant]
		type SeedFallbackAfter: Get<BlockNumberFor<Self>>;

		/// Most challenges open at once (the bound of [`OpenQueue`]).
		#[pallet::constant]
		type MaxOpenChallenges: Get<u32>;

		/// Most challenges opened in one block (besides the budget).
		#[pallet::constant]
		type MaxOpenPerBlock: Get<u32>;

		/// Relayers assigned per challenge (at most this many, at most the validators): 2.
		#[pallet::constant]
		type RelayersPerChallenge: Get<u32>;

		/// Most validators a session has (the bound of [`Relayers`]).
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// The highest reputation score.
		#[pallet::constant]
		type MaxScore: Get<u32>;

		/// A provider's score before its first audit.
		#[pallet::constant]
		type InitialScore: Get<u32>;

		/// Score gained per pass.
		#[pallet::constant]
		type PassReward: Get<u32>;

		/// Score lost per timeout, times the consecutive misses (a failure costs twice).
		#[pallet::constant]
		type MissPenalty: Get<u32>;

		/// Consecutive misses that suspend a provider.
		#[pallet::constant]
		type SuspendAfterMisses: Get<u32>;

		/// Consecutive passes that bring a suspended provider to probation, and a provider on
		/// probation to good standing.
		#[pallet::constant]
		type RecoveryPasses: Get<u32>;

		/// Pool priority of relayed answers and reports.
		#[pallet::constant]
		type RelayPriority: Get<TransactionPriority>;

		/// Weights of this pallet's calls and hook, from `medchain-node benchmark pallet`.
		type WeightInfo: WeightInfo;

		/// Sets up entries with proofs for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId, Self::ProviderSignature>;
	}

	/// The identifier the next challenge gets.
	#[pallet::storage]
	pub type NextChallengeId<T> = StorageValue<_, ChallengeId, ValueQuery>;

	/// Open challenges (removed when they close; the outcome stays in the audit log).
	#[pallet::storage]
	pub type Challenges<T: Config> = StorageMap<_, Twox64Concat, ChallengeId, Challenge<T>>;

	/// The open challenges in opening order, with their deadlines: what `on_initialize` and the
	/// off-chain worker walk.
	#[pallet::storage]
	pub type OpenQueue<T: Config> =
		StorageValue<_, BoundedVec<OpenSlot<T>, T::MaxOpenChallenges>, ValueQuery>;

	/// Each audited entry's history, by patient and position.
	#[pallet::storage]
	pub type EntryAudits<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		Seq,
		EntryAudit<T>,
		ValueQuery,
	>;

	/// Providers' reputations; absent until a provider's first counted audit.
	#[pallet::storage]
	pub type Reputations<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Reputation>;

	/// Each provider's audit log, by position.
	#[pallet::storage]
	pub type AuditLog<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, Seq, AuditRecord<T>>;

	/// Hash of the last record of each provider's audit log.
	#[pallet::storage]
	pub type AuditLogHead<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Hash32>;

	/// Number of records of each provider's audit log.
	#[pallet::storage]
	pub type AuditLogLength<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Seq, ValueQuery>;

	/// The current session's validators with their audit keys (from session keys).
	#[pallet::storage]
	pub type Relayers<T: Config> =
		StorageValue<_, WeakBoundedVec<(T::AccountId, AuditId), T::MaxValidators>, ValueQuery>;

	/// The author of the latest run of blocks by one author, and the run's first block: the
	/// latest block `b` such that blocks `b-1` and `b` had distinct authors is the run's start.
	#[pallet::storage]
	pub type AuthorRun<T: Config> = StorageValue<_, (T::AccountId, BlockNumberFor<T>)>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Providers' starting reputations other than [`Config::InitialScore`] (tests, migrated
		/// chains).
		pub reputations: alloc::vec::Vec<(T::AccountId, u32)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (provider, score) in &self.reputations {
				Reputations::<T>::insert(provider, Pallet::<T>::fresh_reputation(*score));
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::run_audits(now)
		}

		fn offchain_worker(now: BlockNumberFor<T>) {
			crate::offchain::run::<T>(now);
		}

		fn integrity_test() {
			assert!(T::FullChallengeBlocks::get() > 0, "FullChallengeBlocks must be positive");
			assert!(
				(1..=T::FullChallengeBlocks::get()).contains(&T::LightChallengeBlocks::get()),
				"LightChallengeBlocks must be in 1..=FullChallengeBlocks"
			);
			assert!(T::FullChallengeEvery::get() > 0, "FullChallengeEvery must be positive");
			assert!(T::RelayersPerChallenge::get() > 0, "RelayersPerChallenge must be positive");
			assert!(
				T::SeedFallbackAfter::get() >= 2u32.into(),
				"SeedFallbackAfter must be at least 2 blocks"
			);
			assert!(T::InitialScore::get() <= T::MaxScore::get(), "InitialScore above MaxScore");
			assert!(T::SuspendAfterMisses::get() > 0, "SuspendAfterMisses must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}
