//! `GET /os-availability-zone` (and the admin-only detail, refused as Nova's policy does).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::Simulator;
use crate::fault::Fault;

pub async fn index(State(simulator): State<Simulator>) -> Response {
    let state = simulator.state();
    let zones: Vec<_> = state
        .catalogue
        .zones
        .iter()
        .map(|zone| json!({"zoneName": zone.name, "zoneState": {"available": zone.available}, "hosts": null}))
        .collect();
    axum::Json(json!({"availabilityZoneInfo": zones})).into_response()
}

/// The detail view is admin-only in Nova's default policy; clients fall back to the list.
pub async fn detail() -> Fault {
    Fault::forbidden(
        "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.",
    )
}
