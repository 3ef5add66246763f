//! Streaming encryption ([`EncryptWriter`]) and decryption ([`DecryptReader`]).
//!
//! Both hold at most one batch of segments in memory (`batch × segment_size`, 1 MiB by default),
//! whatever the record size. A batch is encrypted / decrypted on the rayon pool when
//! `parallel` is set (segments are independent in the STREAM construction).

use super::header::{self, Header, Layer, RecordBinding, FRAME_LEN, HEADER_LEN, TAG_LEN};
use super::{DataKey, EnvelopeOptions};
use crate::{Error, Result};
use rayon::prelude::*;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use std::io::{self, Read, Write};

/// A read frame: index, final flag, body offset in the buffer, body length, tag.
type Frame = (u32, bool, usize, usize, [u8; TAG_LEN]);

/// AES-256-GCM for segments, backed by ring (see Cargo.toml for why not RustCrypto here).
struct SegCipher(LessSafeKey);

type Tag = [u8; TAG_LEN];

impl SegCipher {
	fn seal(&self, nonce: [u8; 12], aad: &[u8], data: &mut [u8]) -> Tag {
		let mut out = [0u8; TAG_LEN];
		// Sealing a bounded in-memory buffer cannot fail for AES-GCM.
		if let Ok(t) = self.0.seal_in_place_separate_tag(
			Nonce::assume_unique_for_key(nonce),
			Aad::from(aad),
			data,
		) {
			out.copy_from_slice(t.as_ref());
		}
		out
	}

	fn open(&self, nonce: [u8; 12], aad: &[u8], data: &mut [u8], tag: &Tag) -> bool {
		self.0
			.open_in_place_separate_tag(
				Nonce::assume_unique_for_key(nonce),
				Aad::from(aad),
				ring::aead::Tag::from(*tag),
				data,
				0..,
			)
			.is_ok()
	}
}

fn cipher_for(key: &[u8; 32]) -> SegCipher {
	// A 32-byte key is always valid for AES-256-GCM.
	SegCipher(LessSafeKey::new(
		UnboundKey::new(&AES_256_GCM, key).unwrap_or_else(|_| unreachable!()),
	))
}

/// Encrypting `Write` adapter. Call [`EncryptWriter::finish`] to emit the final segment; a writer
/// dropped without `finish` leaves a stream that decrypts as [`Error::Truncated`].
pub struct EncryptWriter<W: Write> {
	inner: W,
	cipher: SegCipher,
	header: [u8; HEADER_LEN],
	seg: usize,
	batch: usize,
	parallel: bool,
	buf: Vec<u8>,
	next_index: u32,
}

impl<W: Write> EncryptWriter<W> {
	/// Starts an envelope: writes the header with a fresh random salt.
	pub fn new(
		mut inner: W,
		key: &DataKey,
		binding: &RecordBinding,
		layer: Layer,
		opts: &EnvelopeOptions,
	) -> Result<Self> {
		if !(header::MIN_SEGMENT..=header::MAX_SEGMENT).contains(&opts.segment_size)
			|| opts.batch == 0
		{
			return Err(Error::InvalidParameter);
		}
		let mut salt = [0u8; 32];
		rand_core::RngCore::fill_bytes(&mut crate::util::os_rng(), &mut salt);
		let (seg_key, key_check) = header::derive(key.as_bytes(), &salt, layer, binding);
		let hdr =
			Header { layer, segment_size: opts.segment_size, binding: *binding, salt, key_check };
		let header = hdr.encode();
		inner.write_all(&header).map_err(|_| Error::Io)?;
		let seg = opts.segment_size as usize;
		Ok(Self {
			inner,
			cipher: cipher_for(&seg_key),
			header,
			seg,
			batch: opts.batch,
			parallel: opts.parallel,
			buf: Vec::with_capacity(seg * opts.batch + 1),
			next_index: 0,
		})
	}

	/// Encrypts and writes `self.buf[..len]` as consecutive segments; the last one is final
	/// iff `final_last`.
	fn emit(&mut self, len: usize, final_last: bool) -> io::Result<()> {
		let seg = self.seg;
		let n_segs = if len == 0 { 1 } else { len.div_ceil(seg) };
		let first = self.next_index;
		let last_idx =
			first.checked_add(n_segs as u32 - 1).ok_or_else(|| io::Error::from(Error::TooLarge))?;
		let cipher = &self.cipher;
		let aad = &self.header;
		let enc = |(k, chunk): (usize, &mut [u8])| -> Tag {
			let idx = first + k as u32;
			let nonce = header::nonce(idx, final_last && idx == last_idx);
			cipher.seal(nonce, aad, chunk)
		};
		let data = &mut self.buf[..len];
		let tags: Vec<Tag> = if len == 0 {
			let empty: &mut [u8] = &mut [];
			vec![enc((0, empty))]
		} else if self.parallel && n_segs > 1 {
			data.par_chunks_mut(seg).enumerate().map(enc).collect()
		} else {
			data.chunks_mut(seg).enumerate().map(enc).collect()
		};
		for (k, tag) in tags.iter().enumerate() {
			let idx = first + k as u32;
			let body =
				if len == 0 { &[][..] } else { &self.buf[k * seg..((k + 1) * seg).min(len)] };
			let mut frame = [0u8; FRAME_LEN];
			frame[0..4].copy_from_slice(&idx.to_be_bytes());
			frame[4] = (final_last && idx == last_idx) as u8;
			frame[5..9].copy_from_slice(&(body.len() as u32).to_le_bytes());
			self.inner.write_all(&frame)?;
			self.inner.write_all(body)?;
			self.inner.write_all(tag)?;
		}
		self.next_index = last_idx.saturating_add(1);
		Ok(())
	}

	/// Writes the final segment and returns the inner writer.
	pub fn finish(mut self) -> Result<W> {
		let len = self.buf.len();
		self.emit(len, true).map_err(io_to_error)?;
		self.buf.clear();
		self.inner.flush().map_err(|_| Error::Io)?;
		Ok(self.inner)
	}
}

impl<W: Write> Write for EncryptWriter<W> {
	fn write(&mut self, data: &[u8]) -> io::Result<usize> {
		let cap = self.seg * self.batch;
		let mut rest = data;
		while !rest.is_empty() {
			// Keep at least one byte beyond the emitted segments so that the final segment is
			// never empty unless the whole record is.
			let room = cap + 1 - self.buf.len();
			let take = room.min(rest.len());
			self.buf.extend_from_slice(&rest[..take]);
			rest = &rest[take..];
			if self.buf.len() > cap {
				self.emit(cap, false)?;
				self.buf.drain(..cap);
			}
		}
		Ok(data.len())
	}

	fn flush(&mut self) -> io::Result<()> {
		self.inner.flush()
	}
}

/// Decrypting `Read` adapter. Only authenticated plaintext is returned, but the stream as a whole
/// is complete only once `read` returned `Ok(0)` (truncation is detected at the end).
pub struct DecryptReader<R: Read> {
	inner: R,
	cipher: SegCipher,
	header: [u8; HEADER_LEN],
	seg: usize,
	batch: usize,
	parallel: bool,
	buf: Vec<u8>,
	pos: usize,
	next_index: u32,
	done: bool,
	failed: Option<Error>,
}

impl<R: Read> DecryptReader<R> {
	/// Reads and checks the header: magic, version, key check ([`Error::WrongKey`]), record binding
	/// ([`Error::WrongRecord`]).
	pub fn new(
		mut inner: R,
		key: &DataKey,
		expected: &RecordBinding,
		layer: Layer,
		opts: &EnvelopeOptions,
	) -> Result<Self> {
		let mut hb = [0u8; HEADER_LEN];
		read_exact_or(&mut inner, &mut hb, Error::Truncated)?;
		let hdr = Header::decode(&hb)?;
		let (seg_key, check) = header::derive(key.as_bytes(), &hdr.salt, layer, &hdr.binding);
		if !header::key_check_ok(&check, &hdr.key_check) || hdr.layer != layer {
			return Err(Error::WrongKey);
		}
		if hdr.binding != *expected {
			return Err(Error::WrongRecord);
		}
		let seg = hdr.segment_size as usize;
		let batch = opts.batch.max(1);
		Ok(Self {
			inner,
			cipher: cipher_for(&seg_key),
			header: hb,
			seg,
			batch,
			parallel: opts.parallel,
			buf: Vec::new(),
			pos: 0,
			next_index: 0,
			done: false,
			failed: None,
		})
	}

	/// Reads, authenticates and decrypts the next batch of segments into `self.buf`.
	fn fill(&mut self) -> Result<()> {
		self.buf.clear();
		self.pos = 0;
		let seg = self.seg;
		// (index, final, offset of body in buf, body len, tag)
		let mut frames: Vec<Frame> = Vec::new();
		while frames.len() < self.batch {
			let mut fh = [0u8; FRAME_LEN];
			read_exact_or(&mut self.inner, &mut fh, Error::Truncated)?;
			let index = u32::from_be_bytes([fh[0], fh[1], fh[2], fh[3]]);
			if index != self.next_index {
				return Err(Error::SegmentOutOfOrder { expected: self.next_index, found: index });
			}
			let last = match fh[4] {
				0 => false,
				1 => true,
				_ => return Err(Error::SegmentTampered { index }),
			};
			let len = u32::from_le_bytes([fh[5], fh[6], fh[7], fh[8]]) as usize;
			if len > seg || (!last && len != seg) {
				return Err(Error::SegmentTampered { index });
			}
			let off = self.buf.len();
			self.buf.resize(off + len, 0);
			read_exact_or(&mut self.inner, &mut self.buf[off..], Error::Truncated)?;
			let mut tag = [0u8; TAG_LEN];
			read_exact_or(&mut self.inner, &mut tag, Error::Truncated)?;
			frames.push((index, last, off, len, tag));
			self.next_index = match index.checked_add(1) {
				Some(n) => n,
				None if last => index,
				None => return Err(Error::TooLarge),
			};
			if last {
				self.done = true;
				break;
			}
		}
		let cipher = &self.cipher;
		let aad = &self.header;
		let dec = |(fr, chunk): (&Frame, &mut [u8])| -> Result<()> {
			let nonce = header::nonce(fr.0, fr.1);
			if cipher.open(nonce, aad, chunk, &fr.4) {
				Ok(())
			} else {
				Err(Error::SegmentTampered { index: fr.0 })
			}
		};
		// Split the buffer into one slice per frame (lengths from the frames, so a zero-length
		// final frame still gets its tag checked).
		let mut slices: Vec<&mut [u8]> = Vec::with_capacity(frames.len());
		let mut rest: &mut [u8] = &mut self.buf[..];
		for f in &frames {
			let (a, b) = core::mem::take(&mut rest).split_at_mut(f.3);
			slices.push(a);
			rest = b;
		}
		let results: Vec<Result<()>> = if self.parallel && frames.len() > 1 {
			frames.par_iter().zip(slices.into_par_iter()).map(dec).collect()
		} else {
			frames.iter().zip(slices).map(dec).collect()
		};
		if let Some(e) = results.into_iter().find_map(|r| r.err()) {
			self.buf.clear();
			return Err(e);
		}
		if self.done {
			let mut probe = [0u8; 1];
			loop {
				match self.inner.read(&mut probe) {
					Ok(0) => break,
					Ok(_) => {
						self.buf.clear();
						return Err(Error::TrailingData);
					},
					Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
					Err(_) => return Err(Error::Io),
				}
			}
		}
		Ok(())
	}

	/// Returns the inner reader.
	pub fn into_inner(self) -> R {
		self.inner
	}
}

impl<R: Read> Read for DecryptReader<R> {
	fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
		if let Some(e) = self.failed {
			return Err(e.into());
		}
		while self.pos == self.buf.len() {
			if self.done {
				return Ok(0);
			}
			if let Err(e) = self.fill() {
				self.failed = Some(e);
				return Err(e.into());
			}
		}
		let n = out.len().min(self.buf.len() - self.pos);
		out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
		self.pos += n;
		Ok(n)
	}
}

fn read_exact_or<R: Read>(r: &mut R, buf: &mut [u8], eof: Error) -> Result<()> {
	match r.read_exact(buf) {
		Ok(()) => Ok(()),
		Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(eof),
		Err(e) => Err(io_to_error(e)),
	}
}

/// Maps an I/O error back to the crate error it carries, if any.
pub(crate) fn io_to_error(e: io::Error) -> Error {
	match e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
		Some(err) => *err,
		None => Error::Io,
	}
}
