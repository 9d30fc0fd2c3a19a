//! Error bodies shaped as Nova faults and Keystone errors (facts/faults.json).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A Nova fault: `{"<faultName>": {"code": N, "message": "..."}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub status: StatusCode,
    pub message: String,
}

impl Fault {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// webob's generic 404 for an unknown URL or a method outside its microversion range.
    pub fn unknown_resource() -> Self {
        Self::not_found("The resource could not be found.")
    }

    /// A field failed Nova's request schema.
    pub fn invalid_field(path: &str, value: &serde_json::Value, reason: &str) -> Self {
        Self::bad_request(format!(
            "Invalid input for field/attribute {path}. Value: {}. {reason}",
            python_repr(value)
        ))
    }

    /// An object carried a key Nova's schema does not allow.
    pub fn unexpected_property(path: &str, value: &serde_json::Value, key: &str) -> Self {
        Self::invalid_field(
            path,
            value,
            &format!("Additional properties are not allowed ('{key}' was unexpected)"),
        )
    }

    /// A query parameter failed Nova's query schema.
    pub fn invalid_query(name: &str, value: &str, reason: &str) -> Self {
        Self::bad_request(format!(
            "Invalid input for query parameters {name}. Value: {value}. {reason}"
        ))
    }

    pub fn malformed_body() -> Self {
        Self::bad_request("Malformed request body")
    }

    pub fn fault_name(&self) -> &'static str {
        match self.status.as_u16() {
            400 => "badRequest",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "itemNotFound",
            405 => "badMethod",
            409 => "conflictingRequest",
            413 | 429 => "overLimit",
            415 => "badMediaType",
            501 => "notImplemented",
            503 => "serviceUnavailable",
            _ => "computeFault",
        }
    }

    pub fn body(&self) -> serde_json::Value {
        json!({ self.fault_name(): { "code": self.status.as_u16(), "message": self.message } })
    }
}

impl IntoResponse for Fault {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=UTF-8"),
        );
        response
    }
}

/// Renders a JSON value the way Python's repr shows the decoded value, as Nova's messages do.
fn python_repr(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(key, item)| format!("'{key}': {}", python_repr(item)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Keystone's error body: `{"error": {"code", "title", "message"}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct KeystoneError {
    pub status: StatusCode,
    pub message: String,
}

impl KeystoneError {
    pub fn unauthorized() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            message: "The request you have made requires authentication.".to_owned(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    pub fn method_not_allowed() -> Self {
        Self {
            status: StatusCode::METHOD_NOT_ALLOWED,
            message: "The method is not allowed for the requested URL.".to_owned(),
        }
    }

    pub fn body(&self) -> serde_json::Value {
        json!({
            "error": {
                "code": self.status.as_u16(),
                "title": self.status.canonical_reason().unwrap_or("Error"),
                "message": self.message,
            }
        })
    }
}

impl IntoResponse for KeystoneError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Keystone uri=\"/identity\""),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_follow_nova() {
        assert_eq!(Fault::bad_request("x").fault_name(), "badRequest");
        assert_eq!(
            Fault::new(StatusCode::NOT_ACCEPTABLE, "x").fault_name(),
            "computeFault"
        );
        assert_eq!(
            Fault::new(StatusCode::SERVICE_UNAVAILABLE, "x").fault_name(),
            "serviceUnavailable"
        );
    }

    #[test]
    fn values_are_shown_as_python_would() {
        let value = json!({"name": ["it's", 1, true, null]});
        assert_eq!(python_repr(&value), "{'name': ['it\\'s', 1, True, None]}");
    }
}
