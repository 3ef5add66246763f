//! Break-glass: flagged, time-limited emergency access that skips consent.

use super::*;

fn glass(who: u64, target: AccessTarget<Test>, duration: u64) -> DispatchResult {
	Access::break_glass(RuntimeOrigin::signed(who), PATIENT, target, purpose(), DELIVERY, duration)
}

#[test]
fn emergency_access_is_flagged_time_limited_and_skips_consent() {
	run(|| {
		let mut fx = setup();
		assert_ok!(Access::set_consent(
			RuntimeOrigin::signed(PATIENT),
			ConsentScope::Hospital(1),
			false,
			None
		));
		assert_ok!(Access::set_consent_mode(RuntimeOrigin::signed(PATIENT), ConsentMode::Explicit));
		let id = NextRequestId::<Test>::get();
		assert_ok!(glass(ER_DOCTOR, records(&[0, 1]), 5));
		System::assert_has_event(
			Event::AccessRequested {
				request_id: id,
				patient: PATIENT,
				doctor: ER_DOCTOR,
				hospital: 1,
				emergency: true,
			}
			.into(),
		);
		System::assert_has_event(
			Event::BreakGlassUsed { request_id: id, patient: PATIENT, doctor: ER_DOCTOR, until: 6 }
				.into(),
		);
		assert!(matches!(
			record(PATIENT, 2).event,
			AccessEvent::Requested { emergency: true, expires_at: 6, .. }
		));
		assert!(Requests::<Test>::get(id).unwrap().emergency);
		// Granted through the policy's emergency branch despite the refusal; the grant
		// ends with the emergency window.
		assert_eq!(last_decisions(), granted(&[0, 1]));
		assert_eq!(Grants::<Test>::get(id, 0).unwrap().expires_at, 6);

		// A break-glass search, fulfilled within the window.
		let id = NextRequestId::<Test>::get();
		assert_ok!(glass(ER_DOCTOR, search(), 20));
		let token = fx.token(id, &[5]);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			fx.claims(&[false, true, false])
		));
		assert_eq!(last_decisions(), granted(&[1]));
		assert_eq!(Grants::<Test>::get(id, 1).unwrap().expires_at, 21);
	});
}

#[test]
fn only_emergency_doctors_within_the_bound() {
	run(|| {
		setup();
		assert_noop!(glass(DOCTOR, search(), 5), Error::<Test>::NotEmergencyDoctor);
		assert_noop!(glass(PATIENT, search(), 5), Error::<Test>::NotDoctor);
		assert_noop!(glass(ER_DOCTOR, search(), 0), Error::<Test>::InvalidDuration);
		assert_noop!(glass(ER_DOCTOR, search(), 21), Error::<Test>::InvalidDuration);
		assert_noop!(
			Access::break_glass(
				RuntimeOrigin::signed(ER_DOCTOR),
				NOBODY,
				search(),
				purpose(),
				DELIVERY,
				5
			),
			Error::<Test>::UnknownPatient
		);
		assert_ok!(glass(ER_DOCTOR, search(), 20));
		revoke_doctor(ER_DOCTOR);
		assert_noop!(glass(ER_DOCTOR, search(), 5), Error::<Test>::DoctorRevoked);
	});
}

#[test]
fn a_break_glass_search_ends_when_the_emergency_attribute_is_removed() {
	run(|| {
		let mut fx = setup();
		// The patient refuses the doctor's hospital, which break-glass would skip.
		assert_ok!(Access::set_consent(
			RuntimeOrigin::signed(PATIENT),
			ConsentScope::Hospital(1),
			false,
			None
		));
		let id = NextRequestId::<Test>::get();
		assert_ok!(glass(ER_DOCTOR, search(), 20));
		// The registrar removes the attribute before the provider fulfils.
		register_doctor(ER_DOCTOR, 1, 1, 0, &[]);
		let token = fx.token(id, &[5]);
		assert_noop!(
			Access::fulfil_search(
				RuntimeOrigin::signed(PROVIDER),
				id,
				token.clone(),
				fx.claims(&[false, true, false])
			),
			Error::<Test>::NotEmergencyDoctor
		);
		// Given back, the same fulfilment is decided (so the refusal above was the attribute).
		register_doctor(ER_DOCTOR, 1, 1, 0, &[b"emergency"]);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			fx.claims(&[false, true, false])
		));
		assert_eq!(last_decisions(), granted(&[1]));
	});
}
