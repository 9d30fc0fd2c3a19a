//! What Cinder remembers: the project's volumes (boot volumes included), their attachment to a
//! server and the volume quota, with the checks Cinder and Nova make before changing them.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::config::VolumeQuota;
use crate::ids::uuid_from;
use crate::state::{State, to_time};

/// The volume types of the simulated cloud (ECS's disk types), the first the default.
pub const VOLUME_TYPES: [VolumeTypeInfo; 5] = [
    VolumeTypeInfo {
        name: "SATA",
        id: "4c1f8f5e-2f0a-4d6b-9a51-0c7d3e8b1a01",
        description: "Common I/O",
    },
    VolumeTypeInfo {
        name: "SAS",
        id: "4c1f8f5e-2f0a-4d6b-9a51-0c7d3e8b1a02",
        description: "High I/O",
    },
    VolumeTypeInfo {
        name: "SSD",
        id: "4c1f8f5e-2f0a-4d6b-9a51-0c7d3e8b1a03",
        description: "Ultra-high I/O",
    },
    VolumeTypeInfo {
        name: "GPSSD",
        id: "4c1f8f5e-2f0a-4d6b-9a51-0c7d3e8b1a04",
        description: "General purpose SSD",
    },
    VolumeTypeInfo {
        name: "ESSD",
        id: "4c1f8f5e-2f0a-4d6b-9a51-0c7d3e8b1a05",
        description: "Extreme SSD",
    },
];

/// One volume type as the cloud offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VolumeTypeInfo {
    pub name: &'static str,
    pub id: &'static str,
    pub description: &'static str,
}

/// The type a volume gets when the request names none.
pub fn default_volume_type() -> &'static VolumeTypeInfo {
    &VOLUME_TYPES[0]
}

/// A type by name or id, as Cinder's `get_by_name_or_id` finds it.
pub fn volume_type(name_or_id: &str) -> Option<&'static VolumeTypeInfo> {
    VOLUME_TYPES
        .iter()
        .find(|kind| kind.name == name_or_id || kind.id == name_or_id)
}

/// Cinder's volume status. The transitional ones end at [`VolumeRecord::settles_at`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeStatus {
    Creating,
    Available,
    /// Reserved by Nova for a server; `in-use` once the guest has it.
    Attaching,
    InUse,
    Detaching,
    Deleting,
}

impl VolumeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Creating => "creating",
            Self::Available => "available",
            Self::Attaching => "attaching",
            Self::InUse => "in-use",
            Self::Detaching => "detaching",
            Self::Deleting => "deleting",
        }
    }
}

/// A volume's attachment to a server (Nova's block device mapping and Cinder's attachment).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// Cinder's attachment id.
    pub id: String,
    pub server_id: String,
    /// `/dev/vda` for the root volume, then `/dev/vdb`, ...
    pub device: String,
    pub attached_at: OffsetDateTime,
    /// Deleted with the server (the root volume when the request said so).
    pub delete_on_termination: bool,
    /// The server boots from it: Nova refuses to detach it.
    pub is_root: bool,
}

#[derive(Debug, Clone)]
pub struct VolumeRecord {
    pub id: String,
    /// Creation order, for Cinder's default newest-first listing.
    pub sequence: u64,
    pub name: Option<String>,
    pub description: Option<String>,
    pub size_gb: u64,
    pub volume_type: &'static VolumeTypeInfo,
    pub zone: String,
    pub bootable: bool,
    pub status: VolumeStatus,
    /// When a transitional status ends.
    pub settles_at: OffsetDateTime,
    pub attachment: Option<Attachment>,
    pub created_at: OffsetDateTime,
    pub updated_at: Option<OffsetDateTime>,
}

impl VolumeRecord {
    /// Cinder lists an attachment once it is attached (not while Nova is still attaching).
    pub fn visible_attachment(&self) -> Option<&Attachment> {
        self.attachment
            .as_ref()
            .filter(|_| matches!(self.status, VolumeStatus::InUse | VolumeStatus::Detaching))
    }
}

/// What a new volume asks for.
#[derive(Debug, Clone)]
pub struct NewVolumeRecord {
    pub name: Option<String>,
    pub description: Option<String>,
    pub size_gb: u64,
    pub volume_type: &'static VolumeTypeInfo,
    pub zone: String,
}

/// Cinder's quota errors (413 `overLimit`), with Cinder's class names and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeQuotaError {
    SizeExceedsLimit {
        size: u64,
        limit: u64,
    },
    SizeExceedsAvailable {
        requested: u64,
        quota: u64,
        consumed: u64,
    },
    LimitExceeded {
        allowed: u64,
    },
}

impl VolumeQuotaError {
    /// As Cinder's fault wrapper words it: `ClassName: message`.
    pub fn message(&self) -> String {
        match self {
            Self::SizeExceedsLimit { size, limit } => format!(
                "VolumeSizeExceedsLimit: Requested volume size {size}G is larger than maximum allowed limit {limit}G."
            ),
            Self::SizeExceedsAvailable {
                requested,
                quota,
                consumed,
            } => format!(
                "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested {requested}G, quota is {quota}G and {consumed}G has been consumed."
            ),
            Self::LimitExceeded { allowed } => format!(
                "VolumeLimitExceeded: Maximum number of volumes allowed ({allowed}) exceeded for quota 'volumes'."
            ),
        }
    }
}

/// What the project's volumes take of the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VolumeUsage {
    pub volumes: u64,
    pub gigabytes: u64,
}

/// The project's volumes and its volume quota.
#[derive(Debug, Clone, Default)]
pub struct Volumes {
    pub quota: VolumeQuota,
    records: BTreeMap<String, VolumeRecord>,
    next_sequence: u64,
}

impl Volumes {
    pub fn get(&self, id: &str) -> Option<&VolumeRecord> {
        self.records.get(id)
    }

    /// Newest first, as Cinder sorts by default (`created_at` desc).
    pub fn newest_first(&self) -> Vec<&VolumeRecord> {
        let mut records: Vec<&VolumeRecord> = self.records.values().collect();
        records.sort_by_key(|record| std::cmp::Reverse(record.sequence));
        records
    }

    pub fn usage(&self) -> VolumeUsage {
        self.records
            .values()
            .fold(VolumeUsage::default(), |usage, record| VolumeUsage {
                volumes: usage.volumes + 1,
                gigabytes: usage.gigabytes.saturating_add(record.size_gb),
            })
    }

    /// How many volumes of `type_name` there are and the GiB they take (Cinder's per-type
    /// usage).
    pub fn usage_of_type(&self, type_name: &str) -> (u64, u64) {
        self.records
            .values()
            .filter(|record| record.volume_type.name == type_name)
            .fold((0, 0), |(count, size), record| {
                (count + 1, size.saturating_add(record.size_gb))
            })
    }

    /// Cinder's checks in its order: the per-volume limit, then gigabytes, then volumes.
    pub fn admit(&self, size_gb: u64) -> Result<(), VolumeQuotaError> {
        let quota = self.quota;
        if size_gb > quota.per_volume_gigabytes {
            return Err(VolumeQuotaError::SizeExceedsLimit {
                size: size_gb,
                limit: quota.per_volume_gigabytes,
            });
        }
        let usage = self.usage();
        if usage.gigabytes.saturating_add(size_gb) > quota.gigabytes {
            return Err(VolumeQuotaError::SizeExceedsAvailable {
                requested: size_gb,
                quota: quota.gigabytes,
                consumed: usage.gigabytes,
            });
        }
        if usage.volumes >= quota.volumes {
            return Err(VolumeQuotaError::LimitExceeded {
                allowed: quota.volumes,
            });
        }
        Ok(())
    }

    fn insert(
        &mut self,
        id: String,
        request: NewVolumeRecord,
        status: VolumeStatus,
        settles_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> &VolumeRecord {
        self.next_sequence += 1;
        let record = VolumeRecord {
            id: id.clone(),
            sequence: self.next_sequence,
            name: request.name,
            description: request.description,
            size_gb: request.size_gb,
            volume_type: request.volume_type,
            zone: request.zone,
            bootable: false,
            status,
            settles_at,
            attachment: None,
            created_at: now,
            updated_at: None,
        };
        self.records.entry(id).or_insert(record)
    }

    /// The attachments of `server_id`, root first then by device.
    pub fn of_server(&self, server_id: &str) -> Vec<&VolumeRecord> {
        let mut records: Vec<&VolumeRecord> = self
            .records
            .values()
            .filter(|record| {
                record
                    .attachment
                    .as_ref()
                    .is_some_and(|attachment| attachment.server_id == server_id)
            })
            .collect();
        records.sort_by_key(|record| {
            record
                .attachment
                .as_ref()
                .map(|attachment| (!attachment.is_root, attachment.device.clone()))
        });
        records
    }

    /// The first free `/dev/vdX` of a server (libvirt picks the device itself).
    fn next_device(&self, server_id: &str) -> String {
        let taken: Vec<String> = self
            .of_server(server_id)
            .iter()
            .filter_map(|record| record.attachment.as_ref())
            .map(|attachment| attachment.device.clone())
            .collect();
        ('b'..='z')
            .map(|letter| format!("/dev/vd{letter}"))
            .find(|device| !taken.contains(device))
            .unwrap_or_else(|| "/dev/vdz".to_owned())
    }
}

/// Why Nova refused to attach a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachError {
    VolumeNotFound,
    /// Nova's own check: a volume already attached somewhere.
    AlreadyAttached {
        server_id: String,
    },
    /// Cinder refused to reserve it (not available).
    NotReservable {
        status: &'static str,
    },
}

/// Why Nova refused to detach a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetachError {
    VolumeNotFound,
    NotAttached,
    RootDevice,
    /// Cinder refused to begin detaching it (not in use).
    NotDetachable,
}

impl State {
    /// Advances the servers, then the volumes: finished transitions, and the volumes of servers
    /// that are gone (deleted with them when `delete_on_termination`, else detached).
    pub fn settle_volumes(&mut self, now: OffsetDateTime) {
        self.settle(now);
        let servers = &self.servers;
        self.volumes.records.retain(|_, record| {
            if let Some(attachment) = &record.attachment
                && !servers.contains_key(&attachment.server_id)
            {
                if attachment.delete_on_termination {
                    return false;
                }
                record.attachment = None;
                record.status = VolumeStatus::Available;
                record.updated_at = Some(now);
            }
            if now < record.settles_at {
                return true;
            }
            match record.status {
                VolumeStatus::Creating => record.status = VolumeStatus::Available,
                VolumeStatus::Attaching => record.status = VolumeStatus::InUse,
                VolumeStatus::Detaching => {
                    record.status = VolumeStatus::Available;
                    record.attachment = None;
                }
                VolumeStatus::Deleting => return false,
                VolumeStatus::Available | VolumeStatus::InUse => return true,
            }
            record.updated_at = Some(record.settles_at);
            true
        });
    }

    /// `POST /volumes`: an empty volume, `creating` for `duration`, then `available`.
    pub fn create_volume(
        &mut self,
        request: NewVolumeRecord,
        duration: std::time::Duration,
    ) -> Result<String, VolumeQuotaError> {
        let now = OffsetDateTime::now_utc();
        self.settle_volumes(now);
        self.volumes.admit(request.size_gb)?;
        let id = uuid_from(&mut self.rng);
        self.volumes.insert(
            id.clone(),
            request,
            VolumeStatus::Creating,
            now + to_time(duration),
            now,
        );
        Ok(id)
    }

    /// `DELETE /volumes/{id}`: only an available volume; `deleting` for `duration`.
    pub fn delete_volume(
        &mut self,
        id: &str,
        duration: std::time::Duration,
    ) -> Result<(), Option<&'static str>> {
        let now = OffsetDateTime::now_utc();
        self.settle_volumes(now);
        let record = self.volumes.records.get_mut(id).ok_or(None)?;
        if record.status != VolumeStatus::Available || record.attachment.is_some() {
            return Err(Some(record.status.as_str()));
        }
        record.status = VolumeStatus::Deleting;
        record.settles_at = now + to_time(duration);
        record.updated_at = Some(now);
        Ok(())
    }

    /// The root volume Nova makes for a server booting from a new volume: created, bootable and
    /// attached as `/dev/vda` at once. Refused as Cinder refuses it when over the quota.
    pub fn create_boot_volume(
        &mut self,
        server_id: &str,
        volume_id: &str,
        request: NewVolumeRecord,
        delete_on_termination: bool,
    ) -> Result<(), VolumeQuotaError> {
        let now = OffsetDateTime::now_utc();
        self.settle_volumes(now);
        self.volumes.admit(request.size_gb)?;
        self.volumes.next_sequence += 1;
        let attachment_id = uuid_from(&mut self.rng);
        let record = VolumeRecord {
            id: volume_id.to_owned(),
            sequence: self.volumes.next_sequence,
            name: Some(String::new()),
            description: None,
            size_gb: request.size_gb,
            volume_type: request.volume_type,
            zone: request.zone,
            bootable: true,
            status: VolumeStatus::InUse,
            settles_at: now,
            attachment: Some(Attachment {
                id: attachment_id,
                server_id: server_id.to_owned(),
                device: "/dev/vda".to_owned(),
                attached_at: now,
                delete_on_termination,
                is_root: true,
            }),
            created_at: now,
            updated_at: Some(now),
        };
        self.volumes.records.insert(volume_id.to_owned(), record);
        Ok(())
    }

    /// Nova's attach: the volume must be available and attached nowhere; it is `attaching`
    /// for `duration`, then `in-use`. Returns the device it gets.
    pub fn attach_volume(
        &mut self,
        server_id: &str,
        volume_id: &str,
        duration: std::time::Duration,
    ) -> Result<String, AttachError> {
        let now = OffsetDateTime::now_utc();
        self.settle_volumes(now);
        let device = self.volumes.next_device(server_id);
        let attachment_id = uuid_from(&mut self.rng);
        let record = self
            .volumes
            .records
            .get_mut(volume_id)
            .ok_or(AttachError::VolumeNotFound)?;
        if let Some(attachment) = &record.attachment {
            return Err(AttachError::AlreadyAttached {
                server_id: attachment.server_id.clone(),
            });
        }
        if record.status != VolumeStatus::Available {
            return Err(AttachError::NotReservable {
                status: record.status.as_str(),
            });
        }
        record.status = VolumeStatus::Attaching;
        record.settles_at = now + to_time(duration);
        record.updated_at = Some(now);
        record.attachment = Some(Attachment {
            id: attachment_id,
            server_id: server_id.to_owned(),
            device: device.clone(),
            attached_at: now,
            delete_on_termination: false,
            is_root: false,
        });
        Ok(device)
    }

    /// Nova's detach: never the root volume; the volume must be in use; `detaching` for
    /// `duration`, then `available`.
    pub fn detach_volume(
        &mut self,
        server_id: &str,
        volume_id: &str,
        duration: std::time::Duration,
    ) -> Result<(), DetachError> {
        let now = OffsetDateTime::now_utc();
        self.settle_volumes(now);
        let record = self
            .volumes
            .records
            .get_mut(volume_id)
            .ok_or(DetachError::VolumeNotFound)?;
        let attachment = record
            .attachment
            .as_ref()
            .filter(|attachment| attachment.server_id == server_id)
            .ok_or(DetachError::NotAttached)?;
        if attachment.is_root {
            return Err(DetachError::RootDevice);
        }
        if record.status != VolumeStatus::InUse {
            return Err(DetachError::NotDetachable);
        }
        record.status = VolumeStatus::Detaching;
        record.settles_at = now + to_time(duration);
        record.updated_at = Some(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A moment far enough back that a settled status never looks transitional.
    fn long_ago() -> OffsetDateTime {
        OffsetDateTime::now_utc() - time::Duration::hours(1)
    }

    fn volumes(quota: VolumeQuota) -> Volumes {
        Volumes {
            quota,
            ..Volumes::default()
        }
    }

    fn request(size_gb: u64) -> NewVolumeRecord {
        NewVolumeRecord {
            name: None,
            description: None,
            size_gb,
            volume_type: default_volume_type(),
            zone: "az1.dc1".to_owned(),
        }
    }

    #[test]
    fn the_quota_is_checked_in_cinders_order() {
        let mut store = volumes(VolumeQuota {
            volumes: 2,
            gigabytes: 100,
            per_volume_gigabytes: 60,
        });
        assert_eq!(
            store.admit(61),
            Err(VolumeQuotaError::SizeExceedsLimit {
                size: 61,
                limit: 60
            })
        );
        let now = long_ago();
        store.insert("a".into(), request(50), VolumeStatus::Available, now, now);
        assert_eq!(
            store.admit(60),
            Err(VolumeQuotaError::SizeExceedsAvailable {
                requested: 60,
                quota: 100,
                consumed: 50
            })
        );
        store.admit(50).expect("fits exactly");
        store.insert("b".into(), request(10), VolumeStatus::Available, now, now);
        assert_eq!(
            store.admit(1),
            Err(VolumeQuotaError::LimitExceeded { allowed: 2 })
        );
        assert_eq!(
            VolumeQuotaError::LimitExceeded { allowed: 2 }.message(),
            "VolumeLimitExceeded: Maximum number of volumes allowed (2) exceeded for quota 'volumes'."
        );
        assert_eq!(
            store.usage(),
            VolumeUsage {
                volumes: 2,
                gigabytes: 60
            }
        );
    }

    #[test]
    fn devices_follow_the_root_in_order_and_reuse_gaps() {
        let mut store = volumes(VolumeQuota::default());
        let now = long_ago();
        for (id, device) in [("root", "/dev/vda"), ("c", "/dev/vdc")] {
            store.insert(id.into(), request(1), VolumeStatus::InUse, now, now);
            store.records.get_mut(id).expect("inserted").attachment = Some(Attachment {
                id: format!("att-{id}"),
                server_id: "s".into(),
                device: device.into(),
                attached_at: now,
                delete_on_termination: false,
                is_root: id == "root",
            });
        }
        assert_eq!(store.next_device("s"), "/dev/vdb");
        assert_eq!(store.next_device("other"), "/dev/vdb");
        let order: Vec<&str> = store
            .of_server("s")
            .iter()
            .map(|record| record.id.as_str())
            .collect();
        assert_eq!(order, ["root", "c"]);
    }

    #[test]
    fn types_are_found_by_name_or_id() {
        assert_eq!(volume_type("SSD").map(|kind| kind.name), Some("SSD"));
        assert_eq!(
            volume_type(VOLUME_TYPES[4].id).map(|kind| kind.name),
            Some("ESSD")
        );
        assert_eq!(volume_type("ssd"), None);
        assert_eq!(default_volume_type().name, "SATA");
    }
}
