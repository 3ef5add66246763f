//! The service's command line, each flag with an environment fallback
//! (`MEDCHAIN_CLOUD_<FLAG>`).

use std::{net::SocketAddr, num::NonZeroU32, path::PathBuf, time::Duration};

use clap::Parser;
use sp_core::{sr25519, Pair};

use crate::{app::Limits, backend::StoreUrl};

/// medchain-cloud: the storage provider service of a MedChain consortium.
#[derive(Parser, Debug, Clone)]
#[command(name = "medchain-cloud", version)]
pub struct Config {
	/// The chain node's WebSocket RPC endpoint.
	#[arg(long, env = "MEDCHAIN_CLOUD_RPC", default_value = "ws://127.0.0.1:9944")]
	pub rpc: String,
	/// Address to listen on.
	#[arg(long, env = "MEDCHAIN_CLOUD_LISTEN", default_value = "127.0.0.1:8710")]
	pub listen: SocketAddr,
	/// Where bundles live: `file:///path` (a directory, created if missing) or
	/// `s3://bucket/prefix` (configured by the `AWS_*` environment variables; see the README).
	#[arg(long, env = "MEDCHAIN_CLOUD_STORE", default_value = "file:///var/lib/medchain-cloud")]
	pub store: StoreUrl,
	/// The provider's account key: a file holding a secret URI or mnemonic (mode 0600), for
	/// production.
	#[arg(long, env = "MEDCHAIN_CLOUD_KEY_FILE", conflicts_with = "suri")]
	pub key_file: Option<PathBuf>,
	/// The provider's account key as a secret URI (`//Ferdie` on a dev chain).
	#[arg(long, env = "MEDCHAIN_CLOUD_SURI")]
	pub suri: Option<String>,
	/// Largest bundle accepted, in bytes.
	#[arg(long, env = "MEDCHAIN_CLOUD_MAX_BUNDLE_BYTES", default_value_t = 1 << 30)]
	pub max_bundle_bytes: u64,
	/// Largest upload header (statement, SHVE ciphertext, wrapped key), in bytes.
	#[arg(long, env = "MEDCHAIN_CLOUD_MAX_HEADER_BYTES", default_value_t = 64 << 10)]
	pub max_header_bytes: usize,
	/// Requests per second per client address, sustained.
	#[arg(long, env = "MEDCHAIN_CLOUD_RATE", default_value_t = NonZeroU32::new(50).expect("non-zero"))]
	pub rate: NonZeroU32,
	/// Requests a client may make at once above the sustained rate.
	#[arg(long, env = "MEDCHAIN_CLOUD_BURST", default_value_t = NonZeroU32::new(100).expect("non-zero"))]
	pub burst: NonZeroU32,
	/// Blocks past the finalized head at upload that a receipt counts for: the record service
	/// appends the entry within them. A bundle no live entry lists (never appended, or erased)
	/// is deleted once its receipt's last block is final. 1,800 blocks are an hour of 2-s
	/// slots.
	#[arg(long, env = "MEDCHAIN_CLOUD_RECEIPT_BLOCKS", default_value_t = 1800)]
	pub receipt_blocks: u32,
	/// Seconds between two sweeps for such bundles.
	#[arg(long, env = "MEDCHAIN_CLOUD_RETENTION_CHECK_SECS", default_value_t = 60)]
	pub retention_check_secs: u64,
	/// How long to keep trying to reach the node at start, in seconds.
	#[arg(long, env = "MEDCHAIN_CLOUD_CONNECT_TIMEOUT_SECS", default_value_t = 60)]
	pub connect_timeout_secs: u64,
	/// Longest a request may take, in seconds, body included.
	#[arg(long, env = "MEDCHAIN_CLOUD_TIMEOUT_SECS", default_value_t = 600)]
	pub timeout_secs: u64,
}

impl Config {
	/// The provider's key pair, from the key file or the secret URI.
	pub fn key(&self) -> Result<sr25519::Pair, String> {
		let suri = match (&self.key_file, &self.suri) {
			(Some(path), _) => std::fs::read_to_string(path)
				.map_err(|e| format!("key file {}: {e}", path.display()))?
				.trim()
				.to_owned(),
			(None, Some(suri)) => suri.clone(),
			(None, None) => return Err("give the provider's key: --key-file or --suri".into()),
		};
		sr25519::Pair::from_string(&suri, None).map_err(|e| format!("the provider's key: {e:?}"))
	}

	/// The limits the flags set.
	pub fn limits(&self) -> Limits {
		Limits {
			max_header: self.max_header_bytes,
			requests_per_second: self.rate,
			burst: self.burst,
			timeout: Duration::from_secs(self.timeout_secs),
			receipt_blocks: self.receipt_blocks,
		}
	}
}
