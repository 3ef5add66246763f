//! A well-formed PDP public key of any size for benchmarks and tests, built without the crypto
//! crate (which the runtime does not contain): `v` is the BLS12-381 G2 generator and every `u_j`
//! the G1 generator, both in the standard compressed form. Decoding and subgroup-checking it
//! costs what any key of its size costs, so the registration benchmarks measure their worst case
//! with it. A test checks it against the host function.
//!
//! **Insecure by construction**: its secret `alpha` is 1 (and every `beta_j` too), so anyone can
//! forge its tags and proofs. Benchmarks and tests only; a real hospital registers the key of its
//! record service's PDP secret. (The registry accepts any well-formed key; a proof of possession
//! of `alpha` at registration would refuse known-secret keys like this one: not built yet.)

use alloc::vec::Vec;
use codec::{Compact, Encode};
use medchain_crypto::{
	pdp::{PdpPublicKey, MAX_SECTORS},
	BoundedVec,
};

/// The compressed BLS12-381 G1 generator.
const G1_GENERATOR: [u8; 48] = [
	0x97, 0xf1, 0xd3, 0xa7, 0x31, 0x97, 0xd7, 0x94, 0x26, 0x95, 0x63, 0x8c, 0x4f, 0xa9, 0xac, 0x0f,
	0xc3, 0x68, 0x8c, 0x4f, 0x97, 0x74, 0xb9, 0x05, 0xa1, 0x4e, 0x3a, 0x3f, 0x17, 0x1b, 0xac, 0x58,
	0x6c, 0x55, 0xe8, 0x3f, 0xf9, 0x7a, 0x1a, 0xef, 0xfb, 0x3a, 0xf0, 0x0a, 0xdb, 0x22, 0xc6, 0xbb,
];

/// The compressed BLS12-381 G2 generator.
const G2_GENERATOR: [u8; 96] = [
	0x93, 0xe0, 0x2b, 0x60, 0x52, 0x71, 0x9f, 0x60, 0x7d, 0xac, 0xd3, 0xa0, 0x88, 0x27, 0x4f, 0x65,
	0x59, 0x6b, 0xd0, 0xd0, 0x99, 0x20, 0xb6, 0x1a, 0xb5, 0xda, 0x61, 0xbb, 0xdc, 0x7f, 0x50, 0x49,
	0x33, 0x4c, 0xf1, 0x12, 0x13, 0x94, 0x5d, 0x57, 0xe5, 0xac, 0x7d, 0x05, 0x5d, 0x04, 0x2b, 0x7e,
	0x02, 0x4a, 0xa2, 0xb2, 0xf0, 0x8f, 0x0a, 0x91, 0x26, 0x08, 0x05, 0x27, 0x2d, 0xc5, 0x10, 0x51,
	0xc6, 0xe4, 0x7a, 0xd4, 0xfa, 0x40, 0x3b, 0x02, 0xb4, 0x51, 0x0b, 0x64, 0x7a, 0xe3, 0xd1, 0x77,
	0x0b, 0xac, 0x03, 0x26, 0xa8, 0x05, 0xbb, 0xef, 0xd4, 0x80, 0x56, 0xc8, 0xc1, 0x21, 0xbd, 0xb8,
];

/// The SCALE encoding of the well-formed key with the most sectors (at most 256) that fits
/// `max_len` bytes; at least one sector.
pub fn pdp_key_of_len(max_len: u32) -> Vec<u8> {
	let mut sectors = MAX_SECTORS;
	while sectors > 1 && encoded_len(sectors) > max_len as usize {
		sectors -= 1;
	}
	let u: Vec<[u8; 48]> = (0..sectors).map(|_| G1_GENERATOR).collect();
	PdpPublicKey { v: G2_GENERATOR, u: BoundedVec::truncate_from(u) }.encode()
}

fn encoded_len(sectors: u32) -> usize {
	96 + Compact(sectors).encoded_size() + 48 * sectors as usize
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_benchmark_key_is_well_formed_at_every_size() {
		for max_len in [241, 256, 1_000, 96 + 256 * 48 + 64] {
			let key = pdp_key_of_len(max_len);
			assert!(key.len() <= max_len as usize);
			assert!(medchain_io::medchain_crypto_host::check_pdp_public_key(&key), "{max_len}");
		}
		// The runtime's bound holds the largest key.
		assert_eq!(pdp_key_of_len(96 + 256 * 48 + 64).len(), encoded_len(256));
		// A corrupted copy is refused, so the check above is not vacuous.
		let mut key = pdp_key_of_len(1_000);
		key[100] ^= 0x01;
		assert!(!medchain_io::medchain_crypto_host::check_pdp_public_key(&key));
	}
}
