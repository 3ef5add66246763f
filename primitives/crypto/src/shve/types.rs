//! SHVE types that go on chain and through the host function (no_std, SCALE).

use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Maximum vector length of any schema (the fixed-position set is a `u128` bit mask).
pub const MAX_SHVE_LEN: u32 = 128;
/// Maximum number of (ciphertext, claim) pairs in one fulfilment.
pub const MAX_FULFILMENT: u32 = 4096;

/// Schema identifier: the default per-patient department schema.
pub const SCHEMA_DEPARTMENTS: u32 = 1;
/// Schema identifier: the S2-compatible schema (global key, 61 ID bits + 37 departments).
pub const SCHEMA_S2: u32 = 2;

/// One SHVE ciphertext: slot `pi(l)` holds `F(k_P, x_l || pi(l))`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ShveCiphertext {
	/// Schema the vector follows.
	pub schema: u32,
	/// The slots, in permuted order.
	pub slots: BoundedVec<[u8; 16], ConstU32<MAX_SHVE_LEN>>,
}

/// The signed part of a search token.
///
/// Beyond the SHVE values, the body names everything the token is good for, and the key
/// service's signature covers all of it: one patient, one schema *and vector length*, one
/// on-chain request (`request_id`, and `query_commitment`, the request's commitment to its
/// query, which the runtime compares), one chain (`genesis_hash`), until `expires_at`. A
/// signed token is thereby useless on another chain (a test network, a fork with another
/// genesis) or for another request.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ShveTokenBody {
	/// Patient the token is for (account bytes); all zero in the S2-compatible mode.
	pub patient: [u8; 32],
	/// Schema id.
	pub schema: u32,
	/// Slots per ciphertext of the schema (its vector length, at most [`MAX_SHVE_LEN`]): one
	/// schema id covers several lengths (record-type bits), so the length is signed here and
	/// every claimed ciphertext must have exactly this many slots.
	pub vector_len: u8,
	/// Fixed positions, as a bit mask over *permuted* slot positions (reveals no department,
	/// but is the same for every token of one query on one patient: see the leakage notes of
	/// [`crate::shve`]).
	pub fixed: u128,
	/// `XOR_{l in S} F(k_P, v_l || pi(l)) XOR K`.
	pub d0: [u8; 16],
	/// `AES_K(0^128)`.
	pub d1: [u8; 16],
	/// On-chain request the token answers.
	pub request_id: u64,
	/// Last block at which the token may be used.
	pub expires_at: u32,
	/// Genesis hash of the chain the token is for.
	pub genesis_hash: [u8; 32],
	/// The request's query commitment (set by the access-basis flow; the runtime compares it
	/// with the request's).
	pub query_commitment: [u8; 32],
}

/// A token signed (ed25519) by the key service.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SignedToken {
	/// Token body.
	pub body: ShveTokenBody,
	/// ed25519 signature over `TOKEN_SIGNING_CONTEXT || SCALE(body)`.
	pub signature: [u8; 64],
}

/// Domain separation of token signatures (version-2 bodies, [`ShveTokenBody`]).
pub const TOKEN_SIGNING_CONTEXT: &[u8] = b"medchain/shve/token/v2";

/// The version-1 token body (no length, chain or query commitment). Kept only because host
/// function `verify_shve_fulfilment` version 1 decodes it; the key service no longer issues it.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ShveTokenBodyV1 {
	/// Patient the token is for (account bytes); all zero in the S2-compatible mode.
	pub patient: [u8; 32],
	/// Schema id.
	pub schema: u32,
	/// Fixed positions, as a bit mask over permuted slot positions.
	pub fixed: u128,
	/// `XOR_{l in S} F(k_P, v_l || pi(l)) XOR K`.
	pub d0: [u8; 16],
	/// `AES_K(0^128)`.
	pub d1: [u8; 16],
	/// On-chain request the token answers.
	pub request_id: u64,
	/// Last block at which the token may be used.
	pub expires_at: u32,
}

/// A version-1 token signed over `TOKEN_SIGNING_CONTEXT_V1 || SCALE(body)`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SignedTokenV1 {
	/// Token body.
	pub body: ShveTokenBodyV1,
	/// ed25519 signature over `TOKEN_SIGNING_CONTEXT_V1 || SCALE(body)`.
	pub signature: [u8; 64],
}

/// Domain separation of version-1 token signatures.
pub const TOKEN_SIGNING_CONTEXT_V1: &[u8] = b"medchain/shve/token/v1";

/// What a token is issued for besides the predicate: the request, its expiry, the chain and
/// the request's query commitment (all signed into [`ShveTokenBody`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TokenScope {
	/// On-chain request id.
	pub request_id: u64,
	/// Last block at which the token may be used.
	pub expires_at: u32,
	/// Genesis hash of the chain.
	pub genesis_hash: [u8; 32],
	/// The request's query commitment.
	pub query_commitment: [u8; 32],
}

/// A provider's fulfilment: every ciphertext it hosts for the patient with a match claim.
pub type FulfilmentClaims = BoundedVec<(ShveCiphertext, bool), ConstU32<MAX_FULFILMENT>>;

/// Number of positions every token of `schema` fixes whatever its query (the S2 schema's 61
/// identity bits; none for the department schema), or `None` for an unknown schema.
pub fn always_fixed_positions(schema: u32) -> Option<u32> {
	match schema {
		SCHEMA_DEPARTMENTS => Some(0),
		// `S2_ID_BITS` of the std-only schema module; a test keeps the two equal.
		SCHEMA_S2 => Some(61),
		_ => None,
	}
}

impl ShveTokenBody {
	/// Whether the token fixes no position beyond those every token of its schema fixes, so
	/// that it matches every record of the patient (a department query asking for every
	/// department). The runtime refuses such a token unless the request asked for all
	/// records. An unknown schema counts as selecting everything.
	pub fn selects_everything(&self) -> bool {
		always_fixed_positions(self.schema).is_none_or(|always| self.fixed.count_ones() <= always)
	}
}
