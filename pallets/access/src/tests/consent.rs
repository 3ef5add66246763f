//! Consent: refusals, explicit mode, expiry and the bounds of the consent calls.

use super::*;

fn set(scope: ConsentScope<Test>, granted: bool, expires_at: Option<u64>) {
	assert_ok!(Access::set_consent(RuntimeOrigin::signed(PATIENT), scope, granted, expires_at));
}

#[test]
fn a_refusal_covering_the_doctor_denies() {
	for scope in
		[ConsentScope::Doctor(DOCTOR), ConsentScope::Hospital(0), ConsentScope::Department(3)]
	{
		run(|| {
			let mut fx = setup();
			set(scope.clone(), false, None);
			System::assert_last_event(
				Event::ConsentSet {
					patient: PATIENT,
					scope: scope.clone(),
					granted: false,
					expires_at: None,
				}
				.into(),
			);
			assert_eq!(
				record(PATIENT, 0).event,
				AccessEvent::ConsentChanged {
					scope: Some(scope.clone()),
					change: ConsentChange::Set { granted: false, expires_at: None },
				}
			);
			let id = request(DOCTOR, search());
			let token = fx.token(id, &[3, 20]);
			assert_ok!(Access::fulfil_search(
				RuntimeOrigin::signed(PROVIDER),
				id,
				token,
				fx.claims(&[true, false, true])
			));
			assert_eq!(last_decisions(), denied(&[0, 2], DenialReason::ConsentRefused));
			assert_eq!(Grants::<Test>::iter_prefix(id).count(), 0);
			// The refusal does not cover a colleague in another department.
			request(DOCTOR_2, records(&[0]));
			assert_eq!(
				last_decisions(),
				if matches!(scope, ConsentScope::Hospital(_)) {
					denied(&[0], DenialReason::ConsentRefused)
				} else {
					granted(&[0])
				}
			);
		});
	}
}

#[test]
fn explicit_mode_needs_a_grant_and_refusals_win() {
	run(|| {
		setup();
		assert_ok!(Access::set_consent_mode(RuntimeOrigin::signed(PATIENT), ConsentMode::Explicit));
		System::assert_last_event(
			Event::ConsentModeSet { patient: PATIENT, mode: ConsentMode::Explicit }.into(),
		);
		assert_eq!(
			record(PATIENT, 0).event,
			AccessEvent::ConsentChanged {
				scope: None,
				change: ConsentChange::ModeSet(ConsentMode::Explicit)
			}
		);
		request(DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), denied(&[0], DenialReason::ConsentMissing));

		set(ConsentScope::Department(3), true, None);
		request(DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), granted(&[0]));
		// The policy still applies first.
		request(LOW_DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), denied(&[0], DenialReason::PolicyNotSatisfied));

		set(ConsentScope::Doctor(DOCTOR), false, None);
		request(DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), denied(&[0], DenialReason::ConsentRefused));

		assert_ok!(Access::set_consent_mode(RuntimeOrigin::signed(PATIENT), ConsentMode::Implied));
		assert!(!ConsentModes::<Test>::contains_key(PATIENT));
		assert_ok!(Access::clear_consent(
			RuntimeOrigin::signed(PATIENT),
			ConsentScope::Doctor(DOCTOR)
		));
		System::assert_last_event(
			Event::ConsentCleared { patient: PATIENT, scope: ConsentScope::Doctor(DOCTOR) }.into(),
		);
		request(DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), granted(&[0]));
	});
}

#[test]
fn consents_expire() {
	run(|| {
		setup();
		set(ConsentScope::Hospital(0), false, Some(3));
		System::set_block_number(3);
		request(DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), denied(&[0], DenialReason::ConsentRefused));
		System::set_block_number(4);
		request(DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), granted(&[0]));

		assert_ok!(Access::set_consent_mode(RuntimeOrigin::signed(PATIENT), ConsentMode::Explicit));
		set(ConsentScope::Doctor(DOCTOR), true, Some(6));
		request(DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), granted(&[0]));
		System::set_block_number(7);
		request(DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), denied(&[0], DenialReason::ConsentMissing));
	});
}

#[test]
fn consent_calls_are_bounded_and_checked() {
	run(|| {
		setup();
		let patient = RuntimeOrigin::signed(PATIENT);
		assert_noop!(
			Access::set_consent(
				RuntimeOrigin::signed(DOCTOR),
				ConsentScope::Hospital(0),
				true,
				None
			),
			Error::<Test>::NotPatient
		);
		assert_noop!(
			Access::set_consent(patient.clone(), ConsentScope::Hospital(9), true, None),
			Error::<Test>::UnknownHospital
		);
		assert_noop!(
			Access::set_consent(patient.clone(), ConsentScope::Doctor(PATIENT_2), true, None),
			Error::<Test>::UnknownDoctor
		);
		assert_noop!(
			Access::set_consent(patient.clone(), ConsentScope::Department(37), true, None),
			Error::<Test>::InvalidDepartment
		);
		System::set_block_number(5);
		assert_noop!(
			Access::set_consent(patient.clone(), ConsentScope::Hospital(0), true, Some(4)),
			Error::<Test>::ExpiryInPast
		);
		set(ConsentScope::Hospital(0), true, Some(5));
		set(ConsentScope::Hospital(1), false, Some(6));
		set(ConsentScope::Department(0), true, None);
		set(ConsentScope::Doctor(DOCTOR), true, None);
		assert_eq!(ConsentCount::<Test>::get(PATIENT), 4);
		// Overwriting a scope needs no room.
		set(ConsentScope::Doctor(DOCTOR), false, None);
		assert_noop!(
			Access::set_consent(patient.clone(), ConsentScope::Department(1), true, None),
			Error::<Test>::TooManyConsents
		);
		// Once expired, consents count as absent and make room.
		System::set_block_number(7);
		set(ConsentScope::Department(1), true, None);
		assert_eq!(ConsentCount::<Test>::get(PATIENT), 3);
		assert!(!Consents::<Test>::contains_key(PATIENT, ConsentScope::Hospital(0)));

		assert_noop!(
			Access::clear_consent(patient.clone(), ConsentScope::Hospital(0)),
			Error::<Test>::UnknownConsent
		);
		assert_noop!(
			Access::clear_consent(RuntimeOrigin::signed(DOCTOR), ConsentScope::Department(1)),
			Error::<Test>::NotPatient
		);
		for scope in
			[ConsentScope::Department(0), ConsentScope::Department(1), ConsentScope::Doctor(DOCTOR)]
		{
			assert_ok!(Access::clear_consent(patient.clone(), scope));
		}
		assert!(!ConsentCount::<Test>::contains_key(PATIENT));
		assert_noop!(
			Access::set_consent_mode(RuntimeOrigin::signed(DOCTOR), ConsentMode::Explicit),
			Error::<Test>::NotPatient
		);
		revoke_patient(PATIENT);
		assert_noop!(
			Access::set_consent_mode(patient, ConsentMode::Explicit),
			Error::<Test>::NotPatient
		);
		// Every change was logged, and the chain verifies.
		assert_eq!(AccessLength::<Test>::get(PATIENT), 9);
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, None);
	});
}
