//! `GET /images`, `/images/detail`, `GET` and `DELETE /images/{id}` (Nova's Glance proxy) with
//! Huawei metadata, and the servers' snapshots (with their `server` reference).

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::networks::proxy_api_available;
use super::{Ctx, PathParam, limit_param, paginate, query_pairs, query_value};
use crate::Simulator;
use crate::fault::Fault;
use crate::state::{ImageDeleteError, ImageRef};

/// Image properties Nova's proxy decodes from their JSON text (its `_CONVERT_PROPS`).
const JSON_PROPERTIES: [&str; 2] = ["block_device_mapping", "mappings"];

fn image_links(image: ImageRef<'_>, ctx: &Ctx) -> Value {
    let path = format!("images/{}", image.id());
    json!([
        {"href": ctx.self_link(&path), "rel": "self"},
        {"href": ctx.bookmark_link(&path), "rel": "bookmark"},
        {"href": format!("{}/image/images/{}", ctx.base, image.id()), "rel": "alternate", "type": "application/vnd.openstack.image"}
    ])
}

fn image_view(image: ImageRef<'_>, ctx: &Ctx, now: OffsetDateTime) -> Value {
    let metadata: serde_json::Map<String, Value> = image
        .properties()
        .iter()
        .map(|(key, value)| {
            let decoded = JSON_PROPERTIES
                .contains(&key.as_str())
                .then(|| serde_json::from_str(value).ok())
                .flatten();
            (key.clone(), decoded.unwrap_or_else(|| json!(value)))
        })
        .collect();
    let (status, progress) = image.nova_status(now);
    let mut view = json!({
        "id": image.id(),
        "name": image.name(),
        "status": status,
        "progress": progress,
        "minDisk": image.min_disk_gb(),
        "minRam": image.min_ram_mb(),
        "OS-EXT-IMG-SIZE:size": image.proxy_size_bytes(now),
        "created": image.created(),
        "updated": image.updated(now),
        "metadata": metadata,
        "links": image_links(image, ctx),
    });
    if let Some(server_id) = image.instance_uuid() {
        let path = format!("servers/{server_id}");
        view["server"] = json!({
            "id": server_id,
            "links": [
                {"rel": "self", "href": ctx.self_link(&path)},
                {"rel": "bookmark", "href": ctx.bookmark_link(&path)},
            ],
        });
    }
    view
}

fn summary_view(image: ImageRef<'_>, ctx: &Ctx, _now: OffsetDateTime) -> Value {
    json!({"id": image.id(), "name": image.name(), "links": image_links(image, ctx)})
}

fn number_filter(query: &[(String, String)], name: &str) -> Result<u64, Fault> {
    match query_value(query, name) {
        None => Ok(0),
        Some(text) => text
            .parse()
            .map_err(|_| Fault::bad_request(format!("Invalid {name} filter [{text}]"))),
    }
}

fn list(
    simulator: &Simulator,
    ctx: &Ctx,
    uri: &Uri,
    view: fn(ImageRef<'_>, &Ctx, OffsetDateTime) -> Value,
) -> Result<Response, Fault> {
    proxy_api_available(simulator, ctx)?;
    let query = query_pairs(uri);
    let limit = limit_param(&query)?;
    let min_disk = number_filter(&query, "minDisk")?;
    let min_ram = number_filter(&query, "minRam")?;
    let name = query_value(&query, "name");
    let status = query_value(&query, "status");
    let now = OffsetDateTime::now_utc();
    let state = simulator.state();
    let images: Vec<ImageRef<'_>> = state
        .images()
        .filter(|image| image.min_disk_gb() >= min_disk && image.min_ram_mb() >= min_ram)
        .filter(|image| name.is_none_or(|name| image.name() == name))
        .filter(|image| {
            status.is_none_or(|status| image.nova_status(now).0.eq_ignore_ascii_case(status))
        })
        .collect();
    let page = paginate(
        images,
        |image| image.id().to_owned(),
        limit,
        query_value(&query, "marker"),
        |_| Fault::bad_request("Invalid marker"),
    )?;
    let body = page.into_body("images", ctx, uri.path(), &query, |image| {
        view(*image, ctx, now)
    });
    Ok(axum::Json(body).into_response())
}

pub async fn index(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, Fault> {
    list(&simulator, &ctx, &uri, summary_view)
}

pub async fn detail(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, Fault> {
    list(&simulator, &ctx, &uri, image_view)
}

pub async fn show(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    proxy_api_available(&simulator, &ctx)?;
    let state = simulator.state();
    let image = state
        .image(&id)
        .ok_or_else(|| Fault::not_found("Image not found."))?;
    let view = image_view(image, &ctx, OffsetDateTime::now_utc());
    Ok(axum::Json(json!({"image": view})).into_response())
}

/// `DELETE /images/{id}` (to 2.35): a snapshot goes; the cloud's own images may not.
pub async fn delete(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    proxy_api_available(&simulator, &ctx)?;
    match simulator.state().delete_image(&id) {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(ImageDeleteError::NotFound) => Err(Fault::not_found("Image not found.")),
        Err(ImageDeleteError::NotAllowed) => {
            Err(Fault::forbidden("You are not allowed to delete the image."))
        }
    }
}
