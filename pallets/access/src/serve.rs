//! What a storage provider asks before it serves an entry ([`Pallet::may_serve`], a runtime
//! API): a grant is honoured only while its basis holds.
//!
//! A revocation, a withdrawn consent, a removed `emergency` attribute, a replaced presence key
//! or a new key epoch ends a grant in the block that makes the change; a provider that asks
//! at its finalized head sees it at finality (two to three blocks, 4-6 s with 2-s slots). A
//! provider serving a long download asks again between segments and stops when refused.

use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{EmrIndex, PatientRegistry, ProviderRegistry, Seq};

use crate::{Config, Grants, Pallet, Refusal, RequestId, Requests, ServeGrant};

impl<T: Config> Pallet<T> {
	/// Whether `provider` may now serve entry `seq` of `patient` to `grantee` under request
	/// `request_id`: the grant exists for exactly these, has not expired, the provider, the
	/// patient, the doctor and their hospital are active, the entry is not erased, and the
	/// request's basis still holds ([`Pallet::basis_holds`]). Returns where to seal the entry
	/// (the delivery key recorded on chain) and until when.
	pub fn may_serve(
		request_id: RequestId,
		provider: &T::AccountId,
		grantee: &T::AccountId,
		patient: &T::AccountId,
		seq: Seq,
	) -> Result<ServeGrant<BlockNumberFor<T>>, Refusal> {
		let grant = Grants::<T>::get(request_id, seq).ok_or(Refusal::NoGrant)?;
		if grant.provider != *provider || grant.doctor != *grantee || grant.patient != *patient {
			return Err(Refusal::NotThisGrant);
		}
		let now = frame_system::Pallet::<T>::block_number();
		if now > grant.expires_at {
			return Err(Refusal::Expired);
		}
		if T::Providers::active_provider(provider).is_none() {
			return Err(Refusal::ProviderInactive);
		}
		if !T::Patients::is_active_patient(patient) {
			return Err(Refusal::PatientInactive);
		}
		// Grants are removed with their request, so an existing grant has its request.
		let request = Requests::<T>::get(request_id).ok_or(Refusal::NoGrant)?;
		let info = Self::active_doctor(grantee).map_err(|_| Refusal::DoctorInactive)?;
		Self::basis_holds(&request, &info, now)?;
		if T::Emr::entry(patient, seq).is_none_or(|entry| entry.erased) {
			return Err(Refusal::Erased);
		}
		Ok(ServeGrant { delivery_key: grant.delivery_key, expires_at: grant.expires_at })
	}
}
