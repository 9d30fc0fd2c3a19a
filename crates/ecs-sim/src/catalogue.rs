//! The fixed part of the cloud: availability zones, flavors, images, networks (with the external
//! network floating IPs come from) and security groups.

use std::net::Ipv4Addr;

use rand::Rng;
use rand::rngs::StdRng;

use crate::ids::{hex_id, uuid_from};

#[derive(Debug, Clone)]
pub struct Zone {
    pub name: String,
    pub available: bool,
}

#[derive(Debug, Clone)]
pub struct Flavor {
    pub id: String,
    pub name: String,
    pub vcpus: u32,
    pub ram_mb: u64,
    pub disk_gb: u64,
    pub ephemeral_gb: u64,
    pub is_public: bool,
    pub disabled: bool,
    pub description: Option<String>,
    pub extra_specs: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Image {
    pub id: String,
    pub name: String,
    /// Nova's view of the Glance status: ACTIVE, SAVING, ERROR...
    pub status: &'static str,
    pub progress: u8,
    pub min_disk_gb: u64,
    pub min_ram_mb: u64,
    pub size_bytes: u64,
    pub created: &'static str,
    pub updated: &'static str,
    /// Glance's image properties, which Nova's proxy shows as `metadata`.
    pub metadata: Vec<(String, String)>,
    /// Glance's `visibility`: `public`, or `private` to the demo project.
    pub visibility: &'static str,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub id: String,
    pub label: String,
    pub cidr: Ipv4Cidr,
    /// Its one IPv4 subnet in Neutron (same CIDR, same name).
    pub subnet_id: String,
}

/// A Neutron security group of the demo project, with its rules.
#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub rules: Vec<SecurityGroupRule>,
}

#[derive(Debug, Clone)]
pub struct SecurityGroupRule {
    pub id: String,
    /// `ingress` or `egress`.
    pub direction: &'static str,
    /// `IPv4` or `IPv6`.
    pub ethertype: &'static str,
    /// `tcp`, `udp`, `icmp`, or None for any protocol.
    pub protocol: Option<&'static str>,
    /// The port range (Neutron's `port_range_min`, `port_range_max`); None for any port.
    pub ports: Option<(u16, u16)>,
    pub remote_ip_prefix: Option<&'static str>,
    /// Traffic from members of this group (Neutron's `remote_group_id`).
    pub remote_group_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Cidr {
    pub network: Ipv4Addr,
    pub prefix: u8,
}

impl Ipv4Cidr {
    /// Usable host addresses, skipping the network address, the gateway (.1) and the broadcast address.
    pub fn host_range(&self) -> std::ops::RangeInclusive<u32> {
        let base = u32::from(self.network);
        let size = 1u32 << (32 - u32::from(self.prefix));
        (base + 2)..=(base + size - 2)
    }

    /// The subnet's gateway: its first address (.1).
    pub fn gateway(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network) + 1)
    }
}

impl std::fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    pub zones: Vec<Zone>,
    /// Sorted by id (Nova's default flavor order).
    pub flavors: Vec<Flavor>,
    pub images: Vec<Image>,
    /// The networks a server may be attached to (what Nova's os-networks lists).
    pub networks: Vec<Network>,
    /// The external network (`router:external`) floating IPs come from. Not in `networks`:
    /// Nova with Neutron offers a project the networks it owns or that are shared, and an
    /// external network is neither, so it is no NIC choice.
    pub public_network: Network,
    /// The router joining every project network to `public_network`; its gateway holds the
    /// first address of the public subnet.
    pub router_id: String,
    /// The cloud's admin project: owner of the public network and the public images.
    pub admin_project_id: String,
    pub security_groups: Vec<SecurityGroup>,
}

impl Catalogue {
    /// The demo catalogue, padded with generated flavors and images up to `size` of each.
    pub fn build(size: usize, rng: &mut StdRng) -> Self {
        let mut flavors = builtin_flavors();
        for n in flavors.len()..size {
            flavors.push(generated_flavor(n));
        }
        flavors.sort_by(|a, b| a.id.cmp(&b.id));
        let mut images = builtin_images(rng);
        for n in images.len()..size {
            images.push(generated_image(n, rng));
        }
        Self {
            zones: vec![
                zone("az1.dc1", true),
                // The guide's zone list repeats a name; clients must cope with it.
                zone("az1.dc1", true),
                zone("az2.dc1", true),
                zone("az3.dc1", false),
            ],
            flavors,
            images,
            networks: vec![
                network(rng, "subnet-default", [192, 168, 0, 0], 24),
                network(rng, "subnet-db", [192, 168, 10, 0], 24),
                // A /20 so that large concurrent tests never run out of addresses.
                network(rng, "subnet-large", [10, 16, 0, 0], 20),
            ],
            // TEST-NET-3 (RFC 5737): documentation addresses, reachable from nowhere.
            public_network: network(rng, "public", [203, 0, 113, 0], 24),
            router_id: uuid_from(rng),
            admin_project_id: hex_id(rng),
            security_groups: builtin_security_groups(rng),
        }
    }

    pub fn flavor(&self, id: &str) -> Option<&Flavor> {
        self.flavors
            .binary_search_by(|flavor| flavor.id.as_str().cmp(id))
            .ok()
            .map(|index| &self.flavors[index])
    }

    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|image| image.id == id)
    }

    pub fn network(&self, id: &str) -> Option<&Network> {
        self.networks.iter().find(|network| network.id == id)
    }

    /// The security group with this id, else the one with this name (as Nova resolves a
    /// requested group through neutronclient).
    pub fn security_group(&self, id_or_name: &str) -> Option<&SecurityGroup> {
        let groups = &self.security_groups;
        groups
            .iter()
            .find(|group| group.id == id_or_name)
            .or_else(|| groups.iter().find(|group| group.name == id_or_name))
    }

    /// The address of the router's gateway on the public network (never a floating IP).
    pub fn router_gateway_ip(&self) -> Ipv4Addr {
        Ipv4Addr::from(*self.public_network.cidr.host_range().start())
    }

    pub fn default_zone(&self) -> &str {
        self.zones
            .iter()
            .find(|zone| zone.available)
            .map_or("nova", |zone| zone.name.as_str())
    }
}

fn zone(name: &str, available: bool) -> Zone {
    Zone {
        name: name.to_owned(),
        available,
    }
}

fn network(rng: &mut StdRng, label: &str, octets: [u8; 4], prefix: u8) -> Network {
    Network {
        id: uuid_from(rng),
        label: label.to_owned(),
        cidr: Ipv4Cidr {
            network: Ipv4Addr::from(octets),
            prefix,
        },
        subnet_id: uuid_from(rng),
    }
}

/// An ingress or egress rule for any protocol, port and address (`remote` None).
fn rule(
    rng: &mut StdRng,
    direction: &'static str,
    ethertype: &'static str,
    remote_group_id: Option<&str>,
) -> SecurityGroupRule {
    SecurityGroupRule {
        id: uuid_from(rng),
        direction,
        ethertype,
        protocol: None,
        ports: None,
        remote_ip_prefix: None,
        remote_group_id: remote_group_id.map(str::to_owned),
    }
}

/// An IPv4 ingress rule from anywhere.
fn open_rule(
    rng: &mut StdRng,
    protocol: &'static str,
    ports: Option<(u16, u16)>,
) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: Some(protocol),
        ports,
        remote_ip_prefix: Some("0.0.0.0/0"),
        ..rule(rng, "ingress", "IPv4", None)
    }
}

/// `default` (Neutron's own rules: any egress, ingress from members of the group; plus SSH and
/// ICMP from anywhere, as clouds commonly open), `web` (HTTP and HTTPS) and `closed` (no rules:
/// nothing gets in).
fn builtin_security_groups(rng: &mut StdRng) -> Vec<SecurityGroup> {
    let default_id = uuid_from(rng);
    let egress = |rng: &mut StdRng| {
        vec![
            rule(rng, "egress", "IPv4", None),
            rule(rng, "egress", "IPv6", None),
        ]
    };
    let mut default_rules = egress(rng);
    default_rules.extend([
        rule(rng, "ingress", "IPv4", Some(&default_id)),
        rule(rng, "ingress", "IPv6", Some(&default_id)),
        open_rule(rng, "tcp", Some((22, 22))),
        open_rule(rng, "icmp", None),
    ]);
    let mut web_rules = egress(rng);
    web_rules.extend([
        open_rule(rng, "tcp", Some((80, 80))),
        open_rule(rng, "tcp", Some((443, 443))),
    ]);
    vec![
        SecurityGroup {
            id: default_id,
            name: "default".to_owned(),
            description: "Default security group".to_owned(),
            rules: default_rules,
        },
        SecurityGroup {
            id: uuid_from(rng),
            name: "web".to_owned(),
            description: "HTTP and HTTPS from anywhere".to_owned(),
            rules: web_rules,
        },
        SecurityGroup {
            id: uuid_from(rng),
            name: "closed".to_owned(),
            description: "No rules: lets nothing in".to_owned(),
            rules: Vec::new(),
        },
    ]
}

struct FlavorSpec {
    id: &'static str,
    vcpus: u32,
    ram_mb: u64,
    disk_gb: u64,
    is_public: bool,
    disabled: bool,
}

const fn spec(id: &'static str, vcpus: u32, ram_mb: u64, disk_gb: u64) -> FlavorSpec {
    FlavorSpec {
        id,
        vcpus,
        ram_mb,
        disk_gb,
        is_public: true,
        disabled: false,
    }
}

fn builtin_flavors() -> Vec<Flavor> {
    let specs = [
        spec("s6.small.1", 1, 1024, 0),
        spec("s6.medium.2", 1, 2048, 0),
        spec("s6.large.2", 2, 4096, 0),
        spec("s6.xlarge.2", 4, 8192, 0),
        spec("c1.large", 2, 4096, 0),
        spec("c1.2xlarge", 8, 8192, 0),
        spec("m6.large.8", 2, 16384, 0),
        spec("m1.small", 1, 2048, 20),
        spec("m1.medium", 2, 4096, 40),
        FlavorSpec {
            is_public: false,
            ..spec("p1.dedicated", 16, 65536, 0)
        },
        FlavorSpec {
            disabled: true,
            ..spec("t1.retired", 1, 512, 0)
        },
    ];
    specs
        .into_iter()
        .map(|spec| Flavor {
            id: spec.id.to_owned(),
            name: spec.id.to_owned(),
            vcpus: spec.vcpus,
            ram_mb: spec.ram_mb,
            disk_gb: spec.disk_gb,
            ephemeral_gb: 0,
            is_public: spec.is_public,
            disabled: spec.disabled,
            description: Some(format!(
                "{} vCPUs, {} GiB RAM",
                spec.vcpus,
                spec.ram_mb / 1024
            )),
            extra_specs: vec![
                ("cond:operation:status".to_owned(), "normal".to_owned()),
                ("resource_type".to_owned(), "IES".to_owned()),
            ],
        })
        .collect()
}

fn generated_flavor(n: usize) -> Flavor {
    let vcpus = 1u32 << (n % 6);
    let ram_mb = u64::from(vcpus) * 1024 * (1 << (n % 3));
    let id = format!("gen{n:05}.{vcpus}c{}g", ram_mb / 1024);
    Flavor {
        name: id.clone(),
        id,
        vcpus,
        ram_mb,
        disk_gb: 0,
        ephemeral_gb: 0,
        is_public: true,
        disabled: false,
        description: None,
        extra_specs: Vec::new(),
    }
}

struct ImageSpec {
    name: &'static str,
    os_type: &'static str,
    platform: &'static str,
    os_version: &'static str,
    min_disk_gb: u64,
    min_ram_mb: u64,
    /// The image file's size, as clouds report it in `OS-EXT-IMG-SIZE:size`.
    size_bytes: u64,
    status: &'static str,
    visibility: &'static str,
    /// Glance's standard OS properties (`os_distro`, `os_admin_user`, ...) where the image has
    /// them besides Huawei's `__os_type`, `__platform` and `__os_version`.
    standard: &'static [(&'static str, &'static str)],
}

fn builtin_images(rng: &mut StdRng) -> Vec<Image> {
    let specs = [
        ImageSpec {
            name: "CentOS 7.9 64bit",
            os_type: "Linux",
            platform: "CentOS",
            os_version: "CentOS 7.9 64bit",
            min_disk_gb: 40,
            min_ram_mb: 0,
            size_bytes: 1_456_472_064,
            status: "ACTIVE",
            visibility: "public",
            standard: &[],
        },
        ImageSpec {
            name: "Ubuntu 22.04 server 64bit",
            os_type: "Linux",
            platform: "Ubuntu",
            os_version: "Ubuntu 22.04 server 64bit",
            min_disk_gb: 10,
            min_ram_mb: 1024,
            size_bytes: 2_361_393_152,
            status: "ACTIVE",
            visibility: "public",
            standard: &[
                ("os_distro", "ubuntu"),
                ("os_version", "22.04"),
                ("os_type", "linux"),
                ("os_admin_user", "ubuntu"),
            ],
        },
        ImageSpec {
            name: "EulerOS 2.9 64bit",
            os_type: "Linux",
            platform: "EulerOS",
            os_version: "EulerOS 2.9 64bit",
            min_disk_gb: 40,
            min_ram_mb: 0,
            size_bytes: 1_815_084_032,
            status: "ACTIVE",
            visibility: "public",
            standard: &[],
        },
        ImageSpec {
            name: "DBS-MySQL-Image_2.1.3.3",
            os_type: "Linux",
            platform: "EulerOS",
            os_version: "EulerOS 2.2 64bit",
            min_disk_gb: 40,
            min_ram_mb: 0,
            // As the guide's sample of this image.
            size_bytes: 0,
            status: "ACTIVE",
            visibility: "private",
            standard: &[],
        },
        ImageSpec {
            name: "Windows Server 2019 Datacenter 64bit",
            os_type: "Windows",
            platform: "Windows",
            os_version: "Windows Server 2019 Datacenter 64bit",
            min_disk_gb: 60,
            min_ram_mb: 4096,
            size_bytes: 10_146_021_376,
            status: "ACTIVE",
            visibility: "public",
            standard: &[
                ("os_distro", "windows"),
                ("os_version", "2019"),
                ("os_type", "windows"),
                ("os_admin_user", "Administrator"),
            ],
        },
        ImageSpec {
            name: "Debian 12 64bit (uploading)",
            os_type: "Linux",
            platform: "Debian",
            os_version: "Debian GNU/Linux 12 64bit",
            min_disk_gb: 20,
            min_ram_mb: 512,
            // Still uploading: no size yet.
            size_bytes: 0,
            status: "SAVING",
            visibility: "public",
            standard: &[
                ("os_distro", "debian"),
                ("os_version", "12"),
                ("os_type", "linux"),
                ("os_admin_user", "debian"),
            ],
        },
    ];
    specs
        .into_iter()
        .map(|spec| Image {
            id: uuid_from(rng),
            name: spec.name.to_owned(),
            status: spec.status,
            progress: if spec.status == "ACTIVE" { 100 } else { 25 },
            min_disk_gb: spec.min_disk_gb,
            min_ram_mb: spec.min_ram_mb,
            size_bytes: spec.size_bytes,
            created: "2024-03-14T06:13:50Z",
            updated: "2024-03-14T06:13:52Z",
            metadata: huawei_metadata(spec.os_type, spec.platform, spec.os_version)
                .into_iter()
                .chain(
                    spec.standard
                        .iter()
                        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned())),
                )
                .collect(),
            visibility: spec.visibility,
        })
        .collect()
}

fn huawei_metadata(os_type: &str, platform: &str, os_version: &str) -> Vec<(String, String)> {
    [
        ("__os_type", os_type),
        ("__platform", platform),
        ("__os_version", os_version),
        ("__os_bit", "64"),
        ("__imagetype", "gold"),
        ("__quick_start", "true"),
        ("__support_kvm", "true"),
        ("__isregistered", "true"),
        ("virtual_env_type", "FusionCompute"),
        ("hw_vif_multiqueue_enabled", "true"),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect()
}

fn generated_image(n: usize, rng: &mut StdRng) -> Image {
    let version = format!("Generated Linux {n} 64bit");
    Image {
        id: uuid_from(rng),
        name: format!("generated-image-{n:05}"),
        status: "ACTIVE",
        progress: 100,
        min_disk_gb: rng.gen_range(0..=4) * 10,
        min_ram_mb: 0,
        size_bytes: 512 * 1024 * 1024 * (1 + n as u64 % 8),
        created: "2024-03-14T06:13:50Z",
        updated: "2024-03-14T06:13:52Z",
        metadata: huawei_metadata("Linux", "Generated", &version),
        visibility: "public",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn padding_reaches_the_requested_size_with_unique_ids() {
        let catalogue = Catalogue::build(10_000, &mut StdRng::seed_from_u64(7));
        assert_eq!(catalogue.flavors.len(), 10_000);
        assert_eq!(catalogue.images.len(), 10_000);
        let mut ids: Vec<&str> = catalogue.flavors.iter().map(|f| f.id.as_str()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 10_000);
        assert!(catalogue.flavor("c1.large").is_some());
    }

    #[test]
    fn security_groups_open_ssh_web_or_nothing() {
        let catalogue = Catalogue::build(0, &mut StdRng::seed_from_u64(7));
        let open_tcp = |name: &str| -> Vec<(u16, u16)> {
            let group = catalogue.security_group(name).expect("group exists");
            group
                .rules
                .iter()
                .filter(|rule| {
                    rule.direction == "ingress"
                        && rule.protocol == Some("tcp")
                        && rule.remote_ip_prefix == Some("0.0.0.0/0")
                })
                .filter_map(|rule| rule.ports)
                .collect()
        };
        assert_eq!(open_tcp("default"), [(22, 22)]);
        assert_eq!(open_tcp("web"), [(80, 80), (443, 443)]);
        let closed = catalogue.security_group("closed").expect("closed exists");
        assert!(closed.rules.is_empty());
        let by_id = catalogue
            .security_group(&closed.id)
            .map(|group| &group.name);
        assert_eq!(by_id.map(String::as_str), Some("closed"));
        let default = catalogue.security_group("default").expect("default");
        assert!(
            default
                .rules
                .iter()
                .any(|rule| rule.remote_group_id.as_ref() == Some(&default.id)),
            "members of default reach each other, as Neutron's default group allows"
        );
    }

    #[test]
    fn the_public_network_is_no_nic_choice_and_its_gateway_is_reserved() {
        let catalogue = Catalogue::build(0, &mut StdRng::seed_from_u64(7));
        let public = &catalogue.public_network;
        assert!(catalogue.network(&public.id).is_none());
        assert_eq!(catalogue.router_gateway_ip(), Ipv4Addr::new(203, 0, 113, 2));
        assert_eq!(public.cidr.gateway(), Ipv4Addr::new(203, 0, 113, 1));
        let mut subnets: Vec<&str> = catalogue
            .networks
            .iter()
            .chain([public])
            .map(|network| network.subnet_id.as_str())
            .collect();
        subnets.sort_unstable();
        subnets.dedup();
        assert_eq!(subnets.len(), 4, "one subnet per network");
    }

    #[test]
    fn cidr_ranges_skip_network_gateway_and_broadcast() {
        let cidr = Ipv4Cidr {
            network: Ipv4Addr::new(192, 168, 0, 0),
            prefix: 24,
        };
        let range = cidr.host_range();
        assert_eq!(
            Ipv4Addr::from(*range.start()),
            Ipv4Addr::new(192, 168, 0, 2)
        );
        assert_eq!(
            Ipv4Addr::from(*range.end()),
            Ipv4Addr::new(192, 168, 0, 254)
        );
    }
}
