//! Storage migrations of the access-record chain.

use frame_support::{
	migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade, weights::Weight,
};

use crate::{Config, ConsentMode, ConsentModes, Pallet};

/// Storage version 1 to 2: access needs a basis.
///
/// Explicit consent becomes the default: patients who had chosen explicit mode need no stored
/// mode any more (their entries are removed), and patients who had left the old default,
/// implied, are now in explicit mode, so every consent basis needs a grant. Access records and
/// requests of version 1 (format 1: free-text purposes, department scopes) cannot be read by
/// this runtime; they existed only on development chains, and `pre_upgrade` refuses a chain
/// that has them instead of pretending to carry them over.
pub mod v2 {
	use super::*;

	/// The unversioned step; use [`MigrateToV2`].
	pub struct ExplicitConsentByDefault<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for ExplicitConsentByDefault<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads = 0u64;
			let mut removed = 0u64;
			// Under version 1 only `Explicit` was stored (absent meant implied).
			ConsentModes::<T>::translate::<ConsentMode, _>(|_, mode| {
				reads = reads.saturating_add(1);
				if mode == ConsentMode::Explicit {
					removed = removed.saturating_add(1);
					None
				} else {
					Some(mode)
				}
			});
			T::DbWeight::get().reads_writes(reads, removed)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			frame_support::ensure!(
				crate::AccessLog::<T>::iter_keys().next().is_none()
					&& crate::Requests::<T>::iter_keys().next().is_none(),
				"version-1 access records or requests exist; this runtime cannot read them"
			);
			Ok(alloc::vec::Vec::new())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			frame_support::ensure!(
				ConsentModes::<T>::iter_values().all(|mode| mode != ConsentMode::Explicit),
				"the default mode is stored"
			);
			Ok(())
		}
	}

	/// Version 1 to 2 of the access pallet's storage.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		ExplicitConsentByDefault<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

use frame_support::traits::Get;
