//! Reading the access chain for the runtime API: pages of records, who was granted an entry
//! ("who read record R") and the accounting of disclosures. These scan storage and are meant
//! for runtime API calls, not for dispatchables.

use alloc::vec::Vec;
use frame_support::traits::Defensive;
use medchain_primitives::{EmrIndex, HospitalId, Seq};

use crate::{
	AccessEvent, AccessLength, AccessLog, AccessRecord, BasisKind, Config, Decision, Disclosure,
	Pallet, Purpose, Reader, RequestId,
};

/// What the history functions need of a `Requested` record.
struct Requested<T: Config> {
	doctor: T::AccountId,
	hospital: HospitalId,
	purpose: Purpose,
	basis: BasisKind,
}

impl<T: Config> Pallet<T> {
	/// Up to `count` records of `patient`'s access chain from position `from`.
	pub fn access_history(patient: &T::AccountId, from: Seq, count: u32) -> Vec<AccessRecord<T>> {
		let end = from.saturating_add(count).min(AccessLength::<T>::get(patient));
		(from..end).filter_map(|seq| AccessLog::<T>::get(patient, seq)).collect()
	}

	/// The request id and the `Requested` record a `Decided` record refers to. Every
	/// `Decided` record is appended with its request's id after the request's `Requested`
	/// record, so both exist in an untampered chain.
	fn requested(
		patient: &T::AccountId,
		request_id: Option<RequestId>,
		requested_at: Seq,
	) -> Option<(RequestId, Requested<T>)> {
		let requested = match AccessLog::<T>::get(patient, requested_at).map(|r| r.event) {
			Some(AccessEvent::Requested { doctor, hospital, purpose, basis, .. }) => {
				Some(Requested { doctor, hospital, purpose, basis: basis.kind() })
			},
			_ => None,
		};
		request_id.zip(requested).defensive_proof("a decision refers to its logged request")
	}

	/// Every grant of EMR entry `seq` of `patient`, oldest first. Scans the whole access
	/// chain: for tests; the runtime API pages ([`Pallet::readers_of_page`]).
	pub fn readers_of(patient: &T::AccountId, seq: Seq) -> Vec<Reader<T>> {
		Self::readers_of_page(patient, seq, 0, AccessLength::<T>::get(patient))
	}

	/// The grants of EMR entry `seq` of `patient` in access records `from .. from + max`
	/// (chain positions, so the scan is bounded; page on from `from + max` until the chain's
	/// length), oldest first.
	pub fn readers_of_page(
		patient: &T::AccountId,
		seq: Seq,
		from: Seq,
		max: Seq,
	) -> Vec<Reader<T>> {
		let mut readers = Vec::new();
		let end = from.saturating_add(max).min(AccessLength::<T>::get(patient));
		for access_seq in from..end {
			let Some(record) = AccessLog::<T>::get(patient, access_seq) else { continue };
			let AccessEvent::Decided { requested_at, decisions, .. } = record.event else {
				continue;
			};
			if !decisions.iter().any(|(s, d)| *s == seq && *d == Decision::Granted) {
				continue;
			}
			let Some((request_id, Requested { doctor, hospital, basis, .. })) =
				Self::requested(patient, record.request_id, requested_at)
			else {
				continue;
			};
			readers.push(Reader { request_id, doctor, hospital, at: record.at, basis, access_seq });
		}
		readers
	}

	/// The accounting of disclosures: every entry granted in access records
	/// `from .. from + count` of `patient`'s chain (a page of chain positions, so a page
	/// holds any number of disclosures up to `count * MaxHostedPerProvider`).
	pub fn disclosures(patient: &T::AccountId, from: Seq, count: u32) -> Vec<Disclosure<T>> {
		let mut out = Vec::new();
		for record in Self::access_history(patient, from, count) {
			let AccessEvent::Decided { requested_at, decisions, provider } = record.event else {
				continue;
			};
			let Some((request_id, Requested { doctor, hospital, purpose, basis })) =
				Self::requested(patient, record.request_id, requested_at)
			else {
				continue;
			};
			for (seq, decision) in decisions {
				if decision != Decision::Granted {
					continue;
				}
				// A named entry is granted only if the EMR chain has it, and entries are
				// never removed.
				let provider = provider.clone().or_else(|| {
					T::Emr::entry(patient, seq)
						.map(|entry| entry.provider)
						.defensive_proof("a granted entry is in the EMR chain")
				});
				out.push(Disclosure {
					access_seq: record.seq,
					request_id,
					seq,
					doctor: doctor.clone(),
					hospital,
					provider,
					purpose,
					at: record.at,
					basis,
				});
			}
		}
		out
	}
}
