//! The registrar's key service: SHVE and CP-ABE master keys, the token-signing key, ABE user
//! keys per doctor and signed search tokens.

use medchain_crypto::{
	abe::{
		doctor_attributes,
		fame::{self, FameMasterKey, FamePublicKey, FameUserKey},
	},
	shve::{KeyService, PatientKey, Schema, ShveMasterKey, SignedToken, TokenScope},
};
use rand_core::{CryptoRng, RngCore};

use crate::{Error, Result};

/// The key service's secrets and what it derives from them.
pub struct KeyServiceNode {
	shve: KeyService,
	abe_master: FameMasterKey,
	abe_public: FamePublicKey,
	schema: Schema,
}

impl KeyServiceNode {
	/// Fresh master keys for the default department schema.
	pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Result<Self> {
		let shve =
			KeyService::new(ShveMasterKey::generate(rng), ed25519_dalek::SigningKey::generate(rng));
		let (abe_public, abe_master) = fame::setup(rng);
		Ok(Self { shve, abe_master, abe_public, schema: Schema::departments(0)? })
	}

	/// The SHVE schema records and tokens follow.
	pub fn schema(&self) -> &Schema {
		&self.schema
	}

	/// The ed25519 key the chain verifies tokens against (registry public parameters).
	pub fn token_signing_key(&self) -> [u8; 32] {
		self.shve.public_key()
	}

	/// The CP-ABE public key record services encrypt under.
	pub fn abe_public_key(&self) -> &FamePublicKey {
		&self.abe_public
	}

	/// The SHVE key of `patient` (its 32 account bytes), given to the record services that
	/// treat the patient.
	pub fn patient_key(&self, patient: &[u8; 32]) -> PatientKey {
		self.shve.patient_key(&self.schema, patient)
	}

	/// A doctor's ABE user key for `epoch`, over exactly the attribute set the access pallet
	/// evaluates policies against: unary title and grade, `epoch:N`, `doctor:<hex account>` and
	/// the doctor's registered attributes.
	pub fn doctor_key<R: RngCore + CryptoRng>(
		&self,
		title: u8,
		grade: u8,
		epoch: u32,
		doctor: &[u8; 32],
		extra: &[&str],
		rng: &mut R,
	) -> Result<FameUserKey> {
		let attributes = doctor_attributes(title, grade, epoch, &hex(doctor), extra);
		Ok(fame::keygen(&self.abe_master, &attributes, rng)?)
	}

	/// A signed token that selects `patient`'s records in any of `departments`, for the request,
	/// chain, query commitment and expiry of `scope` (a token is good for one request on one
	/// chain: the runtime checks all four). The doctor sends the departments and the `salt`;
	/// the key service recomputes the query commitment from them and refuses unless it is the
	/// one the request committed to on chain (`scope.query_commitment`), so a token never
	/// selects more than the logged request asked for.
	pub fn search_token<R: RngCore + CryptoRng>(
		&self,
		patient: &[u8; 32],
		departments: &[usize],
		salt: &[u8; 32],
		scope: &TokenScope,
		rng: &mut R,
	) -> Result<SignedToken> {
		let predicate = self.schema.department_query(&[], departments)?;
		if medchain_crypto::shve::query_commitment(&predicate, salt) != scope.query_commitment {
			return Err(Error::Invalid("the query is not the one the request committed to"));
		}
		Ok(self.shve.issue_token(&self.schema, patient, &predicate, scope, rng)?)
	}
}

/// Lower-case hex without prefix: how account bytes appear in `doctor:` attributes.
pub fn hex(bytes: &[u8]) -> String {
	::hex::encode(bytes)
}
