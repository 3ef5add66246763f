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
use core::ops::Deref;
use rand_core::{CryptoRng, RngCore, SeedableRng};
use rayon::prelude::*;

/// Blocks per parallel chunk (one MSM pair each).
const CHUNK: usize = 256;

/// Per-chunk partial sums: `Σ rho_i sigma_i`, `Σ rho_i H_i`, `Σ rho_i m_ij` (normal form), over
/// the blocks `first..first + tags.len()` whose bytes start `data`.
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
		for (j, sector) in block_of(data, k, bsize).chunks(SECTOR_BYTES).take(s).enumerate() {
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
	if params.blocks as u64 != block_count(data.len() as u64, params.sectors)
		|| tags.len() != params.blocks as usize
	{
		return false;
	}
	let Some(mut check) = TagCheck::new(key, params.clone(), rng) else {
		return false;
	};
	check.absorb(data, tags);
	check.finish()
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

/// The receipt check over a file that arrives in pieces (a streamed upload): the same batched
/// equation as [`verify_tags_prepared`], its sums accumulated piece by piece, so neither the
/// file nor its tags need be held whole. `absorb` the blocks in order, then `finish`.
pub struct TagCheck<K> {
	key: K,
	params: PdpFileParams,
	seed: [u8; 32],
	/// Blocks absorbed so far.
	blocks: usize,
	/// Bytes absorbed so far.
	bytes: u64,
	/// Chunks summed so far: each draws its coefficients from its own ChaCha stream.
	chunks: u64,
	/// Whether a piece ended inside a block (only the file's last piece may).
	ended_short: bool,
	failed: bool,
	sig: blst_p1,
	h: blst_p1,
	mu: Vec<Fr>,
}

impl<K: Deref<Target = PreparedPdpKey>> TagCheck<K> {
	/// A check of the file `params` describes under `key`; `None` if `key` has fewer sectors
	/// than the file's blocks (or the file claims none). `rng` draws the batch coefficients and
	/// must be the provider's own CSPRNG.
	pub fn new<R: RngCore + CryptoRng>(key: K, params: PdpFileParams, rng: &mut R) -> Option<Self> {
		let s = params.sectors as usize;
		if s == 0 || s > key.sectors() {
			return None;
		}
		let mut seed = [0u8; 32];
		rng.fill_bytes(&mut seed);
		Some(Self {
			key,
			params,
			seed,
			blocks: 0,
			bytes: 0,
			chunks: 0,
			ended_short: false,
			failed: false,
			sig: blst_p1::default(),
			h: blst_p1::default(),
			mu: vec![Fr::default(); s],
		})
	}

	/// The bytes of a block of this file.
	pub fn block_size(&self) -> usize {
		self.params.sectors as usize * SECTOR_BYTES
	}

	/// Absorbs the next `tags.len()` blocks of the file: `data` holds exactly their bytes
	/// (whole blocks; only the file's last block may be shorter). Tags beyond the file's block
	/// count, a short block before the end or an undecodable tag fail the check.
	pub fn absorb(&mut self, data: &[u8], tags: &[[u8; 48]]) {
		let bsize = self.block_size();
		let whole = tags.len().saturating_mul(bsize);
		if self.failed || tags.is_empty() {
			return;
		}
		// Whole blocks, the last one possibly short but not empty (unless the file is).
		let fits = data.len() <= whole
			&& (data.len() + bsize > whole || (data.is_empty() && tags.len() == 1));
		if self.ended_short || !fits || self.blocks + tags.len() > self.params.blocks as usize {
			self.failed = true;
			return;
		}
		self.ended_short = data.len() < whole;
		let (params, seed, first, chunks) = (&self.params, &self.seed, self.blocks, self.chunks);
		let parts: Option<Vec<_>> = tags
			.par_chunks(CHUNK)
			.enumerate()
			.map(|(c, t)| {
				let start = (c * CHUNK * bsize).min(data.len());
				chunk_sums(params, &data[start..], t, first + c * CHUNK, seed, chunks + c as u64)
			})
			.collect();
		let Some(parts) = parts else {
			self.failed = true;
			return;
		};
		for (ps, ph, pm) in &parts {
			self.sig = bls::p1_add(&self.sig, ps);
			self.h = bls::p1_add(&self.h, ph);
			for (a, b) in self.mu.iter_mut().zip(pm) {
				*a = bls::fr_add(a, b);
			}
		}
		self.blocks += tags.len();
		self.bytes = self.bytes.saturating_add(data.len() as u64);
		self.chunks += parts.len() as u64;
	}

	/// `true` iff every block of the file was absorbed and all its tags are the owner's tags
	/// of these blocks (up to 2^-128).
	pub fn finish(self) -> bool {
		let s = self.params.sectors as usize;
		if self.failed
			|| self.blocks != self.params.blocks as usize
			|| block_count(self.bytes, self.params.sectors) != self.params.blocks as u64
		{
			return false;
		}
		let mus: Vec<u8> = self.mu.iter().flat_map(bls::raw_to_le).collect();
		let x = bls::p1_add(&self.h, &bls::msm(&self.key.u[..s], &mus, 32, 255));
		bls::pairing_eq(&bls::p1_to_affine(&self.sig), &bls::p1_to_affine(&x), &self.key.v)
	}
}
