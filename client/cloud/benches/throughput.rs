//! medchain-cloud's throughput against a dev node, each figure beside a baseline of the same
//! run (issue 14's performance figures; the README's performance table):
//!
//! 1. one large record (1 GiB by default) uploaded and downloaded through the service on the
//!    filesystem backend, against copying the same ciphertext on the same disk (with fsync,
//!    as the service writes); the service's peak resident memory (`VmHWM`) read from `/proc`;
//! 2. `--clients` concurrent clients uploading, then downloading, `--records` records of
//!    `--record-bytes` (1.4 MB, S2's average record): records per second, p50 and p99
//!    latency, and the errors (there must be none);
//! 3. the audit answer (a masked proof over the 460 challenged blocks, from ranged reads)
//!    for a 1.4 MB and a 35 MB record.
//!
//! ```sh
//! cargo bench --workspace --bench throughput --profile dev -- --large-mb 1024
//! ```
//!
//! `--workspace` (only this crate has a `throughput` bench) builds with the features of the
//! whole workspace, as `cargo test --workspace` does; `-p medchain-cloud` would resolve
//! features for this crate alone and rebuild a good part of the tree, binaryen included.
//!
//! `--profile dev` measures the binaries the tests and the devnet run (their crypto crates
//! at opt-level 3); a release build measures the binaries a hospital deploys.

// The registered world of the service test; the benchmark uses only part of it.
#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::{
	path::Path,
	sync::{
		atomic::{AtomicUsize, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

use bytes::Bytes;
use medchain_client::{
	cloud::{CloudClient, DevCloud, DevStore, DownloadRequest, UploadReceipt},
	devnode::DevNode,
	record_service::PreparedRecord,
	runtime::{AccountId, Runtime, RuntimeCall},
};
use support::World;

/// The command line: `--name value` pairs (cargo's own `--bench` flag is ignored).
struct Args {
	large_mb: usize,
	clients: usize,
	records: usize,
	record_bytes: usize,
}

impl Args {
	fn parse() -> Self {
		let mut args = Self { large_mb: 1024, clients: 64, records: 256, record_bytes: 1_400_000 };
		let mut words = std::env::args().skip(1).filter(|w| w != "--bench");
		while let Some(flag) = words.next() {
			let value: usize = words
				.next()
				.and_then(|v| v.parse().ok())
				.unwrap_or_else(|| panic!("{flag} takes a number"));
			match flag.as_str() {
				"--large-mb" => args.large_mb = value,
				"--clients" => args.clients = value,
				"--records" => args.records = value,
				"--record-bytes" => args.record_bytes = value,
				other => panic!("unknown flag {other}"),
			}
		}
		args
	}
}

fn mb_per_s(bytes: usize, took: Duration) -> f64 {
	bytes as f64 / 1e6 / took.as_secs_f64()
}

/// The `q` quantile of `sorted` (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> Duration {
	let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
	sorted[rank - 1]
}

/// The peak resident memory of process `pid`, in MiB.
fn peak_rss_mib(pid: u32) -> f64 {
	let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
	let kib: f64 = status
		.lines()
		.find_map(|line| line.strip_prefix("VmHWM:"))
		.and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
		.unwrap_or(f64::NAN);
	kib / 1024.0
}

/// Uploads `prepared` as the world's first record service; returns the answer.
async fn upload(world: &World, client: &CloudClient, prepared: &PreparedRecord) -> UploadReceipt {
	let header = world.header(&world.services[0], prepared);
	let ciphertext = Bytes::from(prepared.bundle.ciphertext.clone());
	client.upload(&header, &prepared.bundle.pdp_tags, ciphertext).await.expect("uploaded")
}

/// Appends the uploaded records in batches; returns their positions.
async fn append(world: &mut World, records: &[(&PreparedRecord, &UploadReceipt)]) -> Vec<u32> {
	let mut calls: Vec<RuntimeCall> = Vec::new();
	for chunk in records.chunks(32) {
		let batch: Vec<_> = chunk
			.iter()
			.map(|(prepared, answer)| {
				let mut entry = prepared.entry.clone();
				answer.fill(&mut entry);
				(world.patient.clone(), entry)
			})
			.collect();
		let records = batch.try_into().expect("within MaxEmrBatch");
		calls.push(pallet_medchain_emr::Call::<Runtime>::append_records { records }.into());
	}
	for result in world.chain.submit_all(&world.services[0], calls).await {
		result.expect("appended");
	}
	let first = world.appended;
	world.appended += records.len() as u32;
	(first..world.appended).collect()
}

/// One request (the world's doctor, on the patient's consent) per 64 positions; returns the
/// request of each position.
async fn grant(world: &World, seqs: &[u32]) -> Vec<u64> {
	let mut requests = Vec::new();
	for chunk in seqs.chunks(64) {
		let request = world.request_records(chunk).await;
		requests.extend(chunk.iter().map(|_| request));
	}
	requests
}

/// The download of entry `seq` of `patient` from `provider` under `request`, signed to count
/// up to block `not_after`.
fn download_of<'a>(
	provider: &'a AccountId,
	patient: &'a AccountId,
	seq: u32,
	request: u64,
	not_after: u32,
) -> DownloadRequest<'a> {
	DownloadRequest { provider, patient, seq, request, not_after, range: None }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
	let args = Args::parse();
	let node = DevNode::start().expect("dev node starts");
	let mut world = World::register(&node).await;
	let dir = tempfile::tempdir().unwrap();
	let store = DevStore::Dir(dir.path().join("store"));
	let max_bundle = ((args.large_mb + 64) << 20).to_string();
	let cloud = DevCloud::start_binary(
		Path::new(env!("CARGO_BIN_EXE_medchain-cloud")),
		&node.url,
		&store,
		"//cloud-test//provider",
		&["--max-bundle-bytes", &max_bundle, "--rate", "100000", "--burst", "100000"],
	)
	.await
	.expect("medchain-cloud starts");
	let client = cloud.client();
	let genesis = world.chain.genesis_hash().0;
	let (provider, patient): (AccountId, AccountId) =
		(world.provider.clone(), world.patient.clone());

	// 1. One large record, against a copy of its ciphertext on the same disk.
	let started = Instant::now();
	let large = world.prepare(args.large_mb << 20);
	let size = large.bundle.ciphertext.len();
	println!("prepared a {} MB record in {:.1?}", size / 1_000_000, started.elapsed());
	let source = dir.path().join("baseline-source");
	std::fs::write(&source, &large.bundle.ciphertext).unwrap();
	std::fs::File::open(&source).unwrap().sync_all().unwrap();
	let started = Instant::now();
	let copy = dir.path().join("baseline-copy");
	std::fs::copy(&source, &copy).unwrap();
	std::fs::File::open(&copy).unwrap().sync_all().unwrap();
	let copied = started.elapsed();
	std::fs::remove_file(&copy).unwrap();
	let started = Instant::now();
	let answer = upload(&world, &client, &large).await;
	let uploaded = started.elapsed();
	let seqs = append(&mut world, &[(&large, &answer)]).await;
	let requests = grant(&world, &seqs).await;
	let now = world.chain.best_number().await.unwrap();
	let started = Instant::now();
	let bytes = client
		.download(
			&world.doctor,
			genesis,
			&download_of(&provider, &patient, seqs[0], requests[0], now + 500),
			&world.device,
		)
		.await
		.expect("downloaded");
	let downloaded = started.elapsed();
	assert_eq!(bytes.len(), size);
	drop(bytes);
	let copy_rate = mb_per_s(size, copied);
	println!(
		"large record, {} MB: copy {:.0} MB/s; upload {:.0} MB/s ({:.2} of the copy); download \
		 {:.0} MB/s ({:.2} of the copy); service peak RSS {:.0} MiB",
		size / 1_000_000,
		copy_rate,
		mb_per_s(size, uploaded),
		mb_per_s(size, uploaded) / copy_rate,
		mb_per_s(size, downloaded),
		mb_per_s(size, downloaded) / copy_rate,
		peak_rss_mib(cloud.pid()),
	);
	drop(large);

	// 2. Concurrent clients, records of S2's average size.
	let started = Instant::now();
	let records: Vec<PreparedRecord> =
		(0..args.records).map(|_| world.prepare(args.record_bytes)).collect();
	println!(
		"prepared {} records of {} B in {:.1?}",
		records.len(),
		args.record_bytes,
		started.elapsed()
	);
	let headers: Vec<_> = records.iter().map(|r| world.header(&world.services[0], r)).collect();
	let records = Arc::new(records);
	let headers = Arc::new(headers);
	let next = Arc::new(AtomicUsize::new(0));
	let started = Instant::now();
	let uploads = (0..args.clients).map(|_| {
		let (client, records, headers, next) =
			(client.clone(), records.clone(), headers.clone(), next.clone());
		tokio::spawn(async move {
			let mut done = Vec::new();
			loop {
				let i = next.fetch_add(1, Ordering::Relaxed);
				let Some(record) = records.get(i) else { break done };
				let at = Instant::now();
				let body = Bytes::from(record.bundle.ciphertext.clone());
				let answer = client.upload(&headers[i], &record.bundle.pdp_tags, body).await;
				done.push((i, at.elapsed(), answer));
			}
		})
	});
	let mut answers: Vec<Option<UploadReceipt>> = vec![None; records.len()];
	let (mut latencies, mut errors) = (Vec::new(), 0usize);
	for task in futures::future::join_all(uploads).await {
		for (i, took, answer) in task.unwrap() {
			latencies.push(took);
			match answer {
				Ok(answer) => answers[i] = Some(answer),
				Err(e) => {
					errors += 1;
					eprintln!("upload {i}: {e}");
				},
			}
		}
	}
	report("uploads", records.len(), args.clients, started.elapsed(), &mut latencies, errors);
	let uploaded: Vec<_> = records
		.iter()
		.zip(&answers)
		.filter_map(|(record, answer)| answer.as_ref().map(|a| (record, a)))
		.collect();
	let seqs = append(&mut world, &uploaded).await;
	let requests = grant(&world, &seqs).await;
	let now = world.chain.best_number().await.unwrap();
	let next = Arc::new(AtomicUsize::new(0));
	let jobs: Arc<Vec<(u32, u64)>> = Arc::new(seqs.iter().copied().zip(requests).collect());
	let started = Instant::now();
	let downloads = (0..args.clients).map(|_| {
		let (client, jobs, next, doctor, device) = (
			client.clone(),
			jobs.clone(),
			next.clone(),
			world.doctor.clone(),
			world.device.clone(),
		);
		let (provider, patient) = (provider.clone(), patient.clone());
		tokio::spawn(async move {
			let mut done = Vec::new();
			loop {
				let i = next.fetch_add(1, Ordering::Relaxed);
				let Some(&(seq, request)) = jobs.get(i) else { break done };
				let what = download_of(&provider, &patient, seq, request, now + 500);
				let at = Instant::now();
				let result = client.download(&doctor, genesis, &what, &device).await;
				done.push((at.elapsed(), result.map(|bytes| bytes.len())));
			}
		})
	});
	let (mut latencies, mut errors) = (Vec::new(), 0usize);
	for task in futures::future::join_all(downloads).await {
		for (took, result) in task.unwrap() {
			latencies.push(took);
			if let Err(e) = result {
				errors += 1;
				eprintln!("download: {e}");
			}
		}
	}
	report("downloads", jobs.len(), args.clients, started.elapsed(), &mut latencies, errors);

	// 3. Audit answers: 460 challenged blocks of a 1.4 MB and of a 35 MB record.
	let medium = world.prepare(35_000_000);
	let answer = upload(&world, &client, &medium).await;
	let medium_seq = append(&mut world, &[(&medium, &answer)]).await[0];
	for (what, seq) in [("1.4 MB", jobs[0].0), ("35 MB", medium_seq)] {
		let mut took = Vec::new();
		for round in 0..3u8 {
			if round > 0 {
				// One answer per entry every 5 s.
				tokio::time::sleep(medchain_cloud::audit::AUDIT_INTERVAL).await;
			}
			let at = Instant::now();
			client.audit(&patient, seq, [round; 32]).await.expect("answered");
			took.push(at.elapsed());
		}
		took.sort();
		println!("audit answer, {what} record, 460 blocks: median {:.1?} of 3", took[1]);
	}
}

fn report(
	what: &str,
	count: usize,
	clients: usize,
	took: Duration,
	latencies: &mut [Duration],
	errors: usize,
) {
	latencies.sort();
	println!(
		"{what}: {count} with {clients} clients in {took:.1?}: {:.1} records/s, p50 {:.1?}, p99 \
		 {:.1?}, {errors} errors",
		count as f64 / took.as_secs_f64(),
		quantile(latencies, 0.5),
		quantile(latencies, 0.99),
	);
}
