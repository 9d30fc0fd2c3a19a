//! The layers every request passes: each service's CORS, request counting, latency and injected
//! failures (in each service's own error body).

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rand::Rng;

use futures_util::StreamExt;

use crate::cinder::CinderError;
use crate::fault::{Fault, KeystoneError};
use crate::glance::GlanceError;
use crate::neutron::NeutronError;
use crate::{Knobs, Simulator};

/// Headers every oslo.middleware CORS filter allows besides its configured ones.
const SIMPLE_HEADERS: [&str; 8] = [
    "accept",
    "accept-language",
    "content-type",
    "cache-control",
    "content-language",
    "expires",
    "last-modified",
    "pragma",
];

/// One service's CORS defaults, as its own code sets them.
pub struct CorsDefaults {
    allow_headers: &'static [&'static str],
    expose_headers: &'static [&'static str],
}

/// Keystone's (`keystone.server.flask.application`): no microversion headers.
pub const KEYSTONE_CORS: CorsDefaults = CorsDefaults {
    allow_headers: &[
        "x-auth-token",
        "x-openstack-request-id",
        "x-subject-token",
        "x-project-id",
        "x-project-name",
        "x-project-domain-id",
        "x-project-domain-name",
        "x-domain-id",
        "x-domain-name",
        "openstack-auth-receipt",
    ],
    expose_headers: &[
        "x-auth-token",
        "x-openstack-request-id",
        "x-subject-token",
        "openstack-auth-receipt",
    ],
};

/// Nova's (`nova.middleware`): no Location and no X-Subject-Token in a preflight.
pub const NOVA_CORS: CorsDefaults = CorsDefaults {
    allow_headers: &[
        "x-auth-token",
        "x-openstack-request-id",
        "x-identity-status",
        "x-roles",
        "x-service-catalog",
        "x-user-id",
        "x-tenant-id",
        "x-openstack-nova-api-version",
        "openstack-api-version",
    ],
    expose_headers: &[
        "x-auth-token",
        "x-openstack-request-id",
        "x-subject-token",
        "x-service-token",
        "x-openstack-nova-api-version",
        "openstack-api-version",
    ],
};

/// Glance's (`glance.common.config.set_cors_middleware_defaults`).
pub const GLANCE_CORS: CorsDefaults = CorsDefaults {
    allow_headers: &[
        "content-md5",
        "x-image-meta-checksum",
        "x-storage-token",
        "accept-encoding",
        "x-auth-token",
        "x-identity-status",
        "x-roles",
        "x-service-catalog",
        "x-user-id",
        "x-tenant-id",
        "x-openstack-request-id",
    ],
    expose_headers: &[
        "x-image-meta-checksum",
        "x-auth-token",
        "x-subject-token",
        "x-service-token",
        "x-openstack-request-id",
    ],
};

/// Neutron's (`neutron.common.config.set_cors_middleware_defaults`).
pub const NEUTRON_CORS: CorsDefaults = CorsDefaults {
    allow_headers: &[
        "x-auth-token",
        "x-identity-status",
        "x-roles",
        "x-service-catalog",
        "x-user-id",
        "x-tenant-id",
        "x-openstack-request-id",
    ],
    expose_headers: &[
        "x-auth-token",
        "x-subject-token",
        "x-service-token",
        "x-openstack-request-id",
        "openstack-volume-microversion",
    ],
};

/// Cinder's (`cinder.common.config.set_external_library_defaults`): microversions both ways.
pub const CINDER_CORS: CorsDefaults = CorsDefaults {
    allow_headers: &[
        "x-auth-token",
        "x-identity-status",
        "x-roles",
        "x-service-catalog",
        "x-user-id",
        "x-tenant-id",
        "x-openstack-request-id",
        "x-trace-info",
        "x-trace-hmac",
        "openstack-api-version",
    ],
    expose_headers: &[
        "x-auth-token",
        "x-subject-token",
        "x-service-token",
        "x-openstack-request-id",
        "openstack-api-version",
    ],
};

/// Adds the service's CORS answers to `router` when origins are configured, as
/// oslo.middleware's filter gives them: a preflight whose origin, method and every requested
/// header are allowed is answered with those echoed back, any other gets no CORS headers at
/// all; an actual request from an allowed origin gets the origin and the exposed headers.
pub fn with_cors(router: Router, origins: &[String], defaults: &'static CorsDefaults) -> Router {
    if origins.is_empty() {
        return router;
    }
    let policy = Arc::new(CorsPolicy {
        origins: origins
            .iter()
            .map(|origin| origin.trim_end_matches('/').to_owned())
            .collect(),
        defaults,
    });
    router.layer(middleware::from_fn(move |request: Request, next: Next| {
        let policy = Arc::clone(&policy);
        async move { policy.answer(request, next).await }
    }))
}

struct CorsPolicy {
    origins: Vec<String>,
    defaults: &'static CorsDefaults,
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

const ALLOW_METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "PATCH"];

impl CorsPolicy {
    /// The `Access-Control-Allow-Origin` value for `origin`, when it is allowed.
    fn allowed_origin(&self, origin: &str) -> Option<HeaderValue> {
        if self.origins.iter().any(|allowed| allowed == "*") {
            Some(HeaderValue::from_static("*"))
        } else if self.origins.iter().any(|allowed| allowed == origin) {
            HeaderValue::from_str(origin).ok()
        } else {
            None
        }
    }

    fn header_allowed(&self, name: &str) -> bool {
        let name = name.trim().to_ascii_lowercase();
        self.defaults.allow_headers.contains(&name.as_str())
            || SIMPLE_HEADERS.contains(&name.as_str())
    }

    async fn answer(&self, request: Request, next: Next) -> Response {
        let origin = header_text(request.headers(), header::ORIGIN);
        let Some(allow_origin) = origin
            .as_deref()
            .and_then(|origin| self.allowed_origin(origin))
        else {
            return next.run(request).await;
        };
        let credentials = allow_origin != "*";
        if request.method() == Method::OPTIONS
            && let Some(method) =
                header_text(request.headers(), header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            let requested_headers =
                header_text(request.headers(), header::ACCESS_CONTROL_REQUEST_HEADERS)
                    .unwrap_or_default();
            let headers_allowed = requested_headers
                .split(',')
                .filter(|name| !name.trim().is_empty())
                .all(|name| self.header_allowed(name));
            let mut response = StatusCode::OK.into_response();
            if !ALLOW_METHODS.contains(&method.as_str()) || !headers_allowed {
                return response;
            }
            let headers = response.headers_mut();
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
            if let Ok(value) = HeaderValue::from_str(&method) {
                headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, value);
            }
            if let Ok(value) = HeaderValue::from_str(&requested_headers)
                && !requested_headers.is_empty()
            {
                headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
            }
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("3600"),
            );
            if credentials {
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
            return response;
        }
        let mut response = next.run(request).await;
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        if let Ok(value) = HeaderValue::from_str(&self.defaults.expose_headers.join(",")) {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, value);
        }
        if credentials {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
        response
    }
}

/// Request counting, latency and injected failures around every route (CORS is each
/// service's own, inside: see [`with_cors`]).
pub fn wrap(router: Router, simulator: Simulator) -> Router {
    router.layer(middleware::from_fn_with_state(simulator, inject))
}

/// What the error injection decided for one request.
enum Injected {
    Nothing,
    Fail(StatusCode),
    Malformed,
    Drop,
    /// Answered, but the connection closes halfway through the body.
    CutOff,
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
    // A preflight is the browser's question, not a call of the API.
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let nth = simulator.count_request(path);
    let knobs = simulator.knobs();
    if knobs.latency_ms > 0 {
        tokio::time::sleep(knobs.latency()).await;
    }
    let is_api = ["/compute", "/identity", "/image", "/network"]
        .iter()
        .any(|service| path.starts_with(service));
    let decision = if !is_api {
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
    let decision = match decision {
        Injected::Nothing if request.method() == Method::GET && is_read_api(path) => {
            let read = read_fault(&knobs, simulator.fault_seed(), path, nth);
            if !matches!(read, Injected::Nothing) {
                simulator.record_read_fault();
            }
            read
        }
        decision => decision,
    };
    match decision {
        Injected::Nothing => next.run(request).await,
        Injected::Fail(status) => injected_failure(path, status),
        Injected::Drop => dropped_connection(),
        Injected::Malformed => truncate_body(next.run(request).await).await,
        Injected::CutOff => cut_off_mid_body(next.run(request).await).await,
    }
}

/// The services whose reads the read fault knobs fail.
fn is_read_api(path: &str) -> bool {
    ["/compute", "/identity", "/image", "/network", "/volume"]
        .iter()
        .any(|service| path.starts_with(service))
}

/// The read fault knobs' decision for the `nth` request to `path`: a function of the seed,
/// the path and `nth` only, so that with a seed the same reads fail on every run, however
/// concurrent requests interleave.
fn read_fault(knobs: &Knobs, seed: u64, path: &str, nth: usize) -> Injected {
    let draw = |purpose: u8| fault_draw(seed, path, nth, purpose);
    if knobs.read_error_rate > 0.0 && draw(0) < knobs.read_error_rate {
        Injected::Fail(if draw(1) < 0.5 {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        })
    } else if knobs.read_drop_rate > 0.0 && draw(2) < knobs.read_drop_rate {
        Injected::CutOff
    } else {
        Injected::Nothing
    }
}

/// A number in 0..1 from `seed`, `path`, `nth` and `purpose`: FNV-1a over them, finished with
/// SplitMix64's mixer (stable across Rust and crate versions, unlike std's hasher).
fn fault_draw(seed: u64, path: &str, nth: usize, purpose: u8) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = seed
        .to_le_bytes()
        .into_iter()
        .chain(path.bytes())
        .chain((nth as u64).to_le_bytes())
        .chain([purpose]);
    for byte in bytes {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    // The top 53 bits, as a fraction.
    (hash >> 11) as f64 / (1_u64 << 53) as f64
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
    if path.starts_with("/network") {
        let (kind, message) = if status == StatusCode::SERVICE_UNAVAILABLE {
            (
                "HTTPServiceUnavailable",
                "The service is temporarily unavailable (injected by ecs-sim).",
            )
        } else {
            (
                "HTTPInternalServerError",
                "Request Failed: internal server error while processing your request.",
            )
        };
        return NeutronError::new(status, kind, message).into_response();
    }
    if path.starts_with("/volume") {
        let message = if status == StatusCode::SERVICE_UNAVAILABLE {
            "The service is temporarily unavailable (injected by ecs-sim)."
        } else {
            "The server has either erred or is incapable of performing the requested operation."
        };
        return CinderError::new(status, message).into_response();
    }
    if path.starts_with("/image") {
        let message = if status == StatusCode::SERVICE_UNAVAILABLE {
            "The service is temporarily unavailable (injected by ecs-sim)."
        } else {
            "The server has either erred or is incapable of performing the requested operation."
        };
        return GlanceError::new(status, message).into_response();
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

/// The status, the headers and the first half of the body go out; then, once that half is on
/// its way, the connection closes (the declared `Content-Length` is never reached).
async fn cut_off_mid_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    let first_half = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(half) });
    let then_close = futures_util::stream::once(async {
        // Long enough for hyper to send the first half before the connection goes.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection dropped mid-response by ecs-sim",
        ))
    });
    Response::from_parts(parts, Body::from_stream(first_half.chain(then_close)))
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
