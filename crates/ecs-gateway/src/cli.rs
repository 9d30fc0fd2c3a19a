//! The `ecs-gateway` command line: flags, `ECS_GATEWAY_*` environment variables and an optional
//! TOML file, merged in that order of precedence into a [`GatewayConfig`].

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use serde::Deserialize;
use url::Url;

use ecs_sim::{DEMO, Quota, VolumeQuota};

use crate::{GatewayConfig, GatewayError, Upstream};

/// Serves the ecs-console app and proxies its API calls to your cloud, or to a built-in simulated cloud.
#[derive(Debug, Clone, Parser)]
#[command(name = "ecs-gateway", version)]
pub struct Args {
    /// TOML file with the same settings (flags and environment variables take precedence).
    #[arg(long, env = "ECS_GATEWAY_CONFIG", value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "ECS_GATEWAY_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// The built app (trunk's output directory).
    #[arg(long, env = "ECS_GATEWAY_DIST", value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// Run the embedded simulator (also the default when no upstream is configured).
    #[arg(long, env = "ECS_GATEWAY_SIMULATE")]
    pub simulate: bool,
    /// A cloud API reachable at /proxy/NAME (repeatable), e.g. identity=https://iam.example/v3.
    #[arg(
        long = "upstream",
        env = "ECS_GATEWAY_UPSTREAMS",
        value_delimiter = ',',
        value_name = "NAME=URL"
    )]
    pub upstreams: Vec<String>,
    /// An endpoint the app may call directly, bypassing the proxy (repeatable; the cloud must send CORS headers).
    #[arg(
        long = "direct-endpoint",
        env = "ECS_GATEWAY_DIRECT_ENDPOINTS",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub direct_endpoints: Vec<String>,
    /// The origin browsers use to reach the gateway, when it differs from http://<Host header>.
    #[arg(long, env = "ECS_GATEWAY_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Largest request body forwarded, in bytes [default: 1048576].
    #[arg(long, env = "ECS_GATEWAY_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Largest total size of request headers, in bytes [default: 32768].
    #[arg(long, env = "ECS_GATEWAY_MAX_HEADER_BYTES")]
    pub max_header_bytes: Option<usize>,
    /// Seconds allowed to connect to an upstream [default: 5].
    #[arg(long, env = "ECS_GATEWAY_CONNECT_TIMEOUT_SECS")]
    pub connect_timeout_secs: Option<u64>,
    /// Seconds allowed for an upstream's response headers and between body reads [default: 60].
    #[arg(long, env = "ECS_GATEWAY_UPSTREAM_TIMEOUT_SECS")]
    pub upstream_timeout_secs: Option<u64>,
    /// Extra PEM CA certificates to trust for upstream TLS (private clouds), besides the system roots.
    #[arg(long, env = "ECS_GATEWAY_EXTRA_CA_FILE", value_name = "FILE.pem")]
    pub extra_ca_file: Option<PathBuf>,
    /// Seconds a client has to send a request's headers before it is disconnected; idle
    /// keep-alive connections close after it too [default: 10].
    #[arg(long, env = "ECS_GATEWAY_HEADER_TIMEOUT_SECS")]
    pub header_timeout_secs: Option<u64>,
    /// Slowest request body accepted after the grace period, in bytes a second on average;
    /// slower ones get 408 (0: no minimum) [default: 1024].
    #[arg(long, env = "ECS_GATEWAY_MIN_BODY_BYTES_PER_SEC")]
    pub min_body_bytes_per_sec: Option<u64>,
    /// Seconds a request body may take before --min-body-bytes-per-sec applies [default: 10].
    #[arg(long, env = "ECS_GATEWAY_BODY_GRACE_SECS")]
    pub body_grace_secs: Option<u64>,
    /// Simulate mode: how long a new server stays in BUILD, in milliseconds [default: the simulator's].
    #[arg(long, env = "ECS_GATEWAY_SIM_BUILD_MS")]
    pub sim_build_ms: Option<u64>,
    /// Simulate mode: delay added to every simulated API request, in milliseconds [default: 0].
    #[arg(long, env = "ECS_GATEWAY_SIM_LATENCY_MS")]
    pub sim_latency_ms: Option<u64>,
    /// Simulate mode: fraction (0 to 1) of reads (GET) the simulator answers with a 500 or 503
    /// fault; writes are never failed [default: 0].
    #[arg(long, env = "ECS_GATEWAY_SIM_READ_ERROR_RATE", value_name = "FRACTION", value_parser = fraction)]
    pub sim_read_error_rate: Option<f64>,
    /// Simulate mode: fraction (0 to 1) of reads (GET) whose connection the simulator drops
    /// mid-response [default: 0].
    #[arg(long, env = "ECS_GATEWAY_SIM_READ_DROP_RATE", value_name = "FRACTION", value_parser = fraction)]
    pub sim_read_drop_rate: Option<f64>,
    /// Simulate mode: number of flavors and of images in the catalogue, e.g. 10000 [default: the built-in ones].
    #[arg(long, env = "ECS_GATEWAY_SIM_CATALOGUE_SIZE")]
    pub sim_catalogue_size: Option<usize>,
    /// Simulate mode: serve the simulator's /admin/knobs to change latency, errors and more at
    /// run time (no authentication: keep the simulator on loopback).
    #[arg(long, env = "ECS_GATEWAY_SIM_ADMIN")]
    pub sim_admin: bool,
    /// Simulate mode: play a Nova-only cloud, whose catalog lists identity and compute only (no
    /// Glance, no Neutron, no Cinder: images, networks and volumes through Nova's APIs).
    #[arg(long, env = "ECS_GATEWAY_SIM_NOVA_ONLY")]
    pub sim_nova_only: bool,
    /// Simulate mode: the demo project's server quota [default: 10, Nova's] (the servers list
    /// shows 50 a page: a second page needs more, and the vCPU, RAM and volume quotas with it).
    #[arg(long, env = "ECS_GATEWAY_SIM_QUOTA_INSTANCES")]
    pub sim_quota_instances: Option<u64>,
    /// Simulate mode: the vCPU quota [default: 20, Nova's].
    #[arg(long, env = "ECS_GATEWAY_SIM_QUOTA_CORES")]
    pub sim_quota_cores: Option<u64>,
    /// Simulate mode: the RAM quota in MiB [default: 51200, Nova's].
    #[arg(long, env = "ECS_GATEWAY_SIM_QUOTA_RAM_MB")]
    pub sim_quota_ram_mb: Option<u64>,
    /// Simulate mode: the volume quota, boot volumes included [default: 10, Cinder's].
    #[arg(long, env = "ECS_GATEWAY_SIM_QUOTA_VOLUMES")]
    pub sim_quota_volumes: Option<u64>,
    /// Simulate mode: the GiB quota over all volumes [default: 1000, Cinder's].
    #[arg(long, env = "ECS_GATEWAY_SIM_QUOTA_GIGABYTES")]
    pub sim_quota_gigabytes: Option<u64>,
}

/// The TOML file: the same settings as the flags, with upstreams as a table.
///
/// ```toml
/// listen = "0.0.0.0:8080"
/// dist = "dist"                # relative to this file
/// public_url = "https://console.example.com"
/// direct_endpoints = ["https://iam.example.com/v3"]
/// [upstreams]
/// identity = "https://iam.example.com/v3"
/// compute = "https://ecs.example.com"
/// image = "https://ims.example.com"         # Glance, where the cloud has it
/// network = "https://vpc.example.com:9696"  # Neutron, where the cloud has it
/// volume = "https://evs.example.com"        # Cinder v3, where the cloud has it
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    dist: Option<PathBuf>,
    simulate: Option<bool>,
    #[serde(default)]
    upstreams: BTreeMap<String, String>,
    #[serde(default)]
    direct_endpoints: Vec<String>,
    public_url: Option<String>,
    max_body_bytes: Option<usize>,
    max_header_bytes: Option<usize>,
    connect_timeout_secs: Option<u64>,
    upstream_timeout_secs: Option<u64>,
    extra_ca_file: Option<PathBuf>,
    header_timeout_secs: Option<u64>,
    min_body_bytes_per_sec: Option<u64>,
    body_grace_secs: Option<u64>,
    sim_build_ms: Option<u64>,
    sim_latency_ms: Option<u64>,
    sim_read_error_rate: Option<f64>,
    sim_read_drop_rate: Option<f64>,
    sim_catalogue_size: Option<usize>,
    sim_admin: Option<bool>,
    sim_nova_only: Option<bool>,
    sim_quota_instances: Option<u64>,
    sim_quota_cores: Option<u64>,
    sim_quota_ram_mb: Option<u64>,
    sim_quota_volumes: Option<u64>,
    sim_quota_gigabytes: Option<u64>,
}

impl FileConfig {
    fn load(path: &Path) -> Result<Self, GatewayError> {
        let invalid = |reason: String| GatewayError::ConfigFile {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
        let mut file: Self = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        // Paths in the file are relative to the file, not to wherever the gateway was started.
        let directory = path.parent().unwrap_or(Path::new("."));
        file.dist = file.dist.map(|dist| directory.join(dist));
        file.extra_ca_file = file.extra_ca_file.map(|ca| directory.join(ca));
        Ok(file)
    }
}

impl Args {
    /// Merges flags and environment over the optional TOML file over the defaults.
    pub fn into_config(self) -> Result<GatewayConfig, GatewayError> {
        let file = match &self.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        let defaults = GatewayConfig::default();
        let upstreams = if self.upstreams.is_empty() {
            file.upstreams
                .iter()
                .map(|(name, url)| Upstream::new(name, url))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            self.upstreams
                .iter()
                .map(|assignment| Upstream::parse_assignment(assignment))
                .collect::<Result<Vec<_>, _>>()?
        };
        let direct_endpoints = if self.direct_endpoints.is_empty() {
            file.direct_endpoints
        } else {
            self.direct_endpoints
        };
        let direct_endpoints = direct_endpoints
            .iter()
            .map(|endpoint| {
                Url::parse(endpoint).map_err(|e| GatewayError::InvalidDirectEndpoint {
                    endpoint: endpoint.clone(),
                    reason: e.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let public_url = self
            .public_url
            .or(file.public_url)
            .map(|url| Url::parse(&url).map_err(|_| GatewayError::InvalidPublicUrl(url)))
            .transpose()?;
        let mut simulator = defaults.simulator;
        if let Some(build_ms) = self.sim_build_ms.or(file.sim_build_ms) {
            simulator = simulator.build_duration(Duration::from_millis(build_ms));
        }
        if let Some(latency_ms) = self.sim_latency_ms.or(file.sim_latency_ms) {
            simulator = simulator.latency(Duration::from_millis(latency_ms));
        }
        // Checked with the other knobs when the gateway starts (a file can hold any number).
        if let Some(rate) = self.sim_read_error_rate.or(file.sim_read_error_rate) {
            simulator = simulator.read_error_rate(rate);
        }
        if let Some(rate) = self.sim_read_drop_rate.or(file.sim_read_drop_rate) {
            simulator = simulator.read_drop_rate(rate);
        }
        if let Some(size) = self.sim_catalogue_size.or(file.sim_catalogue_size) {
            simulator = simulator.catalogue_size(size);
        }
        if self.sim_admin || file.sim_admin.unwrap_or(false) {
            simulator = simulator.admin_enabled(true);
        }
        if self.sim_nova_only || file.sim_nova_only.unwrap_or(false) {
            simulator = simulator.nova_only(true);
        }
        let quota = simulator.quota;
        simulator = simulator.quota(Quota {
            instances: self
                .sim_quota_instances
                .or(file.sim_quota_instances)
                .unwrap_or(quota.instances),
            cores: self
                .sim_quota_cores
                .or(file.sim_quota_cores)
                .unwrap_or(quota.cores),
            ram_mb: self
                .sim_quota_ram_mb
                .or(file.sim_quota_ram_mb)
                .unwrap_or(quota.ram_mb),
            ..quota
        });
        let volume_quota = simulator.volume_quota;
        simulator = simulator.volume_quota(VolumeQuota {
            volumes: self
                .sim_quota_volumes
                .or(file.sim_quota_volumes)
                .unwrap_or(volume_quota.volumes),
            gigabytes: self
                .sim_quota_gigabytes
                .or(file.sim_quota_gigabytes)
                .unwrap_or(volume_quota.gigabytes),
            ..volume_quota
        });
        Ok(GatewayConfig {
            listen: self.listen.or(file.listen).unwrap_or(defaults.listen),
            dist: self.dist.or(file.dist),
            simulate: self.simulate || file.simulate.unwrap_or(false),
            simulator,
            upstreams,
            direct_endpoints,
            public_url,
            max_body_bytes: self
                .max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(defaults.max_body_bytes),
            max_header_bytes: self
                .max_header_bytes
                .or(file.max_header_bytes)
                .unwrap_or(defaults.max_header_bytes),
            connect_timeout: self
                .connect_timeout_secs
                .or(file.connect_timeout_secs)
                .map_or(defaults.connect_timeout, Duration::from_secs),
            upstream_timeout: self
                .upstream_timeout_secs
                .or(file.upstream_timeout_secs)
                .map_or(defaults.upstream_timeout, Duration::from_secs),
            extra_ca_file: self.extra_ca_file.or(file.extra_ca_file),
            header_timeout: self
                .header_timeout_secs
                .or(file.header_timeout_secs)
                .map_or(defaults.header_timeout, Duration::from_secs),
            min_body_bytes_per_sec: self
                .min_body_bytes_per_sec
                .or(file.min_body_bytes_per_sec)
                .unwrap_or(defaults.min_body_bytes_per_sec),
            body_grace: self
                .body_grace_secs
                .or(file.body_grace_secs)
                .map_or(defaults.body_grace, Duration::from_secs),
        })
    }
}

/// A fraction from 0 to 1, for the rate flags.
fn fraction(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|rate| (0.0..=1.0).contains(rate))
        .ok_or_else(|| format!("expected a fraction from 0 to 1 (0.3 for 30 %), got {text:?}"))
}

/// Runs the gateway until SIGINT or SIGTERM, then shuts down gracefully.
pub async fn run(args: Args) -> Result<(), GatewayError> {
    let config = args.into_config()?;
    let upstreams: Vec<String> = config
        .upstreams
        .iter()
        .map(|upstream| format!("{} -> {}", upstream.name(), upstream.url()))
        .collect();
    let serves_app = config.dist.is_some();
    let sim_admin = config.simulates() && config.simulator.admin_enabled;
    let simulated: Vec<String> = config
        .simulated_upstream_names()
        .iter()
        .map(|name| format!("/proxy/{name}"))
        .collect();
    let gateway = crate::spawn(config).await?;
    // Listening before the URL is announced: a signal sent as soon as it is stops the gateway
    // cleanly instead of killing it.
    let shutdown = shutdown_signal();
    println!("ecs-console: {}/", gateway.url());
    if !serves_app {
        println!("  (no --dist given: serving the API proxy and /config.json only)");
    }
    match gateway.simulator_url() {
        Some(simulator_url) => {
            println!(
                "  simulated cloud at {simulator_url} (proxied as {})",
                simulated.join(", ")
            );
            println!(
                "  sign in as user {}, password {}, domain {}, project {}",
                DEMO.user, DEMO.password, DEMO.domain, DEMO.project
            );
            if sim_admin {
                println!("  simulator knobs: GET or PATCH {simulator_url}/admin/knobs");
            }
        }
        None => {
            for upstream in upstreams {
                println!("  upstream {upstream}");
            }
        }
    }
    shutdown.await;
    tracing::info!("shutting down");
    gateway.shutdown().await;
    Ok(())
}

/// Listens for SIGINT and SIGTERM from this call on; the future resolves on the first of them.
#[cfg(unix)]
fn shutdown_signal() -> impl Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let interrupt = signal(SignalKind::interrupt());
    let terminate = signal(SignalKind::terminate());
    async move {
        tokio::select! {
            () = received(interrupt, "SIGINT") => {}
            () = received(terminate, "SIGTERM") => {}
        }
    }
}

/// Resolves when the signal arrives; never when it cannot be listened for.
#[cfg(unix)]
async fn received(listener: std::io::Result<tokio::signal::unix::Signal>, name: &str) {
    match listener {
        Ok(mut listener) => {
            listener.recv().await;
        }
        Err(error) => {
            tracing::warn!(%error, "cannot listen for {name}; stopping on the other signal only");
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(not(unix))]
fn shutdown_signal() -> impl Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("ecs-gateway").chain(list.iter().copied())).unwrap()
    }

    #[test]
    fn flags_override_the_file_and_paths_are_relative_to_it() {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("gateway.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9999\"\ndist = \"web\"\n[upstreams]\nidentity = \"https://iam.example/v3\"\n",
        )
        .unwrap();
        let config = args(&[
            "--config",
            file.to_str().unwrap(),
            "--listen",
            "127.0.0.1:7000",
        ])
        .into_config()
        .unwrap();
        assert_eq!(config.listen, "127.0.0.1:7000".parse().unwrap());
        assert_eq!(config.dist, Some(directory.path().join("web")));
        assert_eq!(config.upstreams[0].name(), "identity");
        // Keystone's version is in the paths the console sends: the upstream is stored without it.
        assert_eq!(config.upstreams[0].url().as_str(), "https://iam.example/");
        assert!(!config.simulates());
    }

    #[test]
    fn bad_settings_are_clear_errors() {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("gateway.toml");
        std::fs::write(&file, "lisen = \"127.0.0.1:1\"\n").unwrap();
        let error = args(&["--config", file.to_str().unwrap()])
            .into_config()
            .unwrap_err();
        assert!(
            error.to_string().contains("unknown field `lisen`"),
            "{error}"
        );

        let error = args(&["--upstream", "compute"]).into_config().unwrap_err();
        assert!(error.to_string().contains("expected NAME=URL"), "{error}");
        let error = args(&["--upstream", "Compute=http://x"])
            .into_config()
            .unwrap_err();
        assert!(error.to_string().contains("lowercase"), "{error}");
        let error = args(&["--upstream", "compute=ftp://x"])
            .into_config()
            .unwrap_err();
        assert!(error.to_string().contains("http://"), "{error}");
        let error = args(&["--upstream", "compute=http://user:pw@x"])
            .into_config()
            .unwrap_err();
        assert!(error.to_string().contains("credentials"), "{error}");
    }

    #[test]
    fn the_embedded_simulator_takes_its_knobs_from_flags_or_the_file() {
        let config = args(&[
            "--sim-latency-ms",
            "300",
            "--sim-catalogue-size",
            "10000",
            "--sim-admin",
        ])
        .into_config()
        .unwrap();
        assert_eq!(config.simulator.knobs.latency(), Duration::from_millis(300));
        assert_eq!(config.simulator.catalogue_size, 10_000);
        assert!(config.simulator.admin_enabled);

        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("gateway.toml");
        std::fs::write(&file, "sim_latency_ms = 50\nsim_admin = true\n").unwrap();
        let config = args(&["--config", file.to_str().unwrap()])
            .into_config()
            .unwrap();
        assert_eq!(config.simulator.knobs.latency(), Duration::from_millis(50));
        assert!(config.simulator.admin_enabled);
        assert!(!GatewayConfig::default().simulator.admin_enabled);
    }

    #[test]
    fn the_simulators_read_faults_come_from_flags_or_the_file_and_must_be_fractions() {
        let config = args(&[
            "--sim-read-error-rate",
            "0.3",
            "--sim-read-drop-rate",
            "0.1",
        ])
        .into_config()
        .unwrap();
        assert_eq!(config.simulator.knobs.read_error_rate, 0.3);
        assert_eq!(config.simulator.knobs.read_drop_rate, 0.1);
        config.validate().unwrap();
        let defaults = args(&[]).into_config().unwrap();
        assert_eq!(defaults.simulator.knobs.read_error_rate, 0.0);
        assert_eq!(defaults.simulator.knobs.read_drop_rate, 0.0);

        for flag in ["--sim-read-error-rate", "--sim-read-drop-rate"] {
            for value in ["1.5", "-0.2", "NaN", "often"] {
                let error =
                    Args::try_parse_from(["ecs-gateway".to_owned(), format!("{flag}={value}")])
                        .unwrap_err()
                        .to_string();
                assert!(
                    error.contains(flag) && error.contains("expected a fraction from 0 to 1"),
                    "{flag}={value}: {error}"
                );
            }
        }

        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("gateway.toml");
        std::fs::write(
            &file,
            "sim_read_error_rate = 0.25\nsim_read_drop_rate = 0.05\n",
        )
        .unwrap();
        let config = args(&["--config", file.to_str().unwrap()])
            .into_config()
            .unwrap();
        assert_eq!(config.simulator.knobs.read_error_rate, 0.25);
        assert_eq!(config.simulator.knobs.read_drop_rate, 0.05);
        std::fs::write(&file, "sim_read_drop_rate = 2.0\n").unwrap();
        let error = args(&["--config", file.to_str().unwrap()])
            .into_config()
            .unwrap()
            .validate()
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("read_drop_rate must be between 0 and 1, got 2"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn the_simulators_quotas_come_from_flags_or_the_file_and_reach_its_limits() {
        let config = args(&[
            "--simulate",
            "--listen",
            "127.0.0.1:0",
            "--sim-quota-instances",
            "60",
            "--sim-quota-cores",
            "64",
            "--sim-quota-ram-mb",
            "131072",
            "--sim-quota-volumes",
            "70",
            "--sim-quota-gigabytes",
            "5000",
        ])
        .into_config()
        .unwrap();
        let gateway = crate::spawn(config).await.unwrap();
        let client = ecs_sim::test_client::TestClient::sign_in(&format!(
            "{}/proxy/identity/v3",
            gateway.url()
        ))
        .await;
        let limits = client.get("limits", "2.67").await;
        let absolute = &limits.body["limits"]["absolute"];
        assert_eq!(absolute["maxTotalInstances"], 60, "{}", limits.text);
        assert_eq!(absolute["maxTotalCores"], 64);
        assert_eq!(absolute["maxTotalRAMSize"], 131_072);
        let cinder_limits = client
            .call(
                reqwest::Method::GET,
                &format!(
                    "{}/proxy/volume/v3/{}/limits",
                    gateway.url(),
                    client.project_id()
                ),
                ecs_sim::test_client::Version::Unset,
                None,
            )
            .await;
        let absolute = &cinder_limits.body["limits"]["absolute"];
        assert_eq!(absolute["maxTotalVolumes"], 70, "{}", cinder_limits.text);
        assert_eq!(absolute["maxTotalVolumeGigabytes"], 5000);
        gateway.shutdown().await;

        // Unset, each stays Nova's or Cinder's default; the file sets them too.
        let defaults = args(&["--sim-quota-cores", "30"]).into_config().unwrap();
        assert_eq!(
            defaults.simulator.quota,
            ecs_sim::Quota {
                cores: 30,
                ..ecs_sim::Quota::default()
            }
        );
        assert_eq!(
            defaults.simulator.volume_quota,
            ecs_sim::VolumeQuota::default()
        );
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("gateway.toml");
        std::fs::write(
            &file,
            "sim_quota_instances = 55\nsim_quota_ram_mb = 65536\nsim_quota_gigabytes = 2000\n",
        )
        .unwrap();
        let config = args(&["--config", file.to_str().unwrap()])
            .into_config()
            .unwrap();
        assert_eq!(
            (
                config.simulator.quota.instances,
                config.simulator.quota.ram_mb
            ),
            (55, 65_536)
        );
        assert_eq!(config.simulator.volume_quota.gigabytes, 2000);
    }

    #[test]
    fn image_network_and_volume_upstreams_come_from_flags_or_the_file() {
        let config = args(&[
            "--upstream",
            "identity=https://iam.example/v3",
            "--upstream",
            "compute=https://ecs.example",
            "--upstream",
            "image=https://ims.example/",
            "--upstream",
            "network=https://vpc.example:9696/v2.0",
            "--upstream",
            "volume=https://evs.example/v3/p1/",
        ])
        .into_config()
        .unwrap();
        let names: Vec<(&str, &str)> = config
            .upstreams
            .iter()
            .map(|upstream| (upstream.name(), upstream.url().as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("identity", "https://iam.example/"),
                ("compute", "https://ecs.example/"),
                ("image", "https://ims.example/"),
                ("network", "https://vpc.example:9696/v2.0"),
                // Cinder's version and project stay: only identity drops its version.
                ("volume", "https://evs.example/v3/p1"),
            ]
        );

        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("gateway.toml");
        std::fs::write(
            &file,
            "[upstreams]\nidentity = \"https://iam.example/v3\"\nimage = \"https://ims.example\"\nnetwork = \"https://vpc.example\"\nvolume = \"https://evs.example\"\n",
        )
        .unwrap();
        let config = args(&["--config", file.to_str().unwrap()])
            .into_config()
            .unwrap();
        let mut names: Vec<&str> = config.upstreams.iter().map(Upstream::name).collect();
        names.sort_unstable();
        assert_eq!(names, ["identity", "image", "network", "volume"]);
    }

    #[test]
    fn the_simulator_can_play_a_nova_only_cloud() {
        let config = args(&["--sim-nova-only"]).into_config().unwrap();
        assert!(config.simulator.nova_only);
        assert_eq!(config.simulated_upstream_names(), ["identity", "compute"]);
        let config = args(&[]).into_config().unwrap();
        assert!(!config.simulator.nova_only);
        assert_eq!(
            config.simulated_upstream_names(),
            ["identity", "compute", "image", "network", "volume"]
        );

        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("gateway.toml");
        std::fs::write(&file, "sim_nova_only = true\n").unwrap();
        let config = args(&["--config", file.to_str().unwrap()])
            .into_config()
            .unwrap();
        assert!(config.simulator.nova_only);
    }

    #[test]
    fn simulate_mode_refuses_the_upstreams_it_provides() {
        let mut config = args(&["--simulate", "--upstream", "image=https://ims.example"])
            .into_config()
            .unwrap();
        let error = config.validate().unwrap_err().to_string();
        assert!(
            error.contains("\"image\"")
                && error.contains("identity, compute, image, network, volume"),
            "{error}"
        );
        // A Nova-only simulated cloud has no Glance: a real one may be put beside it.
        config.simulator = std::mem::take(&mut config.simulator).nova_only(true);
        config.validate().unwrap();
        let config = args(&["--simulate", "--upstream", "network=https://vpc.example"])
            .into_config()
            .unwrap();
        assert!(config.validate().is_err());
        let config = args(&["--simulate", "--upstream", "volume=https://evs.example"])
            .into_config()
            .unwrap();
        assert!(config.validate().is_err());
    }

    #[test]
    fn only_the_identity_upstream_drops_its_version() {
        let config = args(&[
            "--upstream",
            "identity=https://host/identity/v3/",
            "--upstream",
            "compute=https://host/v3",
        ])
        .into_config()
        .unwrap();
        assert_eq!(config.upstreams[0].url().as_str(), "https://host/identity");
        assert_eq!(config.upstreams[1].url().as_str(), "https://host/v3");
    }
}
