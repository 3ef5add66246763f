//! The store on a real directory: bundles become visible only whole and matching, are never
//! replaced, retries succeed, and a cut-short upload leaves nothing but staging data, which the
//! sweep removes.

use super::*;
use std::time::Duration;

const KEY: BundleKey = BundleKey { patient: [1; 32], locator: [2; 32] };
const LIMIT: u64 = 64 << 20;

fn bytes(len: usize, seed: u8) -> Vec<u8> {
	(0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

/// `data` as a body of `chunk`-byte pieces.
fn body(
	data: &[u8],
	chunk: usize,
) -> impl Stream<Item = core::result::Result<Bytes, String>> + Unpin {
	let pieces: Vec<_> = data.chunks(chunk).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
	futures::stream::iter(pieces)
}

async fn read_all(store: &BundleStore, key: &BundleKey, range: Option<Range<u64>>) -> Vec<u8> {
	let parts: Vec<Bytes> = store.get(key, range).await.unwrap().try_collect().await.unwrap();
	parts.concat()
}

fn store() -> (tempfile::TempDir, BundleStore) {
	let dir = tempfile::tempdir().unwrap();
	let store = BundleStore::local(dir.path(), LIMIT).unwrap();
	(dir, store)
}

#[tokio::test]
async fn a_bundle_of_several_parts_is_stored_and_served_whole_and_in_ranges() {
	let (_dir, store) = store();
	// Larger than two parts, so the multipart upload really has several.
	let data = bytes(2 * PART_SIZE + 12_345, 7);
	let stored = store.put(&KEY, Declared::of(&data), body(&data, 64 << 10)).await.unwrap();
	assert_eq!(stored, Stored::New);
	assert_eq!(store.size(&KEY).await.unwrap(), data.len() as u64);
	assert_eq!(read_all(&store, &KEY, None).await, data);
	assert_eq!(read_all(&store, &KEY, Some(100..200_000)).await, data[100..200_000]);
	assert!(matches!(store.get(&KEY, Some(5..5)).await, Err(StoreError::BadRange)));
	let past_end = data.len() as u64 + 1;
	assert!(matches!(store.get(&KEY, Some(0..past_end)).await, Err(StoreError::BadRange)));
	assert_eq!(store.sweep_staging().await.unwrap(), 0, "the staging copy is gone");
}

#[tokio::test]
async fn a_retry_succeeds_and_other_bytes_never_replace_a_bundle() {
	let (_dir, store) = store();
	let data = bytes(10_000, 1);
	assert_eq!(store.put(&KEY, Declared::of(&data), body(&data, 999)).await.unwrap(), Stored::New);
	let again = store.put(&KEY, Declared::of(&data), body(&data, 4096)).await.unwrap();
	assert_eq!(again, Stored::AlreadyStored);
	let other = bytes(10_000, 2);
	let refused = store.put(&KEY, Declared::of(&other), body(&other, 4096)).await;
	assert!(matches!(refused, Err(StoreError::Conflict)), "{refused:?}");
	assert_eq!(read_all(&store, &KEY, None).await, data, "the first bundle stays");
	assert_eq!(store.sweep_staging().await.unwrap(), 0);
}

#[tokio::test]
async fn bytes_that_are_not_what_was_declared_leave_nothing_visible() {
	let (_dir, store) = store();
	let data = bytes(50_000, 3);
	let declared = Declared::of(&data);

	let mut tampered = data.clone();
	tampered[777] ^= 1;
	let wrong_hash = store.put(&KEY, declared, body(&tampered, 8192)).await;
	assert!(matches!(wrong_hash, Err(StoreError::Mismatch)), "{wrong_hash:?}");

	let short = store.put(&KEY, declared, body(&data[..49_999], 8192)).await;
	assert!(matches!(short, Err(StoreError::Mismatch)), "{short:?}");

	let mut long = data.clone();
	long.extend_from_slice(&[0; 10]);
	let too_long = store.put(&KEY, declared, body(&long, 8192)).await;
	assert!(matches!(too_long, Err(StoreError::Mismatch)), "{too_long:?}");

	let truncated = futures::stream::iter(vec![
		Ok(Bytes::copy_from_slice(&data[..20_000])),
		Err("connection reset".to_string()),
	]);
	let cut = store.put(&KEY, declared, truncated).await;
	assert!(matches!(cut, Err(StoreError::Body(_))), "{cut:?}");

	let over = Declared { size: LIMIT + 1, hash: [0; 32] };
	let too_large = store.put(&KEY, over, body(&data, 8192)).await;
	assert!(matches!(too_large, Err(StoreError::TooLarge { limit: LIMIT })), "{too_large:?}");

	assert!(matches!(store.size(&KEY).await, Err(StoreError::NotFound)));
	assert!(matches!(store.get(&KEY, None).await, Err(StoreError::NotFound)));
	assert_eq!(store.sweep_staging().await.unwrap(), 0, "failed uploads clean up after themselves");
	// And the right bytes still go in.
	assert_eq!(store.put(&KEY, declared, body(&data, 8192)).await.unwrap(), Stored::New);
}

#[tokio::test]
async fn an_upload_cut_short_leaves_no_bundle_and_the_sweep_removes_what_a_crash_leaves() {
	let (dir, store) = store();
	let data = bytes(PART_SIZE + 1000, 4);
	let declared = Declared::of(&data);
	// The body delivers a part and a half, then stalls for ever: the upload is dropped in the
	// middle (the client went away, or the service shut down).
	let first = Bytes::copy_from_slice(&data[..PART_SIZE + 500]);
	let stalled =
		futures::stream::iter(vec![Ok::<_, String>(first)]).chain(futures::stream::pending());
	let cut = tokio::time::timeout(Duration::from_millis(500), store.put(&KEY, declared, stalled));
	assert!(cut.await.is_err(), "the upload never finishes");
	assert!(matches!(store.get(&KEY, None).await, Err(StoreError::NotFound)), "no partial bundle");

	// What a killed process leaves instead (no destructor runs): a local multipart upload's
	// staged file, `<staging path>#<n>`, and a staging object completed just before the kill,
	// before its commit.
	let staging = dir.path().join("staging");
	std::fs::create_dir_all(&staging).unwrap();
	std::fs::write(staging.join("00aa#1"), &data[..1000]).unwrap();
	std::fs::write(staging.join("00bb"), &data).unwrap();
	assert!(matches!(store.get(&KEY, None).await, Err(StoreError::NotFound)));

	// A restart sweeps both; the retried upload succeeds.
	let restarted = BundleStore::local(dir.path(), LIMIT).unwrap();
	assert_eq!(restarted.sweep_staging().await.unwrap(), 2);
	assert_eq!(std::fs::read_dir(&staging).unwrap().count(), 0);
	assert_eq!(restarted.put(&KEY, declared, body(&data, 1 << 20)).await.unwrap(), Stored::New);
	assert_eq!(read_all(&restarted, &KEY, None).await, data);
}
