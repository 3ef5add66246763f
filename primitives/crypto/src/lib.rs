//! # MedChain crypto core
//!
//! All cryptography used by MedChain, one module per scheme. With the default `std` feature every
//! scheme is implemented; without it (the wasm runtime) the crate still provides the SCALE types
//! that go on chain or through host functions, and pure ABE policy evaluation.
//!
//! | module | what | built on |
//! |---|---|---|
//! | [`envelope`] | AES-256-GCM segmented streaming record encryption (STREAM construction), optional inner layer bound to the patient card | RustCrypto `aes-gcm`, `hkdf` |
//! | [`shve`] | Symmetric Hidden Vector Encryption (Lai et al. CCS'18, original construction), per-patient keys and position permutation, signed tokens, batch fulfilment verification | `aes` (AES-NI), `ed25519-dalek`, `rayon` |
//! | [`abe`] | policies (no_std evaluation), MSP/LSSS, FAME CP-ABE (Agrawal–Chase CCS'17) as a KEM | arkworks 0.5 BLS12-381, blst hash-to-curve |
//! | [`pdp`] | publicly verifiable, index-bound Shacham–Waters PDP with Wang et al.'s privacy-preserving (masked) proofs, batched receipt check of all tags | blst (hash-to-G1, Pippenger MSM, pairing) |
//! | [`identity`] | registrar PRF of a real identity, escrow sealed to the registrar, chain commitment | HMAC-SHA256, [`seal`] |
//! | [`shamir`] | t-of-n secret splitting over GF(2^8) | hand-written, constant time |
//! | [`seal`] | HPKE-style sealing (X25519 + HKDF-SHA256 + AES-256-GCM) with an ed25519 sender signature | `x25519-dalek`, `ed25519-dalek` |
//! | [`hash_to_curve`] | RFC 9380 `BLS12381G1_XMD:SHA-256_SSWU_RO_` via blst, converted to arkworks points | blst, arkworks |
//!
//! ## Security notes
//!
//! * Every decode / verify path returns `Result` or `false` on malformed input; nothing panics on
//!   attacker-controlled bytes. Curve points are subgroup-checked when decoded from bytes.
//! * Secret keys implement `Zeroize`/`ZeroizeOnDrop` and are compared in constant time (`subtle`).
//! * SHVE leakage (stated exactly in [`shve`]): which records match a token, equality of index
//!   vectors of one patient (ciphertexts are deterministic per patient key), and the search
//!   pattern (a query's public slot mask repeats for one patient). A provider can build working
//!   token *bodies* from the ciphertexts it stores; only the key service's signature makes a
//!   token admissible, and a signed token names its request, query commitment and chain. Across
//!   patients nothing links, because keys and the position permutation are per patient. The
//!   S2-compatible mode uses one global key and therefore also leaks across patients; it exists
//!   for benchmarking against the paper only.
//! * PDP: proofs are masked (Wang et al. 2010), so published proofs do not solve for the
//!   record's ciphertext; file names derive from the ciphertext hash, so tags of two entries are
//!   interchangeable only if the entries store the same bytes. Whoever holds `alpha` can answer
//!   any challenge without the data, so the owner's secret never leaves the owner's record
//!   service.
//!   PDP challenge seeds come from block hashes; an author colluding with a provider can bias
//!   them (a documented limit of the chain, not of the scheme).
//! * CP-ABE: the KEM key is derived over the whole ciphertext (policy, `ct0`, every row).
//! * Streamed envelope decryption releases a segment only after its tag verified, but a consumer
//!   must treat the output as untrusted until the stream ended successfully (truncation is only
//!   detectable at the end).
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

extern crate alloc;

pub mod abe;
pub mod error;
pub mod pdp;
pub mod shve;

#[cfg(feature = "std")]
pub mod envelope;
#[cfg(feature = "std")]
pub mod hash_to_curve;
#[cfg(feature = "std")]
pub mod identity;
#[cfg(feature = "std")]
pub mod seal;
#[cfg(feature = "std")]
pub mod shamir;

pub use bounded_collections::{BoundedVec, ConstU32};
pub use error::{Error, Result};

#[cfg(feature = "std")]
pub(crate) mod util;
