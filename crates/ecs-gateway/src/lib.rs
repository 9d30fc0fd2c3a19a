//! ecs-gateway: serves the built ecs-console app and proxies its API calls (a CORS proxy) to the
//! configured clouds, or to the embedded simulator reached through the very same `/proxy/NAME` routes.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ecs_gateway::GatewayError> {
//! let gateway = ecs_gateway::spawn(ecs_gateway::GatewayConfig {
//!     listen: "127.0.0.1:0".parse().unwrap(),
//!     simulate: true,
//!     ..Default::default()
//! })
//! .await?;
//! println!("console at {}", gateway.url());
//! gateway.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod app_config;
mod body_rate;
pub mod cli;
mod config;
mod framing;
#[doc(hidden)]
pub mod fuzzing;
mod guard;
mod proxy;
mod request_error;
mod rewrite;
mod serve;
mod service;
mod static_files;
mod upstream_client;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::HeaderValue;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

pub use config::{
    COMPUTE_UPSTREAM, DEFAULT_BODY_GRACE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_HEADER_TIMEOUT,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MIN_BODY_BYTES_PER_SEC,
    DEFAULT_UPSTREAM_TIMEOUT, GatewayConfig, IDENTITY_UPSTREAM, IMAGE_UPSTREAM, NETWORK_UPSTREAM,
    Upstream, VOLUME_UPSTREAM,
};

/// Why the gateway could not start. Every variant says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("invalid upstream {name:?}: {reason}")]
    InvalidUpstream { name: String, reason: String },
    #[error(
        "no upstream named \"identity\": pass --upstream identity=https://iam.example/v3 (and compute=...), or --simulate"
    )]
    MissingIdentityUpstream,
    #[error("invalid direct endpoint {endpoint:?}: {reason}")]
    InvalidDirectEndpoint { endpoint: String, reason: String },
    #[error(
        "invalid public URL {0:?}: expected an http(s) origin such as https://console.example.com"
    )]
    InvalidPublicUrl(String),
    #[error("the body and header size limits and the header timeout must be greater than zero")]
    InvalidLimit,
    #[error("invalid --dist {path:?}: {reason}")]
    InvalidDist { path: PathBuf, reason: String },
    #[error("invalid configuration file {path:?}: {reason}")]
    ConfigFile { path: PathBuf, reason: String },
    #[error("cannot use the extra CA file {path:?}: {reason}")]
    ExtraCa { path: PathBuf, reason: String },
    #[error("cannot build the upstream HTTP client: {0}")]
    HttpClient(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the embedded simulator: {0}")]
    Simulator(std::io::Error),
}

/// A gateway serving on its listen address until `shutdown`.
pub struct RunningGateway {
    addr: SocketAddr,
    simulator: Option<ecs_sim::RunningSim>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl RunningGateway {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The embedded simulator's own base URL (for direct mode), in simulate mode.
    pub fn simulator_url(&self) -> Option<String> {
        self.simulator.as_ref().map(ecs_sim::RunningSim::base_url)
    }

    /// The embedded simulator, in simulate mode (e.g. to read its request counts).
    pub fn simulator(&self) -> Option<&ecs_sim::Simulator> {
        self.simulator.as_ref().map(ecs_sim::RunningSim::simulator)
    }

    /// Stops accepting connections, lets in-flight requests finish, then stops the simulator.
    pub async fn shutdown(mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
        let _ = (&mut self.task).await;
        if let Some(simulator) = self.simulator.take() {
            simulator.shutdown().await;
        }
    }
}

/// Validates `config`, binds its listen address, starts the simulator in simulate mode, and serves.
pub async fn spawn(mut config: GatewayConfig) -> Result<RunningGateway, GatewayError> {
    config.validate()?;
    let dist = config
        .dist
        .as_deref()
        .map(static_files::Dist::open)
        .transpose()?;
    let client = upstream_client::http_client(&config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| GatewayError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| GatewayError::Bind {
        addr: config.listen,
        source,
    })?;

    let simulator = if config.simulates() {
        // Read before the simulator's settings are handed over.
        let simulated = config.simulated_upstream_names();
        let sim_config = std::mem::take(&mut config.simulator);
        let running = start_simulator(sim_config, addr, config.public_url.as_ref()).await?;
        let base = running.base_url();
        for name in simulated {
            config
                .upstreams
                .push(Upstream::new(name, &format!("{base}/{name}"))?);
        }
        let direct = Url::parse(&format!("{base}/identity/v3")).map_err(|e| {
            GatewayError::Simulator(std::io::Error::other(format!(
                "simulator URL {base:?}: {e}"
            )))
        })?;
        config.direct_endpoints.push(direct);
        Some(running)
    } else {
        None
    };

    let app_config = app_config::AppConfig::new(&config, simulator.is_some());
    let csp = static_files::content_security_policy(&config.direct_endpoints);
    let gateway = Arc::new(service::Gateway {
        proxy: proxy::ProxyState::new(&config, client, addr)?,
        app_config,
        static_files: static_files::service(dist.as_ref()),
        content_security_policy: content_security_policy_header(&csp)?,
        limits: guard::Limits {
            max_header_bytes: config.max_header_bytes,
        },
        min_body_rate: body_rate::MinBodyRate {
            bytes_per_sec: config.min_body_bytes_per_sec,
            grace: config.body_grace,
        },
    });
    let connection_limits = serve::ConnectionLimits {
        header_timeout: config.header_timeout,
        max_head_bytes: max_head_bytes(config.max_header_bytes),
    };

    let (sender, receiver) = oneshot::channel::<()>();
    let task = tokio::spawn(serve::serve(listener, gateway, connection_limits, receiver));
    // The listener already answers meanwhile (uncompressed until the copies are ready).
    if let Some(dist) = &dist {
        dist.warm_up().await;
    }
    Ok(RunningGateway {
        addr,
        simulator,
        shutdown: Some(sender),
        task,
    })
}

/// The simulator allows the gateway's own origins, so the app's direct mode works against it too.
async fn start_simulator(
    sim_config: ecs_sim::SimConfig,
    gateway_addr: SocketAddr,
    public_url: Option<&Url>,
) -> Result<ecs_sim::RunningSim, GatewayError> {
    let mut origins = sim_config.cors_allowed_origins.clone();
    origins.push(format!("http://{gateway_addr}"));
    if gateway_addr.ip().is_loopback() || gateway_addr.ip().is_unspecified() {
        origins.push(format!("http://localhost:{}", gateway_addr.port()));
        origins.push(format!("http://127.0.0.1:{}", gateway_addr.port()));
    }
    if let Some(public_url) = public_url {
        origins.push(public_url.origin().ascii_serialization());
    }
    ecs_sim::spawn(sim_config.cors_allowed_origins(origins))
        .await
        .map_err(GatewayError::Simulator)
}

/// The largest request head hyper buffers: the header limit the guard checks (names and values)
/// plus room for the request line and each header's ": " and CRLF. Heads between the two get
/// the guard's JSON 431; larger ones hyper's own 431, before they are buffered whole.
fn max_head_bytes(max_header_bytes: usize) -> usize {
    max_header_bytes.saturating_add(16 * 1024)
}

fn content_security_policy_header(csp: &str) -> Result<HeaderValue, GatewayError> {
    HeaderValue::from_str(csp).map_err(|_| GatewayError::InvalidDirectEndpoint {
        endpoint: csp.to_owned(),
        reason: "cannot be written into a Content-Security-Policy header".to_owned(),
    })
}
