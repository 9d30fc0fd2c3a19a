//! Neutron v2.0 resources the console reads: networks, subnets, security groups and their
//! rules, ports and floating IPs; and Nova's `os-security-groups` proxy (until 2.35), whose
//! groups convert to the same [`SecurityGroup`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Link, Network, next_link};

// ---------------------------------------------------------------- networks

/// A network from `GET /v2.0/networks` or `GET /v2.0/networks/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NeutronNetwork {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    /// `ACTIVE`, `DOWN`, `BUILD` or `ERROR`.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub status: String,
    /// Subnet ids.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub subnets: Vec<String>,
    /// An external network: a pool of public (floating) IPs, not a NIC for a server.
    #[serde(
        rename = "router:external",
        default,
        deserialize_with = "crate::de::bool_or_false"
    )]
    pub external: bool,
    #[serde(default, deserialize_with = "crate::de::bool_or_false")]
    pub shared: bool,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub admin_state_up: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub project_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub mtu: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub description: Option<String>,
}

impl NeutronNetwork {
    /// The name, or the id when the name is empty.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }

    /// True when a server may get a NIC on it (any network but an external one).
    pub fn is_nic_choice(&self) -> bool {
        !self.external
    }

    /// The network in the shape of Nova's `os-networks` proxy, which the console's network
    /// views read: the name as `label`, and the first IPv4 and IPv6 subnets' CIDRs and
    /// gateways among `subnets` (any list: only this network's are used).
    pub fn to_network(&self, subnets: &[Subnet]) -> Network {
        let mine = |version: u64| {
            subnets
                .iter()
                .filter(|subnet| subnet.network_id == self.id || self.subnets.contains(&subnet.id))
                .find(|subnet| subnet.version() == Some(version))
        };
        let (v4, v6) = (mine(4), mine(6));
        Network {
            id: self.id.clone(),
            label: self.name.clone(),
            cidr: v4.map(|subnet| subnet.cidr.clone()),
            cidr_v6: v6.map(|subnet| subnet.cidr.clone()),
            gateway: v4.and_then(|subnet| subnet.gateway_ip.clone()),
            gateway_v6: v6.and_then(|subnet| subnet.gateway_ip.clone()),
            ..Network::default()
        }
    }
}

/// `GET /v2.0/networks`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NeutronNetworkList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub networks: Vec<NeutronNetwork>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub networks_links: Vec<Link>,
}

impl NeutronNetworkList {
    pub fn next_page(&self) -> Option<&str> {
        next_link(&self.networks_links)
    }

    /// Networks a server may get a NIC on (not external).
    pub fn nic_choices(&self) -> impl Iterator<Item = &NeutronNetwork> {
        self.networks
            .iter()
            .filter(|network| network.is_nic_choice())
    }

    /// External networks: where public IPs come from.
    pub fn floating_ip_pools(&self) -> impl Iterator<Item = &NeutronNetwork> {
        self.networks.iter().filter(|network| network.external)
    }
}

/// `GET /v2.0/networks/{id}`: `{"network": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NeutronNetworkBody {
    pub network: NeutronNetwork,
}

// ---------------------------------------------------------------- subnets

/// A subnet from `GET /v2.0/subnets`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Subnet {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub network_id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub cidr: String,
    /// 4 or 6.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_u64"
    )]
    pub ip_version: Option<u64>,
    /// `null` when the subnet has no gateway.
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub gateway_ip: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub enable_dhcp: Option<bool>,
}

impl Subnet {
    /// The IP version: `ip_version`, else read from the CIDR.
    pub fn version(&self) -> Option<u64> {
        self.ip_version.or_else(|| {
            let address = self.cidr.split('/').next()?;
            match address.parse::<std::net::IpAddr>().ok()? {
                std::net::IpAddr::V4(_) => Some(4),
                std::net::IpAddr::V6(_) => Some(6),
            }
        })
    }
}

/// `GET /v2.0/subnets`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubnetList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub subnets: Vec<Subnet>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub subnets_links: Vec<Link>,
}

impl SubnetList {
    pub fn next_page(&self) -> Option<&str> {
        next_link(&self.subnets_links)
    }
}

/// `GET /v2.0/subnets/{id}`: `{"subnet": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubnetBody {
    pub subnet: Subnet,
}

// ---------------------------------------------------------------- security groups

/// A security group with its rules (Neutron's `security_group_rules`; Nova's proxy groups
/// convert to it with [`NovaSecurityGroup::to_security_group`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecurityGroup {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub description: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub security_group_rules: Vec<SecurityGroupRule>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub project_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub stateful: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub shared: Option<bool>,
}

impl SecurityGroup {
    /// The rules for traffic coming in.
    pub fn ingress_rules(&self) -> impl Iterator<Item = &SecurityGroupRule> {
        self.security_group_rules
            .iter()
            .filter(|rule| rule.is_ingress())
    }
}

/// One rule. Absent values mean "any": `protocol: null` is every protocol, no port range is
/// every port, no `remote_ip_prefix` (and no remote group) is every address of the rule's
/// `ethertype`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    /// `ingress` or `egress`.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub direction: String,
    /// `IPv4` or `IPv6`.
    #[serde(default = "ipv4", deserialize_with = "crate::de::string_or_empty")]
    pub ethertype: String,
    /// `tcp`, `udp`, `icmp`, `ipv6-icmp`, another name or an IP protocol number; `None` = any.
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub protocol: Option<String>,
    /// Lowest port (TCP/UDP), or the ICMP type.
    #[serde(default, deserialize_with = "crate::de::opt_u64")]
    pub port_range_min: Option<u64>,
    /// Highest port (TCP/UDP), or the ICMP code.
    #[serde(default, deserialize_with = "crate::de::opt_u64")]
    pub port_range_max: Option<u64>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub remote_ip_prefix: Option<String>,
    /// Traffic from the members of that group (its servers), not from an address range.
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub remote_group_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub remote_address_group_id: Option<String>,
    /// Nova's proxy names the remote group instead of giving its id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub remote_group_name: Option<String>,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub security_group_id: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub description: Option<String>,
}

fn ipv4() -> String {
    "IPv4".to_owned()
}

impl SecurityGroupRule {
    pub fn is_ingress(&self) -> bool {
        self.direction.eq_ignore_ascii_case("ingress")
    }

    /// True for an IPv6 rule (`ethertype` IPv6).
    pub fn is_ipv6(&self) -> bool {
        self.ethertype.eq_ignore_ascii_case("IPv6")
    }

    /// True when the rule admits members of a group (a remote group or address group) rather
    /// than an address range.
    pub fn is_from_group(&self) -> bool {
        self.remote_group_id.is_some()
            || self.remote_group_name.is_some()
            || self.remote_address_group_id.is_some()
    }
}

/// `GET /v2.0/security-groups`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecurityGroupList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub security_groups_links: Vec<Link>,
}

impl SecurityGroupList {
    pub fn next_page(&self) -> Option<&str> {
        next_link(&self.security_groups_links)
    }
}

/// `GET /v2.0/security-groups/{id}`: `{"security_group": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecurityGroupBody {
    pub security_group: SecurityGroup,
}

/// `GET /v2.0/security-group-rules`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecurityGroupRuleList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub security_group_rules: Vec<SecurityGroupRule>,
}

/// `GET /v2.0/security-group-rules/{id}`: `{"security_group_rule": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecurityGroupRuleBody {
    pub security_group_rule: SecurityGroupRule,
}

// ---------------------------------------------------------------- Nova's security group proxy

/// A group from Nova's `os-security-groups` (until 2.35), also what
/// `GET /servers/{id}/os-security-groups` lists.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NovaSecurityGroup {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub description: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub rules: Vec<NovaSecurityGroupRule>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub tenant_id: Option<String>,
}

/// A Nova proxy rule. Nova lists ingress rules only: `ip_protocol` `null` is any protocol,
/// ports `-1` (ICMP) or `null` mean any, `ip_range: {"cidr"}` or `group: {"name"}` says where
/// from (`{}` when not used).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NovaSecurityGroupRule {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub parent_group_id: String,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub ip_protocol: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_i64")]
    pub from_port: Option<i64>,
    #[serde(default, deserialize_with = "crate::de::opt_i64")]
    pub to_port: Option<i64>,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub ip_range: NovaIpRange,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub group: NovaRuleGroup,
}

/// `ip_range`: `{"cidr": "0.0.0.0/0"}`, or `{}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NovaIpRange {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub cidr: Option<String>,
}

/// `group`: `{"name": "default", "tenant_id": ...}`, or `{}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NovaRuleGroup {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub tenant_id: Option<String>,
}

impl NovaSecurityGroup {
    /// The group in Neutron's shape: every rule ingress, its ethertype read from the CIDR
    /// (IPv4 when there is none), ports `-1` as "any", the remote group by name.
    pub fn to_security_group(&self) -> SecurityGroup {
        SecurityGroup {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            security_group_rules: self
                .rules
                .iter()
                .map(|rule| rule.to_rule(&self.id))
                .collect(),
            project_id: self.tenant_id.clone(),
            stateful: None,
            shared: None,
        }
    }
}

impl NovaSecurityGroupRule {
    fn to_rule(&self, group_id: &str) -> SecurityGroupRule {
        let port = |port: Option<i64>| port.and_then(|port| u64::try_from(port).ok());
        let cidr = self
            .ip_range
            .cidr
            .clone()
            .filter(|cidr| !cidr.trim().is_empty());
        let ethertype = if cidr.as_deref().is_some_and(|cidr| cidr.contains(':')) {
            "IPv6"
        } else {
            "IPv4"
        };
        let parent = if self.parent_group_id.is_empty() {
            group_id
        } else {
            &self.parent_group_id
        };
        SecurityGroupRule {
            id: self.id.clone(),
            direction: "ingress".to_owned(),
            ethertype: ethertype.to_owned(),
            protocol: self.ip_protocol.clone().filter(|p| !p.trim().is_empty()),
            port_range_min: port(self.from_port),
            port_range_max: port(self.to_port),
            remote_ip_prefix: cidr,
            remote_group_id: None,
            remote_address_group_id: None,
            remote_group_name: self.group.name.clone().filter(|name| !name.is_empty()),
            security_group_id: parent.to_owned(),
            description: None,
        }
    }
}

/// `GET /os-security-groups` and `GET /servers/{id}/os-security-groups`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NovaSecurityGroupList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub security_groups: Vec<NovaSecurityGroup>,
}

impl NovaSecurityGroupList {
    /// Every group in Neutron's shape.
    pub fn to_security_groups(&self) -> Vec<SecurityGroup> {
        self.security_groups
            .iter()
            .map(NovaSecurityGroup::to_security_group)
            .collect()
    }
}

/// `GET /os-security-groups/{id}`: `{"security_group": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NovaSecurityGroupBody {
    pub security_group: NovaSecurityGroup,
}

/// `POST /os-security-group-rules` response: `{"security_group_rule": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NovaSecurityGroupRuleBody {
    pub security_group_rule: NovaSecurityGroupRule,
}

// ---------------------------------------------------------------- ports

/// A port: one NIC of a server (`device_id` is the server's id).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Port {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub network_id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub device_id: String,
    /// `compute:nova` (or `compute:<zone>`) for a server's port, `network:...` for routers
    /// and DHCP.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub device_owner: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub mac_address: String,
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub fixed_ips: Vec<FixedIp>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub status: Option<String>,
    /// Security group ids.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub security_groups: Vec<String>,
}

impl Port {
    /// The first IPv4 address on the port, which a floating IP maps to.
    pub fn ipv4_address(&self) -> Option<&str> {
        self.fixed_ips
            .iter()
            .map(|fixed| fixed.ip_address.as_str())
            .find(|address| address.parse::<std::net::Ipv4Addr>().is_ok())
    }
}

/// One `fixed_ips` item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FixedIp {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub ip_address: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub subnet_id: String,
}

/// `GET /v2.0/ports`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PortList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub ports: Vec<Port>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub ports_links: Vec<Link>,
}

impl PortList {
    pub fn next_page(&self) -> Option<&str> {
        next_link(&self.ports_links)
    }
}

/// `GET /v2.0/ports/{id}`: `{"port": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PortBody {
    pub port: Port,
}

// ---------------------------------------------------------------- floating IPs

/// A floating (public) IP: allocated from an external network, associated with a port.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FloatingIp {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub floating_ip_address: String,
    /// The external network it belongs to.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub floating_network_id: String,
    /// `null` while unassociated.
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub port_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_string")]
    pub fixed_ip_address: Option<String>,
    /// `ACTIVE`, `DOWN` or `ERROR`.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub status: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub router_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub project_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub description: Option<String>,
    /// What Neutron says about the associated port (newer clouds), kept as it came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_details: Option<Value>,
}

impl FloatingIp {
    pub fn is_associated(&self) -> bool {
        self.port_id.as_deref().is_some_and(|port| !port.is_empty())
    }
}

/// `GET /v2.0/floatingips`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FloatingIpList {
    #[serde(deserialize_with = "crate::de::null_as_default")]
    pub floatingips: Vec<FloatingIp>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_as_default"
    )]
    pub floatingips_links: Vec<Link>,
}

impl FloatingIpList {
    pub fn next_page(&self) -> Option<&str> {
        next_link(&self.floatingips_links)
    }

    /// A floating IP of the project that no port uses, from `pool` (an external network id)
    /// when given: one to reuse before allocating another.
    pub fn unassociated(&self, pool: Option<&str>) -> Option<&FloatingIp> {
        self.floatingips.iter().find(|ip| {
            !ip.is_associated() && pool.is_none_or(|pool| ip.floating_network_id == pool)
        })
    }

    /// The floating IP associated with one of `ports` (a server's), if any.
    pub fn associated_with_any<'a>(&'a self, ports: &[Port]) -> Option<&'a FloatingIp> {
        self.floatingips.iter().find(|ip| {
            ip.port_id
                .as_deref()
                .is_some_and(|port_id| ports.iter().any(|port| port.id == port_id))
        })
    }
}

/// `GET`/`POST`/`PUT /v2.0/floatingips[/{id}]` response: `{"floatingip": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FloatingIpBody {
    pub floatingip: FloatingIp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn networks_split_into_nics_and_pools() {
        let list: NeutronNetworkList = serde_json::from_value(json!({
            "networks": [
                {"id": "n1", "name": "private", "subnets": ["s1", "s6"], "router:external": false},
                {"id": "n2", "name": "", "router:external": "True", "shared": null},
                {"id": "n3", "name": "legacy"},
            ]
        }))
        .unwrap();
        assert_eq!(
            list.nic_choices()
                .map(|n| n.id.as_str())
                .collect::<Vec<_>>(),
            ["n1", "n3"]
        );
        assert_eq!(
            list.floating_ip_pools()
                .map(NeutronNetwork::display_name)
                .collect::<Vec<_>>(),
            ["n2"]
        );
        let subnets: SubnetList = serde_json::from_value(json!({"subnets": [
            {"id": "s0", "network_id": "other", "cidr": "172.16.0.0/24", "ip_version": 4},
            {"id": "s6", "network_id": "n1", "cidr": "fd00::/64", "gateway_ip": "fd00::1"},
            {"id": "s1", "network_id": "n1", "cidr": "10.0.0.0/24", "ip_version": "4", "gateway_ip": "10.0.0.1"},
        ]}))
        .unwrap();
        let view = list.networks[0].to_network(&subnets.subnets);
        assert_eq!(view.display_name(), "private");
        assert_eq!(view.cidr.as_deref(), Some("10.0.0.0/24"));
        assert_eq!(view.gateway.as_deref(), Some("10.0.0.1"));
        assert_eq!(
            view.cidr_v6.as_deref(),
            Some("fd00::/64"),
            "version read from the CIDR"
        );
        assert_eq!(list.networks[2].to_network(&subnets.subnets).cidr, None);
    }

    #[test]
    fn nova_groups_become_neutron_groups() {
        let list: NovaSecurityGroupList = serde_json::from_value(json!({"security_groups": [{
            "id": "g1", "name": "web", "description": "", "tenant_id": "p",
            "rules": [
                {"id": "r1", "parent_group_id": "g1", "ip_protocol": "tcp", "from_port": 22,
                 "to_port": 22, "ip_range": {"cidr": "0.0.0.0/0"}, "group": {}},
                {"id": "r2", "parent_group_id": "g1", "ip_protocol": "icmp", "from_port": -1,
                 "to_port": -1, "ip_range": {"cidr": "::/0"}, "group": {}},
                {"id": "r3", "parent_group_id": null, "ip_protocol": null, "from_port": null,
                 "to_port": null, "ip_range": {}, "group": {"name": "default", "tenant_id": "p"}},
            ]
        }]}))
        .unwrap();
        let group = &list.to_security_groups()[0];
        assert_eq!((group.id.as_str(), group.name.as_str()), ("g1", "web"));
        assert_eq!(group.ingress_rules().count(), 3);
        let rules = &group.security_group_rules;
        assert_eq!(rules[0].protocol.as_deref(), Some("tcp"));
        assert_eq!(
            (rules[0].port_range_min, rules[0].port_range_max),
            (Some(22), Some(22))
        );
        assert_eq!(rules[0].remote_ip_prefix.as_deref(), Some("0.0.0.0/0"));
        assert!(!rules[0].is_ipv6() && !rules[0].is_from_group());
        assert_eq!((rules[1].port_range_min, rules[1].is_ipv6()), (None, true));
        assert_eq!(rules[2].protocol, None);
        assert_eq!(rules[2].remote_group_name.as_deref(), Some("default"));
        assert_eq!(rules[2].security_group_id, "g1");
        assert!(rules[2].is_from_group());
    }

    #[test]
    fn floating_ips_to_reuse_and_to_release() {
        let list: FloatingIpList = serde_json::from_value(json!({"floatingips": [
            {"id": "f1", "floating_ip_address": "203.0.113.1", "floating_network_id": "ext1", "port_id": "p9"},
            {"id": "f2", "floating_ip_address": "203.0.113.2", "floating_network_id": "ext1", "port_id": null},
            {"id": "f3", "floating_ip_address": "198.51.100.3", "floating_network_id": "ext2", "port_id": ""},
        ]}))
        .unwrap();
        assert_eq!(list.unassociated(None).map(|ip| ip.id.as_str()), Some("f2"));
        assert_eq!(
            list.unassociated(Some("ext2")).map(|ip| ip.id.as_str()),
            Some("f3")
        );
        assert_eq!(list.unassociated(Some("ext3")), None);
        let ports = [Port {
            id: "p9".into(),
            fixed_ips: vec![
                FixedIp {
                    ip_address: "fd00::5".into(),
                    subnet_id: "s6".into(),
                },
                FixedIp {
                    ip_address: "10.0.0.5".into(),
                    subnet_id: "s1".into(),
                },
            ],
            ..Port::default()
        }];
        assert_eq!(
            list.associated_with_any(&ports).map(|ip| ip.id.as_str()),
            Some("f1")
        );
        assert_eq!(list.associated_with_any(&[]), None);
        assert_eq!(ports[0].ipv4_address(), Some("10.0.0.5"));
    }
}
