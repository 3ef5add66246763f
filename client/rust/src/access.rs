//! What a doctor's system and a patient's card do for an access request: the presence
//! statement the card signs, and the commitment a search request puts on chain for the query
//! it sends the key service.

use codec::Encode;
use medchain_crypto::shve::{query_commitment, Schema};
use pallet_medchain_access::{AccessTarget, PresenceProof, PresenceStatement, Purpose};
use sp_core::{ed25519, Pair};

use crate::{
	runtime::{AccountId, BlockNumber, Runtime},
	Result,
};

/// The presence statement of `patient`'s card letting `doctor` ask `target` for `purpose` on
/// the chain with `genesis_hash`, valid until block `not_after`, with a one-time `nonce`: the
/// runtime rebuilds exactly this from the request.
pub fn presence_statement(
	genesis_hash: [u8; 32],
	doctor: &AccountId,
	patient: &AccountId,
	target: &AccessTarget<Runtime>,
	purpose: Purpose,
	not_after: BlockNumber,
	nonce: [u8; 16],
) -> PresenceStatement<AccountId, BlockNumber> {
	PresenceStatement::new(
		genesis_hash,
		doctor.clone(),
		patient.clone(),
		target,
		purpose,
		not_after,
		nonce,
	)
}

/// The card signs `statement` (the presence key signs nothing else).
pub fn sign_presence(
	card: &ed25519::Pair,
	statement: &PresenceStatement<AccountId, BlockNumber>,
) -> PresenceProof<Runtime> {
	PresenceProof {
		nonce: statement.nonce,
		not_after: statement.not_after,
		signature: card.sign(&statement.encode()).0,
	}
}

/// The commitment a search request for `departments` puts on chain, under the doctor's random
/// `salt` (sent with the departments to the key service only).
pub fn search_commitment(
	schema: &Schema,
	departments: &[usize],
	salt: &[u8; 32],
) -> Result<[u8; 32]> {
	let predicate = schema.department_query(&[], departments)?;
	Ok(query_commitment(&predicate, salt))
}
