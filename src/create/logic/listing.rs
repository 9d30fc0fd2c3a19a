//! Long lists (flavors, images) render at most [`MAX_ROWS`] rows; the filter narrows them.

/// Most rows rendered at once, so every keystroke in a filter stays fast on clouds with
/// thousands of flavors or images.
pub const MAX_ROWS: usize = 50;

/// What a table lists: how many items the filter matches of those offered, and how many the
/// cloud returned that are never offered (disabled flavors, images that are not ACTIVE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub matching: usize,
    pub offered: usize,
    pub not_offered: usize,
}

/// The line above a table: how many items match, whether only the first rows are shown, what
/// to do when nothing matches, and how many are not offered and why. `noun` is plural
/// ("flavors"); `not_offered_reason` says why some are left out ("disabled").
pub fn summary(counts: Counts, noun: &str, not_offered_reason: &str) -> String {
    let Counts {
        matching,
        offered,
        not_offered,
    } = counts;
    let shown = if matching > MAX_ROWS {
        format!(
            "Showing {MAX_ROWS} of {matching} matching {noun}; type in the filter to narrow the list."
        )
    } else if matching == 0 && offered > 0 {
        format!("No {noun} match the filter; clear it to see all {offered}.")
    } else {
        format!("{matching} of {offered} {noun}")
    };
    match not_offered {
        0 => shown,
        1 => format!("{shown} (1 more is {not_offered_reason}, so not offered)"),
        more => format!("{shown} ({more} more are {not_offered_reason}, so not offered)"),
    }
}

/// The line saying where the chosen item went when the table does not show it: "Chosen: NAME
/// (hidden by the filter)", or past the rows shown. `listed` is what the filter matches, in
/// order; `chosen` is the chosen item's position in the loaded list (an item the table offers).
pub fn hidden_choice_text(name: &str, listed: &[usize], chosen: usize) -> Option<String> {
    let place = match listed.iter().position(|&index| index == chosen) {
        Some(row) if row < MAX_ROWS => return None,
        Some(_) => "not among the rows shown; type in the filter to see it",
        None => "hidden by the filter",
    };
    Some(format!("Chosen: {name} ({place})"))
}

/// A list put in display order once, each item with the lower-cased texts the filter searches.
/// Built when the list or its order changes; a keystroke then only compares text (no sorting,
/// no lower-casing), which keeps it fast on thousands of items.
#[derive(Clone, Debug, PartialEq)]
pub struct Searchable {
    /// Position in the loaded list, and its searchable texts lower-cased.
    entries: Vec<(usize, Vec<String>)>,
}

impl Searchable {
    /// The positions in `order`, each searchable by the texts `fields` gives for it.
    pub fn new(order: Vec<usize>, fields: impl Fn(usize) -> Vec<String>) -> Self {
        let entries = order
            .into_iter()
            .map(|index| {
                let texts = fields(index)
                    .iter()
                    .map(|text| text.to_lowercase())
                    .collect();
                (index, texts)
            })
            .collect();
        Self { entries }
    }

    /// How many items the list offers (before any filter).
    pub fn count(&self) -> usize {
        self.entries.len()
    }

    /// The positions, in order, of the items that `keep` accepts and one of whose texts contains
    /// `filter` (trimmed, ignoring case).
    pub fn matching(&self, filter: &str, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        let needle = filter.trim().to_lowercase();
        self.entries
            .iter()
            .filter(|(index, texts)| {
                keep(*index)
                    && (needle.is_empty() || texts.iter().any(|text| text.contains(&needle)))
            })
            .map(|(index, _)| *index)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_keeps_the_order_and_ignores_case() {
        let names = ["beta", "Alpha", "gamma"];
        let searchable = Searchable::new(vec![1, 0, 2], |index| {
            vec![names[index].to_owned(), format!("id-{index}")]
        });
        assert_eq!(searchable.matching("", |_| true), [1, 0, 2]);
        assert_eq!(searchable.matching(" A ", |_| true), [1, 0, 2]);
        assert_eq!(searchable.matching("ALPHA", |_| true), [1]);
        assert_eq!(searchable.matching("id-2", |_| true), [2]);
        assert_eq!(searchable.matching("", |index| index != 0), [1, 2]);
        assert!(searchable.matching("delta", |_| true).is_empty());
    }

    #[test]
    fn a_chosen_item_the_table_does_not_show_is_named() {
        assert_eq!(hidden_choice_text("m1.small", &[4, 2, 7], 2), None);
        assert_eq!(
            hidden_choice_text("m1.small", &[4, 7], 2).as_deref(),
            Some("Chosen: m1.small (hidden by the filter)")
        );
        let many: Vec<usize> = (0..=MAX_ROWS).collect();
        assert_eq!(hidden_choice_text("last shown", &many, MAX_ROWS - 1), None);
        assert_eq!(
            hidden_choice_text("m1.small", &many, MAX_ROWS).as_deref(),
            Some("Chosen: m1.small (not among the rows shown; type in the filter to see it)")
        );
    }

    #[test]
    fn the_summary_counts_what_is_offered_and_says_what_to_do() {
        let counts = |matching, offered, not_offered| Counts {
            matching,
            offered,
            not_offered,
        };
        assert_eq!(
            summary(counts(3, 10, 0), "flavors", "disabled"),
            "3 of 10 flavors"
        );
        assert_eq!(
            summary(counts(MAX_ROWS, 10_000, 0), "images", "not ACTIVE"),
            format!("{MAX_ROWS} of 10000 images")
        );
        assert_eq!(
            summary(counts(MAX_ROWS + 1, 10_000, 0), "images", "not ACTIVE"),
            format!(
                "Showing {MAX_ROWS} of {} matching images; type in the filter to narrow the list.",
                MAX_ROWS + 1
            )
        );
        assert_eq!(
            summary(counts(0, 9, 1), "flavors", "disabled"),
            "No flavors match the filter; clear it to see all 9. (1 more is disabled, so not offered)"
        );
        assert_eq!(
            summary(counts(5, 5, 2), "images", "not ACTIVE"),
            "5 of 5 images (2 more are not ACTIVE, so not offered)"
        );
        assert_eq!(
            summary(counts(0, 0, 0), "flavors", "disabled"),
            "0 of 0 flavors"
        );
    }
}
