//! Search fulfilment: a provider answers a search with every entry it hosts for the patient,
//! each proven (by the host function) to match the key service's token or not.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{ensure, traits::DefensiveOption};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_crypto::shve::{SignedToken, SCHEMA_S2};
use medchain_primitives::{EmrIndex, KeyServiceRegistry, PatientRegistry, ProviderRegistry};
use sp_runtime::{traits::Zero, DispatchResult, SaturatedConversion};

use crate::{
	decision::account_bytes, AccessTarget, ClaimsOf, Config, Error, Fulfilled, Pallet, RequestId,
	Requests,
};

impl<T: Config> Pallet<T> {
	/// The pallet error for a host function rejection.
	pub fn fulfilment_error(error: medchain_io::FulfilmentError) -> Error<T> {
		use medchain_io::FulfilmentError;
		match error {
			FulfilmentError::Malformed => Error::<T>::MalformedFulfilment,
			FulfilmentError::BadSignature => Error::<T>::BadTokenSignature,
			FulfilmentError::SchemaMismatch => Error::<T>::SchemaMismatch,
			FulfilmentError::ClaimMismatch(_) => Error::<T>::ClaimMismatch,
		}
	}

	/// This chain's genesis block hash, which every SHVE token names. `frame_system` keeps the
	/// hash of block 0 for good (it prunes only later block hashes).
	pub fn genesis_block_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// Checks `provider`'s fulfilment of search `request_id` (the request, the token, the
	/// claims against the committed ciphertexts, then the host function), decides the matching
	/// entries and marks the search fulfilled by `provider`.
	pub(crate) fn do_fulfil_search(
		provider: T::AccountId,
		request_id: RequestId,
		signed_token: SignedToken,
		claims: ClaimsOf<T>,
	) -> DispatchResult {
		ensure!(T::Providers::active_provider(&provider).is_some(), Error::<T>::NotProvider);
		let request = Requests::<T>::get(request_id).ok_or(Error::<T>::UnknownRequest)?;
		let AccessTarget::Search { query_commitment, all_records } = request.target else {
			return Err(Error::<T>::NotSearch.into());
		};
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= request.expires_at, Error::<T>::RequestExpired);
		ensure!(!Fulfilled::<T>::contains_key(request_id, &provider), Error::<T>::AlreadyFulfilled);
		let requester = Self::requester(&request)?;
		// A patient revoked since the request was made is no longer served.
		ensure!(T::Patients::is_active_patient(&request.patient), Error::<T>::UnknownPatient);

		// The token: this request, this patient, the schema in force, not expired.
		let key_service = T::KeyService::key_service().ok_or(Error::<T>::NoPublicParameters)?;
		let body = &signed_token.body;
		ensure!(body.request_id == request_id, Error::<T>::TokenRequestMismatch);
		ensure!(
			body.patient == account_bytes(&request.patient)
				|| (body.schema == SCHEMA_S2 && body.patient == [0u8; 32]),
			Error::<T>::TokenPatientMismatch
		);
		ensure!(body.expires_at >= now.saturated_into::<u32>(), Error::<T>::TokenExpired);
		// Good for one request on one chain: this chain's genesis and the query the request
		// committed to (the doctor sends the predicate and its salt to the key service only).
		ensure!(
			body.genesis_hash[..] == *Self::genesis_block_hash().as_ref(),
			Error::<T>::TokenChainMismatch
		);
		ensure!(body.query_commitment == query_commitment, Error::<T>::TokenQueryMismatch);
		// A token that fixes no position selects every record: only for a request that said
		// so (the key service should never issue one otherwise; the chain does not rely on it).
		ensure!(all_records || !body.selects_everything(), Error::<T>::UnrestrictedToken);
		ensure!(body.schema == u32::from(key_service.shve_schema), Error::<T>::SchemaNotInForce);

		// The claims: exactly the committed ciphertexts of every hosted entry, in order.
		let hosted = T::Emr::hosted_by(&request.patient, &provider);
		ensure!(!hosted.is_empty(), Error::<T>::NothingHosted);
		ensure!(claims.len() == hosted.len(), Error::<T>::IncompleteFulfilment);
		let mut matched = Vec::new();
		for (seq, (ciphertext, matches)) in hosted.iter().zip(claims.iter()) {
			// The EMR index lists only entries of the chain, which are never removed.
			let entry =
				T::Emr::entry(&request.patient, *seq).defensive_ok_or(Error::<T>::UnknownEntry)?;
			ensure!(
				sp_io::hashing::blake2_256(&ciphertext.encode()) == entry.shve_commitment,
				Error::<T>::CommitmentMismatch
			);
			if *matches {
				matched.push((*seq, Some(entry)));
			}
		}
		medchain_io::medchain_crypto_host::verify_shve_fulfilment(
			&signed_token.encode(),
			&key_service.token_signing_key,
			&claims.encode(),
		)
		.map_err(Self::fulfilment_error)?;

		Self::decide_and_log(request_id, &request, &requester, Some(provider.clone()), matched)?;
		Fulfilled::<T>::insert(request_id, &provider, ());
		Ok(())
	}
}
