//! Bridges between arkworks, whose types and encodings FAME keeps, and blst, whose group and
//! pairing arithmetic is faster; and a two-base exponentiation in GT.
//!
//! Conversions go through the standard (ZCash) uncompressed encodings, which both libraries
//! share, and GT elements through their canonical coordinates in the common tower
//! `Fp2 = Fp[u]/(u²+1)`, `Fp6 = Fp2[v]/(v³-(u+1))`, `Fp12 = Fp6[w]/(w²-v)`; the tests check
//! that blst's pairing equals arkworks'.

use crate::hash_to_curve::blst_to_ark_g1_trusted;
use ark_bls12_381::{Bls12_381, Fq, Fq12, Fq2, Fq6, Fr, G1Affine, G2Affine};
use ark_ec::pairing::PairingOutput;
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, CyclotomicMultSubgroup, One, PrimeField};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use blst::{blst_fp, blst_fp12, blst_p1, blst_p1_affine, blst_p2, blst_p2_affine};

pub(crate) type Gt = PairingOutput<Bls12_381>;

/// arkworks G1 point → blst affine. The point is one of ours (valid), so blst's on-curve check
/// cannot fail; it would yield the identity if it did.
pub(crate) fn g1_to_blst_affine(p: &G1Affine) -> blst_p1_affine {
	let mut b = [0u8; 96];
	let _ = p.serialize_uncompressed(&mut b[..]);
	let mut a = blst_p1_affine::default();
	// SAFETY: 96-byte input, valid output.
	unsafe { blst::blst_p1_deserialize(&mut a, b.as_ptr()) };
	a
}

/// arkworks G1 point → blst projective.
pub(crate) fn g1_to_blst(p: &G1Affine) -> blst_p1 {
	let mut out = blst_p1::default();
	// SAFETY: valid pointers.
	unsafe { blst::blst_p1_from_affine(&mut out, &g1_to_blst_affine(p)) };
	out
}

/// arkworks G2 point → blst affine.
pub(crate) fn g2_to_blst_affine(p: &G2Affine) -> blst_p2_affine {
	let mut b = [0u8; 192];
	let _ = p.serialize_uncompressed(&mut b[..]);
	let mut a = blst_p2_affine::default();
	// SAFETY: 192-byte input, valid output.
	unsafe { blst::blst_p2_deserialize(&mut a, b.as_ptr()) };
	a
}

/// `p · s` in G2 (`s` 32 little-endian bytes) with blst.
pub(crate) fn g2_mul_blst(p: &G2Affine, s: &[u8]) -> G2Affine {
	let mut q = blst_p2::default();
	let mut r = blst_p2::default();
	let mut a = blst_p2_affine::default();
	let mut b = [0u8; 192];
	// SAFETY: valid pointers, 32-byte scalar, 192-byte output.
	unsafe {
		blst::blst_p2_from_affine(&mut q, &g2_to_blst_affine(p));
		blst::blst_p2_mult(&mut r, &q, s.as_ptr(), 255);
		blst::blst_p2_to_affine(&mut a, &r);
		blst::blst_p2_affine_serialize(b.as_mut_ptr(), &a);
	}
	G2Affine::deserialize_uncompressed_unchecked(&b[..]).unwrap_or_default()
}

/// blst G1 points → arkworks affine points (one batched inversion).
pub(crate) fn blst_g1s_to_ark(points: &[blst_p1]) -> Vec<G1Affine> {
	crate::pdp::bls::p1s_to_affine(points).iter().map(blst_to_ark_g1_trusted).collect()
}

fn fp_to_ark(x: &blst_fp) -> Fq {
	let mut b = [0u8; 48];
	// SAFETY: 48-byte output.
	unsafe { blst::blst_bendian_from_fp(b.as_mut_ptr(), x) };
	Fq::from_be_bytes_mod_order(&b)
}

fn fp12_to_ark(x: &blst_fp12) -> Fq12 {
	let fp2 = |y: &blst::blst_fp2| Fq2::new(fp_to_ark(&y.fp[0]), fp_to_ark(&y.fp[1]));
	let fp6 = |y: &blst::blst_fp6| Fq6::new(fp2(&y.fp2[0]), fp2(&y.fp2[1]), fp2(&y.fp2[2]));
	Fq12::new(fp6(&x.fp6[0]), fp6(&x.fp6[1]))
}

/// `Π e(g1[i], g2[i])` with blst: one shared Miller loop and one final exponentiation. Pairs
/// with an identity point contribute 1 and are skipped, as arkworks does.
pub(crate) fn multi_pairing(g1: &[G1Affine], g2: &[G2Affine]) -> Gt {
	let (ps, qs): (Vec<blst_p1_affine>, Vec<blst_p2_affine>) = g1
		.iter()
		.zip(g2)
		.filter(|(p, q)| !p.is_zero() && !q.is_zero())
		.map(|(p, q)| (g1_to_blst_affine(p), g2_to_blst_affine(q)))
		.unzip();
	if ps.is_empty() {
		return PairingOutput(Fq12::one());
	}
	let pp: Vec<*const blst_p1_affine> = ps.iter().map(|p| p as *const _).collect();
	let qp: Vec<*const blst_p2_affine> = qs.iter().map(|q| q as *const _).collect();
	let mut f = blst_fp12::default();
	let mut r = blst_fp12::default();
	// SAFETY: `pp` and `qp` hold `ps.len()` pointers to live points.
	unsafe {
		blst::blst_miller_loop_n(&mut f, qp.as_ptr(), pp.as_ptr(), ps.len());
		blst::blst_final_exp(&mut r, &f);
	}
	PairingOutput(fp12_to_ark(&r))
}

/// `a·x + b·y` in GT (arkworks writes GT additively): one chain of cyclotomic squarings for both
/// exponents, two bits of each per step from a table of the 16 products `a^i·b^j`, instead of
/// two separate exponentiations. Why hand-written: arkworks offers only single exponentiation
/// in GT.
pub(crate) fn gt_pow2(a: &Gt, x: &Fr, b: &Gt, y: &Fr) -> Gt {
	let (x, y) = (x.into_bigint(), y.into_bigint());
	let mut table = [Fq12::one(); 16];
	for i in 0..4 {
		for j in 0..4 {
			table[i * 4 + j] = match (i, j) {
				(0, 0) => continue,
				(_, 0) => table[(i - 1) * 4] * a.0,
				_ => table[i * 4 + j - 1] * b.0,
			};
		}
	}
	let two_bits = |v: &<Fr as PrimeField>::BigInt, w: usize| -> usize {
		(v.as_ref()[2 * w / 64] >> (2 * w % 64)) as usize & 3
	};
	let mut acc = Fq12::one();
	for w in (0..x.num_bits().max(y.num_bits()).div_ceil(2) as usize).rev() {
		acc.cyclotomic_square_in_place();
		acc.cyclotomic_square_in_place();
		let k = two_bits(&x, w) * 4 + two_bits(&y, w);
		if k != 0 {
			acc *= table[k];
		}
	}
	PairingOutput(acc)
}

#[cfg(test)]
mod tests {
	use super::*;
	use ark_ec::{pairing::Pairing, CurveGroup, PrimeGroup};
	use ark_ff::UniformRand;
	use rand_core::SeedableRng;

	#[test]
	fn blst_multi_pairing_equals_arkworks() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
		for n in [1usize, 2, 6] {
			let g1: Vec<G1Affine> = (0..n)
				.map(|_| {
					(ark_bls12_381::G1Projective::generator() * Fr::rand(&mut rng)).into_affine()
				})
				.collect();
			let g2: Vec<G2Affine> = (0..n)
				.map(|_| {
					(ark_bls12_381::G2Projective::generator() * Fr::rand(&mut rng)).into_affine()
				})
				.collect();
			assert_eq!(multi_pairing(&g1, &g2), Bls12_381::multi_pairing(&g1, &g2), "n = {n}");
		}
		// Identity points contribute 1.
		let g1 = [G1Affine::zero(), G1Affine::generator()];
		let g2 = [G2Affine::generator(), G2Affine::generator()];
		assert_eq!(multi_pairing(&g1, &g2), Bls12_381::pairing(g1[1], g2[1]));
		assert_eq!(multi_pairing(&g1[..1], &g2[..1]), PairingOutput(Fq12::one()));
	}

	#[test]
	fn gt_pow2_equals_two_exponentiations() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(12);
		let g = Bls12_381::pairing(G1Affine::generator(), G2Affine::generator());
		let a = g * Fr::rand(&mut rng);
		let b = g * Fr::rand(&mut rng);
		for (x, y) in [
			(Fr::rand(&mut rng), Fr::rand(&mut rng)),
			(Fr::from(0u64), Fr::rand(&mut rng)),
			(Fr::rand(&mut rng), Fr::from(0u64)),
			(Fr::from(0u64), Fr::from(0u64)),
			(Fr::from(3u64), Fr::from(1u64)),
			(-Fr::from(1u64), -Fr::from(2u64)),
		] {
			assert_eq!(gt_pow2(&a, &x, &b, &y), a * x + b * y);
		}
	}
}
