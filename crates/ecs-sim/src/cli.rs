//! Command-line flags of the `ecs-sim` binary, turned into a [`SimConfig`].

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;

use crate::config::{KnobError, Quota, SimConfig, VolumeQuota};

/// A local ECS cloud (Keystone v3 + Nova v2.1 subset) for demos and tests.
#[derive(Debug, Clone, Parser)]
#[command(name = "ecs-sim", version)]
pub struct SimArgs {
    /// Address to listen on.
    #[arg(long, env = "ECS_SIM_LISTEN", default_value = "127.0.0.1:8774")]
    pub listen: SocketAddr,
    /// Base URL clients use to reach the simulator (catalog and links); default: each request's Host.
    #[arg(long, env = "ECS_SIM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Browser origin allowed to call the simulator directly (repeatable; `*` for any).
    #[arg(
        long = "cors-origin",
        env = "ECS_SIM_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Serve /admin to change knobs at run time (no authentication: loopback only).
    #[arg(long)]
    pub admin: bool,
    /// Delay added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// How long a new server stays in BUILD, in milliseconds.
    #[arg(long, default_value_t = 8_000)]
    pub build_ms: u64,
    /// How long stop, start, reboot and delete take, in milliseconds.
    #[arg(long, default_value_t = 2_000)]
    pub transition_ms: u64,
    /// Fraction of API requests answered with a 500 or 503 fault.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Requests whose path contains this text always fail with 500.
    #[arg(long)]
    pub failing_path: Option<String>,
    /// Fraction of API responses whose JSON body is cut short.
    #[arg(long, default_value_t = 0.0)]
    pub malformed_json_rate: f64,
    /// Fraction of API requests whose connection is dropped mid-response.
    #[arg(long, default_value_t = 0.0)]
    pub drop_connection_rate: f64,
    /// Fraction of reads (GET only) answered with a 500 or 503 fault; with --seed, the same
    /// reads fail on every run.
    #[arg(long, default_value_t = 0.0)]
    pub read_error_rate: f64,
    /// Fraction of reads (GET only) whose connection is dropped mid-response.
    #[arg(long, default_value_t = 0.0)]
    pub read_drop_rate: f64,
    /// Token lifetime in seconds.
    #[arg(long, default_value_t = 3_600)]
    pub token_lifetime_secs: u64,
    /// Servers whose name contains this text end their build in ERROR ("" disables).
    #[arg(long, default_value = "sim-error")]
    pub error_name_marker: String,
    /// Fraction of builds that end in ERROR.
    #[arg(long, default_value_t = 0.0)]
    pub build_error_rate: f64,
    /// Number of flavors and of images in the catalogue (e.g. 10000 for large-list tests).
    #[arg(long, default_value_t = 0)]
    pub catalogue_size: usize,
    /// Seed for ids and addresses (reproducible runs).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Quota: maximum servers.
    #[arg(long, default_value_t = Quota::default().instances)]
    pub quota_instances: u64,
    /// Quota: maximum vCPUs.
    #[arg(long, default_value_t = Quota::default().cores)]
    pub quota_cores: u64,
    /// Quota: maximum RAM in MiB.
    #[arg(long, default_value_t = Quota::default().ram_mb)]
    pub quota_ram_mb: u64,
    /// Volume quota (Cinder): maximum volumes, boot volumes included.
    #[arg(long, default_value_t = VolumeQuota::default().volumes)]
    pub quota_volumes: u64,
    /// Volume quota (Cinder): maximum GiB over all volumes.
    #[arg(long, default_value_t = VolumeQuota::default().gigabytes)]
    pub quota_gigabytes: u64,
    /// Volume quota (Cinder): the largest volume, in GiB.
    #[arg(long, default_value_t = VolumeQuota::default().per_volume_gigabytes)]
    pub quota_per_volume_gigabytes: u64,
    /// Answer images and os-networks with 404 from microversion 2.36, as upstream Nova does.
    #[arg(long)]
    pub strict_proxy_apis: bool,
    /// A Nova-only cloud: the catalog lists identity and compute only (no image, network, volume).
    #[arg(long)]
    pub nova_only: bool,
}

/// A flag combination that cannot run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Knob(#[from] KnobError),
}

impl SimArgs {
    pub fn to_config(&self) -> Result<SimConfig, CliError> {
        let marker = Some(self.error_name_marker.clone()).filter(|marker| !marker.is_empty());
        let mut config = SimConfig::default()
            .latency(Duration::from_millis(self.latency_ms))
            .build_duration(Duration::from_millis(self.build_ms))
            .transition_duration(Duration::from_millis(self.transition_ms))
            .error_rate(self.error_rate)
            .malformed_json_rate(self.malformed_json_rate)
            .drop_connection_rate(self.drop_connection_rate)
            .read_error_rate(self.read_error_rate)
            .read_drop_rate(self.read_drop_rate)
            .token_lifetime(Duration::from_secs(self.token_lifetime_secs))
            .error_name_marker(marker)
            .build_error_rate(self.build_error_rate)
            .catalogue_size(self.catalogue_size)
            .cors_allowed_origins(self.cors_origins.iter().cloned())
            .admin_enabled(self.admin)
            .proxy_apis_at_all_versions(!self.strict_proxy_apis)
            .nova_only(self.nova_only)
            .quota(Quota {
                instances: self.quota_instances,
                cores: self.quota_cores,
                ram_mb: self.quota_ram_mb,
                ..Quota::default()
            })
            .volume_quota(VolumeQuota {
                volumes: self.quota_volumes,
                gigabytes: self.quota_gigabytes,
                per_volume_gigabytes: self.quota_per_volume_gigabytes,
            });
        if let Some(path) = &self.failing_path {
            config = config.failing_path(path.clone());
        }
        if let Some(url) = &self.public_url {
            config = config.public_base_url(url.clone());
        }
        if let Some(seed) = self.seed {
            config = config.rng_seed(seed);
        }
        config.knobs.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_config() {
        let args = SimArgs::parse_from([
            "ecs-sim",
            "--listen",
            "127.0.0.1:9000",
            "--build-ms",
            "500",
            "--cors-origin",
            "http://a.example,http://b.example",
            "--error-name-marker",
            "",
            "--seed",
            "3",
            "--read-error-rate",
            "0.3",
            "--read-drop-rate",
            "0.1",
        ]);
        let config = args.to_config().expect("valid flags");
        assert_eq!(config.knobs.build_ms, 500);
        assert_eq!(config.cors_allowed_origins.len(), 2);
        assert_eq!(config.knobs.error_name_marker, None);
        assert_eq!(config.rng_seed, Some(3));
        assert_eq!(config.knobs.read_error_rate, 0.3);
        assert_eq!(config.knobs.read_drop_rate, 0.1);
        assert!(
            !config.nova_only,
            "Glance and Neutron are listed by default"
        );
        let nova_only = SimArgs::parse_from(["ecs-sim", "--nova-only"]).to_config();
        assert!(nova_only.expect("valid flags").nova_only);
    }

    #[test]
    fn rates_outside_zero_to_one_are_refused() {
        let args = SimArgs::parse_from(["ecs-sim", "--error-rate", "1.5"]);
        assert!(args.to_config().is_err());
        for flag in ["--read-error-rate", "--read-drop-rate"] {
            for value in ["1.01", "-0.1", "NaN"] {
                let args = SimArgs::parse_from(["ecs-sim".to_owned(), format!("{flag}={value}")]);
                let error = args.to_config().expect_err("refused").to_string();
                assert!(
                    error.contains("must be between 0 and 1"),
                    "{flag} {value}: {error}"
                );
            }
        }
    }
}
