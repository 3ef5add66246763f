//! The benchmarks' PDP fixtures (`src/fixtures/`): a hospital's public key of 256 sectors, a
//! record of 460 blocks and a masked proof of the full challenge for [`SEED`]. Proofs cannot
//! be computed in wasm, so the runtime's benchmark helper registers the key, appends an entry
//! for the record and answers with the proof. Written by `medchain-crypto`'s ignored test
//! `write_audit_fixtures`; its test `the_audit_fixtures_verify` checks them.

use alloc::vec::Vec;
use codec::{Decode, Encode};

/// SCALE `PdpPublicKey` of the fixture hospital (256 sectors).
pub const PDP_PUBLIC_KEY: &[u8] = include_bytes!("fixtures/pdp_key.scale");
/// SCALE `(ciphertext_hash, size, sectors)` of the fixture record.
pub const RECORD: &[u8] = include_bytes!("fixtures/record.scale");
/// SCALE masked `PdpProof` of the full challenge of the record for [`SEED`].
pub const PROOF: &[u8] = include_bytes!("fixtures/proof.scale");
/// The seed the proof answers.
pub const SEED: [u8; 32] = [0xa5; 32];
/// The record's PDP blocks.
pub const BLOCKS: u32 = 460;
/// The fixture record's ciphertext hash, size and sectors.
pub fn record() -> ([u8; 32], u64, u16) {
	<([u8; 32], u64, u16)>::decode(&mut &RECORD[..]).unwrap_or(([0; 32], 0, 0))
}

/// The SCALE `PdpFileParams` of the fixture record, as the EMR pallet derives them (empty if
/// the fixture is malformed, which the benchmark's own checks then catch).
pub fn file_params() -> Vec<u8> {
	let (hash, size, sectors) = record();
	medchain_crypto::pdp::expected_file_params(&hash, size, sectors)
		.map(|params| params.encode())
		.unwrap_or_default()
}
