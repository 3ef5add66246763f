//! The native side of the host functions with real crypto. The wasm side is exercised by the
//! node end-to-end test, which runs the runtime that calls them.

use super::{medchain_crypto_host as host, FulfilmentError};
use codec::Encode;
use medchain_crypto::{
	pdp::{self, PdpSecretKey},
	shve::{FulfilmentClaims, KeyService, Schema, ShveMasterKey},
};
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};

fn key_service(rng: &mut ChaCha20Rng) -> KeyService {
	KeyService::new(ShveMasterKey::generate(rng), ed25519_dalek::SigningKey::generate(rng))
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
	let token = ks.issue_token(&schema, &patient, &predicate, 1, 100, &mut rng).unwrap();

	let claims = |c: [bool; 3]| -> Vec<u8> {
		let v: FulfilmentClaims =
			cts.iter().cloned().zip(c).collect::<Vec<_>>().try_into().unwrap();
		v.encode()
	};
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

	// Another signer, a tampered body, garbage bytes.
	let other = key_service(&mut rng).public_key();
	assert_eq!(
		host::verify_shve_fulfilment(&token.encode(), &other, &claims([true, false, true])),
		Err(FulfilmentError::BadSignature)
	);
	let mut forged = token.clone();
	forged.body.request_id = 2;
	assert_eq!(
		host::verify_shve_fulfilment(&forged.encode(), &issuer, &claims([true, false, true])),
		Err(FulfilmentError::BadSignature)
	);
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
}

#[test]
fn pdp_verification_accepts_an_honest_proof_only() {
	let mut rng = ChaCha20Rng::seed_from_u64(8);
	let sk = PdpSecretKey::generate(4, &mut rng).unwrap();
	let data: Vec<u8> = (0..50_000u32).map(|i| (i * 31 % 251) as u8).collect();
	let params = pdp::file_params(b"record-1", data.len() as u64, 4).unwrap();
	let tags = sk.tag_file(&params, &data).unwrap();
	let seed = [5u8; 32];
	let proof = pdp::prove(&params, &seed, &data, &tags).unwrap();
	let (pk, params_b, proof_b) = (sk.public_key().encode(), params.encode(), proof.encode());

	assert!(host::verify_pdp(&pk, &params_b, &seed, &proof_b));
	assert!(!host::verify_pdp(&pk, &params_b, &[6u8; 32], &proof_b));
	let mut flipped = proof_b.clone();
	let last = flipped.len() - 1;
	flipped[last] ^= 1;
	assert!(!host::verify_pdp(&pk, &params_b, &seed, &flipped));
	assert!(!host::verify_pdp(&pk[..10], &params_b, &seed, &proof_b));
	assert!(!host::verify_pdp(&[], &[], &seed, &[]));
}
