#![allow(clippy::needless_range_loop)]
use super::*;
use crate::Error;
use proptest::prelude::*;
use rand_core::SeedableRng;
use std::collections::{HashMap, HashSet};

fn rng() -> rand_chacha::ChaCha20Rng {
	rand_chacha::ChaCha20Rng::seed_from_u64(7)
}

fn service() -> KeyService {
	let mut r = rng();
	KeyService::new(ShveMasterKey::generate(&mut r), ed25519_dalek::SigningKey::generate(&mut r))
}

fn scope(request_id: u64, expires_at: u32) -> TokenScope {
	TokenScope { request_id, expires_at, genesis_hash: [0x6e; 32], query_commitment: [0x71; 32] }
}

fn plain_match(x: &[bool], v: &[Option<bool>]) -> bool {
	x.iter().zip(v).all(|(b, p)| p.is_none_or(|p| p == *b))
}

/// A valid 18-character ID for tests.
fn test_id(seq: u32) -> String {
	let first = format!("110105199003{:02}{:03}", 1 + seq % 28, seq % 1000);
	let first = &first[..17];
	format!("{first}{}", s2_id_check_char(first).unwrap())
}

#[test]
fn s2_id_helper() {
	let id = test_id(123);
	let bits = s2_id_bits(&id).unwrap();
	assert_eq!(bits.len(), 61);
	// Region 110105 in the first 20 bits.
	let region = bits[..20].iter().fold(0u32, |a, b| a * 2 + *b as u32);
	assert_eq!(region, 110105);
	let mut bad = id.clone().into_bytes();
	bad[17] = if bad[17] == b'0' { b'1' } else { b'0' };
	assert!(s2_id_bits(std::str::from_utf8(&bad).unwrap()).is_err());
	assert!(s2_id_bits("12345").is_err());
	assert_ne!(s2_id_bits(&test_id(124)).unwrap(), bits);
	// Check character X is accepted when it is the right one.
	let x_id = (0..1000).map(test_id).find(|s| s.ends_with('X')).unwrap();
	assert!(s2_id_bits(&x_id).is_ok());
}

#[test]
fn department_search_default_schema() {
	let ks = service();
	let schema = Schema::departments(0).unwrap();
	let patient = [1u8; 32];
	let pk = ks.patient_key(&schema, &patient);
	let cts: Vec<_> =
		(0..37).map(|d| pk.encrypt(&schema.record_vector(&[], d).unwrap()).unwrap()).collect();
	let mut r = rng();
	let q = schema.department_query(&[], &[3, 17, 36]).unwrap();
	let tok = ks.issue_token(&schema, &patient, &q, &scope(9, 100), &mut r).unwrap();
	assert!(verify_token_signature(&tok, &ks.public_key()));
	let hits = query_naive(&tok.body, &cts).unwrap();
	assert_eq!(hits, vec![3, 17, 36]);
	let mut idx = ShveIndex::new(schema.id, schema.len, pk.always_fixed_mask()).unwrap();
	for c in &cts {
		idx.push(c).unwrap();
	}
	assert_eq!(idx.query(&tok.body).unwrap(), hits);
	assert_eq!(idx.par_query(&tok.body).unwrap(), hits);

	// Another patient's ciphertexts never match this patient's token.
	let other = ks.patient_key(&schema, &[2u8; 32]);
	for d in 0..37 {
		let c = other.encrypt(&schema.record_vector(&[], d).unwrap()).unwrap();
		assert!(!matches(&tok.body, &c).unwrap());
	}
}

#[test]
fn s2_mode_index_and_naive_agree() {
	let ks = service();
	let schema = Schema::s2();
	let pk = ks.patient_key(&schema, &[0u8; 32]);
	let mut cts = Vec::new();
	let mut truth = Vec::new();
	for i in 0..200u32 {
		let idb = s2_id_bits(&test_id(i % 10)).unwrap();
		let d = (i as usize * 7) % 37;
		cts.push(pk.encrypt(&schema.record_vector(&idb, d).unwrap()).unwrap());
		truth.push((i % 10, d));
	}
	let mut idx = ShveIndex::new(schema.id, schema.len, pk.always_fixed_mask()).unwrap();
	for c in &cts {
		idx.push(c).unwrap();
	}
	let mut r = rng();
	for wanted in [vec![5usize], vec![0, 1, 2, 3, 4], (0..20).collect(), (0..37).collect()] {
		let q = schema.department_query(&s2_id_bits(&test_id(3)).unwrap(), &wanted).unwrap();
		let tok = ks.issue_token(&schema, &[0u8; 32], &q, &scope(1, 1), &mut r).unwrap();
		let expect: Vec<usize> = truth
			.iter()
			.enumerate()
			.filter(|(_, (p, d))| *p == 3 && wanted.contains(d))
			.map(|(i, _)| i)
			.collect();
		assert_eq!(query_naive(&tok.body, &cts).unwrap(), expect);
		assert_eq!(idx.query(&tok.body).unwrap(), expect);
		assert_eq!(idx.par_query(&tok.body).unwrap(), expect);
	}
	// A token leaving identity bits open cannot use the pre-aggregated index.
	let mut q = schema.department_query(&s2_id_bits(&test_id(3)).unwrap(), &[1]).unwrap();
	q[0] = None;
	let tok = ks.issue_token(&schema, &[0u8; 32], &q, &scope(1, 1), &mut r).unwrap();
	assert_eq!(idx.query(&tok.body), Err(Error::TokenNotCompatibleWithIndex));
}

#[test]
fn fulfilment_verification() {
	let ks = service();
	let schema = Schema::departments(2).unwrap();
	let patient = [5u8; 32];
	let pk = ks.patient_key(&schema, &patient);
	let cts: Vec<_> = (0..10)
		.map(|d| {
			let mut v = schema.record_vector(&[], d).unwrap();
			v[37] = d % 2 == 0;
			pk.encrypt(&v).unwrap()
		})
		.collect();
	let mut r = rng();
	let q = schema.department_query(&[], &[1, 2, 8]).unwrap();
	let tok = ks.issue_token(&schema, &patient, &q, &scope(42, 1000), &mut r).unwrap();
	let claims: Vec<_> =
		cts.iter().enumerate().map(|(i, c)| (c.clone(), [1, 2, 8].contains(&i))).collect();
	assert_eq!(verify_fulfilment(&tok, &ks.public_key(), &claims), Ok(()));
	// Encoded entry point.
	use codec::Encode;
	let enc_claims: FulfilmentClaims = claims.clone().try_into().unwrap();
	assert_eq!(
		verify_fulfilment_encoded(&tok.encode(), &ks.public_key(), &enc_claims.encode()),
		Ok(())
	);
	assert_eq!(
		verify_fulfilment_encoded(&[1, 2, 3], &ks.public_key(), &enc_claims.encode()),
		Err(Error::Malformed)
	);
	// A hidden match (claimed non-match) and an added non-match (claimed match) are caught.
	let mut bad = claims.clone();
	bad[2].1 = false;
	assert_eq!(
		verify_fulfilment(&tok, &ks.public_key(), &bad),
		Err(Error::ClaimMismatch { index: 2 })
	);
	let mut bad = claims.clone();
	bad[0].1 = true;
	assert_eq!(
		verify_fulfilment(&tok, &ks.public_key(), &bad),
		Err(Error::ClaimMismatch { index: 0 })
	);
	// Tampered token or wrong issuer.
	let mut t2 = tok.clone();
	t2.body.fixed ^= 1;
	assert_eq!(verify_fulfilment(&t2, &ks.public_key(), &claims), Err(Error::BadSignature));
	let mut t3 = tok.clone();
	t3.body.expires_at += 1;
	assert_eq!(verify_fulfilment(&t3, &ks.public_key(), &claims), Err(Error::BadSignature));
	assert_eq!(verify_fulfilment(&tok, &[0u8; 32], &claims), Err(Error::BadSignature));
	// Malformed ciphertext (wrong schema) is an error, not a panic.
	let mut c = claims.clone();
	c[0].0.schema = 99;
	assert_eq!(verify_fulfilment(&tok, &ks.public_key(), &c), Err(Error::SchemaMismatch));
	let mut c = claims.clone();
	c[0].0.slots = Default::default();
	assert_eq!(verify_fulfilment(&tok, &ks.public_key(), &c), Err(Error::SchemaMismatch));
}

/// Issue 11: every claimed ciphertext must have exactly the signed vector length. A ciphertext
/// with extra slots (beyond every fixed slot, so the match is unaffected) or one slot short of
/// the schema but still covering the fixed slots passes version 1 and fails version 2.
#[test]
fn fulfilment_checks_each_ciphertext_length() {
	let ks = service();
	let schema = Schema::departments(2).unwrap();
	let patient = [5u8; 32];
	let pk = ks.patient_key(&schema, &patient);
	let mut r = rng();
	let cts: Vec<_> =
		(0..4).map(|d| pk.encrypt(&schema.record_vector(&[], d).unwrap()).unwrap()).collect();
	// Department 0 or 1, record-type bits open: the mask does not cover every slot.
	let q = schema.department_query(&[], &[0, 1]).unwrap();
	let tok = ks.issue_token(&schema, &patient, &q, &scope(1, 10), &mut r).unwrap();
	assert_eq!(tok.body.vector_len, 39);
	let truth = [true, true, false, false];
	let claims: Vec<_> = cts.iter().cloned().zip(truth).collect();
	assert_eq!(verify_fulfilment(&tok, &ks.public_key(), &claims), Ok(()));
	// The same claims under a version-1 token of the same SHVE values.
	let signing = ed25519_dalek::SigningKey::generate(&mut r);
	let v1 = |b: &ShveTokenBody| {
		sign_token_v1(
			&signing,
			ShveTokenBodyV1 {
				patient: b.patient,
				schema: b.schema,
				fixed: b.fixed,
				d0: b.d0,
				d1: b.d1,
				request_id: b.request_id,
				expires_at: b.expires_at,
			},
		)
	};
	let tok_v1 = v1(&tok.body);
	let issuer_v1 = signing.verifying_key().to_bytes();
	assert_eq!(verify_fulfilment_v1(&tok_v1, &issuer_v1, &claims), Ok(()));
	let mut long = claims.clone();
	long[2].0.slots.try_push([0xaa; 16]).unwrap();
	let mut short = claims.clone();
	short[3].0.slots.pop();
	let last_slot_open = tok.body.fixed >> 38 & 1 == 0;
	// Version 1 (the pallet checked lengths) lets an over-long ciphertext through, and a short
	// one whenever its missing slot is not fixed; version 2 rejects both.
	assert_eq!(verify_fulfilment_v1(&tok_v1, &issuer_v1, &long), Ok(()));
	assert_eq!(
		verify_fulfilment_v1(&tok_v1, &issuer_v1, &short),
		if last_slot_open { Ok(()) } else { Err(Error::SchemaMismatch) }
	);
	assert_eq!(verify_fulfilment(&tok, &ks.public_key(), &long), Err(Error::SchemaMismatch));
	assert_eq!(verify_fulfilment(&tok, &ks.public_key(), &short), Err(Error::SchemaMismatch));
	// A signed token whose fixed mask exceeds its vector length is refused as a whole.
	let mut body = tok.body.clone();
	body.vector_len = 10;
	let bad_tok = sign_token(&ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]), body);
	let issuer = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]).verifying_key().to_bytes();
	assert_eq!(verify_fulfilment(&bad_tok, &issuer, &claims), Err(Error::SchemaMismatch));
}

/// Issue 11: the signature covers the genesis hash and the query commitment (a token for one
/// request on one chain), and the version-1 context does not verify a version-2 body.
#[test]
fn tokens_bind_chain_and_query_commitment() {
	use codec::Encode;
	let ks = service();
	let schema = Schema::departments(0).unwrap();
	let patient = [5u8; 32];
	let mut r = rng();
	let q = schema.department_query(&[], &[4]).unwrap();
	let sc = scope(3, 50);
	let tok = ks.issue_token(&schema, &patient, &q, &sc, &mut r).unwrap();
	assert_eq!(tok.body.genesis_hash, sc.genesis_hash);
	assert_eq!(tok.body.query_commitment, sc.query_commitment);
	assert_eq!((tok.body.request_id, tok.body.expires_at), (3, 50));
	assert!(verify_token_signature(&tok, &ks.public_key()));
	let mut t = tok.clone();
	t.body.genesis_hash[0] ^= 1;
	assert!(!verify_token_signature(&t, &ks.public_key()));
	let mut t = tok.clone();
	t.body.query_commitment[31] ^= 1;
	assert!(!verify_token_signature(&t, &ks.public_key()));
	let mut t = tok.clone();
	t.body.vector_len += 1;
	assert!(!verify_token_signature(&t, &ks.public_key()));
	assert_eq!(verify_fulfilment(&t, &ks.public_key(), &[]), Err(Error::BadSignature));
	// Version-2 bytes are not a version-1 token, and the reverse.
	assert_eq!(
		verify_fulfilment_encoded_v1(
			&tok.encode(),
			&ks.public_key(),
			&FulfilmentClaims::default().encode()
		),
		Err(Error::Malformed)
	);
	let signing = ed25519_dalek::SigningKey::generate(&mut r);
	let old = sign_token_v1(
		&signing,
		ShveTokenBodyV1 {
			patient,
			schema: 1,
			fixed: 0,
			d0: [0; 16],
			d1: [0; 16],
			request_id: 3,
			expires_at: 50,
		},
	);
	let issuer = signing.verifying_key().to_bytes();
	assert_eq!(
		verify_fulfilment_encoded_v1(&old.encode(), &issuer, &FulfilmentClaims::default().encode()),
		Ok(())
	);
	assert_eq!(
		verify_fulfilment_encoded(&old.encode(), &issuer, &FulfilmentClaims::default().encode()),
		Err(Error::Malformed)
	);
	// The two contexts differ, so a signature over one body encoding never serves the other.
	assert_ne!(TOKEN_SIGNING_CONTEXT, TOKEN_SIGNING_CONTEXT_V1);
}

/// Issue 11, leakage statement: a provider builds working token bodies from ciphertexts it
/// stores (no key needed); only the signature stops them.
#[test]
fn provider_built_token_bodies_work_and_only_the_signature_stops_them() {
	let ks = service();
	let schema = Schema::departments(0).unwrap();
	let patient = [6u8; 32];
	let pk = ks.patient_key(&schema, &patient);
	// Records in departments 2, 2, 9.
	let cts: Vec<_> = [2usize, 2, 9]
		.iter()
		.map(|d| pk.encrypt(&schema.record_vector(&[], *d).unwrap()).unwrap())
		.collect();
	let mut r = rng();
	// The provider fixes every slot to record 0's values: random K, d0 = K xor (xor of slots).
	let mut k = [0u8; 16];
	rand_core::RngCore::fill_bytes(&mut r, &mut k);
	let mut d0 = k;
	for slot in cts[0].slots.iter() {
		for i in 0..16 {
			d0[i] ^= slot[i];
		}
	}
	let forged = ShveTokenBody {
		patient,
		schema: schema.id,
		vector_len: schema.len as u8,
		fixed: (1u128 << schema.len) - 1,
		d0,
		d1: super::keys::aes_zero(&k),
		request_id: 1,
		expires_at: 1,
		genesis_hash: [0; 32],
		query_commitment: [0; 32],
	};
	// It works: it finds exactly the records equal to record 0 (same department).
	assert_eq!(query_naive(&forged, &cts).unwrap(), vec![0, 1]);
	// Only the signature stops it: unsigned, self-signed or with a copied signature.
	let attacker = ed25519_dalek::SigningKey::generate(&mut r);
	let claims: Vec<_> = cts.iter().cloned().zip([true, true, false]).collect();
	let self_signed = sign_token(&attacker, forged.clone());
	assert_eq!(
		verify_fulfilment(&self_signed, &ks.public_key(), &claims),
		Err(Error::BadSignature)
	);
	let q = schema.department_query(&[], &[2]).unwrap();
	let real = ks.issue_token(&schema, &patient, &q, &scope(1, 1), &mut r).unwrap();
	let copied = SignedToken { body: forged, signature: real.signature };
	assert_eq!(verify_fulfilment(&copied, &ks.public_key(), &claims), Err(Error::BadSignature));
	assert_eq!(verify_fulfilment(&real, &ks.public_key(), &claims), Ok(()));
}

/// Issue 11, leakage statement: the search pattern. Two tokens for the same query on the same
/// patient carry the same public mask (fresh `d0`, `d1`), so repeated searches are linkable;
/// another department set or another patient gives another mask.
#[test]
fn search_pattern_is_linkable_within_a_patient() {
	let ks = service();
	let schema = Schema::departments(0).unwrap();
	let mut r = rng();
	let q = schema.department_query(&[], &[1, 7]).unwrap();
	let a1 = ks.issue_token(&schema, &[1u8; 32], &q, &scope(1, 9), &mut r).unwrap();
	let a2 = ks.issue_token(&schema, &[1u8; 32], &q, &scope(2, 9), &mut r).unwrap();
	assert_eq!(a1.body.fixed, a2.body.fixed, "same query, same patient: linkable");
	assert_ne!((a1.body.d0, a1.body.d1), (a2.body.d0, a2.body.d1));
	let other_query = schema.department_query(&[], &[1, 8]).unwrap();
	let a3 = ks.issue_token(&schema, &[1u8; 32], &other_query, &scope(3, 9), &mut r).unwrap();
	assert_ne!(a1.body.fixed, a3.body.fixed);
	assert_eq!(a1.body.fixed.count_ones(), a3.body.fixed.count_ones(), "only the count is shared");
	let b = ks.issue_token(&schema, &[2u8; 32], &q, &scope(4, 9), &mut r).unwrap();
	assert_ne!(a1.body.fixed, b.body.fixed, "another patient's permutation");
}

/// S2's "randomized" variant, test-only: `c0_l = F(x_l||l) XOR K_l`, `c1_l = F(*||l) XOR K_l`.
mod s2_variant {
	use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};
	pub fn f(key: &[u8; 16], sym: u8, l: usize) -> [u8; 16] {
		let c = aes::Aes128::new(GenericArray::from_slice(key));
		let mut b = GenericArray::from([0u8; 16]);
		b[0] = sym;
		b[1] = l as u8;
		c.encrypt_block(&mut b);
		b.into()
	}
	pub fn encrypt(
		key: &[u8; 16],
		x: &[bool],
		rng: &mut impl rand_core::RngCore,
	) -> Vec<([u8; 16], [u8; 16])> {
		x.iter()
			.enumerate()
			.map(|(l, b)| {
				let mut k = [0u8; 16];
				rng.fill_bytes(&mut k);
				let mut c0 = f(key, *b as u8, l);
				let mut c1 = f(key, b'*', l);
				for i in 0..16 {
					c0[i] ^= k[i];
					c1[i] ^= k[i];
				}
				(c0, c1)
			})
			.collect()
	}
}

#[test]
fn s2_randomized_variant_leaks_and_ours_does_not() {
	let mut r = rng();
	let records: Vec<Vec<bool>> = (0..60)
		.map(|_| (0..37).map(|_| rand_core::RngCore::next_u32(&mut r) & 1 == 1).collect())
		.collect();

	// S2's variant: without any token, c0 XOR c1 per position takes exactly two values, which
	// split the records exactly by their bit.
	let key = [3u8; 16];
	let s2: Vec<_> = records.iter().map(|x| s2_variant::encrypt(&key, x, &mut r)).collect();
	for l in 0..37 {
		let mut groups: HashMap<[u8; 16], HashSet<bool>> = HashMap::new();
		for (x, ct) in records.iter().zip(&s2) {
			let mut d = ct[l].0;
			for i in 0..16 {
				d[i] ^= ct[l].1[i];
			}
			groups.entry(d).or_default().insert(x[l]);
		}
		assert!(groups.len() <= 2 && groups.values().all(|s| s.len() == 1), "leak at {l}");
	}

	// Ours (default schema, one patient per record as in a multi-patient store): no value and no
	// XOR of two slots repeats across records, so nothing groups records by a bit.
	let ks = service();
	let schema = Schema::departments(0).unwrap();
	let ours: Vec<_> = records
		.iter()
		.enumerate()
		.map(|(i, x)| ks.patient_key(&schema, &[i as u8; 32]).encrypt(x).unwrap())
		.collect();
	let mut seen = HashSet::new();
	for ct in &ours {
		for a in 0..37 {
			assert!(seen.insert(ct.slots[a]));
		}
	}
	for a in 0..37 {
		for b in (a + 1)..37 {
			let mut xs = HashSet::new();
			for ct in &ours {
				let mut d = ct.slots[a];
				for i in 0..16 {
					d[i] ^= ct.slots[b][i];
				}
				assert!(xs.insert(d));
			}
		}
	}
}

#[test]
fn patient_key_parts_round_trip() {
	let ks = service();
	let schema = Schema::departments(3).unwrap();
	let pk = ks.patient_key(&schema, &[9u8; 32]);
	let (k, perm) = pk.to_parts();
	let pk2 = PatientKey::from_parts(&schema, k, perm.clone()).unwrap();
	let v = schema.record_vector(&[], 4).unwrap();
	assert_eq!(pk.encrypt(&v).unwrap(), pk2.encrypt(&v).unwrap());
	let mut bad = perm.clone();
	bad[0] = bad[1];
	assert!(PatientKey::from_parts(&schema, k, bad).is_err());
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]
	#[test]
	fn prop_match_is_exact(bits in proptest::collection::vec(any::<bool>(), 40), pred in proptest::collection::vec(proptest::option::of(any::<bool>()), 40), seed in any::<u64>()) {
		let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
		let ks = KeyService::new(ShveMasterKey::generate(&mut r), ed25519_dalek::SigningKey::generate(&mut r));
		let schema = Schema::departments(3).unwrap();
		let patient = [seed as u8; 32];
		let pk = ks.patient_key(&schema, &patient);
		let ct = pk.encrypt(&bits).unwrap();
		let tok = ks.issue_token(&schema, &patient, &pred, &scope(0, 0), &mut r).unwrap();
		prop_assert_eq!(matches(&tok.body, &ct).unwrap(), plain_match(&bits, &pred));
		let claims = vec![(ct.clone(), plain_match(&bits, &pred))];
		prop_assert!(verify_fulfilment(&tok, &ks.public_key(), &claims).is_ok());
	}
}

#[test]
fn a_query_for_every_department_selects_everything_and_a_narrower_one_does_not() {
	let ks = service();
	let mut r = rng();
	let all: Vec<usize> = (0..DEPARTMENTS).collect();
	for schema in [Schema::departments(0).unwrap(), Schema::departments(3).unwrap(), Schema::s2()] {
		assert_eq!(always_fixed_positions(schema.id), Some(schema.always_fixed.len() as u32));
		let id_bits = vec![true; schema.always_fixed.len()];
		let token = |departments: &[usize], r: &mut rand_chacha::ChaCha20Rng| {
			let q = schema.department_query(&id_bits, departments).unwrap();
			ks.issue_token(&schema, &[1; 32], &q, &scope(1, 9), r).unwrap()
		};
		assert!(token(&all, &mut r).body.selects_everything());
		assert!(!token(&all[1..], &mut r).body.selects_everything());
		assert!(!token(&[4], &mut r).body.selects_everything());
	}
	let mut unknown = ks
		.issue_token(
			&Schema::departments(0).unwrap(),
			&[1; 32],
			&Schema::departments(0).unwrap().department_query(&[], &[4]).unwrap(),
			&scope(1, 9),
			&mut r,
		)
		.unwrap();
	unknown.body.schema = 77;
	assert!(unknown.body.selects_everything());
}

#[test]
fn query_commitments_bind_the_predicate_and_the_salt() {
	let schema = Schema::departments(0).unwrap();
	let q = schema.department_query(&[], &[3, 17]).unwrap();
	let other = schema.department_query(&[], &[3]).unwrap();
	let c = query_commitment(&q, &[1; 32]);
	assert_eq!(c, query_commitment(&q, &[1; 32]));
	assert_ne!(c, query_commitment(&q, &[2; 32]));
	assert_ne!(c, query_commitment(&other, &[1; 32]));
	// Pinned: the key service and every doctor's client must agree byte for byte.
	let mut expected = QUERY_COMMITMENT_DOMAIN.to_vec();
	expected.extend(codec::Encode::encode(&q));
	expected.extend([1u8; 32]);
	use sha2::Digest;
	assert_eq!(c, <[u8; 32]>::from(sha2::Sha256::digest(&expected)));
}
