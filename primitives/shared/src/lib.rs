//! # MedChain primitives
//!
//! ## Overview
//!
//! The types and traits MedChain's pallets share, so that they meet through interfaces and
//! never through each other's storage (DESIGN.md "On-chain"). The registry implements the actor
//! traits, the EMR pallet implements [`EmrIndex`], the runtime wires them into the pallets that
//! need them, and each pallet's mock runtime implements only what that pallet asks for, as
//! `pallet-collator-selection` asks only for a `ValidatorRegistration`.
//!
//! ## Interface
//!
//! - [`actors`]: who is an active hospital, record service, doctor, provider or patient, a
//!   hospital's PDP keys by version, the key service's public parameters, and
//!   [`OnRevoked`], the hook through which later pallets learn of revocations.
//! - [`emr`]: what other pallets may know of an EMR entry ([`EntryInfo`]) and the entries a
//!   provider hosts for a patient ([`EmrIndex`]).
//! - [`storage`]: the statements a record service signs to upload a bundle and a storage
//!   provider signs as its receipt ([`UploadStatement`], [`ReceiptStatement`]).
//! - [`audit`]: what storage audits need of the EMR chain and the registry ([`AuditIndex`],
//!   [`ProviderEndpoints`], [`ProviderStanding`]) and what a provider signs with an answer
//!   ([`AnswerStatement`]).
//! - [`consortium`]: which hospital a validator account stands for ([`HospitalValidators`],
//!   for the scoring pallet) and the candidates' ranking ([`RankedCandidate`], [`CandidateStanding`]).
//! - [`chain`]: the one hash-chain helper of the EMR chain, the access chain and the audit log
//!   ([`HashChain`], [`ChainVerification`]).
//! - [`Seq`], [`Hash32`], [`HospitalId`], [`PdpKeyVersion`], [`DepartmentSet`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod actors;
pub mod audit;
pub mod chain;
pub mod consortium;
pub mod emr;
pub mod storage;

pub use actors::*;
pub use audit::{
	AnswerStatement, AuditIndex, AuditTarget, ProviderEndpoints, ProviderStanding,
	ANSWER_STATEMENT_VERSION, AUDIT_DOMAIN,
};
pub use chain::{ChainLink, ChainPage, ChainVerification, HashChain, FORMAT_V1};
pub use consortium::{CandidateStanding, HospitalValidator, HospitalValidators, RankedCandidate};
pub use emr::{EmrIndex, EntryInfo, PossessionCheck};
pub use storage::{BundleDigest, ReceiptStatement, UploadStatement};

/// Position of a record in its chain (EMR entries, access records), from 0.
pub type Seq = u32;

/// A 32-byte hash (BLAKE2b-256 for chain links, SHA-256 or BLAKE2b for content hashes).
pub type Hash32 = [u8; 32];

/// A hospital's identifier, assigned in registration order from 0.
pub type HospitalId = u32;

/// The version of one of a hospital's PDP public keys, from 0; a new key gets the next one, so
/// entries tagged under an older key stay verifiable.
pub type PdpKeyVersion = u32;

/// A set of departments: bit `d` stands for department `d` (0 ≤ d < [`MAX_DEPARTMENTS`]).
pub type DepartmentSet = u64;

/// Number of departments the schema knows: the 37 department positions of DESIGN.md's SHVE
/// schema.
pub const MAX_DEPARTMENTS: u32 = 37;
