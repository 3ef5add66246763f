//! `medchain-load`: appends EMR records to a running node as fast as it takes them and reports
//! finalized records per second (a manual command, not part of CI).
//!
//! The registrar (`//Alice`, sudo on dev chains) registers `--services` hospitals, a storage
//! provider and `--patients` patients; the hospitals' record services then submit `--records`
//! entries in feeless `append_records` batches of `--batch`, all at once, and the tool waits
//! until every batch is finalized. It reports records included per second (records over the
//! slots from the first to the last block that included a batch) and records finalized per
//! second (from the first submission to the last finality). Entries carry real cryptography
//! (envelope ciphertext hash, PDP file parameters, SHVE commitment, ABE policy) prepared for a
//! pool of distinct records up front and reused across patients, so that the figure measures the
//! chain, not the record service.
//!
//! Because everything is submitted at once, a run is bounded by the node's transaction pool:
//! about 50,000 records (16 MiB of batches) with the default `--pool-kbytes`.

use std::time::Instant;

use clap::Parser;
use codec::Encode;
use medchain_client::{
	chain::Chain,
	key_service::KeyServiceNode,
	record_service::{RecordMeta, RecordService},
	runtime::{AccountId, Runtime, RuntimeCall},
};
use sp_core::{sr25519, Pair};

#[derive(Parser)]
#[command(about = "Measures how many EMR records per second a MedChain node finalizes")]
struct Args {
	/// WebSocket RPC endpoint of the node.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Records to append.
	#[arg(long, default_value_t = 4096)]
	records: u32,
	/// Records per `append_records` transaction (at most the runtime's MaxEmrBatch, 256).
	#[arg(long, default_value_t = 256)]
	batch: u32,
	/// Patients the records are spread over.
	#[arg(long, default_value_t = 64)]
	patients: u32,
	/// Distinct records prepared with real cryptography and reused.
	#[arg(long, default_value_t = 32)]
	distinct: u32,
	/// Hospitals (record-service accounts) submitting in parallel.
	#[arg(long, default_value_t = 4)]
	services: u32,
	/// Slot duration of the chain, in seconds.
	#[arg(long, default_value_t = 2.0)]
	slot_seconds: f64,
	/// Seed of the derived accounts (`//load//<seed>//...`), so runs do not collide.
	#[arg(long, default_value = "run")]
	seed: String,
}

/// Bytes of transactions a run may submit at once: below the 20 MiB of ready transactions a
/// polkadot-sdk node's pool holds by default (`--pool-kbytes`).
const MAX_SUBMITTED_BYTES: usize = 16 << 20;
const MIB: f64 = (1 << 20) as f64;

fn bounded<S: frame_support::traits::Get<u32>>(b: &[u8]) -> frame_support::BoundedVec<u8, S> {
	frame_support::BoundedVec::truncate_from(b.to_vec())
}

fn sudo(call: impl Into<RuntimeCall>) -> RuntimeCall {
	pallet_sudo::Call::sudo { call: Box::new(call.into()) }.into()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
	let args = Args::parse();
	let chain = Chain::connect(&args.url).await?;
	let derive = |path: &str| {
		sr25519::Pair::from_string(&format!("//load//{}//{path}", args.seed), None)
			.expect("a valid derivation path")
	};
	let registrar = sr25519::Pair::from_string("//Alice", None).expect("dev key");
	let services: Vec<sr25519::Pair> =
		(0..args.services.max(1)).map(|i| derive(&format!("record-service//{i}"))).collect();
	let provider_key = derive("provider");
	let provider: AccountId = provider_key.public().into();
	let patients: Vec<AccountId> =
		(0..args.patients).map(|i| derive(&format!("patient//{i}")).public().into()).collect();

	let mut rng = rand_core::OsRng;
	let keys = KeyServiceNode::generate(&mut rng)?;
	let records =
		RecordService::generate(keys.abe_public_key().clone(), keys.schema().clone(), &mut rng)?;

	type Registry = pallet_medchain_registry::Call<Runtime>;
	let mut onboarding: Vec<RuntimeCall> = services
		.iter()
		.enumerate()
		.map(|(i, service)| {
			sudo(Registry::register_hospital {
				record_service: service.public().into(),
				name: bounded(format!("Load hospital {} {i}", args.seed).as_bytes()),
				grade: 12,
				pdp_public_key: bounded(&records.pdp_public_key()),
				validator: None,
			})
		})
		.collect();
	onboarding.extend([sudo(Registry::register_provider {
		provider: provider.clone(),
		operator: None,
		endpoint: bounded(b"http://127.0.0.1:9000"),
	})]);
	onboarding.extend(patients.iter().map(|p| {
		sudo(Registry::register_patient { patient: p.clone(), identity_commitment: [1; 32] })
	}));
	for result in chain.submit_all(&registrar, onboarding).await {
		result?;
	}
	println!("registered {} hospitals, a provider and {} patients", services.len(), patients.len());

	let started = Instant::now();
	let mut pool = Vec::new();
	let patient_key = keys.patient_key(patients[0].as_ref());
	for i in 0..args.distinct {
		let plaintext = vec![i as u8; 4096];
		pool.push(
			records
				.prepare(
					&patient_key,
					&plaintext,
					RecordMeta {
						department: (i % 37) as usize,
						policy: "epoch:0 and ((grade>=12 and title>=3) or emergency)",
						provider: provider.clone(),
						description: "outpatient record",
						supersedes: None,
					},
					&mut rng,
				)?
				.entry,
		);
	}
	println!("prepared {} distinct records in {:.1?}", pool.len(), started.elapsed());

	// Every entry carries the provider's receipt for its patient (the runtime verifies each).
	let genesis = chain.genesis_hash().0;
	// The tool plays the provider: its receipts count for a day of blocks.
	let valid_until = chain.best_number().await?.saturating_add(43_200);
	let entries: Vec<_> = (0..args.records)
		.map(|i| {
			let patient = patients[(i % args.patients) as usize].clone();
			let entry = pool[(i % args.distinct) as usize].clone();
			let entry = medchain_client::storage::receipted(
				entry,
				&patient,
				&provider_key,
				genesis,
				valid_until,
			);
			(patient, entry)
		})
		.collect();
	// Batches go round-robin to the record services, each of which submits its own share with
	// consecutive nonces; all services submit at once.
	let mut per_service: Vec<Vec<RuntimeCall>> = vec![Vec::new(); services.len()];
	for (i, chunk) in entries.chunks(args.batch as usize).enumerate() {
		per_service[i % services.len()].push(
			pallet_medchain_emr::Call::<Runtime>::append_records {
				records: chunk.to_vec().try_into().expect("batch within MaxEmrBatch"),
			}
			.into(),
		);
	}
	let transactions: usize = per_service.iter().map(Vec::len).sum();
	// Every batch is submitted at once, so all of them must fit the node's pool of ready
	// transactions (20 MiB by default); past it the pool drops transactions and the run fails
	// with a bare "dropped".
	let submitted_bytes: usize = per_service.iter().flatten().map(Encode::encoded_size).sum();
	if submitted_bytes > MAX_SUBMITTED_BYTES {
		return Err(format!(
			"{} records take {:.1} MiB of transactions, more than the {} MiB this tool submits \
			 at once (the node's pool holds 20 MiB by default): run fewer --records",
			args.records,
			submitted_bytes as f64 / MIB,
			MAX_SUBMITTED_BYTES / (1 << 20),
		)
		.into());
	}
	let started = Instant::now();
	let results = futures::future::join_all(
		services.iter().zip(per_service).map(|(service, calls)| chain.submit_all(service, calls)),
	)
	.await;
	let elapsed = started.elapsed();
	let mut per_block = std::collections::BTreeMap::<u32, u32>::new();
	for result in results.into_iter().flatten() {
		let finalized = result?;
		let appended = finalized
			.events
			.iter()
			.filter(|e| {
				matches!(
					e,
					medchain_client::runtime::RuntimeEvent::Emr(
						pallet_medchain_emr::Event::RecordAppended { .. }
					)
				)
			})
			.count() as u32;
		let number = chain.block_number(Some(finalized.block_hash)).await?;
		*per_block.entry(number).or_default() += appended;
	}
	let appended: u32 = per_block.values().sum();
	let (first, last) = match (per_block.keys().next(), per_block.keys().last()) {
		(Some(first), Some(last)) => (*first, *last),
		_ => return Err("nothing was included".into()),
	};
	let slots = f64::from(last - first + 1);
	println!("records per including block: {per_block:?}");
	println!(
		"{appended} records in {transactions} transactions: included in blocks {first}..={last}, \
		 {:.0} records/s included ({:.0} per block); all finalized {:.1} s after submission, \
		 {:.0} records/s end to end",
		f64::from(appended) / (slots * args.slot_seconds),
		f64::from(appended) / slots,
		elapsed.as_secs_f64(),
		f64::from(appended) / elapsed.as_secs_f64()
	);
	if appended != args.records {
		return Err(format!("only {appended} of {} records appended", args.records).into());
	}
	Ok(())
}
