//! # MedChain EMR index chain pallet
//!
//! Per patient, an append-only, hash-linked list of record entries (DESIGN.md "On-chain",
//! S1's EMR index chain).
//!
//! ## Overview
//!
//! A hospital's record service encrypts a record, tags it for PDP audits, computes its SHVE
//! ciphertext and ABE-wrapped key, uploads the bundle to a storage provider that is not its
//! own, and then appends an [`EmrEntry`] here with the ciphertext's hash and size, the
//! provider and locator, the PDP file parameters, a commitment to the SHVE ciphertext, the ABE
//! policy and a public description that names neither department nor diagnosis. The author
//! field names the record service, never a doctor, because a doctor's department is public.
//!
//! Every entry carries `prev_hash` (the previous entry's hash, or the chain's genesis hash) and
//! `entry_hash`, the [`medchain_primitives::HashChain`] link hash over the patient, the entry's
//! format, its position, `prev_hash` and all its fields, so anyone can recompute the chain
//! ([`Pallet::verify_chain`], runtime API `EmrApi` of `pallet-medchain-emr-runtime-api`) and
//! detect tampering; the format makes a later change of layout verifiable beside older entries.
//! Entries are never edited: an amendment is a new entry whose `supersedes` names the entry it
//! replaces, written by the record service of the hospital that wrote that entry, and erasure
//! (crypto-shredding: keys destroyed, provider deletes) marks the entry erased in a separate map,
//! so the chain's hashes stay verifiable, and takes it off its provider's hosted index (the
//! provider no longer holds it, so a search no longer covers it).
//!
//! A record's policy must parse, and every attribute it names must be one a doctor can hold:
//! derived by the chain (`title>=N`, `grade>=N`, `epoch:N`, `doctor:<account hex>`, see
//! [`is_derived_attribute`]) or on the registrar's allowlist ([`Config::Attributes`]). Since the
//! allowlist holds no department, no record policy names one (DESIGN.md "Access needs a
//! basis").
//!
//! Every entry carries its provider's receipt ([`NewEntry::receipt`], a signature over
//! `medchain_primitives::ReceiptStatement`): the provider holds the bundle complete and checked
//! every PDP tag. A receipt names the last block it counts in
//! ([`NewEntry::receipt_valid_until`]), after which the append is refused
//! ([`Error::ReceiptExpired`]): a provider deletes a bundle no entry lists once that block is
//! final, so no entry can name a bundle its provider was entitled to delete.
//!
//! The entry names the version of the hospital's PDP key that tagged it, which must be the
//! version in force at append; [`Pallet::check_possession`] verifies proofs under that version
//! for good, so a hospital rotating its key leaves its older records auditable.
//!
//! The pallet reads nothing of the registry's storage: it asks [`Config::Hospitals`],
//! [`Config::Providers`] and [`Config::Patients`] (traits of `medchain-primitives`), and other
//! pallets learn of entries through its implementation of [`medchain_primitives::EmrIndex`]
//! (the access pallet finds every entry a provider hosts for a patient that way). The calls are
//! feeless (`Pays::No`): the registry's `CheckNonceAndFeeless` transaction extension admits them
//! only from active registered actors, a bounded number per window and per block.
//!
//! ## Interface
//!
//! ### Dispatchable functions
//!
//! - [`Pallet::append_record`]: a record service appends one entry.
//! - [`Pallet::append_records`]: a record service appends a batch, possibly for many patients.
//! - [`Pallet::erase_record`]: the authoring record service or the registrar marks an entry
//!   erased and takes it off its provider's hosted index.
//!
//! ### Runtime API
//!
//! `EmrApi` (crate `pallet-medchain-emr-runtime-api`), backed by [`Pallet::verify_chain`],
//! [`Pallet::entries`] and [`Pallet::check_possession`]: verify a patient's whole chain, page
//! through it, and check a storage provider's proof of data possession for an entry against the
//! keys on chain.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod index;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

/// What the benchmarks need of the registry, which this pallet does not depend on: the
/// runtime implements it with the registry pallet, the mock with its test directory.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, ProviderSignature> {
	/// Registers an active hospital whose record service is `service` (PDP key version 0);
	/// returns the hospital's id.
	fn register_record_service(service: &AccountId) -> medchain_primitives::HospitalId;
	/// Registers `provider` as an active storage provider operated by `operator`.
	fn register_provider(provider: &AccountId, operator: Option<medchain_primitives::HospitalId>);
	/// The account of a storage provider whose key the benchmarks hold, one per `index`.
	fn provider_account(index: u32) -> AccountId;
	/// `provider`'s signature over `statement` (a provider from [`Self::provider_account`]).
	fn sign_receipt(provider: &AccountId, statement: &[u8]) -> ProviderSignature;
	/// Registers `patient` as an active patient.
	fn register_patient(patient: &AccountId);
	/// Puts `attribute` on the registrar's allowlist, if it is not there yet.
	fn allow_attribute(attribute: &[u8]);
	/// The longest attribute the allowlist takes, in bytes.
	fn max_attribute_len() -> u32;
}

/// Derived attributes whose prefix is followed by a decimal number (title, grade, key epoch).
const NUMERIC_DERIVED_PREFIXES: [&str; 3] = ["title>=", "grade>=", "epoch:"];
/// The derived attribute naming one doctor, followed by the hex digits of the account.
const IDENTITY_DERIVED_PREFIX: &str = "doctor:";
/// Lower-case hex digits of a 32-byte account in a `doctor:` attribute.
const IDENTITY_HEX_DIGITS: usize = 64;
/// Decimal digits of a `u32`, the longest number a numeric derived attribute carries.
const MAX_DERIVED_DIGITS: usize = 10;

/// The attributes `policy` names that the chain does not derive: the ones the registrar's
/// allowlist must hold for a record under `policy` to be appended (for record services and
/// benchmark setups); `None` if `policy` is not UTF-8 text the policy parser accepts.
pub fn non_derived_attributes(policy: &[u8]) -> Option<alloc::vec::Vec<alloc::vec::Vec<u8>>> {
	let policy = medchain_crypto::abe::Policy::parse(core::str::from_utf8(policy).ok()?).ok()?;
	Some(
		policy
			.leaves()
			.map(|(_, attribute)| attribute)
			.filter(|attribute| !is_derived_attribute(attribute))
			.map(<[u8]>::to_vec)
			.collect(),
	)
}

/// Whether `attribute` is a well-formed attribute the chain derives itself: `title>=N`,
/// `grade>=N` or `epoch:N` with `N` at most ten decimal digits, or `doctor:` with the 64
/// lower-case hex digits of an account. A derived prefix followed by anything else is not
/// derived: it could carry free text (a department's name, say) that no doctor ever holds.
pub fn is_derived_attribute(attribute: &[u8]) -> bool {
	let numeric = NUMERIC_DERIVED_PREFIXES.iter().any(|prefix| {
		attribute.strip_prefix(prefix.as_bytes()).is_some_and(|digits| {
			(1..=MAX_DERIVED_DIGITS).contains(&digits.len())
				&& digits.iter().all(u8::is_ascii_digit)
		})
	});
	numeric
		|| attribute.strip_prefix(IDENTITY_DERIVED_PREFIX.as_bytes()).is_some_and(|hex| {
			hex.len() == IDENTITY_HEX_DIGITS
				&& hex.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
		})
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	use alloc::vec::Vec;
	use frame_support::{pallet_prelude::*, traits::Defensive};
	use frame_system::pallet_prelude::*;
	use medchain_crypto::abe::Policy;
	use medchain_primitives::{
		AttributeRegistry, BundleDigest, HospitalId, HospitalRegistry, PatientRegistry,
		ProviderRegistry, ProviderStanding, ReceiptStatement, RecordServiceInfo, FORMAT_V1,
	};
	use sp_runtime::traits::{IdentifyAccount, Verify};

	/// The in-code storage version: 1 since entries carry their format and PDP key version
	/// (the chain has not launched, so no migration from 0 exists).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the EMR index chain.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// May erase any entry (besides the authoring record service): the registrar.
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Hospitals, their record services (who may append) and their PDP keys by version.
		type Hospitals: HospitalRegistry<Self::AccountId>;

		/// Storage providers (who may host records).
		type Providers: ProviderRegistry<Self::AccountId>;

		/// Patients (whose chains may grow).
		type Patients: PatientRegistry<Self::AccountId>;

		/// The registrar's attribute allowlist: besides the derived attributes, a record's
		/// policy may name only attributes on it.
		type Attributes: AttributeRegistry;

		/// A storage provider's signature on its receipt for a record bundle (a
		/// [`medchain_primitives::ReceiptStatement`]), which every appended entry carries: the
		/// runtime's `MultiSignature`.
		type ProviderSignature: Verify<Signer = Self::ProviderPublic> + Parameter + MaxEncodedLen;

		/// The key behind a [`Config::ProviderSignature`]: the provider's account.
		type ProviderPublic: IdentifyAccount<AccountId = Self::AccountId>;

		/// Maximum length of a provider locator, in bytes.
		#[pallet::constant]
		type MaxLocatorLen: Get<u32>;

		/// Maximum length of a record's ABE policy text, in bytes (the policy parser itself
		/// takes at most 4096).
		#[pallet::constant]
		type MaxPolicyLen: Get<u32>;

		/// Maximum length of a public description, in bytes.
		#[pallet::constant]
		type MaxDescriptionLen: Get<u32>;

		/// Maximum number of entries one `append_records` call carries.
		#[pallet::constant]
		type MaxBatch: Get<u32>;

		/// Maximum number of one patient's entries one provider may host; bounds the work of
		/// a search fulfilment, which must cover all of them.
		#[pallet::constant]
		type MaxHostedPerProvider: Get<u32>;

		/// Whether a provider may take new records: a provider its audits suspended may not
		/// (the audit pallet; `()` lets every provider take records).
		type ProviderStanding: ProviderStanding<Self::AccountId>;

		/// Weights of this pallet's calls, from `medchain-node benchmark pallet`.
		type WeightInfo: WeightInfo;

		/// Registers the actors the benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId, Self::ProviderSignature>;
	}

	/// Length and head hash of each patient's chain; absent for a patient without entries.
	#[pallet::storage]
	pub type Chains<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ChainState>;

	/// The entries, by patient and position.
	#[pallet::storage]
	pub type Entries<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, Seq, EmrEntry<T>>;

	/// Erased entries (crypto-shredded), by patient and position.
	#[pallet::storage]
	pub type Erasures<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, Seq, Erasure<T>>;

	/// The positions of the entries each provider hosts for each patient.
	#[pallet::storage]
	pub type HostedBy<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<Seq, T::MaxHostedPerProvider>,
		ValueQuery,
	>;

	/// Number of entries in all chains.
	#[pallet::storage]
	pub type TotalEntries<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Every entry of all chains by its global position `0..TotalEntries`, in append order:
	/// what audits sample uniformly ([`medchain_primitives::AuditIndex`]). An erased entry keeps
	/// its position (a draw that hits it opens nothing, so the draws that open a challenge are
	/// uniform over the live entries), which costs one write per append and none per erasure.
	#[pallet::storage]
	pub type EntryAt<T: Config> = StorageMap<_, Twox64Concat, u64, (T::AccountId, Seq)>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An entry was appended to a patient's chain.
		RecordAppended {
			patient: T::AccountId,
			seq: Seq,
			hospital: HospitalId,
			provider: T::AccountId,
			entry_hash: Hash32,
			supersedes: Option<Seq>,
		},
		/// An entry was erased (its keys destroyed, the provider told to delete); `by` is the
		/// authoring record service, or `None` for the registrar.
		RecordErased { patient: T::AccountId, seq: Seq, by: Option<T::AccountId> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signer is not the record service of an active hospital.
		NotRecordService,
		/// The patient is not an active registered patient.
		UnknownPatient,
		/// The provider is not an active registered storage provider.
		UnknownProvider,
		/// A provider may not store records of the hospital that operates it.
		ProviderOperatedByAuthor,
		/// The amended entry does not exist.
		UnknownSuperseded,
		/// The amended or erased entry was erased already.
		AlreadyErased,
		/// No entry at this position.
		UnknownEntry,
		/// Only the authoring record service or the registrar may erase an entry.
		NotAuthor,
		/// The provider hosts the maximum number of this patient's entries.
		ProviderFull,
		/// The patient's chain is full.
		ChainFull,
		/// An empty batch.
		EmptyBatch,
		/// The record was tagged under another PDP key version than the hospital's in force.
		StalePdpKey,
		/// The record's PDP parameters are not the ones derived from its ciphertext hash, size
		/// and sectors (file name, block count).
		PdpFileMismatch,
		/// The record's receipt is not its provider's signature over the receipt statement
		/// for this patient, locator, ciphertext hash, size and PDP parameters: the provider
		/// never acknowledged holding the bundle.
		BadReceipt,
		/// The record's policy is not UTF-8 text the policy parser accepts.
		MalformedPolicy,
		/// The record's policy names an attribute that is neither derived by the chain nor on
		/// the registrar's allowlist (a department, for example).
		PolicyNamesUnknownAttribute,
		/// Only the record service of the hospital that wrote an entry may amend it.
		NotAuthorOfSuperseded,
		/// The record's receipt was good for appends up to an earlier block: the provider may
		/// have deleted the bundle since. Upload again for a fresh receipt.
		ReceiptExpired,
		/// The provider is suspended by its audit record (too many missed audits in a row): it
		/// takes no new records until it passes audits again. Place the record elsewhere.
		ProviderSuspended,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Appends one entry to `patient`'s chain.
		///
		/// The origin must be signed by an active hospital's record service; the patient must
		/// be active, the provider active and not operated by that hospital, the record tagged
		/// under the hospital's PDP key in force, and its policy must parse and name only
		/// derived or allowlisted attributes. An amendment (`supersedes`) must name a live entry
		/// of the patient written by the same hospital. Feeless.
		///
		/// Emits [`Event::RecordAppended`].
		///
		/// ## Complexity
		/// - O(h + b + p): `h` the entries the provider hosts for the patient (its index is
		///   rewritten, at most [`Config::MaxHostedPerProvider`]), `b` the record's bytes, `p`
		///   the policy's leaves (at most 48), one allowlist lookup each.
		#[pallet::call_index(0)]
		#[pallet::weight((
			<T as Config>::WeightInfo::append_records(1, record.variable_len()),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn append_record(
			origin: OriginFor<T>,
			patient: T::AccountId,
			record: NewEntry<T>,
		) -> DispatchResult {
			let author = ensure_signed(origin)?;
			let service =
				T::Hospitals::active_record_service(&author).ok_or(Error::<T>::NotRecordService)?;
			Self::do_append(&author, &service, patient, record, TotalEntries::<T>::get())?;
			Self::count_appended(1);
			Ok(())
		}

		/// Appends a batch of entries, possibly to several patients' chains, in order. All or
		/// nothing: one invalid entry rejects the batch.
		///
		/// The origin and every entry as for [`Pallet::append_record`]. Feeless.
		///
		/// Emits [`Event::RecordAppended`] per entry.
		///
		/// ## Complexity
		/// - O(n · h + b): `n` entries (at most [`Config::MaxBatch`]), `h` and `b` as for
		///   [`Pallet::append_record`].
		#[pallet::call_index(1)]
		#[pallet::weight((
			<T as Config>::WeightInfo::append_records(
				records.len() as u32,
				records.iter().fold(0u32, |sum, (_, r)| sum.saturating_add(r.variable_len())),
			),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn append_records(
			origin: OriginFor<T>,
			records: BoundedVec<(T::AccountId, NewEntry<T>), T::MaxBatch>,
		) -> DispatchResult {
			let author = ensure_signed(origin)?;
			ensure!(!records.is_empty(), Error::<T>::EmptyBatch);
			let service =
				T::Hospitals::active_record_service(&author).ok_or(Error::<T>::NotRecordService)?;
			let appended = records.len() as u64;
			let first = TotalEntries::<T>::get();
			for (position, (patient, record)) in (first..).zip(records) {
				Self::do_append(&author, &service, patient, record, position)?;
			}
			// Once per batch rather than per entry: the counter is one storage item.
			Self::count_appended(appended);
			Ok(())
		}

		/// Marks an entry erased (crypto-shredding); the entry and its hash stay so the chain
		/// still verifies, and the erasure is logged. The entry leaves its provider's hosted
		/// index ([`HostedBy`]): the provider deletes it, so searches no longer cover it, and
		/// its place counts towards [`Config::MaxHostedPerProvider`] no more.
		///
		/// The origin must be [`Config::RegistrarOrigin`] or signed by the entry's authoring
		/// record service. Feeless.
		///
		/// Emits [`Event::RecordErased`].
		///
		/// ## Complexity
		/// - O(h): `h` the entries the provider hosts for the patient (its index is rewritten,
		///   at most [`Config::MaxHostedPerProvider`]).
		#[pallet::call_index(2)]
		#[pallet::weight((<T as Config>::WeightInfo::erase_record(), DispatchClass::Normal, Pays::No))]
		pub fn erase_record(
			origin: OriginFor<T>,
			patient: T::AccountId,
			seq: Seq,
		) -> DispatchResult {
			let entry = Entries::<T>::get(&patient, seq).ok_or(Error::<T>::UnknownEntry)?;
			let by = match T::RegistrarOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => {
					let who = ensure_signed(origin)?;
					ensure!(who == entry.author, Error::<T>::NotAuthor);
					Some(who)
				},
			};
			ensure!(!Erasures::<T>::contains_key(&patient, seq), Error::<T>::AlreadyErased);
			Erasures::<T>::insert(
				&patient,
				seq,
				Erasure { by: by.clone(), at: frame_system::Pallet::<T>::block_number() },
			);
			// What `EmrIndex::hosted_by` lists is what a search fulfilment must cover, and an
			// erased record is no longer the provider's to serve.
			HostedBy::<T>::mutate_exists(&patient, &entry.record.provider, |hosted| {
				if let Some(seqs) = hosted {
					seqs.retain(|hosted_seq| *hosted_seq != seq);
					if seqs.is_empty() {
						*hosted = None;
					}
				}
			});
			Self::deposit_event(Event::RecordErased { patient, seq, by });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		fn count_appended(entries: u64) {
			TotalEntries::<T>::mutate(|total| *total = total.saturating_add(entries));
		}

		/// The length and head of `patient`'s chain; an empty chain starts at its genesis hash.
		pub fn chain_state(patient: &T::AccountId) -> ChainState {
			Chains::<T>::get(patient)
				.unwrap_or_else(|| ChainState { length: 0, head: Self::genesis_hash(patient) })
		}

		/// Number of entries in `patient`'s chain (the next entry's position).
		pub fn chain_length(patient: &T::AccountId) -> Seq {
			Chains::<T>::get(patient).map_or(0, |chain| chain.length)
		}

		/// Appends `record` to `patient`'s chain; `position` is the entry's global position
		/// ([`EntryAt`]): `TotalEntries` before its call, plus the entries its batch appended
		/// before it.
		fn do_append(
			author: &T::AccountId,
			service: &RecordServiceInfo,
			patient: T::AccountId,
			record: NewEntry<T>,
			position: u64,
		) -> DispatchResult {
			let hospital = service.hospital;
			ensure!(T::Patients::is_active_patient(&patient), Error::<T>::UnknownPatient);
			let provider = T::Providers::active_provider(&record.provider)
				.ok_or(Error::<T>::UnknownProvider)?;
			ensure!(provider.operator != Some(hospital), Error::<T>::ProviderOperatedByAuthor);
			ensure!(
				T::ProviderStanding::accepts_new_records(&record.provider),
				Error::<T>::ProviderSuspended
			);
			ensure!(
				record.pdp_file.key_version == service.pdp_key_version,
				Error::<T>::StalePdpKey
			);
			ensure!(Self::pdp_file_is_derived(&record), Error::<T>::PdpFileMismatch);
			ensure!(
				frame_system::Pallet::<T>::block_number() <= record.receipt_valid_until,
				Error::<T>::ReceiptExpired
			);
			ensure!(Self::receipt_is_valid(&patient, &record), Error::<T>::BadReceipt);
			Self::ensure_known_policy(&record.policy)?;
			let ChainState { length: seq, head: prev_hash } = Self::chain_state(&patient);
			if let Some(superseded) = record.supersedes {
				let amended =
					Entries::<T>::get(&patient, superseded).ok_or(Error::<T>::UnknownSuperseded)?;
				// The hospital, not the account: it names the record service for good, and
				// another hospital must not replace what this one wrote.
				ensure!(amended.hospital == hospital, Error::<T>::NotAuthorOfSuperseded);
				ensure!(
					!Erasures::<T>::contains_key(&patient, superseded),
					Error::<T>::AlreadyErased
				);
			}
			let next = seq.checked_add(1).ok_or(Error::<T>::ChainFull)?;
			HostedBy::<T>::try_mutate(&patient, &record.provider, |hosted| {
				hosted.try_push(seq).map_err(|_| Error::<T>::ProviderFull)
			})?;

			let mut entry = EmrEntry {
				format: FORMAT_V1,
				seq,
				prev_hash,
				entry_hash: [0; 32],
				author: author.clone(),
				hospital,
				created_at: frame_system::Pallet::<T>::block_number(),
				record,
			};
			// FORMAT_V1 is always known, so the hash always exists.
			let entry_hash = entry.compute_hash(&EMR_CHAIN, &patient).defensive_unwrap_or_default();
			entry.entry_hash = entry_hash;
			let event = Event::RecordAppended {
				patient: patient.clone(),
				seq,
				hospital,
				provider: entry.record.provider.clone(),
				entry_hash,
				supersedes: entry.record.supersedes,
			};
			Entries::<T>::insert(&patient, seq, entry);
			Chains::<T>::insert(&patient, ChainState { length: next, head: entry_hash });
			EntryAt::<T>::insert(position, (patient, seq));
			Self::deposit_event(event);
			Ok(())
		}

		/// Refuses a policy that is not UTF-8 text the policy parser accepts
		/// ([`Error::MalformedPolicy`]), or that names an attribute no doctor can hold: one
		/// neither derived ([`is_derived_attribute`]) nor on the registrar's allowlist
		/// ([`Error::PolicyNamesUnknownAttribute`]).
		pub fn ensure_known_policy(policy: &[u8]) -> DispatchResult {
			let policy = core::str::from_utf8(policy)
				.ok()
				.and_then(|text| Policy::parse(text).ok())
				.ok_or(Error::<T>::MalformedPolicy)?;
			for (_, attribute) in policy.leaves() {
				ensure!(
					is_derived_attribute(attribute)
						|| T::Attributes::is_allowed_attribute(attribute),
					Error::<T>::PolicyNamesUnknownAttribute
				);
			}
			Ok(())
		}

		/// Whether `record`'s PDP parameters are the ones the runtime derives from its
		/// ciphertext hash, size and sectors (see [`PdpFile::params_hash`]).
		pub fn pdp_file_is_derived(record: &NewEntry<T>) -> bool {
			let file = &record.pdp_file;
			PdpFile::derived(&record.ciphertext_hash, record.size, file.sectors, file.key_version)
				.as_ref() == Some(file)
		}

		/// The receipt statement the provider of `record` signs for `patient`'s bundle on this
		/// chain: what [`NewEntry::receipt`] must be a signature over.
		pub fn receipt_statement(
			patient: &T::AccountId,
			record: &NewEntry<T>,
		) -> ReceiptStatement<T::AccountId, BlockNumberFor<T>> {
			let mut genesis_hash = [0u8; 32];
			let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			let bytes = genesis.as_ref();
			let len = bytes.len().min(32);
			genesis_hash[..len].copy_from_slice(&bytes[..len]);
			ReceiptStatement::new(
				genesis_hash,
				record.provider.clone(),
				BundleDigest {
					patient: patient.clone(),
					locator: record.locator.to_vec(),
					ciphertext_hash: record.ciphertext_hash,
					size: record.size,
					pdp_params_hash: record.pdp_file.params_hash,
					shve_commitment: record.shve_commitment,
				},
				record.receipt_valid_until,
			)
		}

		/// Whether `record` carries its provider's signature over the receipt statement.
		pub fn receipt_is_valid(patient: &T::AccountId, record: &NewEntry<T>) -> bool {
			let statement = Self::receipt_statement(patient, record).encode();
			record.receipt.verify(&statement[..], &record.provider)
		}

		/// The hash an empty chain starts from: distinct per patient, so entries cannot be
		/// moved between chains.
		pub fn genesis_hash(patient: &T::AccountId) -> Hash32 {
			EMR_CHAIN.genesis_hash(patient)
		}

		/// Recomputes `patient`'s chain: every entry's hash from its contents under its format's
		/// rules and every link to its predecessor.
		pub fn verify_chain(patient: &T::AccountId) -> ChainVerification {
			let stored = Chains::<T>::get(patient);
			EMR_CHAIN.verify(
				patient,
				stored.map_or(0, |chain| chain.length),
				stored.map(|chain| chain.head),
				|seq| Entries::<T>::get(patient, seq),
			)
		}

		/// Recomputes at most `max` entries of `patient`'s chain from position `from` (and the
		/// stored head if the page reaches the end), reading at most `max + 1` entries: what the
		/// runtime API answers, in bounded time however long the chain.
		pub fn verify_chain_page(patient: &T::AccountId, from: Seq, max: Seq) -> ChainPage {
			let stored = Chains::<T>::get(patient);
			EMR_CHAIN.verify_page(
				patient,
				stored.map_or(0, |chain| chain.length),
				stored.map(|chain| chain.head),
				from,
				max,
				|seq| Entries::<T>::get(patient, seq),
			)
		}

		/// Checks a storage provider's proof of data possession for entry `seq` of `patient`:
		/// `file_params` (SCALE `PdpFileParams`) must be the ones the entry committed to, and
		/// `proof` must answer the challenge derived from `seed` under the PDP key version that
		/// tagged the entry. The verification itself runs natively through the
		/// `medchain_crypto_host` host function, one multi-pairing.
		pub fn check_possession(
			patient: &T::AccountId,
			seq: Seq,
			file_params: &[u8],
			seed: &[u8; 32],
			proof: &[u8],
		) -> PossessionCheck {
			Self::check_possession_of(patient, seq, file_params, |key| {
				medchain_io::medchain_crypto_host::verify_pdp(key, file_params, seed, proof)
			})
		}

		/// [`Pallet::check_possession`] for the challenge of `challenged` blocks (an audit's
		/// light or full challenge), through the `verify_pdp_sized` host function.
		pub fn check_possession_sized(
			patient: &T::AccountId,
			seq: Seq,
			file_params: &[u8],
			seed: &[u8; 32],
			challenged: u32,
			proof: &[u8],
		) -> PossessionCheck {
			Self::check_possession_of(patient, seq, file_params, |key| {
				medchain_io::medchain_crypto_host::verify_pdp_sized(
					key,
					file_params,
					seed,
					challenged,
					proof,
				)
			})
		}

		/// The checks both possession checks share; `verify` runs the proof check under the
		/// entry's key.
		fn check_possession_of(
			patient: &T::AccountId,
			seq: Seq,
			file_params: &[u8],
			verify: impl FnOnce(&[u8]) -> bool,
		) -> PossessionCheck {
			let Some(entry) = Entries::<T>::get(patient, seq) else {
				return PossessionCheck::UnknownEntry;
			};
			if Erasures::<T>::contains_key(patient, seq) {
				return PossessionCheck::Erased;
			}
			if sp_io::hashing::blake2_256(file_params) != entry.record.pdp_file.params_hash {
				return PossessionCheck::FileParamsMismatch;
			}
			let Some(key) =
				T::Hospitals::pdp_public_key(entry.hospital, entry.record.pdp_file.key_version)
			else {
				return PossessionCheck::UnknownKey;
			};
			if verify(&key) {
				PossessionCheck::Valid
			} else {
				PossessionCheck::Invalid
			}
		}

		/// Up to `count` entries of `patient`'s chain from position `from`.
		pub fn entries(patient: &T::AccountId, from: Seq, count: u32) -> Vec<EmrEntry<T>> {
			let end = from.saturating_add(count).min(Self::chain_length(patient));
			(from..end).filter_map(|seq| Entries::<T>::get(patient, seq)).collect()
		}

		/// Invariants: every chain verifies, the head is the last entry's hash, every erasure
		/// is of an existing entry, the hosted index lists exactly the live (not erased)
		/// entries of each provider, in append order, and the total is the sum of the chains.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let mut total: u64 = 0;
			for (patient, ChainState { length, .. }) in Chains::<T>::iter() {
				total = total.saturating_add(length.into());
				ensure!(
					Self::verify_chain(&patient).first_broken.is_none(),
					"an EMR chain does not verify"
				);
				let erased = Erasures::<T>::iter_key_prefix(&patient).count() as u32;
				let mut hosted = 0u32;
				for (_, seqs) in HostedBy::<T>::iter_prefix(&patient) {
					hosted = hosted.saturating_add(seqs.len() as u32);
				}
				// With the checks below (hosted entries are live, distinct and their provider's,
				// erasures are of distinct existing entries), this makes the index list every
				// live entry.
				ensure!(
					hosted.saturating_add(erased) == length,
					"hosted index and live entries differ in number"
				);
			}
			ensure!(total == TotalEntries::<T>::get(), "TotalEntries is not the sum of chains");
			let mut indexed = alloc::collections::BTreeSet::new();
			for (position, (patient, seq)) in EntryAt::<T>::iter() {
				ensure!(position < total, "a global position past TotalEntries");
				ensure!(Entries::<T>::contains_key(&patient, seq), "a position names no entry");
				ensure!(indexed.insert((patient, seq)), "an entry holds two global positions");
			}
			ensure!(indexed.len() as u64 == total, "an entry has no global position");
			for (patient, seq) in Erasures::<T>::iter_keys() {
				ensure!(Entries::<T>::contains_key(&patient, seq), "erasure of a missing entry");
			}
			for (patient, provider, seqs) in HostedBy::<T>::iter() {
				ensure!(!seqs.is_empty(), "an empty hosted index is stored");
				ensure!(
					seqs.windows(2).all(|pair| pair[0] < pair[1]),
					"a hosted index is not in append order"
				);
				for seq in seqs {
					let entry = Entries::<T>::get(&patient, seq).ok_or("hosted entry missing")?;
					ensure!(entry.record.provider == provider, "hosted entry of another provider");
					ensure!(
						!Erasures::<T>::contains_key(&patient, seq),
						"an erased entry is still hosted"
					);
				}
			}
			Ok(())
		}
	}
}
