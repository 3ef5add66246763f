//! PDP: tagging throughput (rayon pool and one thread), proof generation and verification for a
//! 460-block challenge (with the key decoded per call and decoded beforehand); hashing the 460
//! block names with arkworks as the baseline.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use medchain_crypto::hash_to_curve::*;
use medchain_crypto::pdp::*;
use rand_core::{RngCore, SeedableRng};

fn bench(c: &mut Criterion) {
	let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
	let sk = PdpSecretKey::generate(DEFAULT_SECTORS, &mut rng).unwrap();
	let pk = sk.public_key();
	let len = 8 << 20;
	let mut data = vec![0u8; len];
	rng.fill_bytes(&mut data);
	let params = file_params(b"record-0001", len as u64, DEFAULT_SECTORS).unwrap();
	let tags = sk.tag_file(&params, &data).unwrap();
	let seed = [7u8; 32];
	let proof = prove(&params, &seed, &data, &tags).unwrap();
	assert!(verify(&pk, &params, &seed, &proof));

	let mut g = c.benchmark_group("pdp");
	g.sample_size(10);
	g.throughput(Throughput::Bytes(len as u64));
	g.bench_function("tag_8MiB/parallel", |b| b.iter(|| sk.tag_file(&params, &data).unwrap()));
	let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
	g.bench_function("tag_8MiB/1thread", |b| {
		b.iter(|| one.install(|| sk.tag_file(&params, &data).unwrap()))
	});
	g.finish();

	let mut g = c.benchmark_group("pdp_460");
	g.sample_size(20);
	g.bench_function("prove", |b| b.iter(|| prove(&params, &seed, &data, &tags).unwrap()));
	g.bench_function("verify", |b| b.iter(|| verify(&pk, &params, &seed, &proof)));
	let ch = derive_challenge(&seed, &params);
	let prepared = PreparedPdpKey::new(&pk).unwrap();
	g.bench_function("verify(prepared key)", |b| {
		b.iter(|| verify_prepared(&prepared, &params, &ch, &proof))
	});
	g.bench_function("verify(prepared key, 1 thread)", |b| {
		b.iter(|| one.install(|| verify_prepared(&prepared, &params, &ch, &proof)))
	});
	g.bench_function("prepare_key(256 sectors)", |b| b.iter(|| PreparedPdpKey::new(&pk)));
	g.bench_function("derive_challenge", |b| b.iter(|| derive_challenge(&seed, &params)));
	let msgs: Vec<Vec<u8>> = ch.indices.iter().map(|i| block_message(&params.name, *i)).collect();
	g.bench_function("hash_460_blst", |b| {
		b.iter(|| msgs.iter().map(|m| hash_to_g1_blst(m, PDP_DST)).collect::<Vec<_>>())
	});
	g.bench_function("baseline_hash_460_arkworks", |b| {
		b.iter(|| msgs.iter().map(|m| hash_to_g1_arkworks(m, PDP_DST)).collect::<Vec<_>>())
	});
	g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
