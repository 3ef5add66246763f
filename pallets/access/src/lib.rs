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
//! [`Pallet::request_access`], naming either entries of the patient's EMR chain
//! ([`AccessTarget::Records`]) or a fuzzy search ([`AccessTarget::Search`], of which only a hash
//! of the predicate goes on chain: the departments searched are what SHVE hides). The request is
//! written to the patient's access chain ([`AccessEvent::Requested`]) before anything is decided
//! or disclosed. Named entries are decided at once.
//!
//! **Search fulfilment** (`fulfilment.rs`, DESIGN.md flow 3). The key service sees the logged
//! request and issues a signed SHVE token for it. Each storage provider hosting the patient's
//! entries matches the token natively and calls [`Pallet::fulfil_search`] with *every* SHVE
//! ciphertext it hosts for the patient (in the order of
//! [`EmrIndex::hosted_by`](medchain_primitives::EmrIndex::hosted_by)), each claimed to match or
//! not. The runtime checks that the ciphertexts are the committed ones
//! (`blake2_256(SCALE(ciphertext)) == shve_commitment` of the entry), that the token names this
//! request and patient, follows the schema in force and has not expired, and then, through the
//! host function [`medchain_io::medchain_crypto_host::verify_shve_fulfilment`], the key service's
//! signature and every claim. So a provider can neither add entries the query did not select nor
//! leave out ones it did. Matching entries are decided; non-matching ones are not logged
//! (nothing of them is disclosed).
//!
//! **Decisions** ([`decision`], pure functions of plain inputs) for one entry, in this order:
//! unknown entry, erased, malformed policy, policy not satisfied by the doctor's attribute set,
//! consent (skipped for break-glass); otherwise [`Decision::Granted`] and a [`Grant`] is stored
//! for the provider hosting the entry, valid [`Config::GrantLifetime`] blocks (break-glass
//! grants end with the emergency window). The doctor and their hospital must still be active
//! when entries are decided. The attribute set is a contract with the key service, documented
//! in [`decision`].
//!
//! **Consent** (`consent.rs`). A patient grants or refuses access per hospital, doctor or
//! department, optionally until a block ([`Pallet::set_consent`], [`Pallet::clear_consent`]),
//! and chooses whether record policies alone decide ([`ConsentMode::Implied`], the default) or
//! an explicit grant is also needed ([`Pallet::set_consent_mode`]). Refusals win over grants.
//! Every change is logged to the patient's own access chain.
//!
//! **Break-glass** ([`Pallet::break_glass`]): a doctor holding the registry attribute
//! `emergency` may request access for at most [`Config::MaxBreakGlassDuration`] blocks; consent
//! is skipped (record policies still apply; S2's default policy has an `emergency` branch), the
//! request is flagged in the chain and [`Event::BreakGlassUsed`] notifies the patient.
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
//! - [`Pallet::request_access`]: an active doctor asks for named entries or a search.
//! - [`Pallet::fulfil_search`]: a provider fulfils a search with all entries it hosts.
//! - [`Pallet::break_glass`]: emergency access, time-limited, consent skipped, patient notified.
//! - [`Pallet::set_consent`], [`Pallet::clear_consent`], [`Pallet::set_consent_mode`]: the
//!   patient's consent.
//! - [`Pallet::prune_request`]: anyone removes a request whose grants all expired.
//!
//! Calls of registered actors (all but `prune_request`) are feeless (`Pays::No`), admitted by
//! the registry's `CheckFeeless` transaction extension.
//!
//! ### Runtime API
//!
//! `AccessApi` in the crate `pallet-medchain-access-runtime-api`, served by `history.rs`
//! ([`Pallet::verify_access_chain`], [`Pallet::access_history`], [`Pallet::readers_of`],
//! [`Pallet::disclosures`]).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use chain::{ACCESS_CHAIN, GENESIS_DOMAIN, RECORD_DOMAIN};
pub use decision::{
	account_bytes, hex_of, EMERGENCY_ATTRIBUTE, MAX_DEPARTMENTS, RESERVED_ATTRIBUTE_PREFIXES,
};
use frame_support::pallet_macros::import_section;
pub use medchain_primitives::{ChainVerification, Hash32, HospitalId, Seq};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
pub use benchmarking::BenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain;
mod consent;
pub mod decision;
mod events;
mod fulfilment;
mod history;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
mod requests;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

#[import_section(events::events)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;

	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use medchain_crypto::shve::{ShveCiphertext, SignedToken};
	use medchain_primitives::{
		DoctorRegistry, EmrIndex, HospitalRegistry, KeyServiceRegistry, PatientRegistry,
		ProviderRegistry,
	};

	/// The version of this pallet's storage layout (1: access records carry a format).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The ciphertexts a provider submits, with match claims, in the order of its hosted index.
	pub type ClaimsOf<T> = BoundedVec<(ShveCiphertext, bool), <T as Config>::MaxHostedPerProvider>;

	/// Configuration of the access-record chain.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Doctors: who is an active doctor, their hospital, its grade, their title,
		/// departments and attributes (the registry).
		type Doctors: DoctorRegistry<Self::AccountId>;

		/// Patients: who is an active patient (the registry).
		type Patients: PatientRegistry<Self::AccountId>;

		/// Storage providers: who is an active provider (the registry).
		type Providers: ProviderRegistry<Self::AccountId>;

		/// Hospitals: which exist, for consent scopes (the registry).
		type Hospitals: HospitalRegistry<Self::AccountId>;

		/// The key service's epoch and public parameters: the token-signing key and the SHVE
		/// schema in force (the registry).
		type KeyService: KeyServiceRegistry;

		/// The EMR index: patients' entries and the entries each provider hosts (the EMR
		/// pallet).
		type Emr: EmrIndex<Self::AccountId>;

		/// Maximum number of entries one provider hosts for one patient: the bound of a search
		/// fulfilment's claims and of one access record's decisions. Must be the EMR index's
		/// own bound (the runtime wires the same value into both).
		#[pallet::constant]
		type MaxHostedPerProvider: Get<u32>;

		/// Maximum length of a request's purpose text, in bytes.
		#[pallet::constant]
		type MaxPurposeLen: Get<u32>;

		/// Maximum number of entries one request names; at most
		/// [`Config::MaxHostedPerProvider`], the bound of one access record's decisions.
		#[pallet::constant]
		type MaxRecordsPerRequest: Get<u32>;

		/// Maximum number of consents (scopes) one patient keeps; expired ones are purged when
		/// the bound is reached.
		#[pallet::constant]
		type MaxConsentsPerPatient: Get<u32>;

		/// Blocks within which a request must be fulfilled.
		#[pallet::constant]
		type RequestLifetime: Get<BlockNumberFor<Self>>;

		/// Longest emergency window a break-glass request may ask for, in blocks.
		#[pallet::constant]
		type MaxBreakGlassDuration: Get<BlockNumberFor<Self>>;

		/// Blocks during which a grant lets the provider serve the entry.
		#[pallet::constant]
		type GrantLifetime: Get<BlockNumberFor<Self>>;

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

	/// Grants by request and EMR entry position: what a provider checks before serving.
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

	/// Each patient's consent mode; absent means [`ConsentMode::Implied`].
	#[pallet::storage]
	pub type ConsentModes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ConsentMode, ValueQuery>;

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MaxRecordsPerRequest::get() <= T::MaxHostedPerProvider::get(),
				"MaxRecordsPerRequest must not exceed MaxHostedPerProvider"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// An active doctor asks for `patient`'s records: named entries, decided at once, or a
		/// search, fulfilled later by providers. The request is logged to the patient's access
		/// chain first; `delivery_key` is the X25519 key records are to be sealed to.
		///
		/// The dispatch origin for this call must be _Signed_ by an active doctor of an active
		/// hospital; `patient` must be an active patient. Feeless.
		///
		/// Emits [`Event::AccessRequested`], and for named entries [`Event::AccessDecided`].
		///
		/// ## Complexity
		/// - O(R log R + C + D) where R is the number of named entries (at most
		///   `MaxRecordsPerRequest`; 0 for a search), each decided against its policy, C the
		///   consent scopes covering the doctor (at most 2 + 37) and D the doctor's attributes.
		#[pallet::call_index(0)]
		#[pallet::weight((
			T::WeightInfo::request_access(Pallet::<T>::records_in(target)),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn request_access(
			origin: OriginFor<T>,
			patient: T::AccountId,
			target: AccessTarget<T>,
			purpose: BoundedVec<u8, T::MaxPurposeLen>,
			delivery_key: [u8; 32],
		) -> DispatchResult {
			let doctor = ensure_signed(origin)?;
			Self::do_request(doctor, patient, target, purpose, delivery_key, None)
		}

		/// A storage provider fulfils search `request_id` with every SHVE ciphertext it hosts
		/// for the patient, in the order of its hosted index, each claimed to match the
		/// key service's `signed_token` or not. Entries proven to match are decided and
		/// logged; the provider fulfils each search once.
		///
		/// The dispatch origin for this call must be _Signed_ by an active storage provider;
		/// the requesting doctor, their hospital and the patient must still be active.
		/// Feeless.
		///
		/// Emits [`Event::AccessDecided`].
		///
		/// ## Complexity
		/// - O(N) where N is the number of entries the provider hosts for the patient (at most
		///   `MaxHostedPerProvider`): one EMR entry read, one hash of a ciphertext and one claim
		///   checked by the host function per entry, and one decision per matching entry.
		#[pallet::call_index(1)]
		#[pallet::weight((
			T::WeightInfo::fulfil_search(claims.len() as u32),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn fulfil_search(
			origin: OriginFor<T>,
			request_id: RequestId,
			signed_token: SignedToken,
			claims: ClaimsOf<T>,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			Self::do_fulfil_search(provider, request_id, signed_token, claims)
		}

		/// Emergency access: like [`Pallet::request_access`], for a doctor holding the
		/// `emergency` attribute, for at most [`Config::MaxBreakGlassDuration`] blocks. Consent
		/// is skipped (record policies still apply, with the doctor's `emergency` attribute);
		/// the request is flagged in the chain and the patient notified.
		///
		/// The dispatch origin for this call must be _Signed_ by an active doctor of an active
		/// hospital holding the `emergency` registry attribute. Feeless.
		///
		/// Emits [`Event::AccessRequested`], [`Event::BreakGlassUsed`], and for named entries
		/// [`Event::AccessDecided`].
		///
		/// ## Complexity
		/// - O(R log R + D) where R is the number of named entries (at most
		///   `MaxRecordsPerRequest`; 0 for a search) and D the doctor's attributes.
		#[pallet::call_index(2)]
		#[pallet::weight((
			T::WeightInfo::break_glass(Pallet::<T>::records_in(target)),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn break_glass(
			origin: OriginFor<T>,
			patient: T::AccountId,
			target: AccessTarget<T>,
			purpose: BoundedVec<u8, T::MaxPurposeLen>,
			delivery_key: [u8; 32],
			duration: BlockNumberFor<T>,
		) -> DispatchResult {
			let doctor = ensure_signed(origin)?;
			Self::do_request(doctor, patient, target, purpose, delivery_key, Some(duration))
		}

		/// The signing patient grants (`granted`) or refuses access for `scope`, until block
		/// `expires_at` if given. Logged to the patient's access chain.
		///
		/// The dispatch origin for this call must be _Signed_ by an active patient. Feeless.
		///
		/// Emits [`Event::ConsentSet`].
		///
		/// ## Complexity
		/// - O(M) where M is `MaxConsentsPerPatient`: the expired consents are purged when a new
		///   scope finds the patient at the bound; O(1) otherwise.
		#[pallet::call_index(3)]
		#[pallet::weight((T::WeightInfo::set_consent(), DispatchClass::Normal, Pays::No))]
		pub fn set_consent(
			origin: OriginFor<T>,
			scope: ConsentScope<T>,
			granted: bool,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let patient = Self::ensure_patient(origin)?;
			Self::do_set_consent(patient, scope, granted, expires_at)
		}

		/// The signing patient removes their consent for `scope`. Logged to the patient's
		/// access chain.
		///
		/// The dispatch origin for this call must be _Signed_ by an active patient. Feeless.
		///
		/// Emits [`Event::ConsentCleared`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(4)]
		#[pallet::weight((T::WeightInfo::clear_consent(), DispatchClass::Normal, Pays::No))]
		pub fn clear_consent(origin: OriginFor<T>, scope: ConsentScope<T>) -> DispatchResult {
			let patient = Self::ensure_patient(origin)?;
			Self::do_clear_consent(patient, scope)
		}

		/// The signing patient chooses whether record policies alone decide
		/// ([`ConsentMode::Implied`]) or an explicit grant is also required
		/// ([`ConsentMode::Explicit`]). Logged to the patient's access chain.
		///
		/// The dispatch origin for this call must be _Signed_ by an active patient. Feeless.
		///
		/// Emits [`Event::ConsentModeSet`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(5)]
		#[pallet::weight((T::WeightInfo::set_consent_mode(), DispatchClass::Normal, Pays::No))]
		pub fn set_consent_mode(origin: OriginFor<T>, mode: ConsentMode) -> DispatchResult {
			let patient = Self::ensure_patient(origin)?;
			Self::do_set_consent_mode(patient, mode)
		}

		/// Anyone removes request `request_id` once it can no longer be fulfilled and all its
		/// grants expired (after `expires_at + GrantLifetime`): its grants and fulfilment
		/// marks, at most `MaxHostedPerProvider` keys per call, then the request itself. The
		/// access chain keeps everything that happened.
		///
		/// The dispatch origin for this call must be _Signed_ (by anyone). Pays a fee.
		///
		/// Emits [`Event::RequestPruned`].
		///
		/// ## Complexity
		/// - O(K) where K is the number of grants and fulfilment marks removed, at most
		///   `MaxHostedPerProvider` (the weight is refunded down to the keys removed).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::prune_request(Pallet::<T>::prune_limit()))]
		pub fn prune_request(
			origin: OriginFor<T>,
			request_id: RequestId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_prune_request(request_id)
		}
	}
}
