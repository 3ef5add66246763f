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
