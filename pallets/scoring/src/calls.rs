//! The pallet's dispatchable functions, a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

/// Calls of the scoring pallet.
#[pallet_section]
mod calls {
	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Stand as a validator candidate.
		///
		/// The dispatch origin must be _Signed_ by the validator account of a registered,
		/// active hospital ([`Config::HospitalValidators`]) of grade at least
		/// [`Config::MinGrade`], with its session keys registered. The candidate starts at
		/// its baseline, `grade ·` [`Config::PointsPerGrade`]. If the hospital's former
		/// validator account is still a candidate, it is replaced
		/// ([`Event::CandidateDropped`] with [`DropReason::Replaced`]).
		///
		/// Emits [`Event::CandidateJoined`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_as_candidate())]
		pub fn register_as_candidate(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(who)
		}

		/// Withdraw a candidacy. A validator that withdraws keeps its seat until the next
		/// planning, and longer only if the set would otherwise shrink below
		/// [`Config::MinValidators`].
		///
		/// The dispatch origin must be _Signed_ by a candidate.
		///
		/// Emits [`Event::CandidateLeft`].
		///
		/// ## Complexity
		/// - O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::leave_candidacy())]
		pub fn leave_candidacy(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let candidate = Candidates::<T>::get(&who).ok_or(Error::<T>::NotCandidate)?;
			Self::remove_candidate(&who, candidate.hospital);
			Self::deposit_event(Event::CandidateLeft { who, hospital: candidate.hospital });
			Ok(())
		}
	}
}
