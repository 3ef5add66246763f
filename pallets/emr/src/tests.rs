//! Unit tests of the EMR index chain on the mock runtime.

use codec::Encode;
use frame_support::{assert_noop, assert_ok, BoundedVec};
use medchain_primitives::PdpKeyVersion;
use sp_runtime::DispatchError;

use crate::{mock::*, *};

const SERVICE: u64 = 10; // record service of hospital 0
const OTHER_SERVICE: u64 = 11; // record service of hospital 1
const PATIENT: u64 = 40;
const PATIENT_2: u64 = 41;
const PROVIDER: u64 = 30; // operated by hospital 1
const OWN_PROVIDER: u64 = 31; // operated by hospital 0

/// Two hospitals (record services `SERVICE` and `OTHER_SERVICE`, PDP key version 0 each), two
/// patients, a provider operated by hospital 1 and one operated by hospital 0.
fn setup() {
	for service in [SERVICE, OTHER_SERVICE] {
		Directory::add_hospital(service, vec![service as u8; 4]);
	}
	for patient in [PATIENT, PATIENT_2] {
		Directory::add_patient(patient);
	}
	Directory::add_provider(PROVIDER, Some(1));
	Directory::add_provider(OWN_PROVIDER, Some(0));
}

/// The last block the tests' receipts count in: later than any test runs to.
const RECEIPT_VALID_UNTIL: u64 = 1_000;

/// A record of `PATIENT` at `provider`, with the provider's receipt.
fn record(provider: u64, tag: u8) -> NewEntry<Test> {
	record_for(PATIENT, provider, tag)
}

/// A record of `patient` at `provider`, with the provider's receipt for that patient.
fn record_for(patient: u64, provider: u64, tag: u8) -> NewEntry<Test> {
	receipted(
		patient,
		NewEntry {
			provider,
			locator: BoundedVec::truncate_from(vec![b'o', tag]),
			ciphertext_hash: [tag; 32],
			size: 1_400_000,
			pdp_file: PdpFile::derived(&[tag; 32], 1_400_000, 32, 0).unwrap(),
			shve_commitment: [tag.wrapping_add(1); 32],
			policy: BoundedVec::truncate_from(b"(grade>=10 and title>=2)".to_vec()),
			description: BoundedVec::truncate_from(b"outpatient record".to_vec()),
			supersedes: None,
			receipt: MockReceipt::sign(provider, &[]),
			receipt_valid_until: RECEIPT_VALID_UNTIL,
		},
	)
}

/// `entry` with its provider's receipt for `patient` over what it now says.
fn receipted(patient: u64, mut entry: NewEntry<Test>) -> NewEntry<Test> {
	let statement = Emr::receipt_statement(&patient, &entry).encode();
	entry.receipt = MockReceipt::sign(entry.provider, &statement);
	entry
}

fn append(patient: u64, tag: u8) -> Seq {
	let seq = Emr::chain_length(&patient);
	assert_ok!(Emr::append_record(
		RuntimeOrigin::signed(SERVICE),
		patient,
		record_for(patient, PROVIDER, tag)
	));
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
		Directory::revoke_hospital(0);
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
		Directory::revoke_provider(PROVIDER);
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, record(PROVIDER, 1)),
			Error::<Test>::UnknownProvider
		);
		Directory::revoke_patient(PATIENT_2);
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
		let good =
			vec![(PATIENT, record(PROVIDER, 1)), (PATIENT_2, record_for(PATIENT_2, PROVIDER, 2))];
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

/// A hospital key and a tagged ciphertext appended as entry `seq` of `PATIENT` by `SERVICE`.
struct Tagged {
	params: medchain_crypto::pdp::PdpFileParams,
	ciphertext: Vec<u8>,
	tags: Vec<[u8; 48]>,
}

fn tag_and_append(
	owner: &medchain_crypto::pdp::PdpSecretKey,
	name: &[u8],
	key_version: PdpKeyVersion,
) -> Tagged {
	use medchain_crypto::pdp;
	let ciphertext: Vec<u8> = (0..20_000u32).map(|i| (i * 7) as u8 ^ name[0]).collect();
	let ciphertext_hash = sp_io::hashing::blake2_256(&ciphertext);
	let size = ciphertext.len() as u64;
	let params = pdp::expected_file_params(&ciphertext_hash, size, 2).unwrap();
	let tags = owner.tag_file(&params, &ciphertext).unwrap();
	let mut entry = record(PROVIDER, 1);
	entry.ciphertext_hash = ciphertext_hash;
	entry.size = size;
	entry.pdp_file = PdpFile::of_params(&params, key_version);
	assert_ok!(Emr::append_record(
		RuntimeOrigin::signed(SERVICE),
		PATIENT,
		receipted(PATIENT, entry)
	));
	Tagged { params, ciphertext, tags }
}

/// The prover's randomness (the mask of a masked proof).
fn rng() -> rand_chacha::ChaCha20Rng {
	use rand_chacha::rand_core::SeedableRng;
	rand_chacha::ChaCha20Rng::seed_from_u64(11)
}

fn pdp_owner(seed: u64) -> medchain_crypto::pdp::PdpSecretKey {
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
	medchain_crypto::pdp::PdpSecretKey::generate(2, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap()
}

#[test]
fn possession_proofs_are_checked_against_the_keys_on_chain() {
	use codec::Encode;
	use medchain_crypto::pdp;

	new_test_ext().execute_with(|| {
		let owner = pdp_owner(7);
		Directory::add_hospital(SERVICE, owner.public_key().encode());
		Directory::add_patient(PATIENT);
		Directory::add_provider(PROVIDER, None);
		let Tagged { params, ciphertext, tags } = tag_and_append(&owner, b"record-1", 0);

		let seed = [5; 32];
		let proof = pdp::prove(&owner.public_key(), &params, &seed, &ciphertext, &tags, &mut rng())
			.unwrap()
			.encode();
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

#[test]
fn rotating_a_hospitals_pdp_key_leaves_older_entries_verifiable() {
	use codec::Encode;
	use medchain_crypto::pdp;

	new_test_ext().execute_with(|| {
		let (old_owner, new_owner) = (pdp_owner(7), pdp_owner(8));
		let hospital = Directory::add_hospital(SERVICE, old_owner.public_key().encode());
		Directory::add_patient(PATIENT);
		Directory::add_provider(PROVIDER, None);
		let old = tag_and_append(&old_owner, b"record-old", 0);

		// The hospital rotates its key: version 1 is in force from now on.
		assert_eq!(Directory::add_pdp_key(hospital, new_owner.public_key().encode()), 1);
		// A record tagged under the old key can no longer be appended.
		let mut stale = record(PROVIDER, 3);
		stale.pdp_file.key_version = 0;
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, stale),
			Error::<Test>::StalePdpKey
		);
		let new = tag_and_append(&new_owner, b"record-new", 1);
		assert_eq!(Entries::<Test>::get(PATIENT, 1).unwrap().record.pdp_file.key_version, 1);

		let seed = [5; 32];
		for (seq, tagged, owner) in [(0, &old, &old_owner), (1, &new, &new_owner)] {
			let pk = owner.public_key();
			let proof = pdp::prove(
				&pk,
				&tagged.params,
				&seed,
				&tagged.ciphertext,
				&tagged.tags,
				&mut rng(),
			)
			.unwrap();
			assert_eq!(
				Emr::check_possession(
					&PATIENT,
					seq,
					&tagged.params.encode(),
					&seed,
					&proof.encode()
				),
				PossessionCheck::Valid,
				"entry {seq}"
			);
		}
		// The old entry's proof does not verify under the new key: the version matters.
		let pk = old_owner.public_key();
		let proof =
			pdp::prove(&pk, &old.params, &seed, &old.ciphertext, &old.tags, &mut rng()).unwrap();
		Entries::<Test>::mutate(PATIENT, 0, |e| {
			e.as_mut().unwrap().record.pdp_file.key_version = 1
		});
		assert_eq!(
			Emr::check_possession(&PATIENT, 0, &old.params.encode(), &seed, &proof.encode()),
			PossessionCheck::Invalid
		);
		Entries::<Test>::mutate(PATIENT, 0, |e| {
			e.as_mut().unwrap().record.pdp_file.key_version = 9
		});
		assert_eq!(
			Emr::check_possession(&PATIENT, 0, &old.params.encode(), &seed, &proof.encode()),
			PossessionCheck::UnknownKey
		);
	});
}

#[test]
fn the_index_tells_other_pallets_what_they_may_know() {
	use medchain_primitives::{EmrIndex, EntryInfo};
	new_test_ext().execute_with(|| {
		setup();
		append(PATIENT, 1);
		append(PATIENT, 2);
		assert_ok!(Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 1));
		assert_eq!(
			<Emr as EmrIndex<u64>>::entry(&PATIENT, 0),
			Some(EntryInfo {
				provider: PROVIDER,
				shve_commitment: [2; 32],
				policy: b"(grade>=10 and title>=2)".to_vec(),
				erased: false,
			})
		);
		assert!(<Emr as EmrIndex<u64>>::entry(&PATIENT, 1).unwrap().erased);
		assert_eq!(<Emr as EmrIndex<u64>>::entry(&PATIENT, 2), None);
		// The erased entry is no longer the provider's to serve.
		assert_eq!(<Emr as EmrIndex<u64>>::hosted_by(&PATIENT, &PROVIDER), vec![0]);
		assert!(<Emr as EmrIndex<u64>>::hosted_by(&PATIENT_2, &PROVIDER).is_empty());
	});
}

/// One entry with every field fixed, its SCALE encoding and hash pinned: a change of the
/// entry's layout or of how it is hashed fails here before it breaks `verify_chain` of stored
/// chains. A deliberate change adds a format (`FORMAT_V2`) and keeps this one verifying; until
/// the chain launches (storage version 1) the layout may still change here instead, as it did
/// when entries gained their provider's receipt (and when the receipt statement gained the SHVE
/// commitment: the layout stayed, the mock receipt's bytes changed).
#[test]
fn the_entry_format_is_pinned() {
	use codec::Encode;
	new_test_ext().execute_with(|| {
		setup();
		System::set_block_number(7);
		append(PATIENT, 1);
		let entry = Entries::<Test>::get(PATIENT, 0).unwrap();
		assert_eq!(entry.format, medchain_primitives::FORMAT_V1);
		let encoded = entry.encode();
		let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
		assert_eq!(hex(&encoded[..1]), "01", "format first");
		assert_eq!(
			(
				hex(&sp_io::hashing::blake2_256(&encoded)).as_str(),
				hex(&entry.entry_hash).as_str(),
				hex(&Emr::genesis_hash(&PATIENT)).as_str()
			),
			(PINNED_ENCODING_HASH, PINNED_ENTRY_HASH, PINNED_GENESIS_HASH)
		);
		// The stored hash is the recomputed one, and a second format would hash differently.
		assert_eq!(entry.compute_hash(&EMR_CHAIN, &PATIENT), Some(entry.entry_hash));
		let mut other = entry.clone();
		other.format = 2;
		assert_eq!(other.compute_hash(&EMR_CHAIN, &PATIENT), None);
	});
}

/// BLAKE2b-256 of the pinned entry's SCALE encoding (what `Entries` stores).
const PINNED_ENCODING_HASH: &str =
	"df58ec13f435219312a7cce46c75edae4706e1dc15b7da65f71b9b135f26e033";
/// The pinned entry's chain hash.
const PINNED_ENTRY_HASH: &str = "c48711f398b8cae72d2341dfc4993d397145932abf69e4d4e13cb13604ea2fda";
/// The genesis hash of `PATIENT`'s EMR chain.
const PINNED_GENESIS_HASH: &str =
	"817f0164b34a3cf0b81a37fb5e302ee345b38df56afa35b099ff3c1c4847ae4e";

#[test]
fn pdp_parameters_must_be_the_derived_ones() {
	use codec::Encode;
	new_test_ext().execute_with(|| {
		setup();
		let append = |entry: NewEntry<Test>| {
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, entry)
		};
		// Parameters under a file name of the record service's choosing (the old scheme),
		// another block count, zero sectors, a hash of nothing in particular.
		let mut named = record(PROVIDER, 1);
		let params = medchain_crypto::pdp::file_params(b"record-1", named.size, 32).unwrap();
		named.pdp_file.params_hash = sp_io::hashing::blake2_256(&params.encode());
		let mut blocks = record(PROVIDER, 1);
		blocks.pdp_file.blocks += 1;
		let mut sectors = record(PROVIDER, 1);
		sectors.pdp_file.sectors = 0;
		let mut hash = record(PROVIDER, 1);
		hash.pdp_file.params_hash[0] ^= 1;
		// A ciphertext hash or size other than the one tagged.
		let mut size = record(PROVIDER, 1);
		size.size += 1;
		for entry in [named, blocks, sectors, hash, size] {
			assert_noop!(append(entry), Error::<Test>::PdpFileMismatch);
		}
		assert_ok!(append(record(PROVIDER, 1)));
	});
}

fn with_policy(tag: u8, policy: &[u8]) -> NewEntry<Test> {
	let mut entry = record(PROVIDER, tag);
	entry.policy = BoundedVec::truncate_from(policy.to_vec());
	entry
}

#[test]
fn policies_name_only_derived_or_allowlisted_attributes() {
	new_test_ext().execute_with(|| {
		setup();
		let append = |entry: NewEntry<Test>| {
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, entry)
		};
		// A department, alone or in a branch, and free text behind a derived prefix.
		for policy in [
			&b"dept:3"[..],
			b"epoch:0 and ((grade>=12 and title>=3) or dept:3)",
			b"doctor:cardiology or emergency",
			b"epoch:x and emergency",
			b"grade>=12 and surgeon",
		] {
			assert_noop!(
				append(with_policy(1, policy)),
				Error::<Test>::PolicyNamesUnknownAttribute
			);
		}
		for policy in [&b""[..], b"(grade>=12", b"grade>=12 and", b"a,b", &[0xff, 0x61]] {
			assert_noop!(append(with_policy(1, policy)), Error::<Test>::MalformedPolicy);
		}
		// Derived attributes and `emergency` (allowlisted in the mock).
		let doctor = format!("doctor:{}", "0a".repeat(32));
		for policy in [
			"epoch:0 and ((grade>=12 and title>=3) or (grade>=13 and title>=2) or emergency)",
			"title>3",
			doctor.as_str(),
		] {
			assert_ok!(append(with_policy(1, policy.as_bytes())));
		}
		// Once off the allowlist, an attribute can no longer be named.
		Directory::disallow_attribute(b"emergency");
		assert_noop!(
			append(with_policy(1, b"epoch:0 and (title>=4 or emergency)")),
			Error::<Test>::PolicyNamesUnknownAttribute
		);
		// An amendment is checked like any append, and a batch is all or nothing.
		let mut amendment = with_policy(2, b"dept:3");
		amendment.supersedes = Some(0);
		assert_noop!(append(amendment), Error::<Test>::PolicyNamesUnknownAttribute);
		let batch = vec![
			(PATIENT, record(PROVIDER, 3)),
			(PATIENT_2, receipted(PATIENT_2, with_policy(4, b"dept:3"))),
		];
		assert_noop!(
			Emr::append_records(RuntimeOrigin::signed(SERVICE), BoundedVec::truncate_from(batch)),
			Error::<Test>::PolicyNamesUnknownAttribute
		);
		check_invariants();
	});
}

#[test]
fn derived_attributes_are_well_formed() {
	let doctor = format!("doctor:{}", "f".repeat(64));
	for attribute in ["title>=1", "grade>=14", "epoch:4294967295", doctor.as_str()] {
		assert!(is_derived_attribute(attribute.as_bytes()), "{attribute}");
	}
	let short = format!("doctor:{}", "f".repeat(63));
	let upper = format!("doctor:{}", "F".repeat(64));
	for attribute in [
		"title>=",
		"grade>=x",
		"epoch:12345678901",
		"epoch:-1",
		"doctor:",
		&short,
		&upper,
		"dept:3",
	] {
		assert!(!is_derived_attribute(attribute.as_bytes()), "{attribute}");
	}
}

#[test]
fn a_policy_tells_which_attributes_need_the_allowlist() {
	assert_eq!(
		non_derived_attributes(b"epoch:0 and ((grade>=12 and title>=3) or emergency or surgeon)"),
		Some(vec![b"emergency".to_vec(), b"surgeon".to_vec()])
	);
	assert_eq!(non_derived_attributes(b"grade>=5"), Some(vec![]));
	assert_eq!(non_derived_attributes(b"(emergency"), None);
}

/// The well-formedness rules cover exactly the primitives' derived prefixes, so a prefix added
/// there fails here until this pallet knows its form.
#[test]
fn every_derived_prefix_has_a_form() {
	let mut known: Vec<&str> = NUMERIC_DERIVED_PREFIXES.to_vec();
	known.push(IDENTITY_DERIVED_PREFIX);
	known.sort();
	let mut derived = medchain_primitives::DERIVED_ATTRIBUTE_PREFIXES.to_vec();
	derived.sort();
	assert_eq!(known, derived);
}

#[test]
fn only_the_authoring_hospital_amends_an_entry() {
	new_test_ext().execute_with(|| {
		setup();
		append(PATIENT, 1);
		// Hospital 1 (through hospital 0's provider, its only choice) may not replace what
		// hospital 0 wrote.
		let mut foreign = record(OWN_PROVIDER, 2);
		foreign.supersedes = Some(0);
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(OTHER_SERVICE), PATIENT, foreign.clone()),
			Error::<Test>::NotAuthorOfSuperseded
		);
		let mut own = record(PROVIDER, 2);
		own.supersedes = Some(0);
		assert_ok!(Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, own));

		// And the other way round: hospital 1's entry is hospital 1's to amend.
		foreign.supersedes = None;
		assert_ok!(Emr::append_record(RuntimeOrigin::signed(OTHER_SERVICE), PATIENT, foreign));
		let mut takeover = record(PROVIDER, 3);
		takeover.supersedes = Some(2);
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, takeover),
			Error::<Test>::NotAuthorOfSuperseded
		);
		let mut amendment = record(OWN_PROVIDER, 3);
		amendment.supersedes = Some(2);
		assert_ok!(Emr::append_record(RuntimeOrigin::signed(OTHER_SERVICE), PATIENT, amendment));
		assert_eq!(Entries::<Test>::get(PATIENT, 3).unwrap().record.supersedes, Some(2));
		check_invariants();
	});
}

#[test]
fn erasing_takes_an_entry_off_its_providers_index() {
	use medchain_primitives::EmrIndex;
	new_test_ext().execute_with(|| {
		setup();
		for tag in 0..4 {
			append(PATIENT, tag);
		}
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, record(PROVIDER, 9)),
			Error::<Test>::ProviderFull
		);
		assert_ok!(Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 1));
		assert_eq!(<Emr as EmrIndex<u64>>::hosted_by(&PATIENT, &PROVIDER), vec![0, 2, 3]);
		check_invariants();
		// Its place is free again.
		assert_eq!(append(PATIENT, 9), 4);
		assert_eq!(<Emr as EmrIndex<u64>>::hosted_by(&PATIENT, &PROVIDER), vec![0, 2, 3, 4]);
		check_invariants();

		for seq in [0, 2, 3, 4] {
			assert_ok!(Emr::erase_record(RuntimeOrigin::root(), PATIENT, seq));
		}
		assert!(<Emr as EmrIndex<u64>>::hosted_by(&PATIENT, &PROVIDER).is_empty());
		assert!(!HostedBy::<Test>::contains_key(PATIENT, PROVIDER), "no empty index is kept");
		assert_eq!(Emr::verify_chain(&PATIENT).first_broken, None);
		check_invariants();
	});
}

#[test]
fn try_state_finds_an_erased_entry_still_hosted() {
	new_test_ext().execute_with(|| {
		setup();
		append(PATIENT, 1);
		append(PATIENT, 2);
		assert_ok!(Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 0));
		check_invariants();
		HostedBy::<Test>::insert(PATIENT, PROVIDER, BoundedVec::truncate_from(vec![0, 1]));
		assert!(Emr::do_try_state().is_err());
		// Out of order is caught too.
		HostedBy::<Test>::insert(PATIENT, PROVIDER, BoundedVec::truncate_from(vec![1, 1]));
		assert!(Emr::do_try_state().is_err());
	});
}

#[test]
fn an_entry_needs_its_providers_receipt_for_this_patient_and_bundle() {
	new_test_ext().execute_with(|| {
		setup();
		let append = |entry: NewEntry<Test>| {
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, entry)
		};
		// Signed by someone else than the entry's provider: a record service cannot receipt
		// its own upload.
		let mut forged = record(PROVIDER, 1);
		forged.receipt =
			MockReceipt::sign(SERVICE, &Emr::receipt_statement(&PATIENT, &forged).encode());
		assert_noop!(append(forged), Error::<Test>::BadReceipt);
		// The provider's receipt for another patient's bundle.
		assert_noop!(append(record_for(PATIENT_2, PROVIDER, 1)), Error::<Test>::BadReceipt);
		// A receipt for another locator, ciphertext or size than the entry names.
		let mut moved = record(PROVIDER, 1);
		moved.locator = BoundedVec::truncate_from(b"elsewhere".to_vec());
		assert_noop!(append(moved), Error::<Test>::BadReceipt);
		let mut resized = record(PROVIDER, 1);
		resized.size += 1;
		resized.pdp_file = PdpFile::derived(&resized.ciphertext_hash, resized.size, 32, 0).unwrap();
		assert_noop!(append(resized), Error::<Test>::BadReceipt);
		// A receipt for another SHVE ciphertext than the entry commits to: the provider's
		// search fulfilments for this entry would fail, blamed on it.
		let mut reindexed = record(PROVIDER, 1);
		reindexed.shve_commitment[0] ^= 1;
		assert_noop!(append(reindexed), Error::<Test>::BadReceipt);
		// A receipt from another provider than the entry names.
		Directory::add_provider(32, Some(1));
		let mut swapped = record(PROVIDER, 1);
		swapped.provider = 32;
		assert_noop!(append(swapped), Error::<Test>::BadReceipt);
		assert_eq!(Emr::chain_length(&PATIENT), 0);
		assert_ok!(append(record(PROVIDER, 1)));
		assert_eq!(Entries::<Test>::get(PATIENT, 0).unwrap().record.receipt.signer, PROVIDER);
		check_invariants();
	});
}

#[test]
fn a_receipt_counts_up_to_its_last_block_and_no_later() {
	new_test_ext().execute_with(|| {
		setup();
		let append = |entry: NewEntry<Test>| {
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, entry)
		};
		let good_until = |valid_until: u64, tag: u8| {
			let mut entry = record(PROVIDER, tag);
			entry.receipt_valid_until = valid_until;
			receipted(PATIENT, entry)
		};
		System::set_block_number(20);
		// A receipt whose last block has passed: the provider may have deleted the bundle.
		assert_noop!(append(good_until(19, 1)), Error::<Test>::ReceiptExpired);
		// A later last block than the provider signed: not its receipt.
		let mut stretched = good_until(19, 1);
		stretched.receipt_valid_until = 30;
		assert_noop!(append(stretched), Error::<Test>::BadReceipt);
		assert_eq!(Emr::chain_length(&PATIENT), 0);
		// In its last block it still counts.
		assert_ok!(append(good_until(20, 1)));
		assert_eq!(Entries::<Test>::get(PATIENT, 0).unwrap().record.receipt_valid_until, 20);
		check_invariants();
	});
}

#[test]
fn every_entry_has_a_global_position_for_audits() {
	use medchain_primitives::AuditIndex;
	new_test_ext().execute_with(|| {
		setup();
		append(PATIENT, 0);
		// A batch takes consecutive positions.
		let batch = BoundedVec::truncate_from(vec![
			(PATIENT_2, record_for(PATIENT_2, PROVIDER, 1)),
			(PATIENT, record(PROVIDER, 2)),
		]);
		assert_ok!(Emr::append_records(RuntimeOrigin::signed(SERVICE), batch));
		assert_eq!(<Emr as AuditIndex<u64>>::position_count(), 3);
		let at = |position| <Emr as AuditIndex<u64>>::entry_at(position);
		assert_eq!(
			(at(0), at(1), at(2), at(3)),
			(Some((PATIENT, 0)), Some((PATIENT_2, 0)), Some((PATIENT, 1)), None)
		);
		let target = <Emr as AuditIndex<u64>>::audit_target(&PATIENT, 1).unwrap();
		assert_eq!((target.provider, target.hospital), (PROVIDER, 0));
		assert_eq!(target.blocks, Entries::<Test>::get(PATIENT, 1).unwrap().record.pdp_file.blocks);
		check_invariants();
		// An erased entry keeps its position but is no audit target any more.
		assert_ok!(Emr::erase_record(RuntimeOrigin::signed(SERVICE), PATIENT, 0));
		assert_eq!(at(0), Some((PATIENT, 0)));
		assert_eq!(<Emr as AuditIndex<u64>>::audit_target(&PATIENT, 0), None);
		check_invariants();
		// A broken index is caught: two positions for one entry.
		EntryAt::<Test>::insert(1, (PATIENT, 1));
		assert!(Emr::do_try_state().is_err());
	});
}

#[test]
fn a_suspended_provider_takes_no_new_records() {
	new_test_ext().execute_with(|| {
		setup();
		append(PATIENT, 1);
		Directory::set_suspended(PROVIDER, true);
		assert_noop!(
			Emr::append_record(RuntimeOrigin::signed(SERVICE), PATIENT, record(PROVIDER, 2)),
			Error::<Test>::ProviderSuspended
		);
		// What it holds stays, and once it recovers it takes records again.
		assert!(Entries::<Test>::contains_key(PATIENT, 0));
		Directory::set_suspended(PROVIDER, false);
		assert_eq!(append(PATIENT, 2), 1);
	});
}
