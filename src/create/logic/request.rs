//! From the form's values to the exact `POST /servers` body, checking every value with the
//! rules in `ecs_api::validate` (the same the simulator applies) on the way.

use std::collections::BTreeMap;

use ecs_api::Secret;
use ecs_api::models::{AbsoluteLimits, AvailabilityZone, Flavor, Image, SecurityGroup};
use ecs_api::requests::{BlockDeviceMapping, CreateServer, NetworkChoice, NetworkRequest};
use ecs_api::validate;

use super::disk::{
    VolumeQuotaLeft, default_disk_size, disk_size_text, unknown_volume_type, volumes_short,
    within_bound,
};
use super::fields::Field;
use super::flavors::flavor_unfit_reason;
use super::metadata::metadata;
use super::numbers::{disk_size, server_count};
use super::security_groups::requested_groups;
use super::zones::{ZoneChoice, effective_zone};
use crate::create::draft::CreateDraft;

/// Everything wrong with the form, one message per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(BTreeMap<Field, String>);

impl Problems {
    fn add(&mut self, field: Field, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    fn check(&mut self, field: Field, result: Result<(), validate::ValidationError>) {
        if let Err(error) = result {
            self.add(field, error.message);
        }
    }

    pub fn get(&self, field: Field) -> Option<&str> {
        self.0.get(&field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Field, &str)> {
        self.0
            .iter()
            .map(|(field, message)| (*field, message.as_str()))
    }
}

/// What the lists loaded so far say about the user's choices. `None` while a list is loading
/// (or failed): the checks that need it wait, the API still checks on create.
#[derive(Debug, Clone, Copy, Default)]
pub struct Catalog<'a> {
    pub zones: Option<&'a [AvailabilityZone]>,
    pub zone_choices: Option<&'a [ZoneChoice]>,
    pub flavor: Option<&'a Flavor>,
    pub image: Option<&'a Image>,
    pub limits: Option<&'a AbsoluteLimits>,
    pub security_groups: Option<&'a [SecurityGroup]>,
    /// What the volume quota leaves, as far as the cloud says.
    pub volume_left: VolumeQuotaLeft,
    /// The cloud's volume type names; `None` without Cinder (any typed type is sent).
    pub volume_types: Option<&'a [String]>,
}

/// Checks the form and, when everything is right, builds the request: boot from a new volume
/// made from the chosen image, as the guide does.
pub fn build_request(draft: &CreateDraft, catalog: &Catalog<'_>) -> Result<CreateServer, Problems> {
    let mut problems = Problems::default();

    let zone = effective_zone(draft, catalog.zone_choices);
    if zone.is_empty() {
        problems.add(Field::Zone, "Choose an availability zone.");
    } else if let Some(zones) = catalog.zones {
        problems.check(Field::Zone, validate::availability_zone(&zone, zones));
    }

    if draft.image_id.is_empty() {
        problems.add(Field::Image, "Choose an image.");
    }
    match catalog.flavor {
        None => problems.add(Field::Flavor, "Choose a flavor."),
        Some(flavor) => {
            if let Some(reason) = flavor_unfit_reason(flavor, catalog.image, catalog.limits) {
                problems.add(Field::Flavor, reason);
            }
        }
    }
    if draft.network_ids.is_empty() {
        problems.add(Field::Network, "Choose at least one network.");
    }
    if !draft.key_name.is_empty() {
        problems.check(Field::KeyPair, validate::key_pair_name(&draft.key_name));
    }

    if let Some(message) = unknown_volume_type(&draft.volume_type, catalog.volume_types) {
        problems.add(Field::VolumeType, message);
    }
    let count = server_count(&draft.count);
    let size_text = disk_size_text(draft, catalog.image, catalog.flavor);
    let size = disk_size(&size_text, default_disk_size(catalog.image, catalog.flavor));
    let servers = count.as_ref().map_or(1, |&count| u64::from(count));
    // Each server needs a volume of its own: too few left is said on the count when fewer
    // servers would fit, on the disk when none would.
    let short = volumes_short(servers, &catalog.volume_left);
    match &size {
        Err(message) => problems.add(Field::DiskSize, message.clone()),
        // Each server gets a system disk: the quota is checked for all of them.
        Ok(size) => problems.check(
            Field::DiskSize,
            validate::volume_size(*size, catalog.image.map_or(0, |image| image.min_disk)).and_then(
                |()| match (&short, catalog.volume_left.volumes) {
                    (Some(message), Some(0)) => Err(validate::ValidationError {
                        field: "volume_size",
                        message: message.clone(),
                    }),
                    _ => within_bound(*size, servers, &catalog.volume_left),
                },
            ),
        ),
    }
    if let (Some(message), Ok(_), Some(1..)) = (short, &count, catalog.volume_left.volumes) {
        problems.add(Field::Count, message);
    }

    problems.check(Field::Name, validate::server_name(&draft.name));

    match &count {
        Err(message) => problems.add(Field::Count, message.clone()),
        Ok(count) => {
            // A flavor that does not fit even once is reported on the flavor; the count is
            // then checked against the server quota only.
            let flavor_fits = |flavor: &&Flavor| {
                catalog.limits.is_none_or(|limits| {
                    validate::flavor_within_quota(flavor.vcpus, flavor.ram, limits).is_ok()
                })
            };
            let (vcpus, ram) = catalog
                .flavor
                .filter(flavor_fits)
                .map_or((0, 0), |flavor| (flavor.vcpus, flavor.ram));
            let unknown = AbsoluteLimits::default();
            let limits = catalog.limits.unwrap_or(&unknown);
            problems.check(
                Field::Count,
                validate::server_count(*count, vcpus, ram, limits),
            );
        }
    }

    let user_data = if draft.user_data.is_empty() {
        None
    } else {
        match validate::encode_user_data(draft.user_data.as_bytes()) {
            Ok(encoded) => Some(encoded),
            Err(error) => {
                problems.add(Field::UserData, error.message);
                None
            }
        }
    };

    let metadata = metadata(&draft.metadata, catalog.limits).unwrap_or_else(|message| {
        problems.add(Field::Metadata, message);
        BTreeMap::new()
    });

    // A missing flavor, size or count has been reported as a problem above.
    let (Some(flavor), Ok(size), Ok(count), true) =
        (catalog.flavor, size, count, problems.is_empty())
    else {
        return Err(problems);
    };

    let volume_type = draft.volume_type.trim();
    let boot_volume = BlockDeviceMapping::boot_volume_from_image(
        draft.image_id.clone(),
        size,
        (!volume_type.is_empty()).then(|| volume_type.to_owned()),
        draft.delete_on_termination,
    );
    let networks = NetworkChoice::List(
        draft
            .network_ids
            .iter()
            .map(|id| NetworkRequest {
                uuid: Some(id.clone()),
                ..NetworkRequest::default()
            })
            .collect(),
    );
    let mut request = CreateServer::boot_from_volume(
        draft.name.clone(),
        flavor.id.clone(),
        boot_volume,
        networks,
    )
    .with_security_groups(requested_groups(
        &draft.security_groups,
        catalog.security_groups,
    ));
    request.availability_zone = Some(zone);
    request.key_name = (!draft.key_name.is_empty()).then(|| draft.key_name.clone());
    request.admin_pass =
        (!draft.admin_pass.is_empty()).then(|| Secret::new(draft.admin_pass.clone()));
    request.user_data = user_data;
    request.metadata = metadata;
    if count > 1 {
        // All or nothing: Nova creates exactly `count` servers or none.
        request.min_count = Some(count);
        request.max_count = Some(count);
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use ecs_api::requests::NovaRequest;
    use serde_json::json;

    use super::*;
    use crate::create::draft::MetadataEntry;
    use crate::create::logic::test_data::{Lists, complete_draft, flavor};

    #[test]
    fn the_guides_request_is_built_exactly() {
        let lists = Lists::new();
        let request = build_request(&complete_draft(), &lists.catalog()).unwrap();
        assert_eq!(
            request.to_body(),
            json!({"server": {
                "name": "zttestvm1",
                "flavorRef": "c1.large",
                "block_device_mapping_v2": [{
                    "source_type": "image",
                    "destination_type": "volume",
                    "uuid": "11e8f727-d439-4ed1-b3b8-33f46c0379c4",
                    "boot_index": 0,
                    "volume_size": 40,
                    "volume_type": "SSD",
                    "delete_on_termination": true
                }],
                "networks": [{"uuid": "fb68519f-a7c0-476e-98d4-2e4cf6de6def"}],
                "key_name": "demo2",
                "availability_zone": "az_test_01",
                "security_groups": [{"name": "default"}]
            }})
        );
    }

    #[test]
    fn the_chosen_security_groups_are_sent_by_name_and_none_leaves_the_key_out() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        draft.choose_security_group("web", true);
        draft.choose_security_group("gone", true);
        let request = build_request(&draft, &lists.catalog()).unwrap();
        assert_eq!(
            request.to_body()["server"]["security_groups"],
            json!([{"name": "default"}, {"name": "web"}]),
            "listed groups only, in the listing's order"
        );
        draft.security_groups.clear();
        let request = build_request(&draft, &lists.catalog()).unwrap();
        assert_eq!(
            request.to_body()["server"].get("security_groups"),
            None,
            "no group: the cloud applies default"
        );
        // The groups failed to load: the choice is sent as it is, and creating is not blocked.
        draft.security_groups = vec!["default".to_owned()];
        let catalog = Catalog {
            security_groups: None,
            ..lists.catalog()
        };
        let request = build_request(&draft, &catalog).unwrap();
        assert_eq!(
            request.to_body()["server"]["security_groups"],
            json!([{"name": "default"}])
        );
    }

    #[test]
    fn too_few_volumes_left_is_the_counts_problem_not_the_disks() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        draft.count = "2".to_owned();
        let catalog = |volumes| Catalog {
            volume_left: VolumeQuotaLeft {
                volumes: Some(volumes),
                ..VolumeQuotaLeft::default()
            },
            ..lists.catalog()
        };
        let problems = build_request(&draft, &catalog(1)).unwrap_err();
        assert_eq!(
            problems.get(Field::Count),
            volumes_short(2, &catalog(1).volume_left).as_deref()
        );
        assert_eq!(problems.get(Field::DiskSize), None, "{problems:?}");
        // None left: no count helps, so the disk says it.
        let problems = build_request(&draft, &catalog(0)).unwrap_err();
        assert_eq!(problems.get(Field::Count), None, "{problems:?}");
        assert!(
            problems
                .get(Field::DiskSize)
                .unwrap()
                .starts_with("Your volume quota allows no more volumes")
        );
        assert!(build_request(&draft, &catalog(2)).is_ok());
    }

    #[test]
    fn a_disk_smaller_than_the_image_needs_is_refused_with_the_apis_rule() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        draft.disk_size = Some("20".to_owned());
        let problems = build_request(&draft, &lists.catalog()).unwrap_err();
        assert_eq!(
            problems.get(Field::DiskSize),
            Some(validate::volume_size(20, 40).unwrap_err().message.as_str())
        );
        // Larger than any system disk: refused before sending, not left to fail in the build.
        draft.disk_size = Some("99999".to_owned());
        let problems = build_request(&draft, &lists.catalog()).unwrap_err();
        assert_eq!(
            problems.get(Field::DiskSize),
            Some(
                within_bound(99_999, 1, &VolumeQuotaLeft::default())
                    .unwrap_err()
                    .message
                    .as_str()
            )
        );
        // More than the volume quota leaves: refused too.
        draft.disk_size = Some("600".to_owned());
        let catalog = Catalog {
            volume_left: VolumeQuotaLeft {
                gigabytes: Some(500),
                ..VolumeQuotaLeft::default()
            },
            ..lists.catalog()
        };
        let problems = build_request(&draft, &catalog).unwrap_err();
        assert!(
            problems
                .get(Field::DiskSize)
                .unwrap()
                .contains("volume quota"),
            "{problems:?}"
        );
        // Beyond what Nova's schema accepts: refused here rather than by the cloud.
        draft.disk_size = Some("99999999999999".to_owned());
        let problems = build_request(&draft, &lists.catalog()).unwrap_err();
        assert!(
            problems
                .get(Field::DiskSize)
                .unwrap()
                .contains("at most 2147483647 GB")
        );
        draft.disk_size = Some("forty".to_owned());
        let problems = build_request(&draft, &lists.catalog()).unwrap_err();
        assert!(
            problems
                .get(Field::DiskSize)
                .unwrap()
                .contains("whole number")
        );
    }

    #[test]
    fn numbers_that_are_not_whole_are_explained_and_never_rounded() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        for (typed, explained) in [
            ("40.5", "without a decimal point"),
            ("40,5", "without a decimal point"),
            ("-40", "without a minus sign"),
            ("4e1", "using digits only"),
            (
                "",
                "Enter the system disk size in GB as a whole number, e.g. 40.",
            ),
        ] {
            draft.disk_size = Some(typed.to_owned());
            let problems = build_request(&draft, &lists.catalog()).unwrap_err();
            let message = problems.get(Field::DiskSize).unwrap();
            assert!(message.contains("whole number"), "{typed:?}: {message}");
            assert!(message.contains(explained), "{typed:?}: {message}");
            assert_eq!(draft.disk_size.as_deref(), Some(typed), "the text is kept");
        }
        draft.disk_size = Some(" 60 ".to_owned());
        let request = build_request(&draft, &lists.catalog()).unwrap();
        assert_eq!(
            request.to_body()["server"]["block_device_mapping_v2"][0]["volume_size"],
            json!(60)
        );

        draft.disk_size = None;
        for (typed, explained) in [
            ("1.5", "without a decimal point"),
            ("-3", "without a minus sign"),
            ("1e3", "using digits only"),
            (
                " ",
                "Enter how many servers to create as a whole number, e.g. 1.",
            ),
        ] {
            draft.count = typed.to_owned();
            let problems = build_request(&draft, &lists.catalog()).unwrap_err();
            let message = problems.get(Field::Count).unwrap();
            assert!(message.contains(explained), "{typed:?}: {message}");
        }
    }

    #[test]
    fn an_empty_form_names_every_missing_choice() {
        let problems = build_request(&CreateDraft::default(), &Catalog::default()).unwrap_err();
        for field in [
            Field::Zone,
            Field::Flavor,
            Field::Image,
            Field::Network,
            Field::Name,
        ] {
            assert!(
                problems.get(field).is_some(),
                "{field:?} should be reported"
            );
        }
        assert_eq!(problems.get(Field::KeyPair), None, "a key pair is optional");
        assert_eq!(problems.get(Field::Count), None);
    }

    #[test]
    fn names_and_zones_follow_the_apis_rules() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        draft.name = " web".to_owned();
        draft.zone = "az_down".to_owned();
        let problems = build_request(&draft, &lists.catalog()).unwrap_err();
        assert_eq!(
            problems.get(Field::Name),
            Some(validate::server_name(" web").unwrap_err().message.as_str())
        );
        assert!(problems.get(Field::Zone).unwrap().contains("unavailable"));
    }

    #[test]
    fn the_only_available_zone_is_used_when_none_was_chosen() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        draft.zone.clear();
        let request = build_request(&draft, &lists.catalog()).unwrap();
        assert_eq!(request.availability_zone.as_deref(), Some("az_test_01"));
    }

    #[test]
    fn a_flavor_with_too_little_ram_for_the_image_is_refused() {
        let mut lists = Lists::new();
        lists.flavor = flavor(0, 512);
        assert_eq!(
            flavor_unfit_reason(&lists.flavor, Some(&lists.image), None),
            Some(validate::flavor_ram(512, 1024).unwrap_err().message)
        );
        assert_eq!(flavor_unfit_reason(&lists.flavor, None, None), None);
        let problems = build_request(&complete_draft(), &lists.catalog()).unwrap_err();
        assert!(problems.get(Field::Flavor).is_some());
    }

    #[test]
    fn user_data_is_sent_base64_encoded() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        draft.user_data = "#!/bin/sh\necho héllo\n".to_owned();
        let request = build_request(&draft, &lists.catalog()).unwrap();
        // The base64 of the script's UTF-8 bytes, worked out independently.
        assert_eq!(
            request.user_data.as_deref(),
            Some("IyEvYmluL3NoCmVjaG8gaMOpbGxvCg==")
        );
        draft.user_data = "x".repeat(60_000);
        let problems = build_request(&draft, &lists.catalog()).unwrap_err();
        assert!(problems.get(Field::UserData).is_some());
    }

    #[test]
    fn count_is_checked_against_the_quota_and_sent_as_min_and_max() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        draft.count = "2".to_owned();
        let request = build_request(&draft, &lists.catalog()).unwrap();
        assert_eq!((request.min_count, request.max_count), (Some(2), Some(2)));
        draft.count = "3".to_owned();
        let problems = build_request(&draft, &lists.catalog()).unwrap_err();
        assert!(problems.get(Field::Count).unwrap().contains("quota"));
        draft.count = "0".to_owned();
        assert!(
            build_request(&draft, &lists.catalog())
                .unwrap_err()
                .get(Field::Count)
                .is_some()
        );
        draft.count = "99999999999999999999".to_owned();
        assert!(
            build_request(&draft, &lists.catalog())
                .unwrap_err()
                .get(Field::Count)
                .unwrap()
                .contains("more servers than any quota allows")
        );
        draft.count = "two".to_owned();
        assert!(
            build_request(&draft, &lists.catalog())
                .unwrap_err()
                .get(Field::Count)
                .is_some()
        );
    }

    #[test]
    fn a_flavor_larger_than_the_quota_left_is_the_flavors_problem() {
        let mut lists = Lists::new();
        lists.limits.max_total_cores = Some(20);
        lists.limits.total_cores_used = Some(19);
        let problems = build_request(&complete_draft(), &lists.catalog()).unwrap_err();
        assert_eq!(
            problems.get(Field::Flavor),
            Some(
                "This flavor needs 2 vCPUs; your quota allows 1 more. Pick a smaller flavor or ask for a higher quota."
            )
        );
        assert_eq!(
            problems.get(Field::Count),
            None,
            "one server is not too many"
        );
        assert!(flavor_unfit_reason(&lists.flavor, None, Some(&lists.limits)).is_some());
    }

    #[test]
    fn the_volume_quota_is_checked_for_every_server_of_the_count() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        let catalog = Catalog {
            volume_left: VolumeQuotaLeft {
                gigabytes: Some(100),
                volumes: Some(10),
                per_volume: None,
            },
            ..lists.catalog()
        };
        // One 40 GB system disk fits in 100 GB, and so do two.
        build_request(&draft, &catalog).unwrap();
        draft.count = "2".to_owned();
        build_request(&draft, &catalog).unwrap();
        // Three need 120 GB: refused, with the totals (the server quota allows 2 here, so
        // that problem is the count's own).
        draft.count = "3".to_owned();
        let problems = build_request(&draft, &catalog).unwrap_err();
        assert_eq!(
            problems.get(Field::DiskSize),
            Some(
                "3 system disks of 40 GB need 120 GB; your volume quota leaves 100 GB. Enter at most 33 GB, create fewer servers, or free or ask for more volume quota."
            )
        );
        // Fewer volumes left than servers.
        let catalog = Catalog {
            volume_left: VolumeQuotaLeft {
                volumes: Some(1),
                ..VolumeQuotaLeft::default()
            },
            ..lists.catalog()
        };
        draft.count = "2".to_owned();
        let problems = build_request(&draft, &catalog).unwrap_err();
        assert!(
            problems
                .get(Field::Count)
                .unwrap()
                .starts_with("2 servers need 2 new volumes"),
            "{problems:?}"
        );
        draft.count = "1".to_owned();
        build_request(&draft, &catalog).unwrap();
    }

    #[test]
    fn a_volume_type_the_cloud_does_not_list_blocks_the_request() {
        let lists = Lists::new();
        let types = ["SSD".to_owned(), "SATA".to_owned()];
        let catalog = Catalog {
            volume_types: Some(&types),
            ..lists.catalog()
        };
        let mut draft = complete_draft();
        build_request(&draft, &catalog).unwrap();
        draft.volume_type = "GPSSD".to_owned();
        let problems = build_request(&draft, &catalog).unwrap_err();
        assert_eq!(
            problems.get(Field::VolumeType),
            Some("This cloud has no volume type \"GPSSD\"; choose one of: SSD, SATA.")
        );
        assert_eq!(problems.len(), 1);
        // Without Cinder there is no list to check against: the typed type is sent.
        let request = build_request(&draft, &lists.catalog()).unwrap();
        assert_eq!(
            request.to_body()["server"]["block_device_mapping_v2"][0]["volume_type"],
            json!("GPSSD")
        );
    }

    #[test]
    fn metadata_rows_are_checked_and_empty_rows_ignored() {
        let lists = Lists::new();
        let entry = |key: &str, value: &str| MetadataEntry {
            key: key.to_owned(),
            value: value.to_owned(),
        };
        let mut draft = complete_draft();
        draft.metadata = vec![entry("role", "web"), entry("", "")];
        let request = build_request(&draft, &lists.catalog()).unwrap();
        assert_eq!(
            request.metadata.get("role").map(String::as_str),
            Some("web")
        );
        draft.metadata = vec![entry("role", "web"), entry("", "no key")];
        assert_eq!(
            build_request(&draft, &lists.catalog())
                .unwrap_err()
                .get(Field::Metadata),
            Some("Enter a metadata key in row 2, or remove the row.")
        );
        draft.metadata = vec![entry(&"k".repeat(256), "x")];
        assert_eq!(
            build_request(&draft, &lists.catalog())
                .unwrap_err()
                .get(Field::Metadata),
            Some("Metadata key 1 is 256 characters long; Nova allows at most 255.")
        );
        draft.metadata = vec![entry("bad/key", "x")];
        assert!(
            build_request(&draft, &lists.catalog())
                .unwrap_err()
                .get(Field::Metadata)
                .is_some()
        );
        draft.metadata = vec![entry("a", "1"), entry("a", "2")];
        assert!(
            build_request(&draft, &lists.catalog())
                .unwrap_err()
                .get(Field::Metadata)
                .is_some()
        );
        draft.metadata = vec![entry("a", "1"), entry("b", "2"), entry("c", "3")];
        let problems = build_request(&draft, &lists.catalog()).unwrap_err();
        assert!(problems.get(Field::Metadata).unwrap().contains("quota"));
    }

    #[test]
    fn the_admin_password_and_optional_parts_are_sent_only_when_given() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        draft.key_name.clear();
        draft.volume_type = "  ".to_owned();
        draft.delete_on_termination = false;
        draft.admin_pass = "Pa55word!".to_owned();
        let request = build_request(&draft, &lists.catalog()).unwrap();
        let body = request.to_body();
        assert_eq!(body["server"].get("key_name"), None);
        assert_eq!(
            body["server"]["block_device_mapping_v2"][0].get("volume_type"),
            None
        );
        assert_eq!(
            body["server"]["block_device_mapping_v2"][0]["delete_on_termination"],
            json!(false)
        );
        assert_eq!(body["server"]["adminPass"], json!("Pa55word!"));
    }
}
