//! Guardians and delegates: who may act for a patient, and every act names them.

use super::*;
use frame_support::traits::Contains;

const GUARDIAN: u64 = 50;
const DELEGATE: u64 = 51;

#[test]
fn a_delegate_acts_and_is_named_and_an_expired_one_cannot() {
	run(|| {
		setup();
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, DELEGATE, 20));
		System::assert_last_event(
			Event::DelegateAdded { patient: PATIENT, delegate: DELEGATE, until: 20 }.into(),
		);
		assert!(Access::is_representative(&DELEGATE));
		// The delegate never held a token; its account exists so that it can sign (feelessly).
		assert_eq!(System::account(DELEGATE).sufficients, 1);
		assert!(<crate::Representatives<Test> as Contains<u64>>::contains(&DELEGATE));
		consent(DELEGATE, ConsentScope::Doctor(DOCTOR), true, None);
		assert_eq!(
			record(PATIENT, 1).event,
			AccessEvent::ConsentChanged {
				by: Actor::Delegate(DELEGATE),
				scope: Some(ConsentScope::Doctor(DOCTOR)),
				change: ConsentChange::Set { granted: true, purpose: None, expires_at: None },
			}
		);
		assert_ok!(ask_on_consent(DOCTOR, records(&[0])));
		// A delegate names no delegates and registers no presence key.
		assert_noop!(
			Access::add_delegate(RuntimeOrigin::signed(DELEGATE), PATIENT, 52, 20),
			Error::<Test>::DelegateCannotDelegate
		);
		assert_noop!(
			Access::set_presence_key(RuntimeOrigin::signed(DELEGATE), PATIENT, Some([3; 32])),
			Error::<Test>::NotRepresentative
		);
		// Past the delegation's end, the delegate cannot act.
		System::set_block_number(21);
		assert_noop!(
			Access::set_consent(
				RuntimeOrigin::signed(DELEGATE),
				PATIENT,
				ConsentScope::Doctor(DOCTOR),
				false,
				None,
				None
			),
			Error::<Test>::NotRepresentative
		);
		// The delegate steps down (expired or not).
		assert_ok!(Access::remove_delegate(RuntimeOrigin::signed(DELEGATE), PATIENT, DELEGATE));
		assert!(!Access::is_representative(&DELEGATE));
		assert_eq!(
			record(PATIENT, AccessLength::<Test>::get(PATIENT) - 1).event,
			AccessEvent::DelegateChanged {
				by: Actor::Delegate(DELEGATE),
				delegate: DELEGATE,
				until: None
			}
		);
		// The account stays (its nonce too, so nothing it signed can be replayed), and naming it
		// again adds no second reference.
		assert_eq!(System::account(DELEGATE).sufficients, 1);
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, DELEGATE, 30));
		assert_eq!(System::account(DELEGATE).sufficients, 1);
	});
}

#[test]
fn delegations_are_bounded_and_exclude_staff() {
	run(|| {
		setup();
		let add = |who: u64, delegate: u64, until: u64| {
			Access::add_delegate(RuntimeOrigin::signed(who), PATIENT, delegate, until)
		};
		assert_noop!(add(PATIENT, DOCTOR, 20), Error::<Test>::DelegateHoldsRole);
		assert_noop!(add(PATIENT, PROVIDER, 20), Error::<Test>::DelegateHoldsRole);
		assert_noop!(add(PATIENT, PATIENT, 20), Error::<Test>::SelfRepresentation);
		// MaxDelegation = 100 blocks ahead of block 1.
		assert_noop!(add(PATIENT, DELEGATE, 102), Error::<Test>::InvalidDelegation);
		assert_noop!(add(PATIENT, DELEGATE, 0), Error::<Test>::InvalidDelegation);
		assert_noop!(add(DOCTOR, DELEGATE, 20), Error::<Test>::NotRepresentative);
		assert_ok!(add(PATIENT, DELEGATE, 101));
		assert_ok!(add(PATIENT, 52, 10));
		// Renewing needs no room; a third does (MaxDelegatesPerPatient = 2).
		assert_ok!(add(PATIENT, 52, 30));
		assert_eq!(Delegates::<Test>::get(PATIENT, 52), Some(30));
		assert_noop!(add(PATIENT, 53, 20), Error::<Test>::TooManyDelegates);
		assert_noop!(
			Access::remove_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, 53),
			Error::<Test>::UnknownDelegate
		);
		assert_ok!(Access::remove_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, 52));
		assert_ok!(add(PATIENT, 53, 20));
		assert_eq!(DelegateCount::<Test>::get(PATIENT), 2);
	});
}

#[test]
fn the_registrar_records_a_guardian_who_acts_for_the_patient() {
	run(|| {
		setup();
		assert_noop!(
			Access::set_guardian(RuntimeOrigin::signed(PATIENT), PATIENT, Some(GUARDIAN)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Access::set_guardian(RuntimeOrigin::root(), NOBODY, Some(GUARDIAN)),
			Error::<Test>::UnknownPatient
		);
		assert_noop!(
			Access::set_guardian(RuntimeOrigin::root(), PATIENT, Some(PATIENT)),
			Error::<Test>::SelfRepresentation
		);
		assert_ok!(Access::set_guardian(RuntimeOrigin::root(), PATIENT, Some(GUARDIAN)));
		assert_eq!(System::account(GUARDIAN).sufficients, 1, "the guardian can sign feelessly");
		System::assert_last_event(
			Event::GuardianSet { patient: PATIENT, guardian: Some(GUARDIAN) }.into(),
		);
		assert_eq!(record(PATIENT, 0).event, AccessEvent::GuardianSet { guardian: Some(GUARDIAN) });
		// The guardian registers a new card, names a delegate and consents, each named.
		assert_ok!(Access::set_presence_key(
			RuntimeOrigin::signed(GUARDIAN),
			PATIENT,
			Some([4; 32])
		));
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(GUARDIAN), PATIENT, DELEGATE, 9));
		consent(GUARDIAN, ConsentScope::Hospital(0), true, None);
		let actors: Vec<_> = (1..4)
			.map(|seq| match record(PATIENT, seq).event {
				AccessEvent::PresenceKeySet { by, .. }
				| AccessEvent::DelegateChanged { by, .. }
				| AccessEvent::ConsentChanged { by, .. } => by,
				other => panic!("unexpected record {other:?}"),
			})
			.collect();
		assert_eq!(actors, vec![Actor::Guardian(GUARDIAN); 3]);
		assert_ok!(ask_on_consent(DOCTOR, records(&[0])));
		// Replaced by the registrar, the old guardian can no longer act.
		assert_ok!(Access::set_guardian(RuntimeOrigin::root(), PATIENT, Some(52)));
		assert!(!Access::is_representative(&GUARDIAN));
		assert_noop!(
			Access::set_consent_mode(
				RuntimeOrigin::signed(GUARDIAN),
				PATIENT,
				ConsentMode::Implied
			),
			Error::<Test>::NotRepresentative
		);
		assert_ok!(Access::set_guardian(RuntimeOrigin::root(), PATIENT, None));
		assert!(!Guardians::<Test>::contains_key(PATIENT));
	});
}

#[test]
fn a_revoked_patients_representatives_are_dropped() {
	run(|| {
		setup();
		assert_ok!(Access::set_guardian(RuntimeOrigin::root(), PATIENT, Some(GUARDIAN)));
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, DELEGATE, 20));
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, 52, 20));
		// 52 also acts for a second patient, and goes on doing so.
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(PATIENT_2), PATIENT_2, 52, 20));
		assert!([GUARDIAN, DELEGATE, 52].iter().all(Access::is_representative));

		// What the registry does when it revokes the patient.
		revoke_patient(PATIENT);
		<Access as medchain_primitives::OnRevoked<u64>>::on_patient_revoked(&PATIENT);
		System::assert_last_event(Event::RepresentativesDropped { patient: PATIENT }.into());
		assert!(!Access::is_representative(&GUARDIAN));
		assert!(!Access::is_representative(&DELEGATE));
		assert!(Access::is_representative(&52));
		assert_eq!(Guardians::<Test>::get(PATIENT), None);
		assert_eq!(DelegateCount::<Test>::get(PATIENT), 0);
		// Their accounts keep their reference (and nonce).
		assert_eq!(System::account(GUARDIAN).sufficients, 1);
		assert_eq!(System::account(52).sufficients, 1);
	});
}

#[test]
fn an_account_with_a_balance_gets_its_reference_too() {
	run(|| {
		setup();
		// The delegate exists already (as if it held a balance): it still gets the reference,
		// so that losing the balance cannot reap it and reset its nonce.
		System::inc_providers(&DELEGATE);
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, DELEGATE, 20));
		assert_eq!(System::account(DELEGATE).sufficients, 1);
		let _ = System::dec_providers(&DELEGATE);
		assert!(frame_system::Account::<Test>::contains_key(DELEGATE), "the account stays");
	});
}

#[test]
fn a_delegate_stops_transacting_feelessly_when_its_delegation_ends() {
	run(|| {
		setup();
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, DELEGATE, 20));
		assert_ok!(Access::set_guardian(RuntimeOrigin::root(), PATIENT, Some(GUARDIAN)));
		let feeless = |who: u64| <crate::Representatives<Test> as Contains<u64>>::contains(&who);
		System::set_block_number(20);
		assert!(feeless(DELEGATE) && feeless(GUARDIAN));
		// Nobody removed the delegation: past its end the delegate is no longer admitted
		// feelessly; a guardianship has no end.
		System::set_block_number(21);
		assert!(!feeless(DELEGATE), "an expired delegation still admits the delegate");
		assert!(feeless(GUARDIAN));
		// Renewed, it counts again, until the new end.
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, DELEGATE, 30));
		assert!(feeless(DELEGATE));
		System::set_block_number(31);
		assert!(!feeless(DELEGATE));
		// A guardian who is also a delegate stays admitted as guardian; removed as guardian, the
		// delegation alone decides.
		assert_ok!(Access::add_delegate(RuntimeOrigin::signed(PATIENT), PATIENT, GUARDIAN, 40));
		assert_ok!(Access::set_guardian(RuntimeOrigin::root(), PATIENT, None));
		assert!(feeless(GUARDIAN));
		System::set_block_number(41);
		assert!(!feeless(GUARDIAN));
	});
}
