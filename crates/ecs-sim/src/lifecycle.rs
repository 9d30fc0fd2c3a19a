//! Server lifecycle: phases that advance with time, and how each phase looks through the API.

use time::{Duration, OffsetDateTime};

/// Where a server is in its life. Timed phases end after `Server::phase_duration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Building,
    Active,
    Stopping,
    Stopped,
    Starting,
    Rebooting {
        hard: bool,
    },
    Deleting,
    Error,
    Pausing,
    Paused,
    Unpausing,
    Suspending,
    Suspended,
    Resuming,
    /// Nova's shelve: an image-backed server is snapshotted and waits SHELVED on its host; a
    /// volume-backed one is offloaded at once.
    Shelving {
        from: Resting,
        offload: bool,
    },
    /// Shelved on its host until the shelved_offload_time has passed (then offloaded).
    Shelved,
    ShelvedOffloaded,
    Unshelving {
        offloaded: bool,
    },
    Resizing {
        from: Resting,
    },
    /// VERIFY_RESIZE: waiting for confirmResize or revertResize.
    Resized {
        from: Resting,
    },
    RevertingResize {
        from: Resting,
    },
    Rebuilding {
        from: Resting,
    },
    /// createImage of an image-backed server: the status stays, the task state moves.
    Snapshotting {
        of: Resting,
    },
}

/// A steady vm_state a task starts from (and, for most tasks, returns to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resting {
    Active,
    Stopped,
    Paused,
    Suspended,
    Error,
}

impl Resting {
    pub fn phase(self) -> Phase {
        match self {
            Resting::Active => Phase::Active,
            Resting::Stopped => Phase::Stopped,
            Resting::Paused => Phase::Paused,
            Resting::Suspended => Phase::Suspended,
            Resting::Error => Phase::Error,
        }
    }

    /// Status, vm_state and power state of the steady state.
    fn look(self) -> (&'static str, &'static str, u8) {
        match self {
            Resting::Active => ("ACTIVE", "active", power::RUNNING),
            Resting::Stopped => ("SHUTOFF", "stopped", power::SHUTDOWN),
            Resting::Paused => ("PAUSED", "paused", power::PAUSED),
            Resting::Suspended => ("SUSPENDED", "suspended", power::SHUTDOWN),
            Resting::Error => ("ERROR", "error", power::NOSTATE),
        }
    }
}

/// Nova's power_state values.
pub mod power {
    pub const NOSTATE: u8 = 0;
    pub const RUNNING: u8 = 1;
    pub const PAUSED: u8 = 3;
    pub const SHUTDOWN: u8 = 4;
}

/// The four status fields Nova derives from vm_state, task_state and power_state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusView {
    pub status: &'static str,
    pub vm_state: &'static str,
    pub task_state: Option<&'static str>,
    pub power_state: u8,
    pub progress: Option<u8>,
}

/// The step of a multi-step task at `fraction` of its duration: `steps` are (start, name).
fn step(fraction: f64, steps: &[(f64, &'static str)]) -> Option<&'static str> {
    steps
        .iter()
        .rev()
        .find(|(start, _)| fraction >= *start)
        .or(steps.first())
        .map(|(_, name)| *name)
}

const RESIZE_STEPS: [(f64, &str); 4] = [
    (0.0, "resize_prep"),
    (0.25, "resize_migrating"),
    (0.5, "resize_migrated"),
    (0.75, "resize_finish"),
];
const REBUILD_STEPS: [(f64, &str); 3] = [
    (0.0, "rebuilding"),
    (0.3, "rebuild_block_device_mapping"),
    (0.5, "rebuild_spawning"),
];
/// Task states of a snapshot; the image is `queued` until `image_uploading`, then `saving`.
pub const SNAPSHOT_STEPS: [(f64, &str); 4] = [
    (0.0, "image_snapshot_pending"),
    (0.1, "image_snapshot"),
    (0.3, "image_pending_upload"),
    (0.5, "image_uploading"),
];
const SHELVE_STEPS: [(f64, &str); 3] = [
    (0.0, "shelving"),
    (0.3, "shelving_image_pending_upload"),
    (0.5, "shelving_image_uploading"),
];
const SHELVE_OFFLOAD_STEPS: [(f64, &str); 2] = [(0.0, "shelving"), (0.5, "shelving_offloading")];
const UNSHELVE_STEPS: [(f64, &str); 2] = [(0.0, "unshelving"), (0.4, "spawning")];

impl Phase {
    /// What a timed phase becomes when its time is up (None for steady phases and for
    /// Deleting, which ends with the server gone, and Building, whose outcome is decided per server).
    pub fn settles_to(self) -> Option<Phase> {
        match self {
            Phase::Stopping
            | Phase::Rebuilding {
                from: Resting::Stopped,
            } => Some(Phase::Stopped),
            Phase::Starting
            | Phase::Rebooting { .. }
            | Phase::Unpausing
            | Phase::Resuming
            | Phase::Unshelving { .. }
            | Phase::Rebuilding { .. } => Some(Phase::Active),
            Phase::Pausing => Some(Phase::Paused),
            Phase::Suspending => Some(Phase::Suspended),
            Phase::Shelving { offload: false, .. } => Some(Phase::Shelved),
            Phase::Shelving { offload: true, .. } | Phase::Shelved => Some(Phase::ShelvedOffloaded),
            Phase::Resizing { from } => Some(Phase::Resized { from }),
            Phase::RevertingResize { from } | Phase::Snapshotting { of: from } => {
                Some(from.phase())
            }
            _ => None,
        }
    }

    /// A task is under way (Nova shows a task state, and `updated` moves with it).
    pub fn is_transitional(self) -> bool {
        !matches!(
            self,
            Phase::Active
                | Phase::Stopped
                | Phase::Error
                | Phase::Paused
                | Phase::Suspended
                | Phase::Shelved
                | Phase::ShelvedOffloaded
                | Phase::Resized { .. }
        )
    }

    /// The phase ends by itself after its duration: every task, and SHELVED (offloaded after
    /// the shelved_offload_time).
    pub fn is_timed(self) -> bool {
        self.is_transitional() || self == Phase::Shelved
    }

    /// The vm_state of the phase (used in 409 messages and views).
    pub fn vm_state(self) -> &'static str {
        self.view(0.0, false, None).vm_state
    }

    pub fn task_state(self, fraction: f64, boot_from_volume: bool) -> Option<&'static str> {
        match self {
            Phase::Building if fraction < 0.2 => Some("scheduling"),
            Phase::Building if fraction < 0.5 && boot_from_volume => Some("block_device_mapping"),
            Phase::Building if fraction < 0.5 => Some("networking"),
            Phase::Building => Some("spawning"),
            Phase::Stopping => Some("powering-off"),
            Phase::Starting => Some("powering-on"),
            Phase::Rebooting { hard: false } => Some("reboot_started"),
            Phase::Rebooting { hard: true } => Some("reboot_started_hard"),
            Phase::Deleting => Some("deleting"),
            Phase::Pausing => Some("pausing"),
            Phase::Unpausing => Some("unpausing"),
            Phase::Suspending => Some("suspending"),
            Phase::Resuming => Some("resuming"),
            Phase::Shelving { offload: false, .. } => step(fraction, &SHELVE_STEPS),
            Phase::Shelving { offload: true, .. } => step(fraction, &SHELVE_OFFLOAD_STEPS),
            Phase::Unshelving { offloaded: true } => step(fraction, &UNSHELVE_STEPS),
            // A server shelved on its host is just powered on again.
            Phase::Unshelving { offloaded: false } => Some("powering-on"),
            Phase::Resizing { .. } => step(fraction, &RESIZE_STEPS),
            Phase::RevertingResize { .. } => Some("resize_reverting"),
            Phase::Rebuilding { .. } => step(fraction, &REBUILD_STEPS),
            Phase::Snapshotting { .. } => step(fraction, &SNAPSHOT_STEPS),
            Phase::Active
            | Phase::Stopped
            | Phase::Error
            | Phase::Paused
            | Phase::Suspended
            | Phase::Shelved
            | Phase::ShelvedOffloaded
            | Phase::Resized { .. } => None,
        }
    }

    /// The view at `fraction` (0..=1) of the phase's duration.
    pub fn view(
        self,
        fraction: f64,
        boot_from_volume: bool,
        before_delete: Option<(Phase, f64)>,
    ) -> StatusView {
        if let (Phase::Deleting, Some((before, before_fraction))) = (self, before_delete) {
            // Nova's delete sets only the task state: the server keeps the status, vm_state,
            // power state and progress it had (an ERROR server stays ERROR while it goes).
            return StatusView {
                task_state: Some("deleting"),
                ..before.view(before_fraction, boot_from_volume, None)
            };
        }
        let task_state = self.task_state(fraction, boot_from_volume);
        let (status, vm_state, power_state) = match self {
            Phase::Building => ("BUILD", "building", power::NOSTATE),
            Phase::Active | Phase::Stopping | Phase::Pausing | Phase::Suspending => {
                Resting::Active.look()
            }
            Phase::Stopped | Phase::Starting => Resting::Stopped.look(),
            Phase::Rebooting { hard: false } => ("REBOOT", "active", power::RUNNING),
            Phase::Rebooting { hard: true } => ("HARD_REBOOT", "active", power::RUNNING),
            // Only without a recorded phase before the delete (every delete records one).
            Phase::Deleting => Resting::Active.look(),
            Phase::Error => Resting::Error.look(),
            Phase::Paused | Phase::Unpausing => Resting::Paused.look(),
            Phase::Suspended | Phase::Resuming => Resting::Suspended.look(),
            Phase::Shelving { from, .. } | Phase::Snapshotting { of: from } => from.look(),
            Phase::Shelved | Phase::Unshelving { offloaded: false } => {
                ("SHELVED", "shelved", power::SHUTDOWN)
            }
            Phase::ShelvedOffloaded | Phase::Unshelving { offloaded: true } => {
                ("SHELVED_OFFLOADED", "shelved_offloaded", power::SHUTDOWN)
            }
            Phase::Resizing { from } => ("RESIZE", from.look().1, from.look().2),
            Phase::Resized { from } => ("VERIFY_RESIZE", "resized", from.look().2),
            Phase::RevertingResize { from } => ("REVERT_RESIZE", "resized", from.look().2),
            Phase::Rebuilding { from } => ("REBUILD", from.look().1, from.look().2),
        };
        // Nova shows progress only for these statuses.
        let progress = match status {
            "BUILD" => Some(progress_percent(fraction)),
            "ACTIVE" | "REBUILD" | "RESIZE" | "VERIFY_RESIZE" => Some(0),
            _ => None,
        };
        StatusView {
            status,
            vm_state,
            task_state,
            power_state,
            progress,
        }
    }

    /// The server runs on a host (Nova nulls the host of an offloaded server).
    pub fn on_host(self) -> bool {
        !matches!(
            self,
            Phase::ShelvedOffloaded | Phase::Unshelving { offloaded: true }
        )
    }

    /// The steady state a new task starts from, when the phase is one.
    pub fn resting(self) -> Option<Resting> {
        match self {
            Phase::Active => Some(Resting::Active),
            Phase::Stopped => Some(Resting::Stopped),
            Phase::Paused => Some(Resting::Paused),
            Phase::Suspended => Some(Resting::Suspended),
            Phase::Error => Some(Resting::Error),
            _ => None,
        }
    }
}

fn progress_percent(fraction: f64) -> u8 {
    // Truncation is intended: progress only reaches 100 when the build is done.
    (fraction.clamp(0.0, 1.0) * 99.0) as u8
}

/// Fraction of `duration` elapsed between `start` and `now`, in 0..=1.
pub fn elapsed_fraction(start: OffsetDateTime, duration: Duration, now: OffsetDateTime) -> f64 {
    if duration <= Duration::ZERO {
        return 1.0;
    }
    ((now - start).as_seconds_f64() / duration.as_seconds_f64()).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_task_states_advance_in_order() {
        let states: Vec<_> = [0.1, 0.3, 0.9]
            .into_iter()
            .map(|fraction| Phase::Building.task_state(fraction, true))
            .collect();
        assert_eq!(
            states,
            [
                Some("scheduling"),
                Some("block_device_mapping"),
                Some("spawning")
            ]
        );
        assert!(
            Phase::Building.view(0.9, true, None).progress
                > Phase::Building.view(0.3, true, None).progress
        );
    }

    #[test]
    fn stopped_servers_show_shutoff_without_progress() {
        let view = Phase::Stopped.view(1.0, true, None);
        assert_eq!(
            (view.status, view.power_state, view.progress),
            ("SHUTOFF", power::SHUTDOWN, None)
        );
    }

    #[test]
    fn a_server_being_deleted_keeps_its_state_as_nova_does() {
        let deleting = |before| Phase::Deleting.view(0.5, true, Some(before));
        let error = deleting((Phase::Error, 1.0));
        assert_eq!(
            (
                error.status,
                error.vm_state,
                error.task_state,
                error.power_state,
                error.progress
            ),
            ("ERROR", "error", Some("deleting"), power::NOSTATE, None)
        );
        let stopped = deleting((Phase::Stopped, 1.0));
        assert_eq!(
            (stopped.status, stopped.power_state),
            ("SHUTOFF", power::SHUTDOWN)
        );
        let building = deleting((Phase::Building, 0.6));
        assert_eq!(
            (building.status, building.task_state, building.progress),
            (
                "BUILD",
                Some("deleting"),
                Phase::Building.view(0.6, true, None).progress
            )
        );
        assert_eq!(deleting((Phase::Active, 1.0)).status, "ACTIVE");
    }

    #[test]
    fn transitional_phases_settle_to_steady_ones() {
        assert_eq!(Phase::Stopping.settles_to(), Some(Phase::Stopped));
        assert_eq!(
            Phase::Rebooting { hard: true }.settles_to(),
            Some(Phase::Active)
        );
        assert!(!Phase::Active.is_transitional());
    }

    #[test]
    fn a_resize_steps_through_novas_task_states_to_verify_resize() {
        let resizing = Phase::Resizing {
            from: Resting::Active,
        };
        let steps: Vec<_> = [0.0, 0.3, 0.6, 0.9]
            .into_iter()
            .map(|fraction| resizing.view(fraction, true, None))
            .map(|view| (view.status, view.task_state))
            .collect();
        assert_eq!(
            steps,
            [
                ("RESIZE", Some("resize_prep")),
                ("RESIZE", Some("resize_migrating")),
                ("RESIZE", Some("resize_migrated")),
                ("RESIZE", Some("resize_finish")),
            ]
        );
        let resized = resizing.settles_to().expect("a resize ends");
        let view = resized.view(1.0, true, None);
        assert_eq!(
            (view.status, view.vm_state, view.task_state),
            ("VERIFY_RESIZE", "resized", None)
        );
        let reverting = Phase::RevertingResize {
            from: Resting::Stopped,
        };
        assert_eq!(reverting.view(0.5, true, None).status, "REVERT_RESIZE");
        assert_eq!(reverting.settles_to(), Some(Phase::Stopped));
    }

    #[test]
    fn shelving_uploads_its_snapshot_when_a_snapshot_does() {
        // The shelved image's upload times follow SNAPSHOT_STEPS.
        let uploading = |steps: &[(f64, &str)], name: &str| {
            steps
                .iter()
                .find(|(_, step)| *step == name)
                .map(|(start, _)| *start)
        };
        assert_eq!(
            uploading(&SHELVE_STEPS, "shelving_image_uploading"),
            uploading(&SNAPSHOT_STEPS, "image_uploading")
        );
    }

    #[test]
    fn pause_suspend_and_shelve_show_novas_statuses() {
        let look = |phase: Phase| {
            let view = phase.view(0.5, true, None);
            (
                view.status,
                view.vm_state,
                view.task_state,
                view.power_state,
            )
        };
        assert_eq!(
            look(Phase::Pausing),
            ("ACTIVE", "active", Some("pausing"), power::RUNNING)
        );
        assert_eq!(
            look(Phase::Paused),
            ("PAUSED", "paused", None, power::PAUSED)
        );
        assert_eq!(
            look(Phase::Resuming),
            ("SUSPENDED", "suspended", Some("resuming"), power::SHUTDOWN)
        );
        assert_eq!(
            look(Phase::Shelving {
                from: Resting::Stopped,
                offload: true
            }),
            (
                "SHUTOFF",
                "stopped",
                Some("shelving_offloading"),
                power::SHUTDOWN
            )
        );
        assert_eq!(Phase::Shelved.settles_to(), Some(Phase::ShelvedOffloaded));
        assert!(Phase::Shelved.is_timed() && !Phase::Shelved.is_transitional());
        assert_eq!(look(Phase::ShelvedOffloaded).0, "SHELVED_OFFLOADED");
        assert!(!Phase::ShelvedOffloaded.on_host());
        assert_eq!(
            look(Phase::Snapshotting {
                of: Resting::Paused
            }),
            ("PAUSED", "paused", Some("image_uploading"), power::PAUSED)
        );
        assert_eq!(
            Phase::Rebuilding {
                from: Resting::Error
            }
            .settles_to(),
            Some(Phase::Active)
        );
    }
}
