//! RFC 9380 hash-to-G1 for BLS12-381 (`BLS12381G1_XMD:SHA-256_SSWU_RO_`), shared by ABE and PDP.
//!
//! Hashes are computed with blst (about ten times faster than arkworks' generic
//! Wahby–Boneh map here) and, where arkworks points are needed, converted through the standard
//! (ZCash) uncompressed serialization. [`hash_to_g1_arkworks`] is arkworks' own implementation of
//! the same suite, kept as a reference: a test checks that both agree, and the ABE benchmark
//! compares their speed.

use ark_bls12_381::G1Affine;
use ark_serialize::CanonicalDeserialize;
use blst::{blst_p1, blst_p1_affine};

/// Domain separation tag of the ABE attribute hashes.
pub const ABE_DST: &[u8] = b"MEDCHAIN-ABE-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";
/// Domain separation tag of the PDP block hashes `H(name || i)`.
pub const PDP_DST: &[u8] = b"MEDCHAIN-PDP-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";

/// Hash to G1 with blst, projective result.
pub fn hash_to_g1_blst(msg: &[u8], dst: &[u8]) -> blst_p1 {
	let mut out = blst_p1::default();
	// SAFETY: all pointers are valid for the given lengths; blst does not retain them.
	unsafe {
		blst::blst_hash_to_g1(
			&mut out,
			msg.as_ptr(),
			msg.len(),
			dst.as_ptr(),
			dst.len(),
			core::ptr::null(),
			0,
		);
	}
	out
}

/// Hash to G1 with blst, affine result.
pub fn hash_to_g1_blst_affine(msg: &[u8], dst: &[u8]) -> blst_p1_affine {
	let p = hash_to_g1_blst(msg, dst);
	let mut a = blst_p1_affine::default();
	// SAFETY: valid pointers to initialized values.
	unsafe { blst::blst_p1_to_affine(&mut a, &p) };
	a
}

/// Converts a blst affine point that is known to be in G1 (e.g. a hash output) to arkworks.
/// Uses the standard uncompressed encoding; no subgroup check (the caller vouches for the point).
pub fn blst_to_ark_g1_trusted(p: &blst_p1_affine) -> G1Affine {
	let mut bytes = [0u8; 96];
	// SAFETY: `bytes` has room for the 96-byte serialization.
	unsafe { blst::blst_p1_affine_serialize(bytes.as_mut_ptr(), p) };
	// blst and arkworks use the same ZCash encoding, so this cannot fail for a valid point;
	// fall back to the identity rather than panic.
	G1Affine::deserialize_uncompressed_unchecked(&bytes[..]).unwrap_or_default()
}

/// RFC 9380 hash to G1 (blst), as an arkworks point.
pub fn hash_to_g1(msg: &[u8], dst: &[u8]) -> G1Affine {
	blst_to_ark_g1_trusted(&hash_to_g1_blst_affine(msg, dst))
}

/// The same suite computed by arkworks (Wahby–Boneh map). Reference / baseline only.
pub fn hash_to_g1_arkworks(msg: &[u8], dst: &[u8]) -> G1Affine {
	use ark_ec::hashing::{
		curve_maps::wb::WBMap, map_to_curve_hasher::MapToCurveBasedHasher, HashToCurve,
	};
	use ark_ff::field_hashers::DefaultFieldHasher;
	type Hasher = MapToCurveBasedHasher<
		ark_bls12_381::G1Projective,
		DefaultFieldHasher<sha2::Sha256, 128>,
		WBMap<ark_bls12_381::g1::Config>,
	>;
	Hasher::new(dst).and_then(|h| h.hash(msg)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn blst_and_arkworks_agree() {
		for msg in [&b""[..], b"abc", b"abcdef0123456789", &[0xa5u8; 200][..]] {
			for dst in [ABE_DST, PDP_DST] {
				assert_eq!(hash_to_g1(msg, dst), hash_to_g1_arkworks(msg, dst));
			}
		}
	}

	#[test]
	fn rfc9380_vector_empty_message() {
		// RFC 9380, Appendix J.9.1, BLS12381G1_XMD:SHA-256_SSWU_RO_, msg = "".
		let dst = b"QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";
		let p = hash_to_g1_blst_affine(b"", dst);
		let mut bytes = [0u8; 96];
		unsafe { blst::blst_p1_affine_serialize(bytes.as_mut_ptr(), &p) };
		let x = hex(&bytes[..48]);
		assert_eq!(
			x,
			"052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fac349612b759e79a1"
		);
		assert_eq!(hash_to_g1_arkworks(b"", dst), blst_to_ark_g1_trusted(&p));
	}

	fn hex(b: &[u8]) -> String {
		b.iter().map(|x| format!("{x:02x}")).collect()
	}
}
