//! The registry's revocation hook: a revoked hospital's candidate is dropped at once, in O(1)
//! through [`CandidateOfHospital`]. If it holds a seat, it leaves the set at the next planning
//! (a forced exit, see the crate docs, "Selection").

use frame_support::weights::Weight;
use medchain_primitives::{HospitalId, OnRevoked};

use crate::{CandidateOfHospital, Candidates, Config, DropReason, Event, Pallet};

impl<T: Config> OnRevoked<T::AccountId> for Pallet<T> {
	fn on_hospital_revoked(hospital: HospitalId) {
		if let Some(who) = CandidateOfHospital::<T>::take(hospital) {
			Candidates::<T>::remove(&who);
			Self::deposit_event(Event::CandidateDropped {
				who,
				hospital,
				reason: DropReason::HospitalRevoked,
			});
		}
	}
	fn on_doctor_revoked(_: &T::AccountId) {}
	fn on_provider_revoked(_: &T::AccountId) {}
	fn on_patient_revoked(_: &T::AccountId) {}
	fn on_patient_revoked_weight() -> Weight {
		Weight::zero()
	}
}
