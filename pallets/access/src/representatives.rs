//! Who acts for a patient: the patient, the guardian the registrar records for a patient who
//! cannot act, and the delegates a patient names (no staff role, always expiring, never naming
//! delegates themselves). Every act is logged to the patient's access chain with who acted.
//!
//! A lost card: the patient's account is recovered through `pallet-recovery` (social recovery
//! by the patient's chosen friends, e.g. the guardian); the recovered account acts as the
//! patient through `as_recovered` and registers the new card's presence key. The history stays
//! with the account, which never changes.

use frame_support::{ensure, pallet_prelude::Get, traits::DefensiveSaturating};
use frame_system::ensure_signed;
use medchain_primitives::{PatientRegistry, StaffRegistry};
use sp_runtime::{DispatchError, DispatchResult, Saturating};

use crate::{
	decision::account_bytes, AccessEvent, Actor, Config, DelegateCount, DelegatedUntil, Delegates,
	Error, Event, Guardians, Guarding, Pallet, PresenceKeys, ReferencedAccounts, Representing,
};

impl<T: Config> Pallet<T> {
	/// Who the signer of `origin` is for `patient` (an active patient): the patient, their
	/// guardian, or a delegate whose delegation has not ended.
	pub(crate) fn ensure_actor(
		origin: T::RuntimeOrigin,
		patient: &T::AccountId,
	) -> Result<Actor<T>, DispatchError> {
		let signer = ensure_signed(origin)?;
		ensure!(T::Patients::is_active_patient(patient), Error::<T>::NotPatient);
		if signer == *patient {
			return Ok(Actor::Patient);
		}
		if Guardians::<T>::get(patient).as_ref() == Some(&signer) {
			return Ok(Actor::Guardian(signer));
		}
		let now = frame_system::Pallet::<T>::block_number();
		match Delegates::<T>::get(patient, &signer) {
			Some(until) if now <= until => Ok(Actor::Delegate(signer)),
			_ => Err(Error::<T>::NotRepresentative.into()),
		}
	}

	/// Whether `who` acts for a patient now: anybody's guardian, or a delegate whose latest
	/// delegation has not ended (what the runtime's feeless admission asks of an account that
	/// holds no registry role). At most two reads. A delegate removed early from its longest
	/// delegation but still holding a shorter one counts until the longer one's end: bounded
	/// by [`Config::MaxDelegation`], and only for an account a patient still delegates to.
	pub fn is_representative(who: &T::AccountId) -> bool {
		if Guarding::<T>::get(who) > 0 {
			return true;
		}
		let now = frame_system::Pallet::<T>::block_number();
		DelegatedUntil::<T>::get(who).is_some_and(|until| now <= until)
	}

	/// Sets or removes `patient`'s presence key.
	pub(crate) fn do_set_presence_key(
		patient: T::AccountId,
		by: Actor<T>,
		key: Option<[u8; 32]>,
	) -> DispatchResult {
		ensure!(!matches!(by, Actor::Delegate(_)), Error::<T>::NotRepresentative);
		if let Some(key) = key {
			// Separate from the account key, so the card can never sign the patient's
			// transactions.
			ensure!(key != account_bytes(&patient), Error::<T>::PresenceKeyIsAccountKey);
			PresenceKeys::<T>::insert(&patient, key);
		} else {
			PresenceKeys::<T>::remove(&patient);
		}
		Self::append(&patient, None, AccessEvent::PresenceKeySet { by, key })?;
		Self::deposit_event(Event::PresenceKeySet { patient, key });
		Ok(())
	}

	/// Names (or renews) a delegate of `patient` until `until`.
	pub(crate) fn do_add_delegate(
		patient: T::AccountId,
		by: Actor<T>,
		delegate: T::AccountId,
		until: frame_system::pallet_prelude::BlockNumberFor<T>,
	) -> DispatchResult {
		ensure!(!matches!(by, Actor::Delegate(_)), Error::<T>::DelegateCannotDelegate);
		ensure!(delegate != patient, Error::<T>::SelfRepresentation);
		ensure!(!T::Staff::holds_staff_role(&delegate), Error::<T>::DelegateHoldsRole);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			until >= now && until <= now.saturating_add(T::MaxDelegation::get()),
			Error::<T>::InvalidDelegation
		);
		if !Delegates::<T>::contains_key(&patient, &delegate) {
			ensure!(
				DelegateCount::<T>::get(&patient) < T::MaxDelegatesPerPatient::get(),
				Error::<T>::TooManyDelegates
			);
			DelegateCount::<T>::mutate(&patient, |count| count.defensive_saturating_inc());
			Self::start_representing(&delegate);
		}
		Delegates::<T>::insert(&patient, &delegate, until);
		DelegatedUntil::<T>::mutate(&delegate, |latest| {
			*latest = Some(latest.map_or(until, |latest| latest.max(until)))
		});
		Self::append(
			&patient,
			None,
			AccessEvent::DelegateChanged { by, delegate: delegate.clone(), until: Some(until) },
		)?;
		Self::deposit_event(Event::DelegateAdded { patient, delegate, until });
		Ok(())
	}

	/// Ends `delegate`'s delegation for `patient`.
	pub(crate) fn do_remove_delegate(
		patient: T::AccountId,
		by: Actor<T>,
		delegate: T::AccountId,
	) -> DispatchResult {
		ensure!(Delegates::<T>::take(&patient, &delegate).is_some(), Error::<T>::UnknownDelegate);
		DelegateCount::<T>::mutate_exists(&patient, crate::limits::count_down);
		Self::stop_delegating(&delegate);
		Self::append(
			&patient,
			None,
			AccessEvent::DelegateChanged { by, delegate: delegate.clone(), until: None },
		)?;
		Self::deposit_event(Event::DelegateRemoved { patient, delegate });
		Ok(())
	}

	/// Records or removes `patient`'s guardian.
	pub(crate) fn do_set_guardian(
		patient: T::AccountId,
		guardian: Option<T::AccountId>,
	) -> DispatchResult {
		ensure!(T::Patients::is_active_patient(&patient), Error::<T>::UnknownPatient);
		ensure!(guardian.as_ref() != Some(&patient), Error::<T>::SelfRepresentation);
		if let Some(old) = Guardians::<T>::take(&patient) {
			Self::stop_guarding(&old);
		}
		if let Some(new) = &guardian {
			Guardians::<T>::insert(&patient, new);
			Guarding::<T>::mutate(new, |count| *count = count.saturating_add(1));
			Self::start_representing(new);
		}
		Self::append(&patient, None, AccessEvent::GuardianSet { guardian: guardian.clone() })?;
		Self::deposit_event(Event::GuardianSet { patient, guardian });
		Ok(())
	}

	/// Counts one more representation of `who`. A representative transacts feelessly (see
	/// [`Representatives`]), which needs an account that exists without a balance: the first
	/// time, `who` gets a sufficient reference, kept for good (like a registration's), because
	/// dropping it would reap the account and reset its nonce, so that transactions it signed
	/// earlier could be replayed. It is given even to an account that exists now (it holds a
	/// balance), because that balance may go, and with it the account.
	fn start_representing(who: &T::AccountId) {
		if !ReferencedAccounts::<T>::contains_key(who) {
			frame_system::Pallet::<T>::inc_sufficients(who);
			ReferencedAccounts::<T>::insert(who, ());
		}
		Representing::<T>::mutate(who, |count| *count = count.saturating_add(1));
	}

	/// Ends the representation of a revoked `patient`: the guardian and every delegate
	/// (at most [`Config::MaxDelegatesPerPatient`]) stop acting, and stop transacting feelessly,
	/// for them.
	pub(crate) fn drop_representatives(patient: &T::AccountId) {
		let mut dropped = false;
		if let Some(guardian) = Guardians::<T>::take(patient) {
			Self::stop_guarding(&guardian);
			dropped = true;
		}
		// Bounded: a patient names at most MaxDelegatesPerPatient delegates.
		for (delegate, _) in Delegates::<T>::drain_prefix(patient) {
			Self::stop_delegating(&delegate);
			dropped = true;
		}
		DelegateCount::<T>::remove(patient);
		if dropped {
			Self::deposit_event(Event::RepresentativesDropped { patient: patient.clone() });
		}
	}

	/// Counts one representation of `who` less.
	fn stop_representing(who: &T::AccountId) {
		Representing::<T>::mutate_exists(who, crate::limits::count_down);
	}

	/// `who` is guardian of one patient less.
	fn stop_guarding(who: &T::AccountId) {
		Guarding::<T>::mutate_exists(who, crate::limits::count_down);
		Self::stop_representing(who);
	}

	/// `who` is delegate of one patient less; with its last delegation, its latest end goes.
	fn stop_delegating(who: &T::AccountId) {
		Self::stop_representing(who);
		if Representing::<T>::get(who) <= Guarding::<T>::get(who) {
			DelegatedUntil::<T>::remove(who);
		}
	}
}

/// The accounts that act for patients (guardians and named delegates), as a
/// [`Contains`](frame_support::traits::Contains) for the registry's feeless admission
/// (`pallet_medchain_registry::Config::Representatives`): they hold no registry role, yet act
/// for a patient, and so transact without fees within the same quota. A delegate stops counting
/// at the end of its latest delegation, whether or not anybody removes it.
pub struct Representatives<T>(core::marker::PhantomData<T>);

impl<T: Config> frame_support::traits::Contains<T::AccountId> for Representatives<T> {
	fn contains(who: &T::AccountId) -> bool {
		Pallet::<T>::is_representative(who)
	}
}

/// The access pallet listens to the registry's revocations: a revoked patient's representatives
/// are dropped (their grants die with the patient's already, in [`Pallet::may_serve`]).
impl<T: Config> medchain_primitives::OnRevoked<T::AccountId> for Pallet<T> {
	fn on_hospital_revoked(_hospital: medchain_primitives::HospitalId) {}
	fn on_doctor_revoked(_doctor: &T::AccountId) {}
	fn on_provider_revoked(_provider: &T::AccountId) {}
	fn on_patient_revoked(patient: &T::AccountId) {
		Self::drop_representatives(patient);
	}
	/// [`Pallet::drop_representatives`] with a guardian and every delegate: per representative a
	/// read and a write of its entry, of its count, of its guardian count or latest delegation
	/// end, plus the delegate count and the event.
	/// Priced by its storage accesses, the computation being negligible beside them.
	fn on_patient_revoked_weight() -> frame_support::weights::Weight {
		let representatives = u64::from(T::MaxDelegatesPerPatient::get()).saturating_add(1);
		let accesses = representatives.saturating_mul(3).saturating_add(2);
		T::DbWeight::get().reads_writes(accesses, accesses)
	}
}
