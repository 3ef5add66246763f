//! AES-256-GCM envelope: 1.4 MB and 35 MB, encrypt / decrypt, single and double layer, on the
//! rayon pool (2 cores here) and on one thread; raw one-shot AES-GCM as the baseline.
//!
//! The machine's ceiling, measured in the same run: a plain copy of the same buffer (memory
//! bandwidth: the envelope reads and writes every byte once), ring's one-shot AES-256-GCM over
//! the whole buffer (the cipher the envelope's segments use, without the format), and
//! `openssl speed -evp aes-256-gcm` on the same buffer size, run from here through the shell
//! before the criterion groups so it shares the machine's state (skipped with a note if
//! `openssl` is missing).

use aes_gcm::aead::{AeadInPlace, KeyInit};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use medchain_crypto::envelope::*;

/// Runs `openssl speed -evp aes-256-gcm` for 1.4 MB and 35 MB buffers and prints its table.
fn openssl_ceiling() {
	let out = std::process::Command::new("openssl")
		.args(["speed", "-evp", "aes-256-gcm", "-seconds", "3", "-bytes", "35000000"])
		.output();
	match out {
		Ok(o) if o.status.success() => {
			let text = String::from_utf8_lossy(&o.stdout);
			for line in text
				.lines()
				.filter(|l| l.to_ascii_lowercase().contains("aes-256-gcm") || l.starts_with("type"))
			{
				println!("openssl speed (35,000,000-byte buffers): {line}");
			}
			// The table is in thousands of bytes per second: 35 MB time = 35,000 / that.
			if let Some(kbs) = text
				.lines()
				.filter(|l| l.contains("aes-256-gcm") || l.contains("AES-256-GCM"))
				.filter_map(|l| l.split_whitespace().last())
				.filter_map(|v| v.trim_end_matches('k').parse::<f64>().ok())
				.next_back()
			{
				println!(
					"openssl: one 35 MB buffer in {:.1} ms",
					35_000_000.0 / (kbs * 1000.0) * 1000.0
				);
			}
		},
		_ => println!("openssl speed: not available, no OpenSSL ceiling in this run"),
	}
}

fn bench(c: &mut Criterion) {
	openssl_ceiling();
	let key = DataKey::generate();
	let card = CardSecret([5u8; 32]);
	let b = RecordBinding { record_id: [1u8; 32], version: 1 };
	let mut g = c.benchmark_group("envelope");
	g.sample_size(10);
	for (label, len) in [("1.4MB", 1_400_000usize), ("35MB", 35_000_000)] {
		let pt = vec![0xabu8; len];
		g.throughput(Throughput::Bytes(len as u64));
		for (mode, opts) in [
			("parallel", EnvelopeOptions::default()),
			("1thread", EnvelopeOptions::single_thread()),
		] {
			let ct = encrypt_with(&key, &b, &pt, &opts);
			let mut reused = Vec::new();
			g.bench_function(
				BenchmarkId::new(format!("encrypt_into_reused_buffer/{mode}"), label),
				|x| x.iter(|| encrypt_into(&key, &b, &pt, &opts, &mut reused).unwrap()),
			);
			g.bench_function(BenchmarkId::new(format!("encrypt/{mode}"), label), |x| {
				x.iter(|| encrypt_with(&key, &b, &pt, &opts))
			});
			g.bench_function(BenchmarkId::new(format!("decrypt/{mode}"), label), |x| {
				x.iter(|| decrypt_with(&key, &b, &ct, &opts).unwrap())
			});
			let dct = encrypt_double(&key, &card, &b, &pt, &opts).unwrap();
			g.bench_function(BenchmarkId::new(format!("encrypt_double/{mode}"), label), |x| {
				x.iter(|| encrypt_double(&key, &card, &b, &pt, &opts).unwrap())
			});
			g.bench_function(BenchmarkId::new(format!("decrypt_double/{mode}"), label), |x| {
				x.iter(|| decrypt_double(&key, &card, &b, &dct, &opts).unwrap())
			});
		}
		// Baseline: one-shot AES-256-GCM over the whole buffer (no format, one thread).
		let cipher = aes_gcm::Aes256Gcm::new(key.as_bytes().into());
		let mut buf = pt.clone();
		g.bench_function(BenchmarkId::new("baseline_raw_aes_gcm_encrypt", label), |x| {
			x.iter(|| {
				cipher
					.encrypt_in_place_detached(
						aes_gcm::Nonce::from_slice(&[0u8; 12]),
						b"",
						&mut buf,
					)
					.unwrap()
			})
		});
		// Ceilings: a plain copy of the buffer and ring's one-shot AES-256-GCM.
		let mut dst = vec![0u8; len];
		g.bench_function(BenchmarkId::new("ceiling_memcpy", label), |x| {
			x.iter(|| {
				dst.copy_from_slice(&pt);
				criterion::black_box(&dst);
			})
		});
		// What every in-memory encryption also pays: a fresh output buffer (page faults, the
		// kernel zeroing it) filled by one copy.
		g.bench_function(BenchmarkId::new("ceiling_fresh_vec_copy", label), |x| {
			x.iter(|| {
				let mut out = Vec::with_capacity(len);
				out.extend_from_slice(&pt);
				out
			})
		});
		let ring_key = ring::aead::LessSafeKey::new(
			ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, key.as_bytes()).unwrap(),
		);
		let mut buf = pt.clone();
		g.bench_function(BenchmarkId::new("ceiling_ring_aes_gcm_one_shot", label), |x| {
			x.iter(|| {
				ring_key
					.seal_in_place_separate_tag(
						ring::aead::Nonce::assume_unique_for_key([0u8; 12]),
						ring::aead::Aad::empty(),
						&mut buf,
					)
					.unwrap()
			})
		});
	}
	g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
