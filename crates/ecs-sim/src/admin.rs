//! `/admin/knobs`: read and change the knobs while the simulator runs (only when enabled).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::{Knobs, Simulator};

pub fn router(simulator: Simulator) -> Router {
    Router::new()
        .route("/knobs", get(show).put(update).patch(update))
        .with_state(simulator)
}

async fn show(State(simulator): State<Simulator>) -> Response {
    axum::Json(simulator.knobs()).into_response()
}

fn refused(message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": message})),
    )
        .into_response()
}

/// Merges the given fields into the current knobs (PUT and PATCH both take partial objects).
async fn update(State(simulator): State<Simulator>, body: Bytes) -> Response {
    let changes: Value = match serde_json::from_slice(&body) {
        Ok(Value::Object(changes)) => Value::Object(changes),
        Ok(_) => return refused("expected a JSON object of knobs".to_owned()),
        Err(error) => return refused(format!("malformed JSON: {error}")),
    };
    let mut merged = match serde_json::to_value(simulator.knobs()) {
        Ok(value) => value,
        Err(error) => return refused(error.to_string()),
    };
    if let (Value::Object(target), Value::Object(changes)) = (&mut merged, changes) {
        target.extend(changes);
    }
    let knobs: Knobs = match serde_json::from_value(merged) {
        Ok(knobs) => knobs,
        Err(error) => return refused(error.to_string()),
    };
    match simulator.set_knobs(knobs) {
        Ok(()) => {
            tracing::info!("knobs changed through /admin");
            axum::Json(simulator.knobs()).into_response()
        }
        Err(error) => refused(error.to_string()),
    }
}
