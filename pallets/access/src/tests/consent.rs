//! Consent as a basis: explicit by default, refusals win, purposes, expiry, and the bounds of
//! the consent calls.

use super::*;

#[test]
fn without_a_basis_a_senior_doctor_is_refused_for_records_and_search() {
	run(|| {
		setup();
		// A title-4 doctor at a grade-14 hospital: the policy alone would let them read.
		assert_eq!(register_hospital(14), 2);
		register_doctor(DOCTOR, 2, 4, &[]);
		assert_noop!(ask_on_consent(DOCTOR, records(&[0])), Error::<Test>::ConsentMissing);
		assert_noop!(ask_on_consent(DOCTOR, search()), Error::<Test>::ConsentMissing);
		assert_eq!(AccessLength::<Test>::get(PATIENT), 0);
		// A presence statement from another patient's card is no basis either.
		let stranger = <sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&[0x55; 32]);
		let target = records(&[0]);
		let proof = presence_signed(&stranger, DOCTOR, PATIENT, &target, PURPOSE, 3, [1; 16]);
		assert_noop!(
			Access::request_access(
				RuntimeOrigin::signed(DOCTOR),
				PATIENT,
				target,
				PURPOSE,
				Basis::PatientPresent(proof),
				DELIVERY
			),
			Error::<Test>::BadPresenceSignature
		);
		// With the patient's grant, the same request is logged and decided.
		consent(PATIENT, ConsentScope::Doctor(DOCTOR), true, None);
		assert_ok!(ask_on_consent(DOCTOR, records(&[0])));
		assert_eq!(last_decisions(), granted(&[0]));
	});
}

#[test]
fn a_refusal_covering_the_doctor_or_their_hospital_wins() {
	for scope in [ConsentScope::Doctor(DOCTOR), ConsentScope::Hospital(0)] {
		run(|| {
			setup();
			assert_ok!(Access::set_consent_mode(
				RuntimeOrigin::signed(PATIENT),
				PATIENT,
				ConsentMode::Implied
			));
			consent(PATIENT, scope.clone(), false, None);
			System::assert_last_event(
				Event::ConsentSet {
					patient: PATIENT,
					scope: scope.clone(),
					granted: false,
					purpose: None,
					expires_at: None,
				}
				.into(),
			);
			assert_eq!(
				record(PATIENT, 1).event,
				AccessEvent::ConsentChanged {
					by: Actor::Patient,
					scope: Some(scope.clone()),
					change: ConsentChange::Set { granted: false, purpose: None, expires_at: None },
				}
			);
			assert_noop!(ask_on_consent(DOCTOR, search()), Error::<Test>::ConsentRefused);
			// The refusal of one doctor does not cover a colleague; a hospital's does.
			if matches!(scope, ConsentScope::Hospital(_)) {
				assert_noop!(
					ask_on_consent(DOCTOR_2, records(&[0])),
					Error::<Test>::ConsentRefused
				);
			} else {
				assert_ok!(ask_on_consent(DOCTOR_2, records(&[0])));
			}
			// A grant of the hospital does not outweigh the doctor's refusal.
			consent(
				PATIENT,
				ConsentScope::Hospital(0),
				scope == ConsentScope::Doctor(DOCTOR),
				None,
			);
			assert_noop!(ask_on_consent(DOCTOR, search()), Error::<Test>::ConsentRefused);
		});
	}
}

#[test]
fn explicit_mode_is_the_default_and_implied_is_an_opt_in() {
	run(|| {
		setup();
		assert_eq!(ConsentModes::<Test>::get(PATIENT), ConsentMode::Explicit);
		assert_noop!(ask_on_consent(DOCTOR, records(&[0])), Error::<Test>::ConsentMissing);
		assert_ok!(Access::set_consent_mode(
			RuntimeOrigin::signed(PATIENT),
			PATIENT,
			ConsentMode::Implied
		));
		System::assert_last_event(
			Event::ConsentModeSet { patient: PATIENT, mode: ConsentMode::Implied }.into(),
		);
		assert_eq!(
			record(PATIENT, 0).event,
			AccessEvent::ConsentChanged {
				by: Actor::Patient,
				scope: None,
				change: ConsentChange::ModeSet(ConsentMode::Implied)
			}
		);
		assert_ok!(ask_on_consent(DOCTOR, records(&[0])));
		assert_eq!(last_decisions(), granted(&[0]));
		// The policy still decides each entry.
		assert_ok!(ask_on_consent(LOW_DOCTOR, records(&[0])));
		assert_eq!(last_decisions(), denied(&[0], DenialReason::PolicyNotSatisfied));
		assert_ok!(Access::set_consent_mode(
			RuntimeOrigin::signed(PATIENT),
			PATIENT,
			ConsentMode::Explicit
		));
		assert!(!ConsentModes::<Test>::contains_key(PATIENT));
		assert_noop!(ask_on_consent(DOCTOR, records(&[0])), Error::<Test>::ConsentMissing);
	});
}

#[test]
fn a_consent_naming_a_purpose_covers_only_that_purpose() {
	run(|| {
		setup();
		assert_ok!(Access::set_consent(
			RuntimeOrigin::signed(PATIENT),
			PATIENT,
			ConsentScope::Hospital(0),
			true,
			Some(Purpose::Referral),
			None
		));
		assert_noop!(ask_on_consent(DOCTOR, records(&[0])), Error::<Test>::ConsentMissing);
		assert_ok!(Access::request_access(
			RuntimeOrigin::signed(DOCTOR),
			PATIENT,
			records(&[0]),
			Purpose::Referral,
			Basis::Consent,
			DELIVERY
		));
		assert_eq!(last_decisions(), granted(&[0]));
	});
}

#[test]
fn consents_expire() {
	run(|| {
		setup();
		consent(PATIENT, ConsentScope::Doctor(DOCTOR), true, Some(6));
		assert_ok!(ask_on_consent(DOCTOR, records(&[0])));
		System::set_block_number(6);
		assert_ok!(ask_on_consent(DOCTOR, records(&[0])));
		System::set_block_number(7);
		assert_noop!(ask_on_consent(DOCTOR, records(&[0])), Error::<Test>::ConsentMissing);
	});
}

#[test]
fn consent_calls_are_bounded_and_checked() {
	run(|| {
		setup();
		let patient = RuntimeOrigin::signed(PATIENT);
		let set = |origin: RuntimeOrigin, scope, expires_at| {
			Access::set_consent(origin, PATIENT, scope, true, None, expires_at)
		};
		assert_noop!(
			set(RuntimeOrigin::signed(DOCTOR), ConsentScope::Hospital(0), None),
			Error::<Test>::NotRepresentative
		);
		assert_noop!(
			Access::set_consent(
				patient.clone(),
				NOBODY,
				ConsentScope::Hospital(0),
				true,
				None,
				None
			),
			Error::<Test>::NotPatient
		);
		assert_noop!(
			set(patient.clone(), ConsentScope::Hospital(9), None),
			Error::<Test>::UnknownHospital
		);
		assert_noop!(
			set(patient.clone(), ConsentScope::Doctor(PATIENT_2), None),
			Error::<Test>::UnknownDoctor
		);
		System::set_block_number(5);
		assert_noop!(
			set(patient.clone(), ConsentScope::Hospital(0), Some(4)),
			Error::<Test>::ExpiryInPast
		);
		consent(PATIENT, ConsentScope::Hospital(0), true, Some(5));
		consent(PATIENT, ConsentScope::Hospital(1), false, Some(6));
		consent(PATIENT, ConsentScope::Doctor(DOCTOR_2), true, None);
		consent(PATIENT, ConsentScope::Doctor(DOCTOR), true, None);
		assert_eq!(ConsentCount::<Test>::get(PATIENT), 4);
		// Overwriting a scope needs no room.
		consent(PATIENT, ConsentScope::Doctor(DOCTOR), false, None);
		assert_noop!(
			set(patient.clone(), ConsentScope::Doctor(LOW_DOCTOR), None),
			Error::<Test>::TooManyConsents
		);
		// Once expired, consents count as absent and make room.
		System::set_block_number(7);
		consent(PATIENT, ConsentScope::Doctor(LOW_DOCTOR), true, None);
		assert_eq!(ConsentCount::<Test>::get(PATIENT), 3);
		assert!(!Consents::<Test>::contains_key(PATIENT, ConsentScope::Hospital(0)));

		assert_noop!(
			Access::clear_consent(patient.clone(), PATIENT, ConsentScope::Hospital(0)),
			Error::<Test>::UnknownConsent
		);
		assert_noop!(
			Access::clear_consent(
				RuntimeOrigin::signed(DOCTOR),
				PATIENT,
				ConsentScope::Doctor(LOW_DOCTOR)
			),
			Error::<Test>::NotRepresentative
		);
		for scope in [
			ConsentScope::Doctor(LOW_DOCTOR),
			ConsentScope::Doctor(DOCTOR_2),
			ConsentScope::Doctor(DOCTOR),
		] {
			assert_ok!(Access::clear_consent(patient.clone(), PATIENT, scope));
		}
		assert!(!ConsentCount::<Test>::contains_key(PATIENT));
		revoke_patient(PATIENT);
		assert_noop!(
			Access::set_consent_mode(patient, PATIENT, ConsentMode::Implied),
			Error::<Test>::NotPatient
		);
		// Every change was logged, and the chain verifies.
		assert_eq!(AccessLength::<Test>::get(PATIENT), 9);
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, None);
	});
}
