//! Unit tests of the registry on the mock runtime.

use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_runtime::DispatchError;

use crate::{mock::*, *};

const RECORD_SERVICE: u64 = 10;
const OTHER_SERVICE: u64 = 11;
const DOCTOR: u64 = 20;
const PROVIDER: u64 = 30;
const PATIENT: u64 = 40;
const OTHER_PATIENT: u64 = 41;
/// An account that exists (it holds a provider reference) but has no role.
const STRANGER: u64 = 50;

fn bounded<S: frame_support::traits::Get<u32>>(bytes: &[u8]) -> BoundedVec<u8, S> {
	BoundedVec::try_from(bytes.to_vec()).unwrap()
}

fn register_hospital(record_service: u64, grade: u8) -> HospitalId {
	let id = NextHospitalId::<Test>::get();
	assert_ok!(Registry::register_hospital(
		RuntimeOrigin::root(),
		record_service,
		bounded(b"General Hospital"),
		grade,
		pdp_key(),
		None,
	));
	id
}

/// A well-formed PDP key of the most sectors the mock's bound allows.
fn pdp_key() -> BoundedVec<u8, MaxPdpKeyLen> {
	bounded(&crate::pdp_keys::pdp_key_of_len(MaxPdpKeyLen::get()))
}

/// A real PDP key of one sector from the crypto crate.
fn real_pdp_key(seed: u64) -> BoundedVec<u8, MaxPdpKeyLen> {
	use codec::Encode;
	use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
	let mut rng = ChaCha20Rng::seed_from_u64(seed);
	let key = medchain_crypto::pdp::PdpSecretKey::generate(1, &mut rng).unwrap().public_key();
	bounded(&key.encode())
}

fn attrs(list: &[&[u8]]) -> BoundedVec<Attribute<Test>, MaxAttributes> {
	BoundedVec::try_from(list.iter().map(|a| bounded(a)).collect::<Vec<_>>()).unwrap()
}

fn check_invariants() {
	Registry::do_try_state().expect("registry invariants hold");
}

#[test]
fn registers_hospitals_with_sequential_ids() {
	new_test_ext().execute_with(|| {
		assert_eq!(register_hospital(RECORD_SERVICE, 12), 0);
		assert_eq!(register_hospital(OTHER_SERVICE, 5), 1);
		System::assert_has_event(
			Event::HospitalRegistered { hospital: 1, record_service: OTHER_SERVICE }.into(),
		);
		System::assert_last_event(Event::PdpKeyAdded { hospital: 1, version: 0 }.into());
		assert_eq!(Registry::role_of(&RECORD_SERVICE), Some(Role::RecordService(0)));
		let (id, hospital) = Registry::active_hospital_of(&OTHER_SERVICE).unwrap();
		assert_eq!((id, hospital.grade, hospital.registered_at), (1, 5, 1));
		check_invariants();
	});
}

#[test]
fn only_the_registrar_registers() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Registry::register_hospital(
				RuntimeOrigin::signed(1),
				RECORD_SERVICE,
				bounded(b"x"),
				10,
				bounded(&[]),
				None
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Registry::register_patient(RuntimeOrigin::signed(PATIENT), PATIENT, [0; 32]),
			DispatchError::BadOrigin
		);
		assert_noop!(Registry::start_key_epoch(RuntimeOrigin::signed(1)), DispatchError::BadOrigin);
	});
}

#[test]
fn rejects_grades_and_titles_out_of_range() {
	new_test_ext().execute_with(|| {
		for grade in [0, 4, 15, 255] {
			assert_noop!(
				Registry::register_hospital(
					RuntimeOrigin::root(),
					RECORD_SERVICE,
					bounded(b"x"),
					grade,
					bounded(&[]),
					None
				),
				Error::<Test>::InvalidGrade
			);
		}
		let id = register_hospital(RECORD_SERVICE, 14);
		assert_noop!(
			Registry::update_hospital(RuntimeOrigin::root(), id, None, Some(15), None, None),
			Error::<Test>::InvalidGrade
		);
		for title in [0, 5] {
			assert_noop!(
				Registry::register_doctor(RuntimeOrigin::root(), DOCTOR, id, title, attrs(&[])),
				Error::<Test>::InvalidTitle
			);
		}
		assert_ok!(Registry::register_doctor(
			RuntimeOrigin::root(),
			DOCTOR,
			id,
			4,
			attrs(&[b"emergency"])
		));
		check_invariants();
	});
}

#[test]
fn an_account_holds_one_role() {
	new_test_ext().execute_with(|| {
		let id = register_hospital(RECORD_SERVICE, 10);
		assert_noop!(
			Registry::register_doctor(RuntimeOrigin::root(), RECORD_SERVICE, id, 1, attrs(&[])),
			Error::<Test>::AccountHasRole
		);
		assert_ok!(Registry::register_patient(RuntimeOrigin::root(), PATIENT, [7; 32]));
		assert_noop!(
			Registry::register_provider(RuntimeOrigin::root(), PATIENT, None, bounded(b"http://p")),
			Error::<Test>::AccountHasRole
		);
		assert_noop!(
			Registry::register_hospital(
				RuntimeOrigin::root(),
				PATIENT,
				bounded(b"x"),
				10,
				bounded(&[]),
				None
			),
			Error::<Test>::AccountHasRole
		);
		assert_noop!(
			Registry::register_patient(RuntimeOrigin::root(), PATIENT, [8; 32]),
			Error::<Test>::AccountHasRole
		);
		check_invariants();
	});
}

#[test]
fn doctors_need_an_active_hospital() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Registry::register_doctor(RuntimeOrigin::root(), DOCTOR, 0, 1, attrs(&[])),
			Error::<Test>::UnknownHospital
		);
		let id = register_hospital(RECORD_SERVICE, 10);
		assert_ok!(Registry::register_doctor(RuntimeOrigin::root(), DOCTOR, id, 3, attrs(&[])));
		assert!(Registry::active_doctor(&DOCTOR).is_some());

		assert_ok!(Registry::revoke_hospital(RuntimeOrigin::root(), id));
		System::assert_last_event(Event::HospitalRevoked { hospital: id }.into());
		// A revoked hospital takes its doctors and record service with it.
		assert!(Registry::active_doctor(&DOCTOR).is_none());
		assert!(Registry::active_hospital_of(&RECORD_SERVICE).is_none());
		assert_noop!(
			Registry::register_doctor(RuntimeOrigin::root(), DOCTOR + 1, id, 1, attrs(&[])),
			Error::<Test>::HospitalRevoked
		);
		assert_noop!(
			Registry::update_hospital(RuntimeOrigin::root(), id, None, Some(9), None, None),
			Error::<Test>::HospitalRevoked
		);
		assert_noop!(
			Registry::revoke_hospital(RuntimeOrigin::root(), id),
			Error::<Test>::AlreadyRevoked
		);
		assert_noop!(
			Registry::revoke_hospital(RuntimeOrigin::root(), 99),
			Error::<Test>::UnknownHospital
		);
		check_invariants();
	});
}

#[test]
fn updates_and_revokes_doctors() {
	new_test_ext().execute_with(|| {
		let id = register_hospital(RECORD_SERVICE, 10);
		assert_noop!(
			Registry::update_doctor(RuntimeOrigin::root(), DOCTOR, 2, attrs(&[])),
			Error::<Test>::UnknownDoctor
		);
		assert_ok!(Registry::register_doctor(RuntimeOrigin::root(), DOCTOR, id, 1, attrs(&[])));
		assert_ok!(Registry::update_doctor(
			RuntimeOrigin::root(),
			DOCTOR,
			3,
			attrs(&[b"emergency", b"attending"])
		));
		System::assert_last_event(Event::DoctorUpdated { doctor: DOCTOR }.into());
		let doctor = Registry::active_doctor(&DOCTOR).unwrap();
		assert_eq!((doctor.title, doctor.attributes.len()), (3, 2));

		assert_ok!(Registry::revoke_doctor(RuntimeOrigin::root(), DOCTOR));
		assert!(Registry::active_doctor(&DOCTOR).is_none());
		assert_eq!(Registry::role_of(&DOCTOR), Some(Role::Doctor), "the record stays");
		assert_noop!(
			Registry::revoke_doctor(RuntimeOrigin::root(), DOCTOR),
			Error::<Test>::AlreadyRevoked
		);
		assert_noop!(
			Registry::update_doctor(RuntimeOrigin::root(), DOCTOR, 2, attrs(&[])),
			Error::<Test>::AlreadyRevoked
		);
		assert_noop!(
			Registry::revoke_doctor(RuntimeOrigin::root(), 99),
			Error::<Test>::UnknownDoctor
		);
		check_invariants();
	});
}

#[test]
fn providers_update_their_own_endpoint() {
	new_test_ext().execute_with(|| {
		let id = register_hospital(RECORD_SERVICE, 10);
		assert_noop!(
			Registry::register_provider(
				RuntimeOrigin::root(),
				PROVIDER,
				Some(7),
				bounded(b"http://a")
			),
			Error::<Test>::UnknownHospital
		);
		assert_ok!(Registry::register_provider(
			RuntimeOrigin::root(),
			PROVIDER,
			Some(id),
			bounded(b"http://a")
		));
		System::assert_last_event(
			Event::ProviderRegistered { provider: PROVIDER, operator: Some(id) }.into(),
		);
		assert_ok!(Registry::update_provider(
			RuntimeOrigin::signed(PROVIDER),
			PROVIDER,
			bounded(b"https://b")
		));
		assert_eq!(Registry::active_provider(&PROVIDER).unwrap().endpoint.to_vec(), b"https://b");
		assert_ok!(Registry::update_provider(
			RuntimeOrigin::root(),
			PROVIDER,
			bounded(b"https://c")
		));
		assert_noop!(
			Registry::update_provider(RuntimeOrigin::signed(PATIENT), PROVIDER, bounded(b"evil")),
			Error::<Test>::NotRegistrarOrProvider
		);
		assert_noop!(
			Registry::update_provider(RuntimeOrigin::signed(PATIENT), PATIENT, bounded(b"x")),
			Error::<Test>::UnknownProvider
		);
		assert_ok!(Registry::revoke_provider(RuntimeOrigin::root(), PROVIDER));
		assert!(Registry::active_provider(&PROVIDER).is_none());
		assert_noop!(
			Registry::update_provider(RuntimeOrigin::signed(PROVIDER), PROVIDER, bounded(b"x")),
			Error::<Test>::AlreadyRevoked
		);
		assert_noop!(
			Registry::revoke_provider(RuntimeOrigin::root(), PROVIDER),
			Error::<Test>::AlreadyRevoked
		);
		check_invariants();
	});
}

#[test]
fn patients_are_pseudonymous_accounts() {
	new_test_ext().execute_with(|| {
		assert_ok!(Registry::register_patient(RuntimeOrigin::root(), PATIENT, [3; 32]));
		System::assert_last_event(Event::PatientRegistered { patient: PATIENT }.into());
		let patient = Patients::<Test>::get(PATIENT).unwrap();
		assert_eq!(patient.identity_commitment, [3; 32]);
		assert!(Registry::is_active_patient(&PATIENT));
		assert_ok!(Registry::revoke_patient(RuntimeOrigin::root(), PATIENT));
		assert!(!Registry::is_active_patient(&PATIENT));
		assert_noop!(
			Registry::revoke_patient(RuntimeOrigin::root(), PATIENT),
			Error::<Test>::AlreadyRevoked
		);
		assert_noop!(
			Registry::revoke_patient(RuntimeOrigin::root(), 99),
			Error::<Test>::UnknownPatient
		);
		check_invariants();
	});
}

#[test]
fn key_epochs_count_up() {
	new_test_ext().execute_with(|| {
		assert_eq!(CurrentKeyEpoch::<Test>::get(), None);
		assert_ok!(Registry::start_key_epoch(RuntimeOrigin::root()));
		assert_eq!(CurrentKeyEpoch::<Test>::get().unwrap().index, 0);
		System::set_block_number(5);
		assert_ok!(Registry::start_key_epoch(RuntimeOrigin::root()));
		let epoch = CurrentKeyEpoch::<Test>::get().unwrap();
		assert_eq!((epoch.index, epoch.started_at), (1, 5));
		System::assert_last_event(Event::KeyEpochStarted { index: 1 }.into());

		CurrentKeyEpoch::<Test>::put(KeyEpoch { index: u32::MAX, started_at: 5 });
		assert_noop!(
			Registry::start_key_epoch(RuntimeOrigin::root()),
			Error::<Test>::KeyEpochOverflow
		);
	});
}

#[test]
fn hospital_ids_do_not_wrap() {
	new_test_ext().execute_with(|| {
		NextHospitalId::<Test>::put(HospitalId::MAX);
		assert_noop!(
			Registry::register_hospital(
				RuntimeOrigin::root(),
				RECORD_SERVICE,
				bounded(b"x"),
				10,
				pdp_key(),
				None
			),
			Error::<Test>::HospitalIdOverflow
		);
	});
}

#[test]
fn publishes_public_parameters() {
	new_test_ext().execute_with(|| {
		assert_ok!(Registry::set_public_parameters(
			RuntimeOrigin::root(),
			bounded(&[1; 200]),
			[2; 32],
			1
		));
		System::assert_last_event(Event::PublicParametersSet { shve_schema: 1 }.into());
		let params = Parameters::<Test>::get().unwrap();
		assert_eq!((params.token_signing_key, params.shve_schema), ([2; 32], 1));
	});
}

#[test]
fn updates_hospitals_field_by_field() {
	new_test_ext().execute_with(|| {
		let id = register_hospital(RECORD_SERVICE, 10);
		assert_ok!(Registry::update_hospital(
			RuntimeOrigin::root(),
			id,
			None,
			Some(13),
			None,
			Some(Some(99))
		));
		let hospital = Hospitals::<Test>::get(id).unwrap();
		assert_eq!(
			(hospital.grade, hospital.validator, hospital.name.to_vec()),
			(13, Some(99), b"General Hospital".to_vec())
		);
		assert_noop!(
			Registry::update_hospital(RuntimeOrigin::root(), 5, None, None, None, None),
			Error::<Test>::UnknownHospital
		);
	});
}

#[test]
fn try_state_detects_a_broken_index() {
	new_test_ext().execute_with(|| {
		let id = register_hospital(RECORD_SERVICE, 10);
		HospitalOfRecordService::<Test>::insert(OTHER_SERVICE, id);
		assert!(Registry::do_try_state().is_err());
	});
}

mod feeless {
	use super::*;
	use frame_support::{
		dispatch::{DispatchClass, DispatchInfo, Pays},
		pallet_prelude::{
			InvalidTransaction, TransactionSource, TransactionValidityError, UnknownTransaction,
		},
		weights::Weight,
	};
	use sp_runtime::traits::{TransactionExtension, TxBaseImplication};

	/// A transaction of `who` with `nonce`, as the extension sees it.
	struct Tx {
		who: u64,
		nonce: Nonce,
		pays_fee: Pays,
		weight: u64,
	}

	type Nonce = <Test as frame_system::Config>::Nonce;

	fn feeless(who: u64, nonce: Nonce) -> Tx {
		Tx { who, nonce, pays_fee: Pays::No, weight: 100 }
	}

	impl Tx {
		fn info(&self) -> DispatchInfo {
			DispatchInfo {
				call_weight: Weight::from_parts(self.weight, 0),
				extension_weight: Weight::zero(),
				class: DispatchClass::Normal,
				pays_fee: self.pays_fee,
			}
		}

		/// What the transaction pool does: validation only, nothing written.
		fn admit(&self) -> Result<(), TransactionValidityError> {
			let call: RuntimeCall = frame_system::Call::remark { remark: vec![] }.into();
			CheckNonceAndFeeless::<Test>::from(self.nonce)
				.validate(
					RuntimeOrigin::signed(self.who),
					&call,
					&self.info(),
					0,
					(),
					&TxBaseImplication(()),
					TransactionSource::External,
				)
				.map(|_| ())
		}

		/// What block building does: validation, then `prepare` (which moves the nonce).
		fn include(&self) -> Result<(), TransactionValidityError> {
			let call: RuntimeCall = frame_system::Call::remark { remark: vec![] }.into();
			let extension = CheckNonceAndFeeless::<Test>::from(self.nonce);
			let (_, val, origin) = extension.validate(
				RuntimeOrigin::signed(self.who),
				&call,
				&self.info(),
				0,
				(),
				&TxBaseImplication(()),
				TransactionSource::External,
			)?;
			extension.prepare(val, &origin, &call, &self.info(), 0).map(|_| ())
		}
	}

	/// Includes the next transaction of `who` (a feeless one, or one that pays).
	fn include(who: u64, pays_fee: Pays) -> Result<(), TransactionValidityError> {
		let nonce = System::account_nonce(who);
		Tx { pays_fee, ..feeless(who, nonce) }.include()
	}

	const NOT_REGISTERED_ERR: TransactionValidityError =
		TransactionValidityError::Invalid(InvalidTransaction::Custom(NOT_REGISTERED));
	const QUOTA_ERR: TransactionValidityError =
		TransactionValidityError::Unknown(UnknownTransaction::Custom(FEELESS_QUOTA_EXHAUSTED));

	#[test]
	fn feeless_calls_need_an_active_role() {
		new_test_ext().execute_with(|| {
			// An account must exist to transact at all (CheckNonce's rule, kept).
			assert_eq!(
				include(PATIENT, Pays::Yes),
				Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
			);
			System::inc_providers(&STRANGER);
			// Anyone may send calls that pay fees; feeless ones only registered actors.
			assert_eq!(include(STRANGER, Pays::Yes), Ok(()));
			assert_eq!(include(STRANGER, Pays::No), Err(NOT_REGISTERED_ERR));

			assert_ok!(Registry::register_patient(RuntimeOrigin::root(), PATIENT, [1; 32]));
			assert_eq!(System::account(PATIENT).sufficients, 1);
			assert_eq!(include(PATIENT, Pays::No), Ok(()));
			assert_eq!(System::account_nonce(PATIENT), 1, "the nonce moved as CheckNonce's does");

			assert_ok!(Registry::revoke_patient(RuntimeOrigin::root(), PATIENT));
			assert_eq!(include(PATIENT, Pays::No), Err(NOT_REGISTERED_ERR));

			// A patient's guardian or delegate holds no role but is admitted, within the quota.
			System::inc_sufficients(&REPRESENTATIVE);
			assert_eq!(include(REPRESENTATIVE, Pays::No), Ok(()));
			assert_eq!(Registry::feeless_used(&REPRESENTATIVE), 1);
		});
	}

	#[test]
	fn the_pool_admits_no_more_than_the_quota_left_counting_waiting_transactions() {
		new_test_ext().execute_with(|| {
			assert_ok!(Registry::register_patient(RuntimeOrigin::root(), PATIENT, [1; 32]));
			// MaxFeelessPerWindow = 3: nonces 0, 1 and 2 may wait in the pool; 3 may not, nor
			// anything further ahead.
			for nonce in 0..3 {
				assert_eq!(feeless(PATIENT, nonce).admit(), Ok(()), "nonce {nonce}");
			}
			assert_eq!(feeless(PATIENT, 3).admit(), Err(QUOTA_ERR));
			assert_eq!(feeless(PATIENT, 1_000).admit(), Err(QUOTA_ERR));
			// A transaction that pays has no quota.
			assert_eq!(Tx { pays_fee: Pays::Yes, ..feeless(PATIENT, 3) }.admit(), Ok(()));

			// Once one is included, the window holds 1 used and 2 may wait: still not nonce 3.
			assert_eq!(feeless(PATIENT, 0).include(), Ok(()));
			assert_eq!(Registry::feeless_used(&PATIENT), 1);
			assert_eq!(feeless(PATIENT, 2).admit(), Ok(()));
			assert_eq!(feeless(PATIENT, 3).admit(), Err(QUOTA_ERR));
			// A stale nonce is refused as stale, before any quota.
			assert_eq!(
				feeless(PATIENT, 0).admit(),
				Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
			);
			assert_eq!(feeless(PATIENT, 1).include(), Ok(()));
			assert_eq!(feeless(PATIENT, 2).include(), Ok(()));
			assert_eq!(
				feeless(PATIENT, 3).include(),
				Err(QUOTA_ERR),
				"the quota holds in blocks too"
			);

			// The next window (blocks 10 to 19) starts from zero.
			System::set_block_number(10);
			assert_eq!(Registry::feeless_used(&PATIENT), 0);
			assert_eq!(feeless(PATIENT, 5).admit(), Ok(()));
			assert_eq!(feeless(PATIENT, 6).admit(), Err(QUOTA_ERR));
			assert_eq!(feeless(PATIENT, 3).include(), Ok(()));
			assert_eq!(FeelessUsage::<Test>::get(PATIENT), Some((1, 1)));
		});
	}

	#[test]
	fn paying_calls_are_taken_before_feeless_ones() {
		new_test_ext().execute_with(|| {
			assert_ok!(Registry::register_patient(RuntimeOrigin::root(), PATIENT, [1; 32]));
			let priority = |pays_fee| {
				let call: RuntimeCall = frame_system::Call::remark { remark: vec![] }.into();
				let tx = Tx { pays_fee, ..feeless(PATIENT, 0) };
				CheckNonceAndFeeless::<Test>::from(0)
					.validate(
						RuntimeOrigin::signed(PATIENT),
						&call,
						&tx.info(),
						0,
						(),
						&TxBaseImplication(()),
						TransactionSource::External,
					)
					.map(|(validity, _, _)| validity.priority)
			};
			assert_eq!(priority(Pays::No), Ok(0));
			assert_eq!(priority(Pays::Yes), Ok(PAYING_PRIORITY_BONUS));
			// The bonus must outrank any fee-based priority of a normal call.
			assert!(priority(Pays::Yes).is_ok_and(|p| p >= 1 << 48));
		});
	}

	#[test]
	fn feeless_calls_take_at_most_their_share_of_a_block() {
		new_test_ext().execute_with(|| {
			assert_ok!(Registry::register_patient(RuntimeOrigin::root(), PATIENT, [1; 32]));
			assert_ok!(Registry::register_patient(RuntimeOrigin::root(), OTHER_PATIENT, [2; 32]));
			// 500 units of call and the extrinsic base of 100.
			let heavy = |who, nonce| Tx { weight: 500, ..feeless(who, nonce) };
			// MaxFeelessBlockWeight = 1,000: one 600-unit feeless call fits, a second (from
			// anyone) waits for the next block; a paying call is not counted.
			assert_eq!(heavy(PATIENT, 0).include(), Ok(()));
			assert_eq!(Registry::feeless_block_weight(), Weight::from_parts(600, 0));
			let exhausted =
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources));
			assert_eq!(heavy(OTHER_PATIENT, 0).include(), exhausted);
			assert_eq!(Tx { pays_fee: Pays::Yes, ..heavy(OTHER_PATIENT, 0) }.include(), Ok(()));
			assert_eq!(feeless(OTHER_PATIENT, 1).include(), Ok(()), "400 units are left for 200");

			System::set_block_number(2);
			assert_eq!(Registry::feeless_block_weight(), Weight::zero());
			assert_eq!(heavy(OTHER_PATIENT, 2).include(), Ok(()));
			// A call heavier than the whole share can never be included, so the pool refuses it.
			assert_eq!(Tx { weight: 901, ..feeless(PATIENT, 1) }.admit(), exhausted);
		});
	}

	#[test]
	fn doctors_of_a_revoked_hospital_lose_feeless_access() {
		new_test_ext().execute_with(|| {
			let hospital = register_hospital(RECORD_SERVICE, 10);
			assert_ok!(Registry::register_doctor(
				RuntimeOrigin::root(),
				DOCTOR,
				hospital,
				2,
				BoundedVec::default()
			));
			assert_eq!(include(DOCTOR, Pays::No), Ok(()));
			assert_eq!(include(RECORD_SERVICE, Pays::No), Ok(()));
			assert_ok!(Registry::revoke_hospital(RuntimeOrigin::root(), hospital));
			assert_eq!(include(DOCTOR, Pays::No), Err(NOT_REGISTERED_ERR));
			assert_eq!(include(RECORD_SERVICE, Pays::No), Err(NOT_REGISTERED_ERR));
			check_invariants();
		});
	}
}

#[test]
fn malformed_pdp_keys_are_refused() {
	new_test_ext().execute_with(|| {
		let register = |key: &[u8]| {
			Registry::register_hospital(
				RuntimeOrigin::root(),
				RECORD_SERVICE,
				bounded(b"x"),
				10,
				bounded(key),
				None,
			)
		};
		// Empty, 96 arbitrary bytes (what the registry accepted before), a point off the curve.
		assert_noop!(register(&[]), Error::<Test>::InvalidPdpKey);
		assert_noop!(register(&[1u8; 96]), Error::<Test>::InvalidPdpKey);
		let mut corrupted = pdp_key().to_vec();
		corrupted[120] ^= 0x04;
		assert_noop!(register(&corrupted), Error::<Test>::InvalidPdpKey);
		assert_ok!(register(&real_pdp_key(1)));

		let id = 0;
		assert_noop!(
			Registry::update_hospital(
				RuntimeOrigin::root(),
				id,
				None,
				None,
				Some(bounded(&corrupted)),
				None
			),
			Error::<Test>::InvalidPdpKey
		);
		check_invariants();
	});
}

#[test]
fn a_new_pdp_key_is_a_new_version_and_old_ones_stay() {
	use medchain_primitives::HospitalRegistry;
	new_test_ext().execute_with(|| {
		let id = register_hospital(RECORD_SERVICE, 10);
		assert_eq!(
			Registry::active_record_service(&RECORD_SERVICE).map(|s| s.pdp_key_version),
			Some(0)
		);
		let second = real_pdp_key(2);
		assert_ok!(Registry::update_hospital(
			RuntimeOrigin::root(),
			id,
			None,
			None,
			Some(second.clone()),
			None
		));
		System::assert_last_event(Event::PdpKeyAdded { hospital: id, version: 1 }.into());
		assert_eq!(Hospitals::<Test>::get(id).unwrap().pdp_key_version, 1);
		assert_eq!(
			<Registry as HospitalRegistry<u64>>::pdp_public_key(id, 0),
			Some(pdp_key().to_vec())
		);
		assert_eq!(
			<Registry as HospitalRegistry<u64>>::pdp_public_key(id, 1),
			Some(second.to_vec())
		);
		assert_eq!(<Registry as HospitalRegistry<u64>>::pdp_public_key(id, 2), None);
		assert_eq!(
			Registry::active_record_service(&RECORD_SERVICE).map(|s| s.pdp_key_version),
			Some(1)
		);
		check_invariants();
		// A missing older version breaks the invariant.
		PdpKeys::<Test>::remove(id, 0);
		assert!(Registry::do_try_state().is_err());
	});
}

#[test]
fn the_directory_answers_for_every_role() {
	use medchain_primitives::{
		DoctorRegistry, DoctorStanding, HospitalRegistry, KeyServiceRegistry, PatientRegistry,
		ProviderRegistry,
	};
	new_test_ext().execute_with(|| {
		let id = register_hospital(RECORD_SERVICE, 12);
		assert_ok!(Registry::register_doctor(
			RuntimeOrigin::root(),
			DOCTOR,
			id,
			3,
			attrs(&[b"surgeon"])
		));
		let info = <Registry as DoctorRegistry<u64>>::active_doctor(&DOCTOR).unwrap();
		assert_eq!((info.hospital, info.hospital_grade, info.title), (id, 12, 3));
		assert_eq!(info.attributes, vec![b"surgeon".to_vec()]);
		assert_eq!(
			<Registry as DoctorRegistry<u64>>::active_doctor(&PATIENT),
			Err(DoctorStanding::NotRegistered)
		);
		assert_ok!(Registry::register_provider(
			RuntimeOrigin::root(),
			PROVIDER,
			Some(id),
			bounded(b"http://p")
		));
		assert_eq!(
			<Registry as ProviderRegistry<u64>>::active_provider(&PROVIDER).map(|p| p.operator),
			Some(Some(id))
		);
		assert_ok!(Registry::register_patient(RuntimeOrigin::root(), PATIENT, [7; 32]));
		assert!(<Registry as PatientRegistry<u64>>::is_active_patient(&PATIENT));
		assert_eq!(Registry::current_key_epoch(), None);
		assert_ok!(Registry::start_key_epoch(RuntimeOrigin::root()));
		assert_eq!(Registry::current_key_epoch(), Some(0));
		assert_eq!(Registry::key_service(), None);

		assert_ok!(Registry::revoke_hospital(RuntimeOrigin::root(), id));
		assert_eq!(
			<Registry as DoctorRegistry<u64>>::active_doctor(&DOCTOR),
			Err(DoctorStanding::HospitalRevoked)
		);
		assert!(Registry::active_record_service(&RECORD_SERVICE).is_none());
		assert!(Registry::hospital_exists(id));
		assert_ok!(Registry::revoke_doctor(RuntimeOrigin::root(), DOCTOR));
		assert_eq!(
			<Registry as DoctorRegistry<u64>>::active_doctor(&DOCTOR),
			Err(DoctorStanding::Revoked)
		);
		assert!(Registry::doctor_exists(&DOCTOR));
	});
}

#[test]
fn revocations_reach_the_listeners() {
	new_test_ext().execute_with(|| {
		let id = register_hospital(RECORD_SERVICE, 12);
		assert_ok!(Registry::register_doctor(RuntimeOrigin::root(), DOCTOR, id, 1, attrs(&[])));
		assert_ok!(Registry::register_provider(
			RuntimeOrigin::root(),
			PROVIDER,
			None,
			bounded(b"p")
		));
		assert_ok!(Registry::register_patient(RuntimeOrigin::root(), PATIENT, [7; 32]));
		assert_ok!(Registry::revoke_doctor(RuntimeOrigin::root(), DOCTOR));
		assert_ok!(Registry::revoke_provider(RuntimeOrigin::root(), PROVIDER));
		assert_ok!(Registry::revoke_patient(RuntimeOrigin::root(), PATIENT));
		assert_ok!(Registry::revoke_hospital(RuntimeOrigin::root(), id));
		assert_eq!(
			revoked(),
			vec![
				Revoked::Doctor(DOCTOR),
				Revoked::Provider(PROVIDER),
				Revoked::Patient(PATIENT),
				Revoked::Hospital(id),
			]
		);
		// A refused revocation tells nobody.
		assert!(Registry::revoke_doctor(RuntimeOrigin::root(), DOCTOR).is_err());
		assert_eq!(revoked().len(), 4);
	});
}

mod allowlist {
	use super::*;
	use medchain_primitives::{AttributeRegistry, DoctorRegistry, StaffRegistry};
	use sp_runtime::BuildStorage;

	fn attribute(bytes: &[u8]) -> Attribute<Test> {
		bounded(bytes)
	}

	fn allow(bytes: &[u8]) -> sp_runtime::DispatchResult {
		Registry::allow_attribute(RuntimeOrigin::root(), attribute(bytes))
	}

	#[test]
	fn genesis_allows_its_attributes() {
		new_test_ext().execute_with(|| {
			assert_eq!(AllowedAttributeCount::<Test>::get(), GENESIS_ATTRIBUTES.len() as u32);
			for a in GENESIS_ATTRIBUTES {
				assert!(<Registry as AttributeRegistry>::is_allowed_attribute(a.as_bytes()), "{a}");
			}
			assert!(!<Registry as AttributeRegistry>::is_allowed_attribute(b"oncologist"));
			// Longer than MaxAttributeLen: never allowed, and no lookup needed to say so.
			assert!(!<Registry as AttributeRegistry>::is_allowed_attribute(&[b'a'; 40]));
			check_invariants();
		});
	}

	#[test]
	#[should_panic(expected = "refused")]
	fn a_genesis_with_a_department_does_not_build() {
		let _ = RuntimeGenesisConfig {
			registry: crate::GenesisConfig {
				allowed_attributes: vec!["dept:3".into()],
				..Default::default()
			},
			..Default::default()
		}
		.build_storage();
	}

	#[test]
	fn only_the_registrar_allows_and_disallows() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				Registry::allow_attribute(RuntimeOrigin::signed(DOCTOR), attribute(b"on-call")),
				DispatchError::BadOrigin
			);
			assert_ok!(allow(b"on-call"));
			System::assert_last_event(
				Event::AttributeAllowed { attribute: attribute(b"on-call") }.into(),
			);
			assert!(<Registry as AttributeRegistry>::is_allowed_attribute(b"on-call"));
			assert_eq!(AllowedAttributeCount::<Test>::get(), 4);
			assert_noop!(allow(b"on-call"), Error::<Test>::AttributeAlreadyAllowed);

			assert_noop!(
				Registry::disallow_attribute(RuntimeOrigin::signed(DOCTOR), attribute(b"on-call")),
				DispatchError::BadOrigin
			);
			assert_ok!(Registry::disallow_attribute(RuntimeOrigin::root(), attribute(b"on-call")));
			System::assert_last_event(
				Event::AttributeDisallowed { attribute: attribute(b"on-call") }.into(),
			);
			assert!(!<Registry as AttributeRegistry>::is_allowed_attribute(b"on-call"));
			assert_eq!(AllowedAttributeCount::<Test>::get(), 3);
			assert_noop!(
				Registry::disallow_attribute(RuntimeOrigin::root(), attribute(b"on-call")),
				Error::<Test>::UnknownAttribute
			);
			check_invariants();
		});
	}

	#[test]
	fn derived_prefixes_and_policy_words_are_reserved() {
		new_test_ext().execute_with(|| {
			for a in [
				&b"title>=4"[..],
				b"grade>=14",
				b"epoch:0",
				b"doctor:ab",
				b"Epoch:1",
				b"and",
				b"OR",
			] {
				assert_noop!(allow(a), Error::<Test>::ReservedAttribute);
			}
		});
	}

	#[test]
	fn department_like_attributes_are_refused() {
		new_test_ext().execute_with(|| {
			for a in
				[&b"dept:3"[..], b"DEPT:cardiology", b"dept-icu", b"department", b"Departments"]
			{
				assert_noop!(allow(a), Error::<Test>::DepartmentAttribute);
			}
			// A word that merely starts with the letters is not a department.
			assert_ok!(allow(b"deputy"));
		});
	}

	#[test]
	fn whitespace_parentheses_and_non_utf8_are_refused() {
		new_test_ext().execute_with(|| {
			for a in [&b"on call"[..], b"on\tcall", b"(x", b"x)", b"a,b", b"", &[0xc3, 0x28]] {
				assert_noop!(allow(a), Error::<Test>::MalformedAttribute);
			}
		});
	}

	#[test]
	fn the_allowlist_is_bounded() {
		new_test_ext().execute_with(|| {
			let room = MaxAllowedAttributes::get() - GENESIS_ATTRIBUTES.len() as u32;
			for i in 0..room {
				assert_ok!(allow(format!("role-{i}").as_bytes()));
			}
			assert_noop!(allow(b"one-too-many"), Error::<Test>::TooManyAllowedAttributes);
			assert_ok!(Registry::disallow_attribute(RuntimeOrigin::root(), attribute(b"role-0")));
			assert_ok!(allow(b"one-too-many"));
			assert_eq!(AllowedAttributeCount::<Test>::get(), MaxAllowedAttributes::get());
			check_invariants();
		});
	}

	#[test]
	fn doctors_hold_only_allowed_attributes() {
		new_test_ext().execute_with(|| {
			let id = register_hospital(RECORD_SERVICE, 10);
			assert_noop!(
				Registry::register_doctor(
					RuntimeOrigin::root(),
					DOCTOR,
					id,
					2,
					attrs(&[b"emergency", b"cardiologist"])
				),
				Error::<Test>::AttributeNotAllowed
			);
			assert_ok!(Registry::register_doctor(
				RuntimeOrigin::root(),
				DOCTOR,
				id,
				2,
				attrs(&[b"emergency"])
			));
			assert_noop!(
				Registry::update_doctor(
					RuntimeOrigin::root(),
					DOCTOR,
					2,
					attrs(&[b"cardiologist"])
				),
				Error::<Test>::AttributeNotAllowed
			);
			assert_ok!(allow(b"cardiologist"));
			assert_ok!(Registry::update_doctor(
				RuntimeOrigin::root(),
				DOCTOR,
				2,
				attrs(&[b"cardiologist"])
			));
			check_invariants();
		});
	}

	#[test]
	fn disallowing_ends_an_attribute_in_the_directory_at_once() {
		new_test_ext().execute_with(|| {
			let id = register_hospital(RECORD_SERVICE, 10);
			assert_ok!(Registry::register_doctor(
				RuntimeOrigin::root(),
				DOCTOR,
				id,
				4,
				attrs(&[b"emergency", b"surgeon"])
			));
			let held =
				|| <Registry as DoctorRegistry<u64>>::active_doctor(&DOCTOR).unwrap().attributes;
			assert_eq!(held(), vec![b"emergency".to_vec(), b"surgeon".to_vec()]);

			assert_ok!(Registry::disallow_attribute(
				RuntimeOrigin::root(),
				attribute(b"emergency")
			));
			assert_eq!(held(), vec![b"surgeon".to_vec()]);
			// The record keeps it (no sweep over doctors), so allowing it again restores it.
			assert_eq!(Doctors::<Test>::get(DOCTOR).unwrap().attributes.len(), 2);
			check_invariants();
			assert_ok!(allow(b"emergency"));
			assert_eq!(held(), vec![b"emergency".to_vec(), b"surgeon".to_vec()]);
		});
	}

	#[test]
	fn staff_are_doctors_record_services_and_providers_revoked_or_not() {
		new_test_ext().execute_with(|| {
			let staff = |who: u64| <Registry as StaffRegistry<u64>>::holds_staff_role(&who);
			let id = register_hospital(RECORD_SERVICE, 10);
			assert_ok!(Registry::register_doctor(RuntimeOrigin::root(), DOCTOR, id, 1, attrs(&[])));
			assert_ok!(Registry::register_provider(
				RuntimeOrigin::root(),
				PROVIDER,
				None,
				bounded(b"p")
			));
			assert_ok!(Registry::register_patient(RuntimeOrigin::root(), PATIENT, [1; 32]));
			assert!(staff(RECORD_SERVICE) && staff(DOCTOR) && staff(PROVIDER));
			assert!(!staff(PATIENT) && !staff(99));

			assert_ok!(Registry::revoke_doctor(RuntimeOrigin::root(), DOCTOR));
			assert_ok!(Registry::revoke_provider(RuntimeOrigin::root(), PROVIDER));
			assert_ok!(Registry::revoke_hospital(RuntimeOrigin::root(), id));
			assert!(staff(RECORD_SERVICE) && staff(DOCTOR) && staff(PROVIDER));
		});
	}

	#[test]
	fn try_state_checks_the_allowlist() {
		new_test_ext().execute_with(|| {
			check_invariants();
			AllowedAttributeCount::<Test>::put(2);
			assert!(Registry::do_try_state().is_err());
			AllowedAttributeCount::<Test>::put(4);
			// An entry that breaks the rule, written around the call.
			AllowedAttributes::<Test>::insert(attribute(b"dept:3"), ());
			assert!(Registry::do_try_state().is_err());
		});
	}
}

mod migration {
	use super::*;
	use crate::migrations::v2::{DoctorV1, MigrateV1ToV2};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	fn put_v1(who: u64, doctor: DoctorV1<Test>) {
		frame_support::storage::unhashed::put(&Doctors::<Test>::hashed_key_for(who), &doctor);
	}

	#[test]
	fn v1_doctors_lose_their_departments() {
		new_test_ext().execute_with(|| {
			let id = register_hospital(RECORD_SERVICE, 10);
			StorageVersion::new(1).put::<Registry>();
			put_v1(
				DOCTOR,
				DoctorV1 {
					hospital: id,
					title: 3,
					departments: 0b1010,
					attributes: attrs(&[b"emergency", b"dept:cardiology", b"surgeon"]),
					registered_at: 1,
					revoked_at: None,
				},
			);
			put_v1(
				DOCTOR + 1,
				DoctorV1 {
					hospital: id,
					title: 1,
					departments: (1 << 37) - 1,
					attributes: attrs(&[]),
					registered_at: 1,
					revoked_at: Some(2),
				},
			);
			// Stored under the old layout, the doctors do not decode as version 2.
			assert!(Doctors::<Test>::get(DOCTOR).is_none());

			#[cfg(feature = "try-runtime")]
			let state = MigrateV1ToV2::<Test>::pre_upgrade().unwrap();
			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			#[cfg(feature = "try-runtime")]
			MigrateV1ToV2::<Test>::post_upgrade(state).unwrap();

			assert_eq!(Registry::on_chain_storage_version(), StorageVersion::new(2));
			assert_eq!(
				Doctors::<Test>::get(DOCTOR),
				Some(Doctor {
					hospital: id,
					title: 3,
					// The department attribute goes with the department set.
					attributes: attrs(&[b"emergency", b"surgeon"]),
					registered_at: 1,
					revoked_at: None,
				})
			);
			let revoked = Doctors::<Test>::get(DOCTOR + 1).unwrap();
			assert_eq!(
				(revoked.title, revoked.revoked_at, revoked.attributes.len()),
				(1, Some(2), 0)
			);
			assert_eq!(Doctors::<Test>::iter().count(), 2);
			check_invariants();

			// At version 2 it does nothing.
			let before = Doctors::<Test>::get(DOCTOR);
			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			assert_eq!(Doctors::<Test>::get(DOCTOR), before);
		});
	}

	#[test]
	fn the_in_code_version_is_two() {
		assert_eq!(Registry::in_code_storage_version(), StorageVersion::new(2));
	}
}
