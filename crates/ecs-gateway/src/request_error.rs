//! The errors the gateway answers itself, instead of relaying an upstream's answer: each one is a
//! status and a Keystone-shaped body (`{"error": {code, title, message}}`), naming the upstream
//! when one was chosen, so the app decodes it like any other API error.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::proxy::UpstreamName;

#[derive(Debug, thiserror::Error)]
pub(crate) enum RequestError {
    /// `/proxy` or `/proxy/`, without an upstream name.
    #[error("name an upstream: /proxy/NAME/...")]
    NoUpstreamNamed,
    #[error("no upstream is configured as {0:?}")]
    UnknownUpstream(String),
    /// A request refused before any upstream was chosen (its target, its Host headers, its path).
    #[error("{0}")]
    BadRequest(&'static str),
    /// A request for `upstream` that cannot be sent on as it is.
    #[error("{reason}")]
    BadProxiedRequest {
        upstream: Arc<str>,
        reason: &'static str,
    },
    #[error("the proxy forwards GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS only")]
    MethodNotAllowed { upstream: Arc<str> },
    #[error("the request body is over the gateway's limit of {limit} bytes")]
    BodyTooLarge { upstream: Arc<str>, limit: usize },
    #[error("request headers total {total} bytes, over the limit of {limit}")]
    HeadersTooLarge { total: usize, limit: usize },
    #[error("upstream {upstream:?} did not answer within {}", duration_text(*.after))]
    UpstreamTimeout { upstream: Arc<str>, after: Duration },
    #[error("cannot connect to upstream {upstream:?}")]
    UpstreamUnreachable { upstream: Arc<str> },
    #[error("upstream {upstream:?} failed before answering")]
    UpstreamFailed { upstream: Arc<str> },
    #[error("upstream {upstream:?} broke off its response")]
    UpstreamBrokeOff { upstream: Arc<str> },
    /// A path that is neither a file of the app nor one of its routes.
    #[error("no such file")]
    NoSuchFile,
    /// The request body arrived slower than the configured minimum rate.
    #[error("the request body arrived slower than {bytes_per_sec} bytes a second")]
    BodyTooSlow { bytes_per_sec: u64 },
    /// A bug in the gateway (a panic) while answering; the panic's message stays out of the
    /// answer, since it can quote the request (tokens, passwords).
    #[error("the gateway failed while answering this request")]
    Internal,
}

impl RequestError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NoUpstreamNamed | Self::UnknownUpstream(_) | Self::NoSuchFile => {
                StatusCode::NOT_FOUND
            }
            Self::BadRequest(_) | Self::BadProxiedRequest { .. } => StatusCode::BAD_REQUEST,
            Self::BodyTooSlow { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::UpstreamTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            Self::UpstreamUnreachable { .. }
            | Self::UpstreamFailed { .. }
            | Self::UpstreamBrokeOff { .. } => StatusCode::BAD_GATEWAY,
        }
    }

    /// The upstream the request was for, once one was chosen.
    fn upstream(&self) -> Option<&Arc<str>> {
        match self {
            Self::BadProxiedRequest { upstream, .. }
            | Self::MethodNotAllowed { upstream }
            | Self::BodyTooLarge { upstream, .. }
            | Self::UpstreamTimeout { upstream, .. }
            | Self::UpstreamUnreachable { upstream }
            | Self::UpstreamFailed { upstream }
            | Self::UpstreamBrokeOff { upstream } => Some(upstream),
            Self::NoUpstreamNamed
            | Self::UnknownUpstream(_)
            | Self::BadRequest(_)
            | Self::HeadersTooLarge { .. }
            | Self::NoSuchFile
            | Self::BodyTooSlow { .. }
            | Self::Internal => None,
        }
    }
}

impl IntoResponse for RequestError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = json!({
            "error": {
                "code": status.as_u16(),
                "title": status.canonical_reason().unwrap_or("Error"),
                "message": self.to_string(),
            }
        });
        let upstream = self.upstream().cloned();
        if let Some(upstream) = &upstream {
            body["error"]["upstream"] = json!(&**upstream);
        }
        let mut response = (status, Json(body)).into_response();
        if let Some(upstream) = upstream {
            // The access log names the upstream of refused requests too.
            response.extensions_mut().insert(UpstreamName(upstream));
        }
        response
    }
}

/// "60 s" for whole seconds (the configured timeouts), else milliseconds.
fn duration_text(duration: Duration) -> String {
    if duration.subsec_millis() == 0 && duration.as_secs() > 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{} ms", duration.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_read_in_seconds_when_whole() {
        assert_eq!(duration_text(Duration::from_secs(60)), "60 s");
        assert_eq!(duration_text(Duration::from_millis(300)), "300 ms");
        assert_eq!(duration_text(Duration::from_millis(1500)), "1500 ms");
    }

    #[test]
    fn errors_name_their_upstream_in_the_body_and_for_the_log() {
        let response = RequestError::UpstreamTimeout {
            upstream: Arc::from("compute"),
            after: Duration::from_secs(60),
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(
            response
                .extensions()
                .get::<UpstreamName>()
                .map(|name| &*name.0),
            Some("compute")
        );
        let response = RequestError::NoSuchFile.into_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(response.extensions().get::<UpstreamName>().is_none());
    }
}
