//! The system disk's size: its minimum, its default and what the field shows.

use ecs_api::models::{Flavor, Image};
use ecs_api::validate::ValidationError;

use super::numbers::whole_number;
use crate::create::draft::CreateDraft;

/// The largest system disk the form creates (GB): ECS's own limit for a system disk. The
/// cloud's volume quota may leave less.
pub const SYSTEM_DISK_MAX_GB: u64 = 1024;

/// What the volume quota leaves for new volumes, each part `None` where it sets no bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VolumeQuotaLeft {
    /// GB left over all volumes.
    pub gigabytes: Option<u64>,
    /// GB one volume may have.
    pub per_volume: Option<u64>,
    /// How many more volumes.
    pub volumes: Option<u64>,
}

impl VolumeQuotaLeft {
    /// The largest system disk each of `count` new servers may have: the gigabytes left shared
    /// between them and the per-volume limit. Too few volumes left is the count's problem
    /// ([`volumes_short`]), not a size of 0.
    pub fn largest_each(&self, count: u64) -> Option<u64> {
        let count = count.max(1);
        [self.gigabytes.map(|gb| gb / count), self.per_volume]
            .into_iter()
            .flatten()
            .min()
    }
}

/// The line next to the size that says how large it may be, and why.
pub fn maximum_hint(left: &VolumeQuotaLeft, count: u64) -> String {
    match left.largest_each(count) {
        Some(each) if each < SYSTEM_DISK_MAX_GB && count > 1 => format!(
            "At most {each} GB each: the most your volume quota allows for {count} new volumes."
        ),
        Some(each) if each < SYSTEM_DISK_MAX_GB => {
            format!("At most {each} GB: the most your volume quota allows for a new volume.")
        }
        _ => format!("At most {SYSTEM_DISK_MAX_GB} GB, the largest system disk."),
    }
}

/// Why `count` system disks of `size_gb` are more than the volume quota leaves (`each`: the
/// largest each may be), with the totals when several servers share it.
fn over_quota(size_gb: u64, count: u64, left: &VolumeQuotaLeft, each: u64) -> String {
    let fix = "or free or ask for more volume quota.";
    match left.gigabytes {
        Some(gigabytes) if count > 1 && gigabytes / count == each => format!(
            "{count} system disks of {size_gb} GB need {} GB; your volume quota leaves {gigabytes} GB. Enter at most {each} GB, create fewer servers, {fix}",
            count.saturating_mul(size_gb)
        ),
        _ => format!(
            "A system disk of {size_gb} GB is more than your volume quota allows for a new volume ({each} GB); enter at most {each} GB, {fix}"
        ),
    }
}

/// Why `count` servers cannot each get a system disk: the volume quota leaves fewer volumes
/// than that. `None` when enough are left.
pub fn volumes_short(count: u64, left: &VolumeQuotaLeft) -> Option<String> {
    let count = count.max(1);
    let volumes = left.volumes.filter(|&volumes| volumes < count)?;
    Some(match volumes {
        0 => "Your volume quota allows no more volumes, and each server needs one for its system disk: delete a volume you no longer need or ask for more volume quota.".to_owned(),
        _ => format!(
            "{count} servers need {count} new volumes for their system disks; your volume quota allows {volumes} more. Create at most {volumes} servers, or free or ask for more volume quota."
        ),
    })
}

/// The maximum and the volume quota as a rule on a parsed size, for `count` servers (each gets
/// a system disk of that size).
pub fn within_bound(
    size_gb: u64,
    count: u64,
    left: &VolumeQuotaLeft,
) -> Result<(), ValidationError> {
    let refuse = |message: String| {
        Err(ValidationError {
            field: "volume_size",
            message,
        })
    };
    // The tighter bound speaks, so the message and the hint name the same figure (a quota at
    // or above the maximum is met whenever the maximum is).
    match left
        .largest_each(count)
        .filter(|&each| each < SYSTEM_DISK_MAX_GB)
    {
        Some(each) if size_gb > each => refuse(over_quota(size_gb, count.max(1), left, each)),
        _ if size_gb > SYSTEM_DISK_MAX_GB => refuse(format!(
            "A system disk of {size_gb} GB is larger than the largest system disk ({SYSTEM_DISK_MAX_GB} GB); enter at most {SYSTEM_DISK_MAX_GB} GB and add data disks for more space."
        )),
        _ => Ok(()),
    }
}

/// What to say when the typed size is over the maximum or the quota for `count` servers;
/// `None` when it is within them or not a number (the form's own checks explain that).
pub fn over_maximum(size_text: &str, count: u64, left: &VolumeQuotaLeft) -> Option<String> {
    let size = whole_number(size_text).ok()?;
    within_bound(size, count, left)
        .err()
        .map(|error| error.message)
}

/// The hint under the volume type: the cloud's own types when it lists them.
pub fn volume_type_hint(types: Option<&[String]>) -> String {
    match types {
        Some(types) if !types.is_empty() => format!(
            "This cloud's types: {}. Leave empty for its default.",
            types.join(", ")
        ),
        Some(_) => "This cloud lists no volume types: leave empty for its default.".to_owned(),
        None => "Leave empty for the cloud's default type, or type one it knows.".to_owned(),
    }
}

/// A typed type the cloud does not list (Cinder matches names exactly); `None` when it is one
/// of them, empty, or the cloud has no list to check against.
pub fn unknown_volume_type(typed: &str, types: Option<&[String]>) -> Option<String> {
    let typed = typed.trim();
    let types = types.filter(|types| !types.is_empty())?;
    (!typed.is_empty() && !types.iter().any(|name| name == typed)).then(|| {
        format!(
            "This cloud has no volume type {typed:?}; choose one of: {}.",
            types.join(", ")
        )
    })
}

/// The smallest system disk Nova accepts for a server booting from a volume: what the image
/// needs (`minDisk`), and at least 1 GB. The flavor's root disk does not bound it.
pub fn minimum_disk_size(image: Option<&Image>) -> u64 {
    image.map_or(0, |image| image.min_disk).max(1)
}

/// The system disk size used when the user has not typed one: the minimum, or the flavor's root
/// disk when that is larger (the size the flavor was made for).
pub fn default_disk_size(image: Option<&Image>, flavor: Option<&Flavor>) -> u64 {
    minimum_disk_size(image).max(flavor.map_or(0, |flavor| flavor.disk))
}

/// The hint under the system disk size: the minimum and where it comes from, the flavor's
/// suggestion when it is larger, or what to choose to know them.
pub fn minimum_size_hint(image: Option<&Image>, flavor: Option<&Flavor>) -> String {
    let minimum = minimum_disk_size(image);
    let mut hint = match image.filter(|image| image.min_disk > 0) {
        Some(image) => format!(
            "At least {minimum} GB: the image needs {} GB.",
            image.min_disk
        ),
        None => format!("At least {minimum} GB."),
    };
    if let Some(flavor) = flavor.filter(|flavor| flavor.disk > minimum) {
        hint.push_str(&format!(
            " Suggested: {} GB, the flavor's root disk.",
            flavor.disk
        ));
    }
    hint.push_str(match (image.is_none(), flavor.is_none()) {
        (true, true) => " Choose an image and a flavor to see what they need.",
        (true, false) => " Choose an image to see what it needs.",
        (false, true) => " Choose a flavor to see what it needs.",
        (false, false) => "",
    });
    hint
}

/// True when "Use the suggested size" would change the size: the user typed something that is not
/// the suggested size (an equal number would leave the request as it is).
pub fn offers_suggested_size(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::logic::test_data::{complete_draft, flavor, image};

    #[test]
    fn the_disk_defaults_to_the_flavors_disk_or_the_minimum() {
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
    fn the_suggested_size_is_offered_only_when_it_changes_the_size() {
        let needs_40 = image(40, 0);
        let mut draft = complete_draft();
        assert!(
            !offers_suggested_size(&draft, Some(&needs_40), None),
            "nothing typed"
        );
        for typed in ["40", " 40", "040"] {
            draft.disk_size = Some(typed.to_owned());
            assert!(
                !offers_suggested_size(&draft, Some(&needs_40), None),
                "{typed:?}"
            );
        }
        for typed in ["60", "", "40.5"] {
            draft.disk_size = Some(typed.to_owned());
            assert!(
                offers_suggested_size(&draft, Some(&needs_40), None),
                "{typed:?}"
            );
        }
        // A typed size that was the suggestion is offered once a larger image raises it.
        draft.disk_size = Some("40".to_owned());
        assert!(offers_suggested_size(&draft, Some(&image(80, 0)), None));
    }

    /// A quota that leaves `gigabytes` over all volumes and sets no other bound.
    fn gigabytes_left(gigabytes: u64) -> VolumeQuotaLeft {
        VolumeQuotaLeft {
            gigabytes: Some(gigabytes),
            ..VolumeQuotaLeft::default()
        }
    }

    #[test]
    fn the_system_disk_is_bounded_by_the_maximum_and_the_quota() {
        let unbounded = VolumeQuotaLeft::default();
        assert_eq!(
            maximum_hint(&unbounded, 1),
            "At most 1024 GB, the largest system disk."
        );
        assert_eq!(
            maximum_hint(&gigabytes_left(300), 1),
            "At most 300 GB: the most your volume quota allows for a new volume."
        );
        assert_eq!(
            over_maximum("99999", 1, &unbounded).as_deref(),
            Some(
                "A system disk of 99999 GB is larger than the largest system disk (1024 GB); enter at most 1024 GB and add data disks for more space."
            )
        );
        assert_eq!(over_maximum("1024", 1, &unbounded), None);
        assert_eq!(over_maximum("40", 1, &gigabytes_left(300)), None);
        assert!(
            over_maximum("400", 1, &gigabytes_left(300))
                .unwrap()
                .contains("quota allows for a new volume (300 GB)")
        );
        assert_eq!(
            over_maximum("forty", 1, &gigabytes_left(1)),
            None,
            "not a number: said elsewhere"
        );
        // The hint and the message name the same, tighter figure.
        assert!(
            over_maximum("99999", 1, &gigabytes_left(500))
                .unwrap()
                .contains("quota allows for a new volume (500 GB)")
        );
        assert!(
            over_maximum("99999", 1, &gigabytes_left(2000))
                .unwrap()
                .contains("largest system disk (1024 GB)")
        );
        assert!(within_bound(1024, 1, &unbounded).is_ok());
        assert_eq!(
            within_bound(99_999, 1, &unbounded).unwrap_err().field,
            "volume_size"
        );
    }

    #[test]
    fn several_servers_share_what_the_volume_quota_leaves() {
        // 100 GB left: one 40 GB disk fits, three do not (120 GB).
        let left = gigabytes_left(100);
        assert!(within_bound(40, 1, &left).is_ok());
        assert!(within_bound(40, 2, &left).is_ok());
        assert_eq!(
            within_bound(40, 3, &left).unwrap_err().message,
            "3 system disks of 40 GB need 120 GB; your volume quota leaves 100 GB. Enter at most 33 GB, create fewer servers, or free or ask for more volume quota."
        );
        assert_eq!(
            maximum_hint(&left, 3),
            "At most 33 GB each: the most your volume quota allows for 3 new volumes."
        );
        assert_eq!(
            over_maximum("34", 3, &left).as_deref(),
            Some(within_bound(34, 3, &left).unwrap_err().message.as_str())
        );
        assert_eq!(over_maximum("33", 3, &left), None);
        // Each server needs a volume of its own.
        let two_volumes = VolumeQuotaLeft {
            volumes: Some(2),
            ..VolumeQuotaLeft::default()
        };
        assert!(within_bound(40, 2, &two_volumes).is_ok());
        assert_eq!(volumes_short(2, &two_volumes), None);
        assert_eq!(
            volumes_short(3, &two_volumes).as_deref(),
            Some(
                "3 servers need 3 new volumes for their system disks; your volume quota allows 2 more. Create at most 2 servers, or free or ask for more volume quota."
            )
        );
        // Too few volumes is not a size of 0 GB (the walk found "At most 0 GB each").
        assert!(within_bound(40, 3, &two_volumes).is_ok());
        assert_eq!(
            maximum_hint(&two_volumes, 3),
            "At most 1024 GB, the largest system disk."
        );
        let none_left = VolumeQuotaLeft {
            volumes: Some(0),
            ..VolumeQuotaLeft::default()
        };
        assert!(
            volumes_short(1, &none_left)
                .unwrap()
                .starts_with("Your volume quota allows no more volumes")
        );
        // The per-volume limit binds each disk whatever the count: said as for one.
        let per_volume = VolumeQuotaLeft {
            gigabytes: Some(1000),
            per_volume: Some(60),
            volumes: Some(10),
        };
        assert_eq!(per_volume.largest_each(3), Some(60));
        assert!(
            within_bound(80, 3, &per_volume)
                .unwrap_err()
                .message
                .starts_with("A system disk of 80 GB is more than your volume quota allows for a new volume (60 GB)")
        );
        // A count of 0 is the count field's problem; the disk is checked as for one.
        assert_eq!(left.largest_each(0), Some(100));
    }

    #[test]
    fn volume_types_come_from_the_cloud_and_may_be_typed_without_one() {
        let types = ["SSD".to_owned(), "SATA".to_owned()];
        assert_eq!(
            volume_type_hint(Some(&types)),
            "This cloud's types: SSD, SATA. Leave empty for its default."
        );
        assert!(volume_type_hint(None).contains("type one"));
        assert_eq!(unknown_volume_type(" SSD ", Some(&types)), None);
        assert_eq!(unknown_volume_type("", Some(&types)), None);
        assert_eq!(
            unknown_volume_type("GPSSD", Some(&types)).as_deref(),
            Some("This cloud has no volume type \"GPSSD\"; choose one of: SSD, SATA.")
        );
        assert_eq!(
            unknown_volume_type("GPSSD", None),
            None,
            "no Cinder: anything goes"
        );
        assert_eq!(unknown_volume_type("GPSSD", Some(&[])), None);
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
            "At least 40 GB: the image needs 40 GB. Suggested: 80 GB, the flavor's root disk."
        );
    }
}
