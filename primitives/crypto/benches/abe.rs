//! CP-ABE (FAME) with S2's default policy: encapsulate / decapsulate / wrap; hash-to-G1 with
//! blst (used) vs arkworks (baseline).

use criterion::{criterion_group, criterion_main, Criterion};
use medchain_crypto::abe::fame::*;
use medchain_crypto::abe::*;
use medchain_crypto::hash_to_curve::*;
use rand_core::SeedableRng;

fn bench(c: &mut Criterion) {
	let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
	let (pk, msk) = setup(&mut rng);
	let policy = s2_default_policy(3, 12, 7).unwrap();
	let uk = keygen(&msk, &doctor_attributes(2, 13, 7, "5GrwvaEF", &[]), &mut rng).unwrap();
	let (ct, _) = encapsulate(&pk, &policy, &mut rng);
	let w = wrap_key(&pk, &policy, &[7u8; 32], b"rec", &mut rng);
	let mut g = c.benchmark_group("abe_s2_policy");
	g.sample_size(20);
	g.bench_function("encrypt(encapsulate)", |b| b.iter(|| encapsulate(&pk, &policy, &mut rng)));
	// The same shape as S2's policy with attributes never seen before, so that none of the 36
	// attribute hashes comes from the cache (as for the first record under a new policy).
	let mut fresh = 0u64;
	g.bench_function("encrypt(encapsulate, attribute hashes not cached)", |b| {
		b.iter_batched(
			|| {
				fresh += 1;
				Policy::parse(&format!(
					"epoch:{fresh}x and ((g{fresh}>=12 and t{fresh}>=3) or (g{fresh}>=13 and \
					 t{fresh}>=2) or emergency{fresh})"
				))
				.unwrap()
			},
			|p| encapsulate(&pk, &p, &mut rng),
			criterion::BatchSize::SmallInput,
		)
	});
	g.bench_function("baseline_encrypt_all_arkworks", |b| {
		b.iter(|| encapsulate_arkworks(&pk, &policy, &mut rng))
	});
	g.bench_function("decrypt(decapsulate)", |b| b.iter(|| decapsulate(&uk, &ct).unwrap()));
	g.bench_function("wrap_key", |b| {
		b.iter(|| wrap_key(&pk, &policy, &[7u8; 32], b"rec", &mut rng))
	});
	g.bench_function("unwrap_key", |b| b.iter(|| unwrap_key(&uk, &w, b"rec").unwrap()));
	g.bench_function("keygen(doctor, 17 attributes)", |b| {
		b.iter(|| keygen(&msk, &doctor_attributes(2, 13, 7, "5GrwvaEF", &[]), &mut rng).unwrap())
	});
	g.bench_function("policy_eval(no crypto)", |b| {
		let attrs = doctor_attributes(2, 13, 7, "5GrwvaEF", &[]);
		b.iter(|| policy.is_satisfied_by(&attrs))
	});
	g.finish();
	let mut g = c.benchmark_group("hash_to_g1");
	g.bench_function("blst(+to arkworks)", |b| b.iter(|| hash_to_g1(b"grade>=12", ABE_DST)));
	g.bench_function("baseline_arkworks_wb", |b| {
		b.iter(|| hash_to_g1_arkworks(b"grade>=12", ABE_DST))
	});
	g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
