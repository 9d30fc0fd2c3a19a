//! The gateway's one request handler, in the order every request meets it: the framing verdict
//! and the guard's checks, the body's minimum rate, a catch for panics, the route, the security
//! headers, then the access log line.
//!
//! Written out as one function rather than a router with tower layers: with three routes, the
//! layers' boxing, cloning and per-layer futures cost a proxy more per request than the routing
//! itself (see README, "The gateway beside nginx").

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use hyper::body::Incoming;
use tower::ServiceExt;

use crate::app_config::AppConfig;
use crate::body_rate::{self, MinBodyRate};
use crate::guard::{self, Limits};
use crate::proxy::{self, ProxyState};
use crate::request_error::RequestError;
use crate::static_files::StaticService;

const REFERRER_POLICY: HeaderName = HeaderName::from_static("referrer-policy");

/// What answers requests; shared by every connection.
pub(crate) struct Gateway {
    pub(crate) proxy: ProxyState,
    pub(crate) app_config: AppConfig,
    pub(crate) static_files: StaticService,
    pub(crate) content_security_policy: HeaderValue,
    pub(crate) limits: Limits,
    pub(crate) min_body_rate: MinBodyRate,
}

impl Gateway {
    /// Answers one request. `framing` is the framing watcher's refusal of this request, if any.
    pub(crate) async fn handle(
        self: Arc<Self>,
        request: Request<Incoming>,
        framing: Option<&'static str>,
    ) -> Response {
        let started = Instant::now();
        let method = request.method().clone();
        // A `Uri` clone shares the request's bytes: no copy of the path per request.
        let uri = request.uri().clone();
        let mut response = if let Some(reason) = framing {
            // hyper took the request one way; a server behind another proxy could take it another.
            let mut response = RequestError::BadRequest(reason).into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        } else {
            let request = request.map(Body::new);
            match guard::check(&request, self.limits) {
                Ok(()) => {
                    body_rate::enforce(self.min_body_rate, request, |request| {
                        self.route_catching_panics(request)
                    })
                    .await
                }
                Err(error) => error.into_response(),
            }
        };
        self.add_security_headers(&mut response);
        guard::log(&method, &uri, &response, started);
        response
    }

    /// A panic while answering one request answers 500; every other request goes on.
    async fn route_catching_panics(&self, request: Request<Body>) -> Response {
        AssertUnwindSafe(self.route(request))
            .catch_unwind()
            .await
            .unwrap_or_else(|_panic| {
                // The panic's message is neither answered nor logged (it can quote the request:
                // tokens, passwords); the binary's panic hook logs where it happened.
                RequestError::Internal.into_response()
            })
    }

    async fn route(&self, request: Request<Body>) -> Response {
        let path = request.uri().path();
        if path == "/config.json" {
            return if matches!(*request.method(), Method::GET | Method::HEAD) {
                self.app_config.response()
            } else {
                method_not_allowed()
            };
        }
        if path == "/proxy" || path == "/proxy/" {
            return RequestError::NoUpstreamNamed.into_response();
        }
        if path.starts_with("/proxy/") {
            return proxy::forward(&self.proxy, request)
                .await
                .unwrap_or_else(IntoResponse::into_response);
        }
        #[cfg(feature = "test-panic")]
        if path == "/test-panic" {
            test_panic(&request);
        }
        match self.static_files.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }

    fn add_security_headers(&self, response: &mut Response) {
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            self.content_security_policy.clone(),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
}

/// A method other than GET or HEAD on `/config.json`.
fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, HeaderValue::from_static("GET,HEAD"))],
    )
        .into_response()
}

/// Test builds only: panics with a message quoting the request's X-Auth-Token header.
#[cfg(feature = "test-panic")]
fn test_panic(request: &Request<Body>) {
    let token = request
        .headers()
        .get("x-auth-token")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    panic!("a bug that quotes the request's token {token}");
}
