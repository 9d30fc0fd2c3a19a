//! Compute API microversions (`X.Y`) and the headers that carry them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Legacy Nova header: value `"2.67"` or `"latest"`.
pub const NOVA_API_VERSION_HEADER: &str = "X-OpenStack-Nova-API-Version";
/// Generic OpenStack header: value `"compute 2.67"` or `"compute latest"`; preferred by Nova when both are sent.
pub const OPENSTACK_API_VERSION_HEADER: &str = "OpenStack-API-Version";
/// Service type named in [`OPENSTACK_API_VERSION_HEADER`].
pub const COMPUTE_SERVICE_TYPE: &str = "compute";

/// A compute API microversion such as 2.67. Ordered numerically (2.9 < 2.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Microversion {
    pub major: u16,
    pub minor: u16,
}

/// The microversion the console sends on compute calls (but see [`microversion_for`]): the first with `volume_type` in
/// `block_device_mapping_v2`; networks are required (2.37+), server-side key generation still
/// exists (until 2.91) and key pair create answers 201 (2.2+).
pub const CONSOLE_MICROVERSION: Microversion = Microversion::new(2, 67);
/// The lowest v2.1 microversion, used by Nova when a request carries no version header.
pub const MIN_MICROVERSION: Microversion = Microversion::new(2, 1);
/// The last microversion at which Nova serves its image, network and security group proxy APIs
/// (`images*`, `os-networks*`, `os-security-groups*`, `os-security-group-rules*`); from 2.36
/// on they answer 404, so the console asks for these at 2.35.
pub const PROXY_API_MICROVERSION: Microversion = Microversion::new(2, 35);

/// The microversion the console sends for a compute URL or path: [`PROXY_API_MICROVERSION`] for
/// the proxy APIs, [`CONSOLE_MICROVERSION`] for everything else (also a server's own
/// `servers/{id}/os-security-groups`, which is no proxy and stays).
pub fn microversion_for(url_or_path: &str) -> Microversion {
    let path = url_or_path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    let is_proxy_api = segments.iter().enumerate().any(|(index, segment)| {
        let of_a_server = index >= 2 && segments[index - 2] == "servers";
        match *segment {
            "images" | "os-networks" | "os-security-group-rules" => true,
            "os-security-groups" => !of_a_server,
            _ => false,
        }
    });
    if is_proxy_api {
        PROXY_API_MICROVERSION
    } else {
        CONSOLE_MICROVERSION
    }
}

impl Microversion {
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor }
    }

    /// Value for [`NOVA_API_VERSION_HEADER`]: `"2.67"`.
    pub fn nova_header_value(self) -> String {
        self.to_string()
    }

    /// Value for [`OPENSTACK_API_VERSION_HEADER`]: `"compute 2.67"`.
    pub fn openstack_header_value(self) -> String {
        format!("{COMPUTE_SERVICE_TYPE} {self}")
    }

    /// Both request headers (name, value) that select this microversion.
    pub fn request_headers(self) -> [(&'static str, String); 2] {
        [
            (NOVA_API_VERSION_HEADER, self.nova_header_value()),
            (OPENSTACK_API_VERSION_HEADER, self.openstack_header_value()),
        ]
    }
}

impl fmt::Display for Microversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Why a microversion string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("API Version String {0} is of invalid format. Must be of format MajorNum.MinorNum.")]
pub struct MicroversionError(pub String);

impl FromStr for Microversion {
    type Err = MicroversionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || MicroversionError(text.to_owned());
        let (major, minor) = text.trim().split_once('.').ok_or_else(invalid)?;
        let number = |part: &str| {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse::<u16>().map_err(|_| invalid())
        };
        Ok(Self::new(number(major)?, number(minor)?))
    }
}

impl Serialize for Microversion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Microversion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What a client asked for in its version headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedVersion {
    Latest,
    Exact(Microversion),
}

impl RequestedVersion {
    /// Reads the request headers as Nova does: `OpenStack-API-Version` (a comma-separated list of
    /// `service version` pairs; only `compute` counts) wins over `X-OpenStack-Nova-API-Version`.
    /// `Ok(None)` when neither names a compute version (Nova then uses [`MIN_MICROVERSION`]).
    pub fn from_headers(
        openstack_api_version: Option<&str>,
        nova_api_version: Option<&str>,
    ) -> Result<Option<Self>, MicroversionError> {
        let compute_value = openstack_api_version.and_then(|header| {
            header.split(',').find_map(|item| {
                let mut words = item.split_whitespace();
                match (words.next(), words.next()) {
                    (Some(service), Some(version))
                        if service.eq_ignore_ascii_case(COMPUTE_SERVICE_TYPE) =>
                    {
                        Some(version)
                    }
                    _ => None,
                }
            })
        });
        match compute_value.or(nova_api_version.map(str::trim)) {
            None => Ok(None),
            Some(value) if value.eq_ignore_ascii_case("latest") => Ok(Some(Self::Latest)),
            Some(value) => value.parse().map(|version| Some(Self::Exact(version))),
        }
    }

    /// The concrete version, with `latest` meaning `max`.
    pub fn resolve(self, max: Microversion) -> Microversion {
        match self {
            Self::Latest => max,
            Self::Exact(version) => version,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn proxy_apis_are_asked_for_at_2_35_and_the_rest_at_2_67() {
        let base = "https://ecs.example.com/v2.1/p1";
        assert_eq!(
            super::microversion_for(&format!("{base}/images/detail?limit=5")),
            super::PROXY_API_MICROVERSION
        );
        assert_eq!(
            super::microversion_for(&format!("{base}/images/abc")),
            super::PROXY_API_MICROVERSION
        );
        assert_eq!(
            super::microversion_for(&format!("{base}/os-networks")),
            super::PROXY_API_MICROVERSION
        );
        assert_eq!(
            super::microversion_for(&format!("{base}/servers/detail?name=images")),
            super::CONSOLE_MICROVERSION
        );
        assert_eq!(
            super::microversion_for(&format!("{base}/flavors/detail")),
            super::CONSOLE_MICROVERSION
        );
        assert_eq!(
            super::microversion_for(&format!("{base}/servers")),
            super::CONSOLE_MICROVERSION
        );
        for proxy in [
            "os-security-groups",
            "os-security-groups/g1",
            "os-security-group-rules",
        ] {
            assert_eq!(
                super::microversion_for(&format!("{base}/{proxy}")),
                super::PROXY_API_MICROVERSION,
                "{proxy}"
            );
        }
        for kept in [
            "servers/s1/os-security-groups",
            "servers/s1/remote-consoles",
            "servers/s1/os-server-password",
            "servers/s1/action",
        ] {
            assert_eq!(
                super::microversion_for(&format!("{base}/{kept}")),
                super::CONSOLE_MICROVERSION,
                "{kept}"
            );
        }
    }

    use super::*;

    #[test]
    fn parses_displays_and_orders() {
        let version: Microversion = "2.67".parse().unwrap();
        assert_eq!(version, CONSOLE_MICROVERSION);
        assert_eq!(version.to_string(), "2.67");
        assert!("2.9".parse::<Microversion>().unwrap() < "2.10".parse().unwrap());
        assert!(MIN_MICROVERSION < CONSOLE_MICROVERSION);
        for bad in [
            "", "2", "2.", ".1", "2.x", "2.1.1", "-2.1", "latest", "2.99999",
        ] {
            assert!(bad.parse::<Microversion>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn header_values() {
        assert_eq!(
            CONSOLE_MICROVERSION.request_headers(),
            [
                ("X-OpenStack-Nova-API-Version", "2.67".to_owned()),
                ("OpenStack-API-Version", "compute 2.67".to_owned())
            ]
        );
    }

    #[test]
    fn requested_version_prefers_the_openstack_header() {
        let exact = |text: &str| Some(RequestedVersion::Exact(text.parse().unwrap()));
        assert_eq!(RequestedVersion::from_headers(None, None), Ok(None));
        assert_eq!(
            RequestedVersion::from_headers(Some("compute 2.60"), Some("2.10")),
            Ok(exact("2.60"))
        );
        assert_eq!(
            RequestedVersion::from_headers(Some("placement 1.2"), Some("2.10")),
            Ok(exact("2.10"))
        );
        assert_eq!(
            RequestedVersion::from_headers(Some("placement 1.2, compute latest"), None),
            Ok(Some(RequestedVersion::Latest))
        );
        assert!(RequestedVersion::from_headers(None, Some("2.a")).is_err());
        assert_eq!(
            RequestedVersion::Latest.resolve(CONSOLE_MICROVERSION),
            CONSOLE_MICROVERSION
        );
    }
}
