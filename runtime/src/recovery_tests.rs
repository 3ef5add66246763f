//! On the real runtime: a patient's lost card (the account is recovered through
//! `pallet-recovery` and keeps its access history; a presence key is no account of the
//! patient's), and registrar revocations outrank feeless calls in the pool.

use frame_support::{assert_noop, assert_ok, traits::Hooks};
use sp_core::Pair;
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::IdentifyAccount;

use crate::*;

/// The development genesis (Alice registrar, well-known accounts endowed) at block 1.
fn dev_chain(test: impl FnOnce()) {
	crate::tests::with_preset_state(DEV_RUNTIME_PRESET, || {
		System::set_block_number(1);
		test();
	});
}

fn signed(who: Sr25519Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.to_account_id())
}

#[test]
fn a_recovered_account_keeps_its_history_and_registers_a_new_card() {
	dev_chain(|| {
		let patient = Sr25519Keyring::Charlie.to_account_id();
		assert_ok!(Registry::register_patient(RuntimeOrigin::root(), patient.clone(), [7; 32]));
		let old_card = sp_core::ed25519::Pair::from_seed(&[1; 32]);
		assert_ok!(Access::set_presence_key(
			signed(Sr25519Keyring::Charlie),
			patient.clone(),
			Some(old_card.public().0)
		));
		// The patient names a friend group: Bob and Dave, both needed; Ferdie's new device
		// inherits the account.
		let mut friends =
			vec![Sr25519Keyring::Bob.to_account_id(), Sr25519Keyring::Dave.to_account_id()];
		friends.sort();
		assert_ok!(Recovery::set_friend_groups(
			signed(Sr25519Keyring::Charlie),
			vec![pallet_recovery::FriendGroup {
				friends: friends.try_into().unwrap(),
				friends_needed: 2,
				inheritor: Sr25519Keyring::Ferdie.to_account_id(),
				inheritance_delay: 0,
				inheritance_priority: 0,
				cancel_delay: 10,
			}]
		));
		// The card is lost: the friends recover the account.
		let lost = || sp_runtime::MultiAddress::Id(patient.clone());
		// Initiating counts as Bob's approval.
		assert_ok!(Recovery::initiate_attempt(signed(Sr25519Keyring::Bob), lost(), 0));
		assert_ok!(Recovery::approve_attempt(signed(Sr25519Keyring::Dave), lost(), 0));
		assert_ok!(Recovery::finish_attempt(signed(Sr25519Keyring::Bob), lost(), 0));
		// The new device acts as the patient: it replaces the card's presence key.
		let new_card = sp_core::ed25519::Pair::from_seed(&[2; 32]);
		let call = RuntimeCall::Access(pallet_medchain_access::Call::set_presence_key {
			patient: patient.clone(),
			key: Some(new_card.public().0),
		});
		assert_ok!(Recovery::control_inherited_account(
			signed(Sr25519Keyring::Ferdie),
			lost(),
			Box::new(call)
		));
		assert_eq!(
			pallet_medchain_access::PresenceKeys::<Runtime>::get(&patient),
			Some(new_card.public().0)
		);
		// The history stays with the account: both changes in one verifying chain, the
		// second made as the patient.
		let history = Access::access_history(&patient, 0, 10);
		assert_eq!(history.len(), 2);
		assert!(matches!(
			history[1].event,
			pallet_medchain_access::AccessEvent::PresenceKeySet {
				by: pallet_medchain_access::Actor::Patient,
				..
			}
		));
		assert_eq!(Access::verify_access_chain(&patient).first_broken, None);
		Access::on_idle(1, frame_support::weights::Weight::MAX);
	});
}

#[test]
fn a_presence_key_is_not_the_patients_account_and_cannot_act_for_them() {
	dev_chain(|| {
		let patient = Sr25519Keyring::Charlie.to_account_id();
		assert_ok!(Registry::register_patient(RuntimeOrigin::root(), patient.clone(), [7; 32]));
		// The card's key cannot be the account key.
		assert_noop!(
			Access::set_presence_key(
				signed(Sr25519Keyring::Charlie),
				patient.clone(),
				Some(Sr25519Keyring::Charlie.public().0)
			),
			pallet_medchain_access::Error::<Runtime>::PresenceKeyIsAccountKey
		);
		let card = sp_core::ed25519::Pair::from_seed(&[1; 32]);
		assert_ok!(Access::set_presence_key(
			signed(Sr25519Keyring::Charlie),
			patient.clone(),
			Some(card.public().0)
		));
		// An extrinsic signed with the card's key comes from another account, which is
		// neither the patient nor anybody's representative.
		let card_account: AccountId = sp_runtime::MultiSigner::from(card.public()).into_account();
		assert_noop!(
			Access::set_consent(
				RuntimeOrigin::signed(card_account.clone()),
				patient.clone(),
				pallet_medchain_access::ConsentScope::Hospital(0),
				true,
				None,
				None
			),
			pallet_medchain_access::Error::<Runtime>::NotRepresentative
		);
		assert_noop!(
			Access::set_presence_key(RuntimeOrigin::signed(card_account), patient, None),
			pallet_medchain_access::Error::<Runtime>::NotRepresentative
		);
	});
}

#[test]
fn registrar_revocations_outrank_feeless_calls_in_the_pool() {
	use frame_support::dispatch::{DispatchClass, GetDispatchInfo, Pays};
	use pallet_transaction_payment::ChargeTransactionPayment;
	let revoke: RuntimeCall = pallet_sudo::Call::sudo {
		call: Box::new(RuntimeCall::Registry(pallet_medchain_registry::Call::revoke_doctor {
			doctor: Sr25519Keyring::Bob.to_account_id(),
		})),
	}
	.into();
	let feeless = RuntimeCall::Access(pallet_medchain_access::Call::set_consent_mode {
		patient: Sr25519Keyring::Bob.to_account_id(),
		mode: pallet_medchain_access::ConsentMode::Implied,
	});
	let (revoke_info, feeless_info) = (revoke.get_dispatch_info(), feeless.get_dispatch_info());
	assert_eq!(revoke_info.class, DispatchClass::Operational);
	assert_eq!((feeless_info.class, feeless_info.pays_fee), (DispatchClass::Normal, Pays::No));
	dev_chain(|| {
		let fee = pallet_transaction_payment::Pallet::<Runtime>::compute_fee(100, &revoke_info, 0);
		assert!(fee > 0);
		let revoke_priority =
			ChargeTransactionPayment::<Runtime>::get_priority(&revoke_info, 100, 0, fee);
		let feeless_priority =
			ChargeTransactionPayment::<Runtime>::get_priority(&feeless_info, 100, 0, 0);
		assert!(revoke_priority > feeless_priority, "{revoke_priority} > {feeless_priority}");
	});
}

#[test]
fn a_delegate_without_tokens_is_admitted_feelessly() {
	use frame_support::dispatch::GetDispatchInfo;
	use sp_runtime::{
		traits::{TransactionExtension, TxBaseImplication},
		transaction_validity::{InvalidTransaction, TransactionSource},
	};
	dev_chain(|| {
		let patient = Sr25519Keyring::Charlie.to_account_id();
		let delegate: AccountId = sp_core::sr25519::Pair::from_seed(&[9; 32]).public().into();
		assert_ok!(Registry::register_patient(RuntimeOrigin::root(), patient.clone(), [7; 32]));
		let consent = RuntimeCall::Access(pallet_medchain_access::Call::set_consent {
			patient: patient.clone(),
			scope: pallet_medchain_access::ConsentScope::Hospital(0),
			granted: true,
			purpose: None,
			expires_at: None,
		});
		let admit = || {
			pallet_medchain_registry::CheckNonceAndFeeless::<Runtime>::from(0)
				.validate(
					RuntimeOrigin::signed(delegate.clone()),
					&consent,
					&consent.get_dispatch_info(),
					0,
					(),
					&TxBaseImplication(()),
					TransactionSource::External,
				)
				.map(|_| ())
		};
		// A stranger's account does not even exist.
		assert_eq!(admit(), Err(InvalidTransaction::Payment.into()));
		assert_ok!(Access::add_delegate(
			signed(Sr25519Keyring::Charlie),
			patient.clone(),
			delegate.clone(),
			1_000
		));
		assert_eq!(Balances::free_balance(&delegate), 0);
		assert_ok!(admit());
		assert_ok!(Access::remove_delegate(
			signed(Sr25519Keyring::Charlie),
			patient,
			delegate.clone()
		));
		assert_eq!(
			admit(),
			Err(InvalidTransaction::Custom(pallet_medchain_registry::NOT_REGISTERED).into())
		);
	});
}
