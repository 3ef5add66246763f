//! What the service asks the chain, always at one finalized block per decision: a block that
//! can no longer be reverted, so a grant or registration the service acts on cannot vanish
//! in a reorganization afterwards.

use codec::{Decode, Encode};
use medchain_client::{
	chain::{AtBlock, Chain},
	runtime::{AccountId, BlockNumber, Runtime},
};
use pallet_medchain_access::{Refusal, ServeGrant};
use pallet_medchain_registry::{Hospital, HospitalOfRecordService, Hospitals, Patients, PdpKeys};

use crate::error::ApiError;

/// The chain at its finalized head, for one decision.
pub struct Finalized {
	at: AtBlock,
}

/// A hospital's record service, as an upload needs it.
pub struct UploadingHospital {
	/// The hospital's id.
	pub id: u32,
	/// The PDP public key (SCALE) of `version`.
	pub pdp_key: Vec<u8>,
	/// The hospital's key version in force.
	pub version: u32,
}

/// The provider this service runs as, on chain.
pub struct ProviderRecord {
	/// The hospital operating it, if any.
	pub operator: Option<u32>,
}

impl Finalized {
	/// The chain at `chain`'s finalized head now.
	pub async fn now(chain: &Chain) -> Result<Self, ApiError> {
		Ok(Self { at: chain.at_finalized().await.map_err(ApiError::chain_unavailable)? })
	}

	/// The finalized block's number.
	pub fn number(&self) -> u64 {
		self.at.block_number()
	}

	/// The value at storage `key`, decoded, if there is one.
	pub async fn fetch<V: Decode>(&self, key: Vec<u8>) -> Result<Option<V>, ApiError> {
		match self.at.storage().fetch_raw(key).await {
			Ok(bytes) => V::decode(&mut &bytes[..])
				.map(Some)
				.map_err(|e| ApiError::chain_unavailable(format!("undecodable storage: {e}"))),
			Err(subxt::error::StorageError::NoValueFound) => Ok(None),
			Err(e) => Err(ApiError::chain_unavailable(e)),
		}
	}

	/// The active hospital whose record service `who` is, with its PDP key in force; `None`
	/// for an account that is no record service or whose hospital is revoked.
	pub async fn record_service(
		&self,
		who: &AccountId,
	) -> Result<Option<UploadingHospital>, ApiError> {
		let Some(id) =
			self.fetch::<u32>(HospitalOfRecordService::<Runtime>::hashed_key_for(who)).await?
		else {
			return Ok(None);
		};
		let Some(hospital) =
			self.fetch::<Hospital<Runtime>>(Hospitals::<Runtime>::hashed_key_for(id)).await?
		else {
			return Ok(None);
		};
		if hospital.revoked_at.is_some() || hospital.record_service != *who {
			return Ok(None);
		}
		let version = hospital.pdp_key_version;
		let key = self
			.fetch::<Vec<u8>>(PdpKeys::<Runtime>::hashed_key_for(id, version))
			.await?
			.ok_or_else(|| ApiError::chain_unavailable("the hospital's PDP key is missing"))?;
		Ok(Some(UploadingHospital { id, pdp_key: key, version }))
	}

	/// This provider's registration, if it is registered and not revoked.
	pub async fn provider(&self, who: &AccountId) -> Result<Option<ProviderRecord>, ApiError> {
		let provider = self
			.fetch::<pallet_medchain_registry::Provider<Runtime>>(
				pallet_medchain_registry::Providers::<Runtime>::hashed_key_for(who),
			)
			.await?;
		Ok(provider
			.filter(|p| p.revoked_at.is_none())
			.map(|p| ProviderRecord { operator: p.operator }))
	}

	/// Whether `who` is an active patient.
	pub async fn is_active_patient(&self, who: &AccountId) -> Result<bool, ApiError> {
		let patient = self
			.fetch::<pallet_medchain_registry::Patient<Runtime>>(
				Patients::<Runtime>::hashed_key_for(who),
			)
			.await?;
		Ok(patient.is_some_and(|p| p.revoked_at.is_none()))
	}

	/// `AccessApi::may_serve`: whether this provider may serve entry `seq` of `patient` to
	/// `grantee` under request `request`, and to which delivery key.
	pub async fn may_serve(
		&self,
		request: u64,
		provider: &AccountId,
		grantee: &AccountId,
		patient: &AccountId,
		seq: u32,
	) -> Result<Result<ServeGrant<BlockNumber>, Refusal>, ApiError> {
		let args = (request, provider, grantee, patient, seq).encode();
		let answer = self
			.at
			.runtime_apis()
			.call_raw("AccessApi_may_serve", Some(&args))
			.await
			.map_err(ApiError::chain_unavailable)?;
		Decode::decode(&mut &answer[..])
			.map_err(|e| ApiError::chain_unavailable(format!("undecodable may_serve: {e}")))
	}

	/// Entry `seq` of `patient` and whether it was erased; `None` if there is no such entry.
	pub async fn entry(
		&self,
		patient: &AccountId,
		seq: u32,
	) -> Result<Option<(pallet_medchain_emr::EmrEntry<Runtime>, bool)>, ApiError> {
		let entry = self
			.fetch::<pallet_medchain_emr::EmrEntry<Runtime>>(
				pallet_medchain_emr::Entries::<Runtime>::hashed_key_for(patient, seq),
			)
			.await?;
		let Some(entry) = entry else { return Ok(None) };
		let erased = self
			.fetch::<()>(pallet_medchain_emr::Erasures::<Runtime>::hashed_key_for(patient, seq))
			.await?
			.is_some();
		Ok(Some((entry, erased)))
	}

	/// The locators of the live entries of `patient` that `provider` hosts (the chain's
	/// hosted index, which an erasure leaves).
	pub async fn hosted_locators(
		&self,
		patient: &AccountId,
		provider: &AccountId,
	) -> Result<Vec<Vec<u8>>, ApiError> {
		let seqs = self.hosted(patient, provider).await?;
		let mut locators = Vec::with_capacity(seqs.len());
		for seq in seqs {
			if let Some(locator) = self.live_locator(patient, seq).await? {
				locators.push(locator);
			}
		}
		Ok(locators)
	}

	/// The sequence numbers of the live entries of `patient` that `provider` hosts, in the
	/// chain's order (what a search fulfilment must claim, one by one).
	pub async fn hosted(
		&self,
		patient: &AccountId,
		provider: &AccountId,
	) -> Result<Vec<u32>, ApiError> {
		Ok(self
			.fetch::<Vec<u32>>(pallet_medchain_emr::HostedBy::<Runtime>::hashed_key_for(
				patient, provider,
			))
			.await?
			.unwrap_or_default())
	}

	/// The ed25519 key the key service signs search tokens with, once the public parameters
	/// are set.
	pub async fn token_issuer(&self) -> Result<Option<[u8; 32]>, ApiError> {
		Ok(self
			.fetch::<pallet_medchain_registry::PublicParameters<Runtime>>(
				pallet_medchain_registry::Parameters::<Runtime>::hashed_key().to_vec(),
			)
			.await?
			.map(|parameters| parameters.token_signing_key))
	}

	/// Access request `request`, while it is open.
	pub async fn request(
		&self,
		request: u64,
	) -> Result<Option<pallet_medchain_access::Request<Runtime>>, ApiError> {
		self.fetch(pallet_medchain_access::Requests::<Runtime>::hashed_key_for(request)).await
	}

	/// Whether `provider` has fulfilled search `request` already.
	pub async fn fulfilled(&self, request: u64, provider: &AccountId) -> Result<bool, ApiError> {
		Ok(self
			.fetch::<()>(pallet_medchain_access::Fulfilled::<Runtime>::hashed_key_for(
				request, provider,
			))
			.await?
			.is_some())
	}

	/// PDP public key `version` (SCALE) of hospital `hospital`.
	pub async fn pdp_key(&self, hospital: u32, version: u32) -> Result<Option<Vec<u8>>, ApiError> {
		self.fetch::<Vec<u8>>(PdpKeys::<Runtime>::hashed_key_for(hospital, version)).await
	}

	/// The locator of entry `seq` of `patient`, if the entry exists and is not erased.
	pub async fn live_locator(
		&self,
		patient: &AccountId,
		seq: u32,
	) -> Result<Option<Vec<u8>>, ApiError> {
		Ok(self
			.entry(patient, seq)
			.await?
			.filter(|(_, erased)| !erased)
			.map(|(entry, _)| entry.record.locator.to_vec()))
	}
}
