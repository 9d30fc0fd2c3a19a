//! Server lifecycle: phases that advance with time, and how each phase looks through the API.

use time::{Duration, OffsetDateTime};

/// Where a server is in its life. Transitional phases end after `Server::phase_duration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Building,
    Active,
    Stopping,
    Stopped,
    Starting,
    Rebooting { hard: bool },
    Deleting,
    Error,
}

/// Nova's power_state values.
pub mod power {
    pub const NOSTATE: u8 = 0;
    pub const RUNNING: u8 = 1;
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

impl Phase {
    /// What a transitional phase becomes when its time is up (None for steady phases and for
    /// Deleting, which ends with the server gone, and Building, whose outcome is decided per server).
    pub fn settles_to(self) -> Option<Phase> {
        match self {
            Phase::Stopping => Some(Phase::Stopped),
            Phase::Starting | Phase::Rebooting { .. } => Some(Phase::Active),
            _ => None,
        }
    }

    pub fn is_transitional(self) -> bool {
        matches!(
            self,
            Phase::Building
                | Phase::Stopping
                | Phase::Starting
                | Phase::Rebooting { .. }
                | Phase::Deleting
        )
    }

    /// The vm_state of the steady phase this one belongs to (used in 409 messages and views).
    pub fn vm_state(self) -> &'static str {
        match self {
            Phase::Building => "building",
            Phase::Active | Phase::Stopping | Phase::Rebooting { .. } => "active",
            Phase::Stopped | Phase::Starting => "stopped",
            Phase::Deleting => "active",
            Phase::Error => "error",
        }
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
            Phase::Active | Phase::Stopped | Phase::Error => None,
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
            Phase::Active | Phase::Stopping => ("ACTIVE", "active", power::RUNNING),
            Phase::Stopped | Phase::Starting => ("SHUTOFF", "stopped", power::SHUTDOWN),
            Phase::Rebooting { hard: false } => ("REBOOT", "active", power::RUNNING),
            Phase::Rebooting { hard: true } => ("HARD_REBOOT", "active", power::RUNNING),
            // Only without a recorded phase before the delete (every delete records one).
            Phase::Deleting => ("ACTIVE", "active", power::RUNNING),
            Phase::Error => ("ERROR", "error", power::NOSTATE),
        };
        // Nova shows progress only for these statuses.
        let progress = match status {
            "BUILD" => Some(progress_percent(fraction)),
            "ACTIVE" => Some(0),
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
}
