//! Storage side (proof generation) and verifier side (one multi-pairing).

use super::bls::{self, Fr};
use super::challenge::derive_challenge;
use super::owner::block_message;
use super::prepared::{prepared_key_cached, PreparedPdpKey};
use super::types::{Challenge, PdpFileParams, PdpProof, PdpPublicKey, SECTOR_BYTES};
use crate::hash_to_curve::{hash_to_g1_blst, PDP_DST};
use crate::{Error, Result};
use blst::blst_p1;
use rayon::prelude::*;

/// Proof for a challenge, from the challenged blocks (`blocks[k]` and `tags[k]` belong to
/// `challenge.indices[k]`).
pub fn prove_with_challenge(
	params: &PdpFileParams,
	challenge: &Challenge,
	blocks: &[&[u8]],
	tags: &[[u8; 48]],
) -> Result<PdpProof> {
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
	let sigma = bls::msm(&pts, &scalars, 16, 128);
	let mu: Vec<[u8; 32]> = mu.iter().map(bls::raw_to_le).collect();
	Ok(PdpProof {
		mu: mu.try_into().map_err(|_| Error::TooLarge)?,
		sigma: bls::p1_compress(&bls::p1_to_affine(&sigma)),
	})
}

/// Proof for the challenge derived from `seed`, with the whole file and its tags at hand.
pub fn prove(
	params: &PdpFileParams,
	seed: &[u8; 32],
	data: &[u8],
	tags: &[[u8; 48]],
) -> Result<PdpProof> {
	if tags.len() != params.blocks as usize {
		return Err(Error::InvalidParameter);
	}
	let ch = derive_challenge(seed, params);
	let bsize = params.sectors as usize * SECTOR_BYTES;
	let blocks: Vec<&[u8]> =
		ch.indices.iter().map(|i| super::owner::block_of(data, *i as usize, bsize)).collect();
	let t: Vec<[u8; 48]> = ch.indices.iter().map(|i| tags[*i as usize]).collect();
	prove_with_challenge(params, &ch, &blocks, &t)
}

/// Verification against an explicit challenge:
/// `e(sigma, g2) == e(Π H(name||i)^{nu_i} · Π u_j^{mu_j}, v)`. All points are decoded with
/// subgroup checks; every scalar must be canonical; never panics.
pub fn verify_with_challenge(
	pk: &PdpPublicKey,
	params: &PdpFileParams,
	challenge: &Challenge,
	proof: &PdpProof,
) -> bool {
	PreparedPdpKey::new(pk).is_some_and(|key| verify_prepared(&key, params, challenge, proof))
}

/// [`verify_with_challenge`] under a key decoded and checked beforehand. The hashes of the
/// challenged block names run on the rayon pool.
pub fn verify_prepared(
	key: &PreparedPdpKey,
	params: &PdpFileParams,
	challenge: &Challenge,
	proof: &PdpProof,
) -> bool {
	let s = params.sectors as usize;
	if s == 0
		|| s > key.sectors()
		|| proof.mu.len() != s
		|| challenge.indices.is_empty()
		|| challenge.indices.len() != challenge.coefficients.len()
		|| challenge.indices.iter().any(|i| *i >= params.blocks)
	{
		return false;
	}
	if !proof.mu.iter().all(bls::scalar_is_canonical) {
		return false;
	}
	let Some(sigma) = bls::p1_decompress(&proof.sigma) else {
		return false;
	};
	// The c hashes to G1 are most of the cost and independent: the rayon pool shares them.
	let hs: Vec<blst_p1> = challenge
		.indices
		.par_iter()
		.map(|i| hash_to_g1_blst(&block_message(&params.name, *i), PDP_DST))
		.collect();
	let hs = bls::p1s_to_affine(&hs);
	let nus: Vec<u8> = challenge.coefficients.iter().flatten().copied().collect();
	let mus: Vec<u8> = proof.mu.iter().flatten().copied().collect();
	let x = bls::p1_add(&bls::msm(&hs, &nus, 16, 128), &bls::msm(&key.u[..s], &mus, 32, 255));
	bls::pairing_eq(&sigma, &bls::p1_to_affine(&x), &key.v)
}

/// Verification for the challenge derived from `seed`.
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

/// [`verify`] over SCALE bytes (`PdpPublicKey`, `PdpFileParams`, `PdpProof`): the host
/// function entry point. Malformed bytes give `false`. The decoded key is cached
/// ([`prepared_key_cached`]).
pub fn verify_encoded(public_key: &[u8], params: &[u8], seed: &[u8; 32], proof: &[u8]) -> bool {
	use codec::DecodeAll;
	let (Ok(pk), Ok(pa), Ok(pr)) = (
		PdpPublicKey::decode_all(&mut &public_key[..]),
		PdpFileParams::decode_all(&mut &params[..]),
		PdpProof::decode_all(&mut &proof[..]),
	) else {
		return false;
	};
	if pa.blocks == 0 {
		return false;
	}
	let Some(key) = prepared_key_cached(public_key, &pk) else {
		return false;
	};
	verify_prepared(&key, &pa, &derive_challenge(seed, &pa), &pr)
}
