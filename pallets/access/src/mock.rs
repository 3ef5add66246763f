//! A minimal runtime for the access tests: only System and the access chain. The registry and
//! the EMR index are simple thread-local test state behind the `medchain-primitives` traits,
//! set up with the helper functions below. The externalities carry a keystore, which the
//! benchmarks use to sign SHVE tokens through `sp_io::crypto`.

use core::cell::RefCell;
use std::collections::BTreeMap;

use frame_support::{derive_impl, parameter_types};
use medchain_primitives::{
	DoctorInfo, DoctorRegistry, DoctorStanding, EmrIndex, EntryInfo, HospitalId, HospitalRegistry,
	KeyServiceInfo, KeyServiceRegistry, PatientRegistry, ProviderInfo, ProviderRegistry,
	RecordServiceInfo, Seq, StaffRegistry,
};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::BuildStorage;

use crate as pallet_access;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Access: pallet_access,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxHostedPerProvider: u32 = 4;
	pub const MaxDelegatesPerPatient: u32 = 2;
	pub const MaxDelegation: u64 = 100;
	pub const MaxPresenceValidity: u64 = 5;
	pub const BreakGlassRateWindow: u64 = 50;
	pub const MaxBreakGlassPerWindow: u32 = 2;
	pub const JustificationPeriod: u64 = 8;
	pub const MaxSweepPerBlock: u32 = 16;
	pub const MaxRequestsPerWindow: u32 = 12;
	pub const RequestWindow: u64 = 100;
	pub const MaxRecordsPerRequest: u32 = 4;
	pub const MaxConsentsPerPatient: u32 = 4;
	pub const RequestLifetime: u64 = 10;
	pub const MaxBreakGlassDuration: u64 = 20;
	pub const GrantLifetime: u64 = 30;
}

/// The longest policy an entry may carry (the EMR bound of the former mock runtime), for the
/// benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub const MAX_POLICY_LEN: u32 = 512;
/// The most registry attributes a doctor may have (the registry bound of the former mock).
#[cfg(feature = "runtime-benchmarks")]
pub const MAX_ATTRIBUTES: u32 = 8;
/// The longest registry attribute, in bytes (the registry bound of the former mock).
#[cfg(feature = "runtime-benchmarks")]
pub const MAX_ATTRIBUTE_LEN: u32 = 32;

impl pallet_access::Config for Test {
	type Doctors = MockRegistry;
	type Patients = MockRegistry;
	type Providers = MockRegistry;
	type Hospitals = MockRegistry;
	type Staff = MockRegistry;
	type KeyService = MockRegistry;
	type Emr = MockEmr;
	type RegistrarOrigin = frame_system::EnsureRoot<u64>;
	type MaxHostedPerProvider = MaxHostedPerProvider;
	type MaxRecordsPerRequest = MaxRecordsPerRequest;
	type MaxConsentsPerPatient = MaxConsentsPerPatient;
	type MaxDelegatesPerPatient = MaxDelegatesPerPatient;
	type MaxDelegation = MaxDelegation;
	type MaxPresenceValidity = MaxPresenceValidity;
	type RequestLifetime = RequestLifetime;
	type MaxBreakGlassDuration = MaxBreakGlassDuration;
	type BreakGlassRateWindow = BreakGlassRateWindow;
	type MaxBreakGlassPerWindow = MaxBreakGlassPerWindow;
	type JustificationPeriod = JustificationPeriod;
	type GrantLifetime = GrantLifetime;
	type MaxSweepPerBlock = MaxSweepPerBlock;
	type MaxRequestsPerWindow = MaxRequestsPerWindow;
	type RequestWindow = RequestWindow;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockRegistry;
}

/// A registered hospital.
#[derive(Clone)]
struct Hospital {
	grade: u8,
	revoked: bool,
}

/// A registered doctor.
#[derive(Clone)]
struct Doctor {
	hospital: HospitalId,
	title: u8,
	attributes: Vec<Vec<u8>>,
	revoked: bool,
}

/// The registry and EMR state of one test.
#[derive(Default)]
struct State {
	hospitals: Vec<Hospital>,
	doctors: BTreeMap<u64, Doctor>,
	/// Patients and whether they are revoked.
	patients: BTreeMap<u64, bool>,
	/// Providers and whether they are revoked.
	providers: BTreeMap<u64, bool>,
	key_epoch: Option<u32>,
	key_service: Option<KeyServiceInfo>,
	/// Each patient's EMR chain; `None` for an entry removed to simulate an inconsistent index.
	entries: BTreeMap<u64, Vec<Option<EntryInfo<u64>>>>,
	/// The positions each provider hosts for each patient, in append order.
	hosted: BTreeMap<(u64, u64), Vec<Seq>>,
}

thread_local! {
	static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Marks the externalities the test state belongs to: storage without it is new or was wiped
/// (as the benchmark tests do between runs), and the test state starts afresh with it.
const STATE_MARKER: &[u8] = b":medchain:mock-state";

fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
	if !sp_io::storage::exists(STATE_MARKER) {
		reset_state();
	}
	STATE.with(|state| f(&mut state.borrow_mut()))
}

fn reset_state() {
	STATE.with(|state| *state.borrow_mut() = State::default());
	sp_io::storage::set(STATE_MARKER, &[]);
}

/// The registry of the tests: hospitals, doctors, patients, providers, key service.
pub struct MockRegistry;
/// The EMR index of the tests.
pub struct MockEmr;

impl DoctorRegistry<u64> for MockRegistry {
	fn active_doctor(who: &u64) -> Result<DoctorInfo, DoctorStanding> {
		with(|s| {
			let doctor = s.doctors.get(who).ok_or(DoctorStanding::NotRegistered)?;
			if doctor.revoked {
				return Err(DoctorStanding::Revoked);
			}
			let hospital =
				s.hospitals.get(doctor.hospital as usize).ok_or(DoctorStanding::UnknownHospital)?;
			if hospital.revoked {
				return Err(DoctorStanding::HospitalRevoked);
			}
			Ok(DoctorInfo {
				hospital: doctor.hospital,
				hospital_grade: hospital.grade,
				title: doctor.title,
				attributes: doctor.attributes.clone(),
			})
		})
	}

	fn doctor_exists(who: &u64) -> bool {
		with(|s| s.doctors.contains_key(who))
	}
}

impl StaffRegistry<u64> for MockRegistry {
	fn holds_staff_role(who: &u64) -> bool {
		with(|s| s.doctors.contains_key(who) || s.providers.contains_key(who))
	}
}

impl PatientRegistry<u64> for MockRegistry {
	fn is_active_patient(who: &u64) -> bool {
		with(|s| s.patients.get(who) == Some(&false))
	}
}

impl ProviderRegistry<u64> for MockRegistry {
	fn active_provider(who: &u64) -> Option<ProviderInfo> {
		with(|s| (s.providers.get(who) == Some(&false)).then_some(ProviderInfo { operator: None }))
	}
}

impl HospitalRegistry<u64> for MockRegistry {
	fn active_record_service(_who: &u64) -> Option<RecordServiceInfo> {
		None
	}

	fn hospital_exists(hospital: HospitalId) -> bool {
		with(|s| (hospital as usize) < s.hospitals.len())
	}

	fn pdp_public_key(_hospital: HospitalId, _version: u32) -> Option<Vec<u8>> {
		None
	}
}

impl KeyServiceRegistry for MockRegistry {
	fn current_key_epoch() -> Option<u32> {
		with(|s| s.key_epoch)
	}

	fn key_service() -> Option<KeyServiceInfo> {
		with(|s| s.key_service)
	}
}

impl EmrIndex<u64> for MockEmr {
	fn entry(patient: &u64, seq: Seq) -> Option<EntryInfo<u64>> {
		with(|s| s.entries.get(patient)?.get(seq as usize)?.clone())
	}

	fn hosted_by(patient: &u64, provider: &u64) -> Vec<Seq> {
		with(|s| s.hosted.get(&(*patient, *provider)).cloned().unwrap_or_default())
	}
}

/// Registers an active hospital of `grade`; returns its id (0, 1, ... in order).
pub fn register_hospital(grade: u8) -> HospitalId {
	with(|s| {
		s.hospitals.push(Hospital { grade, revoked: false });
		(s.hospitals.len() - 1) as HospitalId
	})
}

/// Revokes hospital `id` (its doctors stay registered and become inactive).
pub fn revoke_hospital(id: HospitalId) {
	with(|s| s.hospitals[id as usize].revoked = true);
}

/// Registers (or updates) `who` as an active doctor.
pub fn register_doctor(who: u64, hospital: HospitalId, title: u8, attributes: &[&[u8]]) {
	let attributes = attributes.iter().map(|a| a.to_vec()).collect();
	with(|s| s.doctors.insert(who, Doctor { hospital, title, attributes, revoked: false }));
}

/// Revokes doctor `who`.
pub fn revoke_doctor(who: u64) {
	with(|s| {
		if let Some(doctor) = s.doctors.get_mut(&who) {
			doctor.revoked = true;
		}
	});
}

/// Registers `who` as an active patient.
pub fn register_patient(who: u64) {
	with(|s| s.patients.insert(who, false));
}

/// Revokes patient `who`.
pub fn revoke_patient(who: u64) {
	with(|s| s.patients.insert(who, true));
}

/// Registers `who` as an active storage provider.
pub fn register_provider(who: u64) {
	with(|s| s.providers.insert(who, false));
}

/// Revokes provider `who`.
pub fn revoke_provider(who: u64) {
	with(|s| s.providers.insert(who, true));
}

/// Starts the next key epoch (0 first).
pub fn start_key_epoch() {
	with(|s| s.key_epoch = Some(s.key_epoch.map_or(0, |e| e + 1)));
}

/// Sets the key epoch in force (`None`: none started).
pub fn set_key_epoch(epoch: Option<u32>) {
	with(|s| s.key_epoch = epoch);
}

/// Publishes (or, with `None`, withdraws) the key service's parameters.
pub fn set_key_service(info: Option<KeyServiceInfo>) {
	with(|s| s.key_service = info);
}

/// Appends an entry hosted by `provider` to `patient`'s EMR chain; returns its position.
pub fn append_entry(patient: u64, provider: u64, shve_commitment: [u8; 32], policy: &[u8]) -> Seq {
	with(|s| {
		let chain = s.entries.entry(patient).or_default();
		chain.push(Some(EntryInfo {
			provider,
			shve_commitment,
			policy: policy.to_vec(),
			erased: false,
		}));
		let seq = (chain.len() - 1) as Seq;
		s.hosted.entry((patient, provider)).or_default().push(seq);
		seq
	})
}

/// Marks entry `seq` of `patient` erased.
pub fn erase_entry(patient: u64, seq: Seq) {
	with(|s| {
		if let Some(Some(entry)) = s.entries.get_mut(&patient).and_then(|c| c.get_mut(seq as usize))
		{
			entry.erased = true;
		}
	});
}

/// Takes entry `seq` out of `patient`'s chain while the hosted index keeps listing it (an
/// inconsistent EMR index); [`restore_entry`] puts it back.
pub fn remove_entry(patient: u64, seq: Seq) -> EntryInfo<u64> {
	with(|s| s.entries.get_mut(&patient).and_then(|c| c[seq as usize].take()))
		.expect("entry exists")
}

/// Puts back an entry [`remove_entry`] took out.
pub fn restore_entry(patient: u64, seq: Seq, entry: EntryInfo<u64>) {
	with(|s| {
		if let Some(slot) = s.entries.get_mut(&patient).and_then(|c| c.get_mut(seq as usize)) {
			*slot = Some(entry);
		}
	});
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for MockRegistry {
	fn register_hospital(grade: u8) -> HospitalId {
		register_hospital(grade)
	}

	fn register_doctor(doctor: &u64, hospital: HospitalId, title: u8, attributes: Vec<Vec<u8>>) {
		with(|s| s.doctors.insert(*doctor, Doctor { hospital, title, attributes, revoked: false }));
	}

	fn provider_account() -> u64 {
		frame_benchmarking::account("provider", 0, 0)
	}

	fn register_provider(provider: &u64) {
		register_provider(*provider)
	}

	fn register_patient(patient: &u64) {
		register_patient(*patient)
	}

	fn start_key_epoch() {
		start_key_epoch()
	}

	fn set_key_service(token_signing_key: [u8; 32], shve_schema: u16) {
		set_key_service(Some(KeyServiceInfo { token_signing_key, shve_schema }))
	}

	fn append_entry(
		patient: &u64,
		provider: &u64,
		shve_commitment: [u8; 32],
		policy: Vec<u8>,
	) -> Seq {
		append_entry(*patient, *provider, shve_commitment, &policy)
	}

	fn max_policy_len() -> u32 {
		MAX_POLICY_LEN
	}

	fn max_attributes() -> (u32, u32) {
		(MAX_ATTRIBUTES, MAX_ATTRIBUTE_LEN)
	}
}

/// Test externalities at block 1 (so that events are recorded), with a keystore and an empty
/// registry and EMR index.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		reset_state();
		// A genesis hash that is not all zeros, so that tokens must name it.
		frame_system::BlockHash::<Test>::insert(0, sp_core::H256::repeat_byte(0x6e));
		System::set_block_number(1);
	});
	ext
}
