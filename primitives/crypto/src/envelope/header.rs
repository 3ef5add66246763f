//! The versioned envelope header and key schedule.

use crate::{Error, Result};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Magic bytes at the start of every envelope.
pub const MAGIC: [u8; 5] = *b"MCENV";
/// Current format version.
pub const VERSION: u8 = 1;
/// Encoded header length.
pub const HEADER_LEN: usize = 96;
/// Smallest accepted segment size.
pub const MIN_SEGMENT: u32 = 1024;
/// Largest accepted segment size (bounds the memory a decryptor allocates).
pub const MAX_SEGMENT: u32 = 16 << 20;
/// Frame header before each segment body: index (u32 BE), final flag (u8), body length (u32 LE).
pub const FRAME_LEN: usize = 9;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;

/// Which layer an envelope is (authenticated in the header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Layer {
	/// The record's data key (the key that CP-ABE wraps).
	Outer = 0,
	/// The inner layer, keyed from the patient's card secret.
	Inner = 1,
}

/// Record id and version bound into every envelope (authenticated data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RecordBinding {
	/// Record identifier (e.g. the hash the EMR chain entry names).
	pub record_id: [u8; 32],
	/// Record version (amendments are new versions).
	pub version: u32,
}

/// Parsed header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
	pub(crate) layer: Layer,
	pub(crate) segment_size: u32,
	pub(crate) binding: RecordBinding,
	pub(crate) salt: [u8; 32],
	pub(crate) key_check: [u8; 16],
}

impl Header {
	pub(crate) fn encode(&self) -> [u8; HEADER_LEN] {
		let mut b = [0u8; HEADER_LEN];
		b[0..5].copy_from_slice(&MAGIC);
		b[5] = VERSION;
		b[6] = self.layer as u8;
		b[7] = 0;
		b[8..12].copy_from_slice(&self.segment_size.to_le_bytes());
		b[12..44].copy_from_slice(&self.binding.record_id);
		b[44..48].copy_from_slice(&self.binding.version.to_le_bytes());
		b[48..80].copy_from_slice(&self.salt);
		b[80..96].copy_from_slice(&self.key_check);
		b
	}

	pub(crate) fn decode(b: &[u8; HEADER_LEN]) -> Result<Self> {
		if b[0..5] != MAGIC {
			return Err(Error::BadMagic);
		}
		if b[5] != VERSION {
			return Err(Error::UnsupportedVersion);
		}
		let layer = match b[6] {
			0 => Layer::Outer,
			1 => Layer::Inner,
			_ => return Err(Error::MalformedHeader),
		};
		if b[7] != 0 {
			return Err(Error::MalformedHeader);
		}
		let segment_size = u32::from_le_bytes([b[8], b[9], b[10], b[11]]);
		if !(MIN_SEGMENT..=MAX_SEGMENT).contains(&segment_size) {
			return Err(Error::MalformedHeader);
		}
		let mut record_id = [0u8; 32];
		record_id.copy_from_slice(&b[12..44]);
		let version = u32::from_le_bytes([b[44], b[45], b[46], b[47]]);
		let mut salt = [0u8; 32];
		salt.copy_from_slice(&b[48..80]);
		let mut key_check = [0u8; 16];
		key_check.copy_from_slice(&b[80..96]);
		Ok(Header {
			layer,
			segment_size,
			binding: RecordBinding { record_id, version },
			salt,
			key_check,
		})
	}
}

/// Derives the segment key and the key check value from the data key.
/// `segment key = HKDF(salt, dk, "…/seg" || record id || version)`; the key check value lets a
/// decryptor report a wrong key distinctly from tampering.
pub(crate) fn derive(
	data_key: &[u8; 32],
	salt: &[u8; 32],
	layer: Layer,
	binding: &RecordBinding,
) -> (Zeroizing<[u8; 32]>, [u8; 16]) {
	let v = binding.version.to_le_bytes();
	let l = [layer as u8];
	let seg = crate::util::hkdf32(
		salt,
		data_key,
		&[b"medchain/envelope/v1/segment-key", &l, &binding.record_id, &v],
	);
	let chk = crate::util::hkdf32(salt, data_key, &[b"medchain/envelope/v1/key-check", &l]);
	let mut key_check = [0u8; 16];
	key_check.copy_from_slice(&chk[..16]);
	(seg, key_check)
}

/// Constant-time key check comparison.
pub(crate) fn key_check_ok(a: &[u8; 16], b: &[u8; 16]) -> bool {
	a[..].ct_eq(&b[..]).into()
}

/// Per-segment nonce: 7 zero bytes (the key is unique per envelope thanks to the random salt)
/// || counter (u32 BE) || final flag.
pub(crate) fn nonce(index: u32, last: bool) -> [u8; 12] {
	let mut n = [0u8; 12];
	n[7..11].copy_from_slice(&index.to_be_bytes());
	n[11] = last as u8;
	n
}
