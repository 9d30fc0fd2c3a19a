//! Volume request bodies: a new Cinder volume (`POST /v3/{project_id}/volumes`) and attaching
//! one to a server through Nova (`POST /servers/{id}/os-volume_attachments`).

use serde::{Deserialize, Serialize};

use super::NovaRequest;
use crate::de::{opt_bool, opt_string};

/// `{"volume": {...}}`: a new, empty volume of `size` GiB (Cinder's default type when
/// `volume_type` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateVolume {
    #[serde(default, deserialize_with = "crate::de::u64_or_zero")]
    pub size: u64,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
}

impl NovaRequest for CreateVolume {
    const KEY: &'static str = "volume";
}

impl CreateVolume {
    /// A data disk: `size_gb`, named, of `volume_type` (blank means the cloud's default), in
    /// `availability_zone` when the server has one (a volume attaches within its zone).
    pub fn data_disk(
        name: impl Into<String>,
        size_gb: u64,
        volume_type: &str,
        availability_zone: Option<&str>,
    ) -> Self {
        let volume_type = volume_type.trim();
        Self {
            size: size_gb,
            name: Some(name.into()),
            volume_type: (!volume_type.is_empty()).then(|| volume_type.to_owned()),
            availability_zone: availability_zone
                .filter(|zone| !zone.trim().is_empty())
                .map(str::to_owned),
            ..Self::default()
        }
    }
}

/// `{"volumeAttachment": {...}}`: attach the volume `volume_id`. `device` is a hint Nova may
/// ignore; `tag` needs 2.49+; `delete_on_termination` needs 2.79+.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AttachVolume {
    #[serde(rename = "volumeId", deserialize_with = "crate::de::string_or_empty")]
    pub volume_id: String,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_on_termination: Option<bool>,
}

impl NovaRequest for AttachVolume {
    const KEY: &'static str = "volumeAttachment";
}

impl AttachVolume {
    /// Attach `volume_id`, letting Nova choose the device (the body every microversion takes).
    pub fn volume(volume_id: impl Into<String>) -> Self {
        Self {
            volume_id: volume_id.into(),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_exact() {
        assert_eq!(
            CreateVolume::data_disk("data-1", 20, " SSD ", Some("az1")).to_body(),
            json!({"volume": {"size": 20, "name": "data-1", "volume_type": "SSD", "availability_zone": "az1"}})
        );
        assert_eq!(
            CreateVolume::data_disk("data-1", 20, "  ", Some("")).to_body(),
            json!({"volume": {"size": 20, "name": "data-1"}}),
            "a blank type and zone leave the cloud's defaults"
        );
        assert_eq!(
            AttachVolume::volume("a07f71dc").to_body(),
            json!({"volumeAttachment": {"volumeId": "a07f71dc"}})
        );
        assert!(AttachVolume::parse_body(br#"{"volume": {}}"#).is_err());
    }
}
