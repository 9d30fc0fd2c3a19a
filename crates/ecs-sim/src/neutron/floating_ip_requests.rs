//! Floating IP requests: allocate (`POST`, optionally associated at once), associate or
//! disassociate (`PUT` with `port_id`), release (`DELETE`), with the body checks of Neutron's
//! API layer and the L3 plugin's refusals.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::error::NeutronError;
use super::{floating_ips, path_id, views};
use crate::Simulator;
use crate::state::State as SimState;

/// A floating IP attribute: its name, and whether POST and PUT may set it.
struct Attribute {
    name: &'static str,
    post: bool,
    put: bool,
}

const fn attribute(name: &'static str, post: bool, put: bool) -> Attribute {
    Attribute { name, post, put }
}

/// neutron-lib's floating IP attributes (with the extensions the views show).
const FLOATING_IP_ATTRIBUTES: [Attribute; 21] = [
    attribute("id", false, false),
    attribute("floating_ip_address", true, false),
    attribute("subnet_id", true, false),
    attribute("floating_network_id", true, false),
    attribute("router_id", false, false),
    attribute("port_id", true, true),
    attribute("fixed_ip_address", true, true),
    attribute("project_id", true, false),
    attribute("tenant_id", true, false),
    attribute("status", false, false),
    attribute("description", true, true),
    attribute("dns_name", true, false),
    attribute("dns_domain", true, false),
    attribute("qos_policy_id", true, true),
    attribute("qos_network_policy_id", false, false),
    attribute("port_details", false, false),
    attribute("port_forwardings", false, false),
    attribute("tags", false, false),
    attribute("revision_number", false, false),
    attribute("created_at", false, false),
    attribute("updated_at", false, false),
];

/// The `floatingip` object of a POST or PUT body, checked as Neutron's API layer does
/// (neutron/api/v2/base.py `prepare_request_body`).
fn floating_ip_body(body: &Bytes, is_create: bool) -> Result<Map<String, Value>, NeutronError> {
    if body.is_empty() {
        return Err(NeutronError::bad_request("Resource body required"));
    }
    let root = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|value| match value {
            Value::Object(object) => Some(object),
            _ => None,
        })
        .ok_or_else(|| NeutronError::bad_request("Body contains invalid data"))?;
    let object = match root.get("floatingip") {
        None | Some(Value::Null) => {
            return Err(NeutronError::bad_request(
                "Unable to find 'floatingip' in request body",
            ));
        }
        Some(Value::Object(object)) => object.clone(),
        Some(_) => {
            return Err(NeutronError::bad_request(
                "Object 'floatingip' contains invalid data",
            ));
        }
    };
    let unknown: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|key| {
            !FLOATING_IP_ATTRIBUTES
                .iter()
                .any(|known| known.name == *key)
        })
        .collect();
    if !unknown.is_empty() {
        return Err(NeutronError::bad_request(format!(
            "Unrecognized attribute(s) '{}'",
            unknown.join(", ")
        )));
    }
    for known in &FLOATING_IP_ATTRIBUTES {
        if !object.contains_key(known.name) {
            continue;
        }
        if is_create && !known.post {
            return Err(NeutronError::bad_request(format!(
                "Attribute '{}' not allowed in POST",
                known.name
            )));
        }
        if !is_create && !known.put {
            return Err(NeutronError::bad_request(format!(
                "Cannot update read-only attribute {}",
                known.name
            )));
        }
    }
    if is_create && !object.contains_key("floating_network_id") {
        return Err(NeutronError::bad_request(
            "Failed to parse request. Required attribute 'floating_network_id' not specified",
        ));
    }
    for name in [
        "floating_network_id",
        "port_id",
        "subnet_id",
        "qos_policy_id",
    ] {
        let Some(value) = object.get(name) else {
            continue;
        };
        let valid = match value {
            Value::Null => name != "floating_network_id",
            Value::String(text) => uuid::Uuid::parse_str(text).is_ok(),
            _ => false,
        };
        if !valid {
            return Err(invalid_input(
                name,
                &format!("{} is not a valid UUID", python_repr(value)),
            ));
        }
    }
    for name in ["floating_ip_address", "fixed_ip_address"] {
        match object.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if text.parse::<std::net::IpAddr>().is_ok() => {}
            Some(other) => {
                return Err(invalid_input(
                    name,
                    &format!("{} is not a valid IP address", python_repr(other)),
                ));
            }
        }
    }
    match object.get("description") {
        None => {}
        Some(Value::String(text)) if text.chars().count() <= 255 => {}
        Some(Value::String(text)) => {
            return Err(invalid_input(
                "description",
                &format!("'{text}' exceeds maximum length of 255"),
            ));
        }
        Some(other) => {
            return Err(invalid_input(
                "description",
                &format!("{} is not a valid string", python_repr(other)),
            ));
        }
    }
    Ok(object)
}

/// neutron-lib's message for a value its validator refused.
fn invalid_input(attribute: &str, reason: &str) -> NeutronError {
    NeutronError::bad_request(format!("Invalid input for {attribute}. Reason: {reason}."))
}

/// A JSON value as Python prints the decoded one in Neutron's messages.
fn python_repr(value: &Value) -> String {
    match value {
        Value::String(text) => format!("'{text}'"),
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        other => other.to_string(),
    }
}

/// The port a floating IP should be associated with (`port_id` of the body; None to
/// disassociate), checked as Neutron's L3 plugin does.
fn port_to_associate(
    state: &SimState,
    object: &Map<String, Value>,
    floating_ip_id: Option<&str>,
    now: OffsetDateTime,
) -> Result<Option<String>, NeutronError> {
    let Some(port_id) = object.get("port_id").and_then(Value::as_str) else {
        return Ok(None);
    };
    let (_, port) = views::find_port(state, port_id, now)
        .ok_or_else(|| NeutronError::port_not_found(port_id))?;
    if let Some(fixed) = object.get("fixed_ip_address").and_then(Value::as_str)
        && fixed != port.ip.to_string()
    {
        return Err(NeutronError::bad_resource_request(
            "floatingip",
            &format!("Port {port_id} does not have fixed ip {fixed}"),
        ));
    }
    if let Some(taken) = state.floating_ips.of_port(port_id)
        && Some(taken.id.as_str()) != floating_ip_id
    {
        return Err(NeutronError::new(
            StatusCode::CONFLICT,
            "FloatingIPPortAlreadyAssociated",
            format!(
                "Cannot associate floating IP {} ({}) with port {port_id} using fixed IP {}, as that fixed IP already has a floating IP on external network {}.",
                taken.address, taken.id, port.ip, state.catalogue.public_network.id
            ),
        ));
    }
    Ok(Some(port_id.to_owned()))
}

pub async fn create(
    State(simulator): State<Simulator>,
    body: Bytes,
) -> Result<Response, NeutronError> {
    let object = floating_ip_body(&body, true)?;
    let now = OffsetDateTime::now_utc();
    let mut state = simulator.state();
    state.settle(now);
    let project_id = state.account.project_id.clone();
    for key in ["project_id", "tenant_id"] {
        if object
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|id| id != project_id)
        {
            return Err(NeutronError::bad_request(
                "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges",
            ));
        }
    }
    let network_id = object
        .get("floating_network_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let public = state.catalogue.public_network.clone();
    if network_id != public.id {
        if state.catalogue.network(network_id).is_some() {
            return Err(NeutronError::bad_resource_request(
                "floatingip",
                &format!("Network {network_id} is not a valid external network"),
            ));
        }
        return Err(NeutronError::network_not_found(network_id));
    }
    if object
        .get("floating_ip_address")
        .is_some_and(|value| !value.is_null())
    {
        // Only admins and project managers may choose the address.
        return Err(NeutronError::new(
            StatusCode::FORBIDDEN,
            "PolicyNotAuthorized",
            "(rule:create_floatingip and rule:create_floatingip:floating_ip_address) is disallowed by policy",
        ));
    }
    if let Some(subnet_id) = object.get("subnet_id").and_then(Value::as_str)
        && subnet_id != public.subnet_id
    {
        return Err(NeutronError::subnet_not_found(subnet_id));
    }
    let port_id = port_to_associate(&state, &object, None, now)?;
    if state.floating_ips.all().len() >= floating_ips::QUOTA {
        return Err(NeutronError::new(
            StatusCode::CONFLICT,
            "OverQuota",
            "Quota exceeded for resources: ['floatingip'].",
        ));
    }
    let id = crate::ids::uuid_from(&mut state.rng);
    let gateway = state.catalogue.router_gateway_ip();
    let description = object
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    state
        .floating_ips
        .allocate(id.clone(), &public.cidr, gateway, description, now)
        .map_err(|_| {
            NeutronError::new(
                StatusCode::CONFLICT,
                "IpAddressGenerationFailure",
                format!("No more IP addresses available on network {}.", public.id),
            )
        })?;
    if port_id.is_some() {
        state.floating_ips.set_port(&id, port_id, now);
    }
    let ip = state
        .floating_ips
        .get(&id)
        .ok_or_else(|| NeutronError::floating_ip_not_found(&id))?;
    let view = views::floating_ip_view(ip, &state, now);
    Ok((StatusCode::CREATED, axum::Json(json!({"floatingip": view}))).into_response())
}

pub async fn update(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, NeutronError> {
    let id = path_id(path);
    let object = floating_ip_body(&body, false)?;
    let now = OffsetDateTime::now_utc();
    let mut state = simulator.state();
    state.settle(now);
    if state.floating_ips.get(&id).is_none() {
        return Err(NeutronError::floating_ip_not_found(&id));
    }
    if object.contains_key("port_id") {
        let port_id = port_to_associate(&state, &object, Some(&id), now)?;
        state.floating_ips.set_port(&id, port_id, now);
    }
    if let Some(description) = object.get("description").and_then(Value::as_str) {
        state.floating_ips.set_description(&id, description, now);
    }
    let ip = state
        .floating_ips
        .get(&id)
        .ok_or_else(|| NeutronError::floating_ip_not_found(&id))?;
    let view = views::floating_ip_view(ip, &state, now);
    Ok(axum::Json(json!({"floatingip": view})).into_response())
}

pub async fn delete(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, NeutronError> {
    let id = path_id(path);
    if simulator.state().floating_ips.delete(&id) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(NeutronError::floating_ip_not_found(&id))
    }
}
