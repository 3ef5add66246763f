//! A storage provider's holdings, its answer to a search (one claim per hosted entry) and its
//! answer to an audit challenge (a PDP proof).

use std::collections::BTreeMap;

use codec::Encode;
use medchain_crypto::{
	pdp::{self, PdpPublicKey},
	shve::{self, ShveCiphertext, ShveTokenBody},
};
use medchain_runtime::AccountId;
use rand_core::{CryptoRng, RngCore};

use crate::{record_service::RecordBundle, Error, Result};

/// The records a provider holds, by patient and chain position.
#[derive(Default)]
pub struct ProviderStore {
	records: BTreeMap<(AccountId, u32), RecordBundle>,
}

impl ProviderStore {
	/// Keeps `bundle` as entry `seq` of `patient`'s chain.
	pub fn store(&mut self, patient: AccountId, seq: u32, bundle: RecordBundle) {
		self.records.insert((patient, seq), bundle);
	}

	/// The bundle of an entry.
	pub fn get(&self, patient: &AccountId, seq: u32) -> Option<&RecordBundle> {
		self.records.get(&(patient.clone(), seq))
	}

	/// The fulfilment of a search for `patient`: for every entry of `hosted` (the chain's
	/// `Emr::HostedBy` list for this provider, in its order) the stored SHVE ciphertext and
	/// whether `token` matches it. The provider learns which records match, never why.
	pub fn fulfil(
		&self,
		patient: &AccountId,
		hosted: &[u32],
		token: &ShveTokenBody,
	) -> Result<Vec<(ShveCiphertext, bool)>> {
		hosted
			.iter()
			.map(|seq| {
				let bundle =
					self.get(patient, *seq).ok_or(Error::Invalid("a hosted record is missing"))?;
				let matched = shve::matches(token, &bundle.shve)?;
				Ok((bundle.shve.clone(), matched))
			})
			.collect()
	}

	/// The answer to an audit challenge for entry `seq` of `patient`: the masked PDP proof
	/// (SCALE; it reveals nothing of the record) over the blocks that `seed` selects, under the
	/// authoring hospital's public key `owner` (the key version the entry names), with the file
	/// parameters (SCALE) the entry committed to, ready for `EmrApi::check_possession` or an
	/// audit transaction.
	pub fn prove_possession<R: RngCore + CryptoRng>(
		&self,
		patient: &AccountId,
		seq: u32,
		owner: &PdpPublicKey,
		seed: &[u8; 32],
		rng: &mut R,
	) -> Result<(Vec<u8>, Vec<u8>)> {
		let bundle = self.get(patient, seq).ok_or(Error::Invalid("no such record held"))?;
		let proof =
			pdp::prove(owner, &bundle.pdp_params, seed, &bundle.ciphertext, &bundle.pdp_tags, rng)?;
		Ok((bundle.pdp_params.encode(), proof.encode()))
	}
}
