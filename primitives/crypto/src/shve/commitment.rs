//! The query commitment of a search request: what the doctor puts on chain for the query the
//! key service answers, without revealing it.
//!
//! `query_commitment = SHA-256(QUERY_COMMITMENT_DOMAIN || SCALE(predicate) || salt)`, where the
//! predicate is the SHVE query vector (`None` = wildcard) and the salt 32 random bytes of the
//! doctor's. The doctor sends the predicate's departments and the salt to the key service only;
//! the key service rebuilds the predicate, recomputes the commitment and signs it into the
//! token, and the runtime compares it with the request's. The salt keeps the commitment from
//! being matched against the small space of department queries.

use codec::Encode;
use sha2::{Digest, Sha256};

/// Domain separator of query commitments.
pub const QUERY_COMMITMENT_DOMAIN: &[u8] = b"medchain/shve/query/v1";

/// The commitment to `predicate` under `salt`.
pub fn query_commitment(predicate: &[Option<bool>], salt: &[u8; 32]) -> [u8; 32] {
	let mut hasher = Sha256::new();
	hasher.update(QUERY_COMMITMENT_DOMAIN);
	hasher.update(predicate.encode());
	hasher.update(salt);
	hasher.finalize().into()
}
