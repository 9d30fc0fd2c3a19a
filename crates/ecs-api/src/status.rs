//! The server status model: Nova's `status`, `OS-EXT-STS:task_state` and
//! `OS-EXT-STS:power_state`, and which combinations are still changing (worth polling).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this crate does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The API's spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(text) => text,
                }
            }

            /// Parses the API's spelling (case-insensitive); unknown text becomes `Other`.
            pub fn parse(text: &str) -> Self {
                $(if text.eq_ignore_ascii_case($text) { return Self::$variant; })+
                Self::Other(text.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = crate::de::string_or_empty(deserializer)?;
                Ok(Self::parse(&text))
            }
        }
    };
}

string_enum! {
    /// `server.status` as Nova reports it.
    ServerStatus {
        Active => "ACTIVE",
        Build => "BUILD",
        Deleted => "DELETED",
        Error => "ERROR",
        HardReboot => "HARD_REBOOT",
        Migrating => "MIGRATING",
        Password => "PASSWORD",
        Paused => "PAUSED",
        Reboot => "REBOOT",
        Rebuild => "REBUILD",
        Rescue => "RESCUE",
        Resize => "RESIZE",
        RevertResize => "REVERT_RESIZE",
        Shelved => "SHELVED",
        ShelvedOffloaded => "SHELVED_OFFLOADED",
        Shutoff => "SHUTOFF",
        SoftDeleted => "SOFT_DELETED",
        Suspended => "SUSPENDED",
        Unknown => "UNKNOWN",
        VerifyResize => "VERIFY_RESIZE",
    }
}

impl Default for ServerStatus {
    /// A record without a status (e.g. a `GET /servers` list item) is `UNKNOWN`.
    fn default() -> Self {
        Self::Unknown
    }
}

impl ServerStatus {
    /// True while Nova is still working on the server by itself (the console keeps polling).
    /// Unknown statuses count as transitional: they are usually new intermediate states.
    pub fn is_transitional(&self) -> bool {
        match self {
            Self::Build
            | Self::HardReboot
            | Self::Migrating
            | Self::Password
            | Self::Reboot
            | Self::Rebuild
            | Self::Resize
            | Self::RevertResize
            | Self::Other(_) => true,
            Self::Active
            | Self::Deleted
            | Self::Error
            | Self::Paused
            | Self::Rescue
            | Self::Shelved
            | Self::ShelvedOffloaded
            | Self::Shutoff
            | Self::SoftDeleted
            | Self::Suspended
            | Self::Unknown
            | Self::VerifyResize => false,
        }
    }

    /// True for the statuses whose `progress` measures something: a build, rebuild, resize or
    /// migration in progress. Nova also sends `progress: 0` with ACTIVE and VERIFY_RESIZE, where
    /// it means nothing.
    pub fn reports_progress(&self) -> bool {
        matches!(
            self,
            Self::Build | Self::Rebuild | Self::Resize | Self::Migrating
        )
    }
}

string_enum! {
    /// `OS-EXT-STS:task_state`: the operation in progress (`null` when none).
    TaskState {
        Scheduling => "scheduling",
        BlockDeviceMapping => "block_device_mapping",
        Networking => "networking",
        Spawning => "spawning",
        ImageSnapshot => "image_snapshot",
        ImageSnapshotPending => "image_snapshot_pending",
        ImagePendingUpload => "image_pending_upload",
        ImageUploading => "image_uploading",
        ImageBackup => "image_backup",
        UpdatingPassword => "updating_password",
        ResizePrep => "resize_prep",
        ResizeMigrating => "resize_migrating",
        ResizeMigrated => "resize_migrated",
        ResizeFinish => "resize_finish",
        ResizeReverting => "resize_reverting",
        ResizeConfirming => "resize_confirming",
        Rebooting => "rebooting",
        RebootPending => "reboot_pending",
        RebootStarted => "reboot_started",
        RebootingHard => "rebooting_hard",
        RebootPendingHard => "reboot_pending_hard",
        RebootStartedHard => "reboot_started_hard",
        Pausing => "pausing",
        Unpausing => "unpausing",
        Suspending => "suspending",
        Resuming => "resuming",
        PoweringOff => "powering-off",
        PoweringOn => "powering-on",
        Rescuing => "rescuing",
        Unrescuing => "unrescuing",
        Rebuilding => "rebuilding",
        RebuildBlockDeviceMapping => "rebuild_block_device_mapping",
        RebuildSpawning => "rebuild_spawning",
        Migrating => "migrating",
        Deleting => "deleting",
        SoftDeleting => "soft-deleting",
        Restoring => "restoring",
        Shelving => "shelving",
        ShelvingImagePendingUpload => "shelving_image_pending_upload",
        ShelvingImageUploading => "shelving_image_uploading",
        ShelvingOffloading => "shelving_offloading",
        Unshelving => "unshelving",
    }
}

/// `OS-EXT-STS:power_state`: the hypervisor's view (an integer in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PowerState {
    NoState,
    Running,
    Paused,
    Shutdown,
    Crashed,
    Suspended,
    Other(i64),
}

impl PowerState {
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => Self::NoState,
            1 => Self::Running,
            3 => Self::Paused,
            4 => Self::Shutdown,
            6 => Self::Crashed,
            7 => Self::Suspended,
            other => Self::Other(other),
        }
    }

    pub fn code(self) -> i64 {
        match self {
            Self::NoState => 0,
            Self::Running => 1,
            Self::Paused => 3,
            Self::Shutdown => 4,
            Self::Crashed => 6,
            Self::Suspended => 7,
            Self::Other(code) => code,
        }
    }

    /// How people read it: Nova's display name, except "No state" for NOSTATE (the hypervisor
    /// reports nothing yet, or no longer).
    pub fn label(self) -> &'static str {
        match self {
            Self::NoState => "No state",
            other => other.name(),
        }
    }

    /// Nova's display name (`nova/compute/power_state.py`).
    pub fn name(self) -> &'static str {
        match self {
            Self::NoState => "NOSTATE",
            Self::Running => "Running",
            Self::Paused => "Paused",
            Self::Shutdown => "Shutdown",
            Self::Crashed => "Crashed",
            Self::Suspended => "Suspended",
            Self::Other(_) => "Unknown",
        }
    }
}

impl fmt::Display for PowerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for PowerState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for PowerState {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match crate::de::lenient_i64(&value).map_err(serde::de::Error::custom)? {
            Some(code) => Ok(Self::from_code(code)),
            None => Ok(Self::NoState),
        }
    }
}

/// True while the server is changing: a transitional status or any non-null task state.
/// This is what decides whether the console keeps refreshing a server.
pub fn is_transitional(status: &ServerStatus, task_state: Option<&TaskState>) -> bool {
    status.is_transitional() || task_state.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_classify() {
        assert_eq!(ServerStatus::parse("ACTIVE"), ServerStatus::Active);
        assert_eq!(ServerStatus::parse("hard_reboot"), ServerStatus::HardReboot);
        assert_eq!(ServerStatus::parse("SHINY").as_str(), "SHINY");
        for steady in [
            "ACTIVE",
            "SHUTOFF",
            "PAUSED",
            "SUSPENDED",
            "ERROR",
            "SHELVED",
            "SHELVED_OFFLOADED",
            "DELETED",
        ] {
            assert!(!ServerStatus::parse(steady).is_transitional(), "{steady}");
        }
        for moving in [
            "BUILD",
            "REBOOT",
            "HARD_REBOOT",
            "REBUILD",
            "RESIZE",
            "MIGRATING",
            "REVERT_RESIZE",
        ] {
            assert!(ServerStatus::parse(moving).is_transitional(), "{moving}");
        }
        let status: ServerStatus = serde_json::from_str("\"VERIFY_RESIZE\"").unwrap();
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"VERIFY_RESIZE\"");
    }

    #[test]
    fn any_task_state_is_transitional() {
        assert!(!is_transitional(&ServerStatus::Active, None));
        assert!(is_transitional(
            &ServerStatus::Active,
            Some(&TaskState::PoweringOff)
        ));
        assert!(is_transitional(
            &ServerStatus::Shutoff,
            Some(&TaskState::parse("something_new"))
        ));
        assert!(is_transitional(&ServerStatus::Build, None));
    }

    #[test]
    fn power_states() {
        let state: PowerState = serde_json::from_str("4").unwrap();
        assert_eq!((state, state.name()), (PowerState::Shutdown, "Shutdown"));
        let state: PowerState = serde_json::from_str("\"1\"").unwrap();
        assert_eq!(state, PowerState::Running);
        assert_eq!(PowerState::from_code(9).code(), 9);
        assert_eq!(serde_json::to_string(&PowerState::Crashed).unwrap(), "6");
        assert_eq!(TaskState::parse("powering-off"), TaskState::PoweringOff);
        assert_eq!(PowerState::NoState.name(), "NOSTATE");
        assert_eq!(PowerState::NoState.label(), "No state");
        assert_eq!(PowerState::Running.label(), "Running");
        assert_eq!(PowerState::Other(9).label(), "Unknown");
    }

    #[test]
    fn only_moving_statuses_report_progress() {
        for moving in ["BUILD", "REBUILD", "RESIZE", "MIGRATING"] {
            assert!(ServerStatus::parse(moving).reports_progress(), "{moving}");
        }
        for other in [
            "ACTIVE",
            "VERIFY_RESIZE",
            "SHUTOFF",
            "ERROR",
            "REBOOT",
            "SHINY",
        ] {
            assert!(!ServerStatus::parse(other).reports_progress(), "{other}");
        }
    }
}
