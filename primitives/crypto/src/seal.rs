//! HPKE-style sealing of a key to a receiver, signed by the sender (cross-hospital transfer,
//! key delivery).
//!
//! `shared = X25519(ephemeral, receiver)`; `(key, nonce) = HKDF-SHA256(salt = eph_pub ||
//! receiver_pub, ikm = shared, info = "medchain/seal/v1" || sender_pub || context)`;
//! `ciphertext = AES-256-GCM(key, nonce, payload, aad = context)`; the sender signs
//! `"medchain/seal/v1/sig" || eph_pub || receiver_pub || context || ciphertext` with ed25519.
//! Opening checks the signature against the expected sender *before* decrypting. An all-zero
//! shared secret (low-order receiver key) is rejected.
//!
//! Why hand-written: the `hpke` crate does not bind a sender signature and context in one
//! SCALE-encodable object; the primitives are RustCrypto / dalek.

use crate::{Error, Result};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand_core::{CryptoRng, RngCore};
use scale_info::TypeInfo;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// Largest payload that can be sealed.
pub const MAX_SEALED_PAYLOAD: u32 = 4096;

/// A sealed payload.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SealedKey {
	/// Sender's ed25519 public key.
	pub sender: [u8; 32],
	/// Ephemeral X25519 public key.
	pub ephemeral: [u8; 32],
	/// AES-256-GCM ciphertext with tag.
	pub ciphertext: BoundedVec<u8, ConstU32<{ MAX_SEALED_PAYLOAD + 16 }>>,
	/// Sender's signature.
	pub signature: [u8; 64],
}

fn schedule(
	shared: &[u8; 32],
	eph: &[u8; 32],
	receiver: &[u8; 32],
	sender: &[u8; 32],
	context: &[u8],
) -> (Zeroizing<[u8; 32]>, [u8; 12]) {
	let mut salt = [0u8; 64];
	salt[..32].copy_from_slice(eph);
	salt[32..].copy_from_slice(receiver);
	let len = (context.len() as u32).to_le_bytes();
	let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt), shared);
	let mut okm = Zeroizing::new([0u8; 44]);
	// 44 bytes is far below HKDF-SHA256's limit.
	let _ = hk.expand_multi_info(&[b"medchain/seal/v1", sender, &len, context], &mut okm[..]);
	let mut key = Zeroizing::new([0u8; 32]);
	key.copy_from_slice(&okm[..32]);
	let mut nonce = [0u8; 12];
	nonce.copy_from_slice(&okm[32..]);
	(key, nonce)
}

fn sig_msg(eph: &[u8; 32], receiver: &[u8; 32], context: &[u8], ct: &[u8]) -> Vec<u8> {
	let mut m = b"medchain/seal/v1/sig".to_vec();
	m.extend_from_slice(eph);
	m.extend_from_slice(receiver);
	m.extend_from_slice(&(context.len() as u32).to_le_bytes());
	m.extend_from_slice(context);
	m.extend_from_slice(ct);
	m
}

/// Seals `payload` to `receiver` (X25519 public key), signed by `sender`, bound to `context`.
pub fn seal<R: RngCore + CryptoRng>(
	payload: &[u8],
	receiver: &[u8; 32],
	sender: &SigningKey,
	context: &[u8],
	rng: &mut R,
) -> Result<SealedKey> {
	if payload.len() > MAX_SEALED_PAYLOAD as usize {
		return Err(Error::TooLarge);
	}
	let eph = StaticSecret::random_from_rng(&mut *rng);
	let eph_pub = PublicKey::from(&eph).to_bytes();
	let shared = Zeroizing::new(eph.diffie_hellman(&PublicKey::from(*receiver)).to_bytes());
	if shared.iter().all(|b| *b == 0) {
		return Err(Error::InvalidPoint);
	}
	let sender_pub = sender.verifying_key().to_bytes();
	let (key, nonce) = schedule(&shared, &eph_pub, receiver, &sender_pub, context);
	let ct = Aes256Gcm::new((&*key).into())
		.encrypt(Nonce::from_slice(&nonce), Payload { msg: payload, aad: context })
		.map_err(|_| Error::DecryptionFailed)?;
	let signature = sender.sign(&sig_msg(&eph_pub, receiver, context, &ct)).to_bytes();
	Ok(SealedKey {
		sender: sender_pub,
		ephemeral: eph_pub,
		ciphertext: ct.try_into().map_err(|_| Error::TooLarge)?,
		signature,
	})
}

/// Opens a sealed payload: the sender must be `expected_sender`, its signature must verify, and
/// the context must match.
pub fn open(
	sealed: &SealedKey,
	receiver: &StaticSecret,
	expected_sender: &[u8; 32],
	context: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
	use subtle::ConstantTimeEq;
	if !bool::from(sealed.sender[..].ct_eq(&expected_sender[..])) {
		return Err(Error::BadSignature);
	}
	let vk = VerifyingKey::from_bytes(&sealed.sender).map_err(|_| Error::BadSignature)?;
	let receiver_pub = PublicKey::from(receiver).to_bytes();
	let sig = ed25519_dalek::Signature::from_bytes(&sealed.signature);
	vk.verify_strict(&sig_msg(&sealed.ephemeral, &receiver_pub, context, &sealed.ciphertext), &sig)
		.map_err(|_| Error::BadSignature)?;
	let shared =
		Zeroizing::new(receiver.diffie_hellman(&PublicKey::from(sealed.ephemeral)).to_bytes());
	if shared.iter().all(|b| *b == 0) {
		return Err(Error::InvalidPoint);
	}
	let (key, nonce) = schedule(&shared, &sealed.ephemeral, &receiver_pub, &sealed.sender, context);
	let pt = Aes256Gcm::new((&*key).into())
		.decrypt(Nonce::from_slice(&nonce), Payload { msg: &sealed.ciphertext, aad: context })
		.map_err(|_| Error::DecryptionFailed)?;
	Ok(Zeroizing::new(pt))
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand_core::SeedableRng;

	#[test]
	fn seal_open() {
		let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(1);
		let sender = SigningKey::generate(&mut r);
		let recv = StaticSecret::random_from_rng(&mut r);
		let recv_pub = PublicKey::from(&recv).to_bytes();
		let s =
			seal(b"data key 32 bytes...............", &recv_pub, &sender, b"ctx", &mut r).unwrap();
		let sp = sender.verifying_key().to_bytes();
		assert_eq!(&open(&s, &recv, &sp, b"ctx").unwrap()[..], b"data key 32 bytes...............");
		// Wrong context, wrong receiver, wrong sender, tampering.
		assert_eq!(open(&s, &recv, &sp, b"ctx2").map(|_| ()), Err(Error::BadSignature));
		let other = StaticSecret::random_from_rng(&mut r);
		assert!(open(&s, &other, &sp, b"ctx").is_err());
		let mallory = SigningKey::generate(&mut r);
		assert_eq!(
			open(&s, &recv, &mallory.verifying_key().to_bytes(), b"ctx").map(|_| ()),
			Err(Error::BadSignature)
		);
		let mut t = s.clone();
		t.ciphertext[0] ^= 1;
		assert_eq!(open(&t, &recv, &sp, b"ctx").map(|_| ()), Err(Error::BadSignature));
		// Re-signed by a different sender: rejected as not the expected sender.
		let mut t = s.clone();
		t.sender = mallory.verifying_key().to_bytes();
		t.signature =
			mallory.sign(&sig_msg(&t.ephemeral, &recv_pub, b"ctx", &t.ciphertext)).to_bytes();
		assert_eq!(open(&t, &recv, &sp, b"ctx").map(|_| ()), Err(Error::BadSignature));
		// Low-order receiver key.
		assert_eq!(seal(b"x", &[0u8; 32], &sender, b"", &mut r), Err(Error::InvalidPoint));
		// SCALE round trip.
		assert_eq!(SealedKey::decode(&mut &s.encode()[..]).unwrap(), s);
	}
}
