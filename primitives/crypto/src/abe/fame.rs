//! FAME (Agrawal–Chase, CCS'17), CP-ABE on BLS12-381, used as a KEM that wraps record data keys.
//!
//! * `pk = (h, H1 = h^a1, H2 = h^a2, T1 = e(g,h)^{d1 a1 + d3}, T2 = e(g,h)^{d2 a2 + d3})`,
//!   `msk = (a1, a2, b1, b2, g^d1, g^d2, g^d3)`.
//! * Key for a set `S`: `sk0 = (h^{b1 r1}, h^{b2 r2}, h^{r1+r2})`; per attribute `y` and
//!   `t ∈ {1,2}`: `sk_{y,t} = H(y1t)^{b1 r1/a_t} H(y2t)^{b2 r2/a_t} H(y3t)^{(r1+r2)/a_t}
//!   g^{σ_y/a_t}`, `sk_{y,3} = g^{-σ_y}`; and `sk'_t = g^{d_t} H(011t)^{b1 r1/a_t} H(012t)^{b2 r2/a_t}
//!   H(013t)^{(r1+r2)/a_t} g^{σ'/a_t}`, `sk'_3 = g^{d3 - σ'}`.
//! * Ciphertext for MSP `(M, π)`: `ct0 = (H1^{s1}, H2^{s2}, h^{s1+s2})`,
//!   `ct_{i,l} = H(π(i) l 1)^{s1} H(π(i) l 2)^{s2} Π_j [H(0 j l 1)^{s1} H(0 j l 2)^{s2}]^{M_ij}`.
//!   As a KEM the blinding factor `Z = T1^{s1} T2^{s2}` itself is the random GT element (encrypting
//!   a uniformly random `M` under it and hashing `M` would be equivalent and cost a GT operation
//!   more); the 32-byte key is HKDF(Z) bound to the policy and `ct0`.
//! * Decryption: `Z = Π_t e(sk'_t Π sk_{π(i),t}^{γ_i}, ct0_t) / Π_l e(Π ct_{i,l}^{γ_i}, sk0_l)`,
//!   one 6-pair multi-pairing.
//!
//! `H` is RFC 9380 hash-to-G1 (blst, see [`crate::hash_to_curve`]); the column hashes
//! `H(0 j l t)` and the hashes of up to [`MAX_CACHED_ATTRIBUTES`] attributes are cached
//! process-wide. Encryption regroups the exponents as
//! `ct_{i,l} = (H(π(i)l1) + Σ_j M_ij H(0jl1))·s1 + (H(π(i)l2) + Σ_j M_ij H(0jl2))·s2`, two
//! GLV scalar multiplications per (row, l), because `M_ij ∈ {0, ±1}` for AND/OR, and computes
//! `Z` with one joint exponentiation. Group and pairing arithmetic is blst's; keys, ciphertexts
//! and their encodings are arkworks types.
//!
//! Why hand-written: no maintained Rust crate implements FAME.

use super::curve::{blst_g1s_to_ark, g1_to_blst, g2_mul_blst, gt_pow2, multi_pairing, Gt};
pub use super::hashes::{attribute_hash, column_hash_uncached, MAX_CACHED_ATTRIBUTES};
use super::hashes::{attribute_hashes_blst, column_hashes, slot};
use super::msp::{reconstruction, Msp};
use super::policy::Policy;
use crate::Error;
use ark_bls12_381::{Bls12_381, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{Field, One, UniformRand, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use codec::{Decode, Encode};
use rand_core::{CryptoRng, RngCore};
use std::collections::BTreeMap;
use zeroize::{Zeroize, Zeroizing};

/// Public parameters.
#[derive(Clone, Debug, PartialEq, CanonicalSerialize, CanonicalDeserialize)]
pub struct FamePublicKey {
	h: G2Affine,
	h1: G2Affine,
	h2: G2Affine,
	t1: Gt,
	t2: Gt,
}

/// Master secret (key service only).
#[derive(Clone, CanonicalSerialize, CanonicalDeserialize)]
pub struct FameMasterKey {
	a1: Fr,
	a2: Fr,
	b1: Fr,
	b2: Fr,
	gd: [G1Affine; 3],
}

impl Drop for FameMasterKey {
	fn drop(&mut self) {
		self.a1.zeroize();
		self.a2.zeroize();
		self.b1.zeroize();
		self.b2.zeroize();
		for g in self.gd.iter_mut() {
			g.zeroize();
		}
	}
}

/// A user's decryption key for an attribute set.
#[derive(Clone)]
pub struct FameUserKey {
	sk0: [G2Affine; 3],
	attrs: BTreeMap<Vec<u8>, [G1Affine; 3]>,
	sk_prime: [G1Affine; 3],
}

impl Drop for FameUserKey {
	fn drop(&mut self) {
		for p in self.sk_prime.iter_mut() {
			p.zeroize();
		}
		for v in self.attrs.values_mut() {
			for p in v.iter_mut() {
				p.zeroize();
			}
		}
	}
}

impl FameUserKey {
	/// The attributes the key holds.
	pub fn attributes(&self) -> impl Iterator<Item = &[u8]> {
		self.attrs.keys().map(|k| &k[..])
	}
}

/// A FAME ciphertext (KEM part): the policy travels with it.
#[derive(Clone, Debug, PartialEq)]
pub struct FameCiphertext {
	/// The access policy.
	pub policy: Policy,
	ct0: [G2Affine; 3],
	rows: Vec<[G1Affine; 3]>,
}

macro_rules! ark_bytes {
	($t:ty) => {
		impl $t {
			/// Compressed arkworks encoding.
			pub fn to_bytes(&self) -> Vec<u8> {
				let mut v = Vec::new();
				// Serializing into a Vec cannot fail.
				let _ = self.serialize_compressed(&mut v);
				v
			}
			/// Decodes with full validation (on-curve and subgroup checks).
			pub fn from_bytes(b: &[u8]) -> crate::Result<Self> {
				let mut r = b;
				let v = Self::deserialize_compressed(&mut r).map_err(|_| Error::Malformed)?;
				if !r.is_empty() {
					return Err(Error::Malformed);
				}
				Ok(v)
			}
		}
	};
}
ark_bytes!(FamePublicKey);
ark_bytes!(FameMasterKey);

/// Maximum number of attributes in one user key.
pub const MAX_KEY_ATTRIBUTES: usize = 256;

impl FameUserKey {
	/// `sk0 | sk' | u16 count | (u8 len | attribute | 3 × G1)*`, points compressed.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut v = Vec::new();
		let _ = self.sk0.serialize_compressed(&mut v);
		let _ = self.sk_prime.serialize_compressed(&mut v);
		v.extend_from_slice(&(self.attrs.len() as u16).to_le_bytes());
		for (a, k) in &self.attrs {
			v.push(a.len() as u8);
			v.extend_from_slice(a);
			let _ = k.serialize_compressed(&mut v);
		}
		v
	}
	/// Decodes with full point validation; never allocates more than the input justifies.
	pub fn from_bytes(b: &[u8]) -> crate::Result<Self> {
		let mut r = b;
		let sk0 = <[G2Affine; 3]>::deserialize_compressed(&mut r).map_err(|_| Error::Malformed)?;
		let sk_prime =
			<[G1Affine; 3]>::deserialize_compressed(&mut r).map_err(|_| Error::Malformed)?;
		let take = |r: &mut &[u8], n: usize| -> crate::Result<Vec<u8>> {
			if r.len() < n {
				return Err(Error::Malformed);
			}
			let (a, rest) = r.split_at(n);
			*r = rest;
			Ok(a.to_vec())
		};
		let cnt = take(&mut r, 2)?;
		let cnt = u16::from_le_bytes([cnt[0], cnt[1]]) as usize;
		if cnt > MAX_KEY_ATTRIBUTES {
			return Err(Error::TooLarge);
		}
		let mut attrs = BTreeMap::new();
		for _ in 0..cnt {
			let len = take(&mut r, 1)?[0] as usize;
			let a = take(&mut r, len)?;
			let k =
				<[G1Affine; 3]>::deserialize_compressed(&mut r).map_err(|_| Error::Malformed)?;
			if a.is_empty() || attrs.insert(a, k).is_some() {
				return Err(Error::Malformed);
			}
		}
		if !r.is_empty() {
			return Err(Error::Malformed);
		}
		Ok(Self { sk0, attrs, sk_prime })
	}
}

impl FameCiphertext {
	/// SCALE(policy) || compressed(ct0, rows).
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut v = self.policy.encode();
		let _ = self.ct0.serialize_compressed(&mut v);
		for row in &self.rows {
			let _ = row.serialize_compressed(&mut v);
		}
		v
	}
	/// Decodes with full validation; the number of rows must match the policy.
	pub fn from_bytes(b: &[u8]) -> crate::Result<Self> {
		let mut r = b;
		let policy = Policy::decode(&mut r).map_err(|_| Error::Malformed)?;
		let ct0 = <[G2Affine; 3]>::deserialize_compressed(&mut r).map_err(|_| Error::Malformed)?;
		let n = policy.leaves().count();
		let mut rows = Vec::with_capacity(n);
		for _ in 0..n {
			rows.push(
				<[G1Affine; 3]>::deserialize_compressed(&mut r).map_err(|_| Error::Malformed)?,
			);
		}
		if !r.is_empty() {
			return Err(Error::Malformed);
		}
		Ok(Self { policy, ct0, rows })
	}
}

/// Setup: fresh master key and public parameters.
pub fn setup<R: RngCore + CryptoRng>(rng: &mut R) -> (FamePublicKey, FameMasterKey) {
	let g = G1Projective::generator();
	let h = G2Projective::generator();
	let nz = |rng: &mut R| loop {
		let x = Fr::rand(rng);
		if !x.is_zero() {
			return x;
		}
	};
	let (a1, a2, b1, b2) = (nz(rng), nz(rng), nz(rng), nz(rng));
	let mut d = [Fr::rand(rng), Fr::rand(rng), Fr::rand(rng)];
	let egh = Bls12_381::pairing(g, h);
	let pk = FamePublicKey {
		h: h.into_affine(),
		h1: (h * a1).into_affine(),
		h2: (h * a2).into_affine(),
		t1: egh * (d[0] * a1 + d[2]),
		t2: egh * (d[1] * a2 + d[2]),
	};
	let gd = [(g * d[0]).into_affine(), (g * d[1]).into_affine(), (g * d[2]).into_affine()];
	d.zeroize();
	(pk, FameMasterKey { a1, a2, b1, b2, gd })
}

/// Key generation for an attribute set (duplicates are ignored).
pub fn keygen<R: RngCore + CryptoRng, A: AsRef<[u8]>>(
	msk: &FameMasterKey,
	attributes: &[A],
	rng: &mut R,
) -> crate::Result<FameUserKey> {
	let g = G1Projective::generator();
	let h = G2Projective::generator();
	let r1 = Fr::rand(rng);
	let r2 = Fr::rand(rng);
	let e = [msk.b1 * r1, msk.b2 * r2, r1 + r2];
	let sk0 = [(h * e[0]).into_affine(), (h * e[1]).into_affine(), (h * e[2]).into_affine()];
	let ainv = [
		msk.a1.inverse().ok_or(Error::InvalidParameter)?,
		msk.a2.inverse().ok_or(Error::InvalidParameter)?,
	];
	let part = |hash: &dyn Fn(u8, u8) -> G1Affine, sigma: Fr, t: usize| -> G1Projective {
		let mut acc = g * (sigma * ainv[t]);
		for (l, el) in e.iter().enumerate() {
			acc += hash(l as u8 + 1, t as u8 + 1) * (*el * ainv[t]);
		}
		acc
	};
	let mut attrs = BTreeMap::new();
	for a in attributes {
		let a = a.as_ref();
		if a.is_empty() || a.len() > super::policy::MAX_ATTRIBUTE_LEN as usize {
			return Err(Error::InvalidParameter);
		}
		let sigma = Fr::rand(rng);
		let hf = |l: u8, t: u8| attribute_hash(a, l, t);
		let k = [part(&hf, sigma, 0), part(&hf, sigma, 1), g * (-sigma)];
		let k = G1Projective::normalize_batch(&k);
		attrs.insert(a.to_vec(), [k[0], k[1], k[2]]);
	}
	let sigma = Fr::rand(rng);
	let col = column_hashes(1);
	let hf = |l: u8, t: u8| col[slot(l, t)];
	let sp = [
		part(&hf, sigma, 0) + msk.gd[0],
		part(&hf, sigma, 1) + msk.gd[1],
		g * (-sigma) + msk.gd[2],
	];
	let sp = G1Projective::normalize_batch(&sp);
	Ok(FameUserKey { sk0, attrs, sk_prime: [sp[0], sp[1], sp[2]] })
}

/// The KEM key: `HKDF-SHA256(Z)` with info `SHA-256(ciphertext bytes)`, i.e. bound to the
/// policy, `ct0` *and every row*. Binding only the policy and `ct0` (version 1) let rows that
/// one doctor's decryption does not use be altered without that doctor noticing while another
/// doctor's decryption failed: a targeted denial and a probe of which policy branch a doctor
/// uses. Now any altered row changes every doctor's key, so the wrap's AEAD fails for all.
fn kdf(z: &Gt, ct: &FameCiphertext) -> Zeroizing<[u8; 32]> {
	use sha2::{Digest, Sha256};
	let mut zb = Zeroizing::new(Vec::new());
	let _ = z.serialize_compressed(&mut *zb);
	let ct_hash: [u8; 32] = Sha256::digest(ct.to_bytes()).into();
	crate::util::hkdf32(b"medchain/abe/fame-kem/v2", &zb, &[b"ciphertext-sha256", &ct_hash])
}

/// Encapsulates a fresh 32-byte key under `policy`.
pub fn encapsulate<R: RngCore + CryptoRng>(
	pk: &FamePublicKey,
	policy: &Policy,
	rng: &mut R,
) -> (FameCiphertext, Zeroizing<[u8; 32]>) {
	use crate::pdp::bls;
	use ark_ff::{BigInteger, PrimeField};
	let s1 = Fr::rand(rng);
	let s2 = Fr::rand(rng);
	let b1 = Zeroizing::new(s1.into_bigint().to_bytes_le());
	let b2 = Zeroizing::new(s2.into_bigint().to_bytes_le());
	let b12 = Zeroizing::new((s1 + s2).into_bigint().to_bytes_le());
	let ct0 = [g2_mul_blst(&pk.h1, &b1), g2_mul_blst(&pk.h2, &b2), g2_mul_blst(&pk.h, &b12)];
	let msp = Msp::from_policy(policy);
	let cols: Vec<[blst::blst_p1; 6]> =
		(1..=msp.cols as u32).map(|j| column_hashes(j).map(|p| g1_to_blst(&p))).collect();
	let one = Fr::one();
	let minus_one = -one;
	let mut out = Vec::with_capacity(msp.rows.len() * 3);
	for (r, row) in msp.rows.iter().enumerate() {
		let crate::abe::policy::PolicyNode::Leaf(attr) = &policy.nodes()[msp.row_node[r]] else {
			continue;
		};
		let attr_hashes = attribute_hashes_blst(attr);
		for l in 1..=3u8 {
			let mut ab = [blst::blst_p1::default(), blst::blst_p1::default()];
			for t in 1..=2u8 {
				let mut acc = attr_hashes[slot(l, t)];
				for (j, m) in row.iter().enumerate() {
					let hj = &cols[j][slot(l, t)];
					if m.is_zero() {
						continue;
					}
					let term = if *m == one {
						*hj
					} else if *m == minus_one {
						let mut n = *hj;
						// SAFETY: valid pointer.
						unsafe { blst::blst_p1_cneg(&mut n, true) };
						n
					} else {
						bls::p1_mult(hj, &m.into_bigint().to_bytes_le(), 255)
					};
					acc = bls::p1_add(&acc, &term);
				}
				ab[t as usize - 1] = acc;
			}
			out.push(bls::p1_add(&bls::p1_mult(&ab[0], &b1, 255), &bls::p1_mult(&ab[1], &b2, 255)));
		}
	}
	let rows = blst_g1s_to_ark(&out).chunks(3).map(|c| [c[0], c[1], c[2]]).collect();
	let z = gt_pow2(&pk.t1, &s1, &pk.t2, &s2);
	let ct = FameCiphertext { policy: policy.clone(), ct0, rows };
	let key = kdf(&z, &ct);
	(ct, key)
}

/// Baseline for the benchmark: the same encapsulation with every group operation in arkworks
/// (hashes still through blst). Produces ciphertexts `decapsulate` accepts.
pub fn encapsulate_arkworks<R: RngCore + CryptoRng>(
	pk: &FamePublicKey,
	policy: &Policy,
	rng: &mut R,
) -> (FameCiphertext, Zeroizing<[u8; 32]>) {
	let s1 = Fr::rand(rng);
	let s2 = Fr::rand(rng);
	let ct0 =
		[(pk.h1 * s1).into_affine(), (pk.h2 * s2).into_affine(), (pk.h * (s1 + s2)).into_affine()];
	let msp = Msp::from_policy(policy);
	let cols: Vec<[G1Affine; 6]> = (1..=msp.cols as u32).map(column_hashes).collect();
	let one = Fr::one();
	let minus_one = -one;
	let mut out = Vec::with_capacity(msp.rows.len() * 3);
	for (r, row) in msp.rows.iter().enumerate() {
		let crate::abe::policy::PolicyNode::Leaf(attr) = &policy.nodes()[msp.row_node[r]] else {
			continue;
		};
		for l in 1..=3u8 {
			let mut ab = [G1Projective::zero(), G1Projective::zero()];
			for t in 1..=2u8 {
				let acc = &mut ab[t as usize - 1];
				*acc += attribute_hash(attr, l, t);
				for (j, m) in row.iter().enumerate() {
					let hj = cols[j][slot(l, t)];
					if m.is_zero() {
					} else if *m == one {
						*acc += hj;
					} else if *m == minus_one {
						*acc -= hj;
					} else {
						*acc += hj * *m;
					}
				}
			}
			out.push(ab[0] * s1 + ab[1] * s2);
		}
	}
	let aff = G1Projective::normalize_batch(&out);
	let rows = aff.chunks(3).map(|c| [c[0], c[1], c[2]]).collect();
	let z = pk.t1 * s1 + pk.t2 * s2;
	let ct = FameCiphertext { policy: policy.clone(), ct0, rows };
	let key = kdf(&z, &ct);
	(ct, key)
}

/// Recovers the encapsulated key if the user's attributes satisfy the policy.
pub fn decapsulate(uk: &FameUserKey, ct: &FameCiphertext) -> crate::Result<Zeroizing<[u8; 32]>> {
	Ok(kdf(&blinding_factor(uk, ct)?, ct))
}

/// `Z` from the rows the user's reconstruction uses (one 6-pair multi-pairing).
fn blinding_factor(uk: &FameUserKey, ct: &FameCiphertext) -> crate::Result<Gt> {
	if ct.rows.len() != ct.policy.leaves().count() {
		return Err(Error::Malformed);
	}
	let gamma = reconstruction(&ct.policy, |a| uk.attrs.contains_key(a))
		.ok_or(Error::PolicyNotSatisfied)?;
	let leaves: Vec<&[u8]> = ct.policy.leaves().map(|(_, a)| a).collect();
	let one = Fr::one();
	let mut a = [G1Projective::zero(); 3];
	let mut b =
		[uk.sk_prime[0].into_group(), uk.sk_prime[1].into_group(), uk.sk_prime[2].into_group()];
	for (row, g) in gamma {
		let sk = uk.attrs.get(leaves[row]).ok_or(Error::PolicyNotSatisfied)?;
		for k in 0..3 {
			if g == one {
				a[k] += ct.rows[row][k];
				b[k] += sk[k];
			} else {
				a[k] += ct.rows[row][k] * g;
				b[k] += sk[k] * g;
			}
		}
	}
	let lhs: Vec<G1Affine> =
		G1Projective::normalize_batch(&[b[0], b[1], b[2], -a[0], -a[1], -a[2]]);
	let rhs = [ct.ct0[0], ct.ct0[1], ct.ct0[2], uk.sk0[0], uk.sk0[1], uk.sk0[2]];
	Ok(multi_pairing(&lhs, &rhs))
}

#[cfg(test)]
mod binding_tests {
	use super::*;
	use crate::abe::{doctor_attributes, s2_default_policy, unwrap_key, wrap_key};
	use rand_core::SeedableRng;

	/// Issue 11, finding 2: altering one row that doctor A's decryption does not use leaves A's
	/// `Z` unchanged (so without the binding A would not notice) and now makes both A and B
	/// fail, where B is a doctor whose branch uses that row.
	#[test]
	fn altering_a_row_one_doctor_does_not_use_fails_both() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(12);
		let (pk, msk) = setup(&mut rng);
		// (epoch:7 and ((grade>=12 and title>=3) or (grade>=13 and title>=2) or emergency))
		let policy = s2_default_policy(3, 12, 7).unwrap();
		let a = keygen(&msk, &doctor_attributes(3, 12, 7, "a", &[]), &mut rng).unwrap();
		let b = keygen(&msk, &doctor_attributes(2, 13, 7, "b", &[]), &mut rng).unwrap();
		let data_key = [0x42u8; 32];
		let w = wrap_key(&pk, &policy, &data_key, b"record-1/v1", &mut rng);
		assert_eq!(*unwrap_key(&a, &w, b"record-1/v1").unwrap(), data_key);
		assert_eq!(*unwrap_key(&b, &w, b"record-1/v1").unwrap(), data_key);

		// The row of `title>=2`: in B's branch, not in A's.
		let row = policy.leaves().position(|(_, at)| at == b"title>=2").unwrap();
		let used_by_a = reconstruction(&policy, |at| a.attrs.contains_key(at)).unwrap();
		assert!(used_by_a.iter().all(|(r, _)| *r != row), "A does not use the row");
		let used_by_b = reconstruction(&policy, |at| b.attrs.contains_key(at)).unwrap();
		assert!(used_by_b.iter().any(|(r, _)| *r == row), "B uses the row");

		let mut bad = w.clone();
		bad.kem.rows[row][1] = (bad.kem.rows[row][1] + G1Affine::generator()).into_affine();
		// The altered ciphertext still decodes (valid points), and A's Z is untouched...
		let bad = crate::abe::AbeWrappedKey::from_bytes(&bad.to_bytes()).unwrap();
		assert_ne!(bad, w);
		assert_eq!(blinding_factor(&a, &bad.kem).unwrap(), blinding_factor(&a, &w.kem).unwrap());
		assert_ne!(blinding_factor(&b, &bad.kem).unwrap(), blinding_factor(&b, &w.kem).unwrap());
		// ...but A's key changed with the ciphertext hash: both doctors fail.
		assert_ne!(*decapsulate(&a, &bad.kem).unwrap(), *decapsulate(&a, &w.kem).unwrap());
		assert_eq!(unwrap_key(&a, &bad, b"record-1/v1"), Err(Error::DecryptionFailed));
		assert_eq!(unwrap_key(&b, &bad, b"record-1/v1"), Err(Error::DecryptionFailed));
		// Every row counts, including the emergency one nobody here holds.
		let em = policy.leaves().position(|(_, at)| at == b"emergency").unwrap();
		let mut bad = w.clone();
		bad.kem.rows[em][0] = (bad.kem.rows[em][0] + G1Affine::generator()).into_affine();
		assert_eq!(unwrap_key(&a, &bad, b"record-1/v1"), Err(Error::DecryptionFailed));
		assert_eq!(unwrap_key(&b, &bad, b"record-1/v1"), Err(Error::DecryptionFailed));
	}
}
