//! `on_initialize`: note the block's author, fix the seeds that became fixable, time out the
//! challenges whose window passed, and open new ones within the audit budget.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{traits::FindAuthor, weights::Weight, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Get, Saturating};

use crate::{
	Assignment, AuditIndex, AuthorRun, Challenge, ChallengeKind, Challenges, Config, EntryAudits,
	Event, NextChallengeId, OpenQueue, OpenSlot, Outcome, Pallet, RelayScores, Relayers,
	WeightInfo, SEED_DOMAIN, SELECT_DOMAIN,
};

/// Distinct authors a seed is drawn from when the session has that many validators.
pub const SEED_AUTHORS: u32 = 2;

impl<T: Config> Pallet<T> {
	/// The whole hook; returns the weight it used (the verification weight it reserved for
	/// the challenges it opened is charged to the later `submit_proof` calls).
	pub(crate) fn run_audits(now: BlockNumberFor<T>) -> Weight {
		let mut used = T::WeightInfo::on_initialize_base();
		let run_start = Self::note_author(now);
		let parent_hash = frame_system::Pallet::<T>::parent_hash();
		let validators = Relayers::<T>::decode_len().unwrap_or(0) as u32;

		// Seeds and timeouts first: they free places in the queue.
		let queue = OpenQueue::<T>::get();
		let mut expired = Vec::new();
		let mut kept: Vec<OpenSlot<T>> = Vec::with_capacity(queue.len());
		for mut slot in queue.into_iter() {
			if !slot.seeded {
				if let Some(authors) = Self::seed_ready(now, slot.opened_at, run_start, validators)
				{
					if let Some(deadline) =
						Self::fix_seed(slot.id, parent_hash.as_ref(), now, authors)
					{
						slot.seeded = true;
						slot.deadline = deadline;
					}
					used.saturating_accrue(T::WeightInfo::seed_challenge());
				}
			}
			if slot.deadline < now {
				expired.push(slot.id);
			} else {
				kept.push(slot);
			}
		}
		// At most `MaxOpenChallenges` slots were read, so they fit again.
		OpenQueue::<T>::put(BoundedVec::truncate_from(kept));
		for id in expired {
			Self::time_out(id);
			used.saturating_accrue(T::WeightInfo::time_out_challenge());
		}

		used.saturating_accrue(Self::open_new_challenges(now, parent_hash.as_ref(), used));
		used
	}

	/// Records the author of block `now` and returns the first block of the run of blocks by
	/// one author that ended at `now - 1` (before `now`'s author is counted), if known.
	fn note_author(now: BlockNumberFor<T>) -> Option<BlockNumberFor<T>> {
		let digest = frame_system::Pallet::<T>::digest();
		let author = T::FindAuthor::find_author(
			digest.logs().iter().filter_map(|item| item.as_pre_runtime()),
		);
		let previous = AuthorRun::<T>::get();
		if let Some(author) = author {
			match &previous {
				Some((run_author, _)) if *run_author == author => {},
				_ => AuthorRun::<T>::put((author, now)),
			}
		}
		previous.map(|(_, start)| start)
	}

	/// Whether, at block `now`, the seed of a challenge opened at `opened_at` can be fixed from
	/// blocks `opened_at + 1 ..= now - 1`, and from how many distinct authors: two if the run
	/// of one author that ended at `now - 1` started at `opened_at + 2` or later (so block
	/// `opened_at + 1`, or a later one, had another author); one if the session has a single
	/// validator, or once [`Config::SeedFallbackAfter`] blocks passed.
	pub(crate) fn seed_ready(
		now: BlockNumberFor<T>,
		opened_at: BlockNumberFor<T>,
		run_start: Option<BlockNumberFor<T>>,
		validators: u32,
	) -> Option<u8> {
		let two = opened_at.saturating_add(2u32.into());
		if now < two {
			return None;
		}
		let needed = SEED_AUTHORS.min(validators.max(1));
		if needed >= 2 && run_start.is_some_and(|start| start >= two) {
			return Some(2);
		}
		if needed <= 1 || now >= opened_at.saturating_add(T::SeedFallbackAfter::get()) {
			return Some(1);
		}
		None
	}

	/// The seed of challenge `id` fixed in a block whose parent is `parent_hash`.
	pub fn seed_of(id: crate::ChallengeId, parent_hash: &[u8]) -> [u8; 32] {
		sp_io::hashing::blake2_256(&(SEED_DOMAIN, id, parent_hash).encode())
	}

	/// Fixes challenge `id`'s seed and deadline; returns the deadline.
	fn fix_seed(
		id: crate::ChallengeId,
		parent_hash: &[u8],
		now: BlockNumberFor<T>,
		seed_authors: u8,
	) -> Option<BlockNumberFor<T>> {
		let mut challenge = Challenges::<T>::get(id)?;
		let seed = Self::seed_of(id, parent_hash);
		let deadline = now.saturating_add(Self::window(challenge.kind));
		challenge.seed = Some(seed);
		challenge.seed_authors = seed_authors;
		challenge.deadline = deadline;
		Challenges::<T>::insert(id, challenge);
		Self::deposit_event(Event::ChallengeSeeded { challenge: id, seed, seed_authors, deadline });
		Some(deadline)
	}

	/// The answer window of `kind`, counted from the seed.
	pub fn window(kind: ChallengeKind) -> BlockNumberFor<T> {
		match kind {
			ChallengeKind::Light => T::LightWindow::get(),
			ChallengeKind::Full => T::FullWindow::get(),
		}
	}

	/// Blocks challenged by `kind` before the `min(n, ..)`.
	pub fn blocks_of(kind: ChallengeKind) -> u32 {
		match kind {
			ChallengeKind::Light => T::LightChallengeBlocks::get(),
			ChallengeKind::Full => T::FullChallengeBlocks::get(),
		}
	}

	/// The kind of challenge `id`: one in [`Config::FullChallengeEvery`] is full.
	pub fn kind_of(id: crate::ChallengeId) -> ChallengeKind {
		if id % u64::from(T::FullChallengeEvery::get().max(1)) == 0 {
			ChallengeKind::Full
		} else {
			ChallengeKind::Light
		}
	}

	/// Challenge `id`'s window passed without a signed answer: the provider's timeout (void if
	/// the entry was erased meanwhile, or if no seed was ever fixed), and a missed duty for
	/// every assigned relayer that reported nothing while a seed was out.
	fn time_out(id: crate::ChallengeId) {
		let Some(challenge) = Challenges::<T>::get(id) else { return };
		let seeded = challenge.seed.is_some();
		if seeded {
			for assignment in challenge.relayers.iter().filter(|a| a.report.is_none()) {
				T::RelayScores::missed(&assignment.relayer, id);
				Self::deposit_event(Event::RelayerMissed {
					challenge: id,
					relayer: assignment.relayer.clone(),
				});
			}
		}
		let live = T::Entries::audit_target(&challenge.patient, challenge.seq).is_some();
		let outcome = if seeded && live { Outcome::Timeout } else { Outcome::Void };
		if let Err(error) = Self::close(id, challenge, outcome, None) {
			log::error!(target: "runtime::audit", "closing challenge {id} failed: {error:?}");
		}
	}

	/// Opens challenges while the budget, the queue and [`Config::MaxOpenPerBlock`] allow;
	/// `used` is what the hook used so far. Returns the weight the openings used; the
	/// verification weight reserved for them counts against the budget only.
	fn open_new_challenges(now: BlockNumberFor<T>, parent_hash: &[u8], used: Weight) -> Weight {
		let budget =
			T::AuditBudget::get() * <T as frame_system::Config>::BlockWeights::get().max_block;
		let mut hook = Weight::zero();
		let mut reserved = Weight::zero();
		let live = T::Entries::position_count();
		let validators = Relayers::<T>::get();
		if live == 0 || validators.is_empty() {
			return hook;
		}
		let max_open = T::MaxOpenChallenges::get() as usize;
		let mut open = OpenQueue::<T>::decode_len().unwrap_or(0);
		let max_per_block = T::MaxOpenPerBlock::get();
		let mut opened = 0u32;
		// Draws that hit an entry already challenged (or a stale index) open nothing; they
		// are bounded too.
		let mut draws = 0u32;
		// At most two draws per challenge wanted, and per indexed entry: a small chain whose
		// entries are all challenged already does not read them over and over.
		let max_draws = max_per_block
			.saturating_mul(2)
			.min(live.saturating_mul(2).min(u64::from(u32::MAX)) as u32);
		while opened < max_per_block && open < max_open && draws < max_draws {
			let id = NextChallengeId::<T>::get();
			let kind = Self::kind_of(id);
			let verification = T::WeightInfo::submit_proof(Self::blocks_of(kind));
			let cost = T::WeightInfo::open_challenge().saturating_add(verification);
			if used
				.saturating_add(hook)
				.saturating_add(reserved)
				.saturating_add(cost)
				.any_gt(budget)
			{
				break;
			}
			draws = draws.saturating_add(1);
			hook.saturating_accrue(T::WeightInfo::open_challenge());
			let random =
				sp_io::hashing::blake2_256(&(SELECT_DOMAIN, parent_hash, now, draws).encode());
			if Self::open_one(id, kind, now, &random, live, &validators) {
				opened = opened.saturating_add(1);
				open = open.saturating_add(1);
				reserved.saturating_accrue(verification);
			}
		}
		hook
	}

	/// Opens challenge `id` of `kind` on the entry at the live index position drawn from
	/// `random`, assigned to relayers drawn from it too; `false` if the draw hit nothing
	/// auditable or an entry with an open challenge.
	fn open_one(
		id: crate::ChallengeId,
		kind: ChallengeKind,
		now: BlockNumberFor<T>,
		random: &[u8; 32],
		live: u64,
		validators: &[(T::AccountId, crate::AuditId)],
	) -> bool {
		let index = u64::from_le_bytes(word(random, 0)) % live;
		let Some((patient, seq)) = T::Entries::entry_at(index) else { return false };
		let Some(target) = T::Entries::audit_target(&patient, seq) else { return false };
		let mut audit = EntryAudits::<T>::get(&patient, seq);
		if audit.open.is_some() {
			return false;
		}
		let relayers = Self::pick_relayers(random, validators);
		let challenged = Self::blocks_of(kind).min(target.blocks).max(1);
		// Before the seed: the latest the seed can be fixed, plus the window.
		let deadline =
			now.saturating_add(T::SeedFallbackAfter::get()).saturating_add(Self::window(kind));
		let slot = OpenSlot { id, opened_at: now, deadline, seeded: false };
		if OpenQueue::<T>::try_mutate(|queue| queue.try_push(slot)).is_err() {
			return false;
		}
		Challenges::<T>::insert(
			id,
			Challenge {
				patient: patient.clone(),
				seq,
				provider: target.provider.clone(),
				hospital: target.hospital,
				kind,
				challenged,
				opened_at: now,
				seed: None,
				seed_authors: 0,
				deadline,
				relayers,
			},
		);
		audit.open = Some(id);
		EntryAudits::<T>::insert(&patient, seq, audit);
		NextChallengeId::<T>::put(id.saturating_add(1));
		Self::deposit_event(Event::ChallengeOpened {
			challenge: id,
			patient,
			seq,
			provider: target.provider,
			kind,
			challenged,
		});
		true
	}

	/// `min(RelayersPerChallenge, validators)` distinct validators drawn from `random` (a
	/// partial Fisher-Yates shuffle of the session's set), with their audit keys.
	pub(crate) fn pick_relayers(
		random: &[u8; 32],
		validators: &[(T::AccountId, crate::AuditId)],
	) -> BoundedVec<Assignment<T>, T::RelayersPerChallenge> {
		let wanted = (T::RelayersPerChallenge::get() as usize).min(validators.len());
		let mut order: Vec<usize> = (0..validators.len()).collect();
		let mut picked = Vec::with_capacity(wanted);
		for i in 0..wanted {
			// Words 1..=3 of `random`, then fresh hashes: independent of the entry's draw.
			let bytes = if i < 3 {
				word(random, i + 1)
			} else {
				word(&sp_io::hashing::blake2_256(&(random, i as u32).encode()), 0)
			};
			let remaining = (order.len() - i) as u64;
			let j = i + (u64::from_le_bytes(bytes) % remaining) as usize;
			order.swap(i, j);
			let (relayer, key) = &validators[order[i]];
			picked.push(Assignment { relayer: relayer.clone(), key: key.clone(), report: None });
		}
		// `wanted <= RelayersPerChallenge`.
		BoundedVec::truncate_from(picked)
	}
}

/// The `n`-th 8-byte word of a 32-byte hash.
fn word(hash: &[u8; 32], n: usize) -> [u8; 8] {
	let mut out = [0u8; 8];
	let start = (n % 4) * 8;
	out.copy_from_slice(&hash[start..start + 8]);
	out
}
