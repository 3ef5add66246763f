//! Where a provider keeps record bundles, and how a bundle becomes visible only complete.
//!
//! Layout in the object store:
//! - `staging/<upload id>`: a bundle being received, written as a multipart upload;
//! - `bundles/<patient>/<locator>` (hex): complete bundles, each written once, never replaced;
//! - `bundles/<patient>/<locator>.meta`: what the provider keeps beside a bundle (its PDP
//!   tags, SHVE ciphertext, wrapped key and receipt), written once after the bundle.
//!
//! An upload streams into its staging object while its size and BLAKE2b-256 hash are counted;
//! only if both match what the uploader declared is it copied into place with
//! `copy_if_not_exists` (a hard link on the filesystem, a conditional copy on S3), and its
//! staging object is then deleted. A crash at any point leaves at most staging data, which
//! [`BundleStore::sweep_staging`] removes at the next start, and never a partial bundle. A
//! retried upload of the same bytes finds its bundle in place and succeeds; other bytes under
//! an existing key are refused.

use std::{
	ops::Range,
	path::{Path as FsPath, PathBuf},
	sync::Arc,
};

use blake2::{digest::consts::U32, Blake2b, Digest};
use bytes::Bytes;
use futures::{stream::BoxStream, Stream, StreamExt, TryStreamExt};
use object_store::{
	path::Path, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
	WriteMultipart,
};
use rand_core::{OsRng, RngCore};

use crate::backend::{self, StoreUrl};

/// BLAKE2b with a 32-byte output: the hash the chain keeps of a record's ciphertext.
type Blake2b256 = Blake2b<U32>;

/// Multipart part size: S3's minimum for all but the last part, so that the same code works
/// on every backend; it is also how much of an upload is held in memory, per upload, at most
/// [`PARTS_IN_FLIGHT`] times.
pub const PART_SIZE: usize = 5 << 20;

/// Parts of one upload written concurrently.
pub const PARTS_IN_FLIGHT: usize = 2;

/// What the uploader declared about a bundle, and what the store checks the bytes against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declared {
	/// Size in bytes.
	pub size: u64,
	/// BLAKE2b-256 of the bytes.
	pub hash: [u8; 32],
}

impl Declared {
	/// The size and hash of `bytes`.
	pub fn of(bytes: &[u8]) -> Self {
		Self { size: bytes.len() as u64, hash: Blake2b256::digest(bytes).into() }
	}
}

/// Where a bundle lives: the patient's account and the record's locator (both 32 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BundleKey {
	/// The patient's account id.
	pub patient: [u8; 32],
	/// The record's locator, as its EMR entry names it.
	pub locator: [u8; 32],
}

impl BundleKey {
	fn path(&self) -> Path {
		Path::from(format!("bundles/{}/{}", hex::encode(self.patient), hex::encode(self.locator)))
	}

	/// The key of a `bundles/<patient>/<locator>.meta` path.
	fn from_meta_path(path: &Path) -> Option<Self> {
		let mut parts = path.parts();
		let (root, patient, name) = (parts.next()?, parts.next()?, parts.next()?);
		if root.as_ref() != "bundles" || parts.next().is_some() {
			return None;
		}
		let locator = name.as_ref().strip_suffix(".meta")?;
		Some(Self {
			patient: hex::decode(patient.as_ref()).ok()?.try_into().ok()?,
			locator: hex::decode(locator).ok()?.try_into().ok()?,
		})
	}

	fn meta_path(&self) -> Path {
		Path::from(format!(
			"bundles/{}/{}.meta",
			hex::encode(self.patient),
			hex::encode(self.locator)
		))
	}
}

/// A check of a bundle's bytes as they arrive, which decides whether it is committed.
pub trait BodyCheck {
	/// Sees the next bytes of the body.
	fn update(&mut self, chunk: &[u8]);
	/// Called once all bytes are in and match the declaration: `Err(code)` refuses the bundle.
	fn accept(&mut self) -> core::result::Result<(), &'static str>;
}

/// No check beyond the declared size and hash.
pub struct NoCheck;

impl BodyCheck for NoCheck {
	fn update(&mut self, _: &[u8]) {}
	fn accept(&mut self) -> core::result::Result<(), &'static str> {
		Ok(())
	}
}

/// What [`BundleStore::put`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
	/// The bundle is now in place.
	New,
	/// The same bundle was in place already (a retried upload).
	AlreadyStored,
}

/// Why a store operation failed. [`StoreError::code`] is the stable machine-readable code the
/// service's JSON errors carry.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// The declared size is above the store's limit.
	#[error("the bundle is larger than the limit of {limit} bytes")]
	TooLarge {
		/// The limit in bytes.
		limit: u64,
	},
	/// The bytes received are not what was declared (size or hash).
	#[error("the body does not match its declared size and hash")]
	Mismatch,
	/// Another bundle is stored under the key.
	#[error("a different bundle is stored under this key")]
	Conflict,
	/// No bundle under the key.
	#[error("no such bundle")]
	NotFound,
	/// The body's check refused it (its code says why: the caller's [`BodyCheck`]).
	#[error("the body was refused: {0}")]
	Refused(&'static str),
	/// The range asked for lies outside the bundle.
	#[error("the range lies outside the bundle")]
	BadRange,
	/// The body stream failed before its end (the client went away, a truncated body).
	#[error("the body ended in an error: {0}")]
	Body(String),
	/// The object store failed.
	#[error("object store: {0}")]
	Backend(#[from] object_store::Error),
	/// A filesystem operation of the sweep failed.
	#[error("filesystem: {0}")]
	Io(#[from] std::io::Error),
}

impl StoreError {
	/// The stable code of the error, as the service reports it.
	pub fn code(&self) -> &'static str {
		match self {
			Self::TooLarge { .. } => "body_too_large",
			Self::Mismatch => "body_mismatch",
			Self::Conflict => "bundle_conflict",
			Self::NotFound => "bundle_not_found",
			Self::BadRange => "range_not_satisfiable",
			Self::Body(_) => "body_incomplete",
			Self::Refused(code) => code,
			Self::Backend(_) | Self::Io(_) => "store_unavailable",
		}
	}
}

/// Result of store operations.
pub type Result<T> = core::result::Result<T, StoreError>;

/// The provider's bundles on an object store.
pub struct BundleStore {
	store: Arc<dyn ObjectStore>,
	/// The filesystem root, for a local store: staging data of uploads cut short lives in files
	/// the store does not list, which the sweep removes directly.
	local_root: Option<PathBuf>,
	max_size: u64,
}

impl BundleStore {
	/// Bundles on `store`, each at most `max_size` bytes.
	pub fn new(store: Arc<dyn ObjectStore>, max_size: u64) -> Self {
		Self { store, local_root: None, max_size }
	}

	/// Bundles in directory `root` (created if missing), every write fsynced with its
	/// directory before it is acknowledged.
	pub fn local(root: &FsPath, max_size: u64) -> core::result::Result<Self, String> {
		Self::open(&StoreUrl::File(root.to_owned()), max_size)
	}

	/// Bundles on the store `url` names (see [`crate::backend`]).
	pub fn open(url: &StoreUrl, max_size: u64) -> core::result::Result<Self, String> {
		let opened = backend::open(url)?;
		Ok(Self { store: opened.store, local_root: opened.local_root, max_size })
	}

	/// The largest bundle accepted, in bytes.
	pub fn max_size(&self) -> u64 {
		self.max_size
	}

	/// Receives the bytes of `body` as the bundle at `key`, declared as `declared`. The bundle
	/// becomes visible only once all its bytes are written and match the declaration; nothing
	/// of a failed upload stays visible. Reading stops as soon as the body runs past the
	/// declared size. At most [`PART_SIZE`] × ([`PARTS_IN_FLIGHT`] + 1) bytes are held.
	pub async fn put<S, E>(&self, key: &BundleKey, declared: Declared, body: S) -> Result<Stored>
	where
		S: Stream<Item = core::result::Result<Bytes, E>> + Unpin,
		E: std::fmt::Display,
	{
		self.put_checked(key, declared, body, &mut NoCheck).await
	}

	/// [`Self::put`], with `check` seeing every byte in order and deciding, once all are in
	/// and match the declaration, whether the bundle is committed ([`StoreError::Refused`]
	/// otherwise, and nothing stays visible).
	pub async fn put_checked<S, E, C>(
		&self,
		key: &BundleKey,
		declared: Declared,
		mut body: S,
		check: &mut C,
	) -> Result<Stored>
	where
		S: Stream<Item = core::result::Result<Bytes, E>> + Unpin,
		E: std::fmt::Display,
		C: BodyCheck,
	{
		if declared.size > self.max_size {
			return Err(StoreError::TooLarge { limit: self.max_size });
		}
		let staging = Path::from(format!("staging/{}", upload_id()));
		let upload = self.store.put_multipart(&staging).await?;
		let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
		let mut hasher = Blake2b256::new();
		let mut size = 0u64;
		let received: Result<()> = async {
			while let Some(chunk) = body.next().await {
				let chunk = chunk.map_err(|e| StoreError::Body(e.to_string()))?;
				size = size.saturating_add(chunk.len() as u64);
				if size > declared.size {
					return Err(StoreError::Mismatch);
				}
				hasher.update(&chunk);
				check.update(&chunk);
				writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
				writer.put(chunk);
			}
			Ok(())
		}
		.await;
		let matches = size == declared.size && <[u8; 32]>::from(hasher.finalize()) == declared.hash;
		let checked = received
			.and_then(|()| matches.then_some(()).ok_or(StoreError::Mismatch))
			.and_then(|()| check.accept().map_err(StoreError::Refused));
		if let Err(e) = checked {
			// Aborting removes what the upload wrote; if that fails too, the sweep will.
			let _ = writer.abort().await;
			return Err(e);
		}
		writer.finish().await?;
		let committed = self.commit(&staging, key, declared).await;
		// The bundle is in place (or refused); the staging copy goes either way.
		let _ = self.store.delete(&staging).await;
		committed
	}

	async fn commit(&self, staging: &Path, key: &BundleKey, declared: Declared) -> Result<Stored> {
		match self.store.copy_if_not_exists(staging, &key.path()).await {
			Ok(()) => Ok(Stored::New),
			Err(object_store::Error::AlreadyExists { .. }) => {
				if self.declared_of(&key.path()).await? == declared {
					Ok(Stored::AlreadyStored)
				} else {
					Err(StoreError::Conflict)
				}
			},
			Err(e) => Err(e.into()),
		}
	}

	/// Size and hash of the object at `path`, read as a stream.
	async fn declared_of(&self, path: &Path) -> Result<Declared> {
		let mut stream = self.store.get(path).await.map_err(not_found)?.into_stream();
		let mut hasher = Blake2b256::new();
		let mut size = 0u64;
		while let Some(chunk) = stream.try_next().await? {
			size = size.saturating_add(chunk.len() as u64);
			hasher.update(&chunk);
		}
		Ok(Declared { size, hash: hasher.finalize().into() })
	}

	/// Puts the metadata (what the provider keeps beside the bundle: receipt, upload header,
	/// tags) for the bundle at `key`, given as consecutive `parts` (so that large tag lists are
	/// never copied into one buffer), never replacing different metadata; writing the same
	/// again succeeds.
	pub async fn put_meta(&self, key: &BundleKey, parts: Vec<Bytes>) -> Result<Stored> {
		let options = PutOptions { mode: PutMode::Create, ..Default::default() };
		let payload: PutPayload = parts.iter().cloned().collect();
		match self.store.put_opts(&key.meta_path(), payload, options).await {
			Ok(_) => Ok(Stored::New),
			Err(object_store::Error::AlreadyExists { .. }) => {
				let stored = self.get_meta(key).await?;
				let total: usize = parts.iter().map(Bytes::len).sum();
				let mut offset = 0;
				let same = stored.len() == total
					&& parts.iter().all(|part| {
						let end = offset + part.len();
						let same = stored[offset..end] == part[..];
						offset = end;
						same
					});
				if same {
					Ok(Stored::AlreadyStored)
				} else {
					Err(StoreError::Conflict)
				}
			},
			Err(e) => Err(e.into()),
		}
	}

	/// The metadata of the bundle at `key`.
	pub async fn get_meta(&self, key: &BundleKey) -> Result<Bytes> {
		let result = self.store.get(&key.meta_path()).await.map_err(not_found)?;
		Ok(result.bytes().await?)
	}

	/// The first `len` bytes of the metadata of the bundle at `key` (fewer if it is shorter).
	pub async fn get_meta_prefix(&self, key: &BundleKey, len: u64) -> Result<Bytes> {
		self.get_meta_range(key, 0..len).await
	}

	/// Bytes `range` of the metadata of the bundle at `key` (fewer if it is shorter).
	pub async fn get_meta_range(&self, key: &BundleKey, range: Range<u64>) -> Result<Bytes> {
		let options = GetOptions { range: Some(GetRange::Bounded(range)), ..Default::default() };
		let result = self.store.get_opts(&key.meta_path(), options).await.map_err(not_found)?;
		Ok(result.bytes().await?)
	}

	/// The size of the bundle at `key`.
	pub async fn size(&self, key: &BundleKey) -> Result<u64> {
		Ok(self.store.head(&key.path()).await.map_err(not_found)?.size)
	}

	/// The bytes of the bundle at `key` in `range` (all of them for `None`), as a stream.
	pub async fn get(
		&self,
		key: &BundleKey,
		range: Option<Range<u64>>,
	) -> Result<BoxStream<'static, Result<Bytes>>> {
		if let Some(range) = &range {
			if range.start >= range.end || range.end > self.size(key).await? {
				return Err(StoreError::BadRange);
			}
		}
		let options = GetOptions { range: range.map(GetRange::Bounded), ..Default::default() };
		let result = self.store.get_opts(&key.path(), options).await.map_err(not_found)?;
		Ok(result.into_stream().map_err(StoreError::from).boxed())
	}

	/// Every bundle with metadata in the store: the bundles the provider acknowledged.
	pub async fn receipted(&self) -> Result<Vec<BundleKey>> {
		let objects: Vec<_> =
			self.store.list(Some(&Path::from("bundles"))).try_collect::<Vec<_>>().await?;
		Ok(objects
			.into_iter()
			.filter_map(|object| BundleKey::from_meta_path(&object.location))
			.collect())
	}

	/// Removes the bundle at `key` and then its metadata (so that a removal cut short is
	/// found and finished by the next one); a part already gone is no error.
	pub async fn remove(&self, key: &BundleKey) -> Result<()> {
		for path in [key.path(), key.meta_path()] {
			match self.store.delete(&path).await {
				Ok(()) | Err(object_store::Error::NotFound { .. }) => {},
				Err(e) => return Err(e.into()),
			}
		}
		Ok(())
	}

	/// Removes every staging object: what uploads cut short (a crash, a killed process) left.
	/// Call it at start, before serving; returns how many objects or files it removed.
	pub async fn sweep_staging(&self) -> Result<usize> {
		if let Some(root) = &self.local_root {
			// A local multipart upload writes to `<path>#<n>` files, which listing skips.
			let staging = root.join("staging");
			let mut removed = 0usize;
			if let Ok(mut entries) = tokio::fs::read_dir(&staging).await {
				while let Some(entry) = entries.next_entry().await? {
					tokio::fs::remove_file(entry.path()).await?;
					removed = removed.saturating_add(1);
				}
			}
			return Ok(removed);
		}
		let leftovers: Vec<_> =
			self.store.list(Some(&Path::from("staging"))).try_collect::<Vec<_>>().await?;
		for object in &leftovers {
			self.store.delete(&object.location).await?;
		}
		Ok(leftovers.len())
	}
}

fn not_found(e: object_store::Error) -> StoreError {
	match e {
		object_store::Error::NotFound { .. } => StoreError::NotFound,
		e => StoreError::Backend(e),
	}
}

/// A fresh staging name: 16 random bytes, so that concurrent uploads of the same key never
/// share staging data.
fn upload_id() -> String {
	let mut id = [0u8; 16];
	OsRng.fill_bytes(&mut id);
	hex::encode(id)
}

#[cfg(test)]
mod tests;
