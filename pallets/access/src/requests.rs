//! Requests: an active doctor asks (named entries or a search, ordinary or break-glass), a
//! batch of entries is decided and logged, and expired requests are pruned.

use alloc::{string::String, vec::Vec};
use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	ensure,
	pallet_prelude::{BoundedVec, Get},
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{
	DoctorInfo, DoctorRegistry, DoctorStanding, EmrIndex, EntryInfo, HospitalId,
	KeyServiceRegistry, PatientRegistry, Seq,
};
use sp_runtime::{traits::Zero, DispatchResult, Saturating};

use crate::{
	decision, AccessEvent, AccessTarget, Config, Decision, Decisions, Error, Event, Fulfilled,
	Grant, Grants, NextRequestId, Pallet, Request, RequestId, Requests, WeightInfo,
};

/// The requesting doctor of a batch of decisions, as the registry knows them now.
pub(crate) struct Requester<T: Config> {
	/// The doctor's account.
	pub doctor: T::AccountId,
	/// The doctor's registry record with their hospital's grade.
	pub info: DoctorInfo,
	/// A break-glass request.
	pub emergency: bool,
}

impl<T: Config> Pallet<T> {
	/// Entries a target names (the benchmark component of requests).
	pub fn records_in(target: &AccessTarget<T>) -> u32 {
		match target {
			AccessTarget::Search { .. } => 0,
			AccessTarget::Records(seqs) => seqs.len() as u32,
		}
	}

	/// Keys [`Pallet::prune_request`] removes per call.
	pub fn prune_limit() -> u32 {
		T::MaxHostedPerProvider::get()
	}

	/// The registry record of `who` with their hospital's grade, if the doctor and their
	/// hospital are active; otherwise the pallet error saying why not.
	pub fn active_doctor(who: &T::AccountId) -> Result<DoctorInfo, Error<T>> {
		T::Doctors::active_doctor(who).map_err(|standing| match standing {
			DoctorStanding::NotRegistered => Error::<T>::NotDoctor,
			DoctorStanding::Revoked => Error::<T>::DoctorRevoked,
			DoctorStanding::UnknownHospital => Error::<T>::UnknownHospital,
			DoctorStanding::HospitalRevoked => Error::<T>::HospitalRevoked,
		})
	}

	/// The requesting doctor of a request being decided, who must still be active.
	pub(crate) fn requester(
		doctor: &T::AccountId,
		emergency: bool,
	) -> Result<Requester<T>, Error<T>> {
		let info = Self::active_doctor(doctor)?;
		// Break-glass needs the `emergency` attribute at request and again whenever entries
		// are decided (a search is fulfilled later): the window ends when it is removed.
		ensure!(
			!emergency || decision::holds_emergency(&info.attributes),
			Error::<T>::NotEmergencyDoctor
		);
		Ok(Requester { doctor: doctor.clone(), info, emergency })
	}

	/// The attribute set of `doctor` under the key epoch in force ([`decision::attribute_set`],
	/// a contract with the key service). `emergency` counts only for break-glass requests.
	pub fn attributes_of(doctor: &T::AccountId, info: &DoctorInfo, emergency: bool) -> Vec<String> {
		decision::attribute_set(
			&decision::account_bytes(doctor),
			info.title,
			info.hospital_grade,
			T::KeyService::current_key_epoch(),
			&info.attributes,
			emergency,
		)
	}

	/// Checks and logs a request (break-glass if `emergency_window` is given); decides named
	/// entries at once.
	pub(crate) fn do_request(
		doctor: T::AccountId,
		patient: T::AccountId,
		target: AccessTarget<T>,
		purpose: BoundedVec<u8, T::MaxPurposeLen>,
		delivery_key: [u8; 32],
		emergency_window: Option<BlockNumberFor<T>>,
	) -> DispatchResult {
		let info = Self::active_doctor(&doctor)?;
		let hospital: HospitalId = info.hospital;
		let emergency = emergency_window.is_some();
		if let Some(window) = emergency_window {
			ensure!(decision::holds_emergency(&info.attributes), Error::<T>::NotEmergencyDoctor);
			ensure!(
				!window.is_zero() && window <= T::MaxBreakGlassDuration::get(),
				Error::<T>::InvalidDuration
			);
		}
		ensure!(T::Patients::is_active_patient(&patient), Error::<T>::UnknownPatient);
		if let AccessTarget::Records(seqs) = &target {
			ensure!(!seqs.is_empty(), Error::<T>::NoRecords);
			let mut sorted = seqs.to_vec();
			sorted.sort_unstable();
			ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::DuplicateRecord);
		}
		let request_id = NextRequestId::<T>::get();
		let next = request_id.checked_add(1).ok_or(Error::<T>::RequestIdOverflow)?;
		let now = frame_system::Pallet::<T>::block_number();
		let expires_at =
			now.saturating_add(emergency_window.unwrap_or_else(T::RequestLifetime::get));

		// Logged before anything is decided or disclosed.
		let access_seq = Self::append(
			&patient,
			Some(request_id),
			AccessEvent::Requested {
				doctor: doctor.clone(),
				hospital,
				target: target.clone(),
				purpose: purpose.clone(),
				delivery_key,
				emergency,
				expires_at,
			},
		)?;
		let request = Request {
			patient: patient.clone(),
			doctor: doctor.clone(),
			hospital,
			target,
			purpose,
			delivery_key,
			emergency,
			created_at: now,
			expires_at,
			access_seq,
		};
		Requests::<T>::insert(request_id, &request);
		NextRequestId::<T>::put(next);
		Self::deposit_event(Event::AccessRequested {
			request_id,
			patient: patient.clone(),
			doctor: doctor.clone(),
			hospital,
			emergency,
		});
		if emergency {
			Self::deposit_event(Event::BreakGlassUsed {
				request_id,
				patient,
				doctor: doctor.clone(),
				until: expires_at,
			});
		}

		if let AccessTarget::Records(seqs) = &request.target {
			let requester = Requester { doctor, info, emergency };
			let entries =
				seqs.iter().map(|seq| (*seq, T::Emr::entry(&request.patient, *seq))).collect();
			Self::decide_and_log(request_id, &request, &requester, None, entries)?;
		}
		Ok(())
	}

	/// Decides `entries` for `request`, stores the grants, appends one `Decided` record and
	/// emits [`Event::AccessDecided`].
	pub(crate) fn decide_and_log(
		request_id: RequestId,
		request: &Request<T>,
		requester: &Requester<T>,
		provider: Option<T::AccountId>,
		entries: Vec<(Seq, Option<EntryInfo<T::AccountId>>)>,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let attributes =
			Self::attributes_of(&requester.doctor, &requester.info, requester.emergency);
		let consent = if requester.emergency {
			None
		} else {
			Self::consent_verdict(&request.patient, &requester.doctor, &requester.info, now)
		};
		let mut grant_expiry = now.saturating_add(T::GrantLifetime::get());
		if request.emergency {
			grant_expiry = grant_expiry.min(request.expires_at);
		}
		let (mut granted, mut denied) = (0u32, 0u32);
		let mut decisions = Vec::with_capacity(entries.len());
		for (seq, entry) in entries {
			let decision = decision::decide(entry.as_ref(), &attributes, consent);
			if let (Decision::Granted, Some(entry)) = (decision, entry) {
				granted = granted.saturating_add(1);
				Grants::<T>::insert(
					request_id,
					seq,
					Grant {
						patient: request.patient.clone(),
						doctor: request.doctor.clone(),
						provider: entry.provider,
						delivery_key: request.delivery_key,
						expires_at: grant_expiry,
					},
				);
			} else {
				denied = denied.saturating_add(1);
			}
			decisions.push((seq, decision));
		}
		let decisions =
			Decisions::<T>::try_from(decisions).map_err(|_| Error::<T>::TooManyRecords)?;
		let access_seq = Self::append(
			&request.patient,
			Some(request_id),
			AccessEvent::Decided {
				provider: provider.clone(),
				requested_at: request.access_seq,
				decisions,
			},
		)?;
		Self::deposit_event(Event::AccessDecided {
			request_id,
			patient: request.patient.clone(),
			provider,
			access_seq,
			granted,
			denied,
		});
		Ok(())
	}

	/// Removes an expired request's grants and fulfilment marks (at most
	/// [`Pallet::prune_limit`] keys), then the request once none is left.
	pub(crate) fn do_prune_request(request_id: RequestId) -> DispatchResultWithPostInfo {
		let request = Requests::<T>::get(request_id).ok_or(Error::<T>::UnknownRequest)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			now > request.expires_at.saturating_add(T::GrantLifetime::get()),
			Error::<T>::RequestNotExpired
		);
		let limit = Self::prune_limit() as usize;
		let mut removed = Grants::<T>::drain_prefix(request_id).take(limit).count();
		removed = removed.saturating_add(
			Fulfilled::<T>::drain_prefix(request_id).take(limit.saturating_sub(removed)).count(),
		);
		let complete = Grants::<T>::iter_key_prefix(request_id).next().is_none()
			&& Fulfilled::<T>::iter_key_prefix(request_id).next().is_none();
		if complete {
			Requests::<T>::remove(request_id);
		}
		Self::deposit_event(Event::RequestPruned { request_id, complete });
		Ok(Some(T::WeightInfo::prune_request(removed as u32)).into())
	}
}
