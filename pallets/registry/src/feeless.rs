//! Feeless transactions for registered actors, bounded per block.
//!
//! MedChain's own calls that registered actors make (a record service appending records, a
//! doctor asking for access, a provider fulfilling a search, a patient changing consent) are
//! declared `Pays::No`, so these accounts need no tokens. [`CheckFeeless`] is the transaction
//! extension that keeps this from becoming a free spam channel: a `Pays::No` call signed by an
//! account without an active role is invalid, and an active actor may include at most
//! [`Config::MaxFeelessPerBlock`] feeless transactions per block (further ones wait in the pool
//! for a later block). Calls that pay fees pass through untouched.

use core::marker::PhantomData;

use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{
	dispatch::{DispatchInfo, Pays, PostDispatchInfo},
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	traits::Get,
	weights::Weight,
};
use scale_info::TypeInfo;
use sp_runtime::traits::{
	AsSystemOriginSigner, DispatchInfoOf, Dispatchable, TransactionExtension, ValidateResult,
};

use crate::{Config, FeelessUsage, Pallet, WeightInfo};

/// `InvalidTransaction::Custom` code: a feeless call from an account without an active role.
pub const NOT_REGISTERED: u8 = 40;

/// Admits `Pays::No` calls only from active registered actors, at most
/// [`Config::MaxFeelessPerBlock`] per actor per block.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckFeeless<T: Config + Send + Sync>(PhantomData<T>);

impl<T: Config + Send + Sync> CheckFeeless<T> {
	/// The extension (it carries no data).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T: Config + Send + Sync> Default for CheckFeeless<T> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T: Config + Send + Sync> core::fmt::Debug for CheckFeeless<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckFeeless")
	}
}

impl<T: Config + Send + Sync> Pallet<T> {
	/// Feeless transactions `who` has had included in the current block.
	pub fn feeless_used(who: &T::AccountId) -> u32 {
		let now = frame_system::Pallet::<T>::block_number();
		match FeelessUsage::<T>::get(who) {
			Some((block, used)) if block == now => used,
			_ => 0,
		}
	}
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for CheckFeeless<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
	T::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckFeeless";
	type Implicit = ();
	/// The signer whose quota `prepare` charges, for feeless calls.
	type Val = Option<T::AccountId>;
	type Pre = ();

	fn weight(&self, _call: &T::RuntimeCall) -> Weight {
		<T as Config>::WeightInfo::check_feeless()
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		if info.pays_fee != Pays::No {
			return Ok((Default::default(), None, origin));
		}
		let Some(who) = origin.as_system_origin_signer() else {
			return Ok((Default::default(), None, origin));
		};
		if !Pallet::<T>::has_active_role(who) {
			return Err(InvalidTransaction::Custom(NOT_REGISTERED).into());
		}
		if Pallet::<T>::feeless_used(who) >= T::MaxFeelessPerBlock::get() {
			return Err(InvalidTransaction::ExhaustsResources.into());
		}
		let who = who.clone();
		Ok((Default::default(), Some(who), origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		_origin: &T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		if let Some(who) = val {
			let used = Pallet::<T>::feeless_used(&who).saturating_add(1);
			FeelessUsage::<T>::insert(&who, (frame_system::Pallet::<T>::block_number(), used));
		}
		Ok(())
	}
}
