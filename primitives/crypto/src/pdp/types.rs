//! PDP types that go on chain and through the host function (no_std, SCALE).

use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Bytes per sector (a sector is an integer < 2^248 < r).
pub const SECTOR_BYTES: usize = 31;
/// Largest number of sectors per block a key supports.
pub const MAX_SECTORS: u32 = 256;
/// Default sectors per block (7,936-byte blocks): the hash-to-G1 and two scalar multiplications
/// per tag are amortized over 256 sectors, and verification (which decodes `s` public points and
/// runs an `s`-point MSM) stays well under its target.
pub const DEFAULT_SECTORS: u16 = 256;
/// Challenge size: `c = min(n, 460)` catches a server missing 1% of blocks with probability
/// >= 99%.
pub const MAX_CHALLENGE: u32 = 460;
/// Maximum file name length.
pub const MAX_NAME: u32 = 64;

/// Owner public key: `v = g2^alpha` and `u_j = g1^{beta_j}` (compressed).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct PdpPublicKey {
	/// `g2^alpha`, compressed G2 (96 bytes).
	pub v: [u8; 96],
	/// `u_j = g1^{beta_j}`, compressed G1 (48 bytes each).
	pub u: BoundedVec<[u8; 48], ConstU32<MAX_SECTORS>>,
}

/// Per-file parameters recorded on chain.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct PdpFileParams {
	/// File name bound into every tag (`H(name || i)`), e.g. the record id.
	pub name: BoundedVec<u8, ConstU32<MAX_NAME>>,
	/// Number of blocks `n`.
	pub blocks: u32,
	/// Sectors per block `s`.
	pub sectors: u16,
}

/// A challenge: distinct sorted block indices with 128-bit coefficients.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Challenge {
	/// Challenged indices, ascending.
	pub indices: BoundedVec<u32, ConstU32<MAX_CHALLENGE>>,
	/// Coefficient `nu_i` per index (little-endian, 128 bits).
	pub coefficients: BoundedVec<[u8; 16], ConstU32<MAX_CHALLENGE>>,
}

/// A proof: `mu_j` (32-byte little-endian scalars < r) and the aggregated tag.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct PdpProof {
	/// `mu_j = Σ nu_i m_ij mod r`.
	pub mu: BoundedVec<[u8; 32], ConstU32<MAX_SECTORS>>,
	/// `sigma = Π sigma_i^{nu_i}`, compressed G1.
	pub sigma: [u8; 48],
}
