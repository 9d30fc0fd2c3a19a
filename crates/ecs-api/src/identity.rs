//! Keystone v3 token responses. The token id is not in the body: Keystone returns it in the
//! `X-Subject-Token` response header, so a [`Token`] is built from the header and the body.

use serde::{Deserialize, Serialize};

use crate::error::DecodeError;
use crate::{Secret, timestamp};

/// Response header carrying the issued token id.
pub const SUBJECT_TOKEN_HEADER: &str = "X-Subject-Token";
/// Request header that authenticates API calls with a token.
pub const AUTH_TOKEN_HEADER: &str = "X-Auth-Token";

/// The body of `POST /v3/auth/tokens`: `{"token": {...}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TokenResponse {
    pub token: TokenBody,
}

/// What Keystone says about a token.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TokenBody {
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub methods: Vec<String>,
    /// ISO 8601, e.g. `2026-11-27T14:00:00.000000Z`.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub expires_at: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub issued_at: Option<String>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub user: User,
    /// Absent for an unscoped token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<Project>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub roles: Vec<Role>,
    /// Absent with `?nocatalog`, or for unscoped tokens.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub catalog: Vec<CatalogEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct User {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Domain>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Project {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Domain>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Domain {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Role {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
}

/// Catalog service types the console uses.
pub mod service_type {
    /// Nova v2.1.
    pub const COMPUTE: &str = "compute";
    /// Glance v2.
    pub const IMAGE: &str = "image";
    /// Neutron v2.0.
    pub const NETWORK: &str = "network";
    /// Keystone v3.
    pub const IDENTITY: &str = "identity";
}

/// One service in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogEntry {
    #[serde(
        rename = "type",
        default,
        deserialize_with = "crate::de::string_or_empty"
    )]
    pub service_type: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Endpoint {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub id: Option<String>,
    /// `public`, `internal` or `admin`.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub interface: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub region: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub region_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub url: String,
}

impl Endpoint {
    fn in_region(&self, region: &str) -> bool {
        self.region_id.as_deref() == Some(region) || self.region.as_deref() == Some(region)
    }
}

/// The URL of the `interface` endpoint of the first service of `service_type`, in `region`
/// when given (otherwise the first region listed).
pub fn find_endpoint<'a>(
    catalog: &'a [CatalogEntry],
    service_type: &str,
    interface: &str,
    region: Option<&str>,
) -> Option<&'a str> {
    catalog
        .iter()
        .filter(|entry| entry.service_type == service_type)
        .flat_map(|entry| entry.endpoints.iter())
        .find(|endpoint| {
            endpoint.interface == interface
                && region.is_none_or(|region| endpoint.in_region(region))
        })
        .map(|endpoint| endpoint.url.as_str())
}

/// An issued token: the secret id from `X-Subject-Token` plus what the body says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub id: Secret,
    pub body: TokenBody,
}

impl Token {
    /// Builds a token from the `X-Subject-Token` header value and the response body.
    pub fn from_response(subject_token: Option<&str>, body: &[u8]) -> Result<Self, DecodeError> {
        let id = subject_token
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                DecodeError::new(
                    "token",
                    "the response has no X-Subject-Token header (a proxy must pass it through and, for browsers, expose it with Access-Control-Expose-Headers)",
                )
            })?;
        let response: TokenResponse = crate::decode::from_slice("token", body)?;
        Ok(Self {
            id: Secret::new(id),
            body: response.token,
        })
    }

    /// The public compute endpoint (`type: compute`), in `region` when given.
    pub fn compute_endpoint(&self, region: Option<&str>) -> Option<&str> {
        find_endpoint(&self.body.catalog, service_type::COMPUTE, "public", region)
    }

    /// The public image endpoint (`type: image`, Glance v2), in `region` when given; `None`
    /// when the cloud has no Glance in its catalog (or lists it without a URL): use Nova's image
    /// proxy then.
    pub fn image_endpoint(&self, region: Option<&str>) -> Option<&str> {
        self.optional_service_endpoint(service_type::IMAGE, region)
    }

    /// The public network endpoint (`type: network`, Neutron v2.0), in `region` when given;
    /// `None` when the cloud has no Neutron in its catalog (or lists it without a URL): use
    /// Nova's network proxy then.
    pub fn network_endpoint(&self, region: Option<&str>) -> Option<&str> {
        self.optional_service_endpoint(service_type::NETWORK, region)
    }

    /// The public endpoint of `service_type` with the same rules as
    /// [`Token::compute_endpoint`]: the first service of that type, its `public` interface, in
    /// `region` when given (otherwise the first region listed).
    pub fn service_endpoint(&self, service_type: &str, region: Option<&str>) -> Option<&str> {
        find_endpoint(&self.body.catalog, service_type, "public", region)
    }

    /// A service the console can do without: an empty URL means the cloud does not offer it.
    fn optional_service_endpoint(&self, service_type: &str, region: Option<&str>) -> Option<&str> {
        self.service_endpoint(service_type, region)
            .filter(|url| !url.trim().is_empty())
    }

    /// Regions offering a public compute endpoint, in catalog order, without duplicates.
    pub fn compute_regions(&self) -> Vec<&str> {
        let mut regions: Vec<&str> = Vec::new();
        let compute = self
            .body
            .catalog
            .iter()
            .filter(|entry| entry.service_type == "compute");
        for endpoint in compute.flat_map(|entry| entry.endpoints.iter()) {
            let region = endpoint.region_id.as_deref().or(endpoint.region.as_deref());
            if let Some(region) = region.filter(|_| endpoint.interface == "public")
                && !regions.contains(&region)
            {
                regions.push(region);
            }
        }
        regions
    }

    pub fn project(&self) -> Option<&Project> {
        self.body.project.as_ref()
    }

    /// Expiry as Unix seconds; `None` when `expires_at` cannot be parsed.
    pub fn expires_at_unix(&self) -> Option<i64> {
        timestamp::parse_unix_seconds(&self.body.expires_at)
    }

    /// True when the token expires within `margin_seconds` of `now_unix` (or its expiry is
    /// unreadable: better to re-authenticate than to fail mid-operation).
    pub fn is_expired(&self, now_unix: i64, margin_seconds: i64) -> bool {
        self.expires_at_unix()
            .is_none_or(|expiry| expiry - margin_seconds <= now_unix)
    }
}
