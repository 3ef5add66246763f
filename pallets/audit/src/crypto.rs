//! The audit key: an sr25519 application key of its own type, part of every validator's session
//! keys, with which the validator's off-chain worker signs what it relays.
//!
//! The key type is `mdau` ([`AUDIT_KEY_TYPE`]): `audi` is authority discovery's. A node started
//! with `--alice` (or `--dev`) gets the key from `//Alice` like its other session keys, since
//! `generate_session_keys` covers every key type of the runtime's `SessionKeys`.

use sp_core::crypto::KeyTypeId;

/// The key type of audit keys in the keystore and in session keys.
pub const AUDIT_KEY_TYPE: KeyTypeId = KeyTypeId(*b"mdau");

mod app {
	use sp_runtime::app_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, super::AUDIT_KEY_TYPE);
}

/// A validator's audit public key.
pub type AuditId = app::Public;

/// A signature of an audit key.
pub type AuditSignature = app::Signature;

/// An audit key pair (tests, benchmarks and chain-spec tooling).
#[cfg(feature = "std")]
pub type AuditPair = app::Pair;
