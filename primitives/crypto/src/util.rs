//! Small shared helpers (std only).

use rand_core::{CryptoRng, RngCore};

/// Operating-system randomness.
pub(crate) fn os_rng() -> impl RngCore + CryptoRng {
	rand_core::OsRng
}

/// Uniform integer in `[0, bound)` by rejection sampling. Hand-written (instead of `rand`'s
/// `gen_range`) so that seeded derivations (challenges, permutations) stay identical across
/// dependency versions: they are consensus-relevant.
pub(crate) fn uniform_below<R: RngCore>(rng: &mut R, bound: u64) -> u64 {
	debug_assert!(bound > 0);
	if bound <= 1 {
		return 0;
	}
	let zone = u64::MAX - (u64::MAX % bound);
	loop {
		let x = rng.next_u64();
		if x < zone {
			return x % bound;
		}
	}
}

/// HKDF-SHA256 extract-and-expand into a fixed-size array.
pub(crate) fn hkdf32(salt: &[u8], ikm: &[u8], info: &[&[u8]]) -> zeroize::Zeroizing<[u8; 32]> {
	let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), ikm);
	let mut out = zeroize::Zeroizing::new([0u8; 32]);
	hk.expand_multi_info(info, &mut out[..]).expect("32 bytes is a valid HKDF-SHA256 length");
	out
}
