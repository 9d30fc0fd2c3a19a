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

#[cfg(test)]
mod tests {
    use super::*;

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
