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
	// The fixed-base comb gives exactly the tags of the generic scalar multiplication.
	assert_eq!(tags, sk.tag_file_without_comb(&params, &d).unwrap());
	let seed = [9u8; 32];
	let proof = prove(&pk, &params, &seed, &d, &tags, &mut r).unwrap();
	assert!(verify(&pk, &params, &seed, &proof));
	assert!(verify_encoded(&pk.encode(), &params.encode(), &seed, &proof.encode()));
	// Another seed, another challenge.
	assert!(!verify(&pk, &params, &[8u8; 32], &proof));
	// Modified data (one bit) is caught when the block is challenged (here every block is).
	let mut d2 = d.clone();
	d2[31 * 16 * 3 + 5] ^= 1;
	assert!(!verify(&pk, &params, &seed, &prove(&pk, &params, &seed, &d2, &tags, &mut r).unwrap()));
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
	// The commitment R: one bit of it, or R of another proof of the same challenge.
	let mut p5 = proof.clone();
	p5.r[300] ^= 1;
	assert!(!verify(&pk, &params, &seed, &p5));
	let other_proof = prove(&pk, &params, &seed, &d, &tags, &mut r).unwrap();
	assert!(verify(&pk, &params, &seed, &other_proof));
	assert_ne!(other_proof.mu, proof.mu, "fresh masks every proof");
	let mut p6 = proof.clone();
	p6.r = other_proof.r;
	assert!(!verify(&pk, &params, &seed, &p6));
	// A v1 (unmasked) proof of the same challenge is no masked proof, and the reverse.
	let old = v1::prove(&params, &seed, &d, &tags).unwrap();
	assert!(v1::verify(&pk, &params, &seed, &old));
	assert!(!v1::verify_encoded(&pk.encode(), &params.encode(), &seed, &proof.encode()));
	assert!(!verify_encoded(&pk.encode(), &params.encode(), &seed, &old.encode()));
	let spliced = PdpProof { mu: old.mu.clone(), sigma: old.sigma, r: proof.r };
	assert!(!verify(&pk, &params, &seed, &spliced));
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
	let mut proof = prove(&sk.public_key(), &params, &[1u8; 32], &d, &tags, &mut r).unwrap();
	assert!(verify(&sk.public_key(), &params, &[1u8; 32], &proof));
	proof.sigma = b;
	assert!(!verify(&sk.public_key(), &params, &[1u8; 32], &proof));
	let mut old = v1::prove(&params, &[1u8; 32], &d, &tags).unwrap();
	old.sigma = b;
	assert!(!v1::verify(&sk.public_key(), &params, &[1u8; 32], &old));
	// A key with one off-subgroup `u_j` is refused when prepared, even beyond the `s` used.
	let mut pk = sk.public_key();
	pk.u[3] = b;
	assert!(PreparedPdpKey::new(&pk).is_none());
	assert!(prepared_key(&pk).is_none());
	assert!(prepared::prepared_key_cached(&pk.encode()).is_none());
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
			let tags = sk.tag_file(&params, &d).unwrap();
			let proof = prove(&sk.public_key(), &params, &seed, &d, &tags, &mut r).unwrap();
			let old = v1::prove(&params, &seed, &d, &tags).unwrap();
			for (j, other) in keys.iter().enumerate() {
				let pk = other.public_key();
				let cached = verify_encoded(&pk.encode(), &params.encode(), &seed, &proof.encode());
				assert_eq!(cached, verify(&pk, &params, &seed, &proof), "round {round}");
				assert_eq!(cached, i == j);
				let cached =
					v1::verify_encoded(&pk.encode(), &params.encode(), &seed, &old.encode());
				assert_eq!(cached, v1::verify(&pk, &params, &seed, &old), "round {round}");
				assert_eq!(cached, i == j);
			}
		}
	}
	let pk = keys[0].public_key();
	let a = prepared_key(&pk).unwrap();
	let b = prepared::prepared_key_cached(&pk.encode()).unwrap();
	assert!(std::sync::Arc::ptr_eq(&a, &b), "the second lookup is a hit");
	assert_eq!(a.sectors(), 8);
	// Whatever is cached is the key whose bytes were looked up: after preparing every key, each
	// lookup returns that key's own points.
	for k in &keys {
		let pk = k.public_key();
		assert_eq!(prepared_key(&pk).unwrap().public_key(), pk);
		assert_eq!(prepared::prepared_key_cached(&pk.encode()).unwrap().public_key(), pk);
	}
	// Bytes that are not exactly one key's encoding prepare nothing (and cache nothing).
	let mut trailing = pk.encode();
	trailing.push(0);
	assert!(prepared::prepared_key_cached(&trailing).is_none());
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

/// A light audit's challenge of `c` blocks: `c` distinct blocks, proofs for it verify only at
/// that size, the full size is `derive_challenge`'s challenge, and sizes out of range fail.
#[test]
fn sized_challenges_verify_at_their_size_only() {
	let mut r = rng();
	let sk = PdpSecretKey::generate(4, &mut r).unwrap();
	let pk = sk.public_key();
	let d = data(4 * 31 * 600, 3);
	let params = file_params(b"sized", d.len() as u64, 4).unwrap();
	let tags = sk.tag_file(&params, &d).unwrap();
	let seed = [4u8; 32];
	assert_eq!(
		derive_challenge_sized(&seed, &params, MAX_CHALLENGE),
		derive_challenge(&seed, &params)
	);
	assert_eq!(derive_challenge_sized(&seed, &params, 10_000), derive_challenge(&seed, &params));
	let light = derive_challenge_sized(&seed, &params, 8);
	assert_eq!(light.indices.len(), 8);
	assert!(light.indices.windows(2).all(|w| w[0] < w[1]));
	let prove_for = |challenge: &Challenge, data: &[u8]| {
		let bsize = params.sectors as usize * 31;
		let blocks: Vec<&[u8]> =
			challenge.indices.iter().map(|i| block_of(data, *i as usize, bsize)).collect();
		let t: Vec<[u8; 48]> = challenge.indices.iter().map(|i| tags[*i as usize]).collect();
		let key = prepared_key(&pk).unwrap();
		prove_with_challenge(&key, &params, challenge, &blocks, &t, &mut rng()).unwrap().encode()
	};
	let proof = prove_for(&light, &d);
	let (pk_b, params_b) = (pk.encode(), params.encode());
	assert!(verify_sized_encoded(&pk_b, &params_b, &seed, 8, &proof));
	// Another size or seed is another challenge; sizes the chain never asks are refused.
	assert!(!verify_sized_encoded(&pk_b, &params_b, &seed, 9, &proof));
	assert!(!verify_sized_encoded(&pk_b, &params_b, &[5u8; 32], 8, &proof));
	assert!(!verify_sized_encoded(&pk_b, &params_b, &seed, 0, &proof));
	assert!(!verify_sized_encoded(&pk_b, &params_b, &seed, MAX_CHALLENGE + 1, &proof));
	// A challenged block that is gone (zeroed) fails the light audit.
	let mut lost = d.clone();
	let gone = light.indices[3] as usize * params.sectors as usize * 31;
	lost[gone..gone + 31].fill(0);
	assert!(!verify_sized_encoded(&pk_b, &params_b, &seed, 8, &prove_for(&light, &lost)));
	// The full size through the sized function is the full challenge.
	let full = prove_for(&derive_challenge(&seed, &params), &d);
	assert!(verify_sized_encoded(&pk_b, &params_b, &seed, MAX_CHALLENGE, &full));
	assert!(verify_encoded(&pk_b, &params_b, &seed, &full));
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
	let key = PreparedPdpKey::new(&pk).unwrap();
	let cheat = prove_with_challenge(&key, &params, &ch, &blocks, &t0, &mut r).unwrap();
	assert!(!verify_with_challenge(&pk, &params, &ch, &cheat));
	let cheat = v1::prove_with_challenge(&params, &ch, &blocks, &t0).unwrap();
	assert!(!v1::verify_with_challenge(&pk, &params, &ch, &cheat));
	// (b) Combine tags of blocks 1 and 2 and present them as block 7 (or as block 1).
	let mix = Challenge {
		indices: vec![1u32, 2].try_into().unwrap(),
		coefficients: vec![[2u8; 16], [3u8; 16]].try_into().unwrap(),
	};
	let mixed_blocks = [block_of(&d, 1, bs), block_of(&d, 2, bs)];
	let combined =
		prove_with_challenge(&key, &params, &mix, &mixed_blocks, &[tags[1], tags[2]], &mut r)
			.unwrap();
	assert!(verify_with_challenge(&pk, &params, &mix, &combined), "honest aggregate verifies");
	let combined_v1 =
		v1::prove_with_challenge(&params, &mix, &mixed_blocks, &[tags[1], tags[2]]).unwrap();
	assert!(v1::verify_with_challenge(&pk, &params, &mix, &combined_v1));
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
		assert!(!v1::verify_with_challenge(&pk, &params, &single, &combined_v1));
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
		let pk = sk.public_key();
		let proof = prove(&pk, &params, &seed, &d, &tags, &mut r).unwrap();
		prop_assert!(verify(&pk, &params, &seed, &proof));
		prop_assert!(verify_tags(&pk, &params, &d, &tags, &mut r));
	}
}

/// Solves `A X = B` over the scalar field (Gauss–Jordan; `A` square). `None` if singular.
fn solve(mut a: Vec<Vec<ArkFr>>, mut b: Vec<Vec<ArkFr>>) -> Option<Vec<Vec<ArkFr>>> {
	use ark_ff::{Field, Zero};
	let n = a.len();
	for col in 0..n {
		let piv = (col..n).find(|r| !a[*r][col].is_zero())?;
		a.swap(col, piv);
		b.swap(col, piv);
		let inv = a[col][col].inverse()?;
		for x in a[col].iter_mut() {
			*x *= inv;
		}
		for x in b[col].iter_mut() {
			*x *= inv;
		}
		for row in 0..n {
			if row != col && !a[row][col].is_zero() {
				let f = a[row][col];
				let (ac, bc) = (a[col].clone(), b[col].clone());
				for (x, y) in a[row].iter_mut().zip(&ac) {
					*x -= f * y;
				}
				for (x, y) in b[row].iter_mut().zip(&bc) {
					*x -= f * y;
				}
			}
		}
	}
	Some(b)
}

fn fr_le(b: &[u8]) -> ArkFr {
	use ark_ff::PrimeField;
	ArkFr::from_le_bytes_mod_order(b)
}

/// Issue 11, finding 1: `n` unmasked proofs of an `n`-block file solve for every sector of it;
/// the same attack on masked proofs recovers nothing, and `2n` masked proofs are not even
/// consistent with any single "file" under the attack's model. With the masks set to zero
/// (the fault) the attack works again, so it is the mask that hides the data.
#[test]
fn masked_proofs_do_not_solve_for_the_data() {
	use ark_ff::{Field, Zero};
	let mut r = rng();
	let (n, s) = (6usize, 3u16);
	let sk = PdpSecretKey::generate(s, &mut r).unwrap();
	let pk = sk.public_key();
	let key = PreparedPdpKey::new(&pk).unwrap();
	let d = data(n * s as usize * 31, 11);
	let params = file_params(b"private", d.len() as u64, s).unwrap();
	assert_eq!(params.blocks as usize, n);
	let tags = sk.tag_file(&params, &d).unwrap();
	let bs = s as usize * 31;
	// The file as field elements: m[i][j].
	let m: Vec<Vec<ArkFr>> =
		(0..n).map(|i| block_of(&d, i, bs).chunks(31).map(fr_le).collect()).collect();
	let blocks: Vec<&[u8]> = (0..n).map(|i| block_of(&d, i, bs)).collect();

	// 2n challenges (every block is challenged, c = n <= 460, with public coefficients).
	let chs: Vec<Challenge> =
		(0..2 * n as u8).map(|k| derive_challenge(&[k; 32], &params)).collect();
	assert!(chs.iter().all(|c| c.indices.to_vec() == (0..n as u32).collect::<Vec<_>>()));
	let coeffs: Vec<Vec<ArkFr>> =
		chs.iter().map(|c| c.coefficients.iter().map(|x| fr_le(x)).collect()).collect();

	// (a) Unmasked (v1) proofs: the first n solve for the file exactly.
	let unmasked: Vec<Vec<ArkFr>> = chs
		.iter()
		.map(|c| {
			let p = v1::prove_with_challenge(&params, c, &blocks, &tags).unwrap();
			assert!(v1::verify_with_challenge(&pk, &params, c, &p));
			p.mu.iter().map(|x| fr_le(x)).collect()
		})
		.collect();
	let recovered = solve(coeffs[..n].to_vec(), unmasked[..n].to_vec()).unwrap();
	assert_eq!(recovered, m, "v1 proofs hand out the file");

	// The attacker's view of a masked proof: mu'_j / gamma = mu_j + r_j / gamma.
	let attack_view = |p: &PdpProof, c: &Challenge| -> Vec<ArkFr> {
		let g_inv = fr_le(&proof::proof_gamma(p, &params, c)).inverse().unwrap();
		p.mu.iter().map(|x| fr_le(x) * g_inv).collect()
	};

	// (b) The fault: masks of zero. The masked proofs verify and the attack recovers the file.
	let zero = vec![[0u8; 32]; s as usize];
	let unmasked_again: Vec<Vec<ArkFr>> = chs[..n]
		.iter()
		.map(|c| {
			let p = proof::prove_with_masks(&key, &params, c, &blocks, &tags, &zero).unwrap();
			assert!(verify_with_challenge(&pk, &params, c, &p));
			attack_view(&p, c)
		})
		.collect();
	assert_eq!(solve(coeffs[..n].to_vec(), unmasked_again).unwrap(), m, "zero masks hide nothing");

	// (c) Real masks: the proofs verify, the solution is wrong in every sector of every block,
	// and the other n proofs contradict it (each adds s fresh unknowns r_j, so for every
	// candidate file there are masks explaining all 2n proofs: the system never closes).
	let masked: Vec<Vec<ArkFr>> = chs
		.iter()
		.map(|c| {
			let p = prove_with_challenge(&key, &params, c, &blocks, &tags, &mut r).unwrap();
			assert!(verify_with_challenge(&pk, &params, c, &p));
			attack_view(&p, c)
		})
		.collect();
	let guess = solve(coeffs[..n].to_vec(), masked[..n].to_vec()).unwrap();
	for i in 0..n {
		for j in 0..s as usize {
			assert_ne!(guess[i][j], m[i][j], "block {i} sector {j} recovered");
		}
	}
	for k in n..2 * n {
		for j in 0..s as usize {
			let predicted: ArkFr =
				(0..n).map(|i| coeffs[k][i] * guess[i][j]).fold(ArkFr::zero(), |a, b| a + b);
			assert_ne!(predicted, masked[k][j], "proof {k} consistent with the guess");
		}
	}
	// Nor does differencing two masked proofs of one challenge cancel anything: the masks
	// differ, so the difference is not a multiple of the (unknown) mu.
	let p1 = prove_with_challenge(&key, &params, &chs[0], &blocks, &tags, &mut r).unwrap();
	let p2 = prove_with_challenge(&key, &params, &chs[0], &blocks, &tags, &mut r).unwrap();
	let (v1_, v2_) = (attack_view(&p1, &chs[0]), attack_view(&p2, &chs[0]));
	for j in 0..s as usize {
		assert_ne!(v1_[j], unmasked[0][j]);
		assert_ne!(v2_[j], unmasked[0][j]);
		assert_ne!(v1_[j], v2_[j]);
	}
}

#[test]
fn file_names_are_derived_from_the_ciphertext() {
	let h = [7u8; 32];
	let name = file_name_for(&h, 1_400_000);
	assert_eq!(name.len(), FILE_NAME_PREFIX.len() + 32 + 8);
	assert!(name.len() <= MAX_NAME as usize);
	assert_eq!(&name[..FILE_NAME_PREFIX.len()], FILE_NAME_PREFIX);
	assert_eq!(&name[FILE_NAME_PREFIX.len()..FILE_NAME_PREFIX.len() + 32], &h[..]);
	assert_eq!(&name[FILE_NAME_PREFIX.len() + 32..], &1_400_000u64.to_le_bytes()[..]);
	assert_ne!(file_name_for(&h, 1_400_001), name);
	assert_ne!(file_name_for(&[8u8; 32], 1_400_000), name);
	assert_eq!(file_name_for(&h, 1_400_000), name);

	// What the uniqueness prevents: two files of one owner under one name have interchangeable
	// tags, so a provider keeping file A answers A's challenges for file B.
	let mut r = rng();
	let sk = PdpSecretKey::generate(4, &mut r).unwrap();
	let pk = sk.public_key();
	let (a, b) = (data(2_000, 21), data(2_000, 22));
	let same = file_params(b"record-7", 2_000, 4).unwrap();
	let tags_a = sk.tag_file(&same, &a).unwrap();
	let seed = [3u8; 32];
	let proof = prove(&pk, &same, &seed, &a, &tags_a, &mut r).unwrap();
	assert!(verify(&pk, &same, &seed, &proof), "A's blocks answer for B under a shared name");
	// With derived names the files differ in name, and A's proof does not answer for B.
	let name_a = file_name_for(&[1u8; 32], 2_000);
	let name_b = file_name_for(&[2u8; 32], 2_000);
	let pa = file_params(&name_a, 2_000, 4).unwrap();
	let pb = file_params(&name_b, 2_000, 4).unwrap();
	let tags_a = sk.tag_file(&pa, &a).unwrap();
	assert!(sk.tag_file(&pb, &b).is_ok());
	let proof = prove(&pk, &pa, &seed, &a, &tags_a, &mut r).unwrap();
	assert!(verify(&pk, &pa, &seed, &proof));
	assert!(!verify(&pk, &pb, &seed, &proof));
}

#[test]
fn receipt_check_accepts_the_owners_tags_only() {
	let mut r = rng();
	let sk = PdpSecretKey::generate(8, &mut r).unwrap();
	let pk = sk.public_key();
	// More than one parallel chunk (256 blocks) and a short last block.
	let d = data(8 * 31 * 600 + 17, 31);
	let params = file_params(b"upload", d.len() as u64, 8).unwrap();
	assert_eq!(params.blocks, 601);
	let tags = sk.tag_file(&params, &d).unwrap();
	assert!(verify_tags(&pk, &params, &d, &tags, &mut r));
	// One wrong tag anywhere: another block's, the tag of changed data, another key's, garbage,
	// a point off the subgroup, the identity.
	let other = PdpSecretKey::generate(8, &mut r).unwrap();
	let other_tags = other.tag_file(&params, &d).unwrap();
	let mut changed = d.clone();
	changed[31 * 8 * 400 + 3] ^= 1;
	let changed_tag = sk.tag_file(&params, &changed).unwrap()[400];
	let mut identity = [0u8; 48];
	identity[0] = 0xc0;
	let off_subgroup = {
		let mut found = None;
		for x in 1u8..50 {
			let mut b = [0u8; 48];
			b[0] = 0x80;
			b[47] = x;
			let mut a = blst::blst_p1_affine::default();
			if unsafe { blst::blst_p1_uncompress(&mut a, b.as_ptr()) }
				== blst::BLST_ERROR::BLST_SUCCESS
				&& !unsafe { blst::blst_p1_affine_in_g1(&a) }
			{
				found = Some(b);
				break;
			}
		}
		found.unwrap()
	};
	for (at, bad) in [
		(0usize, tags[1]),
		(400, changed_tag),
		(600, other_tags[600]),
		(255, [0x11u8; 48]),
		(256, off_subgroup),
		(3, identity),
	] {
		let mut t = tags.clone();
		t[at] = bad;
		assert!(!verify_tags(&pk, &params, &d, &t, &mut r), "wrong tag at {at} accepted");
	}
	// Swapped tags, changed data under the right tags, another key, wrong shapes.
	let mut t = tags.clone();
	t.swap(10, 11);
	assert!(!verify_tags(&pk, &params, &d, &t, &mut r));
	assert!(!verify_tags(&pk, &params, &changed, &tags, &mut r));
	assert!(!verify_tags(&other.public_key(), &params, &d, &tags, &mut r));
	assert!(!verify_tags(&pk, &params, &d, &tags[..600], &mut r));
	assert!(!verify_tags(&pk, &params, &d[..d.len() - 30], &tags, &mut r));
	let mut p = params.clone();
	p.name = b"other".to_vec().try_into().unwrap();
	assert!(!verify_tags(&pk, &p, &d, &tags, &mut r));
	// The right tags still pass afterwards (nothing cached wrongly).
	assert!(verify_tags(&pk, &params, &d, &tags, &mut r));
}

/// The receipt check over `d` fed in pieces of `piece` blocks (the streamed upload's way).
fn check_in_pieces(
	pk: &PdpPublicKey,
	params: &PdpFileParams,
	d: &[u8],
	tags: &[[u8; 48]],
	piece: usize,
) -> bool {
	let key = prepared_key(pk).unwrap();
	let mut check = TagCheck::new(key, params.clone(), &mut rng()).unwrap();
	let bsize = check.block_size();
	for (i, t) in tags.chunks(piece).enumerate() {
		let start = (i * piece * bsize).min(d.len());
		let end = ((i * piece + t.len()) * bsize).min(d.len());
		check.absorb(&d[start..end], t);
	}
	check.finish()
}

#[test]
fn the_streamed_receipt_check_agrees_with_the_whole_file_check() {
	let mut r = rng();
	let sk = PdpSecretKey::generate(8, &mut r).unwrap();
	let pk = sk.public_key();
	let d = data(8 * 31 * 600 + 17, 32);
	let params = file_params(b"stream", d.len() as u64, 8).unwrap();
	let tags = sk.tag_file(&params, &d).unwrap();
	// Pieces smaller than, equal to and larger than a parallel chunk, and not dividing it.
	for piece in [1, 7, 256, 300, 601, 5000] {
		assert!(check_in_pieces(&pk, &params, &d, &tags, piece), "pieces of {piece} refused");
	}
	let mut swapped = tags.clone();
	swapped.swap(299, 300);
	assert!(!check_in_pieces(&pk, &params, &d, &swapped, 300), "tags swapped across pieces");
	let mut changed = d.clone();
	changed[8 * 31 * 450] ^= 1;
	assert!(!check_in_pieces(&pk, &params, &changed, &tags, 100));
	// Fewer blocks than the file has, or more.
	assert!(!check_in_pieces(&pk, &params, &d, &tags[..599], 100));
	let mut more = tags.clone();
	more.push(tags[0]);
	assert!(!check_in_pieces(&pk, &params, &d, &more, 100));
	// A short block before the end: the pieces no longer line up with the blocks.
	let key = prepared_key(&pk).unwrap();
	let mut check = TagCheck::new(key, params.clone(), &mut r).unwrap();
	let bsize = check.block_size();
	check.absorb(&d[..10 * bsize - 1], &tags[..10]);
	check.absorb(&d[10 * bsize - 1..], &tags[10..]);
	assert!(!check.finish());
}

/// Where the audit pallet's benchmark fixtures live (`pallets/audit/src/fixtures`).
fn audit_fixture_dir() -> std::path::PathBuf {
	std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../pallets/audit/src/fixtures")
}

/// The audit benchmarks' record: 460 blocks of 256 sectors (the largest key and the full
/// challenge, so the benchmark prices the worst verification), its public key and a proof for
/// the fixture seed. Proofs cannot be computed in wasm, so the runtime's benchmark helper
/// registers this key, appends an entry for this record and answers with this proof.
fn audit_fixture() -> (PdpPublicKey, [u8; 32], u64, PdpProof) {
	let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(0xa0d1);
	let sk = PdpSecretKey::generate(MAX_SECTORS as u16, &mut r).unwrap();
	let size = 460 * MAX_SECTORS as u64 * 31;
	let ciphertext_hash = [0xa7; 32];
	let params = expected_file_params(&ciphertext_hash, size, MAX_SECTORS as u16).unwrap();
	assert_eq!(params.blocks, MAX_CHALLENGE);
	let d = data(size as usize, 0xa0d2);
	let tags = sk.tag_file(&params, &d).unwrap();
	let proof = prove(&sk.public_key(), &params, &[0xa5; 32], &d, &tags, &mut r).unwrap();
	(sk.public_key(), ciphertext_hash, size, proof)
}

/// Regenerates the audit benchmark fixtures:
/// `cargo test -p medchain-crypto --release -- --ignored write_audit_fixtures`.
#[test]
#[ignore]
fn write_audit_fixtures() {
	let (pk, hash, size, proof) = audit_fixture();
	let dir = audit_fixture_dir();
	std::fs::create_dir_all(&dir).unwrap();
	std::fs::write(dir.join("pdp_key.scale"), pk.encode()).unwrap();
	std::fs::write(dir.join("record.scale"), (hash, size, MAX_SECTORS as u16).encode()).unwrap();
	std::fs::write(dir.join("proof.scale"), proof.encode()).unwrap();
}

/// The checked-in fixtures verify: the full challenge for the fixture seed, under the key.
#[test]
fn the_audit_fixtures_verify() {
	use codec::Decode;
	let dir = audit_fixture_dir();
	let pk = std::fs::read(dir.join("pdp_key.scale")).unwrap();
	let (hash, size, sectors) =
		<([u8; 32], u64, u16)>::decode(&mut &std::fs::read(dir.join("record.scale")).unwrap()[..])
			.unwrap();
	let params = expected_file_params(&hash, size, sectors).unwrap().encode();
	let proof = std::fs::read(dir.join("proof.scale")).unwrap();
	assert!(verify_sized_encoded(&pk, &params, &[0xa5; 32], MAX_CHALLENGE, &proof));
	assert!(!verify_sized_encoded(&pk, &params, &[0xa6; 32], MAX_CHALLENGE, &proof));
}
