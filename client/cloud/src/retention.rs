//! Bundles whose EMR entry never comes: a record service uploads before it appends, so the
//! provider holds bundles that no entry points at yet. A bundle that the chain's finalized
//! state does not list among this provider's hosted entries
//! ([`Finalized::hosted_locators`]) is deleted once the last block of its receipt is final:
//! one never appended, or one whose entry was erased (crypto-shredded: the provider deletes).
//! Until then an entry may still be appended with the receipt, so the bundle is kept; after
//! it the runtime refuses the receipt (`ReceiptExpired`), so no entry can ever name a bundle
//! the provider deleted and make it fail audits it cannot pass. A sweep that cannot ask the
//! chain deletes nothing.

use std::{collections::HashMap, sync::Arc, time::Duration};

use codec::Decode;
use medchain_client::runtime::AccountId;

use crate::{app::App, chain::Finalized, error::ApiError, upload::RECEIPT_PREFIX_LEN};

/// Deletes every unlisted bundle whose receipt has expired at the finalized head; returns how
/// many it deleted.
pub async fn sweep(app: &App) -> Result<usize, ApiError> {
	let chain = Finalized::now(&app.chain).await?;
	let finalized = chain.number();
	let mut hosted: HashMap<[u8; 32], Vec<Vec<u8>>> = HashMap::new();
	let mut removed = 0;
	for key in app.store.receipted().await? {
		if let std::collections::hash_map::Entry::Vacant(vacant) = hosted.entry(key.patient) {
			let patient = AccountId::from(key.patient);
			vacant.insert(chain.hosted_locators(&patient, &app.account).await?);
		}
		let listed = hosted
			.get(&key.patient)
			.is_some_and(|locators| locators.iter().any(|l| l[..] == key.locator[..]));
		if listed {
			continue;
		}
		let prefix = app.store.get_meta_prefix(&key, RECEIPT_PREFIX_LEN).await?;
		let Ok(valid_until) = u32::decode(&mut &prefix[..]) else {
			tracing::warn!(locator = %hex::encode(key.locator), "undecodable bundle metadata kept");
			continue;
		};
		if finalized <= u64::from(valid_until) {
			continue;
		}
		app.store.remove(&key).await?;
		app.index.remove(&key);
		removed += 1;
		app.metrics.uploads.with_label_values(&["deleted_unlisted"]).inc();
		tracing::info!(
			patient = %hex::encode(key.patient),
			locator = %hex::encode(key.locator),
			valid_until,
			finalized,
			"deleted a bundle no live entry lists, its receipt expired"
		);
	}
	Ok(removed)
}

/// Runs [`sweep`] every `every`, for ever.
pub async fn run(app: Arc<App>, every: Duration) {
	loop {
		tokio::time::sleep(every).await;
		if let Err(e) = sweep(&app).await {
			tracing::warn!(error = %e, "retention sweep skipped");
		}
	}
}
