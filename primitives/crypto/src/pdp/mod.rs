//! Publicly verifiable provable data possession (Shacham–Waters, compact proofs) on BLS12-381,
//! with index-bound tags.
//!
//! * Owner key: `alpha`, `beta_1..beta_s`; public `v = g2^alpha`, `u_j = g1^{beta_j}`.
//! * A file is split into blocks of `s` sectors of 31 bytes (`m_ij < 2^248 < r`);
//!   tag `sigma_i = (H(name||i) · Π_j u_j^{m_ij})^alpha`, computed by the owner as
//!   `H(name||i)^alpha · g1^{alpha Σ_j beta_j m_ij}`: one RFC 9380 hash and two scalar
//!   multiplications per block whatever `s` ([`DEFAULT_SECTORS`] = 256, 7,936-byte blocks).
//! * Challenge from a 32-byte seed: `c = min(n, 460)` distinct indices and 128-bit coefficients
//!   ([`derive_challenge`]).
//! * Proof: the privacy-preserving one of Wang, Wang, Ren and Lou (INFOCOM 2010), [`PdpProof`]:
//!   `sigma = Π sigma_i^{nu_i}`, `R = e(Π u_j^{r_j}, v)` for secret random `r_j`, and
//!   `mu'_j = r_j + gamma · mu_j` with `mu_j = Σ nu_i m_ij`, `gamma = H(R, …)`; verification
//!   `R · e(sigma^gamma, g2) == e((Π H(name||i)^{nu_i})^gamma · Π u_j^{mu'_j}, v)`: two Pippenger
//!   MSMs and one two-pair pairing product, all points subgroup-checked when decoded (see
//!   `proof.rs` for why it is correct and hides the data). The unmasked Shacham–Waters proof
//!   `(mu_j, sigma)`, [`PdpProofV1`] in [`v1`], is linear in the data with public coefficients,
//!   so about `n` proofs of an `n`-block file solve for the whole file; it is kept only for host
//!   function version 1.
//! * File names ([`file_name_for`]) are derived from the ciphertext hash and size, so two
//!   entries share tags' names only when they share the ciphertext.
//! * Receipt ([`verify_tags`]): a storage provider checks all `n` tags of an upload in one
//!   batched equation before it signs for the bundle.
//!
//! Because `H(name||i)` binds the index, a server cannot answer with another block's tag, and
//! tags cannot be combined into tags of new blocks (both attacks work on S1's published tag
//! `g1^sk · (H2(ID)·R^{m_i})^r`; see the attack tests). Whoever holds `alpha` can answer any
//! challenge without the data, so the secret stays with the owner's record service.
//!
//! blst provides the hash (about ten times faster than arkworks' map here), the MSMs and the
//! pairing. Why hand-written: no maintained Rust crate implements a public PDP.

pub mod types;
pub use types::*;

#[cfg(feature = "std")]
pub(crate) mod bls;
#[cfg(feature = "std")]
mod challenge;
#[cfg(feature = "std")]
mod comb;
#[cfg(feature = "std")]
mod owner;
#[cfg(feature = "std")]
mod prepared;
#[cfg(feature = "std")]
mod proof;
#[cfg(feature = "std")]
mod receipt;

#[cfg(feature = "std")]
pub use challenge::{challenge_indices, derive_challenge, derive_challenge_sized, sample_indices};
#[cfg(feature = "std")]
pub use owner::{block_message, block_of, file_params, PdpSecretKey};
#[cfg(feature = "std")]
pub use prepared::{prepared_key, PreparedPdpKey};
#[cfg(feature = "std")]
pub use proof::{
	prove, prove_prepared, prove_with_challenge, v1, verify, verify_encoded, verify_prepared,
	verify_sized_encoded, verify_with_challenge,
};
#[cfg(feature = "std")]
pub use receipt::{verify_tags, verify_tags_prepared, TagCheck};

#[cfg(all(test, feature = "std"))]
mod s1_baseline;
#[cfg(all(test, feature = "std"))]
mod tests;
