//! Symmetric Hidden Vector Encryption (Lai, Patranabis, Sakzad, Liu, Rudolph, Steinfeld, Sun,
//! Wu: CCS'18), the original construction, for S2's fuzzy department search.
//!
//! * Ciphertext of `x in {0,1}^n`: slot `pi(l)` holds `c = F(k_P, x_l || pi(l))`, with
//!   `F` = AES-128 (AES-NI through the `aes` crate's runtime detection).
//! * Token for `v in {0,1,*}^n` with fixed set `S`: random `K`,
//!   `d0 = XOR_{l in S} F(k_P, v_l || pi(l)) XOR K`, `d1 = AES_K(0^128)`, and `S` as a mask over
//!   *permuted* slots (so the provider does not learn which departments are fixed).
//! * Match: `K' = d0 XOR XOR_{p in S} c_p`, accept iff `AES_K'(0) == d1` (exact, constant time).
//! * Keys are per patient: `k_P = PRF(msk, patient)` and `pi` a per-patient secret permutation,
//!   both derived from `msk` with HMAC-SHA256. Tokens are signed (ed25519) by the key service;
//!   doctors never hold `msk`.
//!
//! Schemas ([`Schema`]): the default one has 37 department bits (+ optional record-type bits);
//! the S2-compatible one uses one global key and S2's 98 positions (61 identity bits from an
//! 18-character resident ID, see [`s2_id_bits`], + 37 departments), and exists for comparison
//! with the paper. A fuzzy query for departments `D` wildcards `D` and fixes the others to 0.
//!
//! ## Leakage (documented, inherent to SHVE with deterministic ciphertexts)
//! * Which records match a token (the search result) and the token's number of fixed slots.
//! * Within one patient, ciphertexts are deterministic: a provider sees, per (permuted) slot,
//!   which of the patient's records share that bit, hence which of that patient's records are in
//!   the same department (not which department). Across patients nothing links: different
//!   `k_P` and `pi`. In the S2-compatible mode (one global key) this equality leakage extends to
//!   all records; that mode is for benchmarking only.
//! * Not leaked, unlike S2's "randomized" variant (`c0_l = F(x_l||l) XOR K_l`,
//!   `c1_l = F(*||l) XOR K_l`, whose `c0 XOR c1` exposes every bit of every record without any
//!   token, see the test `s2_randomized_variant_leaks_and_ours_does_not`), and tokens cannot be
//!   forged: they are bound to a random `K` and signed.
//!
//! Why hand-written: no maintained crate implements SHVE.

pub mod types;
pub use types::*;

#[cfg(feature = "std")]
mod aes_many;
#[cfg(feature = "std")]
mod keys;
#[cfg(feature = "std")]
mod matching;
#[cfg(feature = "std")]
mod schema;

#[cfg(feature = "std")]
pub use keys::{sign_token, verify_token_signature, KeyService, PatientKey, ShveMasterKey};
#[cfg(feature = "std")]
pub use matching::{matches, query_naive, verify_fulfilment, verify_fulfilment_encoded, ShveIndex};
#[cfg(feature = "std")]
pub use schema::{s2_id_bits, s2_id_check_char, Schema, DEPARTMENTS, S2_ID_BITS};

#[cfg(all(test, feature = "std"))]
mod tests;
