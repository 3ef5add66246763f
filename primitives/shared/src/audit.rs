//! What storage audits need of the EMR chain and the registry, and what a provider signs with
//! its answer to an on-chain challenge.
//!
//! The audit pallet samples live, receipted entries uniformly through [`AuditIndex`] (the EMR
//! pallet keeps a global index of them), verifies proofs through it (the EMR pallet knows the
//! entry's committed file parameters and asks the registry for the key that tagged it), finds
//! providers' endpoints through [`ProviderEndpoints`] (the registry), and tells the EMR pallet
//! whether a provider may take new records through [`ProviderStanding`].

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::{Hash32, HospitalId, PossessionCheck, Seq};

/// A live (not erased), receipted EMR entry as an audit needs it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AuditTarget<AccountId> {
	/// The storage provider that signed the entry's receipt and holds the record.
	pub provider: AccountId,
	/// The hospital that wrote the entry (whose PDP key tagged it): alerted on failure.
	pub hospital: HospitalId,
	/// Number of PDP blocks of the record.
	pub blocks: u32,
}

/// A global index of the EMR entries (every entry carries its provider's receipt), so that
/// audits sample them uniformly: each position in `0..position_count()` names one entry, in
/// append order. An erased entry may keep its position: [`AuditIndex::audit_target`] then
/// answers `None`, so a draw that hits it opens nothing and the draws that do open a challenge
/// are uniform over the live entries.
pub trait AuditIndex<AccountId> {
	/// Number of positions (entries appended, erased ones included).
	fn position_count() -> u64;
	/// The entry at `position`, if `position < position_count()`.
	fn entry_at(position: u64) -> Option<(AccountId, Seq)>;
	/// Entry `seq` of `patient` as an audit needs it; `None` if it does not exist or was
	/// erased (an erased entry is never challenged, and an open challenge of an entry erased
	/// since is void).
	fn audit_target(patient: &AccountId, seq: Seq) -> Option<AuditTarget<AccountId>>;
	/// Checks `proof` (SCALE masked `PdpProof`) for the challenge of `challenged` blocks
	/// derived from `seed`, `file_params` (SCALE `PdpFileParams`) having to be those the entry
	/// committed to, under the PDP key version that tagged the entry; natively, through the
	/// `verify_pdp_sized` host function.
	fn check_possession(
		patient: &AccountId,
		seq: Seq,
		file_params: &[u8],
		seed: &[u8; 32],
		challenged: u32,
		proof: &[u8],
	) -> PossessionCheck;
}

/// Where a storage provider answers audits: its registered HTTP endpoint (the registry).
pub trait ProviderEndpoints<AccountId> {
	/// The base URL of `provider`'s service (`http://host:port`), if it is an active provider.
	fn endpoint(provider: &AccountId) -> Option<Vec<u8>>;
}

/// Whether a provider may take new records: what a provider at the bottom of the reputation
/// scale loses. The audit pallet implements it; the EMR pallet asks it on append. `()` lets
/// every provider take records (a runtime without audits).
pub trait ProviderStanding<AccountId> {
	/// `false` while `provider` is suspended by its audit record.
	fn accepts_new_records(provider: &AccountId) -> bool;
}

impl<AccountId> ProviderStanding<AccountId> for () {
	fn accepts_new_records(_: &AccountId) -> bool {
		true
	}
}

/// The first bytes of every [`AnswerStatement`] (shared with the version-1 answers of any
/// caller's seed, which named no challenge).
pub const AUDIT_DOMAIN: [u8; 17] = *b"medchain/audit/v1";
/// The layout version of [`AnswerStatement`]: 2, an answer to an on-chain challenge.
pub const ANSWER_STATEMENT_VERSION: u8 = 2;

/// What a storage provider signs (sr25519, its account key) with its answer to an on-chain
/// audit challenge; SCALE-encoded, that is the signed message. It names the chain, the
/// challenge, the entry, the seed, the size and hashes of the file parameters and the proof, so
/// an answer to one challenge is worthless for another, and a relayer cannot change a byte of
/// it: a relayer cannot frame a provider with a bad proof.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct AnswerStatement<AccountId> {
	/// [`AUDIT_DOMAIN`].
	pub domain: [u8; 17],
	/// [`ANSWER_STATEMENT_VERSION`].
	pub version: u8,
	/// The chain's genesis hash.
	pub genesis_hash: Hash32,
	/// The provider answering.
	pub provider: AccountId,
	/// The challenge answered.
	pub challenge: u64,
	/// The entry's patient.
	pub patient: AccountId,
	/// The entry's position.
	pub seq: Seq,
	/// The challenge's seed.
	pub seed: [u8; 32],
	/// Blocks challenged.
	pub challenged: u32,
	/// BLAKE2b-256 of the SCALE file parameters.
	pub file_params_hash: Hash32,
	/// BLAKE2b-256 of the SCALE proof.
	pub proof_hash: Hash32,
}

impl<AccountId> AnswerStatement<AccountId> {
	/// The statement of `provider`'s answer to `challenge` on the chain `genesis_hash`, the
	/// hashes computed with `blake2_256`.
	#[allow(clippy::too_many_arguments)]
	pub fn new(
		genesis_hash: Hash32,
		provider: AccountId,
		challenge: u64,
		patient: AccountId,
		seq: Seq,
		seed: [u8; 32],
		challenged: u32,
		file_params: &[u8],
		proof: &[u8],
	) -> Self {
		Self {
			domain: AUDIT_DOMAIN,
			version: ANSWER_STATEMENT_VERSION,
			genesis_hash,
			provider,
			challenge,
			patient,
			seq,
			seed,
			challenged,
			file_params_hash: sp_io::hashing::blake2_256(file_params),
			proof_hash: sp_io::hashing::blake2_256(proof),
		}
	}
}
