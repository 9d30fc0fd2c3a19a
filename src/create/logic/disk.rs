//! The system disk's size: its minimum, its default and what the field shows.

use ecs_api::models::{Flavor, Image};

use super::numbers::whole_number;
use crate::create::draft::CreateDraft;

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
