//! Requests for named entries and the checks of every request.

use super::*;
use medchain_primitives::DoctorRegistry;

#[test]
fn named_entries_are_decided_at_once() {
	run(|| {
		setup();
		// Entries that do not exist are refused before anything is written.
		let target = records(&[2, 0, 9]);
		let basis = presence(DOCTOR, &target);
		assert_noop!(
			Access::request_access(
				RuntimeOrigin::signed(DOCTOR),
				PATIENT,
				target,
				PURPOSE,
				basis,
				DELIVERY
			),
			Error::<Test>::UnknownRecord
		);
		let id = request(DOCTOR, records(&[2, 0]));
		assert!(matches!(record(PATIENT, 0).event, AccessEvent::Requested { .. }));
		assert_eq!(last_decisions(), vec![(2, Decision::Granted), (0, Decision::Granted)]);
		assert!(matches!(record(PATIENT, 1).event, AccessEvent::Decided { provider: None, .. }));
		System::assert_last_event(
			Event::AccessDecided {
				request_id: id,
				patient: PATIENT,
				provider: None,
				access_seq: 1,
				granted: 2,
				denied: 0,
			}
			.into(),
		);
		assert_eq!(Grants::<Test>::get(id, 2).map(|g| g.provider), Some(PROVIDER));
		assert_eq!(Grants::<Test>::iter_prefix(id).count(), 2);
	});
}

#[test]
fn erased_entries_and_malformed_policies_are_denied() {
	run(|| {
		let fx = setup();
		erase_entry(PATIENT, 1);
		for policy in [&b"(grade>=10 and"[..], &[0xff, 0xfe][..], &b"title>=3 and and"[..]] {
			append(PATIENT, PROVIDER_2, &fx.cts[0], policy);
		}
		request(DOCTOR, records(&[0, 1, 3, 4]));
		let mut expected = granted(&[0]);
		expected.extend(denied(&[1], DenialReason::Erased));
		expected.extend(denied(&[3, 4], DenialReason::MalformedPolicy));
		assert_eq!(last_decisions(), expected);
		request(DOCTOR, records(&[5]));
		assert_eq!(last_decisions(), denied(&[5], DenialReason::MalformedPolicy));
	});
}

#[test]
fn the_emergency_attribute_counts_only_in_break_glass() {
	run(|| {
		setup();
		request(ER_DOCTOR, records(&[0]));
		assert_eq!(last_decisions(), denied(&[0], DenialReason::PolicyNotSatisfied));
	});
}

#[test]
fn request_errors() {
	run(|| {
		setup();
		let ask = |who: u64, patient: u64, target: AccessTarget<Test>| {
			let basis = presence_for(who, patient, &target);
			Access::request_access(
				RuntimeOrigin::signed(who),
				patient,
				target,
				PURPOSE,
				basis,
				DELIVERY,
			)
		};
		assert_noop!(
			Access::request_access(
				RuntimeOrigin::none(),
				PATIENT,
				search(),
				PURPOSE,
				Basis::Consent,
				DELIVERY
			),
			DispatchError::BadOrigin
		);
		assert_noop!(ask(PATIENT, PATIENT, search()), Error::<Test>::NotDoctor);
		assert_noop!(ask(PROVIDER, PATIENT, search()), Error::<Test>::NotDoctor);
		assert_noop!(ask(DOCTOR, NOBODY, search()), Error::<Test>::UnknownPatient);
		assert_noop!(ask(DOCTOR, DOCTOR_2, search()), Error::<Test>::UnknownPatient);
		assert_noop!(ask(DOCTOR, PATIENT, records(&[])), Error::<Test>::NoRecords);
		assert_noop!(ask(DOCTOR, PATIENT, records(&[1, 0, 1])), Error::<Test>::DuplicateRecord);

		AccessLength::<Test>::insert(PATIENT_2, Seq::MAX);
		assert_noop!(ask(DOCTOR, PATIENT_2, search()), Error::<Test>::AccessChainFull);
		AccessLength::<Test>::remove(PATIENT_2);
		NextRequestId::<Test>::put(u64::MAX);
		assert_noop!(ask(DOCTOR, PATIENT, search()), Error::<Test>::RequestIdOverflow);
		NextRequestId::<Test>::put(0);

		revoke_patient(PATIENT_2);
		assert_noop!(ask(DOCTOR, PATIENT_2, search()), Error::<Test>::UnknownPatient);
		revoke_doctor(DOCTOR_2);
		assert_noop!(ask(DOCTOR_2, PATIENT, search()), Error::<Test>::DoctorRevoked);
		revoke_hospital(0);
		assert_noop!(ask(DOCTOR, PATIENT, search()), Error::<Test>::HospitalRevoked);
		// A doctor of another hospital still may.
		assert_ok!(ask(LOW_DOCTOR, PATIENT, search()));
	});
}

/// The attribute set the chain derives for a doctor, from the registry through the pallet (the
/// rules themselves are unit-tested in `decision`).
#[test]
fn the_attribute_set() {
	run(|| {
		setup();
		register_doctor(
			DOCTOR,
			0,
			3,
			&[
				b"surgeon",
				b"grade>=14",
				b"epoch:9",
				b"doctor:x",
				b"title>=4",
				&[0xff],
				b"emergency",
			],
		);
		let info = <Test as Config>::Doctors::active_doctor(&DOCTOR).unwrap();
		let id = hex_of(&account_bytes(&DOCTOR));
		let mut expected: Vec<String> = [
			"title>=1",
			"title>=2",
			"title>=3",
			"grade>=5",
			"grade>=6",
			"grade>=7",
			"grade>=8",
			"grade>=9",
			"grade>=10",
			"grade>=11",
			"grade>=12",
			"epoch:0",
		]
		.iter()
		.map(|s| s.to_string())
		.collect();
		expected.push(format!("doctor:{id}"));
		expected.push("surgeon".into());
		assert_eq!(Access::attributes_of(&DOCTOR, &info, false), expected.clone());
		expected.push("emergency".into());
		assert_eq!(Access::attributes_of(&DOCTOR, &info, true), expected);
		assert_eq!(id.len(), 64);
		assert!(id.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));

		// Before the first key epoch there is no epoch attribute.
		set_key_epoch(None);
		let without = Access::attributes_of(&DOCTOR, &info, false);
		assert!(!without.iter().any(|a| a.starts_with("epoch:")));
	});
}

#[test]
fn account_bytes_are_the_encoding_of_32_byte_accounts() {
	let account = sp_runtime::AccountId32::new([7; 32]);
	assert_eq!(account_bytes(&account), [7; 32]);
	assert_eq!(account_bytes(&PATIENT), sp_io::hashing::blake2_256(&PATIENT.encode()));
	assert_eq!(hex_of(&[0x00, 0xab, 0x7f]), "00ab7f");
}
