//! Glance v2 images (`GET /v2/images`, `GET /v2/images/{id}`): flat objects whose core fields
//! are snake_case and whose every other key is a string property (`os_distro`,
//! `os_admin_user`, Huawei's `__os_type`, ...).

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{Image, ResourceRef};
use crate::os::ImageProperties;

/// One Glance v2 image. Serializes back to Glance's own shape (nullable fields as `null`,
/// properties as top-level keys), which Glance's image schema accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlanceImage {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    /// Glance allows an image without a name (`null`).
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub name: Option<String>,
    /// Lowercase: `queued`, `saving`, `active`, `killed`, `deleted`, `pending_delete`,
    /// `deactivated`, `uploading`, `importing`.
    #[serde(default = "queued", deserialize_with = "crate::de::string_or_empty")]
    pub status: String,
    /// `public`, `private`, `shared` or `community`.
    #[serde(default = "shared", deserialize_with = "crate::de::string_or_empty")]
    pub visibility: String,
    #[serde(default, deserialize_with = "crate::de::bool_or_false")]
    pub protected: bool,
    #[serde(default, deserialize_with = "crate::de::bool_or_false")]
    pub os_hidden: bool,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub tags: Vec<String>,
    /// Bytes; `null` until the data is uploaded.
    #[serde(default, deserialize_with = "crate::de::opt_u64")]
    pub size: Option<u64>,
    #[serde(default, deserialize_with = "crate::de::opt_u64")]
    pub virtual_size: Option<u64>,
    /// GiB the root disk needs at least.
    #[serde(default, deserialize_with = "crate::de::u64_or_zero")]
    pub min_disk: u64,
    /// MiB of RAM the image needs at least.
    #[serde(default, deserialize_with = "crate::de::u64_or_zero")]
    pub min_ram: u64,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub disk_format: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub container_format: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub checksum: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub os_hash_algo: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub os_hash_value: Option<String>,
    /// The owning project.
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub created_at: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub updated_at: String,
    /// `/v2/images/{id}`.
    #[serde(
        rename = "self",
        default,
        deserialize_with = "crate::de::string_or_empty"
    )]
    pub self_link: String,
    /// `/v2/images/{id}/file`.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub file: String,
    /// `/v2/schemas/image`.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub schema: String,
    /// Only when the cloud shows image locations (admins, usually).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub direct_url: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "locations"
    )]
    pub locations: Option<Vec<Value>>,
    /// Every other key: the image's properties, as text (Glance's schema makes them strings;
    /// a `null` one is left out).
    #[serde(flatten, deserialize_with = "properties")]
    pub properties: BTreeMap<String, String>,
}

fn queued() -> String {
    "queued".to_owned()
}

fn shared() -> String {
    "shared".to_owned()
}

fn locations<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<Value>>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        Value::Array(items) => Ok(Some(items)),
        other => Err(D::Error::custom(format!(
            "locations: expected a list, got {}",
            crate::de::kind_of(&other)
        ))),
    }
}

/// The flattened remainder: scalars as text, `null` skipped, nested values as their JSON.
fn properties<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let rest = BTreeMap::<String, Value>::deserialize(deserializer)?;
    Ok(rest
        .into_iter()
        .filter_map(|(key, value)| match value {
            Value::Null => None,
            Value::String(text) => Some((key, text)),
            other => Some((key, other.to_string())),
        })
        .collect())
}

impl Default for GlanceImage {
    /// A new image as Glance creates it: `queued`, `shared`, nothing uploaded.
    fn default() -> Self {
        Self {
            id: String::new(),
            name: None,
            status: queued(),
            visibility: shared(),
            protected: false,
            os_hidden: false,
            tags: Vec::new(),
            size: None,
            virtual_size: None,
            min_disk: 0,
            min_ram: 0,
            disk_format: None,
            container_format: None,
            checksum: None,
            os_hash_algo: None,
            os_hash_value: None,
            owner: None,
            created_at: String::new(),
            updated_at: String::new(),
            self_link: String::new(),
            file: String::new(),
            schema: "/v2/schemas/image".to_owned(),
            direct_url: None,
            locations: None,
            properties: BTreeMap::new(),
        }
    }
}

impl GlanceImage {
    /// The name, or `""` for an unnamed image.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("active")
    }

    /// The `os_admin_user` property: the user to log in as, when the image says so.
    pub fn os_admin_user(&self) -> Option<&str> {
        self.property("os_admin_user")
    }

    /// The image as Nova's image proxy (`GET /v2.1/images/{id}`) shows it, which is what the
    /// console's image views read: Nova's upper-case status (`active` -> `ACTIVE`,
    /// `queued`/`saving` -> `SAVING`, `deleted`/`pending_delete` -> `DELETED`, `killed` ->
    /// `ERROR`, anything else `UNKNOWN`), its progress (25 / 50 / 100), `minDisk`, `minRam`,
    /// `OS-EXT-IMG-SIZE:size`, the properties as `metadata`, and `instance_uuid` as the
    /// snapshot's `server`.
    pub fn to_image(&self) -> Image {
        let status = match self.status.to_ascii_lowercase().as_str() {
            "active" => "ACTIVE",
            "queued" | "saving" => "SAVING",
            "deleted" | "pending_delete" => "DELETED",
            "killed" => "ERROR",
            _ => "UNKNOWN",
        };
        let progress = match self.status.to_ascii_lowercase().as_str() {
            "queued" => 25,
            "saving" => 50,
            "active" => 100,
            _ => 0,
        };
        let non_empty = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        Image {
            id: self.id.clone(),
            name: self.name().to_owned(),
            status: Some(status.to_owned()),
            min_disk: self.min_disk,
            min_ram: self.min_ram,
            size: self.size,
            progress: Some(progress),
            created: non_empty(&self.created_at),
            updated: non_empty(&self.updated_at),
            metadata: self.properties.clone(),
            server: self.property("instance_uuid").map(|id| ResourceRef {
                id: id.to_owned(),
                links: Vec::new(),
            }),
            links: Vec::new(),
            visibility: non_empty(&self.visibility),
        }
    }
}

impl From<&GlanceImage> for Image {
    fn from(image: &GlanceImage) -> Self {
        image.to_image()
    }
}

impl ImageProperties for GlanceImage {
    fn properties(&self) -> &BTreeMap<String, String> {
        &self.properties
    }

    fn image_name(&self) -> &str {
        self.name()
    }
}

/// `GET /v2/images`: one page, and the `next` link (relative to the endpoint, see
/// [`crate::urls::ImageEndpoint::follow`]) when there are more.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GlanceImageList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub images: Vec<GlanceImage>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub first: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub next: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub schema: Option<String>,
}

impl GlanceImageList {
    /// The `next` link, when there is another page.
    pub fn next_page(&self) -> Option<&str> {
        self.next.as_deref().filter(|next| !next.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_tolerantly_and_keeps_properties() {
        let image: GlanceImage = serde_json::from_value(json!({
            "id": "i1",
            "name": null,
            "status": "active",
            "size": "1024",
            "min_disk": "10",
            "protected": "False",
            "os_distro": "ubuntu",
            "hw_qemu_guest_agent": true,
            "os_admin_user": "admin",
            "kernel_id": null,
            "__os_bit": 64,
        }))
        .unwrap();
        assert_eq!(image.name(), "");
        assert_eq!(
            (image.size, image.min_disk, image.protected),
            (Some(1024), 10, false)
        );
        assert_eq!(image.visibility, "shared", "Glance's default");
        assert_eq!(image.os_admin_user(), Some("admin"));
        assert_eq!(
            image.properties.keys().collect::<Vec<_>>(),
            [
                "__os_bit",
                "hw_qemu_guest_agent",
                "os_admin_user",
                "os_distro"
            ]
        );
        assert_eq!(image.properties["hw_qemu_guest_agent"], "true");
        assert!(image.is_active());

        let error =
            crate::decode::from_slice::<GlanceImage>("glance-image", br#"{"min_ram": "lots"}"#)
                .unwrap_err();
        assert!(error.to_string().contains("glance-image"), "{error}");
        assert!(serde_json::from_value::<GlanceImage>(json!({"locations": "here"})).is_err());
    }

    #[test]
    fn becomes_the_console_image_view_as_nova_shows_it() {
        let mut image = GlanceImage {
            id: "i1".into(),
            name: Some("Ubuntu 22.04".into()),
            status: "active".into(),
            size: Some(2_361_393_152),
            min_disk: 10,
            min_ram: 1024,
            created_at: "2024-03-14T06:13:50Z".into(),
            ..GlanceImage::default()
        };
        image.properties.insert("os_distro".into(), "ubuntu".into());
        image.properties.insert("os_version".into(), "22.04".into());
        image.properties.insert("os_type".into(), "linux".into());
        let view = Image::from(&image);
        assert_eq!(view.status.as_deref(), Some("ACTIVE"));
        assert!(view.is_active());
        assert_eq!(
            (view.min_disk, view.min_ram, view.size),
            (10, 1024, Some(2_361_393_152))
        );
        assert_eq!(view.progress, Some(100));
        assert_eq!(view.created.as_deref(), Some("2024-03-14T06:13:50Z"));
        assert_eq!(view.updated, None);
        assert_eq!(
            (view.os_type(), view.platform(), view.os_version()),
            (Some("Linux"), Some("Ubuntu"), Some("22.04")),
            "the same OS detection on both paths"
        );
        for (glance, nova) in [
            ("queued", "SAVING"),
            ("saving", "SAVING"),
            ("killed", "ERROR"),
            ("pending_delete", "DELETED"),
            ("deactivated", "UNKNOWN"),
        ] {
            image.status = glance.into();
            assert_eq!(image.to_image().status.as_deref(), Some(nova), "{glance}");
            assert!(!image.to_image().is_active());
        }
        image.properties.insert("instance_uuid".into(), "s1".into());
        assert_eq!(
            image.to_image().server.map(|server| server.id).as_deref(),
            Some("s1")
        );
    }

    #[test]
    fn serializes_in_glance_shape() {
        let mut image = GlanceImage {
            id: "b2173dd3-7ad6-4362-baa6-a68bce3565cb".into(),
            name: Some("Ubuntu".into()),
            ..GlanceImage::default()
        };
        image.properties.insert("os_distro".into(), "ubuntu".into());
        let value = serde_json::to_value(&image).unwrap();
        assert_eq!(value["status"], "queued");
        assert_eq!(value["size"], Value::Null);
        assert_eq!(value["os_distro"], "ubuntu");
        assert_eq!(value["self"], "");
        assert!(value.get("locations").is_none() && value.get("properties").is_none());
        let again: GlanceImage = serde_json::from_value(value).unwrap();
        assert_eq!(again, image);
    }
}
