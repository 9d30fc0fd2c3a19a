//! The Cinder block storage v3 subset under `/volume`, as a project member sees it:
//!
//! - `/` (300) and `/v3/`: the version documents (3.0 to [`MAX_VERSION`]).
//! - `/v3/{project_id}/volumes` (`GET` summary, `POST` an empty volume), `volumes/detail`
//!   (`limit`/`marker` paging with `volumes_links`, filters `status`, `name`, `bootable`,
//!   `availability_zone`), `volumes/{id}` (`GET`, `DELETE` when available).
//! - `types`, `types/default`, `types/{id}`: ECS's disk types ([`store::VOLUME_TYPES`]).
//! - `os-quota-sets/{project_id}[?usage=true]` and `limits`: the volume quota
//!   ([`crate::VolumeQuota`]), boot volumes included.
//!
//! Microversions come in `OpenStack-API-Version: volume 3.N` (none: 3.0; `latest`: the
//! maximum) and are echoed on every answer under `/v3`, with `Vary`; errors are Cinder's faults
//! (`{"badRequest": {"code", "message"}}`, 413 `overLimit` with `retryAfter`).

mod error;
mod quota;
mod store;
mod types;
mod volumes;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::Simulator;
use crate::service_auth;

pub use error::CinderError;
pub use store::{
    AttachError, DetachError, NewVolumeRecord, VolumeRecord, Volumes, default_volume_type,
    volume_type,
};

/// The newest microversion, as Cinder's `_MAX_API_VERSION` at the reference commit.
pub const MAX_VERSION: Version = Version(71);
const UPDATED: &str = "2023-08-31T00:00:00Z";
const VERSION_HEADER: &str = "openstack-api-version";

/// A Cinder 3.x microversion (the minor number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u16);

impl Version {
    pub fn since(self, minor: u16) -> bool {
        self.0 >= minor
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "3.{}", self.0)
    }
}

/// What every `/v3/{project_id}` handler knows about its request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub version: Version,
    pub project_id: String,
    pub user_id: String,
    /// `http://host:port/volume`, as the client reached us.
    pub base: String,
}

impl Ctx {
    /// `{base}/v3/{project_id}/{path}`
    pub fn self_link(&self, path: &str) -> String {
        format!("{}/v3/{}/{path}", self.base, self.project_id)
    }

    /// Cinder's version-less bookmark: `{base}/{project_id}/{path}`.
    pub fn links(&self, path: &str) -> Value {
        json!([
            {"href": self.self_link(path), "rel": "self"},
            {"href": format!("{}/{}/{path}", self.base, self.project_id), "rel": "bookmark"}
        ])
    }
}

pub fn router(simulator: Simulator) -> Router {
    // Everything under /v3 passes keystonemiddleware, as in Cinder's paste pipeline.
    let v3 = Router::new()
        .route("/v3/", get(v3_versions))
        .route(
            "/v3/{project}/volumes",
            get(volumes::index).post(volumes::create),
        )
        .route("/v3/{project}/volumes/detail", get(volumes::detail))
        .route(
            "/v3/{project}/volumes/{id}",
            get(volumes::show).delete(volumes::delete),
        )
        .route("/v3/{project}/types", get(types::index))
        .route("/v3/{project}/types/{id}", get(types::show))
        .route("/v3/{project}/os-quota-sets/{target}", get(quota::show))
        .route("/v3/{project}/limits", get(quota::limits))
        .fallback(|| async { CinderError::unknown_resource() })
        .method_not_allowed_fallback(|| async {
            CinderError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "The server could not comply with the request since it is either malformed or otherwise incorrect.",
            )
        })
        .layer(middleware::from_fn_with_state(simulator.clone(), versioned))
        .layer(middleware::from_fn_with_state(
            simulator.clone(),
            service_auth::require_token,
        ));
    Router::new()
        .route("/", get(all_versions))
        .merge(v3)
        .with_state(simulator)
}

/// `GET /`: every version, 300 Multiple Choices, as Cinder answers an unversioned URL.
async fn all_versions(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    (
        StatusCode::MULTIPLE_CHOICES,
        axum::Json(version_list(&simulator, &headers)),
    )
        .into_response()
}

/// `GET /v3/`: the same document, 200 (Cinder's `VersionsController.index`).
async fn v3_versions(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    axum::Json(version_list(&simulator, &headers)).into_response()
}

fn version_list(simulator: &Simulator, headers: &HeaderMap) -> Value {
    let href = format!("{}/volume/v3/", simulator.public_base(headers));
    json!({"versions": [{
        "id": "v3.0",
        "status": "CURRENT",
        "version": MAX_VERSION.to_string(),
        "min_version": "3.0",
        "updated": UPDATED,
        "links": [
            {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
            {"rel": "self", "href": href}
        ],
        "media-types": [{
            "base": "application/json",
            "type": "application/vnd.openstack.volume+json;version=3"
        }]
    }]})
}

/// Why a requested microversion cannot be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionError {
    /// Not `3.N` (400).
    InvalidFormat(String),
    /// Outside 3.0..=max (406).
    Unsupported(String),
    /// The header names no `volume` version (400, as Cinder's unhandled `Invalid`).
    NoVolumeVersion,
}

/// Cinder's reading of `OpenStack-API-Version`: the first entry naming `volume`.
pub fn negotiate(headers: &HeaderMap) -> Result<Version, VersionError> {
    let Some(value) = headers.get(VERSION_HEADER) else {
        return Ok(Version(0));
    };
    let text = value.to_str().unwrap_or_default();
    let requested = text
        .split(',')
        .find(|entry| entry.contains("volume"))
        .and_then(|entry| {
            let mut words = entry.split_whitespace();
            let _service = words.next();
            words.next()
        })
        .ok_or(VersionError::NoVolumeVersion)?;
    if requested == "latest" {
        return Ok(MAX_VERSION);
    }
    let parse = |part: &str| {
        part.parse::<u16>()
            .ok()
            .filter(|_| !part.starts_with('+') && !part.is_empty())
    };
    let (major, minor) = requested
        .split_once('.')
        .and_then(|(major, minor)| Some((parse(major)?, parse(minor)?)))
        .ok_or_else(|| VersionError::InvalidFormat(requested.to_owned()))?;
    if major != 3 || minor > MAX_VERSION.0 {
        return Err(VersionError::Unsupported(format!("{major}.{minor}")));
    }
    Ok(Version(minor))
}

/// Negotiates the microversion and checks the URL's project against the token's, then stamps
/// `OpenStack-API-Version: volume 3.N` and `Vary` on the answer, as Cinder does.
async fn versioned(
    State(simulator): State<Simulator>,
    mut request: Request,
    next: Next,
) -> Response {
    let version = match negotiate(request.headers()) {
        Ok(version) => version,
        Err(VersionError::InvalidFormat(text)) => {
            return CinderError::bad_request(format!(
                "API Version String {text} is of invalid format. Must be of format MajorNum.MinorNum."
            ))
            .into_response();
        }
        Err(VersionError::Unsupported(text)) => {
            return CinderError::new(
                StatusCode::NOT_ACCEPTABLE,
                format!(
                    "Version {text} is not supported by the API. Minimum is 3.0 and maximum is {MAX_VERSION}."
                ),
            )
            .into_response();
        }
        Err(VersionError::NoVolumeVersion) => {
            return CinderError::bad_request(
                "The server could not comply with the request since it is either malformed or otherwise incorrect.",
            )
            .into_response();
        }
    };
    let account = simulator.state().account.clone();
    // `/v3/{project}/...`: the segment after the version.
    let url_project = request
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let mut response = if !url_project.is_empty() && url_project != account.project_id {
        CinderError::bad_request("Malformed request url").into_response()
    } else {
        let base = format!("{}/volume", simulator.public_base(request.headers()));
        request.extensions_mut().insert(Ctx {
            version,
            project_id: account.project_id,
            user_id: account.user_id,
            base,
        });
        next.run(request).await
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&format!("volume {version}")) {
        headers.insert(VERSION_HEADER, value);
    }
    headers.insert(
        header::VARY,
        HeaderValue::from_static("OpenStack-API-Version"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(VERSION_HEADER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn microversions_are_read_as_cinder_reads_them() {
        assert_eq!(negotiate(&HeaderMap::new()), Ok(Version(0)));
        assert_eq!(negotiate(&with_header("volume 3.63")), Ok(Version(63)));
        assert_eq!(negotiate(&with_header("volume latest")), Ok(MAX_VERSION));
        assert_eq!(
            negotiate(&with_header("compute 2.1, volume 3.7")),
            Ok(Version(7))
        );
        assert_eq!(
            negotiate(&with_header("volume 3.72")),
            Err(VersionError::Unsupported("3.72".into()))
        );
        assert_eq!(
            negotiate(&with_header("volume 2.0")),
            Err(VersionError::Unsupported("2.0".into()))
        );
        assert_eq!(
            negotiate(&with_header("volume 3.x")),
            Err(VersionError::InvalidFormat("3.x".into()))
        );
        assert_eq!(
            negotiate(&with_header("compute 2.1")),
            Err(VersionError::NoVolumeVersion)
        );
        assert_eq!(Version(48).to_string(), "3.48");
    }
}
