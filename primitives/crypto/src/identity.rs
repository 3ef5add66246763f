//! Pseudonyms and traceability: the registrar links a patient's on-chain account to a real
//! identity without storing it in clear, and only the registrar can reveal it.
//!
//! * [`identity_tag`]: HMAC-SHA256 under the registrar's PRF key of the normalized identity
//!   (dedup: the same person cannot register twice, and the tag reveals nothing without the key).
//! * [`create_escrow`]: the identity sealed ([`crate::seal`]) to the registrar's X25519 key,
//!   signed by the registrar's key service and bound to the patient account; kept off chain by
//!   the key service.
//! * [`EscrowCommitment`]: `SHA-256("medchain/identity/commit/v1" || blinding || SCALE(escrow))`
//!   goes on chain; the random blinding keeps it hiding even if the escrow leaks its length.

use crate::seal::{open, seal, SealedKey};
use crate::{Error, Result};
use codec::Encode;
use ed25519_dalek::SigningKey;
use hmac::{Hmac, Mac};
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use x25519_dalek::StaticSecret;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The registrar's PRF key.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct RegistrarPrfKey(pub [u8; 32]);

/// On-chain commitment to an escrow.
pub type EscrowCommitment = [u8; 32];

/// Normalizes an identity number: trims, drops spaces and hyphens, upper-cases ASCII.
pub fn normalize_identity(raw: &str) -> String {
	raw.chars()
		.filter(|c| !c.is_whitespace() && *c != '-')
		.map(|c| c.to_ascii_uppercase())
		.collect()
}

/// Dedup tag: `HMAC-SHA256(key, "medchain/identity/prf/v1" || normalized identity)`.
pub fn identity_tag(key: &RegistrarPrfKey, raw_identity: &str) -> [u8; 32] {
	let mut mac =
		<Hmac<Sha256> as Mac>::new_from_slice(&key.0).expect("HMAC accepts any key length");
	mac.update(b"medchain/identity/prf/v1");
	mac.update(normalize_identity(raw_identity).as_bytes());
	mac.finalize().into_bytes().into()
}

/// Constant-time comparison of two dedup tags.
pub fn tags_equal(a: &[u8; 32], b: &[u8; 32]) -> bool {
	a[..].ct_eq(&b[..]).into()
}

fn context(account: &[u8; 32]) -> Vec<u8> {
	let mut c = b"medchain/identity/escrow/v1".to_vec();
	c.extend_from_slice(account);
	c
}

/// Commitment to an escrow.
pub fn commit(escrow: &SealedKey, blinding: &[u8; 32]) -> EscrowCommitment {
	let mut h = Sha256::new();
	h.update(b"medchain/identity/commit/v1");
	h.update(blinding);
	h.update(escrow.encode());
	h.finalize().into()
}

/// Checks a commitment opening (constant time).
pub fn verify_commitment(c: &EscrowCommitment, escrow: &SealedKey, blinding: &[u8; 32]) -> bool {
	commit(escrow, blinding)[..].ct_eq(&c[..]).into()
}

/// Escrows a real identity for `account`: returns the escrow, its commitment and the blinding.
pub fn create_escrow<R: RngCore + CryptoRng>(
	raw_identity: &str,
	account: &[u8; 32],
	registrar_x25519: &[u8; 32],
	signer: &SigningKey,
	rng: &mut R,
) -> Result<(SealedKey, EscrowCommitment, [u8; 32])> {
	let id = Zeroizing::new(normalize_identity(raw_identity));
	let escrow = seal(id.as_bytes(), registrar_x25519, signer, &context(account), rng)?;
	let mut blinding = [0u8; 32];
	rng.fill_bytes(&mut blinding);
	Ok((escrow.clone(), commit(&escrow, &blinding), blinding))
}

/// Reveals the identity behind `account` (registrar only): checks the commitment, the escrow
/// signature and the account binding.
pub fn open_escrow(
	escrow: &SealedKey,
	commitment: &EscrowCommitment,
	blinding: &[u8; 32],
	account: &[u8; 32],
	registrar_secret: &StaticSecret,
	signer_public: &[u8; 32],
) -> Result<Zeroizing<String>> {
	if !verify_commitment(commitment, escrow, blinding) {
		return Err(Error::CommitmentMismatch);
	}
	let pt = open(escrow, registrar_secret, signer_public, &context(account))?;
	String::from_utf8(pt.to_vec()).map(Zeroizing::new).map_err(|_| Error::Malformed)
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand_core::SeedableRng;
	use x25519_dalek::PublicKey;

	#[test]
	fn dedup_escrow_commitment() {
		let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(4);
		let k = RegistrarPrfKey([1u8; 32]);
		let a = identity_tag(&k, "11010519900307123x");
		assert!(tags_equal(&a, &identity_tag(&k, " 110105-19900307-123X ")));
		assert!(!tags_equal(&a, &identity_tag(&k, "110105199003071234")));
		assert_ne!(a, identity_tag(&RegistrarPrfKey([2u8; 32]), "11010519900307123X"));

		let signer = SigningKey::generate(&mut r);
		let reg = StaticSecret::random_from_rng(&mut r);
		let reg_pub = PublicKey::from(&reg).to_bytes();
		let account = [7u8; 32];
		let (esc, c, bl) =
			create_escrow("11010519900307123X", &account, &reg_pub, &signer, &mut r).unwrap();
		let sp = signer.verifying_key().to_bytes();
		assert_eq!(
			&**open_escrow(&esc, &c, &bl, &account, &reg, &sp).unwrap(),
			"11010519900307123X"
		);
		// Another account, a wrong blinding, a non-registrar key: all fail.
		assert!(open_escrow(&esc, &c, &bl, &[8u8; 32], &reg, &sp).is_err());
		assert_eq!(
			open_escrow(&esc, &c, &[0u8; 32], &account, &reg, &sp).map(|_| ()),
			Err(Error::CommitmentMismatch)
		);
		let other = StaticSecret::random_from_rng(&mut r);
		assert!(open_escrow(&esc, &c, &bl, &account, &other, &sp).is_err());
		// Commitments of two escrows of the same identity differ (hiding, unlinkable).
		let (_, c2, _) =
			create_escrow("11010519900307123X", &account, &reg_pub, &signer, &mut r).unwrap();
		assert_ne!(c, c2);
	}
}
