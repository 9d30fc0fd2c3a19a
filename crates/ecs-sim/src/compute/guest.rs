//! A server's guest as the console APIs see it: whether the hypervisor has a console for it,
//! its boot log, its SSH host keys (made at first boot; generated here when first needed, as RSA
//! takes a while), a Windows guest's password (posted by cloudbase-init) and the remote console
//! tokens handed out for it.

use std::sync::Arc;

use ecs_api::Secret;
use rand::Rng;
use time::{Duration, OffsetDateTime};
use tokio::sync::OnceCell;

use super::boot_log::{self, BootFacts, GuestOs, LinuxFamily, Nic};
use crate::Simulator;
use crate::keys::{self, HostKey, HostKeyError};
use crate::lifecycle::Phase;
use crate::state::{Server, State};

/// What the simulator keeps about a server's guest.
#[derive(Debug, Clone, Default)]
pub struct Guest {
    /// Made once (by the first request that needs them; others wait for those), then kept for
    /// the server's life.
    pub host_keys: Arc<OnceCell<Arc<[HostKey]>>>,
    pub password: Option<GuestPassword>,
    pub console_tokens: Vec<ConsoleToken>,
}

/// A Windows guest's administrator password: cloudbase-init sets it at first boot and posts it
/// to Nova's metadata service encrypted with the key pair's public key.
#[derive(Debug, Clone)]
pub struct GuestPassword {
    pub clear: Secret,
    /// base64 of the RSA PKCS#1 v1.5 ciphertext, as Nova stores it.
    pub encrypted: String,
    /// `DELETE os-server-password` empties what Nova shows; the guest keeps its password.
    pub cleared: bool,
}

/// A remote console URL's token, valid for Nova's default `[consoleauth] token_ttl`.
#[derive(Debug, Clone)]
pub struct ConsoleToken {
    pub token: Secret,
    pub expires: OffsetDateTime,
}

pub const CONSOLE_TOKEN_TTL: Duration = Duration::minutes(10);

/// Where the guest is, as Nova's libvirt driver sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConsoleState {
    /// Not on a host yet (or never: a build that failed). Nova: "Instance ... is not ready".
    NoHost,
    /// On a host that has no domain for it yet.
    NoDomain,
    /// The domain is shut off: libvirt has no console to read.
    ShutOff,
    /// Booting (`boot_progress` below 1) or up.
    Running { boot_progress: f64 },
}

/// The share of a build after which its task state is `spawning` (the domain exists and boots);
/// `lifecycle` decides the task states, a test below keeps the two in step.
const SPAWNING_STARTS: f64 = 0.5;

impl ConsoleState {
    pub fn of(server: &Server, now: OffsetDateTime) -> Self {
        // A server being deleted keeps the guest it had until the delete is done.
        let (phase, fraction) = match (server.phase, server.before_delete) {
            (Phase::Deleting, Some(before)) => before,
            (phase, _) => (phase, server.fraction(now)),
        };
        if server.fails_build {
            return ConsoleState::NoHost;
        }
        match phase {
            Phase::Building => match phase.task_state(fraction, server.boot_from_volume()) {
                Some("scheduling") => ConsoleState::NoHost,
                Some("spawning") => ConsoleState::Running {
                    boot_progress: (fraction - SPAWNING_STARTS) / (1.0 - SPAWNING_STARTS),
                },
                _ => ConsoleState::NoDomain,
            },
            // Offloaded: Nova has no host for it ("not ready"), until the unshelve spawns it.
            Phase::ShelvedOffloaded | Phase::Unshelving { offloaded: true } => ConsoleState::NoHost,
            // libvirt keeps these domains shut off: a suspended one is saved to disk, a shelved
            // one powered off until it is offloaded or unshelved.
            Phase::Stopped
            | Phase::Error
            | Phase::Suspended
            | Phase::Shelved
            | Phase::Unshelving { offloaded: false } => ConsoleState::ShutOff,
            // A paused domain still runs (its vCPUs are stopped): the log and VNC answer.
            _ => ConsoleState::Running { boot_progress: 1.0 },
        }
    }
}

/// The image says Windows (ECS's `__os_type` or Glance's `os_type`; a snapshot keeps its
/// source image's properties).
pub fn is_windows(state: &State, server: &Server) -> bool {
    server
        .spec
        .image_id
        .as_deref()
        .and_then(|id| state.image(id))
        .is_some_and(|image| {
            image.properties().iter().any(|(key, value)| {
                (key == "__os_type" || key == "os_type") && value.eq_ignore_ascii_case("windows")
            })
        })
}

/// When the guest powered on: when the build reached `spawning`.
fn boot_started(server: &Server) -> OffsetDateTime {
    let build = match server.launched_at {
        Some(launched) => launched - server.created,
        None => server.phase_duration,
    };
    server.created + build * SPAWNING_STARTS
}

/// The guest's console log at `boot_progress`, as written (before Nova's clean-up).
pub fn boot_log(state: &State, server: &Server, boot_progress: f64) -> String {
    let flavor = state.catalogue.flavor(&server.spec.flavor_id);
    let image = server
        .spec
        .image_id
        .as_deref()
        .and_then(|id| state.image(id));
    let property = |name: &str| image.and_then(|image| image.property(name).map(str::to_owned));
    let os = if is_windows(state, server) {
        GuestOs::Windows {
            password_posted: server.guest.password.is_some(),
        }
    } else {
        GuestOs::Linux {
            pretty_name: property("__os_version")
                .or_else(|| image.map(|image| image.name().to_owned()))
                .unwrap_or_else(|| "Linux".to_owned()),
            family: LinuxFamily::from_platform(
                &property("__platform")
                    .or_else(|| property("os_distro"))
                    .unwrap_or_default(),
            ),
        }
    };
    let nics = server
        .ports
        .iter()
        .map(|port| Nic {
            ip: port.ip,
            prefix: state
                .catalogue
                .network(&port.network_id)
                .map_or(24, |network| network.cidr.prefix),
            mac: port.mac.clone(),
        })
        .collect();
    let host_keys = server
        .guest
        .host_keys
        .get()
        .map_or(&[][..], |keys| &keys[..]);
    let facts = BootFacts {
        hostname: &server.hostname,
        os,
        vcpus: flavor.map_or(1, |flavor| flavor.vcpus),
        ram_mb: flavor.map_or(1024, |flavor| flavor.ram_mb),
        disk_gb: match &server.volume {
            Some(volume) => volume.size_gb,
            // A flavor without a root disk size gets the image's.
            None => flavor
                .map_or(0, |flavor| flavor.disk_gb)
                .max(image.map_or(0, |image| image.min_disk_gb())),
        }
        .max(1),
        nics,
        started: boot_started(server),
        host_keys,
    };
    boot_log::render(&facts, boot_progress)
}

/// The server's host keys, made now if this is the first time they are needed. `None` when the
/// server does not exist; empty for a Windows guest (no sshd).
pub async fn host_keys(
    simulator: &Simulator,
    id: &str,
) -> Result<Option<Arc<[HostKey]>>, HostKeyError> {
    let (cell, hostname) = {
        let state = simulator.state();
        let Some(server) = state.servers.get(id) else {
            return Ok(None);
        };
        if is_windows(&state, server) {
            return Ok(Some(Arc::from([])));
        }
        (Arc::clone(&server.guest.host_keys), server.hostname.clone())
    };
    let keys = cell
        .get_or_try_init(|| async move {
            let generated =
                tokio::task::spawn_blocking(move || keys::generate_host_keys(&hostname))
                    .await
                    .map_err(|_| HostKeyError::Interrupted)??;
            Ok::<_, HostKeyError>(Arc::from(generated))
        })
        .await?;
    Ok(Some(Arc::clone(keys)))
}

/// What cloudbase-init will post for a Windows server created with an RSA key pair: a random
/// password encrypted with the key pair's public key (as Nova kept it at create). Nothing for
/// other servers, and nothing when the key cannot encrypt (cloudbase-init's plugin fails then).
pub fn provision(state: &mut State, ids: &[String]) {
    for id in ids {
        let Some(server) = state.servers.get(id) else {
            continue;
        };
        if !is_windows(state, server) {
            continue;
        }
        let Some(key_pair) = server
            .spec
            .key_name
            .as_ref()
            .and_then(|name| state.key_pairs.get(name))
        else {
            continue;
        };
        let clear = windows_password();
        let Ok(encrypted) = keys::encrypt_password(&key_pair.public_key, &clear) else {
            continue;
        };
        // Nova's metadata service refuses a password over 4 chunks of 255 characters.
        if encrypted.len() > 4 * 255 {
            continue;
        }
        if let Some(server) = state.servers.get_mut(id) {
            server.guest.password = Some(GuestPassword {
                clear: Secret::new(clear),
                encrypted,
                cleared: false,
            });
        }
    }
}

/// A password Windows' complexity rules accept, as long as cloudbase-init makes them (20
/// characters), from the operating system's randomness like every secret.
fn windows_password() -> String {
    const CLASSES: [&[u8]; 4] = [
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        b"abcdefghijklmnopqrstuvwxyz",
        b"0123456789",
        b"!#$%&()*+,-./:;<=>?@[]^_{|}~",
    ];
    let alphabet: Vec<u8> = CLASSES.concat();
    let mut rng = rand::thread_rng();
    loop {
        let candidate: Vec<u8> = (0..20)
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
            .collect();
        if CLASSES
            .iter()
            .all(|class| candidate.iter().any(|byte| class.contains(byte)))
        {
            return candidate.into_iter().map(char::from).collect();
        }
    }
}

/// The password Nova shows: cloudbase-init posts it once the guest has booted.
pub fn posted_password(server: &Server) -> Option<&GuestPassword> {
    server
        .guest
        .password
        .as_ref()
        .filter(|password| server.launched_at.is_some() && !password.cleared)
}

impl Simulator {
    /// The SSH host keys of a server's guest, as its boot log lists them (made now if the log
    /// has not needed them yet): for tests to check what a console shows. Empty for a Windows
    /// guest; `None` for no such server.
    pub async fn host_keys(&self, server_id: &str) -> Result<Option<Vec<HostKey>>, HostKeyError> {
        Ok(host_keys(self, server_id).await?.map(|keys| keys.to_vec()))
    }

    /// The fingerprint lines of [`Simulator::host_keys`], as `ssh-keygen -l` prints them and
    /// cloud-init's block lists them: `256 SHA256:... root@host (ED25519)`.
    pub async fn host_key_fingerprints(
        &self,
        server_id: &str,
    ) -> Result<Option<Vec<String>>, HostKeyError> {
        Ok(host_keys(self, server_id)
            .await?
            .map(|keys| keys.iter().map(HostKey::fingerprint_line).collect()))
    }

    /// The cleartext of a Windows server's password (what `os-server-password` carries
    /// encrypted), for tests to check a decryption; `None` when the server has none.
    pub fn windows_password(&self, server_id: &str) -> Option<String> {
        self.state()
            .servers
            .get(server_id)
            .and_then(|server| server.guest.password.as_ref())
            .map(|password| password.clear.expose().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawning_starts_where_the_lifecycle_says() {
        for boot_from_volume in [false, true] {
            assert_eq!(
                Phase::Building.task_state(SPAWNING_STARTS, boot_from_volume),
                Some("spawning")
            );
            assert_ne!(
                Phase::Building.task_state(SPAWNING_STARTS - 0.01, boot_from_volume),
                Some("spawning")
            );
        }
    }

    #[test]
    fn windows_passwords_mix_every_character_class() {
        let password = windows_password();
        assert_eq!(password.len(), 20);
        assert!(password.chars().any(|c| c.is_ascii_uppercase()));
        assert!(password.chars().any(|c| c.is_ascii_lowercase()));
        assert!(password.chars().any(|c| c.is_ascii_digit()));
        assert!(password.chars().any(|c| c.is_ascii_punctuation()));
        assert_ne!(password, windows_password());
    }
}
