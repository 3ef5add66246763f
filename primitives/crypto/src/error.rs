//! The crate-wide error type (no_std friendly; `Display` and `std::error::Error` under `std`).

use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// Every failure of the crate. Variants are deliberately specific so that callers (and audit logs)
/// can tell a wrong key from tampering, truncation or reordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Error {
	/// Bytes could not be decoded (bad length, bad encoding, out-of-range value).
	Malformed,
	/// A curve point is not on the curve or not in the prime-order subgroup.
	InvalidPoint,
	/// A size exceeds the crate's bounds (policy nodes, vector length, sectors, ...).
	TooLarge,
	/// Envelope: the stream does not start with the envelope magic.
	BadMagic,
	/// Envelope: unknown format version.
	UnsupportedVersion,
	/// Envelope: the header is inconsistent (segment size out of range, bad layer, ...).
	MalformedHeader,
	/// The key does not open this object (key check value mismatch / AEAD failure on a header).
	WrongKey,
	/// Envelope: the header names another record id or version than the one expected.
	WrongRecord,
	/// Envelope: the stream ended before the final segment.
	Truncated,
	/// Envelope: a segment carries another index than its position in the stream.
	SegmentOutOfOrder {
		/// Position expected.
		expected: u32,
		/// Index found in the segment frame.
		found: u32,
	},
	/// Envelope: a segment failed authentication (bit flip, splice, forged final flag).
	SegmentTampered {
		/// Index of the failing segment.
		index: u32,
	},
	/// Envelope: data follows the final segment.
	TrailingData,
	/// An I/O error from the underlying reader or writer.
	Io,
	/// AEAD decryption failed (sealed key, wrapped key).
	DecryptionFailed,
	/// A signature did not verify.
	BadSignature,
	/// SHVE: vector, token and ciphertext do not fit the schema.
	SchemaMismatch,
	/// SHVE: a claimed match / non-match does not hold.
	ClaimMismatch {
		/// Position of the wrong claim in the batch.
		index: u32,
	},
	/// SHVE: the index was built for tokens fixing positions this token leaves open.
	TokenNotCompatibleWithIndex,
	/// ABE: policy text could not be parsed.
	PolicyParse,
	/// ABE: the attribute set does not satisfy the policy.
	PolicyNotSatisfied,
	/// Shamir: not enough or inconsistent shares.
	InvalidShares,
	/// Identity: commitment does not open to the escrow.
	CommitmentMismatch,
	/// A parameter is out of range.
	InvalidParameter,
}

impl core::fmt::Display for Error {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Error::Malformed => write!(f, "malformed encoding"),
			Error::InvalidPoint => {
				write!(f, "invalid curve point (not on curve or not in subgroup)")
			},
			Error::TooLarge => write!(f, "size exceeds the allowed bound"),
			Error::BadMagic => write!(f, "not a MedChain envelope (bad magic)"),
			Error::UnsupportedVersion => write!(f, "unsupported envelope version"),
			Error::MalformedHeader => write!(f, "malformed envelope header"),
			Error::WrongKey => write!(f, "wrong key"),
			Error::WrongRecord => write!(f, "envelope belongs to another record id or version"),
			Error::Truncated => write!(f, "stream truncated before the final segment"),
			Error::SegmentOutOfOrder { expected, found } => {
				write!(f, "segment out of order: expected {expected}, found {found}")
			},
			Error::SegmentTampered { index } => {
				write!(f, "segment {index} failed authentication (tampered)")
			},
			Error::TrailingData => write!(f, "data after the final segment"),
			Error::Io => write!(f, "I/O error"),
			Error::DecryptionFailed => write!(f, "decryption failed"),
			Error::BadSignature => write!(f, "bad signature"),
			Error::SchemaMismatch => write!(f, "SHVE schema mismatch"),
			Error::ClaimMismatch { index } => write!(f, "SHVE claim {index} does not hold"),
			Error::TokenNotCompatibleWithIndex => {
				write!(f, "token leaves open positions the index pre-aggregates")
			},
			Error::PolicyParse => write!(f, "policy parse error"),
			Error::PolicyNotSatisfied => write!(f, "attributes do not satisfy the policy"),
			Error::InvalidShares => write!(f, "invalid or insufficient shares"),
			Error::CommitmentMismatch => write!(f, "commitment does not match"),
			Error::InvalidParameter => write!(f, "parameter out of range"),
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

#[cfg(feature = "std")]
impl From<Error> for std::io::Error {
	fn from(e: Error) -> Self {
		std::io::Error::new(std::io::ErrorKind::InvalidData, e)
	}
}

/// Crate result type.
pub type Result<T> = core::result::Result<T, Error>;
