//! The service's errors as HTTP answers: a status and a JSON body `{"code", "message"}` whose
//! `code` is stable and machine-readable (clients branch on it; the message is for people).

use axum::{
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};
use serde::Serialize;

use crate::store::StoreError;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
	/// HTTP status.
	pub status: StatusCode,
	/// Stable code, e.g. `bad_signature`.
	pub code: &'static str,
	/// What went wrong, for people.
	pub message: String,
}

impl ApiError {
	/// An error with `status`, `code` and `message`.
	pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
		Self { status, code, message: message.into() }
	}

	/// 400: a request that cannot be parsed (`code` says which part).
	pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
		Self::new(StatusCode::BAD_REQUEST, code, message)
	}

	/// 401: a signature that does not verify.
	pub fn bad_signature(message: impl Into<String>) -> Self {
		Self::new(StatusCode::UNAUTHORIZED, "bad_signature", message)
	}

	/// 403: a well-formed, correctly signed request the chain gives no basis for.
	pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
		Self::new(StatusCode::FORBIDDEN, code, message)
	}

	/// 503: the chain could not be asked; nothing was decided.
	pub fn chain_unavailable(error: impl std::fmt::Display) -> Self {
		Self::new(StatusCode::SERVICE_UNAVAILABLE, "chain_unavailable", error.to_string())
	}
}

impl From<StoreError> for ApiError {
	fn from(error: StoreError) -> Self {
		let status = match &error {
			StoreError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
			StoreError::Mismatch | StoreError::Body(_) => StatusCode::BAD_REQUEST,
			StoreError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
			StoreError::Conflict => StatusCode::CONFLICT,
			StoreError::NotFound => StatusCode::NOT_FOUND,
			StoreError::BadRange => StatusCode::RANGE_NOT_SATISFIABLE,
			StoreError::Backend(_) | StoreError::Io(_) => StatusCode::SERVICE_UNAVAILABLE,
		};
		Self::new(status, error.code(), error.to_string())
	}
}

#[derive(Serialize)]
struct Body<'a> {
	code: &'a str,
	message: &'a str,
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		(self.status, Json(Body { code: self.code, message: &self.message })).into_response()
	}
}

impl std::fmt::Display for ApiError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "{} ({}): {}", self.code, self.status.as_u16(), self.message)
	}
}
