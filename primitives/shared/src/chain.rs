//! The hash-chain helper of every per-patient log: the EMR index chain, the access-record chain
//! and the audit log.
//!
//! Record `i` of an owner's chain carries `prev_hash` (record `i - 1`'s hash, or the owner's
//! genesis hash for record 0) and its own hash, BLAKE2b-256 over the SCALE encoding of
//! `(link domain, format, owner, i, prev_hash, body)`. The format version is part of what is
//! hashed and is stored with each record, so a runtime upgrade that changes a record's layout
//! adds a format and keeps recomputing old records with the rules of theirs: `verify` never
//! breaks on a migration. The genesis hash is distinct per owner, so records cannot be moved
//! between chains.

use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

use crate::{Hash32, Seq};

/// The first format of every chain's records.
pub const FORMAT_V1: u8 = 1;

/// The outcome of recomputing a chain.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct ChainVerification {
	/// Records in the chain.
	pub length: Seq,
	/// The first record whose stored link or hash does not match the recomputed one (`length`
	/// if only the stored head differs from the last record's hash).
	pub first_broken: Option<Seq>,
}

/// A stored record of a chain, as the verifier needs it.
pub trait ChainLink {
	/// The record's stored position.
	fn seq(&self) -> Seq;
	/// The stored hash of the previous record.
	fn prev_hash(&self) -> &Hash32;
	/// The record's stored hash.
	fn hash(&self) -> &Hash32;
	/// The hash recomputed from the record's contents under the rules of its format, or `None`
	/// if the format is unknown to this runtime (which verification reports as broken).
	fn recompute<O: Encode>(&self, chain: &HashChain, owner: &O) -> Option<Hash32>;
}

/// The domain separators of one kind of chain.
#[derive(Clone, Copy, Debug)]
pub struct HashChain {
	genesis_domain: &'static [u8],
	link_domain: &'static [u8],
}

impl HashChain {
	/// A chain whose genesis hashes and link hashes use these domain separators.
	pub const fn new(genesis_domain: &'static [u8], link_domain: &'static [u8]) -> Self {
		Self { genesis_domain, link_domain }
	}

	/// The hash an empty chain of `owner` starts from.
	pub fn genesis_hash<O: Encode>(&self, owner: &O) -> Hash32 {
		sp_io::hashing::blake2_256(&(self.genesis_domain, owner).encode())
	}

	/// The hash of record `seq` of `owner`'s chain in `format`, linked to `prev_hash`, with
	/// contents `body`.
	pub fn link_hash<O: Encode, B: Encode>(
		&self,
		owner: &O,
		format: u8,
		seq: Seq,
		prev_hash: &Hash32,
		body: &B,
	) -> Hash32 {
		sp_io::hashing::blake2_256(
			&(self.link_domain, format, owner, seq, prev_hash, body).encode(),
		)
	}

	/// Recomputes `owner`'s chain of `length` records, fetched by position with `get`, against
	/// the stored `head` (the last record's hash, `None` for an empty chain). Reads each record
	/// once, in order, and stops at the first broken one.
	pub fn verify<O: Encode, L: ChainLink>(
		&self,
		owner: &O,
		length: Seq,
		head: Option<Hash32>,
		mut get: impl FnMut(Seq) -> Option<L>,
	) -> ChainVerification {
		let mut expected_prev = self.genesis_hash(owner);
		for seq in 0..length {
			let broken = match get(seq) {
				None => true,
				Some(link) => {
					let intact = link.seq() == seq
						&& *link.prev_hash() == expected_prev
						&& link.recompute(self, owner).as_ref() == Some(link.hash());
					expected_prev = *link.hash();
					!intact
				},
			};
			if broken {
				return ChainVerification { length, first_broken: Some(seq) };
			}
		}
		let head_ok = match head {
			Some(head) => length > 0 && head == expected_prev,
			None => length == 0,
		};
		ChainVerification { length, first_broken: (!head_ok).then_some(length) }
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const CHAIN: HashChain = HashChain::new(b"test/genesis", b"test/link");

	struct Link {
		seq: Seq,
		prev: Hash32,
		hash: Hash32,
		format: u8,
		body: u64,
	}

	impl ChainLink for Link {
		fn seq(&self) -> Seq {
			self.seq
		}
		fn prev_hash(&self) -> &Hash32 {
			&self.prev
		}
		fn hash(&self) -> &Hash32 {
			&self.hash
		}
		fn recompute<O: Encode>(&self, chain: &HashChain, owner: &O) -> Option<Hash32> {
			(self.format == FORMAT_V1)
				.then(|| chain.link_hash(owner, self.format, self.seq, &self.prev, &self.body))
		}
	}

	fn build(owner: u64, bodies: &[u64]) -> alloc::vec::Vec<Link> {
		let mut prev = CHAIN.genesis_hash(&owner);
		let mut out = alloc::vec::Vec::new();
		for (i, body) in bodies.iter().enumerate() {
			let seq = i as Seq;
			let hash = CHAIN.link_hash(&owner, FORMAT_V1, seq, &prev, body);
			out.push(Link { seq, prev, hash, format: FORMAT_V1, body: *body });
			prev = hash;
		}
		out
	}

	fn verify(owner: u64, links: &[Link]) -> ChainVerification {
		let head = links.last().map(|l| l.hash);
		CHAIN.verify(&owner, links.len() as Seq, head, |seq| {
			links.get(seq as usize).map(|l| Link { ..*l })
		})
	}

	#[test]
	fn intact_chain_verifies() {
		let links = build(7, &[1, 2, 3]);
		assert_eq!(verify(7, &links), ChainVerification { length: 3, first_broken: None });
		assert_eq!(verify(7, &[]), ChainVerification { length: 0, first_broken: None });
	}

	#[test]
	fn tampering_is_located() {
		let mut links = build(7, &[1, 2, 3]);
		links[1].body = 20;
		assert_eq!(verify(7, &links).first_broken, Some(1));

		// A format this runtime does not know, its hash consistent with that format: only the
		// unknown format breaks it.
		let mut links = build(7, &[1, 2, 3]);
		links[2].format = 9;
		links[2].hash = CHAIN.link_hash(&7u64, 9, 2, &links[2].prev, &links[2].body);
		assert_eq!(verify(7, &links).first_broken, Some(2));

		// Another owner's chain does not verify as this owner's.
		assert_eq!(verify(8, &build(7, &[1])).first_broken, Some(0));

		// A stored head that is not the last record's hash.
		let links = build(7, &[1, 2]);
		let got = CHAIN
			.verify(&7u64, 2, Some([0; 32]), |seq| links.get(seq as usize).map(|l| Link { ..*l }));
		assert_eq!(got.first_broken, Some(2));
		// A missing record.
		let got = CHAIN.verify(&7u64, 3, Some(links[1].hash), |seq| {
			links.get(seq as usize).map(|l| Link { ..*l })
		});
		assert_eq!(got.first_broken, Some(2));
	}

	#[test]
	fn format_is_hashed() {
		let a = CHAIN.link_hash(&1u64, 1, 0, &[0; 32], &5u64);
		let b = CHAIN.link_hash(&1u64, 2, 0, &[0; 32], &5u64);
		assert_ne!(a, b);
	}
}
