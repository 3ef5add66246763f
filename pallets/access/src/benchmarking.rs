//! Benchmarks of the access-record chain, each call in its worst case, and the
//! [`BenchmarkHelper`] through which the runtime sets up the other pallets' state they need.
//!
//! Common worst case of decisions: a doctor of the highest title with the most (longest)
//! registry attributes, a key epoch in force, requests on the patient-present basis (an ed25519
//! verification, a key read and a nonce read and write, heavier than a consent basis's two
//! reads), and entries whose policy is the longest valid policy text that fits `MaxPolicyLen`
//! (up to 47 leaves of 60 characters, the parser's and evaluator's bounds), satisfied only by
//! its last branch. Fulfilment re-checks the basis: there, a consent basis (the patient's
//! grant of the doctor with a purpose, read again) is the heavier one.
//!
//! `fulfil_search(n)`: the provider hosts `n` entries and claims all of them to match, so each
//! is decided and granted. The token is a real ed25519 signature by a key in the benchmark
//! keystore (`sp_io::crypto::ed25519_sign` over `TOKEN_SIGNING_CONTEXT || SCALE(body)`, exactly
//! what `medchain_crypto::shve::sign_token` signs), published as the key service's token-signing
//! key. The ciphertexts are real inputs to the real host function, built without AES (which the
//! runtime lacks): each has the maximum 128 slots, the token fixes all 128 (so matching XORs
//! every slot), the slots of each ciphertext XOR to zero and the token's `d0` is zero, so
//! `K' = 0` and `d1 = AES_0(0^128)` (the FIPS-197 known answer) makes every claim a true match.
//! The host function's work per claim (decode, XOR of the fixed slots, one AES block, one
//! constant-time comparison) does not depend on the slot values or on the outcome, so this is
//! its worst case; the runtime's work is worst when every claim matches.

use super::*;
use alloc::{string::String, vec, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	weights::Weight,
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use medchain_crypto::shve::{
	ShveCiphertext, ShveTokenBody, SignedToken, MAX_SHVE_LEN, SCHEMA_DEPARTMENTS,
	TOKEN_SIGNING_CONTEXT,
};
use medchain_primitives::{HospitalId, Seq};
use sp_core::{crypto::KeyTypeId, ed25519};
use sp_runtime::Saturating;

/// What the benchmarks need of the other pallets, implemented by the runtime over the registry
/// and the EMR pallet (and by the mock over its test state).
pub trait BenchmarkHelper<AccountId> {
	/// Registers an active hospital of `grade`; returns its id.
	fn register_hospital(grade: u8) -> HospitalId;
	/// Registers `doctor` as an active doctor of `hospital`.
	fn register_doctor(
		doctor: &AccountId,
		hospital: HospitalId,
		title: u8,
		attributes: Vec<Vec<u8>>,
	);
	/// The account of a storage provider whose receipts [`Self::append_entry`] can sign (the
	/// runtime's EMR entries carry them).
	fn provider_account() -> AccountId;
	/// Registers `provider` as an active storage provider operated by no hospital.
	fn register_provider(provider: &AccountId);
	/// Registers `patient` as an active patient.
	fn register_patient(patient: &AccountId);
	/// Starts the next key epoch.
	fn start_key_epoch();
	/// Publishes the key service's token-signing key and SHVE schema.
	fn set_key_service(token_signing_key: [u8; 32], shve_schema: u16);
	/// Appends an entry hosted by `provider` (from [`Self::provider_account`]) to `patient`'s
	/// EMR chain, with the provider's receipt; returns its position.
	fn append_entry(
		patient: &AccountId,
		provider: &AccountId,
		shve_commitment: [u8; 32],
		policy: Vec<u8>,
	) -> Seq;
	/// The longest policy an EMR entry may carry, in bytes.
	fn max_policy_len() -> u32;
	/// Largest number of registry attributes a doctor may have, and the longest one, in bytes.
	fn max_attributes() -> (u32, u32);
}

/// Key type of the benchmark's token-signing key in the keystore.
const TOKEN_KEY_TYPE: KeyTypeId = KeyTypeId(*b"mdtk");
/// Key type of the benchmark patient's card (presence key) in the keystore.
const CARD_KEY_TYPE: KeyTypeId = KeyTypeId(*b"mdcd");

/// AES-128 of the zero block under the all-zero key (FIPS-197 known answer).
const AES_ZERO_OF_ZERO: [u8; 16] = [
	0x66, 0xe9, 0x4b, 0xd4, 0xef, 0x8a, 0x2c, 0x3b, 0x88, 0x4c, 0xfa, 0x59, 0xca, 0x34, 0x2b, 0x2e,
];

/// The actors of every benchmark.
struct Actors<T: Config> {
	hospital: HospitalId,
	doctor: T::AccountId,
	provider: T::AccountId,
	patient: T::AccountId,
}

/// A grade-14 hospital, a title-4 doctor with the most registry
/// attributes of the longest length (`emergency` first), a provider, a patient and key
/// epoch 0.
fn actors<T: Config>() -> Actors<T> {
	let doctor: T::AccountId = account("doctor", 0, 0);
	let provider = T::BenchmarkHelper::provider_account();
	let patient: T::AccountId = account("patient", 0, 0);
	let hospital = T::BenchmarkHelper::register_hospital(14);
	let (max_attributes, max_len) = T::BenchmarkHelper::max_attributes();
	let mut attributes = vec![EMERGENCY_ATTRIBUTE.as_bytes().to_vec()];
	for i in 1..max_attributes {
		let mut attribute = vec![b'a'; max_len as usize];
		if let Some(first) = attribute.first_mut() {
			*first = b'b'.saturating_add(i as u8 % 20);
		}
		attributes.push(attribute);
	}
	T::BenchmarkHelper::register_doctor(&doctor, hospital, 4, attributes);
	T::BenchmarkHelper::register_provider(&provider);
	T::BenchmarkHelper::register_patient(&patient);
	T::BenchmarkHelper::start_key_epoch();
	Actors { hospital, doctor, provider, patient }
}

/// The patient's grant of the doctor for [`Purpose::Treatment`] (the default mode is explicit,
/// so a consent basis reads both scopes and the grant's purpose).
fn consent_grant<T: Config>(a: &Actors<T>) -> Result<(), BenchmarkError> {
	Pallet::<T>::set_consent(
		RawOrigin::Signed(a.patient.clone()).into(),
		a.patient.clone(),
		ConsentScope::Doctor(a.doctor.clone()),
		true,
		Some(Purpose::Treatment),
		None,
	)
	.map_err(|_| BenchmarkError::Stop("consent failed"))
}

/// The patient's card in the keystore, registered as their presence key, signs a presence
/// statement for the doctor asking `target` now.
fn presence<T: Config>(
	a: &Actors<T>,
	target: &AccessTarget<T>,
) -> Result<Basis<T>, BenchmarkError> {
	let card =
		sp_io::crypto::ed25519_generate(CARD_KEY_TYPE, Some(b"//medchain-benchmark-card".to_vec()));
	PresenceKeys::<T>::insert(&a.patient, card.0);
	let not_after = frame_system::Pallet::<T>::block_number()
		.saturating_add(<T as Config>::MaxPresenceValidity::get());
	let nonce = [7; 16];
	let statement = Pallet::<T>::presence_statement(
		&a.doctor,
		&a.patient,
		target,
		Purpose::Treatment,
		not_after,
		nonce,
	);
	let signature = sp_io::crypto::ed25519_sign(CARD_KEY_TYPE, &card, &statement.encode())
		.ok_or(BenchmarkError::Stop("keystore could not sign"))?;
	Ok(Basis::PatientPresent(PresenceProof { nonce, not_after, signature: signature.0 }))
}

/// A break-glass search for the longest window (request 0).
fn break_glass_search<T: Config>(a: &Actors<T>) -> Result<(), BenchmarkError> {
	Pallet::<T>::break_glass(
		RawOrigin::Signed(a.doctor.clone()).into(),
		a.patient.clone(),
		target::<T>(0),
		[9; 32],
		<T as Config>::MaxBreakGlassDuration::get(),
	)
	.map_err(|_| BenchmarkError::Stop("break-glass failed"))
}

/// Length of the chain the page benchmarks read the end of.
const LONG_CHAIN: Seq = 100_000;

/// The last `n + 1` records of a `LONG_CHAIN`-record access chain of the patient, each with a
/// valid link (the records before them are never read by a page at the end, so they are not
/// stored): a `Requested` record, then `n` records deciding the most entries, all granted and
/// all naming entry 0 (so `readers_of` reads the `Requested` record for each).
fn long_chain_tail<T: Config>(a: &Actors<T>, n: u32) -> Seq {
	let from = LONG_CHAIN.saturating_sub(n);
	let requested_at = from.saturating_sub(1);
	let at = frame_system::Pallet::<T>::block_number();
	let mut prev = [7u8; 32];
	let decisions: Decisions<T> = BoundedVec::truncate_from(
		(0..T::MaxHostedPerProvider::get()).map(|seq| (seq, Decision::Granted)).collect::<Vec<_>>(),
	);
	for seq in requested_at..LONG_CHAIN {
		let event = if seq == requested_at {
			AccessEvent::Requested {
				doctor: a.doctor.clone(),
				hospital: a.hospital,
				target: target::<T>(0),
				purpose: Purpose::Treatment,
				basis: BasisRecord::Consent,
				delivery_key: [9; 32],
				expires_at: at,
			}
		} else {
			AccessEvent::Decided {
				provider: Some(a.provider.clone()),
				requested_at,
				decisions: decisions.clone(),
			}
		};
		let record_hash = Pallet::<T>::record_hash(&a.patient, seq, &prev, &at, Some(0), &event);
		AccessLog::<T>::insert(
			&a.patient,
			seq,
			AccessRecord {
				format: ACCESS_FORMAT,
				seq,
				prev_hash: prev,
				record_hash,
				at,
				request_id: Some(0),
				event,
			},
		);
		prev = record_hash;
	}
	AccessLength::<T>::insert(&a.patient, LONG_CHAIN);
	AccessHead::<T>::insert(&a.patient, prev);
	from
}

/// A search request on a consent basis (request 0).
fn consent_search<T: Config>(a: &Actors<T>) -> Result<(), BenchmarkError> {
	consent_grant::<T>(a)?;
	Pallet::<T>::request_access(
		RawOrigin::Signed(a.doctor.clone()).into(),
		a.patient.clone(),
		target::<T>(0),
		Purpose::Treatment,
		Basis::Consent,
		[9; 32],
	)
	.map_err(|_| BenchmarkError::Stop("request failed"))
}

/// A filler policy leaf of 60 characters that no doctor holds.
fn filler(i: u32) -> String {
	let mut leaf = alloc::format!("f{i:02}");
	while leaf.len() < 60 {
		leaf.push('x');
	}
	leaf
}

/// The longest policy text within `MaxPolicyLen` that the parser accepts: `epoch:0 and (P or
/// ... or S or ... or title>=4)` with up to 15 unsatisfied pairs `P = (a and b)` and 15
/// unsatisfied single leaves `S` (47 leaves and 64 nodes at most, the policy bounds), satisfied
/// by a title-4 doctor in epoch 0 through its last branch only.
fn worst_policy<T: Config>() -> Result<Vec<u8>, BenchmarkError> {
	let max = T::BenchmarkHelper::max_policy_len() as usize;
	let (head, tail) = ("epoch:0 and (", "title>=4)");
	let mut middle = String::new();
	let (mut pairs, mut singles, mut leaves) = (0u32, 0u32, 0u32);
	loop {
		let fits = |item: &str| head.len() + middle.len() + item.len() + tail.len() <= max;
		let pair = alloc::format!("({} and {}) or ", filler(leaves), filler(leaves + 1));
		let single = alloc::format!("{} or ", filler(leaves));
		if pairs < 15 && fits(&pair) {
			middle.push_str(&pair);
			pairs += 1;
			leaves += 2;
		} else if singles < 15 && fits(&single) {
			middle.push_str(&single);
			singles += 1;
			leaves += 1;
		} else {
			break;
		}
	}
	let text = alloc::format!("{head}{middle}{tail}");
	medchain_crypto::abe::Policy::parse(&text)
		.map_err(|_| BenchmarkError::Stop("benchmark policy does not parse"))?;
	if text.len() > max {
		return Err(BenchmarkError::Stop("MaxPolicyLen too small for any policy"));
	}
	Ok(text.into_bytes())
}

/// Ciphertext `i`: 128 slots (the maximum) whose XOR is zero.
fn ciphertext(i: u32) -> ShveCiphertext {
	let mut slots: Vec<[u8; 16]> = (0..MAX_SHVE_LEN.saturating_sub(1))
		.map(|j| sp_io::hashing::blake2_128(&(b"medchain/bench/slot", i, j).encode()))
		.collect();
	let mut last = [0u8; 16];
	for slot in &slots {
		for (x, y) in last.iter_mut().zip(slot) {
			*x ^= y;
		}
	}
	slots.push(last);
	ShveCiphertext {
		schema: SCHEMA_DEPARTMENTS,
		slots: medchain_crypto::BoundedVec::truncate_from(slots),
	}
}

/// Appends `n` entries with the worst policy to the patient's chain, hosted by the provider;
/// returns their SHVE ciphertexts in hosted order.
fn host_entries<T: Config>(a: &Actors<T>, n: u32) -> Result<Vec<ShveCiphertext>, BenchmarkError> {
	let policy = worst_policy::<T>()?;
	let mut ciphertexts = Vec::new();
	for i in 0..n {
		let ciphertext = ciphertext(i);
		T::BenchmarkHelper::append_entry(
			&a.patient,
			&a.provider,
			sp_io::hashing::blake2_256(&ciphertext.encode()),
			policy.clone(),
		);
		ciphertexts.push(ciphertext);
	}
	Ok(ciphertexts)
}

/// Generates the token-signing key in the keystore and publishes it with schema 1.
fn token_key<T: Config>() -> Result<ed25519::Public, BenchmarkError> {
	let key = sp_io::crypto::ed25519_generate(
		TOKEN_KEY_TYPE,
		Some(b"//medchain-benchmark-token-key".to_vec()),
	);
	let schema = u16::try_from(SCHEMA_DEPARTMENTS)
		.map_err(|_| BenchmarkError::Stop("schema id out of range"))?;
	T::BenchmarkHelper::set_key_service(key.0, schema);
	Ok(key)
}

/// The query commitment of the benchmarks' search requests.
const SEARCH_QUERY: [u8; 32] = [7; 32];

/// A token fixing all 128 slots with `d0 = 0`, `d1 = AES_0(0)`, signed in the keystore.
fn signed_token<T: Config>(
	key: &ed25519::Public,
	patient: &T::AccountId,
	request_id: RequestId,
) -> Result<SignedToken, BenchmarkError> {
	let body = ShveTokenBody {
		patient: account_bytes(patient),
		schema: SCHEMA_DEPARTMENTS,
		vector_len: MAX_SHVE_LEN as u8,
		fixed: u128::MAX,
		d0: [0; 16],
		d1: AES_ZERO_OF_ZERO,
		request_id,
		expires_at: u32::MAX,
		genesis_hash: Pallet::<T>::genesis_block_hash().as_ref().try_into().unwrap_or_default(),
		query_commitment: SEARCH_QUERY,
	};
	let mut message = TOKEN_SIGNING_CONTEXT.to_vec();
	body.encode_to(&mut message);
	let signature = sp_io::crypto::ed25519_sign(TOKEN_KEY_TYPE, key, &message)
		.ok_or(BenchmarkError::Stop("keystore could not sign"))?;
	Ok(SignedToken { body, signature: signature.0 })
}

/// The records target naming entries `0..r`, or a search for `r = 0`.
fn target<T: Config>(r: u32) -> AccessTarget<T> {
	if r == 0 {
		AccessTarget::Search { query_commitment: SEARCH_QUERY, all_records: false }
	} else {
		AccessTarget::Records(BoundedVec::truncate_from((0..r).collect::<Vec<_>>()))
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn request_access(
		r: Linear<0, { <T as Config>::MaxRecordsPerRequest::get() }>,
	) -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		host_entries::<T>(&a, r)?;
		let basis = presence::<T>(&a, &target::<T>(r))?;
		#[extrinsic_call]
		_(
			RawOrigin::Signed(a.doctor.clone()),
			a.patient.clone(),
			target::<T>(r),
			Purpose::Treatment,
			basis,
			[9; 32],
		);
		assert!(Requests::<T>::contains_key(0));
		assert_eq!(Grants::<T>::iter_prefix(0).count() as u32, r);
		Ok(())
	}

	#[benchmark]
	fn fulfil_search(
		n: Linear<1, { T::MaxHostedPerProvider::get() }>,
	) -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		let key = token_key::<T>()?;
		let ciphertexts = host_entries::<T>(&a, n)?;
		consent_search::<T>(&a)?;
		let token = signed_token::<T>(&key, &a.patient, 0)?;
		let claims: ClaimsOf<T> = BoundedVec::truncate_from(
			ciphertexts.into_iter().map(|c| (c, true)).collect::<Vec<_>>(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(a.provider.clone()), 0, token, claims);
		assert!(Fulfilled::<T>::contains_key(0, &a.provider));
		assert_eq!(Grants::<T>::iter_prefix(0).count() as u32, n);
		Ok(())
	}

	#[benchmark]
	fn break_glass(
		r: Linear<0, { <T as Config>::MaxRecordsPerRequest::get() }>,
	) -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		host_entries::<T>(&a, r)?;
		let duration = <T as Config>::MaxBreakGlassDuration::get();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(a.doctor.clone()),
			a.patient.clone(),
			target::<T>(r),
			[9; 32],
			duration,
		);
		assert!(Requests::<T>::get(0).is_some_and(|request| request.emergency()));
		assert_eq!(Grants::<T>::iter_prefix(0).count() as u32, r);
		Ok(())
	}

	/// A new scope when the patient keeps the maximum number of consents, all expired: every
	/// one is purged.
	#[benchmark]
	fn set_consent() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		let now = frame_system::Pallet::<T>::block_number();
		let max = <T as Config>::MaxConsentsPerPatient::get();
		for i in 0..max {
			Consents::<T>::insert(
				&a.patient,
				ConsentScope::Doctor(account("consented", i, 0)),
				Consent { granted: false, purpose: None, expires_at: Some(now) },
			);
		}
		ConsentCount::<T>::insert(&a.patient, max);
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(1u32.into()));
		#[extrinsic_call]
		_(
			RawOrigin::Signed(a.patient.clone()),
			a.patient.clone(),
			ConsentScope::Hospital(a.hospital),
			true,
			Some(Purpose::Treatment),
			None,
		);
		assert_eq!(ConsentCount::<T>::get(&a.patient), 1);
		Ok(())
	}

	#[benchmark]
	fn clear_consent() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		let scope = ConsentScope::<T>::Doctor(a.doctor.clone());
		Pallet::<T>::set_consent(
			RawOrigin::Signed(a.patient.clone()).into(),
			a.patient.clone(),
			scope.clone(),
			false,
			None,
			None,
		)
		.map_err(|_| BenchmarkError::Stop("consent failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(a.patient.clone()), a.patient.clone(), scope);
		assert_eq!(ConsentCount::<T>::get(&a.patient), 0);
		Ok(())
	}

	#[benchmark]
	fn set_consent_mode() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(a.patient.clone()), a.patient.clone(), ConsentMode::Implied);
		assert_eq!(ConsentModes::<T>::get(&a.patient), ConsentMode::Implied);
		Ok(())
	}

	/// An expired request with `n` grants, all removed in one call.
	#[benchmark]
	fn prune_request(n: Linear<0, { Pallet::<T>::prune_limit() }>) -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		consent_search::<T>(&a)?;
		let now = frame_system::Pallet::<T>::block_number();
		let expires_at = now.saturating_add(<T as Config>::RequestLifetime::get());
		for seq in 0..n {
			Grants::<T>::insert(
				0,
				seq,
				Grant {
					patient: a.patient.clone(),
					doctor: a.doctor.clone(),
					provider: a.provider.clone(),
					delivery_key: [9; 32],
					expires_at,
				},
			);
		}
		let after: BlockNumberFor<T> = expires_at
			.saturating_add(<T as Config>::GrantLifetime::get())
			.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(after);
		#[extrinsic_call]
		_(RawOrigin::Signed(a.doctor.clone()), 0);
		assert!(!Requests::<T>::contains_key(0));
		Ok(())
	}

	/// Replacing a registered key.
	#[benchmark]
	fn set_presence_key() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		PresenceKeys::<T>::insert(&a.patient, [1; 32]);
		#[extrinsic_call]
		_(RawOrigin::Signed(a.patient.clone()), a.patient.clone(), Some([2; 32]));
		assert_eq!(PresenceKeys::<T>::get(&a.patient), Some([2; 32]));
		Ok(())
	}

	/// A new delegate, named by the guardian (the longest origin check).
	#[benchmark]
	fn add_delegate() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		let guardian: T::AccountId = account("guardian", 0, 0);
		let delegate: T::AccountId = account("delegate", 0, 0);
		Pallet::<T>::set_guardian(
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?,
			a.patient.clone(),
			Some(guardian.clone()),
		)
		.map_err(|_| BenchmarkError::Stop("guardian failed"))?;
		let until = frame_system::Pallet::<T>::block_number()
			.saturating_add(<T as Config>::MaxDelegation::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(guardian), a.patient.clone(), delegate.clone(), until);
		assert_eq!(Delegates::<T>::get(&a.patient, &delegate), Some(until));
		Ok(())
	}

	#[benchmark]
	fn remove_delegate() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		let delegate: T::AccountId = account("delegate", 0, 0);
		let until = frame_system::Pallet::<T>::block_number()
			.saturating_add(<T as Config>::MaxDelegation::get());
		Pallet::<T>::add_delegate(
			RawOrigin::Signed(a.patient.clone()).into(),
			a.patient.clone(),
			delegate.clone(),
			until,
		)
		.map_err(|_| BenchmarkError::Stop("delegate failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(a.patient.clone()), a.patient.clone(), delegate.clone());
		assert!(!Delegates::<T>::contains_key(&a.patient, &delegate));
		Ok(())
	}

	/// Replacing a guardian.
	#[benchmark]
	fn set_guardian() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		Pallet::<T>::set_guardian(origin.clone(), a.patient.clone(), Some(account("old", 0, 0)))
			.map_err(|_| BenchmarkError::Stop("guardian failed"))?;
		let guardian: T::AccountId = account("guardian", 0, 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, a.patient.clone(), Some(guardian.clone()));
		assert_eq!(Guardians::<T>::get(&a.patient), Some(guardian));
		Ok(())
	}

	#[benchmark]
	fn justify_break_glass() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		break_glass_search::<T>(&a)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(a.doctor.clone()), 0, [3; 32]);
		assert!(!JustificationDue::<T>::contains_key(0));
		Ok(())
	}

	/// `on_idle` removing one expired presence nonce (and the step to its block).
	#[benchmark]
	fn sweep_nonce() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		let now = frame_system::Pallet::<T>::block_number();
		PresenceNonces::<T>::insert(now, (a.patient.clone(), [1u8; 16]), ());
		SweepCursor::<T>::put(now);
		let later = now.saturating_add(1u32.into());
		#[block]
		{
			Pallet::<T>::sweep(later, Weight::MAX);
		}
		assert_eq!(PresenceNonces::<T>::iter().count(), 0);
		Ok(())
	}

	/// `on_idle` alerting one overdue justification (and the step to its block).
	#[benchmark]
	fn sweep_overdue() -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		break_glass_search::<T>(&a)?;
		let (due, _, _) =
			JustificationDue::<T>::get(0).ok_or(BenchmarkError::Stop("not awaited"))?;
		SweepCursor::<T>::put(due);
		let later = due.saturating_add(1u32.into());
		#[block]
		{
			Pallet::<T>::sweep(later, Weight::MAX);
		}
		assert!(!JustificationDue::<T>::contains_key(0));
		Ok(())
	}

	/// The runtime API's page of `verify_access_chain` at the end of a 100,000-record chain:
	/// its cost depends on the page, not on the chain's length.
	#[benchmark]
	fn verify_access_chain_page(n: Linear<1, MAX_CHAIN_PAGE>) -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		let from = long_chain_tail::<T>(&a, n);
		#[block]
		{
			let page = Pallet::<T>::verify_access_chain_page(&a.patient, from, n);
			assert_eq!((page.to, page.first_broken), (LONG_CHAIN, None));
		}
		Ok(())
	}

	/// The runtime API's page of `readers_of` at the end of a 100,000-record chain, every
	/// record a grant of the entry asked about.
	#[benchmark]
	fn readers_of_page(n: Linear<1, MAX_CHAIN_PAGE>) -> Result<(), BenchmarkError> {
		let a = actors::<T>();
		let from = long_chain_tail::<T>(&a, n);
		#[block]
		{
			let readers = Pallet::<T>::readers_of_page(&a.patient, 0, from, n);
			assert_eq!(readers.len() as u32, n);
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
