//! Search fulfilment: the claims, the token, the host function and the decisions of matches.

use super::*;

#[test]
fn a_fulfilment_grants_the_matching_entries_only() {
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		System::assert_has_event(
			Event::AccessRequested {
				request_id: id,
				patient: PATIENT,
				doctor: DOCTOR,
				hospital: 0,
				basis: BasisKind::PatientPresent,
			}
			.into(),
		);
		// Logged before anything was decided.
		assert!(matches!(
			record(PATIENT, 0).event,
			AccessEvent::Requested {
				doctor: DOCTOR,
				basis: BasisRecord::PatientPresent { .. },
				..
			}
		));
		assert_eq!(Requests::<Test>::get(id).unwrap().expires_at, 1 + 10);

		// The doctor asked for departments 3 and 20: entries 0 and 2 match, 1 does not.
		let token = fx.token(id, &[3, 20]);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token.clone(),
			fx.claims(&[true, false, true])
		));
		assert_eq!(last_decisions(), granted(&[0, 2]));
		let decided = record(PATIENT, 1);
		assert_eq!(decided.request_id, Some(id));
		assert!(matches!(
			decided.event,
			AccessEvent::Decided { provider: Some(PROVIDER), requested_at: 0, .. }
		));
		System::assert_last_event(
			Event::AccessDecided {
				request_id: id,
				patient: PATIENT,
				provider: Some(PROVIDER),
				access_seq: 1,
				granted: 2,
				denied: 0,
			}
			.into(),
		);
		assert_eq!(
			Grants::<Test>::get(id, 0),
			Some(Grant {
				patient: PATIENT,
				doctor: DOCTOR,
				provider: PROVIDER,
				delivery_key: DELIVERY,
				expires_at: 1 + 30,
			})
		);
		assert!(Grants::<Test>::contains_key(id, 2));
		assert!(!Grants::<Test>::contains_key(id, 1), "a non-match is not disclosed");
		assert!(Fulfilled::<Test>::contains_key(id, PROVIDER));
		assert_eq!(
			Access::verify_access_chain(&PATIENT),
			ChainVerification { length: 2, first_broken: None }
		);

		// Each provider fulfils a search once.
		assert_noop!(
			Access::fulfil_search(
				RuntimeOrigin::signed(PROVIDER),
				id,
				token,
				fx.claims(&[true, false, true])
			),
			Error::<Test>::AlreadyFulfilled
		);
	});
}

#[test]
fn a_fulfilment_without_matches_is_logged_empty() {
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		let token = fx.token(id, &[7]);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			fx.claims(&[false, false, false])
		));
		assert_eq!(last_decisions(), vec![]);
		assert_eq!(Grants::<Test>::iter_prefix(id).count(), 0);
	});
}

#[test]
fn a_provider_can_neither_omit_reorder_swap_nor_lie() {
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		let token = fx.token(id, &[3, 20]);
		let fulfil = |claims: ClaimsOf<Test>| {
			Access::fulfil_search(RuntimeOrigin::signed(PROVIDER), id, token.clone(), claims)
		};
		// Leaving out the last hosted entry (a match) or adding one.
		assert_noop!(
			fulfil(claims(&fx.cts[..2], &[true, false])),
			Error::<Test>::IncompleteFulfilment
		);
		let mut extra = fx.cts.clone();
		extra.push(fx.cts[0].clone());
		assert_noop!(
			fulfil(claims(&extra, &[true, false, true, true])),
			Error::<Test>::IncompleteFulfilment
		);
		// Reordering: the ciphertexts no longer match the commitments at their positions.
		let reordered = vec![fx.cts[1].clone(), fx.cts[0].clone(), fx.cts[2].clone()];
		assert_noop!(
			fulfil(claims(&reordered, &[false, true, true])),
			Error::<Test>::CommitmentMismatch
		);
		// Swapping in another ciphertext (a record vector of department 20 at position 1).
		let pk = fx.ks.patient_key(&fx.schema, &account_bytes(&PATIENT));
		let forged = pk.encrypt(&fx.schema.record_vector(&[], 20).unwrap()).unwrap();
		let swapped = vec![fx.cts[0].clone(), forged, fx.cts[2].clone()];
		assert_noop!(
			fulfil(claims(&swapped, &[true, true, true])),
			Error::<Test>::CommitmentMismatch
		);
		// Flipping a claim either way.
		assert_noop!(fulfil(fx.claims(&[true, true, true])), Error::<Test>::ClaimMismatch);
		assert_noop!(fulfil(fx.claims(&[false, false, true])), Error::<Test>::ClaimMismatch);
		// The honest fulfilment still passes.
		assert_ok!(fulfil(fx.claims(&[true, false, true])));
	});
}

#[test]
fn the_token_must_be_for_this_request_patient_and_schema_and_unexpired() {
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		let other = request(DOCTOR, search());
		let honest = fx.claims(&[true, false, true]);
		let fulfil = |token: SignedToken| {
			Access::fulfil_search(RuntimeOrigin::signed(PROVIDER), id, token, honest.clone())
		};
		assert_noop!(fulfil(fx.token(other, &[3, 20])), Error::<Test>::TokenRequestMismatch);
		let token = fx.token_for(account_bytes(&PATIENT_2), id, &[3, 20], 100);
		assert_noop!(fulfil(token), Error::<Test>::TokenPatientMismatch);
		let token = fx.token_for(account_bytes(&PATIENT), id, &[3, 20], 4);
		System::set_block_number(5);
		assert_noop!(fulfil(token.clone()), Error::<Test>::TokenExpired);
		System::set_block_number(4);
		// A token for another chain, or for another query than the request committed to, even
		// with a valid signature.
		let predicate = fx.schema.department_query(&[], &[3, 20]).unwrap();
		for (scope, error) in [
			(
				TokenScope { genesis_hash: [1; 32], ..scope(id, 100) },
				Error::<Test>::TokenChainMismatch,
			),
			(
				TokenScope { query_commitment: [6; 32], ..scope(id, 100) },
				Error::<Test>::TokenQueryMismatch,
			),
		] {
			let token = fx
				.ks
				.issue_token(&fx.schema, &account_bytes(&PATIENT), &predicate, &scope, &mut fx.rng)
				.unwrap();
			assert_noop!(fulfil(token), error);
		}
		// Expiring in this very block is still valid.
		let mut forged = token.clone();
		forged.signature[0] ^= 1;
		assert_noop!(fulfil(forged), Error::<Test>::BadTokenSignature);
		let mut forged = token.clone();
		forged.body.fixed ^= 1 << 64;
		assert_noop!(fulfil(forged), Error::<Test>::BadTokenSignature);
		// A token signed by another key service.
		let (other_ks, mut rng) = key_service(8);
		let predicate = fx.schema.department_query(&[], &[3, 20]).unwrap();
		let foreign = other_ks
			.issue_token(
				&fx.schema,
				&account_bytes(&PATIENT),
				&predicate,
				&scope(id, 100),
				&mut rng,
			)
			.unwrap();
		assert_noop!(fulfil(foreign), Error::<Test>::BadTokenSignature);
		// Another schema than the registry's.
		fx.publish(2);
		assert_noop!(fulfil(token.clone()), Error::<Test>::SchemaNotInForce);
		set_key_service(None);
		assert_noop!(fulfil(token), Error::<Test>::NoPublicParameters);
	});
}

#[test]
fn a_ciphertext_of_another_schema_is_refused_by_the_host() {
	run(|| {
		let mut fx = setup();
		// PROVIDER_2 hosts one entry whose committed ciphertext follows the S2 schema.
		let s2 = Schema::s2();
		let ct = fx
			.ks
			.patient_key(&s2, &[0; 32])
			.encrypt(&s2.record_vector(&[false; 61], 3).unwrap())
			.unwrap();
		append(PATIENT, PROVIDER_2, &ct, POLICY);
		let id = request(DOCTOR, search());
		let token = fx.token(id, &[3]);
		assert_noop!(
			Access::fulfil_search(
				RuntimeOrigin::signed(PROVIDER_2),
				id,
				token,
				claims(&[ct], &[true])
			),
			Error::<Test>::SchemaMismatch
		);
	});
}

#[test]
fn s2_tokens_carry_the_all_zero_patient() {
	run(|| {
		let mut fx = setup();
		let s2 = Schema::s2();
		fx.publish(2);
		let id_bits = [true, false].repeat(31)[..61].to_vec();
		let key = fx.ks.patient_key(&s2, &[0; 32]);
		let cts: Vec<_> = [3, 7]
			.iter()
			.map(|d| key.encrypt(&s2.record_vector(&id_bits, *d).unwrap()).unwrap())
			.collect();
		for ct in &cts {
			append(PATIENT_2, PROVIDER, ct, POLICY);
		}
		let id = NextRequestId::<Test>::get();
		PresenceKeys::<Test>::insert(PATIENT_2, card().public().0);
		let proof = presence_signed(&card(), DOCTOR, PATIENT_2, &search(), PURPOSE, 2, [2; 16]);
		assert_ok!(Access::request_access(
			RuntimeOrigin::signed(DOCTOR),
			PATIENT_2,
			search(),
			PURPOSE,
			Basis::PatientPresent(proof),
			DELIVERY
		));
		let predicate = s2.department_query(&id_bits, &[3]).unwrap();
		let token = fx
			.ks
			.issue_token(&s2, &account_bytes(&PATIENT_2), &predicate, &scope(id, 100), &mut fx.rng)
			.unwrap();
		assert_eq!(token.body.patient, [0; 32]);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			claims(&cts, &[true, false])
		));
		assert!(Grants::<Test>::contains_key(id, 0));
		assert!(!Grants::<Test>::contains_key(id, 1));
	});
}

#[test]
fn fulfilment_errors() {
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		let token = fx.token(id, &[3, 20]);
		let honest = fx.claims(&[true, false, true]);
		let fulfil = |who: u64, id: RequestId| {
			Access::fulfil_search(RuntimeOrigin::signed(who), id, token.clone(), honest.clone())
		};
		assert_noop!(
			Access::fulfil_search(RuntimeOrigin::none(), id, token.clone(), honest.clone()),
			DispatchError::BadOrigin
		);
		assert_noop!(fulfil(DOCTOR, id), Error::<Test>::NotProvider);
		assert_noop!(fulfil(PROVIDER, 42), Error::<Test>::UnknownRequest);
		let named = request(DOCTOR, records(&[0]));
		assert_noop!(fulfil(PROVIDER, named), Error::<Test>::NotSearch);
		assert_noop!(fulfil(PROVIDER_2, id), Error::<Test>::NothingHosted);
		// A hosted entry missing from the EMR chain (an inconsistent index) is refused, and
		// the fulfilment goes through once the index is consistent again; see also
		// `a_hosted_entry_missing_from_the_emr_chain_is_defensive`.
		let kept = remove_entry(PATIENT, 1);
		restore_entry(PATIENT, 1, kept);
		// Fulfillable up to and including the request's last block.
		System::set_block_number(12);
		assert_noop!(fulfil(PROVIDER, id), Error::<Test>::RequestExpired);
		System::set_block_number(11);
		assert_ok!(fulfil(PROVIDER, id));
		revoke_provider(PROVIDER);
		assert_noop!(fulfil(PROVIDER, id), Error::<Test>::NotProvider);
	});
}

/// An EMR index that lists an entry its chain lacks is an impossible state: a defensive
/// failure (a panic in debug builds, a logged error and [`Error::UnknownEntry`] in release).
#[test]
#[cfg_attr(debug_assertions, should_panic(expected = "Defensive failure has been triggered!"))]
fn a_hosted_entry_missing_from_the_emr_chain_is_defensive() {
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		let token = fx.token(id, &[3, 20]);
		remove_entry(PATIENT, 1);
		assert_noop!(
			Access::fulfil_search(
				RuntimeOrigin::signed(PROVIDER),
				id,
				token,
				fx.claims(&[true, false, true])
			),
			Error::<Test>::UnknownEntry
		);
	});
}

#[test]
fn host_errors_map_to_distinct_pallet_errors() {
	use medchain_io::FulfilmentError as F;
	let error = |e| DispatchError::from(Access::fulfilment_error(e));
	assert_eq!(error(F::Malformed), Error::<Test>::MalformedFulfilment.into());
	assert_eq!(error(F::BadSignature), Error::<Test>::BadTokenSignature.into());
	assert_eq!(error(F::SchemaMismatch), Error::<Test>::SchemaMismatch.into());
	assert_eq!(error(F::ClaimMismatch(2)), Error::<Test>::ClaimMismatch.into());
}

#[test]
fn revoked_doctors_and_hospitals_are_not_served() {
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		let token = fx.token(id, &[3, 20]);
		revoke_doctor(DOCTOR);
		assert_noop!(
			Access::fulfil_search(
				RuntimeOrigin::signed(PROVIDER),
				id,
				token,
				fx.claims(&[true, false, true])
			),
			Error::<Test>::DoctorRevoked
		);
	});
	run(|| {
		let mut fx = setup();
		let id = request(DOCTOR, search());
		let token = fx.token(id, &[3, 20]);
		revoke_hospital(0);
		assert_noop!(
			Access::fulfil_search(
				RuntimeOrigin::signed(PROVIDER),
				id,
				token,
				fx.claims(&[true, false, true])
			),
			Error::<Test>::HospitalRevoked
		);
	});
}

#[test]
fn the_policy_decides_matched_entries() {
	run(|| {
		let mut fx = setup();
		let id = request(LOW_DOCTOR, search());
		let token = fx.token(id, &[3, 5]);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			fx.claims(&[true, true, false])
		));
		assert_eq!(last_decisions(), denied(&[0, 1], DenialReason::PolicyNotSatisfied));
		assert_eq!(Grants::<Test>::iter_prefix(id).count(), 0);
		System::assert_last_event(
			Event::AccessDecided {
				request_id: id,
				patient: PATIENT,
				provider: Some(PROVIDER),
				access_seq: 1,
				granted: 0,
				denied: 2,
			}
			.into(),
		);
	});
}

#[test]
fn a_token_selecting_everything_needs_a_request_for_all_records() {
	run(|| {
		let mut fx = setup();
		let every: Vec<usize> = (0..37).collect();
		let id = request(DOCTOR, search());
		let token = fx.token(id, &every);
		assert!(token.body.selects_everything());
		assert_noop!(
			Access::fulfil_search(
				RuntimeOrigin::signed(PROVIDER),
				id,
				token,
				fx.claims(&[true, true, true])
			),
			Error::<Test>::UnrestrictedToken
		);
		// The same kind of token answers a request that asked for all records.
		let all = AccessTarget::Search { query_commitment: SEARCH_QUERY, all_records: true };
		let id = request(DOCTOR, all);
		let token = fx.token(id, &every);
		assert_ok!(Access::fulfil_search(
			RuntimeOrigin::signed(PROVIDER),
			id,
			token,
			fx.claims(&[true, true, true])
		));
		assert_eq!(last_decisions(), granted(&[0, 1, 2]));
	});
}
