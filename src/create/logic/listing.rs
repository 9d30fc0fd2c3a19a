//! Long lists (flavors, images) render at most [`MAX_ROWS`] rows; the filter narrows them.

/// Most rows rendered at once, so every keystroke in a filter stays fast on clouds with
/// thousands of flavors or images.
pub const MAX_ROWS: usize = 100;

/// The line above a table: how many items match and whether only the first rows are shown.
/// `noun` is plural ("flavors").
pub fn summary(matching: usize, total: usize, noun: &str) -> String {
    if matching > MAX_ROWS {
        format!(
            "Showing {MAX_ROWS} of {matching} matching {noun}; type in the filter to narrow the list."
        )
    } else {
        format!("{matching} of {total} {noun}")
    }
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
    fn a_long_match_says_only_the_first_rows_are_shown() {
        assert_eq!(summary(3, 10, "flavors"), "3 of 10 flavors");
        assert_eq!(
            summary(MAX_ROWS, 10_000, "images"),
            format!("{MAX_ROWS} of 10000 images")
        );
        assert_eq!(
            summary(MAX_ROWS + 1, 10_000, "images"),
            format!(
                "Showing {MAX_ROWS} of {} matching images; type in the filter to narrow the list.",
                MAX_ROWS + 1
            )
        );
    }
}
