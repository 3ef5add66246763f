//! The pallet's dispatchable functions, a [`pallet_section`] imported into the pallet module.
//! Each checks its origin and hands over to the module of its concern.

use frame_support::pallet_macros::pallet_section;

/// Calls of the access-record chain.
#[pallet_section]
mod calls {
	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// An active doctor asks for `patient`'s records for `purpose` on `basis`: named
		/// entries, decided at once, or a search, fulfilled later by providers. The basis is
		/// checked first (a presence statement the patient's card signed, or a consent in
		/// force); nothing is written unless it holds. The request is then logged to the
		/// patient's access chain; `delivery_key` is the X25519 key records are to be sealed
		/// to.
		///
		/// The dispatch origin for this call must be _Signed_ by an active doctor of an active
		/// hospital; `patient` must be an active patient and named entries must exist.
		/// Feeless.
		///
		/// Emits [`Event::AccessRequested`], and for named entries [`Event::AccessDecided`].
		///
		/// ## Complexity
		/// - O(R log R + D) where R is the number of named entries (at most
		///   `MaxRecordsPerRequest`; 0 for a search), each read and decided against its
		///   policy, and D the doctor's attributes; one ed25519 verification for a presence
		///   basis, two consent reads for a consent basis.
		#[pallet::call_index(0)]
		#[pallet::weight((
			T::WeightInfo::request_access(Pallet::<T>::records_in(target)),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn request_access(
			origin: OriginFor<T>,
			patient: T::AccountId,
			target: AccessTarget<T>,
			purpose: Purpose,
			basis: Basis<T>,
			delivery_key: [u8; 32],
		) -> DispatchResult {
			let doctor = ensure_signed(origin)?;
			Self::do_request(
				doctor,
				patient,
				target,
				purpose,
				RequestBasis::Named(basis),
				delivery_key,
			)
		}

		/// A storage provider fulfils search `request_id` with every SHVE ciphertext it hosts
		/// for the patient, in the order of its hosted index, each claimed to match the
		/// key service's `signed_token` or not. Entries proven to match are decided and
		/// logged; the provider fulfils each search once.
		///
		/// The dispatch origin for this call must be _Signed_ by an active storage provider;
		/// the requesting doctor, their hospital and the patient must still be active and the
		/// request's basis must still hold. Feeless.
		///
		/// Emits [`Event::AccessDecided`].
		///
		/// ## Complexity
		/// - O(N) where N is the number of entries the provider hosts for the patient (at most
		///   `MaxHostedPerProvider`): one EMR entry read, one hash of a ciphertext and one claim
		///   checked by the host function per entry, and one decision per matching entry.
		#[pallet::call_index(1)]
		#[pallet::weight((
			T::WeightInfo::fulfil_search(claims.len() as u32),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn fulfil_search(
			origin: OriginFor<T>,
			request_id: RequestId,
			signed_token: SignedToken,
			claims: ClaimsOf<T>,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			Self::do_fulfil_search(provider, request_id, signed_token, claims)
		}

		/// Emergency access: like [`Pallet::request_access`] with purpose
		/// [`Purpose::Emergency`], for a doctor holding the `emergency` attribute, for at most
		/// [`Config::MaxBreakGlassDuration`] blocks and at most
		/// [`Config::MaxBreakGlassPerWindow`] times per [`Config::BreakGlassRateWindow`].
		/// Consent is skipped (record policies still apply, with the doctor's `emergency`
		/// attribute); the request is flagged in the chain, the patient notified, and the
		/// doctor must justify it within [`Config::JustificationPeriod`] blocks
		/// ([`Pallet::justify_break_glass`]).
		///
		/// The dispatch origin for this call must be _Signed_ by an active doctor of an active
		/// hospital holding the `emergency` registry attribute. Feeless.
		///
		/// Emits [`Event::AccessRequested`], [`Event::BreakGlassUsed`], and for named entries
		/// [`Event::AccessDecided`].
		///
		/// ## Complexity
		/// - O(R log R + D) where R is the number of named entries (at most
		///   `MaxRecordsPerRequest`; 0 for a search) and D the doctor's attributes.
		#[pallet::call_index(2)]
		#[pallet::weight((
			T::WeightInfo::break_glass(Pallet::<T>::records_in(target)),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn break_glass(
			origin: OriginFor<T>,
			patient: T::AccountId,
			target: AccessTarget<T>,
			delivery_key: [u8; 32],
			duration: BlockNumberFor<T>,
		) -> DispatchResult {
			let doctor = ensure_signed(origin)?;
			Self::do_request(
				doctor,
				patient,
				target,
				Purpose::Emergency,
				RequestBasis::BreakGlass(duration),
				delivery_key,
			)
		}

		/// Grants (`granted`) or refuses access to `patient`'s records for `scope`, for
		/// `purpose` only if given, until block `expires_at` if given. Logged to the patient's
		/// access chain with who acted.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient (active), their
		/// guardian or one of their delegates. Feeless.
		///
		/// Emits [`Event::ConsentSet`].
		///
		/// ## Complexity
		/// - O(M) where M is `MaxConsentsPerPatient`: the expired consents are purged when a new
		///   scope finds the patient at the bound; O(1) otherwise.
		#[pallet::call_index(3)]
		#[pallet::weight((T::WeightInfo::set_consent(), DispatchClass::Normal, Pays::No))]
		pub fn set_consent(
			origin: OriginFor<T>,
			patient: T::AccountId,
			scope: ConsentScope<T>,
			granted: bool,
			purpose: Option<Purpose>,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let by = Self::ensure_actor(origin, &patient)?;
			Self::do_set_consent(patient, by, scope, granted, purpose, expires_at)
		}

		/// Removes the consent of `patient` for `scope`. Logged to the patient's access chain.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient (active), their
		/// guardian or one of their delegates. Feeless.
		///
		/// Emits [`Event::ConsentCleared`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(4)]
		#[pallet::weight((T::WeightInfo::clear_consent(), DispatchClass::Normal, Pays::No))]
		pub fn clear_consent(
			origin: OriginFor<T>,
			patient: T::AccountId,
			scope: ConsentScope<T>,
		) -> DispatchResult {
			let by = Self::ensure_actor(origin, &patient)?;
			Self::do_clear_consent(patient, by, scope)
		}

		/// Chooses whether a consent basis needs an explicit grant ([`ConsentMode::Explicit`],
		/// the default) or holds unless refused ([`ConsentMode::Implied`], the patient's
		/// opt-in). Logged to the patient's access chain.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient (active), their
		/// guardian or one of their delegates. Feeless.
		///
		/// Emits [`Event::ConsentModeSet`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(5)]
		#[pallet::weight((T::WeightInfo::set_consent_mode(), DispatchClass::Normal, Pays::No))]
		pub fn set_consent_mode(
			origin: OriginFor<T>,
			patient: T::AccountId,
			mode: ConsentMode,
		) -> DispatchResult {
			let by = Self::ensure_actor(origin, &patient)?;
			Self::do_set_consent_mode(patient, by, mode)
		}

		/// Anyone removes request `request_id` once it can no longer be fulfilled and all its
		/// grants expired (after `expires_at + GrantLifetime`): its grants and fulfilment
		/// marks, at most `MaxHostedPerProvider` keys per call, then the request itself. The
		/// access chain keeps everything that happened.
		///
		/// The dispatch origin for this call must be _Signed_ (by anyone). Pays a fee.
		///
		/// Emits [`Event::RequestPruned`].
		///
		/// ## Complexity
		/// - O(K) where K is the number of grants and fulfilment marks removed, at most
		///   `MaxHostedPerProvider` (the weight is refunded down to the keys removed).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::prune_request(Pallet::<T>::prune_limit()))]
		pub fn prune_request(
			origin: OriginFor<T>,
			request_id: RequestId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_prune_request(request_id)
		}

		/// Registers `key` (ed25519, the patient's card) as `patient`'s presence key, or with
		/// `None` removes it (a lost card): grants that rested on a statement the old key
		/// signed end with it. The key must not be the patient's account key. Logged.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient (active) or their
		/// guardian; a recovered account (`pallet-recovery`) acts as the patient. Feeless.
		///
		/// Emits [`Event::PresenceKeySet`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(7)]
		#[pallet::weight((T::WeightInfo::set_presence_key(), DispatchClass::Normal, Pays::No))]
		pub fn set_presence_key(
			origin: OriginFor<T>,
			patient: T::AccountId,
			key: Option<[u8; 32]>,
		) -> DispatchResult {
			let by = Self::ensure_actor(origin, &patient)?;
			Self::do_set_presence_key(patient, by, key)
		}

		/// Names `delegate` to act for `patient` (set consents) until block `until`, at most
		/// [`Config::MaxDelegation`] blocks ahead; naming a delegate again moves the end. A
		/// delegate holds no staff role and cannot name delegates. Logged.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient (active) or their
		/// guardian. Feeless.
		///
		/// Emits [`Event::DelegateAdded`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(8)]
		#[pallet::weight((T::WeightInfo::add_delegate(), DispatchClass::Normal, Pays::No))]
		pub fn add_delegate(
			origin: OriginFor<T>,
			patient: T::AccountId,
			delegate: T::AccountId,
			until: BlockNumberFor<T>,
		) -> DispatchResult {
			let by = Self::ensure_actor(origin, &patient)?;
			Self::do_add_delegate(patient, by, delegate, until)
		}

		/// Ends `delegate`'s delegation for `patient` (expired or not). Logged.
		///
		/// The dispatch origin for this call must be _Signed_ by the patient (active), their
		/// guardian, or the delegate stepping down. Feeless.
		///
		/// Emits [`Event::DelegateRemoved`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(9)]
		#[pallet::weight((T::WeightInfo::remove_delegate(), DispatchClass::Normal, Pays::No))]
		pub fn remove_delegate(
			origin: OriginFor<T>,
			patient: T::AccountId,
			delegate: T::AccountId,
		) -> DispatchResult {
			let signer = ensure_signed(origin.clone())?;
			let by = if signer == delegate && Delegates::<T>::contains_key(&patient, &delegate) {
				Actor::Delegate(signer)
			} else {
				Self::ensure_actor(origin, &patient)?
			};
			Self::do_remove_delegate(patient, by, delegate)
		}

		/// Records (`Some`) or removes (`None`) the guardian of `patient`: a patient who cannot
		/// act (a child, an incapacitated adult). The guardian acts as the patient does, except
		/// that only the registrar changes the guardian. Logged.
		///
		/// The dispatch origin for this call must be the registrar
		/// ([`Config::RegistrarOrigin`]); `patient` must be an active patient.
		///
		/// Emits [`Event::GuardianSet`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::set_guardian())]
		pub fn set_guardian(
			origin: OriginFor<T>,
			patient: T::AccountId,
			guardian: Option<T::AccountId>,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::do_set_guardian(patient, guardian)
		}

		/// The doctor of break-glass request `request_id` justifies it with `reason_hash`, the
		/// digest of a reason written off chain. Logged to the patient's access chain (late
		/// justifications are not accepted: the registrar was alerted and follows up).
		///
		/// The dispatch origin for this call must be _Signed_ by the request's doctor.
		/// Feeless.
		///
		/// Emits [`Event::BreakGlassJustified`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(11)]
		#[pallet::weight((T::WeightInfo::justify_break_glass(), DispatchClass::Normal, Pays::No))]
		pub fn justify_break_glass(
			origin: OriginFor<T>,
			request_id: RequestId,
			reason_hash: Hash32,
		) -> DispatchResult {
			let doctor = ensure_signed(origin)?;
			Self::do_justify(doctor, request_id, reason_hash)
		}
	}
}
