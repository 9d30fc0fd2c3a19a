//! URL building for the compute (Nova v2.1), identity (Keystone v3), image (Glance v2) and
//! network (Neutron v2.0) endpoints.
//!
//! Endpoints come from users and catalogs in several spellings; [`ComputeEndpoint::new`]
//! accepts all of them and always builds `{endpoint}/v2.1/{project_id}/...`;
//! [`ImageEndpoint`] builds `{endpoint}/v2/...` and [`NetworkEndpoint`] `{endpoint}/v2.0/...`.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::models::{Link, next_link};

mod image;
mod network;
mod volume;

pub use image::{ImageEndpoint, ImageQuery};
pub use network::NetworkEndpoint;
pub use volume::VolumeEndpoint;

/// Characters escaped in query values and path segments: everything but RFC 3986 unreserved.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path segment or query value.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, ESCAPED).to_string()
}

/// Why an endpoint was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("the endpoint URL is empty")]
    Empty,
    #[error("the endpoint URL {0:?} must not contain spaces, '?' or '#'")]
    InvalidCharacters(String),
    #[error("the endpoint URL {0:?} must start with http://, https:// or '/'")]
    NotAUrl(String),
}

fn check_endpoint(endpoint: &str) -> Result<&str, UrlError> {
    let trimmed = endpoint.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        // A bare "/" means "this origin" (the gateway's proxy routes).
        return if endpoint.trim().starts_with('/') {
            Ok("")
        } else {
            Err(UrlError::Empty)
        };
    }
    if trimmed
        .chars()
        .any(|c| c.is_whitespace() || c == '?' || c == '#')
    {
        return Err(UrlError::InvalidCharacters(endpoint.to_owned()));
    }
    let lower = trimmed.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://") || trimmed.starts_with('/'))
    {
        return Err(UrlError::NotAUrl(endpoint.to_owned()));
    }
    Ok(trimmed)
}

/// The compute API of one project: `{base}/v2.1/{project_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputeEndpoint {
    /// Everything before `/v2.1`.
    base: String,
    project_id: String,
}

/// Catalog URL templates that stand for the project id.
const PROJECT_TEMPLATES: [&str; 4] = [
    "$(tenant_id)s",
    "%(tenant_id)s",
    "$(project_id)s",
    "%(project_id)s",
];

impl ComputeEndpoint {
    /// Accepts `https://host`, `https://host/`, `https://host/v2.1`, `https://host/v2.1/{project_id}`
    /// (catalog style, also with a `%(tenant_id)s` template), a legacy `/v2` (upgraded to `/v2.1`:
    /// only v2.1 honours microversions) and relative proxy paths such as `/proxy/compute`.
    /// An empty `project_id` builds project-less URLs (allowed by Nova since 2.18).
    pub fn new(endpoint: &str, project_id: &str) -> Result<Self, UrlError> {
        let mut endpoint = check_endpoint(endpoint)?.to_owned();
        for template in PROJECT_TEMPLATES {
            endpoint = endpoint.replace(template, project_id);
        }
        let mut segments: Vec<&str> = endpoint.split('/').collect();
        let is_version = |segment: &str| segment == "v2.1" || segment == "v2";
        let len = segments.len();
        if !project_id.is_empty()
            && len >= 2
            && segments[len - 1] == project_id
            && is_version(segments[len - 2])
        {
            segments.pop();
        }
        if segments.last().is_some_and(|segment| is_version(segment)) {
            segments.pop();
        }
        Ok(Self {
            base: segments.join("/"),
            project_id: project_id.to_owned(),
        })
    }

    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// `{base}/v2.1/{project_id}` (no trailing slash).
    pub fn root(&self) -> String {
        if self.project_id.is_empty() {
            format!("{}/v2.1", self.base)
        } else {
            format!("{}/v2.1/{}", self.base, encode(&self.project_id))
        }
    }

    /// The unversioned version list `GET {base}/`.
    pub fn versions(&self) -> String {
        format!("{}/", self.base)
    }

    /// The v2.1 version document `GET {base}/v2.1/`.
    pub fn version(&self) -> String {
        format!("{}/v2.1/", self.base)
    }

    fn path(&self, path: &str) -> String {
        format!("{}/{path}", self.root())
    }

    pub fn availability_zones(&self) -> String {
        self.path("os-availability-zone")
    }

    pub fn flavors_detail(&self, query: &FlavorQuery) -> String {
        self.path("flavors/detail") + &query.to_query_string()
    }

    pub fn flavor(&self, flavor_id: &str) -> String {
        self.path(&format!("flavors/{}", encode(flavor_id)))
    }

    pub fn images_detail(&self, query: &PageQuery) -> String {
        self.path("images/detail") + &query.to_query_string()
    }

    pub fn image(&self, image_id: &str) -> String {
        self.path(&format!("images/{}", encode(image_id)))
    }

    pub fn networks(&self) -> String {
        self.path("os-networks")
    }

    pub fn network(&self, network_id: &str) -> String {
        self.path(&format!("os-networks/{}", encode(network_id)))
    }

    pub fn keypairs(&self, query: &PageQuery) -> String {
        self.path("os-keypairs") + &query.to_query_string()
    }

    pub fn keypair(&self, name: &str) -> String {
        self.path(&format!("os-keypairs/{}", encode(name)))
    }

    /// `POST` target for server creation.
    pub fn servers(&self) -> String {
        self.path("servers")
    }

    pub fn server(&self, server_id: &str) -> String {
        self.path(&format!("servers/{}", encode(server_id)))
    }

    pub fn server_action(&self, server_id: &str) -> String {
        self.path(&format!("servers/{}/action", encode(server_id)))
    }

    pub fn limits(&self) -> String {
        self.path("limits")
    }

    /// `GET /os-security-groups`: Nova's security group proxy (asked for at 2.35, see
    /// [`crate::microversion::microversion_for`]), for clouds without Neutron.
    pub fn security_groups(&self) -> String {
        self.path("os-security-groups")
    }

    /// `GET /servers/{id}/os-security-groups`: the groups a server is in.
    pub fn server_security_groups(&self, server_id: &str) -> String {
        self.path(&format!("servers/{}/os-security-groups", encode(server_id)))
    }

    /// `POST /servers/{id}/remote-consoles` (2.6+).
    pub fn remote_consoles(&self, server_id: &str) -> String {
        self.path(&format!("servers/{}/remote-consoles", encode(server_id)))
    }

    /// `GET /servers/{id}/os-server-password`: a Windows server's encrypted password.
    pub fn server_password(&self, server_id: &str) -> String {
        self.path(&format!("servers/{}/os-server-password", encode(server_id)))
    }

    /// Rebases a link Nova returned (e.g. a `servers_links` next page, which names Nova's own
    /// public host) onto this endpoint, keeping its path after the project id and its query.
    /// `None` when the link is not a compute v2/v2.1 URL: the token is never sent elsewhere.
    pub fn follow(&self, href: &str) -> Option<String> {
        let after_version = ["/v2.1/", "/v2/"].iter().find_map(|marker| {
            let at = href.find(marker)?;
            Some(&href[at + marker.len()..])
        })?;
        let rest = if self.project_id.is_empty() {
            after_version
        } else {
            after_version
                .strip_prefix(self.project_id.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .unwrap_or(after_version)
        };
        (!rest.is_empty()).then(|| self.path(rest))
    }

    /// The next page of a collection, from its `*_links`, rebased with [`ComputeEndpoint::follow`].
    pub fn next_page(&self, links: &[Link]) -> Option<String> {
        self.follow(next_link(links)?)
    }

    /// `GET` a server's volumes, `POST` to attach one (`os-volume_attachments`).
    pub fn volume_attachments(&self, server_id: &str) -> String {
        self.path(&format!(
            "servers/{}/os-volume_attachments",
            encode(server_id)
        ))
    }

    /// `GET` one attachment, `DELETE` to detach the volume `volume_id`.
    pub fn volume_attachment(&self, server_id: &str, volume_id: &str) -> String {
        self.path(&format!(
            "servers/{}/os-volume_attachments/{}",
            encode(server_id),
            encode(volume_id)
        ))
    }

    /// `GET /servers/detail` with `params` (Nova's filter, sort and paging parameters, each
    /// value percent-encoded), in the order given: the servers list's pages.
    pub fn servers_detail_with(&self, params: &[(&str, String)]) -> String {
        let mut query = QueryString::default();
        for (name, value) in params {
            query.push(name, Some(value));
        }
        self.path("servers/detail") + &query.0
    }
}

/// Accumulates `?key=value&...` with percent-encoded values.
#[derive(Debug, Default)]
struct QueryString(String);

impl QueryString {
    fn push(&mut self, key: &str, value: Option<impl std::fmt::Display>) {
        if let Some(value) = value {
            let separator = if self.0.is_empty() { '?' } else { '&' };
            let _ = write!(self.0, "{separator}{key}={}", encode(&value.to_string()));
        }
    }

    /// Appends a value the caller has already encoded.
    fn push_raw(&mut self, key: &str, encoded_value: Option<&str>) {
        if let Some(value) = encoded_value {
            let separator = if self.0.is_empty() { '?' } else { '&' };
            let _ = write!(self.0, "{separator}{key}={value}");
        }
    }
}

/// `sort_dir`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDir {
    Asc,
    Desc,
}

impl std::fmt::Display for SortDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        })
    }
}

/// Flavor `is_public` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsPublic {
    True,
    False,
    /// Public and private (admins only).
    All,
}

impl std::fmt::Display for IsPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::True => "true",
            Self::False => "false",
            Self::All => "none",
        })
    }
}

/// `limit` / `marker` paging.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageQuery {
    pub limit: Option<u32>,
    /// Id (name for key pairs) of the last item of the previous page.
    pub marker: Option<String>,
}

impl PageQuery {
    pub fn to_query_string(&self) -> String {
        let mut query = QueryString::default();
        self.append_to(&mut query);
        query.0
    }

    /// Paging goes last, after the filters (Nova's next links keep that order too).
    fn append_to(&self, query: &mut QueryString) {
        query.push("limit", self.limit);
        query.push("marker", self.marker.as_deref());
    }
}

/// `GET /flavors/detail` filters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlavorQuery {
    /// GiB.
    pub min_disk: Option<u64>,
    /// MiB.
    pub min_ram: Option<u64>,
    pub is_public: Option<IsPublic>,
    /// e.g. `flavorid`, `name`, `memory_mb`, `vcpus`, `root_gb`.
    pub sort_key: Option<String>,
    pub sort_dir: Option<SortDir>,
    pub page: PageQuery,
}

impl FlavorQuery {
    pub fn to_query_string(&self) -> String {
        let mut query = QueryString::default();
        query.push("minDisk", self.min_disk);
        query.push("minRam", self.min_ram);
        query.push("is_public", self.is_public);
        query.push("sort_key", self.sort_key.as_deref());
        query.push("sort_dir", self.sort_dir);
        self.page.append_to(&mut query);
        query.0
    }
}

/// Keystone v3: `{base}/v3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityEndpoint {
    base: String,
}

impl IdentityEndpoint {
    /// Accepts `https://host`, `https://host/identity`, `.../v3` or `.../v3/`, and relative
    /// proxy paths such as `/proxy/identity/v3`.
    pub fn new(endpoint: &str) -> Result<Self, UrlError> {
        let endpoint = check_endpoint(endpoint)?;
        let base = endpoint.strip_suffix("/v3").unwrap_or(endpoint);
        Ok(Self {
            base: base.to_owned(),
        })
    }

    /// `{base}/v3`.
    pub fn root(&self) -> String {
        format!("{}/v3", self.base)
    }

    /// `POST` (issue) / `GET` (validate) / `DELETE` (revoke) tokens.
    pub fn tokens(&self) -> String {
        format!("{}/v3/auth/tokens", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECT: &str = "74610f3a5ad941998e91f076297ecf27";

    #[test]
    fn compute_endpoint_spellings_agree() {
        let expected = format!("https://ecs.example.com/v2.1/{PROJECT}/servers");
        for endpoint in [
            "https://ecs.example.com".to_owned(),
            "https://ecs.example.com/".to_owned(),
            "https://ecs.example.com/v2.1".to_owned(),
            "https://ecs.example.com/v2.1/".to_owned(),
            "https://ecs.example.com/v2".to_owned(),
            format!("https://ecs.example.com/v2.1/{PROJECT}"),
            format!("https://ecs.example.com/v2.1/{PROJECT}/"),
            format!("https://ecs.example.com/v2/{PROJECT}"),
            "https://ecs.example.com/v2.1/%(tenant_id)s".to_owned(),
            "https://ecs.example.com/v2.1/$(project_id)s".to_owned(),
            " https://ecs.example.com/v2.1 ".to_owned(),
        ] {
            let compute = ComputeEndpoint::new(&endpoint, PROJECT).unwrap();
            assert_eq!(compute.servers(), expected, "{endpoint}");
        }
        let proxied = ComputeEndpoint::new("/proxy/compute/", "p1").unwrap();
        assert_eq!(proxied.limits(), "/proxy/compute/v2.1/p1/limits");
        assert_eq!(proxied.versions(), "/proxy/compute/");
        assert_eq!(proxied.version(), "/proxy/compute/v2.1/");
        let nova_path = ComputeEndpoint::new("http://10.0.0.5:8774/compute/v2.1", "p1").unwrap();
        assert_eq!(
            nova_path.availability_zones(),
            "http://10.0.0.5:8774/compute/v2.1/p1/os-availability-zone"
        );
        let projectless = ComputeEndpoint::new("https://ecs.example.com/v2.1", "").unwrap();
        assert_eq!(
            projectless.flavor("c1.large"),
            "https://ecs.example.com/v2.1/flavors/c1.large"
        );
    }

    #[test]
    fn rejects_bad_endpoints() {
        assert_eq!(ComputeEndpoint::new("", "p"), Err(UrlError::Empty));
        assert_eq!(ComputeEndpoint::new("   ", "p"), Err(UrlError::Empty));
        assert!(matches!(
            ComputeEndpoint::new("ecs.example.com", "p"),
            Err(UrlError::NotAUrl(_))
        ));
        assert!(matches!(
            ComputeEndpoint::new("https://ecs.example.com/?x=1", "p"),
            Err(UrlError::InvalidCharacters(_))
        ));
        assert!(matches!(
            ComputeEndpoint::new("https://ecs example.com", "p"),
            Err(UrlError::InvalidCharacters(_))
        ));
    }

    #[test]
    fn path_segments_and_queries_are_encoded() {
        let compute = ComputeEndpoint::new("https://ecs.example.com", "p").unwrap();
        assert_eq!(
            compute.keypair("my key/1"),
            "https://ecs.example.com/v2.1/p/os-keypairs/my%20key%2F1"
        );
        let flavors = FlavorQuery {
            min_disk: Some(40),
            min_ram: Some(1024),
            is_public: Some(IsPublic::True),
            sort_key: Some("memory_mb".into()),
            sort_dir: Some(SortDir::Desc),
            page: PageQuery {
                limit: Some(50),
                marker: Some("c1.large&x=1".into()),
            },
        };
        assert_eq!(
            compute.flavors_detail(&flavors),
            "https://ecs.example.com/v2.1/p/flavors/detail?minDisk=40&minRam=1024&is_public=true&sort_key=memory_mb&sort_dir=desc&limit=50&marker=c1.large%26x%3D1"
        );
        assert_eq!(
            compute.flavors_detail(&FlavorQuery::default()),
            "https://ecs.example.com/v2.1/p/flavors/detail"
        );
        let servers = [
            ("name", "web 01".to_owned()),
            ("status", "ACTIVE".to_owned()),
        ];
        assert_eq!(
            compute.servers_detail_with(&servers),
            "https://ecs.example.com/v2.1/p/servers/detail?name=web%2001&status=ACTIVE"
        );
        assert_eq!(
            compute.keypairs(&PageQuery {
                limit: Some(1),
                marker: None
            }),
            "https://ecs.example.com/v2.1/p/os-keypairs?limit=1"
        );
        assert_eq!(
            compute.server_action("id-1"),
            "https://ecs.example.com/v2.1/p/servers/id-1/action"
        );
        assert_eq!(
            compute.security_groups(),
            "https://ecs.example.com/v2.1/p/os-security-groups"
        );
        assert_eq!(
            compute.server_security_groups("id 1"),
            "https://ecs.example.com/v2.1/p/servers/id%201/os-security-groups"
        );
        assert_eq!(
            compute.remote_consoles("id-1"),
            "https://ecs.example.com/v2.1/p/servers/id-1/remote-consoles"
        );
        assert_eq!(
            compute.server_password("id-1"),
            "https://ecs.example.com/v2.1/p/servers/id-1/os-server-password"
        );
    }

    #[test]
    fn next_links_are_rebased_onto_our_endpoint() {
        let compute =
            ComputeEndpoint::new("/proxy/compute", "6f70656e737461636b20342065766572").unwrap();
        let links = vec![Link {
            href: "http://openstack.example.com/v2.1/6f70656e737461636b20342065766572/servers?limit=1&marker=22c91117-08de-4894-9aa9-6ef382400985".into(),
            rel: "next".into(),
            media_type: None,
        }];
        assert_eq!(
            compute.next_page(&links).as_deref(),
            Some(
                "/proxy/compute/v2.1/6f70656e737461636b20342065766572/servers?limit=1&marker=22c91117-08de-4894-9aa9-6ef382400985"
            )
        );
        assert_eq!(compute.next_page(&[]), None);
        assert_eq!(compute.follow("https://evil.example.com/steal"), None);
    }

    #[test]
    fn identity_endpoint() {
        for endpoint in [
            "https://iam.example.com",
            "https://iam.example.com/v3",
            "https://iam.example.com/v3/",
        ] {
            assert_eq!(
                IdentityEndpoint::new(endpoint).unwrap().tokens(),
                "https://iam.example.com/v3/auth/tokens"
            );
        }
        assert_eq!(
            IdentityEndpoint::new("/proxy/identity/v3")
                .unwrap()
                .tokens(),
            "/proxy/identity/v3/auth/tokens"
        );
        assert_eq!(
            IdentityEndpoint::new("http://h/identity").unwrap().root(),
            "http://h/identity/v3"
        );
    }
}
