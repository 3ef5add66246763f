//! A hospital's record service: turns a plaintext record into what a storage provider keeps and
//! what the EMR chain records.

use codec::Encode;
use medchain_crypto::{
	abe::{wrap_key, AbeWrappedKey, Policy},
	envelope::{self, DataKey, RecordBinding},
	pdp::{self, PdpFileParams, PdpPublicKey, PdpSecretKey},
	shve::{PatientKey, Schema, ShveCiphertext},
};
use medchain_runtime::{AccountId, Runtime};
use pallet_medchain_emr::{NewEntry, PdpFile};
use rand_core::{CryptoRng, RngCore};
use sp_io::hashing::blake2_256;

use crate::{Error, Result};

/// Sectors per PDP block: 32 sectors of 31 bytes, about 1 KB per block.
pub const PDP_SECTORS: u16 = 32;

/// What the storage provider keeps for one record.
#[derive(Clone, Debug)]
pub struct RecordBundle {
	/// Identifier of the record (envelope binding, PDP file name, locator).
	pub record_id: [u8; 32],
	/// The envelope ciphertext.
	pub ciphertext: Vec<u8>,
	/// PDP parameters of the ciphertext.
	pub pdp_params: PdpFileParams,
	/// One PDP tag per block.
	pub pdp_tags: Vec<[u8; 48]>,
	/// The record's SHVE ciphertext (its department, hidden).
	pub shve: ShveCiphertext,
	/// The data key wrapped under the record's ABE policy.
	pub wrapped_key: AbeWrappedKey,
}

fn bounded<S: frame_support::traits::Get<u32>>(
	bytes: &[u8],
	what: &'static str,
) -> Result<frame_support::BoundedVec<u8, S>> {
	bytes.to_vec().try_into().map_err(|_| Error::Invalid(what))
}

/// A record ready to be uploaded ([`RecordBundle`]) and appended ([`NewEntry`]).
pub struct PreparedRecord {
	/// For the storage provider.
	pub bundle: RecordBundle,
	/// For `Emr::append_record`, once the provider's receipt is in place
	/// ([`crate::storage::receipted`]); until then the runtime refuses it.
	pub entry: NewEntry<Runtime>,
}

/// A hospital's record service: its PDP secret key and the ABE public key.
pub struct RecordService {
	pdp_key: PdpSecretKey,
	/// The version the registry gave `pdp_key` (0 at registration, one more per new key).
	pdp_key_version: u32,
	abe_public: medchain_crypto::abe::fame::FamePublicKey,
	schema: Schema,
}

/// What a record is about, besides its contents.
pub struct RecordMeta<'a> {
	/// Department (0..37) the record belongs to; hidden by SHVE.
	pub department: usize,
	/// The ABE policy of the record's key, e.g. `epoch:0 and ((grade>=12 and title>=3) or emergency)`.
	pub policy: &'a str,
	/// The storage provider that will hold it.
	pub provider: AccountId,
	/// A public description that names neither department nor diagnosis.
	pub description: &'a str,
	/// The entry this record amends, if any.
	pub supersedes: Option<u32>,
}

impl RecordService {
	/// A record service with a fresh PDP key.
	pub fn generate<R: RngCore + CryptoRng>(
		abe_public: medchain_crypto::abe::fame::FamePublicKey,
		schema: Schema,
		rng: &mut R,
	) -> Result<Self> {
		Ok(Self {
			pdp_key: PdpSecretKey::generate(PDP_SECTORS, rng)?,
			pdp_key_version: 0,
			abe_public,
			schema,
		})
	}

	/// Replaces the PDP key with a fresh one, which the registrar registers as version
	/// `version` (`update_hospital`); records prepared from now on are tagged under it.
	pub fn rotate_pdp_key<R: RngCore + CryptoRng>(
		&mut self,
		version: u32,
		rng: &mut R,
	) -> Result<()> {
		self.pdp_key = PdpSecretKey::generate(PDP_SECTORS, rng)?;
		self.pdp_key_version = version;
		Ok(())
	}

	/// The hospital's PDP public key in force.
	pub fn pdp_key(&self) -> PdpPublicKey {
		self.pdp_key.public_key()
	}

	/// The hospital's encoded PDP public key, for the registry.
	pub fn pdp_public_key(&self) -> Vec<u8> {
		self.pdp_key.public_key().encode()
	}

	/// Encrypts, tags and indexes `plaintext` for `patient` (whose SHVE key is `patient_key`).
	pub fn prepare<R: RngCore + CryptoRng>(
		&self,
		patient_key: &PatientKey,
		plaintext: &[u8],
		meta: RecordMeta<'_>,
		rng: &mut R,
	) -> Result<PreparedRecord> {
		let mut record_id = [0u8; 32];
		rng.fill_bytes(&mut record_id);
		let binding = RecordBinding { record_id, version: 0 };
		let data_key = DataKey::generate();
		let ciphertext = envelope::encrypt(&data_key, &binding, plaintext);

		// The runtime accepts only parameters named after the ciphertext's hash and size.
		let ciphertext_hash = blake2_256(&ciphertext);
		let size = ciphertext.len() as u64;
		let pdp_params = pdp::expected_file_params(&ciphertext_hash, size, PDP_SECTORS)
			.ok_or(Error::Invalid("record too large to tag"))?;
		let pdp_tags = self.pdp_key.tag_file(&pdp_params, &ciphertext)?;
		let shve = patient_key.encrypt(&self.schema.record_vector(&[], meta.department)?)?;
		let policy = Policy::parse(meta.policy)?;
		let wrapped_key = wrap_key(&self.abe_public, &policy, data_key.as_bytes(), &record_id, rng);

		let entry = NewEntry {
			provider: meta.provider,
			locator: bounded(&record_id, "locator too long")?,
			ciphertext_hash,
			size,
			pdp_file: PdpFile::of_params(&pdp_params, self.pdp_key_version),
			shve_commitment: blake2_256(&shve.encode()),
			policy: bounded(meta.policy.as_bytes(), "policy too long")?,
			description: bounded(meta.description.as_bytes(), "description too long")?,
			supersedes: meta.supersedes,
			// The provider's receipt comes once it holds the bundle (`storage::receipted`,
			// `UploadReceipt::fill`).
			receipt: crate::storage::no_receipt(),
			receipt_valid_until: 0,
		};
		let bundle =
			RecordBundle { record_id, ciphertext, pdp_params, pdp_tags, shve, wrapped_key };
		Ok(PreparedRecord { bundle, entry })
	}
}
