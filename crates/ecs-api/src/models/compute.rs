use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::{Link, next_link};
use crate::Secret;
use crate::microversion::Microversion;
use crate::os::ImageProperties;

// ---------------------------------------------------------------- versions

/// One API version entry (`GET /` lists them, `GET /v2.1/` shows one).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Version {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub status: String,
    /// Maximum microversion (`""` for the legacy v2.0 API).
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub version: String,
    /// Minimum microversion (`""` for the legacy v2.0 API).
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub min_version: String,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub updated: Option<String>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub links: Vec<Link>,
    #[serde(
        rename = "media-types",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub media_types: Vec<MediaType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MediaType {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub base: String,
    #[serde(
        rename = "type",
        default,
        deserialize_with = "crate::de::string_or_empty"
    )]
    pub media_type: String,
}

impl Version {
    pub fn max_microversion(&self) -> Option<Microversion> {
        self.version.parse().ok()
    }

    pub fn min_microversion(&self) -> Option<Microversion> {
        self.min_version.parse().ok()
    }

    /// True when this version document advertises `wanted` within its range.
    pub fn supports(&self, wanted: Microversion) -> bool {
        match (self.min_microversion(), self.max_microversion()) {
            (Some(min), Some(max)) => min <= wanted && wanted <= max,
            _ => false,
        }
    }
}

/// The version discovery document. Decodes all three shapes Nova serves: `GET /`
/// (`{"versions": [...]}`), `GET /v2.1/` (`{"version": {...}}`) and a 300 Multiple Choices
/// (`{"choices": [...]}`); serializes as `{"versions": [...]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct VersionsDocument {
    pub versions: Vec<Version>,
}

impl<'de> Deserialize<'de> for VersionsDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct AnyShape {
            #[serde(default, deserialize_with = "crate::de::null_as_default")]
            versions: Vec<Version>,
            #[serde(default)]
            version: Option<Version>,
            #[serde(default, deserialize_with = "crate::de::null_as_default")]
            choices: Vec<Version>,
        }
        let shape = AnyShape::deserialize(deserializer)?;
        let mut versions = shape.versions;
        versions.extend(shape.version);
        versions.extend(shape.choices);
        if versions.is_empty() {
            return Err(serde::de::Error::custom(
                "no \"versions\", \"version\" or \"choices\" in the version document",
            ));
        }
        Ok(Self { versions })
    }
}

impl VersionsDocument {
    /// The v2.1 (microversioned) API entry.
    pub fn v2_1(&self) -> Option<&Version> {
        self.versions.iter().find(|version| version.id == "v2.1")
    }
}

// ---------------------------------------------------------------- availability zones

/// `GET /os-availability-zone` (and `/detail`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AvailabilityZoneList {
    #[serde(
        rename = "availabilityZoneInfo",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub zones: Vec<AvailabilityZone>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AvailabilityZone {
    #[serde(
        rename = "zoneName",
        default,
        deserialize_with = "crate::de::string_or_empty"
    )]
    pub name: String,
    #[serde(
        rename = "zoneState",
        default,
        deserialize_with = "crate::de::null_as_default"
    )]
    pub state: ZoneState,
    /// `null` in the tenant list; host -> service -> status in the admin detail.
    #[serde(default)]
    pub hosts: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ZoneState {
    #[serde(default, deserialize_with = "crate::de::bool_or_false")]
    pub available: bool,
}

impl AvailabilityZone {
    pub fn is_available(&self) -> bool {
        self.state.available
    }
}

impl AvailabilityZoneList {
    /// Zones a tenant can pick: available, and not Nova's `internal` service zone.
    pub fn selectable(&self) -> impl Iterator<Item = &AvailabilityZone> {
        self.zones
            .iter()
            .filter(|zone| zone.is_available() && zone.name != "internal")
    }
}

// ---------------------------------------------------------------- flavors

/// A flavor from `GET /flavors/detail` or `GET /flavors/{id}`. `GET /flavors` items carry only
/// id, name and links (numbers then read 0).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Flavor {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    /// MiB.
    #[serde(default, deserialize_with = "crate::de::u64_or_zero")]
    pub ram: u64,
    #[serde(default, deserialize_with = "crate::de::u64_or_zero")]
    pub vcpus: u64,
    /// Root disk GiB; 0 means "size of the image" (boot from volume sets its own size).
    #[serde(default, deserialize_with = "crate::de::u64_or_zero")]
    pub disk: u64,
    /// MiB; Nova sends `""` for none before 2.75 and `0` since.
    #[serde(default, deserialize_with = "crate::de::u64_or_zero")]
    pub swap: u64,
    #[serde(
        rename = "OS-FLV-EXT-DATA:ephemeral",
        default,
        deserialize_with = "crate::de::u64_or_zero"
    )]
    pub ephemeral: u64,
    #[serde(
        rename = "OS-FLV-DISABLED:disabled",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub disabled: Option<bool>,
    #[serde(
        rename = "os-flavor-access:is_public",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub is_public: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_f64"
    )]
    pub rxtx_factor: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub description: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::de::string_map"
    )]
    pub extra_specs: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub links: Vec<Link>,
}

impl Flavor {
    pub fn is_disabled(&self) -> bool {
        self.disabled.unwrap_or(false)
    }
}

/// `GET /flavors[/detail]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FlavorList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub flavors: Vec<Flavor>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub flavors_links: Vec<Link>,
}

impl FlavorList {
    pub fn next_page(&self) -> Option<&str> {
        next_link(&self.flavors_links)
    }
}

/// `GET /flavors/{id}`: `{"flavor": {...}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FlavorBody {
    pub flavor: Flavor,
}

// ---------------------------------------------------------------- images

/// An image from `GET /images/detail` or `GET /images/{id}` (Nova's Glance proxy; ECS keeps it
/// beyond 2.35). ECS adds metadata such as `__os_type`, `__platform`, `__os_version`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Image {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub status: Option<String>,
    /// GiB the root disk needs at least.
    #[serde(
        rename = "minDisk",
        default,
        deserialize_with = "crate::de::u64_or_zero"
    )]
    pub min_disk: u64,
    /// MiB of RAM the image needs at least.
    #[serde(
        rename = "minRam",
        default,
        deserialize_with = "crate::de::u64_or_zero"
    )]
    pub min_ram: u64,
    /// Bytes.
    #[serde(
        rename = "OS-EXT-IMG-SIZE:size",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub size: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub progress: Option<u64>,
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
    #[serde(default, deserialize_with = "crate::de::string_map")]
    pub metadata: BTreeMap<String, String>,
    /// The server a snapshot was taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ResourceRef>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub links: Vec<Link>,
    /// Glance's `public`, `private`, `shared` or `community`; Nova's image proxy does not say.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub visibility: Option<String>,
}

impl Image {
    /// The OS family: ECS `__os_type` (e.g. "Linux", "Windows"), else the standard `os_type`
    /// or `os_distro` property (see [`crate::os::ImageProperties::os_type`]).
    pub fn os_type(&self) -> Option<&str> {
        ImageProperties::os_type(self)
    }

    /// ECS `__platform` (e.g. "EulerOS", "Ubuntu"), else the distribution `os_distro` names.
    pub fn platform(&self) -> Option<&str> {
        ImageProperties::platform(self)
    }

    /// ECS `__os_version` (e.g. "EulerOS 2.2 64bit"), else the standard `os_version`.
    pub fn os_version(&self) -> Option<&str> {
        ImageProperties::os_version(self)
    }

    pub fn is_active(&self) -> bool {
        self.status
            .as_deref()
            .is_none_or(|status| status.eq_ignore_ascii_case("ACTIVE"))
    }
}

impl ImageProperties for Image {
    fn properties(&self) -> &BTreeMap<String, String> {
        &self.metadata
    }

    fn image_name(&self) -> &str {
        &self.name
    }
}

/// `{id, links}` reference to another resource.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResourceRef {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub links: Vec<Link>,
}

/// `GET /images[/detail]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImageList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub images: Vec<Image>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub images_links: Vec<Link>,
}

impl ImageList {
    pub fn next_page(&self) -> Option<&str> {
        next_link(&self.images_links)
    }
}

/// `GET /images/{id}`: `{"image": {...}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImageBody {
    pub image: Image,
}

// ---------------------------------------------------------------- networks

/// A network from `GET /os-networks` (Nova's Neutron proxy: nova-network era keys, mostly null).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Network {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub label: String,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub cidr: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub cidr_v6: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub gateway: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub gateway_v6: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub netmask: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub netmask_v6: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub broadcast: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub dns1: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub dns2: Option<String>,
}

impl Network {
    /// The label, or the id when the label is empty.
    pub fn display_name(&self) -> &str {
        if self.label.is_empty() {
            &self.id
        } else {
            &self.label
        }
    }
}

/// `GET /os-networks`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NetworkList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub networks: Vec<Network>,
}

/// `GET /os-networks/{id}`: `{"network": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NetworkBody {
    pub network: Network,
}

// ---------------------------------------------------------------- key pairs

/// A key pair as listed or shown (no private key).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KeyPair {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub fingerprint: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub public_key: String,
    /// `"ssh"` or `"x509"` (2.2+); absent before.
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub key_type: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub user_id: Option<String>,
    /// Only `GET /os-keypairs/{name}` has the database id, `created_at` (no time zone), ...
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub id: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub created_at: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub deleted: Option<bool>,
}

/// `GET /os-keypairs`: Nova wraps every item as `{"keypair": {...}}`; this unwraps them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KeyPairList {
    #[serde(with = "wrapped_keypairs")]
    pub keypairs: Vec<KeyPair>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub keypairs_links: Vec<Link>,
}

impl KeyPairList {
    pub fn next_page(&self) -> Option<&str> {
        next_link(&self.keypairs_links)
    }
}

mod wrapped_keypairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::KeyPair;

    #[derive(Serialize, Deserialize)]
    struct Wrapped<T> {
        keypair: T,
    }

    pub fn serialize<S: Serializer>(
        keypairs: &[KeyPair],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(keypairs.iter().map(|keypair| Wrapped { keypair }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<KeyPair>, D::Error> {
        let items: Option<Vec<Wrapped<KeyPair>>> = Option::deserialize(deserializer)?;
        Ok(items
            .unwrap_or_default()
            .into_iter()
            .map(|item| item.keypair)
            .collect())
    }
}

/// `GET /os-keypairs/{name}` and the import response: `{"keypair": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KeyPairBody {
    pub keypair: KeyPair,
}

/// `POST /os-keypairs` response. When Nova generated the key, `private_key` holds it: it is
/// returned this once only, and is a [`Secret`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreatedKeyPair {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub fingerprint: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub public_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<Secret>,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub key_type: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub user_id: Option<String>,
}

impl CreatedKeyPair {
    /// The key pair without its private key.
    pub fn public_part(&self) -> KeyPair {
        KeyPair {
            name: self.name.clone(),
            fingerprint: self.fingerprint.clone(),
            public_key: self.public_key.clone(),
            key_type: self.key_type.clone(),
            user_id: self.user_id.clone(),
            ..KeyPair::default()
        }
    }
}

/// `POST /os-keypairs` response wrapper: `{"keypair": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreatedKeyPairBody {
    pub keypair: CreatedKeyPair,
}

// ---------------------------------------------------------------- limits

/// `GET /limits`: `{"limits": {...}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LimitsBody {
    pub limits: Limits,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Limits {
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub absolute: AbsoluteLimits,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub rate: Vec<serde_json::Value>,
}

/// Absolute quota limits and usage. `-1` means unlimited; a missing key is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AbsoluteLimits {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_total_instances: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub total_instances_used: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_total_cores: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub total_cores_used: Option<i64>,
    #[serde(
        rename = "maxTotalRAMSize",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_total_ram_size: Option<i64>,
    #[serde(
        rename = "totalRAMUsed",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub total_ram_used: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_total_keypairs: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_server_meta: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_server_groups: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_server_group_members: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub total_server_groups_used: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_image_meta: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_personality: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_personality_size: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_security_groups: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_security_group_rules: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub total_security_groups_used: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub max_total_floating_ips: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_i64"
    )]
    pub total_floating_ips_used: Option<i64>,
}

/// What is left of one quota: `None` when unlimited (`-1`) or unknown.
fn remaining(max: Option<i64>, used: Option<i64>) -> Option<i64> {
    match max {
        Some(max) if max >= 0 => Some((max - used.unwrap_or(0)).max(0)),
        _ => None,
    }
}

impl AbsoluteLimits {
    /// Servers that can still be created; `None` = unlimited/unknown.
    pub fn instances_remaining(&self) -> Option<i64> {
        remaining(self.max_total_instances, self.total_instances_used)
    }

    /// vCPUs still available; `None` = unlimited/unknown.
    pub fn cores_remaining(&self) -> Option<i64> {
        remaining(self.max_total_cores, self.total_cores_used)
    }

    /// MiB of RAM still available; `None` = unlimited/unknown.
    pub fn ram_remaining(&self) -> Option<i64> {
        remaining(self.max_total_ram_size, self.total_ram_used)
    }
}
