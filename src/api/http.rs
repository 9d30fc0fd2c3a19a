//! The one place that touches `fetch` (through gloo-net).

use ecs_api::ApiError;
use gloo_net::http::{Headers, RequestBuilder};
use serde::de::DeserializeOwned;

use super::ApiRequest;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }

    fn to_gloo(self) -> gloo_net::http::Method {
        match self {
            Self::Get => gloo_net::http::Method::GET,
            Self::Post => gloo_net::http::Method::POST,
            Self::Put => gloo_net::http::Method::PUT,
            Self::Delete => gloo_net::http::Method::DELETE,
        }
    }
}

/// A response read to the end: status, the headers the app uses, and the body text.
#[derive(Clone, Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Keystone's `X-Subject-Token` (the new token), when present. Never logged.
    pub subject_token: Option<String>,
    /// The `Retry-After` header, for rate limits.
    pub retry_after: Option<String>,
    pub body: String,
}

impl RawResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Decodes the body as `T` (`what` names the document in the error) with the API's
    /// tolerant models.
    pub fn json<T: DeserializeOwned>(&self, what: &'static str) -> Result<T, ApiError> {
        ecs_api::decode::from_slice(what, self.body.as_bytes())
            .map_err(|error| super::decode_failure(self.status, &error))
    }

    /// The error this (failed) response stands for, with the API's own message.
    pub fn error(&self) -> ApiError {
        ApiError::from_response_with_retry_after(
            self.status,
            self.body.as_bytes(),
            self.retry_after.as_deref(),
        )
    }
}

/// A request that got no complete answer.
pub(super) struct Unanswered {
    /// The status line, when it arrived before the connection broke off mid-body.
    pub status: Option<u16>,
    pub error: ApiError,
}

impl From<ApiError> for Unanswered {
    fn from(error: ApiError) -> Self {
        Self {
            status: None,
            error,
        }
    }
}

/// Sends `request`; `cancel`, when given, can abort it while it is in flight.
pub(super) async fn exchange(
    request: &ApiRequest,
    headers: &[(&'static str, String)],
    cancel: Option<&web_sys::AbortSignal>,
) -> Result<RawResponse, Unanswered> {
    let request_headers = Headers::new();
    request_headers.set("Accept", "application/json");
    if request.body.is_some() {
        request_headers.set("Content-Type", "application/json");
    }
    for (name, value) in headers {
        request_headers.set(name, value);
    }
    let builder = RequestBuilder::new(&request.url)
        .method(request.method.to_gloo())
        .headers(request_headers)
        .abort_signal(cancel);
    let prepared = match &request.body {
        Some(body) => builder.body(body.clone()),
        None => builder.build(),
    }
    .map_err(|error| super::client_error(format!("the request could not be prepared: {error}")))?;
    let response = prepared.send().await.map_err(|error| {
        // What to do about it is the error kind's advice (error_notice::next_step).
        ApiError::network(format!(
            "{} {} got no answer ({error}).",
            request.method.as_str(),
            crate::api::activity::redact_url(&request.url)
        ))
    })?;
    let status = response.status();
    let subject_token = response.headers().get("x-subject-token");
    let retry_after = response.headers().get("retry-after");
    let body = response.text().await.map_err(|error| Unanswered {
        status: Some(status),
        error: ApiError::network(format!(
            "the response to {} was cut short: {error}",
            request.method.as_str()
        )),
    })?;
    Ok(RawResponse {
        status,
        subject_token,
        retry_after,
        body,
    })
}
