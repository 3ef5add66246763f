//! Consent: a patient's grants and refusals per scope, their mode, and the consent in force
//! for a requesting doctor.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::Get,
	traits::{Defensive, DefensiveSaturating},
};
use frame_system::{ensure_signed, pallet_prelude::BlockNumberFor};
use medchain_primitives::{DoctorInfo, DoctorRegistry, HospitalRegistry, PatientRegistry};
use sp_runtime::{DispatchError, DispatchResult};

use crate::{
	decision, AccessEvent, Config, Consent, ConsentChange, ConsentCount, ConsentMode, ConsentModes,
	ConsentScope, Consents, DenialReason, Error, Event, Pallet, MAX_DEPARTMENTS,
};

impl<T: Config> Pallet<T> {
	/// The signer, if an active patient.
	pub(crate) fn ensure_patient(origin: T::RuntimeOrigin) -> Result<T::AccountId, DispatchError> {
		let patient = ensure_signed(origin)?;
		ensure!(T::Patients::is_active_patient(&patient), Error::<T>::NotPatient);
		Ok(patient)
	}

	/// The consent outcome for `doctor` (registry record `info`) on `patient`'s records at
	/// block `now` ([`decision::consent_verdict`] over the consents in force covering the
	/// doctor, their hospital or one of their departments, read in that order and no further
	/// than the first refusal).
	pub fn consent_verdict(
		patient: &T::AccountId,
		doctor: &T::AccountId,
		info: &DoctorInfo,
		now: BlockNumberFor<T>,
	) -> Option<DenialReason> {
		let mode = ConsentModes::<T>::get(patient);
		if mode == ConsentMode::Implied && ConsentCount::<T>::get(patient) == 0 {
			return None;
		}
		let in_force =
			[ConsentScope::Doctor(doctor.clone()), ConsentScope::Hospital(info.hospital)]
				.into_iter()
				.filter_map(|scope| Consents::<T>::get(patient, &scope))
				.filter(|consent| consent.in_force(now))
				.map(|consent| consent.granted);
		decision::consent_verdict(mode, in_force)
	}

	/// Stores `patient`'s consent for `scope` (making room by purging expired ones at the
	/// bound) and logs it.
	pub(crate) fn do_set_consent(
		patient: T::AccountId,
		scope: ConsentScope<T>,
		granted: bool,
		expires_at: Option<BlockNumberFor<T>>,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(expires_at.is_none_or(|until| until >= now), Error::<T>::ExpiryInPast);
		match &scope {
			ConsentScope::Hospital(id) => {
				ensure!(T::Hospitals::hospital_exists(*id), Error::<T>::UnknownHospital)
			},
			ConsentScope::Doctor(who) => {
				ensure!(T::Doctors::doctor_exists(who), Error::<T>::UnknownDoctor)
			},
			ConsentScope::Department(d) => {
				ensure!(u32::from(*d) < MAX_DEPARTMENTS, Error::<T>::InvalidDepartment)
			},
		}
		if !Consents::<T>::contains_key(&patient, &scope) {
			let max = T::MaxConsentsPerPatient::get();
			if ConsentCount::<T>::get(&patient) >= max {
				Self::purge_expired_consents(&patient, now);
			}
			ensure!(ConsentCount::<T>::get(&patient) < max, Error::<T>::TooManyConsents);
			// Below `max`, checked above.
			ConsentCount::<T>::mutate(&patient, |count| count.defensive_saturating_inc());
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

	/// Removes `patient`'s consent for `scope` and logs it.
	pub(crate) fn do_clear_consent(
		patient: T::AccountId,
		scope: ConsentScope<T>,
	) -> DispatchResult {
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

	/// Sets `patient`'s consent mode (the default, implied, is stored as absent) and logs it.
	pub(crate) fn do_set_consent_mode(patient: T::AccountId, mode: ConsentMode) -> DispatchResult {
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

	/// Removes `patient`'s expired consents (at most `MaxConsentsPerPatient` of them).
	fn purge_expired_consents(patient: &T::AccountId, now: BlockNumberFor<T>) {
		let expired: Vec<ConsentScope<T>> = Consents::<T>::iter_prefix(patient)
			.take(T::MaxConsentsPerPatient::get() as usize)
			.filter(|(_, consent)| !consent.in_force(now))
			.map(|(scope, _)| scope)
			.collect();
		for scope in expired {
			Consents::<T>::remove(patient, &scope);
			Self::decrement_consents(patient);
		}
	}

	/// Counts one consent of `patient` less; the count covers every consent kept, so it is
	/// never zero here.
	fn decrement_consents(patient: &T::AccountId) {
		ConsentCount::<T>::mutate_exists(patient, |count| {
			let left = count
				.take()
				.defensive_proof("a removed consent was counted")
				.unwrap_or_default()
				.saturating_sub(1);
			*count = (left > 0).then_some(left);
		});
	}
}
