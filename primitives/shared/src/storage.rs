//! What a record service and a storage provider sign about one record bundle.
//!
//! A record service uploads a bundle before its EMR entry exists, with an
//! [`UploadStatement`] signed by its account: the provider stores only bundles that an active
//! hospital's record service vouches for. Once the bundle is stored and every PDP tag checked,
//! the provider signs a [`ReceiptStatement`] with its account; the EMR append carries that
//! signature and the runtime rebuilds the statement from the entry, so a record service can
//! neither append an entry its provider never received nor frame a provider with bad tags.
//! A receipt names the last block an entry may be appended with it: a provider deletes a
//! bundle no entry lists only once that block is final, so no receipt outlives its bundle and
//! a record service cannot hold one back to append, after the deletion, an entry its provider
//! would then fail every audit of.
//! Both statements start with a domain of their own and the chain's genesis hash, so neither is
//! ever a transaction payload, nor valid on another chain.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::Hash32;

/// The first bytes of every [`UploadStatement`].
pub const UPLOAD_DOMAIN: [u8; 18] = *b"medchain/upload/v1";
/// The first bytes of every [`ReceiptStatement`].
pub const RECEIPT_DOMAIN: [u8; 19] = *b"medchain/receipt/v1";
/// The version of both statements' layout.
pub const STORAGE_STATEMENT_VERSION: u8 = 1;

/// One record bundle as both statements name it: the same fields as the EMR entry that will
/// point at it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct BundleDigest<AccountId> {
	/// The patient whose chain the entry will join.
	pub patient: AccountId,
	/// Where the provider keeps the bundle (the entry's locator).
	pub locator: Vec<u8>,
	/// BLAKE2b-256 of the envelope ciphertext.
	pub ciphertext_hash: Hash32,
	/// Ciphertext size in bytes.
	pub size: u64,
	/// BLAKE2b-256 of the SCALE PDP file parameters the ciphertext was tagged under (the
	/// entry's `pdp_file.params_hash`).
	pub pdp_params_hash: Hash32,
	/// BLAKE2b-256 of the SCALE SHVE ciphertext uploaded beside the bundle (the entry's
	/// `shve_commitment`). Signed by both statements so that a record service cannot upload one
	/// SHVE ciphertext and append another commitment: every search fulfilment of that provider
	/// would then fail the commitment check, and the provider would be blamed for it.
	pub shve_commitment: Hash32,
}

/// What a hospital's record service signs (sr25519, its account key) to upload a bundle to
/// `provider`; SCALE-encoded, that is the signed message.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct UploadStatement<AccountId> {
	/// [`UPLOAD_DOMAIN`].
	pub domain: [u8; 18],
	/// [`STORAGE_STATEMENT_VERSION`].
	pub version: u8,
	/// The chain's genesis block hash.
	pub genesis_hash: Hash32,
	/// The provider asked to store the bundle: a statement for one provider is worthless at
	/// another.
	pub provider: AccountId,
	/// The bundle.
	pub bundle: BundleDigest<AccountId>,
}

impl<AccountId> UploadStatement<AccountId> {
	/// Version 1 of the statement for `bundle` at `provider` on the chain of `genesis_hash`.
	pub fn new(genesis_hash: Hash32, provider: AccountId, bundle: BundleDigest<AccountId>) -> Self {
		Self {
			domain: UPLOAD_DOMAIN,
			version: STORAGE_STATEMENT_VERSION,
			genesis_hash,
			provider,
			bundle,
		}
	}
}

/// What a storage provider signs (its account key) once it holds a bundle complete and has
/// checked every PDP tag; SCALE-encoded, that is the signed message, and the EMR pallet
/// verifies it against the entry's provider.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct ReceiptStatement<AccountId, BlockNumber> {
	/// [`RECEIPT_DOMAIN`].
	pub domain: [u8; 19],
	/// [`STORAGE_STATEMENT_VERSION`].
	pub version: u8,
	/// The chain's genesis block hash.
	pub genesis_hash: Hash32,
	/// The provider holding the bundle.
	pub provider: AccountId,
	/// The bundle.
	pub bundle: BundleDigest<AccountId>,
	/// The last block in which an EMR entry may be appended with this receipt; the provider
	/// keeps the bundle at least until this block is final.
	pub valid_until: BlockNumber,
}

impl<AccountId, BlockNumber> ReceiptStatement<AccountId, BlockNumber> {
	/// Version 1 of `provider`'s receipt for `bundle` on the chain of `genesis_hash`, good for
	/// appends up to block `valid_until`.
	pub fn new(
		genesis_hash: Hash32,
		provider: AccountId,
		bundle: BundleDigest<AccountId>,
		valid_until: BlockNumber,
	) -> Self {
		Self {
			domain: RECEIPT_DOMAIN,
			version: STORAGE_STATEMENT_VERSION,
			genesis_hash,
			provider,
			bundle,
			valid_until,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn bundle() -> BundleDigest<u64> {
		BundleDigest {
			patient: 7,
			locator: b"loc".to_vec(),
			ciphertext_hash: [1; 32],
			size: 1_400_000,
			pdp_params_hash: [2; 32],
			shve_commitment: [3; 32],
		}
	}

	#[test]
	fn the_two_statements_never_sign_the_same_bytes() {
		let upload = UploadStatement::new([9; 32], 3u64, bundle()).encode();
		let receipt = ReceiptStatement::new([9; 32], 3u64, bundle(), 100u32).encode();
		assert_ne!(upload, receipt);
		assert!(upload.starts_with(b"medchain/upload/v1\x01"));
		assert!(receipt.starts_with(b"medchain/receipt/v1\x01"));
	}

	#[test]
	fn a_receipt_names_the_chain_the_provider_its_last_block_and_every_field_of_the_bundle() {
		let base = ReceiptStatement::new([9; 32], 3u64, bundle(), 100u32).encode();
		let mut changed = Vec::new();
		changed.push(ReceiptStatement::new([8; 32], 3u64, bundle(), 100u32).encode());
		changed.push(ReceiptStatement::new([9; 32], 4u64, bundle(), 100u32).encode());
		changed.push(ReceiptStatement::new([9; 32], 3u64, bundle(), 101u32).encode());
		let variants: [fn(&mut BundleDigest<u64>); 6] = [
			|b| b.patient = 8,
			|b| b.locator = b"lod".to_vec(),
			|b| b.ciphertext_hash[31] ^= 1,
			|b| b.size += 1,
			|b| b.pdp_params_hash[0] ^= 1,
			|b| b.shve_commitment[5] ^= 1,
		];
		for change in variants {
			let mut b = bundle();
			change(&mut b);
			changed.push(ReceiptStatement::new([9; 32], 3u64, b, 100u32).encode());
		}
		for other in changed {
			assert_ne!(other, base);
		}
	}
}
