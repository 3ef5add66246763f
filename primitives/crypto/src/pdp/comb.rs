//! Constant-time fixed-base comb for `g1^k`, the `g1^{alpha·e}` of every tag.
//!
//! Tagging costs one hash to G1 and two scalar multiplications per block; one of them always has
//! the base `g1`, so a table of its multiples removes every doubling: with signed 4-bit digits
//! `k = Σ_{w<64} d_w 16^w`, `d_w ∈ [-7, 8]`, the table holds `j · 16^w · g1` for `j = 1..8` and
//! every window `w` (512 affine points, 48 KB, built once per process), and `g1^k` is 64 mixed
//! additions. The scalar `alpha·e` is secret (it would give away `alpha` with the public `e`),
//! so everything is constant time: the digit recoding is branch-free, every lookup reads all
//! eight entries of its row and keeps one with a masked select (`subtle`), the sign is applied
//! with blst's constant-time conditional negation, and the additions use blst's unified
//! add-or-double, which also absorbs the identity (digit 0) without a branch.
//!
//! Why hand-written: blst's `p1s_mult_wbits` fixed-base routine still doubles for every bit and
//! indexes its table directly by the digit (a cache-timing leak for a secret scalar), and
//! arkworks' fixed-base tables are neither constant time nor blst points.

use blst::{blst_fp, blst_p1, blst_p1_affine};
use std::sync::OnceLock;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

const WINDOWS: usize = 64;
const ROW: usize = 8;

struct Table([[blst_p1_affine; ROW]; WINDOWS]);

fn table() -> &'static Table {
	static T: OnceLock<Table> = OnceLock::new();
	T.get_or_init(|| {
		let mut pts = Vec::with_capacity(WINDOWS * ROW);
		let mut base = super::bls::p1_generator();
		for _ in 0..WINDOWS {
			let mut acc = base;
			for j in 0..ROW {
				pts.push(acc);
				if j + 1 < ROW {
					acc = super::bls::p1_add(&acc, &base);
				}
			}
			// The next window's base: 16 · base.
			for _ in 0..4 {
				base = super::bls::p1_add(&base, &base);
			}
		}
		let aff = super::bls::p1s_to_affine(&pts);
		let mut t = [[blst_p1_affine::default(); ROW]; WINDOWS];
		for (k, p) in aff.into_iter().enumerate() {
			t[k / ROW][k % ROW] = p;
		}
		Table(t)
	})
}

fn select_fp(a: &mut blst_fp, b: &blst_fp, c: Choice) {
	for (x, y) in a.l.iter_mut().zip(&b.l) {
		x.conditional_assign(y, c);
	}
}

/// `g1^k` for a canonical little-endian scalar `k < r` (constant time in `k`).
pub(crate) fn g1_mul(k: &[u8; 32]) -> blst_p1 {
	let t = table();
	let mut acc = blst_p1::default();
	let mut carry = 0u8;
	for (w, row) in t.0.iter().enumerate() {
		let byte = k[w / 2];
		let nibble = if w % 2 == 0 { byte & 0x0f } else { byte >> 4 };
		// Branch-free signed recoding: v in 0..=16; above 8, take v - 16 and carry one.
		let v = nibble + carry;
		carry = (v + 7) >> 4;
		let digit = v as i8 - 16 * carry as i8;
		let neg = Choice::from((digit < 0) as u8);
		let mag = digit.unsigned_abs();
		let mut p = blst_p1_affine::default(); // (0, 0): blst's affine identity
		for (j, entry) in row.iter().enumerate() {
			let c = mag.ct_eq(&(j as u8 + 1));
			select_fp(&mut p.x, &entry.x, c);
			select_fp(&mut p.y, &entry.y, c);
		}
		let mut y = p.y;
		// SAFETY: valid pointers to initialized values; both blst calls are constant time.
		unsafe {
			blst::blst_fp_cneg(&mut y, &p.y, bool::from(neg));
			p.y = y;
			let prev = acc;
			blst::blst_p1_add_or_double_affine(&mut acc, &prev, &p);
		}
	}
	// k < r < 2^255: the top nibble is at most 7, so no carry is left.
	debug_assert_eq!(carry, 0);
	acc
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand_core::{RngCore, SeedableRng};

	fn eq(a: &blst_p1, b: &blst_p1) -> bool {
		// SAFETY: valid pointers.
		unsafe { blst::blst_p1_is_equal(a, b) }
	}

	#[test]
	fn comb_equals_blst_scalar_multiplication() {
		let g = super::super::bls::p1_generator();
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
		let mut cases: Vec<[u8; 32]> = vec![[0u8; 32], [0x88; 32], [0xff; 32], [0x08; 32]];
		for c in cases.iter_mut().skip(1) {
			c[31] &= 0x3f; // below r
		}
		let mut one = [0u8; 32];
		one[0] = 1;
		cases.push(one);
		// 2^512 - 1 reduced mod r: a scalar with a top nibble of 7 or below but otherwise dense.
		cases.push(super::super::bls::mont_to_le(&super::super::bls::fr_mont_from_le(
			&[0xffu8; 64],
		)));
		for _ in 0..200 {
			let f = super::super::bls::random_scalar(&mut rng);
			cases.push(super::super::bls::mont_to_le(&f));
		}
		// Scalars with many zero digits (identity lookups) and many 8s (carries).
		for _ in 0..50 {
			let mut k = [0u8; 32];
			rng.fill_bytes(&mut k);
			for (i, x) in k.iter_mut().enumerate() {
				if rng.next_u32() % 3 == 0 {
					*x = if i % 2 == 0 { 0 } else { 0x98 };
				}
			}
			k[31] &= 0x3f;
			cases.push(k);
		}
		for k in cases {
			let want = super::super::bls::p1_mult(&g, &k, 255);
			assert!(eq(&g1_mul(&k), &want), "k = {k:02x?}");
		}
	}
}
