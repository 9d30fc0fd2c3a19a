//! Decoding response bodies into models, by type or by name (the `decode` example and tools).

use std::str::FromStr;

use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError, ErrorShape};
use crate::identity::TokenResponse;
use crate::models::{
    AvailabilityZoneList, ConsoleOutput, CreatedKeyPairBody, CreatedServerBody, FlavorBody,
    FlavorList, FloatingIpBody, FloatingIpList, GlanceImage, GlanceImageList, ImageBody, ImageList,
    KeyPairBody, KeyPairList, LimitsBody, NetworkList, NeutronNetworkBody, NeutronNetworkList,
    NovaSecurityGroupList, PortList, RemoteConsoleBody, SecurityGroupBody, SecurityGroupList,
    ServerBody, ServerList, ServerPassword, SubnetList, VersionsDocument,
};

/// Decodes `body` as `T`, naming `what` in the error. Never panics.
pub fn from_slice<T: DeserializeOwned>(what: &'static str, body: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(|err| DecodeError::new(what, err.to_string()))
}

/// The response kinds the decode tool knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeKind {
    Versions,
    AvailabilityZones,
    Flavors,
    Flavor,
    Images,
    Image,
    Networks,
    KeyPairs,
    KeyPair,
    ServerCreated,
    Server,
    Servers,
    Limits,
    Token,
    Fault,
    ConsoleOutput,
    RemoteConsole,
    ServerPassword,
    NovaSecurityGroups,
    GlanceImages,
    GlanceImage,
    NeutronNetworks,
    NeutronNetwork,
    Subnets,
    SecurityGroups,
    SecurityGroup,
    Ports,
    FloatingIps,
    FloatingIp,
}

impl DecodeKind {
    pub const ALL: [DecodeKind; 29] = [
        Self::Versions,
        Self::AvailabilityZones,
        Self::Flavors,
        Self::Flavor,
        Self::Images,
        Self::Image,
        Self::Networks,
        Self::KeyPairs,
        Self::KeyPair,
        Self::ServerCreated,
        Self::Server,
        Self::Servers,
        Self::Limits,
        Self::Token,
        Self::Fault,
        Self::ConsoleOutput,
        Self::RemoteConsole,
        Self::ServerPassword,
        Self::NovaSecurityGroups,
        Self::GlanceImages,
        Self::GlanceImage,
        Self::NeutronNetworks,
        Self::NeutronNetwork,
        Self::Subnets,
        Self::SecurityGroups,
        Self::SecurityGroup,
        Self::Ports,
        Self::FloatingIps,
        Self::FloatingIp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Versions => "versions",
            Self::AvailabilityZones => "availability-zones",
            Self::Flavors => "flavors",
            Self::Flavor => "flavor",
            Self::Images => "images",
            Self::Image => "image",
            Self::Networks => "networks",
            Self::KeyPairs => "keypairs",
            Self::KeyPair => "keypair",
            Self::ServerCreated => "server-created",
            Self::Server => "server",
            Self::Servers => "servers",
            Self::Limits => "limits",
            Self::Token => "token",
            Self::Fault => "fault",
            Self::ConsoleOutput => "console-output",
            Self::RemoteConsole => "remote-console",
            Self::ServerPassword => "server-password",
            Self::NovaSecurityGroups => "nova-security-groups",
            Self::GlanceImages => "glance-images",
            Self::GlanceImage => "glance-image",
            Self::NeutronNetworks => "neutron-networks",
            Self::NeutronNetwork => "neutron-network",
            Self::Subnets => "subnets",
            Self::SecurityGroups => "security-groups",
            Self::SecurityGroup => "security-group",
            Self::Ports => "ports",
            Self::FloatingIps => "floating-ips",
            Self::FloatingIp => "floating-ip",
        }
    }
}

/// An unknown kind name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind {0:?}; expected one of: {list}", list = DecodeKind::ALL.map(DecodeKind::name).join(", "))]
pub struct UnknownKind(pub String);

impl FromStr for DecodeKind {
    type Err = UnknownKind;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == text)
            .ok_or_else(|| UnknownKind(text.to_owned()))
    }
}

fn to_json<T: DeserializeOwned + serde::Serialize>(
    what: &'static str,
    body: &[u8],
) -> Result<serde_json::Value, DecodeError> {
    let decoded: T = from_slice(what, body)?;
    serde_json::to_value(&decoded).map_err(|err| DecodeError::new(what, err.to_string()))
}

/// Decodes `body` as `kind` and returns the decoded model re-serialized as JSON (what the
/// decode tool prints). `keypair` accepts both a shown and a created key pair (the private key,
/// if any, is printed: the tool runs on the user's own file). `fault` decodes an error body of
/// any JSON shape the console knows and names it in `shape` (HTTP status unknown: the body's
/// `code` when it states one, else 0); an HTML page, text, an empty body or other JSON is an
/// error that names its shape and what the console would show for it.
pub fn decode_kind(kind: DecodeKind, body: &[u8]) -> Result<serde_json::Value, DecodeError> {
    match kind {
        DecodeKind::Versions => to_json::<VersionsDocument>("versions", body),
        DecodeKind::AvailabilityZones => {
            to_json::<AvailabilityZoneList>("availability-zones", body)
        }
        DecodeKind::Flavors => to_json::<FlavorList>("flavors", body),
        DecodeKind::Flavor => to_json::<FlavorBody>("flavor", body),
        DecodeKind::Images => to_json::<ImageList>("images", body),
        DecodeKind::Image => to_json::<ImageBody>("image", body),
        DecodeKind::Networks => to_json::<NetworkList>("networks", body),
        DecodeKind::KeyPairs => to_json::<KeyPairList>("keypairs", body),
        DecodeKind::KeyPair => {
            let mut value = to_json::<KeyPairBody>("keypair", body)?;
            let created: CreatedKeyPairBody = from_slice("keypair", body)?;
            if let Some(private_key) = created.keypair.private_key {
                value["keypair"]["private_key"] = private_key.expose().into();
            }
            Ok(value)
        }
        DecodeKind::ServerCreated => to_json::<CreatedServerBody>("server-created", body),
        DecodeKind::Server => to_json::<ServerBody>("server", body),
        DecodeKind::Servers => to_json::<ServerList>("servers", body),
        DecodeKind::Limits => to_json::<LimitsBody>("limits", body),
        DecodeKind::Token => to_json::<TokenResponse>("token", body),
        DecodeKind::ConsoleOutput => to_json::<ConsoleOutput>("console-output", body),
        DecodeKind::RemoteConsole => to_json::<RemoteConsoleBody>("remote-console", body),
        DecodeKind::ServerPassword => to_json::<ServerPassword>("server-password", body),
        DecodeKind::NovaSecurityGroups => {
            to_json::<NovaSecurityGroupList>("nova-security-groups", body)
        }
        DecodeKind::GlanceImages => to_json::<GlanceImageList>("glance-images", body),
        DecodeKind::GlanceImage => to_json::<GlanceImage>("glance-image", body),
        DecodeKind::NeutronNetworks => to_json::<NeutronNetworkList>("neutron-networks", body),
        DecodeKind::NeutronNetwork => to_json::<NeutronNetworkBody>("neutron-network", body),
        DecodeKind::Subnets => to_json::<SubnetList>("subnets", body),
        DecodeKind::SecurityGroups => to_json::<SecurityGroupList>("security-groups", body),
        DecodeKind::SecurityGroup => to_json::<SecurityGroupBody>("security-group", body),
        DecodeKind::Ports => to_json::<PortList>("ports", body),
        DecodeKind::FloatingIps => to_json::<FloatingIpList>("floating-ips", body),
        DecodeKind::FloatingIp => to_json::<FloatingIpBody>("floating-ip", body),
        DecodeKind::Fault => {
            let recognised = ApiError::recognise(0, body);
            let not_an_error_document = match recognised.shape {
                ErrorShape::HtmlPage => Some("an HTML page"),
                ErrorShape::PlainText => Some("plain text"),
                ErrorShape::Empty => Some("an empty body"),
                ErrorShape::OtherJson => Some("JSON in no error shape this console knows"),
                _ => None,
            };
            if let Some(what) = not_an_error_document {
                return Err(DecodeError::new(
                    "fault",
                    format!(
                        "{what} (shape {}), not an API error document; the console would show: {}",
                        recognised.shape.name(),
                        recognised.error.message
                    ),
                ));
            }
            serde_json::to_value(&recognised)
                .map_err(|err| DecodeError::new("fault", err.to_string()))
        }
    }
}

/// [`decode_kind`] with the kind given by name.
pub fn decode_named(kind: &str, body: &[u8]) -> Result<serde_json::Value, DecodeNamedError> {
    let kind: DecodeKind = kind.parse()?;
    Ok(decode_kind(kind, body)?)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeNamedError {
    #[error(transparent)]
    UnknownKind(#[from] UnknownKind),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}
