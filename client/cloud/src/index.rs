//! The SHVE index: every stored bundle's SHVE ciphertext, by patient and locator, which a search
//! fulfilment matches the key service's token over.
//!
//! The ciphertexts live in the store, in each bundle's `.meta` object (the upload header); this
//! is a cache of them, rebuilt from the store at start ([`SearchIndex::rebuild`]), extended by
//! every committed upload and shrunk by the retention sweep. The index holds ciphertexts only:
//! SHVE hides the departments they encode from the provider.

use std::{collections::HashMap, sync::RwLock};

use codec::DecodeAll;
use medchain_crypto::shve::ShveCiphertext;

use crate::{
	error::ApiError,
	store::{BundleKey, BundleStore},
	upload::MetaHead,
};

type Patient = [u8; 32];
type Locator = [u8; 32];

/// The SHVE ciphertexts of the stored bundles.
#[derive(Default)]
pub struct SearchIndex {
	by_patient: RwLock<HashMap<Patient, HashMap<Locator, ShveCiphertext>>>,
}

impl SearchIndex {
	/// Adds (or replaces) the ciphertext of the bundle at `key`.
	pub fn insert(&self, key: &BundleKey, ciphertext: ShveCiphertext) {
		if let Ok(mut index) = self.by_patient.write() {
			index.entry(key.patient).or_default().insert(key.locator, ciphertext);
		}
	}

	/// Forgets the bundle at `key`.
	pub fn remove(&self, key: &BundleKey) {
		if let Ok(mut index) = self.by_patient.write() {
			if let Some(bundles) = index.get_mut(&key.patient) {
				bundles.remove(&key.locator);
				if bundles.is_empty() {
					index.remove(&key.patient);
				}
			}
		}
	}

	/// The ciphertexts of `patient`'s bundles at `locators`, in that order (`None` where the
	/// index holds none).
	pub fn get(&self, patient: &Patient, locators: &[Locator]) -> Vec<Option<ShveCiphertext>> {
		let Ok(index) = self.by_patient.read() else { return vec![None; locators.len()] };
		let bundles = index.get(patient);
		locators
			.iter()
			.map(|locator| bundles.and_then(|bundles| bundles.get(locator)).cloned())
			.collect()
	}

	/// How many bundles the index holds.
	pub fn len(&self) -> usize {
		self.by_patient.read().map_or(0, |index| index.values().map(HashMap::len).sum())
	}

	/// Whether the index holds nothing.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}

	/// The index of everything `store` holds: each bundle's upload header read back from its
	/// metadata ([`MetaHead::read`]: the tags are not read). A bundle whose metadata does not
	/// decode is left out and logged.
	pub async fn rebuild(store: &BundleStore, max_header: usize) -> Result<Self, ApiError> {
		let index = Self::default();
		for key in store.receipted().await? {
			let head = match MetaHead::read(store, &key, max_header).await {
				Ok(head) => head,
				Err(e) if e.code == "meta_corrupt" => {
					tracing::warn!(locator = %hex::encode(key.locator), "undecodable bundle metadata: not searchable");
					continue;
				},
				Err(e) => return Err(e),
			};
			match ShveCiphertext::decode_all(&mut &head.header.shve[..]) {
				Ok(ciphertext) => index.insert(&key, ciphertext),
				Err(_) => tracing::warn!(
					patient = %hex::encode(key.patient),
					locator = %hex::encode(key.locator),
					"bundle metadata without a decodable SHVE ciphertext: not searchable"
				),
			}
		}
		Ok(index)
	}
}
