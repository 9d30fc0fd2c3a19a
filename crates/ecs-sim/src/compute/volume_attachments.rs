//! `/servers/{id}/os-volume_attachments[/{volume_id}]`: Nova's view of a server's volumes (its
//! block device mappings: the root volume as `/dev/vda`, then the data volumes), attach
//! (`POST`, the volume must be available) and detach (`DELETE`, never the root volume), in the
//! shapes of Nova 2.1 to 2.69 and with Nova's checks and messages in its order.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{Ctx, PathParam, RequestBody, json_body, query_pairs, query_value, schema_object};
use crate::Simulator;
use crate::cinder::{AttachError, DetachError, VolumeRecord};
use crate::fault::Fault;
use crate::state::State as SimState;

/// The vm_states Nova's `attach_volume`/`detach_volume` accept (and no task in progress).
const ALLOWED_VM_STATES: [&str; 7] = [
    "active",
    "paused",
    "stopped",
    "resized",
    "soft-delete",
    "shelved",
    "shelved_offloaded",
];

/// Nova's `match_device` pattern for a device name.
fn is_device_path(device: &str) -> bool {
    let Some(rest) = device.strip_prefix("/dev/") else {
        return false;
    };
    // (x?)([a-z]?)(d?) then [a-z]+ then digits: any run of letters followed by digits.
    let letters = rest.trim_end_matches(|c: char| c.is_ascii_digit());
    !letters.is_empty() && letters.bytes().all(|b| b.is_ascii_lowercase())
}

fn attachment_view(record: &VolumeRecord) -> Option<Value> {
    let attachment = record.attachment.as_ref()?;
    Some(json!({
        "device": attachment.device,
        "id": record.id,
        "serverId": attachment.server_id,
        "volumeId": record.id,
    }))
}

fn instance_not_found(id: &str) -> Fault {
    Fault::not_found(format!("Instance {id} could not be found."))
}

fn not_attached(server_id: &str, volume_id: &str) -> Fault {
    Fault::not_found(format!(
        "Instance {server_id} is not attached to volume {volume_id}"
    ))
}

/// The server's lock and state as `check_instance_lock` and `check_instance_state` see them.
fn check_server(state: &SimState, server_id: &str, method: &str) -> Result<(), Fault> {
    let server = state
        .servers
        .get(server_id)
        .ok_or_else(|| instance_not_found(server_id))?;
    if server.locked {
        return Err(Fault::conflict(format!("Instance {server_id} is locked")));
    }
    let now = OffsetDateTime::now_utc();
    let vm_state = server.phase.vm_state();
    let conflict = |attribute: &str, value: &str| {
        Fault::conflict(format!(
            "Cannot '{method}' instance {server_id} while it is in {attribute} {value}"
        ))
    };
    if !ALLOWED_VM_STATES.contains(&vm_state) {
        return Err(conflict("vm_state", vm_state));
    }
    if let Some(task) = server
        .phase
        .task_state(server.fraction(now), server.boot_from_volume())
    {
        return Err(conflict("task_state", task));
    }
    Ok(())
}

/// `limit`/`offset` as Nova's `common.limited` applies them.
fn limited<'a>(records: Vec<&'a VolumeRecord>, uri: &Uri) -> Result<Vec<&'a VolumeRecord>, Fault> {
    let query = query_pairs(uri);
    let number = |name: &str| -> Result<Option<usize>, Fault> {
        match query_value(&query, name) {
            None => Ok(None),
            Some(text) => text.parse::<usize>().map(Some).map_err(|_| {
                Fault::invalid_query(name, text, &format!("'{text}' does not match '^[0-9]*$'"))
            }),
        }
    };
    let offset = number("offset")?.unwrap_or(0);
    let limit = number("limit")?.unwrap_or(1000).min(1000);
    Ok(records.into_iter().skip(offset).take(limit).collect())
}

pub async fn index(
    State(simulator): State<Simulator>,
    PathParam(server_id): PathParam,
    uri: Uri,
) -> Result<Response, Fault> {
    let mut state = simulator.state();
    state.settle_volumes(OffsetDateTime::now_utc());
    if !state.servers.contains_key(&server_id) {
        return Err(instance_not_found(&server_id));
    }
    let attachments: Vec<Value> = limited(state.volumes.of_server(&server_id), &uri)?
        .into_iter()
        .filter_map(attachment_view)
        .collect();
    Ok(axum::Json(json!({"volumeAttachments": attachments})).into_response())
}

/// The two path parameters of `/servers/{id}/os-volume_attachments/{volume_id}`.
fn server_and_volume(uri: &Uri) -> (String, String) {
    let mut segments = uri.path().rsplit('/');
    let decode = |raw: Option<&str>| {
        percent_encoding::percent_decode_str(raw.unwrap_or_default())
            .decode_utf8_lossy()
            .into_owned()
    };
    let volume_id = decode(segments.next());
    let _collection = segments.next();
    let server_id = decode(segments.next());
    (server_id, volume_id)
}

pub async fn show(State(simulator): State<Simulator>, uri: Uri) -> Result<Response, Fault> {
    let (server_id, volume_id) = server_and_volume(&uri);
    let mut state = simulator.state();
    state.settle_volumes(OffsetDateTime::now_utc());
    if !state.servers.contains_key(&server_id) {
        return Err(instance_not_found(&server_id));
    }
    let view = state
        .volumes
        .get(&volume_id)
        .filter(|record| {
            record
                .attachment
                .as_ref()
                .is_some_and(|attachment| attachment.server_id == server_id)
        })
        .and_then(attachment_view)
        .ok_or_else(|| not_attached(&server_id, &volume_id))?;
    Ok(axum::Json(json!({"volumeAttachment": view})).into_response())
}

/// `POST`: `{"volumeAttachment": {"volumeId", "device"?, "tag"? (2.49+)}}`; 200 with the
/// attachment (the device the server gives it: Nova's libvirt driver ignores the one asked).
pub async fn create(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(server_id): PathParam,
    headers: HeaderMap,
    RequestBody(body): RequestBody,
) -> Result<Response, Fault> {
    let value = json_body(&headers, &body)?;
    let volume_id = parse_attach(&value, &ctx)?;
    let duration = simulator.knobs().transition_duration();
    let mut state = simulator.state();
    state.settle_volumes(OffsetDateTime::now_utc());
    check_server(&state, &server_id, "attach_volume")?;
    let device = state
        .attach_volume(&server_id, &volume_id, duration)
        .map_err(|error| match error {
            AttachError::VolumeNotFound => {
                Fault::not_found(format!("Volume {volume_id} could not be found."))
            }
            AttachError::AlreadyAttached { server_id: holder } => Fault::bad_request(format!(
                "Invalid volume: volume {volume_id} is already attached to instances: {holder}"
            )),
            // Cinder's 400 as Nova relays it (the client's text, with Cinder's request id).
            AttachError::NotReservable { status } => Fault::bad_request(format!(
                "Invalid input received: Invalid volume: Volume {volume_id} status must be available or downloading to reserve, but the current status is {status}. (HTTP 400) (Request-ID: req-{})",
                uuid::Uuid::new_v4()
            )),
        })?;
    Ok(axum::Json(json!({"volumeAttachment": {
        "device": device,
        "id": volume_id,
        "serverId": server_id,
        "volumeId": volume_id,
    }}))
    .into_response())
}

/// Nova's request schema for the microversion (`tag` from 2.49; 2.79's
/// `delete_on_termination` is beyond the simulator's versions).
fn parse_attach(body: &Value, ctx: &Ctx) -> Result<String, Fault> {
    let object = schema_object("", body, &["volumeAttachment"], &["volumeAttachment"])?;
    let allowed: &[&str] = if ctx.since(49) {
        &["volumeId", "device", "tag"]
    } else {
        &["volumeId", "device"]
    };
    let attachment = &object["volumeAttachment"];
    let fields = schema_object("volumeAttachment", attachment, allowed, &["volumeId"])?;
    let volume_id = &fields["volumeId"];
    let id = volume_id.as_str().ok_or_else(|| {
        Fault::invalid_field(
            "volumeAttachment/volumeId",
            volume_id,
            &format!("{volume_id} is not of type 'string'"),
        )
    })?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(super::field_fault(
            "volumeAttachment/volumeId",
            volume_id,
            &format!("'{id}' is not a 'uuid'"),
        ));
    }
    match fields.get("device") {
        None | Some(Value::Null) => {}
        Some(Value::String(device)) if is_device_path(device) => {}
        Some(Value::String(device)) => {
            return Err(super::field_fault(
                "volumeAttachment/device",
                &Value::String(device.clone()),
                &format!(
                    "'{device}' does not match '(^/dev/x{{0,1}}[a-z]{{0,1}}d{{0,1}})([a-z]+)[0-9]*$'"
                ),
            ));
        }
        Some(other) => {
            return Err(Fault::invalid_field(
                "volumeAttachment/device",
                other,
                &format!("{other} is not of type 'string', 'null'"),
            ));
        }
    }
    if let Some(tag) = fields.get("tag") {
        let valid = tag
            .as_str()
            .is_some_and(|tag| tag.len() <= 60 && !tag.contains(['/', ',']));
        if !valid {
            return Err(Fault::invalid_field(
                "volumeAttachment/tag",
                tag,
                "is not a valid tag (at most 60 characters, no '/' or ',')",
            ));
        }
    }
    Ok(id.to_owned())
}

/// `DELETE`: 202; the volume is `detaching`, then `available`.
pub async fn delete(State(simulator): State<Simulator>, uri: Uri) -> Result<Response, Fault> {
    let (server_id, volume_id) = server_and_volume(&uri);
    let duration = simulator.knobs().transition_duration();
    let mut state = simulator.state();
    state.settle_volumes(OffsetDateTime::now_utc());
    if !state.servers.contains_key(&server_id) {
        return Err(instance_not_found(&server_id));
    }
    let record = state
        .volumes
        .get(&volume_id)
        .ok_or_else(|| Fault::not_found(format!("Volume {volume_id} could not be found.")))?;
    let attachment = record
        .attachment
        .as_ref()
        .filter(|attachment| attachment.server_id == server_id)
        .ok_or_else(|| not_attached(&server_id, &volume_id))?;
    if attachment.is_root {
        return Err(Fault::bad_request("Cannot detach a root device volume"));
    }
    check_server(&state, &server_id, "detach_volume")?;
    state
        .detach_volume(&server_id, &volume_id, duration)
        .map_err(|error| match error {
            DetachError::VolumeNotFound => {
                Fault::not_found(format!("Volume {volume_id} could not be found."))
            }
            DetachError::NotAttached => not_attached(&server_id, &volume_id),
            DetachError::RootDevice => Fault::bad_request("Cannot detach a root device volume"),
            DetachError::NotDetachable => Fault::bad_request(format!(
                "Invalid volume: Invalid input received: Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach. (HTTP 400) (Request-ID: req-{})",
                uuid::Uuid::new_v4()
            )),
        })?;
    Ok(StatusCode::ACCEPTED.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_paths_follow_novas_pattern() {
        for device in ["/dev/vdb", "/dev/sdc", "/dev/xvda1", "/dev/hda"] {
            assert!(is_device_path(device), "{device}");
        }
        for device in ["vdb", "/dev/", "/dev/VDB", "/dev/vd-b", "/dev/1"] {
            assert!(!is_device_path(device), "{device}");
        }
    }
}
