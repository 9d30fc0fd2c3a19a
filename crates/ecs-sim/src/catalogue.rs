//! The fixed part of the cloud: availability zones, flavors, images and networks.

use std::net::Ipv4Addr;

use rand::Rng;
use rand::rngs::StdRng;

use crate::ids::uuid_from;

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
    pub metadata: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub id: String,
    pub label: String,
    pub cidr: Ipv4Cidr,
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
    pub networks: Vec<Network>,
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
                network(uuid_from(rng), "subnet-default", [192, 168, 0, 0], 24),
                network(uuid_from(rng), "subnet-db", [192, 168, 10, 0], 24),
                // A /20 so that large concurrent tests never run out of addresses.
                network(uuid_from(rng), "subnet-large", [10, 16, 0, 0], 20),
            ],
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

fn network(id: String, label: &str, octets: [u8; 4], prefix: u8) -> Network {
    Network {
        id,
        label: label.to_owned(),
        cidr: Ipv4Cidr {
            network: Ipv4Addr::from(octets),
            prefix,
        },
    }
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
            metadata: huawei_metadata(spec.os_type, spec.platform, spec.os_version),
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
