//! Neutron's error body: `{"NeutronError": {"type", "message", "detail"}}`, the type being the
//! name of the exception class Neutron raised.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, Clone, PartialEq)]
pub struct NeutronError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
}

impl NeutronError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
        }
    }

    /// A request Neutron's API layer refuses (webob's `HTTPBadRequest`).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "HTTPBadRequest", message)
    }

    /// neutron-lib's `BadRequest`: "Bad {resource} request: {msg}."
    pub fn bad_resource_request(resource: &str, message: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("Bad {resource} request: {message}."),
        )
    }

    pub fn unknown_resource() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "HTTPNotFound",
            "The resource could not be found.",
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "HTTPMethodNotAllowed",
            "The method is not allowed for this resource.",
        )
    }

    pub fn network_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NetworkNotFound",
            format!("Network {id} could not be found."),
        )
    }

    pub fn subnet_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "SubnetNotFound",
            format!("Subnet {id} could not be found."),
        )
    }

    pub fn port_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "PortNotFound",
            format!("Port {id} could not be found."),
        )
    }

    pub fn security_group_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "SecurityGroupNotFound",
            format!("Security group {id} does not exist"),
        )
    }

    pub fn security_group_rule_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "SecurityGroupRuleNotFound",
            format!("Security group rule {id} does not exist"),
        )
    }

    pub fn floating_ip_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "FloatingIPNotFound",
            format!("Floating IP {id} could not be found"),
        )
    }

    pub fn body(&self) -> serde_json::Value {
        json!({"NeutronError": {"type": self.kind, "message": self.message, "detail": ""}})
    }
}

impl IntoResponse for NeutronError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}
