//! Keyed lists: a row is built when its key first appears and kept (moved, not rebuilt) while
//! its key stays. Every list of the app goes through [`KeyedRows`], so the download holds one
//! copy of `<For>`'s keyed diff instead of one per list.

use std::hash::{DefaultHasher, Hash, Hasher};

use leptos::prelude::*;

/// A row of a keyed list: `key` identifies it (an equal key keeps the row as it is), `position`
/// is where its data is in the list when the row is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowKey {
    pub key: u64,
    pub position: usize,
}

impl RowKey {
    /// A row identified by its place: it stays while the list is at least this long, and reads
    /// its content reactively.
    pub fn at(position: usize) -> Self {
        Self {
            key: position as u64,
            position,
        }
    }

    /// A row identified by what it shows: it moves with its content, and a change to its
    /// content rebuilds it.
    pub fn showing(position: usize, content: &impl Hash) -> Self {
        let mut hasher = DefaultHasher::new();
        content.hash(&mut hasher);
        Self {
            key: hasher.finish(),
            position,
        }
    }
}

/// The rows `rows` lists, each built by `row` from its position.
#[component]
pub fn KeyedRows(rows: Signal<Vec<RowKey>>, row: Callback<usize, AnyView>) -> impl IntoView {
    view! {
        <For each=move || rows.get() key=|row: &RowKey| row.key let:key>
            {row.run(key.position)}
        </For>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_keyed_by_place_or_by_content() {
        assert_eq!(
            RowKey::at(3),
            RowKey {
                key: 3,
                position: 3
            }
        );
        let web = RowKey::showing(0, &("web-1", "ACTIVE"));
        let moved = RowKey::showing(4, &("web-1", "ACTIVE"));
        assert_eq!(
            web.key, moved.key,
            "the same content keeps its row wherever it is"
        );
        assert_eq!(moved.position, 4);
        assert_ne!(web.key, RowKey::showing(0, &("web-1", "SHUTOFF")).key);
    }
}
