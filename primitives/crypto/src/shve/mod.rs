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
//! ## Leakage (what a storage provider learns, and with it anyone who reads the chain)
//!
//! A search fulfilment (`fulfil_search`) carries the signed token and every hosted ciphertext
//! of the patient in a transaction, so everything below is learnt not only by the provider but
//! by every reader of the blocks: a privacy officer should read "provider" as "the public".
//! * **The search result**: which of the records it hosts match each token, and the token's
//!   number of fixed slots (`fixed.count_ones()`).
//! * **Equality within one patient**: ciphertexts are deterministic under `k_P`, so for every
//!   (permuted) slot a provider sees which of the patient's records share that slot's bit, hence
//!   which of that patient's records are in the same department (not which department).
//! * **Tokens of its own making**: a provider needs no key to build a *working token body* from
//!   the ciphertexts it stores: for any slot set `S` and random `K`,
//!   `d0 = K XOR XOR_{p in S} c_p`, `d1 = AES_K(0)` matches exactly the records that agree with
//!   `c` on `S`. That adds nothing to the equality leakage above (it is a way to compute it), but
//!   it means a token body proves nothing: **only the key service's signature** makes a token
//!   admissible, and [`verify_fulfilment`] checks it before anything else (test
//!   `provider_built_token_bodies_work_and_only_the_signature_stops_them`).
//! * **The search pattern**: a token's mask `fixed` is the image of the query's fixed positions
//!   under the patient's permutation, the same in every token of that query for that patient,
//!   and visible in the clear. Repeated searches of one patient with the same department set
//!   are therefore linkable (and two queries fixing the same number of departments are told
//!   apart when their masks differ), although `d0`, `d1` are fresh each time. Across patients
//!   masks are unrelated (independent permutations).
//! * Across patients nothing else links: different `k_P` and `pi`. In the S2-compatible mode
//!   (one global key and permutation) equality and search-pattern leakage extend to all records
//!   and all patients; that mode is for benchmarking only.
//! * Not leaked, unlike S2's "randomized" variant (`c0_l = F(x_l||l) XOR K_l`,
//!   `c1_l = F(*||l) XOR K_l`, whose `c0 XOR c1` exposes every bit of every record without any
//!   token, see the test `s2_randomized_variant_leaks_and_ours_does_not`): the bits of a record
//!   of a patient for whom the provider holds no matching signed token and no second record.
//!
//! A signed token is good for one request on one chain: its body carries the request id, the
//! request's query commitment, the chain's genesis hash and an expiry, all under the signature
//! (the runtime compares them with chain state).
//!
//! Why hand-written: no maintained crate implements SHVE.

pub mod types;
pub use types::*;

#[cfg(feature = "std")]
mod aes_many;
#[cfg(feature = "std")]
mod commitment;
#[cfg(feature = "std")]
mod keys;
#[cfg(feature = "std")]
mod matching;
#[cfg(feature = "std")]
mod schema;

#[cfg(feature = "std")]
pub use commitment::{query_commitment, QUERY_COMMITMENT_DOMAIN};
#[cfg(feature = "std")]
pub use keys::{
	sign_token, sign_token_v1, verify_token_signature, verify_token_signature_v1, KeyService,
	PatientKey, ShveMasterKey,
};
#[cfg(feature = "std")]
pub use matching::{
	matches, query_naive, verify_fulfilment, verify_fulfilment_encoded,
	verify_fulfilment_encoded_v1, verify_fulfilment_v1, ShveIndex,
};
#[cfg(feature = "std")]
pub use schema::{s2_id_bits, s2_id_check_char, Schema, DEPARTMENTS, S2_ID_BITS};

#[cfg(all(test, feature = "std"))]
mod tests;
