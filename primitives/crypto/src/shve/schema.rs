//! Vector schemas: the default per-patient department schema and the S2-compatible one.

use super::types::{MAX_SHVE_LEN, SCHEMA_DEPARTMENTS, SCHEMA_S2};
use crate::{Error, Result};

/// Number of departments in S2 (and in the default schema).
pub const DEPARTMENTS: usize = 37;
/// Number of identity bits in S2's vector.
pub const S2_ID_BITS: usize = 61;

/// A vector layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
	/// Schema id carried by ciphertexts and tokens.
	pub id: u32,
	/// Vector length `n`.
	pub len: usize,
	/// Logical positions of the department bits.
	pub departments: core::ops::Range<usize>,
	/// Logical positions every token of this schema fixes (pre-aggregated in an index).
	pub always_fixed: core::ops::Range<usize>,
	/// One key and one permutation for everybody (S2 mode) instead of per patient.
	pub global_key: bool,
}

impl Schema {
	/// Default schema: 37 department bits, then `record_type_bits` optional record-type bits.
	/// Keys and permutation are per patient; nothing is pre-aggregated.
	pub fn departments(record_type_bits: usize) -> Result<Self> {
		let len = DEPARTMENTS + record_type_bits;
		if len > MAX_SHVE_LEN as usize {
			return Err(Error::TooLarge);
		}
		Ok(Self {
			id: SCHEMA_DEPARTMENTS,
			len,
			departments: 0..DEPARTMENTS,
			always_fixed: 0..0,
			global_key: false,
		})
	}

	/// S2-compatible schema: 61 identity bits (positions 0..61) then 37 departments; one global
	/// key; every token fixes the 61 identity bits, which an index pre-aggregates.
	pub fn s2() -> Self {
		Self {
			id: SCHEMA_S2,
			len: S2_ID_BITS + DEPARTMENTS,
			departments: S2_ID_BITS..S2_ID_BITS + DEPARTMENTS,
			always_fixed: 0..S2_ID_BITS,
			global_key: true,
		}
	}

	/// Record vector: `id_bits` (S2 mode only) then a one-hot department.
	pub fn record_vector(&self, id_bits: &[bool], department: usize) -> Result<Vec<bool>> {
		if id_bits.len() != self.always_fixed.len() || department >= self.departments.len() {
			return Err(Error::SchemaMismatch);
		}
		let mut v = vec![false; self.len];
		v[self.always_fixed.clone()].copy_from_slice(id_bits);
		v[self.departments.start + department] = true;
		Ok(v)
	}

	/// Fuzzy department query: records of `id_bits` in *any* of `departments`. The wanted
	/// departments are wildcards, the others are fixed to 0 (a one-hot record matches iff its
	/// department is wanted). Record-type bits stay wildcards.
	pub fn department_query(
		&self,
		id_bits: &[bool],
		departments: &[usize],
	) -> Result<Vec<Option<bool>>> {
		if id_bits.len() != self.always_fixed.len()
			|| departments.iter().any(|d| *d >= self.departments.len())
		{
			return Err(Error::SchemaMismatch);
		}
		let mut v = vec![None; self.len];
		for (slot, bit) in v[self.always_fixed.clone()].iter_mut().zip(id_bits) {
			*slot = Some(*bit);
		}
		for d in 0..self.departments.len() {
			if !departments.contains(&d) {
				v[self.departments.start + d] = Some(false);
			}
		}
		Ok(v)
	}
}

/// Encodes an 18-character Chinese resident identity number into S2's 61 identity bits.
///
/// S2 splits the number 6-8-4 (region code, birth date `YYYYMMDD`, sequence + check
/// character). We encode each group as the binary value of its digits, most significant bit
/// first: region (6 digits < 2^20) → 20 bits, birth date (8 digits < 2^27) → 27 bits, sequence
/// (3 digits < 2^10) → 10 bits and the check character (0-9 or X = 10) → 4 bits:
/// 20 + 27 + 14 = 61. The ISO 7064 MOD 11-2 check character is verified.
pub fn s2_id_bits(id: &str) -> Result<[bool; S2_ID_BITS]> {
	let b = id.trim().as_bytes();
	if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
		return Err(Error::InvalidParameter);
	}
	let check = match b[17] {
		c @ b'0'..=b'9' => (c - b'0') as u64,
		b'x' | b'X' => 10,
		_ => return Err(Error::InvalidParameter),
	};
	const W: [u64; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	let sum: u64 = b[..17].iter().zip(W).map(|(c, w)| (c - b'0') as u64 * w).sum();
	if (12 - sum % 11) % 11 != check {
		return Err(Error::InvalidParameter);
	}
	let num = |s: &[u8]| s.iter().fold(0u64, |a, c| a * 10 + (c - b'0') as u64);
	let mut out = [false; S2_ID_BITS];
	let mut pos = 0;
	for (value, bits) in
		[(num(&b[0..6]), 20), (num(&b[6..14]), 27), (num(&b[14..17]), 10), (check, 4)]
	{
		for k in (0..bits).rev() {
			out[pos] = (value >> k) & 1 == 1;
			pos += 1;
		}
	}
	Ok(out)
}

/// Computes the check character for the first 17 digits (test and tooling helper).
pub fn s2_id_check_char(first17: &str) -> Option<char> {
	let b = first17.as_bytes();
	if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
		return None;
	}
	const W: [u64; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	let sum: u64 = b.iter().zip(W).map(|(c, w)| (c - b'0') as u64 * w).sum();
	let c = (12 - sum % 11) % 11;
	Some(if c == 10 { 'X' } else { (b'0' + c as u8) as char })
}
