//! Consent: a patient's grants and refusals per scope (a doctor or a hospital, optionally for
//! one purpose and until a block) and their mode; set by the patient, their guardian or a
//! delegate. Whether a consent basis holds is [`crate::Pallet::consent_basis`].

use alloc::vec::Vec;
use frame_support::{ensure, pallet_prelude::Get, traits::DefensiveSaturating};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{DoctorRegistry, HospitalRegistry};
use sp_runtime::DispatchResult;

use crate::{
	AccessEvent, Actor, Config, Consent, ConsentChange, ConsentCount, ConsentMode, ConsentModes,
	ConsentScope, Consents, Error, Event, Pallet, Purpose,
};

impl<T: Config> Pallet<T> {
	/// Stores `patient`'s consent for `scope` (making room by purging expired ones at the
	/// bound) and logs it.
	pub(crate) fn do_set_consent(
		patient: T::AccountId,
		by: Actor<T>,
		scope: ConsentScope<T>,
		granted: bool,
		purpose: Option<Purpose>,
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
		Consents::<T>::insert(&patient, &scope, Consent { granted, purpose, expires_at });
		Self::append(
			&patient,
			None,
			AccessEvent::ConsentChanged {
				by,
				scope: Some(scope.clone()),
				change: ConsentChange::Set { granted, purpose, expires_at },
			},
		)?;
		Self::deposit_event(Event::ConsentSet { patient, scope, granted, purpose, expires_at });
		Ok(())
	}

	/// Removes `patient`'s consent for `scope` and logs it.
	pub(crate) fn do_clear_consent(
		patient: T::AccountId,
		by: Actor<T>,
		scope: ConsentScope<T>,
	) -> DispatchResult {
		ensure!(Consents::<T>::contains_key(&patient, &scope), Error::<T>::UnknownConsent);
		Consents::<T>::remove(&patient, &scope);
		Self::decrement_consents(&patient);
		Self::append(
			&patient,
			None,
			AccessEvent::ConsentChanged {
				by,
				scope: Some(scope.clone()),
				change: ConsentChange::Cleared,
			},
		)?;
		Self::deposit_event(Event::ConsentCleared { patient, scope });
		Ok(())
	}

	/// Sets `patient`'s consent mode (the default, explicit, is stored as absent) and logs it.
	pub(crate) fn do_set_consent_mode(
		patient: T::AccountId,
		by: Actor<T>,
		mode: ConsentMode,
	) -> DispatchResult {
		if Self::is_default_mode(mode) {
			ConsentModes::<T>::remove(&patient);
		} else {
			ConsentModes::<T>::insert(&patient, mode);
		}
		Self::append(
			&patient,
			None,
			AccessEvent::ConsentChanged { by, scope: None, change: ConsentChange::ModeSet(mode) },
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
		ConsentCount::<T>::mutate_exists(patient, crate::limits::count_down);
	}
}
