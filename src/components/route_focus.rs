//! Focus after a route change: keyboard and screen-reader users start reading the page they
//! just opened.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::browser::focus::focus_main_heading_soon;

/// After every route change (not the first page load), moves focus to the new page's main
/// heading (see [`focus_main_heading_soon`]).
#[component]
pub fn RouteFocus() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            // Looked up after the router has swapped the page, not the old page's heading.
            focus_main_heading_soon();
        }
        path
    });
}
