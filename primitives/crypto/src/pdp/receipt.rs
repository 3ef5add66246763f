//! The storage provider's receipt check: every tag of an uploaded file against the owner's
//! public key, before the provider signs for the bundle.
//!
//! One batched equation instead of `n` pairings (the small-exponent batch test of Bellare,
//! Garay and Rabin, as in batch BLS verification): with secret random 128-bit `rho_i`,
//!
//! `e(Π sigma_i^{rho_i}, g2) == e(Π H(name||i)^{rho_i} · Π_j u_j^{Σ_i rho_i m_ij}, v)`.
//!
//! If any tag is wrong the two sides differ except with probability 2^-128 over `rho`, which the
//! provider draws itself (an owner who could predict `rho` could craft wrong tags that cancel).
//! Each tag is decoded with a subgroup check: a torsion component of a tag would survive
//! aggregation with probability up to 1/3 (the G1 cofactor has the factor 3) and later make the
//! provider's proofs fail. The cost is one hash-to-G1, one decompression with subgroup check and
//! `s` field multiplications per block, on the rayon pool in chunks of [`CHUNK`] blocks, plus
//! three MSMs and one two-pair pairing.

use super::bls::{self, Fr};
use super::owner::{block_message, block_of};
use super::prepared::{prepared_key, PreparedPdpKey};
use super::types::block_count;
use super::types::{PdpFileParams, PdpPublicKey, SECTOR_BYTES};
use crate::hash_to_curve::{hash_to_g1_blst, PDP_DST};
use blst::blst_p1;
use rand_core::{CryptoRng, RngCore, SeedableRng};
use rayon::prelude::*;

/// Blocks per parallel chunk (one MSM pair each).
const CHUNK: usize = 256;

/// Per-chunk partial sums: `Σ rho_i sigma_i`, `Σ rho_i H_i`, `Σ rho_i m_ij` (normal form).
fn chunk_sums(
	params: &PdpFileParams,
	data: &[u8],
	tags: &[[u8; 48]],
	first: usize,
	seed: &[u8; 32],
	chunk: u64,
) -> Option<(blst_p1, blst_p1, Vec<Fr>)> {
	let s = params.sectors as usize;
	let bsize = s * SECTOR_BYTES;
	let mut rng = rand_chacha::ChaCha20Rng::from_seed(*seed);
	rng.set_stream(chunk);
	let mut rhos = Vec::with_capacity(tags.len() * 16);
	let mut sig = Vec::with_capacity(tags.len());
	let mut hs = Vec::with_capacity(tags.len());
	let mut mu = vec![Fr::default(); s];
	for (k, tag) in tags.iter().enumerate() {
		let i = first + k;
		let rho = loop {
			let mut c = [0u8; 16];
			rng.fill_bytes(&mut c);
			if c != [0u8; 16] {
				break c;
			}
		};
		sig.push(bls::p1_decompress(tag)?);
		hs.push(hash_to_g1_blst(&block_message(&params.name, i as u32), PDP_DST));
		let r = bls::fr_mont_from_le(&rho);
		for (j, sector) in block_of(data, i, bsize).chunks(SECTOR_BYTES).take(s).enumerate() {
			mu[j] = bls::fr_add(&mu[j], &bls::fr_mul(&bls::fr_raw(sector), &r));
		}
		rhos.extend_from_slice(&rho);
	}
	let hs = bls::p1s_to_affine(&hs);
	Some((bls::msm(&sig, &rhos, 16, 128), bls::msm(&hs, &rhos, 16, 128), mu))
}

/// Checks every tag of a file under a prepared key; `true` iff all `n` tags are the owner's
/// tags of these blocks (up to 2^-128). `rng` draws the batch coefficients and must be the
/// provider's own CSPRNG.
pub fn verify_tags_prepared<R: RngCore + CryptoRng>(
	key: &PreparedPdpKey,
	params: &PdpFileParams,
	data: &[u8],
	tags: &[[u8; 48]],
	rng: &mut R,
) -> bool {
	let s = params.sectors as usize;
	if s == 0
		|| s > key.sectors()
		|| params.blocks as u64 != block_count(data.len() as u64, params.sectors)
		|| tags.len() != params.blocks as usize
	{
		return false;
	}
	let mut seed = [0u8; 32];
	rng.fill_bytes(&mut seed);
	let parts: Option<Vec<_>> = tags
		.par_chunks(CHUNK)
		.enumerate()
		.map(|(c, t)| chunk_sums(params, data, t, c * CHUNK, &seed, c as u64))
		.collect();
	let Some(parts) = parts else {
		return false;
	};
	let mut sig = blst_p1::default();
	let mut h = blst_p1::default();
	let mut mu = vec![Fr::default(); s];
	for (ps, ph, pm) in &parts {
		sig = bls::p1_add(&sig, ps);
		h = bls::p1_add(&h, ph);
		for (a, b) in mu.iter_mut().zip(pm) {
			*a = bls::fr_add(a, b);
		}
	}
	let mus: Vec<u8> = mu.iter().flat_map(bls::raw_to_le).collect();
	let x = bls::p1_add(&h, &bls::msm(&key.u[..s], &mus, 32, 255));
	bls::pairing_eq(&bls::p1_to_affine(&sig), &bls::p1_to_affine(&x), &key.v)
}

/// [`verify_tags_prepared`] under the owner's public key (prepared through the cache): the
/// storage provider's receipt check of an uploaded bundle.
pub fn verify_tags<R: RngCore + CryptoRng>(
	pk: &PdpPublicKey,
	params: &PdpFileParams,
	data: &[u8],
	tags: &[[u8; 48]],
	rng: &mut R,
) -> bool {
	prepared_key(pk).is_some_and(|key| verify_tags_prepared(&key, params, data, tags, rng))
}
