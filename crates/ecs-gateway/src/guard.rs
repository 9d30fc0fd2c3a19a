//! Checks every request passes before routing, and the access log.
//!
//! The log names method, path, status, latency and upstream only: never the query, headers or
//! bodies, which can carry tokens, passwords, private keys and admin passwords.

use std::time::Instant;

use axum::extract::Request;
use axum::http::{Method, Uri, Version, header};
use axum::response::Response;

use crate::proxy::UpstreamName;
use crate::request_error::RequestError;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max_header_bytes: usize,
}

/// The access log line of one answered request.
pub(crate) fn log(method: &Method, uri: &Uri, response: &Response, started: Instant) {
    let upstream = response
        .extensions()
        .get::<UpstreamName>()
        .map_or("-", |name| &*name.0);
    tracing::info!(
        %method,
        path = uri.path(),
        status = response.status().as_u16(),
        latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        upstream,
        "request"
    );
}

pub(crate) fn check(request: &Request, limits: Limits) -> Result<(), RequestError> {
    let uri = request.uri();
    // HTTP/1 clients send origin-form targets ("/path"); an absolute or authority form
    // ("http://host/..." or CONNECT's "host:port") asks a forward proxy to pick the host: we never do.
    // HTTP/2 always carries scheme and authority, so the check is for HTTP/1 only.
    if request.version() <= Version::HTTP_11
        && (uri.scheme().is_some() || uri.authority().is_some())
    {
        return Err(RequestError::BadRequest(
            "absolute request targets are not accepted; send the path only",
        ));
    }
    // A tunnel request, whatever its target: the gateway opens no tunnels.
    if request.method() == Method::CONNECT {
        return Err(RequestError::BadRequest("CONNECT is not accepted"));
    }
    // RFC 9112 3.2: more than one Host is a 400 (it is also what a header injection produces).
    if request
        .headers()
        .get_all(header::HOST)
        .iter()
        .nth(1)
        .is_some()
    {
        return Err(RequestError::BadRequest("more than one Host header"));
    }
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > limits.max_header_bytes {
        return Err(RequestError::HeadersTooLarge {
            total: header_bytes,
            limit: limits.max_header_bytes,
        });
    }
    Ok(())
}
