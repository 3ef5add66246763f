//! The pallet's events and errors, a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

/// Events and errors of the audit pallet.
#[pallet_section]
mod events {
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A challenge opened on an entry; its seed is fixed in a later block.
		ChallengeOpened {
			challenge: ChallengeId,
			patient: T::AccountId,
			seq: Seq,
			provider: T::AccountId,
			kind: ChallengeKind,
			challenged: u32,
		},
		/// A challenge's seed was fixed from blocks of `seed_authors` distinct authors; an
		/// answer is due by block `deadline`.
		ChallengeSeeded {
			challenge: ChallengeId,
			seed: [u8; 32],
			seed_authors: u8,
			deadline: BlockNumberFor<T>,
		},
		/// A challenge closed; the outcome is record `log_seq` of the provider's audit log.
		AuditClosed {
			challenge: ChallengeId,
			patient: T::AccountId,
			seq: Seq,
			provider: T::AccountId,
			kind: ChallengeKind,
			outcome: Outcome,
			answered_by: Option<T::AccountId>,
			log_seq: Seq,
		},
		/// A record failed or timed out in an audit: the alert for its patient and hospital.
		AuditAlert {
			challenge: ChallengeId,
			patient: T::AccountId,
			seq: Seq,
			hospital: HospitalId,
			provider: T::AccountId,
			outcome: Outcome,
		},
		/// An assigned relayer reported that it got no signed answer from the provider.
		UnreachableReported { challenge: ChallengeId, relayer: T::AccountId },
		/// An assigned relayer brought an answer the provider had not signed; refused.
		UnsignedAnswerRefused { challenge: ChallengeId, relayer: T::AccountId },
		/// An assigned relayer reported nothing within the window.
		RelayerMissed { challenge: ChallengeId, relayer: T::AccountId },
		/// A provider's standing changed.
		StandingChanged { provider: T::AccountId, from: Standing, to: Standing, score: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No open challenge with this id.
		UnknownChallenge,
		/// The challenge's seed is not fixed yet.
		SeedNotFixed,
		/// The key or the account is not assigned to this challenge.
		NotAssigned,
		/// This relayer reported for this challenge already.
		AlreadyReported,
		/// Only the challenged provider may answer its challenge.
		NotProvider,
		/// The challenge's window has passed.
		WindowClosed,
		/// The answer names another number of challenged blocks than the challenge.
		WrongChallengeSize,
		/// The provider's audit log is full.
		AuditLogFull,
	}
}
