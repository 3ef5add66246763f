//! medchain-cloud as a process over HTTP against a real dev node, on a directory and on an S3
//! server (moto): an upload answered with a receipt the chain accepts; the record downloaded,
//! whole and by range, by the grantee the chain names, and refused without a grant, with a
//! grant for another record and after the consent is withdrawn, sealed to the request's
//! delivery key; a search fulfilled with the key service's token after a restart (a forged
//! token, one for another request and a second fulfilment refused); every bad upload refused with
//! its documented code and nothing of it stored; a restart after `kill -9` in the middle of a
//! 100 MB upload that keeps what was stored and lists nothing of the cut upload; a bundle no
//! entry lists deleted after the retention time, an appended one kept until its entry is
//! erased.

mod support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use codec::Encode;
use futures::StreamExt;
use medchain_client::{
	cloud::{CloudClient, DownloadRequest, SearchFulfilment},
	devnode::DevNode,
	record_service::PreparedRecord,
	runtime::Runtime,
	storage::{self, upload_prefix},
	Error,
};
use sp_core::{sr25519, Pair};
use support::{
	body, pair, start, upload_and_append, Backing, Moto, World, MAX_BUNDLE, RECEIPT_BLOCKS,
};

/// The code of a refusal, or a panic for anything else.
fn code<T: std::fmt::Debug>(result: medchain_client::Result<T>) -> (u16, String) {
	match result {
		Err(Error::Service { status, code, .. }) => (status, code),
		other => panic!("expected a refusal, got {other:?}"),
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_on_a_directory_and_on_s3() {
	let node = DevNode::start().expect("dev node starts");
	let mut world = World::register(&node).await;
	// One large record for both crash tests (it is never appended, so it can be uploaded to
	// both stores).
	let prepared_at = Instant::now();
	let large = world.prepare(100 << 20);
	eprintln!("a 100 MB record prepared in {:.1?}", prepared_at.elapsed());

	let dir = tempfile::tempdir().unwrap();
	scenario(&node, &mut world, &large, Backing::Dir(dir.path().to_owned())).await;

	let bucket = "medchain-records";
	let moto = Moto::start(bucket).await;
	let s3 = Backing::S3 {
		moto: Box::new(moto.client()),
		endpoint: moto.endpoint.clone(),
		bucket: bucket.into(),
		prefix: "hospital-b".into(),
	};
	scenario(&node, &mut world, &large, s3).await;
}

/// Everything the service does, on one store.
async fn scenario(node: &DevNode, world: &mut World, large: &PreparedRecord, backing: Backing) {
	let store = backing.dev_store();
	let mut cloud = start(node, world, &store).await;
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
	let message =
		storage::receipt_message(genesis, &world.provider, &header.bundle, answer.valid_until);
	assert!(storage::verify(&receipt, &message, &world.provider));
	let best = world.chain.best_number().await.unwrap();
	assert!(answer.valid_until >= best && answer.valid_until <= best + RECEIPT_BLOCKS);
	assert!(backing.stored(&world.patient, &header.bundle.locator).await);
	// The record service appends the entry with that receipt; the runtime checks it.
	let mut entry = good.entry.clone();
	answer.fill(&mut entry);
	let append = pallet_medchain_emr::Call::<Runtime>::append_record {
		patient: world.patient.clone(),
		record: entry,
	};
	world.chain.submit(&world.services[0], append.into()).await.expect("appended with the receipt");
	let seq = world.appended;
	world.appended += 1;

	// The doctor with the patient's consent asks for the entry and downloads it, whole and by
	// range; the service asked the chain first.
	let request = world.request(seq).await;
	let now = world.chain.best_number().await.unwrap();
	let (provider_id, patient_id) = (world.provider.clone(), world.patient.clone());
	let download = |seq: u32, request: u64| DownloadRequest {
		provider: &provider_id,
		patient: &patient_id,
		seq,
		request,
		not_after: now + 100,
		range: None,
	};
	let downloaded =
		client.download(&world.doctor, genesis, &download(seq, request), &world.device).await;
	assert_eq!(downloaded.expect("the grantee downloads"), good.bundle.ciphertext);
	let range = 10..good.bundle.ciphertext.len() as u64 - 5;
	let part = DownloadRequest { range: Some(range.clone()), ..download(seq, request) };
	let tail =
		client.download(&world.doctor, genesis, &part, &world.device).await.expect("a range");
	assert_eq!(tail, good.bundle.ciphertext[range.start as usize..range.end as usize]);
	// What goes over the wire is sealed to the request's delivery key: not the stored bytes,
	// and no other device opens it.
	let sealed = client.download_sealed(&world.doctor, genesis, &download(seq, request)).await;
	let sealed = sealed.expect("a sealed download");
	assert_eq!(sealed.range, (0, ciphertext.len() as u64, ciphertext.len() as u64));
	assert!(!sealed.body.windows(32).any(|window| window == &ciphertext[100..132]));
	let stranger = x25519_dalek::StaticSecret::from([0x11; 32]);
	let opened = client.download(&world.doctor, genesis, &download(seq, request), &stranger).await;
	assert!(matches!(opened, Err(Error::Crypto(_))), "another device's key: {opened:?}");
	// A doctor the request is not for, and (once there is an earlier entry) the grant for
	// this entry used for another one: refused, as the chain refuses them.
	let refused =
		client.download(&world.other_doctor, genesis, &download(seq, request), &world.device).await;
	assert_eq!(code(refused), (403, "no_grant".into()), "a doctor without a grant");
	if let Some(earlier) = seq.checked_sub(1) {
		let refused = client
			.download(&world.doctor, genesis, &download(earlier, request), &world.device)
			.await;
		assert_eq!(code(refused), (403, "no_grant".into()), "a grant for another record");
	}

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
	// A SHVE ciphertext other than the one the signed statement commits to (another
	// department's: the ciphertexts of one patient's department are alike).
	let elsewhere = world.prepare_in(1_000, 9);
	let mut reindexed = world.header(&world.services[0], &bad);
	reindexed.shve = elsewhere.bundle.shve.encode();
	refused.push((
		"another SHVE ciphertext than the signed commitment",
		code(client.upload_raw(&patient, &locator(&bad), body(&reindexed, &bad).into()).await),
		(400, "bad_shve"),
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
	assert!(!backing.stored(&patient, &locator(&bad)).await, "nothing of a refused upload stays");
	assert!(backing.staging_is_empty().await);

	// The service dies without warning (SIGKILL) in the middle of a 100 MB upload, after a
	// first 5 MiB part is written; after a restart nothing of that upload is listed, the stored
	// bundle still is, and both uploads retried succeed, the first with its receipt.
	let cut = large;
	let cut_header = world.header(&world.services[0], cut);
	let cut_body = body(&cut_header, cut);
	let half = Bytes::from(cut_body[..12 << 20].to_vec());
	let (sender, receiver) = tokio::sync::oneshot::channel::<()>();
	let frames = futures::stream::iter([Ok::<_, std::io::Error>(hyper::body::Frame::data(half))])
		.chain(futures::stream::once(async move {
			let _ = receiver.await;
			Err(std::io::Error::other("never sent"))
		}));
	let slow = client.clone();
	let (patient_c, locator_c) = (patient.clone(), locator(cut));
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
	// Until the first part is written.
	let deadline = Instant::now() + Duration::from_secs(60);
	while !backing.upload_in_progress().await {
		assert!(Instant::now() < deadline, "the upload never reached the store");
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	cloud.kill();
	assert!(backing.upload_in_progress().await, "the killed upload left staging data");
	drop(sender);
	let _ = pending.await;
	assert!(!backing.stored(&patient, &locator(cut)).await, "no partial bundle after a crash");

	let cloud = start(node, world, &store).await;
	let client = cloud.client();
	assert!(backing.staging_is_empty().await, "the restart swept the staging area");
	let again = client.upload(&header, &good.bundle.pdp_tags, ciphertext).await.unwrap();
	assert_eq!((again.outcome.as_str(), again.receipt), ("already_stored", answer.receipt));
	let retried = client.upload_raw(&patient, &locator(cut), cut_body.into()).await.unwrap();
	assert_eq!(retried.outcome, "stored");
	assert!(backing.stored(&patient, &locator(cut)).await);

	// The patient withdraws the consent the grant stands on: the grant dies with it, and the
	// service, asking the chain, refuses the download it served before. (Consent is given
	// again for what follows.)
	world.consent(false).await;
	let refused =
		client.download(&world.doctor, genesis, &download(seq, request), &world.device).await;
	match refused {
		Err(Error::Service { status: 403, code, message }) if code == "no_grant" => {
			assert!(message.contains("ConsentWithdrawn"), "{message}")
		},
		other => panic!("a download after the consent was withdrawn: {other:?}"),
	}
	world.consent(true).await;

	// A search after the restart, over one bundle indexed from the store at start and one
	// uploaded since: the provider checks the key service's token, matches it over both and
	// fulfils on chain; the matching record is then served under the search request, the
	// other is not.
	let searched = world.prepare_in(20_000, 7);
	let searched_seq = upload_and_append(world, &client, &searched).await;
	let salt = [0x7e; 32];
	let scope = world.request_search(&[7], &salt).await;
	let patient_bytes: [u8; 32] = world.patient.clone().into();
	let token = world
		.keys
		.search_token(&patient_bytes, &[7], &salt, &scope, &mut world.rng)
		.expect("the key service signs a token for the logged request");
	let mut forged = token.clone();
	forged.signature[0] ^= 1;
	let refused = client.fulfil_search(scope.request_id, &forged).await;
	assert_eq!(
		code(refused),
		(401, "bad_signature".into()),
		"a token not signed by the key service"
	);
	let refused = client.fulfil_search(scope.request_id + 1, &token).await;
	assert_eq!(
		code(refused),
		(400, "token_request_mismatch".into()),
		"a token for another request"
	);
	let fulfilled = client.fulfil_search(scope.request_id, &token).await.expect("fulfilled");
	assert_eq!(
		fulfilled,
		SearchFulfilment { hosted: 2, matched: vec![searched_seq], granted: 1, denied: 0 }
	);
	let refused = client.fulfil_search(scope.request_id, &token).await;
	assert_eq!(code(refused), (409, "already_fulfilled".into()), "a second fulfilment");
	let not_after = world.chain.best_number().await.unwrap() + 100;
	let found = DownloadRequest {
		seq: searched_seq,
		request: scope.request_id,
		not_after,
		..download(seq, request)
	};
	let found = client.download(&world.doctor, genesis, &found, &world.device).await;
	assert_eq!(found.expect("the matching record is served"), searched.bundle.ciphertext);
	let missed = DownloadRequest { request: scope.request_id, not_after, ..download(seq, request) };
	let refused = client.download(&world.doctor, genesis, &missed, &world.device).await;
	assert_eq!(code(refused), (403, "no_grant".into()), "the record the search did not match");

	// Once the last block of its receipt is final, the bundle no entry lists is deleted, and
	// the appended one stays; the chain then refuses an entry with that receipt, so no entry
	// can name the deleted bundle.
	let deadline = Instant::now() + Duration::from_secs(120);
	while backing.stored(&patient, &locator(cut)).await {
		assert!(Instant::now() < deadline, "the unlisted bundle was never deleted");
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	let finalized = world.chain.at_finalized().await.unwrap().block_number();
	assert!(finalized > u64::from(retried.valid_until), "deleted only after its receipt expired");
	assert!(backing.stored(&patient, &header.bundle.locator).await, "a listed bundle stays");
	let mut late = cut.entry.clone();
	retried.fill(&mut late);
	let append = pallet_medchain_emr::Call::<Runtime>::append_record {
		patient: world.patient.clone(),
		record: late,
	};
	let refused = world.chain.submit(&world.services[0], append.into()).await;
	let refused = refused.expect_err("an expired receipt is refused");
	assert!(refused.to_string().contains("ReceiptExpired"), "{refused}");

	// Counted in the metrics (since the restart: the retried upload and the searched record).
	let (_, metrics) = client.get("/metrics").await.unwrap();
	let metrics = String::from_utf8_lossy(&metrics);
	assert!(metrics.contains("medchain_cloud_uploads_total{outcome=\"stored\"} 2"), "{metrics}");
	assert!(metrics.contains("medchain_cloud_uploads_total{outcome=\"already_stored\"} 1"));
	assert!(metrics.contains("medchain_cloud_uploads_total{outcome=\"deleted_unlisted\"} 1"));
	assert!(metrics.contains("medchain_cloud_fulfilments_total{outcome=\"fulfilled\"} 1"));
	assert!(metrics.contains("medchain_cloud_fulfilments_total{outcome=\"already_fulfilled\"} 1"));

	// The record service erases both entries: they leave the provider's hosted list, and the
	// retention sweep deletes their bundles (their receipts expired long ago).
	for erased in [seq, searched_seq] {
		world.erase(erased).await;
	}
	let deadline = Instant::now() + Duration::from_secs(120);
	for bundle in [&header.bundle.locator, &searched.entry.locator.to_vec()] {
		while backing.stored(&patient, bundle).await {
			assert!(Instant::now() < deadline, "an erased entry's bundle was never deleted");
			tokio::time::sleep(Duration::from_secs(1)).await;
		}
	}
}
