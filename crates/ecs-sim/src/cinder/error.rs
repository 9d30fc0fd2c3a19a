//! Cinder's faults: `{"<faultName>": {"code": N, "message": "..."}}` (the names Nova uses too),
//! and for a quota error a `retryAfter` of `"0"` with the matching `Retry-After` header.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::store::VolumeQuotaError;
use crate::fault::Fault;

#[derive(Debug, Clone, PartialEq)]
pub struct CinderError {
    pub status: StatusCode,
    pub message: String,
    /// Quota errors carry `Retry-After: 0` (Cinder's `QuotaError.headers`).
    retry_after: bool,
}

impl CinderError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after: false,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn unknown_resource() -> Self {
        Self::not_found("The resource could not be found.")
    }

    pub fn volume_not_found(id: &str) -> Self {
        Self::not_found(format!("Volume {id} could not be found."))
    }

    /// A request body value refused by Cinder's JSON schema validator (same wording as Nova's).
    pub fn invalid_field(path: &str, value: &serde_json::Value, reason: &str) -> Self {
        let fault = Fault::invalid_field(path, value, reason);
        Self::bad_request(fault.message)
    }

    /// `Invalid input received: ...` (Cinder's `InvalidInput`).
    pub fn invalid_input(reason: impl std::fmt::Display) -> Self {
        Self::bad_request(format!("Invalid input received: {reason}"))
    }
}

impl From<VolumeQuotaError> for CinderError {
    fn from(error: VolumeQuotaError) -> Self {
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: error.message(),
            retry_after: true,
        }
    }
}

impl IntoResponse for CinderError {
    fn into_response(self) -> Response {
        let fault = Fault::new(self.status, self.message);
        let mut body = fault.body();
        if self.retry_after
            && let Some(inner) = body.get_mut(fault.fault_name())
        {
            inner["retryAfter"] = json!("0");
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("0"));
        }
        response
    }
}
