//! Which of a server's addresses to connect to.

use std::net::IpAddr;

use crate::models::{Address, Server};

/// The address the Connect section shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenAddress {
    pub address: String,
    /// The network (`addresses` key) it is on.
    pub network: String,
    pub kind: AddressKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressKind {
    /// A floating (public) IP.
    Floating,
    /// A fixed address on the server's network.
    Fixed,
}

impl ChosenAddress {
    /// What to say next to a fixed address that cannot be reached from outside: a private
    /// (RFC 1918, shared 100.64/10, IPv6 unique-local) or link-local one. A fixed address that
    /// is public (a provider network) needs no note.
    pub fn note(&self) -> Option<&'static str> {
        (self.kind == AddressKind::Fixed && !is_public(&self.address))
            .then_some("reachable only from inside the network")
    }
}

/// True for an address the internet can route to.
fn is_public(address: &str) -> bool {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            let [a, b, ..] = v4.octets();
            let shared = a == 100 && (64..128).contains(&b);
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || shared)
        }
        Ok(IpAddr::V6(v6)) => {
            let first = v6.segments()[0];
            let unique_local = first & 0xfe00 == 0xfc00;
            let link_local = first & 0xffc0 == 0xfe80;
            !(v6.is_loopback() || v6.is_unspecified() || unique_local || link_local)
        }
        Err(_) => false,
    }
}

fn kind_of(address: &Address) -> AddressKind {
    match address.ip_type.as_deref() {
        Some(kind) if kind.eq_ignore_ascii_case("floating") => AddressKind::Floating,
        _ => AddressKind::Fixed,
    }
}

/// The server's address to connect to: a floating IP first (IPv4 before IPv6), else a fixed
/// one (IPv4 first; a public one before a private one), in network-name order within each.
/// `None` when the server has no address yet.
pub fn address_to_show(server: &Server) -> Option<ChosenAddress> {
    let candidates = server
        .all_addresses()
        .filter(|(_, address)| !address.addr.trim().is_empty());
    let rank = |address: &Address| {
        let ipv6 = address.version == Some(6) || address.addr.contains(':');
        (
            kind_of(address) == AddressKind::Fixed,
            ipv6,
            !is_public(&address.addr),
        )
    };
    candidates
        .min_by_key(|(_, address)| rank(address))
        .map(|(network, address)| ChosenAddress {
            address: address.addr.trim().to_owned(),
            network: network.to_owned(),
            kind: kind_of(address),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(addr: &str, kind: &str) -> Address {
        Address {
            addr: addr.to_owned(),
            version: Some(if addr.contains(':') { 6 } else { 4 }),
            ip_type: Some(kind.to_owned()),
            mac_addr: None,
        }
    }

    fn server(addresses: &[(&str, Vec<Address>)]) -> Server {
        Server {
            addresses: addresses
                .iter()
                .map(|(network, list)| ((*network).to_owned(), list.clone()))
                .collect(),
            ..Server::default()
        }
    }

    #[test]
    fn floating_first_then_fixed_with_a_note() {
        let with_floating = server(&[(
            "private",
            vec![
                address("fd00::5", "fixed"),
                address("10.0.0.5", "fixed"),
                address("2001:db8::9", "floating"),
                address("203.0.113.10", "floating"),
            ],
        )]);
        let chosen = address_to_show(&with_floating).unwrap();
        assert_eq!(
            (chosen.address.as_str(), chosen.kind, chosen.note()),
            ("203.0.113.10", AddressKind::Floating, None)
        );

        let fixed_only = server(&[
            ("b-net", vec![address("fd00::5", "fixed")]),
            ("a-net", vec![address("192.168.0.7", "fixed")]),
        ]);
        let chosen = address_to_show(&fixed_only).unwrap();
        assert_eq!(
            (
                chosen.address.as_str(),
                chosen.network.as_str(),
                chosen.kind
            ),
            ("192.168.0.7", "a-net", AddressKind::Fixed)
        );
        assert_eq!(
            chosen.note(),
            Some("reachable only from inside the network")
        );
    }

    #[test]
    fn a_public_fixed_address_needs_no_note() {
        let provider = server(&[
            ("private", vec![address("10.1.0.4", "fixed")]),
            ("public", vec![address("198.51.100.20", "fixed")]),
        ]);
        let chosen = address_to_show(&provider).unwrap();
        assert_eq!(
            (chosen.address.as_str(), chosen.note()),
            ("198.51.100.20", None)
        );
        for private in [
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "100.64.0.1",
            "169.254.1.1",
            "fe80::1",
            "fc00::1",
            "nonsense",
        ] {
            assert!(!is_public(private), "{private}");
        }
        for public in ["8.8.8.8", "100.128.0.1", "2001:db8::1"] {
            assert!(is_public(public), "{public}");
        }
    }

    #[test]
    fn no_address_yet() {
        assert_eq!(address_to_show(&Server::default()), None);
        assert_eq!(
            address_to_show(&server(&[("net", vec![address(" ", "fixed")])])),
            None
        );
        let untyped = server(&[(
            "net",
            vec![Address {
                addr: "10.0.0.3".into(),
                ..Address::default()
            }],
        )]);
        assert_eq!(
            address_to_show(&untyped).unwrap().kind,
            AddressKind::Fixed,
            "pre-2.x shape"
        );
    }
}
