//! # MedChain host functions
//!
//! ## Overview
//!
//! The runtime verifies two kinds of cryptographic evidence that would be far too slow in wasm:
//! a storage provider's SHVE search fulfilment (the key service's ed25519 signature on the
//! token, then one match or non-match claim per hosted record) and a storage provider's PDP
//! proof (one multi-pairing on BLS12-381). This crate exposes both, backed by
//! [`medchain_crypto`], as the versioned runtime interface [`medchain_crypto_host`]. Every node
//! must ship these functions before a runtime calls them and must keep them forever (every
//! version of each), so there are only four functions, each deterministic, each taking SCALE
//! bytes and answering instead of panicking:
//! malformed input, points off the curve or outside the prime-order subgroup, and wrong lengths
//! all become a rejection.
//!
//! ## Interface
//!
//! - [`medchain_crypto_host::verify_shve_fulfilment`]: token signature plus a batch of claims,
//!   `Ok(())` or the first reason it fails ([`FulfilmentError`]). Version 1 takes
//!   `SignedTokenV1`; version 2 (what runtimes call now) takes `SignedToken`, whose signed body
//!   binds the vector length, chain and query commitment, and checks every ciphertext's length.
//! - [`medchain_crypto_host::verify_pdp`]: a PDP proof for a challenge seed. Version 1 takes
//!   the unmasked `PdpProofV1` (which leaks the data); version 2 the masked `PdpProof`.
//! - [`medchain_crypto_host::verify_pdp_sized`]: a masked PDP proof for a challenge of a given
//!   number of blocks (the audit pallet's light and full audits).
//! - [`medchain_crypto_host::check_pdp_public_key`]: whether a hospital's PDP public key is
//!   well formed (every point decoded and subgroup-checked), when it is registered.
//! - [`HostFunctions`]: the host-function set the node's executor and benchmark CLI register.
//!
//! Cost: ABE policy evaluation stays in wasm (pure logic over a few dozen attributes, microseconds),
//! so it is not a host function.

#![cfg_attr(not(feature = "std"), no_std)]

use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndRead, PassPointerAndRead},
	runtime_interface,
};

/// Why a fulfilment was rejected.
///
/// It crosses the host boundary SCALE-encoded, so every variant's index is explicit and fixed
/// forever (the indices are those the variants had implicitly in version 1; a test pins the
/// encoding). New variants take new indices; none may be renumbered or reused.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum FulfilmentError {
	/// The token or the claims are not valid SCALE of their types (or exceed their bounds).
	#[codec(index = 0)]
	Malformed,
	/// The token is not signed by the given key-service key.
	#[codec(index = 1)]
	BadSignature,
	/// A ciphertext follows another schema than the token; from version 2 of
	/// `verify_shve_fulfilment` also: a ciphertext's length differs from the token's signed
	/// vector length, or the token's own length or mask is out of range.
	#[codec(index = 2)]
	SchemaMismatch,
	/// Claim `index` (from 0) says match where the token does not match, or the reverse.
	#[codec(index = 3)]
	ClaimMismatch(u32),
}

#[cfg(feature = "std")]
impl From<medchain_crypto::Error> for FulfilmentError {
	fn from(e: medchain_crypto::Error) -> Self {
		use medchain_crypto::Error;
		match e {
			Error::BadSignature => Self::BadSignature,
			Error::SchemaMismatch => Self::SchemaMismatch,
			Error::ClaimMismatch { index } => Self::ClaimMismatch(index),
			_ => Self::Malformed,
		}
	}
}

/// Native cryptography for the MedChain runtime.
///
/// Versioning: a node must serve every version any runtime ever called, so version 1 of each
/// function stays exactly as it was in what it accepts and returns; new behaviour is a new
/// version of the same function (the runtime calls the latest, `verify_pdp` and
/// `verify_shve_fulfilment` resolve to version 2).
#[runtime_interface]
pub trait MedchainCryptoHost {
	/// Version 1: verifies a storage provider's SHVE fulfilment: `signed_token` (SCALE
	/// `medchain_crypto::shve::SignedTokenV1`) must carry a valid ed25519 signature of `issuer`
	/// (the key service's token-signing key, context `medchain/shve/token/v1`) and every
	/// `(ciphertext, matches)` pair of `claims` (SCALE `medchain_crypto::shve::FulfilmentClaims`)
	/// must hold for the token. It checks each ciphertext's schema id and that the token's fixed
	/// slots exist in it, *not* its exact length (the caller must).
	///
	/// The caller checks the token's patient, request id and expiry and that the claims cover
	/// every record the provider hosts; this function checks only the cryptography.
	fn verify_shve_fulfilment(
		signed_token: PassFatPointerAndRead<&[u8]>,
		issuer: PassPointerAndRead<&[u8; 32], 32>,
		claims: PassFatPointerAndRead<&[u8]>,
	) -> AllocateAndReturnByCodec<Result<(), FulfilmentError>> {
		medchain_crypto::shve::verify_fulfilment_encoded_v1(signed_token, issuer, claims)
			.map_err(FulfilmentError::from)
	}

	/// Version 2: as version 1 for tokens of `medchain_crypto::shve::SignedToken` (SCALE; the
	/// body adds the signed `vector_len`, `genesis_hash` and `query_commitment`; signing context
	/// `medchain/shve/token/v2`), and every ciphertext must have exactly the token's
	/// `vector_len` slots ([`FulfilmentError::SchemaMismatch`] otherwise).
	///
	/// The caller checks the token's patient, request id, query commitment, genesis hash and
	/// expiry and that the claims cover every record the provider hosts.
	#[version(2)]
	fn verify_shve_fulfilment(
		signed_token: PassFatPointerAndRead<&[u8]>,
		issuer: PassPointerAndRead<&[u8; 32], 32>,
		claims: PassFatPointerAndRead<&[u8]>,
	) -> AllocateAndReturnByCodec<Result<(), FulfilmentError>> {
		medchain_crypto::shve::verify_fulfilment_encoded(signed_token, issuer, claims)
			.map_err(FulfilmentError::from)
	}

	/// Version 1: verifies an unmasked PDP proof: `public_key` (SCALE
	/// `medchain_crypto::pdp::PdpPublicKey`), `file_params` (SCALE `PdpFileParams`), the
	/// 32-byte challenge `seed` and `proof` (SCALE `PdpProofV1`). `false` for a wrong proof and
	/// for any malformed or off-subgroup input. Unmasked proofs leak the data they prove; new
	/// runtimes call version 2.
	fn verify_pdp(
		public_key: PassFatPointerAndRead<&[u8]>,
		file_params: PassFatPointerAndRead<&[u8]>,
		seed: PassPointerAndRead<&[u8; 32], 32>,
		proof: PassFatPointerAndRead<&[u8]>,
	) -> bool {
		medchain_crypto::pdp::v1::verify_encoded(public_key, file_params, seed, proof)
	}

	/// Version 2: verifies a masked (privacy-preserving) PDP proof, `proof` being SCALE
	/// `medchain_crypto::pdp::PdpProof` (`mu'`, `sigma`, the 576-byte commitment `R`); the other
	/// arguments as in version 1. `false` for a wrong proof and for any malformed or
	/// off-subgroup input.
	#[version(2)]
	fn verify_pdp(
		public_key: PassFatPointerAndRead<&[u8]>,
		file_params: PassFatPointerAndRead<&[u8]>,
		seed: PassPointerAndRead<&[u8; 32], 32>,
		proof: PassFatPointerAndRead<&[u8]>,
	) -> bool {
		medchain_crypto::pdp::verify_encoded(public_key, file_params, seed, proof)
	}

	/// Verifies a masked PDP proof for the challenge of `min(n, challenged)` blocks derived
	/// from `seed` (`medchain_crypto::pdp::derive_challenge_sized`), the other arguments as in
	/// `verify_pdp` version 2: what the audit pallet's light audits (a few blocks) and full
	/// audits (460) both call. `false` for `challenged` outside `1..=460`, a wrong proof and
	/// any malformed or off-subgroup input. A function of its own rather than version 3 of
	/// `verify_pdp`: it takes one argument more.
	fn verify_pdp_sized(
		public_key: PassFatPointerAndRead<&[u8]>,
		file_params: PassFatPointerAndRead<&[u8]>,
		seed: PassPointerAndRead<&[u8; 32], 32>,
		challenged: u32,
		proof: PassFatPointerAndRead<&[u8]>,
	) -> bool {
		medchain_crypto::pdp::verify_sized_encoded(public_key, file_params, seed, challenged, proof)
	}

	/// Whether `public_key` is the exact SCALE encoding of a `medchain_crypto::pdp::PdpPublicKey`
	/// with at least one sector whose points all decompress, lie in their prime-order subgroups
	/// and are not the identity: the registry refuses any other key, so that a hospital cannot
	/// register bytes no proof will ever verify against.
	fn check_pdp_public_key(public_key: PassFatPointerAndRead<&[u8]>) -> bool {
		use codec::DecodeAll;
		let Ok(key) = medchain_crypto::pdp::PdpPublicKey::decode_all(&mut &public_key[..]) else {
			return false;
		};
		!key.u.is_empty() && medchain_crypto::pdp::PreparedPdpKey::new(&key).is_some()
	}
}

/// The host functions of this crate, for the node's executor and benchmark CLI.
#[cfg(feature = "std")]
pub type HostFunctions = medchain_crypto_host::HostFunctions;

#[cfg(test)]
mod pdp_key_tests;
#[cfg(test)]
mod tests;
