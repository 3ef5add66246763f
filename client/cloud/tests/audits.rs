//! Audits that run themselves, on a dev node with the real storage provider service: the audit
//! pallet opens challenges over the appended entry, the validator's off-chain worker fetches
//! the provider's signed answers over HTTP and relays them, and the runtime verifies them
//! natively. Audits pass block after block, light and full; 1% of the record's blocks
//! corrupted in the store fails an audit within a bounded number of blocks, with the alert;
//! the provider stopped times out; restarted with its data restored, it passes again.

mod support;

use std::time::{Duration, Instant};

use medchain_client::{devnode::DevNode, runtime::Runtime};
use pallet_medchain_audit::{
	AuditRecord, ChallengeKind, EntryAudit, Outcome, Reputation, Standing,
};
use sp_core::{sr25519, Pair};
use support::{start, upload_and_append, Backing, World};

/// The dev chain's validator, which relays every audit.
fn alice() -> medchain_client::runtime::AccountId {
	sr25519::Pair::from_string("//Alice", None).unwrap().public().into()
}

async fn status(world: &World, seq: u32) -> EntryAudit<Runtime> {
	world.chain.runtime_api("AuditApi_entry_status", (&world.patient, seq)).await.unwrap()
}

async fn reputation(world: &World) -> Reputation {
	world.chain.runtime_api("AuditApi_reputation", &world.provider).await.unwrap()
}

/// The provider's audit log at the finalized block, from record `from` on.
async fn audit_log(world: &World, from: u32) -> Vec<AuditRecord<Runtime>> {
	let length: u32 = world
		.chain
		.storage(
			&pallet_medchain_audit::AuditLogLength::<Runtime>::hashed_key_for(&world.provider),
			None,
		)
		.await
		.unwrap()
		.unwrap_or_default();
	let mut records = Vec::new();
	for seq in from..length {
		let key = pallet_medchain_audit::AuditLog::<Runtime>::hashed_key_for(&world.provider, seq);
		records.push(world.chain.storage(&key, None).await.unwrap().expect("logged"));
	}
	records
}

/// Waits (polling every block) until `done` holds for the entry's audit status, at most
/// `blocks` blocks; returns the status and the blocks it took.
async fn wait_for(
	world: &World,
	seq: u32,
	blocks: u32,
	what: &str,
	done: impl Fn(&EntryAudit<Runtime>) -> bool,
) -> (EntryAudit<Runtime>, u32) {
	let start = world.chain.best_number().await.unwrap();
	let deadline = Instant::now() + Duration::from_secs(u64::from(blocks) * 2 + 30);
	loop {
		let now = status(world, seq).await;
		let best = world.chain.best_number().await.unwrap();
		if done(&now) {
			return (now, best - start);
		}
		assert!(
			best - start <= blocks && Instant::now() < deadline,
			"{what}: not within {blocks} blocks (status {now:?})"
		);
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audits_run_themselves_and_catch_loss_corruption_and_outages() {
	let node = DevNode::start().expect("dev node starts");
	let mut world = World::register(&node).await;
	let dir = tempfile::tempdir().unwrap();
	let backing = Backing::Dir(dir.path().to_owned());
	let mut cloud = start(&node, &world, &backing.dev_store()).await;
	// 1 MB of plaintext: about 1,000 blocks of 32 sectors, so a full audit challenges 460 of
	// them and a light one 8.
	let record = world.prepare(1_000_000);
	let seq = upload_and_append(&mut world, &cloud.client(), &record).await;

	// Audits pass block after block, relayed by the validator: the first challenge is full
	// (one in four is), the next ones light.
	let (passed, took) = wait_for(&world, seq, 90, "four passes", |s| s.passes >= 4).await;
	assert_eq!((passed.fails, passed.timeouts), (0, 0), "{passed:?}");
	eprintln!("four audits passed in {took} blocks");
	let log = audit_log(&world, 0).await;
	assert!(log.iter().all(|r| r.event.outcome == Outcome::Pass), "{log:?}");
	assert!(log.iter().all(|r| r.event.answered_by == Some(alice())), "relayed by Alice");
	assert!(log.iter().any(|r| r.event.kind == ChallengeKind::Full && r.event.challenged == 460));
	assert!(log.iter().any(|r| r.event.kind == ChallengeKind::Light && r.event.challenged == 8));
	let page: medchain_primitives::ChainPage = world
		.chain
		.runtime_api("AuditApi_verify_audit_log", (&world.provider, 0u32, 64u32))
		.await
		.unwrap();
	assert_eq!(page.first_broken, None, "the audit log verifies");
	assert_eq!(reputation(&world).await.standing, Standing::Good);

	// 1% of the record's blocks corrupted in the store: a full audit (one in four) challenges
	// 460 of about 1,000 blocks and catches 11 bad ones with probability 99.8%; a light one
	// catches them with about 8%.
	let path = dir
		.path()
		.join("bundles")
		.join(hex::encode(&world.patient))
		.join(hex::encode(&record.entry.locator));
	let original = std::fs::read(&path).expect("the stored bundle");
	let mut corrupted = original.clone();
	let block = 32 * 31;
	let blocks = original.len().div_ceil(block);
	for index in (0..blocks).step_by(100) {
		corrupted[index * block] ^= 0xff;
	}
	std::fs::write(&path, &corrupted).unwrap();
	let before = passed.passes;
	let (failed, took) = wait_for(&world, seq, 120, "a failure", |s| s.fails >= 1).await;
	eprintln!(
		"{} of {blocks} blocks corrupted: failed after {took} blocks ({} passes since)",
		blocks.div_ceil(100),
		failed.passes - before
	);
	let failure = audit_log(&world, 0)
		.await
		.into_iter()
		.find(|r| r.event.outcome == Outcome::Fail)
		.expect("the failure is logged");
	assert_eq!(failure.event.patient, world.patient);
	assert_eq!(reputation(&world).await.standing, Standing::Probation);

	// The provider stopped: its challenges time out.
	cloud.kill();
	std::fs::write(&path, &original).unwrap();
	let (stopped, took) = wait_for(&world, seq, 60, "a timeout", |s| s.timeouts >= 1).await;
	eprintln!("provider stopped: timed out after {took} blocks");

	// Restarted on its endpoint with the data restored: it passes again.
	let _cloud = start(&node, &world, &backing.dev_store()).await;
	let (recovered, took) =
		wait_for(&world, seq, 60, "a pass after the restart", |s| s.passes > stopped.passes).await;
	eprintln!("provider restarted: passed after {took} blocks");
	assert_eq!(recovered.last.map(|(outcome, _)| outcome), Some(Outcome::Pass));
	assert!(reputation(&world).await.consecutive_passes >= 1);
}

/// The validators of the `local` chain, in the order of its genesis session keys.
const LOCAL_VALIDATORS: [&str; 4] = ["Alice", "Bob", "Charlie", "Dave"];

fn validator(name: &str) -> medchain_client::runtime::AccountId {
	sr25519::Pair::from_string(&format!("//{name}"), None).unwrap().public().into()
}

/// The process id of the `medchain-node` whose command line has `--rpc-port <port>`: the
/// zombienet node behind `ws://127.0.0.1:<port>`.
fn node_listening_on(port: &str) -> u32 {
	let mut found = Vec::new();
	for entry in std::fs::read_dir("/proc").unwrap().flatten() {
		let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
		let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
		let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
		let is_node = args.first().is_some_and(|a| a.ends_with(b"medchain-node"));
		if is_node && args.windows(2).any(|w| w[0] == b"--rpc-port" && w[1] == port.as_bytes()) {
			found.push(pid);
		}
	}
	assert_eq!(found.len(), 1, "one medchain-node on rpc port {port}: {found:?}");
	found[0]
}

/// The open challenges at the finalized block that opened after block `after` and whose
/// relayers include `relayer`.
async fn open_challenges_of(
	world: &World,
	relayer: &medchain_client::runtime::AccountId,
	after: u32,
) -> Vec<u64> {
	let queue: Vec<pallet_medchain_audit::OpenSlot<Runtime>> = world
		.chain
		.storage(&pallet_medchain_audit::OpenQueue::<Runtime>::hashed_key(), None)
		.await
		.unwrap()
		.unwrap_or_default();
	let mut assigned = Vec::new();
	for slot in queue {
		let key = pallet_medchain_audit::Challenges::<Runtime>::hashed_key_for(slot.id);
		let challenge: Option<pallet_medchain_audit::Challenge<Runtime>> =
			world.chain.storage(&key, None).await.unwrap();
		let ours = |c: &pallet_medchain_audit::Challenge<Runtime>| {
			c.opened_at > after && c.relayers.iter().any(|a| &a.relayer == relayer)
		};
		if challenge.as_ref().is_some_and(ours) {
			assigned.push(slot.id);
		}
	}
	assigned
}

/// Waits until the provider's audit log holds at least `records` records, at most `blocks`
/// blocks; returns them all.
async fn wait_for_log(world: &World, records: usize, blocks: u32) -> Vec<AuditRecord<Runtime>> {
	let start = world.chain.best_number().await.unwrap();
	loop {
		let log = audit_log(world, 0).await;
		if log.len() >= records {
			return log;
		}
		let best = world.chain.best_number().await.unwrap();
		assert!(
			best - start <= blocks,
			"{records} audits not logged within {blocks} blocks: {log:?}"
		);
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
}

/// Run by `zombienet/local-4-hospitals.zndsl` (its `audits.js`) on the four-hospital network:
/// `MEDCHAIN_ZOMBIENET_RPC` is Alice's WebSocket URL, `MEDCHAIN_ZOMBIENET_KILL` Dave's. Every
/// validator's off-chain worker relays audits (each one is seen on chain as the relayer of a
/// pass); Dave's node is then killed, and the challenges assigned to him pass through their
/// other relayer, with no timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the zombienet network; run by zombienet/local-4-hospitals.zndsl"]
async fn zombienet_validators_relay_audits_and_go_on_with_one_killed() {
	let rpc = std::env::var("MEDCHAIN_ZOMBIENET_RPC").expect("MEDCHAIN_ZOMBIENET_RPC");
	let kill = std::env::var("MEDCHAIN_ZOMBIENET_KILL").expect("MEDCHAIN_ZOMBIENET_KILL");
	let mut world = World::register_on(&rpc).await;
	let dir = tempfile::tempdir().unwrap();
	let backing = Backing::Dir(dir.path().to_owned());
	let cloud = support::start_on(&rpc, &world, &backing.dev_store()).await;
	// Six small records (about 100 blocks each): six challenges in flight at a time.
	for _ in 0..6 {
		let record = world.prepare(100_000);
		upload_and_append(&mut world, &cloud.client(), &record).await;
	}

	// Every validator relays: each is the relayer of some passed audit.
	let validators = LOCAL_VALIDATORS.map(validator);
	let start = world.chain.best_number().await.unwrap();
	let relayed_by_all = loop {
		let log = audit_log(&world, 0).await;
		assert!(log.iter().all(|r| r.event.outcome == Outcome::Pass), "{log:?}");
		let relayed_by_all =
			validators.iter().all(|v| log.iter().any(|r| r.event.answered_by.as_ref() == Some(v)));
		if relayed_by_all {
			break log;
		}
		let best = world.chain.best_number().await.unwrap();
		assert!(best - start <= 150, "not every validator relayed within 150 blocks: {log:?}");
		tokio::time::sleep(Duration::from_secs(2)).await;
	};
	for (name, account) in LOCAL_VALIDATORS.iter().zip(&validators) {
		let relayed =
			relayed_by_all.iter().filter(|r| r.event.answered_by.as_ref() == Some(account)).count();
		eprintln!("{name} relayed {relayed} of {} passed audits", relayed_by_all.len());
	}

	// Dave's node killed: the challenges assigned to him pass through their other relayer.
	let dave = node_listening_on(kill.rsplit(':').next().expect("a port"));
	assert!(std::process::Command::new("kill")
		.args(["-9", &dave.to_string()])
		.status()
		.unwrap()
		.success());
	let killed_at = audit_log(&world, 0).await.len();
	// Challenges opened after the kill only: one opened before may have been relayed by Dave.
	let start = world.chain.best_number().await.unwrap();
	let mut daves = std::collections::BTreeSet::new();
	while daves.len() < 3 {
		daves.extend(open_challenges_of(&world, &validators[3], start).await);
		let best = world.chain.best_number().await.unwrap();
		assert!(best - start <= 60, "Dave was assigned fewer than 3 challenges in 60 blocks");
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	let wanted = killed_at + 12;
	let log = wait_for_log(&world, wanted, 120).await;
	let after = &log[killed_at..];
	assert!(after.iter().all(|r| r.event.outcome == Outcome::Pass), "{after:?}");
	let covered: Vec<_> = after.iter().filter(|r| daves.contains(&r.event.challenge)).collect();
	eprintln!(
		"after Dave was killed: {} audits passed, {} of them assigned to Dave",
		after.len(),
		covered.len()
	);
	// Dave's challenges that closed meanwhile passed through their other relayer.
	let closed: Vec<_> = log.iter().filter(|r| daves.contains(&r.event.challenge)).collect();
	assert!(!closed.is_empty(), "none of Dave's challenges {daves:?} closed");
	assert!(
		closed.iter().all(|r| r.event.outcome == Outcome::Pass
			&& r.event.answered_by.is_some()
			&& r.event.answered_by.as_ref() != Some(&validators[3])),
		"{closed:?}"
	);
	drop(cloud);
}
