//! Answers: the authorize steps of the relayers' calls, the verification of a provider's
//! answer, and closing a challenge with its outcome.

use codec::Encode;
use frame_support::{
	dispatch::{DispatchResultWithPostInfo, Pays, PostDispatchInfo},
	ensure,
	pallet_prelude::{
		InvalidTransaction, TransactionSource, TransactionValidityWithRefund, ValidTransaction,
	},
	traits::Get,
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{Hash32, PossessionCheck};
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Verify, Zero},
	DispatchResult, RuntimeAppPublic,
};

use crate::{
	AnswerStatement, AuditAlerts, AuditEvent, AuditIndex, AuditSignature, Challenge, ChallengeId,
	Challenges, Config, EntryAudits, Error, Event, OpenQueue, Outcome, Pallet, RelayReport,
	RelayScores, RelayedAnswer, UnreachableReport, WeightInfo, RELAY_DOMAIN, SEED_NOT_FIXED,
	UNREACHABLE_DOMAIN, WRONG_CHALLENGE_SIZE,
};

/// The tag prefix of relayed transactions in the pool.
const TAG_PREFIX: &str = "MedchainAudit";

impl<T: Config> Pallet<T> {
	/// The chain's genesis hash as 32 bytes.
	pub fn genesis_hash() -> Hash32 {
		let mut out = [0u8; 32];
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		let bytes = genesis.as_ref();
		let len = bytes.len().min(32);
		out[..len].copy_from_slice(&bytes[..len]);
		out
	}

	/// What a relayer's audit key signs over `answer`.
	pub fn relay_message(answer: &RelayedAnswer<T>) -> alloc::vec::Vec<u8> {
		(RELAY_DOMAIN, Self::genesis_hash(), answer).encode()
	}

	/// What a relayer's audit key signs over `report`.
	pub fn unreachable_message(report: &UnreachableReport) -> alloc::vec::Vec<u8> {
		(UNREACHABLE_DOMAIN, Self::genesis_hash(), report).encode()
	}

	/// What the provider of challenge `id` signs with its answer.
	pub fn answer_statement(
		id: ChallengeId,
		challenge: &Challenge<T>,
		seed: [u8; 32],
		file_params: &[u8],
		proof: &[u8],
	) -> AnswerStatement<T::AccountId> {
		AnswerStatement::new(
			Self::genesis_hash(),
			challenge.provider.clone(),
			id,
			challenge.patient.clone(),
			challenge.seq,
			seed,
			challenge.challenged,
			file_params,
			proof,
		)
	}

	/// The checks both relayer calls share, in the pool and at inclusion: the challenge is open
	/// and seeded, within its window, `key` is assigned to it and has not reported, and
	/// `signature` is `key`'s over `message`. Returns the challenge's deadline.
	fn authorize_relayer(
		id: ChallengeId,
		key: &crate::AuditId,
		message: impl FnOnce() -> alloc::vec::Vec<u8>,
		signature: &AuditSignature,
		challenged: Option<u32>,
	) -> Result<BlockNumberFor<T>, InvalidTransaction> {
		let challenge = Challenges::<T>::get(id).ok_or(InvalidTransaction::Stale)?;
		ensure!(challenge.seed.is_some(), InvalidTransaction::Custom(SEED_NOT_FIXED));
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= challenge.deadline, InvalidTransaction::Stale);
		if let Some(challenged) = challenged {
			ensure!(
				challenged == challenge.challenged,
				InvalidTransaction::Custom(WRONG_CHALLENGE_SIZE)
			);
		}
		let assignment = challenge
			.relayers
			.iter()
			.find(|assignment| &assignment.key == key)
			.ok_or(InvalidTransaction::BadSigner)?;
		// A relayer reports once per challenge: a second report is a duplicate.
		ensure!(assignment.report.is_none(), InvalidTransaction::Stale);
		ensure!(key.verify(&message(), signature), InvalidTransaction::BadProof);
		Ok(challenge.deadline)
	}

	/// The validity of an authorized relayer transaction for challenge `id` by `key`.
	fn relay_validity(
		kind: &'static [u8],
		id: ChallengeId,
		key: &crate::AuditId,
		deadline: BlockNumberFor<T>,
	) -> TransactionValidityWithRefund {
		let now = frame_system::Pallet::<T>::block_number();
		let longevity: u64 = deadline.saturating_sub(now).unique_saturated_into();
		let validity = ValidTransaction::with_tag_prefix(TAG_PREFIX)
			.priority(T::RelayPriority::get())
			// One report per relayer and challenge, whichever call carries it.
			.and_provides((b"relay", id, key))
			.and_provides((kind, id, key))
			.longevity(longevity.max(1))
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}

	/// The `authorize` step of [`Pallet::submit_proof`]: signature, assignment, duplicates.
	pub fn authorize_submit_proof(
		_source: TransactionSource,
		answer: &RelayedAnswer<T>,
		signature: &AuditSignature,
	) -> TransactionValidityWithRefund {
		let deadline = Self::authorize_relayer(
			answer.challenge,
			&answer.relayer,
			|| Self::relay_message(answer),
			signature,
			Some(answer.challenged),
		)?;
		Self::relay_validity(b"proof", answer.challenge, &answer.relayer, deadline)
	}

	/// The `authorize` step of [`Pallet::report_unreachable`].
	pub fn authorize_report_unreachable(
		_source: TransactionSource,
		report: &UnreachableReport,
		signature: &AuditSignature,
	) -> TransactionValidityWithRefund {
		let deadline = Self::authorize_relayer(
			report.challenge,
			&report.relayer,
			|| Self::unreachable_message(report),
			signature,
			None,
		)?;
		Self::relay_validity(b"unreachable", report.challenge, &report.relayer, deadline)
	}

	/// The index of `key`'s assignment in `challenge`, if it has not reported yet.
	fn unreported_assignment(
		challenge: &Challenge<T>,
		key: &crate::AuditId,
	) -> Result<usize, Error<T>> {
		let index = challenge
			.relayers
			.iter()
			.position(|assignment| &assignment.key == key)
			.ok_or(Error::<T>::NotAssigned)?;
		ensure!(challenge.relayers[index].report.is_none(), Error::<T>::AlreadyReported);
		Ok(index)
	}

	/// The dispatch of [`Pallet::submit_proof`].
	pub(crate) fn do_relayed_answer(answer: RelayedAnswer<T>) -> DispatchResultWithPostInfo {
		let id = answer.challenge;
		let mut challenge = Challenges::<T>::get(id).ok_or(Error::<T>::UnknownChallenge)?;
		let seed = challenge.seed.ok_or(Error::<T>::SeedNotFixed)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() <= challenge.deadline,
			Error::<T>::WindowClosed
		);
		ensure!(answer.challenged == challenge.challenged, Error::<T>::WrongChallengeSize);
		let index = Self::unreported_assignment(&challenge, &answer.relayer)?;
		let relayer = challenge.relayers[index].relayer.clone();

		let statement =
			Self::answer_statement(id, &challenge, seed, &answer.file_params, &answer.proof)
				.encode();
		if !answer.provider_signature.verify(&statement[..], &challenge.provider) {
			// The relayer's fault: the challenge stays open, its report is spent.
			challenge.relayers[index].report = Some(RelayReport::Unsigned);
			Challenges::<T>::insert(id, challenge);
			T::RelayScores::misbehaved(&relayer, id);
			Self::deposit_event(Event::UnsignedAnswerRefused { challenge: id, relayer });
			return Ok(PostDispatchInfo {
				actual_weight: Some(T::WeightInfo::submit_unsigned_answer()),
				pays_fee: Pays::No,
			});
		}
		challenge.relayers[index].report = Some(RelayReport::Answer);
		let outcome = Self::verify_answer(&challenge, seed, &answer.file_params, &answer.proof);
		if outcome != Outcome::Void {
			T::RelayScores::relayed(&relayer, id, outcome);
		}
		Self::close(id, challenge, outcome, Some(relayer))?;
		Ok(Pays::No.into())
	}

	/// The dispatch of [`Pallet::report_unreachable`].
	pub(crate) fn do_report_unreachable(report: UnreachableReport) -> DispatchResult {
		let id = report.challenge;
		let mut challenge = Challenges::<T>::get(id).ok_or(Error::<T>::UnknownChallenge)?;
		let index = Self::unreported_assignment(&challenge, &report.relayer)?;
		challenge.relayers[index].report = Some(RelayReport::Unreachable);
		let relayer = challenge.relayers[index].relayer.clone();
		Challenges::<T>::insert(id, challenge);
		T::RelayScores::reported_unreachable(&relayer, id);
		Self::deposit_event(Event::UnreachableReported { challenge: id, relayer });
		Ok(())
	}

	/// The dispatch of [`Pallet::answer_challenge`].
	pub(crate) fn do_own_answer(
		provider: T::AccountId,
		id: ChallengeId,
		challenged: u32,
		file_params: crate::FileParamsOf,
		proof: crate::ProofOf,
	) -> DispatchResultWithPostInfo {
		let challenge = Challenges::<T>::get(id).ok_or(Error::<T>::UnknownChallenge)?;
		ensure!(challenge.provider == provider, Error::<T>::NotProvider);
		let seed = challenge.seed.ok_or(Error::<T>::SeedNotFixed)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() <= challenge.deadline,
			Error::<T>::WindowClosed
		);
		ensure!(challenged == challenge.challenged, Error::<T>::WrongChallengeSize);
		let outcome = Self::verify_answer(&challenge, seed, &file_params, &proof);
		Self::close(id, challenge, outcome, Some(provider))?;
		Ok(Pays::No.into())
	}

	/// The outcome of a signed answer: pass if the proof verifies for the entry's committed
	/// parameters and key, fail if not (the provider signed it), void if the entry was erased
	/// or its key is gone (nobody's fault).
	pub(crate) fn verify_answer(
		challenge: &Challenge<T>,
		seed: [u8; 32],
		file_params: &[u8],
		proof: &[u8],
	) -> Outcome {
		match T::Entries::check_possession(
			&challenge.patient,
			challenge.seq,
			file_params,
			&seed,
			challenge.challenged,
			proof,
		) {
			PossessionCheck::Valid => Outcome::Pass,
			PossessionCheck::Invalid | PossessionCheck::FileParamsMismatch => Outcome::Fail,
			PossessionCheck::UnknownEntry
			| PossessionCheck::Erased
			| PossessionCheck::UnknownKey => Outcome::Void,
		}
	}

	/// Closes challenge `id` with `outcome`: removes it from the open set, records the outcome
	/// for the entry, the provider's reputation and audit log, and alerts on fail or timeout.
	pub(crate) fn close(
		id: ChallengeId,
		challenge: Challenge<T>,
		outcome: Outcome,
		answered_by: Option<T::AccountId>,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		Challenges::<T>::remove(id);
		OpenQueue::<T>::mutate(|queue| queue.retain(|slot| slot.id != id));
		EntryAudits::<T>::mutate(&challenge.patient, challenge.seq, |audit| {
			audit.open = None;
			audit.last = Some((outcome, now));
			match outcome {
				Outcome::Pass => audit.passes = audit.passes.saturating_add(1),
				Outcome::Fail => audit.fails = audit.fails.saturating_add(1),
				Outcome::Timeout => audit.timeouts = audit.timeouts.saturating_add(1),
				Outcome::Void => {},
			}
		});
		Self::update_reputation(&challenge.provider, outcome);
		let event = AuditEvent {
			challenge: id,
			patient: challenge.patient.clone(),
			seq: challenge.seq,
			kind: challenge.kind,
			challenged: challenge.challenged,
			seed: challenge.seed.unwrap_or_default(),
			outcome,
			answered_by: answered_by.clone(),
		};
		let log_seq = Self::log_outcome(&challenge.provider, event)?;
		if outcome.alerts() {
			T::Alerts::alert(
				&challenge.patient,
				challenge.seq,
				challenge.hospital,
				&challenge.provider,
				challenge.kind,
				outcome,
			);
			Self::deposit_event(Event::AuditAlert {
				challenge: id,
				patient: challenge.patient.clone(),
				seq: challenge.seq,
				hospital: challenge.hospital,
				provider: challenge.provider.clone(),
				outcome,
			});
		}
		Self::deposit_event(Event::AuditClosed {
			challenge: id,
			patient: challenge.patient,
			seq: challenge.seq,
			provider: challenge.provider,
			kind: challenge.kind,
			outcome,
			answered_by,
			log_seq,
		});
		Ok(())
	}
}
