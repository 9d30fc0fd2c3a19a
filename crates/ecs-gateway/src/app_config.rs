//! `GET /config.json`: what the app pre-fills (mode, identity endpoint, direct endpoints, demo account).

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use ecs_sim::DEMO;

use crate::GatewayConfig;

#[derive(Debug, Serialize)]
pub(crate) struct AppConfig {
    mode: &'static str,
    identity_endpoint: &'static str,
    direct_endpoints: Vec<String>,
    demo: Option<DemoAccount>,
}

/// [`DEMO`], as the app reads it.
#[derive(Debug, Serialize)]
struct DemoAccount {
    user: &'static str,
    password: &'static str,
    domain: &'static str,
    project: &'static str,
}

impl AppConfig {
    pub(crate) fn new(config: &GatewayConfig, simulated: bool) -> Self {
        Self {
            mode: if simulated { "simulate" } else { "proxy" },
            // The identity upstream is stored unversioned (see `Upstream::new`).
            identity_endpoint: "/proxy/identity/v3",
            direct_endpoints: config
                .direct_endpoints
                .iter()
                .map(ToString::to_string)
                .collect(),
            demo: simulated.then_some(DemoAccount {
                user: DEMO.user,
                password: DEMO.password,
                domain: DEMO.domain,
                project: DEMO.project,
            }),
        }
    }

    pub(crate) fn response(&self) -> Response {
        let mut response = Json(self).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}
