//! The native side of the host functions with real crypto. The wasm side is exercised by the
//! node end-to-end test, which runs the runtime that calls them.
//!
//! `host::verify_*` are the latest versions (2). The version-1 bodies are one-line delegations
//! to `medchain_crypto::{shve::verify_fulfilment_encoded_v1, pdp::v1::verify_encoded}` (the
//! generated `*_version_1` functions are private to the interface module), so version 1 is
//! tested through those, and the registered set is checked to hold both versions.

use super::{medchain_crypto_host as host, FulfilmentError};
use codec::{Decode, Encode};
use medchain_crypto::{
	pdp::{self, PdpSecretKey},
	shve::{
		self, FulfilmentClaims, KeyService, Schema, ShveMasterKey, ShveTokenBodyV1, TokenScope,
	},
};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

fn key_service(rng: &mut ChaCha20Rng) -> KeyService {
	KeyService::new(ShveMasterKey::generate(rng), ed25519_dalek::SigningKey::generate(rng))
}

fn scope(request_id: u64) -> TokenScope {
	TokenScope { request_id, expires_at: 100, genesis_hash: [1; 32], query_commitment: [2; 32] }
}

#[test]
fn fulfilment_error_encoding_is_pinned() {
	let cases: [(FulfilmentError, &[u8]); 5] = [
		(FulfilmentError::Malformed, &[0]),
		(FulfilmentError::BadSignature, &[1]),
		(FulfilmentError::SchemaMismatch, &[2]),
		(FulfilmentError::ClaimMismatch(0x0403_0201), &[3, 1, 2, 3, 4]),
		(FulfilmentError::ClaimMismatch(7), &[3, 7, 0, 0, 0]),
	];
	for (e, bytes) in cases {
		assert_eq!(e.encode(), bytes, "{e:?}");
		assert_eq!(FulfilmentError::decode(&mut &bytes[..]).unwrap(), e);
	}
	// And inside the host function's return type.
	let ok: Result<(), FulfilmentError> = Ok(());
	assert_eq!(ok.encode(), [0]);
	assert_eq!(Err::<(), _>(FulfilmentError::ClaimMismatch(1)).encode(), [1, 3, 1, 0, 0, 0]);
	assert!(FulfilmentError::decode(&mut &[4u8][..]).is_err());
}

#[test]
fn every_version_is_registered() {
	use sp_runtime_interface::sp_wasm_interface::HostFunctions as _;
	let fs = super::HostFunctions::host_functions();
	let names: Vec<&str> = fs.iter().map(|f| f.name()).collect();
	for n in [
		"ext_medchain_crypto_host_verify_shve_fulfilment_version_1",
		"ext_medchain_crypto_host_verify_shve_fulfilment_version_2",
		"ext_medchain_crypto_host_verify_pdp_version_1",
		"ext_medchain_crypto_host_verify_pdp_version_2",
		"ext_medchain_crypto_host_check_pdp_public_key_version_1",
		"ext_medchain_crypto_host_verify_pdp_sized_version_1",
	] {
		assert!(names.contains(&n), "{n} missing from {names:?}");
	}
	assert_eq!(fs.len(), 6, "{names:?}");
	// Version 2 keeps version 1's FFI signature (same arguments, same return).
	let sig = |n: &str| fs.iter().find(|f| f.name() == n).unwrap().signature();
	for f in ["verify_shve_fulfilment", "verify_pdp"] {
		assert_eq!(
			sig(&format!("ext_medchain_crypto_host_{f}_version_1")),
			sig(&format!("ext_medchain_crypto_host_{f}_version_2"))
		);
	}
}

#[test]
fn shve_fulfilment_accepts_true_claims_and_names_the_first_false_one() {
	let mut rng = ChaCha20Rng::seed_from_u64(7);
	let ks = key_service(&mut rng);
	let schema = Schema::departments(0).unwrap();
	let patient = [9u8; 32];
	let pk = ks.patient_key(&schema, &patient);
	// Records in departments 3, 5 and 20; the doctor asks for departments 3 and 20.
	let cts: Vec<_> = [3usize, 5, 20]
		.iter()
		.map(|d| pk.encrypt(&schema.record_vector(&[], *d).unwrap()).unwrap())
		.collect();
	let predicate = schema.department_query(&[], &[3, 20]).unwrap();
	let token = ks.issue_token(&schema, &patient, &predicate, &scope(1), &mut rng).unwrap();

	let claims_of = |cts: &[shve::ShveCiphertext], c: [bool; 3]| -> Vec<u8> {
		let v: FulfilmentClaims =
			cts.iter().cloned().zip(c).collect::<Vec<_>>().try_into().unwrap();
		v.encode()
	};
	let claims = |c: [bool; 3]| claims_of(&cts, c);
	let issuer = ks.public_key();
	assert_eq!(
		host::verify_shve_fulfilment(&token.encode(), &issuer, &claims([true, false, true])),
		Ok(())
	);
	assert_eq!(
		host::verify_shve_fulfilment(&token.encode(), &issuer, &claims([true, true, true])),
		Err(FulfilmentError::ClaimMismatch(1))
	);
	assert_eq!(
		host::verify_shve_fulfilment(&token.encode(), &issuer, &claims([false, false, true])),
		Err(FulfilmentError::ClaimMismatch(0))
	);

	// Another signer, a tampered body (request, chain, query commitment), garbage bytes.
	let other = key_service(&mut rng).public_key();
	assert_eq!(
		host::verify_shve_fulfilment(&token.encode(), &other, &claims([true, false, true])),
		Err(FulfilmentError::BadSignature)
	);
	for tamper in [
		|t: &mut shve::SignedToken| t.body.request_id = 2,
		|t: &mut shve::SignedToken| t.body.genesis_hash[0] ^= 1,
		|t: &mut shve::SignedToken| t.body.query_commitment[0] ^= 1,
	] {
		let mut forged = token.clone();
		tamper(&mut forged);
		assert_eq!(
			host::verify_shve_fulfilment(&forged.encode(), &issuer, &claims([true, false, true])),
			Err(FulfilmentError::BadSignature)
		);
	}
	assert_eq!(
		host::verify_shve_fulfilment(&[1, 2, 3], &issuer, &claims([true, false, true])),
		Err(FulfilmentError::Malformed)
	);
	let mut trailing = claims([true, false, true]);
	trailing.push(0);
	assert_eq!(
		host::verify_shve_fulfilment(&token.encode(), &issuer, &trailing),
		Err(FulfilmentError::Malformed)
	);

	// Version 2 checks every ciphertext's length: one extra slot is refused there, while
	// version 1 lets the same claims through under a version-1 token of the same values.
	let mut long = cts.clone();
	long[1].slots.try_push([0u8; 16]).unwrap();
	assert_eq!(
		host::verify_shve_fulfilment(
			&token.encode(),
			&issuer,
			&claims_of(&long, [true, false, true])
		),
		Err(FulfilmentError::SchemaMismatch)
	);
	let signing = ed25519_dalek::SigningKey::generate(&mut rng);
	let b = &token.body;
	let v1_token = shve::sign_token_v1(
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
	);
	let v1 = |t: &[u8], c: &[u8]| {
		shve::verify_fulfilment_encoded_v1(t, &signing.verifying_key().to_bytes(), c)
			.map_err(FulfilmentError::from)
	};
	assert_eq!(v1(&v1_token.encode(), &claims_of(&long, [true, false, true])), Ok(()));
	assert_eq!(
		v1(&v1_token.encode(), &claims([true, true, true])),
		Err(FulfilmentError::ClaimMismatch(1))
	);
	// The versions do not take each other's tokens.
	assert_eq!(v1(&token.encode(), &claims([true, false, true])), Err(FulfilmentError::Malformed));
	assert_eq!(
		host::verify_shve_fulfilment(
			&v1_token.encode(),
			&signing.verifying_key().to_bytes(),
			&claims([true, false, true])
		),
		Err(FulfilmentError::Malformed)
	);
}

#[test]
fn pdp_verification_accepts_an_honest_proof_only() {
	let mut rng = ChaCha20Rng::seed_from_u64(8);
	let sk = PdpSecretKey::generate(4, &mut rng).unwrap();
	let data: Vec<u8> = (0..50_000u32).map(|i| (i * 31 % 251) as u8).collect();
	let name = pdp::file_name_for(&[0x5a; 32], data.len() as u64);
	let params = pdp::file_params(&name, data.len() as u64, 4).unwrap();
	let tags = sk.tag_file(&params, &data).unwrap();
	let seed = [5u8; 32];
	let pk = sk.public_key();
	let proof = pdp::prove(&pk, &params, &seed, &data, &tags, &mut rng).unwrap();
	let (pk_b, params_b, proof_b) = (pk.encode(), params.encode(), proof.encode());

	// Version 2: the masked proof.
	assert!(host::verify_pdp(&pk_b, &params_b, &seed, &proof_b));
	assert!(!host::verify_pdp(&pk_b, &params_b, &[6u8; 32], &proof_b));
	let mut flipped = proof_b.clone();
	let last = flipped.len() - 1;
	flipped[last] ^= 1;
	assert!(!host::verify_pdp(&pk_b, &params_b, &seed, &flipped));
	assert!(!host::verify_pdp(&pk_b[..10], &params_b, &seed, &proof_b));
	assert!(!host::verify_pdp(&[], &[], &seed, &[]));

	// The sized function: the full size is version 2's challenge; a light challenge of 8
	// blocks has its own proof, valid at that size only.
	assert!(host::verify_pdp_sized(&pk_b, &params_b, &seed, pdp::MAX_CHALLENGE, &proof_b));
	assert!(!host::verify_pdp_sized(&pk_b, &params_b, &seed, 0, &proof_b));
	let light = pdp::derive_challenge_sized(&seed, &params, 8);
	let bsize = params.sectors as usize * 31;
	let blocks: Vec<&[u8]> =
		light.indices.iter().map(|i| pdp::block_of(&data, *i as usize, bsize)).collect();
	let light_tags: Vec<[u8; 48]> = light.indices.iter().map(|i| tags[*i as usize]).collect();
	let key = pdp::prepared_key(&pk).unwrap();
	let light_proof =
		pdp::prove_with_challenge(&key, &params, &light, &blocks, &light_tags, &mut rng)
			.unwrap()
			.encode();
	assert!(host::verify_pdp_sized(&pk_b, &params_b, &seed, 8, &light_proof));
	assert!(!host::verify_pdp_sized(&pk_b, &params_b, &seed, 7, &light_proof));
	assert!(!host::verify_pdp(&pk_b, &params_b, &seed, &light_proof));
	assert!(!host::verify_pdp_sized(&[], &[], &seed, 8, &[]));

	// Version 1: the unmasked proof, as before; neither version takes the other's proof.
	let old = pdp::v1::prove(&params, &seed, &data, &tags).unwrap().encode();
	assert!(pdp::v1::verify_encoded(&pk_b, &params_b, &seed, &old));
	assert!(!pdp::v1::verify_encoded(&pk_b, &params_b, &[6u8; 32], &old));
	assert!(!pdp::v1::verify_encoded(&pk_b, &params_b, &seed, &proof_b));
	assert!(!host::verify_pdp(&pk_b, &params_b, &seed, &old));
	let mut flipped = old.clone();
	let last = flipped.len() - 1;
	flipped[last] ^= 1;
	assert!(!pdp::v1::verify_encoded(&pk_b, &params_b, &seed, &flipped));
	assert!(!pdp::v1::verify_encoded(&[], &[], &seed, &[]));
}
