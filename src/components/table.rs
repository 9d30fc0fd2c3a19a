//! Table pieces shared by the lists.

use leptos::prelude::*;

/// A `<thead>` with one column header (`scope="col"`) per name.
#[component]
pub fn ColumnHeads(columns: &'static [&'static str]) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {columns.iter().map(|column| view! { <th scope="col">{*column}</th> }).collect_view()}
            </tr>
        </thead>
    }
}
