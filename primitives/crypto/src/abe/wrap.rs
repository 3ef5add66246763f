//! Wrapping a record's data key under a policy (FAME KEM + AES-256-GCM).

use super::fame::{decapsulate, encapsulate, FameCiphertext, FamePublicKey, FameUserKey};
use super::policy::Policy;
use crate::{Error, Result};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

/// A data key wrapped under a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct AbeWrappedKey {
	/// KEM ciphertext (carries the policy).
	pub kem: FameCiphertext,
	/// AES-256-GCM of the data key (32 + 16 bytes).
	pub wrapped: [u8; 48],
}

const AAD_PREFIX: &[u8] = b"medchain/abe/wrap/v1";

impl AbeWrappedKey {
	/// `wrapped (48) || kem`.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut v = self.wrapped.to_vec();
		v.extend(self.kem.to_bytes());
		v
	}
	/// Inverse of [`Self::to_bytes`] with full validation.
	pub fn from_bytes(b: &[u8]) -> Result<Self> {
		if b.len() < 48 {
			return Err(Error::Malformed);
		}
		let mut wrapped = [0u8; 48];
		wrapped.copy_from_slice(&b[..48]);
		Ok(Self { kem: FameCiphertext::from_bytes(&b[48..])?, wrapped })
	}
}

fn aad(context: &[u8]) -> Vec<u8> {
	let mut a = AAD_PREFIX.to_vec();
	a.extend_from_slice(&(context.len() as u32).to_le_bytes());
	a.extend_from_slice(context);
	a
}

/// Wraps `data_key` so that only keys satisfying `policy` recover it. `context` (e.g. record id
/// and version) is authenticated.
pub fn wrap_key<R: RngCore + CryptoRng>(
	pk: &FamePublicKey,
	policy: &Policy,
	data_key: &[u8; 32],
	context: &[u8],
	rng: &mut R,
) -> AbeWrappedKey {
	let (kem, k) = encapsulate(pk, policy, rng);
	let cipher = Aes256Gcm::new((&*k).into());
	// The KEM key is fresh for every encapsulation, so a fixed nonce is safe.
	let ct = cipher
		.encrypt(Nonce::from_slice(&[0u8; 12]), Payload { msg: data_key, aad: &aad(context) })
		.unwrap_or_default();
	let mut wrapped = [0u8; 48];
	if ct.len() == 48 {
		wrapped.copy_from_slice(&ct);
	}
	AbeWrappedKey { kem, wrapped }
}

/// Recovers the data key: [`Error::PolicyNotSatisfied`] if the key's attributes do not satisfy
/// the policy, [`Error::DecryptionFailed`] if the wrapped key or context was tampered with.
pub fn unwrap_key(
	uk: &FameUserKey,
	w: &AbeWrappedKey,
	context: &[u8],
) -> Result<Zeroizing<[u8; 32]>> {
	let k = decapsulate(uk, &w.kem)?;
	let cipher = Aes256Gcm::new((&*k).into());
	let pt = Zeroizing::new(
		cipher
			.decrypt(Nonce::from_slice(&[0u8; 12]), Payload { msg: &w.wrapped, aad: &aad(context) })
			.map_err(|_| Error::DecryptionFailed)?,
	);
	let mut out = Zeroizing::new([0u8; 32]);
	if pt.len() != 32 {
		return Err(Error::DecryptionFailed);
	}
	out.copy_from_slice(&pt);
	Ok(out)
}
