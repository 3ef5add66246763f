//! Downloads sealed to the grant's delivery key.
//!
//! A provider serves a record only to the X25519 delivery key the chain's grant names
//! (`AccessApi::may_serve`): for each download it draws a fresh transport key, seals it to that
//! key with [`medchain_crypto::seal`] (HPKE-style, sender-signed) under a context naming the
//! signed download statement and the byte range, signs the sealed key with its account key
//! (sr25519) and streams the served bytes as a [`medchain_crypto::envelope`] under the
//! transport key. So a captured download is readable by the device holding the delivery key
//! only, a man in the middle cannot substitute bytes of its own (it cannot sign as the
//! provider), and a sealed range cannot be passed off as another range or another download.
//!
//! Headers: [`SEALED_KEY_HEADER`] (0x-hex SCALE [`SealedKey`]), [`SEAL_SIGNATURE_HEADER`]
//! (0x-hex sr25519 signature over [`seal_statement`]), [`RANGE_HEADER`] (`start-end/size`,
//! the served bytes of the stored ciphertext, end exclusive).

use codec::{Decode, Encode};
use medchain_crypto::{
	envelope::{self, DataKey, EncryptWriter, EnvelopeOptions, Layer, RecordBinding},
	seal::{self, SealedKey},
};
use medchain_runtime::AccountId;
use rand_core::{CryptoRng, RngCore};
use sp_core::{sr25519, Pair};
use x25519_dalek::StaticSecret;

use crate::{Error, Result};

/// The sealed transport key of a download (0x-hex of SCALE [`SealedKey`]).
pub const SEALED_KEY_HEADER: &str = "x-medchain-sealed-key";
/// The provider's sr25519 signature over [`seal_statement`] (0x-hex).
pub const SEAL_SIGNATURE_HEADER: &str = "x-medchain-seal-signature";
/// The stored bytes served: `start-end/size` (end exclusive).
pub const RANGE_HEADER: &str = "x-medchain-range";
/// The first bytes of a transport context and of the provider's seal statement.
pub const TRANSPORT_DOMAIN: [u8; 21] = *b"medchain/transport/v1";

/// Plaintext bytes per envelope segment of a sealed download.
pub const SEGMENT_SIZE: u32 = envelope::DEFAULT_SEGMENT_SIZE;

/// The envelope options a provider seals with: few segments held (memory per download is
/// `BATCH × SEGMENT_SIZE`), on the calling thread (many downloads share the cores).
pub fn sealing_options() -> EnvelopeOptions {
	EnvelopeOptions { segment_size: SEGMENT_SIZE, batch: 4, parallel: false }
}

/// What a sealed download is bound to: the download statement the grantee signed and the
/// range of stored bytes served.
pub fn context(download_statement: &[u8], start: u64, end: u64) -> Vec<u8> {
	(TRANSPORT_DOMAIN, download_statement, start, end).encode()
}

/// The envelope binding of a download under `context`.
pub fn binding(context: &[u8]) -> RecordBinding {
	RecordBinding { record_id: sp_io::hashing::blake2_256(context), version: 0 }
}

/// What the provider signs: the domain, the context and the sealed key (its ed25519 sender
/// among it, which the seal's own signature is checked against).
pub fn seal_statement(context: &[u8], sealed: &SealedKey) -> Vec<u8> {
	(TRANSPORT_DOMAIN, b"seal", context, sealed).encode()
}

/// The length of a sealed body carrying `served` bytes.
pub fn sealed_len(served: u64) -> u64 {
	envelope::ciphertext_len(served, SEGMENT_SIZE)
}

/// The provider's side of one sealed download: the headers' values and the transport key.
pub struct SealedTransport {
	/// SCALE [`SealedKey`].
	pub sealed_key: Vec<u8>,
	/// The provider's signature over [`seal_statement`].
	pub signature: [u8; 64],
	key: DataKey,
	binding: RecordBinding,
}

impl SealedTransport {
	/// An envelope writer for the served bytes, into `out`.
	pub fn writer<W: std::io::Write>(&self, out: W) -> Result<EncryptWriter<W>> {
		Ok(EncryptWriter::new(out, &self.key, &self.binding, Layer::Outer, &sealing_options())?)
	}
}

/// Seals a fresh transport key to `delivery_key` under `context`, as `provider` with the seal
/// sender `sender` (an ed25519 key the provider holds).
pub fn seal_for<R: RngCore + CryptoRng>(
	provider: &sr25519::Pair,
	sender: &ed25519_dalek::SigningKey,
	delivery_key: &[u8; 32],
	context: &[u8],
	rng: &mut R,
) -> Result<SealedTransport> {
	let mut key = [0u8; 32];
	rng.fill_bytes(&mut key);
	let sealed = seal::seal(&key, delivery_key, sender, context, rng)?;
	let signature = provider.sign(&seal_statement(context, &sealed)).0;
	Ok(SealedTransport {
		sealed_key: sealed.encode(),
		signature,
		key: DataKey::from_bytes(key),
		binding: binding(context),
	})
}

/// Opens a sealed download: the provider's signature over the sealed key and `context`, the
/// seal (to `device`, the delivery key's secret), then the envelope. Any change to the key,
/// the signature, the context or the body fails.
pub fn open(
	provider: &AccountId,
	device: &StaticSecret,
	context: &[u8],
	sealed_key: &[u8],
	signature: &[u8; 64],
	body: &[u8],
) -> Result<Vec<u8>> {
	let sealed = SealedKey::decode(&mut &sealed_key[..])
		.map_err(|e| Error::Decode(format!("sealed transport key: {e}")))?;
	let signer = sr25519::Public::from_raw(*provider.as_ref());
	let statement = seal_statement(context, &sealed);
	if !sr25519::Pair::verify(&sr25519::Signature::from_raw(*signature), &statement, &signer) {
		return Err(Error::Invalid("the sealed transport key is not the provider's"));
	}
	let key = seal::open(&sealed, device, &sealed.sender, context)?;
	let key: [u8; 32] = key[..]
		.try_into()
		.map_err(|_| Error::Invalid("the sealed transport key is not 32 bytes"))?;
	Ok(envelope::decrypt(&DataKey::from_bytes(key), &binding(context), body)?)
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

	struct Setup {
		provider: sr25519::Pair,
		sender: ed25519_dalek::SigningKey,
		device: StaticSecret,
		rng: ChaCha20Rng,
	}

	fn setup() -> Setup {
		let mut rng = ChaCha20Rng::seed_from_u64(7);
		Setup {
			provider: sr25519::Pair::from_string("//transport-provider", None).unwrap(),
			sender: ed25519_dalek::SigningKey::generate(&mut rng),
			device: StaticSecret::random_from_rng(&mut rng),
			rng,
		}
	}

	fn sealed_body(transport: &SealedTransport, data: &[u8]) -> Vec<u8> {
		let mut writer = transport.writer(Vec::new()).unwrap();
		std::io::Write::write_all(&mut writer, data).unwrap();
		writer.finish().unwrap()
	}

	#[test]
	fn a_sealed_download_opens_with_the_delivery_key_for_its_context_only() {
		let Setup { provider, sender, device, mut rng } = setup();
		let delivery = x25519_dalek::PublicKey::from(&device).to_bytes();
		let data: Vec<u8> = (0..300_000u32).map(|i| i as u8).collect();
		let ctx = context(b"statement", 0, data.len() as u64);
		let transport = seal_for(&provider, &sender, &delivery, &ctx, &mut rng).unwrap();
		let body = sealed_body(&transport, &data);
		assert_eq!(body.len() as u64, sealed_len(data.len() as u64));
		let account = AccountId::from(provider.public());
		let opened =
			open(&account, &device, &ctx, &transport.sealed_key, &transport.signature, &body);
		assert_eq!(opened.unwrap(), data);

		// Another range, another statement, another provider, another device: refused.
		let other_range = context(b"statement", 1, data.len() as u64);
		let other_statement = context(b"statemenu", 0, data.len() as u64);
		for ctx in [&other_range, &other_statement] {
			assert!(open(
				&account,
				&device,
				ctx,
				&transport.sealed_key,
				&transport.signature,
				&body
			)
			.is_err());
		}
		let stranger = AccountId::from([9; 32]);
		assert!(open(&stranger, &device, &ctx, &transport.sealed_key, &transport.signature, &body)
			.is_err());
		let other_device = StaticSecret::random_from_rng(&mut rng);
		assert!(open(
			&account,
			&other_device,
			&ctx,
			&transport.sealed_key,
			&transport.signature,
			&body
		)
		.is_err());
	}

	#[test]
	fn a_tampered_or_cut_sealed_body_or_a_substituted_key_is_refused() {
		let Setup { provider, sender, device, mut rng } = setup();
		let delivery = x25519_dalek::PublicKey::from(&device).to_bytes();
		let data = vec![0x42u8; 200_000];
		let ctx = context(b"statement", 0, data.len() as u64);
		let transport = seal_for(&provider, &sender, &delivery, &ctx, &mut rng).unwrap();
		let body = sealed_body(&transport, &data);
		let account = AccountId::from(provider.public());
		let opens = |key: &[u8], signature: &[u8; 64], body: &[u8]| {
			open(&account, &device, &ctx, key, signature, body).is_ok()
		};
		assert!(opens(&transport.sealed_key, &transport.signature, &body));
		let mut flipped = body.clone();
		flipped[body.len() / 2] ^= 1;
		assert!(!opens(&transport.sealed_key, &transport.signature, &flipped));
		assert!(!opens(&transport.sealed_key, &transport.signature, &body[..body.len() - 100]));
		// A key sealed by someone else to the same (public) delivery key, signed by them.
		let mitm = sr25519::Pair::from_string("//mitm", None).unwrap();
		let forged = seal_for(&mitm, &sender, &delivery, &ctx, &mut rng).unwrap();
		assert!(!opens(&forged.sealed_key, &forged.signature, &sealed_body(&forged, &data)));
		assert!(!opens(&forged.sealed_key, &transport.signature, &body));
	}
}
