//! The Disks section in plain Rust: one row per attached volume from what Nova and Cinder say,
//! which one is the system disk, whether anything is still changing, the new data disk's
//! values, and the lines the section shows.

use ecs_api::ApiError;
use ecs_api::models::{
    AttachedVolume, QuotaUsage, Server, Volume, VolumeAttachment, VolumeQuotaSet, VolumeType,
};

use crate::hooks::polling::schedule::Outcome;

/// The largest data disk the section creates (GB): the largest EVS disk ECS offers. The cloud's
/// volume quota may bound it lower.
pub const DATA_DISK_MAX_GB: u64 = 32_768;

/// Cinder's statuses that change on their own (the section keeps watching while one shows).
const CHANGING: [&str; 9] = [
    "creating",
    "attaching",
    "detaching",
    "reserved",
    "downloading",
    "extending",
    "deleting",
    "maintenance",
    "uploading",
];

/// One attached volume as the section lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DiskRow {
    pub volume_id: String,
    /// The volume's name, or its id when it has none (or Cinder is not there to say).
    pub name: String,
    /// `None` without Cinder.
    pub size_gb: Option<u64>,
    pub volume_type: Option<String>,
    pub device: Option<String>,
    /// `Some(true)`: deleted with the server; `None`: the cloud did not say.
    pub delete_on_termination: Option<bool>,
    /// Cinder's status (`in-use`, `detaching`, ...); `None` without Cinder.
    pub status: Option<String>,
    /// The disk the server boots from: it cannot be detached.
    pub is_system: bool,
}

/// A device name that is a server's first disk (`/dev/vda`, `/dev/sda`, `/dev/xvda`, ...).
fn is_first_device(device: &str) -> bool {
    let name = device.trim().trim_start_matches("/dev/");
    ["vda", "sda", "xvda", "hda"].contains(&name)
}

/// The rows, in Nova's order (the system disk first when Nova lists it first). `attached` is
/// the server's `volumes_attached` (which says, from 2.3 on, what goes with the server);
/// `details` is Cinder's view, `None` on a cloud without it.
pub fn disk_rows(
    attachments: &[VolumeAttachment],
    attached: &[AttachedVolume],
    details: Option<&[Volume]>,
) -> Vec<DiskRow> {
    let mut rows: Vec<DiskRow> = attachments
        .iter()
        .map(|attachment| {
            let volume =
                details.and_then(|volumes| volumes.iter().find(|v| v.id == attachment.volume_id));
            let delete_on_termination = attachment.delete_on_termination.or_else(|| {
                attached
                    .iter()
                    .find(|listed| listed.id == attachment.volume_id)
                    .and_then(|listed| listed.delete_on_termination)
            });
            let device = attachment.device.clone().or_else(|| {
                volume
                    .and_then(|volume| volume.attachment_to(&attachment.server_id))
                    .and_then(|record| record.device.clone())
            });
            let is_system = match device.as_deref() {
                Some(device) => is_first_device(device),
                None => volume.is_some_and(|volume| volume.bootable),
            };
            DiskRow {
                volume_id: attachment.volume_id.clone(),
                name: volume.map_or_else(
                    || attachment.volume_id.clone(),
                    |volume| volume.display_name().to_owned(),
                ),
                size_gb: volume.map(|volume| volume.size),
                volume_type: volume.and_then(|volume| volume.volume_type.clone()),
                device,
                delete_on_termination,
                status: volume.map(|volume| volume.status.clone()),
                is_system,
            }
        })
        .collect();
    rows.sort_by_key(|row| !row.is_system);
    rows
}

/// Whether to keep watching: a volume is still changing (attaching, detaching, ...), or the
/// volume whose detach Nova accepted (`awaited`) is still listed (a cloud may keep saying
/// `in-use` for a moment after the 202).
pub fn disks_outcome(rows: &[DiskRow], awaited: Option<&str>) -> Outcome {
    let changing = rows.iter().any(|row| {
        row.status
            .as_deref()
            .is_some_and(|status| CHANGING.contains(&status))
            || awaited == Some(row.volume_id.as_str())
    });
    if changing {
        Outcome::Transitional
    } else {
        Outcome::Steady
    }
}

/// "Deleted with the server" / "Kept when the server is deleted" / "Not said by the cloud".
pub fn goes_with_server_text(delete_on_termination: Option<bool>) -> &'static str {
    match delete_on_termination {
        Some(true) => "Deleted with the server",
        Some(false) => "Kept when the server is deleted",
        None => "Not said by this cloud",
    }
}

/// Cinder's status as people read it ("in-use" -> "In use").
pub fn status_text(status: Option<&str>) -> String {
    let Some(status) = status.filter(|status| !status.is_empty()) else {
        return "Attached".to_owned();
    };
    let words = status.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Why the system disk has no Detach button.
pub const SYSTEM_DISK_REASON: &str = "The system disk cannot be detached: the server boots from it. It goes when the server is deleted, or stays if it is kept.";

/// The question a confirmation asks (the name is shown in bold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub lead: &'static str,
    pub name: String,
    pub detail: String,
}

pub fn detach_question(row: &DiskRow) -> Question {
    let mut facts = Vec::new();
    if let Some(size) = row.size_gb {
        facts.push(format!("{size} GB"));
    }
    if let Some(device) = &row.device {
        facts.push(device.clone());
    }
    let facts = if facts.is_empty() {
        String::new()
    } else {
        format!(" ({})", facts.join(", "))
    };
    Question {
        lead: "Detach the volume ",
        name: row.name.clone(),
        detail: format!(
            "{facts} from this server? Unmount it inside the server first; the volume and its data are kept and can be attached again."
        ),
    }
}

/// A volume the section offers to delete: enough to name it and to ask Cinder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeRef {
    pub volume_id: String,
    pub name: String,
    pub size_gb: Option<u64>,
}

impl VolumeRef {
    pub fn of_row(row: &DiskRow) -> Self {
        Self {
            volume_id: row.volume_id.clone(),
            name: row.name.clone(),
            size_gb: row.size_gb,
        }
    }

    pub fn of_volume(volume: &Volume) -> Self {
        Self {
            volume_id: volume.id.clone(),
            name: volume.display_name().to_owned(),
            size_gb: Some(volume.size),
        }
    }
}

pub fn delete_question(volume: &VolumeRef) -> Question {
    let size = volume
        .size_gb
        .map(|size| format!(" ({size} GB)"))
        .unwrap_or_default();
    Question {
        lead: "Delete the volume ",
        name: volume.name.clone(),
        detail: format!(
            "{size}? Its data is lost for good: this cannot be undone, and the volume's space is freed from your quota."
        ),
    }
}

/// The volume type names to offer, the cloud's own first (public ones, in the cloud's order).
pub fn type_names(types: &[VolumeType]) -> Vec<String> {
    types.iter().map(|kind| kind.name.clone()).collect()
}

/// The typed volume type, trimmed: blank is the cloud's default; with the cloud's list known,
/// a name it does not have is refused (case-sensitive, as Cinder matches it).
pub fn chosen_type(typed: &str, types: Option<&[VolumeType]>) -> Result<String, String> {
    let typed = typed.trim();
    match types {
        Some(types) if !typed.is_empty() && !types.iter().any(|kind| kind.name == typed) => {
            Err(format!(
                "This cloud has no volume type {typed:?}; choose one of: {}.",
                type_names(types).join(", ")
            ))
        }
        _ => Ok(typed.to_owned()),
    }
}

/// The hint under the size: the bound and where it comes from, then the quota's figures
/// (`summary`, from [`quota_summary`]).
pub fn size_hint(quota_left: Option<u64>, summary: Option<&str>) -> String {
    let bound = match quota_left {
        Some(left) if left < DATA_DISK_MAX_GB => {
            format!("1 to {left} GB: the most your volume quota allows for a new volume.")
        }
        _ => format!("1 to {DATA_DISK_MAX_GB} GB, the largest data disk this console creates."),
    };
    match summary {
        Some(summary) => format!("{bound} {summary}"),
        None => bound,
    }
}

/// The largest new volume the quota's gigabytes allow (what is left, and the per-volume limit),
/// `None` when they set no bound. The volume count is not a size: [`volume_count_exhausted`]
/// tells it apart.
pub fn gigabytes_room(quota: &VolumeQuotaSet) -> Option<u64> {
    [
        quota.gigabytes.remaining(),
        quota.per_volume_gigabytes.finite_limit(),
    ]
    .into_iter()
    .flatten()
    .min()
}

/// The typed size in GB, or what to tell the user.
pub fn data_disk_size(text: &str, quota_left: Option<u64>) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter the data disk's size in GB.".to_owned());
    }
    let Ok(size) = text.replace([',', '_'], "").parse::<u64>() else {
        return Err(if text.chars().all(|c| c.is_ascii_digit()) {
            format!("{text} GB is far more than any disk; enter at most {DATA_DISK_MAX_GB} GB.")
        } else {
            format!("Enter the size as a whole number of GB (not {text:?}).")
        });
    };
    if size == 0 {
        return Err("Enter a size of at least 1 GB.".to_owned());
    }
    if size > DATA_DISK_MAX_GB {
        return Err(format!(
            "{size} GB is more than the largest data disk this console creates; enter at most {DATA_DISK_MAX_GB} GB."
        ));
    }
    match quota_left {
        Some(0) => Err("Your volume quota is used up: detach and delete volumes you no longer need, or ask for a larger quota.".to_owned()),
        Some(left) if size > left => Err(format!(
            "{size} GB is more than your volume quota allows for a new volume ({left} GB); enter at most {left} GB."
        )),
        _ => Ok(size),
    }
}

/// A name for the next data disk: `<server>-data-<n>`, the first `n` no row uses.
pub fn suggested_name(server_name: &str, rows: &[DiskRow]) -> String {
    let base = if server_name.trim().is_empty() {
        "data".to_owned()
    } else {
        format!("{}-data", server_name.trim())
    };
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|name| rows.iter().all(|row| &row.name != name))
        .unwrap_or(base)
}

/// Where a new data disk is in its journey, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Creating {
        name: String,
        size_gb: u64,
    },
    /// Cinder says `status` (still `creating`, usually).
    WaitingFor {
        name: String,
        status: String,
    },
    Attaching {
        name: String,
    },
    Detaching {
        name: String,
    },
    Deleting {
        name: String,
    },
}

pub fn step_text(step: &Step) -> String {
    match step {
        Step::Creating { name, size_gb } => format!("Creating the volume {name} ({size_gb} GB)…"),
        Step::WaitingFor { name, status } => format!(
            "The volume {name} is {}; waiting until it is available…",
            status_text(Some(status)).to_lowercase()
        ),
        Step::Attaching { name } => format!("Attaching {name} to the server…"),
        Step::Detaching { name } => format!("Detaching {name}…"),
        Step::Deleting { name } => format!("Deleting the volume {name}…"),
    }
}

/// What a finished request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Attached {
        name: String,
        device: Option<String>,
    },
    /// Nova accepted the detach (202); the volume leaves the server in the background.
    DetachRequested(VolumeRef),
    Deleted {
        name: String,
    },
}

impl Done {
    /// The volume whose detach is accepted but may still be listed.
    pub fn detaching_volume(&self) -> Option<&str> {
        match self {
            Self::DetachRequested(volume) => Some(&volume.volume_id),
            _ => None,
        }
    }
}

/// The status line after a request, and the volume it offers to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneLine {
    pub text: String,
    /// A volume just detached (with Cinder, which can delete it).
    pub deletable: Option<VolumeRef>,
}

/// What a finished request says, following the live rows (`None` while not loaded): a detach
/// is "requested" while the volume is listed, and done once it has left the server.
pub fn done_line(done: &Done, rows: Option<&[DiskRow]>, has_cinder: bool) -> DoneLine {
    let text = |text: String| DoneLine {
        text,
        deletable: None,
    };
    match done {
        Done::Attached {
            name,
            device: Some(device),
        } => text(format!("Attached {name} as {device}.")),
        Done::Attached { name, device: None } => text(format!("Attached {name}.")),
        Done::Deleted { name } => text(format!("The volume {name} was deleted.")),
        Done::DetachRequested(volume) => {
            let listed =
                rows.is_none_or(|rows| rows.iter().any(|row| row.volume_id == volume.volume_id));
            let name = &volume.name;
            if listed {
                text(format!(
                    "Detach of {name} requested; waiting for the server to let it go…"
                ))
            } else if has_cinder {
                DoneLine {
                    text: format!(
                        "{name} detached. The volume and its data are kept: attach it again with \"An existing volume\", or delete it if you no longer need it."
                    ),
                    deletable: Some(volume.clone()),
                }
            } else {
                text(format!(
                    "{name} detached. The volume and its data are kept: attach it again by its id."
                ))
            }
        }
    }
}

/// A deleted volume that did not go away: what went wrong.
pub fn not_deleted_text(name: &str, status: &str) -> String {
    if status.starts_with("error") {
        format!(
            "The cloud could not delete the volume {name} (status {status}). Try again, or ask your cloud administrator."
        )
    } else {
        format!(
            "The volume {name} is still {status}; the cloud is taking long to delete it. The list of volumes shows when it is gone."
        )
    }
}

/// The Overview's count of a server's disks ("No disks", "1 disk", "2 disks").
pub fn disk_count_text(count: usize) -> String {
    match count {
        0 => "No disks".to_owned(),
        1 => "1 disk".to_owned(),
        count => format!("{count} disks"),
    }
}

/// A new volume that did not become available: what went wrong, in the user's terms.
pub fn not_available_text(name: &str, status: &str) -> String {
    if status.starts_with("error") {
        format!(
            "The cloud could not create the volume {name} (status {status}). Try another volume type or size, or ask your cloud administrator."
        )
    } else {
        format!(
            "The volume {name} is still {status}. It was not attached; once it is available, attach it with \"An existing volume\"."
        )
    }
}

/// A request that failed: the cloud's error, and the new volume it left behind when the
/// volume was made but the attach did not happen.
#[derive(Debug, Clone, PartialEq)]
pub struct DiskFailure {
    pub error: ApiError,
    pub leftover: Option<VolumeRef>,
}

impl From<ApiError> for DiskFailure {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            leftover: None,
        }
    }
}

impl DiskFailure {
    /// What to do next where the page knows better than the error's kind (a leftover volume).
    pub fn advice(&self) -> Option<String> {
        self.leftover.as_ref().map(leftover_advice)
    }
}

/// Why a locked server's disks cannot be attached or detached (Nova answers 409 to both),
/// `None` when it is not locked.
pub fn locked_disks_text(server: &Server) -> Option<&'static str> {
    server
        .is_locked()
        .then_some("Locked: unlock it under Manage to attach or detach disks.")
}

/// What to do after a new volume was made but not attached: it is left in the project, so the
/// advice names it and offers its deletion (never "pick another name").
pub fn leftover_advice(volume: &VolumeRef) -> String {
    let size = volume
        .size_gb
        .map(|size| format!(" ({size} GB)"))
        .unwrap_or_default();
    format!(
        "The volume {}{size} was created but not attached: it is left in your project and counts against your quota. Delete it below, or attach it later with \"An existing volume\".",
        volume.name
    )
}

/// The volume quota in one line ("Quota: 3 of 10 volumes, 120 of 1000 GB used"), `None` when
/// it bounds neither.
pub fn quota_summary(quota: &VolumeQuotaSet) -> Option<String> {
    let part = |usage: &QuotaUsage, unit: &str| {
        let limit = usage.finite_limit()?;
        Some(format!(
            "{} of {limit} {unit}",
            usage.in_use.unwrap_or(0).max(0)
        ))
    };
    let parts: Vec<String> = [
        part(&quota.volumes, "volumes"),
        part(&quota.gigabytes, "GB"),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| format!("Quota: {} used.", parts.join(", ")))
}

/// Why no new volume can be made at all because the volume count is used up ("Quota: 10 of 10
/// volumes used"), `None` while volumes are left: it belongs to the whole new volume, not to
/// its size.
pub fn volume_count_exhausted(quota: &VolumeQuotaSet) -> Option<String> {
    (quota.volumes.remaining() == Some(0)).then(|| {
        let limit = quota.volumes.finite_limit().unwrap_or(0);
        let used = quota
            .volumes
            .in_use
            .map_or(limit, |used| used.max(0).unsigned_abs());
        format!(
            "Quota: {used} of {limit} volumes used, so no new volume can be made. Attach an existing volume, delete volumes you no longer need, or ask for a larger quota."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecs_api::models::VolumeAttachmentRecord;

    fn attachment(volume_id: &str, device: Option<&str>) -> VolumeAttachment {
        VolumeAttachment {
            volume_id: volume_id.to_owned(),
            server_id: "s1".to_owned(),
            device: device.map(str::to_owned),
            ..VolumeAttachment::default()
        }
    }

    fn volume(id: &str, name: &str, size: u64, status: &str) -> Volume {
        Volume {
            id: id.to_owned(),
            name: Some(name.to_owned()),
            size,
            volume_type: Some("SSD".to_owned()),
            status: status.to_owned(),
            attachments: vec![VolumeAttachmentRecord {
                server_id: "s1".to_owned(),
                device: Some("/dev/vdz".to_owned()),
                ..VolumeAttachmentRecord::default()
            }],
            ..Volume::default()
        }
    }

    fn quota(volumes: (i64, i64), gigabytes: (i64, i64)) -> VolumeQuotaSet {
        let usage = |(limit, used): (i64, i64)| QuotaUsage {
            limit,
            in_use: Some(used),
            reserved: Some(0),
        };
        VolumeQuotaSet {
            volumes: usage(volumes),
            gigabytes: usage(gigabytes),
            ..VolumeQuotaSet::default()
        }
    }

    #[test]
    fn a_used_up_volume_count_is_said_as_such_not_as_zero_gigabytes() {
        let full = quota((10, 10), (1000, 120));
        assert_eq!(
            volume_count_exhausted(&full).as_deref(),
            Some(
                "Quota: 10 of 10 volumes used, so no new volume can be made. Attach an existing volume, delete volumes you no longer need, or ask for a larger quota."
            )
        );
        // The size is bounded by gigabytes only: 880 GB are left.
        assert_eq!(gigabytes_room(&full), Some(880));
        assert_eq!(
            quota_summary(&full).as_deref(),
            Some("Quota: 10 of 10 volumes, 120 of 1000 GB used.")
        );
        let hint = size_hint(gigabytes_room(&full), quota_summary(&full).as_deref());
        assert_eq!(
            hint,
            "1 to 880 GB: the most your volume quota allows for a new volume. Quota: 10 of 10 volumes, 120 of 1000 GB used."
        );
        assert!(!hint.contains(" 0 GB"));
        let room = quota((10, 3), (1000, 120));
        assert_eq!(volume_count_exhausted(&room), None);
        assert_eq!(quota_summary(&VolumeQuotaSet::default()), None, "unlimited");
    }

    #[test]
    fn a_locked_server_refuses_attach_and_detach_and_says_why() {
        let locked: Server =
            serde_json::from_str(r#"{"id": "1", "status": "ACTIVE", "locked": true}"#).unwrap();
        assert_eq!(
            locked_disks_text(&locked),
            Some("Locked: unlock it under Manage to attach or detach disks.")
        );
        let unlocked: Server =
            serde_json::from_str(r#"{"id": "1", "status": "ACTIVE", "locked": false}"#).unwrap();
        assert_eq!(locked_disks_text(&unlocked), None);
    }

    #[test]
    fn a_failed_attach_of_a_new_volume_names_it_and_offers_its_deletion() {
        let conflict = ApiError::from_response(
            409,
            br#"{"conflictingRequest": {"code": 409, "message": "Instance is locked"}}"#,
        );
        let leftover = VolumeRef {
            volume_id: "v9".into(),
            name: "web-data-1".into(),
            size_gb: Some(10),
        };
        let failure = DiskFailure {
            error: conflict.clone(),
            leftover: Some(leftover),
        };
        let advice = failure.advice().expect("advice");
        assert_eq!(
            advice,
            "The volume web-data-1 (10 GB) was created but not attached: it is left in your project and counts against your quota. Delete it below, or attach it later with \"An existing volume\"."
        );
        assert!(!advice.contains("another name"));
        // Nothing was made: the error's own advice stands.
        assert_eq!(DiskFailure::from(conflict).advice(), None);
    }

    #[test]
    fn rows_join_nova_and_cinder_with_the_system_disk_first() {
        let attachments = [
            attachment("data", Some("/dev/vdb")),
            attachment("root", Some("/dev/vda")),
        ];
        let attached = [
            AttachedVolume {
                id: "root".into(),
                delete_on_termination: Some(true),
            },
            AttachedVolume {
                id: "data".into(),
                delete_on_termination: Some(false),
            },
        ];
        let details = [
            volume("root", "web-1-root", 40, "in-use"),
            volume("data", "logs", 100, "in-use"),
        ];
        let rows = disk_rows(&attachments, &attached, Some(&details));
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            DiskRow {
                volume_id: "root".into(),
                name: "web-1-root".into(),
                size_gb: Some(40),
                volume_type: Some("SSD".into()),
                device: Some("/dev/vda".into()),
                delete_on_termination: Some(true),
                status: Some("in-use".into()),
                is_system: true,
            }
        );
        assert_eq!(
            (rows[1].name.as_str(), rows[1].size_gb, rows[1].is_system),
            ("logs", Some(100), false)
        );
        assert_eq!(rows[1].delete_on_termination, Some(false));
    }

    #[test]
    fn without_cinder_the_rows_say_what_nova_tells() {
        let mut with_flag = attachment("v2", Some("/dev/sdb"));
        with_flag.delete_on_termination = Some(true);
        let rows = disk_rows(&[attachment("v1", Some("/dev/sda")), with_flag], &[], None);
        assert_eq!(rows[0].name, "v1");
        assert!(rows[0].is_system);
        assert_eq!((rows[0].size_gb, rows[0].status.as_deref()), (None, None));
        assert_eq!(rows[0].delete_on_termination, None);
        assert_eq!(rows[1].delete_on_termination, Some(true), "2.79+ says it");
        assert_eq!(status_text(None), "Attached");
    }

    #[test]
    fn a_device_unknown_to_nova_comes_from_cinder_and_bootable_marks_the_system_disk() {
        let mut boot = volume("v1", "boot", 10, "in-use");
        boot.bootable = true;
        let rows = disk_rows(&[attachment("v1", None)], &[], Some(&[boot.clone()]));
        assert_eq!(rows[0].device.as_deref(), Some("/dev/vdz"));
        assert!(!rows[0].is_system, "the device decides when known");
        boot.attachments.clear();
        let rows = disk_rows(&[attachment("v1", None)], &[], Some(&[boot]));
        assert!(rows[0].is_system);
    }

    #[test]
    fn watching_goes_on_while_a_volume_changes() {
        let details = [volume("v1", "a", 1, "attaching")];
        let rows = disk_rows(&[attachment("v1", Some("/dev/vdb"))], &[], Some(&details));
        assert_eq!(disks_outcome(&rows, None), Outcome::Transitional);
        let details = [volume("v1", "a", 1, "in-use")];
        let rows = disk_rows(&[attachment("v1", Some("/dev/vdb"))], &[], Some(&details));
        assert_eq!(disks_outcome(&rows, None), Outcome::Steady);
        assert_eq!(
            disks_outcome(&rows, Some("v1")),
            Outcome::Transitional,
            "a detach accepted while the cloud still says in-use"
        );
        assert_eq!(disks_outcome(&rows, Some("gone")), Outcome::Steady);
        let rows = disk_rows(&[attachment("v1", Some("/dev/vdb"))], &[], None);
        assert_eq!(
            disks_outcome(&rows, None),
            Outcome::Steady,
            "Nova alone says nothing changes"
        );
    }

    #[test]
    fn sizes_are_bounded_by_the_maximum_and_the_quota() {
        assert_eq!(data_disk_size(" 20 ", None), Ok(20));
        assert_eq!(data_disk_size("1,024", Some(2000)), Ok(1024));
        assert!(data_disk_size("", None).unwrap_err().contains("Enter"));
        assert!(
            data_disk_size("0", None)
                .unwrap_err()
                .contains("at least 1 GB")
        );
        assert!(
            data_disk_size("2.5", None)
                .unwrap_err()
                .contains("whole number")
        );
        assert_eq!(
            data_disk_size("99999", None).unwrap_err(),
            "99999 GB is more than the largest data disk this console creates; enter at most 32768 GB."
        );
        assert!(
            data_disk_size("99999999999999999999999", None)
                .unwrap_err()
                .contains("far more")
        );
        assert_eq!(
            data_disk_size("30", Some(25)).unwrap_err(),
            "30 GB is more than your volume quota allows for a new volume (25 GB); enter at most 25 GB."
        );
        assert!(
            data_disk_size("1", Some(0))
                .unwrap_err()
                .contains("used up")
        );
        assert!(size_hint(Some(25), None).starts_with("1 to 25 GB"));
        assert!(size_hint(None, None).starts_with("1 to 32768 GB"));
    }

    #[test]
    fn a_type_must_be_the_clouds_when_the_cloud_lists_them() {
        let types = [
            VolumeType {
                name: "SSD".into(),
                ..VolumeType::default()
            },
            VolumeType {
                name: "SATA".into(),
                ..VolumeType::default()
            },
        ];
        assert_eq!(chosen_type(" SSD ", Some(&types)), Ok("SSD".into()));
        assert_eq!(chosen_type("", Some(&types)), Ok(String::new()));
        assert_eq!(
            chosen_type("ssd", Some(&types)).unwrap_err(),
            "This cloud has no volume type \"ssd\"; choose one of: SSD, SATA."
        );
        assert_eq!(
            chosen_type("GPSSD", None),
            Ok("GPSSD".into()),
            "typed freely without Cinder"
        );
    }

    #[test]
    fn texts() {
        assert_eq!(status_text(Some("in-use")), "In use");
        assert_eq!(status_text(Some("error_deleting")), "Error deleting");
        assert_eq!(goes_with_server_text(Some(true)), "Deleted with the server");
        assert_eq!(
            goes_with_server_text(Some(false)),
            "Kept when the server is deleted"
        );
        let row = DiskRow {
            volume_id: "v".into(),
            name: "logs".into(),
            size_gb: Some(100),
            volume_type: None,
            device: Some("/dev/vdb".into()),
            delete_on_termination: None,
            status: None,
            is_system: false,
        };
        let question = detach_question(&row);
        assert_eq!(question.name, "logs");
        assert!(
            question
                .detail
                .starts_with(" (100 GB, /dev/vdb) from this server?")
        );
        assert_eq!(suggested_name("web", &[]), "web-data-1");
        let taken = DiskRow {
            name: "web-data-1".into(),
            ..row
        };
        assert_eq!(suggested_name("web", &[taken]), "web-data-2");
        assert_eq!(suggested_name("  ", &[]), "data-1");
        assert_eq!(
            step_text(&Step::WaitingFor {
                name: "d".into(),
                status: "creating".into()
            }),
            "The volume d is creating; waiting until it is available…"
        );
        assert_eq!(
            done_line(
                &Done::Attached {
                    name: "d".into(),
                    device: Some("/dev/vdb".into())
                },
                None,
                true
            )
            .text,
            "Attached d as /dev/vdb."
        );
        assert_eq!(
            step_text(&Step::Deleting { name: "d".into() }),
            "Deleting the volume d…"
        );
        assert_eq!(disk_count_text(0), "No disks");
        assert_eq!(disk_count_text(1), "1 disk");
        assert_eq!(disk_count_text(3), "3 disks");
        assert!(not_available_text("d", "error").contains("could not create"));
        assert!(not_available_text("d", "creating").contains("An existing volume"));
    }

    fn logs_row() -> DiskRow {
        DiskRow {
            volume_id: "v-logs".into(),
            name: "logs".into(),
            size_gb: Some(20),
            volume_type: Some("SAS".into()),
            device: Some("/dev/vdb".into()),
            delete_on_termination: Some(false),
            status: Some("in-use".into()),
            is_system: false,
        }
    }

    #[test]
    fn a_detach_line_follows_the_rows_and_ends_done_with_a_delete_offer() {
        let logs = logs_row();
        let done = Done::DetachRequested(VolumeRef::of_row(&logs));
        assert_eq!(done.detaching_volume(), Some("v-logs"));
        let requested = done_line(&done, Some(std::slice::from_ref(&logs)), true);
        assert_eq!(
            requested.text,
            "Detach of logs requested; waiting for the server to let it go…"
        );
        assert_eq!(requested.deletable, None);
        let loading = done_line(&done, None, true);
        assert!(loading.text.starts_with("Detach of logs requested"));
        let detaching = DiskRow {
            status: Some("detaching".into()),
            ..logs.clone()
        };
        assert!(
            done_line(&done, Some(&[detaching]), true)
                .text
                .contains("requested")
        );

        let left = done_line(&done, Some(&[]), true);
        assert!(left.text.starts_with("logs detached."), "{}", left.text);
        assert!(!left.text.contains("requested"));
        assert_eq!(
            left.deletable,
            Some(VolumeRef {
                volume_id: "v-logs".into(),
                name: "logs".into(),
                size_gb: Some(20),
            })
        );
        let without_cinder = done_line(&done, Some(&[]), false);
        assert!(without_cinder.text.starts_with("logs detached."));
        assert_eq!(without_cinder.deletable, None, "nothing can delete it");
        assert_eq!(
            done_line(
                &Done::Deleted {
                    name: "logs".into()
                },
                Some(&[]),
                true
            )
            .text,
            "The volume logs was deleted."
        );
        assert_eq!(Done::Deleted { name: "x".into() }.detaching_volume(), None);
    }

    #[test]
    fn the_delete_question_names_the_volume_and_says_it_is_for_good() {
        let question = delete_question(&VolumeRef::of_row(&logs_row()));
        assert_eq!(question.lead, "Delete the volume ");
        assert_eq!(question.name, "logs");
        assert!(
            question
                .detail
                .starts_with(" (20 GB)? Its data is lost for good")
        );
        let unnamed = volume("v9", "", 5, "available");
        let question = delete_question(&VolumeRef::of_volume(&unnamed));
        assert_eq!(question.name, unnamed.display_name());
        assert!(question.detail.starts_with(" (5 GB)?"));
        assert!(not_deleted_text("d", "error_deleting").contains("could not delete"));
        assert!(not_deleted_text("d", "deleting").contains("still deleting"));
    }
}
