//! Which object store the bundles live on, from the service's `--store` URL.
//!
//! - `file:///var/lib/medchain-cloud`: a directory (created if missing), every write fsynced
//!   with its directory before it is acknowledged;
//! - `s3://bucket/prefix`: an S3 bucket, configured by the usual `AWS_*` environment variables
//!   (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and `AWS_ENDPOINT_URL` with
//!   `AWS_ALLOW_HTTP=true` for an S3 server other than AWS's). A bundle is put in place with a
//!   copy that completes only if nothing is stored under its key yet: by default the multipart
//!   copy with `If-None-Match: *` that AWS S3 (and moto, MinIO) honour;
//!   `AWS_COPY_IF_NOT_EXISTS` selects another way for servers without it (object_store's
//!   `header:` forms, for example for Cloudflare R2).
//!
//! On S3 an upload cut short leaves an incomplete multipart upload that is never listed and
//! never served; the bucket's lifecycle rule `AbortIncompleteMultipartUpload` reclaims its
//! space (object_store cannot list multipart uploads, so the start-up sweep cannot).

use std::{path::PathBuf, sync::Arc};

use object_store::{
	aws::{AmazonS3Builder, AmazonS3ConfigKey, S3CopyIfNotExists},
	local::LocalFileSystem,
	prefix::PrefixStore,
	ObjectStore,
};

/// A parsed `--store` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreUrl {
	/// A directory on the local filesystem.
	File(PathBuf),
	/// An S3 bucket, with an optional key prefix.
	S3 {
		/// The bucket's name.
		bucket: String,
		/// Every key is stored below this prefix (empty: at the bucket's root).
		prefix: String,
	},
}

impl std::str::FromStr for StoreUrl {
	type Err = String;

	fn from_str(url: &str) -> Result<Self, String> {
		if let Some(path) = url.strip_prefix("file://") {
			if !path.starts_with('/') {
				return Err(format!("store {url:?}: a file:// URL needs an absolute path"));
			}
			return Ok(Self::File(PathBuf::from(path)));
		}
		if let Some(rest) = url.strip_prefix("s3://") {
			let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
			if bucket.is_empty() {
				return Err(format!("store {url:?}: an s3:// URL names a bucket"));
			}
			return Ok(Self::S3 {
				bucket: bucket.to_owned(),
				prefix: prefix.trim_matches('/').to_owned(),
			});
		}
		Err(format!("store {url:?}: give a file:///path or s3://bucket/prefix URL"))
	}
}

/// An opened store, and its directory when it is local (the start-up sweep removes staging
/// files a local multipart upload leaves, which listing does not show).
pub struct Opened {
	/// The object store.
	pub store: Arc<dyn ObjectStore>,
	/// The directory of a local store.
	pub local_root: Option<PathBuf>,
}

/// Opens the store `url` names.
pub fn open(url: &StoreUrl) -> Result<Opened, String> {
	match url {
		StoreUrl::File(dir) => {
			std::fs::create_dir_all(dir).map_err(|e| format!("store {}: {e}", dir.display()))?;
			let root = dir.canonicalize().map_err(|e| format!("store {}: {e}", dir.display()))?;
			let store = LocalFileSystem::new_with_prefix(&root)
				.map_err(|e| format!("store {}: {e}", root.display()))?
				.with_fsync(true);
			Ok(Opened { store: Arc::new(store), local_root: Some(root) })
		},
		StoreUrl::S3 { bucket, prefix } => {
			// object_store's S3 client runs on reqwest's rustls without a built-in crypto
			// provider (so that the aws-lc C library is not built): ring is installed here,
			// once per process; a second call finds it installed.
			let _ = rustls::crypto::ring::default_provider().install_default();
			let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
			if builder.get_config_value(&AmazonS3ConfigKey::CopyIfNotExists).is_none() {
				builder = builder.with_copy_if_not_exists(S3CopyIfNotExists::Multipart);
			}
			let s3 = builder.build().map_err(|e| format!("store s3://{bucket}: {e}"))?;
			let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
				Arc::new(s3)
			} else {
				Arc::new(PrefixStore::new(s3, prefix.as_str()))
			};
			Ok(Opened { store, local_root: None })
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn store_urls_parse_into_their_backend() {
		assert_eq!(
			"file:///var/lib/medchain-cloud".parse(),
			Ok(StoreUrl::File("/var/lib/medchain-cloud".into()))
		);
		assert_eq!(
			"s3://records/hospital-a/".parse(),
			Ok(StoreUrl::S3 { bucket: "records".into(), prefix: "hospital-a".into() })
		);
		assert_eq!(
			"s3://records".parse(),
			Ok(StoreUrl::S3 { bucket: "records".into(), prefix: String::new() })
		);
		for bad in ["file://relative/path", "s3://", "s3:///prefix", "/var/lib", "gs://bucket"] {
			assert!(bad.parse::<StoreUrl>().is_err(), "{bad}");
		}
	}
}
