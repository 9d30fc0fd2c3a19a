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
use crate::state::State as SimState;
use query::Query;

pub fn router(simulator: Simulator) -> Router {
    let api = Router::new()
        .route("/v2.0/", get(resources))
        .route("/v2.0/networks", get(list::<Networks>))
        .route("/v2.0/networks/{id}", get(show::<Networks>))
        .route("/v2.0/subnets", get(list::<Subnets>))
        .route("/v2.0/subnets/{id}", get(show::<Subnets>))
        .route("/v2.0/ports", get(list::<Ports>))
        .route("/v2.0/ports/{id}", get(show::<Ports>))
        .route("/v2.0/security-groups", get(list::<SecurityGroups>))
        .route("/v2.0/security-groups/{id}", get(show::<SecurityGroups>))
        .route(
            "/v2.0/security-group-rules",
            get(list::<SecurityGroupRules>),
        )
        .route(
            "/v2.0/security-group-rules/{id}",
            get(show::<SecurityGroupRules>),
        )
        .route(
            "/v2.0/floatingips",
            get(list::<FloatingIpList>).post(floating_ip_requests::create),
        )
        .route(
            "/v2.0/floatingips/{id}",
            get(show::<FloatingIpList>)
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

/// A list body of `items` under `key`, with links into `{collection}`.
fn list_body(
    simulator: &Simulator,
    headers: &HeaderMap,
    uri: &Uri,
    key: &str,
    collection: &str,
    items: Vec<Value>,
) -> Result<Response, NeutronError> {
    let url = collection_url(simulator, headers, collection);
    let body = Query::of(uri).list_body(key, &url, items)?;
    Ok(axum::Json(body).into_response())
}

/// One Neutron resource kind served by the generic `list` and `show` handlers: its JSON keys,
/// its URL collection, every item in view form and its not-found error.
trait Resource {
    /// The key of one item in a show body, such as `network`.
    const ITEM_KEY: &'static str;
    /// The key of the list body, such as `networks`.
    const LIST_KEY: &'static str;
    /// The path under `/network/v2.0/`, such as `networks`.
    const COLLECTION: &'static str;
    /// Every item, in list order.
    fn views(state: &mut SimState, now: OffsetDateTime) -> Vec<Value>;
    fn not_found(id: &str) -> NeutronError;
}

struct Networks;
impl Resource for Networks {
    const ITEM_KEY: &'static str = "network";
    const LIST_KEY: &'static str = "networks";
    const COLLECTION: &'static str = "networks";
    fn views(state: &mut SimState, _now: OffsetDateTime) -> Vec<Value> {
        views::networks(state)
            .iter()
            .map(views::network_view)
            .collect()
    }
    fn not_found(id: &str) -> NeutronError {
        NeutronError::network_not_found(id)
    }
}

struct Subnets;
impl Resource for Subnets {
    const ITEM_KEY: &'static str = "subnet";
    const LIST_KEY: &'static str = "subnets";
    const COLLECTION: &'static str = "subnets";
    fn views(state: &mut SimState, _now: OffsetDateTime) -> Vec<Value> {
        views::networks(state)
            .iter()
            .map(views::subnet_view)
            .collect()
    }
    fn not_found(id: &str) -> NeutronError {
        NeutronError::subnet_not_found(id)
    }
}

struct Ports;
impl Resource for Ports {
    const ITEM_KEY: &'static str = "port";
    const LIST_KEY: &'static str = "ports";
    const COLLECTION: &'static str = "ports";
    fn views(state: &mut SimState, now: OffsetDateTime) -> Vec<Value> {
        state.settle(now);
        views::ports(state, now)
    }
    fn not_found(id: &str) -> NeutronError {
        NeutronError::port_not_found(id)
    }
}

struct SecurityGroups;
impl Resource for SecurityGroups {
    const ITEM_KEY: &'static str = "security_group";
    const LIST_KEY: &'static str = "security_groups";
    const COLLECTION: &'static str = "security-groups";
    fn views(state: &mut SimState, _now: OffsetDateTime) -> Vec<Value> {
        let project_id = &state.account.project_id;
        state
            .catalogue
            .security_groups
            .iter()
            .map(|group| views::security_group_view(group, project_id))
            .collect()
    }
    fn not_found(id: &str) -> NeutronError {
        NeutronError::security_group_not_found(id)
    }
}

struct SecurityGroupRules;
impl Resource for SecurityGroupRules {
    const ITEM_KEY: &'static str = "security_group_rule";
    const LIST_KEY: &'static str = "security_group_rules";
    const COLLECTION: &'static str = "security-group-rules";
    fn views(state: &mut SimState, _now: OffsetDateTime) -> Vec<Value> {
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
    }
    fn not_found(id: &str) -> NeutronError {
        NeutronError::security_group_rule_not_found(id)
    }
}

struct FloatingIpList;
impl Resource for FloatingIpList {
    const ITEM_KEY: &'static str = "floatingip";
    const LIST_KEY: &'static str = "floatingips";
    const COLLECTION: &'static str = "floatingips";
    fn views(state: &mut SimState, now: OffsetDateTime) -> Vec<Value> {
        state.settle(now);
        let state = &*state;
        state
            .floating_ips
            .all()
            .iter()
            .map(|ip| views::floating_ip_view(ip, state, now))
            .collect()
    }
    fn not_found(id: &str) -> NeutronError {
        NeutronError::floating_ip_not_found(id)
    }
}

/// `GET /v2.0/{collection}`.
async fn list<R: Resource>(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let items = R::views(&mut simulator.state(), OffsetDateTime::now_utc());
    list_body(
        &simulator,
        &headers,
        &uri,
        R::LIST_KEY,
        R::COLLECTION,
        items,
    )
}

/// `GET /v2.0/{collection}/{id}`: the item whose view has that `id`.
async fn show<R: Resource>(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let id = path_id(path);
    let view = R::views(&mut simulator.state(), OffsetDateTime::now_utc())
        .into_iter()
        .find(|view| view.get("id").and_then(Value::as_str) == Some(id.as_str()))
        .ok_or_else(|| R::not_found(&id))?;
    Ok(axum::Json(json!({ R::ITEM_KEY: Query::of(&uri).select_fields(view) })).into_response())
}

async fn list_pools(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, NeutronError> {
    let items = vec![views::floating_ip_pool_view(&simulator.state())];
    list_body(
        &simulator,
        &headers,
        &uri,
        "floatingip_pools",
        "floatingip_pools",
        items,
    )
}
