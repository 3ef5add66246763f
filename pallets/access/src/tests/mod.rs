//! Unit tests of the access-record chain on the mock runtime (System and the access pallet
//! over a test registry and EMR index), with real SHVE ciphertexts and tokens from
//! `medchain-crypto`'s key service and the real host function (native). By topic:
//! `requests` (named entries, request checks, the attribute contract), `basis` (presence
//! statements, the consent basis, a basis ending), `fulfilment` (search), `consent`,
//! `break_glass` (rate limit, justification), `representatives` (guardians, delegates),
//! `serve` (`may_serve`), `history` (who read what), `chain` (tampering, pinned encodings) and
//! `pruning`.

use codec::Encode;
use frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec};
use medchain_crypto::shve::{
	KeyService, Schema, ShveCiphertext, ShveMasterKey, SignedToken, TokenScope,
};
use medchain_primitives::KeyServiceInfo;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_core::Pair;
use sp_runtime::{DispatchError, DispatchResult};

use crate::{mock::*, *};

mod basis;
mod break_glass;
mod chain;
mod consent;
mod fulfilment;
mod history;
mod pruning;
mod representatives;
mod requests;
mod serve;

const DOCTOR: u64 = 20; // hospital 0 (grade 12), title 3, `surgeon`
const LOW_DOCTOR: u64 = 21; // hospital 1 (grade 5), title 1
const ER_DOCTOR: u64 = 22; // hospital 1, title 1, `emergency`
const DOCTOR_2: u64 = 23; // hospital 0, title 3
/// The seed of `PATIENT`'s card (presence key).
const CARD: [u8; 32] = [0xca; 32];
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
			.issue_token(
				&self.schema,
				&patient,
				&predicate,
				&scope(request_id, expires_at),
				&mut self.rng,
			)
			.unwrap()
	}

	fn claims(&self, flags: &[bool]) -> ClaimsOf<Test> {
		claims(&self.cts, flags)
	}

	/// Publishes this key service's token-signing key with SHVE schema `schema`.
	fn publish(&self, schema: u16) {
		set_key_service(Some(KeyServiceInfo {
			token_signing_key: self.ks.public_key(),
			shve_schema: schema,
		}));
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

/// Appends an entry committing to `ct` with `policy`, hosted by `provider`, to `patient`'s
/// EMR chain.
fn append(patient: u64, provider: u64, ct: &ShveCiphertext, policy: &[u8]) -> Seq {
	append_entry(patient, provider, sp_io::hashing::blake2_256(&ct.encode()), policy)
}

/// Registers everybody, starts key epoch 0, publishes the key service's parameters (schema 1)
/// and appends three entries (departments 3, 5, 20) to `PATIENT`'s chain, hosted by `PROVIDER`.
fn setup() -> Fixture {
	assert_eq!(register_hospital(12), 0);
	assert_eq!(register_hospital(5), 1);
	register_doctor(DOCTOR, 0, 3, &[b"surgeon"]);
	register_doctor(LOW_DOCTOR, 1, 1, &[]);
	register_doctor(ER_DOCTOR, 1, 1, &[b"emergency"]);
	register_doctor(DOCTOR_2, 0, 3, &[]);
	for provider in [PROVIDER, PROVIDER_2] {
		register_provider(provider);
	}
	for patient in [PATIENT, PATIENT_2] {
		register_patient(patient);
	}
	start_key_epoch();

	let (ks, rng) = key_service(7);
	let schema = Schema::departments(0).unwrap();
	let pk = ks.patient_key(&schema, &account_bytes(&PATIENT));
	let cts: Vec<_> = DEPARTMENTS
		.iter()
		.map(|d| pk.encrypt(&schema.record_vector(&[], *d).unwrap()).unwrap())
		.collect();
	for ct in &cts {
		append(PATIENT, PROVIDER, ct, POLICY);
	}
	let fixture = Fixture { ks, rng, schema, cts };
	fixture.publish(1);
	// The patient's card; registering it is not logged here so that tests count records from
	// an empty access chain.
	PresenceKeys::<Test>::insert(PATIENT, card().public().0);
	PresenceKeys::<Test>::insert(PATIENT_2, card().public().0);
	fixture
}

const PURPOSE: Purpose = Purpose::Treatment;

/// `PATIENT`'s card.
fn card() -> sp_core::ed25519::Pair {
	<sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&CARD)
}

/// A presence proof `card` signs for `doctor` asking `target` of `patient` for `purpose`,
/// valid until `not_after`, with `nonce`.
fn presence_signed(
	card: &sp_core::ed25519::Pair,
	doctor: u64,
	patient: u64,
	target: &AccessTarget<Test>,
	purpose: Purpose,
	not_after: u64,
	nonce: [u8; 16],
) -> PresenceProof<Test> {
	let statement =
		Access::presence_statement(&doctor, &patient, target, purpose, not_after, nonce);
	let signature = sp_core::Pair::sign(card, &statement.encode()).0;
	PresenceProof { nonce, not_after, signature }
}

/// `PATIENT`'s card lets `doctor` ask `target` for [`PURPOSE`] now (a fresh nonce).
fn presence(doctor: u64, target: &AccessTarget<Test>) -> Basis<Test> {
	presence_for(doctor, PATIENT, target)
}

/// The card (the fixture gives `PATIENT` and `PATIENT_2` the same) of `patient` lets `doctor`
/// ask `target` for [`PURPOSE`] now, with a fresh nonce.
fn presence_for(doctor: u64, patient: u64, target: &AccessTarget<Test>) -> Basis<Test> {
	let mut nonce = [0u8; 16];
	nonce[..8].copy_from_slice(&NextRequestId::<Test>::get().to_le_bytes());
	let not_after = System::block_number() + 2;
	Basis::PatientPresent(presence_signed(
		&card(),
		doctor,
		patient,
		target,
		PURPOSE,
		not_after,
		nonce,
	))
}

/// What a token for search `request_id` must name: this chain and the query of [`search`].
fn scope(request_id: RequestId, expires_at: u32) -> TokenScope {
	TokenScope {
		request_id,
		expires_at,
		genesis_hash: Access::genesis_block_hash().0,
		query_commitment: SEARCH_QUERY,
	}
}

/// The query commitment of the fixture's search requests.
const SEARCH_QUERY: [u8; 32] = [5; 32];

fn search() -> AccessTarget<Test> {
	AccessTarget::Search { query_commitment: SEARCH_QUERY, all_records: false }
}

fn records(seqs: &[Seq]) -> AccessTarget<Test> {
	AccessTarget::Records(BoundedVec::try_from(seqs.to_vec()).expect("within MaxRecordsPerRequest"))
}

/// `doctor` asks for `PATIENT`'s records, the patient present; returns the request id.
fn request(doctor: u64, target: AccessTarget<Test>) -> RequestId {
	let id = NextRequestId::<Test>::get();
	let basis = presence(doctor, &target);
	assert_ok!(Access::request_access(
		RuntimeOrigin::signed(doctor),
		PATIENT,
		target,
		PURPOSE,
		basis,
		DELIVERY
	));
	id
}

/// `doctor` asks for `PATIENT`'s records on a consent basis.
fn ask_on_consent(doctor: u64, target: AccessTarget<Test>) -> DispatchResult {
	Access::request_access(
		RuntimeOrigin::signed(doctor),
		PATIENT,
		target,
		PURPOSE,
		Basis::Consent,
		DELIVERY,
	)
}

/// `who` (the patient, a guardian or a delegate) sets `PATIENT`'s consent for `scope`.
fn consent(who: u64, scope: ConsentScope<Test>, granted: bool, expires_at: Option<u64>) {
	assert_ok!(Access::set_consent(
		RuntimeOrigin::signed(who),
		PATIENT,
		scope,
		granted,
		None,
		expires_at
	));
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

#[test]
fn integrity_holds() {
	new_test_ext().execute_with(|| {
		<Access as Hooks<u64>>::integrity_test();
	});
}
