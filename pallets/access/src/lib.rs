//! # MedChain access-record chain pallet
//!
//! Per patient, an append-only, hash-linked log of every access to the patient's records
//! (DESIGN.md "On-chain", S1's access-record chain): who asked, for what, why, what was granted
//! or denied and why, when, and the key-delivery public key; plus the patient's consent,
//! break-glass emergency access and leak tracing ("who read record R").
//!
//! ## Overview
//!
//! **Requests.** An active doctor asks for a patient's records with
//! [`Pallet::request_access`], naming either entries of the patient's EMR chain
//! ([`AccessTarget::Records`]) or a fuzzy search ([`AccessTarget::Search`], of which only a hash
//! of the predicate goes on chain: the departments searched are what SHVE hides). The request is
//! written to the patient's access chain ([`AccessEvent::Requested`]) before anything is decided
//! or disclosed. Named entries are decided at once.
//!
//! **Search fulfilment** (DESIGN.md flow 3). The key service sees the logged request and issues
//! a signed SHVE token for it. Each storage provider hosting the patient's entries matches the
//! token natively and calls [`Pallet::fulfil_search`] with *every* SHVE ciphertext it hosts for
//! the patient (in the order of [`pallet_medchain_emr::HostedBy`]), each claimed to match or not.
//! The runtime checks that the ciphertexts are the committed ones
//! (`blake2_256(SCALE(ciphertext)) == shve_commitment` of the entry), that the token names this
//! request and patient, follows the schema in force and has not expired, and then, through the
//! host function [`medchain_io::medchain_crypto_host::verify_shve_fulfilment`], the key service's
//! signature and every claim. So a provider can neither add entries the query did not select nor
//! leave out ones it did. Matching entries are decided; non-matching ones are not logged
//! (nothing of them is disclosed).
//!
//! **Decisions** for one entry `(patient, seq)`, in this order:
//! 1. [`DenialReason::UnknownEntry`] if the EMR chain has no such entry;
//! 2. [`DenialReason::Erased`] if it is in [`pallet_medchain_emr::Erasures`];
//! 3. [`DenialReason::MalformedPolicy`] if its policy bytes are not a UTF-8 policy text that
//!    [`medchain_crypto::abe::Policy::parse`] accepts (the parser is no_std and runs in wasm);
//! 4. [`DenialReason::PolicyNotSatisfied`] unless the doctor's attribute set (below) satisfies
//!    the policy;
//! 5. unless the request is a break-glass one: [`DenialReason::ConsentRefused`] if a refusal in
//!    force covers the doctor, their hospital or one of their departments; in
//!    [`ConsentMode::Explicit`], [`DenialReason::ConsentMissing`] unless a grant in force covers
//!    one of them;
//! 6. otherwise [`Decision::Granted`]: a [`Grant`] is stored for the provider hosting the entry,
//!    valid [`Config::GrantLifetime`] blocks (break-glass grants end with the emergency window).
//!
//! The doctor and their hospital must still be active when entries are decided; a revoked
//! doctor's or hospital's requests can no longer be fulfilled.
//!
//! **The attribute set** (a contract with the key service, which issues ABE user keys with the
//! same attributes): [`medchain_crypto::abe::doctor_attributes`] with
//! - `title>=1` ..= `title>=t` for the doctor's title `t`,
//! - `grade>=5` ..= `grade>=g` for the grade `g` of the doctor's hospital,
//! - `epoch:N` for the current key epoch `N` (absent while no epoch has started),
//! - `doctor:<hex>`: 64 lowercase hex digits of [`account_bytes`] of the doctor,
//! - the doctor's registry attributes that are valid UTF-8 and do not start with a reserved
//!   prefix (`title>=`, `grade>=`, `epoch:`, `doctor:`), except `emergency`, which counts only
//!   for break-glass requests (the key service puts it only into break-glass keys).
//!
//! **Consent.** A patient grants or refuses access per hospital, doctor or department,
//! optionally until a block ([`Pallet::set_consent`], [`Pallet::clear_consent`]), and chooses
//! whether record policies alone decide ([`ConsentMode::Implied`], the default) or an explicit
//! grant is also needed ([`Pallet::set_consent_mode`]). Refusals win over grants. Every change
//! is logged to the patient's own access chain.
//!
//! **Break-glass** ([`Pallet::break_glass`]): a doctor holding the registry attribute
//! `emergency` may request access for at most [`Config::MaxBreakGlassDuration`] blocks; consent
//! is skipped (record policies still apply; S2's default policy has an `emergency` branch), the
//! request is flagged in the chain and [`Event::BreakGlassUsed`] notifies the patient.
//!
//! **The chain.** Record `i` of a patient carries `prev_hash` (record `i-1`'s hash, or the
//! patient's genesis hash) and `record_hash` = BLAKE2b-256 over a domain separator, the patient,
//! `i`, `prev_hash`, the block, the request id and the event, exactly like the EMR chain, so
//! anyone can recompute it ([`Pallet::verify_access_chain`], runtime API [`AccessApi`]).
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
//! [`AccessApi`]: verify a patient's access chain, page through it, list who was granted an
//! entry, and the accounting of disclosures.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use pallet_medchain_emr::{ChainVerification, Seq};

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

sp_api::decl_runtime_apis! {
	/// Read access to access-record chains for patients, the registrar and auditors (flow 5).
	pub trait AccessApi<AccountId, Record, Reader, Disclosure>
	where
		AccountId: codec::Codec,
		Record: codec::Codec,
		Reader: codec::Codec,
		Disclosure: codec::Codec,
	{
		/// Recomputes `patient`'s whole access chain and reports the first broken link, if any.
		fn verify_access_chain(patient: AccountId) -> ChainVerification;
		/// Up to `count` records of `patient`'s access chain from position `from` on.
		fn access_history(patient: AccountId, from: Seq, count: u32) -> alloc::vec::Vec<Record>;
		/// Every grant of EMR entry `seq` of `patient` ("who read record R"), oldest first.
		fn readers_of(patient: AccountId, seq: Seq) -> alloc::vec::Vec<Reader>;
		/// The accounting of disclosures: every entry granted in access records
		/// `from .. from + count` of `patient`'s chain.
		fn disclosures(patient: AccountId, from: Seq, count: u32) -> alloc::vec::Vec<Disclosure>;
	}
}

/// The 32 bytes that stand for an account in SHVE tokens and ABE attributes: its SCALE encoding
/// if that is 32 bytes long (an `AccountId32`), else BLAKE2b-256 of the encoding.
pub fn account_bytes<A: codec::Encode>(who: &A) -> [u8; 32] {
	let encoded = who.encode();
	match <[u8; 32]>::try_from(encoded.as_slice()) {
		Ok(bytes) => bytes,
		Err(_) => sp_io::hashing::blake2_256(&encoded),
	}
}

/// Lowercase hexadecimal digits of `bytes`.
pub fn hex_of(bytes: &[u8]) -> alloc::string::String {
	const DIGITS: &[u8; 16] = b"0123456789abcdef";
	let mut out = alloc::string::String::with_capacity(bytes.len().saturating_mul(2));
	for b in bytes {
		out.push(char::from(DIGITS[usize::from(b >> 4)]));
		out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
	}
	out
}

/// The registry attribute that allows break-glass access and counts only in break-glass
/// requests.
pub const EMERGENCY_ATTRIBUTE: &str = "emergency";

/// Attribute prefixes the chain derives itself; registry attributes starting with them are
/// ignored, so a registry entry can never forge a title, grade, epoch or identity.
pub const RESERVED_ATTRIBUTE_PREFIXES: [&str; 4] = ["title>=", "grade>=", "epoch:", "doctor:"];

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	use alloc::{string::String, vec::Vec};
	use codec::Encode;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use medchain_crypto::{
		abe::{doctor_attributes, Policy},
		shve::{ShveCiphertext, SignedToken, SCHEMA_S2},
	};
	use pallet_medchain_emr::{EmrEntry, Entries, Erasures, Hash32, HostedBy};
	use pallet_medchain_registry::{
		CurrentKeyEpoch, Doctor, Doctors, HospitalId, Hospitals, Pallet as Registry, Parameters,
		MAX_DEPARTMENTS,
	};
	use sp_runtime::{traits::Zero, SaturatedConversion, Saturating};

	/// Domain separator of access record hashes.
	pub const RECORD_DOMAIN: &[u8] = b"medchain/access/record/v1";
	/// Domain separator of access chain genesis hashes.
	pub const GENESIS_DOMAIN: &[u8] = b"medchain/access/genesis/v1";

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The ciphertexts a provider submits, with match claims, in the order of its hosted index.
	pub type ClaimsOf<T> = BoundedVec<
		(ShveCiphertext, bool),
		<T as pallet_medchain_emr::Config>::MaxHostedPerProvider,
	>;

	/// Configuration of the access-record chain.
	#[pallet::config]
	pub trait Config:
		frame_system::Config + pallet_medchain_registry::Config + pallet_medchain_emr::Config
	{
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// Maximum length of a request's purpose text, in bytes.
		#[pallet::constant]
		type MaxPurposeLen: Get<u32>;

		/// Maximum number of entries one request names; at most
		/// `pallet_medchain_emr::Config::MaxHostedPerProvider`, the bound of one access
		/// record's decisions.
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

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A doctor asked for access; the request is logged in the patient's chain.
		AccessRequested {
			request_id: RequestId,
			patient: T::AccountId,
			doctor: T::AccountId,
			hospital: HospitalId,
			emergency: bool,
		},
		/// Emergency access was used on the patient's records until block `until` (the
		/// patient's notification).
		BreakGlassUsed {
			request_id: RequestId,
			patient: T::AccountId,
			doctor: T::AccountId,
			until: BlockNumberFor<T>,
		},
		/// Entries of a request were decided (a records request, or one provider's
		/// fulfilment of a search); the outcomes are in access record `access_seq`.
		AccessDecided {
			request_id: RequestId,
			patient: T::AccountId,
			provider: Option<T::AccountId>,
			access_seq: Seq,
			granted: u32,
			denied: u32,
		},
		/// A patient granted or refused consent for a scope.
		ConsentSet {
			patient: T::AccountId,
			scope: ConsentScope<T>,
			granted: bool,
			expires_at: Option<BlockNumberFor<T>>,
		},
		/// A patient removed the consent of a scope.
		ConsentCleared { patient: T::AccountId, scope: ConsentScope<T> },
		/// A patient changed their consent mode.
		ConsentModeSet { patient: T::AccountId, mode: ConsentMode },
		/// An expired request's grants and fulfilment marks were removed; `complete` once the
		/// request itself is gone too (else call again).
		RequestPruned { request_id: RequestId, complete: bool },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signer is not a registered doctor.
		NotDoctor,
		/// The doctor was revoked.
		DoctorRevoked,
		/// The doctor's hospital was revoked.
		HospitalRevoked,
		/// The doctor's hospital is not registered.
		UnknownHospital,
		/// The doctor does not hold the `emergency` attribute break-glass access requires.
		NotEmergencyDoctor,
		/// The break-glass window is zero or longer than [`Config::MaxBreakGlassDuration`].
		InvalidDuration,
		/// The patient is not an active registered patient.
		UnknownPatient,
		/// The signer is not an active registered patient.
		NotPatient,
		/// The signer is not an active registered storage provider.
		NotProvider,
		/// A records request names no entry.
		NoRecords,
		/// A records request names an entry twice.
		DuplicateRecord,
		/// More decisions than one access record lists.
		TooManyRecords,
		/// No request has this identifier.
		UnknownRequest,
		/// The request is not a search.
		NotSearch,
		/// The request may no longer be fulfilled.
		RequestExpired,
		/// The request or its grants have not expired yet.
		RequestNotExpired,
		/// This provider fulfilled this search already.
		AlreadyFulfilled,
		/// The provider hosts none of the patient's entries.
		NothingHosted,
		/// The claims do not cover exactly the entries the provider hosts for the patient.
		IncompleteFulfilment,
		/// A claimed ciphertext is not the one committed in the entry at its position.
		CommitmentMismatch,
		/// The key service has not published its public parameters.
		NoPublicParameters,
		/// The token answers another request.
		TokenRequestMismatch,
		/// The token was issued for another patient.
		TokenPatientMismatch,
		/// The token has expired.
		TokenExpired,
		/// The token follows another SHVE schema than the one in force.
		SchemaNotInForce,
		/// The token or claims are not valid encodings (host function).
		MalformedFulfilment,
		/// The token is not signed by the key service's token-signing key (host function).
		BadTokenSignature,
		/// A ciphertext follows another schema than the token (host function).
		SchemaMismatch,
		/// A match or non-match claim is false (host function).
		ClaimMismatch,
		/// The patient keeps the maximum number of consents in force.
		TooManyConsents,
		/// The patient has no consent for this scope.
		UnknownConsent,
		/// A department scope beyond the 37 departments of the schema.
		InvalidDepartment,
		/// A doctor scope names an account that is not a registered doctor.
		UnknownDoctor,
		/// A consent expiry before the current block.
		ExpiryInPast,
		/// The patient's access chain is full.
		AccessChainFull,
		/// The request identifier space is exhausted.
		RequestIdOverflow,
		/// A hosted entry is missing from the EMR chain (inconsistent EMR index).
		UnknownEntry,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				<T as Config>::MaxRecordsPerRequest::get()
					<= <T as pallet_medchain_emr::Config>::MaxHostedPerProvider::get(),
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
		/// Emits [`Event::AccessRequested`], and for named entries [`Event::AccessDecided`].
		#[pallet::call_index(0)]
		#[pallet::weight((
			<T as Config>::WeightInfo::request_access(Pallet::<T>::records_in(target)),
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
		/// Emits [`Event::AccessDecided`].
		#[pallet::call_index(1)]
		#[pallet::weight((
			<T as Config>::WeightInfo::fulfil_search(claims.len() as u32),
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
			ensure!(Registry::<T>::active_provider(&provider).is_some(), Error::<T>::NotProvider);
			let request = Requests::<T>::get(request_id).ok_or(Error::<T>::UnknownRequest)?;
			ensure!(matches!(request.target, AccessTarget::Search { .. }), Error::<T>::NotSearch);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now <= request.expires_at, Error::<T>::RequestExpired);
			ensure!(
				!Fulfilled::<T>::contains_key(request_id, &provider),
				Error::<T>::AlreadyFulfilled
			);
			let requester = Self::requester(&request.doctor, request.emergency)?;
			// A patient revoked since the request was made is no longer served.
			ensure!(Registry::<T>::is_active_patient(&request.patient), Error::<T>::UnknownPatient);

			// The token: this request, this patient, the schema in force, not expired.
			let parameters = Parameters::<T>::get().ok_or(Error::<T>::NoPublicParameters)?;
			let body = &signed_token.body;
			ensure!(body.request_id == request_id, Error::<T>::TokenRequestMismatch);
			ensure!(
				body.patient == account_bytes(&request.patient)
					|| (body.schema == SCHEMA_S2 && body.patient == [0u8; 32]),
				Error::<T>::TokenPatientMismatch
			);
			ensure!(body.expires_at >= now.saturated_into::<u32>(), Error::<T>::TokenExpired);
			ensure!(body.schema == u32::from(parameters.shve_schema), Error::<T>::SchemaNotInForce);

			// The claims: exactly the committed ciphertexts of every hosted entry, in order.
			let hosted = HostedBy::<T>::get(&request.patient, &provider);
			ensure!(!hosted.is_empty(), Error::<T>::NothingHosted);
			ensure!(claims.len() == hosted.len(), Error::<T>::IncompleteFulfilment);
			let mut matched = Vec::new();
			for (seq, (ciphertext, matches)) in hosted.iter().zip(claims.iter()) {
				let entry =
					Entries::<T>::get(&request.patient, seq).ok_or(Error::<T>::UnknownEntry)?;
				ensure!(
					sp_io::hashing::blake2_256(&ciphertext.encode())
						== entry.record.shve_commitment,
					Error::<T>::CommitmentMismatch
				);
				if *matches {
					matched.push((*seq, entry));
				}
			}
			medchain_io::medchain_crypto_host::verify_shve_fulfilment(
				&signed_token.encode(),
				&parameters.token_signing_key,
				&claims.encode(),
			)
			.map_err(Self::fulfilment_error)?;

			let decisions =
				matched.into_iter().map(|(seq, entry)| (seq, Some(entry))).collect::<Vec<_>>();
			Self::decide_and_log(
				request_id,
				&request,
				&requester,
				Some(provider.clone()),
				decisions,
			)?;
			Fulfilled::<T>::insert(request_id, &provider, ());
			Ok(())
		}

		/// Emergency access: like [`Pallet::request_access`], for a doctor holding the
		/// `emergency` attribute, for at most [`Config::MaxBreakGlassDuration`] blocks. Consent
		/// is skipped (record policies still apply, with the doctor's `emergency` attribute);
		/// the request is flagged in the chain and the patient notified.
		///
		/// Emits [`Event::AccessRequested`], [`Event::BreakGlassUsed`], and for named entries
		/// [`Event::AccessDecided`].
		#[pallet::call_index(2)]
		#[pallet::weight((
			<T as Config>::WeightInfo::break_glass(Pallet::<T>::records_in(target)),
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
		/// Emits [`Event::ConsentSet`].
		#[pallet::call_index(3)]
		#[pallet::weight((
			<T as Config>::WeightInfo::set_consent(),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn set_consent(
			origin: OriginFor<T>,
			scope: ConsentScope<T>,
			granted: bool,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let patient = Self::ensure_patient(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(expires_at.is_none_or(|until| until >= now), Error::<T>::ExpiryInPast);
			match &scope {
				ConsentScope::Hospital(id) => {
					ensure!(Hospitals::<T>::contains_key(id), Error::<T>::UnknownHospital)
				},
				ConsentScope::Doctor(who) => {
					ensure!(Doctors::<T>::contains_key(who), Error::<T>::UnknownDoctor)
				},
				ConsentScope::Department(d) => {
					ensure!(u32::from(*d) < MAX_DEPARTMENTS, Error::<T>::InvalidDepartment)
				},
			}
			if !Consents::<T>::contains_key(&patient, &scope) {
				let max = <T as Config>::MaxConsentsPerPatient::get();
				if ConsentCount::<T>::get(&patient) >= max {
					Self::purge_expired_consents(&patient, now);
				}
				ensure!(ConsentCount::<T>::get(&patient) < max, Error::<T>::TooManyConsents);
				ConsentCount::<T>::mutate(&patient, |count| *count = count.saturating_add(1));
			}
			Consents::<T>::insert(&patient, &scope, Consent { granted, expires_at });
			Self::append(
				&patient,
				None,
				AccessEvent::ConsentChanged {
					scope: Some(scope.clone()),
					change: ConsentChange::Set { granted, expires_at },
				},
			)?;
			Self::deposit_event(Event::ConsentSet { patient, scope, granted, expires_at });
			Ok(())
		}

		/// The signing patient removes their consent for `scope`. Logged to the patient's
		/// access chain.
		///
		/// Emits [`Event::ConsentCleared`].
		#[pallet::call_index(4)]
		#[pallet::weight((
			<T as Config>::WeightInfo::clear_consent(),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn clear_consent(origin: OriginFor<T>, scope: ConsentScope<T>) -> DispatchResult {
			let patient = Self::ensure_patient(origin)?;
			ensure!(Consents::<T>::contains_key(&patient, &scope), Error::<T>::UnknownConsent);
			Consents::<T>::remove(&patient, &scope);
			Self::decrement_consents(&patient);
			Self::append(
				&patient,
				None,
				AccessEvent::ConsentChanged {
					scope: Some(scope.clone()),
					change: ConsentChange::Cleared,
				},
			)?;
			Self::deposit_event(Event::ConsentCleared { patient, scope });
			Ok(())
		}

		/// The signing patient chooses whether record policies alone decide
		/// ([`ConsentMode::Implied`]) or an explicit grant is also required
		/// ([`ConsentMode::Explicit`]). Logged to the patient's access chain.
		///
		/// Emits [`Event::ConsentModeSet`].
		#[pallet::call_index(5)]
		#[pallet::weight((
			<T as Config>::WeightInfo::set_consent_mode(),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn set_consent_mode(origin: OriginFor<T>, mode: ConsentMode) -> DispatchResult {
			let patient = Self::ensure_patient(origin)?;
			match mode {
				ConsentMode::Implied => ConsentModes::<T>::remove(&patient),
				ConsentMode::Explicit => ConsentModes::<T>::insert(&patient, mode),
			}
			Self::append(
				&patient,
				None,
				AccessEvent::ConsentChanged { scope: None, change: ConsentChange::ModeSet(mode) },
			)?;
			Self::deposit_event(Event::ConsentModeSet { patient, mode });
			Ok(())
		}

		/// Anyone removes request `request_id` once it can no longer be fulfilled and all its
		/// grants expired (after `expires_at + GrantLifetime`): its grants and fulfilment
		/// marks, at most `MaxHostedPerProvider` keys per call, then the request itself. The
		/// access chain keeps everything that happened.
		///
		/// Emits [`Event::RequestPruned`].
		#[pallet::call_index(6)]
		#[pallet::weight(<T as Config>::WeightInfo::prune_request(Pallet::<T>::prune_limit()))]
		pub fn prune_request(
			origin: OriginFor<T>,
			request_id: RequestId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let request = Requests::<T>::get(request_id).ok_or(Error::<T>::UnknownRequest)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				now > request.expires_at.saturating_add(<T as Config>::GrantLifetime::get()),
				Error::<T>::RequestNotExpired
			);
			let limit = Self::prune_limit() as usize;
			let mut removed = Grants::<T>::drain_prefix(request_id).take(limit).count();
			removed = removed.saturating_add(
				Fulfilled::<T>::drain_prefix(request_id)
					.take(limit.saturating_sub(removed))
					.count(),
			);
			let complete = Grants::<T>::iter_key_prefix(request_id).next().is_none()
				&& Fulfilled::<T>::iter_key_prefix(request_id).next().is_none();
			if complete {
				Requests::<T>::remove(request_id);
			}
			Self::deposit_event(Event::RequestPruned { request_id, complete });
			Ok(Some(<T as Config>::WeightInfo::prune_request(removed as u32)).into())
		}
	}

	/// What the history functions need of a `Requested` record.
	struct Requested<T: Config> {
		doctor: T::AccountId,
		hospital: HospitalId,
		purpose: BoundedVec<u8, T::MaxPurposeLen>,
		emergency: bool,
	}

	/// The requesting doctor of a batch of decisions.
	struct Requester<T: Config> {
		doctor: T::AccountId,
		record: Doctor<T>,
		emergency: bool,
	}

	impl<T: Config> Pallet<T> {
		/// Entries a target names (the benchmark component of requests).
		pub fn records_in(target: &AccessTarget<T>) -> u32 {
			match target {
				AccessTarget::Search { .. } => 0,
				AccessTarget::Records(seqs) => seqs.len() as u32,
			}
		}

		/// The pallet error for a host function rejection.
		pub fn fulfilment_error(error: medchain_io::FulfilmentError) -> Error<T> {
			use medchain_io::FulfilmentError;
			match error {
				FulfilmentError::Malformed => Error::<T>::MalformedFulfilment,
				FulfilmentError::BadSignature => Error::<T>::BadTokenSignature,
				FulfilmentError::SchemaMismatch => Error::<T>::SchemaMismatch,
				FulfilmentError::ClaimMismatch(_) => Error::<T>::ClaimMismatch,
			}
		}

		/// Keys [`Pallet::prune_request`] removes per call.
		pub fn prune_limit() -> u32 {
			<T as pallet_medchain_emr::Config>::MaxHostedPerProvider::get()
		}

		fn do_request(
			doctor: T::AccountId,
			patient: T::AccountId,
			target: AccessTarget<T>,
			purpose: BoundedVec<u8, T::MaxPurposeLen>,
			delivery_key: [u8; 32],
			emergency_window: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let (record, hospital) = Self::active_doctor(&doctor)?;
			let emergency = emergency_window.is_some();
			if let Some(window) = emergency_window {
				ensure!(
					record.attributes.iter().any(|a| &a[..] == EMERGENCY_ATTRIBUTE.as_bytes()),
					Error::<T>::NotEmergencyDoctor
				);
				ensure!(
					!window.is_zero() && window <= <T as Config>::MaxBreakGlassDuration::get(),
					Error::<T>::InvalidDuration
				);
			}
			ensure!(Registry::<T>::is_active_patient(&patient), Error::<T>::UnknownPatient);
			if let AccessTarget::Records(seqs) = &target {
				ensure!(!seqs.is_empty(), Error::<T>::NoRecords);
				let mut sorted = seqs.to_vec();
				sorted.sort_unstable();
				ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::DuplicateRecord);
			}
			let request_id = NextRequestId::<T>::get();
			let next = request_id.checked_add(1).ok_or(Error::<T>::RequestIdOverflow)?;
			let now = frame_system::Pallet::<T>::block_number();
			let expires_at = now.saturating_add(
				emergency_window.unwrap_or_else(<T as Config>::RequestLifetime::get),
			);

			// Logged before anything is decided or disclosed.
			let access_seq = Self::append(
				&patient,
				Some(request_id),
				AccessEvent::Requested {
					doctor: doctor.clone(),
					hospital,
					target: target.clone(),
					purpose: purpose.clone(),
					delivery_key,
					emergency,
					expires_at,
				},
			)?;
			let request = Request {
				patient: patient.clone(),
				doctor: doctor.clone(),
				hospital,
				target,
				purpose,
				delivery_key,
				emergency,
				created_at: now,
				expires_at,
				access_seq,
			};
			Requests::<T>::insert(request_id, &request);
			NextRequestId::<T>::put(next);
			Self::deposit_event(Event::AccessRequested {
				request_id,
				patient: patient.clone(),
				doctor: doctor.clone(),
				hospital,
				emergency,
			});
			if emergency {
				Self::deposit_event(Event::BreakGlassUsed {
					request_id,
					patient,
					doctor: doctor.clone(),
					until: expires_at,
				});
			}

			if let AccessTarget::Records(seqs) = &request.target {
				let requester = Requester { doctor, record, emergency };
				let entries = seqs
					.iter()
					.map(|seq| (*seq, Entries::<T>::get(&request.patient, seq)))
					.collect();
				Self::decide_and_log(request_id, &request, &requester, None, entries)?;
			}
			Ok(())
		}

		/// The doctor record and hospital of `who`, if both are active.
		fn active_doctor(who: &T::AccountId) -> Result<(Doctor<T>, HospitalId), Error<T>> {
			let record = Doctors::<T>::get(who).ok_or(Error::<T>::NotDoctor)?;
			ensure!(record.revoked_at.is_none(), Error::<T>::DoctorRevoked);
			let hospital =
				Hospitals::<T>::get(record.hospital).ok_or(Error::<T>::UnknownHospital)?;
			ensure!(hospital.revoked_at.is_none(), Error::<T>::HospitalRevoked);
			let id = record.hospital;
			Ok((record, id))
		}

		/// The requesting doctor of a request being decided, who must still be active.
		fn requester(doctor: &T::AccountId, emergency: bool) -> Result<Requester<T>, Error<T>> {
			let (record, _) = Self::active_doctor(doctor)?;
			Ok(Requester { doctor: doctor.clone(), record, emergency })
		}

		/// The attribute set of `doctor` (see the crate documentation: a contract with the key
		/// service). `emergency` counts only for break-glass requests.
		pub fn attributes_of(
			doctor: &T::AccountId,
			record: &Doctor<T>,
			emergency: bool,
		) -> Result<Vec<String>, Error<T>> {
			let grade =
				Hospitals::<T>::get(record.hospital).ok_or(Error::<T>::UnknownHospital)?.grade;
			let epoch = CurrentKeyEpoch::<T>::get().map(|e| e.index);
			let extras: Vec<&str> = record
				.attributes
				.iter()
				.filter_map(|a| core::str::from_utf8(a).ok())
				.filter(|a| !RESERVED_ATTRIBUTE_PREFIXES.iter().any(|p| a.starts_with(p)))
				.filter(|a| emergency || *a != EMERGENCY_ATTRIBUTE)
				.collect();
			let mut attributes = doctor_attributes(
				record.title,
				grade,
				epoch.unwrap_or_default(),
				&hex_of(&account_bytes(doctor)),
				&extras,
			);
			if epoch.is_none() {
				// Extras never start with `epoch:`, so this removes only the derived one.
				attributes.retain(|a| !a.starts_with("epoch:"));
			}
			Ok(attributes)
		}

		/// The consent outcome for `doctor` on `patient`'s records at block `now`: a refusal
		/// in force covering the doctor, their hospital or one of their departments denies;
		/// in explicit mode a grant in force covering one of them is required.
		pub fn consent_verdict(
			patient: &T::AccountId,
			doctor: &T::AccountId,
			record: &Doctor<T>,
			now: BlockNumberFor<T>,
		) -> Option<DenialReason> {
			let mode = ConsentModes::<T>::get(patient);
			if mode == ConsentMode::Implied && ConsentCount::<T>::get(patient) == 0 {
				return None;
			}
			let departments = (0..MAX_DEPARTMENTS)
				.filter(|d| record.departments >> d & 1 == 1)
				.filter_map(|d| u8::try_from(d).ok())
				.map(ConsentScope::Department);
			let scopes =
				[ConsentScope::Doctor(doctor.clone()), ConsentScope::Hospital(record.hospital)]
					.into_iter()
					.chain(departments);
			let mut granted = false;
			for scope in scopes {
				match Consents::<T>::get(patient, &scope) {
					Some(c) if c.in_force(now) && !c.granted => {
						return Some(DenialReason::ConsentRefused)
					},
					Some(c) if c.in_force(now) => granted = true,
					_ => {},
				}
			}
			(mode == ConsentMode::Explicit && !granted).then_some(DenialReason::ConsentMissing)
		}

		/// The decision for one entry (see the crate documentation), given the entry if it
		/// exists.
		pub fn decide(
			patient: &T::AccountId,
			seq: Seq,
			entry: Option<&EmrEntry<T>>,
			attributes: &[String],
			consent: Option<DenialReason>,
		) -> Decision {
			let Some(entry) = entry else {
				return Decision::Denied(DenialReason::UnknownEntry);
			};
			if Erasures::<T>::contains_key(patient, seq) {
				return Decision::Denied(DenialReason::Erased);
			}
			let Some(policy) = core::str::from_utf8(&entry.record.policy)
				.ok()
				.and_then(|text| Policy::parse(text).ok())
			else {
				return Decision::Denied(DenialReason::MalformedPolicy);
			};
			if !policy.is_satisfied_by(attributes) {
				return Decision::Denied(DenialReason::PolicyNotSatisfied);
			}
			match consent {
				Some(reason) => Decision::Denied(reason),
				None => Decision::Granted,
			}
		}

		/// Decides `entries` for `request`, stores the grants, appends one `Decided` record and
		/// emits [`Event::AccessDecided`].
		fn decide_and_log(
			request_id: RequestId,
			request: &Request<T>,
			requester: &Requester<T>,
			provider: Option<T::AccountId>,
			entries: Vec<(Seq, Option<EmrEntry<T>>)>,
		) -> DispatchResult {
			let now = frame_system::Pallet::<T>::block_number();
			let attributes =
				Self::attributes_of(&requester.doctor, &requester.record, requester.emergency)?;
			let consent = if requester.emergency {
				None
			} else {
				Self::consent_verdict(&request.patient, &requester.doctor, &requester.record, now)
			};
			let mut grant_expiry = now.saturating_add(<T as Config>::GrantLifetime::get());
			if request.emergency {
				grant_expiry = grant_expiry.min(request.expires_at);
			}
			let (mut granted, mut denied) = (0u32, 0u32);
			let mut decisions = Vec::with_capacity(entries.len());
			for (seq, entry) in entries {
				let decision =
					Self::decide(&request.patient, seq, entry.as_ref(), &attributes, consent);
				if let (Decision::Granted, Some(entry)) = (decision, entry) {
					granted = granted.saturating_add(1);
					Grants::<T>::insert(
						request_id,
						seq,
						Grant {
							patient: request.patient.clone(),
							doctor: request.doctor.clone(),
							provider: entry.record.provider,
							delivery_key: request.delivery_key,
							expires_at: grant_expiry,
						},
					);
				} else {
					denied = denied.saturating_add(1);
				}
				decisions.push((seq, decision));
			}
			let decisions =
				Decisions::<T>::try_from(decisions).map_err(|_| Error::<T>::TooManyRecords)?;
			let access_seq = Self::append(
				&request.patient,
				Some(request_id),
				AccessEvent::Decided {
					provider: provider.clone(),
					requested_at: request.access_seq,
					decisions,
				},
			)?;
			Self::deposit_event(Event::AccessDecided {
				request_id,
				patient: request.patient.clone(),
				provider,
				access_seq,
				granted,
				denied,
			});
			Ok(())
		}

		fn ensure_patient(origin: OriginFor<T>) -> Result<T::AccountId, DispatchError> {
			let patient = ensure_signed(origin)?;
			ensure!(Registry::<T>::is_active_patient(&patient), Error::<T>::NotPatient);
			Ok(patient)
		}

		/// Removes `patient`'s expired consents (at most `MaxConsentsPerPatient` of them).
		fn purge_expired_consents(patient: &T::AccountId, now: BlockNumberFor<T>) {
			let expired: Vec<ConsentScope<T>> = Consents::<T>::iter_prefix(patient)
				.take(<T as Config>::MaxConsentsPerPatient::get() as usize)
				.filter(|(_, consent)| !consent.in_force(now))
				.map(|(scope, _)| scope)
				.collect();
			for scope in expired {
				Consents::<T>::remove(patient, &scope);
				Self::decrement_consents(patient);
			}
		}

		fn decrement_consents(patient: &T::AccountId) {
			ConsentCount::<T>::mutate_exists(patient, |count| {
				let left = count.unwrap_or_default().saturating_sub(1);
				*count = (left > 0).then_some(left);
			});
		}

		/// Appends a record to `patient`'s access chain; returns its position.
		fn append(
			patient: &T::AccountId,
			request_id: Option<RequestId>,
			event: AccessEvent<T>,
		) -> Result<Seq, DispatchError> {
			let seq = AccessLength::<T>::get(patient);
			let next = seq.checked_add(1).ok_or(Error::<T>::AccessChainFull)?;
			let prev_hash =
				AccessHead::<T>::get(patient).unwrap_or_else(|| Self::genesis_hash(patient));
			let at = frame_system::Pallet::<T>::block_number();
			let record_hash = Self::record_hash(patient, seq, &prev_hash, &at, request_id, &event);
			AccessLog::<T>::insert(
				patient,
				seq,
				AccessRecord { seq, prev_hash, record_hash, at, request_id, event },
			);
			AccessHead::<T>::insert(patient, record_hash);
			AccessLength::<T>::insert(patient, next);
			Ok(seq)
		}

		/// The hash an empty access chain starts from: distinct per patient, so records cannot
		/// be moved between chains.
		pub fn genesis_hash(patient: &T::AccountId) -> Hash32 {
			sp_io::hashing::blake2_256(&(GENESIS_DOMAIN, patient).encode())
		}

		/// The hash of an access record with these contents.
		pub fn record_hash(
			patient: &T::AccountId,
			seq: Seq,
			prev_hash: &Hash32,
			at: &BlockNumberFor<T>,
			request_id: Option<RequestId>,
			event: &AccessEvent<T>,
		) -> Hash32 {
			sp_io::hashing::blake2_256(
				&(RECORD_DOMAIN, patient, seq, prev_hash, at, request_id, event).encode(),
			)
		}

		/// Recomputes `patient`'s access chain: every record's hash from its contents and every
		/// link to its predecessor.
		pub fn verify_access_chain(patient: &T::AccountId) -> ChainVerification {
			let length = AccessLength::<T>::get(patient);
			let mut expected_prev = Self::genesis_hash(patient);
			for seq in 0..length {
				let Some(record) = AccessLog::<T>::get(patient, seq) else {
					return ChainVerification { length, first_broken: Some(seq) };
				};
				let recomputed = Self::record_hash(
					patient,
					seq,
					&record.prev_hash,
					&record.at,
					record.request_id,
					&record.event,
				);
				if record.seq != seq
					|| record.prev_hash != expected_prev
					|| record.record_hash != recomputed
				{
					return ChainVerification { length, first_broken: Some(seq) };
				}
				expected_prev = record.record_hash;
			}
			let head_ok = match AccessHead::<T>::get(patient) {
				Some(head) => head == expected_prev,
				None => length == 0,
			};
			ChainVerification { length, first_broken: (!head_ok).then_some(length) }
		}

		/// Up to `count` records of `patient`'s access chain from position `from`.
		pub fn access_history(
			patient: &T::AccountId,
			from: Seq,
			count: u32,
		) -> Vec<AccessRecord<T>> {
			let end = from.saturating_add(count).min(AccessLength::<T>::get(patient));
			(from..end).filter_map(|seq| AccessLog::<T>::get(patient, seq)).collect()
		}

		/// The request record a `Decided` record refers to.
		fn requested(patient: &T::AccountId, requested_at: Seq) -> Option<Requested<T>> {
			match AccessLog::<T>::get(patient, requested_at)?.event {
				AccessEvent::Requested { doctor, hospital, purpose, emergency, .. } => {
					Some(Requested { doctor, hospital, purpose, emergency })
				},
				_ => None,
			}
		}

		/// Every grant of EMR entry `seq` of `patient`, oldest first. Scans the whole access
		/// chain (for the runtime API, not for calls).
		pub fn readers_of(patient: &T::AccountId, seq: Seq) -> Vec<Reader<T>> {
			let mut readers = Vec::new();
			for access_seq in 0..AccessLength::<T>::get(patient) {
				let Some(record) = AccessLog::<T>::get(patient, access_seq) else { continue };
				let AccessEvent::Decided { requested_at, decisions, .. } = record.event else {
					continue;
				};
				if !decisions.iter().any(|(s, d)| *s == seq && *d == Decision::Granted) {
					continue;
				}
				let (Some(request_id), Some(Requested { doctor, hospital, emergency, .. })) =
					(record.request_id, Self::requested(patient, requested_at))
				else {
					continue;
				};
				readers.push(Reader {
					request_id,
					doctor,
					hospital,
					at: record.at,
					emergency,
					access_seq,
				});
			}
			readers
		}

		/// The accounting of disclosures: every entry granted in access records
		/// `from .. from + count` of `patient`'s chain (a page of chain positions, so a page
		/// holds any number of disclosures up to `count * MaxHostedPerProvider`).
		pub fn disclosures(patient: &T::AccountId, from: Seq, count: u32) -> Vec<Disclosure<T>> {
			let mut out = Vec::new();
			for record in Self::access_history(patient, from, count) {
				let AccessEvent::Decided { requested_at, decisions, provider } = record.event
				else {
					continue;
				};
				let (Some(request_id), Some(Requested { doctor, hospital, purpose, emergency })) =
					(record.request_id, Self::requested(patient, requested_at))
				else {
					continue;
				};
				for (seq, decision) in decisions {
					if decision != Decision::Granted {
						continue;
					}
					let provider = provider.clone().or_else(|| {
						Entries::<T>::get(patient, seq).map(|entry| entry.record.provider)
					});
					out.push(Disclosure {
						access_seq: record.seq,
						request_id,
						seq,
						doctor: doctor.clone(),
						hospital,
						provider,
						purpose: purpose.clone(),
						at: record.at,
						emergency,
					});
				}
			}
			out
		}

		/// Invariants: every access chain verifies and holds exactly its length in records,
		/// request ids lie below the counter and each request's `Requested` record is in its
		/// patient's chain, every grant and fulfilment mark belongs to an existing request,
		/// fulfilment marks only to searches, and consent counts match the consents kept.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			for (patient, length) in AccessLength::<T>::iter() {
				ensure!(
					Self::verify_access_chain(&patient).first_broken.is_none(),
					"an access chain does not verify"
				);
				ensure!(
					AccessLog::<T>::iter_key_prefix(&patient).count() as u64 == u64::from(length),
					"access log and chain length differ"
				);
			}
			for patient in AccessHead::<T>::iter_keys() {
				ensure!(AccessLength::<T>::get(&patient) > 0, "head of an empty access chain");
			}
			for patient in AccessLog::<T>::iter_keys().map(|(p, _)| p) {
				ensure!(AccessLength::<T>::contains_key(&patient), "access record without length");
			}
			let next = NextRequestId::<T>::get();
			for (id, request) in Requests::<T>::iter() {
				ensure!(id < next, "request id at or above NextRequestId");
				let logged = AccessLog::<T>::get(&request.patient, request.access_seq)
					.ok_or("request's Requested record missing")?;
				ensure!(
					logged.request_id == Some(id)
						&& matches!(logged.event, AccessEvent::Requested { .. }),
					"request's access record is not its Requested record"
				);
			}
			for (id, _, grant) in Grants::<T>::iter() {
				let request = Requests::<T>::get(id).ok_or("grant of an unknown request")?;
				ensure!(
					grant.patient == request.patient && grant.doctor == request.doctor,
					"grant differs from its request"
				);
			}
			for (id, _, ()) in Fulfilled::<T>::iter() {
				let request = Requests::<T>::get(id).ok_or("fulfilment of an unknown request")?;
				ensure!(
					matches!(request.target, AccessTarget::Search { .. }),
					"fulfilment of a records request"
				);
			}
			let max = <T as Config>::MaxConsentsPerPatient::get();
			let mut counted = 0u64;
			for (patient, count) in ConsentCount::<T>::iter() {
				ensure!(count > 0 && count <= max, "consent count out of range");
				ensure!(
					Consents::<T>::iter_key_prefix(&patient).count() as u64 == u64::from(count),
					"consent count differs from consents kept"
				);
				counted = counted.saturating_add(u64::from(count));
			}
			ensure!(
				Consents::<T>::iter_keys().count() as u64 == counted,
				"consents without a count"
			);
			for (_, mode) in ConsentModes::<T>::iter() {
				ensure!(mode == ConsentMode::Explicit, "implied mode stored explicitly");
			}
			Ok(())
		}
	}
}
