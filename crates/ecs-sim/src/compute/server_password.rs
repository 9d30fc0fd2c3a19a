//! `os-server-password`: the password a Windows guest posted to Nova's metadata service,
//! encrypted with the server's key pair (GET), and its removal from Nova (DELETE).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use time::OffsetDateTime;

use super::PathParam;
use super::guest::posted_password;
use crate::Simulator;
use crate::fault::Fault;

/// `{"password": BASE64}`, or `""` while nothing is posted (other guests never post one).
pub async fn show(
    State(simulator): State<Simulator>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    let mut state = simulator.state();
    state.settle(OffsetDateTime::now_utc());
    let server = state
        .servers
        .get(&id)
        .ok_or_else(|| super::servers::not_found(&id))?;
    let password = posted_password(server).map_or("", |password| password.encrypted.as_str());
    Ok(axum::Json(json!({"password": password})).into_response())
}

/// Empties what Nova shows (204); the guest keeps its password. A password not posted yet is
/// posted later all the same, as Nova's metadata service then still accepts it.
pub async fn clear(
    State(simulator): State<Simulator>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    let mut state = simulator.state();
    state.settle(OffsetDateTime::now_utc());
    let server = state
        .servers
        .get_mut(&id)
        .ok_or_else(|| super::servers::not_found(&id))?;
    let posted = server.launched_at.is_some();
    if let Some(password) = server.guest.password.as_mut().filter(|_| posted) {
        password.cleared = true;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
