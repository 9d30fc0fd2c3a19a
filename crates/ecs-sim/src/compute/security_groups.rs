//! Nova's security group views of Neutron's groups: the `os-security-groups` proxy (list and
//! show; 404 from 2.36 as Nova does, unless the proxies are kept at every version as ECS does)
//! and `GET /servers/{id}/os-security-groups`, the groups on a server's ports.

use axum::Extension;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::networks::proxy_api_available;
use super::{Ctx, PathParam, limit_param, query_pairs, query_value};
use crate::Simulator;
use crate::catalogue::{SecurityGroup, SecurityGroupRule};
use crate::fault::Fault;
use crate::neutron::server_security_groups;

/// A Neutron rule as Nova shows it (`_convert_to_nova_security_group_rule_format`, then
/// `_format_security_group_rule`): a protocol without ports means all of them (1-65535 for
/// TCP and UDP, -1 otherwise); a rule naming a remote group shows that group, any other its
/// CIDR (0.0.0.0/0 when it has none).
fn rule_view(
    rule: &SecurityGroupRule,
    group: &SecurityGroup,
    groups: &[SecurityGroup],
    tenant_id: &str,
) -> Value {
    let (from_port, to_port) = match (rule.protocol, rule.ports) {
        (_, Some((min, max))) => (json!(min), json!(max)),
        (Some("tcp" | "udp"), None) => (json!(1), json!(65535)),
        (Some(_), None) => (json!(-1), json!(-1)),
        (None, None) => (Value::Null, Value::Null),
    };
    let (source_group, ip_range) = match &rule.remote_group_id {
        Some(remote) => {
            let name = groups
                .iter()
                .find(|candidate| candidate.id == *remote)
                .map(|source| source.name.as_str());
            (json!({"name": name, "tenant_id": tenant_id}), json!({}))
        }
        None => (
            json!({}),
            json!({"cidr": rule.remote_ip_prefix.unwrap_or("0.0.0.0/0")}),
        ),
    };
    json!({
        "id": rule.id,
        "parent_group_id": group.id,
        "ip_protocol": rule.protocol,
        "from_port": from_port,
        "to_port": to_port,
        "group": source_group,
        "ip_range": ip_range,
    })
}

/// A group with its ingress rules (Nova leaves egress rules out).
fn group_view(group: &SecurityGroup, groups: &[SecurityGroup], tenant_id: &str) -> Value {
    let rules: Vec<Value> = group
        .rules
        .iter()
        .filter(|rule| rule.direction == "ingress")
        .map(|rule| rule_view(rule, group, groups, tenant_id))
        .collect();
    json!({
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "tenant_id": tenant_id,
        "rules": rules,
    })
}

/// Nova's order: by tenant, then name.
fn sorted(mut views: Vec<Value>) -> Value {
    views.sort_by(|a, b| {
        let key = |view: &Value| {
            (
                view["tenant_id"].as_str().unwrap_or_default().to_owned(),
                view["name"].as_str().unwrap_or_default().to_owned(),
            )
        };
        key(a).cmp(&key(b))
    });
    json!({"security_groups": views})
}

/// `offset` as Nova's query schema checks it: a non-negative integer.
fn offset_param(query: &[(String, String)]) -> Result<usize, Fault> {
    match query_value(query, "offset") {
        None => Ok(0),
        Some(text) => text.parse::<usize>().map_err(|_| {
            Fault::invalid_query(
                "offset",
                text,
                &format!("'{text}' does not match '^[0-9]*$'"),
            )
        }),
    }
}

pub async fn index(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, Fault> {
    proxy_api_available(&simulator, &ctx)?;
    let query = query_pairs(&uri);
    // Nova's `limited`: offset, then at most `limit` (1000 at most, 0 meaning the most).
    let limit = limit_param(&query)?
        .filter(|limit| *limit > 0)
        .unwrap_or(1000)
        .min(1000);
    let offset = offset_param(&query)?;
    let state = simulator.state();
    let groups = &state.catalogue.security_groups;
    let views = groups
        .iter()
        .skip(offset)
        .take(limit)
        .map(|group| group_view(group, groups, &ctx.project_id))
        .collect();
    Ok(axum::Json(sorted(views)).into_response())
}

pub async fn show(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    proxy_api_available(&simulator, &ctx)?;
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(Fault::bad_request("Security group id should be uuid"));
    }
    let state = simulator.state();
    let groups = &state.catalogue.security_groups;
    let group = groups
        .iter()
        .find(|group| group.id == id)
        .ok_or_else(|| Fault::not_found(format!("Security group {id} does not exist")))?;
    let view = group_view(group, groups, &ctx.project_id);
    Ok(axum::Json(json!({"security_group": view})).into_response())
}

/// `GET /servers/{id}/os-security-groups`: the groups of each of the server's ports (a group
/// shows once per port, as Nova collects them; none before the ports are bound).
pub async fn server_index(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    let now = OffsetDateTime::now_utc();
    let mut state = simulator.state();
    state.settle(now);
    let server = state
        .servers
        .get(&id)
        .ok_or_else(|| Fault::not_found(format!("Instance {id} could not be found.")))?;
    let catalogue = &state.catalogue;
    let ports = if server.ports_bound(now) {
        server.ports.len()
    } else {
        0
    };
    let views = (0..ports)
        .flat_map(|_| server_security_groups(server, catalogue))
        .map(|group| group_view(group, &catalogue.security_groups, &ctx.project_id))
        .collect();
    Ok(axum::Json(sorted(views)).into_response())
}
