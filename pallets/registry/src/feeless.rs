//! Feeless transactions for registered actors, bounded where the transaction pool admits them.
//!
//! MedChain's own calls that registered actors make (a record service appending records, a
//! doctor asking for access, a provider fulfilling a search, a patient changing consent) are
//! declared `Pays::No`, so these accounts need no tokens. [`CheckNonceAndFeeless`] is the
//! transaction extension that keeps this from becoming a free spam channel. It takes the place
//! of `frame_system::CheckNonce` (same identifier, same one compact nonce on the wire, so every
//! wallet and client signs for it unchanged) because the quota needs the transaction's nonce,
//! which no other extension can see. For a `Pays::No` call it adds three rules:
//!
//! - **a role**: the signer must hold an active role (hospital record service, doctor, storage
//!   provider, patient) or act for a patient ([`Config::Representatives`]: guardians and
//!   delegates), else [`NOT_REGISTERED`];
//! - **a quota per window, enforced in the pool**: an actor may have at most
//!   [`Config::MaxFeelessPerWindow`] feeless transactions included per window of
//!   [`Config::FeelessWindow`] blocks. The pool validates against the best block, where the
//!   count of *included* transactions says nothing about the ones already waiting, so the check
//!   adds the transaction's distance ahead of the account's nonce: a transaction with nonce `n`
//!   from an account at nonce `N` has `n - N` of the account's transactions before it, and is
//!   admitted only if `used + (n - N) < quota`. One account can therefore never hold more than its
//!   remaining quota in the pool, and the next ones are refused with [`FEELESS_QUOTA_EXHAUSTED`]
//!   (a clear error, not a silent drop; "unknown validity", so that the pool does not ban the
//!   transaction's hash and the same bytes can be sent again in a later window). Transactions
//!   that pay fees ahead of it count too: the bound is conservative;
//! - **a share of each block**: feeless calls together take at most
//!   [`Config::MaxFeelessBlockWeight`] of a block (their declared weight with the extrinsic
//!   base weight, as `CheckWeight` counts them); the rest waits for the next block
//!   (`ExhaustsResources` during block building only), so paying and registrar calls find
//!   room.
//!
//! Calls that pay fees pass through with the nonce check and get [`PAYING_PRIORITY_BONUS`], so
//! that they are taken first. Windows are fixed (block
//! `b` is in window `b / FeelessWindow`), so an actor can use its quota at the end of one
//! window and again at the start of the next: at most twice the quota in any span of one
//! window.

use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{
	dispatch::{DispatchInfo, Pays, PostDispatchInfo},
	pallet_prelude::{
		InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityError,
		UnknownTransaction,
	},
	traits::{Contains, Get},
	weights::Weight,
};
use frame_system::{pallet_prelude::BlockNumberFor, CheckNonce};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{
		AsSystemOriginSigner, DispatchInfoOf, Dispatchable, Implication, One, PostDispatchInfoOf,
		Saturating, TransactionExtension, UniqueSaturatedInto, ValidateResult,
	},
	transaction_validity::ValidTransaction,
	DispatchResult,
};

use crate::{Config, FeelessBlockWeight, FeelessUsage, Pallet, WeightInfo};

/// `InvalidTransaction::Custom` code: a feeless call from an account without an active role.
pub const NOT_REGISTERED: u8 = 40;

/// `UnknownTransaction::Custom` code: the signer's feeless quota for the current window is
/// used up by transactions included or already waiting in the pool (retry in the next window).
pub const FEELESS_QUOTA_EXHAUSTED: u8 = 41;

/// Priority added to every signed transaction that pays fees, so that the pool and block
/// building take paying calls (the registrar's among them) before feeless ones of the same tip:
/// the fee-based priority of `ChargeTransactionPayment` is zero for a feeless call without a
/// tip. Large beside any fee-based priority of a normal call, small beside `u64::MAX`, so that
/// operational calls, which get the bonus too, stay first.
pub const PAYING_PRIORITY_BONUS: TransactionPriority = 1 << 48;

/// Storage reads [`Config::Representatives`] may take per admitted transaction, priced on top of
/// the benchmark: the runtime's (the access pallet's) reads an account's guardianship count and
/// the end of its latest delegation.
pub const REPRESENTATIVE_READS: u64 = 2;

/// `frame_system::CheckNonce` plus MedChain's feeless admission (see the [module docs](self)).
///
/// Encoded exactly as `CheckNonce` (one compact nonce) and identified as `"CheckNonce"`, so
/// signers need no knowledge of it.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckNonceAndFeeless<T: Config + Send + Sync>(pub CheckNonce<T>);

impl<T: Config + Send + Sync> CheckNonceAndFeeless<T> {
	/// The extension for a transaction with `nonce`.
	pub fn from(nonce: T::Nonce) -> Self {
		Self(CheckNonce::from(nonce))
	}
}

impl<T: Config + Send + Sync> core::fmt::Debug for CheckNonceAndFeeless<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckNonceAndFeeless({:?})", self.0)
	}
}

/// What `validate` found for a feeless call: whom to charge and for how much block weight.
#[derive(Debug)]
pub struct FeelessCharge<AccountId> {
	who: AccountId,
	weight: Weight,
}

impl<T: Config> Pallet<T> {
	/// The feeless window that block `now` is in.
	pub fn feeless_window_of(now: BlockNumberFor<T>) -> BlockNumberFor<T> {
		let length = T::FeelessWindow::get().max(One::one());
		now / length
	}

	/// Feeless transactions `who` has had included in the current window.
	pub fn feeless_used(who: &T::AccountId) -> u32 {
		let window = Self::feeless_window_of(frame_system::Pallet::<T>::block_number());
		match FeelessUsage::<T>::get(who) {
			Some((of, used)) if of == window => used,
			_ => 0,
		}
	}

	/// Weight of the feeless transactions included in the current block so far.
	pub fn feeless_block_weight() -> Weight {
		let now = frame_system::Pallet::<T>::block_number();
		match FeelessBlockWeight::<T>::get() {
			Some((block, weight)) if block == now => weight,
			_ => Weight::zero(),
		}
	}

	/// Refuses a feeless transaction of `who` that has `ahead` of the account's transactions
	/// before it, or that would take the block's feeless share past its cap.
	fn ensure_feeless_admissible(
		who: &T::AccountId,
		ahead: u32,
		weight: Weight,
	) -> Result<(), TransactionValidityError> {
		if !Self::has_active_role(who) && !T::Representatives::contains(who) {
			return Err(InvalidTransaction::Custom(NOT_REGISTERED).into());
		}
		if Self::feeless_used(who).saturating_add(ahead) >= T::MaxFeelessPerWindow::get() {
			// "Unknown", not "invalid": the transaction may be valid in a later window, and the
			// pool bans the hash of an invalid one for longer than a window lasts.
			return Err(UnknownTransaction::Custom(FEELESS_QUOTA_EXHAUSTED).into());
		}
		if Self::feeless_block_weight()
			.saturating_add(weight)
			.any_gt(T::MaxFeelessBlockWeight::get())
		{
			return Err(InvalidTransaction::ExhaustsResources.into());
		}
		Ok(())
	}

	/// Counts an included feeless transaction against its signer's window and the block.
	fn charge_feeless(charge: &FeelessCharge<T::AccountId>) {
		let now = frame_system::Pallet::<T>::block_number();
		let used = Self::feeless_used(&charge.who).saturating_add(1);
		FeelessUsage::<T>::insert(&charge.who, (Self::feeless_window_of(now), used));
		let weight = Self::feeless_block_weight().saturating_add(charge.weight);
		FeelessBlockWeight::<T>::put((now, weight));
	}
}

type NonceVal<T> =
	<CheckNonce<T> as TransactionExtension<<T as frame_system::Config>::RuntimeCall>>::Val;
type NoncePre<T> =
	<CheckNonce<T> as TransactionExtension<<T as frame_system::Config>::RuntimeCall>>::Pre;

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for CheckNonceAndFeeless<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
	T::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	/// Wallets fill in `CheckNonce`'s nonce for it: the feeless rules carry no data.
	const IDENTIFIER: &'static str = "CheckNonce";
	type Implicit = ();
	/// `CheckNonce`'s, and the feeless charge for `prepare`, if the call is feeless.
	type Val = (NonceVal<T>, Option<FeelessCharge<T::AccountId>>);
	type Pre = NoncePre<T>;

	/// Benchmarked as a whole, `CheckNonce`'s work included, on the feeless path of a patient
	/// (the role found last), plus the reads that ask [`Config::Representatives`] about an
	/// account with no role: [`REPRESENTATIVE_READS`].
	fn weight(&self, _call: &T::RuntimeCall) -> Weight {
		<T as Config>::WeightInfo::check_feeless().saturating_add(
			<T as frame_system::Config>::DbWeight::get().reads(REPRESENTATIVE_READS),
		)
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
		self_implicit: Self::Implicit,
		inherited_implication: &impl Implication,
		source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		// The nonce first: a stale transaction is stale, whatever its quota.
		let (validity, nonce_val, origin) = self.0.validate(
			origin,
			call,
			info,
			len,
			self_implicit,
			inherited_implication,
			source,
		)?;
		let Some(who) = origin.as_system_origin_signer() else {
			return Ok((validity, (nonce_val, None), origin));
		};
		if info.pays_fee != Pays::No {
			let validity = validity.combine_with(ValidTransaction {
				priority: PAYING_PRIORITY_BONUS,
				..Default::default()
			});
			return Ok((validity, (nonce_val, None), origin));
		}
		let account_nonce = frame_system::Pallet::<T>::account_nonce(who);
		let ahead: u32 = self.0 .0.saturating_sub(account_nonce).unique_saturated_into();
		// What CheckWeight counts against the block for it: the call, the extensions and the
		// base cost of any extrinsic.
		let base = T::BlockWeights::get().get(info.class).base_extrinsic;
		let weight = info.total_weight().saturating_add(base);
		Pallet::<T>::ensure_feeless_admissible(who, ahead, weight)?;
		let charge = FeelessCharge { who: who.clone(), weight };
		Ok((validity, (nonce_val, Some(charge)), origin))
	}

	fn prepare(
		self,
		(nonce_val, charge): Self::Val,
		origin: &T::RuntimeOrigin,
		call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		let pre = self.0.prepare(nonce_val, origin, call, info, len)?;
		if let Some(charge) = charge {
			Pallet::<T>::charge_feeless(&charge);
		}
		Ok(pre)
	}

	fn post_dispatch_details(
		pre: Self::Pre,
		info: &DispatchInfoOf<T::RuntimeCall>,
		post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		len: usize,
		result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		CheckNonce::<T>::post_dispatch_details(pre, info, post_info, len, result)
	}
}
