//! Everything the user has entered in the create form, as plain data.
//!
//! One value holds the whole form so it can be kept across a 401 re-sign-in and restored as is.
//! It never holds a private key or a token: those stay in memory owned by the page.

use std::cmp::Ordering;

use crate::create::logic::names::next_server_name;
use crate::create::logic::security_groups::DEFAULT_GROUP;

/// A metadata row as typed; empty rows are ignored when the request is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataEntry {
    pub key: String,
    pub value: String,
}

/// Column the flavor table is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FlavorColumn {
    #[default]
    Name,
    Vcpus,
    Ram,
    Disk,
    Ephemeral,
    Public,
}

impl FlavorColumn {
    pub const ALL: [FlavorColumn; 6] = [
        Self::Name,
        Self::Vcpus,
        Self::Ram,
        Self::Disk,
        Self::Ephemeral,
        Self::Public,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Vcpus => "vCPUs",
            Self::Ram => "RAM",
            Self::Disk => "Disk",
            Self::Ephemeral => "Ephemeral",
            Self::Public => "Public",
        }
    }
}

/// Column the image table is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ImageColumn {
    #[default]
    Name,
    Os,
    Size,
    MinDisk,
    MinRam,
}

impl ImageColumn {
    pub const ALL: [ImageColumn; 5] = [
        Self::Name,
        Self::Os,
        Self::Size,
        Self::MinDisk,
        Self::MinRam,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Os => "OS",
            Self::Size => "Size",
            Self::MinDisk => "Min disk",
            Self::MinRam => "Min RAM",
        }
    }
}

/// A table's sort order: a column and a direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableSort<Column> {
    pub column: Column,
    pub descending: bool,
}

pub type FlavorSort = TableSort<FlavorColumn>;
pub type ImageSort = TableSort<ImageColumn>;

impl<Column: Copy + PartialEq> TableSort<Column> {
    /// The order after the user activates `column`'s heading: a new column sorts ascending, the
    /// current one flips direction.
    pub fn toggled(self, column: Column) -> Self {
        Self {
            column,
            descending: self.column == column && !self.descending,
        }
    }

    /// The `aria-sort` value for `column`'s heading.
    pub fn aria_sort(self, column: Column) -> &'static str {
        match (self.column == column, self.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }

    /// `ascending` (how two rows compare by the sort column) turned the way the table sorts.
    pub fn directed(self, ascending: Ordering) -> Ordering {
        if self.descending {
            ascending.reverse()
        } else {
            ascending
        }
    }

    /// The arrow after `column`'s heading: none unless the table is sorted by it.
    pub fn arrow(self, column: Column) -> &'static str {
        match (self.column == column, self.descending) {
            (false, _) => "",
            (true, false) => " ▲",
            (true, true) => " ▼",
        }
    }
}

/// The create form's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateDraft {
    pub zone: String,
    pub flavor_id: String,
    pub flavor_filter: String,
    pub flavor_sort: FlavorSort,
    pub image_id: String,
    pub image_filter: String,
    pub image_sort: ImageSort,
    /// Empty means every OS type.
    pub image_os_type: String,
    pub network_ids: Vec<String>,
    /// The security groups, as the request names them (see
    /// [`crate::create::logic::security_groups::request_name`]); empty lets the cloud apply
    /// `default`.
    pub security_groups: Vec<String>,
    /// The key pair the server is created with; empty for none.
    pub key_name: String,
    pub new_key_name: String,
    pub import_key_name: String,
    pub import_public_key: String,
    pub volume_type: String,
    /// Exactly what the user typed (checked, never rewritten, when the request is built);
    /// `None` while they have not typed a size: the default follows the image and flavor.
    pub disk_size: Option<String>,
    pub delete_on_termination: bool,
    pub name: String,
    /// Exactly what the user typed, like `disk_size`.
    pub count: String,
    pub admin_pass: String,
    pub user_data: String,
    pub metadata: Vec<MetadataEntry>,
}

impl Default for CreateDraft {
    fn default() -> Self {
        Self {
            zone: String::new(),
            flavor_id: String::new(),
            flavor_filter: String::new(),
            flavor_sort: FlavorSort::default(),
            image_id: String::new(),
            image_filter: String::new(),
            image_sort: ImageSort::default(),
            image_os_type: String::new(),
            network_ids: Vec::new(),
            security_groups: vec![DEFAULT_GROUP.to_owned()],
            key_name: String::new(),
            new_key_name: String::new(),
            import_key_name: String::new(),
            import_public_key: String::new(),
            volume_type: String::new(),
            disk_size: None,
            // The guide deletes the system disk with the server; keeping it is the exception.
            delete_on_termination: true,
            name: String::new(),
            count: "1".to_owned(),
            admin_pass: String::new(),
            user_data: String::new(),
            metadata: Vec::new(),
        }
    }
}

impl CreateDraft {
    /// Readies the form for another server after `created` were made from it: every choice
    /// stays, the name moves on to the next free one, and the count goes back to 1 (the
    /// suggested name is one server's; a batch again is a choice made again). True when the
    /// count was changed, so the page can say so.
    pub fn for_another(&mut self, created: u32) -> bool {
        self.name = next_server_name(&self.name, created);
        let reset = self.count.trim() != "1";
        self.count = "1".to_owned();
        reset
    }

    /// Adds `network_id` to the chosen networks, or removes it when `chosen` is false.
    pub fn choose_network(&mut self, network_id: &str, chosen: bool) {
        self.network_ids.retain(|id| id != network_id);
        if chosen {
            self.network_ids.push(network_id.to_owned());
        }
    }

    /// Adds the security group named `name` to the choice, or removes it when `chosen` is false.
    pub fn choose_security_group(&mut self, name: &str, chosen: bool) {
        self.security_groups.retain(|known| known != name);
        if chosen {
            self.security_groups.push(name.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_a_new_column_is_ascending_and_the_same_column_flips() {
        let sort = FlavorSort::default().toggled(FlavorColumn::Ram);
        assert_eq!(
            sort,
            FlavorSort {
                column: FlavorColumn::Ram,
                descending: false
            }
        );
        assert!(sort.toggled(FlavorColumn::Ram).descending);
        assert!(
            !sort
                .toggled(FlavorColumn::Ram)
                .toggled(FlavorColumn::Disk)
                .descending
        );
        assert_eq!(sort.aria_sort(FlavorColumn::Ram), "ascending");
        assert_eq!(sort.aria_sort(FlavorColumn::Name), "none");
        assert_eq!(sort.arrow(FlavorColumn::Ram), " ▲");
        assert_eq!(
            sort.toggled(FlavorColumn::Ram).arrow(FlavorColumn::Ram),
            " ▼"
        );
        assert_eq!(sort.arrow(FlavorColumn::Name), "");
        assert_eq!(sort.directed(Ordering::Less), Ordering::Less);
        assert_eq!(
            sort.toggled(FlavorColumn::Ram).directed(Ordering::Less),
            Ordering::Greater
        );
    }

    #[test]
    fn networks_are_added_once_and_removed() {
        let mut draft = CreateDraft::default();
        draft.choose_network("a", true);
        draft.choose_network("b", true);
        draft.choose_network("a", true);
        assert_eq!(draft.network_ids, ["b", "a"]);
        draft.choose_network("b", false);
        assert_eq!(draft.network_ids, ["a"]);
    }

    #[test]
    fn another_server_gets_the_next_name_and_a_count_of_one() {
        let mut draft = CreateDraft {
            name: "web".to_owned(),
            count: "3".to_owned(),
            flavor_id: "42".to_owned(),
            ..CreateDraft::default()
        };
        assert!(draft.for_another(3), "the count changed");
        assert_eq!((draft.name.as_str(), draft.count.as_str()), ("web-4", "1"));
        assert_eq!(draft.flavor_id, "42", "the choices stay");
        assert!(!draft.for_another(1), "a count of 1 is left as it is");
        assert_eq!(draft.name, "web-5");
    }

    #[test]
    fn a_new_draft_deletes_the_disk_with_the_server_and_creates_one() {
        let draft = CreateDraft::default();
        assert!(draft.delete_on_termination);
        assert_eq!(draft.count, "1");
        assert_eq!(draft.disk_size, None);
    }

    #[test]
    fn a_new_draft_chooses_the_default_group_and_groups_toggle() {
        let mut draft = CreateDraft::default();
        assert_eq!(draft.security_groups, ["default"]);
        draft.choose_security_group("closed", true);
        draft.choose_security_group("default", false);
        draft.choose_security_group("closed", true);
        assert_eq!(draft.security_groups, ["closed"]);
        draft.choose_security_group("closed", false);
        assert!(draft.security_groups.is_empty());
    }
}
