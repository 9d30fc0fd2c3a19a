//! Security groups as the create form and the Connect section read them: a one-line summary of
//! what a group lets in, and whether the chosen groups let the user's SSH (or RDP) in.

use crate::models::{SecurityGroup, SecurityGroupRule};
use crate::order::sorted_by;

/// A one-line summary of a group's ingress rules, for a picker: each source's services,
/// e.g. `"SSH (22), ICMP from anywhere"`, `"TCP 80, 443 from anywhere"`,
/// `"all traffic from this group"`, `"SSH (22) from 203.0.113.0/24; TCP 443 from anywhere"`,
/// or `"no inbound rules"`.
///
/// Sources, in the order the rules first name them: `anywhere` (no prefix, or `0.0.0.0/0`;
/// `::/0` and IPv6 rules without a prefix read `anywhere (IPv6)`, and are left out where the
/// IPv4 `anywhere` already says the same), a CIDR, `this group` (the group's own members),
/// `group NAME` (another group: named from `groups` when listed there) or `an address group`.
/// Services: `all traffic`, `SSH (22)`, `RDP (3389)`, `TCP 80, 443, 8000-8080`, `all TCP`,
/// `UDP 53`, `all UDP`, `ICMP`, or the protocol's name in capitals.
pub fn summarize_ingress(group: &SecurityGroup, groups: &[SecurityGroup]) -> String {
    let mut sources: Vec<(String, Vec<Service>)> = Vec::new();
    for rule in group.ingress_rules() {
        let source = source_label(rule, group, groups);
        let service = Service::of(rule);
        match sources.iter_mut().find(|(known, _)| *known == source) {
            Some((_, services)) => services.push(service),
            None => sources.push((source, vec![service])),
        }
    }
    // IPv6 "anywhere" that repeats the IPv4 one adds nothing to read.
    if let Some(v4) = sources
        .iter()
        .find(|(source, _)| source == ANYWHERE)
        .map(|(_, services)| services.clone())
    {
        for (source, services) in &mut sources {
            if source == ANYWHERE_V6 {
                services.retain(|service| !v4.iter().any(|known| known.covers(service)));
            }
        }
        sources.retain(|(_, services)| !services.is_empty());
    }
    if sources.is_empty() {
        return "no inbound rules".to_owned();
    }
    sources
        .into_iter()
        .map(|(source, services)| format!("{} from {source}", describe(services)))
        .collect::<Vec<_>>()
        .join("; ")
}

const ANYWHERE: &str = "anywhere";
const ANYWHERE_V6: &str = "anywhere (IPv6)";

fn source_label(
    rule: &SecurityGroupRule,
    group: &SecurityGroup,
    groups: &[SecurityGroup],
) -> String {
    if let Some(remote) = &rule.remote_group_id {
        if *remote == group.id {
            return "this group".to_owned();
        }
        return match groups.iter().find(|known| known.id == *remote) {
            Some(known) if !known.name.is_empty() => format!("group {}", known.name),
            _ => format!("group {}", short_id(remote)),
        };
    }
    if let Some(name) = &rule.remote_group_name {
        return if *name == group.name {
            "this group".to_owned()
        } else {
            format!("group {name}")
        };
    }
    if rule.remote_address_group_id.is_some() {
        return "an address group".to_owned();
    }
    match rule.remote_ip_prefix.as_deref().map(str::trim) {
        None | Some("") => if rule.is_ipv6() {
            ANYWHERE_V6
        } else {
            ANYWHERE
        }
        .to_owned(),
        Some(prefix) if is_everything(prefix) => if prefix.contains(':') {
            ANYWHERE_V6
        } else {
            ANYWHERE
        }
        .to_owned(),
        Some(prefix) => prefix.to_owned(),
    }
}

/// The first 8 characters of an id, enough to tell groups apart in a summary.
fn short_id(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(end, _)| &id[..end])
}

/// `0.0.0.0/0` and `::/0` (any address written with a zero-length prefix).
fn is_everything(prefix: &str) -> bool {
    prefix.split_once('/').is_some_and(|(address, length)| {
        length.trim() == "0" && address.trim().parse::<std::net::IpAddr>().is_ok()
    })
}

/// What a rule lets in, protocol-wise.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Service {
    All,
    Tcp(Option<PortRange>),
    Udp(Option<PortRange>),
    Icmp,
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct PortRange {
    min: u64,
    max: u64,
}

impl PortRange {
    /// `None` when the rule covers every port.
    fn of(rule: &SecurityGroupRule) -> Option<Self> {
        let range = match (rule.port_range_min, rule.port_range_max) {
            (None, None) => return None,
            (Some(min), None) => Self { min, max: min },
            (None, Some(max)) => Self { min: 1, max },
            (Some(min), Some(max)) => Self {
                min: min.min(max),
                max: min.max(max),
            },
        };
        (!(range.min <= 1 && range.max >= 65535)).then_some(range)
    }

    fn contains(self, port: u64) -> bool {
        self.min <= port && port <= self.max
    }
}

/// The protocol a rule names, normalised: `None` is any (also `""`, `any` and `0`, which
/// Neutron reads as any); IANA numbers read as their names, ICMPv6 as ICMP.
fn protocol(rule: &SecurityGroupRule) -> Option<String> {
    let protocol = rule.protocol.as_deref()?.trim().to_ascii_lowercase();
    let name = match protocol.as_str() {
        "" | "any" | "0" => return None,
        "6" => "tcp",
        "17" => "udp",
        "1" | "icmpv6" | "ipv6-icmp" | "58" => "icmp",
        other => other,
    };
    Some(name.to_owned())
}

impl Service {
    fn of(rule: &SecurityGroupRule) -> Self {
        match protocol(rule).as_deref() {
            None => Self::All,
            Some("tcp") => Self::Tcp(PortRange::of(rule)),
            Some("udp") => Self::Udp(PortRange::of(rule)),
            Some("icmp") => Self::Icmp,
            Some(other) => Self::Other(other.to_ascii_uppercase()),
        }
    }

    /// True when `self` lets in everything `other` does.
    fn covers(&self, other: &Service) -> bool {
        let range_covers =
            |mine: &Option<PortRange>, theirs: &Option<PortRange>| match (mine, theirs) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(mine), Some(theirs)) => mine.min <= theirs.min && theirs.max <= mine.max,
            };
        match (self, other) {
            (Self::All, _) => true,
            (Self::Tcp(mine), Self::Tcp(theirs)) | (Self::Udp(mine), Self::Udp(theirs)) => {
                range_covers(mine, theirs)
            }
            (mine, theirs) => mine == theirs,
        }
    }
}

/// One source's services as text: `SSH (22), TCP 80, 443, ICMP`.
fn describe(mut services: Vec<Service>) -> String {
    if services.contains(&Service::All) {
        return "all traffic".to_owned();
    }
    services.dedup();
    let mut parts: Vec<String> = Vec::new();
    for (name, is_protocol) in [("TCP", true), ("UDP", false)] {
        let ranges_of = |service: &Service| match (service, is_protocol) {
            (Service::Tcp(range), true) | (Service::Udp(range), false) => Some(*range),
            _ => None,
        };
        let ranges: Vec<Option<PortRange>> = services.iter().filter_map(ranges_of).collect();
        if ranges.is_empty() {
            continue;
        }
        if ranges.contains(&None) {
            parts.push(format!("all {name}"));
            continue;
        }
        let mut ranges = sorted_by(ranges.into_iter().flatten().collect(), PortRange::cmp);
        ranges.dedup();
        let mut plain: Vec<String> = Vec::new();
        for range in ranges {
            match (is_protocol, range.min == range.max, range.min) {
                (true, true, 22) => parts.push("SSH (22)".to_owned()),
                (true, true, 3389) => parts.push("RDP (3389)".to_owned()),
                (_, true, port) => plain.push(port.to_string()),
                _ => plain.push(format!("{}-{}", range.min, range.max)),
            }
        }
        if !plain.is_empty() {
            parts.push(format!("{name} {}", plain.join(", ")));
        }
    }
    if services.contains(&Service::Icmp) {
        parts.push("ICMP".to_owned());
    }
    let mut others: Vec<String> = services
        .iter()
        .filter_map(|service| match service {
            Service::Other(name) => Some(name.clone()),
            _ => None,
        })
        .collect();
    others.dedup();
    parts.extend(others);
    parts.join(", ")
}

/// Who may reach a TCP port through a set of security groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortAccess {
    /// Any IPv4 address may connect.
    Anywhere,
    /// Only these IPv4 ranges (the user may or may not be in one).
    OnlyFrom(Vec<String>),
    /// No rule admits it from an address: only other servers (through group rules), or no one.
    Closed,
}

/// Whether `groups` let TCP `port` in over IPv4, from the user's machine's point of view.
///
/// A rule counts when it is an ingress IPv4 rule whose protocol is TCP (`tcp`, `6`) or any
/// (`null`), whose port range includes `port` (no range is every port), and whose source is an
/// address range: no prefix or a zero-length one (`0.0.0.0/0`) is [`PortAccess::Anywhere`],
/// any other prefix is listed in [`PortAccess::OnlyFrom`] (the console cannot know the user's
/// address). Rules whose source is a security group (`remote_group_id`, Nova's `group`) or an
/// address group never count: they admit other servers of the project, not the internet.
/// IPv6 rules do not count either: the address the console gives for SSH is IPv4.
pub fn tcp_port_access<'a>(
    groups: impl IntoIterator<Item = &'a SecurityGroup>,
    port: u16,
) -> PortAccess {
    let mut ranges: Vec<String> = Vec::new();
    for rule in groups.into_iter().flat_map(SecurityGroup::ingress_rules) {
        let tcp = matches!(protocol(rule).as_deref(), None | Some("tcp"));
        let in_range = PortRange::of(rule).is_none_or(|range| range.contains(u64::from(port)));
        if !tcp || !in_range || rule.is_ipv6() || rule.is_from_group() {
            continue;
        }
        match rule.remote_ip_prefix.as_deref().map(str::trim) {
            None | Some("") => return PortAccess::Anywhere,
            Some(prefix) if prefix.contains(':') => {}
            Some(prefix) if is_everything(prefix) => return PortAccess::Anywhere,
            Some(prefix) => {
                if !ranges.iter().any(|known| known == prefix) {
                    ranges.push(prefix.to_owned());
                }
            }
        }
    }
    if ranges.is_empty() {
        PortAccess::Closed
    } else {
        PortAccess::OnlyFrom(ranges)
    }
}

/// TCP 22.
pub const SSH_PORT: u16 = 22;
/// TCP 3389.
pub const RDP_PORT: u16 = 3389;

/// What the create form says next to the security group field when the chosen groups would
/// keep the user out: SSH (TCP 22) for a Linux image, Remote Desktop (TCP 3389) for Windows.
/// `None` when the way in is open from anywhere.
pub fn login_port_warning<'a>(
    groups: impl IntoIterator<Item = &'a SecurityGroup>,
    windows: bool,
) -> Option<String> {
    let (service, port) = if windows {
        ("Remote Desktop (TCP 3389)", RDP_PORT)
    } else {
        ("SSH (TCP 22)", SSH_PORT)
    };
    match tcp_port_access(groups, port) {
        PortAccess::Anywhere => None,
        PortAccess::OnlyFrom(ranges) => Some(format!(
            "These security groups let {service} in only from {}: you can connect only from there.",
            ranges.join(", ")
        )),
        // Said of the chosen groups, or of `default` when none is chosen; the remote console
        // does not need the port, so "log in over the network", not "connect".
        PortAccess::Closed => Some(format!(
            "None of these security groups lets {service} in: you will not be able to log in \
             over the network until a rule allowing it is added to one of them (the remote \
             console still works)."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        direction: &str,
        ethertype: &str,
        protocol: Option<&str>,
        ports: (Option<u64>, Option<u64>),
        prefix: Option<&str>,
    ) -> SecurityGroupRule {
        SecurityGroupRule {
            direction: direction.into(),
            ethertype: ethertype.into(),
            protocol: protocol.map(str::to_owned),
            port_range_min: ports.0,
            port_range_max: ports.1,
            remote_ip_prefix: prefix.map(str::to_owned),
            ..SecurityGroupRule::default()
        }
    }

    fn ingress(
        protocol: Option<&str>,
        ports: (Option<u64>, Option<u64>),
        prefix: Option<&str>,
    ) -> SecurityGroupRule {
        rule("ingress", "IPv4", protocol, ports, prefix)
    }

    fn group(id: &str, name: &str, rules: Vec<SecurityGroupRule>) -> SecurityGroup {
        SecurityGroup {
            id: id.into(),
            name: name.into(),
            security_group_rules: rules,
            ..SecurityGroup::default()
        }
    }

    fn port(port: u64) -> (Option<u64>, Option<u64>) {
        (Some(port), Some(port))
    }

    /// Neutron's `default` group: everything from its own members, everything out.
    fn neutron_default() -> SecurityGroup {
        let from_members = |ethertype: &str| SecurityGroupRule {
            remote_group_id: Some("d".into()),
            ..rule("ingress", ethertype, None, (None, None), None)
        };
        group(
            "d",
            "default",
            vec![
                rule("egress", "IPv4", None, (None, None), None),
                rule("egress", "IPv6", None, (None, None), None),
                from_members("IPv4"),
                from_members("IPv6"),
            ],
        )
    }

    #[test]
    fn summaries_read_like_a_sentence() {
        let ssh = group(
            "s",
            "ssh",
            vec![
                ingress(Some("tcp"), port(22), Some("0.0.0.0/0")),
                ingress(Some("icmp"), (None, None), None),
                rule("ingress", "IPv6", Some("tcp"), port(22), Some("::/0")),
                rule("egress", "IPv4", None, (None, None), None),
            ],
        );
        assert_eq!(summarize_ingress(&ssh, &[]), "SSH (22), ICMP from anywhere");
        let web = group(
            "w",
            "web",
            vec![
                ingress(Some("tcp"), port(443), None),
                ingress(Some("6"), port(80), Some("0.0.0.0/0")),
                ingress(Some("tcp"), port(80), None),
            ],
        );
        assert_eq!(summarize_ingress(&web, &[]), "TCP 80, 443 from anywhere");
        assert_eq!(
            summarize_ingress(&group("n", "none", vec![]), &[]),
            "no inbound rules"
        );
        assert_eq!(
            summarize_ingress(
                &group(
                    "e",
                    "egress",
                    vec![rule("egress", "IPv4", None, (None, None), None)]
                ),
                &[]
            ),
            "no inbound rules"
        );
        assert_eq!(
            summarize_ingress(&neutron_default(), &[]),
            "all traffic from this group"
        );
    }

    #[test]
    fn summaries_name_sources_ranges_and_other_groups() {
        let default = neutron_default();
        let mixed = group(
            "m",
            "mixed",
            vec![
                ingress(Some("tcp"), port(22), Some("203.0.113.0/24")),
                ingress(Some("tcp"), (Some(8000), Some(8080)), None),
                ingress(Some("udp"), (None, None), None),
                ingress(Some("tcp"), (Some(1), Some(65535)), Some("10.0.0.0/8")),
                SecurityGroupRule {
                    remote_group_id: Some("d".into()),
                    ..ingress(Some("tcp"), port(3389), None)
                },
                SecurityGroupRule {
                    remote_group_id: Some("0123456789abcdef".into()),
                    ..ingress(Some("gre"), (None, None), None)
                },
                rule("ingress", "IPv6", Some("tcp"), port(443), None),
            ],
        );
        assert_eq!(
            summarize_ingress(&mixed, std::slice::from_ref(&default)),
            "SSH (22) from 203.0.113.0/24; TCP 8000-8080, all UDP from anywhere; \
             all TCP from 10.0.0.0/8; RDP (3389) from group default; GRE from group 01234567; \
             TCP 443 from anywhere (IPv6)"
        );
        let nova = group(
            "g",
            "web",
            vec![SecurityGroupRule {
                remote_group_name: Some("web".into()),
                ..ingress(None, (None, None), None)
            }],
        );
        assert_eq!(summarize_ingress(&nova, &[]), "all traffic from this group");
    }

    #[test]
    fn ssh_access_counts_only_address_rules_over_ipv4() {
        let ssh = |rules| group("g", "g", rules);
        let open = [
            ssh(vec![ingress(Some("tcp"), port(22), Some("0.0.0.0/0"))]),
            ssh(vec![ingress(Some("tcp"), port(22), None)]),
            ssh(vec![ingress(None, (None, None), None)]),
            ssh(vec![ingress(
                Some("TCP"),
                (Some(20), Some(25)),
                Some("0.0.0.0/0"),
            )]),
            ssh(vec![ingress(Some("6"), (None, None), None)]),
            ssh(vec![ingress(
                Some("tcp"),
                (Some(1), Some(65535)),
                Some("0.0.0.0/0"),
            )]),
        ];
        for (index, group) in open.iter().enumerate() {
            assert_eq!(
                tcp_port_access([group], SSH_PORT),
                PortAccess::Anywhere,
                "{index}"
            );
        }
        let closed = [
            ssh(vec![]),
            ssh(vec![ingress(Some("tcp"), port(80), None)]),
            ssh(vec![ingress(Some("udp"), port(22), None)]),
            ssh(vec![ingress(Some("icmp"), (None, None), None)]),
            ssh(vec![rule("egress", "IPv4", Some("tcp"), port(22), None)]),
            ssh(vec![rule(
                "ingress",
                "IPv6",
                Some("tcp"),
                port(22),
                Some("::/0"),
            )]),
            neutron_default(),
        ];
        for (index, group) in closed.iter().enumerate() {
            assert_eq!(
                tcp_port_access([group], SSH_PORT),
                PortAccess::Closed,
                "{index}"
            );
        }
        let office = ssh(vec![
            ingress(Some("tcp"), port(22), Some("203.0.113.0/24")),
            ingress(Some("tcp"), port(22), Some("198.51.100.7/32")),
            ingress(Some("tcp"), port(22), Some("203.0.113.0/24")),
        ]);
        assert_eq!(
            tcp_port_access([&office], SSH_PORT),
            PortAccess::OnlyFrom(vec!["203.0.113.0/24".into(), "198.51.100.7/32".into()])
        );
        // Any one chosen group opening the port is enough.
        let web = ssh(vec![ingress(Some("tcp"), port(22), None)]);
        assert_eq!(
            tcp_port_access([&neutron_default(), &office, &web], SSH_PORT),
            PortAccess::Anywhere
        );
    }

    #[test]
    fn the_form_warns_for_the_images_way_in() {
        let ssh_only = group("s", "ssh", vec![ingress(Some("tcp"), port(22), None)]);
        assert_eq!(login_port_warning([&ssh_only], false), None);
        let warning = login_port_warning([&ssh_only], true).unwrap();
        assert!(warning.contains("Remote Desktop (TCP 3389)"), "{warning}");
        let warning = login_port_warning([&neutron_default()], false).unwrap();
        assert!(
            warning.contains("SSH (TCP 22)") && warning.contains("will not be able to log in"),
            "{warning}"
        );
        let office = group(
            "o",
            "office",
            vec![ingress(Some("tcp"), port(22), Some("203.0.113.0/24"))],
        );
        let warning = login_port_warning([&office], false).unwrap();
        assert!(warning.contains("only from 203.0.113.0/24"), "{warning}");
        let none: [&SecurityGroup; 0] = [];
        assert!(login_port_warning(none, false).is_some());
    }
}
