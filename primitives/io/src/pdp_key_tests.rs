//! `check_pdp_public_key`: real keys pass, every kind of bad key fails.

use super::medchain_crypto_host as host;
use codec::Encode;
use medchain_crypto::pdp::{PdpPublicKey, PdpSecretKey};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

fn real_key(sectors: u16) -> PdpPublicKey {
	PdpSecretKey::generate(sectors, &mut ChaCha20Rng::seed_from_u64(3)).unwrap().public_key()
}

#[test]
fn a_generated_key_is_accepted() {
	assert!(host::check_pdp_public_key(&real_key(1).encode()));
	assert!(host::check_pdp_public_key(&real_key(256).encode()));
}

#[test]
fn malformed_keys_are_refused() {
	let key = real_key(4);
	let encoded = key.encode();
	// Nothing, truncated, or trailing bytes.
	assert!(!host::check_pdp_public_key(&[]));
	assert!(!host::check_pdp_public_key(&encoded[..encoded.len() - 1]));
	let mut longer = encoded.clone();
	longer.push(0);
	assert!(!host::check_pdp_public_key(&longer));
	// No sector at all.
	let empty = PdpPublicKey { v: key.v, u: Default::default() };
	assert!(!host::check_pdp_public_key(&empty.encode()));
	// A point that is not on the curve, and the identity (compressed infinity).
	let mut off_curve = key.clone();
	off_curve.u[2] = [0x8a; 48];
	assert!(!host::check_pdp_public_key(&off_curve.encode()));
	let mut identity = key.clone();
	identity.u[0] = [0; 48];
	identity.u[0][0] = 0xc0;
	assert!(!host::check_pdp_public_key(&identity.encode()));
	let mut bad_v = key;
	bad_v.v[5] ^= 1;
	assert!(!host::check_pdp_public_key(&bad_v.encode()));
}
