//! `GET /limits`: absolute quota and usage, shaped per microversion (2.36, 2.39, 2.57).

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Ctx;
use crate::Simulator;

pub async fn show(State(simulator): State<Simulator>, Extension(ctx): Extension<Ctx>) -> Response {
    let mut state = simulator.state();
    state.settle(time::OffsetDateTime::now_utc());
    let usage = state.usage();
    let quota = state.quota;
    let mut absolute = json!({
        "maxServerMeta": 128,
        "maxTotalCores": quota.cores,
        "maxTotalInstances": quota.instances,
        "maxTotalKeypairs": quota.key_pairs,
        "maxTotalRAMSize": quota.ram_mb,
        "maxServerGroups": 10,
        "maxServerGroupMembers": 10,
        "totalCoresUsed": usage.cores,
        "totalInstancesUsed": usage.instances,
        "totalRAMUsed": usage.ram_mb,
        "totalServerGroupsUsed": 0
    });
    if !ctx.since(36) {
        for (key, value) in [
            ("maxSecurityGroupRules", -1),
            ("maxSecurityGroups", -1),
            ("maxTotalFloatingIps", -1),
            ("totalSecurityGroupsUsed", 0),
            ("totalFloatingIpsUsed", 0),
        ] {
            absolute[key] = json!(value);
        }
    }
    if !ctx.since(39) {
        absolute["maxImageMeta"] = json!(128);
    }
    if !ctx.since(57) {
        absolute["maxPersonality"] = json!(5);
        absolute["maxPersonalitySize"] = json!(10240);
    }
    axum::Json(json!({"limits": {"absolute": absolute, "rate": []}})).into_response()
}
