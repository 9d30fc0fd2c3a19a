use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{Link, ResourceRef, next_link};
use crate::Secret;
use crate::status::{PowerState, ServerStatus, TaskState, is_transitional};

/// A server as `GET /servers/{id}` and `GET /servers/detail` return it, in any microversion
/// (2.1 to 2.100+), and as the minimal `GET /servers` item (id, name, links) or the 2.69+
/// "down cell" record with `status: UNKNOWN`. Missing fields are `None`/empty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Server {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    /// `UNKNOWN` when the record has no status (list items, down cells).
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub status: ServerStatus,
    #[serde(
        rename = "OS-EXT-STS:task_state",
        default,
        deserialize_with = "task_state"
    )]
    pub task_state: Option<TaskState>,
    #[serde(
        rename = "OS-EXT-STS:power_state",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub power_state: Option<PowerState>,
    #[serde(
        rename = "OS-EXT-STS:vm_state",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub vm_state: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub tenant_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub user_id: Option<String>,
    /// Timestamps stay text (with or without a time zone); parse with [`crate::timestamp`].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub created: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub updated: Option<String>,
    #[serde(
        rename = "OS-SRV-USG:launched_at",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub launched_at: Option<String>,
    #[serde(
        rename = "OS-SRV-USG:terminated_at",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub terminated_at: Option<String>,
    #[serde(
        rename = "hostId",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub host_id: Option<String>,
    /// Network name -> addresses.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub addresses: BTreeMap<String, Vec<Address>>,
    /// A `{id, links}` reference before 2.47, the embedded flavor description since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flavor: Option<ServerFlavor>,
    /// `None` for a server booted from a volume (Nova sends `""`).
    #[serde(
        default,
        deserialize_with = "server_image",
        serialize_with = "serialize_server_image"
    )]
    pub image: Option<ResourceRef>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub key_name: Option<String>,
    #[serde(default, deserialize_with = "crate::de::string_map")]
    pub metadata: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub links: Vec<Link>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub progress: Option<u64>,
    #[serde(
        rename = "accessIPv4",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub access_ipv4: Option<String>,
    #[serde(
        rename = "accessIPv6",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub access_ipv6: Option<String>,
    /// `""`, `"True"` or a boolean depending on the cloud; kept as text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub config_drive: Option<String>,
    #[serde(
        rename = "OS-DCF:diskConfig",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub disk_config: Option<String>,
    #[serde(
        rename = "OS-EXT-AZ:availability_zone",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub availability_zone: Option<String>,
    #[serde(
        rename = "OS-EXT-SRV-ATTR:host",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub host: Option<String>,
    #[serde(
        rename = "OS-EXT-SRV-ATTR:hypervisor_hostname",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub hypervisor_hostname: Option<String>,
    #[serde(
        rename = "OS-EXT-SRV-ATTR:instance_name",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub instance_name: Option<String>,
    #[serde(
        rename = "OS-EXT-SRV-ATTR:hostname",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub hostname: Option<String>,
    #[serde(
        rename = "os-extended-volumes:volumes_attached",
        default,
        deserialize_with = "crate::de::null_as_default"
    )]
    pub volumes_attached: Vec<AttachedVolume>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub security_groups: Vec<SecurityGroupRef>,
    /// Present when the server is in ERROR (or DELETED) and Nova recorded why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<ServerFault>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub description: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub locked: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub locked_reason: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub tags: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub host_status: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub server_groups: Vec<String>,
}

fn task_state<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<TaskState>, D::Error> {
    Ok(crate::de::opt_string(deserializer)?
        .filter(|text| !text.is_empty())
        .map(|text| TaskState::parse(&text)))
}

fn server_image<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<ResourceRef>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        Value::String(text) if text.is_empty() => Ok(None),
        Value::String(id) => Ok(Some(ResourceRef {
            id,
            links: Vec::new(),
        })),
        object @ Value::Object(_) => serde_json::from_value(object)
            .map(Some)
            .map_err(serde::de::Error::custom),
        other => Err(serde::de::Error::custom(format!(
            "image: expected an object or \"\", got {}",
            crate::de::kind_of(&other)
        ))),
    }
}

/// Nova's own encoding: `""` for a volume-backed server.
fn serialize_server_image<S: serde::Serializer>(
    image: &Option<ResourceRef>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match image {
        Some(image) => image.serialize(serializer),
        None => serializer.serialize_str(""),
    }
}

impl Server {
    /// True while the server is still changing (see [`crate::status::is_transitional`]).
    pub fn is_transitional(&self) -> bool {
        is_transitional(&self.status, self.task_state.as_ref())
    }

    /// True when the server boots from a volume (no image reference).
    pub fn is_volume_backed(&self) -> bool {
        self.image.is_none()
    }

    /// True when the server may boot from a volume: Nova sends `""` as the image of such a
    /// server, but ECS shows the image its boot volume was made from, so a server with volumes
    /// attached counts too (for refusals that must not be wrong on either kind of cloud).
    pub fn may_boot_from_volume(&self) -> bool {
        self.is_volume_backed() || !self.volumes_attached.is_empty()
    }

    /// Whether the server is locked (Nova 2.9+ says so; an older answer counts as unlocked):
    /// Nova refuses a project user's changes to it until it is unlocked.
    pub fn is_locked(&self) -> bool {
        self.locked == Some(true)
    }

    pub fn image_id(&self) -> Option<&str> {
        self.image
            .as_ref()
            .map(|image| image.id.as_str())
            .filter(|id| !id.is_empty())
    }

    /// The flavor id (before 2.47) or its original name (2.47+).
    pub fn flavor_label(&self) -> Option<&str> {
        let flavor = self.flavor.as_ref()?;
        flavor.id.as_deref().or(flavor.original_name.as_deref())
    }

    /// Every address on every network, in network-name order.
    pub fn all_addresses(&self) -> impl Iterator<Item = (&str, &Address)> {
        self.addresses.iter().flat_map(|(network, addresses)| {
            addresses
                .iter()
                .map(move |address| (network.as_str(), address))
        })
    }
}

/// The server's flavor: `{id, links}` before 2.47, `{original_name, vcpus, ram, disk,
/// ephemeral, swap, extra_specs}` since. One struct so both shapes decode.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ServerFlavor {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub links: Vec<Link>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub original_name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub vcpus: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub ram: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub disk: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub ephemeral: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub swap: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_specs: Option<BTreeMap<String, String>>,
}

impl ServerFlavor {
    /// True for the 2.47+ embedded description.
    pub fn is_embedded(&self) -> bool {
        self.original_name.is_some()
    }
}

/// One address of a server on a network.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub addr: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub version: Option<u64>,
    /// `"fixed"` or `"floating"`.
    #[serde(
        rename = "OS-EXT-IPS:type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub ip_type: Option<String>,
    #[serde(
        rename = "OS-EXT-IPS-MAC:mac_addr",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub mac_addr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AttachedVolume {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    /// 2.3+.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub delete_on_termination: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecurityGroupRef {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
}

/// `server.fault`: why a server is in ERROR.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServerFault {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub code: Option<u64>,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub message: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub created: Option<String>,
    /// Only for admins or when the code is not 500.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub details: Option<String>,
}

/// `GET /servers/{id}`: `{"server": {...}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ServerBody {
    pub server: Server,
}

/// `GET /servers[/detail]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ServerList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub servers: Vec<Server>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub servers_links: Vec<Link>,
}

impl ServerList {
    pub fn next_page(&self) -> Option<&str> {
        next_link(&self.servers_links)
    }
}

/// `POST /servers` 202 response. `adminPass` is a [`Secret`] (absent when the cloud
/// disables password injection).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreatedServer {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub links: Vec<Link>,
    #[serde(rename = "adminPass", default, skip_serializing_if = "Option::is_none")]
    pub admin_pass: Option<Secret>,
    #[serde(
        rename = "OS-DCF:diskConfig",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub disk_config: Option<String>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub security_groups: Vec<SecurityGroupRef>,
}

/// `POST /servers` response wrapper. With `return_reservation_id` Nova answers
/// `{"reservation_id": ...}` instead; that form is not used by the console.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreatedServerBody {
    pub server: CreatedServer,
}
