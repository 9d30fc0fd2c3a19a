//! The project's floating IPs: allocated from the public network's pool, associated with at
//! most one server port each.

use std::net::Ipv4Addr;

use time::OffsetDateTime;

use crate::catalogue::Ipv4Cidr;
use crate::state::Port;

/// Neutron's default `quota_floatingip`.
pub const QUOTA: usize = 50;

#[derive(Debug, Clone)]
pub struct FloatingIp {
    pub id: String,
    pub address: Ipv4Addr,
    /// The associated port (a server NIC).
    pub port_id: Option<String>,
    pub description: String,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    /// Neutron's `revision_number`: one more on every change.
    pub revision: u64,
}

/// The floating IPs in allocation order.
#[derive(Debug, Clone, Default)]
pub struct FloatingIps {
    items: Vec<FloatingIp>,
}

/// Every address of the pool is taken.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolExhausted;

impl FloatingIps {
    pub fn all(&self) -> &[FloatingIp] {
        &self.items
    }

    pub fn get(&self, id: &str) -> Option<&FloatingIp> {
        self.items.iter().find(|ip| ip.id == id)
    }

    /// The floating IP associated with `port_id`, if any.
    pub fn of_port(&self, port_id: &str) -> Option<&FloatingIp> {
        self.items
            .iter()
            .find(|ip| ip.port_id.as_deref() == Some(port_id))
    }

    /// Takes the lowest free address of `pool` other than `reserved` (the router's gateway).
    pub fn allocate(
        &mut self,
        id: String,
        pool: &Ipv4Cidr,
        reserved: Ipv4Addr,
        description: String,
        now: OffsetDateTime,
    ) -> Result<&FloatingIp, PoolExhausted> {
        let address = pool
            .host_range()
            .map(Ipv4Addr::from)
            .find(|candidate| {
                *candidate != reserved && self.items.iter().all(|ip| ip.address != *candidate)
            })
            .ok_or(PoolExhausted)?;
        self.items.push(FloatingIp {
            id,
            address,
            port_id: None,
            description,
            created: now,
            updated: now,
            revision: 0,
        });
        Ok(&self.items[self.items.len() - 1])
    }

    /// Associates `id` with `port_id`, or disassociates it (None). False when there is no such
    /// floating IP.
    pub fn set_port(&mut self, id: &str, port_id: Option<String>, now: OffsetDateTime) -> bool {
        let Some(ip) = self.items.iter_mut().find(|ip| ip.id == id) else {
            return false;
        };
        if ip.port_id != port_id {
            ip.port_id = port_id;
            ip.updated = now;
            ip.revision += 1;
        }
        true
    }

    pub fn set_description(&mut self, id: &str, description: &str, now: OffsetDateTime) {
        if let Some(ip) = self.items.iter_mut().find(|ip| ip.id == id)
            && ip.description != description
        {
            description.clone_into(&mut ip.description);
            ip.updated = now;
            ip.revision += 1;
        }
    }

    /// Releases `id`; false when there is no such floating IP.
    pub fn delete(&mut self, id: &str) -> bool {
        let before = self.items.len();
        self.items.retain(|ip| ip.id != id);
        self.items.len() != before
    }

    /// Disassociates every floating IP from `ports` (deleted with their server).
    pub fn detach_ports(&mut self, ports: &[Port]) {
        let now = OffsetDateTime::now_utc();
        for port in ports {
            let associated = self.of_port(&port.id).map(|ip| ip.id.clone());
            if let Some(id) = associated {
                self.set_port(&id, None, now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Ipv4Cidr {
        Ipv4Cidr {
            network: Ipv4Addr::new(203, 0, 113, 248),
            prefix: 29,
        }
    }

    fn port(id: &str) -> Port {
        Port {
            id: id.to_owned(),
            network_id: "net".to_owned(),
            ip: Ipv4Addr::new(192, 168, 0, 2),
            mac: "fa:16:3e:00:00:01".to_owned(),
        }
    }

    #[test]
    fn allocation_skips_the_gateway_and_taken_addresses_until_the_pool_is_empty() {
        let mut ips = FloatingIps::default();
        let now = OffsetDateTime::now_utc();
        let gateway = Ipv4Addr::new(203, 0, 113, 250);
        let mut addresses = Vec::new();
        for n in 0..4 {
            let ip = ips
                .allocate(format!("fip-{n}"), &pool(), gateway, String::new(), now)
                .expect("free address");
            addresses.push(ip.address.to_string());
        }
        // .248 network, .249 gateway of the subnet, .250 the router, .255 broadcast.
        assert_eq!(
            addresses,
            [
                "203.0.113.251",
                "203.0.113.252",
                "203.0.113.253",
                "203.0.113.254"
            ]
        );
        assert_eq!(
            ips.allocate("full".to_owned(), &pool(), gateway, String::new(), now)
                .map(|ip| ip.address),
            Err(PoolExhausted)
        );
        assert!(ips.delete("fip-1"));
        assert!(!ips.delete("fip-1"), "deleted once");
        let reused = ips
            .allocate("again".to_owned(), &pool(), gateway, String::new(), now)
            .expect("a freed address");
        assert_eq!(reused.address, Ipv4Addr::new(203, 0, 113, 252));
    }

    #[test]
    fn association_follows_the_port_and_ends_with_it() {
        let mut ips = FloatingIps::default();
        let now = OffsetDateTime::now_utc();
        let gateway = Ipv4Addr::new(203, 0, 113, 250);
        ips.allocate("fip".to_owned(), &pool(), gateway, String::new(), now)
            .expect("allocated");
        assert!(ips.set_port("fip", Some("port-a".to_owned()), now));
        assert!(!ips.set_port("nope", Some("port-a".to_owned()), now));
        assert_eq!(ips.of_port("port-a").map(|ip| ip.revision), Some(1));
        ips.detach_ports(&[port("port-b")]);
        assert!(ips.of_port("port-a").is_some(), "another port's deletion");
        ips.detach_ports(&[port("port-a")]);
        assert!(ips.of_port("port-a").is_none());
        assert_eq!(ips.get("fip").map(|ip| ip.revision), Some(2));
    }
}
