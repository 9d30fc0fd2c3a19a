//! From the form's values to the exact `POST /servers` body, checking every value with the
//! rules in `ecs_api::validate` (the same the simulator applies) on the way.

use std::collections::BTreeMap;

use ecs_api::Secret;
use ecs_api::models::{AbsoluteLimits, AvailabilityZone, Flavor, Image};
use ecs_api::requests::{BlockDeviceMapping, CreateServer, NetworkChoice, NetworkRequest};
use ecs_api::validate;

use crate::create::draft::{CreateDraft, MetadataEntry};
use crate::create::logic::zones::{ZoneChoice, sole_available_zone};

/// A part of the form a problem is shown next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Zone,
    Flavor,
    Image,
    Network,
    KeyPair,
    DiskSize,
    Name,
    Count,
    UserData,
    Metadata,
}

impl Field {
    /// The field's label, as the form shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Zone => "Availability zone",
            Self::Flavor => "Flavor",
            Self::Image => "Image",
            Self::Network => "Network",
            Self::KeyPair => "Key pair",
            Self::DiskSize => "System disk size (GB)",
            Self::Name => "Server name",
            Self::Count => "Count",
            Self::UserData => "User data",
            Self::Metadata => "Metadata",
        }
    }

    /// The id of the control to focus to fix the field.
    pub fn control_id(self) -> &'static str {
        match self {
            Self::Zone => "zone",
            Self::Flavor => "flavor-filter",
            Self::Image => "image-filter",
            Self::Network => "network-label",
            Self::KeyPair => "key-pair",
            Self::DiskSize => "disk-size",
            Self::Name => "server-name",
            Self::Count => "server-count",
            Self::UserData => "user-data",
            Self::Metadata => "metadata-label",
        }
    }
}

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

/// True when the user has given `field` a value, so its problem is worth showing before they
/// press "Create server". Fields that start out valid (count, key pair, user data, metadata)
/// always show theirs.
pub fn is_filled(draft: &CreateDraft, field: Field) -> bool {
    match field {
        Field::Zone => !draft.zone.is_empty(),
        Field::Flavor => !draft.flavor_id.is_empty(),
        Field::Image => !draft.image_id.is_empty(),
        Field::Network => !draft.network_ids.is_empty(),
        Field::DiskSize => draft.disk_size.is_some(),
        Field::Name => !draft.name.is_empty(),
        Field::KeyPair | Field::Count | Field::UserData | Field::Metadata => true,
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
}

/// The system disk size used when the user has not typed one: large enough for the image
/// (`minDisk`) and the flavor's root disk, and at least 1 GB.
pub fn default_disk_size(image: Option<&Image>, flavor: Option<&Flavor>) -> u64 {
    let image_min = image.map_or(0, |image| image.min_disk);
    let flavor_disk = flavor.map_or(0, |flavor| flavor.disk);
    image_min.max(flavor_disk).max(1)
}

/// The hint under the system disk size: the minimum and where it comes from, or what to choose
/// to know it.
pub fn minimum_size_hint(image: Option<&Image>, flavor: Option<&Flavor>) -> String {
    let minimum = default_disk_size(image, flavor);
    let reasons: Vec<String> = [
        image
            .filter(|image| image.min_disk > 0)
            .map(|image| format!("the image needs {} GB", image.min_disk)),
        flavor
            .filter(|flavor| flavor.disk > 0)
            .map(|flavor| format!("the flavor's root disk is {} GB", flavor.disk)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let to_choose = match (image.is_none(), flavor.is_none()) {
        (true, true) => " Choose an image and a flavor to see what they need.",
        (true, false) => " Choose an image to see what it needs.",
        (false, true) => " Choose a flavor to see what it needs.",
        (false, false) => "",
    };
    if reasons.is_empty() {
        format!("At least {minimum} GB.{to_choose}")
    } else {
        format!(
            "At least {minimum} GB: {}.{to_choose}",
            reasons.join(" and ")
        )
    }
}

/// True when "Use the minimum size" would change the size: the user typed something that is not
/// the minimum (an equal number would leave the request as it is).
pub fn offers_minimum_size(
    draft: &CreateDraft,
    image: Option<&Image>,
    flavor: Option<&Flavor>,
) -> bool {
    draft
        .disk_size
        .as_deref()
        .is_some_and(|typed| whole_number(typed).ok() != Some(default_disk_size(image, flavor)))
}

/// The size shown in the field: what the user typed, or the default.
pub fn disk_size_text(
    draft: &CreateDraft,
    image: Option<&Image>,
    flavor: Option<&Flavor>,
) -> String {
    draft
        .disk_size
        .clone()
        .unwrap_or_else(|| default_disk_size(image, flavor).to_string())
}

/// The zone the server goes to: the user's choice, or the only available zone.
pub fn effective_zone(draft: &CreateDraft, zone_choices: Option<&[ZoneChoice]>) -> String {
    if draft.zone.is_empty() {
        zone_choices
            .and_then(sole_available_zone)
            .unwrap_or_default()
            .to_owned()
    } else {
        draft.zone.clone()
    }
}

/// What the project may still create, under the count: "Your quota allows 2 more servers,
/// 8 more vCPUs and 40 GB more RAM." Unlimited resources are left out.
pub fn quota_left_text(limits: &AbsoluteLimits) -> String {
    let left = |remaining: Option<i64>| remaining.map(|left| left.max(0));
    let parts: Vec<String> = [
        left(limits.instances_remaining()).map(|servers| match servers {
            1 => "1 more server".to_owned(),
            servers => format!("{servers} more servers"),
        }),
        left(limits.cores_remaining()).map(|vcpus| format!("{vcpus} more vCPUs")),
        left(limits.ram_remaining())
            .map(|mb| format!("{} more RAM", ecs_api::units::ram_text(mb.unsigned_abs()))),
    ]
    .into_iter()
    .flatten()
    .collect();
    match parts.as_slice() {
        [] => "Your quota sets no limit on servers, vCPUs or RAM.".to_owned(),
        [one] => format!("Your quota allows {one}."),
        [first @ .., last] => format!("Your quota allows {} and {last}.", first.join(", ")),
    }
}

/// Why `flavor` cannot be chosen, if it cannot: too little RAM for the image's `minRam`, or
/// larger than the vCPUs or RAM the quota has left for even one server.
pub fn flavor_unfit_reason(
    flavor: &Flavor,
    image: Option<&Image>,
    limits: Option<&AbsoluteLimits>,
) -> Option<String> {
    let for_image = image.map_or(Ok(()), |image| {
        validate::flavor_ram(flavor.ram, image.min_ram)
    });
    let for_quota = limits.map_or(Ok(()), |limits| {
        validate::flavor_within_quota(flavor.vcpus, flavor.ram, limits)
    });
    for_image.and(for_quota).err().map(|error| error.message)
}

/// Nova's metadata key pattern: `^[a-zA-Z0-9-_:. ]{1,255}$`.
fn metadata_key_ok(key: &str) -> bool {
    (1..=255).contains(&key.chars().count())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | ' '))
}

fn metadata(
    entries: &[MetadataEntry],
    limits: Option<&AbsoluteLimits>,
) -> Result<BTreeMap<String, String>, String> {
    let mut metadata = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        if entry.key.is_empty() && entry.value.is_empty() {
            continue;
        }
        if entry.key.is_empty() {
            return Err(format!(
                "Enter a metadata key in row {}, or remove the row.",
                index + 1
            ));
        }
        let length = entry.key.chars().count();
        if length > 255 {
            return Err(format!(
                "Metadata key {} is {length} characters long; Nova allows at most 255.",
                index + 1
            ));
        }
        if !metadata_key_ok(&entry.key) {
            return Err(format!(
                "Metadata key {:?} is not allowed: use 1-255 letters, digits, spaces and - _ : . only.",
                entry.key
            ));
        }
        if entry.value.chars().count() > 255 {
            return Err(format!(
                "The value of metadata key {:?} is longer than 255 characters; shorten it.",
                entry.key
            ));
        }
        if metadata
            .insert(entry.key.clone(), entry.value.clone())
            .is_some()
        {
            return Err(format!(
                "Metadata key {:?} is given twice; keep one.",
                entry.key
            ));
        }
    }
    let allowed = limits
        .and_then(|limits| limits.max_server_meta)
        .filter(|max| *max >= 0);
    if let Some(allowed) = allowed
        && metadata.len() as i64 > allowed
    {
        return Err(format!(
            "Your quota allows {allowed} metadata items per server; remove {}.",
            metadata.len() as i64 - allowed
        ));
    }
    Ok(metadata)
}

/// Why a field's text is not a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NotWhole {
    Empty,
    Negative,
    Fraction,
    NotDigits,
    /// Digits, but more than the field can hold.
    TooLarge,
}

impl NotWhole {
    /// What to tell the user, for a field asking for `what` (e.g. "the system disk size in GB"),
    /// with `example` as a value that would do. `TooLarge` is worded by each field.
    fn message(self, what: &str, example: u64) -> String {
        let how = match self {
            Self::Empty | Self::TooLarge => "",
            Self::Negative => ", without a minus sign",
            Self::Fraction => ", without a decimal point",
            Self::NotDigits => ", using digits only",
        };
        format!("Enter {what} as a whole number{how}, e.g. {example}.")
    }
}

/// A whole number typed in a field (surrounding spaces allowed), or why the text is not one.
fn whole_number(text: &str) -> Result<u64, NotWhole> {
    let text = text.trim();
    if text.is_empty() {
        return Err(NotWhole::Empty);
    }
    if text.starts_with(['-', '\u{2212}']) {
        return Err(NotWhole::Negative);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        let decimal = text.bytes().any(|b| b.is_ascii_digit())
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b','));
        return Err(if decimal {
            NotWhole::Fraction
        } else {
            NotWhole::NotDigits
        });
    }
    text.parse().map_err(|_| NotWhole::TooLarge)
}

/// The system disk size field as a number of GB, or what to tell the user.
fn disk_size(text: &str, minimum: u64) -> Result<u64, String> {
    whole_number(text).map_err(|problem| match problem {
        NotWhole::TooLarge => {
            "That is larger than any disk the cloud can create. Enter a smaller size.".to_owned()
        }
        problem => problem.message("the system disk size in GB", minimum),
    })
}

/// The count field as a number, or what to tell the user.
fn server_count(text: &str) -> Result<u32, String> {
    let too_many =
        || "That is more servers than any quota allows. Enter a smaller number.".to_owned();
    match whole_number(text) {
        Ok(count) => u32::try_from(count).map_err(|_| too_many()),
        Err(NotWhole::TooLarge) => Err(too_many()),
        Err(problem) => Err(problem.message("how many servers to create", 1)),
    }
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

    let size_text = disk_size_text(draft, catalog.image, catalog.flavor);
    let size = disk_size(&size_text, default_disk_size(catalog.image, catalog.flavor));
    match &size {
        Err(message) => problems.add(Field::DiskSize, message.clone()),
        Ok(size) => problems.check(
            Field::DiskSize,
            validate::volume_size(
                *size,
                catalog.image.map_or(0, |image| image.min_disk),
                catalog.flavor.map_or(0, |flavor| flavor.disk),
            ),
        ),
    }

    problems.check(Field::Name, validate::server_name(&draft.name));

    let count = server_count(&draft.count);
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
    );
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
    use ecs_api::models::ZoneState;
    use ecs_api::requests::NovaRequest;
    use serde_json::json;

    use super::*;
    use crate::create::logic::zones::merge_zones;

    fn zone(name: &str, available: bool) -> AvailabilityZone {
        AvailabilityZone {
            name: name.to_owned(),
            state: ZoneState { available },
            hosts: None,
        }
    }

    fn flavor(disk: u64, ram: u64) -> Flavor {
        Flavor {
            id: "c1.large".to_owned(),
            name: "c1.large".to_owned(),
            vcpus: 2,
            ram,
            disk,
            ..Flavor::default()
        }
    }

    fn image(min_disk: u64, min_ram: u64) -> Image {
        Image {
            id: "11e8f727-d439-4ed1-b3b8-33f46c0379c4".to_owned(),
            name: "EulerOS".to_owned(),
            min_disk,
            min_ram,
            ..Image::default()
        }
    }

    fn complete_draft() -> CreateDraft {
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

    struct Lists {
        zones: Vec<AvailabilityZone>,
        choices: Vec<ZoneChoice>,
        flavor: Flavor,
        image: Image,
        limits: AbsoluteLimits,
    }

    impl Lists {
        fn new() -> Self {
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
            }
        }

        fn catalog(&self) -> Catalog<'_> {
            Catalog {
                zones: Some(&self.zones),
                zone_choices: Some(&self.choices),
                flavor: Some(&self.flavor),
                image: Some(&self.image),
                limits: Some(&self.limits),
            }
        }
    }

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
                "availability_zone": "az_test_01"
            }})
        );
    }

    #[test]
    fn problems_of_untouched_choices_wait_for_the_first_attempt() {
        let mut draft = CreateDraft::default();
        assert!(!is_filled(&draft, Field::Name));
        assert!(!is_filled(&draft, Field::Flavor));
        assert!(is_filled(&draft, Field::Count));
        draft.name = "x".to_owned();
        draft.flavor_id = "f".to_owned();
        draft.disk_size = Some(String::new());
        assert!(is_filled(&draft, Field::Name));
        assert!(is_filled(&draft, Field::Flavor));
        assert!(is_filled(&draft, Field::DiskSize));
    }

    #[test]
    fn the_disk_defaults_to_the_largest_minimum_and_at_least_one() {
        assert_eq!(default_disk_size(None, None), 1);
        assert_eq!(
            default_disk_size(Some(&image(40, 0)), Some(&flavor(20, 0))),
            40
        );
        assert_eq!(
            default_disk_size(Some(&image(10, 0)), Some(&flavor(80, 0))),
            80
        );
        assert_eq!(
            default_disk_size(Some(&image(0, 0)), Some(&flavor(0, 0))),
            1
        );
        let mut draft = complete_draft();
        assert_eq!(disk_size_text(&draft, Some(&image(40, 0)), None), "40");
        draft.disk_size = Some("100".to_owned());
        assert_eq!(disk_size_text(&draft, Some(&image(40, 0)), None), "100");
    }

    #[test]
    fn a_disk_smaller_than_the_image_needs_is_refused_with_the_apis_rule() {
        let lists = Lists::new();
        let mut draft = complete_draft();
        draft.disk_size = Some("20".to_owned());
        let problems = build_request(&draft, &lists.catalog()).unwrap_err();
        assert_eq!(
            problems.get(Field::DiskSize),
            Some(
                validate::volume_size(20, 40, 0)
                    .unwrap_err()
                    .message
                    .as_str()
            )
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
    fn the_minimum_size_is_offered_only_when_it_changes_the_size() {
        let needs_40 = image(40, 0);
        let mut draft = complete_draft();
        assert!(
            !offers_minimum_size(&draft, Some(&needs_40), None),
            "nothing typed"
        );
        for typed in ["40", " 40", "040"] {
            draft.disk_size = Some(typed.to_owned());
            assert!(
                !offers_minimum_size(&draft, Some(&needs_40), None),
                "{typed:?}"
            );
        }
        for typed in ["60", "", "40.5"] {
            draft.disk_size = Some(typed.to_owned());
            assert!(
                offers_minimum_size(&draft, Some(&needs_40), None),
                "{typed:?}"
            );
        }
        // A typed size that was the minimum is offered once a larger image raises the minimum.
        draft.disk_size = Some("40".to_owned());
        assert!(offers_minimum_size(&draft, Some(&image(80, 0)), None));
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
    fn the_minimum_size_hint_says_where_the_minimum_comes_from() {
        assert_eq!(
            minimum_size_hint(None, None),
            "At least 1 GB. Choose an image and a flavor to see what they need."
        );
        let image = image(40, 0);
        assert_eq!(
            minimum_size_hint(Some(&image), None),
            "At least 40 GB: the image needs 40 GB. Choose a flavor to see what it needs."
        );
        let flavor = flavor(80, 4096);
        assert_eq!(
            minimum_size_hint(Some(&image), Some(&flavor)),
            "At least 80 GB: the image needs 40 GB and the flavor's root disk is 80 GB."
        );
    }

    #[test]
    fn the_quota_left_is_worded_without_the_unlimited_parts() {
        let limits = AbsoluteLimits {
            max_total_instances: Some(10),
            total_instances_used: Some(9),
            max_total_cores: Some(20),
            total_cores_used: Some(12),
            max_total_ram_size: Some(51_200),
            total_ram_used: Some(10_240),
            ..AbsoluteLimits::default()
        };
        assert_eq!(
            quota_left_text(&limits),
            "Your quota allows 1 more server, 8 more vCPUs and 40 GB more RAM."
        );
        let servers_only = AbsoluteLimits {
            max_total_instances: Some(10),
            total_instances_used: Some(12),
            ..AbsoluteLimits::default()
        };
        assert_eq!(
            quota_left_text(&servers_only),
            "Your quota allows 0 more servers."
        );
        assert_eq!(
            quota_left_text(&AbsoluteLimits::default()),
            "Your quota sets no limit on servers, vCPUs or RAM."
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
