//! Leak tracing: who read an entry and the accounting of disclosures.

use super::*;

#[test]
fn readers_of_and_disclosures_list_the_grants() {
	run(|| {
		let mut fx = setup();
		let search_id = request(DOCTOR, search());
		let token = fx.token(search_id, &[3, 20]);
		System::set_block_number(2);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			search_id,
			token,
			fx.claims(&[true, false, true])
		));
		let named = request(LOW_DOCTOR, records(&[0]));
		assert_ok!(Access::break_glass(
			RuntimeOrigin::signed(ER_DOCTOR),
			PATIENT,
			records(&[0, 1]),
			DELIVERY,
			5
		));

		let readers = Access::readers_of(&PATIENT, 0);
		assert_eq!(
			readers,
			vec![
				Reader {
					request_id: search_id,
					doctor: DOCTOR,
					hospital: 0,
					at: 2,
					basis: BasisKind::PatientPresent,
					access_seq: 1,
				},
				Reader {
					request_id: named + 1,
					doctor: ER_DOCTOR,
					hospital: 1,
					at: 2,
					basis: BasisKind::BreakGlass,
					access_seq: 5,
				},
			]
		);
		assert_eq!(Access::readers_of(&PATIENT, 1).len(), 1);
		assert!(Access::readers_of(&PATIENT, 9).is_empty());

		let all = Access::disclosures(&PATIENT, 0, 100);
		let lines: Vec<_> =
			all.iter().map(|d| (d.request_id, d.seq, d.doctor, d.purpose)).collect();
		assert_eq!(
			lines,
			vec![
				(search_id, 0, DOCTOR, PURPOSE),
				(search_id, 2, DOCTOR, PURPOSE),
				(named + 1, 0, ER_DOCTOR, Purpose::Emergency),
				(named + 1, 1, ER_DOCTOR, Purpose::Emergency),
			]
		);
		assert!(all.iter().all(|d| d.provider == Some(PROVIDER)));
		assert_eq!(all[3].basis, BasisKind::BreakGlass);
		// Paged by chain position: records 2 and 3 are LOW_DOCTOR's denied request.
		assert!(Access::disclosures(&PATIENT, 2, 2).is_empty());
		assert_eq!(Access::disclosures(&PATIENT, 5, 1).len(), 2);
		assert_eq!(Access::access_history(&PATIENT, 1, 2).len(), 2);
		assert_eq!(Access::access_history(&PATIENT, 5, 10).len(), 1);
		assert!(Access::access_history(&PATIENT, Seq::MAX, u32::MAX).is_empty());
	});
}
