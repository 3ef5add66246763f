//! Matching: one token against one ciphertext, against a pre-aggregated index (rayon), and the
//! batch verification of a provider's fulfilment.

use super::aes_many::aes_zero_many;
use super::keys::{aes_zero, verify_token_signature, verify_token_signature_v1, xor16};
use super::types::{ShveCiphertext, ShveTokenBody, SignedToken, SignedTokenV1};
use crate::{Error, Result};
use rayon::prelude::*;
use subtle::ConstantTimeEq;

/// The SHVE check on raw token values (shared by both token versions).
fn match_values(
	schema: u32,
	fixed: u128,
	d0: &[u8; 16],
	d1: &[u8; 16],
	ct: &ShveCiphertext,
) -> Result<bool> {
	if schema != ct.schema {
		return Err(Error::SchemaMismatch);
	}
	let n = ct.slots.len();
	if n < 128 && fixed >> n != 0 {
		return Err(Error::SchemaMismatch);
	}
	let mut k = *d0;
	let mut m = fixed;
	while m != 0 {
		let p = m.trailing_zeros() as usize;
		xor16(&mut k, &ct.slots[p]);
		m &= m - 1;
	}
	Ok(aes_zero(&k)[..].ct_eq(&d1[..]).into())
}

/// Exact SHVE match: `K' = d0 XOR XOR_{p in S} c_p`, accept iff `AES_K'(0) == d1` (constant-time
/// comparison). No false positives beyond an AES collision (2^-128). Checks the schema id and
/// that the fixed slots exist in `ct`; the exact length is checked by [`verify_fulfilment`].
pub fn matches(token: &ShveTokenBody, ct: &ShveCiphertext) -> Result<bool> {
	match_values(token.schema, token.fixed, &token.d0, &token.d1, ct)
}

/// Verification of a provider's fulfilment (host function `verify_shve_fulfilment` version 2):
/// the token signature against the issuer key; the token's own shape (a vector length within
/// [`MAX_SHVE_LEN`](super::MAX_SHVE_LEN), fixed slots within it); then for every claim, in
/// order, that the ciphertext has the token's schema and exactly `vector_len` slots
/// ([`Error::SchemaMismatch`] otherwise) and that the claim holds
/// ([`Error::ClaimMismatch`]). `Ok(())` iff all hold.
///
/// The caller (runtime) checks the token's patient, request id, query commitment, genesis hash
/// and expiry against chain state, and that the claims cover every entry the provider hosts for
/// the patient.
pub fn verify_fulfilment(
	signed_token: &SignedToken,
	issuer_public_key: &[u8; 32],
	claims: &[(ShveCiphertext, bool)],
) -> Result<()> {
	if !verify_token_signature(signed_token, issuer_public_key) {
		return Err(Error::BadSignature);
	}
	let t = &signed_token.body;
	let len = t.vector_len as usize;
	if len == 0 || len > super::MAX_SHVE_LEN as usize || (len < 128 && t.fixed >> len != 0) {
		return Err(Error::SchemaMismatch);
	}
	for (i, (ct, claimed)) in claims.iter().enumerate() {
		if ct.slots.len() != len {
			return Err(Error::SchemaMismatch);
		}
		if matches(t, ct)? != *claimed {
			return Err(Error::ClaimMismatch { index: i as u32 });
		}
	}
	Ok(())
}

/// [`verify_fulfilment`] over SCALE bytes (`SignedToken`, `FulfilmentClaims`), never panics:
/// host function `verify_shve_fulfilment` version 2.
pub fn verify_fulfilment_encoded(
	signed_token: &[u8],
	issuer_public_key: &[u8; 32],
	claims: &[u8],
) -> Result<()> {
	use codec::DecodeAll;
	let token = SignedToken::decode_all(&mut &signed_token[..]).map_err(|_| Error::Malformed)?;
	let claims = super::types::FulfilmentClaims::decode_all(&mut &claims[..])
		.map_err(|_| Error::Malformed)?;
	verify_fulfilment(&token, issuer_public_key, &claims)
}

/// Version-1 fulfilment verification, unchanged: signature (version-1 context), then every
/// claim; it checks the schema id and that the fixed slots exist, **not** the ciphertext length
/// (the pallet did). Kept for host function `verify_shve_fulfilment` version 1.
pub fn verify_fulfilment_v1(
	signed_token: &SignedTokenV1,
	issuer_public_key: &[u8; 32],
	claims: &[(ShveCiphertext, bool)],
) -> Result<()> {
	if !verify_token_signature_v1(signed_token, issuer_public_key) {
		return Err(Error::BadSignature);
	}
	let t = &signed_token.body;
	for (i, (ct, claimed)) in claims.iter().enumerate() {
		if match_values(t.schema, t.fixed, &t.d0, &t.d1, ct)? != *claimed {
			return Err(Error::ClaimMismatch { index: i as u32 });
		}
	}
	Ok(())
}

/// [`verify_fulfilment_v1`] over SCALE bytes (`SignedTokenV1`, `FulfilmentClaims`): host
/// function `verify_shve_fulfilment` version 1.
pub fn verify_fulfilment_encoded_v1(
	signed_token: &[u8],
	issuer_public_key: &[u8; 32],
	claims: &[u8],
) -> Result<()> {
	use codec::DecodeAll;
	let token = SignedTokenV1::decode_all(&mut &signed_token[..]).map_err(|_| Error::Malformed)?;
	let claims = super::types::FulfilmentClaims::decode_all(&mut &claims[..])
		.map_err(|_| Error::Malformed)?;
	verify_fulfilment_v1(&token, issuer_public_key, &claims)
}

/// A provider's search index for one schema, with the slots every token fixes pre-aggregated:
/// per record, `agg = XOR_{p in A} c_p` over the always-fixed slots `A` (the 61 identity slots in
/// S2 mode) and `total = XOR` of all other slots. A token's other fixed slots `F` are XORed
/// directly, or as `total XOR (XOR of the slots outside F)` when that is shorter, so a query
/// touches at most half of the non-aggregated slots whatever the number of wildcards. Slots are
/// stored column by column, so a query streams only the columns it needs; records are processed
/// in blocks (column XOR passes, then one AES check per record, eight keys at a time).
pub struct ShveIndex {
	schema: u32,
	len: usize,
	agg_mask: u128,
	/// Permuted positions stored (all except the aggregated ones), ascending.
	rest_pos: Vec<u8>,
	agg: Vec<u128>,
	total: Vec<u128>,
	cols: Vec<Vec<u128>>,
}

/// Records per block of a query.
const BLOCK: usize = 2048;

impl ShveIndex {
	/// Empty index for ciphertexts of `schema` with `len` slots; `agg_mask` = the always-fixed
	/// slots (`PatientKey::always_fixed_mask`, 0 for none).
	pub fn new(schema: u32, len: usize, agg_mask: u128) -> Result<Self> {
		if len > 128 || (len < 128 && agg_mask >> len != 0) {
			return Err(Error::SchemaMismatch);
		}
		let rest_pos: Vec<u8> = (0..len as u8).filter(|p| agg_mask >> p & 1 == 0).collect();
		let cols = vec![Vec::new(); rest_pos.len()];
		Ok(Self { schema, len, agg_mask, rest_pos, agg: Vec::new(), total: Vec::new(), cols })
	}

	/// Number of records.
	pub fn len(&self) -> usize {
		self.agg.len()
	}
	/// Whether the index is empty.
	pub fn is_empty(&self) -> bool {
		self.agg.is_empty()
	}
	/// Reserves room for `n` more records.
	pub fn reserve(&mut self, n: usize) {
		self.agg.reserve(n);
		self.total.reserve(n);
		for c in self.cols.iter_mut() {
			c.reserve(n);
		}
	}

	/// Adds a record.
	pub fn push(&mut self, ct: &ShveCiphertext) -> Result<()> {
		if ct.schema != self.schema || ct.slots.len() != self.len {
			return Err(Error::SchemaMismatch);
		}
		let mut a = 0u128;
		let mut m = self.agg_mask;
		while m != 0 {
			a ^= u128::from_le_bytes(ct.slots[m.trailing_zeros() as usize]);
			m &= m - 1;
		}
		self.agg.push(a);
		let mut t = 0u128;
		for (c, p) in self.cols.iter_mut().zip(&self.rest_pos) {
			let v = u128::from_le_bytes(ct.slots[*p as usize]);
			t ^= v;
			c.push(v);
		}
		self.total.push(t);
		Ok(())
	}

	/// Columns to XOR and whether to start from `total` (complement form).
	fn plan(&self, token: &ShveTokenBody) -> Result<(Vec<usize>, bool)> {
		if token.schema != self.schema || (self.len < 128 && token.fixed >> self.len != 0) {
			return Err(Error::SchemaMismatch);
		}
		if token.fixed & self.agg_mask != self.agg_mask {
			return Err(Error::TokenNotCompatibleWithIndex);
		}
		let (fixed, open): (Vec<usize>, Vec<usize>) =
			(0..self.rest_pos.len()).partition(|j| token.fixed >> self.rest_pos[*j] & 1 == 1);
		Ok(if open.len() < fixed.len() { (open, true) } else { (fixed, false) })
	}

	/// Matches of records `start..end` (appended to `out`).
	fn scan(
		&self,
		start: usize,
		end: usize,
		plan: &(Vec<usize>, bool),
		token: &ShveTokenBody,
		out: &mut Vec<usize>,
	) {
		let d0 = u128::from_le_bytes(token.d0);
		let mut acc = [0u128; BLOCK];
		let mut enc = [0u128; BLOCK];
		let mut s = start;
		while s < end {
			let e = (s + BLOCK).min(end);
			let acc = &mut acc[..e - s];
			for (a, g) in acc.iter_mut().zip(&self.agg[s..e]) {
				*a = d0 ^ g;
			}
			if plan.1 {
				for (a, t) in acc.iter_mut().zip(&self.total[s..e]) {
					*a ^= t;
				}
			}
			for c in &plan.0 {
				for (a, v) in acc.iter_mut().zip(&self.cols[*c][s..e]) {
					*a ^= v;
				}
			}
			let enc = &mut enc[..e - s];
			aes_zero_many(acc, enc);
			for (i, c) in enc.iter().enumerate() {
				if bool::from(c.to_le_bytes()[..].ct_eq(&token.d1[..])) {
					out.push(s + i);
				}
			}
			s = e;
		}
	}

	/// Indices of the matching records (one thread).
	pub fn query(&self, token: &ShveTokenBody) -> Result<Vec<usize>> {
		let plan = self.plan(token)?;
		let mut out = Vec::new();
		self.scan(0, self.len(), &plan, token, &mut out);
		Ok(out)
	}

	/// Indices of the matching records, on the rayon pool.
	pub fn par_query(&self, token: &ShveTokenBody) -> Result<Vec<usize>> {
		let plan = self.plan(token)?;
		let chunk = 16 * BLOCK;
		let parts: Vec<Vec<usize>> = (0..self.len().div_ceil(chunk))
			.into_par_iter()
			.map(|c| {
				let mut out = Vec::new();
				self.scan(c * chunk, ((c + 1) * chunk).min(self.len()), &plan, token, &mut out);
				out
			})
			.collect();
		Ok(parts.concat())
	}
}

/// Baseline without pre-aggregation: [`matches`] on every full ciphertext.
pub fn query_naive(token: &ShveTokenBody, cts: &[ShveCiphertext]) -> Result<Vec<usize>> {
	let mut out = Vec::new();
	for (i, ct) in cts.iter().enumerate() {
		if matches(token, ct)? {
			out.push(i);
		}
	}
	Ok(out)
}
