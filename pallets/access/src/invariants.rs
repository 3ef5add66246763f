//! The pallet's invariants over its own storage, checked by `try_state` and after every test.

use frame_support::{ensure, pallet_prelude::Get};

use crate::{
	AccessEvent, AccessHead, AccessLength, AccessLog, AccessTarget, Config, ConsentCount,
	ConsentMode, ConsentModes, Consents, Fulfilled, Grants, NextRequestId, Pallet, Requests,
};

impl<T: Config> Pallet<T> {
	/// Invariants: every access chain verifies and holds exactly its length in records,
	/// request ids lie below the counter and each request's `Requested` record is in its
	/// patient's chain, every grant and fulfilment mark belongs to an existing request,
	/// fulfilment marks only to searches, and consent counts match the consents kept.
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
		let max = T::MaxConsentsPerPatient::get();
		let mut counted = 0u64;
		for (patient, count) in ConsentCount::<T>::iter() {
			ensure!(count > 0 && count <= max, "consent count out of range");
			ensure!(
				Consents::<T>::iter_key_prefix(&patient).count() as u64 == u64::from(count),
				"consent count differs from consents kept"
			);
			counted = counted.saturating_add(u64::from(count));
		}
		ensure!(Consents::<T>::iter_keys().count() as u64 == counted, "consents without a count");
		for (_, mode) in ConsentModes::<T>::iter() {
			ensure!(mode == ConsentMode::Explicit, "implied mode stored explicitly");
		}
		Ok(())
	}
}
