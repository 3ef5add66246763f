//! The registry's answers to other pallets: the traits of `medchain-primitives`, which the
//! runtime passes to the EMR and access pallets (and later the audit and scoring pallets), so
//! that none of them reads this pallet's storage.

use alloc::vec::Vec;
use medchain_primitives::{
	AttributeRegistry, DoctorInfo, DoctorRegistry, DoctorStanding, HospitalId, HospitalRegistry,
	KeyServiceInfo, KeyServiceRegistry, PatientRegistry, PdpKeyVersion, ProviderEndpoints,
	ProviderInfo, ProviderRegistry, RecordServiceInfo, StaffRegistry,
};

use crate::{
	AllowedAttributes, Attribute, Config, CurrentKeyEpoch, Doctors, HospitalOfRecordService,
	Hospitals, Pallet, Parameters, PdpKeys, Providers,
};

impl<T: Config> PatientRegistry<T::AccountId> for Pallet<T> {
	fn is_active_patient(who: &T::AccountId) -> bool {
		Pallet::<T>::is_active_patient(who)
	}
}

impl<T: Config> ProviderRegistry<T::AccountId> for Pallet<T> {
	fn active_provider(who: &T::AccountId) -> Option<ProviderInfo> {
		Pallet::<T>::active_provider(who).map(|p| ProviderInfo { operator: p.operator })
	}
}

impl<T: Config> ProviderEndpoints<T::AccountId> for Pallet<T> {
	fn endpoint(provider: &T::AccountId) -> Option<Vec<u8>> {
		Pallet::<T>::active_provider(provider).map(|p| p.endpoint.into_inner())
	}
}

impl<T: Config> HospitalRegistry<T::AccountId> for Pallet<T> {
	fn active_record_service(who: &T::AccountId) -> Option<RecordServiceInfo> {
		let hospital = HospitalOfRecordService::<T>::get(who)?;
		Hospitals::<T>::get(hospital)
			.filter(|h| h.revoked_at.is_none())
			.map(|h| RecordServiceInfo { hospital, pdp_key_version: h.pdp_key_version })
	}

	fn hospital_exists(hospital: HospitalId) -> bool {
		Hospitals::<T>::contains_key(hospital)
	}

	fn pdp_public_key(hospital: HospitalId, version: PdpKeyVersion) -> Option<Vec<u8>> {
		PdpKeys::<T>::get(hospital, version).map(|key| key.into_inner())
	}
}

impl<T: Config> DoctorRegistry<T::AccountId> for Pallet<T> {
	fn active_doctor(who: &T::AccountId) -> Result<DoctorInfo, DoctorStanding> {
		let doctor = Doctors::<T>::get(who).ok_or(DoctorStanding::NotRegistered)?;
		if doctor.revoked_at.is_some() {
			return Err(DoctorStanding::Revoked);
		}
		let hospital =
			Hospitals::<T>::get(doctor.hospital).ok_or(DoctorStanding::UnknownHospital)?;
		if hospital.revoked_at.is_some() {
			return Err(DoctorStanding::HospitalRevoked);
		}
		Ok(DoctorInfo {
			hospital: doctor.hospital,
			hospital_grade: hospital.grade,
			title: doctor.title,
			// Only what the allowlist holds now, so that taking an attribute off it ends every
			// access that needs it at once, without rewriting the doctors holding it.
			attributes: doctor
				.attributes
				.into_iter()
				.filter(|a| AllowedAttributes::<T>::contains_key(a))
				.map(|a| a.into_inner())
				.collect(),
		})
	}

	fn doctor_exists(who: &T::AccountId) -> bool {
		Doctors::<T>::contains_key(who)
	}
}

impl<T: Config> AttributeRegistry for Pallet<T> {
	fn is_allowed_attribute(attribute: &[u8]) -> bool {
		// Longer than the bound: it cannot be on the allowlist, and no lookup is needed.
		Attribute::<T>::try_from(attribute.to_vec()).is_ok_and(AllowedAttributes::<T>::contains_key)
	}
}

impl<T: Config> StaffRegistry<T::AccountId> for Pallet<T> {
	fn holds_staff_role(who: &T::AccountId) -> bool {
		// Revoked or not: a revoked doctor is still not a fit delegate of a patient.
		HospitalOfRecordService::<T>::contains_key(who)
			|| Doctors::<T>::contains_key(who)
			|| Providers::<T>::contains_key(who)
	}
}

impl<T: Config> KeyServiceRegistry for Pallet<T> {
	fn current_key_epoch() -> Option<u32> {
		CurrentKeyEpoch::<T>::get().map(|epoch| epoch.index)
	}

	fn key_service() -> Option<KeyServiceInfo> {
		Parameters::<T>::get().map(|p| KeyServiceInfo {
			token_signing_key: p.token_signing_key,
			shve_schema: p.shve_schema,
		})
	}
}
