//! The state MedChain's pallet benchmarks need, set up through the registry and EMR pallets'
//! own calls (the pallets themselves do not depend on each other, so their benchmarks ask the
//! runtime for it).

use alloc::vec::Vec;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use medchain_primitives::{HospitalId, Seq};

use super::{MaxAttributeLen, MaxAttributes, MaxPdpKeyLen, MaxPolicyLen};
use crate::{AccountId, Emr, Registry, Runtime};

/// Registers and appends as the registrar and a hospital's record service would.
pub struct Registrar;

/// Reports a setup call that failed: the benchmark that needed it then fails its own checks.
fn check(result: sp_runtime::DispatchResult, what: &str) {
	if let Err(error) = result {
		frame_support::defensive!((what, error));
	}
}

fn registrar() -> crate::RuntimeOrigin {
	RawOrigin::Root.into()
}

/// Puts `attribute` on the registrar's allowlist unless it is there already (the benchmarks
/// give doctors, and name in policies, attributes of their own).
fn allow(attribute: &[u8]) {
	use medchain_primitives::AttributeRegistry;
	if Registry::is_allowed_attribute(attribute) {
		return;
	}
	match BoundedVec::try_from(attribute.to_vec()) {
		Ok(bounded) => check(Registry::allow_attribute(registrar(), bounded), "allow attribute"),
		Err(_) => {
			frame_support::defensive!("a benchmark attribute exceeds MaxAttributeLen");
		},
	}
}

/// Registers a hospital of `grade` with record service `service` and the largest well-formed
/// PDP key; returns its id.
fn hospital(service: &AccountId, grade: u8) -> HospitalId {
	let id = pallet_medchain_registry::NextHospitalId::<Runtime>::get();
	let key = pallet_medchain_registry::pdp_keys::pdp_key_of_len(MaxPdpKeyLen::get());
	check(
		Registry::register_hospital(
			registrar(),
			service.clone(),
			BoundedVec::truncate_from(b"benchmark hospital".to_vec()),
			grade,
			BoundedVec::truncate_from(key),
			None,
		),
		"hospital registration",
	);
	id
}

/// The key type under which the benchmarks' storage providers keep their account keys in the
/// benchmark CLI's keystore (it is never a session key).
const PROVIDER_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"mdpv");

/// The sr25519 key, in the keystore, of benchmark provider `index`. Its secret URI is a raw
/// hex seed: the benchmark CLI's in-memory keystore rebuilds a key from its URI at every
/// signature, and a `//path` URI costs a 2,048-round PBKDF2 each time (a full batch of 256
/// records made a benchmark step take 40 s of setup).
fn provider_key(index: u32) -> sp_core::sr25519::Public {
	let mut seed = [0x6d_u8; 32];
	seed[..4].copy_from_slice(&index.to_le_bytes());
	let suri = alloc::format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&seed));
	sp_io::crypto::sr25519_generate(PROVIDER_KEY_TYPE, Some(suri.into_bytes()))
}

/// `provider`'s receipt signature over `statement`; an empty signature (which the EMR pallet
/// refuses, failing the benchmark's own checks) if the keystore does not hold its key.
fn sign_receipt(provider: &AccountId, statement: &[u8]) -> crate::Signature {
	let public = sp_core::sr25519::Public::from_raw(*provider.as_ref());
	let signature = sp_io::crypto::sr25519_sign(PROVIDER_KEY_TYPE, &public, statement)
		.unwrap_or_else(|| {
			frame_support::defensive!("the keystore holds no key of this benchmark provider");
			sp_core::sr25519::Signature::from_raw([0; 64])
		});
	signature.into()
}

impl pallet_medchain_emr::BenchmarkHelper<AccountId, crate::Signature> for Registrar {
	fn register_record_service(service: &AccountId) -> HospitalId {
		hospital(service, 10)
	}

	fn register_provider(provider: &AccountId, operator: Option<HospitalId>) {
		check(
			Registry::register_provider(registrar(), provider.clone(), operator, BoundedVec::new()),
			"provider registration",
		);
	}

	fn provider_account(index: u32) -> AccountId {
		provider_key(index).into()
	}

	fn sign_receipt(provider: &AccountId, statement: &[u8]) -> crate::Signature {
		sign_receipt(provider, statement)
	}

	fn register_patient(patient: &AccountId) {
		check(Registry::register_patient(registrar(), patient.clone(), [1; 32]), "patient");
	}

	fn allow_attribute(attribute: &[u8]) {
		allow(attribute);
	}

	fn max_attribute_len() -> u32 {
		MaxAttributeLen::get()
	}
}

impl pallet_medchain_access::BenchmarkHelper<AccountId> for Registrar {
	fn register_hospital(grade: u8) -> HospitalId {
		let id = pallet_medchain_registry::NextHospitalId::<Runtime>::get();
		hospital(&frame_benchmarking::account("access-hospital", id, 0), grade)
	}

	/// Allowlists every attribute first (the registry refuses others).
	fn register_doctor(
		doctor: &AccountId,
		hospital: HospitalId,
		title: u8,
		attributes: Vec<Vec<u8>>,
	) {
		for attribute in &attributes {
			allow(attribute);
		}
		let attributes = attributes.into_iter().map(BoundedVec::truncate_from).collect::<Vec<_>>();
		check(
			Registry::register_doctor(
				registrar(),
				doctor.clone(),
				hospital,
				title,
				BoundedVec::truncate_from(attributes),
			),
			"doctor registration",
		);
	}

	fn provider_account() -> AccountId {
		provider_key(0).into()
	}

	fn register_provider(provider: &AccountId) {
		<Self as pallet_medchain_emr::BenchmarkHelper<AccountId, crate::Signature>>::register_provider(provider, None)
	}

	fn register_patient(patient: &AccountId) {
		<Self as pallet_medchain_emr::BenchmarkHelper<AccountId, crate::Signature>>::register_patient(patient)
	}

	fn start_key_epoch() {
		check(Registry::start_key_epoch(registrar()), "key epoch");
	}

	fn set_key_service(token_signing_key: [u8; 32], shve_schema: u16) {
		check(
			Registry::set_public_parameters(
				registrar(),
				BoundedVec::new(),
				token_signing_key,
				shve_schema,
			),
			"public parameters",
		);
	}

	fn append_entry(
		patient: &AccountId,
		provider: &AccountId,
		shve_commitment: [u8; 32],
		policy: Vec<u8>,
	) -> Seq {
		// One authoring hospital for all entries, registered on first use.
		let author: AccountId = frame_benchmarking::account("access-author", 0, 0);
		if pallet_medchain_registry::HospitalOfRecordService::<Runtime>::get(&author).is_none() {
			hospital(&author, 10);
		}
		// The EMR pallet takes only policies naming derived or allowlisted attributes, and the
		// access benchmarks' policies name fillers of their own.
		for attribute in pallet_medchain_emr::non_derived_attributes(&policy).unwrap_or_default() {
			allow(&attribute);
		}
		let seq = Emr::chain_length(patient);
		let mut record = pallet_medchain_emr::NewEntry::<Runtime> {
			provider: provider.clone(),
			locator: BoundedVec::new(),
			ciphertext_hash: [1; 32],
			size: 1,
			// The parameters the EMR pallet derives for a 1-byte record of one-sector blocks;
			// `derived` fails only for sector counts outside 1..=256.
			pdp_file: pallet_medchain_emr::PdpFile::derived(&[1; 32], 1, 1, 0).unwrap_or_default(),
			shve_commitment,
			policy: BoundedVec::truncate_from(policy),
			description: BoundedVec::new(),
			supersedes: None,
			receipt: sp_core::sr25519::Signature::from_raw([0; 64]).into(),
			receipt_valid_until: frame_system::Pallet::<Runtime>::block_number()
				.saturating_add(1_000),
		};
		let statement = Emr::receipt_statement(patient, &record);
		record.receipt = sign_receipt(provider, &codec::Encode::encode(&statement));
		check(
			Emr::append_record(RawOrigin::Signed(author).into(), patient.clone(), record),
			"EMR append",
		);
		seq
	}

	fn max_policy_len() -> u32 {
		MaxPolicyLen::get()
	}

	fn max_attributes() -> (u32, u32) {
		(MaxAttributes::get(), MaxAttributeLen::get())
	}
}

/// The audit benchmarks' entry: a hospital whose PDP key is the fixture key, a provider whose
/// key the keystore holds, a patient, and one entry for the fixture record (460 blocks of 256
/// sectors: the full challenge under the largest key, the costliest verification), appended
/// through the EMR pallet with the provider's receipt. The checked-in proof answers the full
/// challenge for the fixture seed; for a smaller challenge it is wrong but costs as much to
/// check (the verification runs to the final comparison either way), and the call's failure
/// path writes what its pass path writes plus an alert.
impl pallet_medchain_audit::BenchmarkHelper<AccountId, crate::Signature> for Registrar {
	fn auditable_entry(
		_challenged: u32,
	) -> (AccountId, Seq, pallet_medchain_audit::AuditTarget<AccountId>) {
		use pallet_medchain_audit::fixtures;
		let service: AccountId = frame_benchmarking::account("audit-author", 0, 0);
		let hospital_id = pallet_medchain_registry::NextHospitalId::<Runtime>::get();
		check(
			Registry::register_hospital(
				registrar(),
				service.clone(),
				BoundedVec::truncate_from(b"audited hospital".to_vec()),
				10,
				BoundedVec::truncate_from(fixtures::PDP_PUBLIC_KEY.to_vec()),
				None,
			),
			"audited hospital",
		);
		let provider: AccountId = provider_key(7).into();
		<Self as pallet_medchain_emr::BenchmarkHelper<AccountId, crate::Signature>>::register_provider(&provider, None);
		let patient: AccountId = frame_benchmarking::account("audited-patient", 0, 0);
		<Self as pallet_medchain_emr::BenchmarkHelper<AccountId, crate::Signature>>::register_patient(&patient);
		let (ciphertext_hash, size, sectors) = fixtures::record();
		let mut record = pallet_medchain_emr::NewEntry::<Runtime> {
			provider: provider.clone(),
			locator: BoundedVec::truncate_from(b"audited".to_vec()),
			ciphertext_hash,
			size,
			pdp_file: pallet_medchain_emr::PdpFile::derived(&ciphertext_hash, size, sectors, 0)
				.unwrap_or_default(),
			shve_commitment: [2; 32],
			policy: BoundedVec::truncate_from(b"emergency".to_vec()),
			description: BoundedVec::new(),
			supersedes: None,
			receipt: sp_core::sr25519::Signature::from_raw([0; 64]).into(),
			receipt_valid_until: frame_system::Pallet::<Runtime>::block_number()
				.saturating_add(1_000),
		};
		let statement = Emr::receipt_statement(&patient, &record);
		record.receipt = sign_receipt(&provider, &codec::Encode::encode(&statement));
		let seq = Emr::chain_length(&patient);
		check(
			Emr::append_record(RawOrigin::Signed(service).into(), patient.clone(), record),
			"audited entry",
		);
		let target = pallet_medchain_audit::AuditTarget {
			provider,
			hospital: hospital_id,
			blocks: pallet_medchain_audit::fixtures::BLOCKS,
		};
		(patient, seq, target)
	}

	fn seed() -> [u8; 32] {
		pallet_medchain_audit::fixtures::SEED
	}

	fn answer(_challenged: u32) -> (Vec<u8>, Vec<u8>) {
		use pallet_medchain_audit::fixtures;
		(fixtures::file_params(), fixtures::PROOF.to_vec())
	}

	fn sign(provider: &AccountId, message: &[u8]) -> crate::Signature {
		sign_receipt(provider, message)
	}
}
