//! # medchain-cloud
//!
//! ## Overview
//!
//! The storage provider service of DESIGN.md "Off-chain" (S1's cloud server, S2's hospital data
//! center): record bundles are uploaded before their EMR entry exists, stored on object storage
//! (`object_store`: the filesystem, or S3), become visible only complete and matching what the
//! uploader signed, are never overwritten, and are served only to grantees the chain names.
//!
//! This crate grows in steps (issue 14). In place: [`store::BundleStore`], the atomic storage
//! layer (staging, commit without overwrite, idempotent retries, the sweep after a crash).
//! Still to come: the HTTP service (axum) with signed statements, receipts, `may_serve`-checked
//! downloads, audit answers and search fulfilment.
//!
//! ## Interface
//!
//! Every fallible function returns [`store::StoreError`].

pub mod store;
