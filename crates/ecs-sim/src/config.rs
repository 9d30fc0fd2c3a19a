//! Simulator configuration: fixed settings chosen at start and knobs that can change while it runs.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Settings that can change while the simulator runs (flags, builder, or the admin endpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Knobs {
    /// Delay added before every request is answered, in milliseconds.
    pub latency_ms: u64,
    /// How long a new server stays in BUILD, in milliseconds.
    pub build_ms: u64,
    /// How long stop, start, reboot and delete stay transitional, in milliseconds.
    pub transition_ms: u64,
    /// Fraction (0..=1) of API requests answered with a 500 or 503 fault.
    pub error_rate: f64,
    /// Requests whose path contains this text always get a 500 fault.
    pub failing_path: Option<String>,
    /// Fraction (0..=1) of API responses whose JSON body is cut short.
    pub malformed_json_rate: f64,
    /// Fraction (0..=1) of API requests whose connection is dropped mid-response.
    pub drop_connection_rate: f64,
    /// Fraction (0..=1) of reads (GET) answered with a 500 or 503 in the service's own error
    /// body; writes are never touched. Which reads fail follows the seed (see `rng_seed`).
    pub read_error_rate: f64,
    /// Fraction (0..=1) of reads (GET) whose connection is dropped mid-response: the status,
    /// the headers and part of the body go out, then the connection closes.
    pub read_drop_rate: f64,
    /// Lifetime of issued tokens, in seconds.
    pub token_lifetime_secs: u64,
    /// A server whose name contains this text ends its build in ERROR with a fault.
    pub error_name_marker: Option<String>,
    /// Fraction (0..=1) of builds that end in ERROR.
    pub build_error_rate: f64,
}

impl Default for Knobs {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            build_ms: 8_000,
            transition_ms: 2_000,
            error_rate: 0.0,
            failing_path: None,
            malformed_json_rate: 0.0,
            drop_connection_rate: 0.0,
            read_error_rate: 0.0,
            read_drop_rate: 0.0,
            token_lifetime_secs: 3_600,
            error_name_marker: Some("sim-error".to_owned()),
            build_error_rate: 0.0,
        }
    }
}

/// Why a set of knobs was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum KnobError {
    #[error("{name} must be between 0 and 1, got {value}")]
    RateOutOfRange { name: &'static str, value: f64 },
    #[error("token_lifetime_secs must be at least 1")]
    ZeroTokenLifetime,
}

impl Knobs {
    /// Checks that every rate is a fraction and the token lifetime is usable.
    pub fn validate(&self) -> Result<(), KnobError> {
        for (name, value) in [
            ("error_rate", self.error_rate),
            ("malformed_json_rate", self.malformed_json_rate),
            ("drop_connection_rate", self.drop_connection_rate),
            ("read_error_rate", self.read_error_rate),
            ("read_drop_rate", self.read_drop_rate),
            ("build_error_rate", self.build_error_rate),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(KnobError::RateOutOfRange { name, value });
            }
        }
        if self.token_lifetime_secs == 0 {
            return Err(KnobError::ZeroTokenLifetime);
        }
        Ok(())
    }

    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms)
    }

    pub fn build_duration(&self) -> Duration {
        Duration::from_millis(self.build_ms)
    }

    pub fn transition_duration(&self) -> Duration {
        Duration::from_millis(self.transition_ms)
    }

    pub fn token_lifetime(&self) -> Duration {
        Duration::from_secs(self.token_lifetime_secs)
    }
}

/// Absolute limits of the demo project (Nova's defaults unless changed).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quota {
    pub instances: u64,
    pub cores: u64,
    pub ram_mb: u64,
    pub key_pairs: u64,
}

impl Default for Quota {
    fn default() -> Self {
        Self {
            instances: 10,
            cores: 20,
            ram_mb: 51_200,
            key_pairs: 100,
        }
    }
}

/// The demo project's Cinder quota (Cinder's defaults, and a largest volume as clouds set with
/// `per_volume_gigabytes`). Boot volumes count too. `-1` is not needed: use `u64::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VolumeQuota {
    /// How many volumes.
    pub volumes: u64,
    /// GiB over all volumes.
    pub gigabytes: u64,
    /// GiB one volume may have at most.
    pub per_volume_gigabytes: u64,
}

impl Default for VolumeQuota {
    fn default() -> Self {
        Self {
            volumes: 10,
            gigabytes: 1_000,
            per_volume_gigabytes: 500,
        }
    }
}

/// Everything the simulator needs to start. `Default` gives the demo cloud.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub knobs: Knobs,
    pub quota: Quota,
    pub volume_quota: VolumeQuota,
    /// Origins allowed to call the simulator from a browser; `*` allows any. Empty: no CORS headers (Nova's default).
    pub cors_allowed_origins: Vec<String>,
    /// Base URL put in the token catalog and in links, e.g. `https://ecs.example`. None: taken from each request's Host.
    pub public_base_url: Option<String>,
    /// Serve `/admin` (knobs at run time). Off unless enabled: it has no authentication.
    pub admin_enabled: bool,
    /// Number of flavors and of images in the catalogue (at least the built-in ones).
    pub catalogue_size: usize,
    /// Seed for ids, addresses and passwords, and for which reads the read fault knobs fail
    /// (a function of the seed, the path and how many requests that path had before, so the
    /// same requests fail on every run however they interleave). None: a random seed.
    pub rng_seed: Option<u64>,
    /// Serve `images` and `os-networks` at every microversion, as ECS does. False: 404 from 2.36 as Nova does.
    pub proxy_apis_at_all_versions: bool,
    /// A Nova-only cloud (as the guide's): the token's catalog lists identity and compute only.
    /// Glance (`/image`), Neutron (`/network`) and Cinder (`/volume`) still answer, unlisted.
    pub nova_only: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            knobs: Knobs::default(),
            quota: Quota::default(),
            volume_quota: VolumeQuota::default(),
            cors_allowed_origins: Vec::new(),
            public_base_url: None,
            admin_enabled: false,
            catalogue_size: 0,
            rng_seed: None,
            proxy_apis_at_all_versions: true,
            nova_only: false,
        }
    }
}

impl SimConfig {
    pub fn latency(mut self, latency: Duration) -> Self {
        self.knobs.latency_ms = duration_millis(latency);
        self
    }

    pub fn build_duration(mut self, duration: Duration) -> Self {
        self.knobs.build_ms = duration_millis(duration);
        self
    }

    pub fn transition_duration(mut self, duration: Duration) -> Self {
        self.knobs.transition_ms = duration_millis(duration);
        self
    }

    pub fn error_rate(mut self, rate: f64) -> Self {
        self.knobs.error_rate = rate;
        self
    }

    pub fn failing_path(mut self, path: impl Into<String>) -> Self {
        self.knobs.failing_path = Some(path.into());
        self
    }

    pub fn malformed_json_rate(mut self, rate: f64) -> Self {
        self.knobs.malformed_json_rate = rate;
        self
    }

    pub fn drop_connection_rate(mut self, rate: f64) -> Self {
        self.knobs.drop_connection_rate = rate;
        self
    }

    pub fn read_error_rate(mut self, rate: f64) -> Self {
        self.knobs.read_error_rate = rate;
        self
    }

    pub fn read_drop_rate(mut self, rate: f64) -> Self {
        self.knobs.read_drop_rate = rate;
        self
    }

    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.knobs.token_lifetime_secs = lifetime.as_secs();
        self
    }

    pub fn error_name_marker(mut self, marker: Option<String>) -> Self {
        self.knobs.error_name_marker = marker;
        self
    }

    pub fn build_error_rate(mut self, rate: f64) -> Self {
        self.knobs.build_error_rate = rate;
        self
    }

    pub fn quota(mut self, quota: Quota) -> Self {
        self.quota = quota;
        self
    }

    pub fn volume_quota(mut self, quota: VolumeQuota) -> Self {
        self.volume_quota = quota;
        self
    }

    pub fn cors_allowed_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.cors_allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    pub fn public_base_url(mut self, url: impl Into<String>) -> Self {
        self.public_base_url = Some(url.into());
        self
    }

    pub fn admin_enabled(mut self, enabled: bool) -> Self {
        self.admin_enabled = enabled;
        self
    }

    pub fn catalogue_size(mut self, size: usize) -> Self {
        self.catalogue_size = size;
        self
    }

    pub fn rng_seed(mut self, seed: u64) -> Self {
        self.rng_seed = Some(seed);
        self
    }

    pub fn proxy_apis_at_all_versions(mut self, enabled: bool) -> Self {
        self.proxy_apis_at_all_versions = enabled;
        self
    }

    pub fn nova_only(mut self, enabled: bool) -> Self {
        self.nova_only = enabled;
        self
    }
}

fn duration_millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
