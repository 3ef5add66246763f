//! Envelope encryption of records: AES-256-GCM in a segmented streaming format (STREAM, Hoang–
//! Reyhanitabar–Rogaway–Vizár), fresh data key per record.
//!
//! ```text
//! header (96 B) = "MCENV" | version=1 | layer | 0 | segment size (u32 LE) | record id (32)
//!                 | record version (u32 LE) | salt (32, random) | key check (16)
//! segment       = index (u32 BE) | final (u8) | body length (u32 LE) | ciphertext | tag (16)
//! ```
//! * segment key = HKDF-SHA256(salt, data key, "…/segment-key" | layer | record id | version);
//!   key check = HKDF(salt, data key, "…/key-check" | layer) lets a wrong key be reported as
//!   [`crate::Error::WrongKey`] rather than as tampering.
//! * nonce = 0^7 | index (u32 BE) | final flag; associated data = the whole header, so the
//!   record id, version, layer and segment size are authenticated by every segment.
//! * Errors: [`crate::Error::Truncated`] (stream ends before a final segment), [`crate::Error::SegmentOutOfOrder`]
//!   (reordered / duplicated segments), [`crate::Error::SegmentTampered`] (bit flips, forged final flag),
//!   [`crate::Error::TrailingData`], [`crate::Error::WrongKey`], [`crate::Error::WrongRecord`].
//! * Memory is bounded by one batch of segments (default 16 × 64 KiB) in each direction; a
//!   batch is processed on the rayon pool when [`EnvelopeOptions::parallel`] is set.
//!
//! Double encryption (S2): the plaintext is first encrypted under an inner key derived from the
//! patient's card secret ([`inner_key`]), then the result under the record's data key (the key
//! CP-ABE wraps). Opening needs both the ABE-authorized data key and the patient's card.
//!
//! Why hand-written: no maintained crate implements a versioned, record-bound STREAM format with
//! distinct truncation / reordering errors over `std::io`; the AEAD itself is `ring`'s AES-256-GCM
//! (its assembly runs about twice as fast as RustCrypto's `aes-gcm` on this machine, which misses
//! the 1.4 MB < 1.5 ms and 35 MB < 25 ms targets; the benchmark keeps RustCrypto as a baseline).

mod header;
mod stream;

pub use header::{Layer, RecordBinding, HEADER_LEN, MAX_SEGMENT, MIN_SEGMENT};
pub use stream::{DecryptReader, EncryptWriter};

use crate::Result;
use std::io::{Read, Write};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Default segment size (64 KiB).
pub const DEFAULT_SEGMENT_SIZE: u32 = 64 * 1024;

/// A record's data key (256 bits). Zeroized on drop, compared in constant time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
	/// Fresh random key from the OS.
	pub fn generate() -> Self {
		let mut k = [0u8; 32];
		rand_core::RngCore::fill_bytes(&mut crate::util::os_rng(), &mut k);
		Self(k)
	}
	/// Wraps existing key bytes.
	pub fn from_bytes(bytes: [u8; 32]) -> Self {
		Self(bytes)
	}
	/// Key bytes.
	pub fn as_bytes(&self) -> &[u8; 32] {
		&self.0
	}
}

impl PartialEq for DataKey {
	fn eq(&self, other: &Self) -> bool {
		self.0[..].ct_eq(&other.0[..]).into()
	}
}
impl Eq for DataKey {}

impl core::fmt::Debug for DataKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("DataKey(<redacted>)")
	}
}

/// The patient's card secret (second factor of the inner layer).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct CardSecret(pub [u8; 32]);

/// Inner-layer key for a record: HKDF(record id, card secret, "…/card" | version).
pub fn inner_key(card: &CardSecret, binding: &RecordBinding) -> DataKey {
	let v = binding.version.to_le_bytes();
	let k = crate::util::hkdf32(&binding.record_id, &card.0, &[b"medchain/envelope/v1/card", &v]);
	DataKey(*k)
}

/// Tuning of the streaming format.
#[derive(Clone, Debug)]
pub struct EnvelopeOptions {
	/// Plaintext bytes per segment (1 KiB ..= 16 MiB).
	pub segment_size: u32,
	/// Segments held and processed together.
	pub batch: usize,
	/// Process a batch on the rayon pool.
	pub parallel: bool,
}

impl Default for EnvelopeOptions {
	fn default() -> Self {
		Self { segment_size: DEFAULT_SEGMENT_SIZE, batch: 16, parallel: true }
	}
}

impl EnvelopeOptions {
	/// Same format, processed on the calling thread only.
	pub fn single_thread() -> Self {
		Self { parallel: false, ..Self::default() }
	}
}

/// Ciphertext size for a plaintext of `len` bytes.
pub fn ciphertext_len(len: u64, segment_size: u32) -> u64 {
	let seg = segment_size as u64;
	let n = if len == 0 { 1 } else { len.div_ceil(seg) };
	HEADER_LEN as u64 + n * (header::FRAME_LEN + header::TAG_LEN) as u64 + len
}

/// Encrypts everything from `input` to `output`; returns the plaintext length.
pub fn encrypt_stream<R: Read, W: Write>(
	key: &DataKey,
	binding: &RecordBinding,
	mut input: R,
	output: W,
	opts: &EnvelopeOptions,
) -> Result<u64> {
	let mut w = EncryptWriter::new(output, key, binding, Layer::Outer, opts)?;
	let n = std::io::copy(&mut input, &mut w).map_err(stream::io_to_error)?;
	w.finish()?;
	Ok(n)
}

/// Decrypts everything from `input` to `output`; returns the plaintext length. On error, the
/// output may hold a prefix of authenticated segments and must be discarded.
pub fn decrypt_stream<R: Read, W: Write>(
	key: &DataKey,
	binding: &RecordBinding,
	input: R,
	mut output: W,
	opts: &EnvelopeOptions,
) -> Result<u64> {
	let mut r = DecryptReader::new(input, key, binding, Layer::Outer, opts)?;
	std::io::copy(&mut r, &mut output).map_err(stream::io_to_error)
}

/// In-memory encryption.
pub fn encrypt(key: &DataKey, binding: &RecordBinding, plaintext: &[u8]) -> Vec<u8> {
	encrypt_with(key, binding, plaintext, &EnvelopeOptions::default())
}

/// In-memory encryption with explicit options (falls back to defaults for invalid options).
pub fn encrypt_with(
	key: &DataKey,
	binding: &RecordBinding,
	plaintext: &[u8],
	opts: &EnvelopeOptions,
) -> Vec<u8> {
	let cap = ciphertext_len(plaintext.len() as u64, opts.segment_size) as usize;
	let run = |o: &EnvelopeOptions| -> Result<Vec<u8>> {
		let mut w = EncryptWriter::new(Vec::with_capacity(cap), key, binding, Layer::Outer, o)?;
		w.write_all(plaintext).map_err(stream::io_to_error)?;
		w.finish()
	};
	// Writing into a Vec cannot fail; invalid options fall back to the defaults.
	run(opts).or_else(|_| run(&EnvelopeOptions::default())).unwrap_or_default()
}

/// [`encrypt_with`] into a caller's buffer, which is cleared first and whose capacity is reused.
/// Why: on this machine a fresh 35 MB output buffer costs more than encrypting into it (page
/// faults and the kernel zeroing the pages: 29 ms against 4 ms for a copy into warm memory, see
/// the envelope benchmark's `ceiling_*` rows), so a service encrypting many records keeps one
/// buffer. Errors only on invalid options.
pub fn encrypt_into(
	key: &DataKey,
	binding: &RecordBinding,
	plaintext: &[u8],
	opts: &EnvelopeOptions,
	out: &mut Vec<u8>,
) -> Result<()> {
	out.clear();
	out.reserve(ciphertext_len(plaintext.len() as u64, opts.segment_size) as usize);
	let mut w = EncryptWriter::new(&mut *out, key, binding, Layer::Outer, opts)?;
	w.write_all(plaintext).map_err(stream::io_to_error)?;
	w.finish()?;
	Ok(())
}

/// In-memory decryption.
pub fn decrypt(key: &DataKey, binding: &RecordBinding, ciphertext: &[u8]) -> Result<Vec<u8>> {
	decrypt_with(key, binding, ciphertext, &EnvelopeOptions::default())
}

/// In-memory decryption with explicit options.
pub fn decrypt_with(
	key: &DataKey,
	binding: &RecordBinding,
	ciphertext: &[u8],
	opts: &EnvelopeOptions,
) -> Result<Vec<u8>> {
	let mut r = DecryptReader::new(ciphertext, key, binding, Layer::Outer, opts)?;
	let mut out = Vec::with_capacity(ciphertext.len());
	r.read_to_end(&mut out).map_err(stream::io_to_error)?;
	Ok(out)
}

/// Double encryption: inner layer under the card-bound key, outer layer under the data key.
pub fn encrypt_double_stream<R: Read, W: Write>(
	outer: &DataKey,
	card: &CardSecret,
	binding: &RecordBinding,
	mut input: R,
	output: W,
	opts: &EnvelopeOptions,
) -> Result<u64> {
	let ik = inner_key(card, binding);
	let ow = EncryptWriter::new(output, outer, binding, Layer::Outer, opts)?;
	let mut iw = EncryptWriter::new(ow, &ik, binding, Layer::Inner, opts)?;
	let n = std::io::copy(&mut input, &mut iw).map_err(stream::io_to_error)?;
	iw.finish()?.finish()?;
	Ok(n)
}

/// Opens a double envelope (needs the data key and the card secret).
pub fn decrypt_double_stream<R: Read, W: Write>(
	outer: &DataKey,
	card: &CardSecret,
	binding: &RecordBinding,
	input: R,
	mut output: W,
	opts: &EnvelopeOptions,
) -> Result<u64> {
	let ik = inner_key(card, binding);
	let or = DecryptReader::new(input, outer, binding, Layer::Outer, opts)?;
	let mut ir = DecryptReader::new(or, &ik, binding, Layer::Inner, opts)?;
	std::io::copy(&mut ir, &mut output).map_err(stream::io_to_error)
}

/// In-memory double encryption.
pub fn encrypt_double(
	outer: &DataKey,
	card: &CardSecret,
	binding: &RecordBinding,
	plaintext: &[u8],
	opts: &EnvelopeOptions,
) -> Result<Vec<u8>> {
	let inner_len = ciphertext_len(plaintext.len() as u64, opts.segment_size);
	let mut out = Vec::with_capacity(ciphertext_len(inner_len, opts.segment_size) as usize);
	encrypt_double_stream(outer, card, binding, plaintext, &mut out, opts)?;
	Ok(out)
}

/// In-memory double decryption.
pub fn decrypt_double(
	outer: &DataKey,
	card: &CardSecret,
	binding: &RecordBinding,
	ciphertext: &[u8],
	opts: &EnvelopeOptions,
) -> Result<Vec<u8>> {
	let mut out = Vec::with_capacity(ciphertext.len());
	decrypt_double_stream(outer, card, binding, ciphertext, &mut out, opts)?;
	Ok(out)
}

#[cfg(test)]
mod tests;
