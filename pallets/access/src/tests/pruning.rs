//! Pruning expired requests while the chain keeps everything.

use super::*;

#[test]
fn expired_requests_are_pruned_and_the_chain_kept() {
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		let token = fx.token(id, &[3, 20]);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			fx.claims(&[true, false, true])
		));
		assert_noop!(
			Access::prune_request(RuntimeOrigin::signed(NOBODY), 7),
			Error::<Test>::UnknownRequest
		);
		// Grants made up to the request's expiry (11) live until 11 + 30.
		System::set_block_number(41);
		assert_noop!(
			Access::prune_request(RuntimeOrigin::signed(NOBODY), id),
			Error::<Test>::RequestNotExpired
		);
		assert_noop!(Access::prune_request(RuntimeOrigin::none(), id), DispatchError::BadOrigin);
		System::set_block_number(42);
		let length = AccessLength::<Test>::get(PATIENT);
		assert_ok!(Access::prune_request(RuntimeOrigin::signed(NOBODY), id));
		System::assert_last_event(Event::RequestPruned { request_id: id, complete: true }.into());
		assert!(!Requests::<Test>::contains_key(id));
		assert_eq!(Grants::<Test>::iter_prefix(id).count(), 0);
		assert!(!Fulfilled::<Test>::contains_key(id, PROVIDER));
		assert_eq!(AccessLength::<Test>::get(PATIENT), length);
		// The history survives pruning.
		assert_eq!(Access::readers_of(&PATIENT, 0).len(), 1);
		assert_eq!(Access::disclosures(&PATIENT, 0, 10).len(), 2);
	});
}

#[test]
fn pruning_is_bounded_per_call() {
	run(|| {
		setup();
		let id = request(DOCTOR, search());
		for seq in 0..6 {
			Grants::<Test>::insert(
				id,
				seq,
				Grant {
					patient: PATIENT,
					doctor: DOCTOR,
					provider: PROVIDER,
					delivery_key: DELIVERY,
					expires_at: 2,
				},
			);
		}
		System::set_block_number(42);
		assert_ok!(Access::prune_request(RuntimeOrigin::signed(NOBODY), id));
		System::assert_last_event(Event::RequestPruned { request_id: id, complete: false }.into());
		assert_eq!(Grants::<Test>::iter_prefix(id).count(), 2);
		assert!(Requests::<Test>::contains_key(id));
		assert_ok!(Access::prune_request(RuntimeOrigin::signed(NOBODY), id));
		System::assert_last_event(Event::RequestPruned { request_id: id, complete: true }.into());
		assert!(!Requests::<Test>::contains_key(id));
	});
}

#[test]
fn expired_requests_disappear_in_on_idle_without_anyone_paying() {
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		let token = fx.token(id, &[3, 20]);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			fx.claims(&[true, false, true])
		));
		let other = request(DOCTOR_2, records(&[1]));
		assert_eq!(RequestExpiry::<Test>::iter().count(), 2);
		let idle = |n: u64| {
			System::set_block_number(n);
			<Access as Hooks<u64>>::on_idle(n, frame_support::weights::Weight::MAX);
		};
		// Usable until 11 + 30 = 41: nothing is pruned up to block 41 (MaxSweepPerBlock = 16
		// steps per block catch up with the empty blocks on the way).
		for n in 2..=41 {
			idle(n);
		}
		assert!(Requests::<Test>::contains_key(id) && Requests::<Test>::contains_key(other));
		idle(42);
		for gone in [id, other] {
			assert!(!Requests::<Test>::contains_key(gone));
			assert_eq!(Grants::<Test>::iter_prefix(gone).count(), 0);
			System::assert_has_event(
				Event::RequestPruned { request_id: gone, complete: true }.into(),
			);
		}
		assert!(!Fulfilled::<Test>::contains_key(id, PROVIDER));
		assert_eq!(RequestExpiry::<Test>::iter().count(), 0);
		// The history survives.
		assert_eq!(Access::readers_of(&PATIENT, 0).len(), 1);
	});
}

#[test]
fn a_doctors_request_flood_against_one_patient_stops_at_the_bound() {
	run(|| {
		setup();
		// MaxRequestsPerWindow = 12 per 100 blocks for one doctor and one patient.
		for _ in 0..12 {
			request(DOCTOR, search());
		}
		let length = AccessLength::<Test>::get(PATIENT);
		let target = search();
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
			Error::<Test>::TooManyRequests
		);
		assert_eq!(AccessLength::<Test>::get(PATIENT), length, "nothing more was written");
		// Another doctor, or the next window, is not affected.
		request(DOCTOR_2, search());
		System::set_block_number(101);
		request(DOCTOR, search());
	});
}
