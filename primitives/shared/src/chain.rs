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

/// The outcome of recomputing one page of a chain, records `from .. to`
/// ([`HashChain::verify_page`]). Pages `0..a`, `a..b`, ... up to `length` verify the whole
/// chain: each record is checked against its own hash and its predecessor's stored hash.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct ChainPage {
	/// Records in the chain.
	pub length: Seq,
	/// The first record checked.
	pub from: Seq,
	/// One past the last record checked; the stored head was checked too if `to == length`.
	/// Ask for the next page from here.
	pub to: Seq,
	/// The first broken record of the page (`length` if only the stored head differs from
	/// the last record's hash).
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
	/// once, in order, and stops at the first broken one. Unbounded: for try-state checks and
	/// tests; runtime APIs use [`HashChain::verify_page`].
	pub fn verify<O: Encode, L: ChainLink>(
		&self,
		owner: &O,
		length: Seq,
		head: Option<Hash32>,
		get: impl FnMut(Seq) -> Option<L>,
	) -> ChainVerification {
		let page = self.verify_page(owner, length, head, 0, length, get);
		ChainVerification { length, first_broken: page.first_broken }
	}

	/// Recomputes at most `max` records of `owner`'s chain of `length` from position `from`:
	/// each record's hash from its contents and its link to the stored hash of record
	/// `from - 1` (or the genesis hash), and the stored `head` if the page reaches the end.
	/// Reads at most `max + 1` records.
	pub fn verify_page<O: Encode, L: ChainLink>(
		&self,
		owner: &O,
		length: Seq,
		head: Option<Hash32>,
		from: Seq,
		max: Seq,
		mut get: impl FnMut(Seq) -> Option<L>,
	) -> ChainPage {
		let from = from.min(length);
		let to = from.saturating_add(max).min(length);
		let page = |first_broken| ChainPage { length, from, to, first_broken };
		let mut expected_prev = if from == 0 {
			self.genesis_hash(owner)
		} else {
			match get(from.saturating_sub(1)) {
				Some(link) => *link.hash(),
				// The predecessor is missing: it is the broken record.
				None => return page(Some(from.saturating_sub(1))),
			}
		};
		for seq in from..to {
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
				return page(Some(seq));
			}
		}
		if to < length {
			return page(None);
		}
		let head_ok = match head {
			Some(head) => length > 0 && head == expected_prev,
			None => length == 0,
		};
		page((!head_ok).then_some(length))
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
	fn pages_together_verify_what_the_whole_chain_does() {
		let links = build(7, &[1, 2, 3, 4, 5, 6, 7]);
		let get = |links: &[Link]| {
			let links: alloc::vec::Vec<Link> = links.iter().map(|l| Link { ..*l }).collect();
			move |seq: Seq| links.get(seq as usize).map(|l| Link { ..*l })
		};
		let head = links.last().map(|l| l.hash);
		let page =
			|links: &[Link], from, max| CHAIN.verify_page(&7u64, 7, head, from, max, get(links));
		assert_eq!(page(&links, 0, 3), ChainPage { length: 7, from: 0, to: 3, first_broken: None });
		assert_eq!(page(&links, 3, 3), ChainPage { length: 7, from: 3, to: 6, first_broken: None });
		assert_eq!(page(&links, 6, 3), ChainPage { length: 7, from: 6, to: 7, first_broken: None });
		assert_eq!(page(&links, 9, 3), ChainPage { length: 7, from: 7, to: 7, first_broken: None });
		// A tampered record is found by the page holding it, and the head by the last page.
		let mut tampered = build(7, &[1, 2, 3, 4, 5, 6, 7]);
		tampered[4].body = 50;
		assert_eq!(page(&tampered, 0, 3).first_broken, None);
		assert_eq!(page(&tampered, 3, 3).first_broken, Some(4));
		let wrong_head = CHAIN.verify_page(&7u64, 7, Some([0; 32]), 6, 3, get(&links));
		assert_eq!(wrong_head.first_broken, Some(7));
		// A record whose link skips its predecessor's stored hash breaks at the page start.
		let mut relinked = build(7, &[1, 2, 3, 4, 5, 6, 7]);
		relinked[2].hash = [9; 32];
		assert_eq!(page(&relinked, 3, 3).first_broken, Some(3));
		// At most `max + 1` reads.
		let mut reads = 0;
		CHAIN.verify_page(&7u64, 7, head, 2, 2, |seq| {
			reads += 1;
			links.get(seq as usize).map(|l| Link { ..*l })
		});
		assert_eq!(reads, 3);
	}

	#[test]
	fn format_is_hashed() {
		let a = CHAIN.link_hash(&1u64, 1, 0, &[0; 32], &5u64);
		let b = CHAIN.link_hash(&1u64, 2, 0, &[0; 32], &5u64);
		assert_ne!(a, b);
	}
}
