//! The Neutron v2.0 subset under `/network`: the version list, networks (the project's, which
//! Nova's os-networks proxy shows with the same ids, and the external `public`), their subnets,
//! the servers' ports, security groups and their rules, and floating IPs (allocate from
//! `public`, associate with a port, disassociate, release) with their pool. Errors are
//! `NeutronError` bodies.

mod error;
mod floating_ip_requests;
mod floating_ips;
mod query;
mod views;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use time::OffsetDateTime;

pub use error::NeutronError;
pub use floating_ips::FloatingIps;
pub use views::server_security_groups;

use crate::Simulator;
use crate::service_auth;
use query::Query;
use views::NetworkRef;

pub fn router(simulator: Simulator) -> Router {
    let api = Router::new()
        .route("/v2.0/", get(resources))
        .route("/v2.0/networks", get(list_networks))
        .route("/v2.0/networks/{id}", get(show_network))
        .route("/v2.0/subnets", get(list_subnets))
        .route("/v2.0/subnets/{id}", get(show_subnet))
        .route("/v2.0/ports", get(list_ports))
        .route("/v2.0/ports/{id}", get(show_port))
        .route("/v2.0/security-groups", get(list_security_groups))
        .route("/v2.0/security-groups/{id}", get(show_security_group))
        .route("/v2.0/security-group-rules", get(list_rules))
        .route("/v2.0/security-group-rules/{id}", get(show_rule))
        .route(
            "/v2.0/floatingips",
            get(list_floating_ips).post(floating_ip_requests::create),
        )
        .route(
            "/v2.0/floatingips/{id}",
            get(show_floating_ip)
                .put(floating_ip_requests::update)
                .delete(floating_ip_requests::delete),
        )
        .route("/v2.0/floatingip_pools", get(list_pools))
        .fallback(|| async { NeutronError::unknown_resource() })
        .method_not_allowed_fallback(|| async { NeutronError::method_not_allowed() })
        .layer(middleware::from_fn_with_state(
            simulator.clone(),
            service_auth::require_token,
        ));
    Router::new()
        .route("/", get(versions))
        .merge(api)
        .with_state(simulator)
}

/// `GET /`: Neutron's one version (no token needed).
async fn versions(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    let base = simulator.public_base(&headers);
    axum::Json(json!({"versions": [{
        "id": "v2.0",
        "status": "CURRENT",
        "links": [{"rel": "self", "href": format!("{base}/network/v2.0/")}],
    }]}))
    .into_response()
}

/// `GET /v2.0/`: the core resources served here.
async fn resources(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    let base = simulator.public_base(&headers);
    let resources: Vec<Value> = [
        ("network", "networks"),
        ("subnet", "subnets"),
        ("port", "ports"),
    ]
    .into_iter()
    .map(|(name, collection)| {
        json!({
            "name": name,
            "collection": collection,
            "links": [{"rel": "self", "href": format!("{base}/network/v2.0/{collection}")}],
        })
    })
    .collect();
    axum::Json(json!({"resources": resources})).into_response()
}

/// `{base}/network/v2.0/{collection}`, where list links point.
fn collection_url(simulator: &Simulator, headers: &HeaderMap, collection: &str) -> String {
    format!(
        "{}/network/v2.0/{collection}",
        simulator.public_base(headers)
    )
}

/// The `{id}` path segment (one that is not UTF-8 names nothing: not found).
fn path_id(path: Result<Path<String>, PathRejection>) -> String {
    path.map(|Path(id)| id).unwrap_or_default()
}

fn list(
    simulator: &Simulator,
    headers: &HeaderMap,
    uri: &Uri,
    key: &str,
    path: &str,
    items: Vec<Value>,
) -> Result<Response, NeutronError> {
    let url = collection_url(simulator, headers, path);
    let body = Query::of(uri).list_body(key, &url, items)?;
    Ok(axum::Json(body).into_response())
}

fn show(uri: &Uri, key: &str, view: Value) -> Response {
    axum::Json(json!({ key: Query::of(uri).select_fields(view) })).into_response()
}

async fn list_networks(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let items = views::networks(&simulator.state())
        .iter()
        .map(views::network_view)
        .collect();
    list(&simulator, &headers, &uri, "networks", "networks", items)
}

fn find_network<'a>(networks: &'a [NetworkRef<'a>], id: &str) -> Option<&'a NetworkRef<'a>> {
    networks.iter().find(|network| network.network.id == id)
}

async fn show_network(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let id = path_id(path);
    let state = simulator.state();
    let networks = views::networks(&state);
    let network =
        find_network(&networks, &id).ok_or_else(|| NeutronError::network_not_found(&id))?;
    Ok(show(&uri, "network", views::network_view(network)))
}

async fn list_subnets(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let items = views::networks(&simulator.state())
        .iter()
        .map(views::subnet_view)
        .collect();
    list(&simulator, &headers, &uri, "subnets", "subnets", items)
}

async fn show_subnet(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let id = path_id(path);
    let state = simulator.state();
    let networks = views::networks(&state);
    let network = networks
        .iter()
        .find(|network| network.network.subnet_id == id)
        .ok_or_else(|| NeutronError::subnet_not_found(&id))?;
    Ok(show(&uri, "subnet", views::subnet_view(network)))
}

async fn list_ports(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let now = OffsetDateTime::now_utc();
    let items = {
        let mut state = simulator.state();
        state.settle(now);
        views::ports(&state, now)
    };
    list(&simulator, &headers, &uri, "ports", "ports", items)
}

async fn show_port(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let id = path_id(path);
    let now = OffsetDateTime::now_utc();
    let mut state = simulator.state();
    state.settle(now);
    let (server, port) =
        views::find_port(&state, &id, now).ok_or_else(|| NeutronError::port_not_found(&id))?;
    Ok(show(&uri, "port", views::port_view(server, port, &state)))
}

async fn list_security_groups(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let items = {
        let state = simulator.state();
        let project_id = &state.account.project_id;
        state
            .catalogue
            .security_groups
            .iter()
            .map(|group| views::security_group_view(group, project_id))
            .collect()
    };
    list(
        &simulator,
        &headers,
        &uri,
        "security_groups",
        "security-groups",
        items,
    )
}

async fn show_security_group(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let id = path_id(path);
    let state = simulator.state();
    let group = state
        .catalogue
        .security_groups
        .iter()
        .find(|group| group.id == id)
        .ok_or_else(|| NeutronError::security_group_not_found(&id))?;
    let view = views::security_group_view(group, &state.account.project_id);
    Ok(show(&uri, "security_group", view))
}

async fn list_rules(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let items = {
        let state = simulator.state();
        let project_id = &state.account.project_id;
        state
            .catalogue
            .security_groups
            .iter()
            .flat_map(|group| {
                group
                    .rules
                    .iter()
                    .map(move |rule| views::rule_view(rule, group, project_id))
            })
            .collect()
    };
    list(
        &simulator,
        &headers,
        &uri,
        "security_group_rules",
        "security-group-rules",
        items,
    )
}

async fn show_rule(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let id = path_id(path);
    let state = simulator.state();
    let view = state
        .catalogue
        .security_groups
        .iter()
        .find_map(|group| {
            group
                .rules
                .iter()
                .find(|rule| rule.id == id)
                .map(|rule| views::rule_view(rule, group, &state.account.project_id))
        })
        .ok_or_else(|| NeutronError::security_group_rule_not_found(&id))?;
    Ok(show(&uri, "security_group_rule", view))
}

async fn list_floating_ips(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let now = OffsetDateTime::now_utc();
    let items = {
        let mut state = simulator.state();
        state.settle(now);
        state
            .floating_ips
            .all()
            .iter()
            .map(|ip| views::floating_ip_view(ip, &state, now))
            .collect()
    };
    list(
        &simulator,
        &headers,
        &uri,
        "floatingips",
        "floatingips",
        items,
    )
}

async fn show_floating_ip(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let id = path_id(path);
    let now = OffsetDateTime::now_utc();
    let mut state = simulator.state();
    state.settle(now);
    let ip = state
        .floating_ips
        .get(&id)
        .ok_or_else(|| NeutronError::floating_ip_not_found(&id))?;
    Ok(show(
        &uri,
        "floatingip",
        views::floating_ip_view(ip, &state, now),
    ))
}

async fn list_pools(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let items = vec![views::floating_ip_pool_view(&simulator.state())];
    list(
        &simulator,
        &headers,
        &uri,
        "floatingip_pools",
        "floatingip_pools",
        items,
    )
}
