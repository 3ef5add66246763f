//! # medchain-cloud
//!
//! ## Overview
//!
//! The storage provider service of DESIGN.md "Off-chain" (S1's cloud server, S2's hospital data
//! center): record bundles are uploaded before their EMR entry exists, stored on object storage
//! (`object_store`: the filesystem, or S3), become visible only complete and matching what the
//! uploader signed, are never overwritten, and are served only to grantees the chain names.
//!
//! - [`store::BundleStore`]: the atomic storage layer (staging, commit without overwrite,
//!   idempotent retries, the sweep after a crash);
//! - [`upload`]: `PUT /v1/bundles/{patient}/{locator}`, the signed upload checked against the
//!   chain, its PDP tags checked as the ciphertext streams in, answered with the provider's
//!   receipt;
//! - [`download`]: `GET /v1/records/{patient}/{seq}`, served to the grantee that
//!   `AccessApi::may_serve` names at the finalized head, sealed to the grant's delivery key,
//!   re-checked during long downloads;
//! - [`audit`]: `POST /v1/audits/{patient}/{seq}`, masked PDP proofs from the challenged
//!   blocks only, signed by the provider, rate-limited per entry (spot checks of anyone's
//!   seed);
//! - [`challenge`]: `POST /v1/audits/challenges/{id}`, the signed answer to an on-chain audit
//!   challenge (light or full), which validators' off-chain workers relay;
//! - [`search`]: `POST /v1/searches/{request}`, the fulfilment of a logged search with the key
//!   service's token, matched over [`index::SearchIndex`] and submitted on chain;
//! - [`app`]: the routes, `/health`, `/metrics` ([`metrics`]), the body limit, rate limit and
//!   timeout; [`error`]: JSON errors with stable codes;
//! - [`retention`]: bundles no live entry lists (never appended, or erased) deleted after a
//!   configurable time;
//! - [`config`]: the command line and its environment fallbacks; [`backend`]: the object store
//!   its `--store` URL names (`file://` or `s3://`).
//!
//! ## Interface
//!
//! Store operations return [`store::StoreError`]; handlers answer [`error::ApiError`].

pub mod app;
pub mod audit;
pub mod backend;
pub mod chain;
pub mod challenge;
pub mod config;
pub mod download;
pub mod error;
pub mod index;
pub mod metrics;
pub mod retention;
pub mod search;
pub mod store;
pub mod upload;
