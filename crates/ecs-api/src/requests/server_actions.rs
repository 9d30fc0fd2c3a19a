//! Day-two requests on an existing server: `PUT /servers/{id}` (rename, description) and the
//! `POST /servers/{id}/action` bodies for resize, snapshot, rebuild, lock and the power-state
//! pairs (pause, suspend, shelve). Start, stop and reboot are [`super::ServerAction`].

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::NovaRequest;
use crate::Microversion;
use crate::de::{opt_string, string_map};
use crate::error::DecodeError;

/// The first microversion whose `PUT /servers/{id}` and rebuild accept `description`.
pub const DESCRIPTION_MICROVERSION: Microversion = Microversion::new(2, 19);
/// The first microversion whose rebuild accepts `key_name`.
pub const REBUILD_KEY_NAME_MICROVERSION: Microversion = Microversion::new(2, 54);
/// The first microversion whose `lock` accepts `locked_reason` (and shows it on the server).
pub const LOCKED_REASON_MICROVERSION: Microversion = Microversion::new(2, 73);

// ---------------------------------------------------------------- PUT /servers/{id}

/// `PUT /servers/{id}` `{"server": {"name"?, "description"?}}`. `description` is only valid at
/// 2.19+; `Some(None)` sends `null`, which clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateServer {
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_or_null"
    )]
    pub description: Option<Option<String>>,
}

impl NovaRequest for UpdateServer {
    const KEY: &'static str = "server";
}

impl UpdateServer {
    /// A new name, and at 2.19+ a new description (empty text clears it).
    pub fn rename(name: impl Into<String>, description: Option<String>) -> Self {
        Self {
            name: Some(name.into()),
            description: description.map(|text| Some(text).filter(|text| !text.is_empty())),
        }
    }
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or a value: serde only calls this
/// when the key is present.
fn present_or_null<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    crate::de::opt_string(deserializer).map(Some)
}

// ---------------------------------------------------------------- resize

/// `{"resize": {"flavorRef": ID}}`: moves the server to another flavor; it then waits in
/// `VERIFY_RESIZE` for [`PlainAction::ConfirmResize`] or [`PlainAction::RevertResize`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResizeServer {
    #[serde(rename = "flavorRef", deserialize_with = "crate::de::string_or_empty")]
    pub flavor_ref: String,
}

impl NovaRequest for ResizeServer {
    const KEY: &'static str = "resize";
}

impl ResizeServer {
    pub fn to_flavor(flavor_ref: impl Into<String>) -> Self {
        Self {
            flavor_ref: flavor_ref.into(),
        }
    }
}

// ---------------------------------------------------------------- snapshot

/// `{"createImage": {"name", "metadata"?}}`: a snapshot image of the server. From 2.45 Nova
/// answers `{"image_id": ID}` (before, only a `Location` header).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateImage {
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "string_map")]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

impl NovaRequest for CreateImage {
    const KEY: &'static str = "createImage";
}

impl CreateImage {
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            metadata: BTreeMap::new(),
        }
    }
}

/// The answer to `createImage` at 2.45+.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreatedImage {
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub image_id: String,
}

// ---------------------------------------------------------------- rebuild

/// `{"rebuild": {"imageRef", "name"?, "key_name"? (2.54+)}}`: reinstalls the server from an
/// image, erasing its system disk. Without `key_name` Nova keeps the server's key pair.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RebuildServer {
    #[serde(rename = "imageRef", deserialize_with = "crate::de::string_or_empty")]
    pub image_ref: String,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
}

impl NovaRequest for RebuildServer {
    const KEY: &'static str = "rebuild";
}

impl RebuildServer {
    pub fn from_image(image_ref: impl Into<String>) -> Self {
        Self {
            image_ref: image_ref.into(),
            ..Self::default()
        }
    }
}

// ---------------------------------------------------------------- lock

/// `{"lock": null}`, or at 2.73+ `{"lock": {"locked_reason": TEXT}}`: only the project's admin
/// and the user who locked it may then act on the server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LockServer {
    pub locked_reason: Option<String>,
}

impl LockServer {
    /// With a reason only when the cloud accepts one (`supports_reason`: max version ≥ 2.73)
    /// and it is not empty.
    pub fn new(reason: &str, supports_reason: bool) -> Self {
        let reason = reason.trim();
        Self {
            locked_reason: (supports_reason && !reason.is_empty()).then(|| reason.to_owned()),
        }
    }
}

impl NovaRequest for LockServer {
    const KEY: &'static str = "lock";
}

impl Serialize for LockServer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.locked_reason {
            Some(reason) => json!({ "locked_reason": reason }).serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for LockServer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(Self::default()),
            Value::Object(fields) => Ok(Self {
                locked_reason: fields
                    .get("locked_reason")
                    .and_then(|reason| crate::de::lenient_string(reason).ok().flatten()),
            }),
            other => Err(D::Error::custom(format!(
                "lock must be null or an object, got {}",
                crate::de::kind_of(&other)
            ))),
        }
    }
}

// ---------------------------------------------------------------- bodiless actions

/// The actions whose body is `{"<key>": null}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlainAction {
    /// Keeps the new flavor of a `VERIFY_RESIZE` server and frees the old one.
    ConfirmResize,
    /// Goes back to the old flavor of a `VERIFY_RESIZE` server.
    RevertResize,
    Unlock,
    Pause,
    Unpause,
    Suspend,
    Resume,
    Shelve,
    Unshelve,
}

impl PlainAction {
    pub const ALL: [Self; 9] = [
        Self::ConfirmResize,
        Self::RevertResize,
        Self::Unlock,
        Self::Pause,
        Self::Unpause,
        Self::Suspend,
        Self::Resume,
        Self::Shelve,
        Self::Unshelve,
    ];

    /// The action's key in the body.
    pub fn key(self) -> &'static str {
        match self {
            Self::ConfirmResize => "confirmResize",
            Self::RevertResize => "revertResize",
            Self::Unlock => "unlock",
            Self::Pause => "pause",
            Self::Unpause => "unpause",
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::Shelve => "shelve",
            Self::Unshelve => "unshelve",
        }
    }

    /// The action named by `key`, if it is one of these.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.key() == key)
    }

    /// `{"<key>": null}`.
    pub fn to_body(self) -> Value {
        let mut body = Map::new();
        body.insert(self.key().to_owned(), Value::Null);
        Value::Object(body)
    }

    /// Decodes a body with exactly this one key; its value is ignored, as Nova does for these
    /// (`unshelve` at 2.77+ may carry an object, which the console never sends).
    pub fn parse_body(body: &[u8]) -> Result<Self, DecodeError> {
        let fields: Map<String, Value> = crate::decode::from_slice("server action", body)?;
        let mut keys = fields.keys();
        match (keys.next(), keys.next()) {
            (Some(key), None) => Self::from_key(key).ok_or_else(|| {
                DecodeError::new(
                    "server action",
                    format!("unsupported server action {key:?}"),
                )
            }),
            _ => Err(DecodeError::new(
                "server action",
                "an action body has exactly one key",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_sends_only_what_changes_and_null_clears_the_description() {
        assert_eq!(
            UpdateServer::rename("web-2", None).to_body(),
            json!({"server": {"name": "web-2"}})
        );
        assert_eq!(
            UpdateServer::rename("web-2", Some(String::new())).to_body(),
            json!({"server": {"name": "web-2", "description": null}})
        );
        assert_eq!(
            UpdateServer::rename("web-2", Some("front".into())).to_body(),
            json!({"server": {"name": "web-2", "description": "front"}})
        );
        let decoded = UpdateServer::parse_body(br#"{"server": {"description": null}}"#).unwrap();
        assert_eq!(decoded.description, Some(None));
        assert_eq!(decoded.name, None);
        let absent = UpdateServer::parse_body(br#"{"server": {"name": "a"}}"#).unwrap();
        assert_eq!(absent.description, None);
    }

    #[test]
    fn lock_sends_null_without_a_reason() {
        assert_eq!(LockServer::new("  ", true).to_body(), json!({"lock": null}));
        assert_eq!(
            LockServer::new("maintenance", false).to_body(),
            json!({"lock": null})
        );
        assert_eq!(
            LockServer::new(" maintenance ", true).to_body(),
            json!({"lock": {"locked_reason": "maintenance"}})
        );
        assert_eq!(
            LockServer::parse_body(br#"{"lock": {"locked_reason": "x"}}"#)
                .unwrap()
                .locked_reason
                .as_deref(),
            Some("x")
        );
        assert!(LockServer::parse_body(br#"{"lock": 3}"#).is_err());
    }

    #[test]
    fn plain_actions_round_trip_and_refuse_others() {
        for action in PlainAction::ALL {
            let body = action.to_body().to_string();
            assert_eq!(PlainAction::parse_body(body.as_bytes()).unwrap(), action);
        }
        assert!(PlainAction::parse_body(br#"{"os-stop": null}"#).is_err());
        assert!(PlainAction::parse_body(br#"{"pause": null, "unpause": null}"#).is_err());
        assert!(PlainAction::parse_body(b"not json").is_err());
    }
}
