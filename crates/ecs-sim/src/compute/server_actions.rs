//! The day-two server actions of `POST /servers/{id}/action` (lock, unlock, pause, unpause,
//! suspend, resume, shelve, unshelve, resize, confirmResize, revertResize, createImage,
//! rebuild) and `PUT /servers/{id}` (rename, description), in Nova's shapes.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::servers::{action_fault, not_found, server_view};
use super::{Ctx, PathParam, RequestBody, field_fault, json_body, schema_object};
use crate::Simulator;
use crate::fault::Fault;
use crate::ids;
use ecs_api::requests::PlainAction;

use crate::state::{Action, ActionError, Rebuild};

/// Nova's message when a `name` fails its `name` format.
const INVALID_NAME: &str = "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.";

/// Handles action `name` with body value `argument`; records it when accepted.
pub async fn perform(
    simulator: &Simulator,
    ctx: &Ctx,
    id: &str,
    name: &str,
    argument: &Value,
) -> Result<Response, Fault> {
    let knobs = simulator.knobs();
    let refused = |error: ActionError| action_fault(id, name, error);
    let locked = |locked: bool| -> Result<Response, Fault> {
        simulator.state().set_locked(id, locked).map_err(refused)?;
        Ok(StatusCode::ACCEPTED.into_response())
    };
    let response = match (name, PlainAction::from_key(name)) {
        ("lock", _) => locked(true)?,
        (_, Some(plain)) => match state_action(plain) {
            None => locked(false)?,
            Some(action) => {
                simulator
                    .state()
                    .apply(id, action, &knobs)
                    .map_err(refused)?;
                // Nova answers confirmResize with 204 (kept for compatibility), the others 202.
                if action == Action::ConfirmResize {
                    StatusCode::NO_CONTENT.into_response()
                } else {
                    StatusCode::ACCEPTED.into_response()
                }
            }
        },
        ("resize", _) => {
            let flavor_id = resize_flavor(argument)?;
            simulator
                .state()
                .resize(id, &flavor_id, &knobs)
                .map_err(refused)?;
            StatusCode::ACCEPTED.into_response()
        }
        ("createImage", _) => {
            let (image_name, metadata) = create_image_request(argument)?;
            let created = simulator
                .state()
                .create_image(id, &image_name, &metadata, &knobs)
                .map_err(refused)?;
            if ctx.since(45) {
                (
                    StatusCode::ACCEPTED,
                    axum::Json(json!({"image_id": created.image_id})),
                )
                    .into_response()
            } else {
                // Before 2.45 the image's URL is in a Location header (Glance's endpoint).
                let mut response = StatusCode::ACCEPTED.into_response();
                if let Ok(location) = HeaderValue::from_str(&format!(
                    "{}/image/images/{}",
                    ctx.base, created.image_id
                )) {
                    response.headers_mut().insert(header::LOCATION, location);
                }
                response
            }
        }
        ("rebuild", _) => rebuild(simulator, ctx, id, argument)?,
        (other, None) => {
            return Err(Fault::bad_request(format!(
                "There is no such action: {other}"
            )));
        }
    };
    simulator.record_server_action(id, name);
    Ok(response)
}

/// The lifecycle change of a body-less action (the console's [`PlainAction`] names them);
/// None for unlock, which only clears the lock.
fn state_action(plain: PlainAction) -> Option<Action> {
    match plain {
        PlainAction::ConfirmResize => Some(Action::ConfirmResize),
        PlainAction::RevertResize => Some(Action::RevertResize),
        PlainAction::Pause => Some(Action::Pause),
        PlainAction::Unpause => Some(Action::Unpause),
        PlainAction::Suspend => Some(Action::Suspend),
        PlainAction::Resume => Some(Action::Resume),
        PlainAction::Shelve => Some(Action::Shelve),
        PlainAction::Unshelve => Some(Action::Unshelve),
        PlainAction::Unlock => None,
    }
}

/// `resize`'s `flavorRef` (a string or an integer, as Nova's schema allows).
fn resize_flavor(argument: &Value) -> Result<String, Fault> {
    let object = schema_object(
        "resize",
        argument,
        &["flavorRef", "OS-DCF:diskConfig"],
        &["flavorRef"],
    )?;
    let flavor = &object["flavorRef"];
    match flavor {
        Value::String(text) if !text.is_empty() => Ok(text.clone()),
        Value::Number(number) if number.is_i64() || number.is_u64() => Ok(number.to_string()),
        Value::String(_) => Err(field_fault("flavorRef", flavor, "'' is too short")),
        other => Err(field_fault(
            "flavorRef",
            other,
            &format!("{other} is not of type 'string', 'integer'"),
        )),
    }
}

/// A name as Nova's schema checks it: a string of 1-255 characters in its `name` format.
fn check_name(path: &str, value: &Value) -> Result<String, Fault> {
    match value {
        Value::String(text) if text.is_empty() => {
            Err(field_fault(path, value, "'' should be non-empty"))
        }
        Value::String(text) if text.chars().count() > 255 => {
            Err(field_fault(path, value, &format!("'{text}' is too long")))
        }
        Value::String(text) if ecs_api::validate::server_name(text).is_ok() => Ok(text.clone()),
        Value::String(_) => Err(Fault::bad_request(INVALID_NAME)),
        other => Err(field_fault(
            path,
            other,
            &format!("{other} is not of type 'string'"),
        )),
    }
}

/// Metadata as Nova's schema allows it: keys `^[a-zA-Z0-9-_:. ]{1,255}$`, string values.
fn check_metadata(metadata: &Value) -> Result<BTreeMap<String, String>, Fault> {
    let object = metadata.as_object().ok_or_else(|| {
        field_fault(
            "metadata",
            metadata,
            &format!("{metadata} is not of type 'object'"),
        )
    })?;
    let mut checked = BTreeMap::new();
    for (key, value) in object {
        if ecs_api::validate::metadata_key(key).is_err() {
            return Err(Fault::unexpected_property("metadata", metadata, key));
        }
        match value.as_str() {
            Some(text) if ecs_api::validate::metadata_value(key, text).is_ok() => {
                checked.insert(key.clone(), text.to_owned());
            }
            Some(_) => {
                return Err(field_fault(key, value, &format!("{value} is too long")));
            }
            None => {
                // Nova's message names the innermost key of the path.
                return Err(field_fault(
                    key,
                    value,
                    &format!("{value} is not of type 'string'"),
                ));
            }
        }
    }
    Ok(checked)
}

/// An optional string field of a request object.
fn string_field(object: &Map<String, Value>, key: &str) -> Result<Option<String>, Fault> {
    match object.get(key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(field_fault(
            key,
            other,
            &format!("{other} is not of type 'string'"),
        )),
    }
}

/// Rebuild's `user_data` (2.57+): base64 text Nova accepts, or null to clear it.
fn check_user_data(value: &Value) -> Result<Option<String>, Fault> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => ecs_api::validate::user_data(text)
            .map(|()| Some(text.clone()))
            .map_err(|error| field_fault("user_data", value, &error.message)),
        other => Err(field_fault(
            "user_data",
            other,
            &format!("{other} is not of type 'string', 'null'"),
        )),
    }
}

/// A description (2.19+): a printable string of at most 255 characters, or null.
fn check_description(value: &Value) -> Result<Option<String>, Fault> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => {
            match ecs_api::validate::description_text("description", "description", text) {
                Ok(()) => Ok(Some(text.clone())),
                Err(_) if text.chars().count() > ecs_api::validate::DESCRIPTION_MAX_CHARS => Err(
                    field_fault("description", value, &format!("'{text}' is too long")),
                ),
                Err(_) => Err(field_fault(
                    "description",
                    value,
                    &format!("'{text}' does not match the printable characters pattern"),
                )),
            }
        }
        other => Err(field_fault(
            "description",
            other,
            &format!("{other} is not of type 'string', 'null'"),
        )),
    }
}

fn create_image_request(argument: &Value) -> Result<(String, BTreeMap<String, String>), Fault> {
    let object = schema_object("createImage", argument, &["name", "metadata"], &["name"])?;
    let name = check_name("name", &object["name"])?;
    let metadata = match object.get("metadata") {
        Some(metadata) => check_metadata(metadata)?,
        None => BTreeMap::new(),
    };
    Ok((name, metadata))
}

/// The rebuild request's keys Nova's schema allows at `ctx.version`.
fn rebuild_fields(ctx: &Ctx) -> Vec<&'static str> {
    let mut fields = vec![
        "name",
        "imageRef",
        "adminPass",
        "metadata",
        "preserve_ephemeral",
        "OS-DCF:diskConfig",
        "accessIPv4",
        "accessIPv6",
    ];
    if !ctx.since(57) {
        fields.push("personality");
    }
    if ctx.since(19) {
        fields.push("description");
    }
    if ctx.since(54) {
        fields.push("key_name");
    }
    if ctx.since(57) {
        fields.push("user_data");
    }
    if ctx.since(63) {
        fields.push("trusted_image_certificates");
    }
    fields
}

fn rebuild(
    simulator: &Simulator,
    ctx: &Ctx,
    id: &str,
    argument: &Value,
) -> Result<Response, Fault> {
    let object = schema_object("rebuild", argument, &rebuild_fields(ctx), &["imageRef"])?;
    let image_ref = &object["imageRef"];
    let image_id = match image_ref {
        Value::String(text) if uuid::Uuid::parse_str(text).is_ok() => text.clone(),
        Value::String(text) => {
            return Err(field_fault(
                "imageRef",
                image_ref,
                &format!("'{text}' is not a 'uuid'"),
            ));
        }
        other => {
            return Err(field_fault(
                "imageRef",
                other,
                &format!("{other} is not of type 'string'"),
            ));
        }
    };
    let admin_pass = match object.get("adminPass") {
        None => ids::admin_password(),
        Some(Value::String(pass)) => pass.clone(),
        Some(other) => {
            return Err(field_fault(
                "adminPass",
                other,
                &format!("{other} is not of type 'string'"),
            ));
        }
    };
    let key_name = match object.get("key_name") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(name)) if !name.is_empty() && name.chars().count() <= 255 => {
            Some(Some(name.clone()))
        }
        Some(other) => {
            return Err(field_fault(
                "key_name",
                other,
                &format!("{other} is not valid under any of the given schemas"),
            ));
        }
    };
    let request = Rebuild {
        image_id,
        name: object
            .get("name")
            .map(|name| check_name("name", name))
            .transpose()?,
        metadata: object.get("metadata").map(check_metadata).transpose()?,
        description: object
            .get("description")
            .map(check_description)
            .transpose()?,
        key_name,
        access_ipv4: string_field(object, "accessIPv4")?,
        access_ipv6: string_field(object, "accessIPv6")?,
        user_data: object.get("user_data").map(check_user_data).transpose()?,
    };
    let now = OffsetDateTime::now_utc();
    let mut state = simulator.state();
    state
        .rebuild(id, request, &simulator.knobs())
        .map_err(|error| action_fault(id, "rebuild", error))?;
    let server = state.servers.get(id).ok_or_else(|| not_found(id))?;
    let mut view = limited_view(server_view(server, &state, ctx, now), ctx.since(54));
    view["adminPass"] = json!(admin_pass);
    if ctx.since(57) {
        view["user_data"] = json!(server.spec.user_data);
    }
    let location = view["links"][0]["href"].as_str().map(str::to_owned);
    let mut response = (StatusCode::ACCEPTED, axum::Json(json!({"server": view}))).into_response();
    if let Some(value) = location.and_then(|href| HeaderValue::from_str(&href).ok()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// The server view Nova returns from PUT and rebuild before 2.75: no extended attributes,
/// status, zone, config drive, usage, security groups, volumes nor (unless `key_name`) key
/// name, and addresses without their type and MAC.
fn limited_view(mut view: Value, key_name: bool) -> Value {
    if let Value::Object(fields) = &mut view {
        fields.retain(|key, _| {
            !(key.starts_with("OS-EXT-SRV-ATTR:")
                || key.starts_with("OS-EXT-STS:")
                || key.starts_with("OS-SRV-USG:")
                || key == "OS-EXT-AZ:availability_zone"
                || key == "config_drive"
                || key == "security_groups"
                || key == "os-extended-volumes:volumes_attached"
                || (key == "key_name" && !key_name))
        });
        if let Some(Value::Object(networks)) = fields.get_mut("addresses") {
            for addresses in networks.values_mut() {
                for address in addresses.as_array_mut().into_iter().flatten() {
                    if let Value::Object(address) = address {
                        address.remove("OS-EXT-IPS:type");
                        address.remove("OS-EXT-IPS-MAC:mac_addr");
                    }
                }
            }
        }
    }
    view
}

/// `PUT /servers/{id}`: a new name and, at 2.19+, description (null clears it). Allowed in any
/// state, also on a locked server, as Nova does.
pub async fn update(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
    headers: HeaderMap,
    RequestBody(body): RequestBody,
) -> Result<Response, Fault> {
    let body = json_body(&headers, &body)?;
    let root = schema_object("root", &body, &["server"], &["server"])?;
    let mut allowed = vec!["name", "OS-DCF:diskConfig", "accessIPv4", "accessIPv6"];
    if ctx.since(19) {
        allowed.push("description");
    }
    let server = schema_object("server", &root["server"], &allowed, &[])?;
    let name = server
        .get("name")
        .map(|name| check_name("name", name))
        .transpose()?;
    let description = server
        .get("description")
        .map(check_description)
        .transpose()?;
    let access_ipv4 = string_field(server, "accessIPv4")?;
    let access_ipv6 = string_field(server, "accessIPv6")?;
    let disk_config = string_field(server, "OS-DCF:diskConfig")?;
    let now = OffsetDateTime::now_utc();
    let mut state = simulator.state();
    state.settle(now);
    let record = state.servers.get_mut(&id).ok_or_else(|| not_found(&id))?;
    if let Some(name) = name {
        record.spec.name = name;
    }
    if let Some(description) = description {
        record.spec.description = description;
    }
    if let Some(address) = access_ipv4 {
        record.spec.access_ipv4 = address;
    }
    if let Some(address) = access_ipv6 {
        record.spec.access_ipv6 = address;
    }
    if let Some(disk_config) = disk_config {
        record.spec.disk_config = disk_config;
    }
    record.updated = now;
    let record = state.servers.get(&id).ok_or_else(|| not_found(&id))?;
    let view = limited_view(server_view(record, &state, &ctx, now), false);
    Ok(axum::Json(json!({"server": view})).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limited_view_drops_what_nova_leaves_out_before_2_75() {
        let full = json!({
            "id": "x",
            "key_name": "k",
            "OS-EXT-STS:vm_state": "active",
            "OS-EXT-SRV-ATTR:host": "h",
            "OS-SRV-USG:launched_at": null,
            "OS-EXT-AZ:availability_zone": "az",
            "config_drive": "",
            "security_groups": [],
            "os-extended-volumes:volumes_attached": [],
            "OS-DCF:diskConfig": "MANUAL",
            "addresses": {"net": [{"addr": "10.0.0.2", "version": 4, "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:00:00:01"}]},
        });
        assert_eq!(
            limited_view(full.clone(), false),
            json!({
                "id": "x",
                "OS-DCF:diskConfig": "MANUAL",
                "addresses": {"net": [{"addr": "10.0.0.2", "version": 4}]},
            })
        );
        assert_eq!(limited_view(full, true)["key_name"], "k");
    }

    #[test]
    fn resize_takes_a_string_or_an_integer_flavor() {
        assert_eq!(
            resize_flavor(&json!({"flavorRef": "c1.large"})).unwrap(),
            "c1.large"
        );
        assert_eq!(resize_flavor(&json!({"flavorRef": 7})).unwrap(), "7");
        assert!(resize_flavor(&json!({"flavorRef": ""})).is_err());
        assert!(resize_flavor(&json!({"flavorRef": null})).is_err());
        assert!(resize_flavor(&json!({})).is_err());
        assert!(resize_flavor(&json!({"flavorRef": "2", "size": 3})).is_err());
    }
}
