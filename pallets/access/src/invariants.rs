//! The pallet's invariants over its own storage, checked by `try_state` and after every test.

use alloc::collections::BTreeMap;
use frame_support::{ensure, pallet_prelude::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::Saturating;

use crate::{
	account_bytes, AccessEvent, AccessHead, AccessLength, AccessLog, AccessTarget, BreakGlassUses,
	Config, ConsentCount, ConsentModes, Consents, DelegateCount, DelegatedUntil, Delegates,
	Fulfilled, Grants, Guardians, Guarding, JustificationDue, JustificationQueue, NextRequestId,
	Pallet, PresenceKeys, PresenceNonces, ReferencedAccounts, Representing, RequestCounts,
	RequestExpiry, Requests,
};

impl<T: Config> Pallet<T> {
	/// Invariants: every access chain verifies and holds exactly its length in records,
	/// request ids lie below the counter and each request's `Requested` record is in its
	/// patient's chain, every grant and fulfilment mark belongs to an existing request,
	/// fulfilment marks only to searches, consent and delegate counts match what is kept, no
	/// presence key is an account key and no nonce outlives `MaxPresenceValidity`, the
	/// representation counts (all, guardianships, latest delegation ends) match the guardians
	/// and delegates, the break-glass rate limit
	/// holds, and awaited justifications and their queue agree.
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
		for (id, request) in Requests::<T>::iter() {
			ensure!(
				RequestExpiry::<T>::contains_key(Self::prune_after(&request), id),
				"open request not queued for pruning"
			);
		}
		for (after, id) in RequestExpiry::<T>::iter_keys() {
			ensure!(
				Requests::<T>::get(id).is_some_and(|r| Self::prune_after(&r) == after),
				"queued for pruning but no such request"
			);
		}
		for (_, _, (_, used)) in RequestCounts::<T>::iter() {
			ensure!(used <= T::MaxRequestsPerWindow::get(), "request rate limit exceeded");
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
			ensure!(!Self::is_default_mode(mode), "the default consent mode stored explicitly");
		}
		let now = frame_system::Pallet::<T>::block_number();
		for (patient, key) in PresenceKeys::<T>::iter() {
			ensure!(key != account_bytes(&patient), "a presence key is an account key");
		}
		for (not_after, _) in PresenceNonces::<T>::iter_keys() {
			ensure!(
				not_after <= now.saturating_add(T::MaxPresenceValidity::get()),
				"a presence nonce kept beyond MaxPresenceValidity"
			);
		}
		let mut representing: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (patient, guardian) in Guardians::<T>::iter() {
			ensure!(guardian != patient, "a patient is their own guardian");
			*representing.entry(guardian).or_default() += 1;
		}
		let max_delegates = T::MaxDelegatesPerPatient::get();
		let mut delegates = 0u64;
		for (patient, count) in DelegateCount::<T>::iter() {
			ensure!(count > 0 && count <= max_delegates, "delegate count out of range");
			ensure!(
				Delegates::<T>::iter_key_prefix(&patient).count() as u64 == u64::from(count),
				"delegate count differs from delegates kept"
			);
			delegates = delegates.saturating_add(u64::from(count));
		}
		for (patient, delegate, _) in Delegates::<T>::iter() {
			ensure!(delegate != patient, "a patient is their own delegate");
			*representing.entry(delegate).or_default() += 1;
		}
		ensure!(
			Delegates::<T>::iter_keys().count() as u64 == delegates,
			"delegates without a count"
		);
		ensure!(
			Representing::<T>::iter().count() == representing.len()
				&& representing.iter().all(|(who, n)| Representing::<T>::get(who) == *n),
			"Representing differs from guardians and delegates kept"
		);
		ensure!(
			representing.keys().all(ReferencedAccounts::<T>::contains_key),
			"a representative without its sufficient reference"
		);
		let mut guarding = BTreeMap::<T::AccountId, u32>::new();
		for (_, guardian) in Guardians::<T>::iter() {
			*guarding.entry(guardian).or_default() += 1;
		}
		ensure!(
			Guarding::<T>::iter().count() == guarding.len()
				&& guarding.iter().all(|(who, n)| Guarding::<T>::get(who) == *n),
			"Guarding differs from the guardians kept"
		);
		let mut latest = BTreeMap::<T::AccountId, BlockNumberFor<T>>::new();
		for (_, delegate, until) in Delegates::<T>::iter() {
			let entry = latest.entry(delegate).or_insert(until);
			*entry = (*entry).max(until);
		}
		ensure!(
			DelegatedUntil::<T>::iter().count() == latest.len()
				&& latest.iter().all(|(who, until)| {
					DelegatedUntil::<T>::get(who).is_some_and(|kept| kept >= *until)
				}),
			"DelegatedUntil differs from the delegations kept"
		);
		for (_, (_, used)) in BreakGlassUses::<T>::iter() {
			ensure!(used <= T::MaxBreakGlassPerWindow::get(), "break-glass rate limit exceeded");
		}
		for (id, (due, _, _)) in JustificationDue::<T>::iter() {
			ensure!(
				JustificationQueue::<T>::contains_key(due, id),
				"awaited justification not queued"
			);
			ensure!(id < next, "justification of an unknown request");
		}
		for (due, id) in JustificationQueue::<T>::iter_keys() {
			ensure!(
				JustificationDue::<T>::get(id).is_some_and(|(d, _, _)| d == due),
				"queued justification not awaited"
			);
		}
		Ok(())
	}
}
