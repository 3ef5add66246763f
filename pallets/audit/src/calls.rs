//! The pallet's dispatchable functions, a [`pallet_section`] imported into the pallet module.
//! Each checks its origin and hands over to `answers.rs`.

use frame_support::pallet_macros::pallet_section;

/// Calls of the audit pallet.
#[pallet_section]
mod calls {
	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// An assigned relayer brings the provider's signed answer to a challenge.
		///
		/// An authorized general transaction (no signed origin, no fee): the `authorize` step
		/// checks the relayer's audit-key `signature` over `SCALE(RELAY_DOMAIN, genesis hash,
		/// answer)`, that the challenge is open and seeded, that the key is assigned to it, that
		/// this relayer has not reported and that `answer.challenged` is the challenge's size.
		/// The dispatch then checks the provider's signature over the [`AnswerStatement`]: if
		/// it fails, the answer is refused ([`Event::UnsignedAnswerRefused`], the relayer's
		/// fault, the challenge stays open) and only the signature check is charged; otherwise
		/// the proof is verified through the PDP host function and the challenge closes with a
		/// pass or a failure.
		///
		/// Emits [`Event::AuditClosed`] (and [`Event::AuditAlert`] on failure), or
		/// [`Event::UnsignedAnswerRefused`].
		///
		/// ## Complexity
		/// - O(c + q): `c` challenged blocks (the verification), `q` open challenges (the open
		///   queue is rewritten).
		#[pallet::call_index(0)]
		#[pallet::weight((
			T::WeightInfo::submit_proof(answer.challenged.min(T::FullChallengeBlocks::get())),
			DispatchClass::Normal,
			Pays::No
		))]
		#[pallet::authorize(Self::authorize_submit_proof)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_submit_proof())]
		pub fn submit_proof(
			origin: OriginFor<T>,
			answer: RelayedAnswer<T>,
			signature: AuditSignature,
		) -> DispatchResultWithPostInfo {
			ensure_authorized(origin)?;
			// The signature was checked by `authorize`, in the pool and again at inclusion.
			let _ = signature;
			Self::do_relayed_answer(answer)
		}

		/// An assigned relayer reports that it could not get a signed answer from the
		/// provider's endpoint. It does not decide the outcome (the window does); it shows the
		/// relayer did its duty.
		///
		/// An authorized general transaction: `authorize` checks the audit-key `signature` over
		/// `SCALE(UNREACHABLE_DOMAIN, genesis hash, report)`, the assignment and that this
		/// relayer has not reported.
		///
		/// Emits [`Event::UnreachableReported`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(1)]
		#[pallet::weight((T::WeightInfo::report_unreachable(), DispatchClass::Normal, Pays::No))]
		#[pallet::authorize(Self::authorize_report_unreachable)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_report_unreachable())]
		pub fn report_unreachable(
			origin: OriginFor<T>,
			report: UnreachableReport,
			signature: AuditSignature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			let _ = signature;
			Self::do_report_unreachable(report)
		}

		/// The challenged provider answers its own challenge: the transaction's signature is
		/// the provider's, so no statement signature is needed. Lets a provider whose relayers
		/// withhold its answer avoid a timeout.
		///
		/// The dispatch origin must be _Signed_ by the challenge's provider, within the
		/// window, with the challenge's size. Feeless (the registry's feeless admission bounds
		/// it per provider).
		///
		/// Emits [`Event::AuditClosed`] (and [`Event::AuditAlert`] on failure).
		///
		/// ## Complexity
		/// - O(c + q), as [`Pallet::submit_proof`].
		#[pallet::call_index(2)]
		#[pallet::weight((
			T::WeightInfo::answer_challenge((*challenged).min(T::FullChallengeBlocks::get())),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn answer_challenge(
			origin: OriginFor<T>,
			challenge: ChallengeId,
			challenged: u32,
			file_params: FileParamsOf,
			proof: ProofOf,
		) -> DispatchResultWithPostInfo {
			let provider = ensure_signed(origin)?;
			Self::do_own_answer(provider, challenge, challenged, file_params, proof)
		}
	}
}
