//! `may_serve`: a grant is honoured only while its basis holds.

use super::*;

/// A records request by `DOCTOR` on a consent basis for entry 0; returns its id.
fn granted_on_consent() -> RequestId {
	consent(PATIENT, ConsentScope::Doctor(DOCTOR), true, None);
	let id = NextRequestId::<Test>::get();
	assert_ok!(ask_on_consent(DOCTOR, records(&[0])));
	id
}

#[test]
fn a_live_grant_is_served_to_the_recorded_delivery_key_only() {
	run(|| {
		setup();
		let id = granted_on_consent();
		assert_eq!(
			Access::may_serve(id, &PROVIDER, &DOCTOR, &PATIENT, 0),
			Ok(ServeGrant { delivery_key: DELIVERY, expires_at: 1 + 30 })
		);
		assert_eq!(Access::may_serve(id, &PROVIDER, &DOCTOR, &PATIENT, 1), Err(Refusal::NoGrant));
		assert_eq!(
			Access::may_serve(id, &PROVIDER_2, &DOCTOR, &PATIENT, 0),
			Err(Refusal::NotThisGrant)
		);
		assert_eq!(
			Access::may_serve(id, &PROVIDER, &DOCTOR_2, &PATIENT, 0),
			Err(Refusal::NotThisGrant)
		);
		System::set_block_number(32);
		assert_eq!(Access::may_serve(id, &PROVIDER, &DOCTOR, &PATIENT, 0), Err(Refusal::Expired));
	});
}

#[test]
fn every_grant_dies_with_its_basis() {
	type Case = (&'static str, fn(), fn(), Refusal);
	let cases: [Case; 7] = [
		(
			"doctor revoked",
			|| revoke_doctor(DOCTOR),
			|| register_doctor(DOCTOR, 0, 3, &[b"surgeon"]),
			Refusal::DoctorInactive,
		),
		("hospital revoked", || revoke_hospital(0), || {}, Refusal::DoctorInactive),
		(
			"patient revoked",
			|| revoke_patient(PATIENT),
			|| register_patient(PATIENT),
			Refusal::PatientInactive,
		),
		(
			"provider revoked",
			|| revoke_provider(PROVIDER),
			|| register_provider(PROVIDER),
			Refusal::ProviderInactive,
		),
		(
			"consent withdrawn",
			|| {
				assert_ok!(Access::clear_consent(
					RuntimeOrigin::signed(PATIENT),
					PATIENT,
					ConsentScope::Doctor(DOCTOR)
				));
			},
			|| consent(PATIENT, ConsentScope::Doctor(DOCTOR), true, None),
			Refusal::ConsentWithdrawn,
		),
		("new key epoch", start_key_epoch, || set_key_epoch(Some(0)), Refusal::KeyEpochChanged),
		("entry erased", || erase_entry(PATIENT, 0), || {}, Refusal::Erased),
	];
	for (what, end_basis, restore, refusal) in cases {
		run(|| {
			setup();
			let id = granted_on_consent();
			assert!(Access::may_serve(id, &PROVIDER, &DOCTOR, &PATIENT, 0).is_ok(), "{what}");
			end_basis();
			assert_eq!(
				Access::may_serve(id, &PROVIDER, &DOCTOR, &PATIENT, 0),
				Err(refusal),
				"{what}"
			);
			restore();
			if !matches!(refusal, Refusal::Erased) && what != "hospital revoked" {
				// Restored, the grant holds again: the refusal was the basis ending.
				assert!(Access::may_serve(id, &PROVIDER, &DOCTOR, &PATIENT, 0).is_ok(), "{what}");
			}
		});
	}
}

#[test]
fn a_presence_grant_ends_with_the_card_that_signed_it() {
	run(|| {
		setup();
		let id = request(DOCTOR, records(&[0]));
		assert!(Access::may_serve(id, &PROVIDER, &DOCTOR, &PATIENT, 0).is_ok());
		assert_ok!(Access::set_presence_key(
			RuntimeOrigin::signed(PATIENT),
			PATIENT,
			Some([3; 32])
		));
		assert_eq!(
			Access::may_serve(id, &PROVIDER, &DOCTOR, &PATIENT, 0),
			Err(Refusal::PresenceKeyChanged)
		);
	});
}

#[test]
fn a_search_is_not_fulfilled_once_its_consent_is_withdrawn() {
	run(|| {
		let mut fx = setup();
		consent(PATIENT, ConsentScope::Doctor(DOCTOR), true, None);
		let id = NextRequestId::<Test>::get();
		assert_ok!(ask_on_consent(DOCTOR, search()));
		assert_ok!(Access::clear_consent(
			RuntimeOrigin::signed(PATIENT),
			PATIENT,
			ConsentScope::Doctor(DOCTOR)
		));
		let token = fx.token(id, &[3]);
		assert_noop!(
			Access::fulfil_search(
				RuntimeOrigin::signed(PROVIDER),
				id,
				token.clone(),
				fx.claims(&[true, false, false])
			),
			Error::<Test>::ConsentWithdrawn
		);
		consent(PATIENT, ConsentScope::Doctor(DOCTOR), true, None);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			fx.claims(&[true, false, false])
		));
	});
}
