//! `medchain-cloud`: runs the storage provider service (see the crate docs).

use std::{
	net::SocketAddr,
	sync::Arc,
	time::{Duration, Instant},
};

use clap::Parser;
use medchain_client::chain::Chain;
use medchain_cloud::{app, config::Config, index::SearchIndex, store::BundleStore};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "medchain_cloud=info".into()),
		)
		.init();
	let config = Config::parse();
	let key = config.key()?;
	let store = BundleStore::open(&config.store, config.max_bundle_bytes)?;
	// Uploads cut short by a crash left staging data only: removed before serving.
	let swept = store.sweep_staging().await?;
	// The SHVE index is a cache of what the store holds: rebuilt from it at every start.
	let index =
		SearchIndex::rebuild(&store, config.max_header_bytes).await.map_err(|e| e.to_string())?;
	let indexed = index.len();
	let chain = connect(&config.rpc, Duration::from_secs(config.connect_timeout_secs)).await?;
	let app = Arc::new(app::App::new(chain, store, index, key, config.limits()));
	tokio::spawn(medchain_cloud::retention::run(
		app.clone(),
		Duration::from_secs(config.retention_check_secs.max(1)),
	));
	let listener = tokio::net::TcpListener::bind(config.listen).await?;
	tracing::info!(
		listen = %listener.local_addr()?,
		provider = %sp_core::crypto::Ss58Codec::to_ss58check(&app.account),
		swept,
		indexed,
		"medchain-cloud serving"
	);
	let router = app::router(app).into_make_service_with_connect_info::<SocketAddr>();
	axum::serve(listener, router)
		.with_graceful_shutdown(async {
			let _ = tokio::signal::ctrl_c().await;
		})
		.await?;
	Ok(())
}

/// Connects to the node at `rpc`, retrying every second for up to `patience` (a node started
/// beside the service takes a moment to open its RPC port).
async fn connect(rpc: &str, patience: Duration) -> Result<Chain, medchain_client::Error> {
	let deadline = Instant::now() + patience;
	loop {
		match Chain::connect(rpc).await {
			Ok(chain) => return Ok(chain),
			Err(e) if Instant::now() < deadline => {
				tracing::warn!(rpc, error = %e, "the node is not reachable yet; retrying");
				tokio::time::sleep(Duration::from_secs(1)).await;
			},
			Err(e) => return Err(e),
		}
	}
}
