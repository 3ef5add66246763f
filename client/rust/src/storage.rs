//! The two statements around a record bundle's storage, signed with sr25519 account keys: the
//! record service's upload statement (which the storage provider checks before it stores) and
//! the provider's receipt (which the EMR pallet checks before it appends). The types and their
//! bytes are `medchain-primitives`'s; this module fills them in from a prepared entry and signs.

use codec::{Decode, Encode};
use medchain_primitives::{BundleDigest, ReceiptStatement, UploadStatement};
use medchain_runtime::{AccountId, Runtime, Signature};
use pallet_medchain_emr::NewEntry;
use sp_core::{sr25519, Pair};
use sp_runtime::traits::Verify;

/// What both statements say of the bundle behind `entry` in `patient`'s chain.
pub fn bundle_digest(patient: &AccountId, entry: &NewEntry<Runtime>) -> BundleDigest<AccountId> {
	BundleDigest {
		patient: patient.clone(),
		locator: entry.locator.to_vec(),
		ciphertext_hash: entry.ciphertext_hash,
		size: entry.size,
		pdp_params_hash: entry.pdp_file.params_hash,
		shve_commitment: entry.shve_commitment,
	}
}

/// The bytes a record service signs to upload `bundle` to `provider` on the chain of `genesis`.
pub fn upload_message(
	genesis: [u8; 32],
	provider: &AccountId,
	bundle: &BundleDigest<AccountId>,
) -> Vec<u8> {
	UploadStatement::new(genesis, provider.clone(), bundle.clone()).encode()
}

/// The bytes `provider` signs as its receipt for `bundle` on the chain of `genesis`, good for
/// appends up to block `valid_until`.
pub fn receipt_message(
	genesis: [u8; 32],
	provider: &AccountId,
	bundle: &BundleDigest<AccountId>,
	valid_until: u32,
) -> Vec<u8> {
	ReceiptStatement::new(genesis, provider.clone(), bundle.clone(), valid_until).encode()
}

/// `provider_key`'s receipt for `bundle` up to block `valid_until`, as an EMR entry carries it.
pub fn sign_receipt(
	provider_key: &sr25519::Pair,
	genesis: [u8; 32],
	bundle: &BundleDigest<AccountId>,
	valid_until: u32,
) -> Signature {
	sr25519::Signature::from_raw(sign_receipt_raw(provider_key, genesis, bundle, valid_until))
		.into()
}

/// Whether `signature` is `signer`'s over `message` (an upload statement or a receipt).
pub fn verify(signature: &Signature, message: &[u8], signer: &AccountId) -> bool {
	signature.verify(message, signer)
}

/// `entry` with `provider_key`'s receipt for `patient` up to block `valid_until`: what a
/// provider's answer to an upload puts in place (the provider must be the entry's).
pub fn receipted(
	mut entry: NewEntry<Runtime>,
	patient: &AccountId,
	provider_key: &sr25519::Pair,
	genesis: [u8; 32],
	valid_until: u32,
) -> NewEntry<Runtime> {
	let bundle = bundle_digest(patient, &entry);
	with_receipt(
		&mut entry,
		sign_receipt_raw(provider_key, genesis, &bundle, valid_until),
		valid_until,
	);
	entry
}

/// Puts a provider's answer to an upload (its raw sr25519 receipt and the receipt's last
/// block) into `entry`.
pub fn with_receipt(entry: &mut NewEntry<Runtime>, receipt: [u8; 64], valid_until: u32) {
	entry.receipt = sr25519::Signature::from_raw(receipt).into();
	entry.receipt_valid_until = valid_until;
}

/// `provider_key`'s receipt for `bundle` up to block `valid_until`, as raw sr25519 signature
/// bytes (what a provider answers; the entry carries it as `MultiSignature::Sr25519`).
pub fn sign_receipt_raw(
	provider_key: &sr25519::Pair,
	genesis: [u8; 32],
	bundle: &BundleDigest<AccountId>,
	valid_until: u32,
) -> [u8; 64] {
	let provider = AccountId::from(provider_key.public());
	provider_key.sign(&receipt_message(genesis, &provider, bundle, valid_until)).0
}

/// The first bytes of an upload body.
pub const UPLOAD_MAGIC: [u8; 4] = *b"MCU1";

/// The header of an upload body. The body is `UPLOAD_MAGIC || u32 LE header length ||
/// SCALE(header) || the PDP tags (48 bytes per block) || the ciphertext`
/// ([`upload_prefix`]), so that a provider decides on everything but the ciphertext before it
/// reads the ciphertext, and checks the tags while the ciphertext streams in.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct UploadHeader {
	/// The record service that signs.
	pub record_service: AccountId,
	/// Its sr25519 signature over the upload statement ([`upload_message`]).
	pub signature: [u8; 64],
	/// The bundle.
	pub bundle: BundleDigest<AccountId>,
	/// Sectors per PDP block the ciphertext was tagged with.
	pub pdp_sectors: u16,
	/// The version of the hospital's PDP key the tags are under.
	pub pdp_key_version: u32,
	/// The record's SHVE ciphertext (SCALE).
	pub shve: Vec<u8>,
	/// The record's data key wrapped under its ABE policy (`AbeWrappedKey::to_bytes`).
	pub wrapped_key: Vec<u8>,
}

/// The upload body before the ciphertext: magic, header length, header, tags.
pub fn upload_prefix(header: &UploadHeader, tags: &[[u8; 48]]) -> Vec<u8> {
	let header = header.encode();
	let mut prefix = Vec::with_capacity(8 + header.len() + tags.len() * 48);
	prefix.extend_from_slice(&UPLOAD_MAGIC);
	prefix.extend_from_slice(&(header.len() as u32).to_le_bytes());
	prefix.extend_from_slice(&header);
	for tag in tags {
		prefix.extend_from_slice(tag);
	}
	prefix
}

/// The header with which `record_service` uploads `prepared` (a record of `patient`) to
/// `provider` on the chain of `genesis`.
pub fn upload_header(
	record_service: &sr25519::Pair,
	genesis: [u8; 32],
	provider: &AccountId,
	patient: &AccountId,
	prepared: &crate::record_service::PreparedRecord,
) -> UploadHeader {
	let bundle = bundle_digest(patient, &prepared.entry);
	let signature = record_service.sign(&upload_message(genesis, provider, &bundle)).0;
	UploadHeader {
		record_service: record_service.public().into(),
		signature,
		bundle,
		pdp_sectors: prepared.bundle.pdp_params.sectors,
		pdp_key_version: prepared.entry.pdp_file.key_version,
		shve: prepared.bundle.shve.encode(),
		wrapped_key: prepared.bundle.wrapped_key.to_bytes(),
	}
}

/// The first bytes of a download statement.
pub const DOWNLOAD_DOMAIN: [u8; 20] = *b"medchain/download/v1";

/// The bytes a grantee signs to download entry `seq` of `patient` from `provider` under access
/// request `request`, until block `not_after`: domain, version 1, genesis hash, provider,
/// grantee, patient, seq, request, not-after block (SCALE).
pub fn download_message(
	genesis: [u8; 32],
	provider: &AccountId,
	grantee: &AccountId,
	patient: &AccountId,
	seq: u32,
	request: u64,
	not_after: u32,
) -> Vec<u8> {
	(DOWNLOAD_DOMAIN, 1u8, genesis, provider, grantee, patient, seq, request, not_after).encode()
}

/// The first bytes of an audit answer statement.
pub const AUDIT_DOMAIN: [u8; 17] = *b"medchain/audit/v1";

/// The bytes a provider signs with its answer to an audit challenge of entry `seq` of
/// `patient` for `seed`: domain, version 1, genesis hash, provider, patient, seq, seed,
/// BLAKE2b-256 of the SCALE proof. A relayer that carries the answer cannot change the proof
/// without the signature failing, so it cannot frame the provider with a bad one.
pub fn audit_answer_message(
	genesis: [u8; 32],
	provider: &AccountId,
	patient: &AccountId,
	seq: u32,
	seed: [u8; 32],
	proof: &[u8],
) -> Vec<u8> {
	let proof_hash = sp_io::hashing::blake2_256(proof);
	(AUDIT_DOMAIN, 1u8, genesis, provider, patient, seq, seed, proof_hash).encode()
}

/// The placeholder receipt of an entry no provider has acknowledged yet; the runtime refuses it.
pub fn no_receipt() -> Signature {
	sr25519::Signature::from_raw([0; 64]).into()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_receipt_verifies_for_its_provider_bundle_and_last_block_only() {
		let provider = sr25519::Pair::from_string("//Provider", None).unwrap();
		let other = sr25519::Pair::from_string("//Other", None).unwrap();
		let bundle = BundleDigest {
			patient: AccountId::from([7; 32]),
			locator: b"loc".to_vec(),
			ciphertext_hash: [1; 32],
			size: 10,
			pdp_params_hash: [2; 32],
			shve_commitment: [4; 32],
		};
		let signature = sign_receipt(&provider, [3; 32], &bundle, 100);
		let account = AccountId::from(provider.public());
		assert!(verify(&signature, &receipt_message([3; 32], &account, &bundle, 100), &account));
		assert!(!verify(&signature, &receipt_message([4; 32], &account, &bundle, 100), &account));
		assert!(!verify(&signature, &receipt_message([3; 32], &account, &bundle, 101), &account));
		assert!(!verify(&signature, &upload_message([3; 32], &account, &bundle), &account));
		let other = AccountId::from(other.public());
		assert!(!verify(&signature, &receipt_message([3; 32], &other, &bundle, 100), &other));
	}
}
