//! keystonemiddleware in front of Glance and Neutron: a request needs a valid project-scoped
//! token, else Keystone's 401; every answer carries a request id.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Simulator;
use crate::fault::KeystoneError;

pub async fn require_token(
    State(simulator): State<Simulator>,
    request: Request,
    next: Next,
) -> Response {
    let scoped = request
        .headers()
        .get("x-auth-token")
        .and_then(|value| value.to_str().ok())
        .and_then(|token| simulator.valid_token(token))
        .is_some_and(|record| record.scoped);
    let mut response = if scoped {
        next.run(request).await
    } else {
        let mut response = KeystoneError::unauthorized().into_response();
        let challenge = format!(
            "Keystone uri=\"{}/identity\"",
            simulator.public_base(request.headers())
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    };
    if let Ok(value) = HeaderValue::from_str(&format!("req-{}", uuid::Uuid::new_v4())) {
        response
            .headers_mut()
            .insert("x-openstack-request-id", value);
    }
    response
}
