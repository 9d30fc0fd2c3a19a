//! Block storage (Cinder v3: `volumes`, `types`, `os-quota-sets`) and Nova's view of a
//! server's volumes (`os-volume_attachments`).

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};

use super::Link;

// ---------------------------------------------------------------- volumes

/// One volume from `GET /v3/{project_id}/volumes/detail` or `volumes/{id}`. Serializes back
/// to Cinder's shape (`bootable` as the text `"true"`/`"false"`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Volume {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    /// Cinder allows a volume without a name (`null`).
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub description: Option<String>,
    /// GiB.
    #[serde(default, deserialize_with = "crate::de::u64_or_zero")]
    pub size: u64,
    /// The type's name (`__DEFAULT__` when the cloud has no other).
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub volume_type: Option<String>,
    /// Lowercase: `creating`, `available`, `attaching`, `in-use`, `detaching`, `deleting`,
    /// `error`, `extending`, `reserved`, ...
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub status: String,
    /// Cinder writes it as text (`"true"`); any boolean spelling decodes.
    #[serde(
        default,
        deserialize_with = "crate::de::bool_or_false",
        serialize_with = "bool_as_text"
    )]
    pub bootable: bool,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub attachments: Vec<VolumeAttachmentRecord>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub availability_zone: Option<String>,
    #[serde(default, deserialize_with = "crate::de::bool_or_false")]
    pub multiattach: bool,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub created_at: String,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub updated_at: Option<String>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub links: Vec<Link>,
}

fn bool_as_text<S: Serializer>(flag: &bool, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(if *flag { "true" } else { "false" })
}

impl Volume {
    /// The name, or the id when the volume has none (Cinder allows that).
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|name| !name.trim().is_empty())
            .unwrap_or(&self.id)
    }

    /// The attachment to `server_id`, if the volume is attached to it.
    pub fn attachment_to(&self, server_id: &str) -> Option<&VolumeAttachmentRecord> {
        self.attachments
            .iter()
            .find(|attachment| attachment.server_id == server_id)
    }

    /// Whether a server can take it now: `available` and attached nowhere (or multiattach).
    pub fn is_available(&self) -> bool {
        self.status == "available" && (self.attachments.is_empty() || self.multiattach)
    }
}

/// One item of a volume's `attachments`, as Cinder records it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeAttachmentRecord {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub server_id: String,
    /// e.g. `/dev/vdb`; may be missing while attaching.
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub device: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub attachment_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub volume_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub attached_at: Option<String>,
}

/// `GET /v3/{project_id}/volumes[/detail]` (the short list has only `id`, `name`, `links`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub volumes: Vec<Volume>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub volumes_links: Vec<Link>,
}

/// `{"volume": {...}}`: show, create and update responses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeBody {
    pub volume: Volume,
}

// ---------------------------------------------------------------- volume types

/// One volume type from `GET /v3/{project_id}/types` (or `types/default`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeType {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub description: Option<String>,
    #[serde(default = "public", deserialize_with = "public_or_true")]
    pub is_public: bool,
    #[serde(default, deserialize_with = "crate::de::string_map")]
    pub extra_specs: BTreeMap<String, String>,
}

fn public() -> bool {
    true
}

fn public_or_true<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(crate::de::opt_bool(deserializer)?.unwrap_or(true))
}

/// `GET /v3/{project_id}/types`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeTypeList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub volume_types: Vec<VolumeType>,
}

/// `{"volume_type": {...}}`: `types/{id}` and `types/default`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeTypeBody {
    pub volume_type: VolumeType,
}

// ---------------------------------------------------------------- quota

/// One resource of a Cinder quota set: a bare limit (`GET os-quota-sets/{project}`) or, with
/// `?usage=true`, `{"limit", "in_use", "reserved"}`. `-1` means unlimited. Serializes back to
/// the shape it came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuotaUsage {
    pub limit: i64,
    /// `None` when the answer had no usage.
    pub in_use: Option<i64>,
    pub reserved: Option<i64>,
}

impl QuotaUsage {
    /// What is left: `None` when unlimited (`-1`); never below zero.
    pub fn remaining(&self) -> Option<u64> {
        let limit = u64::try_from(self.limit).ok()?;
        let taken = self.in_use.unwrap_or(0).max(0) + self.reserved.unwrap_or(0).max(0);
        Some(limit.saturating_sub(taken.unsigned_abs()))
    }

    /// The limit, `None` when unlimited (`-1`).
    pub fn finite_limit(&self) -> Option<u64> {
        u64::try_from(self.limit).ok()
    }
}

impl Serialize for QuotaUsage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.in_use.is_none() && self.reserved.is_none() {
            return serializer.serialize_i64(self.limit);
        }
        json!({
            "limit": self.limit,
            "in_use": self.in_use.unwrap_or(0),
            "reserved": self.reserved.unwrap_or(0),
        })
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for QuotaUsage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = |value: &Value, what: &str| {
            crate::de::lenient_i64(value).map_err(|err| D::Error::custom(format!("{what}: {err}")))
        };
        match Value::deserialize(deserializer)? {
            Value::Object(usage) => {
                let field = |key: &str| match usage.get(key) {
                    Some(value) => number(value, key),
                    None => Ok(None),
                };
                Ok(Self {
                    limit: field("limit")?.unwrap_or(-1),
                    in_use: Some(field("in_use")?.unwrap_or(0)),
                    reserved: Some(field("reserved")?.unwrap_or(0)),
                })
            }
            bare => Ok(Self {
                limit: number(&bare, "limit")?.unwrap_or(-1),
                in_use: None,
                reserved: None,
            }),
        }
    }
}

fn unlimited() -> QuotaUsage {
    QuotaUsage {
        limit: -1,
        in_use: None,
        reserved: None,
    }
}

/// `GET /v3/{project_id}/os-quota-sets/{project_id}[?usage=true]` (the `quota_set` object):
/// the resources the console bounds volumes by. A missing resource is unlimited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeQuotaSet {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    /// GiB over all volumes (and snapshots) of the project.
    #[serde(default = "unlimited")]
    pub gigabytes: QuotaUsage,
    /// How many volumes.
    #[serde(default = "unlimited")]
    pub volumes: QuotaUsage,
    /// GiB one volume may have at most.
    #[serde(default = "unlimited")]
    pub per_volume_gigabytes: QuotaUsage,
}

impl Default for VolumeQuotaSet {
    fn default() -> Self {
        Self {
            id: String::new(),
            gigabytes: unlimited(),
            volumes: unlimited(),
            per_volume_gigabytes: unlimited(),
        }
    }
}

impl VolumeQuotaSet {
    /// The largest new volume the quota allows (GiB): the gigabytes left, the per-volume
    /// limit, and zero when no more volumes may be made. `None` when nothing bounds it.
    pub fn largest_new_volume(&self) -> Option<u64> {
        if self.volumes.remaining() == Some(0) {
            return Some(0);
        }
        [
            self.gigabytes.remaining(),
            self.per_volume_gigabytes.finite_limit(),
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

/// `{"quota_set": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeQuotaBody {
    pub quota_set: VolumeQuotaSet,
}

/// The volume figures some clouds put in `limits.absolute` (Cinder's own `GET /v3/{project_id}
/// /limits`, and Nova on clouds that proxy them): `maxTotalVolumeGigabytes`,
/// `totalGigabytesUsed`. Both missing on a plain Nova.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeLimits {
    #[serde(
        rename = "maxTotalVolumeGigabytes",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_total_volume_gigabytes: Option<i64>,
    #[serde(
        rename = "totalGigabytesUsed",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub total_gigabytes_used: Option<i64>,
}

impl VolumeLimits {
    /// GiB left, `None` when the limits do not say (or say unlimited).
    pub fn gigabytes_remaining(&self) -> Option<u64> {
        let max = u64::try_from(self.max_total_volume_gigabytes?).ok()?;
        let used = self.total_gigabytes_used.unwrap_or(0).max(0).unsigned_abs();
        Some(max.saturating_sub(used))
    }

    /// Reads them from a limits body (`{"limits": {"absolute": {...}}}`).
    pub fn from_limits_body(body: &[u8]) -> Result<Self, crate::DecodeError> {
        #[derive(Deserialize)]
        struct Body {
            limits: Inner,
        }
        #[derive(Deserialize)]
        struct Inner {
            #[serde(default)]
            absolute: VolumeLimits,
        }
        let body: Body = crate::decode::from_slice("limits", body)?;
        Ok(body.limits.absolute)
    }
}

// ---------------------------------------------------------------- Nova's attachments

/// One item of Nova's `GET /servers/{id}/os-volume_attachments` (also the `POST` answer).
/// `id` until 2.88; `tag` 2.70+; `delete_on_termination` 2.79+; `attachment_id`, `bdm_uuid`
/// 2.89+.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeAttachment {
    #[serde(
        rename = "volumeId",
        default,
        deserialize_with = "crate::de::string_or_empty"
    )]
    pub volume_id: String,
    #[serde(
        rename = "serverId",
        default,
        deserialize_with = "crate::de::string_or_empty"
    )]
    pub server_id: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub device: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub tag: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub delete_on_termination: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub attachment_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub bdm_uuid: Option<String>,
}

/// `GET /servers/{id}/os-volume_attachments`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeAttachmentList {
    #[serde(
        rename = "volumeAttachments",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub volume_attachments: Vec<VolumeAttachment>,
}

/// `{"volumeAttachment": {...}}`: the attach answer and `GET .../os-volume_attachments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeAttachmentBody {
    #[serde(rename = "volumeAttachment")]
    pub volume_attachment: VolumeAttachment,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_usage_reads_both_shapes_and_bounds_a_new_volume() {
        let bare: VolumeQuotaBody = serde_json::from_value(
            json!({"quota_set": {"id": "p", "gigabytes": 1000, "volumes": "10"}}),
        )
        .unwrap();
        assert_eq!(bare.quota_set.gigabytes.remaining(), Some(1000));
        assert_eq!(bare.quota_set.per_volume_gigabytes.finite_limit(), None);
        assert_eq!(
            serde_json::to_value(bare.quota_set.gigabytes).unwrap(),
            json!(1000)
        );

        let used: VolumeQuotaBody = serde_json::from_value(json!({"quota_set": {
            "gigabytes": {"limit": 100, "in_use": 70, "reserved": 10},
            "volumes": {"limit": 10, "in_use": 3, "reserved": 0},
            "per_volume_gigabytes": {"limit": 15, "in_use": 0, "reserved": 0}
        }}))
        .unwrap();
        assert_eq!(used.quota_set.gigabytes.remaining(), Some(20));
        assert_eq!(used.quota_set.largest_new_volume(), Some(15));

        let full: VolumeQuotaSet = serde_json::from_value(json!({
            "gigabytes": {"limit": 100, "in_use": 120, "reserved": 0},
            "volumes": {"limit": 5, "in_use": 5, "reserved": 0}
        }))
        .unwrap();
        assert_eq!(
            full.gigabytes.remaining(),
            Some(0),
            "over quota is zero, not a wrap"
        );
        assert_eq!(full.largest_new_volume(), Some(0));
        assert_eq!(VolumeQuotaSet::default().largest_new_volume(), None);
        assert!(serde_json::from_value::<QuotaUsage>(json!("lots")).is_err());
    }

    #[test]
    fn volume_limits_from_a_limits_body() {
        let cinder = br#"{"limits": {"rate": [], "absolute": {"maxTotalVolumeGigabytes": 1000, "totalGigabytesUsed": 40}}}"#;
        assert_eq!(
            VolumeLimits::from_limits_body(cinder)
                .unwrap()
                .gigabytes_remaining(),
            Some(960)
        );
        let nova = br#"{"limits": {"rate": [], "absolute": {"maxTotalInstances": 10}}}"#;
        assert_eq!(
            VolumeLimits::from_limits_body(nova)
                .unwrap()
                .gigabytes_remaining(),
            None
        );
        assert!(VolumeLimits::from_limits_body(b"<html>").is_err());
    }

    #[test]
    fn a_volume_knows_its_server_and_whether_it_is_free() {
        let volume: Volume = serde_json::from_value(json!({
            "id": "v1", "name": "", "size": "20", "status": "in-use", "bootable": "True",
            "attachments": [{"server_id": "s1", "device": "/dev/vdb", "attachment_id": "a1"}]
        }))
        .unwrap();
        assert_eq!(volume.display_name(), "v1");
        assert!(volume.bootable);
        assert_eq!(volume.size, 20);
        assert_eq!(
            volume.attachment_to("s1").and_then(|a| a.device.as_deref()),
            Some("/dev/vdb")
        );
        assert!(volume.attachment_to("s2").is_none());
        assert!(!volume.is_available());
        assert_eq!(
            serde_json::to_value(&volume).unwrap()["bootable"],
            json!("true")
        );
    }
}
