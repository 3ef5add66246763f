//! FAME's hash-to-G1 inputs, `H(attr l t)` per attribute and `H(0 j l t)` per MSP column, with
//! process-wide caches: `H` is deterministic and an encryptor meets the same few attributes
//! (unary grades and titles, the key epoch, `emergency`) in every policy, while each hash costs
//! an RFC 9380 hash-to-curve.

use crate::hash_to_curve::{hash_to_g1, hash_to_g1_blst, ABE_DST};
use ark_bls12_381::G1Affine;
use ark_ec::AffineRepr;
use blst::blst_p1;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

/// Attributes whose hashes are kept; further attributes (say, one per doctor in per-doctor
/// policies) are hashed at every use instead of growing the cache without bound.
pub const MAX_CACHED_ATTRIBUTES: usize = 4096;

/// Index of `(l, t)` in the six hashes of an attribute or column: `(l-1)*2 + (t-1)`.
#[inline]
pub(crate) fn slot(l: u8, t: u8) -> usize {
	(l as usize - 1) * 2 + t as usize - 1
}

/// `H(π(i) l t)` for an attribute.
pub fn attribute_hash(attr: &[u8], l: u8, t: u8) -> G1Affine {
	hash_to_g1(&attribute_message(attr, l, t), ABE_DST)
}

fn attribute_message(attr: &[u8], l: u8, t: u8) -> Vec<u8> {
	let mut m = Vec::with_capacity(attr.len() + 5);
	m.push(1);
	m.extend_from_slice(&(attr.len() as u16).to_le_bytes());
	m.extend_from_slice(attr);
	m.extend_from_slice(&[l, t]);
	m
}

/// The six `H(attr l t)` of an attribute as blst points, index [`slot`], cached (at most
/// [`MAX_CACHED_ATTRIBUTES`] attributes).
pub(crate) fn attribute_hashes_blst(attr: &[u8]) -> [blst_p1; 6] {
	static CACHE: OnceLock<RwLock<HashMap<Vec<u8>, [blst_p1; 6]>>> = OnceLock::new();
	let cache = CACHE.get_or_init(|| RwLock::new(HashMap::new()));
	if let Some(h) = cache.read().unwrap_or_else(|p| p.into_inner()).get(attr) {
		return *h;
	}
	let mut h = [blst_p1::default(); 6];
	for l in 1..=3u8 {
		for t in 1..=2u8 {
			h[slot(l, t)] = hash_to_g1_blst(&attribute_message(attr, l, t), ABE_DST);
		}
	}
	let mut w = cache.write().unwrap_or_else(|p| p.into_inner());
	if w.len() < MAX_CACHED_ATTRIBUTES {
		w.insert(attr.to_vec(), h);
	}
	h
}

/// `H(0 j l t)`, uncached.
pub fn column_hash_uncached(j: u32, l: u8, t: u8) -> G1Affine {
	let mut m = vec![0u8];
	m.extend_from_slice(&j.to_le_bytes());
	m.extend_from_slice(&[l, t]);
	hash_to_g1(&m, ABE_DST)
}

/// The six `H(0 j l t)` of column `j` (1-based), index [`slot`], cached.
pub(crate) fn column_hashes(j: u32) -> [G1Affine; 6] {
	static CACHE: OnceLock<RwLock<Vec<[G1Affine; 6]>>> = OnceLock::new();
	let cache = CACHE.get_or_init(|| RwLock::new(Vec::new()));
	let idx = j as usize - 1;
	if let Some(h) = cache.read().unwrap_or_else(|p| p.into_inner()).get(idx) {
		return *h;
	}
	let mut w = cache.write().unwrap_or_else(|p| p.into_inner());
	while w.len() <= idx {
		let jj = w.len() as u32 + 1;
		let mut h = [G1Affine::zero(); 6];
		for l in 1..=3u8 {
			for t in 1..=2u8 {
				h[slot(l, t)] = column_hash_uncached(jj, l, t);
			}
		}
		w.push(h);
	}
	w[idx]
}
