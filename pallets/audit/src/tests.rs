//! Unit tests of the audit pallet on the mock runtime.

use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	traits::Authorize,
};
use sp_core::Pair;

use crate::{mock::*, *};

/// Three validators taking turns: every pair of consecutive blocks has distinct authors.
const ROUND_ROBIN: [u64; 3] = VALIDATORS;

fn authorized() -> RuntimeOrigin {
	frame_system::RawOrigin::Authorized.into()
}

/// One entry of patient 1, held by provider 2, written by hospital 0, of `blocks` blocks.
fn one_entry(blocks: u32) {
	Directory::add_entry(1, 0, 2, 0, blocks);
}

/// Runs until challenge 0 is seeded; returns it.
fn seeded_challenge() -> Challenge<Test> {
	for _ in 0..10 {
		if let Some(challenge) = Challenges::<Test>::get(0) {
			if challenge.seed.is_some() {
				return challenge;
			}
		}
		run_to_block(System::block_number() + 1, &ROUND_ROBIN);
	}
	panic!("challenge 0 was never seeded");
}

/// The provider-signed answer to challenge `id`, relayed by its first assigned relayer.
fn relayed(id: ChallengeId, challenge: &Challenge<Test>, proof: Vec<u8>) -> RelayedAnswer<Test> {
	let seed = challenge.seed.unwrap();
	let statement = Audit::answer_statement(id, challenge, seed, FILE_PARAMS, &proof).encode();
	RelayedAnswer {
		challenge: id,
		relayer: challenge.relayers[0].key.clone(),
		challenged: challenge.challenged,
		file_params: FILE_PARAMS.to_vec().try_into().unwrap(),
		proof: proof.try_into().unwrap(),
		provider_signature: MockSignature::sign(challenge.provider, &statement),
	}
}

/// The relayer's audit-key signature over `answer` (generation `generation` of its key).
fn relay_signature(answer: &RelayedAnswer<Test>, relayer: u64, generation: u8) -> AuditSignature {
	audit_pair(relayer, generation).sign(&Audit::relay_message(answer))
}

fn authorize(
	answer: &RelayedAnswer<Test>,
	signature: &AuditSignature,
) -> Result<(), TransactionValidityError> {
	let call = Call::<Test>::submit_proof { answer: answer.clone(), signature: signature.clone() };
	call.authorize(TransactionSource::External).expect("submit_proof authorizes").map(|_| ())
}

fn outcomes() -> Vec<Outcome> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Audit(Event::AuditClosed { outcome, .. }) => Some(outcome),
			_ => None,
		})
		.collect()
}

fn alerts() -> usize {
	System::events()
		.into_iter()
		.filter(|r| matches!(r.event, RuntimeEvent::Audit(Event::AuditAlert { .. })))
		.count()
}

#[test]
fn challenges_open_within_bounds_and_seed_from_two_authors() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = Challenges::<Test>::get(0).expect("a challenge opened");
		assert_eq!(challenge.kind, ChallengeKind::Full);
		assert_eq!(challenge.challenged, 460);
		assert_eq!(challenge.relayers.len(), 2);
		assert!(challenge.seed.is_none());
		// One entry: one open challenge at a time.
		assert_eq!(OpenQueue::<Test>::get().len(), 1);
		let challenge = seeded_challenge();
		assert_eq!(challenge.seed_authors, 2);
		assert!(System::block_number() >= challenge.opened_at + 3);
		assert_ok!(Audit::do_try_state());
	});
}

#[test]
fn a_signed_valid_proof_passes() {
	new_test_ext().execute_with(|| {
		one_entry(4);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		// A small record: every block is challenged.
		assert_eq!(challenge.challenged, 4);
		let answer = relayed(0, &challenge, good_proof(&challenge.seed.unwrap(), 4));
		let signature = relay_signature(&answer, challenge.relayers[0].relayer, 0);
		assert_ok!(authorize(&answer, &signature));
		assert_ok!(Audit::submit_proof(authorized(), answer, signature));
		assert_eq!(outcomes(), vec![Outcome::Pass]);
		assert_eq!(alerts(), 0);
		let status = Audit::entry_status(&1, 0);
		assert_eq!((status.passes, status.open), (1, None));
		assert_eq!(AuditLogLength::<Test>::get(2), 1);
		assert_eq!(Audit::verify_audit_log(&2).first_broken, None);
		assert_eq!(Audit::reputation(&2).score, 510);
		assert!(Challenges::<Test>::get(0).is_none());
		assert_ok!(Audit::do_try_state());
	});
}

#[test]
fn a_signed_wrong_proof_fails_and_alerts() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		let answer = relayed(0, &challenge, b"not a proof".to_vec());
		let signature = relay_signature(&answer, challenge.relayers[0].relayer, 0);
		assert_ok!(Audit::submit_proof(authorized(), answer, signature));
		assert_eq!(outcomes(), vec![Outcome::Fail]);
		assert_eq!(alerts(), 1);
		assert_eq!(Audit::entry_status(&1, 0).fails, 1);
		assert_eq!(Audit::reputation(&2).standing, Standing::Probation);
		assert_ok!(Audit::do_try_state());
	});
}

#[test]
fn no_answer_times_out_and_relayers_miss_their_duty() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		run_to_block(challenge.deadline + 1, &ROUND_ROBIN);
		assert_eq!(outcomes().first(), Some(&Outcome::Timeout));
		assert!(alerts() >= 1);
		let missed = System::events()
			.into_iter()
			.filter(|r| matches!(r.event, RuntimeEvent::Audit(Event::RelayerMissed { .. })))
			.count();
		assert_eq!(missed, 2);
		assert_eq!(Audit::entry_status(&1, 0).timeouts, 1);
		assert_ok!(Audit::do_try_state());
	});
}

#[test]
fn a_relayer_cannot_frame_the_provider_with_an_answer_it_did_not_sign() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		let mut answer = relayed(0, &challenge, b"forged".to_vec());
		// Signed by the relayer's account, not the provider's.
		let relayer = challenge.relayers[0].relayer;
		answer.provider_signature = MockSignature::sign(relayer, b"anything");
		let signature = relay_signature(&answer, relayer, 0);
		// `authorize` checks only the relayer's own signature: it passes.
		assert_ok!(authorize(&answer, &signature));
		assert_ok!(Audit::submit_proof(authorized(), answer.clone(), signature.clone()));
		assert!(outcomes().is_empty());
		assert!(System::events()
			.iter()
			.any(|r| matches!(r.event, RuntimeEvent::Audit(Event::UnsignedAnswerRefused { .. }))));
		// Still open, and the relayer's report is spent: a second try is a duplicate.
		assert!(Challenges::<Test>::get(0).is_some());
		assert_eq!(authorize(&answer, &signature), Err(InvalidTransaction::Stale.into()));
		assert_eq!(Audit::reputation(&2).standing, Standing::Good);
		assert_ok!(Audit::do_try_state());
	});
}

#[test]
fn an_answer_to_another_challenge_is_refused() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		Directory::add_entry(3, 0, 2, 0, 1000);
		run_to_block(2, &ROUND_ROBIN);
		let first = seeded_challenge();
		let other_id = OpenQueue::<Test>::get().iter().map(|s| s.id).find(|id| *id != 0);
		let other_id = other_id.expect("both entries were challenged in block 2");
		run_to_block(System::block_number() + 3, &ROUND_ROBIN);
		let other = Challenges::<Test>::get(other_id).unwrap();
		// The provider's genuine answer to challenge 0, carried as an answer to the other one.
		let genuine = relayed(0, &first, good_proof(&first.seed.unwrap(), first.challenged));
		let mut moved = genuine.clone();
		moved.challenge = other_id;
		moved.relayer = other.relayers[0].key.clone();
		moved.challenged = other.challenged;
		let signature = relay_signature(&moved, other.relayers[0].relayer, 0);
		assert_ok!(Audit::submit_proof(authorized(), moved, signature));
		assert!(outcomes().is_empty());
		assert!(Challenges::<Test>::get(other_id).is_some());
	});
}

#[test]
fn an_unassigned_relayer_is_not_authorized() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		let outsider = VALIDATORS
			.iter()
			.copied()
			.find(|v| challenge.relayers.iter().all(|a| a.relayer != *v))
			.expect("three validators, two assigned");
		let mut answer = relayed(0, &challenge, good_proof(&challenge.seed.unwrap(), 460));
		answer.relayer = audit_pair(outsider, 0).public();
		let signature = relay_signature(&answer, outsider, 0);
		assert_eq!(authorize(&answer, &signature), Err(InvalidTransaction::BadSigner.into()));
		assert_noop!(
			Audit::submit_proof(authorized(), answer, signature),
			Error::<Test>::NotAssigned
		);
		// A signature by another key than the one named.
		let answer = relayed(0, &challenge, good_proof(&challenge.seed.unwrap(), 460));
		let forged = relay_signature(&answer, outsider, 0);
		assert_eq!(authorize(&answer, &forged), Err(InvalidTransaction::BadProof.into()));
		// Not through a signed origin either.
		assert!(Audit::submit_proof(RuntimeOrigin::signed(2), answer, forged).is_err());
	});
}

#[test]
fn duplicates_and_closed_challenges_are_refused() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		let answer = relayed(0, &challenge, good_proof(&challenge.seed.unwrap(), 460));
		let signature = relay_signature(&answer, challenge.relayers[0].relayer, 0);
		assert_ok!(Audit::submit_proof(authorized(), answer.clone(), signature.clone()));
		assert_eq!(authorize(&answer, &signature), Err(InvalidTransaction::Stale.into()));
		// The other relayer, too late: the challenge closed.
		let mut second = answer.clone();
		second.relayer = challenge.relayers[1].key.clone();
		let signature = relay_signature(&second, challenge.relayers[1].relayer, 0);
		assert_eq!(authorize(&second, &signature), Err(InvalidTransaction::Stale.into()));
		assert_eq!(outcomes(), vec![Outcome::Pass]);
	});
}

#[test]
fn a_relayer_that_reported_cannot_report_again_while_the_challenge_is_open() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		let assignment = &challenge.relayers[0];
		let report = UnreachableReport { challenge: 0, relayer: assignment.key.clone() };
		let signature =
			audit_pair(assignment.relayer, 0).sign(&Audit::unreachable_message(&report));
		assert_ok!(Audit::report_unreachable(authorized(), report.clone(), signature.clone()));
		assert!(Challenges::<Test>::contains_key(0), "the challenge stays open");
		// The same report again, and then a proof by the same relayer: duplicates.
		let call = Call::<Test>::report_unreachable { report, signature };
		assert_eq!(
			call.authorize(TransactionSource::External).expect("authorizes").map(|_| ()),
			Err(InvalidTransaction::Stale.into())
		);
		let answer = relayed(0, &challenge, good_proof(&challenge.seed.unwrap(), 460));
		let signature = relay_signature(&answer, assignment.relayer, 0);
		assert_eq!(authorize(&answer, &signature), Err(InvalidTransaction::Stale.into()));
		// The other relayer still may.
		let mut other = answer;
		other.relayer = challenge.relayers[1].key.clone();
		let signature = relay_signature(&other, challenge.relayers[1].relayer, 0);
		assert_eq!(authorize(&other, &signature), Ok(()));
	});
}

#[test]
fn key_rotation_keeps_open_assignments_and_uses_new_keys_for_new_challenges() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		let relayer = challenge.relayers[0].relayer;
		start_session(&VALIDATORS, 1);
		// The open challenge still takes the key it was assigned with, not the new one.
		let mut answer = relayed(0, &challenge, good_proof(&challenge.seed.unwrap(), 460));
		let mut rotated = answer.clone();
		rotated.relayer = audit_pair(relayer, 1).public();
		let rotated_signature = relay_signature(&rotated, relayer, 1);
		assert_eq!(
			authorize(&rotated, &rotated_signature),
			Err(InvalidTransaction::BadSigner.into())
		);
		let signature = relay_signature(&answer, relayer, 0);
		assert_ok!(authorize(&answer, &signature));
		assert_ok!(Audit::submit_proof(authorized(), answer.clone(), signature));
		// The next challenge is assigned with generation-1 keys.
		run_to_block(System::block_number() + 1, &ROUND_ROBIN);
		let next = Challenges::<Test>::iter().next().map(|(_, c)| c).expect("a new challenge");
		for assignment in next.relayers.iter() {
			assert_eq!(assignment.key, audit_pair(assignment.relayer, 1).public());
		}
		answer.challenge = u64::MAX;
		assert_ok!(Audit::do_try_state());
	});
}

#[test]
fn erased_entries_are_never_challenged_and_open_ones_end_void() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		Directory::add_entry(3, 0, 2, 0, 1000);
		Directory::erase(3, 0);
		run_to_block(40, &ROUND_ROBIN);
		assert!(System::events().iter().all(|r| !matches!(
			r.event,
			RuntimeEvent::Audit(Event::ChallengeOpened { patient: 3, .. })
		)));
		// An entry erased while challenged: its challenge ends void, with no alert.
		System::reset_events();
		let open = OpenQueue::<Test>::get();
		let challenge = Challenges::<Test>::get(open[0].id).unwrap();
		Directory::erase(challenge.patient, challenge.seq);
		run_to_block(challenge.deadline + 1, &ROUND_ROBIN);
		assert_eq!(outcomes(), vec![Outcome::Void]);
		assert_eq!(alerts(), 0);
		assert_ok!(Audit::do_try_state());
	});
}

#[test]
fn the_provider_may_answer_itself() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		let proof: ProofOf = good_proof(&challenge.seed.unwrap(), 460).try_into().unwrap();
		let params: FileParamsOf = FILE_PARAMS.to_vec().try_into().unwrap();
		assert_noop!(
			Audit::answer_challenge(
				RuntimeOrigin::signed(99),
				0,
				460,
				params.clone(),
				proof.clone()
			),
			Error::<Test>::NotProvider
		);
		assert_ok!(Audit::answer_challenge(RuntimeOrigin::signed(2), 0, 460, params, proof));
		assert_eq!(outcomes(), vec![Outcome::Pass]);
	});
}

#[test]
fn unreachable_reports_count_as_duty_done() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(2, &ROUND_ROBIN);
		let challenge = seeded_challenge();
		for assignment in challenge.relayers.iter() {
			let report = UnreachableReport { challenge: 0, relayer: assignment.key.clone() };
			let signature =
				audit_pair(assignment.relayer, 0).sign(&Audit::unreachable_message(&report));
			assert_ok!(Audit::report_unreachable(authorized(), report, signature));
		}
		run_to_block(challenge.deadline + 1, &ROUND_ROBIN);
		assert_eq!(outcomes().first(), Some(&Outcome::Timeout));
		assert!(System::events()
			.iter()
			.all(|r| !matches!(r.event, RuntimeEvent::Audit(Event::RelayerMissed { .. }))));
	});
}

#[test]
fn a_single_validator_seeds_alone() {
	new_test_ext().execute_with(|| {
		start_session(&[11], 0);
		one_entry(1000);
		run_to_block(2, &[11]);
		let challenge = seeded_challenge();
		assert_eq!(challenge.seed_authors, 1);
		assert_eq!(challenge.relayers.len(), 1);
	});
}

#[test]
fn reputation_suspends_after_misses_and_recovers_after_passes() {
	new_test_ext().execute_with(|| {
		let mut r = Audit::reputation(&2);
		for _ in 0..3 {
			r = Audit::next_reputation(r, Outcome::Timeout);
		}
		assert_eq!(r.standing, Standing::Suspended);
		assert_eq!(r.score, 500 - 50 - 100 - 150);
		r = Audit::next_reputation(r, Outcome::Pass);
		assert_eq!(r.standing, Standing::Suspended);
		r = Audit::next_reputation(r, Outcome::Pass);
		assert_eq!(r.standing, Standing::Probation);
		r = Audit::next_reputation(r, Outcome::Pass);
		r = Audit::next_reputation(r, Outcome::Pass);
		assert_eq!(r.standing, Standing::Good);
		assert_eq!(Audit::next_reputation(r, Outcome::Void), r);
		Reputations::<Test>::insert(2, Reputation { standing: Standing::Suspended, ..r });
		assert!(!<Audit as ProviderStanding<u64>>::accepts_new_records(&2));
		assert!(<Audit as ProviderStanding<u64>>::accepts_new_records(&5));
	});
}

#[test]
fn try_state_catches_a_broken_queue() {
	new_test_ext().execute_with(|| {
		one_entry(1000);
		run_to_block(3, &ROUND_ROBIN);
		assert_ok!(Audit::do_try_state());
		OpenQueue::<Test>::kill();
		assert!(Audit::do_try_state().is_err());
	});
}
