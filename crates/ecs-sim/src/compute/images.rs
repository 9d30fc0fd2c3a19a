//! `GET /images`, `/images/detail` and `/images/{id}` (Nova's Glance proxy) with Huawei metadata.

use axum::Extension;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::networks::proxy_api_available;
use super::{Ctx, PathParam, limit_param, paginate, query_pairs, query_value};
use crate::Simulator;
use crate::catalogue::Image;
use crate::fault::Fault;

fn image_links(image: &Image, ctx: &Ctx) -> Value {
    let path = format!("images/{}", image.id);
    json!([
        {"href": ctx.self_link(&path), "rel": "self"},
        {"href": ctx.bookmark_link(&path), "rel": "bookmark"},
        {"href": format!("{}/image/images/{}", ctx.base, image.id), "rel": "alternate", "type": "application/vnd.openstack.image"}
    ])
}

fn image_view(image: &Image, ctx: &Ctx) -> Value {
    let metadata: serde_json::Map<String, Value> = image
        .metadata
        .iter()
        .map(|(key, value)| (key.clone(), json!(value)))
        .collect();
    json!({
        "id": image.id,
        "name": image.name,
        "status": image.status,
        "progress": image.progress,
        "minDisk": image.min_disk_gb,
        "minRam": image.min_ram_mb,
        "OS-EXT-IMG-SIZE:size": image.size_bytes,
        "created": image.created,
        "updated": image.updated,
        "metadata": metadata,
        "links": image_links(image, ctx),
    })
}

fn summary_view(image: &Image, ctx: &Ctx) -> Value {
    json!({"id": image.id, "name": image.name, "links": image_links(image, ctx)})
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
    view: fn(&Image, &Ctx) -> Value,
) -> Result<Response, Fault> {
    proxy_api_available(simulator, ctx)?;
    let query = query_pairs(uri);
    let limit = limit_param(&query)?;
    let min_disk = number_filter(&query, "minDisk")?;
    let min_ram = number_filter(&query, "minRam")?;
    let name = query_value(&query, "name");
    let status = query_value(&query, "status");
    let state = simulator.state();
    let images: Vec<&Image> = state
        .catalogue
        .images
        .iter()
        .filter(|image| image.min_disk_gb >= min_disk && image.min_ram_mb >= min_ram)
        .filter(|image| name.is_none_or(|name| image.name == name))
        .filter(|image| status.is_none_or(|status| image.status.eq_ignore_ascii_case(status)))
        .collect();
    let page = paginate(
        images,
        |image| image.id.clone(),
        limit,
        query_value(&query, "marker"),
        |_| Fault::bad_request("Invalid marker"),
    )?;
    let body = page.into_body("images", ctx, uri.path(), &query, |image| view(image, ctx));
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
        .catalogue
        .image(&id)
        .ok_or_else(|| Fault::not_found("Image not found."))?;
    Ok(axum::Json(json!({"image": image_view(image, &ctx)})).into_response())
}
