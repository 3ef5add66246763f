//! Owner public keys decoded once: decompression and subgroup checks of the `s` points `u_j`
//! and of `v` cost as much as a fifth of a verification, and an auditor verifies many proofs
//! under the same few hospital keys.

use super::bls;
use super::types::PdpPublicKey;
use blst::{blst_p1_affine, blst_p2_affine};
use codec::{DecodeAll, Encode};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex, OnceLock};

/// A PDP public key with every point decompressed and checked to lie in its prime-order
/// subgroup (and not be the identity).
pub struct PreparedPdpKey {
	pub(super) v: blst_p2_affine,
	pub(super) u: Vec<blst_p1_affine>,
}

impl PreparedPdpKey {
	/// Decodes and checks all points; `None` if any is malformed, off-subgroup or the identity.
	pub fn new(pk: &PdpPublicKey) -> Option<Self> {
		let v = bls::p2_decompress(&pk.v)?;
		let u = pk.u.iter().map(bls::p1_decompress).collect::<Option<Vec<_>>>()?;
		Some(Self { v, u })
	}

	/// Number of sectors per block the key supports.
	pub fn sectors(&self) -> usize {
		self.u.len()
	}

	/// The key these points were decoded from (compressed again).
	pub fn public_key(&self) -> PdpPublicKey {
		let u: Vec<[u8; 48]> = self.u.iter().map(bls::p1_compress).collect();
		PdpPublicKey { v: bls::p2_compress(&self.v), u: u.try_into().unwrap_or_default() }
	}
}

/// Keys kept by [`prepared_key`]: a consortium has a few dozen hospitals.
const CACHED_KEYS: usize = 64;

/// A PDP public key prepared once per process: [`PreparedPdpKey::new`] behind a cache keyed by
/// the SHA-256 of the key's SCALE encoding (least recently used evicted, malformed keys not
/// cached). The answer never depends on the cache: a hit returns exactly what preparing the same
/// key again would.
pub fn prepared_key(pk: &PdpPublicKey) -> Option<Arc<PreparedPdpKey>> {
	prepared_key_cached(&pk.encode())
}

/// The cache behind [`prepared_key`] and the host functions, over SCALE bytes of a
/// `PdpPublicKey`. The key is decoded from the very bytes its cache id is hashed from, so no
/// caller can file one key's points under another key's id (the earlier public
/// `prepared_key_cached(encoded, decoded)` trusted the caller that both matched, and a
/// mismatched pair poisoned the process-wide cache the host function reads).
pub(super) fn prepared_key_cached(encoded: &[u8]) -> Option<Arc<PreparedPdpKey>> {
	type Cache = Mutex<Vec<([u8; 32], Arc<PreparedPdpKey>)>>;
	static CACHE: OnceLock<Cache> = OnceLock::new();
	let id: [u8; 32] = Sha256::digest(encoded).into();
	let cache = CACHE.get_or_init(|| Mutex::new(Vec::with_capacity(CACHED_KEYS)));
	// A poisoned lock only means another verification panicked mid-update of this Vec, which
	// holds complete entries either way.
	let lock = || cache.lock().unwrap_or_else(|p| p.into_inner());
	{
		let mut keys = lock();
		if let Some(pos) = keys.iter().position(|(k, _)| *k == id) {
			let entry = keys.remove(pos);
			let prepared = entry.1.clone();
			keys.push(entry);
			return Some(prepared);
		}
	}
	let pk = PdpPublicKey::decode_all(&mut &encoded[..]).ok()?;
	let prepared = Arc::new(PreparedPdpKey::new(&pk)?);
	let mut keys = lock();
	// Another thread may have prepared the same key meanwhile.
	if !keys.iter().any(|(k, _)| *k == id) {
		if keys.len() >= CACHED_KEYS {
			keys.remove(0);
		}
		keys.push((id, prepared.clone()));
	}
	Some(prepared)
}
