//! Storage migrations of the registry, for the runtime's `Migrations`.

/// Storage version 1 to 2: doctors keep no departments.
///
/// List [`v2::MigrateV1ToV2`] in the runtime's migrations; it runs only while the on-chain
/// storage version is 1 and then sets it to 2.
pub mod v2 {
	use crate::{allowlist::check_attribute, Attribute, Config, Doctor, Doctors, Pallet};
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use medchain_primitives::{DepartmentSet, HospitalId};

	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;

	/// A doctor as storage version 1 kept it, with a department set. Only decoded here, to
	/// translate stored doctors.
	#[derive(Encode, Decode)]
	pub struct DoctorV1<T: Config> {
		/// The hospital employing the doctor.
		pub hospital: HospitalId,
		/// Title 1..=4.
		pub title: u8,
		/// Departments the doctor works in: what version 2 drops.
		pub departments: DepartmentSet,
		/// Further attributes.
		pub attributes: BoundedVec<Attribute<T>, T::MaxAttributes>,
		/// Block of registration.
		pub registered_at: BlockNumberFor<T>,
		/// Block of revocation.
		pub revoked_at: Option<BlockNumberFor<T>>,
	}

	impl<T: Config> DoctorV1<T> {
		/// The doctor in the version 2 layout: without departments, and without any attribute
		/// the allowlist rule refuses (a version-1 attribute such as `dept:cardiology` would
		/// keep mapping the doctor to a department in clear; it could never be allowed, so it
		/// could never count either).
		pub fn into_v2(self) -> Doctor<T> {
			let mut attributes = self.attributes;
			attributes.retain(|attribute| check_attribute(attribute).is_ok());
			Doctor {
				hospital: self.hospital,
				title: self.title,
				attributes,
				registered_at: self.registered_at,
				revoked_at: self.revoked_at,
			}
		}
	}

	/// The unversioned step: rewrites every stored doctor from the version-1 layout. Use
	/// [`MigrateV1ToV2`], which runs it only from version 1.
	pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut translated = 0u64;
			Doctors::<T>::translate::<DoctorV1<T>, _>(|_, old| {
				translated = translated.saturating_add(1);
				Some(old.into_v2())
			});
			// `translate` reads every key it visits, also one whose value does not decode (it
			// removes those), and writes each doctor once.
			T::DbWeight::get().reads_writes(translated.saturating_add(1), translated)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok((Doctors::<T>::iter_keys().count() as u64).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = u64::decode(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("pre_upgrade state"))?;
			// `iter` decodes every value under the new layout, so a doctor left in the old one
			// would be missing from the count.
			ensure!(
				Doctors::<T>::iter().count() as u64 == before,
				"the number of doctors changed in the migration to v2"
			);
			Ok(())
		}
	}

	/// Migrates the registry from storage version 1 to 2: doctors lose their departments (and
	/// any attribute the allowlist rule refuses). A no-op at any other version.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		InnerMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
