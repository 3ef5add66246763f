//! The EMR chain as other pallets see it ([`medchain_primitives::EmrIndex`] for the access
//! pallet, [`medchain_primitives::AuditIndex`] for the audit pallet), so that they never read
//! this pallet's storage.

use alloc::vec::Vec;
use medchain_primitives::{AuditIndex, AuditTarget, EmrIndex, EntryInfo, PossessionCheck, Seq};

use crate::{Config, Entries, EntryAt, Erasures, HostedBy, Pallet, TotalEntries};

impl<T: Config> AuditIndex<T::AccountId> for Pallet<T> {
	fn position_count() -> u64 {
		TotalEntries::<T>::get()
	}

	fn entry_at(position: u64) -> Option<(T::AccountId, Seq)> {
		EntryAt::<T>::get(position)
	}

	fn audit_target(patient: &T::AccountId, seq: Seq) -> Option<AuditTarget<T::AccountId>> {
		if Erasures::<T>::contains_key(patient, seq) {
			return None;
		}
		let entry = Entries::<T>::get(patient, seq)?;
		Some(AuditTarget {
			provider: entry.record.provider,
			hospital: entry.hospital,
			blocks: entry.record.pdp_file.blocks,
		})
	}

	fn check_possession(
		patient: &T::AccountId,
		seq: Seq,
		file_params: &[u8],
		seed: &[u8; 32],
		challenged: u32,
		proof: &[u8],
	) -> PossessionCheck {
		Pallet::<T>::check_possession_sized(patient, seq, file_params, seed, challenged, proof)
	}
}

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
