//! Everything the simulator remembers, behind one lock: tokens, key pairs and servers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::Ipv4Addr;

use rand::Rng;
use rand::rngs::StdRng;
use time::{Duration, OffsetDateTime};

use crate::catalogue::{Catalogue, Network};
use crate::compute::guest::Guest;
use crate::config::{Knobs, Quota};
use crate::demo::DEMO;
use crate::ids::{hex_id, uuid_from};
use crate::lifecycle::{Phase, Resting, elapsed_fraction};
use crate::neutron::FloatingIps;

mod images;
mod server_actions;

pub use images::{ImageDeleteError, ImageRef, SnapshotImage};
pub use server_actions::Rebuild;

/// The demo account ([`DEMO`]).
#[derive(Debug, Clone)]
pub struct Account {
    pub user_id: String,
    pub user_name: String,
    pub password: String,
    pub domain_id: String,
    pub domain_name: String,
    pub project_id: String,
    pub project_name: String,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub methods: Vec<String>,
    pub scoped: bool,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub audit_id: String,
}

#[derive(Debug, Clone)]
pub struct KeyPair {
    pub id: u64,
    pub name: String,
    pub key_type: String,
    pub public_key: String,
    pub fingerprint: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Port {
    /// Neutron's port id.
    pub id: String,
    pub network_id: String,
    pub ip: Ipv4Addr,
    pub mac: String,
}

#[derive(Debug, Clone)]
pub struct BootVolume {
    pub id: String,
    pub delete_on_termination: bool,
    pub size_gb: u64,
}

#[derive(Debug, Clone)]
pub struct ServerFault {
    pub code: u16,
    pub message: String,
    pub created: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Server {
    pub id: String,
    /// Creation order, for Nova's default newest-first listing.
    pub sequence: u64,
    pub spec: ServerSpec,
    pub ports: Vec<Port>,
    pub volume: Option<BootVolume>,
    pub reservation_id: String,
    pub launch_index: u32,
    pub instance_number: u64,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    pub launched_at: Option<OffsetDateTime>,
    pub phase: Phase,
    pub phase_started: OffsetDateTime,
    pub phase_duration: Duration,
    /// The phase (and how far into it) when the delete began: Nova keeps showing it while
    /// the server is deleted.
    pub before_delete: Option<(Phase, f64)>,
    /// Decided at creation: the build ends in ERROR.
    pub fails_build: bool,
    /// The fault message of a failing build, when it is not Nova's "No valid host was found"
    /// (e.g. Cinder refused the boot volume).
    pub build_fault: Option<String>,
    pub fault: Option<ServerFault>,
    /// Its guest's host keys, Windows password and console tokens.
    pub guest: Guest,
    /// Locked (Nova's `locked`): only an admin may act on it.
    pub locked: bool,
    /// The flavors of a resize under way or waiting for confirmation.
    pub resize: Option<Resize>,
    /// How long a shelved server stays on its host before it is offloaded (the sim's
    /// shelved_offload_time, fixed when the shelve starts).
    pub offload_after: Duration,
    /// The snapshot Nova takes of an image-backed server when shelving it (deleted once the
    /// server is unshelved or deleted).
    pub shelved_image_id: Option<String>,
    /// The guest's hostname, derived from the name at creation (a rename keeps it, as Nova).
    pub hostname: String,
}

/// A resize from `old_flavor_id` to `new_flavor_id` (the server shows the new flavor from
/// VERIFY_RESIZE on; a revert goes back to the old one).
#[derive(Debug, Clone)]
pub struct Resize {
    pub old_flavor_id: String,
    pub new_flavor_id: String,
}

impl Server {
    pub fn fraction(&self, now: OffsetDateTime) -> f64 {
        elapsed_fraction(self.phase_started, self.phase_duration, now)
    }

    pub fn boot_from_volume(&self) -> bool {
        self.volume.is_some()
    }

    /// The server's ports are bound (Neutron shows them, Nova shows their addresses): from
    /// the end of scheduling, unless the build fails (it never reaches a host).
    pub fn ports_bound(&self, now: OffsetDateTime) -> bool {
        !self.fails_build && (self.phase != Phase::Building || self.fraction(now) >= 0.2)
    }

    /// Nova's check_instance_state: the vm_state first, then the task state (none, unless
    /// `allowed_task_states` names it).
    pub fn check_state(
        &self,
        now: OffsetDateTime,
        allowed_vm_states: &[&str],
        allowed_task_states: &[&str],
    ) -> Result<(), ActionError> {
        let view = self
            .phase
            .view(self.fraction(now), self.boot_from_volume(), None);
        let vm_state = self.phase.vm_state();
        if !allowed_vm_states.contains(&vm_state) {
            return Err(ActionError::Conflict {
                attribute: "vm_state",
                state: vm_state,
            });
        }
        if let Some(task) = view.task_state
            && !allowed_task_states.contains(&task)
        {
            return Err(ActionError::Conflict {
                attribute: "task_state",
                state: task,
            });
        }
        Ok(())
    }

    /// Enters `phase` now for `duration`.
    pub fn start(&mut self, phase: Phase, now: OffsetDateTime, duration: Duration) {
        self.phase = phase;
        self.phase_started = now;
        self.phase_duration = duration;
        self.updated = now;
    }
}

/// What the client asked a server to be; kept as part of the server.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    pub name: String,
    pub flavor_id: String,
    pub image_id: Option<String>,
    pub key_name: Option<String>,
    pub zone: String,
    pub metadata: BTreeMap<String, String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub security_groups: Vec<String>,
    pub user_data: Option<String>,
    pub access_ipv4: String,
    pub access_ipv6: String,
    pub disk_config: String,
    pub config_drive: bool,
    pub trusted_image_certificates: Option<Vec<String>>,
}

/// What a validated create request asks for (`min_count` to `max_count` copies).
#[derive(Debug, Clone)]
pub struct NewServer {
    pub spec: ServerSpec,
    pub network_ids: Vec<String>,
    pub volume: Option<NewVolume>,
    pub min_count: u64,
    pub max_count: u64,
}

#[derive(Debug, Clone)]
pub struct NewVolume {
    pub size_gb: u64,
    pub volume_type: Option<String>,
    pub delete_on_termination: bool,
}

/// A quota the request would exceed, in Nova's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaExceeded {
    pub resource: &'static str,
    pub requested: u64,
    pub used: u64,
    pub allowed: u64,
}

impl QuotaExceeded {
    pub fn message(&self) -> String {
        format!(
            "Quota exceeded for {0}: Requested {1}, but already used {2} of {3} {0}",
            self.resource, self.requested, self.used, self.allowed
        )
    }
}

/// Why a server action was refused: Nova's 404, its 409 conflicts (locked, wrong state), and
/// the action's own 400 and 403 (quota) refusals with Nova's message.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionError {
    NotFound,
    Locked,
    Conflict {
        attribute: &'static str,
        state: &'static str,
    },
    BadRequest(String),
    OverQuota(String),
}

/// The actions that only change a server's state (the others carry arguments: see
/// `server_actions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Stop,
    Start,
    Reboot { hard: bool },
    Delete,
    Pause,
    Unpause,
    Suspend,
    Resume,
    Shelve,
    Unshelve,
    ConfirmResize,
    RevertResize,
}

impl Action {
    /// The name Nova puts in its 409 messages ("Cannot 'NAME' instance ...").
    pub fn nova_name(self) -> &'static str {
        match self {
            Action::Stop => "stop",
            Action::Start => "start",
            Action::Reboot { .. } => "reboot",
            Action::Delete => "delete",
            Action::Pause => "pause",
            Action::Unpause => "unpause",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::Shelve => "shelve",
            Action::Unshelve => "unshelve",
            Action::ConfirmResize => "confirmResize",
            Action::RevertResize => "revertResize",
        }
    }
}

pub struct Usage {
    pub instances: u64,
    pub cores: u64,
    pub ram_mb: u64,
}

pub struct State {
    pub rng: StdRng,
    pub account: Account,
    pub catalogue: Catalogue,
    pub quota: Quota,
    pub tokens: HashMap<String, TokenRecord>,
    pub key_pairs: BTreeMap<String, KeyPair>,
    next_key_pair_id: u64,
    pub servers: HashMap<String, Server>,
    next_sequence: u64,
    used_ips: HashMap<String, HashSet<u32>>,
    used_macs: HashSet<[u8; 3]>,
    pub floating_ips: FloatingIps,
    /// Cinder's volumes (boot volumes included) and the volume quota.
    pub volumes: crate::cinder::Volumes,
    /// Images made from servers (createImage), newest last.
    pub snapshots: Vec<SnapshotImage>,
}

impl State {
    pub fn new(mut rng: StdRng, catalogue_size: usize, quota: Quota) -> Self {
        let account = Account {
            user_id: hex_id(&mut rng),
            user_name: DEMO.user.to_owned(),
            password: DEMO.password.to_owned(),
            domain_id: "default".to_owned(),
            domain_name: DEMO.domain.to_owned(),
            project_id: hex_id(&mut rng),
            project_name: DEMO.project.to_owned(),
        };
        let catalogue = Catalogue::build(catalogue_size, &mut rng);
        Self {
            rng,
            account,
            catalogue,
            quota,
            tokens: HashMap::new(),
            key_pairs: BTreeMap::new(),
            next_key_pair_id: 1,
            servers: HashMap::new(),
            next_sequence: 1,
            used_ips: HashMap::new(),
            used_macs: HashSet::new(),
            floating_ips: FloatingIps::default(),
            volumes: crate::cinder::Volumes::default(),
            snapshots: Vec::new(),
        }
    }

    pub fn add_key_pair(
        &mut self,
        name: String,
        key_type: String,
        public_key: String,
        fingerprint: String,
    ) -> KeyPair {
        let key_pair = KeyPair {
            id: self.next_key_pair_id,
            name: name.clone(),
            key_type,
            public_key,
            fingerprint,
            created_at: OffsetDateTime::now_utc(),
        };
        self.next_key_pair_id += 1;
        self.key_pairs.insert(name, key_pair.clone());
        key_pair
    }

    /// Advances every server whose timed phases are over (several steps if need be); removes
    /// finished deletions.
    pub fn settle(&mut self, now: OffsetDateTime) {
        let mut gone = Vec::new();
        let mut unshelved_images = Vec::new();
        for server in self.servers.values_mut() {
            while server.phase.is_timed() && now - server.phase_started >= server.phase_duration {
                let finished_at = server.phase_started + server.phase_duration;
                let mut next_duration = Duration::ZERO;
                match server.phase {
                    Phase::Deleting => {
                        gone.push(server.id.clone());
                        break;
                    }
                    Phase::Building if server.fails_build => {
                        server.phase = Phase::Error;
                        let message = server.build_fault.clone().unwrap_or_else(|| {
                            "No valid host was found. There are not enough hosts available."
                                .to_owned()
                        });
                        server.fault = Some(ServerFault {
                            code: 500,
                            message,
                            created: finished_at,
                        });
                    }
                    Phase::Building => {
                        server.phase = Phase::Active;
                        server.launched_at = Some(finished_at);
                    }
                    other => {
                        match other {
                            // Nova's finish_resize switches the instance to the new flavor.
                            Phase::Resizing { .. } => {
                                if let Some(resize) = &server.resize {
                                    server.spec.flavor_id = resize.new_flavor_id.clone();
                                }
                            }
                            Phase::RevertingResize { .. } => {
                                if let Some(resize) = server.resize.take() {
                                    server.spec.flavor_id = resize.old_flavor_id;
                                }
                            }
                            Phase::Rebuilding { .. } => server.launched_at = Some(finished_at),
                            Phase::Shelving { offload: false, .. } => {
                                next_duration = server.offload_after;
                            }
                            // Nova deletes the shelved snapshot once the server runs again.
                            Phase::Unshelving { .. } => {
                                unshelved_images.extend(server.shelved_image_id.take());
                            }
                            _ => {}
                        }
                        if let Some(next) = other.settles_to() {
                            server.phase = next;
                        }
                    }
                }
                server.phase_started = finished_at;
                server.phase_duration = next_duration;
                server.updated = finished_at;
            }
        }
        self.snapshots
            .retain(|image| !unshelved_images.contains(&image.id));
        for id in gone {
            self.release(&id);
        }
    }

    fn release(&mut self, id: &str) {
        if let Some(server) = self.servers.remove(id) {
            if let Some(image_id) = &server.shelved_image_id {
                self.snapshots.retain(|image| image.id != *image_id);
            }
            // Neutron deletes the ports with the server, which disassociates their floating IPs.
            self.floating_ips.detach_ports(&server.ports);
            for port in server.ports {
                if let Some(used) = self.used_ips.get_mut(&port.network_id) {
                    used.remove(&u32::from(port.ip));
                }
            }
        }
    }

    pub fn usage(&self) -> Usage {
        let mut usage = Usage {
            instances: 0,
            cores: 0,
            ram_mb: 0,
        };
        for server in self.servers.values() {
            usage.instances += 1;
            if let Some(flavor) = self.catalogue.flavor(&server.spec.flavor_id) {
                usage.cores += u64::from(flavor.vcpus);
                usage.ram_mb += flavor.ram_mb;
            }
        }
        usage
    }

    /// How many servers fit in the quota (between min and max count), or what is exceeded.
    pub fn admissible_count(&self, request: &NewServer) -> Result<u64, QuotaExceeded> {
        let flavor = self.catalogue.flavor(&request.spec.flavor_id);
        let cores_each = flavor.map_or(0, |flavor| u64::from(flavor.vcpus));
        let ram_each = flavor.map_or(0, |flavor| flavor.ram_mb);
        let usage = self.usage();
        let resources = [
            ("instances", 1, usage.instances, self.quota.instances),
            ("cores", cores_each, usage.cores, self.quota.cores),
            ("ram", ram_each, usage.ram_mb, self.quota.ram_mb),
        ];
        let exceeded = resources
            .iter()
            .map(|&(resource, each, used, allowed)| QuotaExceeded {
                resource,
                requested: each.saturating_mul(request.min_count),
                used,
                allowed,
            })
            .find(|check| check.used.saturating_add(check.requested) > check.allowed);
        if let Some(exceeded) = exceeded {
            return Err(exceeded);
        }
        // Computed, not searched one by one: max_count may be in the billions.
        let fitting = resources
            .iter()
            .map(|&(_, each, used, allowed)| {
                allowed
                    .saturating_sub(used)
                    .checked_div(each)
                    .unwrap_or(u64::MAX)
            })
            .min()
            .unwrap_or(u64::MAX);
        Ok(request.max_count.min(fitting))
    }

    /// Creates `count` servers; returns their ids in launch order and the shared reservation id.
    pub fn create_servers(
        &mut self,
        request: &NewServer,
        count: u64,
        knobs: &Knobs,
    ) -> (Vec<String>, String) {
        let now = OffsetDateTime::now_utc();
        let reservation_id = format!("r-{}", short_id(&mut self.rng));
        let mut ids = Vec::new();
        for launch_index in 0..count {
            let id = loop {
                let candidate = uuid_from(&mut self.rng);
                if !self.servers.contains_key(&candidate) {
                    break candidate;
                }
            };
            let ports = request
                .network_ids
                .iter()
                .filter_map(|network_id| {
                    let network = self.catalogue.network(network_id)?.clone();
                    Some(self.allocate_port(&network))
                })
                .collect();
            let name = if count > 1 {
                format!("{}-{}", request.spec.name, launch_index + 1)
            } else {
                request.spec.name.clone()
            };
            let hostname = hostname(&name);
            let fails_build = knobs
                .error_name_marker
                .as_deref()
                .is_some_and(|marker| !marker.is_empty() && request.spec.name.contains(marker))
                || (knobs.build_error_rate > 0.0 && self.rng.gen_bool(knobs.build_error_rate));
            let sequence = self.next_sequence;
            self.next_sequence += 1;
            let volume = request.volume.as_ref().map(|volume| BootVolume {
                id: uuid_from(&mut self.rng),
                delete_on_termination: volume.delete_on_termination,
                size_gb: volume.size_gb,
            });
            let server = Server {
                id: id.clone(),
                sequence,
                spec: ServerSpec {
                    name,
                    ..request.spec.clone()
                },
                ports,
                volume,
                reservation_id: reservation_id.clone(),
                launch_index: u32::try_from(launch_index).unwrap_or(u32::MAX),
                instance_number: sequence,
                created: now,
                updated: now,
                launched_at: None,
                phase: Phase::Building,
                phase_started: now,
                phase_duration: to_time(knobs.build_duration()),
                before_delete: None,
                fails_build,
                build_fault: None,
                fault: None,
                guest: Guest::default(),
                locked: false,
                resize: None,
                offload_after: Duration::ZERO,
                shelved_image_id: None,
                hostname,
            };
            self.servers.insert(id.clone(), server);
            ids.push(id);
        }
        (ids, reservation_id)
    }

    fn allocate_port(&mut self, network: &Network) -> Port {
        let used = self.used_ips.entry(network.id.clone()).or_default();
        // The first free address in order: predictable and never reused while in use.
        let ip = network
            .cidr
            .host_range()
            .find(|candidate| !used.contains(candidate))
            .unwrap_or(*network.cidr.host_range().end());
        used.insert(ip);
        let mac = loop {
            let tail: [u8; 3] = self.rng.r#gen();
            if self.used_macs.insert(tail) {
                break tail;
            }
        };
        Port {
            id: uuid_from(&mut self.rng),
            network_id: network.id.clone(),
            ip: Ipv4Addr::from(ip),
            mac: format!("fa:16:3e:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2]),
        }
    }

    /// Starts `action` on a server, enforcing Nova's lock and allowed states.
    pub fn apply(&mut self, id: &str, action: Action, knobs: &Knobs) -> Result<(), ActionError> {
        let now = OffsetDateTime::now_utc();
        self.settle(now);
        let server = self.servers.get_mut(id).ok_or(ActionError::NotFound)?;
        if server.locked {
            return Err(ActionError::Locked);
        }
        let phase = server.phase;
        let transition = to_time(knobs.transition_duration());
        if action == Action::Delete {
            if phase != Phase::Deleting {
                server.before_delete = Some((phase, server.fraction(now)));
                server.start(Phase::Deleting, now, transition);
            }
            return Ok(());
        }
        let volume_backed = server.boot_from_volume();
        let (allowed_vm_states, allowed_task_states, next): (&[&str], &[&str], Phase) = match action
        {
            Action::Stop => (&["active", "error"], &[], Phase::Stopping),
            Action::Start => (&["stopped"], &[], Phase::Starting),
            // Nova: a soft reboot needs a running guest; a hard reboot also recovers stopped,
            // paused, suspended and ERROR servers.
            Action::Reboot { hard: false } => (&["active"], &[], Phase::Rebooting { hard: false }),
            // A hard reboot may take over a reboot or a power task in progress.
            Action::Reboot { hard: true } => (
                &["active", "stopped", "paused", "suspended", "error"],
                &[
                    "reboot_started",
                    "reboot_started_hard",
                    "pausing",
                    "unpausing",
                    "suspending",
                    "resuming",
                ],
                Phase::Rebooting { hard: true },
            ),
            Action::Pause => (&["active"], &[], Phase::Pausing),
            Action::Unpause => (&["paused"], &[], Phase::Unpausing),
            Action::Suspend => (&["active"], &[], Phase::Suspending),
            Action::Resume => (&["suspended"], &[], Phase::Resuming),
            Action::Shelve => (
                &["active", "stopped", "paused", "suspended"],
                &[],
                Phase::Shelving {
                    from: phase.resting().unwrap_or(Resting::Active),
                    // Nova offloads a volume-backed server at once (nothing to keep on the host).
                    offload: volume_backed,
                },
            ),
            Action::Unshelve => (
                &["shelved", "shelved_offloaded"],
                &[],
                Phase::Unshelving {
                    offloaded: phase != Phase::Shelved,
                },
            ),
            Action::ConfirmResize => (&["resized"], &[], phase),
            Action::RevertResize => (
                &["resized"],
                &[],
                match phase {
                    Phase::Resized { from } => Phase::RevertingResize { from },
                    other => other,
                },
            ),
            Action::Delete => return Ok(()),
        };
        server.check_state(now, allowed_vm_states, allowed_task_states)?;
        match action {
            // Confirming frees the old host; the server is back to its steady state at once.
            Action::ConfirmResize => {
                if let Phase::Resized { from } = phase {
                    server.resize = None;
                    server.start(from.phase(), now, Duration::ZERO);
                }
            }
            Action::Shelve => {
                server.offload_after = to_time(knobs.build_duration());
                server.start(next, now, transition);
                if !volume_backed {
                    // Nova keeps an image-backed server's disk as a snapshot, NAME-shelved.
                    let name = format!("{}-shelved", server.spec.name);
                    let image_id =
                        self.take_snapshot(id, &name, &BTreeMap::new(), now, transition)?;
                    if let Some(server) = self.servers.get_mut(id) {
                        server.shelved_image_id = Some(image_id);
                    }
                }
            }
            _ => server.start(next, now, transition),
        }
        Ok(())
    }

    /// Locks or unlocks a server (Nova allows both in any state).
    pub fn set_locked(&mut self, id: &str, locked: bool) -> Result<(), ActionError> {
        self.settle(OffsetDateTime::now_utc());
        let server = self.servers.get_mut(id).ok_or(ActionError::NotFound)?;
        server.locked = locked;
        Ok(())
    }

    /// Servers visible to the project, newest first (Nova's default created_at desc).
    pub fn servers_newest_first(&self) -> Vec<&Server> {
        let mut servers: Vec<&Server> = self.servers.values().collect();
        servers.sort_by_key(|server| std::cmp::Reverse(server.sequence));
        servers
    }
}

/// The hostname Nova derives from a display name.
pub fn hostname(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('-');
    if trimmed.is_empty() {
        "server".to_owned()
    } else {
        trimmed.chars().take(63).collect()
    }
}

fn short_id(rng: &mut StdRng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..8)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

pub fn to_time(duration: std::time::Duration) -> Duration {
    Duration::try_from(duration).unwrap_or(Duration::MAX)
}
