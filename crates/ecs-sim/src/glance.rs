//! The Glance v2 subset under `/image`: the version list, `GET /v2/images` (filters, sorting,
//! `limit`/`marker` paging with a `next` link) and `GET /v2/images/{id}`, serving the images of
//! Nova's image proxy (same ids) as Glance shows them: snake_case fields, lowercase status,
//! and the image properties (Huawei's `__os_type`, ..., or `os_distro`, `os_admin_user`, ...)
//! as top-level strings; with the servers' snapshots (private to the project, `queued` →
//! `saving` → `active` while Nova uploads them).

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::Simulator;
use crate::json_order::compare_by;
use crate::service_auth;
use crate::state::{ImageRef, State as SimState};

/// Glance's `limit_param_default` and `api_limit_max`.
const DEFAULT_LIMIT: usize = 25;
const MAX_LIMIT: usize = 1000;

/// Glance's `_available_sort_keys`.
const SORT_KEYS: [&str; 8] = [
    "name",
    "status",
    "container_format",
    "disk_format",
    "size",
    "id",
    "created_at",
    "updated_at",
];

pub fn router(simulator: Simulator) -> Router {
    let api = Router::new()
        .route("/v2/images", get(list))
        .route("/v2/images/{id}", get(show))
        .fallback(|| async {
            GlanceError::new(StatusCode::NOT_FOUND, "The resource could not be found.")
        })
        .method_not_allowed_fallback(|| async {
            GlanceError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "The method is not allowed for this resource.",
            )
        })
        .layer(middleware::from_fn_with_state(
            simulator.clone(),
            service_auth::require_token,
        ));
    Router::new()
        .route("/", get(versions))
        .route("/versions", get(explicit_versions))
        .merge(api)
        .with_state(simulator)
}

/// A webob HTTP error as Glance sends it to a client that accepts JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct GlanceError {
    status: StatusCode,
    explanation: String,
}

impl GlanceError {
    pub fn new(status: StatusCode, explanation: impl Into<String>) -> Self {
        Self {
            status,
            explanation: explanation.into(),
        }
    }

    fn bad_request(explanation: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, explanation)
    }
}

impl IntoResponse for GlanceError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let body = json!({
            "code": format!("{} {title}", self.status.as_u16()),
            "title": title,
            // webob's body template: explanation, two breaks, the (empty) detail and comment.
            "message": format!("{}<br /><br />\n\n", self.explanation),
        });
        (self.status, axum::Json(body)).into_response()
    }
}

fn version_list(simulator: &Simulator, headers: &HeaderMap) -> Value {
    let href = format!("{}/image/v2/", simulator.public_base(headers));
    // As Glance lists them with an image cache and without multiple stores.
    let versions: Vec<Value> = [
        ("2.18", "CURRENT"),
        ("2.17", "SUPPORTED"),
        ("2.16", "SUPPORTED"),
        ("2.15", "SUPPORTED"),
        ("2.14", "SUPPORTED"),
        ("2.9", "SUPPORTED"),
        ("2.7", "SUPPORTED"),
        ("2.6", "SUPPORTED"),
        ("2.5", "SUPPORTED"),
        ("2.4", "SUPPORTED"),
        ("2.3", "SUPPORTED"),
        ("2.2", "SUPPORTED"),
        ("2.1", "SUPPORTED"),
        ("2.0", "SUPPORTED"),
    ]
    .into_iter()
    .map(|(version, status)| {
        json!({"id": format!("v{version}"), "status": status, "links": [{"rel": "self", "href": href}]})
    })
    .collect();
    json!({"versions": versions})
}

/// `GET /`: 300 Multiple Choices, as Glance answers an unversioned URL.
async fn versions(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    (
        StatusCode::MULTIPLE_CHOICES,
        axum::Json(version_list(&simulator, &headers)),
    )
        .into_response()
}

/// `GET /versions`: the same list, 200.
async fn explicit_versions(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    axum::Json(version_list(&simulator, &headers)).into_response()
}

fn image_view(image: ImageRef<'_>, state: &SimState, now: OffsetDateTime) -> Value {
    let status = image.glance_status(now);
    // An image still uploading has no data yet: no size, no checksum.
    let size = image.size_bytes(now);
    let owner = if image.visibility() == "public" {
        &state.catalogue.admin_project_id
    } else {
        &state.account.project_id
    };
    let checksum = size.map(|size| {
        // A snapshot of a volume-backed server holds no data: the MD5 of nothing.
        let data = if size == 0 {
            String::new()
        } else {
            format!("ecs-sim image {}", image.id())
        };
        ecs_api::validate::md5_fingerprint(data.as_bytes()).replace(':', "")
    });
    let formats = image.formats(now);
    let mut view = json!({
        "checksum": checksum,
        "container_format": formats.map(|(_, container)| container),
        "created_at": image.created(),
        "disk_format": formats.map(|(disk, _)| disk),
        "file": format!("/v2/images/{}/file", image.id()),
        "id": image.id(),
        "min_disk": image.min_disk_gb(),
        "min_ram": image.min_ram_mb(),
        "name": image.name(),
        // Registered before Glance computed multihashes: only the MD5 checksum.
        "os_hash_algo": null,
        "os_hash_value": null,
        "os_hidden": false,
        "owner": owner,
        "protected": false,
        "schema": "/v2/schemas/image",
        "self": format!("/v2/images/{}", image.id()),
        "size": size,
        "status": status,
        "tags": [],
        "updated_at": image.updated(now),
        "virtual_size": null,
        "visibility": image.visibility(),
    });
    if let Value::Object(fields) = &mut view {
        for (key, value) in image.properties() {
            fields.insert(key.clone(), Value::String(value.clone()));
        }
    }
    view
}

/// Query parameters as webob's `request.params` gives them to Glance: the last value of a
/// repeated name, in the order names first appear.
fn params(uri: &Uri) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = Vec::new();
    for (key, value) in uri
        .query()
        .map(|query| url::form_urlencoded::parse(query.as_bytes()).into_owned())
        .into_iter()
        .flatten()
    {
        match params.iter_mut().find(|(seen, _)| *seen == key) {
            Some(pair) => pair.1 = value,
            None => params.push((key, value)),
        }
    }
    params
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn limit(params: &[(String, String)]) -> Result<usize, GlanceError> {
    match param(params, "limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => match text.trim().parse::<i64>() {
            Err(_) => Err(GlanceError::bad_request("limit param must be an integer")),
            Ok(limit) if limit < 0 => Err(GlanceError::bad_request("limit param must be positive")),
            Ok(limit) => Ok(usize::try_from(limit).unwrap_or(MAX_LIMIT).min(MAX_LIMIT)),
        },
    }
}

/// `sort=key:dir,...` or `sort_key`/`sort_dir`, validated as Glance does; then `created_at`
/// and `id` descending, Glance's default order and tie-break.
fn sorts(params: &[(String, String)]) -> Result<Vec<(String, bool)>, GlanceError> {
    let key = |text: &str| {
        let text = text.trim();
        if SORT_KEYS.contains(&text) {
            Ok(text.to_owned())
        } else {
            Err(GlanceError::bad_request(format!(
                "Invalid sort key: {text}. It must be one of the following: {}.",
                SORT_KEYS.join(", ")
            )))
        }
    };
    let ascending = |text: &str| match text.trim() {
        "asc" => Ok(true),
        "desc" => Ok(false),
        other => Err(GlanceError::bad_request(format!(
            "Invalid sort direction: {other}"
        ))),
    };
    let mut sorts = Vec::new();
    if let Some(sort) = param(params, "sort") {
        if param(params, "sort_key").is_some() || param(params, "sort_dir").is_some() {
            return Err(GlanceError::bad_request(
                "Old and new sorting syntax cannot be combined",
            ));
        }
        for part in sort.split(',') {
            let (name, direction) = part.split_once(':').unwrap_or((part, "desc"));
            sorts.push((key(name)?, ascending(direction)?));
        }
    } else if let Some(name) = param(params, "sort_key") {
        sorts.push((
            key(name)?,
            ascending(param(params, "sort_dir").unwrap_or("desc"))?,
        ));
    }
    for default in ["created_at", "id"] {
        if !sorts.iter().any(|(key, _)| key == default) {
            sorts.push((default.to_owned(), false));
        }
    }
    Ok(sorts)
}

/// Whether `view` passes the filters of the query (any parameter that is not paging, sorting
/// or `member_status` filters an attribute or a property by its exact value).
fn filter(params: &[(String, String)], view: &Value) -> Result<bool, GlanceError> {
    const NOT_FILTERS: [&str; 6] = [
        "limit",
        "marker",
        "sort",
        "sort_key",
        "sort_dir",
        "member_status",
    ];
    for (key, wanted) in params {
        if NOT_FILTERS.contains(&key.as_str()) {
            continue;
        }
        let keep = match key.as_str() {
            "visibility" => match wanted.as_str() {
                "all" => true,
                "community" | "public" | "private" | "shared" => view[key] == wanted.as_str(),
                _ => {
                    return Err(GlanceError::bad_request(format!(
                        "Invalid visibility value: {wanted}"
                    )));
                }
            },
            "os_hidden" | "protected" => match wanted.to_ascii_lowercase().as_str() {
                flag @ ("true" | "false") => view[key] == (flag == "true"),
                _ => {
                    return Err(GlanceError::bad_request(format!(
                        "Invalid value '{wanted}' for '{key}' filter. Valid values are 'true' or 'false'."
                    )));
                }
            },
            "changes-since" => {
                return Err(GlanceError::bad_request(
                    "The \"changes-since\" filter is no longer available on v2.",
                ));
            }
            "size_min" | "size_max" => {
                let bound: u64 = wanted.parse().map_err(|_| {
                    GlanceError::bad_request("Unable to filter using the specified range.")
                })?;
                view["size"].as_u64().is_some_and(|size| {
                    if key == "size_min" {
                        size >= bound
                    } else {
                        size <= bound
                    }
                })
            }
            _ => match &view[key] {
                Value::String(text) => text == wanted,
                Value::Number(number) => number.to_string() == *wanted,
                _ => false,
            },
        };
        if !keep {
            return Ok(false);
        }
    }
    Ok(true)
}

async fn list(State(simulator): State<Simulator>, uri: Uri) -> Result<Response, GlanceError> {
    let params = params(&uri);
    let limit = limit(&params)?;
    let sorts = sorts(&params)?;
    let mut views = Vec::new();
    {
        let now = OffsetDateTime::now_utc();
        let state = simulator.state();
        for image in state.images() {
            let view = image_view(image, &state, now);
            if filter(&params, &view)? {
                views.push(view);
            }
        }
    }
    views.sort_by(|a, b| compare_by(a, b, &sorts));
    let start = match param(&params, "marker") {
        None => 0,
        Some(marker) => {
            views
                .iter()
                .position(|view| view["id"] == marker)
                .ok_or_else(|| {
                    GlanceError::bad_request(format!("No image found with ID {marker}"))
                })?
                + 1
        }
    };
    let page: Vec<Value> = views.into_iter().skip(start).take(limit).collect();
    let mut others: Vec<(String, String)> = params
        .iter()
        .filter(|(key, _)| key != "marker")
        .cloned()
        .collect();
    let encode = |pairs: &[(String, String)]| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    };
    let mut body = Map::new();
    body.insert(
        "first".to_owned(),
        json!(if others.is_empty() {
            "/v2/images".to_owned()
        } else {
            format!("/v2/images?{}", encode(&others))
        }),
    );
    body.insert("schema".to_owned(), json!("/v2/schemas/images"));
    if !page.is_empty()
        && page.len() == limit
        && let Some(last) = page.last().and_then(|view| view["id"].as_str())
    {
        others.push(("marker".to_owned(), last.to_owned()));
        body.insert(
            "next".to_owned(),
            json!(format!("/v2/images?{}", encode(&others))),
        );
    }
    body.insert("images".to_owned(), Value::Array(page));
    Ok(axum::Json(Value::Object(body)).into_response())
}

async fn show(
    State(simulator): State<Simulator>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, GlanceError> {
    let id = path.map(|Path(id)| id).unwrap_or_default();
    let state = simulator.state();
    let image = state.image(&id).ok_or_else(|| {
        GlanceError::new(
            StatusCode::NOT_FOUND,
            format!("No image found with ID {id}"),
        )
    })?;
    Ok(axum::Json(image_view(image, &state, OffsetDateTime::now_utc())).into_response())
}
