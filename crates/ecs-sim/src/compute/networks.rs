//! `GET /os-networks` and `/os-networks/{id}` (Nova's Neutron proxy, with CIDRs filled in).

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Ctx, PathParam};
use crate::Simulator;
use crate::catalogue::Network;
use crate::fault::Fault;

/// Nova answers the proxy APIs only up to 2.35; ECS keeps them (configurable).
pub fn proxy_api_available(simulator: &Simulator, ctx: &Ctx) -> Result<(), Fault> {
    if simulator.config().proxy_apis_at_all_versions || !ctx.since(36) {
        Ok(())
    } else {
        Err(Fault::unknown_resource())
    }
}

fn network_view(network: &Network) -> Value {
    let cidr = network.cidr;
    json!({
        "bridge": null, "bridge_interface": null,
        "broadcast": cidr.broadcast().to_string(),
        "cidr": cidr.to_string(), "cidr_v6": null,
        "created_at": null, "deleted": null, "deleted_at": null,
        "dhcp_server": cidr.gateway().to_string(), "dhcp_start": null,
        "dns1": "100.125.1.250", "dns2": "100.125.21.250",
        "enable_dhcp": null,
        "gateway": cidr.gateway().to_string(), "gateway_v6": null,
        "host": null,
        "id": network.id,
        "injected": null,
        "label": network.label,
        "mtu": null, "multi_host": null,
        "netmask": cidr.netmask().to_string(), "netmask_v6": null,
        "priority": null, "project_id": null, "rxtx_base": null, "share_address": null,
        "updated_at": null, "vlan": null,
        "vpn_private_address": null, "vpn_public_address": null, "vpn_public_port": null
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
