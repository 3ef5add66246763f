//! # MedChain registry pallet
//!
//! Who is who on MedChain: hospitals, doctors, storage providers and patients, the key epoch
//! and the public parameters of the registrar's key service.
//!
//! ## Overview
//!
//! The registrar (DESIGN.md: S1's PKG / S2's KMC) is a governance origin, `Root` through sudo in
//! development and a hospital collective in production ([`Config::RegistrarOrigin`]). It
//! registers, updates and revokes:
//!
//! - **hospitals**: the account of the hospital's record service (the only account that
//!   appends the hospital's records), a display name, the grade 5..=14 that ABE policies
//!   compare against, the PDP public keys that proofs of its records verify under (by
//!   version: a new key is added, older ones stay so that older records stay verifiable; every
//!   key is decoded and subgroup-checked when it is registered), and optionally the account of
//!   its validator node;
//! - **doctors**: hospital, title 1..=4 and further ABE attributes, each on the registrar's
//!   allowlist. No department is kept: nothing on chain maps a doctor to a department
//!   (DESIGN.md "Access needs a basis");
//! - **storage providers**: HTTP endpoint and operating hospital, if any;
//! - **patients**: a pseudonymous account plus a 32-byte commitment to the identity escrow
//!   the key service keeps. Nothing that identifies a patient is stored on chain, in clear or
//!   encrypted.
//!
//! An account holds at most one role, so that the EMR and access pallets can tell from an
//! account alone what it may do. Revocation keeps the record (for the audit trail) and stamps
//! it with the block of revocation; revoked actors are refused by every other pallet.
//!
//! Registering an account makes it exist on chain without a balance (a sufficient reference),
//! and MedChain's calls for registered actors are feeless: [`CheckNonceAndFeeless`], the
//! runtime's nonce extension, admits a `Pays::No` call only from an active actor, at most
//! [`Config::MaxFeelessPerWindow`] of them per actor per [`Config::FeelessWindow`] (enforced
//! when the transaction pool admits them, counting those already waiting) and within
//! [`Config::MaxFeelessBlockWeight`] of each block.
//!
//! Revocations (of hospitals, doctors, providers, patients, attributes) and key epochs are
//! `DispatchClass::Operational`: the transaction pool orders them before feeless calls (which
//! pay nothing and so have priority 0), and they may use the block weight that normal-class
//! calls, feeless ones among them, cannot (25 % of each block), so a feeless flood never
//! starves the registrar's revocation.
//!
//! Key epochs: ABE user keys are issued per epoch and policies name the epoch, so
//! [`Pallet::start_key_epoch`] revokes every key issued before it at once.
//!
//! Attributes: besides the attributes the chain derives (title, grade, key epoch, the doctor's
//! identity), a doctor may hold, and a record policy may name, only attributes on the
//! registrar's allowlist ([`AllowedAttributes`], at most [`Config::MaxAllowedAttributes`]).
//! The allowlist refuses derived prefixes, the policy language's words, anything that looks
//! like a department and anything a policy cannot name as one attribute (the rule:
//! [`allowlist`]). An attribute taken off the allowlist stops counting at once: the doctors
//! holding it keep it in their record, but [`medchain_primitives::DoctorRegistry`] no longer
//! reports it, and it can no longer be registered.
//!
//! ## Interface
//!
//! ### Dispatchable functions (all require [`Config::RegistrarOrigin`] unless noted)
//!
//! - [`Pallet::register_hospital`], [`Pallet::update_hospital`], [`Pallet::revoke_hospital`]
//! - [`Pallet::register_doctor`], [`Pallet::update_doctor`], [`Pallet::revoke_doctor`]
//! - [`Pallet::register_provider`], [`Pallet::update_provider`] (also the provider itself),
//!   [`Pallet::revoke_provider`]
//! - [`Pallet::register_patient`], [`Pallet::revoke_patient`]
//! - [`Pallet::start_key_epoch`], [`Pallet::set_public_parameters`]
//! - [`Pallet::allow_attribute`], [`Pallet::disallow_attribute`]
//!
//! ### For other pallets
//!
//! Other pallets never read this pallet's storage: the pallet implements the traits of
//! `medchain-primitives` ([`medchain_primitives::HospitalRegistry`],
//! [`medchain_primitives::DoctorRegistry`], [`medchain_primitives::ProviderRegistry`],
//! [`medchain_primitives::PatientRegistry`], [`medchain_primitives::KeyServiceRegistry`],
//! [`medchain_primitives::AttributeRegistry`], [`medchain_primitives::StaffRegistry`]), which
//! the runtime passes to the pallets that need them, and tells [`Config::OnRevoked`] of every
//! revocation.
//!
//! - [`Pallet::role_of`]: the role an account holds, if any.
//! - [`Pallet::active_hospital_of`], [`Pallet::active_provider`], [`Pallet::is_active_patient`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use medchain_primitives::OnRevoked;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

pub mod allowlist;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod feeless;
pub use feeless::{
	CheckNonceAndFeeless, FEELESS_QUOTA_EXHAUSTED, NOT_REGISTERED, PAYING_PRIORITY_BONUS,
};
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(any(feature = "runtime-benchmarks", test))]
pub mod pdp_keys;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

mod directory;

/// The role an account holds on MedChain.
#[derive(
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	scale_info::TypeInfo,
	codec::MaxEncodedLen,
)]
pub enum Role {
	/// The record service of this hospital.
	#[codec(index = 0)]
	RecordService(HospitalId),
	/// A doctor.
	#[codec(index = 1)]
	Doctor,
	/// A storage provider.
	#[codec(index = 2)]
	Provider,
	/// A patient.
	#[codec(index = 3)]
	Patient,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	use alloc::{string::String, vec::Vec};
	use frame_support::pallet_prelude::*;
	use frame_support::traits::Contains;
	use frame_system::pallet_prelude::*;
	use medchain_primitives::OnRevoked;

	use crate::allowlist::{check_attribute, AttributeRefusal};

	/// The in-code storage version: 2 since doctors keep no departments
	/// ([`crate::migrations::v2`]); 1 since PDP keys moved out of [`Hospital`] into [`PdpKeys`]
	/// (the chain had not launched, so no migration from 0 exists).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the registry.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The registrar: may register, update and revoke every actor.
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Told of every revocation, so that other pallets end what the revoked actor held.
		type OnRevoked: OnRevoked<Self::AccountId>;

		/// Maximum length of a hospital's name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Maximum length of a hospital's encoded PDP public key, in bytes.
		#[pallet::constant]
		type MaxPdpKeyLen: Get<u32>;

		/// Maximum number of allowlisted attributes one doctor holds (the derived ones, title,
		/// grade, key epoch and identity, are not stored).
		#[pallet::constant]
		type MaxAttributes: Get<u32>;

		/// Maximum length of one attribute, in bytes.
		#[pallet::constant]
		type MaxAttributeLen: Get<u32>;

		/// Maximum number of attributes on the registrar's allowlist ([`AllowedAttributes`]).
		#[pallet::constant]
		type MaxAllowedAttributes: Get<u32>;

		/// Maximum length of a storage provider's endpoint URL, in bytes.
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;

		/// Maximum length of the encoded CP-ABE public key, in bytes.
		#[pallet::constant]
		type MaxAbeKeyLen: Get<u32>;

		/// Accounts without a registry role that may still transact feelessly, within the same
		/// quota: the guardians and delegates of patients (the access pallet's
		/// `Representatives`). `Nothing` admits none.
		type Representatives: Contains<Self::AccountId>;

		/// Length in blocks of the windows over which feeless transactions are counted (see
		/// [`CheckNonceAndFeeless`]).
		#[pallet::constant]
		type FeelessWindow: Get<BlockNumberFor<Self>>;

		/// Feeless transactions one registered actor may have included, or waiting in the
		/// transaction pool, per [`Config::FeelessWindow`].
		#[pallet::constant]
		type MaxFeelessPerWindow: Get<u32>;

		/// The share of a block that feeless transactions may take together.
		#[pallet::constant]
		type MaxFeelessBlockWeight: Get<Weight>;

		/// Weights of this pallet's calls, from `medchain-node benchmark pallet`.
		type WeightInfo: WeightInfo;
	}

	/// The identifier the next registered hospital gets.
	#[pallet::storage]
	pub type NextHospitalId<T> = StorageValue<_, HospitalId, ValueQuery>;

	/// Registered hospitals, revoked ones included.
	#[pallet::storage]
	pub type Hospitals<T: Config> = StorageMap<_, Twox64Concat, HospitalId, Hospital<T>>;

	/// Every PDP public key of each hospital, by version. A new key gets the next version and
	/// older ones stay, so that records tagged under them stay verifiable.
	#[pallet::storage]
	pub type PdpKeys<T: Config> =
		StorageDoubleMap<_, Twox64Concat, HospitalId, Twox64Concat, PdpKeyVersion, PdpKey<T>>;

	/// The hospital whose record service an account is.
	#[pallet::storage]
	pub type HospitalOfRecordService<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, HospitalId>;

	/// Registered doctors, revoked ones included.
	#[pallet::storage]
	pub type Doctors<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Doctor<T>>;

	/// Registered storage providers, revoked ones included.
	#[pallet::storage]
	pub type Providers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Provider<T>>;

	/// Registered patients, revoked ones included.
	#[pallet::storage]
	pub type Patients<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Patient<T>>;

	/// The key epoch in force.
	#[pallet::storage]
	pub type CurrentKeyEpoch<T: Config> = StorageValue<_, KeyEpoch<T>, OptionQuery>;

	/// The key service's public parameters, once published.
	#[pallet::storage]
	pub type Parameters<T: Config> = StorageValue<_, PublicParameters<T>, OptionQuery>;

	/// The registrar's allowlist: the attributes doctors may hold and record policies may name,
	/// besides the derived ones. Every entry obeys the rule of [`crate::allowlist`].
	#[pallet::storage]
	pub type AllowedAttributes<T: Config> = StorageMap<_, Blake2_128Concat, Attribute<T>, ()>;

	/// Number of entries of [`AllowedAttributes`], at most [`Config::MaxAllowedAttributes`].
	#[pallet::storage]
	pub type AllowedAttributeCount<T> = StorageValue<_, u32, ValueQuery>;

	/// Per registered actor: the last feeless window (block number divided by
	/// [`Config::FeelessWindow`]) in which it had a feeless transaction included, and how many
	/// ([`CheckNonceAndFeeless`]). One entry per actor that ever transacted feelessly.
	#[pallet::storage]
	pub type FeelessUsage<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (BlockNumberFor<T>, u32)>;

	/// The block whose feeless transactions are being counted and their total weight, for
	/// [`Config::MaxFeelessBlockWeight`].
	#[pallet::storage]
	pub type FeelessBlockWeight<T: Config> = StorageValue<_, (BlockNumberFor<T>, Weight)>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A hospital was registered.
		HospitalRegistered { hospital: HospitalId, record_service: T::AccountId },
		/// A hospital's name, grade, PDP key or validator changed.
		HospitalUpdated { hospital: HospitalId },
		/// A hospital's PDP public key `version` was registered and is now in force.
		PdpKeyAdded { hospital: HospitalId, version: PdpKeyVersion },
		/// A hospital was revoked.
		HospitalRevoked { hospital: HospitalId },
		/// A doctor was registered.
		DoctorRegistered { doctor: T::AccountId, hospital: HospitalId },
		/// A doctor's title or attributes changed.
		DoctorUpdated { doctor: T::AccountId },
		/// A doctor was revoked.
		DoctorRevoked { doctor: T::AccountId },
		/// A storage provider was registered.
		ProviderRegistered { provider: T::AccountId, operator: Option<HospitalId> },
		/// A storage provider's endpoint changed.
		ProviderUpdated { provider: T::AccountId },
		/// A storage provider was revoked.
		ProviderRevoked { provider: T::AccountId },
		/// A patient was registered under a pseudonymous account.
		PatientRegistered { patient: T::AccountId },
		/// A patient was revoked.
		PatientRevoked { patient: T::AccountId },
		/// A new key epoch started; keys of earlier epochs no longer satisfy new policies.
		KeyEpochStarted { index: u32 },
		/// The key service published new public parameters.
		PublicParametersSet { shve_schema: u16 },
		/// The registrar put `attribute` on the allowlist.
		AttributeAllowed { attribute: Attribute<T> },
		/// The registrar took `attribute` off the allowlist; doctors holding it no longer count
		/// as holding it.
		AttributeDisallowed { attribute: Attribute<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A hospital grade must lie in 5..=14.
		InvalidGrade,
		/// A doctor title must lie in 1..=4.
		InvalidTitle,
		/// A doctor's attribute is not on the registrar's allowlist. (In the place of the
		/// former `InvalidDepartments`, so that the indices of the errors below stay.)
		AttributeNotAllowed,
		/// The account already holds a role (record service, doctor, provider or patient).
		AccountHasRole,
		/// No hospital has this identifier.
		UnknownHospital,
		/// The hospital was revoked.
		HospitalRevoked,
		/// The account is not a registered doctor.
		UnknownDoctor,
		/// The account is not a registered storage provider.
		UnknownProvider,
		/// The account is not a registered patient.
		UnknownPatient,
		/// The actor was revoked already.
		AlreadyRevoked,
		/// The hospital identifier space is exhausted.
		HospitalIdOverflow,
		/// The key epoch counter is exhausted.
		KeyEpochOverflow,
		/// The signed origin is neither the registrar nor the provider itself.
		NotRegistrarOrProvider,
		/// The PDP public key is not a well-formed key: its encoding is wrong, it has no sector,
		/// or a point is off the curve, outside the prime-order subgroup or the identity.
		InvalidPdpKey,
		/// The hospital's PDP key versions are exhausted.
		PdpKeyVersionOverflow,
		/// The attribute is on the allowlist already.
		AttributeAlreadyAllowed,
		/// The attribute is not on the allowlist.
		UnknownAttribute,
		/// The allowlist holds [`Config::MaxAllowedAttributes`] attributes.
		TooManyAllowedAttributes,
		/// The attribute starts with a derived attribute's prefix (`title>=`, `grade>=`,
		/// `epoch:`, `doctor:`) or is a word of the policy language (`and`, `or`).
		ReservedAttribute,
		/// The attribute looks like a department (`dept:…`, `department…`): nothing on chain
		/// maps a doctor to a department.
		DepartmentAttribute,
		/// The attribute is not one word a policy can name: not UTF-8, empty, with whitespace
		/// or parentheses, or not read back as itself by the policy parser.
		MalformedAttribute,
	}

	/// The registry's state at genesis.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The attributes on the registrar's allowlist from the start (for example
		/// `emergency`, which break-glass access needs); each must obey the allowlist rule.
		pub allowed_attributes: Vec<String>,
		/// Storage providers registered from the start, each with its service's endpoint and
		/// operated by no hospital (a development chain's provider, say).
		pub providers: Vec<(T::AccountId, String)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for attribute in &self.allowed_attributes {
				// A genesis that breaks the allowlist rule must not start a chain; building the
				// genesis state is the one place that can only refuse by stopping.
				let bounded = Attribute::<T>::try_from(attribute.as_bytes().to_vec())
					.unwrap_or_else(|_| panic!("genesis attribute {attribute:?} is too long"));
				if let Err(error) = Pallet::<T>::do_allow_attribute(bounded) {
					panic!("genesis attribute {attribute:?} refused: {error:?}");
				}
			}
			for (provider, endpoint) in &self.providers {
				let endpoint =
					BoundedVec::try_from(endpoint.as_bytes().to_vec()).unwrap_or_else(|_| {
						panic!("genesis provider endpoint {endpoint:?} is too long")
					});
				if let Err(error) = Pallet::<T>::ensure_no_role(provider) {
					panic!("genesis provider {provider:?} already has a role: {error:?}");
				}
				Providers::<T>::insert(
					provider,
					Provider {
						operator: None,
						endpoint,
						registered_at: sp_runtime::traits::Zero::zero(),
						revoked_at: None,
					},
				);
				Pallet::<T>::make_account_exist(provider);
			}
		}
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
		/// Registers a hospital whose record service signs as `record_service`, with PDP public
		/// key version 0.
		///
		/// The origin must be [`Config::RegistrarOrigin`]. The key is decoded and every point
		/// subgroup-checked (host function `check_pdp_public_key`).
		///
		/// Emits [`Event::HospitalRegistered`] with the new hospital's identifier and
		/// [`Event::PdpKeyAdded`].
		///
		/// ## Complexity
		/// - O(s) in the key's number of sectors `s` (at most 256), for the key check.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_hospital())]
		pub fn register_hospital(
			origin: OriginFor<T>,
			record_service: T::AccountId,
			name: BoundedVec<u8, T::MaxNameLen>,
			grade: u8,
			pdp_public_key: BoundedVec<u8, T::MaxPdpKeyLen>,
			validator: Option<T::AccountId>,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			ensure!(GRADES.contains(&grade), Error::<T>::InvalidGrade);
			Self::ensure_no_role(&record_service)?;
			Self::ensure_valid_pdp_key(&pdp_public_key)?;
			let hospital = NextHospitalId::<T>::get();
			let next = hospital.checked_add(1).ok_or(Error::<T>::HospitalIdOverflow)?;
			Hospitals::<T>::insert(
				hospital,
				Hospital {
					record_service: record_service.clone(),
					name,
					grade,
					pdp_key_version: 0,
					validator,
					registered_at: frame_system::Pallet::<T>::block_number(),
					revoked_at: None,
				},
			);
			PdpKeys::<T>::insert(hospital, 0, pdp_public_key);
			HospitalOfRecordService::<T>::insert(&record_service, hospital);
			Self::make_account_exist(&record_service);
			NextHospitalId::<T>::put(next);
			Self::deposit_event(Event::HospitalRegistered { hospital, record_service });
			Self::deposit_event(Event::PdpKeyAdded { hospital, version: 0 });
			Ok(())
		}

		/// Changes a hospital's name, grade or validator account, or adds a PDP public key;
		/// `None` leaves a field as it is.
		///
		/// The origin must be [`Config::RegistrarOrigin`]. A new PDP key is checked like at
		/// registration and becomes the next version, in force for new records; the older
		/// versions stay, so records tagged under them stay verifiable.
		///
		/// Emits [`Event::HospitalUpdated`], and [`Event::PdpKeyAdded`] for a new key.
		///
		/// ## Complexity
		/// - O(s) in the new key's number of sectors `s` (at most 256), for the key check.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_hospital())]
		pub fn update_hospital(
			origin: OriginFor<T>,
			hospital: HospitalId,
			name: Option<BoundedVec<u8, T::MaxNameLen>>,
			grade: Option<u8>,
			pdp_public_key: Option<BoundedVec<u8, T::MaxPdpKeyLen>>,
			validator: Option<Option<T::AccountId>>,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			if let Some(key) = &pdp_public_key {
				Self::ensure_valid_pdp_key(key)?;
			}
			let mut added = None;
			Hospitals::<T>::try_mutate(hospital, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::UnknownHospital)?;
				ensure!(entry.revoked_at.is_none(), Error::<T>::HospitalRevoked);
				if let Some(grade) = grade {
					ensure!(GRADES.contains(&grade), Error::<T>::InvalidGrade);
					entry.grade = grade;
				}
				if let Some(name) = name {
					entry.name = name;
				}
				if let Some(key) = pdp_public_key {
					let version = entry
						.pdp_key_version
						.checked_add(1)
						.ok_or(Error::<T>::PdpKeyVersionOverflow)?;
					PdpKeys::<T>::insert(hospital, version, key);
					entry.pdp_key_version = version;
					added = Some(version);
				}
				if let Some(validator) = validator {
					entry.validator = validator;
				}
				Ok(())
			})?;
			Self::deposit_event(Event::HospitalUpdated { hospital });
			if let Some(version) = added {
				Self::deposit_event(Event::PdpKeyAdded { hospital, version });
			}
			Ok(())
		}

		/// Revokes a hospital: its record service can no longer append records, and its
		/// doctors can no longer read.
		#[pallet::call_index(2)]
		#[pallet::weight((T::WeightInfo::revoke_hospital(), DispatchClass::Operational))]
		pub fn revoke_hospital(origin: OriginFor<T>, hospital: HospitalId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Hospitals::<T>::try_mutate(hospital, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::UnknownHospital)?;
				ensure!(entry.revoked_at.is_none(), Error::<T>::AlreadyRevoked);
				entry.revoked_at = Some(frame_system::Pallet::<T>::block_number());
				Ok(())
			})?;
			T::OnRevoked::on_hospital_revoked(hospital);
			Self::deposit_event(Event::HospitalRevoked { hospital });
			Ok(())
		}

		/// Registers `doctor` at an active hospital with a title and attributes.
		///
		/// The origin must be [`Config::RegistrarOrigin`]. Every attribute must be on the
		/// allowlist ([`Pallet::allow_attribute`]); no department is kept.
		///
		/// Emits [`Event::DoctorRegistered`].
		///
		/// ## Complexity
		/// - O(a) in the number of attributes `a`, one allowlist lookup each.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::register_doctor(attributes.len() as u32))]
		pub fn register_doctor(
			origin: OriginFor<T>,
			doctor: T::AccountId,
			hospital: HospitalId,
			title: u8,
			attributes: BoundedVec<Attribute<T>, T::MaxAttributes>,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::ensure_no_role(&doctor)?;
			Self::ensure_active_hospital(hospital)?;
			Self::ensure_valid_doctor(title, &attributes)?;
			Doctors::<T>::insert(
				&doctor,
				Doctor {
					hospital,
					title,
					attributes,
					registered_at: frame_system::Pallet::<T>::block_number(),
					revoked_at: None,
				},
			);
			Self::make_account_exist(&doctor);
			Self::deposit_event(Event::DoctorRegistered { doctor, hospital });
			Ok(())
		}

		/// Replaces a doctor's title and attributes.
		///
		/// The origin must be [`Config::RegistrarOrigin`]. Every attribute must be on the
		/// allowlist.
		///
		/// Emits [`Event::DoctorUpdated`].
		///
		/// ## Complexity
		/// - O(a) in the number of attributes `a`, one allowlist lookup each.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::update_doctor(attributes.len() as u32))]
		pub fn update_doctor(
			origin: OriginFor<T>,
			doctor: T::AccountId,
			title: u8,
			attributes: BoundedVec<Attribute<T>, T::MaxAttributes>,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::ensure_valid_doctor(title, &attributes)?;
			Doctors::<T>::try_mutate(&doctor, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::UnknownDoctor)?;
				ensure!(entry.revoked_at.is_none(), Error::<T>::AlreadyRevoked);
				entry.title = title;
				entry.attributes = attributes;
				Ok(())
			})?;
			Self::deposit_event(Event::DoctorUpdated { doctor });
			Ok(())
		}

		/// Revokes a doctor: every later request of theirs is refused.
		#[pallet::call_index(5)]
		#[pallet::weight((T::WeightInfo::revoke_doctor(), DispatchClass::Operational))]
		pub fn revoke_doctor(origin: OriginFor<T>, doctor: T::AccountId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Doctors::<T>::try_mutate(&doctor, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::UnknownDoctor)?;
				ensure!(entry.revoked_at.is_none(), Error::<T>::AlreadyRevoked);
				entry.revoked_at = Some(frame_system::Pallet::<T>::block_number());
				Ok(())
			})?;
			T::OnRevoked::on_doctor_revoked(&doctor);
			Self::deposit_event(Event::DoctorRevoked { doctor });
			Ok(())
		}

		/// Registers a storage provider, operated by `operator` if a hospital runs it.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::register_provider())]
		pub fn register_provider(
			origin: OriginFor<T>,
			provider: T::AccountId,
			operator: Option<HospitalId>,
			endpoint: BoundedVec<u8, T::MaxEndpointLen>,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::ensure_no_role(&provider)?;
			if let Some(operator) = operator {
				Self::ensure_active_hospital(operator)?;
			}
			Providers::<T>::insert(
				&provider,
				Provider {
					operator,
					endpoint,
					registered_at: frame_system::Pallet::<T>::block_number(),
					revoked_at: None,
				},
			);
			Self::make_account_exist(&provider);
			Self::deposit_event(Event::ProviderRegistered { provider, operator });
			Ok(())
		}

		/// Changes a provider's endpoint. The registrar or the provider itself may call it.
		#[pallet::call_index(7)]
		#[pallet::weight((T::WeightInfo::update_provider(), DispatchClass::Normal, Pays::No))]
		pub fn update_provider(
			origin: OriginFor<T>,
			provider: T::AccountId,
			endpoint: BoundedVec<u8, T::MaxEndpointLen>,
		) -> DispatchResult {
			if T::RegistrarOrigin::try_origin(origin.clone()).is_err() {
				let who = ensure_signed(origin)?;
				ensure!(who == provider, Error::<T>::NotRegistrarOrProvider);
			}
			Providers::<T>::try_mutate(&provider, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::UnknownProvider)?;
				ensure!(entry.revoked_at.is_none(), Error::<T>::AlreadyRevoked);
				entry.endpoint = endpoint;
				Ok(())
			})?;
			Self::deposit_event(Event::ProviderUpdated { provider });
			Ok(())
		}

		/// Revokes a storage provider: it receives no new records.
		#[pallet::call_index(8)]
		#[pallet::weight((T::WeightInfo::revoke_provider(), DispatchClass::Operational))]
		pub fn revoke_provider(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Providers::<T>::try_mutate(&provider, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::UnknownProvider)?;
				ensure!(entry.revoked_at.is_none(), Error::<T>::AlreadyRevoked);
				entry.revoked_at = Some(frame_system::Pallet::<T>::block_number());
				Ok(())
			})?;
			T::OnRevoked::on_provider_revoked(&provider);
			Self::deposit_event(Event::ProviderRevoked { provider });
			Ok(())
		}

		/// Registers `patient` as a pseudonymous patient account, with a commitment to the
		/// identity escrow the key service keeps.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::register_patient())]
		pub fn register_patient(
			origin: OriginFor<T>,
			patient: T::AccountId,
			identity_commitment: [u8; 32],
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::ensure_no_role(&patient)?;
			Patients::<T>::insert(
				&patient,
				Patient {
					identity_commitment,
					registered_at: frame_system::Pallet::<T>::block_number(),
					revoked_at: None,
				},
			);
			Self::make_account_exist(&patient);
			Self::deposit_event(Event::PatientRegistered { patient });
			Ok(())
		}

		/// Revokes a patient account (for example a lost card; the patient re-registers under
		/// a new pseudonym).
		#[pallet::call_index(10)]
		#[pallet::weight((
			T::WeightInfo::revoke_patient()
				.saturating_add(T::OnRevoked::on_patient_revoked_weight()),
			DispatchClass::Operational
		))]
		pub fn revoke_patient(origin: OriginFor<T>, patient: T::AccountId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Patients::<T>::try_mutate(&patient, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::UnknownPatient)?;
				ensure!(entry.revoked_at.is_none(), Error::<T>::AlreadyRevoked);
				entry.revoked_at = Some(frame_system::Pallet::<T>::block_number());
				Ok(())
			})?;
			T::OnRevoked::on_patient_revoked(&patient);
			Self::deposit_event(Event::PatientRevoked { patient });
			Ok(())
		}

		/// Starts the next key epoch: ABE keys of earlier epochs no longer satisfy policies
		/// written from now on.
		#[pallet::call_index(11)]
		#[pallet::weight((T::WeightInfo::start_key_epoch(), DispatchClass::Operational))]
		pub fn start_key_epoch(origin: OriginFor<T>) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			let index = match CurrentKeyEpoch::<T>::get() {
				Some(epoch) => epoch.index.checked_add(1).ok_or(Error::<T>::KeyEpochOverflow)?,
				None => 0,
			};
			CurrentKeyEpoch::<T>::put(KeyEpoch {
				index,
				started_at: frame_system::Pallet::<T>::block_number(),
			});
			Self::deposit_event(Event::KeyEpochStarted { index });
			Ok(())
		}

		/// Publishes the key service's public parameters: the CP-ABE public key, the ed25519
		/// key that signs SHVE tokens and the SHVE schema.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::set_public_parameters())]
		pub fn set_public_parameters(
			origin: OriginFor<T>,
			abe_public_key: BoundedVec<u8, T::MaxAbeKeyLen>,
			token_signing_key: [u8; 32],
			shve_schema: u16,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Parameters::<T>::put(PublicParameters {
				abe_public_key,
				token_signing_key,
				shve_schema,
			});
			Self::deposit_event(Event::PublicParametersSet { shve_schema });
			Ok(())
		}

		/// Puts `attribute` on the allowlist: doctors may then hold it and record policies name
		/// it.
		///
		/// The origin must be [`Config::RegistrarOrigin`]. The attribute must obey the
		/// allowlist rule ([`crate::allowlist`]): UTF-8 without whitespace or parentheses, not
		/// `and`/`or`, no derived prefix (`title>=`, `grade>=`, `epoch:`, `doctor:`), nothing
		/// that looks like a department (`dept:…`, `department…`), and one word a policy can
		/// name. The allowlist holds at most [`Config::MaxAllowedAttributes`].
		///
		/// Emits [`Event::AttributeAllowed`].
		///
		/// ## Complexity
		/// - O(l) in the attribute's length `l` (at most [`Config::MaxAttributeLen`]).
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::allow_attribute())]
		pub fn allow_attribute(origin: OriginFor<T>, attribute: Attribute<T>) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::do_allow_attribute(attribute)
		}

		/// Takes `attribute` off the allowlist. It stops counting at once: the directory no
		/// longer reports it for the doctors holding it (their records keep it), and no doctor
		/// can be given it. Policies of records appended earlier are not touched; a policy
		/// naming it is refused from now on.
		///
		/// The origin must be [`Config::RegistrarOrigin`].
		///
		/// Emits [`Event::AttributeDisallowed`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(14)]
		#[pallet::weight((T::WeightInfo::disallow_attribute(), DispatchClass::Operational))]
		pub fn disallow_attribute(origin: OriginFor<T>, attribute: Attribute<T>) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			ensure!(AllowedAttributes::<T>::contains_key(&attribute), Error::<T>::UnknownAttribute);
			AllowedAttributes::<T>::remove(&attribute);
			AllowedAttributeCount::<T>::mutate(|count| *count = count.saturating_sub(1));
			Self::deposit_event(Event::AttributeDisallowed { attribute });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The role `who` holds, revoked or not.
		pub fn role_of(who: &T::AccountId) -> Option<Role> {
			if let Some(hospital) = HospitalOfRecordService::<T>::get(who) {
				Some(Role::RecordService(hospital))
			} else if Doctors::<T>::contains_key(who) {
				Some(Role::Doctor)
			} else if Providers::<T>::contains_key(who) {
				Some(Role::Provider)
			} else if Patients::<T>::contains_key(who) {
				Some(Role::Patient)
			} else {
				None
			}
		}

		/// The hospital whose record service `who` is, if neither is revoked.
		pub fn active_hospital_of(who: &T::AccountId) -> Option<(HospitalId, Hospital<T>)> {
			let id = HospitalOfRecordService::<T>::get(who)?;
			Hospitals::<T>::get(id).filter(|h| h.revoked_at.is_none()).map(|h| (id, h))
		}

		/// The doctor record of `who`, if the doctor and their hospital are active.
		pub fn active_doctor(who: &T::AccountId) -> Option<Doctor<T>> {
			let doctor = Doctors::<T>::get(who).filter(|d| d.revoked_at.is_none())?;
			Hospitals::<T>::get(doctor.hospital).filter(|h| h.revoked_at.is_none()).map(|_| doctor)
		}

		/// The provider record of `who`, if active.
		pub fn active_provider(who: &T::AccountId) -> Option<Provider<T>> {
			Providers::<T>::get(who).filter(|p| p.revoked_at.is_none())
		}

		/// Whether `who` is an active patient.
		pub fn is_active_patient(who: &T::AccountId) -> bool {
			Patients::<T>::get(who).is_some_and(|p| p.revoked_at.is_none())
		}

		/// Whether `who` holds a role that is not revoked (for a record service or doctor,
		/// also at a hospital that is not revoked).
		///
		/// An account holds at most one role, so asking each role's check in turn reads every
		/// map once (`role_of` first would read the role's map twice on this per-transaction
		/// path).
		pub fn has_active_role(who: &T::AccountId) -> bool {
			Self::active_hospital_of(who).is_some()
				|| Self::active_doctor(who).is_some()
				|| Self::active_provider(who).is_some()
				|| Self::is_active_patient(who)
		}

		/// Makes a newly registered account exist without a balance, so that it can sign
		/// feeless transactions (`CheckNonce` refuses accounts that do not exist). The
		/// reference is kept after revocation, like the registration itself.
		fn make_account_exist(who: &T::AccountId) {
			frame_system::Pallet::<T>::inc_sufficients(who);
		}

		fn ensure_no_role(who: &T::AccountId) -> DispatchResult {
			ensure!(Self::role_of(who).is_none(), Error::<T>::AccountHasRole);
			Ok(())
		}

		fn ensure_active_hospital(hospital: HospitalId) -> DispatchResult {
			let entry = Hospitals::<T>::get(hospital).ok_or(Error::<T>::UnknownHospital)?;
			ensure!(entry.revoked_at.is_none(), Error::<T>::HospitalRevoked);
			Ok(())
		}

		fn ensure_valid_pdp_key(key: &[u8]) -> DispatchResult {
			ensure!(
				medchain_io::medchain_crypto_host::check_pdp_public_key(key),
				Error::<T>::InvalidPdpKey
			);
			Ok(())
		}

		fn ensure_valid_doctor(title: u8, attributes: &[Attribute<T>]) -> DispatchResult {
			ensure!(TITLES.contains(&title), Error::<T>::InvalidTitle);
			ensure!(
				attributes.iter().all(AllowedAttributes::<T>::contains_key),
				Error::<T>::AttributeNotAllowed
			);
			Ok(())
		}

		/// Puts `attribute` on the allowlist if it obeys the rule and there is room (the
		/// `allow_attribute` call and the genesis build).
		pub(crate) fn do_allow_attribute(attribute: Attribute<T>) -> DispatchResult {
			check_attribute(&attribute).map_err(|refusal| match refusal {
				AttributeRefusal::Reserved => Error::<T>::ReservedAttribute,
				AttributeRefusal::Department => Error::<T>::DepartmentAttribute,
				AttributeRefusal::Malformed => Error::<T>::MalformedAttribute,
			})?;
			ensure!(
				!AllowedAttributes::<T>::contains_key(&attribute),
				Error::<T>::AttributeAlreadyAllowed
			);
			let count = AllowedAttributeCount::<T>::get()
				.checked_add(1)
				.filter(|count| *count <= T::MaxAllowedAttributes::get())
				.ok_or(Error::<T>::TooManyAllowedAttributes)?;
			AllowedAttributes::<T>::insert(&attribute, ());
			AllowedAttributeCount::<T>::put(count);
			Self::deposit_event(Event::AttributeAllowed { attribute });
			Ok(())
		}

		/// Invariants: hospital ids below the counter, record services and hospitals in
		/// one-to-one correspondence, doctors and providers point at existing hospitals, grades
		/// and titles in range, no account holds two roles, the allowlist's counter is its size
		/// and within the bound, and every allowlisted or held attribute obeys the allowlist
		/// rule (so no doctor holds a department).
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let next = NextHospitalId::<T>::get();
			let mut hospitals = 0u32;
			for (id, hospital) in Hospitals::<T>::iter() {
				hospitals = hospitals.saturating_add(1);
				ensure!(id < next, "hospital id at or above NextHospitalId");
				ensure!(GRADES.contains(&hospital.grade), "hospital grade out of range");
				ensure!(
					HospitalOfRecordService::<T>::get(&hospital.record_service) == Some(id),
					"record service index does not point back to its hospital"
				);
				ensure!(
					PdpKeys::<T>::iter_key_prefix(id).count() as u64
						== u64::from(hospital.pdp_key_version).saturating_add(1),
					"a hospital's PDP key versions are not 0 ..= its version in force"
				);
				ensure!(
					PdpKeys::<T>::contains_key(id, hospital.pdp_key_version),
					"a hospital's PDP key in force is missing"
				);
			}
			for (id, _) in PdpKeys::<T>::iter_keys() {
				ensure!(Hospitals::<T>::contains_key(id), "PDP key of an unknown hospital");
			}
			ensure!(
				HospitalOfRecordService::<T>::iter().count() as u32 == hospitals,
				"record service index and hospitals differ in size"
			);
			for (who, doctor) in Doctors::<T>::iter() {
				ensure!(
					Hospitals::<T>::contains_key(doctor.hospital),
					"doctor of unknown hospital"
				);
				ensure!(TITLES.contains(&doctor.title), "doctor title out of range");
				ensure!(
					doctor.attributes.iter().all(|a| check_attribute(a).is_ok()),
					"a doctor holds an attribute the allowlist rule refuses"
				);
				ensure!(
					!HospitalOfRecordService::<T>::contains_key(&who),
					"doctor is a record service"
				);
			}
			for (who, provider) in Providers::<T>::iter() {
				if let Some(operator) = provider.operator {
					ensure!(Hospitals::<T>::contains_key(operator), "provider of unknown operator");
				}
				ensure!(!Doctors::<T>::contains_key(&who), "provider is a doctor");
				ensure!(
					!HospitalOfRecordService::<T>::contains_key(&who),
					"provider is a record service"
				);
			}
			for (who, _) in Patients::<T>::iter() {
				ensure!(Self::role_of(&who) == Some(Role::Patient), "patient holds another role");
			}
			let mut allowed = 0u32;
			for attribute in AllowedAttributes::<T>::iter_keys() {
				allowed = allowed.saturating_add(1);
				ensure!(
					check_attribute(&attribute).is_ok(),
					"an allowlisted attribute breaks the allowlist rule"
				);
			}
			ensure!(
				AllowedAttributeCount::<T>::get() == allowed,
				"AllowedAttributeCount is not the allowlist's size"
			);
			ensure!(
				allowed <= T::MaxAllowedAttributes::get(),
				"the allowlist exceeds MaxAllowedAttributes"
			);
			Ok(())
		}
	}
}
