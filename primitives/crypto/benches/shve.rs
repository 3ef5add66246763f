//! SHVE fuzzy department query: S2-compatible mode (global key, 61 ID bits pre-aggregated) over
//! 4k–16k records on one thread and 1M records on the rayon pool, with 1/5/20/37 departments
//! wildcarded; the default per-patient mode; and the naive (no pre-aggregation) baseline.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use medchain_crypto::shve::*;
use rand_core::SeedableRng;

const SCOPE: TokenScope =
	TokenScope { request_id: 1, expires_at: 1, genesis_hash: [0; 32], query_commitment: [0; 32] };

fn id_bits(p: u32) -> Vec<bool> {
	let h = (p as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
	(0..S2_ID_BITS).map(|k| (h >> k) & 1 == 1).collect()
}

fn bench(c: &mut Criterion) {
	let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
	let ks = KeyService::new(
		ShveMasterKey::generate(&mut rng),
		ed25519_dalek::SigningKey::generate(&mut rng),
	);
	let wild = [1usize, 5, 20, 37];

	// S2-compatible mode.
	let schema = Schema::s2();
	let pk = ks.patient_key(&schema, &[0u8; 32]);
	let patients = 1000u32;
	let record = |i: u32| {
		pk.encrypt(&schema.record_vector(&id_bits(i % patients), (i as usize * 7) % 37).unwrap())
			.unwrap()
	};
	let max = 16_000u32;
	let cts: Vec<ShveCiphertext> = (0..max).map(record).collect();
	let token = |w: usize, rng: &mut rand_chacha::ChaCha20Rng| {
		let depts: Vec<usize> = (0..w).collect();
		let q = schema.department_query(&id_bits(3), &depts).unwrap();
		ks.issue_token(&schema, &[0u8; 32], &q, &SCOPE, rng).unwrap()
	};
	let mut g = c.benchmark_group("shve_s2_1thread");
	g.sample_size(20);
	for n in [4_000usize, 6_000, 10_000, 14_000, 16_000] {
		let mut idx = ShveIndex::new(schema.id, schema.len, pk.always_fixed_mask()).unwrap();
		for ct in &cts[..n] {
			idx.push(ct).unwrap();
		}
		for w in wild {
			let t = token(w, &mut rng);
			g.bench_function(BenchmarkId::new(format!("preaggregated/wild{w}"), n), |b| {
				b.iter(|| idx.query(&t.body).unwrap())
			});
		}
	}
	for w in [1usize, 37] {
		let t = token(w, &mut rng);
		g.bench_function(BenchmarkId::new(format!("baseline_naive/wild{w}"), 16_000), |b| {
			b.iter(|| query_naive(&t.body, &cts).unwrap())
		});
	}
	g.finish();

	// Default per-patient mode: 16k records of one patient.
	let dschema = Schema::departments(0).unwrap();
	let ppk = ks.patient_key(&dschema, &[1u8; 32]);
	let mut didx = ShveIndex::new(dschema.id, dschema.len, ppk.always_fixed_mask()).unwrap();
	for i in 0..16_000usize {
		didx.push(&ppk.encrypt(&dschema.record_vector(&[], (i * 7) % 37).unwrap()).unwrap())
			.unwrap();
	}
	let mut g = c.benchmark_group("shve_default_1thread");
	g.sample_size(20);
	for w in wild {
		let depts: Vec<usize> = (0..w).collect();
		let q = dschema.department_query(&[], &depts).unwrap();
		let t = ks.issue_token(&dschema, &[1u8; 32], &q, &SCOPE, &mut rng).unwrap();
		g.bench_function(BenchmarkId::new(format!("wild{w}"), 16_000), |b| {
			b.iter(|| didx.query(&t.body).unwrap())
		});
	}
	g.finish();
	drop(cts);

	// 1M records, S2 mode, both cores.
	let mut big = ShveIndex::new(schema.id, schema.len, pk.always_fixed_mask()).unwrap();
	big.reserve(1_000_000);
	for i in 0..1_000_000u32 {
		big.push(&record(i)).unwrap();
	}
	let mut g = c.benchmark_group("shve_s2_1M");
	g.sample_size(10);
	for w in wild {
		let t = token(w, &mut rng);
		g.bench_function(BenchmarkId::new(format!("par/wild{w}"), 1_000_000), |b| {
			b.iter(|| big.par_query(&t.body).unwrap())
		});
	}
	let t = token(37, &mut rng);
	g.bench_function(BenchmarkId::new("1thread/wild37", 1_000_000), |b| {
		b.iter(|| big.query(&t.body).unwrap())
	});
	g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
