//! The presence basis: a statement the patient's card signed, bound to doctor, patient,
//! chain, scope, purpose and time, used once.

use super::*;
use frame_support::weights::Weight;

fn ask(
	doctor: u64,
	patient: u64,
	target: AccessTarget<Test>,
	purpose: Purpose,
	proof: PresenceProof<Test>,
) -> DispatchResult {
	Access::request_access(
		RuntimeOrigin::signed(doctor),
		patient,
		target,
		purpose,
		Basis::PatientPresent(proof),
		DELIVERY,
	)
}

#[test]
fn a_presence_statement_is_logged_with_its_proof() {
	run(|| {
		setup();
		let target = records(&[0]);
		let proof = presence_signed(&card(), DOCTOR, PATIENT, &target, PURPOSE, 3, [1; 16]);
		assert_ok!(ask(DOCTOR, PATIENT, target.clone(), PURPOSE, proof.clone()));
		let AccessEvent::Requested { basis, .. } = record(PATIENT, 0).event else {
			panic!("not a Requested record")
		};
		assert_eq!(
			basis,
			BasisRecord::PatientPresent { presence_key: card().public().0, proof: proof.clone() }
		);
		// Anyone can check the logged signature against the statement rebuilt from the log.
		let statement = Access::presence_statement(&DOCTOR, &PATIENT, &target, PURPOSE, 3, [1; 16]);
		assert!(sp_io::crypto::ed25519_verify(
			&sp_core::ed25519::Signature::from_raw(proof.signature),
			&statement.encode(),
			&card().public()
		));
		assert!(PresenceNonces::<Test>::contains_key(3, (PATIENT, [1u8; 16])));
		assert_eq!(last_decisions(), granted(&[0]));
	});
}

#[test]
fn presence_statements_are_refused_when_replayed_moved_or_stale() {
	run(|| {
		let fx = setup();
		append(PATIENT_2, PROVIDER, &fx.cts[0], POLICY);
		let target = records(&[0]);
		let signed = |doctor, patient, target: &AccessTarget<Test>, purpose, not_after, nonce| {
			presence_signed(&card(), doctor, patient, target, purpose, not_after, nonce)
		};
		let good = signed(DOCTOR, PATIENT, &target, PURPOSE, 3, [1; 16]);
		assert_ok!(ask(DOCTOR, PATIENT, target.clone(), PURPOSE, good.clone()));
		// Replayed.
		assert_noop!(
			ask(DOCTOR, PATIENT, target.clone(), PURPOSE, good.clone()),
			Error::<Test>::PresenceReplayed
		);
		// For another doctor, patient, scope or purpose than signed.
		let fresh = signed(DOCTOR, PATIENT, &target, PURPOSE, 3, [2; 16]);
		assert_noop!(
			ask(DOCTOR_2, PATIENT, target.clone(), PURPOSE, fresh.clone()),
			Error::<Test>::BadPresenceSignature
		);
		PresenceKeys::<Test>::insert(PATIENT_2, card().public().0);
		assert_noop!(
			ask(DOCTOR, PATIENT_2, target.clone(), PURPOSE, fresh.clone()),
			Error::<Test>::BadPresenceSignature
		);
		assert_noop!(
			ask(DOCTOR, PATIENT, records(&[1]), PURPOSE, fresh.clone()),
			Error::<Test>::BadPresenceSignature
		);
		assert_noop!(
			ask(DOCTOR, PATIENT, search(), PURPOSE, fresh.clone()),
			Error::<Test>::BadPresenceSignature
		);
		assert_noop!(
			ask(DOCTOR, PATIENT, target.clone(), Purpose::Billing, fresh.clone()),
			Error::<Test>::BadPresenceSignature
		);
		// With `not_after` changed after signing.
		let mut moved = fresh.clone();
		moved.not_after = 4;
		assert_noop!(
			ask(DOCTOR, PATIENT, target.clone(), PURPOSE, moved),
			Error::<Test>::BadPresenceSignature
		);
		// For another chain: the genesis hash is part of the statement.
		frame_system::BlockHash::<Test>::insert(0, sp_core::H256::repeat_byte(0x77));
		assert_noop!(
			ask(DOCTOR, PATIENT, target.clone(), PURPOSE, fresh.clone()),
			Error::<Test>::BadPresenceSignature
		);
		frame_system::BlockHash::<Test>::insert(0, sp_core::H256::repeat_byte(0x6e));
		// Past its not-after, or too far ahead (MaxPresenceValidity = 5).
		let far = signed(DOCTOR, PATIENT, &target, PURPOSE, 7, [3; 16]);
		assert_noop!(
			ask(DOCTOR, PATIENT, target.clone(), PURPOSE, far.clone()),
			Error::<Test>::PresenceTooFarAhead
		);
		System::set_block_number(4);
		assert_noop!(
			ask(DOCTOR, PATIENT, target.clone(), PURPOSE, fresh.clone()),
			Error::<Test>::PresenceExpired
		);
		// The fresh statement was good all along: at block 3 it is accepted.
		System::set_block_number(3);
		assert_ok!(ask(DOCTOR, PATIENT, target.clone(), PURPOSE, fresh));
		// No presence key, no presence basis.
		PresenceKeys::<Test>::remove(PATIENT_2);
		let other = presence_signed(&card(), DOCTOR, PATIENT_2, &target, PURPOSE, 3, [4; 16]);
		assert_noop!(ask(DOCTOR, PATIENT_2, target, PURPOSE, other), Error::<Test>::NoPresenceKey);
	});
}

#[test]
fn nonces_are_kept_until_their_statement_expired_and_then_swept() {
	run(|| {
		setup();
		let target = records(&[0]);
		let proof = presence_signed(&card(), DOCTOR, PATIENT, &target, PURPOSE, 3, [1; 16]);
		assert_ok!(ask(DOCTOR, PATIENT, target.clone(), PURPOSE, proof.clone()));
		for n in 2..=3 {
			System::set_block_number(n);
			<Access as Hooks<u64>>::on_idle(n, Weight::MAX);
			assert!(PresenceNonces::<Test>::contains_key(3, (PATIENT, [1u8; 16])));
		}
		System::set_block_number(4);
		<Access as Hooks<u64>>::on_idle(4, Weight::MAX);
		assert_eq!(PresenceNonces::<Test>::iter().count(), 0);
		assert_eq!(SweepCursor::<Test>::get(), 4);
		// Gone from storage, the statement is still refused: it expired.
		assert_noop!(ask(DOCTOR, PATIENT, target, PURPOSE, proof), Error::<Test>::PresenceExpired);
	});
}

#[test]
fn the_sweep_stays_within_its_weight_and_step_bounds() {
	run(|| {
		setup();
		for i in 0..40u8 {
			PresenceNonces::<Test>::insert(2, (PATIENT, [i; 16]), ());
		}
		System::set_block_number(10);
		// No weight, no work.
		assert_eq!(<Access as Hooks<u64>>::on_idle(10, Weight::zero()), Weight::zero());
		assert_eq!(PresenceNonces::<Test>::iter().count(), 40);
		// MaxSweepPerBlock = 16 steps: blocks 0 and 1 (empty) and 14 nonces of block 2.
		<Access as Hooks<u64>>::on_idle(10, Weight::MAX);
		assert_eq!(PresenceNonces::<Test>::iter().count(), 26);
		assert_eq!(SweepCursor::<Test>::get(), 2);
		<Access as Hooks<u64>>::on_idle(10, Weight::MAX);
		<Access as Hooks<u64>>::on_idle(10, Weight::MAX);
		assert_eq!(PresenceNonces::<Test>::iter().count(), 0);
	});
}

#[test]
fn a_presence_key_is_not_an_account_key_and_its_account_cannot_act_for_the_patient() {
	run(|| {
		setup();
		// In this mock accounts are u64; the runtime test checks the same with ed25519 accounts.
		let account_key = account_bytes(&PATIENT);
		assert_noop!(
			Access::set_presence_key(RuntimeOrigin::signed(PATIENT), PATIENT, Some(account_key)),
			Error::<Test>::PresenceKeyIsAccountKey
		);
		assert_ok!(Access::set_presence_key(
			RuntimeOrigin::signed(PATIENT),
			PATIENT,
			Some([9; 32])
		));
		System::assert_last_event(
			Event::PresenceKeySet { patient: PATIENT, key: Some([9; 32]) }.into(),
		);
		assert_eq!(
			record(PATIENT, 0).event,
			AccessEvent::PresenceKeySet { by: Actor::Patient, key: Some([9; 32]) }
		);
		// A lost card: removed, every presence basis signed by it ends.
		assert_ok!(Access::set_presence_key(RuntimeOrigin::signed(PATIENT), PATIENT, None));
		assert!(!PresenceKeys::<Test>::contains_key(PATIENT));
		assert_noop!(
			Access::set_presence_key(RuntimeOrigin::signed(DOCTOR), PATIENT, Some([9; 32])),
			Error::<Test>::NotRepresentative
		);
	});
}
