//! `AES-128_k(0^128)` under many independent keys: the last step of an index query, one key per
//! record.
//!
//! Why hand-written: the `aes` crate parallelizes many blocks under *one* key; here every block
//! has its own key, so its cost is the key schedule, which the crate runs one key at a time
//! through `AESKEYGENASSIST` (slow on Intel, and serial within a key). This module expands eight
//! keys at once with the `AESENCLAST` form of the schedule (`SubWord(RotWord(w3))` is
//! `AESENCLAST` of `w3`'s rotation broadcast to all four columns, where `ShiftRows` is the
//! identity) and encrypts the zero block alongside the schedule, so the eight independent chains
//! keep the AES unit busy. Other CPUs, and the tail, use the `aes` crate.

use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};
use aes::Aes128Enc;

/// `AES-128_k(0^128)` with the `aes` crate (the reference for the fast path).
#[inline]
pub(crate) fn aes_zero_one(key: u128) -> u128 {
	let cipher = Aes128Enc::new(GenericArray::from_slice(&key.to_le_bytes()));
	let mut block = GenericArray::from([0u8; 16]);
	cipher.encrypt_block(&mut block);
	u128::from_le_bytes(block.into())
}

/// `out[i] = AES-128_{keys[i]}(0^128)`, keys and outputs as little-endian `u128` of the 16
/// bytes. `out` must be at least as long as `keys`; extra entries are left alone.
pub(crate) fn aes_zero_many(keys: &[u128], out: &mut [u128]) {
	let n = keys.len().min(out.len());
	let mut done = 0;
	#[cfg(target_arch = "x86_64")]
	if std::arch::is_x86_feature_detected!("aes") && std::arch::is_x86_feature_detected!("ssse3") {
		done = n - n % LANES;
		for (k, o) in keys[..done].chunks_exact(LANES).zip(out[..done].chunks_exact_mut(LANES)) {
			// SAFETY: the CPU supports AES-NI and SSSE3 (checked above); the chunks have exactly
			// LANES elements.
			unsafe { x86::eight(k, o) };
		}
	}
	for (k, o) in keys[done..n].iter().zip(&mut out[done..n]) {
		*o = aes_zero_one(*k);
	}
}

/// Keys expanded together.
const LANES: usize = 8;

#[cfg(target_arch = "x86_64")]
mod x86 {
	use super::LANES;
	use core::arch::x86_64::*;

	/// Round constants of AES-128's key schedule.
	const RCON: [i32; 10] = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36];

	/// `out[i] = AES_{keys[i]}(0)` for eight keys.
	#[target_feature(enable = "aes,ssse3,sse2")]
	pub(super) unsafe fn eight(keys: &[u128], out: &mut [u128]) {
		// Bytes 13, 14, 15, 12 (RotWord of the last word) in all four columns.
		let rot_broadcast =
			_mm_setr_epi8(13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12);
		let mut rk = [_mm_setzero_si128(); LANES];
		let mut state = [_mm_setzero_si128(); LANES];
		for l in 0..LANES {
			// SAFETY: `keys` has LANES elements (caller); unaligned load of element `l`.
			rk[l] = unsafe { _mm_loadu_si128(keys.as_ptr().add(l) as *const __m128i) };
			// Round 0: the plaintext is zero, so the state is the key itself.
			state[l] = rk[l];
		}
		for (round, rcon) in RCON.iter().enumerate() {
			let rcon = _mm_set1_epi32(*rcon);
			for l in 0..LANES {
				let k = rk[l];
				let t = _mm_aesenclast_si128(_mm_shuffle_epi8(k, rot_broadcast), rcon);
				// Prefix XOR of the four words: w0, w0^w1, w0^w1^w2, w0^w1^w2^w3.
				let k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
				let k = _mm_xor_si128(k, _mm_slli_si128(k, 8));
				let k = _mm_xor_si128(k, t);
				rk[l] = k;
				state[l] = if round == RCON.len() - 1 {
					_mm_aesenclast_si128(state[l], k)
				} else {
					_mm_aesenc_si128(state[l], k)
				};
			}
		}
		for (l, s) in state.iter().enumerate() {
			// SAFETY: `out` has LANES elements (caller); unaligned store to element `l`.
			unsafe { _mm_storeu_si128(out.as_mut_ptr().add(l) as *mut __m128i, *s) };
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	/// The FIPS-197 appendix C.1 key (00 01 .. 0f) with the zero block.
	#[test]
	fn matches_the_fips_197_key_and_the_aes_crate() {
		let key = u128::from_le_bytes(core::array::from_fn(|i| i as u8));
		// Computed independently: `openssl enc -aes-128-ecb -K 000102030405060708090a0b0c0d0e0f`.
		let expected = u128::from_le_bytes([
			0xc6, 0xa1, 0x3b, 0x37, 0x87, 0x8f, 0x5b, 0x82, 0x6f, 0x4f, 0x81, 0x62, 0xa1, 0xc8,
			0xd8, 0x79,
		]);
		assert_eq!(aes_zero_one(key), expected);
		let keys = [key; 9];
		let mut out = [0u128; 9];
		aes_zero_many(&keys, &mut out);
		assert!(out.iter().all(|o| *o == expected));
	}

	proptest! {
		#[test]
		fn batch_equals_one_at_a_time(keys in proptest::collection::vec(any::<u128>(), 0..40)) {
			let mut out = vec![0u128; keys.len()];
			aes_zero_many(&keys, &mut out);
			for (k, o) in keys.iter().zip(&out) {
				prop_assert_eq!(*o, aes_zero_one(*k));
			}
		}
	}
}
