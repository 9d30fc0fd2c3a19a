//! Neutron's JSON for networks, subnets, ports, security groups and their rules, floating IPs
//! and floating IP pools, with the attributes of neutron-lib's api-ref samples.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::floating_ips::FloatingIp;
use crate::catalogue::{Catalogue, Network, SecurityGroup, SecurityGroupRule};
use crate::compute::iso_time;
use crate::state::{Port, Server, State};

/// When the fixed resources (networks, subnets, security groups) were made.
const CREATED: &str = "2024-03-14T06:10:00Z";

/// Neutron's default `dns_domain`.
const DNS_DOMAIN: &str = "openstacklocal";

/// A network as the demo project sees it: its own networks and the external one.
pub struct NetworkRef<'a> {
    pub network: &'a Network,
    pub external: bool,
    pub owner: &'a str,
}

/// The project's networks, then the external one (Neutron lists them to every project).
pub fn networks(state: &State) -> Vec<NetworkRef<'_>> {
    let catalogue = &state.catalogue;
    catalogue
        .networks
        .iter()
        .map(|network| NetworkRef {
            network,
            external: false,
            owner: &state.account.project_id,
        })
        .chain(std::iter::once(NetworkRef {
            network: &catalogue.public_network,
            external: true,
            owner: &catalogue.admin_project_id,
        }))
        .collect()
}

pub fn network_view(network: &NetworkRef<'_>) -> Value {
    json!({
        "admin_state_up": true,
        "availability_zone_hints": [],
        "availability_zones": ["nova"],
        "created_at": CREATED,
        "updated_at": CREATED,
        "description": "",
        "dns_domain": "",
        "id": network.network.id,
        "ipv4_address_scope": null,
        "ipv6_address_scope": null,
        "is_default": network.external,
        "l2_adjacency": true,
        // Tenant networks are VXLAN (50 bytes of overhead); the external one is flat.
        "mtu": if network.external { 1500 } else { 1450 },
        "name": network.network.label,
        "port_security_enabled": true,
        "project_id": network.owner,
        "tenant_id": network.owner,
        "pvlan": false,
        "qinq": false,
        "qos_policy_id": null,
        "revision_number": 1,
        "router:external": network.external,
        "shared": false,
        "status": "ACTIVE",
        "subnets": [network.network.subnet_id],
        "tags": [],
        "vlan_transparent": false,
    })
}

pub fn subnet_view(network: &NetworkRef<'_>) -> Value {
    let cidr = network.network.cidr;
    let range = cidr.host_range();
    json!({
        "allocation_pools": [{
            "start": std::net::Ipv4Addr::from(*range.start()).to_string(),
            "end": std::net::Ipv4Addr::from(*range.end()).to_string(),
        }],
        "cidr": cidr.to_string(),
        "created_at": CREATED,
        "updated_at": CREATED,
        "description": "",
        "dns_nameservers": [],
        "dns_publish_fixed_ip": false,
        "enable_dhcp": !network.external,
        "gateway_ip": cidr.gateway().to_string(),
        "host_routes": [],
        "id": network.network.subnet_id,
        "ip_version": 4,
        "ipv6_address_mode": null,
        "ipv6_ra_mode": null,
        "name": network.network.label,
        "network_id": network.network.id,
        "project_id": network.owner,
        "tenant_id": network.owner,
        "revision_number": 0,
        "router:external": network.external,
        "segment_id": null,
        "service_types": [],
        "subnetpool_id": null,
        "tags": [],
    })
}

/// A server's bound port with its server, looked up by port id.
pub fn find_port<'a>(
    state: &'a State,
    port_id: &str,
    now: OffsetDateTime,
) -> Option<(&'a Server, &'a Port)> {
    state
        .servers
        .values()
        .filter(|server| server.ports_bound(now))
        .find_map(|server| {
            server
                .ports
                .iter()
                .find(|port| port.id == port_id)
                .map(|port| (server, port))
        })
}

/// Every bound port of every server, oldest server first.
pub fn ports(state: &State, now: OffsetDateTime) -> Vec<Value> {
    let mut servers: Vec<&Server> = state
        .servers
        .values()
        .filter(|server| server.ports_bound(now))
        .collect();
    servers.sort_by_key(|server| server.sequence);
    servers
        .into_iter()
        .flat_map(|server| {
            server
                .ports
                .iter()
                .map(move |port| port_view(server, port, state))
        })
        .collect()
}

/// The security groups on each of a server's ports: those requested when it was created.
pub fn server_security_groups<'a>(
    server: &Server,
    catalogue: &'a Catalogue,
) -> Vec<&'a SecurityGroup> {
    let mut groups: Vec<&SecurityGroup> = Vec::new();
    for name in &server.spec.security_groups {
        if let Some(group) = catalogue.security_group(name)
            && !groups.iter().any(|known| known.id == group.id)
        {
            groups.push(group);
        }
    }
    groups
}

/// `ACTIVE` while the guest's tap device is plugged: running, or paused (pausing a domain
/// unplugs nothing); `DOWN` otherwise.
fn port_status(server: &Server) -> &'static str {
    if matches!(server.phase.vm_state(), "active" | "paused") {
        "ACTIVE"
    } else {
        "DOWN"
    }
}

fn device_owner(server: &Server) -> String {
    format!("compute:{}", server.spec.zone)
}

pub fn port_view(server: &Server, port: &Port, state: &State) -> Value {
    let project_id = &state.account.project_id;
    let catalogue = &state.catalogue;
    let subnet_id = catalogue
        .network(&port.network_id)
        .map_or("", |network| network.subnet_id.as_str());
    let hostname = format!("host-{}", port.ip.to_string().replace('.', "-"));
    let group_ids: Vec<&str> = server_security_groups(server, catalogue)
        .into_iter()
        .map(|group| group.id.as_str())
        .collect();
    let created = iso_time(server.created);
    json!({
        "admin_state_up": true,
        "allowed_address_pairs": [],
        "created_at": created,
        "updated_at": created,
        "data_plane_status": null,
        "description": "",
        "device_id": server.id,
        "device_owner": device_owner(server),
        "dns_assignment": [{
            "hostname": hostname,
            "ip_address": port.ip.to_string(),
            "fqdn": format!("{hostname}.{DNS_DOMAIN}."),
        }],
        "dns_domain": "",
        "dns_name": "",
        "extra_dhcp_opts": [],
        "fixed_ips": [{"subnet_id": subnet_id, "ip_address": port.ip.to_string()}],
        "hardware_offload_type": "",
        "id": port.id,
        "ip_allocation": "immediate",
        "mac_address": port.mac,
        "name": "",
        "network_id": port.network_id,
        "port_security_enabled": true,
        "project_id": project_id,
        "tenant_id": project_id,
        "propagate_uplink_status": false,
        "pvlan_community": "",
        "pvlan_type": "",
        "qos_network_policy_id": null,
        "qos_policy_id": null,
        "revision_number": 1,
        "security_groups": group_ids,
        "status": port_status(server),
        "tags": [],
    })
}

pub fn security_group_view(group: &SecurityGroup, project_id: &str) -> Value {
    json!({
        "created_at": CREATED,
        "updated_at": CREATED,
        "description": group.description,
        "id": group.id,
        "name": group.name,
        "project_id": project_id,
        "tenant_id": project_id,
        "revision_number": group.rules.len(),
        "security_group_rules": group
            .rules
            .iter()
            .map(|rule| rule_view(rule, group, project_id))
            .collect::<Vec<_>>(),
        "shared": false,
        "stateful": true,
        "tags": [],
    })
}

pub fn rule_view(rule: &SecurityGroupRule, group: &SecurityGroup, project_id: &str) -> Value {
    json!({
        "belongs_to_default_sg": group.name == "default",
        "created_at": CREATED,
        "updated_at": CREATED,
        "description": "",
        "direction": rule.direction,
        "ethertype": rule.ethertype,
        "id": rule.id,
        "port_range_max": rule.ports.map(|(_, max)| max),
        "port_range_min": rule.ports.map(|(min, _)| min),
        "project_id": project_id,
        "tenant_id": project_id,
        "protocol": rule.protocol,
        "remote_address_group_id": null,
        "remote_group_id": rule.remote_group_id,
        "remote_ip_prefix": rule.remote_ip_prefix,
        "revision_number": 0,
        "security_group_id": group.id,
        "tags": [],
    })
}

pub fn floating_ip_view(ip: &FloatingIp, state: &State, now: OffsetDateTime) -> Value {
    let project_id = &state.account.project_id;
    let catalogue = &state.catalogue;
    let port = ip
        .port_id
        .as_deref()
        .and_then(|port_id| find_port(state, port_id, now));
    let port_details = port.map(|(server, port)| {
        json!({
            "admin_state_up": true,
            "device_id": server.id,
            "device_owner": device_owner(server),
            "mac_address": port.mac,
            "name": "",
            "network_id": port.network_id,
            "status": port_status(server),
        })
    });
    json!({
        "created_at": iso_time(ip.created),
        "updated_at": iso_time(ip.updated),
        "description": ip.description,
        "dns_domain": "",
        "dns_name": "",
        "fixed_ip_address": port.map(|(_, port)| port.ip.to_string()),
        "floating_ip_address": ip.address.to_string(),
        "floating_network_id": catalogue.public_network.id,
        "id": ip.id,
        "port_details": port_details,
        "port_forwardings": [],
        "port_id": ip.port_id,
        "project_id": project_id,
        "tenant_id": project_id,
        "qos_network_policy_id": null,
        "qos_policy_id": null,
        "revision_number": ip.revision,
        "router_id": port.map(|_| &catalogue.router_id),
        "status": if port.is_some() { "ACTIVE" } else { "DOWN" },
        "tags": [],
    })
}

/// The subnets floating IPs can come from (`GET /v2.0/floatingip_pools`).
pub fn floating_ip_pool_view(state: &State) -> Value {
    let public = &state.catalogue.public_network;
    let project_id = &state.catalogue.admin_project_id;
    json!({
        "cidr": public.cidr.to_string(),
        "network_id": public.id,
        "project_id": project_id,
        "tenant_id": project_id,
        "subnet_id": public.subnet_id,
        "subnet_name": public.label,
    })
}
