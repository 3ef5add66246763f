//! t-of-n secret splitting (Shamir) over GF(2^8), byte-wise, for the key service's secrets.
//!
//! Arithmetic is constant time (no tables, no secret-dependent branches). Shares carry their
//! threshold so that combining too few is an error rather than a wrong secret.
//! Why hand-written: the maintained Shamir crates either pull heavy dependencies or use lookup
//! tables; the whole scheme is a few dozen lines.

use crate::{Error, Result};
use rand_core::{CryptoRng, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// One share.
#[derive(Clone, Debug, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Share {
	/// Abscissa (1..=255).
	pub x: u8,
	/// Threshold `t` of the split.
	pub threshold: u8,
	/// One ordinate per secret byte.
	pub y: Vec<u8>,
}

/// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, constant time.
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
	let mut p = 0u8;
	for _ in 0..8 {
		p ^= a & (b & 1).wrapping_neg();
		let hi = (a >> 7).wrapping_neg();
		a = (a << 1) ^ (0x1b & hi);
		b >>= 1;
	}
	p
}

/// Inverse as a^254 (constant time; 0 maps to 0).
fn gf_inv(a: u8) -> u8 {
	let mut r = 1u8;
	let mut base = a;
	let mut e = 254u8;
	while e > 0 {
		if e & 1 == 1 {
			r = gf_mul(r, base);
		}
		base = gf_mul(base, base);
		e >>= 1;
	}
	r
}

/// Splits `secret` into `n` shares, any `t` of which recover it.
pub fn split<R: RngCore + CryptoRng>(
	secret: &[u8],
	t: u8,
	n: u8,
	rng: &mut R,
) -> Result<Vec<Share>> {
	if t == 0 || n < t || secret.is_empty() {
		return Err(Error::InvalidParameter);
	}
	let mut shares: Vec<Share> =
		(1..=n).map(|x| Share { x, threshold: t, y: Vec::with_capacity(secret.len()) }).collect();
	let mut coeffs = Zeroizing::new(vec![0u8; t as usize]);
	for s in secret {
		coeffs[0] = *s;
		rng.fill_bytes(&mut coeffs[1..]);
		for sh in shares.iter_mut() {
			// Horner.
			let mut acc = 0u8;
			for c in coeffs.iter().rev() {
				acc = gf_mul(acc, sh.x) ^ c;
			}
			sh.y.push(acc);
		}
	}
	Ok(shares)
}

/// Recovers the secret from at least `threshold` shares with distinct non-zero abscissae.
pub fn combine(shares: &[Share]) -> Result<Zeroizing<Vec<u8>>> {
	let first = shares.first().ok_or(Error::InvalidShares)?;
	let t = first.threshold as usize;
	let len = first.y.len();
	if t == 0 || shares.len() < t {
		return Err(Error::InvalidShares);
	}
	let used = &shares[..t];
	for (i, s) in used.iter().enumerate() {
		if s.x == 0 || s.y.len() != len || s.threshold != first.threshold {
			return Err(Error::InvalidShares);
		}
		if used[..i].iter().any(|o| o.x == s.x) {
			return Err(Error::InvalidShares);
		}
	}
	// Lagrange basis at 0: l_i = Π_{j≠i} x_j / (x_j - x_i)  (subtraction is XOR).
	let lag: Vec<u8> = used
		.iter()
		.map(|si| {
			let mut num = 1u8;
			let mut den = 1u8;
			for sj in used.iter().filter(|sj| sj.x != si.x) {
				num = gf_mul(num, sj.x);
				den = gf_mul(den, sj.x ^ si.x);
			}
			gf_mul(num, gf_inv(den))
		})
		.collect();
	let mut out = Zeroizing::new(vec![0u8; len]);
	for (s, l) in used.iter().zip(&lag) {
		for (o, y) in out.iter_mut().zip(&s.y) {
			*o ^= gf_mul(*y, *l);
		}
	}
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;
	use rand_core::SeedableRng;

	#[test]
	fn field() {
		for a in 1..=255u8 {
			assert_eq!(gf_mul(a, gf_inv(a)), 1);
		}
		assert_eq!(gf_mul(0x57, 0x83), 0xc1); // FIPS-197 example
	}

	#[test]
	fn split_combine() {
		let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(3);
		let secret = b"key service master secret 32 b!!";
		let shares = split(secret, 3, 5, &mut r).unwrap();
		assert_eq!(&combine(&shares[..3]).unwrap()[..], secret);
		assert_eq!(
			&combine(&[shares[4].clone(), shares[1].clone(), shares[2].clone()]).unwrap()[..],
			secret
		);
		assert_eq!(combine(&shares[..2]), Err(Error::InvalidShares));
		assert_eq!(
			combine(&[shares[0].clone(), shares[0].clone(), shares[1].clone()]),
			Err(Error::InvalidShares)
		);
		assert_eq!(combine(&[]), Err(Error::InvalidShares));
		// A tampered share yields a different secret (no silent success).
		let mut bad = shares[..3].to_vec();
		bad[0].y[0] ^= 1;
		assert_ne!(&combine(&bad).unwrap()[..], secret);
		assert!(split(secret, 0, 3, &mut r).is_err());
		assert!(split(secret, 4, 3, &mut r).is_err());
	}

	proptest! {
		#[test]
		fn prop_any_t_subset(secret in proptest::collection::vec(any::<u8>(), 1..64), t in 1u8..6, extra in 0u8..4, seed in any::<u64>(), pick in any::<u64>()) {
			let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
			let n = t + extra;
			let shares = split(&secret, t, n, &mut r).unwrap();
			// Rotate to pick a different subset.
			let k = (pick % n as u64) as usize;
			let mut sub: Vec<Share> = shares.iter().cycle().skip(k).take(t as usize).cloned().collect();
			sub.reverse();
			prop_assert_eq!(&combine(&sub).unwrap()[..], &secret[..]);
		}
	}
}
