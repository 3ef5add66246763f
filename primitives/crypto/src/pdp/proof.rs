//! Storage side (masked proof generation) and verifier side (one two-pair pairing product).
//!
//! The masked proof is Wang, Wang, Ren and Lou's privacy-preserving answer (INFOCOM 2010), for
//! `s` sectors as in their journal version: with `mu_j = Σ nu_i m_ij` and
//! `sigma = Π sigma_i^{nu_i}` as in Shacham–Waters, the prover draws secret uniform `r_j`,
//! publishes `R = e(Π u_j^{r_j}, v)` and `mu'_j = r_j + gamma · mu_j` with
//! `gamma = H(R, sigma, params, challenge)`, and the verifier checks
//!
//! `R · e(sigma^gamma, g2) == e((Π H(name||i)^{nu_i})^gamma · Π u_j^{mu'_j}, v)`.
//!
//! Correctness: the right side is `e(Π u_j^{r_j}, v) · e(Π H^{nu_i} Π u_j^{mu_j}, v)^gamma`,
//! and `e(sigma, g2) = e(Π H^{nu_i} Π u_j^{mu_j}, v)`. Privacy: for every candidate file there
//! are masks `r_j` that explain the published `mu'_j`, so the linear system that recovers the
//! blocks from unmasked proofs has as many unknowns as equations more than the file has (see the
//! test `masked_proofs_do_not_solve_for_the_data`); the masks are bound only through `R`, a
//! discrete-logarithm commitment. What stays: `sigma` lets a verifier *confirm* a guess of all
//! challenged blocks at once (`e(sigma, g2) = e(Π H^{nu} Π u^{mu}, v)` for a guessed `mu`); the
//! stored data is a ciphertext, so it cannot be guessed.
//!
//! `gamma` hashes `sigma`, the file parameters and the challenge beside `R` (the paper hashes
//! `R` alone): binding the whole statement is the usual strong Fiat–Shamir discipline and costs
//! one SHA-512 pass over about 9 KB. `gamma = 0` is rejected (it would drop the data from the
//! equation).

use super::bls::{self, Fr};
use super::challenge::derive_challenge;
use super::owner::block_message;
use super::prepared::{prepared_key, prepared_key_cached, PreparedPdpKey};
use super::types::{
	Challenge, PdpFileParams, PdpProof, PdpProofV1, PdpPublicKey, GT_BYTES, MAX_CHALLENGE,
	SECTOR_BYTES,
};
use crate::hash_to_curve::{hash_to_g1_blst, PDP_DST};
use crate::{Error, Result};
use blst::{blst_p1, blst_p1_affine};
use codec::Encode;
use rand_core::{CryptoRng, RngCore};
use rayon::prelude::*;
use sha2::{Digest, Sha512};

/// Domain separation of `gamma`.
const GAMMA_DST: &[u8] = b"medchain/pdp/masked-proof/gamma/v1";

/// `mu_j` (normal form) and `sigma` of a challenge, from the challenged blocks and tags.
fn aggregate(
	params: &PdpFileParams,
	challenge: &Challenge,
	blocks: &[&[u8]],
	tags: &[[u8; 48]],
) -> Result<(Vec<Fr>, blst_p1)> {
	let c = challenge.indices.len();
	if blocks.len() != c || tags.len() != c || challenge.coefficients.len() != c {
		return Err(Error::InvalidParameter);
	}
	let s = params.sectors as usize;
	let mut mu = vec![Fr::default(); s];
	let mut pts = Vec::with_capacity(c);
	for k in 0..c {
		let nu = bls::fr_mont_from_le(&challenge.coefficients[k]);
		for (j, sector) in blocks[k].chunks(SECTOR_BYTES).take(s).enumerate() {
			mu[j] = bls::fr_add(&mu[j], &bls::fr_mul(&bls::fr_raw(sector), &nu));
		}
		pts.push(bls::p1_decompress_unchecked(&tags[k]).ok_or(Error::InvalidPoint)?);
	}
	let scalars: Vec<u8> = challenge.coefficients.iter().flatten().copied().collect();
	Ok((mu, bls::msm(&pts, &scalars, 16, 128)))
}

/// The challenged blocks of a file and their tags.
type Challenged<'a> = (Vec<&'a [u8]>, Vec<[u8; 48]>);

/// The challenged blocks and tags of a whole file.
fn challenged<'a>(
	params: &PdpFileParams,
	challenge: &Challenge,
	data: &'a [u8],
	tags: &[[u8; 48]],
) -> Result<Challenged<'a>> {
	if tags.len() != params.blocks as usize {
		return Err(Error::InvalidParameter);
	}
	let bsize = params.sectors as usize * SECTOR_BYTES;
	let blocks = challenge
		.indices
		.iter()
		.map(|i| super::owner::block_of(data, *i as usize, bsize))
		.collect();
	let t = challenge.indices.iter().map(|i| tags[*i as usize]).collect();
	Ok((blocks, t))
}

/// `gamma = SHA-512(GAMMA_DST || R || sigma || SCALE(params) || SCALE(challenge)) mod r`
/// (Montgomery form; 512 bits reduced, bias 2^-257).
fn gamma(r: &[u8; GT_BYTES], sigma: &[u8; 48], params: &PdpFileParams, ch: &Challenge) -> Fr {
	let mut h = Sha512::new();
	h.update(GAMMA_DST);
	h.update(r);
	h.update(sigma);
	h.update(params.encode());
	h.update(ch.encode());
	bls::fr_mont_from_le(&h.finalize())
}

/// The public `gamma` of a proof, canonical little-endian (what an observer of the proof can
/// compute; the privacy tests use it).
#[cfg(test)]
pub(crate) fn proof_gamma(proof: &PdpProof, params: &PdpFileParams, ch: &Challenge) -> [u8; 32] {
	bls::mont_to_le(&gamma(&proof.r, &proof.sigma, params, ch))
}

/// The masked proof for an explicit challenge with explicit masks `r_j` (canonical LE
/// scalars, one per sector). Only [`prove_with_challenge`] (fresh uniform masks) and the tests
/// (zero masks, to show what the mask hides) call it.
pub(crate) fn prove_with_masks(
	key: &PreparedPdpKey,
	params: &PdpFileParams,
	challenge: &Challenge,
	blocks: &[&[u8]],
	tags: &[[u8; 48]],
	masks: &[[u8; 32]],
) -> Result<PdpProof> {
	let s = params.sectors as usize;
	if s == 0 || s > key.sectors() || masks.len() != s {
		return Err(Error::InvalidParameter);
	}
	let (mu, sigma) = aggregate(params, challenge, blocks, tags)?;
	let sigma = bls::p1_compress(&bls::p1_to_affine(&sigma));
	let flat: Vec<u8> = masks.iter().flatten().copied().collect();
	let ur = bls::msm(&key.u[..s], &flat, 32, 255);
	let r = bls::gt_to_bytes(&bls::pairing(&bls::p1_to_affine(&ur), &key.v));
	let g = gamma(&r, &sigma, params, challenge);
	if g.l == [0u64; 4] {
		// Probability 2^-255; a zero gamma would make the proof independent of the data.
		return Err(Error::InvalidParameter);
	}
	// mu'_j = r_j + gamma·mu_j: fr_mul(normal, Montgomery) is normal form, as is r_j loaded raw.
	let mu: Vec<[u8; 32]> = mu
		.iter()
		.zip(masks)
		.map(|(m, r)| bls::raw_to_le(&bls::fr_add(&bls::fr_normal_from_le(r), &bls::fr_mul(m, &g))))
		.collect();
	Ok(PdpProof { mu: mu.try_into().map_err(|_| Error::TooLarge)?, sigma, r })
}

/// Masked proof for a challenge, from the challenged blocks (`blocks[k]` and `tags[k]` belong to
/// `challenge.indices[k]`) under the owner's key; `rng` draws the secret masks (a CSPRNG: masks
/// that repeat or can be predicted give the data away again).
pub fn prove_with_challenge<R: RngCore + CryptoRng>(
	key: &PreparedPdpKey,
	params: &PdpFileParams,
	challenge: &Challenge,
	blocks: &[&[u8]],
	tags: &[[u8; 48]],
	rng: &mut R,
) -> Result<PdpProof> {
	let masks: zeroize::Zeroizing<Vec<[u8; 32]>> = zeroize::Zeroizing::new(
		(0..params.sectors).map(|_| bls::mont_to_le(&bls::random_scalar(rng))).collect(),
	);
	prove_with_masks(key, params, challenge, blocks, tags, &masks)
}

/// Masked proof for the challenge derived from `seed`, with the whole file and its tags at hand,
/// under a prepared key (the storage provider prepares each owner's key once).
pub fn prove_prepared<R: RngCore + CryptoRng>(
	key: &PreparedPdpKey,
	params: &PdpFileParams,
	seed: &[u8; 32],
	data: &[u8],
	tags: &[[u8; 48]],
	rng: &mut R,
) -> Result<PdpProof> {
	let ch = derive_challenge(seed, params);
	let (blocks, t) = challenged(params, &ch, data, tags)?;
	prove_with_challenge(key, params, &ch, &blocks, &t, rng)
}

/// Masked proof for the challenge derived from `seed` under the owner's public key (prepared
/// through the process-wide cache, [`prepared_key`]). What a storage provider answers with.
pub fn prove<R: RngCore + CryptoRng>(
	pk: &PdpPublicKey,
	params: &PdpFileParams,
	seed: &[u8; 32],
	data: &[u8],
	tags: &[[u8; 48]],
	rng: &mut R,
) -> Result<PdpProof> {
	let key = prepared_key(pk).ok_or(Error::InvalidPoint)?;
	prove_prepared(&key, params, seed, data, tags, rng)
}

/// Checks shared by both proof versions: shapes, canonical scalars, `sigma` in G1; then
/// `Π H(name||i)^{nu_i}` (the hashes on the rayon pool).
fn common(
	key: &PreparedPdpKey,
	params: &PdpFileParams,
	challenge: &Challenge,
	mu: &[[u8; 32]],
	sigma: &[u8; 48],
) -> Option<(blst_p1_affine, blst_p1)> {
	let s = params.sectors as usize;
	if s == 0
		|| s > key.sectors()
		|| mu.len() != s
		|| challenge.indices.is_empty()
		|| challenge.indices.len() != challenge.coefficients.len()
		|| challenge.indices.iter().any(|i| *i >= params.blocks)
	{
		return None;
	}
	if !mu.iter().all(bls::scalar_is_canonical) {
		return None;
	}
	let sigma = bls::p1_decompress(sigma)?;
	// The c hashes to G1 are most of the cost and independent: the rayon pool shares them.
	let hs: Vec<blst_p1> = challenge
		.indices
		.par_iter()
		.map(|i| hash_to_g1_blst(&block_message(&params.name, *i), PDP_DST))
		.collect();
	let hs = bls::p1s_to_affine(&hs);
	let nus: Vec<u8> = challenge.coefficients.iter().flatten().copied().collect();
	Some((sigma, bls::msm(&hs, &nus, 16, 128)))
}

/// Verification of a masked proof against an explicit challenge:
/// `R · e(sigma^gamma, g2) == e((Π H(name||i)^{nu_i})^gamma · Π u_j^{mu'_j}, v)`, checked as
/// `encode(e(X, v) / e(sigma^gamma, g2)) == R`. All points decoded with subgroup checks, every
/// scalar canonical; never panics.
pub fn verify_with_challenge(
	pk: &PdpPublicKey,
	params: &PdpFileParams,
	challenge: &Challenge,
	proof: &PdpProof,
) -> bool {
	PreparedPdpKey::new(pk).is_some_and(|key| verify_prepared(&key, params, challenge, proof))
}

/// [`verify_with_challenge`] under a key decoded and checked beforehand.
pub fn verify_prepared(
	key: &PreparedPdpKey,
	params: &PdpFileParams,
	challenge: &Challenge,
	proof: &PdpProof,
) -> bool {
	let Some((sigma, h)) = common(key, params, challenge, &proof.mu, &proof.sigma) else {
		return false;
	};
	let g = gamma(&proof.r, &proof.sigma, params, challenge);
	if g.l == [0u64; 4] {
		return false;
	}
	let g = bls::mont_to_le(&g);
	let s = params.sectors as usize;
	let mus: Vec<u8> = proof.mu.iter().flatten().copied().collect();
	let x = bls::p1_add(&bls::p1_mult(&h, &g, 255), &bls::msm(&key.u[..s], &mus, 32, 255));
	let sg = bls::p1_mult(&bls::p1_from_affine(&sigma), &g, 255);
	let f = bls::pairing_ratio(&bls::p1_to_affine(&sg), &bls::p1_to_affine(&x), &key.v);
	bls::gt_to_bytes(&f) == proof.r
}

/// Verification of a masked proof for the challenge derived from `seed`.
pub fn verify(
	pk: &PdpPublicKey,
	params: &PdpFileParams,
	seed: &[u8; 32],
	proof: &PdpProof,
) -> bool {
	if params.blocks == 0 {
		return false;
	}
	verify_with_challenge(pk, params, &derive_challenge(seed, params), proof)
}

/// [`verify`] over SCALE bytes (`PdpPublicKey`, `PdpFileParams`, `PdpProof`): host function
/// `verify_pdp` version 2. Malformed bytes give `false`; the decoded key is cached.
pub fn verify_encoded(public_key: &[u8], params: &[u8], seed: &[u8; 32], proof: &[u8]) -> bool {
	// The full challenge is the sized one of 460 blocks.
	verify_sized_encoded(public_key, params, seed, MAX_CHALLENGE, proof)
}

/// [`verify_encoded`] for the challenge of `min(n, challenged)` blocks
/// ([`derive_challenge_sized`](super::derive_challenge_sized)): host function
/// `verify_pdp_sized`. `challenged` outside `1..=460` gives `false` (rather than being clamped:
/// the caller names the size it was asked, and a size the chain never asks is an error).
pub fn verify_sized_encoded(
	public_key: &[u8],
	params: &[u8],
	seed: &[u8; 32],
	challenged: u32,
	proof: &[u8],
) -> bool {
	use codec::DecodeAll;
	if !(1..=MAX_CHALLENGE).contains(&challenged) {
		return false;
	}
	let (Ok(pa), Ok(pr)) =
		(PdpFileParams::decode_all(&mut &params[..]), PdpProof::decode_all(&mut &proof[..]))
	else {
		return false;
	};
	if pa.blocks == 0 {
		return false;
	}
	let Some(key) = prepared_key_cached(public_key) else {
		return false;
	};
	let challenge = super::challenge::derive_challenge_sized(seed, &pa, challenged);
	verify_prepared(&key, &pa, &challenge, &pr)
}

/// The version-1 (unmasked) proof, kept for host function `verify_pdp` version 1 and as the
/// benchmark baseline. **Its proofs leak the data** (`mu` is linear in the blocks with public
/// coefficients, about `n` proofs solve for an `n`-block file): providers and audits use the
/// masked [`prove`](super::prove) / [`verify`](super::verify).
pub mod v1 {
	use super::*;

	/// Unmasked proof for a challenge (`blocks[k]` and `tags[k]` belong to
	/// `challenge.indices[k]`).
	pub fn prove_with_challenge(
		params: &PdpFileParams,
		challenge: &Challenge,
		blocks: &[&[u8]],
		tags: &[[u8; 48]],
	) -> Result<PdpProofV1> {
		let (mu, sigma) = aggregate(params, challenge, blocks, tags)?;
		let mu: Vec<[u8; 32]> = mu.iter().map(bls::raw_to_le).collect();
		Ok(PdpProofV1 {
			mu: mu.try_into().map_err(|_| Error::TooLarge)?,
			sigma: bls::p1_compress(&bls::p1_to_affine(&sigma)),
		})
	}

	/// Unmasked proof for the challenge derived from `seed`.
	pub fn prove(
		params: &PdpFileParams,
		seed: &[u8; 32],
		data: &[u8],
		tags: &[[u8; 48]],
	) -> Result<PdpProofV1> {
		let ch = derive_challenge(seed, params);
		let (blocks, t) = challenged(params, &ch, data, tags)?;
		prove_with_challenge(params, &ch, &blocks, &t)
	}

	/// `e(sigma, g2) == e(Π H(name||i)^{nu_i} · Π u_j^{mu_j}, v)` under a prepared key.
	pub fn verify_prepared(
		key: &PreparedPdpKey,
		params: &PdpFileParams,
		challenge: &Challenge,
		proof: &PdpProofV1,
	) -> bool {
		let Some((sigma, h)) = common(key, params, challenge, &proof.mu, &proof.sigma) else {
			return false;
		};
		let s = params.sectors as usize;
		let mus: Vec<u8> = proof.mu.iter().flatten().copied().collect();
		let x = bls::p1_add(&h, &bls::msm(&key.u[..s], &mus, 32, 255));
		bls::pairing_eq(&sigma, &bls::p1_to_affine(&x), &key.v)
	}

	/// Unmasked verification against an explicit challenge.
	pub fn verify_with_challenge(
		pk: &PdpPublicKey,
		params: &PdpFileParams,
		challenge: &Challenge,
		proof: &PdpProofV1,
	) -> bool {
		PreparedPdpKey::new(pk).is_some_and(|key| verify_prepared(&key, params, challenge, proof))
	}

	/// Unmasked verification for the challenge derived from `seed`.
	pub fn verify(
		pk: &PdpPublicKey,
		params: &PdpFileParams,
		seed: &[u8; 32],
		proof: &PdpProofV1,
	) -> bool {
		if params.blocks == 0 {
			return false;
		}
		verify_with_challenge(pk, params, &derive_challenge(seed, params), proof)
	}

	/// [`verify`] over SCALE bytes (`PdpPublicKey`, `PdpFileParams`, `PdpProofV1`): host
	/// function `verify_pdp` version 1, unchanged in what it accepts and returns.
	pub fn verify_encoded(public_key: &[u8], params: &[u8], seed: &[u8; 32], proof: &[u8]) -> bool {
		use codec::DecodeAll;
		let (Ok(pa), Ok(pr)) =
			(PdpFileParams::decode_all(&mut &params[..]), PdpProofV1::decode_all(&mut &proof[..]))
		else {
			return false;
		};
		if pa.blocks == 0 {
			return false;
		}
		let Some(key) = prepared_key_cached(public_key) else {
			return false;
		};
		verify_prepared(&key, &pa, &derive_challenge(seed, &pa), &pr)
	}
}
