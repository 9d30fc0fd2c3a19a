//! The parts of the form a problem is shown next to: their ids (the views take them from here,
//! so the review's links cannot miss a renamed control) and labels.

use crate::create::draft::CreateDraft;

/// A part of the form a problem is shown next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Zone,
    Flavor,
    Image,
    Network,
    KeyPair,
    VolumeType,
    DiskSize,
    Name,
    Count,
    UserData,
    Metadata,
}

impl Field {
    pub const ALL: [Field; 11] = [
        Self::Zone,
        Self::Flavor,
        Self::Image,
        Self::Network,
        Self::KeyPair,
        Self::VolumeType,
        Self::DiskSize,
        Self::Name,
        Self::Count,
        Self::UserData,
        Self::Metadata,
    ];

    /// The field's label, as the form shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Zone => "Availability zone",
            Self::Flavor => "Flavor",
            Self::Image => "Image",
            Self::Network => "Network",
            Self::KeyPair => "Key pair",
            Self::VolumeType => "Volume type",
            Self::DiskSize => "System disk size (GB)",
            Self::Name => "Server name",
            Self::Count => "Count",
            Self::UserData => "User data",
            Self::Metadata => "Metadata",
        }
    }

    /// The id the field's parts are named after: its problem is shown in `<id>-error`, and a
    /// group's legend is `<id>-label`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Zone => "zone",
            Self::Flavor => "flavor",
            Self::Image => "image",
            Self::Network => "network",
            Self::KeyPair => "key-pair",
            Self::VolumeType => "volume-type",
            Self::DiskSize => "disk-size",
            Self::Name => "server-name",
            Self::Count => "server-count",
            Self::UserData => "user-data",
            Self::Metadata => "metadata",
        }
    }

    /// The id of the control to focus to fix the field: the input itself, a table's filter, or
    /// for a group of checkboxes or rows the group's label.
    pub fn control_id(self) -> &'static str {
        match self {
            Self::Zone => "zone",
            Self::Flavor => "flavor-filter",
            Self::Image => "image-filter",
            Self::Network => "network-label",
            Self::KeyPair => "key-pair",
            Self::VolumeType => "volume-type",
            Self::DiskSize => "disk-size",
            Self::Name => "server-name",
            Self::Count => "server-count",
            Self::UserData => "user-data",
            Self::Metadata => "metadata-label",
        }
    }

    /// The id of the legend (or label) of a field that is a group.
    pub fn legend_id(self) -> String {
        format!("{}-label", self.id())
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
        // A volume type has a problem only once typed.
        Field::KeyPair | Field::VolumeType | Field::Count | Field::UserData | Field::Metadata => {
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

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
    fn every_field_has_its_own_ids() {
        let ids: HashSet<&str> = Field::ALL.iter().map(|field| field.id()).collect();
        let controls: HashSet<&str> = Field::ALL.iter().map(|field| field.control_id()).collect();
        assert_eq!(ids.len(), Field::ALL.len());
        assert_eq!(controls.len(), Field::ALL.len());
        // Groups are reached through their legend.
        for group in [Field::Network, Field::Metadata] {
            assert_eq!(group.control_id(), group.legend_id());
        }
        assert_eq!(Field::Flavor.legend_id(), "flavor-label");
    }
}
