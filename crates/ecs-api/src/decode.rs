//! Decoding response bodies into models, by type or by name (the `decode` example and tools).

use std::str::FromStr;

use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError};
use crate::identity::TokenResponse;
use crate::models::{
    AvailabilityZoneList, CreatedKeyPairBody, CreatedServerBody, FlavorBody, FlavorList, ImageBody,
    ImageList, KeyPairBody, KeyPairList, LimitsBody, NetworkList, ServerBody, ServerList,
    VersionsDocument,
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
}

impl DecodeKind {
    pub const ALL: [DecodeKind; 15] = [
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
/// if any, is printed: the tool runs on the user's own file). `fault` decodes any error body
/// (HTTP status unknown, reported as 0).
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
        DecodeKind::Fault => {
            serde_json::from_slice::<serde_json::Value>(body)
                .map_err(|err| DecodeError::new("fault", err.to_string()))?;
            let error = ApiError::from_response(0, body);
            if error.fault.is_none() {
                return Err(DecodeError::new(
                    "fault",
                    "no Nova fault or Keystone error object in the body",
                ));
            }
            serde_json::to_value(&error).map_err(|err| DecodeError::new("fault", err.to_string()))
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
