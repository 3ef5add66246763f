//! The EMR chain as other pallets see it ([`medchain_primitives::EmrIndex`]), so that the access
//! pallet (and the coming audit pallet) never read this pallet's storage.

use alloc::vec::Vec;
use medchain_primitives::{EmrIndex, EntryInfo, Seq};

use crate::{Config, Entries, Erasures, HostedBy, Pallet};

impl<T: Config> EmrIndex<T::AccountId> for Pallet<T> {
	fn entry(patient: &T::AccountId, seq: Seq) -> Option<EntryInfo<T::AccountId>> {
		let entry = Entries::<T>::get(patient, seq)?;
		Some(EntryInfo {
			provider: entry.record.provider,
			shve_commitment: entry.record.shve_commitment,
			policy: entry.record.policy.into_inner(),
			erased: Erasures::<T>::contains_key(patient, seq),
		})
	}

	fn hosted_by(patient: &T::AccountId, provider: &T::AccountId) -> Vec<Seq> {
		HostedBy::<T>::get(patient, provider).into_inner()
	}
}
