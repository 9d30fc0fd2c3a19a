//! The outer layers every request passes: CORS, request counting, latency and injected failures.

use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::Simulator;
use crate::fault::{Fault, KeystoneError};

/// Headers a browser page may send: Nova's defaults, and Keystone's X-Subject-Token (a token is
/// validated with `GET /v3/auth/tokens` and both token headers).
const ALLOW_HEADERS: [&str; 11] = [
    "x-auth-token",
    "x-subject-token",
    "x-openstack-request-id",
    "x-openstack-nova-api-version",
    "openstack-api-version",
    "content-type",
    "accept",
    "accept-language",
    "cache-control",
    "content-language",
    "pragma",
];

/// Headers a browser page may read: the token, microversions, request ids and Location.
const EXPOSE_HEADERS: [&str; 6] = [
    "x-subject-token",
    "openstack-api-version",
    "x-openstack-nova-api-version",
    "x-compute-request-id",
    "x-openstack-request-id",
    "location",
];

pub fn wrap(router: Router, simulator: Simulator) -> Router {
    let origins = simulator.config().cors_allowed_origins.clone();
    let router = router.layer(middleware::from_fn_with_state(simulator, inject));
    match cors_layer(&origins) {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_methods([
            Method::GET,
            Method::PUT,
            Method::POST,
            Method::DELETE,
            Method::PATCH,
        ])
        .allow_headers(ALLOW_HEADERS.map(HeaderName::from_static))
        .expose_headers(EXPOSE_HEADERS.map(HeaderName::from_static))
        .max_age(Duration::from_secs(3600));
    if origins.iter().any(|origin| origin == "*") {
        // Credentials cannot be combined with a wildcard origin.
        return Some(layer.allow_origin(AllowOrigin::any()));
    }
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok())
        .collect();
    Some(layer.allow_origin(list).allow_credentials(true))
}

/// What the error injection decided for one request.
enum Injected {
    Nothing,
    Fail(StatusCode),
    Malformed,
    Drop,
}

async fn inject(State(simulator): State<Simulator>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = decide(&simulator, request, next, &path).await;
    // Method, path and status only: tokens and bodies never reach the log.
    tracing::info!(%method, path, status = response.status().as_u16(), elapsed_ms = started.elapsed().as_millis() as u64, "request");
    response
}

async fn decide(simulator: &Simulator, request: Request, next: Next, path: &str) -> Response {
    simulator.count_request(path);
    let knobs = simulator.knobs();
    if knobs.latency_ms > 0 {
        tokio::time::sleep(knobs.latency()).await;
    }
    let is_api = path.starts_with("/compute") || path.starts_with("/identity");
    let decision = if !is_api || request.method() == Method::OPTIONS {
        Injected::Nothing
    } else if knobs
        .failing_path
        .as_deref()
        .is_some_and(|failing| !failing.is_empty() && path.contains(failing))
    {
        Injected::Fail(StatusCode::INTERNAL_SERVER_ERROR)
    } else {
        let mut rng = rand::thread_rng();
        if knobs.error_rate > 0.0 && rng.gen_bool(knobs.error_rate) {
            Injected::Fail(if rng.gen_bool(0.5) {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            })
        } else if knobs.drop_connection_rate > 0.0 && rng.gen_bool(knobs.drop_connection_rate) {
            Injected::Drop
        } else if knobs.malformed_json_rate > 0.0 && rng.gen_bool(knobs.malformed_json_rate) {
            Injected::Malformed
        } else {
            Injected::Nothing
        }
    };
    match decision {
        Injected::Nothing => next.run(request).await,
        Injected::Fail(status) => injected_failure(path, status),
        Injected::Drop => dropped_connection(),
        Injected::Malformed => truncate_body(next.run(request).await).await,
    }
}

fn injected_failure(path: &str, status: StatusCode) -> Response {
    if path.starts_with("/identity") {
        let message = "An unexpected error prevented the server from fulfilling your request.";
        return KeystoneError {
            status,
            message: message.to_owned(),
        }
        .into_response();
    }
    let message = if status == StatusCode::SERVICE_UNAVAILABLE {
        "The service is temporarily unavailable (injected by ecs-sim)."
    } else {
        "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'ecs_sim.InjectedFault'>"
    };
    Fault::new(status, message).into_response()
}

/// Headers go out, then the body fails: the client sees the connection close mid-response.
fn dropped_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection dropped by ecs-sim",
        ))
    });
    let mut response = Response::new(Body::from_stream(failing));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn truncate_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => Bytes::new(),
    };
    let cut = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut response = Response::from_parts(parts, Body::from(cut));
    if !response.headers().contains_key(header::CONTENT_TYPE) {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    response
}
