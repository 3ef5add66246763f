//! Master key, per-patient keys and permutation, record encryption and token generation.

use super::schema::Schema;
use super::types::{
	ShveCiphertext, ShveTokenBody, ShveTokenBodyV1, SignedToken, SignedTokenV1, TokenScope,
	TOKEN_SIGNING_CONTEXT, TOKEN_SIGNING_CONTEXT_V1,
};
use crate::{Error, Result};
use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};
use aes::Aes128Enc;
use codec::Encode;
use hmac::{Hmac, Mac};
use rand_core::{CryptoRng, RngCore, SeedableRng};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The key service's SHVE master secret `msk`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ShveMasterKey([u8; 32]);

impl ShveMasterKey {
	/// Fresh random master key.
	pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
		let mut k = [0u8; 32];
		rng.fill_bytes(&mut k);
		Self(k)
	}
	/// From stored bytes.
	pub fn from_bytes(b: [u8; 32]) -> Self {
		Self(b)
	}
	/// Stored bytes.
	pub fn as_bytes(&self) -> &[u8; 32] {
		&self.0
	}

	fn prf(&self, label: &[u8], schema: &Schema, patient: &[u8]) -> Zeroizing<[u8; 32]> {
		let mut mac =
			<Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
		mac.update(label);
		mac.update(&schema.id.to_le_bytes());
		mac.update(&(schema.len as u32).to_le_bytes());
		if schema.global_key {
			mac.update(b"\x00global");
		} else {
			mac.update(b"\x01patient");
			mac.update(&(patient.len() as u32).to_le_bytes());
			mac.update(patient);
		}
		Zeroizing::new(mac.finalize().into_bytes().into())
	}

	/// `k_P = PRF(msk, patient)` and the patient's secret permutation `pi` (both derived, so the
	/// key service stores only `msk`). In the S2-compatible schema `patient` is ignored.
	pub fn patient_key(&self, schema: &Schema, patient: &[u8]) -> PatientKey {
		let k = self.prf(b"medchain/shve/key/v1", schema, patient);
		let seed = self.prf(b"medchain/shve/perm/v1", schema, patient);
		let mut key = [0u8; 16];
		key.copy_from_slice(&k[..16]);
		// Fisher–Yates with our own unbiased sampler (deterministic across dependency versions).
		let mut rng = rand_chacha::ChaCha20Rng::from_seed(*seed);
		let mut perm: Vec<u8> = (0..schema.len as u8).collect();
		for i in (1..perm.len()).rev() {
			let j = crate::util::uniform_below(&mut rng, i as u64 + 1) as usize;
			perm.swap(i, j);
		}
		PatientKey::new(schema.clone(), key, perm)
	}
}

/// What a record service holds for one patient: `k_P` and `pi`.
pub struct PatientKey {
	schema: Schema,
	key: Zeroizing<[u8; 16]>,
	cipher: Aes128Enc,
	perm: Zeroizing<Vec<u8>>,
}

impl PatientKey {
	fn new(schema: Schema, key: [u8; 16], perm: Vec<u8>) -> Self {
		let cipher = Aes128Enc::new(GenericArray::from_slice(&key));
		Self { schema, key: Zeroizing::new(key), cipher, perm: Zeroizing::new(perm) }
	}

	/// Exports `(k_P, pi)` for delivery to a record service.
	pub fn to_parts(&self) -> ([u8; 16], Vec<u8>) {
		(*self.key, self.perm.to_vec())
	}

	/// Rebuilds from delivered parts (checks that `pi` is a permutation of the schema length).
	pub fn from_parts(schema: &Schema, key: [u8; 16], perm: Vec<u8>) -> Result<Self> {
		if perm.len() != schema.len {
			return Err(Error::SchemaMismatch);
		}
		let mut seen = [false; 256];
		for p in &perm {
			if *p as usize >= schema.len || seen[*p as usize] {
				return Err(Error::Malformed);
			}
			seen[*p as usize] = true;
		}
		Ok(Self::new(schema.clone(), key, perm))
	}

	/// The schema.
	pub fn schema(&self) -> &Schema {
		&self.schema
	}

	/// Bit mask of the permuted slots every token of the schema fixes (what an index
	/// pre-aggregates).
	pub fn always_fixed_mask(&self) -> u128 {
		self.schema.always_fixed.clone().fold(0u128, |m, l| m | (1u128 << self.perm[l]))
	}

	/// `F(k_P, b || p)`: one AES-128 block over `"S" | b | p | 0…`.
	fn f_blocks(&self, items: impl Iterator<Item = (bool, u8)>) -> Vec<[u8; 16]> {
		let mut blocks: Vec<GenericArray<u8, aes::cipher::consts::U16>> = items
			.map(|(b, p)| {
				let mut x = [0u8; 16];
				x[0] = b'S';
				x[1] = b as u8;
				x[2] = p;
				GenericArray::from(x)
			})
			.collect();
		self.cipher.encrypt_blocks(&mut blocks);
		blocks.into_iter().map(Into::into).collect()
	}

	/// Encrypts a record vector: slot `pi(l)` = `F(k_P, x_l || pi(l))`.
	pub fn encrypt(&self, x: &[bool]) -> Result<ShveCiphertext> {
		if x.len() != self.schema.len {
			return Err(Error::SchemaMismatch);
		}
		let vals = self.f_blocks(x.iter().zip(self.perm.iter()).map(|(b, p)| (*b, *p)));
		let mut slots = vec![[0u8; 16]; x.len()];
		for (l, v) in vals.into_iter().enumerate() {
			slots[self.perm[l] as usize] = v;
		}
		Ok(ShveCiphertext {
			schema: self.schema.id,
			slots: slots.try_into().map_err(|_| Error::TooLarge)?,
		})
	}

	/// Token for predicate `v` (`None` = wildcard): random `K`,
	/// `d0 = XOR_{l in S} F(k_P, v_l || pi(l)) XOR K`, `d1 = AES_K(0)`.
	pub fn token<R: RngCore + CryptoRng>(
		&self,
		v: &[Option<bool>],
		rng: &mut R,
	) -> Result<(u128, [u8; 16], [u8; 16])> {
		if v.len() != self.schema.len {
			return Err(Error::SchemaMismatch);
		}
		let mut k = Zeroizing::new([0u8; 16]);
		rng.fill_bytes(&mut k[..]);
		let fixed: Vec<(bool, u8)> =
			v.iter().zip(self.perm.iter()).filter_map(|(b, p)| b.map(|b| (b, *p))).collect();
		let mask = fixed.iter().fold(0u128, |m, (_, p)| m | (1u128 << p));
		let mut d0 = *k;
		for blk in self.f_blocks(fixed.into_iter()) {
			xor16(&mut d0, &blk);
		}
		let d1 = aes_zero(&k);
		Ok((mask, d0, d1))
	}
}

/// `AES_k(0^128)`.
#[inline]
pub(crate) fn aes_zero(k: &[u8; 16]) -> [u8; 16] {
	super::aes_many::aes_zero_one(u128::from_le_bytes(*k)).to_le_bytes()
}

#[inline]
pub(crate) fn xor16(a: &mut [u8; 16], b: &[u8; 16]) {
	for (x, y) in a.iter_mut().zip(b) {
		*x ^= y;
	}
}

/// The key service: holds `msk` and the ed25519 key that signs tokens.
pub struct KeyService {
	master: ShveMasterKey,
	signing: ed25519_dalek::SigningKey,
}

impl KeyService {
	/// From the master key and signing key.
	pub fn new(master: ShveMasterKey, signing: ed25519_dalek::SigningKey) -> Self {
		Self { master, signing }
	}
	/// The public key nodes verify tokens against.
	pub fn public_key(&self) -> [u8; 32] {
		self.signing.verifying_key().to_bytes()
	}
	/// Patient key for a record service that treats the patient.
	pub fn patient_key(&self, schema: &Schema, patient: &[u8; 32]) -> PatientKey {
		self.master.patient_key(schema, patient)
	}
	/// Issues a signed token for an authorized request: the predicate's SHVE values, bound by
	/// the signature to the patient, the schema and its vector length, and `scope` (request,
	/// expiry, chain, query commitment).
	pub fn issue_token<R: RngCore + CryptoRng>(
		&self,
		schema: &Schema,
		patient: &[u8; 32],
		predicate: &[Option<bool>],
		scope: &TokenScope,
		rng: &mut R,
	) -> Result<SignedToken> {
		let pk = self.patient_key(schema, patient);
		let (fixed, d0, d1) = pk.token(predicate, rng)?;
		let body = ShveTokenBody {
			patient: if schema.global_key { [0u8; 32] } else { *patient },
			schema: schema.id,
			vector_len: u8::try_from(schema.len).map_err(|_| Error::TooLarge)?,
			fixed,
			d0,
			d1,
			request_id: scope.request_id,
			expires_at: scope.expires_at,
			genesis_hash: scope.genesis_hash,
			query_commitment: scope.query_commitment,
		};
		Ok(sign_token(&self.signing, body))
	}
}

/// Signs a token body.
pub fn sign_token(key: &ed25519_dalek::SigningKey, body: ShveTokenBody) -> SignedToken {
	use ed25519_dalek::Signer;
	let mut msg = TOKEN_SIGNING_CONTEXT.to_vec();
	body.encode_to(&mut msg);
	SignedToken { signature: key.sign(&msg).to_bytes(), body }
}

/// Checks a token's signature against the issuer key (strict ed25519 verification).
pub fn verify_token_signature(token: &SignedToken, issuer: &[u8; 32]) -> bool {
	verify_signature(TOKEN_SIGNING_CONTEXT, &token.body.encode(), &token.signature, issuer)
}

/// Signs a version-1 token body (only to exercise host function version 1: the key service
/// issues version-2 tokens).
pub fn sign_token_v1(key: &ed25519_dalek::SigningKey, body: ShveTokenBodyV1) -> SignedTokenV1 {
	use ed25519_dalek::Signer;
	let mut msg = TOKEN_SIGNING_CONTEXT_V1.to_vec();
	body.encode_to(&mut msg);
	SignedTokenV1 { signature: key.sign(&msg).to_bytes(), body }
}

/// Checks a version-1 token's signature.
pub fn verify_token_signature_v1(token: &SignedTokenV1, issuer: &[u8; 32]) -> bool {
	verify_signature(TOKEN_SIGNING_CONTEXT_V1, &token.body.encode(), &token.signature, issuer)
}

fn verify_signature(context: &[u8], body: &[u8], signature: &[u8; 64], issuer: &[u8; 32]) -> bool {
	let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(issuer) else {
		return false;
	};
	let sig = ed25519_dalek::Signature::from_bytes(signature);
	let mut msg = context.to_vec();
	msg.extend_from_slice(body);
	vk.verify_strict(&msg, &sig).is_ok()
}
