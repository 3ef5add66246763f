//! medchain-cloud as a process over HTTP against a real dev node: an upload answered with a
//! receipt the chain accepts; every bad upload refused with its documented code and nothing of
//! it stored; a restart after `kill -9` that keeps what was stored and sweeps what was not; a
//! bundle no entry lists deleted after the retention time, an appended one kept.

use std::path::Path;

use bytes::Bytes;
use futures::StreamExt;
use medchain_client::{
	chain::Chain,
	cloud::{CloudClient, DevCloud},
	devnode::DevNode,
	key_service::KeyServiceNode,
	record_service::{PreparedRecord, RecordMeta, RecordService},
	runtime::{AccountId, Runtime, RuntimeCall},
	storage::{self, upload_prefix, UploadHeader},
	Error,
};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_core::{sr25519, Pair};

type Registry = pallet_medchain_registry::Call<Runtime>;

fn sudo(call: impl Into<RuntimeCall>) -> RuntimeCall {
	pallet_sudo::Call::sudo { call: Box::new(call.into()) }.into()
}

fn bounded<S: frame_support::traits::Get<u32>>(bytes: &[u8]) -> frame_support::BoundedVec<u8, S> {
	bytes.to_vec().try_into().expect("fits the runtime's bound")
}

fn pair(path: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//cloud-test//{path}"), None).unwrap()
}

fn account(pair: &sr25519::Pair) -> AccountId {
	pair.public().into()
}

/// The largest bundle the service under test takes.
const MAX_BUNDLE: u64 = 16 << 20;

/// How long the service under test keeps a bundle no entry lists: longer than appending takes.
const UNLISTED_TTL: std::time::Duration = std::time::Duration::from_secs(20);

async fn start(node: &DevNode, dir: &Path) -> DevCloud {
	let limit = MAX_BUNDLE.to_string();
	DevCloud::start_binary(
		Path::new(env!("CARGO_BIN_EXE_medchain-cloud")),
		&node.url,
		dir,
		"//cloud-test//provider",
		&[
			"--max-bundle-bytes",
			&limit,
			"--unlisted-ttl-secs",
			&UNLISTED_TTL.as_secs().to_string(),
			"--retention-check-secs",
			"1",
		],
	)
	.await
	.expect("medchain-cloud starts")
}

/// The code of a refusal, or a panic for anything else.
fn code(result: medchain_client::Result<medchain_client::cloud::UploadReceipt>) -> (u16, String) {
	match result {
		Err(Error::Service { status, code, .. }) => (status, code),
		other => panic!("expected a refusal, got {other:?}"),
	}
}

/// Whether the store holds anything under `locator` of `patient` (bundle or metadata).
fn stored(dir: &Path, patient: &AccountId, locator: &[u8]) -> bool {
	let bundles = dir.join("bundles").join(hex::encode(patient));
	let name = hex::encode(locator);
	bundles.join(&name).exists() || bundles.join(format!("{name}.meta")).exists()
}

fn staging_is_empty(dir: &Path) -> bool {
	std::fs::read_dir(dir.join("staging")).map_or(true, |mut entries| entries.next().is_none())
}

struct World {
	chain: Chain,
	services: [sr25519::Pair; 2],
	records: RecordService,
	keys: KeyServiceNode,
	patient: AccountId,
	provider: AccountId,
	rng: ChaCha20Rng,
}

impl World {
	/// Hospital 0 (record service `services[0]`), hospital 1 operating the provider, a patient
	/// (the dev chain's allowlist holds `emergency` already).
	async fn register(node: &DevNode) -> Self {
		let chain = Chain::connect(&node.url).await.expect("connects");
		let mut rng = ChaCha20Rng::seed_from_u64(14);
		let keys = KeyServiceNode::generate(&mut rng).unwrap();
		let records =
			RecordService::generate(keys.abe_public_key().clone(), keys.schema().clone(), &mut rng)
				.unwrap();
		let services = [pair("service-a"), pair("service-b")];
		let provider = account(&pair("provider"));
		let patient = account(&pair("patient"));
		let registrar = sr25519::Pair::from_string("//Alice", None).unwrap();
		let mut calls: Vec<RuntimeCall> = services
			.iter()
			.map(|service| {
				sudo(Registry::register_hospital {
					record_service: account(service),
					name: bounded(b"Hospital"),
					grade: 12,
					pdp_public_key: bounded(&records.pdp_public_key()),
					validator: None,
				})
			})
			.collect();
		calls.push(sudo(Registry::register_provider {
			provider: provider.clone(),
			operator: Some(1),
			endpoint: bounded(b"http://127.0.0.1:8710"),
		}));
		calls.push(sudo(Registry::register_patient {
			patient: patient.clone(),
			identity_commitment: [3; 32],
		}));
		for result in chain.submit_all(&registrar, calls).await {
			result.expect("registered");
		}
		Self { chain, services, records, keys, patient, provider, rng }
	}

	fn prepare(&mut self, bytes: usize) -> PreparedRecord {
		let patient_key = self.keys.patient_key(self.patient.as_ref());
		let plaintext = vec![0x42u8; bytes];
		self.records
			.prepare(
				&patient_key,
				&plaintext,
				RecordMeta {
					department: 3,
					policy: "epoch:0 and ((grade>=12 and title>=3) or emergency)",
					provider: self.provider.clone(),
					description: "outpatient record",
					supersedes: None,
				},
				&mut self.rng,
			)
			.unwrap()
	}

	fn header(&self, signer: &sr25519::Pair, prepared: &PreparedRecord) -> UploadHeader {
		let genesis = self.chain.genesis_hash().0;
		storage::upload_header(signer, genesis, &self.provider, &self.patient, prepared)
	}
}

fn body(header: &UploadHeader, prepared: &PreparedRecord) -> Vec<u8> {
	let mut body = upload_prefix(header, &prepared.bundle.pdp_tags);
	body.extend_from_slice(&prepared.bundle.ciphertext);
	body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_checked_receipted_and_survive_a_crash() {
	let node = DevNode::start().expect("dev node starts");
	let mut world = World::register(&node).await;
	let dir = tempfile::tempdir().unwrap();
	let mut cloud = start(&node, dir.path()).await;
	let client: CloudClient = cloud.client();
	let genesis = world.chain.genesis_hash().0;

	// A good upload: stored, and its receipt is the provider's signature over the receipt
	// statement the runtime will rebuild from the entry.
	let good = world.prepare(20_000);
	let header = world.header(&world.services[0], &good);
	let ciphertext = Bytes::from(good.bundle.ciphertext.clone());
	let answer = client.upload(&header, &good.bundle.pdp_tags, ciphertext.clone()).await.unwrap();
	assert_eq!(answer.outcome, "stored");
	let receipt = sr25519::Signature::from_raw(answer.receipt).into();
	let message = storage::receipt_message(genesis, &world.provider, &header.bundle);
	assert!(storage::verify(&receipt, &message, &world.provider));
	assert!(stored(dir.path(), &world.patient, &header.bundle.locator));
	// The record service appends the entry with that receipt; the runtime checks it.
	let mut entry = good.entry.clone();
	entry.receipt = receipt;
	let append = pallet_medchain_emr::Call::<Runtime>::append_record {
		patient: world.patient.clone(),
		record: entry,
	};
	world.chain.submit(&world.services[0], append.into()).await.expect("appended with the receipt");

	// Bad uploads, each with its code, none of them stored.
	let locator = |prepared: &PreparedRecord| prepared.entry.locator.to_vec();
	let patient = world.patient.clone();
	let mut refused = Vec::new();

	let bad = world.prepare(20_000);
	let mut unsigned = world.header(&world.services[0], &bad);
	unsigned.signature = [0; 64];
	refused.push((
		"unsigned",
		code(client.upload_raw(&patient, &locator(&bad), body(&unsigned, &bad).into()).await),
		(401, "bad_signature"),
	));
	let mut forged = world.header(&world.services[0], &bad);
	forged.signature = world.header(&pair("stranger"), &bad).signature;
	refused.push((
		"signed by another key",
		code(client.upload_raw(&patient, &locator(&bad), body(&forged, &bad).into()).await),
		(401, "bad_signature"),
	));
	let stranger = world.header(&pair("stranger"), &bad);
	refused.push((
		"an unregistered signer",
		code(client.upload_raw(&patient, &locator(&bad), body(&stranger, &bad).into()).await),
		(403, "not_a_record_service"),
	));
	let own = world.header(&world.services[1], &bad);
	refused.push((
		"a record of the provider's operator",
		code(client.upload_raw(&patient, &locator(&bad), body(&own, &bad).into()).await),
		(403, "own_operator"),
	));
	let signed = world.header(&world.services[0], &bad);
	let full = body(&signed, &bad);
	refused.push((
		"a truncated ciphertext",
		code(
			client
				.upload_raw(&patient, &locator(&bad), full[..full.len() - 100].to_vec().into())
				.await,
		),
		(400, "body_mismatch"),
	));
	let prefix_len = full.len() - bad.bundle.ciphertext.len();
	refused.push((
		"a body cut inside its tags",
		code(
			client
				.upload_raw(&patient, &locator(&bad), full[..prefix_len - 10].to_vec().into())
				.await,
		),
		(400, "truncated"),
	));
	let mut wrong_tags = bad.bundle.pdp_tags.clone();
	wrong_tags.swap(0, 1);
	let mut swapped = upload_prefix(&signed, &wrong_tags);
	swapped.extend_from_slice(&bad.bundle.ciphertext);
	refused.push((
		"swapped PDP tags",
		code(client.upload_raw(&patient, &locator(&bad), swapped.into()).await),
		(422, "bad_tags"),
	));
	refused.push((
		"garbage",
		code(client.upload_raw(&patient, &locator(&bad), vec![0x5a; 5000].into()).await),
		(400, "bad_frame"),
	));
	// A statement, correctly signed, for a bundle over the limit: refused before its body.
	let mut big = world.header(&world.services[0], &bad);
	big.bundle.size = MAX_BUNDLE + 1;
	let message = storage::upload_message(genesis, &world.provider, &big.bundle);
	big.signature = world.services[0].sign(&message).0;
	refused.push((
		"a bundle over the limit",
		code(client.upload_raw(&patient, &locator(&bad), body(&big, &bad).into()).await),
		(413, "body_too_large"),
	));
	for (what, got, (status, expected)) in &refused {
		assert_eq!((got.0, got.1.as_str()), (*status, *expected), "{what}");
	}
	assert!(!stored(dir.path(), &patient, &locator(&bad)), "nothing of a refused upload stays");
	assert!(staging_is_empty(dir.path()));

	// The service dies without warning (SIGKILL) in the middle of a 12 MB upload, after a first
	// 5 MiB part is on disk; after a restart nothing of that upload is listed or kept, the
	// stored bundle still is, and both uploads retried succeed, the first with its receipt.
	let cut = world.prepare(12 << 20);
	let cut_header = world.header(&world.services[0], &cut);
	let cut_body = body(&cut_header, &cut);
	let half = Bytes::from(cut_body[..8 << 20].to_vec());
	let (sender, receiver) = tokio::sync::oneshot::channel::<()>();
	let frames = futures::stream::iter([Ok::<_, std::io::Error>(hyper::body::Frame::data(half))])
		.chain(futures::stream::once(async move {
			let _ = receiver.await;
			Err(std::io::Error::other("never sent"))
		}));
	let slow = client.clone();
	let (patient_c, locator_c) = (patient.clone(), locator(&cut));
	let pending = tokio::spawn(async move {
		use http_body_util::{BodyExt, StreamBody};
		let path = format!(
			"/v1/bundles/{}/{}",
			sp_core::crypto::Ss58Codec::to_ss58check(&patient_c),
			hex::encode(&locator_c)
		);
		let request = slow.request("PUT", &path).body(BodyExt::boxed(StreamBody::new(frames)));
		slow.send(request.unwrap()).await
	});
	// Until the first part is written: the staging area is no longer empty.
	let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
	while staging_is_empty(dir.path()) {
		assert!(std::time::Instant::now() < deadline, "the upload never reached the disk");
		tokio::time::sleep(std::time::Duration::from_millis(100)).await;
	}
	cloud.kill();
	assert!(!staging_is_empty(dir.path()), "the killed upload left staging data");
	drop(sender);
	let _ = pending.await;
	assert!(!stored(dir.path(), &patient, &locator(&cut)), "no partial bundle after a crash");

	let cloud = start(&node, dir.path()).await;
	let client = cloud.client();
	assert!(staging_is_empty(dir.path()), "the restart swept the staging area");
	let again = client.upload(&header, &good.bundle.pdp_tags, ciphertext).await.unwrap();
	assert_eq!((again.outcome.as_str(), again.receipt), ("already_stored", answer.receipt));
	let retried = client.upload_raw(&patient, &locator(&cut), cut_body.into()).await.unwrap();
	assert_eq!(retried.outcome, "stored");

	// Past the retention time, the bundle no entry lists is deleted and the appended one stays.
	tokio::time::sleep(UNLISTED_TTL + std::time::Duration::from_secs(3)).await;
	assert!(!stored(dir.path(), &patient, &locator(&cut)), "an unlisted bundle is deleted");
	assert!(stored(dir.path(), &patient, &header.bundle.locator), "a listed bundle stays");

	// Counted in the metrics.
	let (_, metrics) = client.get("/metrics").await.unwrap();
	let metrics = String::from_utf8_lossy(&metrics);
	assert!(metrics.contains("medchain_cloud_uploads_total{outcome=\"stored\"} 1"), "{metrics}");
	assert!(metrics.contains("medchain_cloud_uploads_total{outcome=\"already_stored\"} 1"));
	assert!(metrics.contains("medchain_cloud_uploads_total{outcome=\"deleted_unlisted\"} 1"));
}
