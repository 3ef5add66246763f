//! Thin safe wrappers over the blst functions the PDP uses.
//!
//! Scalars of the file data use a "raw limbs" trick: a sector `m < 2^248` is loaded directly
//! into the limbs of a `blst_fr` (no Montgomery conversion); `fr_mul(m_raw, x_mont)` then yields
//! `m·x mod r` in *normal* form, additions are representation-agnostic, and a normal-form value's
//! limbs are its canonical little-endian integer. This halves the field multiplications of
//! tagging and proving.

use blst::*;

pub(crate) type Fr = blst_fr;

/// Loads up to 31 little-endian bytes as raw limbs (value < 2^248 < r).
#[inline]
pub(crate) fn fr_raw(bytes: &[u8]) -> Fr {
	let mut b = [0u8; 32];
	let n = bytes.len().min(31);
	b[..n].copy_from_slice(&bytes[..n]);
	let mut l = [0u64; 4];
	for (k, limb) in l.iter_mut().enumerate() {
		*limb = u64::from_le_bytes(b[8 * k..8 * k + 8].try_into().unwrap_or([0; 8]));
	}
	blst_fr { l }
}

/// Canonical little-endian bytes of a normal-form value.
#[inline]
pub(crate) fn raw_to_le(x: &Fr) -> [u8; 32] {
	let mut out = [0u8; 32];
	for k in 0..4 {
		out[8 * k..8 * k + 8].copy_from_slice(&x.l[k].to_le_bytes());
	}
	out
}

/// Montgomery form of a canonical little-endian integer (reduced mod r).
pub(crate) fn fr_mont_from_le(bytes: &[u8]) -> Fr {
	let mut s = blst_scalar::default();
	let mut f = blst_fr::default();
	// SAFETY: pointers valid for `bytes.len()`; outputs are plain structs.
	unsafe {
		blst_scalar_from_le_bytes(&mut s, bytes.as_ptr(), bytes.len());
		blst_fr_from_scalar(&mut f, &s);
	}
	f
}

/// Canonical little-endian bytes of a Montgomery-form value.
pub(crate) fn mont_to_le(x: &Fr) -> [u8; 32] {
	let mut s = blst_scalar::default();
	let mut out = [0u8; 32];
	// SAFETY: valid pointers, 32-byte output.
	unsafe {
		blst_scalar_from_fr(&mut s, x);
		blst_lendian_from_scalar(out.as_mut_ptr(), &s);
	}
	out
}

#[inline]
pub(crate) fn fr_mul(a: &Fr, b: &Fr) -> Fr {
	let mut r = blst_fr::default();
	// SAFETY: valid pointers.
	unsafe { blst_fr_mul(&mut r, a, b) };
	r
}

#[inline]
pub(crate) fn fr_add(a: &Fr, b: &Fr) -> Fr {
	let mut r = blst_fr::default();
	// SAFETY: valid pointers.
	unsafe { blst_fr_add(&mut r, a, b) };
	r
}

/// Whether 32 little-endian bytes are a canonical scalar (< r).
pub(crate) fn scalar_is_canonical(b: &[u8; 32]) -> bool {
	let mut s = blst_scalar::default();
	// SAFETY: valid pointers.
	unsafe {
		blst_scalar_from_lendian(&mut s, b.as_ptr());
		blst_scalar_fr_check(&s)
	}
}

pub(crate) fn p1_mult(p: &blst_p1, scalar_le: &[u8], nbits: usize) -> blst_p1 {
	let mut r = blst_p1::default();
	// SAFETY: `scalar_le` holds at least nbits/8 bytes (callers pass 32-byte scalars).
	unsafe { blst_p1_mult(&mut r, p, scalar_le.as_ptr(), nbits) };
	r
}

pub(crate) fn p1_add(a: &blst_p1, b: &blst_p1) -> blst_p1 {
	let mut r = blst_p1::default();
	// SAFETY: valid pointers.
	unsafe { blst_p1_add_or_double(&mut r, a, b) };
	r
}

pub(crate) fn p1_generator() -> blst_p1 {
	// SAFETY: blst returns a pointer to a static.
	unsafe { *blst_p1_generator() }
}

pub(crate) fn p2_generator() -> blst_p2 {
	// SAFETY: blst returns a pointer to a static.
	unsafe { *blst_p2_generator() }
}

pub(crate) fn p1_to_affine(p: &blst_p1) -> blst_p1_affine {
	let mut a = blst_p1_affine::default();
	// SAFETY: valid pointers.
	unsafe { blst_p1_to_affine(&mut a, p) };
	a
}

/// Batch conversion to affine (one inversion).
pub(crate) fn p1s_to_affine(ps: &[blst_p1]) -> Vec<blst_p1_affine> {
	if ps.is_empty() {
		return Vec::new();
	}
	let mut out = vec![blst_p1_affine::default(); ps.len()];
	let ptrs: Vec<*const blst_p1> = ps.iter().map(|p| p as *const _).collect();
	// SAFETY: one pointer per live point; `out` has room for `ps.len()` points.
	unsafe { blst_p1s_to_affine(out.as_mut_ptr(), ptrs.as_ptr(), ps.len()) };
	out
}

pub(crate) fn p1_compress(p: &blst_p1_affine) -> [u8; 48] {
	let mut out = [0u8; 48];
	// SAFETY: 48-byte output.
	unsafe { blst_p1_affine_compress(out.as_mut_ptr(), p) };
	out
}

pub(crate) fn p2_compress(p: &blst_p2_affine) -> [u8; 96] {
	let mut out = [0u8; 96];
	// SAFETY: 96-byte output.
	unsafe { blst_p2_affine_compress(out.as_mut_ptr(), p) };
	out
}

/// Decompresses a G1 point; on-curve check only (for the prover's own stored tags).
pub(crate) fn p1_decompress_unchecked(b: &[u8; 48]) -> Option<blst_p1_affine> {
	let mut a = blst_p1_affine::default();
	// SAFETY: 48-byte input.
	let e = unsafe { blst_p1_uncompress(&mut a, b.as_ptr()) };
	(e == BLST_ERROR::BLST_SUCCESS).then_some(a)
}

/// Decompresses a G1 point with subgroup check; rejects the identity.
pub(crate) fn p1_decompress(b: &[u8; 48]) -> Option<blst_p1_affine> {
	let a = p1_decompress_unchecked(b)?;
	// SAFETY: valid pointer.
	let ok = unsafe { blst_p1_affine_in_g1(&a) && !blst_p1_affine_is_inf(&a) };
	ok.then_some(a)
}

/// Decompresses a G2 point with subgroup check; rejects the identity.
pub(crate) fn p2_decompress(b: &[u8; 96]) -> Option<blst_p2_affine> {
	let mut a = blst_p2_affine::default();
	// SAFETY: 96-byte input, valid pointers.
	unsafe {
		if blst_p2_uncompress(&mut a, b.as_ptr()) != BLST_ERROR::BLST_SUCCESS {
			return None;
		}
		(blst_p2_affine_in_g2(&a) && !blst_p2_affine_is_inf(&a)).then_some(a)
	}
}

/// Multi-scalar multiplication (Pippenger, single thread). `scalars` holds `points.len()`
/// little-endian scalars of `nbytes` bytes each; `nbits` significant bits.
pub(crate) fn msm(
	points: &[blst_p1_affine],
	scalars: &[u8],
	nbytes: usize,
	nbits: usize,
) -> blst_p1 {
	let n = points.len();
	if n == 0 || scalars.len() != n * nbytes {
		return blst_p1::default();
	}
	let pp: Vec<*const blst_p1_affine> = points.iter().map(|p| p as *const _).collect();
	let sp: Vec<*const u8> = scalars.chunks(nbytes).map(|s| s.as_ptr()).collect();
	let mut r = blst_p1::default();
	// SAFETY: pointer arrays of length n into live slices; scratch sized by blst.
	unsafe {
		let sz = blst_p1s_mult_pippenger_scratch_sizeof(n);
		let mut scratch = vec![0u64; sz.div_ceil(8)];
		blst_p1s_mult_pippenger(&mut r, pp.as_ptr(), n, sp.as_ptr(), nbits, scratch.as_mut_ptr());
	}
	r
}

/// `e(a, g2) == e(b, q)` with two Miller loops and one final exponentiation.
pub(crate) fn pairing_eq(a: &blst_p1_affine, b: &blst_p1_affine, q: &blst_p2_affine) -> bool {
	// SAFETY: valid pointers to initialized values.
	unsafe {
		let mut na = blst_p1::default();
		blst_p1_from_affine(&mut na, a);
		blst_p1_cneg(&mut na, true);
		let na = p1_to_affine(&na);
		let mut f1 = blst_fp12::default();
		let mut f2 = blst_fp12::default();
		blst_miller_loop(&mut f1, blst_p2_affine_generator(), &na);
		blst_miller_loop(&mut f2, q, b);
		let mut f = blst_fp12::default();
		blst_fp12_mul(&mut f, &f1, &f2);
		let mut fe = blst_fp12::default();
		blst_final_exp(&mut fe, &f);
		blst_fp12_is_one(&fe)
	}
}

/// A canonical little-endian scalar (< r) as raw limbs, i.e. in normal form (see the module
/// docs); callers check canonicity first or produce the bytes with [`mont_to_le`].
#[inline]
pub(crate) fn fr_normal_from_le(b: &[u8; 32]) -> Fr {
	let mut l = [0u64; 4];
	for (k, limb) in l.iter_mut().enumerate() {
		*limb = u64::from_le_bytes(b[8 * k..8 * k + 8].try_into().unwrap_or([0; 8]));
	}
	blst_fr { l }
}

/// Uniform non-zero scalar (Montgomery form) from 64 random bytes reduced mod r (bias 2^-256).
pub(crate) fn random_scalar<R: rand_core::RngCore + rand_core::CryptoRng>(rng: &mut R) -> Fr {
	loop {
		let mut b = zeroize::Zeroizing::new([0u8; 64]);
		rng.fill_bytes(&mut b[..]);
		let f = fr_mont_from_le(&b[..]);
		if f.l != [0u64; 4] {
			return f;
		}
	}
}

pub(crate) fn p1_from_affine(a: &blst_p1_affine) -> blst_p1 {
	let mut p = blst_p1::default();
	// SAFETY: valid pointers.
	unsafe { blst_p1_from_affine(&mut p, a) };
	p
}

/// Miller loop `f_{Q,P}`; 1 when `P` is the identity (blst's loop does not special-case it,
/// and `e(O, Q) = 1`).
fn miller(q: &blst_p2_affine, p: &blst_p1_affine) -> blst_fp12 {
	// SAFETY: valid pointers to initialized values; blst_fp12_one points to a static.
	unsafe {
		if blst_p1_affine_is_inf(p) {
			return *blst_fp12_one();
		}
		let mut f = blst_fp12::default();
		blst_miller_loop(&mut f, q, p);
		f
	}
}

fn final_exp(f: &blst_fp12) -> blst_fp12 {
	let mut out = blst_fp12::default();
	// SAFETY: valid pointers.
	unsafe { blst_final_exp(&mut out, f) };
	out
}

/// `e(p, q)` (one Miller loop and the final exponentiation).
pub(crate) fn pairing(p: &blst_p1_affine, q: &blst_p2_affine) -> blst_fp12 {
	final_exp(&miller(q, p))
}

/// `e(b, q) / e(a, g2)` with two Miller loops and one final exponentiation.
pub(crate) fn pairing_ratio(
	a: &blst_p1_affine,
	b: &blst_p1_affine,
	q: &blst_p2_affine,
) -> blst_fp12 {
	let mut na = p1_from_affine(a);
	// SAFETY: valid pointers; blst_p2_affine_generator points to a static.
	unsafe {
		blst_p1_cneg(&mut na, true);
		let f1 = miller(&*blst_p2_affine_generator(), &p1_to_affine(&na));
		let f2 = miller(q, b);
		let mut f = blst_fp12::default();
		blst_fp12_mul(&mut f, &f1, &f2);
		final_exp(&f)
	}
}

/// Canonical encoding of an F_p12 element (`super::types::GT_BYTES`: twelve 48-byte
/// big-endian coefficients in blst's memory order). Hand-written because blst exports no
/// matching decoder and the verifier needs none: it compares encodings.
pub(crate) fn gt_to_bytes(f: &blst_fp12) -> [u8; super::types::GT_BYTES] {
	let mut out = [0u8; super::types::GT_BYTES];
	let mut k = 0;
	for fp6 in &f.fp6 {
		for fp2 in &fp6.fp2 {
			for fp in &fp2.fp {
				// SAFETY: 48-byte output window, valid input.
				unsafe { blst_bendian_from_fp(out[48 * k..].as_mut_ptr(), fp) };
				k += 1;
			}
		}
	}
	out
}
