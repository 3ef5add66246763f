//! # MedChain access-record chain pallet
//!
//! Per patient, an append-only, hash-linked log of every access to the patient's records
//! (DESIGN.md "On-chain", S1's access-record chain): who asked, for what, why, what was granted
//! or denied and why, when, and the key-delivery public key; plus the patient's consent,
//! break-glass emergency access and leak tracing ("who read record R").
//!
//! ## Overview
//!
//! The pallet knows the other pallets only through the traits of `medchain-primitives`: who is
//! an active doctor ([`Config::Doctors`]), patient ([`Config::Patients`]) or provider
//! ([`Config::Providers`]), which hospitals exist ([`Config::Hospitals`]), the key service's
//! epoch and parameters ([`Config::KeyService`]) and the EMR index ([`Config::Emr`]).
//!
//! **Requests** (`requests.rs`). An active doctor asks for a patient's records with
//! [`Pallet::request_access`], naming either existing entries of the patient's EMR chain
//! ([`AccessTarget::Records`]) or a fuzzy search ([`AccessTarget::Search`], of which only a
//! commitment to the predicate goes on chain: the departments searched are what SHVE hides), a
//! [`Purpose`] and a [`Basis`]. At most [`Config::MaxRequestsPerWindow`] requests per doctor and
//! patient per [`Config::RequestWindow`]. The request is written to the patient's access chain
//! ([`AccessEvent::Requested`]) before anything is decided or disclosed. Named entries are
//! decided at once.
//!
//! **The basis** (`basis.rs`, DESIGN.md "Access needs a basis"). A title or a grade is no
//! reason to ask: every request rests on the patient's presence ([`Basis::PatientPresent`], an
//! ed25519 signature of the patient's presence key, the card, over a [`PresenceStatement`]
//! bound to doctor, patient, chain, target, purpose and a not-after block, its nonce used once),
//! on a consent in force ([`Basis::Consent`]; explicit consent is the default mode), or on
//! break-glass. The basis is checked at request, again at fulfilment, and whenever a provider
//! asks [`Pallet::may_serve`] (`serve.rs`): a grant dies with its basis, with a revocation of
//! the doctor, hospital, patient or provider, with a new key epoch and with the entry's
//! erasure.
//!
//! **Search fulfilment** (`fulfilment.rs`, DESIGN.md flow 3). The key service sees the logged
//! request, recomputes its query commitment from the predicate and salt the doctor sends it,
//! and issues a signed SHVE token. Each storage provider hosting the patient's entries matches
//! the token natively and calls [`Pallet::fulfil_search`] with *every* SHVE ciphertext it hosts
//! for the patient (in the order of
//! [`EmrIndex::hosted_by`](medchain_primitives::EmrIndex::hosted_by)), each claimed to match or
//! not. The runtime checks that the ciphertexts are the committed ones
//! (`blake2_256(SCALE(ciphertext)) == shve_commitment` of the entry), that the token names this
//! request, patient, chain and query commitment, fixes some position unless the request asked
//! for all records, follows the schema in force and has not expired, and then, through the host
//! function [`medchain_io::medchain_crypto_host::verify_shve_fulfilment`], the key service's
//! signature and every claim. So a provider can neither add entries the query did not select
//! nor leave out ones it did. Matching entries are decided; non-matching ones are not logged
//! (nothing of them is disclosed).
//!
//! **Decisions** ([`decision`], pure functions of plain inputs) for one entry, in this order:
//! unknown entry, erased, malformed policy, policy not satisfied by the doctor's attribute set;
//! otherwise [`Decision::Granted`] and a [`Grant`] is stored for the provider hosting the
//! entry, valid [`Config::GrantLifetime`] blocks (break-glass grants end with the emergency
//! window). The attribute set is a contract with the key service, documented in [`decision`].
//!
//! **Consent** (`consent.rs`). The patient, their guardian or a delegate grants or refuses
//! access per hospital or doctor, optionally for one purpose and until a block
//! ([`Pallet::set_consent`], [`Pallet::clear_consent`]), and chooses whether a consent basis
//! needs an explicit grant ([`ConsentMode::Explicit`], the default) or holds unless refused
//! ([`ConsentMode::Implied`], the patient's opt-in). Refusals win over grants. Every change is
//! logged to the patient's own access chain with who acted.
//!
//! **Who acts for a patient** (`representatives.rs`): the patient; the guardian the registrar
//! records ([`Pallet::set_guardian`]); delegates the patient or guardian names
//! ([`Pallet::add_delegate`]: no staff role, always expiring, naming no delegates). A lost card
//! is replaced after the account's recovery through `pallet-recovery`.
//!
//! **Break-glass** ([`Pallet::break_glass`], `justification.rs`): a doctor holding the registry
//! attribute `emergency` (at request and at every use) may request access for at most
//! [`Config::MaxBreakGlassDuration`] blocks, at most [`Config::MaxBreakGlassPerWindow`] times
//! per [`Config::BreakGlassRateWindow`]; consent is skipped (record policies still apply), the
//! request is flagged, [`Event::BreakGlassUsed`] notifies the patient, and a justification is
//! due within [`Config::JustificationPeriod`] ([`Pallet::justify_break_glass`]) or
//! [`Event::JustificationOverdue`] alerts the registrar.
//!
//! **Housekeeping** (`sweep.rs`): `on_idle` removes expired requests with their grants and
//! fulfilment marks, expired presence nonces, and alerts overdue justifications, within
//! [`Config::MaxSweepPerBlock`] steps and the weight left.
//!
//! **What the chain still reveals**: the reader's identity (named for leak tracing; read
//! against public staff lists it suggests a specialty), which entries matched a search (and so
//! the pattern of repeated searches of one patient), each access's basis including the
//! break-glass flag, and the timing of requests. Nothing on chain maps a doctor to a
//! department, and purposes are an enum.
//!
//! **The chain** (`chain.rs`). Record `i` of a patient carries its format, `prev_hash` (record
//! `i-1`'s hash, or the patient's genesis hash) and `record_hash`, the link hash of
//! [`ACCESS_CHAIN`] (a [`medchain_primitives::HashChain`], as the EMR chain) over the patient,
//! the format, `i`, `prev_hash` and the body `(block, request id, event)`, so anyone can
//! recompute it ([`Pallet::verify_access_chain`]). The format is hashed, so a later layout
//! adds a format and older records keep verifying under theirs.
//!
//! **Events.** Each batch of decisions (one records request, one fulfilment) emits one
//! [`Event::AccessDecided`] with the numbers granted and denied and the position of its access
//! record, rather than one event per entry; the per-entry outcomes are in the chain record and
//! the grants in [`Grants`].
//!
//! ## Interface
//!
//! ### Dispatchable functions
//!
//! - [`Pallet::request_access`]: an active doctor asks for named entries or a search, on a basis.
//! - [`Pallet::fulfil_search`]: a provider fulfils a search with all entries it hosts.
//! - [`Pallet::break_glass`]: emergency access, time-limited, rate-limited, consent skipped,
//!   patient notified; [`Pallet::justify_break_glass`]: its justification.
//! - [`Pallet::set_consent`], [`Pallet::clear_consent`], [`Pallet::set_consent_mode`]: the
//!   patient's consent.
//! - [`Pallet::set_presence_key`]: the patient's card; [`Pallet::add_delegate`],
//!   [`Pallet::remove_delegate`], [`Pallet::set_guardian`] (registrar): who acts for the
//!   patient.
//! - [`Pallet::prune_request`]: anyone removes a request whose grants all expired (`on_idle`
//!   does the same without a fee, so nobody has to).
//!
//! Calls of registered actors (all but `prune_request` and `set_guardian`) are feeless
//! (`Pays::No`), admitted by the registry's `CheckNonceAndFeeless` transaction extension within
//! a per-account quota; guardians and delegates hold no registry role, and are admitted the same
//! way through [`Representatives`] (their accounts exist without a balance: see
//! `start_representing`).
//!
//! ### Runtime API
//!
//! `AccessApi` in the crate `pallet-medchain-access-runtime-api`, served by `history.rs`,
//! `chain.rs` and `serve.rs`, every call bounded ([`Pallet::verify_access_chain_page`],
//! [`Pallet::access_history`], [`Pallet::readers_of_page`], [`Pallet::disclosures`],
//! [`Pallet::may_serve`]).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use chain::{ACCESS_CHAIN, ACCESS_FORMAT, GENESIS_DOMAIN, RECORD_DOMAIN};
pub use decision::{account_bytes, hex_of, EMERGENCY_ATTRIBUTE, RESERVED_ATTRIBUTE_PREFIXES};
use frame_support::pallet_macros::import_section;
pub use medchain_primitives::{ChainVerification, Hash32, HospitalId, Seq};
pub use pallet::*;
pub use representatives::Representatives;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
pub use benchmarking::BenchmarkHelper;

mod basis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod calls;
mod chain;
mod consent;
pub mod decision;
mod events;
mod fulfilment;
mod history;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod justification;
mod limits;
pub mod migrations;
#[cfg(test)]
mod mock;
mod representatives;
mod requests;
mod serve;
mod sweep;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

use requests::RequestBasis;

/// Most records one paged read of a chain recomputes or scans ([`Pallet::verify_access_chain_page`],
/// [`Pallet::readers_of_page`]) when the runtime answers a runtime API call; benchmarked at the
/// end of a 100,000-record chain.
pub const MAX_CHAIN_PAGE: u32 = 4096;

#[import_section(events::events)]
#[import_section(calls::calls)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;

	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use medchain_crypto::shve::{ShveCiphertext, SignedToken};
	use medchain_primitives::{
		DoctorRegistry, EmrIndex, HospitalRegistry, KeyServiceRegistry, PatientRegistry,
		ProviderRegistry, StaffRegistry,
	};

	/// The version of this pallet's storage layout (1: access records carry a format; 2: every
	/// request has a basis, access records are of format 2).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The ciphertexts a provider submits, with match claims, in the order of its hosted index.
	pub type ClaimsOf<T> = BoundedVec<(ShveCiphertext, bool), <T as Config>::MaxHostedPerProvider>;

	/// Configuration of the access-record chain.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Doctors: who is an active doctor, their hospital, its grade, their title and
		/// allowlisted attributes (the registry).
		type Doctors: DoctorRegistry<Self::AccountId>;

		/// Patients: who is an active patient (the registry).
		type Patients: PatientRegistry<Self::AccountId>;

		/// Storage providers: who is an active provider (the registry).
		type Providers: ProviderRegistry<Self::AccountId>;

		/// Hospitals: which exist, for consent scopes (the registry).
		type Hospitals: HospitalRegistry<Self::AccountId>;

		/// Who holds a staff role (doctor, record service, provider) and so may not be a
		/// patient's delegate (the registry).
		type Staff: StaffRegistry<Self::AccountId>;

		/// The key service's epoch and public parameters: the token-signing key and the SHVE
		/// schema in force (the registry).
		type KeyService: KeyServiceRegistry;

		/// The EMR index: patients' entries and the entries each provider hosts (the EMR
		/// pallet).
		type Emr: EmrIndex<Self::AccountId>;

		/// The origin that records a patient's guardian (the registrar).
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Maximum number of entries one provider hosts for one patient: the bound of a search
		/// fulfilment's claims and of one access record's decisions. Must be the EMR index's
		/// own bound (the runtime wires the same value into both).
		#[pallet::constant]
		type MaxHostedPerProvider: Get<u32>;

		/// Maximum number of entries one request names; at most
		/// [`Config::MaxHostedPerProvider`], the bound of one access record's decisions.
		#[pallet::constant]
		type MaxRecordsPerRequest: Get<u32>;

		/// Maximum number of consents (scopes) one patient keeps; expired ones are purged when
		/// the bound is reached.
		#[pallet::constant]
		type MaxConsentsPerPatient: Get<u32>;

		/// Maximum number of delegates one patient names.
		#[pallet::constant]
		type MaxDelegatesPerPatient: Get<u32>;

		/// Longest delegation, in blocks: every delegation expires.
		#[pallet::constant]
		type MaxDelegation: Get<BlockNumberFor<Self>>;

		/// How far ahead of the current block a presence statement's `not_after` may lie; its
		/// nonce is kept until then.
		#[pallet::constant]
		type MaxPresenceValidity: Get<BlockNumberFor<Self>>;

		/// Blocks within which a request must be fulfilled.
		#[pallet::constant]
		type RequestLifetime: Get<BlockNumberFor<Self>>;

		/// Requests (ordinary or break-glass) one doctor may make for one patient per
		/// [`Config::RequestWindow`]: the bound of a doctor's writes to a patient's access chain.
		#[pallet::constant]
		type MaxRequestsPerWindow: Get<u32>;

		/// The window of [`Config::MaxRequestsPerWindow`], in blocks.
		#[pallet::constant]
		type RequestWindow: Get<BlockNumberFor<Self>>;

		/// Longest emergency window a break-glass request may ask for, in blocks.
		#[pallet::constant]
		type MaxBreakGlassDuration: Get<BlockNumberFor<Self>>;

		/// The window of the per-doctor break-glass rate limit, in blocks.
		#[pallet::constant]
		type BreakGlassRateWindow: Get<BlockNumberFor<Self>>;

		/// Break-glass requests one doctor may make per [`Config::BreakGlassRateWindow`].
		#[pallet::constant]
		type MaxBreakGlassPerWindow: Get<u32>;

		/// Blocks after a break-glass request within which the doctor must justify it, or
		/// [`Event::JustificationOverdue`] alerts the registrar.
		#[pallet::constant]
		type JustificationPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks during which a grant lets the provider serve the entry.
		#[pallet::constant]
		type GrantLifetime: Get<BlockNumberFor<Self>>;

		/// Most expired nonces and overdue justifications `on_idle` handles per block (within
		/// the weight left).
		#[pallet::constant]
		type MaxSweepPerBlock: Get<u32>;

		/// Weights of this pallet's calls, from `medchain-node benchmark pallet`.
		type WeightInfo: WeightInfo;

		/// Sets up the other pallets' state the benchmarks need (hospitals, doctors, providers,
		/// patients, key epochs and parameters, EMR entries).
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The identifier the next request gets.
	#[pallet::storage]
	pub type NextRequestId<T> = StorageValue<_, RequestId, ValueQuery>;

	/// Open requests (pruned after they and their grants expired).
	#[pallet::storage]
	pub type Requests<T: Config> = StorageMap<_, Twox64Concat, RequestId, Request<T>>;

	/// The providers that fulfilled each search (each fulfils once).
	#[pallet::storage]
	pub type Fulfilled<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RequestId, Blake2_128Concat, T::AccountId, ()>;

	/// Number of records in each patient's access chain (the next record's position).
	#[pallet::storage]
	pub type AccessLength<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Seq, ValueQuery>;

	/// Hash of the last record of each patient's access chain.
	#[pallet::storage]
	pub type AccessHead<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Hash32>;

	/// The access records, by patient and position.
	#[pallet::storage]
	pub type AccessLog<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, Seq, AccessRecord<T>>;

	/// Grants by request and EMR entry position: what a provider checks before serving (through
	/// [`Pallet::may_serve`], which also checks that the grant's basis still holds).
	#[pallet::storage]
	pub type Grants<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RequestId, Twox64Concat, Seq, Grant<T>>;

	/// Each patient's consents by scope.
	#[pallet::storage]
	pub type Consents<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		ConsentScope<T>,
		Consent<T>,
	>;

	/// Number of consents each patient keeps (at most [`Config::MaxConsentsPerPatient`]).
	#[pallet::storage]
	pub type ConsentCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Each patient's consent mode; absent means [`ConsentMode::Explicit`], the default.
	#[pallet::storage]
	pub type ConsentModes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ConsentMode, ValueQuery>;

	/// Each patient's presence key (ed25519, on the patient's card; not an account key).
	#[pallet::storage]
	pub type PresenceKeys<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, [u8; 32]>;

	/// Presence nonces used, by the statement's `not_after` block, kept until that block
	/// passed (a later statement with the same nonce is refused as a replay) and then removed
	/// by `on_idle`.
	#[pallet::storage]
	pub type PresenceNonces<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		Blake2_128Concat,
		(T::AccountId, [u8; 16]),
		(),
	>;

	/// The guardian the registrar recorded for a patient who cannot act.
	#[pallet::storage]
	pub type Guardians<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// Each patient's delegates and the last block of each delegation.
	#[pallet::storage]
	pub type Delegates<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		BlockNumberFor<T>,
	>;

	/// Number of delegates each patient names (at most [`Config::MaxDelegatesPerPatient`]).
	#[pallet::storage]
	pub type DelegateCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// For each account, the number of patients it is guardian or delegate of: what the
	/// runtime's feeless admission asks ([`Pallet::is_representative`]).
	#[pallet::storage]
	pub type Representing<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// For each account, the number of patients it is guardian of (a guardianship does not
	/// expire; the registrar ends it).
	#[pallet::storage]
	pub type Guarding<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// For each account holding delegations, the latest end among them: past it, the account no
	/// longer transacts feelessly as a delegate ([`Pallet::is_representative`]), even before
	/// anybody removes the expired delegations. Removed with the account's last delegation.
	#[pallet::storage]
	pub type DelegatedUntil<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumberFor<T>>;

	/// Accounts this pallet gave their one sufficient reference (guardians and delegates, so
	/// that they can sign without a balance), kept for good: see `start_representing`.
	#[pallet::storage]
	pub type ReferencedAccounts<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ()>;

	/// Per doctor: the start of the current break-glass rate window and the break-glass
	/// requests made in it.
	#[pallet::storage]
	pub type BreakGlassUses<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (BlockNumberFor<T>, u32)>;

	/// Break-glass requests awaiting their justification: the due block, the doctor and the
	/// patient.
	#[pallet::storage]
	pub type JustificationDue<T: Config> =
		StorageMap<_, Twox64Concat, RequestId, (BlockNumberFor<T>, T::AccountId, T::AccountId)>;

	/// The same requests by due block, for `on_idle` to find the overdue ones in order.
	#[pallet::storage]
	pub type JustificationQueue<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, RequestId, ()>;

	/// Per patient and doctor: the start of the current request window and the requests made
	/// in it ([`Config::MaxRequestsPerWindow`]).
	#[pallet::storage]
	pub type RequestCounts<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		(BlockNumberFor<T>, u32),
	>;

	/// Open requests by the last block in which they or their grants may be used, for
	/// `on_idle` to prune them (with their grants and fulfilment marks) once that block passed.
	#[pallet::storage]
	pub type RequestExpiry<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, RequestId, ()>;

	/// The next block whose expired presence nonces, overdue justifications and expired
	/// requests `on_idle` looks at (every earlier block is done).
	#[pallet::storage]
	pub type SweepCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(now: BlockNumberFor<T>, limit: Weight) -> Weight {
			Self::sweep(now, limit)
		}

		fn integrity_test() {
			assert!(
				T::MaxRecordsPerRequest::get() <= T::MaxHostedPerProvider::get(),
				"MaxRecordsPerRequest must not exceed MaxHostedPerProvider"
			);
			assert!(T::MaxSweepPerBlock::get() > 0, "MaxSweepPerBlock must be positive");
			assert!(
				T::MaxBreakGlassPerWindow::get() > 0,
				"MaxBreakGlassPerWindow must be positive"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}
