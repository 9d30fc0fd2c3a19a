//! ecs-sim: a faithful local ECS cloud (a Keystone v3 and Nova v2.1 subset, microversions 2.1 to
//! 2.67, with Glance v2, Neutron v2.0 and Cinder v3 subsets) kept in memory, for demos and for
//! every test of the console and the gateway. [`SimConfig::nova_only`] leaves Glance, Neutron
//! and Cinder out of the catalog, as on a Nova-only cloud.
//!
//! - `/identity/v3`: version document, `auth/tokens` (password by user name + domain or id,
//!   token method, project scope by id or name + domain; GET validates, DELETE revokes),
//!   `auth/projects`. Demo account: `demo` / `demo`, domain `Default`, project `demo`.
//! - `/compute/` and `/compute/v2.1/[{project_id}/]`: versions, `os-availability-zone`,
//!   `flavors[/detail|/{id}]`, `images[/detail|/{id}]`, `os-networks[/{id}]`, `os-keypairs`,
//!   `servers` (create, list, detail, show, rename with `PUT`, delete, actions), the consoles
//!   (`os-getConsoleOutput`, `remote-consoles`, `os-server-password`), `limits`; each shaped
//!   for the requested microversion, errors as Nova faults.
//!
//! Server actions follow Nova's lock and state rules, task states and messages: `os-start`,
//! `os-stop`, `reboot` (soft, hard), `pause`/`unpause`, `suspend`/`resume`,
//! `shelve`/`unshelve` (offloaded after a while, at once when volume-backed), `resize` with
//! `confirmResize`/`revertResize`, `rebuild`, `createImage` (a snapshot image in Glance and
//! Nova's proxy, which new servers can boot from: a volume-backed server's snapshot gives a
//! new boot volume made from its mapping), `lock`/`unlock`.
//! - `/image`: Glance v2's versions, `v2/images` (filters, sorting, `next` paging) and
//!   `v2/images/{id}`: the images of Nova's proxy, with Glance's fields and image properties.
//! - `/network`: Neutron v2.0's versions, `networks` (the project's, as os-networks lists them,
//!   and the external `public`), `subnets`, the servers' `ports`, `security-groups` (`default`,
//!   `web`, `closed`) and `security-group-rules`, `floatingips` (allocate from `public`,
//!   associate with a port, disassociate, release) and `floatingip_pools`; errors as
//!   `NeutronError`. Nova shows an associated floating IP in the server's addresses, and the
//!   groups through its `os-security-groups` proxy and `servers/{id}/os-security-groups`.
//! - `/volume`: Cinder v3's versions, `v3/{project_id}/volumes[/detail|/{id}]` (create empty
//!   volumes, `limit`/`marker` paging, delete), `types[/default|/{id}]`, `os-quota-sets` with
//!   usage and `limits`, under the volume quota ([`VolumeQuota`]). Servers booting from a new
//!   volume get it there (in use as `/dev/vda`, deleted with the server when asked), and Nova's
//!   `servers/{id}/os-volume_attachments` attaches and detaches data volumes.
//! - Knobs ([`Knobs`]): latency, build and transition times, error injection (500/503 rate, a
//!   failing path, cut-short JSON, dropped connections; and for reads only, a 500/503 rate and
//!   a mid-response drop rate, seeded), token lifetime, an ERROR marker in
//!   server names and a build error rate. Set them with [`SimConfig`]'s builder, the binary's
//!   flags, or at run time with `GET`/`PATCH /admin/knobs` (only when
//!   [`SimConfig::admin_enabled`] is set: it has no authentication).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = ecs_sim::spawn(ecs_sim::SimConfig::default()).await?;
//! println!("identity: {}/identity/v3", sim.base_url());
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod admin;
mod catalogue;
mod cinder;
mod cli;
mod compute;
mod config;
mod demo;
mod fault;
mod glance;
mod identity;
mod ids;
mod injection;
mod json_order;
mod keys;
mod lifecycle;
mod microversion;
mod neutron;
#[cfg(feature = "test-client")]
pub mod real_openstack;
mod service_auth;
mod state;
#[cfg(feature = "test-client")]
pub mod test_client;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use axum::Router;
use axum::http::{HeaderMap, header};
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use cli::{CliError, SimArgs};
pub use config::{KnobError, Knobs, Quota, SimConfig, VolumeQuota};
pub use demo::{DEMO, DemoAccount};
pub use keys::HostKey;
pub use microversion::{MAX as MAX_MICROVERSION, MIN as MIN_MICROVERSION, Microversion};

use state::State;

/// The simulated cloud. Cheap to clone: clones share one state.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

struct Inner {
    config: SimConfig,
    knobs: RwLock<Knobs>,
    state: Mutex<State>,
    request_counts: Mutex<HashMap<String, usize>>,
    /// Per server, the actions accepted (Nova's names, in order), as its instance actions list.
    server_actions: Mutex<HashMap<String, Vec<String>>>,
    /// Decides which reads the read fault knobs fail: `rng_seed`, or random.
    fault_seed: u64,
    /// Reads failed or dropped on purpose so far.
    read_faults: AtomicUsize,
}

impl Simulator {
    pub fn new(config: SimConfig) -> Self {
        let rng = match config.rng_seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        };
        let fault_seed = config.rng_seed.unwrap_or_else(rand::random);
        let mut state = State::new(rng, config.catalogue_size, config.quota);
        state.volumes.quota = config.volume_quota;
        Self {
            inner: Arc::new(Inner {
                knobs: RwLock::new(config.knobs.clone()),
                config,
                state: Mutex::new(state),
                request_counts: Mutex::new(HashMap::new()),
                server_actions: Mutex::new(HashMap::new()),
                fault_seed,
                read_faults: AtomicUsize::new(0),
            }),
        }
    }

    /// Routes for `/identity`, `/compute`, `/image`, `/network`, `/volume` and, when enabled, `/admin`,
    /// with CORS, request counting, latency and error injection applied.
    pub fn router(&self) -> Router {
        let origins = &self.inner.config.cors_allowed_origins;
        let mut router = Router::new()
            .nest(
                "/identity",
                injection::with_cors(
                    identity::router(self.clone()),
                    origins,
                    &injection::KEYSTONE_CORS,
                ),
            )
            .merge(injection::with_cors(
                compute::router(self.clone()),
                origins,
                &injection::NOVA_CORS,
            ))
            .nest_service(
                "/image",
                injection::with_cors(
                    glance::router(self.clone()),
                    origins,
                    &injection::GLANCE_CORS,
                ),
            )
            .nest_service(
                "/network",
                injection::with_cors(
                    neutron::router(self.clone()),
                    origins,
                    &injection::NEUTRON_CORS,
                ),
            )
            .nest_service(
                "/volume",
                injection::with_cors(
                    cinder::router(self.clone()),
                    origins,
                    &injection::CINDER_CORS,
                ),
            );
        if self.inner.config.admin_enabled {
            router = router.nest("/admin", admin::router(self.clone()));
        }
        injection::wrap(router, self.clone())
    }

    /// Number of requests received so far whose path starts with `path_prefix`.
    pub fn request_count(&self, path_prefix: &str) -> usize {
        lock(&self.inner.request_counts)
            .iter()
            .filter(|(path, _)| path.starts_with(path_prefix))
            .map(|(_, count)| count)
            .sum()
    }

    /// Reads (GET) answered with an error or dropped mid-response by the read fault knobs so
    /// far.
    pub fn read_faults_injected(&self) -> usize {
        self.inner.read_faults.load(Ordering::Relaxed)
    }

    fn fault_seed(&self) -> u64 {
        self.inner.fault_seed
    }

    fn record_read_fault(&self) {
        self.inner.read_faults.fetch_add(1, Ordering::Relaxed);
    }

    /// The state-changing actions (`os-start`, `os-stop`, `reboot`) accepted for a server so
    /// far, in order; reads such as `os-getConsoleOutput` are not actions.
    pub fn server_actions(&self, server_id: &str) -> Vec<String> {
        lock(&self.inner.server_actions)
            .get(server_id)
            .cloned()
            .unwrap_or_default()
    }

    fn record_server_action(&self, server_id: &str, action: &str) {
        lock(&self.inner.server_actions)
            .entry(server_id.to_owned())
            .or_default()
            .push(action.to_owned());
    }

    /// The knobs in force now.
    pub fn knobs(&self) -> Knobs {
        self.inner
            .knobs
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces the knobs (as the admin endpoint does).
    pub fn set_knobs(&self, knobs: Knobs) -> Result<(), KnobError> {
        knobs.validate()?;
        *self
            .inner
            .knobs
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = knobs;
        Ok(())
    }

    /// The demo project's id (random per run unless seeded).
    pub fn project_id(&self) -> String {
        self.state().account.project_id.clone()
    }

    fn config(&self) -> &SimConfig {
        &self.inner.config
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.inner.state)
    }

    /// Counts a request to `path`; returns how many it has had, this one included.
    fn count_request(&self, path: &str) -> usize {
        let mut counts = lock(&self.inner.request_counts);
        let count = counts.entry(path.to_owned()).or_default();
        *count += 1;
        *count
    }

    /// Scheme, host and port that clients used, for links and the catalog.
    fn public_base(&self, headers: &HeaderMap) -> String {
        if let Some(base) = &self.inner.config.public_base_url {
            return base.trim_end_matches('/').to_owned();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .filter(|host| is_plausible_host(host))
            .unwrap_or("localhost");
        let scheme = headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .filter(|proto| *proto == "https")
            .unwrap_or("http");
        format!("{scheme}://{host}")
    }
}

/// A Host header we are willing to echo into links: a name or address and an optional port.
fn is_plausible_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b".-:[]_".contains(&byte))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A simulator serving on a loopback port.
pub struct RunningSim {
    addr: SocketAddr,
    simulator: Simulator,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl RunningSim {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn simulator(&self) -> &Simulator {
        &self.simulator
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Starts a simulator on 127.0.0.1 with a free port.
pub async fn spawn(config: SimConfig) -> std::io::Result<RunningSim> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    serve_on(listener, Simulator::new(config)).await
}

/// Serves `simulator` on an already bound listener.
pub async fn serve_on(listener: TcpListener, simulator: Simulator) -> std::io::Result<RunningSim> {
    let addr = listener.local_addr()?;
    let app = simulator.router();
    let (sender, receiver) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app.into_make_service())
            .with_graceful_shutdown(async {
                let _ = receiver.await;
            })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "simulator stopped");
        }
    });
    Ok(RunningSim {
        addr,
        simulator,
        shutdown: Some(sender),
        task,
    })
}
