//! A minimal runtime for the scoring tests: System and the scoring pallet. The registry, the
//! session keys and Aura are a test directory ([`Directory`]); `pallet-session` is simulated
//! ([`rotate_session`]) by calling the pallet's `SessionManager` as `pallet-session` does:
//! `end_session(i)`, the queued set takes over, `start_session(i + 1)`, then
//! `new_session(i + 2)` plans the next one.

use core::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, Hooks, ValidatorRegistration},
};
use medchain_primitives::{HospitalId, HospitalValidator, HospitalValidators};
use pallet_session::SessionManager;
use sp_runtime::{BuildStorage, Perbill};

use crate::{self as pallet_scoring, Slot, SlotAuthorities};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Scoring: pallet_scoring,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

#[derive(Default)]
struct State {
	/// Validator account -> (hospital, grade) of active hospitals.
	validators: BTreeMap<u64, (HospitalId, u8)>,
	/// Accounts with registered session keys.
	keys: BTreeSet<u64>,
	/// The current block's slot.
	slot: Slot,
	/// The session in force, its validators and the queued ones (as `pallet-session`).
	session: u32,
	authorities: Vec<u64>,
	queued: Vec<u64>,
}

std::thread_local! {
	static STATE: RefCell<State> = RefCell::new(State::default());
}

/// The test directory: registry, session keys, Aura.
pub struct Directory;

impl Directory {
	/// Makes `who` the validator of active hospital `hospital` of `grade`, with keys.
	pub fn add_validator(who: u64, hospital: HospitalId, grade: u8) {
		STATE.with(|s| {
			let mut s = s.borrow_mut();
			s.validators.insert(who, (hospital, grade));
			s.keys.insert(who);
		});
	}
	/// The registry's side of a revocation: `who` is no longer an active hospital's validator.
	pub fn remove_validator(who: u64) {
		STATE.with(|s| s.borrow_mut().validators.remove(&who));
	}
	/// Changes the grade of `who`'s hospital.
	pub fn set_grade(who: u64, grade: u8) {
		STATE.with(|s| {
			if let Some(v) = s.borrow_mut().validators.get_mut(&who) {
				v.1 = grade;
			}
		});
	}
	/// Registers or purges `who`'s session keys.
	pub fn set_keys(who: u64, registered: bool) {
		STATE.with(|s| {
			let mut s = s.borrow_mut();
			if registered {
				s.keys.insert(who);
			} else {
				s.keys.remove(&who);
			}
		});
	}
	pub fn set_slot(slot: Slot) {
		STATE.with(|s| s.borrow_mut().slot = slot);
	}
	pub fn slot() -> Slot {
		STATE.with(|s| s.borrow().slot)
	}
	pub fn set_authorities(authorities: &[u64]) {
		STATE.with(|s| s.borrow_mut().authorities = authorities.to_vec());
	}
	/// The session in force.
	pub fn session() -> u32 {
		STATE.with(|s| s.borrow().session)
	}
	/// The set queued for the next session.
	pub fn queued() -> Vec<u64> {
		STATE.with(|s| s.borrow().queued.clone())
	}
}

impl HospitalValidators<u64> for Directory {
	fn hospital_of_validator(who: &u64) -> Option<HospitalValidator> {
		STATE.with(|s| {
			s.borrow()
				.validators
				.get(who)
				.map(|(hospital, grade)| HospitalValidator { hospital: *hospital, grade: *grade })
		})
	}
}

impl ValidatorRegistration<u64> for Directory {
	fn is_registered(who: &u64) -> bool {
		STATE.with(|s| s.borrow().keys.contains(who))
	}
}

impl SlotAuthorities<u64> for Directory {
	fn current_slot() -> Slot {
		Self::slot()
	}
	fn authorities() -> Vec<u64> {
		STATE.with(|s| s.borrow().authorities.clone())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for Directory {
	fn make_validator(who: &u64, grade: u8, replacing: Option<HospitalId>) -> HospitalId {
		let hospital = replacing.unwrap_or_else(|| {
			STATE.with(|s| {
				let s = s.borrow();
				s.validators.values().map(|(h, _)| h + 1).max().unwrap_or(0)
			})
		});
		// One validator account per hospital, as the registry keeps it.
		STATE.with(|s| s.borrow_mut().validators.retain(|_, (h, _)| *h != hospital));
		Directory::add_validator(*who, hospital, grade);
		hospital
	}
	fn set_slot(slot: Slot) {
		Directory::set_slot(slot);
	}
	fn set_authorities(authorities: &[u64]) {
		Directory::set_authorities(authorities);
	}
}

parameter_types! {
	pub const DecayRate: Perbill = Perbill::from_percent(50);
}

/// Grade 10 is the minimum; a grade is worth 100 points, so grades 10, 11, 12 start at 1000,
/// 1100, 1200; a validator enters at 1100 and leaves below 900.
impl pallet_scoring::Config for Test {
	type HospitalValidators = Directory;
	type ValidatorRegistration = Directory;
	type SlotAuthorities = Directory;
	type MinGrade = frame_support::traits::ConstU8<10>;
	type PointsPerGrade = ConstU32<100>;
	type MaxPoints = ConstU32<2000>;
	type BlockPoints = ConstU32<2>;
	type MissedSlotPenalty = ConstU32<10>;
	type RelayPoints = ConstU32<5>;
	type MissedRelayPenalty = ConstU32<20>;
	type MisbehaviourPenalty = ConstU32<100>;
	type DecayRate = DecayRate;
	type EnterThreshold = ConstU32<1100>;
	type LeaveThreshold = ConstU32<900>;
	type GraceSessions = ConstU32<2>;
	type DesiredValidators = ConstU32<4>;
	type MinValidators = ConstU32<3>;
	type MaxValidators = ConstU32<5>;
	type MaxCandidates = ConstU32<8>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Directory;
}

/// Builds the test externalities.
#[derive(Default)]
pub struct ExtBuilder {
	/// (account, hospital, grade): made hospital validators with keys and genesis candidates.
	candidates: Vec<(u64, HospitalId, u8)>,
	/// The genesis validators (`pallet-session`'s genesis keys).
	validators: Vec<u64>,
}

impl ExtBuilder {
	/// Genesis candidates (each made its hospital's validator with keys).
	pub fn candidates(mut self, candidates: &[(u64, HospitalId, u8)]) -> Self {
		self.candidates = candidates.to_vec();
		self
	}
	/// The genesis validators.
	pub fn validators(mut self, validators: &[u64]) -> Self {
		self.validators = validators.to_vec();
		self
	}
	/// Four grade-12 genesis validators 1..=4 (hospitals 0..=3), all candidates.
	pub fn four() -> Self {
		Self::default()
			.candidates(&[(1, 0, 12), (2, 1, 12), (3, 2, 12), (4, 3, 12)])
			.validators(&[1, 2, 3, 4])
	}

	pub fn build(self) -> sp_io::TestExternalities {
		STATE.with(|s| *s.borrow_mut() = State::default());
		for (who, hospital, grade) in &self.candidates {
			Directory::add_validator(*who, *hospital, *grade);
		}
		for who in &self.validators {
			Directory::set_keys(*who, true);
		}
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			scoring: pallet_scoring::GenesisConfig { candidates: self.candidates.clone() },
		}
		.build_storage()
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		let validators = self.validators;
		ext.execute_with(|| {
			// As `pallet-session`'s genesis: no set from the manager, the keys' accounts.
			assert_eq!(Scoring::new_session_genesis(0), None);
			assert_eq!(Scoring::new_session_genesis(1), None);
			STATE.with(|s| {
				let mut s = s.borrow_mut();
				s.authorities = validators.clone();
				s.queued = validators.clone();
			});
			Scoring::start_session(0);
			System::set_block_number(1);
			Directory::set_slot(1);
			Scoring::on_initialize(1);
		});
		ext
	}

	/// Builds, runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Scoring::do_try_state().expect("try_state holds after the test");
		});
	}
}

/// Rotates the session as `pallet-session` does; returns what `new_session` planned.
pub fn rotate_session() -> Option<Vec<u64>> {
	let index = Directory::session();
	Scoring::end_session(index);
	let queued = Directory::queued();
	STATE.with(|s| {
		let mut s = s.borrow_mut();
		s.authorities = queued.clone();
		s.session = index + 1;
	});
	Scoring::start_session(index + 1);
	let planned = Scoring::new_session(index + 2);
	// Validators without keys are left out when queued, as `pallet-session` does.
	let next: Vec<u64> = planned
		.clone()
		.unwrap_or(queued)
		.into_iter()
		.filter(<Directory as ValidatorRegistration<u64>>::is_registered)
		.collect();
	STATE.with(|s| s.borrow_mut().queued = next);
	Scoring::do_try_state().expect("try_state holds after a session");
	planned
}

/// The validators of the session in force.
pub fn authorities() -> Vec<u64> {
	Directory::authorities()
}

/// Produces the next block in the next slot, authored by the slot's expected author (each
/// authority authors its slots; `offline` ones do not, so their slots are skipped).
pub fn next_block(offline: &[u64]) {
	let mut slot = Directory::slot();
	loop {
		slot += 1;
		let set = authorities();
		let author = set[(slot % set.len() as u64) as usize];
		if !offline.contains(&author) {
			let n = System::block_number() + 1;
			System::set_block_number(n);
			Directory::set_slot(slot);
			Scoring::on_initialize(n);
			<Scoring as pallet_authorship::EventHandler<u64, u64>>::note_author(author);
			return;
		}
		assert!(slot < Directory::slot() + 10_000, "every authority is offline");
	}
}

/// Produces `blocks` blocks with `offline` authorities not authoring.
pub fn run_blocks(blocks: u32, offline: &[u64]) {
	for _ in 0..blocks {
		next_block(offline);
	}
}

/// A candidate's points.
pub fn points(who: u64) -> u32 {
	crate::Candidates::<Test>::get(who).map(|c| c.points).expect("a candidate")
}

/// Sets a candidate's points (tests only).
pub fn set_points(who: u64, points: u32) {
	let _ = Scoring::mutate_candidate(&who, |c| c.points = points);
}

/// The scoring events emitted so far.
pub fn scoring_events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Scoring(e) => Some(e),
			_ => None,
		})
		.collect()
}
