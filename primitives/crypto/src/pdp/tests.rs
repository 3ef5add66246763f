use super::s1_baseline::{honest_proof, S1};
use super::*;
use ark_bls12_381::Fr as ArkFr;
use ark_ff::UniformRand;
use codec::Encode;
use proptest::prelude::*;
use rand_core::{RngCore, SeedableRng};

fn rng() -> rand_chacha::ChaCha20Rng {
	rand_chacha::ChaCha20Rng::seed_from_u64(5)
}

fn data(len: usize, seed: u64) -> Vec<u8> {
	let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
	let mut d = vec![0u8; len];
	r.fill_bytes(&mut d);
	d
}

#[test]
fn round_trip_and_tampering() {
	let mut r = rng();
	let sk = PdpSecretKey::generate(16, &mut r).unwrap();
	let pk = sk.public_key();
	let d = data(16 * 31 * 40 + 100, 1);
	let params = file_params(b"record-1", d.len() as u64, 16).unwrap();
	assert_eq!(params.blocks, 41);
	let tags = sk.tag_file(&params, &d).unwrap();
	assert_eq!(tags[7], sk.tag_block(&params, 7, block_of(&d, 7, 16 * 31)).unwrap());
	let seed = [9u8; 32];
	let proof = prove(&params, &seed, &d, &tags).unwrap();
	assert!(verify(&pk, &params, &seed, &proof));
	assert!(verify_encoded(&pk.encode(), &params.encode(), &seed, &proof.encode()));
	// Another seed, another challenge.
	assert!(!verify(&pk, &params, &[8u8; 32], &proof));
	// Modified data (one bit) is caught when the block is challenged (here every block is).
	let mut d2 = d.clone();
	d2[31 * 16 * 3 + 5] ^= 1;
	assert!(!verify(&pk, &params, &seed, &prove(&params, &seed, &d2, &tags).unwrap()));
	// Tampered proof fields / params / key.
	let mut p2 = proof.clone();
	p2.mu[0][0] ^= 1;
	assert!(!verify(&pk, &params, &seed, &p2));
	let mut p3 = proof.clone();
	p3.sigma[10] ^= 1;
	assert!(!verify(&pk, &params, &seed, &p3));
	let mut p4 = proof.clone();
	p4.mu[0] = [0xff; 32];
	assert!(!verify(&pk, &params, &seed, &p4));
	let mut pa = params.clone();
	pa.name = b"record-2".to_vec().try_into().unwrap();
	assert!(!verify(&pk, &pa, &seed, &proof));
	let other = PdpSecretKey::generate(16, &mut r).unwrap().public_key();
	assert!(!verify(&other, &params, &seed, &proof));
	// Malformed encodings are false, not panics.
	assert!(!verify_encoded(&[1, 2, 3], &params.encode(), &seed, &proof.encode()));
	let mut bad_pk = pk.clone();
	bad_pk.v = [0u8; 96];
	assert!(!verify(&bad_pk, &params, &seed, &proof));
	let mut bad_pk = pk.clone();
	bad_pk.u[3] = [0xc0; 48];
	assert!(!verify(&bad_pk, &params, &seed, &proof));
	let mut bad_params = params.clone();
	bad_params.sectors = 17;
	assert!(!verify(&pk, &bad_params, &seed, &proof));
	bad_params.sectors = 0;
	assert!(!verify(&pk, &bad_params, &seed, &proof));
	// Secret key round trip.
	let sk2 = PdpSecretKey::from_bytes(&sk.to_bytes()).unwrap();
	assert_eq!(sk2.public_key(), pk);
	assert!(PdpSecretKey::from_bytes(&[0xffu8; 64]).is_err());
}

#[test]
fn points_off_subgroup_rejected() {
	// A point on the curve but outside G1 (x = 4 gives y^2 = 68, a square mod p? try a few x).
	let mut found = None;
	for x in 1u8..50 {
		let mut b = [0u8; 48];
		b[0] = 0x80;
		b[47] = x;
		let mut a = blst::blst_p1_affine::default();
		if unsafe { blst::blst_p1_uncompress(&mut a, b.as_ptr()) } == blst::BLST_ERROR::BLST_SUCCESS
			&& !unsafe { blst::blst_p1_affine_in_g1(&a) }
		{
			found = Some(b);
			break;
		}
	}
	let b = found.expect("a non-subgroup point");
	assert!(bls::p1_decompress(&b).is_none());
	let mut r = rng();
	let sk = PdpSecretKey::generate(4, &mut r).unwrap();
	let d = data(500, 2);
	let params = file_params(b"f", d.len() as u64, 4).unwrap();
	let tags = sk.tag_file(&params, &d).unwrap();
	let mut proof = prove(&params, &[1u8; 32], &d, &tags).unwrap();
	proof.sigma = b;
	assert!(!verify(&sk.public_key(), &params, &[1u8; 32], &proof));
	// A key with one off-subgroup `u_j` is refused when prepared, even beyond the `s` used.
	let mut pk = sk.public_key();
	pk.u[3] = b;
	assert!(PreparedPdpKey::new(&pk).is_none());
	assert!(prepared_key_cached(&pk.encode(), &pk).is_none());
}

#[test]
fn cached_keys_verify_like_fresh_ones() {
	let mut r = rng();
	let keys: Vec<PdpSecretKey> =
		(0..3).map(|_| PdpSecretKey::generate(8, &mut r).unwrap()).collect();
	let d = data(8 * 31 * 12, 3);
	let params = file_params(b"cached", d.len() as u64, 8).unwrap();
	let seed = [4u8; 32];
	// Interleaved, repeated verifications under three keys: every answer is the uncached one,
	// and each key's proof passes only under that key.
	for round in 0..3 {
		for (i, sk) in keys.iter().enumerate() {
			let proof = prove(&params, &seed, &d, &sk.tag_file(&params, &d).unwrap()).unwrap();
			for (j, other) in keys.iter().enumerate() {
				let pk = other.public_key();
				let cached = verify_encoded(&pk.encode(), &params.encode(), &seed, &proof.encode());
				assert_eq!(cached, verify(&pk, &params, &seed, &proof), "round {round}");
				assert_eq!(cached, i == j);
			}
		}
	}
	let pk = keys[0].public_key();
	let a = prepared_key_cached(&pk.encode(), &pk).unwrap();
	let b = prepared_key_cached(&pk.encode(), &pk).unwrap();
	assert!(std::sync::Arc::ptr_eq(&a, &b), "the second lookup is a hit");
	assert_eq!(a.sectors(), 8);
}

#[test]
fn challenge_is_deterministic_distinct_sorted() {
	let params = file_params(b"x", 31 * 256 * 10_000, 256).unwrap();
	let c1 = derive_challenge(&[3u8; 32], &params);
	let c2 = derive_challenge(&[3u8; 32], &params);
	assert_eq!(c1, c2);
	assert_eq!(c1.indices.len(), 460);
	assert!(c1.indices.windows(2).all(|w| w[0] < w[1]));
	assert!(c1.indices.iter().all(|i| *i < 10_000));
	assert_eq!(challenge_indices(&[3u8; 32], &params), c1.indices.to_vec());
	let small = file_params(b"x", 31 * 256 * 100, 256).unwrap();
	assert_eq!(derive_challenge(&[3u8; 32], &small).indices.to_vec(), (0..100).collect::<Vec<_>>());
}

/// S1's tag: keeping one block passes its audit, combining two tags forges one. Ours: neither.
#[test]
fn s1_attacks_succeed_and_ours_resist() {
	let mut r = rng();
	// --- S1 baseline ---
	let s1 = S1::new(&mut r);
	let m: Vec<ArkFr> = (0..50).map(|_| ArkFr::rand(&mut r)).collect();
	let tags: Vec<_> = m.iter().map(|x| s1.tag(*x)).collect();
	let chal: Vec<(usize, ArkFr)> =
		[3usize, 11, 27, 40].iter().map(|i| (*i, ArkFr::rand(&mut r))).collect();
	let (sigma, mu) = honest_proof(&chal, &m, &tags);
	assert!(s1.verify(&chal, sigma, mu));
	// (a) The server kept only block 0 and its tag.
	let nsum: ArkFr = chal.iter().map(|(_, n)| *n).sum();
	assert!(s1.verify(&chal, tags[0] * nsum, m[0] * nsum), "S1: one block answers any challenge");
	// (b) x·T_a + (1-x)·T_b is a valid tag of the new message x·m_a + (1-x)·m_b.
	let x = ArkFr::rand(&mut r);
	let one = ArkFr::from(1u64);
	let forged = tags[1] * x + tags[2] * (one - x);
	let m_new = m[1] * x + m[2] * (one - x);
	assert!(s1.verify(&[(7, one)], forged, m_new), "S1: combined tags forge a tag");

	// --- Ours ---
	let sk = PdpSecretKey::generate(8, &mut r).unwrap();
	let pk = sk.public_key();
	let d = data(8 * 31 * 50, 3);
	let params = file_params(b"rec", d.len() as u64, 8).unwrap();
	let tags = sk.tag_file(&params, &d).unwrap();
	let bs = 8 * 31;
	let ch = derive_challenge(&[4u8; 32], &params);
	// (a) Answer every challenged index with block 0 and tag 0.
	let blocks: Vec<&[u8]> = ch.indices.iter().map(|_| block_of(&d, 0, bs)).collect();
	let t0: Vec<[u8; 48]> = ch.indices.iter().map(|_| tags[0]).collect();
	let cheat = prove_with_challenge(&params, &ch, &blocks, &t0).unwrap();
	assert!(!verify_with_challenge(&pk, &params, &ch, &cheat));
	// (b) Combine tags of blocks 1 and 2 and present them as block 7 (or as block 1).
	let mix = Challenge {
		indices: vec![1u32, 2].try_into().unwrap(),
		coefficients: vec![[2u8; 16], [3u8; 16]].try_into().unwrap(),
	};
	let combined = prove_with_challenge(
		&params,
		&mix,
		&[block_of(&d, 1, bs), block_of(&d, 2, bs)],
		&[tags[1], tags[2]],
	)
	.unwrap();
	assert!(verify_with_challenge(&pk, &params, &mix, &combined), "honest aggregate verifies");
	for target in [7u32, 1] {
		let single = Challenge {
			indices: vec![target].try_into().unwrap(),
			coefficients: vec![{
				let mut c = [0u8; 16];
				c[0] = 1;
				c
			}]
			.try_into()
			.unwrap(),
		};
		assert!(!verify_with_challenge(&pk, &params, &single, &combined));
	}
}

/// Exact hypergeometric detection probability and a seeded Monte Carlo check of the sampler.
#[test]
fn detection_probability() {
	fn p_detect(n: u64, bad: u64, c: u64) -> f64 {
		// 1 - C(n-bad, c)/C(n, c) = 1 - Π_{k<c} (n-bad-k)/(n-k)
		let mut miss = 1.0f64;
		for k in 0..c.min(n) {
			if n - k <= bad {
				return 1.0;
			}
			miss *= (n - bad - k) as f64 / (n - k) as f64;
		}
		1.0 - miss
	}
	for n in [1_000u64, 10_000, 100_000, 1_000_000] {
		assert!(p_detect(n, n / 100, 460) >= 0.99, "n = {n}: {}", p_detect(n, n / 100, 460));
	}
	let n = 10_000u32;
	let p = p_detect(n as u64, 100, 460);
	// Corrupted set: 100 blocks chosen once from a separate seeded generator.
	let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(77);
	let bad: std::collections::HashSet<u32> = sample_indices(&mut r, n, 100).into_iter().collect();
	let params =
		PdpFileParams { name: b"detect".to_vec().try_into().unwrap(), blocks: n, sectors: 256 };
	let trials = 2_000u32;
	let mut detected = 0u32;
	for t in 0..trials {
		let mut seed = [0u8; 32];
		seed[..4].copy_from_slice(&t.to_le_bytes());
		if challenge_indices(&seed, &params).iter().any(|i| bad.contains(i)) {
			detected += 1;
		}
	}
	// Wilson score interval at 99.9% (z = 3.2905) around the observed rate must contain p.
	let z = 3.290_526_731_491_926f64;
	let nn = trials as f64;
	let ph = detected as f64 / nn;
	let centre = (ph + z * z / (2.0 * nn)) / (1.0 + z * z / nn);
	let half = z * (ph * (1.0 - ph) / nn + z * z / (4.0 * nn * nn)).sqrt() / (1.0 + z * z / nn);
	assert!(
		(centre - half..=centre + half).contains(&p),
		"exact {p:.5}, observed {ph:.5}, interval [{:.5}, {:.5}]",
		centre - half,
		centre + half
	);
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(8))]
	#[test]
	fn prop_round_trip_sizes(len in 0usize..20_000, sectors in 1u16..40, seed in any::<[u8; 32]>()) {
		let mut r = rand_chacha::ChaCha20Rng::from_seed(seed);
		let sk = PdpSecretKey::generate(sectors, &mut r).unwrap();
		let d = data(len, seed[0] as u64);
		let params = file_params(b"p", len as u64, sectors).unwrap();
		let tags = sk.tag_file(&params, &d).unwrap();
		let proof = prove(&params, &seed, &d, &tags).unwrap();
		prop_assert!(verify(&sk.public_key(), &params, &seed, &proof));
	}
}
