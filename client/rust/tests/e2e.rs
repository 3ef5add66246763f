//! End-to-end on a real dev node with real cryptography: the registrar registers two hospitals,
//! two doctors, a storage provider and a patient and publishes the key service's parameters; a
//! record service that holds no tokens encrypts, tags and indexes three records and appends them
//! feelessly; the chain verifies through the runtime API; the wasm runtime's host functions
//! then check a storage provider's search fulfilment.

use codec::Encode;
use medchain_client::{
	chain::{Chain, Finalized},
	devnode::DevNode,
	key_service::KeyServiceNode,
	provider::ProviderStore,
	record_service::{RecordMeta, RecordService},
	runtime::{AccountId, RuntimeCall, RuntimeEvent},
};
use medchain_crypto::shve::TokenScope;
use pallet_medchain_emr::{ChainVerification, EmrEntry, PossessionCheck};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_core::{sr25519, Pair};

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

fn ok_all(results: Vec<medchain_client::Result<Finalized>>) -> Vec<Finalized> {
	results.into_iter().map(|r| r.expect("transaction finalized and dispatched")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_stored_found_and_logged_with_real_crypto() {
	let node = DevNode::start().expect("dev node starts");
	let chain = Chain::connect(&node.url).await.expect("connects");
	let mut rng = ChaCha20Rng::seed_from_u64(2026);
	let registrar = sr25519::Pair::from_string("//Alice", None).unwrap();
	let fresh = |seed: &str| sr25519::Pair::from_string(&format!("//e2e//{seed}"), None).unwrap();
	let (service_a, service_b) = (fresh("record-service-a"), fresh("record-service-b"));
	let (senior, junior) = (fresh("doctor-senior"), fresh("doctor-junior"));
	let (provider, patient) = (fresh("provider"), fresh("patient"));

	// Onboarding (flow 1).
	let keys = KeyServiceNode::generate(&mut rng).expect("key service");
	let record_service =
		RecordService::generate(keys.abe_public_key().clone(), keys.schema().clone(), &mut rng)
			.expect("record service");
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
			endpoint: bounded(b"http://127.0.0.1:9000"),
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

	// Store (flow 2): three records in departments 3, 5 and 20, appended as one feeless batch
	// by a record service that never held a token.
	let patient_id = account(&patient);
	let patient_key = keys.patient_key(&bytes32(&patient_id));
	let policy = "epoch:0 and ((grade>=12 and title>=3) or (grade>=13 and title>=2) or emergency)";
	let mut store = ProviderStore::default();
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
		store.store(patient_id.clone(), seq as u32, prepared.bundle);
		batch.push((patient_id.clone(), prepared.entry));
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

	let verification: ChainVerification =
		chain.runtime_api("EmrApi_verify_chain", &patient_id).await.unwrap();
	assert_eq!(verification, ChainVerification { length: 3, first_broken: None });
	let entries: Vec<EmrEntry<medchain_client::runtime::Runtime>> =
		chain.runtime_api("EmrApi_entries", (&patient_id, 0u32, 10u32)).await.unwrap();
	assert_eq!(entries.len(), 3);
	for (entry, seq) in entries.iter().zip(0u32..) {
		let bundle = store.get(&patient_id, seq).unwrap();
		assert_eq!(entry.record.ciphertext_hash, sp_io::hashing::blake2_256(&bundle.ciphertext));
		assert_eq!(entry.record.shve_commitment, sp_io::hashing::blake2_256(&bundle.shve.encode()));
		// An audit challenge answered by the provider, checked by the wasm runtime through the
		// PDP host function against the hospital's key on chain.
		let seed = [seq as u8 + 1; 32];
		let (params, proof) = store
			.prove_possession(&patient_id, seq, &record_service.pdp_key(), &seed, &mut rng)
			.unwrap();
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
		&patient_id,
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

/// A doctor asks for departments `departments` of the patient's records; returns the request id
/// and the block number by which the token must be used.
async fn request_search(
	chain: &Chain,
	doctor: &sr25519::Pair,
	patient: &AccountId,
	departments: &[usize],
	delivery_key: [u8; 32],
) -> TokenScope {
	let query_hash = sp_io::hashing::blake2_256(
		&(departments.iter().map(|d| *d as u32).collect::<Vec<_>>(), delivery_key).encode(),
	);
	let requested = chain
		.submit(
			doctor,
			Access::request_access {
				patient: patient.clone(),
				target: pallet_medchain_access::AccessTarget::Search { query_hash },
				purpose: bounded(b"follow-up consultation"),
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
		query_commitment: query_hash,
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

fn decided(finalized: &Finalized) -> (u32, u32) {
	finalized
		.events
		.iter()
		.find_map(|e| match e {
			RuntimeEvent::Access(pallet_medchain_access::Event::AccessDecided {
				granted,
				denied,
				..
			}) => Some((*granted, *denied)),
			_ => None,
		})
		.expect("AccessDecided")
}

#[allow(clippy::too_many_arguments)]
async fn access_flow(
	chain: &Chain,
	keys: &KeyServiceNode,
	store: &ProviderStore,
	patient: &AccountId,
	provider: &sr25519::Pair,
	senior: &sr25519::Pair,
	junior: &sr25519::Pair,
	plaintexts: &[String],
	rng: &mut ChaCha20Rng,
) {
	use medchain_crypto::{abe::unwrap_key, envelope};
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
	let delivery =
		x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::random_from_rng(&mut *rng));

	// Find and read (flow 3): the senior doctor of the grade-12 hospital asks for departments 3
	// and 20; the key service signs a token for the logged request; the provider fulfils with
	// all three hosted entries, and the runtime's host function checks every claim.
	let scope = request_search(chain, senior, patient, &[3, 20], *delivery.as_bytes()).await;
	let request = scope.request_id;
	let token = keys.search_token(&bytes32(patient), &[3, 20], &scope, rng).unwrap();
	let claims = store.fulfil(patient, &hosted, &token.body).unwrap();
	assert_eq!(claims.iter().map(|(_, m)| *m).collect::<Vec<_>>(), vec![true, false, true]);
	let fulfilled =
		fulfil(chain, provider, request, token, claims).await.expect("fulfilment verified");
	assert_eq!(decided(&fulfilled), (2, 0), "both matching records granted");

	// The doctor opens the granted records with an ABE key for their attributes and checks
	// each ciphertext against the chain.
	let user_key = keys.doctor_key(3, 12, 0, &bytes32(&account(senior)), &[], rng).unwrap();
	for seq in [0u32, 2] {
		let grant = chain
			.storage::<pallet_medchain_access::Grant<medchain_client::runtime::Runtime>>(
				&pallet_medchain_access::Grants::<medchain_client::runtime::Runtime>::hashed_key_for(request, seq),
				None,
			)
			.await
			.unwrap();
		assert!(grant.is_some(), "grant of entry {seq} stored for the provider to check");
		let bundle = store.get(patient, seq).unwrap();
		let data_key = unwrap_key(&user_key, &bundle.wrapped_key, &bundle.record_id).unwrap();
		let binding = envelope::RecordBinding { record_id: bundle.record_id, version: 0 };
		let plaintext = envelope::decrypt(
			&envelope::DataKey::from_bytes(*data_key),
			&binding,
			&bundle.ciphertext,
		)
		.unwrap();
		assert_eq!(plaintext, plaintexts[seq as usize].as_bytes());
	}

	// A junior doctor of a grade-9 hospital: a provider that claims every record matches is
	// refused by the host function; the honest fulfilment matches two records, and the
	// runtime denies both under their policy.
	let scope = request_search(chain, junior, patient, &[3, 20], *delivery.as_bytes()).await;
	let request = scope.request_id;
	let token = keys.search_token(&bytes32(patient), &[3, 20], &scope, rng).unwrap();
	let honest = store.fulfil(patient, &hosted, &token.body).unwrap();
	let lying: Vec<_> = honest.iter().map(|(ct, _)| (ct.clone(), true)).collect();
	let refused = fulfil(chain, provider, request, token.clone(), lying)
		.await
		.expect_err("a false claim is refused");
	assert!(refused.to_string().contains("ClaimMismatch"), "{refused}");
	let fulfilled =
		fulfil(chain, provider, request, token, honest).await.expect("honest fulfilment verified");
	assert_eq!(decided(&fulfilled), (0, 2), "policy denies the junior doctor");

	// Trace (flow 5): the access chain verifies and tells who read what.
	let verification: ChainVerification =
		chain.runtime_api("AccessApi_verify_access_chain", patient).await.unwrap();
	assert_eq!(verification, ChainVerification { length: 4, first_broken: None });
	let history: Vec<AccessRecord> =
		chain.runtime_api("AccessApi_access_history", (patient, 0u32, 10u32)).await.unwrap();
	assert_eq!(history.len(), 4);
	let readers: Vec<Reader> =
		chain.runtime_api("AccessApi_readers_of", (patient, 0u32)).await.unwrap();
	assert_eq!(readers.iter().map(|r| r.doctor.clone()).collect::<Vec<_>>(), vec![account(senior)]);
	let readers: Vec<Reader> =
		chain.runtime_api("AccessApi_readers_of", (patient, 1u32)).await.unwrap();
	assert!(readers.is_empty(), "the non-matching record was never disclosed");
}
