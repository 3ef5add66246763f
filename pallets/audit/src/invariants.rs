//! `try_state` invariants.

use alloc::collections::BTreeSet;
use frame_support::{ensure, traits::Get};

use crate::{
	AuditLogHead, AuditLogLength, Challenges, Config, EntryAudits, NextChallengeId, OpenQueue,
	Pallet, Relayers, Reputations,
};

impl<T: Config> Pallet<T> {
	/// Invariants: the open queue lists exactly the stored challenges, once each, with their
	/// deadlines and seed state; every challenge's id was issued, its relayers are distinct and
	/// at most `RelayersPerChallenge`, and its entry names it as open (and no entry names a
	/// challenge that is not open on it); scores are at most `MaxScore`; every audit log
	/// verifies and has a head exactly when it is not empty.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let queue = OpenQueue::<T>::get();
		let next = NextChallengeId::<T>::get();
		let mut ids = BTreeSet::new();
		for slot in queue.iter() {
			ensure!(ids.insert(slot.id), "a challenge is queued twice");
			let challenge =
				Challenges::<T>::get(slot.id).ok_or("a queued challenge is not stored")?;
			ensure!(slot.id < next, "a challenge id was never issued");
			ensure!(slot.deadline == challenge.deadline, "queued deadline differs");
			ensure!(slot.seeded == challenge.seed.is_some(), "queued seed state differs");
			ensure!(slot.opened_at == challenge.opened_at, "queued opening block differs");
			ensure!(challenge.challenged > 0, "a challenge of no blocks");
			ensure!(
				challenge.challenged <= T::FullChallengeBlocks::get(),
				"a challenge larger than a full one"
			);
			let relayers: BTreeSet<_> = challenge.relayers.iter().map(|a| &a.relayer).collect();
			ensure!(relayers.len() == challenge.relayers.len(), "a relayer is assigned twice");
			ensure!(!challenge.relayers.is_empty(), "a challenge without relayers");
			ensure!(
				EntryAudits::<T>::get(&challenge.patient, challenge.seq).open == Some(slot.id),
				"an open challenge's entry does not name it"
			);
		}
		ensure!(
			Challenges::<T>::iter_keys().count() == ids.len(),
			"a stored challenge is not queued"
		);
		for (patient, seq, audit) in EntryAudits::<T>::iter() {
			if let Some(id) = audit.open {
				let challenge =
					Challenges::<T>::get(id).ok_or("an entry names a closed challenge")?;
				ensure!(
					challenge.patient == patient && challenge.seq == seq,
					"an entry names another entry's challenge"
				);
			}
		}
		for (_, reputation) in Reputations::<T>::iter() {
			ensure!(reputation.score <= T::MaxScore::get(), "a score above MaxScore");
		}
		for (provider, length) in AuditLogLength::<T>::iter() {
			ensure!(length > 0, "an empty audit log length is stored");
			ensure!(AuditLogHead::<T>::contains_key(&provider), "an audit log without a head");
			ensure!(
				Self::verify_audit_log(&provider).first_broken.is_none(),
				"an audit log does not verify"
			);
		}
		for provider in AuditLogHead::<T>::iter_keys() {
			ensure!(AuditLogLength::<T>::get(&provider) > 0, "an audit log head without records");
		}
		let validators: BTreeSet<_> = Relayers::<T>::get().iter().map(|(v, _)| v.clone()).collect();
		ensure!(
			validators.len() == Relayers::<T>::decode_len().unwrap_or(0),
			"a validator is listed twice"
		);
		Ok(())
	}
}
