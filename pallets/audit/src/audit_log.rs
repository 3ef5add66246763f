//! Each provider's audit log: every closed challenge, hash-linked through the shared chain
//! helper [`medchain_primitives::HashChain`], as the EMR and access chains are.

use codec::Encode;
use medchain_primitives::{ChainLink, ChainPage, ChainVerification, Hash32, HashChain, Seq};
use sp_runtime::DispatchError;

use crate::{
	AuditEvent, AuditLog, AuditLogHead, AuditLogLength, AuditRecord, Config, Error, Pallet,
};

/// The format of the audit records written today.
pub const AUDIT_FORMAT: u8 = medchain_primitives::FORMAT_V1;

/// Domain separator of audit record hashes.
pub const RECORD_DOMAIN: &[u8] = b"medchain/audit/record/v1";
/// Domain separator of audit log genesis hashes.
pub const GENESIS_DOMAIN: &[u8] = b"medchain/audit/genesis/v1";

/// The audit log's hashing rules: genesis `blake2_256(SCALE(GENESIS_DOMAIN, provider))`, link
/// `blake2_256(SCALE(RECORD_DOMAIN, format, provider, seq, prev_hash, (at, event)))`.
pub const AUDIT_CHAIN: HashChain = HashChain::new(GENESIS_DOMAIN, RECORD_DOMAIN);

impl<T: Config> ChainLink for AuditRecord<T> {
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
			AUDIT_FORMAT => Some(chain.link_hash(
				owner,
				self.format,
				self.seq,
				&self.prev_hash,
				&(&self.at, &self.event),
			)),
			_ => None,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Appends `event` to `provider`'s audit log; returns its position.
	pub(crate) fn log_outcome(
		provider: &T::AccountId,
		event: AuditEvent<T>,
	) -> Result<Seq, DispatchError> {
		let seq = AuditLogLength::<T>::get(provider);
		let next = seq.checked_add(1).ok_or(Error::<T>::AuditLogFull)?;
		let prev_hash =
			AuditLogHead::<T>::get(provider).unwrap_or_else(|| AUDIT_CHAIN.genesis_hash(provider));
		let at = frame_system::Pallet::<T>::block_number();
		let record_hash =
			AUDIT_CHAIN.link_hash(provider, AUDIT_FORMAT, seq, &prev_hash, &(&at, &event));
		AuditLog::<T>::insert(
			provider,
			seq,
			AuditRecord { format: AUDIT_FORMAT, seq, prev_hash, record_hash, at, event },
		);
		AuditLogHead::<T>::insert(provider, record_hash);
		AuditLogLength::<T>::insert(provider, next);
		Ok(seq)
	}

	/// Recomputes `provider`'s whole audit log (try-state checks and tests).
	pub fn verify_audit_log(provider: &T::AccountId) -> ChainVerification {
		AUDIT_CHAIN.verify(
			provider,
			AuditLogLength::<T>::get(provider),
			AuditLogHead::<T>::get(provider),
			|seq| AuditLog::<T>::get(provider, seq),
		)
	}

	/// Recomputes at most `max` records of `provider`'s audit log from `from` (runtime API).
	pub fn verify_audit_log_page(provider: &T::AccountId, from: Seq, max: Seq) -> ChainPage {
		AUDIT_CHAIN.verify_page(
			provider,
			AuditLogLength::<T>::get(provider),
			AuditLogHead::<T>::get(provider),
			from,
			max,
			|seq| AuditLog::<T>::get(provider, seq),
		)
	}
}
