//! Unit tests on the mock runtime. Every test ends with `try_state` (see
//! [`ExtBuilder::build_and_execute`]), and so does every simulated session.

use frame_support::{assert_noop, assert_ok, traits::Hooks};
use medchain_primitives::{CandidateStanding, OnRevoked};
use pallet_medchain_audit::{Outcome, RelayScores};

use crate::{
	mock::*, CandidateOfHospital, Candidates, DropReason, Error, Event, KeepReason, Planned,
	SlotInfo,
};

fn origin(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

/// Registers `who` as the validator of `hospital` (grade `grade`, keys set) and a candidate.
fn join(who: u64, hospital: u32, grade: u8) {
	Directory::add_validator(who, hospital, grade);
	assert_ok!(Scoring::register_as_candidate(origin(who)));
}

fn standing(who: u64) -> CandidateStanding {
	Scoring::ranked(who).expect("a candidate").standing
}

#[test]
fn genesis_candidates_start_at_their_baseline() {
	ExtBuilder::four().build_and_execute(|| {
		for who in 1..=4 {
			assert_eq!(points(who), 1200);
		}
		assert_eq!(Candidates::<Test>::count(), 4);
		assert_eq!(CandidateOfHospital::<Test>::get(2), Some(3));
		assert_eq!(authorities(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn registration_checks_hospital_grade_keys_and_bounds() {
	ExtBuilder::four().build_and_execute(|| {
		assert_noop!(
			Scoring::register_as_candidate(origin(10)),
			Error::<Test>::NotHospitalValidator
		);
		Directory::add_validator(11, 10, 9);
		assert_noop!(Scoring::register_as_candidate(origin(11)), Error::<Test>::GradeTooLow);
		Directory::add_validator(12, 11, 11);
		Directory::set_keys(12, false);
		assert_noop!(Scoring::register_as_candidate(origin(12)), Error::<Test>::KeysNotRegistered);
		Directory::set_keys(12, true);
		assert_ok!(Scoring::register_as_candidate(origin(12)));
		assert_eq!(points(12), 1100);
		assert!(scoring_events().contains(&Event::CandidateJoined {
			who: 12,
			hospital: 11,
			points: 1100
		}));
		assert_noop!(Scoring::register_as_candidate(origin(12)), Error::<Test>::AlreadyCandidate);

		// A second validator account of the same hospital, while the first still is one.
		Directory::add_validator(13, 11, 11);
		assert_noop!(
			Scoring::register_as_candidate(origin(13)),
			Error::<Test>::HospitalHasCandidate
		);
		// The hospital named 13 instead of 12: 13 replaces 12.
		Directory::remove_validator(12);
		assert_ok!(Scoring::register_as_candidate(origin(13)));
		assert!(Candidates::<Test>::get(12).is_none());
		assert_eq!(CandidateOfHospital::<Test>::get(11), Some(13));
		assert!(scoring_events().contains(&Event::CandidateDropped {
			who: 12,
			hospital: 11,
			reason: DropReason::Replaced
		}));

		// 5 candidates; MaxCandidates is 8.
		for who in 20..23 {
			join(who, who as u32, 12);
		}
		Directory::add_validator(23, 23, 12);
		assert_noop!(Scoring::register_as_candidate(origin(23)), Error::<Test>::TooManyCandidates);
	});
}

#[test]
fn leaving_candidacy_frees_the_seat_at_the_next_planning() {
	ExtBuilder::four().build_and_execute(|| {
		assert_noop!(Scoring::leave_candidacy(origin(10)), Error::<Test>::NotCandidate);
		assert_ok!(Scoring::leave_candidacy(origin(4)));
		assert!(Candidates::<Test>::get(4).is_none());
		assert_eq!(CandidateOfHospital::<Test>::get(3), None);
		assert!(scoring_events().contains(&Event::CandidateLeft { who: 4, hospital: 3 }));
		assert_eq!(rotate_session(), Some(vec![1, 2, 3]));
		rotate_session();
		assert_eq!(authorities(), vec![1, 2, 3]);
	});
}

#[test]
fn authored_blocks_earn_points_up_to_the_maximum() {
	ExtBuilder::four().build_and_execute(|| {
		run_blocks(8, &[]);
		for who in 1..=4 {
			assert_eq!(points(who), 1204);
		}
		set_points(1, 1999);
		<Scoring as pallet_authorship::EventHandler<u64, u64>>::note_author(1);
		assert_eq!(points(1), 2000);
		<Scoring as pallet_authorship::EventHandler<u64, u64>>::note_author(1);
		assert_eq!(points(1), 2000);
		// A non-candidate earns nothing and is not made a candidate.
		<Scoring as pallet_authorship::EventHandler<u64, u64>>::note_author(99);
		assert!(Candidates::<Test>::get(99).is_none());
	});
}

#[test]
fn skipped_slots_cost_the_expected_authors() {
	ExtBuilder::four().build_and_execute(|| {
		// Block 1 was at slot 1; the next block comes at slot 4: slots 2 and 3 were expected
		// of authorities 2 and 3 of [1, 2, 3, 4], that is accounts 3 and 4.
		System::set_block_number(2);
		Directory::set_slot(4);
		Scoring::on_initialize(2);
		assert_eq!([points(1), points(2), points(3), points(4)], [1200, 1200, 1190, 1190]);
		assert!(scoring_events().contains(&Event::SlotsMissed { who: 3, slots: 1, points: 1190 }));
		assert_eq!(SlotInfo::<Test>::get().last_slot, Some(4));
		// An offline validator loses points in each of its slots, the others gain.
		run_blocks(8, &[2]);
		// Slots 5, 9 and 13 were account 2's: blocks came at 6, 7, 8, 10, 11, 12, 14, 15.
		assert_eq!(points(2), 1200 - 3 * 10);
		assert!(points(1) > 1200);
	});
}

#[test]
fn missed_slots_after_a_long_stall_are_counted_exactly() {
	ExtBuilder::four().build_and_execute(|| {
		for who in 1..=4 {
			set_points(who, 2000);
		}
		// Last slot 1; the chain stalls for k = 1_000_003 slots (2..=1_000_004).
		let k: u64 = 1_000_003;
		System::set_block_number(2);
		Directory::set_slot(1 + k + 1);
		System::reset_events();
		Scoring::on_initialize(2);
		// k = 4 · 250_000 + 3, from slot 2 (position 2): positions 2, 3, 0 get one more.
		let missed: Vec<(u64, u64)> = scoring_events()
			.into_iter()
			.filter_map(|e| match e {
				Event::SlotsMissed { who, slots, .. } => Some((who, slots)),
				_ => None,
			})
			.collect();
		assert_eq!(missed, vec![(1, 250_001), (2, 250_000), (3, 250_001), (4, 250_001)]);
		assert_eq!(missed.iter().map(|m| m.1).sum::<u64>(), k);
		// Saturated at 0, not wrapped.
		assert_eq!(points(1), 0);
		// A stall of 2^40 slots costs no more work and does not overflow.
		System::set_block_number(3);
		Directory::set_slot(Directory::slot() + (1u64 << 40));
		Scoring::on_initialize(3);
		assert_eq!(points(2), 0);
	});
}

#[test]
fn missed_by_position_matches_counting_slot_by_slot() {
	ExtBuilder::default().build_and_execute(|| {
		for n in 1u64..=6 {
			for first in 0u64..13 {
				for k in 0u64..40 {
					for j in 0..n {
						let brute = (first..first + k).filter(|s| s % n == j).count() as u64;
						assert_eq!(
							Scoring::missed_by_position(first, k, n, j),
							brute,
							"n {n} first {first} k {k} j {j}"
						);
					}
				}
			}
		}
		assert_eq!(Scoring::missed_by_position(5, 9, 0, 0), 0);
	});
}

#[test]
fn slots_skipped_before_a_rotation_are_charged_to_the_old_set() {
	ExtBuilder::four().build_and_execute(|| {
		join(5, 4, 12);
		set_points(1, 899);
		assert_eq!(rotate_session(), Some(vec![2, 3, 4, 5]));
		// The rotation to session 2 happens in the next block's `on_initialize` (before this
		// pallet's): the slots skipped before that block were expected of [1, 2, 3, 4].
		rotate_session();
		let old = [1u64, 2, 3, 4];
		assert_eq!(authorities(), vec![2, 3, 4, 5]);
		let last = SlotInfo::<Test>::get().last_slot.expect("seen");
		let before: Vec<u32> = (1..=5).map(points).collect();
		System::set_block_number(System::block_number() + 1);
		Directory::set_slot(last + 3);
		Scoring::on_initialize(System::block_number());
		let expected: Vec<u32> = (1..=5u64)
			.map(|who| {
				let skipped = [last + 1, last + 2];
				let misses = skipped.iter().filter(|s| old[(**s % 4) as usize] == who).count();
				before[(who - 1) as usize] - 10 * misses as u32
			})
			.collect();
		assert_eq!((1..=5).map(points).collect::<Vec<_>>(), expected);
		// From then on, the new set is expected.
		let before: Vec<u32> = (1..=5).map(points).collect();
		let last = last + 3;
		System::set_block_number(System::block_number() + 1);
		Directory::set_slot(last + 2);
		Scoring::on_initialize(System::block_number());
		let missed = [2u64, 3, 4, 5][((last + 1) % 4) as usize];
		for who in 1..=5u64 {
			let loss = if who == missed { 10 } else { 0 };
			assert_eq!(points(who), before[(who - 1) as usize] - loss);
		}
	});
}

#[test]
fn relay_scores_are_applied() {
	ExtBuilder::four().build_and_execute(|| {
		<Scoring as RelayScores<u64>>::relayed(&1, 0, Outcome::Pass);
		<Scoring as RelayScores<u64>>::relayed(&1, 1, Outcome::Fail);
		<Scoring as RelayScores<u64>>::reported_unreachable(&2, 2);
		<Scoring as RelayScores<u64>>::missed(&3, 3);
		<Scoring as RelayScores<u64>>::misbehaved(&4, 4);
		assert_eq!([points(1), points(2), points(3), points(4)], [1210, 1200, 1180, 1100]);
		set_points(4, 50);
		<Scoring as RelayScores<u64>>::misbehaved(&4, 5);
		assert_eq!(points(4), 0);
		<Scoring as RelayScores<u64>>::relayed(&99, 6, Outcome::Pass);
		assert!(Candidates::<Test>::get(99).is_none());
	});
}

#[test]
fn ranking_orders_by_points_and_explains_each_standing() {
	ExtBuilder::four().build_and_execute(|| {
		join(5, 4, 12);
		join(6, 5, 10);
		join(7, 6, 12);
		Directory::set_keys(7, false);
		set_points(2, 1500);
		set_points(3, 800);
		let ranking = Scoring::ranking();
		let order: Vec<u64> = ranking.iter().map(|r| r.account).collect();
		assert_eq!(order, vec![2, 1, 4, 5, 7, 6, 3]);
		assert_eq!(ranking[0].points, 1500);
		assert_eq!(ranking[0].baseline, 1200);
		assert_eq!(standing(1), CandidateStanding::InSet);
		assert_eq!(standing(3), CandidateStanding::Leaving);
		assert_eq!(standing(5), CandidateStanding::EligibleWaiting);
		assert_eq!(standing(6), CandidateStanding::BelowThreshold);
		assert_eq!(standing(7), CandidateStanding::KeysNotRegistered);
		Directory::set_grade(6, 9);
		assert_eq!(standing(6), CandidateStanding::HospitalIneligible);

		// Planning session 2: 3 leaves, 5 enters; 6 is dropped for its grade.
		assert_eq!(rotate_session(), Some(vec![1, 2, 4, 5]));
		assert!(Candidates::<Test>::get(6).is_none());
		assert_eq!(standing(3), CandidateStanding::Outgoing);
		assert_eq!(standing(5), CandidateStanding::Incoming);
		assert_eq!(Scoring::planned_validators(), Some((2, vec![1, 2, 4, 5])));
		rotate_session();
		assert_eq!(standing(5), CandidateStanding::InGrace);
		assert_eq!(standing(3), CandidateStanding::BelowThreshold);
		assert_eq!(Scoring::planned_validators(), None);
		assert_eq!(Scoring::ranked(99), None);
	});
}

#[test]
fn hysteresis_a_validator_stays_above_leave_and_a_newcomer_needs_enter() {
	ExtBuilder::four().build_and_execute(|| {
		join(5, 4, 12);
		// Between the thresholds: a validator keeps its seat, even outranked by 5.
		set_points(1, 950);
		assert_eq!(rotate_session(), None);
		assert!(!scoring_events().iter().any(|e| matches!(e, Event::NewSetPlanned { .. })));
		// Below the leave threshold: it gives its seat to the next eligible.
		set_points(1, 899);
		let planned = rotate_session().expect("a new set");
		assert_eq!(planned, vec![2, 3, 4, 5]);
		assert!(scoring_events().contains(&Event::NewSetPlanned {
			session: 3,
			validators: vec![2, 3, 4, 5],
			entered: vec![5],
			left: vec![1],
		}));
	});
}

#[test]
fn a_newcomer_between_the_thresholds_does_not_enter() {
	ExtBuilder::four().build_and_execute(|| {
		// Grade 10: 1000 points, above the leave threshold but below the enter threshold.
		join(5, 4, 10);
		set_points(4, 0);
		assert_eq!(rotate_session(), Some(vec![1, 2, 3]));
		rotate_session();
		assert_eq!(authorities(), vec![1, 2, 3]);
		assert_eq!(standing(5), CandidateStanding::BelowThreshold);
		// Decay first (1300 -> 1150), then selection: 5 enters the free seat.
		set_points(5, 1300);
		assert_eq!(rotate_session(), Some(vec![1, 2, 3, 5]));
	});
}

#[test]
fn points_outside_the_set_decay_to_the_baseline_and_lead_back_in() {
	ExtBuilder::four().build_and_execute(|| {
		join(5, 4, 12);
		join(6, 5, 12);
		set_points(4, 100);
		set_points(6, 1800);
		// Planning 2: 4 is a member then, so no decay; it leaves. 6, outside the set, decays
		// 1800 -> 1500 and outranks 5 (1200) for the seat.
		assert_eq!(rotate_session(), Some(vec![1, 2, 3, 6]));
		assert_eq!(points(4), 100);
		assert_eq!(points(6), 1500);
		set_points(5, 1800);
		rotate_session();
		assert_eq!((points(4), points(5)), (650, 1500));
		rotate_session();
		assert_eq!((points(4), points(5)), (925, 1350));
		let (mut low, mut high) = (925, 1350);
		for _ in 0..20 {
			rotate_session();
			let (now_low, now_high) = (points(4), points(5));
			assert!(now_low >= low && now_low <= 1200, "rises toward the baseline, never past it");
			assert!(
				now_high <= high && now_high >= 1200,
				"falls toward the baseline, never past it"
			);
			(low, high) = (now_low, now_high);
		}
		assert_eq!((points(4), points(5)), (1200, 1200));
		// A member's points do not decay.
		assert_eq!(points(6), 1500);
		// Back above the enter threshold, 4 (the older candidate on a tie with 5) takes the
		// next free seat.
		set_points(2, 0);
		assert_eq!(rotate_session(), Some(vec![1, 3, 6, 4]));
	});
}

#[test]
fn a_newcomer_keeps_its_seat_through_its_grace_period() {
	ExtBuilder::four().build_and_execute(|| {
		join(5, 4, 12);
		join(6, 5, 12);
		set_points(1, 0);
		assert_eq!(rotate_session(), Some(vec![2, 3, 4, 5]));
		assert_eq!(Candidates::<Test>::get(5).and_then(|c| c.seated_since), Some(2));
		// Seated for session 2 with a grace of 2 sessions: planning 3 keeps it regardless.
		set_points(5, 0);
		assert_eq!(rotate_session(), None);
		assert_eq!(authorities(), vec![2, 3, 4, 5]);
		assert_eq!(standing(5), CandidateStanding::InGrace);
		// Planning 4: its grace is over.
		let planned = rotate_session().expect("a new set");
		assert_eq!(planned, vec![2, 3, 4, 6]);
		assert_eq!(Candidates::<Test>::get(5).and_then(|c| c.seated_since), None);
	});
}

#[test]
fn fewer_than_a_third_of_the_set_is_replaced_per_session() {
	ExtBuilder::four().build_and_execute(|| {
		join(5, 4, 12);
		join(6, 5, 12);
		join(7, 6, 12);
		for who in 1..=3 {
			set_points(who, 0);
		}
		// A set of 4: at most one leaves per session, the worst first (3, then 2, then 1).
		let mut prev = authorities();
		let mut sets = Vec::new();
		for _ in 0..3 {
			let planned = rotate_session().expect("a new set");
			let left = prev.iter().filter(|v| !planned.contains(v)).count();
			assert!(3 * left < prev.len(), "{left} of {} replaced", prev.len());
			assert_eq!(left, 1);
			sets.push(planned);
			prev = Directory::queued();
		}
		assert_eq!(sets, vec![vec![1, 2, 4, 5], vec![1, 4, 5, 6], vec![4, 5, 6, 7]]);
	});
}

#[test]
fn the_minimum_set_is_kept() {
	ExtBuilder::default()
		.candidates(&[(1, 0, 12), (2, 1, 12), (3, 2, 12)])
		.validators(&[1, 2, 3])
		.build_and_execute(|| {
			Directory::remove_validator(1);
			Scoring::on_hospital_revoked(0);
			// Without 1 the set would be 2 < MinValidators = 3: the current set carries over.
			assert_eq!(rotate_session(), None);
			assert!(scoring_events()
				.contains(&Event::SetKept { session: 2, reason: KeepReason::TooFewEligible }));
			assert_eq!(Directory::queued(), vec![1, 2, 3]);
			// A newcomer makes the change possible.
			join(5, 4, 12);
			assert_eq!(rotate_session(), Some(vec![2, 3, 5]));
		});
}

#[test]
fn the_set_is_never_empty() {
	ExtBuilder::default().validators(&[9]).build_and_execute(|| {
		// The only validator is no candidate and nobody stands: it stays.
		assert_eq!(rotate_session(), None);
		assert!(
			scoring_events().contains(&Event::SetKept { session: 2, reason: KeepReason::Empty })
		);
		assert_eq!(Planned::<Test>::get(), None);
		// A dev chain's single validator grows the set one newcomer per session.
		join(1, 0, 12);
		join(2, 1, 12);
		assert_eq!(rotate_session(), Some(vec![1]));
		assert_eq!(rotate_session(), Some(vec![1, 2]));
		assert_eq!(authorities(), vec![1]);
	});
}

#[test]
fn a_revoked_hospital_is_dropped_and_loses_its_seat() {
	ExtBuilder::four().build_and_execute(|| {
		join(5, 4, 12);
		join(6, 5, 12);
		Directory::remove_validator(2);
		Scoring::on_hospital_revoked(1);
		assert!(Candidates::<Test>::get(2).is_none());
		assert_eq!(CandidateOfHospital::<Test>::get(1), None);
		assert!(scoring_events().contains(&Event::CandidateDropped {
			who: 2,
			hospital: 1,
			reason: DropReason::HospitalRevoked
		}));
		// A hospital without a candidate: nothing happens.
		System::reset_events();
		Scoring::on_hospital_revoked(42);
		assert!(scoring_events().is_empty());
		// Revocations are not held back by the churn cap: 1 too is revoked.
		Directory::remove_validator(1);
		Scoring::on_hospital_revoked(0);
		let planned = rotate_session().expect("a new set");
		assert_eq!(planned, vec![3, 4, 5]);
	});
}

#[test]
fn candidates_are_rechecked_at_each_session() {
	ExtBuilder::four().build_and_execute(|| {
		join(5, 4, 12);
		join(6, 5, 12);
		Directory::set_grade(3, 9);
		Directory::remove_validator(4);
		Directory::set_grade(1, 14);
		let planned = rotate_session().expect("a new set");
		assert!(Candidates::<Test>::get(3).is_none());
		assert!(Candidates::<Test>::get(4).is_none());
		assert!(scoring_events().contains(&Event::CandidateDropped {
			who: 3,
			hospital: 2,
			reason: DropReason::GradeTooLow
		}));
		assert!(scoring_events().contains(&Event::CandidateDropped {
			who: 4,
			hospital: 3,
			reason: DropReason::NoLongerValidator
		}));
		assert_eq!(Candidates::<Test>::get(1).map(|c| c.grade), Some(14));
		// Two forced exits (cap 1 for a set of 4 does not hold them back), one newcomer.
		assert_eq!(planned, vec![1, 2, 5]);
	});
}

#[test]
fn a_validator_without_keys_is_not_planned() {
	ExtBuilder::four().build_and_execute(|| {
		join(5, 4, 12);
		Directory::set_keys(4, false);
		assert_eq!(rotate_session(), Some(vec![1, 2, 3, 5]));
		// A validator whose keys are purged is not planned again either.
		Directory::set_keys(1, false);
		set_points(2, 0);
		Directory::set_keys(4, true);
		// 1 leaves (forced) and takes the whole churn cap: 2 stays for now; 4 takes the seat.
		assert_eq!(rotate_session(), Some(vec![2, 3, 5, 4]));
	});
}

#[test]
fn an_unchanged_set_plans_nothing() {
	ExtBuilder::four().build_and_execute(|| {
		run_blocks(4, &[]);
		assert_eq!(rotate_session(), None);
		assert_eq!(rotate_session(), None);
		assert_eq!(Planned::<Test>::get(), None);
		assert_eq!(authorities(), vec![1, 2, 3, 4]);
	});
}
