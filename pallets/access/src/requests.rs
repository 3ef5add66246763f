//! Requests: an active doctor asks (named entries or a search, on a basis or break-glass), a
//! batch of entries is decided and logged, and expired requests are pruned.

use alloc::{string::String, vec::Vec};
use frame_support::{dispatch::DispatchResultWithPostInfo, ensure, pallet_prelude::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{
	DoctorInfo, DoctorRegistry, DoctorStanding, EmrIndex, EntryInfo, HospitalId,
	KeyServiceRegistry, PatientRegistry, Seq,
};
use sp_runtime::{DispatchResult, Saturating};

use crate::{
	decision, AccessEvent, AccessTarget, Basis, BasisRecord, Config, Decision, Decisions, Error,
	Event, Fulfilled, Grant, Grants, NextRequestId, Pallet, Purpose, Request, RequestCounts,
	RequestExpiry, RequestId, Requests, WeightInfo,
};

/// The basis of a request being made: named by the doctor, or break-glass for a window of
/// blocks.
pub(crate) enum RequestBasis<T: Config> {
	/// [`crate::Pallet::request_access`]'s basis.
	Named(Basis<T>),
	/// [`crate::Pallet::break_glass`]'s window.
	BreakGlass(BlockNumberFor<T>),
}

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
	pub(crate) fn requester(request: &Request<T>) -> Result<Requester<T>, Error<T>> {
		let info = Self::active_doctor(&request.doctor)?;
		let now = frame_system::Pallet::<T>::block_number();
		// The basis must still hold whenever entries are decided (a search is fulfilled
		// later): break-glass ends when the `emergency` attribute is removed, a consent basis
		// when the consent is withdrawn, any basis with a new key epoch.
		Self::basis_holds(request, &info, now).map_err(Self::lapse_error)?;
		Ok(Requester { doctor: request.doctor.clone(), info, emergency: request.emergency() })
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

	/// Checks and logs a request: the doctor, the patient, the target and the basis (a
	/// presence statement or a consent in force, or the break-glass rules) before anything is
	/// written; decides named entries at once.
	pub(crate) fn do_request(
		doctor: T::AccountId,
		patient: T::AccountId,
		target: AccessTarget<T>,
		purpose: Purpose,
		basis: RequestBasis<T>,
		delivery_key: [u8; 32],
	) -> DispatchResult {
		let info = Self::active_doctor(&doctor)?;
		let hospital: HospitalId = info.hospital;
		ensure!(T::Patients::is_active_patient(&patient), Error::<T>::UnknownPatient);
		// The named entries, each read once: checked to exist here, decided below.
		let mut named = Vec::new();
		if let AccessTarget::Records(seqs) = &target {
			ensure!(!seqs.is_empty(), Error::<T>::NoRecords);
			let mut sorted = seqs.to_vec();
			sorted.sort_unstable();
			ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::DuplicateRecord);
			for seq in seqs.iter() {
				// No access record for entries that do not exist.
				let entry = T::Emr::entry(&patient, *seq).ok_or(Error::<T>::UnknownRecord)?;
				named.push((*seq, Some(entry)));
			}
		}
		let now = frame_system::Pallet::<T>::block_number();
		Self::count_request(&doctor, &patient, now)?;
		let request_id = NextRequestId::<T>::get();
		let next = request_id.checked_add(1).ok_or(Error::<T>::RequestIdOverflow)?;
		let (basis, lifetime) = match basis {
			RequestBasis::Named(basis) => (
				Self::check_basis(&doctor, &info, &patient, &target, purpose, basis, now)?,
				T::RequestLifetime::get(),
			),
			RequestBasis::BreakGlass(window) => {
				Self::check_break_glass(&doctor, &info, window, now)?;
				(BasisRecord::BreakGlass, window)
			},
		};
		let expires_at = now.saturating_add(lifetime);

		// Logged before anything is decided or disclosed.
		let access_seq = Self::append(
			&patient,
			Some(request_id),
			AccessEvent::Requested {
				doctor: doctor.clone(),
				hospital,
				target: target.clone(),
				purpose,
				basis: basis.clone(),
				delivery_key,
				expires_at,
			},
		)?;
		let request = Request {
			patient: patient.clone(),
			doctor: doctor.clone(),
			hospital,
			target,
			purpose,
			basis,
			delivery_key,
			key_epoch: T::KeyService::current_key_epoch(),
			created_at: now,
			expires_at,
			access_seq,
		};
		Requests::<T>::insert(request_id, &request);
		// `on_idle` removes it, its grants and fulfilment marks once all expired.
		RequestExpiry::<T>::insert(Self::prune_after(&request), request_id, ());
		NextRequestId::<T>::put(next);
		Self::deposit_event(Event::AccessRequested {
			request_id,
			patient: patient.clone(),
			doctor: doctor.clone(),
			hospital,
			basis: request.basis.kind(),
		});
		if request.emergency() {
			Self::await_justification(request_id, &doctor, &patient, now);
			Self::deposit_event(Event::BreakGlassUsed {
				request_id,
				patient,
				doctor: doctor.clone(),
				until: expires_at,
			});
		}

		if !named.is_empty() {
			let requester = Requester { doctor, info, emergency: request.emergency() };
			Self::decide_and_log(request_id, &request, &requester, None, named)?;
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
		let mut grant_expiry = now.saturating_add(T::GrantLifetime::get());
		if request.emergency() {
			grant_expiry = grant_expiry.min(request.expires_at);
		}
		let (mut granted, mut denied) = (0u32, 0u32);
		let mut decisions = Vec::with_capacity(entries.len());
		for (seq, entry) in entries {
			let decision = decision::decide(entry.as_ref(), &attributes);
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
		ensure!(now > Self::prune_after(&request), Error::<T>::RequestNotExpired);
		let (removed, _) = Self::prune(request_id, &request);
		Ok(Some(T::WeightInfo::prune_request(removed)).into())
	}

	/// The last block in which `request` or one of its grants may still be used; from the next
	/// one on it may be pruned.
	pub(crate) fn prune_after(request: &Request<T>) -> BlockNumberFor<T> {
		request.expires_at.saturating_add(T::GrantLifetime::get())
	}

	/// Removes up to [`Pallet::prune_limit`] grants and fulfilment marks of an expired request,
	/// then the request and its place in [`RequestExpiry`] once none is left. Returns the keys
	/// removed and whether the request is gone.
	pub(crate) fn prune(request_id: RequestId, request: &Request<T>) -> (u32, bool) {
		let limit = Self::prune_limit() as usize;
		let mut removed = Grants::<T>::drain_prefix(request_id).take(limit).count();
		removed = removed.saturating_add(
			Fulfilled::<T>::drain_prefix(request_id).take(limit.saturating_sub(removed)).count(),
		);
		let complete = Grants::<T>::iter_key_prefix(request_id).next().is_none()
			&& Fulfilled::<T>::iter_key_prefix(request_id).next().is_none();
		if complete {
			Requests::<T>::remove(request_id);
			RequestExpiry::<T>::remove(Self::prune_after(request), request_id);
		}
		Self::deposit_event(Event::RequestPruned { request_id, complete });
		(removed as u32, complete)
	}

	/// Counts a request of `doctor` for `patient` against [`Config::MaxRequestsPerWindow`] per
	/// [`Config::RequestWindow`]: a doctor cannot grow one patient's access chain without
	/// bound.
	pub(crate) fn count_request(
		doctor: &T::AccountId,
		patient: &T::AccountId,
		now: BlockNumberFor<T>,
	) -> Result<(), Error<T>> {
		let used = crate::limits::use_in_window(
			RequestCounts::<T>::get(patient, doctor),
			now,
			T::RequestWindow::get(),
			T::MaxRequestsPerWindow::get(),
		)
		.ok_or(Error::<T>::TooManyRequests)?;
		RequestCounts::<T>::insert(patient, doctor, used);
		Ok(())
	}
}
