//! Break-glass justifications: each break-glass request awaits the doctor's justification for
//! [`Config::JustificationPeriod`] blocks; `on_idle` alerts the registrar of the overdue ones.

use frame_support::{ensure, pallet_prelude::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{DispatchResult, Saturating};

use crate::{
	AccessEvent, Config, Error, Event, Hash32, JustificationDue, JustificationQueue, Pallet,
	RequestId,
};

impl<T: Config> Pallet<T> {
	/// Starts the justification period of break-glass request `request_id`.
	pub(crate) fn await_justification(
		request_id: RequestId,
		doctor: &T::AccountId,
		patient: &T::AccountId,
		now: BlockNumberFor<T>,
	) {
		let due = now.saturating_add(T::JustificationPeriod::get());
		JustificationDue::<T>::insert(request_id, (due, doctor.clone(), patient.clone()));
		JustificationQueue::<T>::insert(due, request_id, ());
	}

	/// `doctor` justifies break-glass request `request_id` with `reason_hash`.
	pub(crate) fn do_justify(
		doctor: T::AccountId,
		request_id: RequestId,
		reason_hash: Hash32,
	) -> DispatchResult {
		let (due, awaited_from, patient) =
			JustificationDue::<T>::get(request_id).ok_or(Error::<T>::NothingToJustify)?;
		ensure!(awaited_from == doctor, Error::<T>::NothingToJustify);
		JustificationDue::<T>::remove(request_id);
		JustificationQueue::<T>::remove(due, request_id);
		Self::append(&patient, Some(request_id), AccessEvent::Justified { reason_hash })?;
		Self::deposit_event(Event::BreakGlassJustified { request_id, patient, doctor });
		Ok(())
	}

	/// Alerts the registrar that break-glass request `request_id` was not justified in time,
	/// logs it to the patient's chain and stops awaiting it.
	pub(crate) fn justification_overdue(request_id: RequestId) {
		let Some((_, doctor, patient)) = JustificationDue::<T>::take(request_id) else { return };
		// A full access chain (2^32 records) cannot take the record; the event still alerts.
		let _ = Self::append(&patient, Some(request_id), AccessEvent::JustificationOverdue);
		Self::deposit_event(Event::JustificationOverdue { request_id, patient, doctor });
	}
}
