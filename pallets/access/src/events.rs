//! The pallet's events and errors, a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

/// Events and errors of the access-record chain.
#[pallet_section]
mod events {
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A doctor asked for access; the request is logged in the patient's chain.
		AccessRequested {
			request_id: RequestId,
			patient: T::AccountId,
			doctor: T::AccountId,
			hospital: HospitalId,
			basis: BasisKind,
		},
		/// Emergency access was used on the patient's records until block `until` (the
		/// patient's notification).
		BreakGlassUsed {
			request_id: RequestId,
			patient: T::AccountId,
			doctor: T::AccountId,
			until: BlockNumberFor<T>,
		},
		/// Entries of a request were decided (a records request, or one provider's
		/// fulfilment of a search); the outcomes are in access record `access_seq`.
		AccessDecided {
			request_id: RequestId,
			patient: T::AccountId,
			provider: Option<T::AccountId>,
			access_seq: Seq,
			granted: u32,
			denied: u32,
		},
		/// A patient (or their guardian or delegate) granted or refused consent for a scope.
		ConsentSet {
			patient: T::AccountId,
			scope: ConsentScope<T>,
			granted: bool,
			purpose: Option<Purpose>,
			expires_at: Option<BlockNumberFor<T>>,
		},
		/// A patient removed the consent of a scope.
		ConsentCleared { patient: T::AccountId, scope: ConsentScope<T> },
		/// A patient changed their consent mode.
		ConsentModeSet { patient: T::AccountId, mode: ConsentMode },
		/// An expired request's grants and fulfilment marks were removed; `complete` once the
		/// request itself is gone too (else call again).
		RequestPruned { request_id: RequestId, complete: bool },
		/// A patient's presence key was set, or removed (`key: None`).
		PresenceKeySet { patient: T::AccountId, key: Option<[u8; 32]> },
		/// A patient named a delegate until block `until`.
		DelegateAdded { patient: T::AccountId, delegate: T::AccountId, until: BlockNumberFor<T> },
		/// A delegation ended.
		DelegateRemoved { patient: T::AccountId, delegate: T::AccountId },
		/// The registrar recorded (or removed) a patient's guardian.
		GuardianSet { patient: T::AccountId, guardian: Option<T::AccountId> },
		/// A revoked patient's guardian and delegates stopped representing them.
		RepresentativesDropped { patient: T::AccountId },
		/// A break-glass request was justified in time.
		BreakGlassJustified { request_id: RequestId, patient: T::AccountId, doctor: T::AccountId },
		/// A break-glass request was not justified within `JustificationPeriod`: the
		/// registrar's alert.
		JustificationOverdue { request_id: RequestId, patient: T::AccountId, doctor: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signer is not a registered doctor.
		NotDoctor,
		/// The doctor was revoked.
		DoctorRevoked,
		/// The doctor's hospital was revoked.
		HospitalRevoked,
		/// The doctor's hospital is not registered.
		UnknownHospital,
		/// The doctor does not hold the `emergency` attribute break-glass access requires.
		NotEmergencyDoctor,
		/// The break-glass window is zero or longer than [`Config::MaxBreakGlassDuration`].
		InvalidDuration,
		/// The patient is not an active registered patient.
		UnknownPatient,
		/// The signer is not an active registered patient.
		NotPatient,
		/// The signer is not an active registered storage provider.
		NotProvider,
		/// A records request names no entry.
		NoRecords,
		/// A records request names an entry twice.
		DuplicateRecord,
		/// More decisions than one access record lists.
		TooManyRecords,
		/// No request has this identifier.
		UnknownRequest,
		/// The request is not a search.
		NotSearch,
		/// The request may no longer be fulfilled.
		RequestExpired,
		/// The request or its grants have not expired yet.
		RequestNotExpired,
		/// This provider fulfilled this search already.
		AlreadyFulfilled,
		/// The provider hosts none of the patient's entries.
		NothingHosted,
		/// The claims do not cover exactly the entries the provider hosts for the patient.
		IncompleteFulfilment,
		/// A claimed ciphertext is not the one committed in the entry at its position.
		CommitmentMismatch,
		/// The key service has not published its public parameters.
		NoPublicParameters,
		/// The token answers another request.
		TokenRequestMismatch,
		/// The token was issued for another patient.
		TokenPatientMismatch,
		/// The token has expired.
		TokenExpired,
		/// The token follows another SHVE schema than the one in force.
		SchemaNotInForce,
		/// The token or claims are not valid encodings (host function).
		MalformedFulfilment,
		/// The token is not signed by the key service's token-signing key (host function).
		BadTokenSignature,
		/// A ciphertext follows another schema than the token (host function).
		SchemaMismatch,
		/// A match or non-match claim is false (host function).
		ClaimMismatch,
		/// The patient keeps the maximum number of consents in force.
		TooManyConsents,
		/// The patient has no consent for this scope.
		UnknownConsent,
		/// A doctor scope names an account that is not a registered doctor.
		UnknownDoctor,
		/// A consent expiry before the current block.
		ExpiryInPast,
		/// The patient's access chain is full.
		AccessChainFull,
		/// The request identifier space is exhausted.
		RequestIdOverflow,
		/// A hosted entry is missing from the EMR chain (inconsistent EMR index).
		UnknownEntry,
		/// The token was issued for another chain (its genesis hash is not this chain's).
		TokenChainMismatch,
		/// The token's query commitment is not the one the search request committed to.
		TokenQueryMismatch,
		/// The token fixes no position (it matches every record) but the request did not ask
		/// for all records.
		UnrestrictedToken,
		/// The patient has no presence key registered.
		NoPresenceKey,
		/// The presence statement's `not_after` has passed.
		PresenceExpired,
		/// The presence statement's `not_after` lies more than `MaxPresenceValidity` ahead.
		PresenceTooFarAhead,
		/// The presence statement's nonce was used already.
		PresenceReplayed,
		/// The presence signature does not verify for this doctor, patient, chain, scope,
		/// purpose and `not_after` under the patient's presence key.
		BadPresenceSignature,
		/// A presence key may not be the patient's own account key.
		PresenceKeyIsAccountKey,
		/// The patient's consent mode needs a grant in force covering the doctor or their
		/// hospital for this purpose, and there is none.
		ConsentMissing,
		/// A refusal in force covers the doctor or their hospital.
		ConsentRefused,
		/// The consent the request rested on was withdrawn or expired.
		ConsentWithdrawn,
		/// A new key epoch started since the request.
		KeyEpochChanged,
		/// The presence key that signed the request's statement was replaced or removed.
		PresenceKeyChanged,
		/// The signer is neither the patient, their guardian nor one of their delegates (or
		/// may not do this as a delegate).
		NotRepresentative,
		/// A delegate may hold no doctor, record service or provider role.
		DelegateHoldsRole,
		/// A patient cannot be their own delegate or guardian.
		SelfRepresentation,
		/// Delegates cannot name delegates.
		DelegateCannotDelegate,
		/// The patient names the maximum number of delegates.
		TooManyDelegates,
		/// The delegation ends in the past or more than `MaxDelegation` blocks ahead.
		InvalidDelegation,
		/// The account is not a delegate of the patient.
		UnknownDelegate,
		/// The doctor made `MaxBreakGlassPerWindow` break-glass requests in this window.
		BreakGlassRateLimited,
		/// No justification of this request is awaited from the signer.
		NothingToJustify,
		/// An entry the request names is not in the patient's EMR chain.
		UnknownRecord,
		/// The doctor made `MaxRequestsPerWindow` requests for this patient in this window.
		TooManyRequests,
	}
}
