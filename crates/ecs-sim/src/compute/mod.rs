//! The Nova v2.1 subset under `/compute`: version documents and the project-scoped API.

mod boot_log;
mod console_output;
mod flavors;
pub(crate) mod guest;
mod images;
mod keypairs;
mod limits;
mod networks;
mod remote_consoles;
mod security_groups;
mod server_actions;
mod server_create;
mod server_password;
mod server_query;
mod servers;
mod versions;
mod volume_attachments;
mod zones;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;

use crate::Simulator;
use crate::fault::{Fault, KeystoneError};
use crate::microversion::{self, Microversion, NegotiationError};

/// Collections served under `/compute/v2.1`; any other first segment is a project id.
const COLLECTIONS: [&str; 8] = [
    "servers",
    "flavors",
    "images",
    "os-keypairs",
    "os-availability-zone",
    "os-networks",
    "os-security-groups",
    "limits",
];

/// What every compute handler knows about its request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub version: Microversion,
    pub project_id: String,
    pub user_id: String,
    /// `http://host:port`, as the client reached us.
    pub base: String,
    /// Nova puts the project id in links only when the request URL had it.
    pub project_in_url: bool,
}

impl Ctx {
    /// The request's microversion is 2.`minor` or later.
    pub fn since(&self, minor: u16) -> bool {
        self.version >= Microversion::new(2, minor)
    }

    /// `{base}/compute/v2.1[/{project}]/{path}`
    pub fn self_link(&self, path: &str) -> String {
        format!(
            "{}/compute/v2.1{}/{path}",
            self.base,
            self.project_segment()
        )
    }

    /// `{base}/compute[/{project}]/{path}` (Nova's version-less bookmark)
    pub fn bookmark_link(&self, path: &str) -> String {
        format!("{}/compute{}/{path}", self.base, self.project_segment())
    }

    pub fn links(&self, path: &str) -> Value {
        serde_json::json!([
            {"href": self.self_link(path), "rel": "self"},
            {"href": self.bookmark_link(path), "rel": "bookmark"}
        ])
    }

    fn project_segment(&self) -> String {
        if self.project_in_url {
            format!("/{}", self.project_id)
        } else {
            String::new()
        }
    }
}

/// The one `{id}` or `{name}` path parameter, percent-decoded. Bytes that are not UTF-8 become
/// U+FFFD, so the handler answers Nova's 404 for a thing that does not exist, as Nova does,
/// instead of axum's plain-text 400 (its `Path` extractors refuse such parameters).
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = Fault;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let route = MatchedPath::from_request_parts(parts, state)
            .await
            .map_err(|_| Fault::unknown_resource())?;
        // Only literal segments follow the parameter, so it sits as far from the end of the
        // request path as it does from the end of the route, whatever prefix was stripped.
        let from_end = route
            .as_str()
            .rsplit('/')
            .position(|segment| segment.starts_with('{'))
            .ok_or_else(Fault::unknown_resource)?;
        let raw = parts
            .uri
            .path()
            .rsplit('/')
            .nth(from_end)
            .ok_or_else(Fault::unknown_resource)?;
        Ok(Self(
            percent_encoding::percent_decode_str(raw)
                .decode_utf8_lossy()
                .into_owned(),
        ))
    }
}

/// The raw request body. One axum cannot buffer (over its size limit) gets Nova's `overLimit`
/// fault rather than axum's plain-text answer.
pub struct RequestBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RequestBody {
    type Rejection = Fault;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(request, state)
            .await
            .map(Self)
            .map_err(|rejection| Fault::new(rejection.status(), rejection.body_text()))
    }
}

pub fn router(simulator: Simulator) -> Router {
    let api = Router::new()
        .route("/", get(versions::show))
        .route("/os-availability-zone", get(zones::index))
        .route("/os-availability-zone/detail", get(zones::detail))
        .route("/flavors", get(flavors::index))
        .route("/flavors/detail", get(flavors::detail))
        .route("/flavors/{id}", get(flavors::show))
        .route("/images", get(images::index))
        .route("/images/detail", get(images::detail))
        .route("/images/{id}", get(images::show).delete(images::delete))
        .route("/os-networks", get(networks::index))
        .route("/os-networks/{id}", get(networks::show))
        .route("/os-security-groups", get(security_groups::index))
        .route("/os-security-groups/{id}", get(security_groups::show))
        .route("/os-keypairs", get(keypairs::index).post(keypairs::create))
        .route(
            "/os-keypairs/{name}",
            get(keypairs::show).delete(keypairs::delete),
        )
        .route("/servers", get(servers::index).post(servers::create))
        .route("/servers/detail", get(servers::detail))
        .route(
            "/servers/{id}",
            get(servers::show)
                .put(server_actions::update)
                .delete(servers::delete),
        )
        .route("/servers/{id}/action", post(servers::action))
        .route(
            "/servers/{id}/os-security-groups",
            get(security_groups::server_index),
        )
        .route(
            "/servers/{id}/remote-consoles",
            post(remote_consoles::create),
        )
        .route(
            "/servers/{id}/os-server-password",
            get(server_password::show).delete(server_password::clear),
        )
        .route(
            "/servers/{id}/os-volume_attachments",
            get(volume_attachments::index).post(volume_attachments::create),
        )
        .route(
            "/servers/{id}/os-volume_attachments/{volume_id}",
            get(volume_attachments::show).delete(volume_attachments::delete),
        )
        .route("/limits", get(limits::show))
        .fallback(|| async { Fault::unknown_resource() })
        .method_not_allowed_fallback(|| async {
            Fault::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "The method specified is not allowed for this resource.",
            )
        })
        .with_state(simulator.clone());
    let versioned = tower::ServiceBuilder::new()
        .layer(middleware::from_fn_with_state(
            simulator.clone(),
            versioned_context,
        ))
        .service(api);
    Router::new()
        .route("/compute", get(versions::index))
        .route("/compute/", get(versions::index))
        .nest_service("/compute/v2.1", versioned)
        // Where a remote console URL leads: Nova's noVNC proxy, a service of its own.
        .route(remote_consoles::PAGE_PATH, get(remote_consoles::page))
        .with_state(simulator)
}

/// Authenticates, negotiates the microversion, strips the project id from the path (recording
/// it for links) and stamps Nova's microversion headers on its responses as Nova does: the
/// served version, or the requested one on a 406; none on a 401 (keystonemiddleware answers
/// before Nova looks at the version) nor on a version that cannot be parsed.
async fn versioned_context(
    State(simulator): State<Simulator>,
    mut request: Request,
    next: Next,
) -> Response {
    let request_id = format!("req-{}", uuid::Uuid::new_v4());
    let negotiated = microversion::negotiate(request.headers());
    let prepared = prepare(
        &simulator,
        &mut request,
        *negotiated.as_ref().unwrap_or(&microversion::MIN),
    );
    let (stamped, mut response) = match (negotiated, prepared) {
        (_, Err(response)) if response.status() == axum::http::StatusCode::UNAUTHORIZED => {
            (None, *response)
        }
        (Err(NegotiationError::InvalidFormat(text)), _) => (
            None,
            Fault::bad_request(NegotiationError::InvalidFormat(text).to_string()).into_response(),
        ),
        (Err(NegotiationError::Unsupported(requested)), _) => {
            let fault = Fault::new(
                axum::http::StatusCode::NOT_ACCEPTABLE,
                NegotiationError::Unsupported(requested.clone()).to_string(),
            );
            (Some(requested), fault.into_response())
        }
        (Ok(version), Err(response)) => (Some(version.to_string()), *response),
        (Ok(version), Ok(())) => (Some(version.to_string()), next.run(request).await),
    };
    let headers = response.headers_mut();
    if let Some(version) = stamped {
        if let Ok(value) = HeaderValue::from_str(&format!("compute {version}")) {
            headers.insert("openstack-api-version", value);
        }
        if let Ok(value) = HeaderValue::from_str(&version) {
            headers.insert("x-openstack-nova-api-version", value);
        }
        headers.append(
            header::VARY,
            HeaderValue::from_static("OpenStack-API-Version"),
        );
        headers.append(
            header::VARY,
            HeaderValue::from_static("X-OpenStack-Nova-API-Version"),
        );
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert("x-compute-request-id", value.clone());
        headers.insert("x-openstack-request-id", value);
    }
    response
}

fn prepare(
    simulator: &Simulator,
    request: &mut Request,
    version: Microversion,
) -> Result<(), Box<Response>> {
    let path = request.uri().path().to_owned();
    let trimmed = path.trim_start_matches('/');
    let first = trimmed.split('/').next().unwrap_or_default();
    let is_version_document = trimmed.is_empty();
    let (project_in_url, rest) = if first.is_empty() || COLLECTIONS.contains(&first) {
        (None, path.clone())
    } else {
        let rest = &trimmed[first.len()..];
        (
            Some(first.to_owned()),
            if rest.is_empty() {
                "/".to_owned()
            } else {
                rest.to_owned()
            },
        )
    };
    let base = simulator.public_base(request.headers());
    let account = simulator.state().account.clone();
    let mut ctx = Ctx {
        version,
        project_id: account.project_id.clone(),
        user_id: account.user_id.clone(),
        base,
        project_in_url: project_in_url.is_some(),
    };
    if !is_version_document {
        let token = request
            .headers()
            .get("x-auth-token")
            .and_then(|value| value.to_str().ok())
            .and_then(|token| simulator.valid_token(token))
            .filter(|record| record.scoped);
        if token.is_none() {
            let mut response = KeystoneError::unauthorized().into_response();
            let challenge = format!("Keystone uri=\"{}/identity\"", ctx.base);
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
            return Err(Box::new(response));
        }
        if let Some(url_project) = &project_in_url
            && *url_project != account.project_id
        {
            return Err(Box::new(
                Fault::bad_request(format!(
                    "Malformed request URL: URL's project_id '{url_project}' doesn't match Context's project_id '{}'",
                    account.project_id
                ))
                .into_response(),
            ));
        }
    }
    if project_in_url.is_some() {
        let query = request
            .uri()
            .query()
            .map(|query| format!("?{query}"))
            .unwrap_or_default();
        let rewritten: Uri = format!("{rest}{query}")
            .parse()
            .map_err(|_| Box::new(Fault::unknown_resource().into_response()))?;
        *request.uri_mut() = rewritten;
    }
    ctx.project_in_url = project_in_url.is_some();
    request.extensions_mut().insert(ctx);
    Ok(())
}

/// Parses a JSON request body as Nova does: a non-JSON Content-Type gets 415, bad JSON 400.
pub fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, Fault> {
    if let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        if !essence.is_empty()
            && !essence.eq_ignore_ascii_case("application/json")
            && !essence.eq_ignore_ascii_case("application/vnd.openstack.compute+json")
        {
            return Err(Fault::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Content-Type",
            ));
        }
    }
    serde_json::from_slice(body).map_err(|_| Fault::malformed_body())
}

/// A JSON object as Nova's schemas describe it: only `allowed` keys and every `required` one.
pub fn schema_object<'a>(
    path: &str,
    value: &'a Value,
    allowed: &[&str],
    required: &[&str],
) -> Result<&'a serde_json::Map<String, Value>, Fault> {
    let object = value.as_object().ok_or_else(|| {
        Fault::invalid_field(path, value, &format!("{value} is not of type 'object'"))
    })?;
    if let Some(extra) = object.keys().find(|key| !allowed.contains(&key.as_str())) {
        return Err(Fault::unexpected_property(path, value, extra));
    }
    if let Some(missing) = required.iter().find(|key| !object.contains_key(**key)) {
        return Err(Fault::invalid_field(
            path,
            value,
            &format!("'{missing}' is a required property"),
        ));
    }
    Ok(object)
}

/// A value that failed Nova's request schema at `path`. Nova's message shows the value with
/// Python's `str()`: a string as it is, anything else as Python's repr.
pub fn field_fault(path: &str, value: &Value, reason: &str) -> Fault {
    match value {
        Value::String(text) => Fault::bad_request(format!(
            "Invalid input for field/attribute {path}. Value: {text}. {reason}"
        )),
        other => Fault::invalid_field(path, other, reason),
    }
}

/// A scalar as Python's repr shows it in jsonschema's messages (`None`, `True`, `'text'`, `5`).
pub fn python_value(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::String(text) => format!("'{text}'"),
        other => other.to_string(),
    }
}

/// One page of a collection plus the `<collection>_links` next link Nova adds.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_marker: Option<String>,
}

/// Nova's limit/marker paging: a next link when the page is exactly full.
pub fn paginate<T>(
    items: Vec<T>,
    id_of: impl Fn(&T) -> String,
    limit: Option<usize>,
    marker: Option<&str>,
    bad_marker: impl FnOnce(&str) -> Fault,
) -> Result<Page<T>, Fault> {
    const MAX_LIMIT: usize = 1000;
    let start = match marker {
        None => 0,
        Some(marker) => match items.iter().position(|item| id_of(item) == marker) {
            Some(index) => index + 1,
            None => return Err(bad_marker(marker)),
        },
    };
    let limit = match limit {
        None | Some(0) => MAX_LIMIT,
        Some(limit) => limit.min(MAX_LIMIT),
    };
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let next_marker = (page.len() == limit)
        .then(|| page.last().map(&id_of))
        .flatten();
    Ok(Page {
        items: page,
        next_marker,
    })
}

impl<T> Page<T> {
    /// `{"<collection>": [views], "<collection>_links": [next]}` as Nova renders a page of
    /// `path` (the collection path as requested, e.g. `flavors/detail`).
    pub fn into_body(
        self,
        collection: &str,
        ctx: &Ctx,
        path: &str,
        query: &[(String, String)],
        view: impl Fn(&T) -> Value,
    ) -> Value {
        let mut body =
            serde_json::json!({ collection: self.items.iter().map(view).collect::<Vec<_>>() });
        if let Some(marker) = self.next_marker {
            body[format!("{collection}_links")] =
                next_link(ctx, path.trim_start_matches('/'), query, &marker);
        }
        body
    }
}

/// The `next` link: original query sorted by name with `marker` replaced or appended.
pub fn next_link(
    ctx: &Ctx,
    collection_path: &str,
    query: &[(String, String)],
    marker: &str,
) -> Value {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(key, _)| key != "marker")
        .cloned()
        .collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs.push(("marker".to_owned(), marker.to_owned()));
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    serde_json::json!([{"href": format!("{}?{encoded}", ctx.self_link(collection_path)), "rel": "next"}])
}

/// Parses a query string into ordered pairs.
pub fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// The last value given for `name` (Nova reads repeated parameters as lists and uses the last).
pub fn query_value<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// `limit` as Nova's query schema checks it: a non-negative integer.
pub fn limit_param(query: &[(String, String)]) -> Result<Option<usize>, Fault> {
    match query_value(query, "limit") {
        None => Ok(None),
        Some(text) => text.parse::<usize>().map(Some).map_err(|_| {
            Fault::invalid_query(
                "limit",
                text,
                &format!("'{text}' does not match '^[0-9]*$'"),
            )
        }),
    }
}

/// Nova time stamps: `2024-01-02T03:04:05Z`.
pub fn iso_time(at: time::OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.format(&format).unwrap_or_default()
}

/// Nova's naive datetimes with microseconds and no zone (launched_at, key pair created_at).
pub fn naive_time(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"
    );
    at.format(&format).unwrap_or_default()
}
