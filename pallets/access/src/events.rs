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
			emergency: bool,
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
		/// A patient granted or refused consent for a scope.
		ConsentSet {
			patient: T::AccountId,
			scope: ConsentScope<T>,
			granted: bool,
			expires_at: Option<BlockNumberFor<T>>,
		},
		/// A patient removed the consent of a scope.
		ConsentCleared { patient: T::AccountId, scope: ConsentScope<T> },
		/// A patient changed their consent mode.
		ConsentModeSet { patient: T::AccountId, mode: ConsentMode },
		/// An expired request's grants and fulfilment marks were removed; `complete` once the
		/// request itself is gone too (else call again).
		RequestPruned { request_id: RequestId, complete: bool },
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
		/// A department scope beyond the 37 departments of the schema.
		InvalidDepartment,
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
	}
}
