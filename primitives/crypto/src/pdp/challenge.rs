//! Deterministic challenges from a 32-byte seed.
//!
//! `rng = ChaCha20(SHA-256("medchain/pdp/challenge/v1" || seed || SCALE(params)))`; indices by
//! Floyd's algorithm (exactly `c` draws, distinct, uniform), coefficients 128-bit non-zero.
//! 128-bit coefficients halve the aggregation MSMs; Shacham–Waters' proof allows coefficients
//! from any set `B` with `1/|B|` negligible (their paper suggests 80 bits), and 2^-128 keeps the
//! extraction error at the security level of the curve.

use super::types::{Challenge, PdpFileParams, MAX_CHALLENGE};
use codec::Encode;
use rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

fn rng_for(seed: &[u8; 32], params: &PdpFileParams) -> rand_chacha::ChaCha20Rng {
	let mut h = Sha256::new();
	h.update(b"medchain/pdp/challenge/v1");
	h.update(seed);
	h.update(params.encode());
	rand_chacha::ChaCha20Rng::from_seed(h.finalize().into())
}

/// `c = min(n, 460)` distinct indices in `[0, n)`, ascending (Floyd's sampling).
pub fn sample_indices<R: RngCore>(rng: &mut R, n: u32, c: u32) -> Vec<u32> {
	let c = c.min(n);
	let mut set = BTreeSet::new();
	for j in (n - c)..n {
		let t = crate::util::uniform_below(rng, j as u64 + 1) as u32;
		if !set.insert(t) {
			set.insert(j);
		}
	}
	set.into_iter().collect()
}

/// The challenged indices for a seed (cheap; what the detection model uses).
pub fn challenge_indices(seed: &[u8; 32], params: &PdpFileParams) -> Vec<u32> {
	sample_indices(&mut rng_for(seed, params), params.blocks, MAX_CHALLENGE)
}

/// The full challenge for a seed: `min(n, 460)` blocks.
pub fn derive_challenge(seed: &[u8; 32], params: &PdpFileParams) -> Challenge {
	derive_challenge_sized(seed, params, MAX_CHALLENGE)
}

/// The challenge of `min(n, c)` blocks for a seed, `c` clamped to `1..=460`: what audits of
/// other sizes than the full one use (a light audit challenges a few blocks: it catches a
/// record that is gone at a fraction of a full verification's cost). For `c = 460` it is
/// [`derive_challenge`]'s challenge, so one seed and size always give one challenge whichever
/// function derives it. The size is not hashed into the RNG: two sizes for one seed share a
/// prefix of the random stream but not their index sets, and every audit seed is fresh.
pub fn derive_challenge_sized(seed: &[u8; 32], params: &PdpFileParams, c: u32) -> Challenge {
	let mut rng = rng_for(seed, params);
	let indices = sample_indices(&mut rng, params.blocks, c.clamp(1, MAX_CHALLENGE));
	let coefficients: Vec<[u8; 16]> = indices
		.iter()
		.map(|_| loop {
			let mut c = [0u8; 16];
			rng.fill_bytes(&mut c);
			if c != [0u8; 16] {
				return c;
			}
		})
		.collect();
	// At most MAX_CHALLENGE entries by construction.
	Challenge {
		indices: indices.try_into().unwrap_or_default(),
		coefficients: coefficients.try_into().unwrap_or_default(),
	}
}
