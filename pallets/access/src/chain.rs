//! The access chain: appending a record and recomputing a patient's chain, through the shared
//! hash-chain helper [`medchain_primitives::HashChain`].

use codec::Encode;
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{ChainLink, ChainPage, ChainVerification, Hash32, HashChain, Seq};
use sp_runtime::DispatchError;

use crate::{
	AccessEvent, AccessHead, AccessLength, AccessLog, AccessRecord, Config, Error, Pallet,
	RequestId,
};

/// The format of the access records written today: 2, the records of access with a basis
/// (basis, purpose enum, consent purposes, who acted for the patient). Format 1 records
/// (free-text purposes, department scopes) were written only by development chains before
/// storage version 2; this runtime does not decode them.
pub const ACCESS_FORMAT: u8 = 2;

/// Domain separator of access record hashes.
pub const RECORD_DOMAIN: &[u8] = b"medchain/access/record/v1";
/// Domain separator of access chain genesis hashes.
pub const GENESIS_DOMAIN: &[u8] = b"medchain/access/genesis/v1";

/// The access chain's hashing rules: genesis `blake2_256(SCALE(GENESIS_DOMAIN, patient))`, link
/// `blake2_256(SCALE(RECORD_DOMAIN, format, patient, seq, prev_hash, (at, request_id, event)))`.
pub const ACCESS_CHAIN: HashChain = HashChain::new(GENESIS_DOMAIN, RECORD_DOMAIN);

impl<T: Config> ChainLink for AccessRecord<T> {
	fn seq(&self) -> Seq {
		self.seq
	}

	fn prev_hash(&self) -> &Hash32 {
		&self.prev_hash
	}

	fn hash(&self) -> &Hash32 {
		&self.record_hash
	}

	fn recompute<O: Encode>(&self, chain: &HashChain, owner: &O) -> Option<Hash32> {
		match self.format {
			ACCESS_FORMAT => Some(chain.link_hash(
				owner,
				self.format,
				self.seq,
				&self.prev_hash,
				&(&self.at, self.request_id, &self.event),
			)),
			_ => None,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Appends a record to `patient`'s access chain in [`ACCESS_FORMAT`]; returns its
	/// position.
	pub(crate) fn append(
		patient: &T::AccountId,
		request_id: Option<RequestId>,
		event: AccessEvent<T>,
	) -> Result<Seq, DispatchError> {
		let seq = AccessLength::<T>::get(patient);
		let next = seq.checked_add(1).ok_or(Error::<T>::AccessChainFull)?;
		let prev_hash =
			AccessHead::<T>::get(patient).unwrap_or_else(|| Self::genesis_hash(patient));
		let at = frame_system::Pallet::<T>::block_number();
		let record_hash = Self::record_hash(patient, seq, &prev_hash, &at, request_id, &event);
		AccessLog::<T>::insert(
			patient,
			seq,
			AccessRecord {
				format: ACCESS_FORMAT,
				seq,
				prev_hash,
				record_hash,
				at,
				request_id,
				event,
			},
		);
		AccessHead::<T>::insert(patient, record_hash);
		AccessLength::<T>::insert(patient, next);
		Ok(seq)
	}

	/// The hash an empty access chain starts from: distinct per patient, so records cannot
	/// be moved between chains.
	pub fn genesis_hash(patient: &T::AccountId) -> Hash32 {
		ACCESS_CHAIN.genesis_hash(patient)
	}

	/// The hash of an access record of format [`ACCESS_FORMAT`] with these contents.
	pub fn record_hash(
		patient: &T::AccountId,
		seq: Seq,
		prev_hash: &Hash32,
		at: &BlockNumberFor<T>,
		request_id: Option<RequestId>,
		event: &AccessEvent<T>,
	) -> Hash32 {
		ACCESS_CHAIN.link_hash(patient, ACCESS_FORMAT, seq, prev_hash, &(at, request_id, event))
	}

	/// Recomputes `patient`'s access chain: every record's hash from its contents under the
	/// rules of its format and every link to its predecessor, then the stored head.
	pub fn verify_access_chain(patient: &T::AccountId) -> ChainVerification {
		ACCESS_CHAIN.verify(
			patient,
			AccessLength::<T>::get(patient),
			AccessHead::<T>::get(patient),
			|seq| AccessLog::<T>::get(patient, seq),
		)
	}

	/// Recomputes at most `max` records of `patient`'s access chain from position `from` (and
	/// the stored head if the page reaches the end), reading at most `max + 1` records: what
	/// the runtime API answers, in bounded time however long the chain.
	pub fn verify_access_chain_page(patient: &T::AccountId, from: Seq, max: Seq) -> ChainPage {
		ACCESS_CHAIN.verify_page(
			patient,
			AccessLength::<T>::get(patient),
			AccessHead::<T>::get(patient),
			from,
			max,
			|seq| AccessLog::<T>::get(patient, seq),
		)
	}
}
