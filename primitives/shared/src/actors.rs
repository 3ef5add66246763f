//! Who is who: the registry's answers other pallets need, and its revocation hooks.
//!
//! Each trait answers one question, so a pallet asks only for what it uses and its mock runtime
//! implements only that. The registry pallet implements them all; a runtime passes the registry
//! pallet wherever a pallet's `Config` asks for one of these traits.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_weights::Weight;

use crate::{HospitalId, PdpKeyVersion};

/// A hospital's record service as the EMR pallet needs it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RecordServiceInfo {
	/// The hospital whose record service the account is.
	pub hospital: HospitalId,
	/// The version of the hospital's PDP key in force: new records are tagged under it.
	pub pdp_key_version: PdpKeyVersion,
}

/// An active doctor as access decisions need it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DoctorInfo {
	/// The doctor's hospital.
	pub hospital: HospitalId,
	/// The grade 5..=14 of the doctor's hospital.
	pub hospital_grade: u8,
	/// Title 1..=4.
	pub title: u8,
	/// The doctor's registry attributes that the registrar's allowlist holds now (an attribute
	/// taken off the allowlist stops counting at once).
	pub attributes: Vec<Vec<u8>>,
}

/// Why an account is not an active doctor.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum DoctorStanding {
	/// The account is not a registered doctor.
	#[codec(index = 0)]
	NotRegistered,
	/// The doctor was revoked.
	#[codec(index = 1)]
	Revoked,
	/// The doctor's hospital is not registered.
	#[codec(index = 2)]
	UnknownHospital,
	/// The doctor's hospital was revoked.
	#[codec(index = 3)]
	HospitalRevoked,
}

/// An active storage provider.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ProviderInfo {
	/// The hospital that operates it, if one does.
	pub operator: Option<HospitalId>,
}

/// The key service's public parameters, as access decisions need them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KeyServiceInfo {
	/// The ed25519 key that signs SHVE search tokens.
	pub token_signing_key: [u8; 32],
	/// The SHVE schema in force.
	pub shve_schema: u16,
}

/// Whether an account is an active patient.
pub trait PatientRegistry<AccountId> {
	/// `true` if `who` is a registered patient that is not revoked.
	fn is_active_patient(who: &AccountId) -> bool;
}

/// Active storage providers.
pub trait ProviderRegistry<AccountId> {
	/// The provider record of `who`, if `who` is a registered provider that is not revoked.
	fn active_provider(who: &AccountId) -> Option<ProviderInfo>;
}

/// Hospitals, their record services and their PDP keys.
pub trait HospitalRegistry<AccountId> {
	/// The hospital whose record service `who` is, if neither is revoked.
	fn active_record_service(who: &AccountId) -> Option<RecordServiceInfo>;
	/// Whether `hospital` was ever registered (revoked or not).
	fn hospital_exists(hospital: HospitalId) -> bool;
	/// The SCALE-encoded PDP public key `version` of `hospital` (revoked or not: its records
	/// stay auditable), if it exists.
	fn pdp_public_key(hospital: HospitalId, version: PdpKeyVersion) -> Option<Vec<u8>>;
}

/// Doctors.
pub trait DoctorRegistry<AccountId> {
	/// The doctor record of `who` with their hospital's grade, if the doctor and the hospital
	/// are active; otherwise why not.
	fn active_doctor(who: &AccountId) -> Result<DoctorInfo, DoctorStanding>;
	/// Whether `who` was ever registered as a doctor (revoked or not).
	fn doctor_exists(who: &AccountId) -> bool;
}

/// Prefixes of the attributes the chain derives itself (a doctor's title, their hospital's
/// grade, the key epoch, the doctor's identity). No allowlisted attribute starts with one, so a
/// registry entry can never forge them.
pub const DERIVED_ATTRIBUTE_PREFIXES: [&str; 4] = ["title>=", "grade>=", "epoch:", "doctor:"];

/// The attributes doctors may hold and record policies may name, besides the derived ones: a
/// registrar-managed allowlist (DESIGN.md "Access needs a basis": nothing on chain maps a
/// doctor to a department, so no allowlisted attribute names one).
pub trait AttributeRegistry {
	/// Whether `attribute` is on the allowlist now.
	fn is_allowed_attribute(attribute: &[u8]) -> bool;
}

/// Whether an account holds a staff role: a doctor, a hospital's record service or a storage
/// provider (registered, revoked or not). A patient's delegate may hold none.
pub trait StaffRegistry<AccountId> {
	/// `true` if `who` was ever registered as a doctor, record service or storage provider.
	fn holds_staff_role(who: &AccountId) -> bool;
}

/// The key service's epoch and public parameters.
pub trait KeyServiceRegistry {
	/// The key epoch in force, if one has started.
	fn current_key_epoch() -> Option<u32>;
	/// The key service's public parameters, once published.
	fn key_service() -> Option<KeyServiceInfo>;
}

/// Told when the registry revokes an actor, so that pallets built later (audits, scoring) can
/// end what the actor held.
///
/// Implementations must be cheap and bounded (no iteration over unbounded storage). The
/// registry's revocation benchmarks run on the runtime with its listeners wired in, so what a
/// listener does in the benchmark's state is part of the measured weight; what it does only in
/// states the registry cannot set up (a patient's delegates, which another pallet keeps) it
/// declares in [`OnRevoked::on_patient_revoked_weight`], which the registry adds to the call's
/// weight.
///
/// Implemented for `()` (nobody listens) and for tuples of up to eight listeners.
pub trait OnRevoked<AccountId> {
	/// A hospital was revoked (its record service and its doctors with it).
	fn on_hospital_revoked(hospital: HospitalId);
	/// A doctor was revoked.
	fn on_doctor_revoked(doctor: &AccountId);
	/// A storage provider was revoked.
	fn on_provider_revoked(provider: &AccountId);
	/// A patient was revoked.
	fn on_patient_revoked(patient: &AccountId);
	/// An upper bound on [`OnRevoked::on_patient_revoked`]'s cost in its worst case.
	fn on_patient_revoked_weight() -> Weight;
}

#[impl_trait_for_tuples::impl_for_tuples(8)]
impl<AccountId> OnRevoked<AccountId> for Tuple {
	fn on_hospital_revoked(hospital: HospitalId) {
		for_tuples!( #( Tuple::on_hospital_revoked(hospital); )* );
	}
	fn on_doctor_revoked(doctor: &AccountId) {
		for_tuples!( #( Tuple::on_doctor_revoked(doctor); )* );
	}
	fn on_provider_revoked(provider: &AccountId) {
		for_tuples!( #( Tuple::on_provider_revoked(provider); )* );
	}
	fn on_patient_revoked(patient: &AccountId) {
		for_tuples!( #( Tuple::on_patient_revoked(patient); )* );
	}
	fn on_patient_revoked_weight() -> Weight {
		let mut weight = Weight::zero();
		for_tuples!( #( weight = weight.saturating_add(Tuple::on_patient_revoked_weight()); )* );
		weight
	}
}
