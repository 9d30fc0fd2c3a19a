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

use crate::Simulator;
use crate::fault::{Fault, KeystoneError};
use crate::glance::GlanceError;
use crate::neutron::NeutronError;

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
    simulator.count_request(path);
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
