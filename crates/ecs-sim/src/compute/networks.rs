//! `GET /os-networks` and `/os-networks/{id}` (Nova's Neutron proxy, as a project member sees it).

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ecs_api::microversion::PROXY_API_MICROVERSION;
use serde_json::{Value, json};

use super::{Ctx, PathParam};
use crate::Simulator;
use crate::catalogue::Network;
use crate::fault::Fault;

/// Nova answers the proxy APIs only up to [`PROXY_API_MICROVERSION`]; ECS keeps them
/// (configurable).
pub fn proxy_api_available(simulator: &Simulator, ctx: &Ctx) -> Result<(), Fault> {
    if simulator.config().proxy_apis_at_all_versions || ctx.version <= PROXY_API_MICROVERSION {
        Ok(())
    } else {
        Err(Fault::unknown_resource())
    }
}

/// What Nova (with Neutron) shows a project member: the non-admin fields, and of those only
/// `id` and `label` filled in (as the guide's sample and real Nova 34 answer).
fn network_view(network: &Network) -> Value {
    json!({
        "id": network.id,
        "label": network.label,
        "broadcast": null, "cidr": null, "dns1": null, "dns2": null, "gateway": null,
        "netmask": null, "cidr_v6": null, "gateway_v6": null, "netmask_v6": null
    })
}

pub async fn index(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, Fault> {
    proxy_api_available(&simulator, &ctx)?;
    let state = simulator.state();
    let networks: Vec<Value> = state.catalogue.networks.iter().map(network_view).collect();
    Ok(axum::Json(json!({"networks": networks})).into_response())
}

pub async fn show(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    proxy_api_available(&simulator, &ctx)?;
    let state = simulator.state();
    let network = state
        .catalogue
        .network(&id)
        .ok_or_else(|| Fault::not_found("Network not found"))?;
    Ok(axum::Json(json!({"network": network_view(network)})).into_response())
}
