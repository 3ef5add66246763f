//! End-to-end on a real dev node with real cryptography: the registrar registers two hospitals,
//! two doctors, a storage provider and a patient and publishes the key service's parameters; a
//! record service that holds no tokens encrypts, tags and indexes three records and appends them
//! feelessly; the chain verifies through the runtime API; the wasm runtime's host functions
//! then check a storage provider's search fulfilment.

use codec::Encode;
use medchain_client::{
	access::{presence_statement, search_commitment, sign_presence},
	api,
	chain::{Chain, Finalized},
	cloud::{CloudClient, DevCloud, DownloadRequest},
	devnode::DevNode,
	key_service::KeyServiceNode,
	provider::ProviderStore,
	record_service::{RecordMeta, RecordService},
	runtime::{AccountId, RuntimeCall, RuntimeEvent},
	storage,
};
use medchain_crypto::shve::TokenScope;
use pallet_medchain_emr::{ChainPage, EmrEntry, PossessionCheck};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_core::{ed25519, sr25519, Pair};

type Registry = pallet_medchain_registry::Call<medchain_client::runtime::Runtime>;
type Emr = pallet_medchain_emr::Call<medchain_client::runtime::Runtime>;

fn sudo(call: impl Into<RuntimeCall>) -> RuntimeCall {
	pallet_sudo::Call::sudo { call: Box::new(call.into()) }.into()
}

fn bounded<S: frame_support::traits::Get<u32>>(bytes: &[u8]) -> frame_support::BoundedVec<u8, S> {
	bytes.to_vec().try_into().expect("fits the runtime's bound")
}

fn account(pair: &sr25519::Pair) -> AccountId {
	pair.public().into()
}

fn bytes32(who: &AccountId) -> [u8; 32] {
	*who.as_ref()
}

/// A download of entry `seq` of `patient` from `provider` under `request`, signed to count for
/// a hundred blocks past `now`.
fn download<'a>(
	provider: &'a AccountId,
	patient: &'a AccountId,
	seq: u32,
	request: u64,
	now: u32,
) -> DownloadRequest<'a> {
	DownloadRequest { provider, patient, seq, request, not_after: now + 100, range: None }
}

fn ok_all(results: Vec<medchain_client::Result<Finalized>>) -> Vec<Finalized> {
	results.into_iter().map(|r| r.expect("transaction finalized and dispatched")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_stored_found_and_logged_with_real_crypto() {
	let node = DevNode::start().expect("dev node starts");
	let chain = Chain::connect(&node.url).await.expect("connects");
	let mut rng = ChaCha20Rng::seed_from_u64(2026);
	let registrar = sr25519::Pair::from_string("//Alice", None).unwrap();

	// Every transaction of this test signs the runtime's metadata hash (`CheckMetadataHash` in
	// mode `Enabled`), which the client computed from the metadata; one that signs any other
	// hash does not verify.
	assert!(chain.metadata_hash().await.unwrap().is_some());
	let misled =
		Chain::connect(&node.url).await.expect("connects").with_metadata_hash(Some([0; 32]));
	let refused = misled.submit(&registrar, sudo(Registry::start_key_epoch {})).await;
	match refused {
		Err(medchain_client::Error::Rejected(reason)) => {
			assert!(reason.contains("bad signature"), "{reason}")
		},
		other => panic!("a wrong metadata hash must be refused, got {other:?}"),
	}
	let fresh = |seed: &str| sr25519::Pair::from_string(&format!("//e2e//{seed}"), None).unwrap();
	let (service_a, service_b) = (fresh("record-service-a"), fresh("record-service-b"));
	let (senior, junior) = (fresh("doctor-senior"), fresh("doctor-junior"));
	let (provider, patient) = (fresh("provider"), fresh("patient"));

	// Onboarding (flow 1).
	let keys = KeyServiceNode::generate(&mut rng).expect("key service");
	let record_service =
		RecordService::generate(keys.abe_public_key().clone(), keys.schema().clone(), &mut rng)
			.expect("record service");
	let cloud_port = medchain_client::devnode::free_port().expect("a free port");
	let onboarding = vec![
		sudo(Registry::set_public_parameters {
			abe_public_key: bounded(&keys.abe_public_key().to_bytes()),
			token_signing_key: keys.token_signing_key(),
			shve_schema: keys.schema().id as u16,
		}),
		sudo(Registry::start_key_epoch {}),
		sudo(Registry::register_hospital {
			record_service: account(&service_a),
			name: bounded(b"Hospital A"),
			grade: 12,
			pdp_public_key: bounded(&record_service.pdp_public_key()),
			validator: None,
		}),
		sudo(Registry::register_hospital {
			record_service: account(&service_b),
			name: bounded(b"Hospital B"),
			grade: 9,
			pdp_public_key: bounded(&record_service.pdp_public_key()),
			validator: None,
		}),
		sudo(Registry::register_provider {
			provider: account(&provider),
			operator: None,
			// Where medchain-cloud listens below: audits fetch the provider's answers there.
			endpoint: bounded(format!("http://127.0.0.1:{cloud_port}").as_bytes()),
		}),
		sudo(Registry::register_patient {
			patient: account(&patient),
			identity_commitment: [7; 32],
		}),
	];
	ok_all(chain.submit_all(&registrar, onboarding).await);
	let doctors = vec![
		sudo(Registry::register_doctor {
			doctor: account(&senior),
			hospital: 0,
			title: 3,
			attributes: Default::default(),
		}),
		sudo(Registry::register_doctor {
			doctor: account(&junior),
			hospital: 1,
			title: 2,
			attributes: Default::default(),
		}),
	];
	ok_all(chain.submit_all(&registrar, doctors).await);

	// The same chain through the code subxt generated from `metadata.scale`: a typed storage
	// read and a typed call, both checked against the live runtime's metadata.
	let at = chain.at_finalized().await.unwrap();
	let next_hospital = at
		.storage()
		.fetch(api::storage().registry().next_hospital_id(), ())
		.await
		.expect("typed storage address matches the runtime")
		.decode()
		.unwrap();
	assert_eq!(next_hospital, 2, "two hospitals registered");
	let remarked = chain
		.submit_payload(&registrar, &api::tx().system().remark_with_event(b"typed".to_vec()))
		.await
		.expect("a generated call is signed and dispatched");
	assert!(remarked
		.events
		.iter()
		.any(|e| matches!(e, RuntimeEvent::System(frame_system::Event::Remarked { .. }))));

	// Store (flow 2): three records in departments 3, 5 and 20, appended as one feeless batch
	// by a record service that never held a token.
	let patient_id = account(&patient);
	let patient_key = keys.patient_key(&bytes32(&patient_id));
	let policy = "epoch:0 and ((grade>=12 and title>=3) or (grade>=13 and title>=2) or emergency)";
	// The provider runs medchain-cloud: every bundle is uploaded to it, signed by the record
	// service, and its receipt goes into the entry, which the runtime checks. The in-memory
	// store keeps a copy to compare against and to build a lying provider's claims.
	let cloud_dir = tempfile::tempdir().unwrap();
	let cloud = DevCloud::start_binary_on(
		&medchain_client::cloud::cloud_binary().expect("medchain-cloud is built"),
		&node.url,
		&medchain_client::cloud::DevStore::Dir(cloud_dir.path().to_owned()),
		"//e2e//provider",
		&[],
		cloud_port,
	)
	.await
	.expect("medchain-cloud starts");
	let cloud = cloud.client();
	let mut store = ProviderStore::default();
	let genesis = chain.genesis_hash().0;
	let mut batch = Vec::new();
	let mut plaintexts = Vec::new();
	for (seq, department) in [3usize, 5, 20].into_iter().enumerate() {
		let plaintext = format!("record {seq}: department {department}, {}", "x".repeat(20_000));
		let prepared = record_service
			.prepare(
				&patient_key,
				plaintext.as_bytes(),
				RecordMeta {
					department,
					policy,
					provider: account(&provider),
					description: "outpatient record",
					supersedes: None,
				},
				&mut rng,
			)
			.expect("record prepared");
		let header = storage::upload_header(
			&service_a,
			genesis,
			&account(&provider),
			&patient_id,
			&prepared,
		);
		let ciphertext = bytes::Bytes::from(prepared.bundle.ciphertext.clone());
		let answer = cloud
			.upload(&header, &prepared.bundle.pdp_tags, ciphertext.clone())
			.await
			.expect("the provider stores the bundle");
		assert_eq!(answer.outcome, "stored");
		// A retried upload finds the bundle in place and gets the same receipt.
		let again = cloud.upload(&header, &prepared.bundle.pdp_tags, ciphertext).await.unwrap();
		assert_eq!(
			(again.outcome.as_str(), again.receipt, again.valid_until),
			("already_stored", answer.receipt, answer.valid_until)
		);
		let mut entry = prepared.entry;
		answer.fill(&mut entry);
		store.store(patient_id.clone(), seq as u32, prepared.bundle);
		batch.push((patient_id.clone(), entry));
		plaintexts.push(plaintext);
	}
	let appended = chain
		.submit(&service_a, Emr::append_records { records: batch.try_into().unwrap() }.into())
		.await
		.expect("batch appended");
	let appended_events = appended
		.events
		.iter()
		.filter(|e| {
			matches!(e, RuntimeEvent::Emr(pallet_medchain_emr::Event::RecordAppended { .. }))
		})
		.count();
	assert_eq!(appended_events, 3);
	let balance = chain
		.storage::<frame_system::AccountInfo<u32, pallet_balances::AccountData<u128>>>(
			&frame_system::Account::<medchain_client::runtime::Runtime>::hashed_key_for(account(
				&service_a,
			)),
			None,
		)
		.await
		.unwrap()
		.expect("the record service exists");
	assert_eq!(balance.data.free, 0, "feeless: the record service holds and paid nothing");

	// Verified page by page (the API caps each call): two pages cover the three entries.
	let first: ChainPage =
		chain.runtime_api("EmrApi_verify_chain", (&patient_id, 0u32, 2u32)).await.unwrap();
	assert_eq!(first, ChainPage { length: 3, from: 0, to: 2, first_broken: None });
	let rest: ChainPage =
		chain.runtime_api("EmrApi_verify_chain", (&patient_id, first.to, 2u32)).await.unwrap();
	assert_eq!(rest, ChainPage { length: 3, from: 2, to: 3, first_broken: None });
	let entries: Vec<EmrEntry<medchain_client::runtime::Runtime>> =
		chain.runtime_api("EmrApi_entries", (&patient_id, 0u32, 10u32)).await.unwrap();
	assert_eq!(entries.len(), 3);
	for (entry, seq) in entries.iter().zip(0u32..) {
		let bundle = store.get(&patient_id, seq).unwrap();
		assert_eq!(entry.record.ciphertext_hash, sp_io::hashing::blake2_256(&bundle.ciphertext));
		assert_eq!(entry.record.shve_commitment, sp_io::hashing::blake2_256(&bundle.shve.encode()));
		// An audit challenge answered by the provider's service (a masked proof from the
		// challenged blocks, signed by the provider), checked by the wasm runtime through the
		// PDP host function against the hospital's key on chain.
		let seed = [seq as u8 + 1; 32];
		let (params, proof, signature) = cloud.audit(&patient_id, seq, seed).await.unwrap();
		let message = storage::audit_answer_message(
			genesis,
			&account(&provider),
			&patient_id,
			seq,
			seed,
			&proof,
		);
		let signature = sr25519::Signature::from_raw(signature).into();
		assert!(
			storage::verify(&signature, &message, &account(&provider)),
			"signed by the provider"
		);
		// A second answer for the same entry at once is refused: the caller names the seed.
		let again = cloud.audit(&patient_id, seq, [0xee; 32]).await.expect_err("rate-limited");
		assert!(matches!(&again, medchain_client::Error::Service { status: 429, .. }), "{again}");
		let check = |seed: [u8; 32]| {
			chain.runtime_api::<PossessionCheck>(
				"EmrApi_check_possession",
				(&patient_id, seq, params.clone(), seed, proof.clone()),
			)
		};
		assert_eq!(check(seed).await.unwrap(), PossessionCheck::Valid);
		assert_eq!(check([0xee; 32]).await.unwrap(), PossessionCheck::Invalid);
	}

	access_flow(
		&chain,
		&keys,
		&store,
		&cloud,
		&patient,
		&provider,
		&senior,
		&junior,
		&plaintexts,
		&mut rng,
	)
	.await;
	drop(node);
}

type Access = pallet_medchain_access::Call<medchain_client::runtime::Runtime>;
type AccessRecord = pallet_medchain_access::AccessRecord<medchain_client::runtime::Runtime>;
type Reader = pallet_medchain_access::Reader<medchain_client::runtime::Runtime>;
type ServeAnswer = Result<
	pallet_medchain_access::ServeGrant<medchain_client::runtime::BlockNumber>,
	pallet_medchain_access::Refusal,
>;

/// How a doctor's request rests: the patient present with their card, or a consent in force.
enum Basis<'a> {
	Card(&'a ed25519::Pair),
	Consent,
}

/// A doctor asks for departments `departments` of the patient's records, committing to the
/// query under `salt`, on `basis`; returns what the key service's token must name.
async fn request_search(
	chain: &Chain,
	doctor: &sr25519::Pair,
	patient: &AccountId,
	departments: &[usize],
	salt: &[u8; 32],
	delivery_key: [u8; 32],
	basis: Basis<'_>,
) -> TokenScope {
	let schema = medchain_crypto::shve::Schema::departments(0).unwrap();
	let query_commitment = search_commitment(&schema, departments, salt).unwrap();
	let target =
		pallet_medchain_access::AccessTarget::Search { query_commitment, all_records: false };
	let purpose = pallet_medchain_access::Purpose::Treatment;
	let basis = match basis {
		Basis::Card(card) => {
			// The doctor's terminal shows the request; the patient's card signs it.
			let not_after = chain.best_number().await.unwrap() + 30;
			let mut nonce = [0u8; 16];
			nonce[..4].copy_from_slice(&not_after.to_le_bytes());
			let statement = presence_statement(
				chain.genesis_hash().0,
				&account(doctor),
				patient,
				&target,
				purpose,
				not_after,
				nonce,
			);
			pallet_medchain_access::Basis::PatientPresent(sign_presence(card, &statement))
		},
		Basis::Consent => pallet_medchain_access::Basis::Consent,
	};
	let requested = chain
		.submit(
			doctor,
			Access::request_access {
				patient: patient.clone(),
				target,
				purpose,
				basis,
				delivery_key,
			}
			.into(),
		)
		.await
		.expect("request logged");
	let request_id = requested
		.events
		.iter()
		.find_map(|e| match e {
			RuntimeEvent::Access(pallet_medchain_access::Event::AccessRequested {
				request_id,
				..
			}) => Some(*request_id),
			_ => None,
		})
		.expect("AccessRequested");
	TokenScope {
		request_id,
		expires_at: chain.best_number().await.unwrap() + 20,
		genesis_hash: chain.genesis_hash().0,
		query_commitment,
	}
}

/// The provider submits its fulfilment of search `request`.
async fn fulfil(
	chain: &Chain,
	provider: &sr25519::Pair,
	request: u64,
	signed_token: medchain_crypto::shve::SignedToken,
	claims: Vec<(medchain_crypto::shve::ShveCiphertext, bool)>,
) -> medchain_client::Result<Finalized> {
	let claims = claims.try_into().expect("within MaxHostedPerProvider");
	chain
		.submit(
			provider,
			Access::fulfil_search { request_id: request, signed_token, claims }.into(),
		)
		.await
}

#[allow(clippy::too_many_arguments)]
async fn access_flow(
	chain: &Chain,
	keys: &KeyServiceNode,
	store: &ProviderStore,
	cloud: &CloudClient,
	patient: &sr25519::Pair,
	provider: &sr25519::Pair,
	senior: &sr25519::Pair,
	junior: &sr25519::Pair,
	plaintexts: &[String],
	rng: &mut ChaCha20Rng,
) {
	use medchain_crypto::{abe::unwrap_key, envelope};
	let patient_pair = patient;
	let patient = &account(patient_pair);
	let hosted: Vec<u32> = chain
		.storage::<Vec<u32>>(
			&pallet_medchain_emr::HostedBy::<medchain_client::runtime::Runtime>::hashed_key_for(
				patient,
				account(provider),
			),
			None,
		)
		.await
		.unwrap()
		.expect("the provider hosts the patient's records");
	assert_eq!(hosted, vec![0, 1, 2]);
	// The doctors' device key: requests name its public half, downloads are sealed to it.
	let device = x25519_dalek::StaticSecret::random_from_rng(&mut *rng);
	let delivery = x25519_dalek::PublicKey::from(&device);

	// The patient registers their card's presence key (not their account key), feelessly.
	let card = ed25519::Pair::from_seed(&[0xca; 32]);
	chain
		.submit(
			patient_pair,
			Access::set_presence_key { patient: patient.clone(), key: Some(card.public().0) }
				.into(),
		)
		.await
		.expect("presence key registered");

	// A doctor with no basis is refused before anything is written, however senior.
	let schema = medchain_crypto::shve::Schema::departments(0).unwrap();
	let target = pallet_medchain_access::AccessTarget::Search {
		query_commitment: search_commitment(&schema, &[3], &[1; 32]).unwrap(),
		all_records: false,
	};
	let refused = chain
		.submit(
			senior,
			Access::request_access {
				patient: patient.clone(),
				target,
				purpose: pallet_medchain_access::Purpose::Treatment,
				basis: pallet_medchain_access::Basis::Consent,
				delivery_key: *delivery.as_bytes(),
			}
			.into(),
		)
		.await
		.expect_err("no consent, no presence: refused");
	assert!(refused.to_string().contains("ConsentMissing"), "{refused}");

	// Find and read (flow 3): the senior doctor of the grade-12 hospital, the patient present,
	// asks for departments 3 and 20; the key service recomputes the query commitment from the
	// departments and salt the doctor sends it and signs a token for the logged request; the
	// provider fulfils with all three hosted entries, and the runtime's host function checks
	// every claim.
	let salt = [0x5a; 32];
	let scope = request_search(
		chain,
		senior,
		patient,
		&[3, 20],
		&salt,
		*delivery.as_bytes(),
		Basis::Card(&card),
	)
	.await;
	let request = scope.request_id;
	assert!(
		keys.search_token(&bytes32(patient), &[3, 20, 5], &salt, &scope, rng).is_err(),
		"the key service refuses a wider query than the request committed to"
	);
	let token = keys.search_token(&bytes32(patient), &[3, 20], &salt, &scope, rng).unwrap();
	// The provider's service matches the token over its index and submits the fulfilment.
	let fulfilled = cloud.fulfil_search(request, &token).await.expect("fulfilment verified");
	assert_eq!((fulfilled.hosted, fulfilled.matched), (3, vec![0, 2]));
	assert_eq!((fulfilled.granted, fulfilled.denied), (2, 0), "both matching records granted");

	// The doctor opens the granted records with an ABE key for their attributes and checks
	// each ciphertext against the chain; before serving, the provider asks the chain.
	let user_key = keys.doctor_key(3, 12, 0, &bytes32(&account(senior)), &[], rng).unwrap();
	let now = chain.block_number(None).await.unwrap();
	let provider_id = account(provider);
	for seq in [0u32, 2] {
		let serve: ServeAnswer = chain
			.runtime_api(
				"AccessApi_may_serve",
				(request, account(provider), account(senior), patient, seq),
			)
			.await
			.unwrap();
		assert_eq!(serve.map(|g| g.delivery_key), Ok(*delivery.as_bytes()), "entry {seq}");
		// The service asks the chain the same before it serves the ciphertext.
		let ciphertext = cloud
			.download(
				senior,
				chain.genesis_hash().0,
				&download(&provider_id, patient, seq, request, now),
				&device,
			)
			.await
			.expect("the grantee downloads a granted record");
		let tail = cloud
			.download(
				senior,
				chain.genesis_hash().0,
				&DownloadRequest {
					range: Some(10..ciphertext.len() as u64),
					..download(&provider_id, patient, seq, request, now)
				},
				&device,
			)
			.await
			.expect("a range of a granted record");
		assert_eq!(tail, ciphertext[10..]);
		let bundle = store.get(patient, seq).unwrap();
		assert_eq!(ciphertext, bundle.ciphertext, "the service serves what was uploaded");
		let data_key = unwrap_key(&user_key, &bundle.wrapped_key, &bundle.record_id).unwrap();
		let binding = envelope::RecordBinding { record_id: bundle.record_id, version: 0 };
		let plaintext =
			envelope::decrypt(&envelope::DataKey::from_bytes(*data_key), &binding, &ciphertext)
				.unwrap();
		assert_eq!(plaintext, plaintexts[seq as usize].as_bytes());
	}
	// The entry the search did not grant, and a doctor the request is not for: the service
	// refuses both, as the chain does.
	for (who, seq) in [(senior, 1u32), (junior, 0)] {
		let refused = cloud
			.download(
				who,
				chain.genesis_hash().0,
				&download(&provider_id, patient, seq, request, now),
				&device,
			)
			.await
			.expect_err("no grant, no download");
		assert!(
			matches!(&refused, medchain_client::Error::Service { status: 403, code, .. } if code == "no_grant"),
			"{refused}"
		);
	}
	let not_granted: ServeAnswer = chain
		.runtime_api(
			"AccessApi_may_serve",
			(request, account(provider), account(senior), patient, 1u32),
		)
		.await
		.unwrap();
	assert_eq!(not_granted, Err(pallet_medchain_access::Refusal::NoGrant));

	// A junior doctor of a grade-9 hospital on the patient's consent: a provider that claims
	// every record matches is refused by the host function; the honest fulfilment matches two
	// records, and the runtime denies both under their policy.
	chain
		.submit(
			patient_pair,
			Access::set_consent {
				patient: patient.clone(),
				scope: pallet_medchain_access::ConsentScope::Doctor(account(junior)),
				granted: true,
				purpose: None,
				expires_at: None,
			}
			.into(),
		)
		.await
		.expect("consent set");
	let salt = [0x6b; 32];
	let scope = request_search(
		chain,
		junior,
		patient,
		&[3, 20],
		&salt,
		*delivery.as_bytes(),
		Basis::Consent,
	)
	.await;
	let request = scope.request_id;
	let token = keys.search_token(&bytes32(patient), &[3, 20], &salt, &scope, rng).unwrap();
	let honest = store.fulfil(patient, &hosted, &token.body).unwrap();
	let lying: Vec<_> = honest.iter().map(|(ct, _)| (ct.clone(), true)).collect();
	let refused = fulfil(chain, provider, request, token.clone(), lying)
		.await
		.expect_err("a false claim is refused");
	assert!(refused.to_string().contains("ClaimMismatch"), "{refused}");
	let fulfilled = cloud.fulfil_search(request, &token).await.expect("honest fulfilment verified");
	assert_eq!(fulfilled.matched, vec![0, 2]);
	assert_eq!((fulfilled.granted, fulfilled.denied), (0, 2), "policy denies the junior doctor");

	// Trace (flow 5): the access chain verifies and tells who read what and on what basis.
	let verification: ChainPage =
		chain.runtime_api("AccessApi_verify_access_chain", (patient, 0u32, 100u32)).await.unwrap();
	assert_eq!(verification, ChainPage { length: 6, from: 0, to: 6, first_broken: None });
	let history: Vec<AccessRecord> =
		chain.runtime_api("AccessApi_access_history", (patient, 0u32, 10u32)).await.unwrap();
	assert_eq!(history.len(), 6);
	let readers: Vec<Reader> =
		chain.runtime_api("AccessApi_readers_of", (patient, 0u32, 0u32, 100u32)).await.unwrap();
	assert_eq!(
		readers.iter().map(|r| (r.doctor.clone(), r.basis)).collect::<Vec<_>>(),
		vec![(account(senior), pallet_medchain_access::BasisKind::PatientPresent)]
	);
	let readers: Vec<Reader> =
		chain.runtime_api("AccessApi_readers_of", (patient, 1u32, 0u32, 100u32)).await.unwrap();
	assert!(readers.is_empty(), "the non-matching record was never disclosed");
}
