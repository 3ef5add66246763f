//! The basis of every request (DESIGN.md "Access needs a basis"): a presence statement the
//! patient's card signed, a consent in force, or break-glass; checked when the request is made
//! and again whenever it is used ([`Pallet::basis_holds`]: fulfilment and
//! [`Pallet::may_serve`]).

use codec::Encode;
use frame_support::{ensure, pallet_prelude::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{DoctorInfo, KeyServiceRegistry};
use sp_core::ed25519;
use sp_runtime::{traits::Zero, Saturating};

use crate::{
	decision, AccessTarget, Basis, BasisRecord, BreakGlassUses, Config, ConsentMode, ConsentModes,
	ConsentScope, Consents, Error, Pallet, PresenceKeys, PresenceNonces, PresenceProof,
	PresenceStatement, Purpose, Refusal, Request,
};

impl<T: Config> Pallet<T> {
	/// The presence statement a card signs for `doctor` asking `target` of `patient` for
	/// `purpose` on this chain, valid until `not_after`, with `nonce`.
	pub fn presence_statement(
		doctor: &T::AccountId,
		patient: &T::AccountId,
		target: &AccessTarget<T>,
		purpose: Purpose,
		not_after: BlockNumberFor<T>,
		nonce: [u8; 16],
	) -> PresenceStatement<T::AccountId, BlockNumberFor<T>> {
		let mut genesis_hash = [0u8; 32];
		let genesis = Self::genesis_block_hash();
		let bytes = genesis.as_ref();
		let len = bytes.len().min(32);
		genesis_hash[..len].copy_from_slice(&bytes[..len]);
		PresenceStatement::new(
			genesis_hash,
			doctor.clone(),
			patient.clone(),
			target,
			purpose,
			not_after,
			nonce,
		)
	}

	/// Checks the basis a doctor names and returns it as it is kept; a presence statement's
	/// nonce is used up.
	pub(crate) fn check_basis(
		doctor: &T::AccountId,
		info: &DoctorInfo,
		patient: &T::AccountId,
		target: &AccessTarget<T>,
		purpose: Purpose,
		basis: Basis<T>,
		now: BlockNumberFor<T>,
	) -> Result<BasisRecord<T>, Error<T>> {
		match basis {
			Basis::PatientPresent(proof) => {
				let presence_key =
					Self::check_presence(doctor, patient, target, purpose, &proof, now)?;
				Ok(BasisRecord::PatientPresent { presence_key, proof })
			},
			Basis::Consent => {
				Self::consent_basis(patient, doctor, info.hospital, purpose, now)?;
				Ok(BasisRecord::Consent)
			},
		}
	}

	/// Checks a presence proof (key registered, `not_after` in range, nonce fresh, signature)
	/// and uses up its nonce; returns the presence key that signed.
	fn check_presence(
		doctor: &T::AccountId,
		patient: &T::AccountId,
		target: &AccessTarget<T>,
		purpose: Purpose,
		proof: &PresenceProof<T>,
		now: BlockNumberFor<T>,
	) -> Result<[u8; 32], Error<T>> {
		let key = PresenceKeys::<T>::get(patient).ok_or(Error::<T>::NoPresenceKey)?;
		ensure!(now <= proof.not_after, Error::<T>::PresenceExpired);
		ensure!(
			proof.not_after <= now.saturating_add(T::MaxPresenceValidity::get()),
			Error::<T>::PresenceTooFarAhead
		);
		let nonce_key = (patient.clone(), proof.nonce);
		ensure!(
			!PresenceNonces::<T>::contains_key(proof.not_after, &nonce_key),
			Error::<T>::PresenceReplayed
		);
		let statement = Self::presence_statement(
			doctor,
			patient,
			target,
			purpose,
			proof.not_after,
			proof.nonce,
		);
		ensure!(
			sp_io::crypto::ed25519_verify(
				&ed25519::Signature::from_raw(proof.signature),
				&statement.encode(),
				&ed25519::Public::from_raw(key),
			),
			Error::<T>::BadPresenceSignature
		);
		PresenceNonces::<T>::insert(proof.not_after, nonce_key, ());
		Ok(key)
	}

	/// Whether a consent basis holds for `doctor` of `hospital` asking `patient`'s records for
	/// `purpose` at `now` ([`decision::consent_verdict`] over the consents in force covering
	/// the doctor or their hospital and the purpose; refusals win, and in the default explicit
	/// mode a grant is needed).
	pub fn consent_basis(
		patient: &T::AccountId,
		doctor: &T::AccountId,
		hospital: medchain_primitives::HospitalId,
		purpose: Purpose,
		now: BlockNumberFor<T>,
	) -> Result<(), Error<T>> {
		let mode = ConsentModes::<T>::get(patient);
		let in_force = [ConsentScope::Doctor(doctor.clone()), ConsentScope::Hospital(hospital)]
			.into_iter()
			.filter_map(|scope| Consents::<T>::get(patient, &scope))
			.filter(|consent| consent.covers(purpose, now))
			.map(|consent| consent.granted);
		match decision::consent_verdict(mode, in_force) {
			None => Ok(()),
			Some(crate::DenialReason::ConsentRefused) => Err(Error::<T>::ConsentRefused),
			Some(_) => Err(Error::<T>::ConsentMissing),
		}
	}

	/// Whether `request`'s basis still holds for its doctor (registry record `info`) at
	/// `now`: the key epoch is the request's, the presence key that signed is still the
	/// patient's, the consent is still in force, the doctor still holds `emergency` for
	/// break-glass. The doctor, hospital and patient being active is checked by the callers.
	pub fn basis_holds(
		request: &Request<T>,
		info: &DoctorInfo,
		now: BlockNumberFor<T>,
	) -> Result<(), Refusal> {
		ensure!(T::KeyService::current_key_epoch() == request.key_epoch, Refusal::KeyEpochChanged);
		match &request.basis {
			BasisRecord::PatientPresent { presence_key, .. } => ensure!(
				PresenceKeys::<T>::get(&request.patient) == Some(*presence_key),
				Refusal::PresenceKeyChanged
			),
			BasisRecord::Consent => ensure!(
				Self::consent_basis(
					&request.patient,
					&request.doctor,
					request.hospital,
					request.purpose,
					now
				)
				.is_ok(),
				Refusal::ConsentWithdrawn
			),
			BasisRecord::BreakGlass => ensure!(
				decision::holds_emergency(&info.attributes),
				Refusal::EmergencyAttributeRemoved
			),
		}
		Ok(())
	}

	/// The pallet error for a basis that no longer holds at fulfilment.
	pub(crate) fn lapse_error(refusal: Refusal) -> Error<T> {
		match refusal {
			Refusal::KeyEpochChanged => Error::<T>::KeyEpochChanged,
			Refusal::PresenceKeyChanged => Error::<T>::PresenceKeyChanged,
			Refusal::ConsentWithdrawn => Error::<T>::ConsentWithdrawn,
			Refusal::EmergencyAttributeRemoved => Error::<T>::NotEmergencyDoctor,
			Refusal::DoctorInactive => Error::<T>::DoctorRevoked,
			Refusal::PatientInactive => Error::<T>::UnknownPatient,
			Refusal::ProviderInactive => Error::<T>::NotProvider,
			Refusal::NoGrant | Refusal::NotThisGrant | Refusal::Expired | Refusal::Erased => {
				Error::<T>::UnknownRequest
			},
		}
	}

	/// The break-glass rules at request: the `emergency` attribute, a window within bounds,
	/// and the doctor's rate limit, whose use is counted.
	pub(crate) fn check_break_glass(
		doctor: &T::AccountId,
		info: &DoctorInfo,
		window: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> Result<(), Error<T>> {
		ensure!(decision::holds_emergency(&info.attributes), Error::<T>::NotEmergencyDoctor);
		ensure!(
			!window.is_zero() && window <= T::MaxBreakGlassDuration::get(),
			Error::<T>::InvalidDuration
		);
		let used = crate::limits::use_in_window(
			BreakGlassUses::<T>::get(doctor),
			now,
			T::BreakGlassRateWindow::get(),
			T::MaxBreakGlassPerWindow::get(),
		)
		.ok_or(Error::<T>::BreakGlassRateLimited)?;
		BreakGlassUses::<T>::insert(doctor, used);
		Ok(())
	}

	/// Whether `mode` is the default (stored as absent).
	pub(crate) fn is_default_mode(mode: ConsentMode) -> bool {
		mode == ConsentMode::default()
	}
}
