//! Unit tests of the EMR index chain on the mock runtime.

use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_runtime::DispatchError;

use crate::{mock::*, *};

const SERVICE: u64 = 10; // record service of hospital 0
const OTHER_SERVICE: u64 = 11; // record service of hospital 1
const PATIENT: u64 = 40;
const PATIENT_2: u64 = 41;
const PROVIDER: u64 = 30; // operated by hospital 1
const OWN_PROVIDER: u64 = 31; // operated by hospital 0

fn setup() {
	for service in [SERVICE, OTHER_SERVICE] {
		assert_ok!(Registry::register_hospital(
			RuntimeOrigin::root(),
			service,
			BoundedVec::new(),
			10,
			BoundedVec::new(),
			None
		));
	}
	for patient in [PATIENT, PATIENT_2] {
		assert_ok!(Registry::register_patient(RuntimeOrigin::root(), patient, [1; 32]));
	}
	assert_ok!(Registry::register_provider(
		RuntimeOrigin::root(),
		PROVIDER,
		Some(1),
		BoundedVec::new()
	));
	assert_ok!(Registry::register_provider(
		RuntimeOrigin::root(),
		OWN_PROVIDER,
		Some(0),
		BoundedVec::new()
	));
}

fn record(provider: u64, tag: u8) -> NewEntry<Test> {
	NewEntry {
		provider,
		locator: BoundedVec::truncate_from(vec![b'o', tag]),
		ciphertext_hash: [tag; 32],
		size: 1_400_000,
		pdp_file: PdpFile { blocks: 177, params_hash: [tag; 32] },
		shve_commitment: [tag.wrapping_add(1); 32],
		policy: BoundedVec::truncate_from(b"(grade>=10 and title>=2)".to_vec()),
		description: BoundedVec::truncate_from(b"outpatient record".to_vec()),
		supersedes: None,
	}
}

fn append(patient: u64, tag: u8) -> Seq {
	let seq = Emr::chain_length(&patient);
	assert_ok!(Emr::append_record(RuntimeOrigin::signed(SERVICE), patient, record(PROVIDER, tag)));
	seq
}

fn check_invariants() {
	Emr::do_try_state().expect("EMR invariants hold");
}

#[test]
fn appends_hash_linked_entries() {
	new_test_ext().execute_with(|| {
		setup();
		assert_eq!(append(PATIENT, 1), 0);
		assert_eq!(append(PATIENT, 2), 1);
		let first = Entries::<Test>::get(PATIENT, 0).unwrap();
		let second = Entries::<Test>::get(PATIENT, 1).unwrap();
		assert_eq!(first.prev_hash, Emr::genesis_hash(&PATIENT));
		assert_eq!(second.prev_hash, first.entry_hash);
		assert_eq!(
			Chains::<Test>::get(PATIENT),
			Some(ChainState { length: 2, head: second.entry_hash })
		);
		assert_eq!((second.author, second.hospital, second.created_at), (SERVICE, 0, 1));
		System::assert_last_event(
			Event::RecordAppended {
				patient: PATIENT,
				seq: 1,
				hospital: 0,
				provider: PROVIDER,
				entry_hash: second.entry_hash,
				supersedes: None,
			}
			.into(),
		);
		assert_eq!(
			Emr::verify_chain(&PATIENT),
			ChainVerification { length: 2, first_broken: None }
		);
		assert_eq!(HostedBy::<Test>::get(PATIENT, PROVIDER).to_vec(), vec![0, 1]);
		check_invariants();
	});
}

#[test]
fn chains_are_per_patient() {
	new_test_ext().execute_with(|| {
		setup();
		append(PATIENT, 1);
		append(PATIENT_2, 1);
		// Same contents, different patients: different genesis, different hashes.
		let a = Entries::<Test>::get(PATIENT, 0).unwrap();
		let b = Entries::<Test>::get(PATIENT_2, 0).unwrap();
		assert_ne!(a.entry_hash, b.entry_hash);
		assert_eq!(TotalEntries::<Test>::get(), 2);
		check_invariants();
	});
}

#[test]
fn verify_chain_detects_tampering() {
	new_test_ext().execute_with(|| {
		setup();
		for tag in 0..4 {
			append(PATIENT, tag);
		}
		// Rewrite the size of entry 2 in storage, as a compromised node might.
		Entries::<Test>::mutate(PATIENT, 2, |entry| entry.as_mut().unwrap().record.size = 1);
		assert_eq!(Emr::verify_chain(&PATIENT).first_broken, Some(2));
		assert!(Emr::do_try_state().is_err());
	});
}

#[test]
fn verify_chain_detects_a_rewritten_head() {
	new_test_ext().execute_with(|| {
		setup();
		append(PATIENT, 0);
		append(PATIENT, 1);
		// Entries intact, but the head no longer names the last entry: the next append would
		// link to a hash that is not in the chain.
		Chains::<Test>::mutate(PATIENT, |chain| chain.as_mut().unwrap().head = [7; 32]);
		assert_eq!(
			Emr::verify_chain(&PATIENT),
			ChainVerification { length: 2, first_broken: Some(2) }
		);
		assert!(Emr::do_try_state().is_err());
	});
}

#[test]
fn verify_chain_detects_a_removed_or_relinked_entry() {
	new_test_ext().execute_with(|| {
		setup();
		for tag in 0..3 {
			append(PATIENT, tag);
		}
		let mut moved = Entries::<Test>::take(PATIENT, 1).unwrap();
		assert_eq!(Emr::verify_chain(&PATIENT).first_broken, Some(1));
		// Re-linking entry 1 consistently with a forged hash still breaks entry 2's link.
		moved.entry_hash = [9; 32];
		Entries::<Test>::insert(PATIENT, 1, moved);
		assert_eq!(Emr::verify_chain(&PATIENT).first_broken, Some(1));
	});
}

#[test]
fn only_active_record_services_append() {
	new_test_ext().execute_with(|| {
		setup();
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(PATIENT), PATIENT, record(PROVIDER, 1)),
			Error::<Test>::NotRecordService
		);
		assert_noop!(
			Emr::append_record(RuntimeOrigin::none(), PATIENT, record(PROVIDER, 1)),
			DispatchError::BadOrigin
		);
		assert_ok!(Registry::revoke_hospital(RuntimeOrigin::root(), 0));
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, record(PROVIDER, 1)),
			Error::<Test>::NotRecordService
		);
	});
}

#[test]
fn patients_and_providers_must_be_active() {
	new_test_ext().execute_with(|| {
		setup();
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), 99, record(PROVIDER, 1)),
			Error::<Test>::UnknownPatient
		);
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, record(99, 1)),
			Error::<Test>::UnknownProvider
		);
		assert_ok!(Registry::revoke_provider(RuntimeOrigin::root(), PROVIDER));
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, record(PROVIDER, 1)),
			Error::<Test>::UnknownProvider
		);
		assert_ok!(Registry::revoke_patient(RuntimeOrigin::root(), PATIENT_2));
		assert_noop!(
			Emr::append_record(
				RuntimeOrigin::signed(OTHER_SERVICE),
				PATIENT_2,
				record(OWN_PROVIDER, 1)
			),
			Error::<Test>::UnknownPatient
		);
	});
}

#[test]
fn a_provider_never_stores_its_operators_records() {
	new_test_ext().execute_with(|| {
		setup();
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, record(OWN_PROVIDER, 1)),
			Error::<Test>::ProviderOperatedByAuthor
		);
		// Hospital 1 may use hospital 0's provider.
		assert_ok!(Emr::append_record(
			RuntimeOrigin::signed(OTHER_SERVICE),
			PATIENT,
			record(OWN_PROVIDER, 1)
		));
		check_invariants();
	});
}

#[test]
fn amendments_reference_earlier_live_entries() {
	new_test_ext().execute_with(|| {
		setup();
		append(PATIENT, 1);
		let mut amendment = record(PROVIDER, 2);
		amendment.supersedes = Some(1);
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, amendment.clone()),
			Error::<Test>::UnknownSuperseded
		);
		amendment.supersedes = Some(0);
		assert_ok!(Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, amendment.clone()));
		assert_eq!(Entries::<Test>::get(PATIENT, 1).unwrap().record.supersedes, Some(0));
		assert_eq!(
			Entries::<Test>::get(PATIENT, 0).unwrap().record.size,
			1_400_000,
			"never edited"
		);

		assert_ok!(Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 0));
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, amendment),
			Error::<Test>::AlreadyErased
		);
		check_invariants();
	});
}

#[test]
fn erasure_is_logged_and_keeps_the_chain_verifiable() {
	new_test_ext().execute_with(|| {
		setup();
		append(PATIENT, 1);
		append(PATIENT, 2);
		assert_noop!(
			Emr::erase_record(RuntimeOrigin::signed(OTHER_SERVICE), PATIENT, 0),
			Error::<Test>::NotAuthor
		);
		assert_noop!(
			Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 5),
			Error::<Test>::UnknownEntry
		);
		assert_ok!(Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 0));
		System::assert_last_event(
			Event::RecordErased { patient: PATIENT, seq: 0, by: Some(SERVICE) }.into(),
		);
		assert_ok!(Emr::erase_record(RuntimeOrigin::root(), PATIENT, 1));
		System::assert_last_event(
			Event::RecordErased { patient: PATIENT, seq: 1, by: None }.into(),
		);
		assert_noop!(
			Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 0),
			Error::<Test>::AlreadyErased
		);
		assert_eq!(Emr::verify_chain(&PATIENT).first_broken, None);
		check_invariants();
	});
}

#[test]
fn batches_are_all_or_nothing() {
	new_test_ext().execute_with(|| {
		setup();
		let good = vec![(PATIENT, record(PROVIDER, 1)), (PATIENT_2, record(PROVIDER, 2))];
		assert_ok!(Emr::append_records(
			RuntimeOrigin::signed(SERVICE),
			BoundedVec::truncate_from(good)
		));
		assert_eq!((Emr::chain_length(&PATIENT), Emr::chain_length(&PATIENT_2)), (1, 1));

		let bad = vec![(PATIENT, record(PROVIDER, 3)), (99, record(PROVIDER, 4))];
		assert_noop!(
			Emr::append_records(RuntimeOrigin::signed(SERVICE), BoundedVec::truncate_from(bad)),
			Error::<Test>::UnknownPatient
		);
		assert_noop!(
			Emr::append_records(RuntimeOrigin::signed(SERVICE), BoundedVec::new()),
			Error::<Test>::EmptyBatch
		);
		check_invariants();
	});
}

#[test]
fn a_provider_hosts_a_bounded_number_of_a_patients_entries() {
	new_test_ext().execute_with(|| {
		setup();
		for tag in 0..4 {
			append(PATIENT, tag);
		}
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, record(PROVIDER, 9)),
			Error::<Test>::ProviderFull
		);
		// Another provider still takes them.
		assert_ok!(Emr::append_record(
			RuntimeOrigin::signed(OTHER_SERVICE),
			PATIENT,
			record(OWN_PROVIDER, 9)
		));
		check_invariants();
	});
}

#[test]
fn pages_through_a_chain() {
	new_test_ext().execute_with(|| {
		setup();
		for tag in 0..4 {
			append(PATIENT, tag);
		}
		let page: Vec<_> = Emr::entries(&PATIENT, 1, 2).into_iter().map(|e| e.seq).collect();
		assert_eq!(page, vec![1, 2]);
		assert_eq!(Emr::entries(&PATIENT, 3, 10).len(), 1);
		assert!(Emr::entries(&PATIENT, 7, 10).is_empty());
		assert!(Emr::entries(&PATIENT, u32::MAX, u32::MAX).is_empty());
	});
}

#[test]
fn possession_proofs_are_checked_against_the_keys_on_chain() {
	use codec::Encode;
	use medchain_crypto::pdp;
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

	new_test_ext().execute_with(|| {
		setup();
		let mut rng = ChaCha20Rng::seed_from_u64(7);
		let owner = pdp::PdpSecretKey::generate(2, &mut rng).unwrap();
		assert_ok!(Registry::update_hospital(
			RuntimeOrigin::root(),
			0,
			None,
			None,
			Some(BoundedVec::truncate_from(owner.public_key().encode())),
			None
		));
		let ciphertext: Vec<u8> = (0..20_000u32).map(|i| (i * 7) as u8).collect();
		let params = pdp::file_params(b"record-1", ciphertext.len() as u64, 2).unwrap();
		let tags = owner.tag_file(&params, &ciphertext).unwrap();
		let mut entry = record(PROVIDER, 1);
		entry.pdp_file = PdpFile {
			blocks: params.blocks,
			params_hash: sp_io::hashing::blake2_256(&params.encode()),
		};
		assert_ok!(Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, entry));

		let seed = [5; 32];
		let proof = pdp::prove(&params, &seed, &ciphertext, &tags).unwrap().encode();
		let check = |seq, params: &[u8], seed: &[u8; 32], proof: &[u8]| {
			Emr::check_possession(&PATIENT, seq, params, seed, proof)
		};
		assert_eq!(check(0, &params.encode(), &seed, &proof), PossessionCheck::Valid);
		// A proof for another challenge, a corrupted proof, other file parameters, a missing
		// entry.
		assert_eq!(check(0, &params.encode(), &[6; 32], &proof), PossessionCheck::Invalid);
		let mut corrupted = proof.clone();
		corrupted[3] ^= 1;
		assert_eq!(check(0, &params.encode(), &seed, &corrupted), PossessionCheck::Invalid);
		let other = pdp::file_params(b"record-2", ciphertext.len() as u64, 2).unwrap();
		assert_eq!(check(0, &other.encode(), &seed, &proof), PossessionCheck::FileParamsMismatch);
		assert_eq!(check(1, &params.encode(), &seed, &proof), PossessionCheck::UnknownEntry);
		// Once erased, the ciphertext is no longer owed.
		assert_ok!(Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 0));
		assert_eq!(check(0, &params.encode(), &seed, &proof), PossessionCheck::Erased);
	});
}
