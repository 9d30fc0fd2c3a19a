//! What the logic's tests build requests from: the guide's example choices.

use ecs_api::models::{AbsoluteLimits, AvailabilityZone, Flavor, Image, SecurityGroup, ZoneState};

use super::disk::VolumeQuotaLeft;
use super::request::Catalog;
use super::zones::{ZoneChoice, merge_zones};
use crate::create::draft::CreateDraft;

pub fn zone(name: &str, available: bool) -> AvailabilityZone {
    AvailabilityZone {
        name: name.to_owned(),
        state: ZoneState { available },
        hosts: None,
    }
}

pub fn flavor(disk: u64, ram: u64) -> Flavor {
    Flavor {
        id: "c1.large".to_owned(),
        name: "c1.large".to_owned(),
        vcpus: 2,
        ram,
        disk,
        ..Flavor::default()
    }
}

pub fn image(min_disk: u64, min_ram: u64) -> Image {
    Image {
        id: "11e8f727-d439-4ed1-b3b8-33f46c0379c4".to_owned(),
        name: "EulerOS".to_owned(),
        min_disk,
        min_ram,
        ..Image::default()
    }
}

pub fn complete_draft() -> CreateDraft {
    CreateDraft {
        zone: "az_test_01".to_owned(),
        flavor_id: "c1.large".to_owned(),
        image_id: "11e8f727-d439-4ed1-b3b8-33f46c0379c4".to_owned(),
        network_ids: vec!["fb68519f-a7c0-476e-98d4-2e4cf6de6def".to_owned()],
        key_name: "demo2".to_owned(),
        volume_type: "SSD".to_owned(),
        name: "zttestvm1".to_owned(),
        ..CreateDraft::default()
    }
}

/// A security group without rules.
pub fn security_group(id: &str, name: &str) -> SecurityGroup {
    SecurityGroup {
        id: id.to_owned(),
        name: name.to_owned(),
        ..SecurityGroup::default()
    }
}

/// The lists as loaded: two zones (one down), the chosen flavor and image, a quota, and the
/// project's security groups.
pub struct Lists {
    pub zones: Vec<AvailabilityZone>,
    pub choices: Vec<ZoneChoice>,
    pub flavor: Flavor,
    pub image: Image,
    pub limits: AbsoluteLimits,
    pub security_groups: Vec<SecurityGroup>,
}

impl Lists {
    pub fn new() -> Self {
        let zones = vec![zone("az_test_01", true), zone("az_down", false)];
        let choices = merge_zones(zones.iter().map(|z| (z.name.as_str(), z.is_available())));
        Self {
            zones,
            choices,
            flavor: flavor(0, 4096),
            image: image(40, 1024),
            limits: AbsoluteLimits {
                max_total_instances: Some(10),
                total_instances_used: Some(8),
                max_server_meta: Some(2),
                ..AbsoluteLimits::default()
            },
            security_groups: vec![security_group("g1", "default"), security_group("g2", "web")],
        }
    }

    pub fn catalog(&self) -> Catalog<'_> {
        Catalog {
            zones: Some(&self.zones),
            zone_choices: Some(&self.choices),
            flavor: Some(&self.flavor),
            image: Some(&self.image),
            limits: Some(&self.limits),
            security_groups: Some(&self.security_groups),
            volume_left: VolumeQuotaLeft::default(),
            volume_types: None,
        }
    }
}
