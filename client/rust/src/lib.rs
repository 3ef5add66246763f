//! # MedChain client
//!
//! ## Overview
//!
//! MedChain from Rust: [`chain::Chain`], a connection on subxt that signs and submits the
//! runtime's own calls (or [`api`]'s generated ones) with the metadata hash, follows runtime
//! upgrades and decodes storage, events and runtime APIs with the runtime's types; [`config`],
//! MedChain's subxt configuration; and the off-chain roles of DESIGN.md as library code that
//! the services (storage provider, key service, CLI) build on:
//!
//! - [`record_service::RecordService`]: a hospital's record service encrypts a record
//!   (envelope), tags it for PDP audits, computes its SHVE ciphertext and ABE-wrapped key, and
//!   produces the EMR entry to append;
//! - [`key_service::KeyServiceNode`]: the registrar's key service holds the SHVE and CP-ABE
//!   master keys, publishes the public parameters, issues doctors' ABE keys and signs search
//!   tokens for requests logged on chain;
//! - [`provider::ProviderStore`]: a storage provider's holdings and its search fulfilment,
//!   one match or non-match claim per hosted entry in the chain's order;
//! - [`cloud::CloudClient`]: uploads to and downloads from `medchain-cloud`, the storage
//!   provider service ([`cloud::DevCloud`] runs one for tests);
//! - [`storage`]: the record service's upload statement and the provider's receipt, which every
//!   EMR entry carries;
//! - [`transport`]: downloads sealed to the delivery key the chain's grant names;
//! - [`access`]: the presence statement a patient's card signs and a search request's query
//!   commitment.
//!
//! ## Interface
//!
//! Every fallible function returns [`Error`].

pub mod access;
pub mod api;
pub mod chain;
pub mod cloud;
pub mod config;
pub mod devnode;
pub mod key_service;
pub mod provider;
pub mod record_service;
pub mod storage;
pub mod transport;

pub use medchain_runtime as runtime;

/// Why a client operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// The node could not be reached or answered with an RPC error.
	#[error("rpc: {0}")]
	Rpc(String),
	/// The transaction could not be built or signed for the runtime at hand (a call or
	/// extension its metadata does not know).
	#[error("signing: {0}")]
	Signing(String),
	/// The transaction pool refused the transaction (invalid, dropped, usurped).
	#[error("transaction rejected: {0}")]
	Rejected(String),
	/// The transaction was included but its dispatch failed with this error.
	#[error("dispatch failed: {0}")]
	Dispatch(String),
	/// The transaction was not finalized in time.
	#[error("not finalized in time")]
	Timeout,
	/// An answer of the node could not be decoded.
	#[error("decode: {0}")]
	Decode(String),
	/// The storage provider service refused the request: its HTTP status and stable code.
	#[error("storage provider: {code} ({status}): {message}")]
	Service {
		/// HTTP status.
		status: u16,
		/// The service's stable error code (`bad_signature`, `no_grant`, ...).
		code: String,
		/// Its message.
		message: String,
	},
	/// A cryptographic operation failed.
	#[error("crypto: {0}")]
	Crypto(#[from] medchain_crypto::Error),
	/// The input does not fit the runtime's bounds or is otherwise unusable.
	#[error("invalid input: {0}")]
	Invalid(&'static str),
}

/// Result of client operations.
pub type Result<T> = core::result::Result<T, Error>;
