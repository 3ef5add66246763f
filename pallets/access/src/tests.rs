//! Unit tests of the access-record chain on the mock runtime, with real SHVE ciphertexts and
//! tokens from `medchain-crypto`'s key service and the real host function (native).

use codec::Encode;
use frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec};
use medchain_crypto::shve::{KeyService, Schema, ShveCiphertext, ShveMasterKey, SignedToken};
use pallet_medchain_emr::{Entries, NewEntry, PdpFile};
use pallet_medchain_registry::Parameters;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_runtime::{DispatchError, DispatchResult};

use crate::{mock::*, *};

const SERVICE: u64 = 10; // record service of hospital 0 (grade 12)
const SERVICE_2: u64 = 11; // record service of hospital 1 (grade 5)
const DOCTOR: u64 = 20; // hospital 0, title 3, department 3
const LOW_DOCTOR: u64 = 21; // hospital 1, title 1, department 5
const ER_DOCTOR: u64 = 22; // hospital 1, title 1, `emergency`
const DOCTOR_2: u64 = 23; // hospital 0, title 3, department 4
const PROVIDER: u64 = 30;
const PROVIDER_2: u64 = 31;
const PATIENT: u64 = 40;
const PATIENT_2: u64 = 41;
const NOBODY: u64 = 99;

/// The policy of the fixture's entries: S2's default for a title-2 doctor at a grade-10
/// hospital in epoch 0, with the emergency branch.
const POLICY: &[u8] =
	b"epoch:0 and ((grade>=10 and title>=2) or (grade>=11 and title>=1) or emergency)";
const DELIVERY: [u8; 32] = [0xd1; 32];
/// Departments of the patient's entries 0, 1 and 2.
const DEPARTMENTS: [usize; 3] = [3, 5, 20];

/// The key service and the patient's SHVE ciphertexts, in hosted order.
struct Fixture {
	ks: KeyService,
	rng: ChaCha20Rng,
	schema: Schema,
	cts: Vec<ShveCiphertext>,
}

impl Fixture {
	/// A token for `PATIENT` asking for `departments`, valid until block 100.
	fn token(&mut self, request_id: RequestId, departments: &[usize]) -> SignedToken {
		self.token_for(account_bytes(&PATIENT), request_id, departments, 100)
	}

	fn token_for(
		&mut self,
		patient: [u8; 32],
		request_id: RequestId,
		departments: &[usize],
		expires_at: u32,
	) -> SignedToken {
		let predicate = self.schema.department_query(&[], departments).unwrap();
		self.ks
			.issue_token(&self.schema, &patient, &predicate, request_id, expires_at, &mut self.rng)
			.unwrap()
	}

	fn claims(&self, flags: &[bool]) -> ClaimsOf<Test> {
		claims(&self.cts, flags)
	}
}

fn claims(cts: &[ShveCiphertext], flags: &[bool]) -> ClaimsOf<Test> {
	cts.iter().cloned().zip(flags.iter().copied()).collect::<Vec<_>>().try_into().unwrap()
}

fn key_service(seed: u64) -> (KeyService, ChaCha20Rng) {
	let mut rng = ChaCha20Rng::seed_from_u64(seed);
	let ks = KeyService::new(
		ShveMasterKey::generate(&mut rng),
		ed25519_dalek::SigningKey::generate(&mut rng),
	);
	(ks, rng)
}

fn attributes(
	list: &[&[u8]],
) -> BoundedVec<pallet_medchain_registry::Attribute<Test>, MaxAttributes> {
	list.iter()
		.map(|a| BoundedVec::try_from(a.to_vec()).unwrap())
		.collect::<Vec<_>>()
		.try_into()
		.unwrap()
}

fn entry(provider: u64, ct: &ShveCiphertext, policy: &[u8]) -> NewEntry<Test> {
	NewEntry {
		provider,
		locator: BoundedVec::truncate_from(b"object".to_vec()),
		ciphertext_hash: [1; 32],
		size: 1_400_000,
		pdp_file: PdpFile { blocks: 177, params_hash: [2; 32] },
		shve_commitment: sp_io::hashing::blake2_256(&ct.encode()),
		policy: BoundedVec::truncate_from(policy.to_vec()),
		description: BoundedVec::truncate_from(b"outpatient record".to_vec()),
		supersedes: None,
	}
}

/// Registers everybody, starts key epoch 0, publishes the key service's parameters (schema 1)
/// and appends three entries (departments 3, 5, 20) to `PATIENT`'s chain, hosted by `PROVIDER`.
fn setup() -> Fixture {
	let root = RuntimeOrigin::root;
	for (service, grade) in [(SERVICE, 12), (SERVICE_2, 5)] {
		assert_ok!(Registry::register_hospital(
			root(),
			service,
			BoundedVec::new(),
			grade,
			BoundedVec::new(),
			None
		));
	}
	assert_ok!(Registry::register_doctor(root(), DOCTOR, 0, 3, 1 << 3, attributes(&[b"surgeon"])));
	assert_ok!(Registry::register_doctor(root(), LOW_DOCTOR, 1, 1, 1 << 5, attributes(&[])));
	assert_ok!(Registry::register_doctor(root(), ER_DOCTOR, 1, 1, 0, attributes(&[b"emergency"])));
	assert_ok!(Registry::register_doctor(root(), DOCTOR_2, 0, 3, 1 << 4, attributes(&[])));
	for provider in [PROVIDER, PROVIDER_2] {
		assert_ok!(Registry::register_provider(root(), provider, None, BoundedVec::new()));
	}
	for patient in [PATIENT, PATIENT_2] {
		assert_ok!(Registry::register_patient(root(), patient, [1; 32]));
	}
	assert_ok!(Registry::start_key_epoch(root()));

	let (ks, rng) = key_service(7);
	assert_ok!(Registry::set_public_parameters(root(), BoundedVec::new(), ks.public_key(), 1));
	let schema = Schema::departments(0).unwrap();
	let pk = ks.patient_key(&schema, &account_bytes(&PATIENT));
	let cts: Vec<_> = DEPARTMENTS
		.iter()
		.map(|d| pk.encrypt(&schema.record_vector(&[], *d).unwrap()).unwrap())
		.collect();
	for ct in &cts {
		assert_ok!(Emr::append_record(
			RuntimeOrigin::signed(SERVICE),
			PATIENT,
			entry(PROVIDER, ct, POLICY)
		));
	}
	Fixture { ks, rng, schema, cts }
}

fn purpose() -> BoundedVec<u8, MaxPurposeLen> {
	BoundedVec::truncate_from(b"treatment".to_vec())
}

fn search() -> AccessTarget<Test> {
	AccessTarget::Search { query_hash: [5; 32] }
}

fn records(seqs: &[Seq]) -> AccessTarget<Test> {
	AccessTarget::Records(BoundedVec::try_from(seqs.to_vec()).expect("within MaxRecordsPerRequest"))
}

/// `doctor` asks for `PATIENT`'s records; returns the request id.
fn request(doctor: u64, target: AccessTarget<Test>) -> RequestId {
	let id = NextRequestId::<Test>::get();
	assert_ok!(Access::request_access(
		RuntimeOrigin::signed(doctor),
		PATIENT,
		target,
		purpose(),
		DELIVERY
	));
	id
}

fn record(patient: u64, seq: Seq) -> AccessRecord<Test> {
	AccessLog::<Test>::get(patient, seq).expect("access record exists")
}

/// The decisions of the last record of `PATIENT`'s access chain.
fn last_decisions() -> Vec<(Seq, Decision)> {
	let length = AccessLength::<Test>::get(PATIENT);
	match record(PATIENT, length - 1).event {
		AccessEvent::Decided { decisions, .. } => decisions.to_vec(),
		other => panic!("not a Decided record: {other:?}"),
	}
}

fn granted(seqs: &[Seq]) -> Vec<(Seq, Decision)> {
	seqs.iter().map(|s| (*s, Decision::Granted)).collect()
}

fn denied(seqs: &[Seq], reason: DenialReason) -> Vec<(Seq, Decision)> {
	seqs.iter().map(|s| (*s, Decision::Denied(reason))).collect()
}

/// Runs `test` on fresh externalities and checks the pallet's invariants afterwards.
fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Access::do_try_state().expect("access invariants hold");
	});
}

mod search {
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
					emergency: false,
				}
				.into(),
			);
			// Logged before anything was decided.
			assert!(matches!(
				record(PATIENT, 0).event,
				AccessEvent::Requested { doctor: DOCTOR, emergency: false, .. }
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
				.issue_token(&fx.schema, &account_bytes(&PATIENT), &predicate, id, 100, &mut rng)
				.unwrap();
			assert_noop!(fulfil(foreign), Error::<Test>::BadTokenSignature);
			// Another schema than the registry's.
			assert_ok!(Registry::set_public_parameters(
				RuntimeOrigin::root(),
				BoundedVec::new(),
				fx.ks.public_key(),
				2
			));
			assert_noop!(fulfil(token.clone()), Error::<Test>::SchemaNotInForce);
			Parameters::<Test>::kill();
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
			assert_ok!(Emr::append_record(
				RuntimeOrigin::signed(SERVICE),
				PATIENT,
				entry(PROVIDER_2, &ct, POLICY)
			));
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
			assert_ok!(Registry::set_public_parameters(
				RuntimeOrigin::root(),
				BoundedVec::new(),
				fx.ks.public_key(),
				2
			));
			let id_bits = [true, false].repeat(31)[..61].to_vec();
			let key = fx.ks.patient_key(&s2, &[0; 32]);
			let cts: Vec<_> = [3, 7]
				.iter()
				.map(|d| key.encrypt(&s2.record_vector(&id_bits, *d).unwrap()).unwrap())
				.collect();
			for ct in &cts {
				assert_ok!(Emr::append_record(
					RuntimeOrigin::signed(SERVICE),
					PATIENT_2,
					entry(PROVIDER, ct, POLICY)
				));
			}
			let id = NextRequestId::<Test>::get();
			assert_ok!(Access::request_access(
				RuntimeOrigin::signed(DOCTOR),
				PATIENT_2,
				search(),
				purpose(),
				DELIVERY
			));
			let predicate = s2.department_query(&id_bits, &[3]).unwrap();
			let token = fx
				.ks
				.issue_token(&s2, &account_bytes(&PATIENT_2), &predicate, id, 100, &mut fx.rng)
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
			// A hosted entry missing from the EMR chain (an inconsistent index).
			let kept = Entries::<Test>::take(PATIENT, 1).unwrap();
			assert_noop!(fulfil(PROVIDER, id), Error::<Test>::UnknownEntry);
			Entries::<Test>::insert(PATIENT, 1, kept);
			// Fulfillable up to and including the request's last block.
			System::set_block_number(12);
			assert_noop!(fulfil(PROVIDER, id), Error::<Test>::RequestExpired);
			System::set_block_number(11);
			assert_ok!(fulfil(PROVIDER, id));
			assert_ok!(Registry::revoke_provider(RuntimeOrigin::root(), PROVIDER));
			assert_noop!(fulfil(PROVIDER, id), Error::<Test>::NotProvider);
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
			assert_ok!(Registry::revoke_doctor(RuntimeOrigin::root(), DOCTOR));
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
			assert_ok!(Registry::revoke_hospital(RuntimeOrigin::root(), 0));
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
}

mod records_requests {
	use super::*;

	#[test]
	fn named_entries_are_decided_at_once() {
		run(|| {
			setup();
			let id = request(DOCTOR, records(&[2, 0, 9]));
			assert!(matches!(record(PATIENT, 0).event, AccessEvent::Requested { .. }));
			assert_eq!(
				last_decisions(),
				vec![
					(2, Decision::Granted),
					(0, Decision::Granted),
					(9, Decision::Denied(DenialReason::UnknownEntry)),
				]
			);
			assert!(matches!(
				record(PATIENT, 1).event,
				AccessEvent::Decided { provider: None, .. }
			));
			System::assert_last_event(
				Event::AccessDecided {
					request_id: id,
					patient: PATIENT,
					provider: None,
					access_seq: 1,
					granted: 2,
					denied: 1,
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
			assert_ok!(Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 1));
			for policy in [&b"(grade>=10 and"[..], &[0xff, 0xfe][..], &b"title>=3 and and"[..]] {
				assert_ok!(Emr::append_record(
					RuntimeOrigin::signed(SERVICE_2),
					PATIENT,
					entry(PROVIDER_2, &fx.cts[0], policy)
				));
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
				Access::request_access(
					RuntimeOrigin::signed(who),
					patient,
					target,
					purpose(),
					DELIVERY,
				)
			};
			assert_noop!(
				Access::request_access(
					RuntimeOrigin::none(),
					PATIENT,
					search(),
					purpose(),
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

			assert_ok!(Registry::revoke_patient(RuntimeOrigin::root(), PATIENT_2));
			assert_noop!(ask(DOCTOR, PATIENT_2, search()), Error::<Test>::UnknownPatient);
			assert_ok!(Registry::revoke_doctor(RuntimeOrigin::root(), DOCTOR_2));
			assert_noop!(ask(DOCTOR_2, PATIENT, search()), Error::<Test>::DoctorRevoked);
			assert_ok!(Registry::revoke_hospital(RuntimeOrigin::root(), 0));
			assert_noop!(ask(DOCTOR, PATIENT, search()), Error::<Test>::HospitalRevoked);
			// A doctor of another hospital still may.
			assert_ok!(ask(LOW_DOCTOR, PATIENT, search()));
		});
	}
}

mod consent {
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
			assert_ok!(Access::set_consent_mode(
				RuntimeOrigin::signed(PATIENT),
				ConsentMode::Explicit
			));
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

			assert_ok!(Access::set_consent_mode(
				RuntimeOrigin::signed(PATIENT),
				ConsentMode::Implied
			));
			assert!(!ConsentModes::<Test>::contains_key(PATIENT));
			assert_ok!(Access::clear_consent(
				RuntimeOrigin::signed(PATIENT),
				ConsentScope::Doctor(DOCTOR)
			));
			System::assert_last_event(
				Event::ConsentCleared { patient: PATIENT, scope: ConsentScope::Doctor(DOCTOR) }
					.into(),
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

			assert_ok!(Access::set_consent_mode(
				RuntimeOrigin::signed(PATIENT),
				ConsentMode::Explicit
			));
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
			for scope in [
				ConsentScope::Department(0),
				ConsentScope::Department(1),
				ConsentScope::Doctor(DOCTOR),
			] {
				assert_ok!(Access::clear_consent(patient.clone(), scope));
			}
			assert!(!ConsentCount::<Test>::contains_key(PATIENT));
			assert_noop!(
				Access::set_consent_mode(RuntimeOrigin::signed(DOCTOR), ConsentMode::Explicit),
				Error::<Test>::NotPatient
			);
			assert_ok!(Registry::revoke_patient(RuntimeOrigin::root(), PATIENT));
			assert_noop!(
				Access::set_consent_mode(patient, ConsentMode::Explicit),
				Error::<Test>::NotPatient
			);
			// Every change was logged, and the chain verifies.
			assert_eq!(AccessLength::<Test>::get(PATIENT), 9);
			assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, None);
		});
	}
}

mod break_glass {
	use super::*;

	fn glass(who: u64, target: AccessTarget<Test>, duration: u64) -> DispatchResult {
		Access::break_glass(
			RuntimeOrigin::signed(who),
			PATIENT,
			target,
			purpose(),
			DELIVERY,
			duration,
		)
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
			assert_ok!(Access::set_consent_mode(
				RuntimeOrigin::signed(PATIENT),
				ConsentMode::Explicit
			));
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
				Event::BreakGlassUsed {
					request_id: id,
					patient: PATIENT,
					doctor: ER_DOCTOR,
					until: 6,
				}
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
			assert_ok!(Registry::revoke_doctor(RuntimeOrigin::root(), ER_DOCTOR));
			assert_noop!(glass(ER_DOCTOR, search(), 5), Error::<Test>::DoctorRevoked);
		});
	}
}

mod tracing {
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
				purpose(),
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
						emergency: false,
						access_seq: 1,
					},
					Reader {
						request_id: named + 1,
						doctor: ER_DOCTOR,
						hospital: 1,
						at: 2,
						emergency: true,
						access_seq: 5,
					},
				]
			);
			assert_eq!(Access::readers_of(&PATIENT, 1).len(), 1);
			assert!(Access::readers_of(&PATIENT, 9).is_empty());

			let all = Access::disclosures(&PATIENT, 0, 100);
			let lines: Vec<_> =
				all.iter().map(|d| (d.request_id, d.seq, d.doctor, d.emergency)).collect();
			assert_eq!(
				lines,
				vec![
					(search_id, 0, DOCTOR, false),
					(search_id, 2, DOCTOR, false),
					(named + 1, 0, ER_DOCTOR, true),
					(named + 1, 1, ER_DOCTOR, true),
				]
			);
			assert!(all.iter().all(|d| d.provider == Some(PROVIDER) && d.purpose == purpose()));
			// Paged by chain position: records 2 and 3 are LOW_DOCTOR's denied request.
			assert!(Access::disclosures(&PATIENT, 2, 2).is_empty());
			assert_eq!(Access::disclosures(&PATIENT, 5, 1).len(), 2);
			assert_eq!(Access::access_history(&PATIENT, 1, 2).len(), 2);
			assert_eq!(Access::access_history(&PATIENT, 5, 10).len(), 1);
			assert!(Access::access_history(&PATIENT, Seq::MAX, u32::MAX).is_empty());
		});
	}

	#[test]
	fn a_tampered_access_chain_is_detected() {
		new_test_ext().execute_with(|| {
			setup();
			for _ in 0..3 {
				request(DOCTOR, records(&[0]));
			}
			assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, None);
			// A compromised node rewrites a grant into a denial, as if the read never happened.
			AccessLog::<Test>::mutate(PATIENT, 3, |r| {
				let AccessEvent::Decided { decisions, .. } = &mut r.as_mut().unwrap().event else {
					panic!("record 3 is a decision");
				};
				decisions[0].1 = Decision::Denied(DenialReason::PolicyNotSatisfied);
			});
			assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, Some(3));
			assert!(Access::do_try_state().is_err());
		});
		new_test_ext().execute_with(|| {
			setup();
			for _ in 0..3 {
				request(DOCTOR, records(&[0]));
			}
			// Removing a record, or relinking it with a forged hash, breaks the chain too.
			let mut removed = AccessLog::<Test>::take(PATIENT, 2).unwrap();
			assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, Some(2));
			removed.record_hash = [9; 32];
			AccessLog::<Test>::insert(PATIENT, 2, removed);
			assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, Some(2));
			// Truncating the chain leaves the head pointing past it.
			AccessLength::<Test>::insert(PATIENT, 2);
			assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, Some(2));
		});
	}

	#[test]
	fn chains_are_per_patient() {
		run(|| {
			setup();
			assert_ne!(Access::genesis_hash(&PATIENT), Access::genesis_hash(&PATIENT_2));
			assert_eq!(
				Access::verify_access_chain(&PATIENT_2),
				ChainVerification { length: 0, first_broken: None }
			);
			request(DOCTOR, search());
			assert_eq!(record(PATIENT, 0).prev_hash, Access::genesis_hash(&PATIENT));
			assert_eq!(AccessHead::<Test>::get(PATIENT), Some(record(PATIENT, 0).record_hash));
		});
	}
}

mod pruning {
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
			assert_noop!(
				Access::prune_request(RuntimeOrigin::none(), id),
				DispatchError::BadOrigin
			);
			System::set_block_number(42);
			let length = AccessLength::<Test>::get(PATIENT);
			assert_ok!(Access::prune_request(RuntimeOrigin::signed(NOBODY), id));
			System::assert_last_event(
				Event::RequestPruned { request_id: id, complete: true }.into(),
			);
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
			System::assert_last_event(
				Event::RequestPruned { request_id: id, complete: false }.into(),
			);
			assert_eq!(Grants::<Test>::iter_prefix(id).count(), 2);
			assert!(Requests::<Test>::contains_key(id));
			assert_ok!(Access::prune_request(RuntimeOrigin::signed(NOBODY), id));
			System::assert_last_event(
				Event::RequestPruned { request_id: id, complete: true }.into(),
			);
			assert!(!Requests::<Test>::contains_key(id));
		});
	}
}

mod contract {
	use super::*;

	#[test]
	fn the_attribute_set() {
		run(|| {
			setup();
			assert_ok!(Registry::update_doctor(
				RuntimeOrigin::root(),
				DOCTOR,
				3,
				1 << 3,
				attributes(&[
					b"surgeon",
					b"grade>=14",
					b"epoch:9",
					b"doctor:x",
					b"title>=4",
					&[0xff],
					b"emergency"
				])
			));
			let record = pallet_medchain_registry::Doctors::<Test>::get(DOCTOR).unwrap();
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
			assert_eq!(Access::attributes_of(&DOCTOR, &record, false).ok(), Some(expected.clone()));
			expected.push("emergency".into());
			assert_eq!(Access::attributes_of(&DOCTOR, &record, true).ok(), Some(expected));
			assert_eq!(id.len(), 64);
			assert!(id.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));

			// Before the first key epoch there is no epoch attribute.
			pallet_medchain_registry::CurrentKeyEpoch::<Test>::kill();
			let without = Access::attributes_of(&DOCTOR, &record, false).ok().unwrap();
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

	#[test]
	fn integrity_holds() {
		new_test_ext().execute_with(|| {
			<Access as Hooks<u64>>::integrity_test();
		});
	}
}
