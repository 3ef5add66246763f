//! AES-256-GCM envelope: 1.4 MB and 35 MB, encrypt / decrypt, single and double layer, on the
//! rayon pool (2 cores here) and on one thread; raw one-shot AES-GCM as the baseline.

use aes_gcm::aead::{AeadInPlace, KeyInit};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use medchain_crypto::envelope::*;

fn bench(c: &mut Criterion) {
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
	}
	g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
