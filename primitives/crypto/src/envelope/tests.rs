use super::*;
use crate::Error;
use proptest::prelude::*;

fn binding() -> RecordBinding {
	RecordBinding { record_id: [7u8; 32], version: 3 }
}

fn small_opts() -> EnvelopeOptions {
	EnvelopeOptions { segment_size: 1024, batch: 3, parallel: true }
}

/// Splits an envelope into header and frames (offset, len) for tampering tests.
fn frames(ct: &[u8]) -> Vec<(usize, usize)> {
	let mut out = Vec::new();
	let mut off = HEADER_LEN;
	while off < ct.len() {
		let len = u32::from_le_bytes(ct[off + 5..off + 9].try_into().unwrap()) as usize;
		let total = 9 + len + 16;
		out.push((off, total));
		off += total;
	}
	out
}

#[test]
fn round_trip_sizes() {
	let key = DataKey::generate();
	for len in [0usize, 1, 1023, 1024, 1025, 3 * 1024, 3 * 1024 + 1, 10_000] {
		let pt: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
		for opts in [small_opts(), EnvelopeOptions { parallel: false, ..small_opts() }] {
			let ct = encrypt_with(&key, &binding(), &pt, &opts);
			assert_eq!(ct.len() as u64, ciphertext_len(len as u64, 1024));
			assert_eq!(decrypt_with(&key, &binding(), &ct, &opts).unwrap(), pt);
		}
	}
}

#[test]
fn wrong_key_and_record() {
	let key = DataKey::generate();
	let ct = encrypt(&key, &binding(), b"hello");
	assert_eq!(decrypt(&DataKey::generate(), &binding(), &ct), Err(Error::WrongKey));
	let other = RecordBinding { record_id: [8u8; 32], version: 3 };
	assert_eq!(decrypt(&key, &other, &ct), Err(Error::WrongRecord));
	let newer = RecordBinding { version: 4, ..binding() };
	assert_eq!(decrypt(&key, &newer, &ct), Err(Error::WrongRecord));
}

#[test]
fn header_errors() {
	let key = DataKey::generate();
	let ct = encrypt(&key, &binding(), b"hello");
	let mut bad = ct.clone();
	bad[0] ^= 1;
	assert_eq!(decrypt(&key, &binding(), &bad), Err(Error::BadMagic));
	let mut bad = ct.clone();
	bad[5] = 9;
	assert_eq!(decrypt(&key, &binding(), &bad), Err(Error::UnsupportedVersion));
	let mut bad = ct.clone();
	bad[8..12].copy_from_slice(&1u32.to_le_bytes());
	assert_eq!(decrypt(&key, &binding(), &bad), Err(Error::MalformedHeader));
	assert_eq!(decrypt(&key, &binding(), &ct[..50]), Err(Error::Truncated));
	// Flipping the authenticated segment size (still in range) breaks every segment tag.
	let mut bad = ct.clone();
	bad[8..12].copy_from_slice(&2048u32.to_le_bytes());
	assert_eq!(decrypt(&key, &binding(), &bad), Err(Error::SegmentTampered { index: 0 }));
}

#[test]
fn truncation_reorder_flip_trailing() {
	let key = DataKey::generate();
	let pt = vec![0x42u8; 5 * 1024 + 100];
	let opts = small_opts();
	let ct = encrypt_with(&key, &binding(), &pt, &opts);
	let fr = frames(&ct);
	assert_eq!(fr.len(), 6);

	// Truncation at a segment boundary (final segment dropped).
	let cut = &ct[..fr[5].0];
	assert_eq!(decrypt_with(&key, &binding(), cut, &opts), Err(Error::Truncated));
	// Truncation inside a segment.
	assert_eq!(decrypt_with(&key, &binding(), &ct[..ct.len() - 3], &opts), Err(Error::Truncated));
	// Reordering two segments.
	let mut re = ct[..fr[1].0].to_vec();
	re.extend_from_slice(&ct[fr[2].0..fr[2].0 + fr[2].1]);
	re.extend_from_slice(&ct[fr[1].0..fr[1].0 + fr[1].1]);
	re.extend_from_slice(&ct[fr[3].0..]);
	assert_eq!(
		decrypt_with(&key, &binding(), &re, &opts),
		Err(Error::SegmentOutOfOrder { expected: 1, found: 2 })
	);
	// Bit flip in a body.
	let mut fl = ct.clone();
	fl[fr[3].0 + 20] ^= 0x01;
	assert_eq!(
		decrypt_with(&key, &binding(), &fl, &opts),
		Err(Error::SegmentTampered { index: 3 })
	);
	// Forged final flag on a middle segment (then the stream is cut there).
	let mut ff = ct[..fr[2].0 + fr[2].1].to_vec();
	ff[fr[2].0 + 4] = 1;
	ff[fr[2].0 + 5..fr[2].0 + 9].copy_from_slice(&1024u32.to_le_bytes());
	assert_eq!(
		decrypt_with(&key, &binding(), &ff, &opts),
		Err(Error::SegmentTampered { index: 2 })
	);
	// A forged empty final segment appended to a truncated stream.
	let mut fe = ct[..fr[5].0].to_vec();
	fe.extend_from_slice(&5u32.to_be_bytes());
	fe.push(1);
	fe.extend_from_slice(&0u32.to_le_bytes());
	fe.extend_from_slice(&[0u8; 16]);
	assert_eq!(
		decrypt_with(&key, &binding(), &fe, &opts),
		Err(Error::SegmentTampered { index: 5 })
	);
	// Trailing data after the final segment.
	let mut tr = ct.clone();
	tr.push(0);
	assert_eq!(decrypt_with(&key, &binding(), &tr, &opts), Err(Error::TrailingData));
	// Splicing a segment from another envelope of the same key and record.
	let ct2 = encrypt_with(&key, &binding(), &pt, &opts);
	let mut sp = ct.clone();
	let (o, l) = fr[1];
	sp[o..o + l].copy_from_slice(&ct2[o..o + l]);
	assert_eq!(
		decrypt_with(&key, &binding(), &sp, &opts),
		Err(Error::SegmentTampered { index: 1 })
	);
}

#[test]
fn double_layer() {
	let key = DataKey::generate();
	let card = CardSecret([9u8; 32]);
	let pt = vec![0x17u8; 70_000];
	let opts = EnvelopeOptions::default();
	let ct = encrypt_double(&key, &card, &binding(), &pt, &opts).unwrap();
	assert_eq!(decrypt_double(&key, &card, &binding(), &ct, &opts).unwrap(), pt);
	assert_eq!(
		decrypt_double(&key, &CardSecret([8u8; 32]), &binding(), &ct, &opts),
		Err(Error::WrongKey)
	);
	assert_eq!(
		decrypt_double(&DataKey::generate(), &card, &binding(), &ct, &opts),
		Err(Error::WrongKey)
	);
	// The outer layer alone yields the inner envelope, not the plaintext.
	let inner = decrypt(&key, &binding(), &ct).unwrap();
	assert_ne!(inner, pt);
	assert_eq!(&inner[..5], b"MCENV");
}

/// A 1 GiB record streams through encrypt and decrypt with bounded memory (pipe between two
/// threads; nothing holds more than a batch). The AEAD is monomorphized in this crate, which the
/// dev profile leaves unoptimized, so the full gigabyte runs under `cargo test --release`; the
/// dev profile streams 8 MiB through the same code.
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn one_gigabyte_streams() {
	stream_through_pipe(1 << 30);
}

#[test]
fn eight_megabytes_stream_through_pipe() {
	stream_through_pipe(8 << 20);
}

fn stream_through_pipe(len: u64) {
	use std::io::Read as _;
	let total: u64 = len;
	let key = DataKey::generate();
	let b = binding();
	let (reader, writer) = std::io::pipe().unwrap();
	let k2 = key.clone();
	let producer = std::thread::spawn(move || {
		let src = std::io::repeat(0x5a).take(total);
		encrypt_stream(&k2, &b, src, writer, &EnvelopeOptions::default())
	});
	struct Check(u64, Vec<u8>);
	impl std::io::Write for Check {
		fn write(&mut self, d: &[u8]) -> std::io::Result<usize> {
			let n = d.len().min(self.1.len());
			if d[..n] != self.1[..n] {
				return Err(std::io::Error::other("bad plaintext"));
			}
			self.0 += n as u64;
			Ok(n)
		}
		fn flush(&mut self) -> std::io::Result<()> {
			Ok(())
		}
	}
	let mut sink = Check(0, vec![0x5a; 1 << 16]);
	let n = decrypt_stream(&key, &b, reader, &mut sink, &EnvelopeOptions::default()).unwrap();
	assert_eq!(producer.join().unwrap().unwrap(), total);
	assert_eq!(n, total);
	assert_eq!(sink.0, total);
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(24))]
	#[test]
	fn prop_round_trip(data in proptest::collection::vec(any::<u8>(), 0..9000), seg in 1024u32..3000, batch in 1usize..4, flip in any::<prop::sample::Index>()) {
		let key = DataKey::generate();
		let opts = EnvelopeOptions { segment_size: seg, batch, parallel: batch > 1 };
		let ct = encrypt_with(&key, &binding(), &data, &opts);
		prop_assert_eq!(decrypt_with(&key, &binding(), &ct, &opts).unwrap(), data.clone());
		// Any single bit flip anywhere is detected.
		let mut bad = ct.clone();
		let i = flip.index(bad.len());
		bad[i] ^= 0x10;
		prop_assert!(decrypt_with(&key, &binding(), &bad, &opts).is_err());
	}
}

#[test]
fn encrypt_into_reuses_the_buffer_and_matches_the_format() {
	let key = DataKey::generate();
	let b = RecordBinding { record_id: [3u8; 32], version: 2 };
	let mut out = Vec::new();
	for len in [0usize, 1, 65_536, 200_001] {
		let pt: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
		encrypt_into(&key, &b, &pt, &EnvelopeOptions::single_thread(), &mut out).unwrap();
		assert_eq!(out.len() as u64, ciphertext_len(len as u64, DEFAULT_SEGMENT_SIZE));
		assert_eq!(decrypt(&key, &b, &out).unwrap(), pt);
	}
	// The previous (longer) ciphertext is gone, not appended to.
	encrypt_into(&key, &b, b"short", &EnvelopeOptions::default(), &mut out).unwrap();
	assert_eq!(decrypt(&key, &b, &out).unwrap(), b"short");
	let bad = EnvelopeOptions { segment_size: 1, ..EnvelopeOptions::default() };
	assert!(encrypt_into(&key, &b, b"x", &bad, &mut out).is_err());
}
