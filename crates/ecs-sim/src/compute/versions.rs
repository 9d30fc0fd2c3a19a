//! `GET /compute/` (not microversioned) and `GET /compute/v2.1/`.

use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Ctx;
use crate::Simulator;
use crate::microversion::{MAX, MIN};

const V21_UPDATED: &str = "2013-07-23T11:33:21Z";

fn v21(base: &str) -> Value {
    json!({
        "id": "v2.1",
        "links": [{"href": format!("{base}/compute/v2.1/"), "rel": "self"}],
        "status": "CURRENT",
        "version": MAX.to_string(),
        "min_version": MIN.to_string(),
        "updated": V21_UPDATED
    })
}

pub async fn index(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    let base = simulator.public_base(&headers);
    let legacy = json!({
        "id": "v2.0",
        "links": [{"href": format!("{base}/compute/v2/"), "rel": "self"}],
        "status": "DEPRECATED",
        "version": "",
        "min_version": "",
        "updated": "2025-07-04T12:00:00Z"
    });
    axum::Json(json!({"versions": [legacy, v21(&base)]})).into_response()
}

pub async fn show(Extension(ctx): Extension<Ctx>) -> Response {
    let mut version = v21(&ctx.base);
    version["links"] = json!([
        {"href": format!("{}/compute/v2.1/", ctx.base), "rel": "self"},
        {"href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"}
    ]);
    version["media-types"] = json!([
        {"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}
    ]);
    axum::Json(json!({"version": version})).into_response()
}
