//! Neutron request bodies: allocating a floating IP and moving it between ports.

use serde::{Deserialize, Serialize};

use super::NovaRequest;
use crate::de::opt_string;

/// `POST /v2.0/floatingips` `{"floatingip": {"floating_network_id", "port_id"?}}`: a new public
/// IP from an external network, associated with a port at once when `port_id` is given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateFloatingIp {
    #[serde(deserialize_with = "crate::de::string_or_empty")]
    pub floating_network_id: String,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl NovaRequest for CreateFloatingIp {
    const KEY: &'static str = "floatingip";
}

impl CreateFloatingIp {
    /// A floating IP from the external network `floating_network_id`, not yet associated.
    pub fn from_pool(floating_network_id: impl Into<String>) -> Self {
        Self {
            floating_network_id: floating_network_id.into(),
            ..Self::default()
        }
    }
}

/// `PUT /v2.0/floatingips/{id}` `{"floatingip": {"port_id": ID | null}}`: associates the IP
/// with a port, or with `null` disassociates it (the key is always sent).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateFloatingIp {
    #[serde(deserialize_with = "crate::de::opt_string")]
    pub port_id: Option<String>,
}

impl NovaRequest for UpdateFloatingIp {
    const KEY: &'static str = "floatingip";
}

impl UpdateFloatingIp {
    pub fn associate(port_id: impl Into<String>) -> Self {
        Self {
            port_id: Some(port_id.into()),
        }
    }

    pub fn disassociate() -> Self {
        Self { port_id: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floating_ip_bodies_are_exact() {
        assert_eq!(
            UpdateFloatingIp::associate("fc861431-0e6c-4842-a0ed-e2363f9bc3a8").to_body(),
            json!({"floatingip": {"port_id": "fc861431-0e6c-4842-a0ed-e2363f9bc3a8"}})
        );
        assert_eq!(
            UpdateFloatingIp::disassociate().to_body(),
            json!({"floatingip": {"port_id": null}}),
            "null disassociates: the key must be there"
        );
        assert_eq!(
            CreateFloatingIp::from_pool("ext").to_body(),
            json!({"floatingip": {"floating_network_id": "ext"}})
        );
        let parsed = UpdateFloatingIp::parse_body(br#"{"floatingip": {}}"#).unwrap_err();
        assert!(parsed.to_string().contains("port_id"), "{parsed}");
    }
}
