//! Bundles whose EMR entry never comes: a record service uploads before it appends, so the
//! provider holds bundles that no entry points at yet. A bundle the chain's finalized state does
//! not list among this provider's hosted entries ([`Finalized::hosted_locators`]) once it is older than the
//! configured time is deleted: one never appended, or one whose entry was erased
//! (crypto-shredded: the provider deletes). A sweep that cannot ask the chain deletes nothing.

use std::{
	collections::HashMap,
	sync::Arc,
	time::{Duration, SystemTime, UNIX_EPOCH},
};

use medchain_client::runtime::AccountId;

use crate::{app::App, chain::Finalized, error::ApiError};

/// Deletes every unlisted bundle older than `ttl`; returns how many it deleted.
pub async fn sweep(app: &App, ttl: Duration) -> Result<usize, ApiError> {
	let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
	let chain = Finalized::now(&app.chain).await?;
	let mut hosted: HashMap<[u8; 32], Vec<Vec<u8>>> = HashMap::new();
	let mut removed = 0;
	for (key, written) in app.store.receipted().await? {
		if now.saturating_sub(written) < ttl.as_secs() as i64 {
			continue;
		}
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
		app.store.remove(&key).await?;
		removed += 1;
		app.metrics.uploads.with_label_values(&["deleted_unlisted"]).inc();
		tracing::info!(
			patient = %hex::encode(key.patient),
			locator = %hex::encode(key.locator),
			"deleted a bundle no live entry lists"
		);
	}
	Ok(removed)
}

/// Runs [`sweep`] every `every`, for ever.
pub async fn run(app: Arc<App>, ttl: Duration, every: Duration) {
	loop {
		tokio::time::sleep(every).await;
		if let Err(e) = sweep(&app, ttl).await {
			tracing::warn!(error = %e, "retention sweep skipped");
		}
	}
}
