//! Break-glass: flagged, time-limited, rate-limited emergency access that skips consent, must
//! be justified, and ends when the emergency attribute goes.

use super::*;

fn glass(who: u64, target: AccessTarget<Test>, duration: u64) -> DispatchResult {
	Access::break_glass(RuntimeOrigin::signed(who), PATIENT, target, DELIVERY, duration)
}

/// Runs `on_idle` of block `n` with ample weight.
fn idle(n: u64) {
	System::set_block_number(n);
	<Access as Hooks<u64>>::on_idle(n, frame_support::weights::Weight::MAX);
}

#[test]
fn emergency_access_is_flagged_time_limited_and_skips_consent() {
	run(|| {
		let mut fx = setup();
		consent(PATIENT, ConsentScope::Hospital(1), false, None);
		let id = NextRequestId::<Test>::get();
		assert_ok!(glass(ER_DOCTOR, records(&[0, 1]), 5));
		System::assert_has_event(
			Event::AccessRequested {
				request_id: id,
				patient: PATIENT,
				doctor: ER_DOCTOR,
				hospital: 1,
				basis: BasisKind::BreakGlass,
			}
			.into(),
		);
		// The patient's notification.
		System::assert_has_event(
			Event::BreakGlassUsed { request_id: id, patient: PATIENT, doctor: ER_DOCTOR, until: 6 }
				.into(),
		);
		assert!(matches!(
			record(PATIENT, 1).event,
			AccessEvent::Requested {
				basis: BasisRecord::BreakGlass,
				purpose: Purpose::Emergency,
				expires_at: 6,
				..
			}
		));
		assert!(Requests::<Test>::get(id).unwrap().emergency());
		// Granted through the policy's emergency branch despite the refusal; the grant
		// ends with the emergency window.
		assert_eq!(last_decisions(), granted(&[0, 1]));
		assert_eq!(Grants::<Test>::get(id, 0).unwrap().expires_at, 6);
		// The patient's who-read shows it flagged.
		assert_eq!(Access::readers_of(&PATIENT, 0)[0].basis, BasisKind::BreakGlass);

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
			Access::break_glass(RuntimeOrigin::signed(ER_DOCTOR), NOBODY, search(), DELIVERY, 5),
			Error::<Test>::UnknownPatient
		);
		assert_ok!(glass(ER_DOCTOR, search(), 20));
		revoke_doctor(ER_DOCTOR);
		assert_noop!(glass(ER_DOCTOR, search(), 5), Error::<Test>::DoctorRevoked);
	});
}

#[test]
fn the_rate_limit_holds_per_doctor_and_window() {
	run(|| {
		setup();
		register_doctor(DOCTOR_2, 0, 3, &[b"emergency"]);
		// MaxBreakGlassPerWindow = 2 per 50 blocks.
		assert_ok!(glass(ER_DOCTOR, search(), 5));
		System::set_block_number(30);
		assert_ok!(glass(ER_DOCTOR, search(), 5));
		assert_noop!(glass(ER_DOCTOR, search(), 5), Error::<Test>::BreakGlassRateLimited);
		// Another doctor has their own limit.
		assert_ok!(glass(DOCTOR_2, search(), 5));
		// The window started at block 1; from block 51 a new one starts.
		System::set_block_number(50);
		assert_noop!(glass(ER_DOCTOR, search(), 5), Error::<Test>::BreakGlassRateLimited);
		System::set_block_number(51);
		assert_ok!(glass(ER_DOCTOR, search(), 5));
		assert_eq!(BreakGlassUses::<Test>::get(ER_DOCTOR), Some((51, 1)));
	});
}

#[test]
fn a_break_glass_search_ends_when_the_emergency_attribute_is_removed() {
	run(|| {
		let mut fx = setup();
		let id = NextRequestId::<Test>::get();
		assert_ok!(glass(ER_DOCTOR, search(), 20));
		// The registrar removes the attribute before the provider fulfils.
		register_doctor(ER_DOCTOR, 1, 1, &[]);
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
		register_doctor(ER_DOCTOR, 1, 1, &[b"emergency"]);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			fx.claims(&[false, true, false])
		));
		assert_eq!(last_decisions(), granted(&[1]));
		// And the grant ends with it too.
		register_doctor(ER_DOCTOR, 1, 1, &[]);
		assert_eq!(
			Access::may_serve(id, &PROVIDER, &ER_DOCTOR, &PATIENT, 1),
			Err(Refusal::EmergencyAttributeRemoved)
		);
	});
}

#[test]
fn a_justification_in_time_is_logged_and_a_missing_one_alerts_the_registrar() {
	run(|| {
		setup();
		let justified = NextRequestId::<Test>::get();
		assert_ok!(glass(ER_DOCTOR, records(&[0]), 5));
		let forgotten = NextRequestId::<Test>::get();
		assert_ok!(glass(ER_DOCTOR, records(&[1]), 5));
		// Due at block 1 + JustificationPeriod (8).
		assert_eq!(JustificationDue::<Test>::get(justified).map(|d| d.0), Some(9));
		assert_noop!(
			Access::justify_break_glass(RuntimeOrigin::signed(DOCTOR), justified, [7; 32]),
			Error::<Test>::NothingToJustify
		);
		System::set_block_number(9);
		assert_ok!(Access::justify_break_glass(
			RuntimeOrigin::signed(ER_DOCTOR),
			justified,
			[7; 32]
		));
		System::assert_last_event(
			Event::BreakGlassJustified {
				request_id: justified,
				patient: PATIENT,
				doctor: ER_DOCTOR,
			}
			.into(),
		);
		let length = AccessLength::<Test>::get(PATIENT);
		assert_eq!(
			record(PATIENT, length - 1).event,
			AccessEvent::Justified { reason_hash: [7; 32] }
		);
		assert_noop!(
			Access::justify_break_glass(RuntimeOrigin::signed(ER_DOCTOR), justified, [7; 32]),
			Error::<Test>::NothingToJustify
		);
		// Block 9 is not over yet: no alert.
		idle(9);
		assert!(JustificationDue::<Test>::contains_key(forgotten));
		idle(10);
		System::assert_has_event(
			Event::JustificationOverdue {
				request_id: forgotten,
				patient: PATIENT,
				doctor: ER_DOCTOR,
			}
			.into(),
		);
		let last = record(PATIENT, AccessLength::<Test>::get(PATIENT) - 1);
		assert_eq!(
			(last.request_id, last.event),
			(Some(forgotten), AccessEvent::JustificationOverdue)
		);
		assert!(!JustificationDue::<Test>::contains_key(forgotten));
		assert_eq!(JustificationQueue::<Test>::iter().count(), 0);
		assert_noop!(
			Access::justify_break_glass(RuntimeOrigin::signed(ER_DOCTOR), forgotten, [8; 32]),
			Error::<Test>::NothingToJustify
		);
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, None);
	});
}
