//! The access chain: tampering is detected, chains are per patient, and the formats are
//! pinned: the SCALE encoding and hash of one record of each kind, and the codec index of every
//! variant of every stored enum. A failure here means a change would break
//! `verify_access_chain` of records already written: add a format instead.

use super::*;
use codec::Decode;
use medchain_primitives::ChainLink;

#[test]
fn a_tampered_access_chain_is_detected() {
	new_test_ext().execute_with(|| {
		setup();
		for _ in 0..3 {
			request(DOCTOR, records(&[0]));
		}
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, None);
		// A compromised node rewrites a grant into a denial, as if the read never happened.
		AccessLog::<Test>::mutate(PATIENT, 3, |r| {
			let AccessEvent::Decided { decisions, .. } = &mut r.as_mut().unwrap().event else {
				panic!("record 3 is a decision");
			};
			decisions[0].1 = Decision::Denied(DenialReason::PolicyNotSatisfied);
		});
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, Some(3));
		assert!(Access::do_try_state().is_err());
	});
	new_test_ext().execute_with(|| {
		setup();
		for _ in 0..3 {
			request(DOCTOR, records(&[0]));
		}
		// Removing a record, or relinking it with a forged hash, breaks the chain too.
		let mut removed = AccessLog::<Test>::take(PATIENT, 2).unwrap();
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, Some(2));
		removed.record_hash = [9; 32];
		AccessLog::<Test>::insert(PATIENT, 2, removed);
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, Some(2));
		// Truncating the chain leaves the head pointing past it.
		AccessLength::<Test>::insert(PATIENT, 2);
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, Some(2));
	});
}

#[test]
fn chains_are_per_patient() {
	run(|| {
		setup();
		assert_ne!(Access::genesis_hash(&PATIENT), Access::genesis_hash(&PATIENT_2));
		assert_eq!(
			Access::verify_access_chain(&PATIENT_2),
			ChainVerification { length: 0, first_broken: None }
		);
		request(DOCTOR, search());
		assert_eq!(record(PATIENT, 0).prev_hash, Access::genesis_hash(&PATIENT));
		assert_eq!(AccessHead::<Test>::get(PATIENT), Some(record(PATIENT, 0).record_hash));
	});
}

/// A records request at block 1, its decision, and a consent change at block 3.
fn three_records() -> [AccessRecord<Test>; 3] {
	setup();
	request(DOCTOR, records(&[0, 2]));
	System::set_block_number(3);
	assert_ok!(Access::set_consent(
		RuntimeOrigin::signed(PATIENT),
		PATIENT,
		ConsentScope::Doctor(DOCTOR),
		false,
		Some(Purpose::Audit),
		Some(9)
	));
	[record(PATIENT, 0), record(PATIENT, 1), record(PATIENT, 2)]
}

#[test]
fn records_are_the_pinned_link_hashes_of_their_format() {
	run(|| {
		let records = three_records();
		let mut prev = Access::genesis_hash(&PATIENT);
		assert_eq!(
			prev,
			sp_io::hashing::blake2_256(&(&b"medchain/access/genesis/v1"[..], PATIENT).encode())
		);
		for (seq, r) in records.iter().enumerate() {
			assert_eq!((r.format, r.seq, r.prev_hash), (ACCESS_FORMAT, seq as Seq, prev));
			// blake2_256(SCALE(domain, format, patient, seq, prev_hash, (at, request_id, event)))
			let preimage = (
				&b"medchain/access/record/v1"[..],
				2u8,
				PATIENT,
				r.seq,
				r.prev_hash,
				(r.at, r.request_id, &r.event),
			)
				.encode();
			assert_eq!(r.record_hash, sp_io::hashing::blake2_256(&preimage));
			assert_eq!(r.recompute(&ACCESS_CHAIN, &PATIENT), Some(r.record_hash));
			prev = r.record_hash;
		}
		assert!(matches!(records[0].event, AccessEvent::Requested { .. }));
		assert!(matches!(records[1].event, AccessEvent::Decided { .. }));
		assert!(matches!(records[2].event, AccessEvent::ConsentChanged { .. }));
	});
}

#[test]
fn the_encoding_and_hash_of_each_record_kind_are_pinned() {
	run(|| {
		let [requested, decided, consent] = three_records();
		assert_eq!(hex_of(&Access::genesis_hash(&PATIENT)), GENESIS_HASH);
		let pinned = [
			(&requested, REQUESTED_HEX, REQUESTED_HASH),
			(&decided, DECIDED_HEX, DECIDED_HASH),
			(&consent, CONSENT_HEX, CONSENT_HASH),
		];
		for (record, hex, hash) in pinned {
			assert_eq!(hex_of(&record.encode()), hex, "encoding of {record:?}");
			assert_eq!(hex_of(&record.record_hash), hash, "hash of {record:?}");
			// And the encoding decodes back to the record.
			let decoded = AccessRecord::<Test>::decode(&mut &record.encode()[..]).unwrap();
			assert_eq!(&decoded, record);
		}
	});
}

// Pinned from the first run of format 2 and checked against an independent BLAKE2b-256 over
// the SCALE layout (Python's `hashlib.blake2b(digest_size=32)`): record = format, seq,
// prev_hash, record_hash, at, request_id, event. The presence signature in the first record is
// deterministic (ed25519, RFC 8032).
/// Genesis hash of `PATIENT`'s access chain.
const GENESIS_HASH: &str = "b95a4f1e127fb2bb3d2b3f4ef54a9fc01be68acb20d754206bd25aa26278908a";
const REQUESTED_HEX: &str = "0200000000b95a4f1e127fb2bb3d2b3f4ef54a9fc01be68acb20d754206bd25aa26278908a0a6d17488c0b03308a1f8a4535713ab1f47142fafc93125c46d9702206775609010000000000000001000000000000000000140000000000000000000000010800000000020000000000466627d52773c9d5cda6c8fd28ea31ec7b94e68aa8d42e2ad31a75dc8d24ed07000000000000000000000000000000000300000000000000b41b4a2f1f820499f970456ed640148cbcf77545cff0611717b9043212f12e2667a97ade93edeaba444ad6f6e9ed17aa8c7c7462584ff0b280f1d474a68fd608d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d10b00000000000000";
const REQUESTED_HASH: &str = "0a6d17488c0b03308a1f8a4535713ab1f47142fafc93125c46d9702206775609";
const DECIDED_HEX: &str = "02010000000a6d17488c0b03308a1f8a4535713ab1f47142fafc93125c46d9702206775609fc76693d6fd92a39f59e7fd2b7fc10419d46abd4a58433657e3100c790fc286e01000000000000000100000000000000000100000000000800000000000200000000";
const DECIDED_HASH: &str = "fc76693d6fd92a39f59e7fd2b7fc10419d46abd4a58433657e3100c790fc286e";
const CONSENT_HEX: &str = "0202000000fc76693d6fd92a39f59e7fd2b7fc10419d46abd4a58433657e3100c790fc286e7cc2ad524b523da82483a1e986319d7d435dd787dec78eb411d0be455414c51b03000000000000000002000101140000000000000000000103010900000000000000";
const CONSENT_HASH: &str = "7cc2ad524b523da82483a1e986319d7d435dd787dec78eb411d0be455414c51b";

#[test]
fn an_unknown_format_does_not_verify() {
	run(|| {
		three_records();
		// Format 3 with a hash consistent with it: only the unknown-format rule breaks record 1
		// (were format 3 hashed like format 2, record 1 would pass and record 2's link break).
		let original = AccessLog::<Test>::get(PATIENT, 1).unwrap();
		AccessLog::<Test>::mutate(PATIENT, 1, |r| {
			let r = r.as_mut().unwrap();
			r.format = 3;
			r.record_hash = ACCESS_CHAIN.link_hash(
				&PATIENT,
				3,
				r.seq,
				&r.prev_hash,
				&(&r.at, r.request_id, &r.event),
			);
		});
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, Some(1));
		AccessLog::<Test>::insert(PATIENT, 1, original);
		assert_eq!(Access::verify_access_chain(&PATIENT).first_broken, None);
	});
}

#[test]
fn every_stored_enum_keeps_its_codec_indices() {
	// AccessTarget
	assert_eq!(
		hex_of(
			&AccessTarget::<Test>::Search { query_commitment: [5; 32], all_records: true }.encode()
		),
		format!("00{}01", "05".repeat(32))
	);
	assert_eq!(hex_of(&records(&[1]).encode()), "010401000000");
	// Purpose
	use Purpose::*;
	for (i, purpose) in [Treatment, Referral, Emergency, Audit, Billing].into_iter().enumerate() {
		assert_eq!(purpose.encode(), vec![i as u8]);
	}
	// DenialReason
	use DenialReason::*;
	for (i, reason) in
		[Erased, PolicyNotSatisfied, ConsentMissing, ConsentRefused, MalformedPolicy, UnknownEntry]
			.into_iter()
			.enumerate()
	{
		assert_eq!(reason.encode(), vec![i as u8]);
		assert_eq!(Decision::Denied(reason).encode(), vec![1, i as u8]);
	}
	// Decision
	assert_eq!(hex_of(&Decision::Granted.encode()), "00");
	// ConsentScope; index 2 (the removed `Department`) is reserved and does not decode.
	assert_eq!(hex_of(&ConsentScope::<Test>::Hospital(1).encode()), "0001000000");
	assert_eq!(hex_of(&ConsentScope::<Test>::Doctor(DOCTOR).encode()), "011400000000000000");
	assert!(ConsentScope::<Test>::decode(&mut &[2u8, 3][..]).is_err());
	// ConsentMode
	assert_eq!(hex_of(&ConsentMode::Implied.encode()), "00");
	assert_eq!(hex_of(&ConsentMode::Explicit.encode()), "01");
	// ConsentChange
	assert_eq!(
		hex_of(
			&ConsentChange::<Test>::Set { granted: true, purpose: Some(Audit), expires_at: None }
				.encode()
		),
		"00010103".to_string() + "00"
	);
	assert_eq!(hex_of(&ConsentChange::<Test>::Cleared.encode()), "01");
	assert_eq!(hex_of(&ConsentChange::<Test>::ModeSet(ConsentMode::Explicit).encode()), "0201");
	// Actor
	assert_eq!(hex_of(&Actor::<Test>::Patient.encode()), "00");
	assert_eq!(hex_of(&Actor::<Test>::Guardian(1).encode()), "010100000000000000");
	assert_eq!(hex_of(&Actor::<Test>::Delegate(1).encode()), "020100000000000000");
	// BasisRecord and BasisKind
	assert_eq!(hex_of(&BasisRecord::<Test>::Consent.encode()), "01");
	assert_eq!(hex_of(&BasisRecord::<Test>::BreakGlass.encode()), "02");
	let presence = BasisRecord::<Test>::PatientPresent {
		presence_key: [1; 32],
		proof: PresenceProof { nonce: [2; 16], not_after: 3, signature: [4; 64] },
	};
	assert_eq!(
		hex_of(&presence.encode()),
		format!("00{}{}0300000000000000{}", "01".repeat(32), "02".repeat(16), "04".repeat(64))
	);
	for (i, kind) in [BasisKind::PatientPresent, BasisKind::Consent, BasisKind::BreakGlass]
		.into_iter()
		.enumerate()
	{
		assert_eq!(kind.encode(), vec![i as u8]);
	}
	// AccessEvent
	let consent = AccessEvent::<Test>::ConsentChanged {
		by: Actor::Patient,
		scope: None,
		change: ConsentChange::Cleared,
	};
	assert_eq!(hex_of(&consent.encode()), "02000001");
	let decided = AccessEvent::<Test>::Decided {
		provider: None,
		requested_at: 7,
		decisions: BoundedVec::truncate_from(vec![(2, Decision::Granted)]),
	};
	assert_eq!(hex_of(&decided.encode()), "010007000000040200000000");
	let requested = AccessEvent::<Test>::Requested {
		doctor: DOCTOR,
		hospital: 1,
		target: records(&[1]),
		purpose: Referral,
		basis: BasisRecord::BreakGlass,
		delivery_key: [0; 32],
		expires_at: 2,
	};
	assert_eq!(
		hex_of(&requested.encode()),
		format!(
			"00{}{}{}0102{}{}",
			"1400000000000000",
			"01000000",
			"010401000000",
			"00".repeat(32),
			"0200000000000000"
		)
	);
	let later = [
		(AccessEvent::<Test>::PresenceKeySet { by: Actor::Patient, key: None }, "030000"),
		(
			AccessEvent::<Test>::DelegateChanged { by: Actor::Patient, delegate: 1, until: None },
			"0400010000000000000000",
		),
		(AccessEvent::<Test>::GuardianSet { guardian: None }, "0500"),
		(AccessEvent::<Test>::JustificationOverdue, "07"),
	];
	for (event, hex) in later {
		assert_eq!(hex_of(&event.encode()), hex);
	}
	assert_eq!(
		hex_of(&AccessEvent::<Test>::Justified { reason_hash: [9; 32] }.encode()),
		format!("06{}", "09".repeat(32))
	);
}
