#![allow(dead_code)] // Each test binary uses part of these helpers.

//! What the service test stands on: a registered world on a dev node, and the two stores the
//! service runs on (a directory, and an S3 bucket on a moto server), each inspected from
//! outside the service.

use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use medchain_client::{
	chain::Chain,
	cloud::{CloudClient, DevCloud, DevStore},
	devnode::DevNode,
	key_service::KeyServiceNode,
	record_service::{PreparedRecord, RecordMeta, RecordService},
	runtime::{AccountId, Runtime, RuntimeCall},
	storage::{self, upload_prefix, UploadHeader},
};
use medchain_crypto::shve::TokenScope;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use sp_core::{sr25519, Pair};
use x25519_dalek::StaticSecret;

type Registry = pallet_medchain_registry::Call<Runtime>;

pub fn sudo(call: impl Into<RuntimeCall>) -> RuntimeCall {
	pallet_sudo::Call::sudo { call: Box::new(call.into()) }.into()
}

fn bounded<S: frame_support::traits::Get<u32>>(bytes: &[u8]) -> frame_support::BoundedVec<u8, S> {
	bytes.to_vec().try_into().expect("fits the runtime's bound")
}

pub fn pair(path: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//cloud-test//{path}"), None).unwrap()
}

pub fn account(pair: &sr25519::Pair) -> AccountId {
	pair.public().into()
}

/// The largest bundle the service under test takes.
pub const MAX_BUNDLE: u64 = 128 << 20;

/// Blocks a receipt of the service under test counts for: more than appending takes.
pub const RECEIPT_BLOCKS: u32 = 10;

/// Starts the service on `store` against `node`, as the world's provider, on the port its
/// registered endpoint names (audits fetch answers there).
pub async fn start(node: &DevNode, world: &World, store: &DevStore) -> DevCloud {
	start_on(&node.url, world, store).await
}

/// [`start`] against the node at WebSocket URL `rpc`.
pub async fn start_on(rpc: &str, world: &World, store: &DevStore) -> DevCloud {
	DevCloud::start_binary_on(
		Path::new(env!("CARGO_BIN_EXE_medchain-cloud")),
		rpc,
		store,
		"//cloud-test//provider",
		&[
			"--max-bundle-bytes",
			&MAX_BUNDLE.to_string(),
			"--receipt-blocks",
			&RECEIPT_BLOCKS.to_string(),
			"--retention-check-secs",
			"1",
		],
		world.cloud_port,
	)
	.await
	.expect("medchain-cloud starts")
}

/// The accounts and keys of the test, registered on the dev node.
pub struct World {
	pub chain: Chain,
	/// Record services of hospital 0 (the author of the records) and hospital 1 (which
	/// operates the provider).
	pub services: [sr25519::Pair; 2],
	pub records: RecordService,
	pub keys: KeyServiceNode,
	pub patient_pair: sr25519::Pair,
	pub patient: AccountId,
	pub provider: AccountId,
	/// A doctor of hospital 0 with the patient's consent, and one without.
	pub doctor: sr25519::Pair,
	pub other_doctor: sr25519::Pair,
	/// How many entries the patient's EMR chain holds.
	pub appended: u32,
	/// The first doctor's device: its public key is the delivery key of every request, and
	/// downloads are sealed to it.
	pub device: StaticSecret,
	/// The port the provider's service listens on: its registered endpoint.
	pub cloud_port: u16,
	pub rng: ChaCha20Rng,
}

impl World {
	/// Hospitals 0 and 1, the provider operated by hospital 1, a patient (the dev chain's
	/// allowlist holds `emergency` already), two doctors of hospital 0 and the patient's
	/// consent for the first.
	pub async fn register(node: &DevNode) -> Self {
		Self::register_on(&node.url).await
	}

	/// [`World::register`] on the node at WebSocket URL `rpc`, whose chain has Alice as sudo
	/// and `emergency` allowlisted (the `dev` and `local` presets).
	pub async fn register_on(rpc: &str) -> Self {
		let chain = Chain::connect(rpc).await.expect("connects");
		let mut rng = ChaCha20Rng::seed_from_u64(14);
		let keys = KeyServiceNode::generate(&mut rng).unwrap();
		let records =
			RecordService::generate(keys.abe_public_key().clone(), keys.schema().clone(), &mut rng)
				.unwrap();
		let services = [pair("service-a"), pair("service-b")];
		let provider = account(&pair("provider"));
		let patient_pair = pair("patient");
		let patient = account(&patient_pair);
		let (doctor, other_doctor) = (pair("doctor"), pair("other-doctor"));
		let registrar = sr25519::Pair::from_string("//Alice", None).unwrap();
		let cloud_port = medchain_client::devnode::free_port().expect("a free port");
		// The key service's public parameters and its first key epoch: a record's policy
		// names the epoch (`epoch:0`), which a doctor holds only once it has started.
		let mut calls: Vec<RuntimeCall> = vec![
			sudo(Registry::set_public_parameters {
				abe_public_key: bounded(&keys.abe_public_key().to_bytes()),
				token_signing_key: keys.token_signing_key(),
				shve_schema: keys.schema().id as u16,
			}),
			sudo(Registry::start_key_epoch {}),
		];
		calls.extend(services.iter().map(|service| {
			sudo(Registry::register_hospital {
				record_service: account(service),
				name: bounded(b"Hospital"),
				grade: 12,
				pdp_public_key: bounded(&records.pdp_public_key()),
				validator: None,
			})
		}));
		calls.push(sudo(Registry::register_provider {
			provider: provider.clone(),
			operator: Some(1),
			endpoint: bounded(format!("http://127.0.0.1:{cloud_port}").as_bytes()),
		}));
		calls.push(sudo(Registry::register_patient {
			patient: patient.clone(),
			identity_commitment: [3; 32],
		}));
		for result in chain.submit_all(&registrar, calls).await {
			result.expect("registered");
		}
		let doctors = [&doctor, &other_doctor].map(|doctor| {
			sudo(Registry::register_doctor {
				doctor: account(doctor),
				hospital: 0,
				title: 3,
				attributes: Default::default(),
			})
		});
		for result in chain.submit_all(&registrar, doctors.into()).await {
			result.expect("doctor registered");
		}
		let world = Self {
			chain,
			services,
			records,
			keys,
			patient_pair,
			patient,
			provider,
			doctor,
			other_doctor,
			appended: 0,
			device: StaticSecret::from([0xde; 32]),
			cloud_port,
			rng,
		};
		world.consent(true).await;
		world
	}

	/// Sets (or clears) the patient's consent for the first doctor.
	pub async fn consent(&self, granted: bool) {
		type Access = pallet_medchain_access::Call<Runtime>;
		let scope = pallet_medchain_access::ConsentScope::Doctor(account(&self.doctor));
		let call: RuntimeCall = if granted {
			Access::set_consent {
				patient: self.patient.clone(),
				scope,
				granted: true,
				purpose: None,
				expires_at: None,
			}
			.into()
		} else {
			Access::clear_consent { patient: self.patient.clone(), scope }.into()
		};
		self.chain.submit(&self.patient_pair, call).await.expect("consent changed");
	}

	/// The first doctor asks for entry `seq` on the patient's consent; returns the request id.
	pub async fn request(&self, seq: u32) -> u64 {
		self.request_records(&[seq]).await
	}

	/// The first doctor's delivery key.
	pub fn delivery_key(&self) -> [u8; 32] {
		x25519_dalek::PublicKey::from(&self.device).to_bytes()
	}

	/// The first doctor asks for `target` on the patient's consent; the request's events.
	async fn request_access(
		&self,
		target: pallet_medchain_access::AccessTarget<Runtime>,
	) -> Vec<medchain_client::runtime::RuntimeEvent> {
		let call = pallet_medchain_access::Call::<Runtime>::request_access {
			patient: self.patient.clone(),
			target,
			purpose: pallet_medchain_access::Purpose::Treatment,
			basis: pallet_medchain_access::Basis::Consent,
			delivery_key: self.delivery_key(),
		};
		self.chain.submit(&self.doctor, call.into()).await.expect("logged").events
	}

	/// The first doctor asks, on the patient's consent, for a search of departments
	/// `departments`; returns the scope the key service signs a token for.
	pub async fn request_search(&self, departments: &[usize], salt: &[u8; 32]) -> TokenScope {
		let query_commitment =
			medchain_client::access::search_commitment(self.keys.schema(), departments, salt)
				.expect("a department query");
		let events = self
			.request_access(pallet_medchain_access::AccessTarget::Search {
				query_commitment,
				all_records: false,
			})
			.await;
		let request_id = events
			.iter()
			.find_map(|event| match event {
				medchain_client::runtime::RuntimeEvent::Access(
					pallet_medchain_access::Event::AccessRequested { request_id, .. },
				) => Some(*request_id),
				_ => None,
			})
			.expect("AccessRequested");
		TokenScope {
			request_id,
			expires_at: self.chain.best_number().await.unwrap() + 30,
			genesis_hash: self.chain.genesis_hash().0,
			query_commitment,
		}
	}

	/// The authoring record service erases entry `seq`: it leaves the provider's hosted list.
	pub async fn erase(&self, seq: u32) {
		let call = pallet_medchain_emr::Call::<Runtime>::erase_record {
			patient: self.patient.clone(),
			seq,
		};
		self.chain.submit(&self.services[0], call.into()).await.expect("erased");
	}

	/// The first doctor asks for entries `seqs` (at most 64) on the patient's consent, and
	/// every one is granted; returns the request id.
	pub async fn request_records(&self, seqs: &[u32]) -> u64 {
		let requested = self
			.request_access(pallet_medchain_access::AccessTarget::Records(
				seqs.to_vec().try_into().expect("at most MaxRecordsPerRequest"),
			))
			.await;
		let mut request = None;
		let mut decided = None;
		for event in &requested {
			if let medchain_client::runtime::RuntimeEvent::Access(event) = event {
				match event {
					pallet_medchain_access::Event::AccessRequested { request_id, .. } => {
						request = Some(*request_id)
					},
					pallet_medchain_access::Event::AccessDecided { granted, denied, .. } => {
						decided = Some((*granted, *denied))
					},
					_ => {},
				}
			}
		}
		let all = Some((seqs.len() as u32, 0));
		assert_eq!(decided, all, "entries {seqs:?} granted: {requested:?}");
		request.expect("AccessRequested")
	}

	pub fn prepare(&mut self, bytes: usize) -> PreparedRecord {
		self.prepare_in(bytes, 3)
	}

	/// A record of `bytes` bytes in department `department`.
	pub fn prepare_in(&mut self, bytes: usize, department: usize) -> PreparedRecord {
		let patient_key = self.keys.patient_key(self.patient.as_ref());
		let plaintext = vec![0x42u8; bytes];
		self.records
			.prepare(
				&patient_key,
				&plaintext,
				RecordMeta {
					department,
					policy: "epoch:0 and ((grade>=12 and title>=3) or emergency)",
					provider: self.provider.clone(),
					description: "outpatient record",
					supersedes: None,
				},
				&mut self.rng,
			)
			.unwrap()
	}

	pub fn header(&self, signer: &sr25519::Pair, prepared: &PreparedRecord) -> UploadHeader {
		let genesis = self.chain.genesis_hash().0;
		storage::upload_header(signer, genesis, &self.provider, &self.patient, prepared)
	}
}

/// The bytes of an upload: its framed header and tags, then the ciphertext.
pub fn body(header: &UploadHeader, prepared: &PreparedRecord) -> Vec<u8> {
	let mut body = upload_prefix(header, &prepared.bundle.pdp_tags);
	body.extend_from_slice(&prepared.bundle.ciphertext);
	body
}

/// The store under the service, and what the test sees in it without the service.
pub enum Backing {
	/// A directory.
	Dir(PathBuf),
	/// A bucket on a moto server, under a prefix.
	S3 { moto: Box<CloudClient>, endpoint: String, bucket: String, prefix: String },
}

impl Backing {
	/// What the service is started with.
	pub fn dev_store(&self) -> DevStore {
		match self {
			Self::Dir(dir) => DevStore::Dir(dir.clone()),
			Self::S3 { endpoint, bucket, prefix, .. } => DevStore::S3 {
				url: format!("s3://{bucket}/{prefix}"),
				env: [
					("AWS_ACCESS_KEY_ID", "medchain-test"),
					("AWS_SECRET_ACCESS_KEY", "medchain-test"),
					("AWS_REGION", "us-east-1"),
					("AWS_ENDPOINT_URL", endpoint.as_str()),
					("AWS_ALLOW_HTTP", "true"),
				]
				.map(|(k, v)| (k.to_owned(), v.to_owned()))
				.into(),
			},
		}
	}

	/// Whether anything is stored under `locator` of `patient` (bundle or metadata).
	pub async fn stored(&self, patient: &AccountId, locator: &[u8]) -> bool {
		let (patient, locator) = (hex::encode(patient), hex::encode(locator));
		match self {
			Self::Dir(dir) => {
				let bundles = dir.join("bundles").join(patient);
				bundles.join(&locator).exists() || bundles.join(format!("{locator}.meta")).exists()
			},
			Self::S3 { moto, bucket, prefix, .. } => {
				let list =
					format!("/{bucket}?list-type=2&prefix={prefix}/bundles/{patient}/{locator}");
				let (_, body) = moto.get(&list).await.expect("moto lists");
				String::from_utf8_lossy(&body).contains("<Contents>")
			},
		}
	}

	/// Whether the staging area lists nothing: what a restart's sweep leaves.
	pub async fn staging_is_empty(&self) -> bool {
		match self {
			Self::Dir(dir) => std::fs::read_dir(dir.join("staging"))
				.map_or(true, |mut entries| entries.next().is_none()),
			Self::S3 { moto, bucket, prefix, .. } => {
				let list = format!("/{bucket}?list-type=2&prefix={prefix}/staging/");
				let (_, body) = moto.get(&list).await.expect("moto lists");
				!String::from_utf8_lossy(&body).contains("<Contents>")
			},
		}
	}

	/// Whether an upload has written a first part of its staging data: files in the staging
	/// directory, or an S3 multipart upload under the staging prefix with a part.
	pub async fn upload_in_progress(&self) -> bool {
		match self {
			Self::Dir(_) => !self.staging_is_empty().await,
			Self::S3 { moto, bucket, prefix, .. } => {
				let (_, body) = moto.get(&format!("/{bucket}?uploads")).await.expect("moto lists");
				let uploads = String::from_utf8_lossy(&body).into_owned();
				let staging = format!("{prefix}/staging/");
				// Each `<Upload>` element names its key and upload id, in either order.
				let Some((key, id)) = uploads.split("<Upload>").skip(1).find_map(|upload| {
					let key = between(upload, "<Key>", "</Key>");
					key.starts_with(&staging)
						.then(|| (key.to_owned(), between(upload, "<UploadId>", "</UploadId>")))
				}) else {
					return false;
				};
				let id: String = id
					.bytes()
					.map(|b| match b {
						b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
							(b as char).to_string()
						},
						other => format!("%{other:02X}"),
					})
					.collect();
				let (_, parts) =
					moto.get(&format!("/{bucket}/{key}?uploadId={id}")).await.expect("parts");
				String::from_utf8_lossy(&parts).contains("<Part>")
			},
		}
	}
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
	let start = text.find(open).map_or(0, |i| i + open.len());
	let end = text[start..].find(close).map_or(text.len(), |i| start + i);
	&text[start..end]
}

/// A moto S3 server (`scripts/setup.sh` installs it), killed on drop.
pub struct Moto {
	child: Child,
	pub endpoint: String,
}

impl Moto {
	/// Starts `$MEDCHAIN_MOTO_SERVER` (else the one setup.sh installs) on a free port, waits
	/// until it answers and creates bucket `bucket`.
	pub async fn start(bucket: &str) -> Self {
		let binary =
			std::env::var_os("MEDCHAIN_MOTO_SERVER").map(PathBuf::from).unwrap_or_else(|| {
				let home = std::env::var_os("HOME").expect("HOME is set");
				Path::new(&home).join(".cache/medchain/s3-venv/bin/moto_server")
			});
		assert!(
			binary.is_file(),
			"no S3 server at {}: run scripts/setup.sh (it installs moto[server]) or set \
			 MEDCHAIN_MOTO_SERVER",
			binary.display()
		);
		let port =
			std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).unwrap().port();
		let child = Command::new(&binary)
			.args(["-H", "127.0.0.1", "-p", &port.to_string()])
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.expect("moto_server starts");
		let moto = Self { child, endpoint: format!("http://127.0.0.1:{port}") };
		let client = moto.client();
		let deadline = Instant::now() + Duration::from_secs(60);
		while client.get("/").await.is_err() {
			assert!(Instant::now() < deadline, "moto_server did not answer in 60 s");
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
		let empty = Full::new(Bytes::new()).map_err(|never| match never {}).boxed();
		let create = client.request("PUT", &format!("/{bucket}")).body(empty).unwrap();
		let (status, _) = client.send(create).await.expect("bucket created");
		assert!(status.is_success(), "creating the bucket: {status}");
		moto
	}

	/// A plain HTTP client of the server (moto does not check request signatures).
	pub fn client(&self) -> CloudClient {
		CloudClient::new(&self.endpoint)
	}
}

impl Drop for Moto {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// Uploads `prepared`, appends its entry with the receipt and returns the entry's position.
pub async fn upload_and_append(
	world: &mut World,
	client: &CloudClient,
	prepared: &PreparedRecord,
) -> u32 {
	let header = world.header(&world.services[0], prepared);
	let ciphertext = Bytes::from(prepared.bundle.ciphertext.clone());
	let answer = client.upload(&header, &prepared.bundle.pdp_tags, ciphertext).await.unwrap();
	let mut entry = prepared.entry.clone();
	answer.fill(&mut entry);
	let append = pallet_medchain_emr::Call::<Runtime>::append_record {
		patient: world.patient.clone(),
		record: entry,
	};
	world.chain.submit(&world.services[0], append.into()).await.expect("appended");
	world.appended += 1;
	world.appended - 1
}
