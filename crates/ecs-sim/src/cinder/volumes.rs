//! `/v3/{project_id}/volumes[/detail|/{id}]`: Cinder's volume views for a project member (no
//! admin-only host, migration, provider or cluster fields), listing, create and delete.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::store::{NewVolumeRecord, VolumeRecord, default_volume_type, volume_type};
use super::{CinderError, Ctx};
use crate::Simulator;
use crate::compute::{naive_time, query_pairs, query_value};

/// Cinder's `osapi_max_limit`.
const MAX_LIMIT: usize = 1000;
/// The largest `size` Cinder's schema accepts (`db.MAX_INT`).
const MAX_SIZE: u64 = 0x7FFF_FFFF;
/// The list filters the simulator applies (some of those Cinder's `resource_filters` allow a
/// member on volumes).
const FILTERS: [&str; 4] = ["status", "name", "bootable", "availability_zone"];

/// The full view (`detail`, `show`, and with `tenant` false the create answer).
pub fn detail_view(record: &VolumeRecord, ctx: &Ctx, tenant: bool) -> Value {
    let attachments: Vec<Value> = record
        .visible_attachment()
        .map(|attachment| {
            json!({
                "id": record.id,
                "attachment_id": attachment.id,
                "volume_id": record.id,
                "server_id": attachment.server_id,
                "host_name": null,
                "device": attachment.device,
                "attached_at": naive_time(attachment.attached_at),
            })
        })
        .into_iter()
        .collect();
    let mut view = json!({
        "id": record.id,
        "status": record.status.as_str(),
        "size": record.size_gb,
        "availability_zone": record.zone,
        "created_at": naive_time(record.created_at),
        "updated_at": record.updated_at.map(naive_time),
        "name": record.name,
        "description": record.description,
        "volume_type": record.volume_type.name,
        "snapshot_id": null,
        "source_volid": null,
        "metadata": {},
        "links": ctx.links(&format!("volumes/{}", record.id)),
        "user_id": ctx.user_id,
        "bootable": if record.bootable { "true" } else { "false" },
        "encrypted": false,
        "replication_status": null,
        "consistencygroup_id": null,
        "multiattach": false,
        "attachments": attachments,
    });
    let version = ctx.version;
    if tenant {
        view["os-vol-tenant-attr:tenant_id"] = json!(ctx.project_id);
    }
    if version.since(13) {
        view["group_id"] = Value::Null;
    }
    if version.since(48) {
        // Before 3.69 Cinder shows an unknown `shared_targets` as true.
        view["shared_targets"] = json!(if version.since(69) { None } else { Some(true) });
        view["service_uuid"] = Value::Null;
    }
    if version.since(63) {
        view["volume_type_id"] = json!(record.volume_type.id);
    }
    if version.since(65) {
        view["consumes_quota"] = json!(true);
    }
    view
}

fn summary_view(record: &VolumeRecord, ctx: &Ctx) -> Value {
    json!({
        "id": record.id,
        "name": record.name,
        "links": ctx.links(&format!("volumes/{}", record.id)),
    })
}

pub async fn index(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, CinderError> {
    list(&simulator, &ctx, &uri, "volumes", summary_view)
}

pub async fn detail(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, CinderError> {
    list(&simulator, &ctx, &uri, "volumes/detail", |record, ctx| {
        detail_view(record, ctx, true)
    })
}

fn list(
    simulator: &Simulator,
    ctx: &Ctx,
    uri: &Uri,
    collection: &str,
    view: impl Fn(&VolumeRecord, &Ctx) -> Value,
) -> Result<Response, CinderError> {
    let query = query_pairs(uri);
    let limit = match query_value(&query, "limit") {
        None => None,
        Some(text) => {
            let limit: i64 = text
                .parse()
                .map_err(|_| CinderError::bad_request("limit param must be an integer"))?;
            if limit < 0 {
                return Err(CinderError::bad_request("limit param must be positive"));
            }
            Some(usize::try_from(limit).unwrap_or(MAX_LIMIT))
        }
    };
    let marker = query_value(&query, "marker");
    let mut state = simulator.state();
    state.settle_volumes(time::OffsetDateTime::now_utc());
    let records: Vec<&VolumeRecord> = state
        .volumes
        .newest_first()
        .into_iter()
        .filter(|record| matches_filters(record, &query))
        .collect();
    let start = match marker {
        None => 0,
        Some(marker) => {
            records
                .iter()
                .position(|record| record.id == marker)
                .ok_or_else(|| {
                    CinderError::not_found(format!("Marker {marker} could not be found."))
                })?
                + 1
        }
    };
    let page_size = limit.unwrap_or(MAX_LIMIT).min(MAX_LIMIT);
    let page: Vec<&VolumeRecord> = records.into_iter().skip(start).take(page_size).collect();
    let mut body = json!({
        "volumes": page.iter().map(|record| view(record, ctx)).collect::<Vec<_>>(),
    });
    // Cinder's rule: a next link when the page is as full as it could be.
    if let Some(last) = page.last().filter(|_| page.len() == page_size) {
        let mut pairs: Vec<(String, String)> = query
            .iter()
            .filter(|(key, _)| key != "marker")
            .cloned()
            .collect();
        pairs.push(("marker".to_owned(), last.id.clone()));
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        body["volumes_links"] = json!([{
            "rel": "next",
            "href": format!("{}?{encoded}", ctx.self_link(collection)),
        }]);
    }
    Ok(axum::Json(body).into_response())
}

fn matches_filters(record: &VolumeRecord, query: &[(String, String)]) -> bool {
    FILTERS
        .iter()
        .all(|filter| match query_value(query, filter) {
            None => true,
            Some(wanted) => match *filter {
                "status" => record.status.as_str() == wanted,
                "name" => record.name.as_deref() == Some(wanted),
                "bootable" => {
                    let wanted =
                        matches!(wanted.to_ascii_lowercase().as_str(), "true" | "1" | "yes");
                    record.bootable == wanted
                }
                _ => record.zone == wanted,
            },
        })
}

pub async fn show(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    Path((_project, id)): Path<(String, String)>,
) -> Result<Response, CinderError> {
    let mut state = simulator.state();
    state.settle_volumes(time::OffsetDateTime::now_utc());
    let record = state
        .volumes
        .get(&id)
        .ok_or_else(|| CinderError::volume_not_found(&id))?;
    Ok(axum::Json(json!({"volume": detail_view(record, &ctx, true)})).into_response())
}

pub async fn delete(
    State(simulator): State<Simulator>,
    Path((_project, id)): Path<(String, String)>,
) -> Result<Response, CinderError> {
    let duration = simulator.knobs().transition_duration();
    simulator
        .state()
        .delete_volume(&id, duration)
        .map_err(|refusal| match refusal {
            None => CinderError::volume_not_found(&id),
            Some(_) => CinderError::bad_request(
                "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.",
            ),
        })?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `POST /volumes`: `{"volume": {"size", "volume_type", "name", "description",
/// "availability_zone"}}` makes an empty volume (`creating`, then `available`); 202 with the
/// full view.
pub async fn create(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, CinderError> {
    if let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        if !essence.is_empty() && !essence.eq_ignore_ascii_case("application/json") {
            return Err(CinderError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Content-Type",
            ));
        }
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|_| CinderError::bad_request("Malformed request body"))?;
    let zones: Vec<String> = simulator
        .state()
        .catalogue
        .zones
        .iter()
        .filter(|zone| zone.available)
        .map(|zone| zone.name.clone())
        .collect();
    let default_zone = simulator.state().catalogue.default_zone().to_owned();
    let request = parse_create(&value, &zones, &default_zone)?;
    let duration = simulator.knobs().transition_duration();
    let mut state = simulator.state();
    let id = state.create_volume(request, duration)?;
    let record = state
        .volumes
        .get(&id)
        .ok_or_else(|| CinderError::volume_not_found(&id))?;
    let body = json!({"volume": detail_view(record, &ctx, false)});
    Ok((StatusCode::ACCEPTED, axum::Json(body)).into_response())
}

/// Cinder's create schema for what the simulator makes (empty volumes), then its checks.
fn parse_create(
    body: &Value,
    zones: &[String],
    default_zone: &str,
) -> Result<NewVolumeRecord, CinderError> {
    let object = body
        .as_object()
        .ok_or_else(|| CinderError::invalid_field("body", body, "is not of type 'object'"))?;
    if let Some(extra) = object
        .keys()
        .find(|key| !["volume", "OS-SCH-HNT:scheduler_hints"].contains(&key.as_str()))
    {
        return Err(CinderError::invalid_field(
            "body",
            body,
            &format!("Additional properties are not allowed ('{extra}' was unexpected)"),
        ));
    }
    let volume = object.get("volume").ok_or_else(|| {
        CinderError::invalid_field("body", body, "'volume' is a required property")
    })?;
    let volume = volume.as_object().ok_or_else(|| {
        CinderError::invalid_field(
            "volume",
            volume,
            &format!("{volume} is not of type 'object'"),
        )
    })?;
    for source in [
        "snapshot_id",
        "source_volid",
        "backup_id",
        "imageRef",
        "image_id",
    ] {
        if volume.get(source).is_some_and(|value| !value.is_null()) {
            return Err(CinderError::bad_request(format!(
                "ecs-sim makes empty volumes only: {source} is not supported."
            )));
        }
    }
    let size = size_field(volume)?;
    let name = text_field(volume, "name")?.or(text_field(volume, "display_name")?);
    let description =
        text_field(volume, "description")?.or(text_field(volume, "display_description")?);
    let kind = match text_field(volume, "volume_type")? {
        None => default_volume_type(),
        Some(requested) => volume_type(&requested).ok_or_else(|| {
            CinderError::not_found(format!(
                "Volume type with name {requested} could not be found."
            ))
        })?,
    };
    let zone = match text_field(volume, "availability_zone")? {
        None => default_zone.to_owned(),
        Some(zone) if zones.contains(&zone) => zone,
        Some(zone) => {
            return Err(CinderError::bad_request(format!(
                "Availability zone '{zone}' is invalid."
            )));
        }
    };
    Ok(NewVolumeRecord {
        name,
        description,
        size_gb: size,
        volume_type: kind,
        zone,
    })
}

/// `size`: an integer or a string of digits, 1 to `MAX_INT` (Cinder's `volume_size`).
fn size_field(volume: &Map<String, Value>) -> Result<u64, CinderError> {
    let value = volume.get("size").unwrap_or(&Value::Null);
    let size = match value {
        Value::Null => {
            return Err(CinderError::invalid_input(
                "Size must be specified for a new volume without a source.",
            ));
        }
        Value::Number(number) => number.as_i64().ok_or_else(|| {
            CinderError::invalid_field(
                "size",
                value,
                &format!("{value} is not valid under any of the given schemas"),
            )
        })?,
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse::<i64>().unwrap_or(i64::MAX)
        }
        other => {
            return Err(CinderError::invalid_field(
                "size",
                other,
                &format!("{other} is not valid under any of the given schemas"),
            ));
        }
    };
    if size < 1 {
        return Err(CinderError::invalid_field(
            "size",
            value,
            &format!("{size} is less than the minimum of 1"),
        ));
    }
    let size = size.unsigned_abs();
    if size > MAX_SIZE {
        return Err(CinderError::invalid_field(
            "size",
            value,
            &format!("{size} is greater than the maximum of {MAX_SIZE}"),
        ));
    }
    Ok(size)
}

/// A string or null of at most 255 characters.
fn text_field(volume: &Map<String, Value>, key: &str) -> Result<Option<String>, CinderError> {
    match volume.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.chars().count() <= 255 => Ok(Some(text.clone())),
        Some(Value::String(text)) => Err(CinderError::invalid_field(
            key,
            &Value::String(text.clone()),
            &format!("'{text}' is too long"),
        )),
        Some(other) => Err(CinderError::invalid_field(
            key,
            other,
            &format!("{other} is not of type 'string', 'null'"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: Value) -> Result<NewVolumeRecord, CinderError> {
        parse_create(&body, &["az1.dc1".to_owned()], "az1.dc1")
    }

    #[test]
    fn a_create_body_is_checked_as_cinder_checks_it() {
        let made = parse(json!({"volume": {"size": "20", "volume_type": "SSD", "name": "data"}}))
            .expect("valid");
        assert_eq!(made.size_gb, 20);
        assert_eq!(made.volume_type.name, "SSD");
        assert_eq!(made.name.as_deref(), Some("data"));
        assert_eq!(made.zone, "az1.dc1");
        let plain = parse(json!({"volume": {"size": 1}})).expect("valid");
        assert_eq!(plain.volume_type.name, "SATA", "the default type");

        let refusals = [
            (
                json!({"volume": {"size": 0}}),
                400,
                "less than the minimum of 1",
            ),
            (
                json!({"volume": {"size": -3}}),
                400,
                "less than the minimum of 1",
            ),
            (
                json!({"volume": {"size": "1.5"}}),
                400,
                "not valid under any",
            ),
            (json!({"volume": {}}), 400, "Size must be specified"),
            (
                json!({"volume": {"size": 2147483648_u64}}),
                400,
                "greater than the maximum",
            ),
            (
                json!({"volume": {"size": 1, "volume_type": "gold"}}),
                404,
                "Volume type with name gold could not be found.",
            ),
            (
                json!({"volume": {"size": 1, "availability_zone": "nowhere"}}),
                400,
                "Availability zone 'nowhere' is invalid.",
            ),
            (
                json!({"volume": {"size": 1, "snapshot_id": "s"}}),
                400,
                "empty volumes only",
            ),
            (json!({"size": 1}), 400, "'size' was unexpected"),
            (
                json!({"volume": {"size": 1, "name": 5}}),
                400,
                "is not of type 'string', 'null'",
            ),
        ];
        for (body, status, message) in refusals {
            let error = parse(body.clone()).expect_err("refused");
            assert_eq!(error.status.as_u16(), status, "{body}");
            assert!(error.message.contains(message), "{body}: {}", error.message);
        }
    }
}
