//! `GET /flavors`, `/flavors/detail` (minDisk, minRam, is_public, sort_key, sort_dir, limit,
//! marker) and `/flavors/{id}`.

use std::cmp::Ordering;

use axum::Extension;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Ctx, PathParam, limit_param, paginate, query_pairs, query_value};
use crate::Simulator;
use crate::catalogue::Flavor;
use crate::fault::Fault;

const SORT_KEYS: [&str; 15] = [
    "created_at",
    "description",
    "disabled",
    "ephemeral_gb",
    "flavorid",
    "id",
    "is_public",
    "memory_mb",
    "name",
    "root_gb",
    "rxtx_factor",
    "swap",
    "updated_at",
    "vcpu_weight",
    "vcpus",
];

pub fn flavor_view(flavor: &Flavor, ctx: &Ctx) -> Value {
    let mut view = json!({
        "id": flavor.id,
        "name": flavor.name,
        "ram": flavor.ram_mb,
        "disk": flavor.disk_gb,
        "vcpus": flavor.vcpus,
        "swap": "",
        "rxtx_factor": 1.0,
        "OS-FLV-EXT-DATA:ephemeral": flavor.ephemeral_gb,
        "OS-FLV-DISABLED:disabled": flavor.disabled,
        "os-flavor-access:is_public": flavor.is_public,
        "links": ctx.links(&format!("flavors/{}", flavor.id)),
    });
    add_versioned_fields(&mut view, flavor, ctx, true);
    view
}

fn add_versioned_fields(view: &mut Value, flavor: &Flavor, ctx: &Ctx, with_extra_specs: bool) {
    if ctx.since(55) {
        view["description"] = json!(flavor.description);
    }
    if with_extra_specs && ctx.since(61) {
        view["extra_specs"] = extra_specs(flavor);
    }
}

pub fn extra_specs(flavor: &Flavor) -> Value {
    Value::Object(
        flavor
            .extra_specs
            .iter()
            .map(|(key, value)| (key.clone(), json!(value)))
            .collect(),
    )
}

fn summary_view(flavor: &Flavor, ctx: &Ctx) -> Value {
    let mut view = json!({
        "id": flavor.id,
        "name": flavor.name,
        "links": ctx.links(&format!("flavors/{}", flavor.id)),
    });
    add_versioned_fields(&mut view, flavor, ctx, false);
    view
}

/// Flavor filters and order from the query string, checked as Nova checks them.
struct Listing {
    min_ram: u64,
    min_disk: u64,
    /// None: public and private.
    is_public: Option<bool>,
    sort_key: String,
    descending: bool,
}

fn parse_listing(query: &[(String, String)]) -> Result<Listing, Fault> {
    let number = |name: &str| -> Result<u64, Fault> {
        match query_value(query, name) {
            None => Ok(0),
            Some(text) => text
                .parse::<u64>()
                .map_err(|_| Fault::bad_request(format!("Invalid {name} filter [{text}]"))),
        }
    };
    let is_public = match query_value(query, "is_public") {
        None => Some(true),
        Some(text) if text.eq_ignore_ascii_case("none") => None,
        Some(text) => Some(
            parse_bool(text)
                .ok_or_else(|| Fault::bad_request(format!("Invalid is_public filter [{text}]")))?,
        ),
    };
    let sort_key = query_value(query, "sort_key").unwrap_or("flavorid");
    if !SORT_KEYS.contains(&sort_key) {
        return Err(Fault::invalid_query(
            "sort_key",
            sort_key,
            &format!("'{sort_key}' is not one of {}", python_list(&SORT_KEYS)),
        ));
    }
    let descending = match query_value(query, "sort_dir").unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        other => {
            return Err(Fault::invalid_query(
                "sort_dir",
                other,
                &format!("'{other}' is not one of ['asc', 'desc']"),
            ));
        }
    };
    Ok(Listing {
        min_ram: number("minRam")?,
        min_disk: number("minDisk")?,
        is_public,
        sort_key: sort_key.to_owned(),
        descending,
    })
}

fn python_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// oslo's strict bool_from_string.
fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Some(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Some(false),
        _ => None,
    }
}

fn compare(a: &Flavor, b: &Flavor, key: &str) -> Ordering {
    let primary = match key {
        "name" => a.name.cmp(&b.name),
        "memory_mb" => a.ram_mb.cmp(&b.ram_mb),
        "vcpus" => a.vcpus.cmp(&b.vcpus),
        "root_gb" => a.disk_gb.cmp(&b.disk_gb),
        "ephemeral_gb" => a.ephemeral_gb.cmp(&b.ephemeral_gb),
        "is_public" => a.is_public.cmp(&b.is_public),
        "disabled" => a.disabled.cmp(&b.disabled),
        "description" => a.description.cmp(&b.description),
        // Every other key is equal for all flavors here (same times, swap, rxtx).
        _ => Ordering::Equal,
    };
    primary.then_with(|| a.id.cmp(&b.id))
}

fn list(
    simulator: &Simulator,
    ctx: &Ctx,
    uri: &Uri,
    view: fn(&Flavor, &Ctx) -> Value,
) -> Result<Response, Fault> {
    let query = query_pairs(uri);
    let listing = parse_listing(&query)?;
    let limit = limit_param(&query)?;
    let state = simulator.state();
    let mut flavors: Vec<&Flavor> = state
        .catalogue
        .flavors
        .iter()
        .filter(|flavor| flavor.ram_mb >= listing.min_ram && flavor.disk_gb >= listing.min_disk)
        .filter(|flavor| {
            listing
                .is_public
                .is_none_or(|public| flavor.is_public == public)
        })
        .collect();
    flavors.sort_by(|a, b| {
        let order = compare(a, b, &listing.sort_key);
        if listing.descending {
            order.reverse()
        } else {
            order
        }
    });
    let page = paginate(
        flavors,
        |flavor| flavor.id.clone(),
        limit,
        query_value(&query, "marker"),
        |marker| Fault::bad_request(format!("marker [{marker}] not found")),
    )?;
    let body = page.into_body("flavors", ctx, uri.path(), &query, |flavor| {
        view(flavor, ctx)
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
    list(&simulator, &ctx, &uri, flavor_view)
}

pub async fn show(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    let state = simulator.state();
    let flavor = state
        .catalogue
        .flavor(&id)
        .ok_or_else(|| Fault::not_found(format!("Flavor {id} could not be found.")))?;
    Ok(axum::Json(json!({"flavor": flavor_view(flavor, &ctx)})).into_response())
}
