//! What the gateway is told to do: the library-level configuration and its validation.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::GatewayError;

/// Default request body limit: API bodies are small JSON documents (key pair imports are the largest).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default limit on the sum of all request header names and values (Keystone PKI tokens can reach ~10 KiB).
pub const DEFAULT_MAX_HEADER_BYTES: usize = 32 * 1024;
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time for a request's head to arrive (and for an idle keep-alive connection to last).
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default slowest request body accepted after the grace period, in bytes a second.
pub const DEFAULT_MIN_BODY_BYTES_PER_SEC: u64 = 1024;
/// Default time a request body may take before the minimum rate applies.
pub const DEFAULT_BODY_GRACE: Duration = Duration::from_secs(10);

/// The upstream the console signs in through.
pub const IDENTITY_UPSTREAM: &str = "identity";
/// Nova.
pub const COMPUTE_UPSTREAM: &str = "compute";
/// Glance, where the cloud has it (catalog type `image`).
pub const IMAGE_UPSTREAM: &str = "image";
/// Neutron, where the cloud has it (catalog type `network`).
pub const NETWORK_UPSTREAM: &str = "network";
/// Cinder v3, where the cloud has it (catalog type `block-storage`, or `volumev3`).
pub const VOLUME_UPSTREAM: &str = "volume";

/// One cloud API the proxy may forward to, reachable at `/proxy/{name}/...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    name: String,
    url: Url,
}

impl Upstream {
    /// Validates a name (`[a-z0-9_-]+`) and an absolute http(s) base URL without credentials, query or fragment.
    pub fn new(name: &str, url: &str) -> Result<Self, GatewayError> {
        let invalid = |reason: &str| GatewayError::InvalidUpstream {
            name: name.to_owned(),
            reason: reason.to_owned(),
        };
        if !is_valid_upstream_name(name) {
            return Err(invalid(
                "names use only lowercase letters, digits, '-' and '_'",
            ));
        }
        let mut url =
            Url::parse(url).map_err(|e| invalid(&format!("{url:?} is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the URL must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("the URL has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("the URL must not contain credentials"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("the URL must not have a query or fragment"));
        }
        // Stored without a trailing slash so that `base + "/rest"` never doubles it.
        let mut trimmed = url.path().trim_end_matches('/');
        // Keystone's version is part of the paths the console sends (`/v3/auth/tokens`), so an
        // identity upstream given as ".../v3", as clouds document it, is the same cloud.
        if name == IDENTITY_UPSTREAM {
            trimmed = trimmed.strip_suffix("/v3").unwrap_or(trimmed);
        }
        let trimmed = trimmed.to_owned();
        url.set_path(&trimmed);
        Ok(Self {
            name: name.to_owned(),
            url,
        })
    }

    /// Parses `NAME=URL`, the form used on the command line and in the environment.
    pub fn parse_assignment(assignment: &str) -> Result<Self, GatewayError> {
        let (name, url) =
            assignment
                .split_once('=')
                .ok_or_else(|| GatewayError::InvalidUpstream {
                    name: assignment.to_owned(),
                    reason: "expected NAME=URL".to_owned(),
                })?;
        Self::new(name.trim(), url.trim())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The base URL, without a trailing slash.
    pub fn url(&self) -> &Url {
        &self.url
    }
}

pub(crate) fn is_valid_upstream_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Everything `ecs_gateway::spawn` needs. Build it with struct update syntax over `Default`.
#[derive(Debug)]
pub struct GatewayConfig {
    /// Address to listen on; port 0 picks a free port (see `RunningGateway::addr`).
    pub listen: SocketAddr,
    /// The trunk output directory (index.html and hashed assets). `None` serves only the proxy and /config.json.
    pub dist: Option<PathBuf>,
    /// Run the embedded simulator and proxy `identity`, `compute`, `image`, `network` and `volume` to it
    /// (`identity` and `compute` only when `simulator.nova_only`). Also chosen when
    /// `upstreams` is empty.
    pub simulate: bool,
    /// Simulator settings used in simulate mode.
    pub simulator: ecs_sim::SimConfig,
    /// Clouds reachable through `/proxy/{name}`.
    pub upstreams: Vec<Upstream>,
    /// Endpoints the app may call directly (clouds that send CORS headers); added to the CSP `connect-src`.
    pub direct_endpoints: Vec<Url>,
    /// The origin browsers use to reach the gateway (e.g. behind a TLS terminator). When unset, rewritten
    /// URLs use `http://` and the request's Host header.
    pub public_url: Option<Url>,
    pub max_body_bytes: usize,
    pub max_header_bytes: usize,
    pub connect_timeout: Duration,
    /// Time allowed for an upstream to send its response headers, and between two reads of its body.
    pub upstream_timeout: Duration,
    /// Extra PEM CA certificates trusted for upstream TLS, in addition to the system roots.
    pub extra_ca_file: Option<PathBuf>,
    /// Time for a request's head to arrive; slower clients are disconnected. Idle keep-alive
    /// connections close after it too.
    pub header_timeout: Duration,
    /// After `body_grace`, a request body must keep arriving at this many bytes a second on
    /// average, or the request gets 408 (0: no minimum).
    pub min_body_bytes_per_sec: u64,
    pub body_grace: Duration,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            dist: None,
            simulate: false,
            simulator: ecs_sim::SimConfig::default(),
            upstreams: Vec::new(),
            direct_endpoints: Vec::new(),
            public_url: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            upstream_timeout: DEFAULT_UPSTREAM_TIMEOUT,
            extra_ca_file: None,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            min_body_bytes_per_sec: DEFAULT_MIN_BODY_BYTES_PER_SEC,
            body_grace: DEFAULT_BODY_GRACE,
        }
    }
}

impl GatewayConfig {
    /// True when the embedded simulator serves `identity` and `compute`.
    pub fn simulates(&self) -> bool {
        self.simulate || self.upstreams.is_empty()
    }

    /// The upstreams the embedded simulator provides in simulate mode, each at `/NAME` on it:
    /// Keystone and Nova, and Glance, Neutron and Cinder unless it plays a Nova-only cloud.
    pub fn simulated_upstream_names(&self) -> &'static [&'static str] {
        if self.simulator.nova_only {
            &[IDENTITY_UPSTREAM, COMPUTE_UPSTREAM]
        } else {
            &[
                IDENTITY_UPSTREAM,
                COMPUTE_UPSTREAM,
                IMAGE_UPSTREAM,
                NETWORK_UPSTREAM,
                VOLUME_UPSTREAM,
            ]
        }
    }

    /// Checks everything that does not need I/O, so a bad configuration fails before anything is bound.
    pub(crate) fn validate(&self) -> Result<(), GatewayError> {
        for (index, upstream) in self.upstreams.iter().enumerate() {
            if self.upstreams[..index]
                .iter()
                .any(|earlier| earlier.name == upstream.name)
            {
                return Err(GatewayError::InvalidUpstream {
                    name: upstream.name.clone(),
                    reason: "configured twice".to_owned(),
                });
            }
            if self.simulates() && self.simulated_upstream_names().contains(&upstream.name()) {
                return Err(GatewayError::InvalidUpstream {
                    name: upstream.name.clone(),
                    reason: format!(
                        "simulate mode provides {} itself",
                        self.simulated_upstream_names().join(", ")
                    ),
                });
            }
        }
        if !self.simulates() && !self.upstreams.iter().any(|u| u.name == IDENTITY_UPSTREAM) {
            return Err(GatewayError::MissingIdentityUpstream);
        }
        for endpoint in &self.direct_endpoints {
            validate_direct_endpoint(endpoint)?;
        }
        if let Some(public_url) = &self.public_url
            && (!matches!(public_url.scheme(), "http" | "https")
                || public_url.host_str().is_none()
                || public_url.path() != "/")
        {
            return Err(GatewayError::InvalidPublicUrl(public_url.to_string()));
        }
        if self.max_body_bytes == 0 || self.max_header_bytes == 0 || self.header_timeout.is_zero() {
            return Err(GatewayError::InvalidLimit);
        }
        if self.simulates() {
            self.simulator.knobs.validate().map_err(|error| {
                GatewayError::Simulator(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    error,
                ))
            })?;
        }
        Ok(())
    }
}

fn validate_direct_endpoint(endpoint: &Url) -> Result<(), GatewayError> {
    let invalid = |reason: &str| GatewayError::InvalidDirectEndpoint {
        endpoint: endpoint.to_string(),
        reason: reason.to_owned(),
    };
    if !matches!(endpoint.scheme(), "http" | "https") {
        return Err(invalid("must be an http:// or https:// URL"));
    }
    if endpoint.host_str().is_none() {
        return Err(invalid("has no host"));
    }
    if !endpoint.username().is_empty() || endpoint.password().is_some() {
        return Err(invalid("must not contain credentials"));
    }
    Ok(())
}

/// The CSP source for a direct endpoint: its origin, which is all `connect-src` can express safely.
pub(crate) fn csp_origin(endpoint: &Url) -> String {
    endpoint.origin().ascii_serialization()
}
