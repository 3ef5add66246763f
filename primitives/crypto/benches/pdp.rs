//! PDP: tagging throughput (rayon pool and one thread); for a 460-block challenge, the masked
//! proof (what providers answer with) against the unmasked version-1 proof it replaced, prove
//! and verify, in the same run; verification with the key decoded per call and beforehand;
//! hashing the 460 block names with arkworks as the baseline; and the provider's receipt check
//! (every tag of an upload, batched) for 1.4 MB and 35 MB files; and the audits' verification
//! (`pdp_audit`: light and full challenges through the host function's code path). The 1 GB
//! receipt check runs in the example `receipt_1gb` (it takes seconds per iteration, and its
//! file a minute to tag).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
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
	let prepared = PreparedPdpKey::new(&pk).unwrap();
	let proof = prove_prepared(&prepared, &params, &seed, &data, &tags, &mut rng).unwrap();
	assert!(verify(&pk, &params, &seed, &proof));
	let proof_v1 = v1::prove(&params, &seed, &data, &tags).unwrap();
	assert!(v1::verify(&pk, &params, &seed, &proof_v1));

	let mut g = c.benchmark_group("pdp");
	g.sample_size(10);
	g.throughput(Throughput::Bytes(len as u64));
	g.bench_function("tag_8MiB/parallel", |b| b.iter(|| sk.tag_file(&params, &data).unwrap()));
	let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
	g.bench_function("tag_8MiB/1thread", |b| {
		b.iter(|| one.install(|| sk.tag_file(&params, &data).unwrap()))
	});
	// Baseline in the same run: g1^{alpha e} by blst's generic multiplication (no comb).
	g.bench_function("baseline_tag_8MiB_without_comb/parallel", |b| {
		b.iter(|| sk.tag_file_without_comb(&params, &data).unwrap())
	});
	g.bench_function("baseline_tag_8MiB_without_comb/1thread", |b| {
		b.iter(|| one.install(|| sk.tag_file_without_comb(&params, &data).unwrap()))
	});
	g.finish();

	let mut g = c.benchmark_group("pdp_460");
	g.sample_size(20);
	g.bench_function("prove_masked(prepared key)", |b| {
		b.iter(|| prove_prepared(&prepared, &params, &seed, &data, &tags, &mut rng).unwrap())
	});
	g.bench_function("prove_unmasked_v1", |b| {
		b.iter(|| v1::prove(&params, &seed, &data, &tags).unwrap())
	});
	let ch = derive_challenge(&seed, &params);
	g.bench_function("verify_masked(prepared key)", |b| {
		b.iter(|| verify_prepared(&prepared, &params, &ch, &proof))
	});
	g.bench_function("verify_unmasked_v1(prepared key)", |b| {
		b.iter(|| v1::verify_prepared(&prepared, &params, &ch, &proof_v1))
	});
	g.bench_function("verify_masked(prepared key, 1 thread)", |b| {
		b.iter(|| one.install(|| verify_prepared(&prepared, &params, &ch, &proof)))
	});
	g.bench_function("verify_unmasked_v1(prepared key, 1 thread)", |b| {
		b.iter(|| one.install(|| v1::verify_prepared(&prepared, &params, &ch, &proof_v1)))
	});
	g.bench_function("verify_masked(key decoded in the call)", |b| {
		b.iter(|| verify(&pk, &params, &seed, &proof))
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

	// Audits: the host function `verify_pdp_sized` (SCALE in, key cached) for a light
	// challenge of 8 blocks and a full one of 460, under the largest key (256 sectors) and the
	// record service's (32 sectors): what the audit pallet's budget is spent on.
	let mut g = c.benchmark_group("pdp_audit");
	g.sample_size(20);
	for sectors in [DEFAULT_SECTORS, 32] {
		let sk = PdpSecretKey::generate(sectors, &mut rng).unwrap();
		let pk = sk.public_key();
		let params = file_params(b"record-0002", len as u64, sectors).unwrap();
		let tags = sk.tag_file(&params, &data).unwrap();
		let key = prepared_key(&pk).unwrap();
		let bsize = sectors as usize * 31;
		for challenged in [8u32, 460] {
			let ch = derive_challenge_sized(&seed, &params, challenged);
			let blocks: Vec<&[u8]> =
				ch.indices.iter().map(|i| block_of(&data, *i as usize, bsize)).collect();
			let t: Vec<[u8; 48]> = ch.indices.iter().map(|i| tags[*i as usize]).collect();
			let proof = prove_with_challenge(&key, &params, &ch, &blocks, &t, &mut rng).unwrap();
			let (pk_b, params_b, proof_b) = (
				codec::Encode::encode(&pk),
				codec::Encode::encode(&params),
				codec::Encode::encode(&proof),
			);
			assert!(verify_sized_encoded(&pk_b, &params_b, &seed, challenged, &proof_b));
			g.bench_function(
				BenchmarkId::new(
					"verify_pdp_sized",
					format!("{challenged} blocks, {sectors} sectors"),
				),
				|b| b.iter(|| verify_sized_encoded(&pk_b, &params_b, &seed, challenged, &proof_b)),
			);
		}
	}
	g.finish();

	let mut g = c.benchmark_group("pdp_receipt");
	g.sample_size(10);
	for (label, len) in [("1.4MB", 1_400_000usize), ("35MB", 35_000_000)] {
		let mut file = vec![0u8; len];
		rng.fill_bytes(&mut file);
		let name = file_name_for(&[0x33; 32], len as u64);
		let params = file_params(&name, len as u64, DEFAULT_SECTORS).unwrap();
		let tags = sk.tag_file(&params, &file).unwrap();
		assert!(verify_tags_prepared(&prepared, &params, &file, &tags, &mut rng));
		g.throughput(Throughput::Bytes(len as u64));
		g.bench_function(BenchmarkId::new("verify_tags/parallel", label), |b| {
			b.iter(|| verify_tags_prepared(&prepared, &params, &file, &tags, &mut rng))
		});
		g.bench_function(BenchmarkId::new("verify_tags/1thread", label), |b| {
			b.iter(|| {
				one.install(|| verify_tags_prepared(&prepared, &params, &file, &tags, &mut rng))
			})
		});
		// Baseline in the same run: tagging the same file (what the owner paid).
		g.bench_function(BenchmarkId::new("baseline_tag_file/parallel", label), |b| {
			b.iter(|| sk.tag_file(&params, &file).unwrap())
		});
	}
	g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
