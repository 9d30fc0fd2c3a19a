//! Request bodies. Each serializes to the exact JSON Nova / Keystone expect (see
//! [`NovaRequest::to_body`]) and deserializes tolerantly (numbers as strings, Nova's boolean
//! words, unknown fields ignored) so the simulator can decode what any client sends. An optional
//! field takes two attributes: how it decodes (`default` and a decoder of `crate::de`) and when
//! it is left out (`skip_serializing_if`).

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use crate::Secret;
use crate::de::{
    null_as_default, opt_bool, opt_count, opt_i32, opt_i64, opt_string, opt_u64, string_map,
};
use crate::error::DecodeError;

mod neutron;
mod server_actions;
mod volumes;

pub use neutron::{CreateFloatingIp, UpdateFloatingIp};
pub use server_actions::{
    CreateImage, CreatedImage, DESCRIPTION_MICROVERSION, LOCKED_REASON_MICROVERSION, LockServer,
    PlainAction, REBUILD_KEY_NAME_MICROVERSION, RebuildServer, ResizeServer, UpdateServer,
};
pub use volumes::{AttachVolume, CreateVolume};

/// A request body type wrapped in one top-level key (`{"server": {...}}`): Nova's, and the
/// same shape in Neutron (`{"floatingip": {...}}`).
pub trait NovaRequest: Serialize + DeserializeOwned {
    /// The top-level key.
    const KEY: &'static str;

    /// The full JSON body.
    fn to_body(&self) -> Value {
        let inner = serde_json::to_value(self).unwrap_or(Value::Null);
        json!({ Self::KEY: inner })
    }

    /// The full JSON body as text.
    fn to_body_string(&self) -> String {
        self.to_body().to_string()
    }

    /// Decodes a full JSON body (tolerantly).
    fn parse_body(body: &[u8]) -> Result<Self, DecodeError> {
        let mut value: Value = crate::decode::from_slice(Self::KEY, body)?;
        let inner = value.get_mut(Self::KEY).map(Value::take).ok_or_else(|| {
            DecodeError::new(
                Self::KEY,
                format!("the body has no \"{}\" object", Self::KEY),
            )
        })?;
        serde_json::from_value(inner).map_err(|err| DecodeError::new(Self::KEY, err.to_string()))
    }
}

// ---------------------------------------------------------------- servers

/// `POST /servers` (the `server` object). Boot from volume: leave `image_ref` empty and put
/// an image -> volume mapping with `boot_index` 0 in `block_device_mapping_v2`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateServer {
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(rename = "flavorRef", deserialize_with = "crate::de::string_or_empty")]
    pub flavor_ref: String,
    /// Empty for boot-from-volume.
    #[serde(
        rename = "imageRef",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub image_ref: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub block_device_mapping_v2: Vec<BlockDeviceMapping>,
    /// Required since 2.37. Absent in an incoming body decodes as `Auto` for older clients.
    #[serde(default)]
    pub networks: NetworkChoice,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<SecurityGroupName>,
    #[serde(default, deserialize_with = "string_map")]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Base64 text (see [`crate::validate::encode_user_data`]); at most 65535 bytes.
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    #[serde(default, deserialize_with = "opt_count")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_count: Option<u32>,
    #[serde(default, deserialize_with = "opt_count")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u32>,
    #[serde(rename = "adminPass", default, skip_serializing_if = "Option::is_none")]
    pub admin_pass: Option<Secret>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl NovaRequest for CreateServer {
    const KEY: &'static str = "server";
}

impl CreateServer {
    /// A server booting from a new volume created from `image_id` (the console's way).
    pub fn boot_from_volume(
        name: impl Into<String>,
        flavor_ref: impl Into<String>,
        boot_volume: BlockDeviceMapping,
        networks: NetworkChoice,
    ) -> Self {
        Self {
            name: name.into(),
            flavor_ref: flavor_ref.into(),
            block_device_mapping_v2: vec![boot_volume],
            networks,
            ..Self::default()
        }
    }

    /// The mapping the server boots from (`boot_index` 0), if any.
    pub fn boot_mapping(&self) -> Option<&BlockDeviceMapping> {
        self.block_device_mapping_v2
            .iter()
            .find(|mapping| mapping.boot_index == Some(0))
    }

    /// How many servers this request creates at most.
    pub fn requested_count(&self) -> u32 {
        self.max_count.or(self.min_count).unwrap_or(1)
    }
}

/// `block_device_mapping_v2` item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BlockDeviceMapping {
    /// `image`, `volume`, `snapshot` or `blank`.
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub source_type: String,
    /// `volume` or `local`.
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_type: Option<String>,
    /// Image/volume/snapshot id for the source.
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// 0 for the boot disk; Nova accepts a number, a numeric string or null.
    #[serde(default, deserialize_with = "opt_i32")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boot_index: Option<i32>,
    /// GiB; Nova accepts a number or a numeric string.
    #[serde(default, deserialize_with = "opt_u64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_size: Option<u64>,
    /// Cinder volume type (2.67+, and an ECS extension at any microversion).
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_type: Option<String>,
    /// Nova accepts a boolean or words like "true"/"True"/"yes"/"0".
    #[serde(default, deserialize_with = "opt_bool")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_on_termination: Option<bool>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl BlockDeviceMapping {
    /// The boot disk: a new `size_gb` volume of `volume_type` created from `image_id`.
    pub fn boot_volume_from_image(
        image_id: impl Into<String>,
        size_gb: u64,
        volume_type: Option<String>,
        delete_on_termination: bool,
    ) -> Self {
        Self {
            source_type: "image".to_owned(),
            destination_type: Some("volume".to_owned()),
            uuid: Some(image_id.into()),
            boot_index: Some(0),
            volume_size: Some(size_gb),
            volume_type,
            delete_on_termination: Some(delete_on_termination),
            ..Self::default()
        }
    }
}

/// `networks`: `"auto"`, `"none"`, or a list of ports/networks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NetworkChoice {
    /// Let the cloud pick (or create) a network.
    #[default]
    Auto,
    /// No network at all.
    None,
    List(Vec<NetworkRequest>),
}

impl NetworkChoice {
    /// One NIC on the network `network_id`.
    pub fn network(network_id: impl Into<String>) -> Self {
        Self::List(vec![NetworkRequest {
            uuid: Some(network_id.into()),
            ..NetworkRequest::default()
        }])
    }
}

impl Serialize for NetworkChoice {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Auto => serializer.serialize_str("auto"),
            Self::None => serializer.serialize_str("none"),
            Self::List(networks) => networks.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for NetworkChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(word) if word.eq_ignore_ascii_case("auto") => Ok(Self::Auto),
            Value::String(word) if word.eq_ignore_ascii_case("none") => Ok(Self::None),
            list @ Value::Array(_) => serde_json::from_value(list)
                .map(Self::List)
                .map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "networks must be \"auto\", \"none\" or a list, got {}",
                match &other {
                    Value::String(text) => format!("{text:?}"),
                    other => crate::de::kind_of(other).to_owned(),
                }
            ))),
        }
    }
}

/// One `networks` item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NetworkRequest {
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_ip: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// One `security_groups` item of a create request: `{"name": "default"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecurityGroupName {
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
}

impl SecurityGroupName {
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

impl CreateServer {
    /// The request with `security_groups` set to these group names, in order, without
    /// duplicates or blanks (an empty list leaves the key out: the cloud applies `default`).
    pub fn with_security_groups<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.security_groups.clear();
        for name in names {
            let name: String = name.into();
            if !name.trim().is_empty() && !self.security_group_names().any(|known| known == name) {
                self.security_groups.push(SecurityGroupName::new(name));
            }
        }
        self
    }

    /// The names in `security_groups`.
    pub fn security_group_names(&self) -> impl Iterator<Item = &str> {
        self.security_groups.iter().map(|group| group.name.as_str())
    }
}

// ---------------------------------------------------------------- key pairs

/// `POST /os-keypairs` asking Nova to generate the key (until 2.91); the response carries the
/// private key once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateKeyPair {
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    /// `"ssh"` (default) or `"x509"`; 2.2+.
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub key_type: Option<String>,
}

impl NovaRequest for CreateKeyPair {
    const KEY: &'static str = "keypair";
}

/// `POST /os-keypairs` importing an existing public key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportKeyPair {
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub public_key: String,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub key_type: Option<String>,
}

impl NovaRequest for ImportKeyPair {
    const KEY: &'static str = "keypair";
}

/// Any `POST /os-keypairs` body, as the simulator receives it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KeyPairRequest {
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    /// Present: import; absent: generate.
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub key_type: Option<String>,
    /// Admins may act for another user (2.10+).
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

impl NovaRequest for KeyPairRequest {
    const KEY: &'static str = "keypair";
}

// ---------------------------------------------------------------- server actions

/// `reboot` type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RebootType {
    Soft,
    Hard,
}

impl RebootType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Soft => "SOFT",
            Self::Hard => "HARD",
        }
    }
}

/// `POST /servers/{id}/action` bodies the console sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerAction {
    /// `{"os-start": null}`
    Start,
    /// `{"os-stop": null}`
    Stop,
    /// `{"reboot": {"type": "SOFT"|"HARD"}}`
    Reboot(RebootType),
}

impl ServerAction {
    /// The action's key in the body (`os-start`, `os-stop`, `reboot`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Start => "os-start",
            Self::Stop => "os-stop",
            Self::Reboot(_) => "reboot",
        }
    }

    pub fn to_body(self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Decodes an action body; `Err` names the action when it is one the console does not use.
    pub fn parse_body(body: &[u8]) -> Result<Self, DecodeError> {
        crate::decode::from_slice("server action", body)
    }
}

impl Serialize for ServerAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = match self {
            Self::Reboot(kind) => json!({ "type": kind.as_str() }),
            Self::Start | Self::Stop => Value::Null,
        };
        let mut body = Map::new();
        body.insert(self.key().to_owned(), value);
        body.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ServerAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let body = Map::<String, Value>::deserialize(deserializer)?;
        let mut keys = body.keys();
        let (Some(action), None) = (keys.next(), keys.next()) else {
            return Err(D::Error::custom("an action body has exactly one key"));
        };
        match action.as_str() {
            "os-start" => Ok(Self::Start),
            "os-stop" => Ok(Self::Stop),
            "reboot" => {
                let kind = body[action]
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if kind.eq_ignore_ascii_case("SOFT") {
                    Ok(Self::Reboot(RebootType::Soft))
                } else if kind.eq_ignore_ascii_case("HARD") {
                    Ok(Self::Reboot(RebootType::Hard))
                } else {
                    Err(D::Error::custom(format!(
                        "reboot type must be SOFT or HARD, got {kind:?}"
                    )))
                }
            }
            other => Err(D::Error::custom(format!(
                "unsupported server action {other:?}"
            ))),
        }
    }
}

// ---------------------------------------------------------------- server console

/// `POST /servers/{id}/action` `{"os-getConsoleOutput": {"length": N}}`: the last `length`
/// lines of the boot log (all of it when `length` is absent, or `-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConsoleOutputRequest {
    #[serde(default, deserialize_with = "opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<i64>,
}

impl NovaRequest for ConsoleOutputRequest {
    const KEY: &'static str = "os-getConsoleOutput";
}

impl ConsoleOutputRequest {
    /// How many lines the console shows first.
    pub const FIRST_LINES: u32 = 200;

    /// The last `lines` lines.
    pub fn last_lines(lines: u32) -> Self {
        Self {
            length: Some(i64::from(lines)),
        }
    }

    /// Lines wanted: `None` means the whole log (`length` absent or negative).
    pub fn lines(&self) -> Option<u64> {
        self.length.and_then(|length| u64::try_from(length).ok())
    }
}

/// `POST /servers/{id}/remote-consoles` (2.6+) `{"remote_console": {"protocol", "type"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RemoteConsoleRequest {
    /// `vnc`, `spice`, `rdp`, `serial` or `mks`.
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub protocol: String,
    /// `novnc`, `xvpvnc`, `spice-html5`, `rdp-html5`, `serial`, `webmks`.
    #[serde(rename = "type", deserialize_with = "crate::de::string_or_empty")]
    pub console_type: String,
}

impl NovaRequest for RemoteConsoleRequest {
    const KEY: &'static str = "remote_console";
}

impl RemoteConsoleRequest {
    /// The browser console every libvirt cloud offers: VNC through noVNC.
    pub fn novnc() -> Self {
        Self {
            protocol: "vnc".to_owned(),
            console_type: "novnc".to_owned(),
        }
    }
}

// ---------------------------------------------------------------- Keystone

/// A domain named by id or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainRef {
    Id(String),
    Name(String),
}

impl DomainRef {
    fn to_json(&self) -> Value {
        match self {
            Self::Id(id) => json!({ "id": id }),
            Self::Name(name) => json!({ "name": name }),
        }
    }

    fn from_json(value: &Value) -> Option<Self> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        text("id")
            .map(Self::Id)
            .or_else(|| text("name").map(Self::Name))
    }
}

/// Who the password belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordUser {
    Id(String),
    Name { name: String, domain: DomainRef },
}

/// How to authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthIdentity {
    Password {
        user: PasswordUser,
        password: Secret,
    },
    Token {
        id: Secret,
    },
}

/// What the token is scoped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScope {
    ProjectId(String),
    ProjectName { name: String, domain: DomainRef },
}

/// `POST /v3/auth/tokens` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    pub identity: AuthIdentity,
    pub scope: Option<AuthScope>,
}

impl AuthRequest {
    /// Password of the user `user_name` in the domain named `domain_name`.
    pub fn password(
        user_name: impl Into<String>,
        domain_name: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        Self {
            identity: AuthIdentity::Password {
                user: PasswordUser::Name {
                    name: user_name.into(),
                    domain: DomainRef::Name(domain_name.into()),
                },
                password: password.into(),
            },
            scope: None,
        }
    }

    /// Password of the user with id `user_id`.
    pub fn password_by_user_id(user_id: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self {
            identity: AuthIdentity::Password {
                user: PasswordUser::Id(user_id.into()),
                password: password.into(),
            },
            scope: None,
        }
    }

    /// An existing token (e.g. to rescope).
    pub fn token(token_id: impl Into<Secret>) -> Self {
        Self {
            identity: AuthIdentity::Token {
                id: token_id.into(),
            },
            scope: None,
        }
    }

    pub fn scoped_to_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.scope = Some(AuthScope::ProjectId(project_id.into()));
        self
    }

    pub fn scoped_to_project_name(
        mut self,
        project_name: impl Into<String>,
        domain_name: impl Into<String>,
    ) -> Self {
        self.scope = Some(AuthScope::ProjectName {
            name: project_name.into(),
            domain: DomainRef::Name(domain_name.into()),
        });
        self
    }

    /// The body as JSON (contains the password/token: never log it).
    pub fn to_body(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    pub fn parse_body(body: &[u8]) -> Result<Self, DecodeError> {
        crate::decode::from_slice("auth", body)
    }
}

impl Serialize for AuthRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let identity = match &self.identity {
            AuthIdentity::Password { user, password } => {
                let mut user_json = match user {
                    PasswordUser::Id(id) => json!({ "id": id }),
                    PasswordUser::Name { name, domain } => {
                        json!({ "name": name, "domain": domain.to_json() })
                    }
                };
                user_json["password"] = Value::String(password.expose().to_owned());
                json!({ "methods": ["password"], "password": { "user": user_json } })
            }
            AuthIdentity::Token { id } => {
                json!({ "methods": ["token"], "token": { "id": id.expose() } })
            }
        };
        let mut auth = json!({ "identity": identity });
        if let Some(scope) = &self.scope {
            auth["scope"] = match scope {
                AuthScope::ProjectId(id) => json!({ "project": { "id": id } }),
                AuthScope::ProjectName { name, domain } => {
                    json!({ "project": { "name": name, "domain": domain.to_json() } })
                }
            };
        }
        json!({ "auth": auth }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AuthRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let body = Value::deserialize(deserializer)?;
        let auth = body
            .get("auth")
            .ok_or_else(|| D::Error::custom("missing \"auth\""))?;
        let identity = auth
            .get("identity")
            .ok_or_else(|| D::Error::custom("missing \"auth.identity\""))?;
        let methods: Vec<&str> = identity
            .get("methods")
            .and_then(Value::as_array)
            .map(|methods| methods.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let text =
            |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        let identity = if methods.contains(&"password") {
            let user = identity
                .pointer("/password/user")
                .ok_or_else(|| D::Error::custom("missing \"auth.identity.password.user\""))?;
            let password = text(user, "password")
                .ok_or_else(|| D::Error::custom("missing the user's \"password\""))?;
            let user = match (text(user, "id"), text(user, "name")) {
                (Some(id), _) => PasswordUser::Id(id),
                (None, Some(name)) => {
                    let domain = user
                        .get("domain")
                        .and_then(DomainRef::from_json)
                        .ok_or_else(|| {
                            D::Error::custom(
                                "a user given by name needs a \"domain\" with an id or name",
                            )
                        })?;
                    PasswordUser::Name { name, domain }
                }
                (None, None) => {
                    return Err(D::Error::custom("the user needs an \"id\" or a \"name\""));
                }
            };
            AuthIdentity::Password {
                user,
                password: Secret::new(password),
            }
        } else if methods.contains(&"token") {
            let id = identity
                .pointer("/token/id")
                .and_then(Value::as_str)
                .ok_or_else(|| D::Error::custom("missing \"auth.identity.token.id\""))?;
            AuthIdentity::Token {
                id: Secret::new(id),
            }
        } else {
            return Err(D::Error::custom(
                "auth.identity.methods must include \"password\" or \"token\"",
            ));
        };
        let scope = match auth.pointer("/scope/project") {
            None => None,
            Some(project) => Some(match (text(project, "id"), text(project, "name")) {
                (Some(id), _) => AuthScope::ProjectId(id),
                (None, Some(name)) => {
                    let domain = project
                        .get("domain")
                        .and_then(DomainRef::from_json)
                        .ok_or_else(|| {
                            D::Error::custom(
                                "a project given by name needs a \"domain\" with an id or name",
                            )
                        })?;
                    AuthScope::ProjectName { name, domain }
                }
                (None, None) => {
                    return Err(D::Error::custom(
                        "the scope project needs an \"id\" or a \"name\"",
                    ));
                }
            }),
        };
        Ok(Self { identity, scope })
    }
}
