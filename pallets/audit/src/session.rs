//! The session's validators and their audit keys, from `pallet-session`: the pallet is one of
//! the runtime's session key handlers (its key is the `audit` field of `SessionKeys`).
//!
//! A rotated key (`session.set_keys`) reaches [`Relayers`] when the session that queued it
//! starts; challenges opened before keep the key they were assigned with.

use alloc::vec::Vec;
use frame_support::{traits::OneSessionHandler, WeakBoundedVec};

use crate::{crypto::AuditId, Config, Pallet, Relayers};

impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = AuditId;
}

impl<T: Config> Pallet<T> {
	fn store_relayers<'a, I>(validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, AuditId)>,
		T::AccountId: 'a,
	{
		let set: Vec<(T::AccountId, AuditId)> =
			validators.map(|(account, key)| (account.clone(), key)).collect();
		Relayers::<T>::put(WeakBoundedVec::force_from(
			set,
			Some("audit: the session has more validators than MaxValidators"),
		));
	}
}

impl<T: Config> OneSessionHandler<T::AccountId> for Pallet<T> {
	type Key = AuditId;

	fn on_genesis_session<'a, I: 'a>(validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, AuditId)>,
		T::AccountId: 'a,
	{
		Self::store_relayers(validators);
	}

	fn on_new_session<'a, I: 'a>(_changed: bool, validators: I, _queued_validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, AuditId)>,
		T::AccountId: 'a,
	{
		// Always stored: a key rotation without a change of validators counts too, and the
		// set is small.
		Self::store_relayers(validators);
	}

	fn on_disabled(_validator_index: u32) {}
}
