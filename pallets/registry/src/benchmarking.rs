//! Benchmarks of the registry's calls, each in its worst case (longest names, keys and
//! attribute lists, every attribute allowlisted and of the longest length the allowlist rule
//! takes; the most expensive branch of every check).

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	dispatch::{DispatchClass, DispatchInfo, Pays, PostDispatchInfo},
	pallet_prelude::TransactionSource,
	weights::Weight,
};
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{
	AsSystemOriginSigner, Dispatchable, TransactionExtension, TxBaseImplication, Zero,
};

fn registrar<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

fn full<S: Get<u32>>(byte: u8) -> BoundedVec<u8, S> {
	BoundedVec::truncate_from(vec![byte; S::get() as usize])
}

/// The largest well-formed PDP key the bound allows (its check is the registration's cost).
fn pdp_key<T: Config>() -> PdpKey<T> {
	BoundedVec::truncate_from(crate::pdp_keys::pdp_key_of_len(T::MaxPdpKeyLen::get()))
}

/// Attribute `i`: `role-<i>` padded with `x` to the longest length both the bound and the
/// policy parser take, so that it obeys the allowlist rule and its checks cost the most.
fn attribute<T: Config>(i: u32) -> Attribute<T> {
	let len = T::MaxAttributeLen::get().min(medchain_crypto::abe::MAX_ATTRIBUTE_LEN) as usize;
	let mut text = alloc::format!("role-{i}").into_bytes();
	text.resize(len.max(text.len()), b'x');
	BoundedVec::truncate_from(text)
}

/// Attributes `0..count`, allowlisted (what a doctor may be given).
fn attributes<T: Config>(
	count: u32,
) -> Result<BoundedVec<Attribute<T>, T::MaxAttributes>, BenchmarkError> {
	let mut list = alloc::vec::Vec::new();
	for i in 0..count {
		let attribute = attribute::<T>(i);
		if !AllowedAttributes::<T>::contains_key(&attribute) {
			Pallet::<T>::allow_attribute(registrar::<T>()?, attribute.clone())
				.map_err(|_| BenchmarkError::Stop("attribute not allowed"))?;
		}
		list.push(attribute);
	}
	Ok(BoundedVec::truncate_from(list))
}

/// Registers a hospital with the longest name and key; returns its id.
fn hospital<T: Config>(seed: u32) -> Result<HospitalId, BenchmarkError> {
	let record_service: T::AccountId = account("record-service", seed, 0);
	let id = NextHospitalId::<T>::get();
	Pallet::<T>::register_hospital(
		registrar::<T>()?,
		record_service,
		full::<T::MaxNameLen>(b'h'),
		10,
		pdp_key::<T>(),
		Some(account("validator", seed, 0)),
	)
	.map_err(|_| BenchmarkError::Stop("hospital registration failed"))?;
	Ok(id)
}

fn doctor<T: Config>(hospital: HospitalId) -> Result<T::AccountId, BenchmarkError> {
	let doctor: T::AccountId = account("doctor", 0, 0);
	Pallet::<T>::register_doctor(
		registrar::<T>()?,
		doctor.clone(),
		hospital,
		2,
		attributes::<T>(T::MaxAttributes::get())?,
	)
	.map_err(|_| BenchmarkError::Stop("doctor registration failed"))?;
	Ok(doctor)
}

fn provider<T: Config>(operator: HospitalId) -> Result<T::AccountId, BenchmarkError> {
	let provider: T::AccountId = account("provider", 0, 0);
	Pallet::<T>::register_provider(
		registrar::<T>()?,
		provider.clone(),
		Some(operator),
		full::<T::MaxEndpointLen>(b'u'),
	)
	.map_err(|_| BenchmarkError::Stop("provider registration failed"))?;
	Ok(provider)
}

fn patient<T: Config>() -> Result<T::AccountId, BenchmarkError> {
	let patient: T::AccountId = account("patient", 0, 0);
	Pallet::<T>::register_patient(registrar::<T>()?, patient.clone(), [9; 32])
		.map_err(|_| BenchmarkError::Stop("patient registration failed"))?;
	Ok(patient)
}

#[benchmarks(where
	T: Send + Sync,
	T::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
	T::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_hospital() -> Result<(), BenchmarkError> {
		let origin = registrar::<T>()?;
		let record_service: T::AccountId = account("record-service", 0, 0);
		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			record_service.clone(),
			full::<T::MaxNameLen>(b'h'),
			14,
			pdp_key::<T>(),
			Some(account("validator", 0, 0)),
		);
		assert_eq!(HospitalOfRecordService::<T>::get(&record_service), Some(0));
		Ok(())
	}

	#[benchmark]
	fn update_hospital() -> Result<(), BenchmarkError> {
		let id = hospital::<T>(0)?;
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			id,
			Some(full::<T::MaxNameLen>(b'n')),
			Some(12),
			Some(pdp_key::<T>()),
			Some(Some(account("validator", 1, 0))),
		);
		assert_eq!(Hospitals::<T>::get(id).map(|h| h.grade), Some(12));
		Ok(())
	}

	#[benchmark]
	fn revoke_hospital() -> Result<(), BenchmarkError> {
		let id = hospital::<T>(0)?;
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);
		assert!(Hospitals::<T>::get(id).is_some_and(|h| h.revoked_at.is_some()));
		Ok(())
	}

	#[benchmark]
	fn register_doctor(a: Linear<0, { T::MaxAttributes::get() }>) -> Result<(), BenchmarkError> {
		let id = hospital::<T>(0)?;
		let attributes = attributes::<T>(a)?;
		let origin = registrar::<T>()?;
		let doctor: T::AccountId = account("doctor", 0, 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, doctor.clone(), id, 4, attributes);
		assert!(Doctors::<T>::contains_key(&doctor));
		Ok(())
	}

	#[benchmark]
	fn update_doctor(a: Linear<0, { T::MaxAttributes::get() }>) -> Result<(), BenchmarkError> {
		let id = hospital::<T>(0)?;
		let doctor = doctor::<T>(id)?;
		let attributes = attributes::<T>(a)?;
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, doctor.clone(), 3, attributes);
		assert_eq!(Doctors::<T>::get(&doctor).map(|d| d.title), Some(3));
		Ok(())
	}

	#[benchmark]
	fn revoke_doctor() -> Result<(), BenchmarkError> {
		let id = hospital::<T>(0)?;
		let doctor = doctor::<T>(id)?;
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, doctor.clone());
		assert!(Pallet::<T>::active_doctor(&doctor).is_none());
		Ok(())
	}

	#[benchmark]
	fn register_provider() -> Result<(), BenchmarkError> {
		let id = hospital::<T>(0)?;
		let origin = registrar::<T>()?;
		let provider: T::AccountId = account("provider", 0, 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, provider.clone(), Some(id), full::<T::MaxEndpointLen>(b'u'));
		assert!(Providers::<T>::contains_key(&provider));
		Ok(())
	}

	#[benchmark]
	fn update_provider() -> Result<(), BenchmarkError> {
		let id = hospital::<T>(0)?;
		let provider = provider::<T>(id)?;
		// The provider's own signed origin: the more expensive branch (registrar check first).
		#[extrinsic_call]
		_(RawOrigin::Signed(provider.clone()), provider.clone(), full::<T::MaxEndpointLen>(b'v'));
		assert!(Providers::<T>::get(&provider).is_some_and(|p| p.endpoint[0] == b'v'));
		Ok(())
	}

	#[benchmark]
	fn revoke_provider() -> Result<(), BenchmarkError> {
		let id = hospital::<T>(0)?;
		let provider = provider::<T>(id)?;
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, provider.clone());
		assert!(Pallet::<T>::active_provider(&provider).is_none());
		Ok(())
	}

	#[benchmark]
	fn register_patient() -> Result<(), BenchmarkError> {
		let origin = registrar::<T>()?;
		let patient: T::AccountId = account("patient", 0, 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, patient.clone(), [1; 32]);
		assert!(Pallet::<T>::is_active_patient(&patient));
		Ok(())
	}

	#[benchmark]
	fn revoke_patient() -> Result<(), BenchmarkError> {
		let patient = patient::<T>()?;
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, patient.clone());
		assert!(!Pallet::<T>::is_active_patient(&patient));
		Ok(())
	}

	#[benchmark]
	fn start_key_epoch() -> Result<(), BenchmarkError> {
		Pallet::<T>::start_key_epoch(registrar::<T>()?)
			.map_err(|_| BenchmarkError::Stop("first epoch failed"))?;
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin);
		assert_eq!(CurrentKeyEpoch::<T>::get().map(|e| e.index), Some(1));
		Ok(())
	}

	#[benchmark]
	fn set_public_parameters() -> Result<(), BenchmarkError> {
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, full::<T::MaxAbeKeyLen>(3), [5; 32], 1);
		assert!(Parameters::<T>::get().is_some());
		Ok(())
	}

	/// The longest attribute the rule takes: its check (UTF-8, characters, prefixes, the
	/// policy parser) is linear in its length.
	#[benchmark]
	fn allow_attribute() -> Result<(), BenchmarkError> {
		let attribute = attribute::<T>(0);
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, attribute.clone());
		assert!(AllowedAttributes::<T>::contains_key(&attribute));
		Ok(())
	}

	#[benchmark]
	fn disallow_attribute() -> Result<(), BenchmarkError> {
		let attribute = attribute::<T>(0);
		Pallet::<T>::allow_attribute(registrar::<T>()?, attribute.clone())
			.map_err(|_| BenchmarkError::Stop("attribute not allowed"))?;
		let origin = registrar::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, attribute.clone());
		assert!(!AllowedAttributes::<T>::contains_key(&attribute));
		Ok(())
	}

	/// The whole nonce-and-feeless extension (`CheckNonce`'s work included) for a patient
	/// (the role found last) that already had a feeless transaction in this window and this
	/// block: everything the feeless rules read and write.
	#[benchmark]
	fn check_feeless() -> Result<(), BenchmarkError> {
		// The harness moves to block 1 before the measured block; start there so that the
		// earlier transaction counts in the same window and block.
		let now: BlockNumberFor<T> = 1u32.into();
		frame_system::Pallet::<T>::set_block_number(now);
		let patient = patient::<T>()?;
		FeelessUsage::<T>::insert(&patient, (Pallet::<T>::feeless_window_of(now), 1));
		FeelessBlockWeight::<T>::put((now, Weight::from_parts(1, 0)));
		let call: T::RuntimeCall = frame_system::Call::<T>::remark { remark: vec![] }.into();
		let info = DispatchInfo {
			call_weight: Weight::zero(),
			extension_weight: Weight::zero(),
			class: DispatchClass::Normal,
			pays_fee: Pays::No,
		};
		let extension = CheckNonceAndFeeless::<T>::from(Zero::zero());
		let origin: T::RuntimeOrigin = RawOrigin::Signed(patient.clone()).into();
		#[block]
		{
			let (_, val, origin) = extension
				.validate(
					origin,
					&call,
					&info,
					0,
					(),
					&TxBaseImplication(()),
					TransactionSource::External,
				)
				.map_err(|_| BenchmarkError::Stop("feeless call refused"))?;
			extension
				.prepare(val, &origin, &call, &info, 0)
				.map_err(|_| BenchmarkError::Stop("feeless call not prepared"))?;
		}
		assert_eq!(Pallet::<T>::feeless_used(&patient), 2);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
