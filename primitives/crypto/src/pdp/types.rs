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

/// Bytes of a GT element in a masked proof: the twelve F_p coefficients of the F_p12 value,
/// 48 bytes big-endian each, in blst's memory order (`fp6[0].fp2[0].fp[0]`, `…fp[1]`,
/// `fp6[0].fp2[1].fp[0]`, …, `fp6[1].fp2[2].fp[1]`). Verification recomputes the element and
/// compares these bytes, so only the canonical encoding of the right value verifies.
pub const GT_BYTES: usize = 576;

/// The privacy-preserving proof (Wang, Wang, Ren, Lou, INFOCOM 2010, with `s` sectors): the
/// prover draws secret `r_j`, commits to them with `R = e(Π u_j^{r_j}, v)`, and answers
/// `mu'_j = r_j + gamma · mu_j` with `gamma = H(R, sigma, params, challenge)`. Every `mu'_j` is
/// uniform and independent of the data for whoever does not know `r_j`, so proofs can be
/// published: unlike [`PdpProofV1`], no number of them solves for the file's blocks.
/// This is the proof storage providers answer with and audits verify (host function
/// `verify_pdp` version 2).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct PdpProof {
	/// `mu'_j = r_j + gamma · mu_j mod r` (32-byte little-endian scalars < r).
	pub mu: BoundedVec<[u8; 32], ConstU32<MAX_SECTORS>>,
	/// `sigma = Π sigma_i^{nu_i}`, compressed G1.
	pub sigma: [u8; 48],
	/// The commitment `R = e(Π u_j^{r_j}, v)` ([`GT_BYTES`] bytes).
	pub r: [u8; GT_BYTES],
}

/// The version-1 (unmasked) proof: `mu_j` (32-byte little-endian scalars < r) and the aggregated
/// tag. **Leaks the data**: `mu_j = Σ nu_i m_ij` is linear in the sectors with public
/// coefficients, so about `n` proofs of an `n`-block file solve for every block. Kept only
/// because host function `verify_pdp` version 1 decodes it; never publish one.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct PdpProofV1 {
	/// `mu_j = Σ nu_i m_ij mod r`.
	pub mu: BoundedVec<[u8; 32], ConstU32<MAX_SECTORS>>,
	/// `sigma = Π sigma_i^{nu_i}`, compressed G1.
	pub sigma: [u8; 48],
}

/// Number of blocks of a file of `len` bytes in blocks of `sectors` sectors (at least one; 0 for
/// zero sectors). no_std: the runtime checks an entry's block count with it.
pub fn block_count(len: u64, sectors: u16) -> u64 {
	let b = sectors as u64 * SECTOR_BYTES as u64;
	if b == 0 {
		return 0;
	}
	len.div_ceil(b).max(1)
}

/// The file parameters the runtime expects of a record: the name from [`file_name_for`], the
/// block count of `size` bytes, and `sectors`; `None` for a sector count outside
/// `1..=MAX_SECTORS` or a block count beyond `u32`.
pub fn expected_file_params(
	ciphertext_hash: &[u8; 32],
	size: u64,
	sectors: u16,
) -> Option<PdpFileParams> {
	if sectors == 0 || u32::from(sectors) > MAX_SECTORS {
		return None;
	}
	let blocks = u32::try_from(block_count(size, sectors)).ok()?;
	Some(PdpFileParams { name: file_name_for(ciphertext_hash, size), blocks, sectors })
}

/// Domain-separation prefix of [`file_name_for`].
pub const FILE_NAME_PREFIX: &[u8] = b"medchain/pdp/f1";

/// The PDP file name of a record: `FILE_NAME_PREFIX || ciphertext_hash || size (u64 LE)`
/// (55 bytes, within [`MAX_NAME`]).
///
/// Why: tags bind the file name and the block index, not the content, so two files of one
/// owner with the same name have interchangeable tags (a provider could keep one and answer for
/// both). Deriving the name from the hash of the stored ciphertext and its size makes two
/// entries share a name only if they share the ciphertext itself (a collision of the hash
/// aside), and then interchanging their tags is harmless: answering for one with the other's
/// blocks answers with the same bytes. Ciphertexts are encrypted under fresh data keys, so
/// distinct records never share one. The runtime recomputes the name when an entry is appended
/// and rejects any other; no_std, no hashing here (the caller passes the record's ciphertext
/// hash, e.g. the BLAKE2-256 the entry commits to).
pub fn file_name_for(ciphertext_hash: &[u8; 32], size: u64) -> BoundedVec<u8, ConstU32<MAX_NAME>> {
	let mut name = alloc::vec::Vec::with_capacity(FILE_NAME_PREFIX.len() + 40);
	name.extend_from_slice(FILE_NAME_PREFIX);
	name.extend_from_slice(ciphertext_hash);
	name.extend_from_slice(&size.to_le_bytes());
	// 15 + 32 + 8 = 55 <= MAX_NAME bytes: nothing is ever truncated (a test pins the length).
	BoundedVec::truncate_from(name)
}
