//! Keyboard focus: moving it on purpose, and to the new page's main heading after a route
//! change, so keyboard and screen-reader users start reading the page they just opened.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

/// How often, and how many times, to look for the new page's heading: a page that loads its
/// data first (server details) renders its heading a little later.
const HEADING_RETRY: Duration = Duration::from_millis(100);
const HEADING_ATTEMPTS: u32 = 15;

/// Focuses the element with `id`, when there is one.
pub fn focus_element(id: &str) {
    let element = document().and_then(|document| document.get_element_by_id(id));
    if let Some(element) =
        element.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The id of the element that has keyboard focus ("" for one without an id).
pub fn focused_id() -> Option<String> {
    document()?.active_element().map(|element| element.id())
}

/// Focuses the element with `id` once the pending render has happened: for an element that a
/// state change is about to show (or to re-create after the focused button went away).
pub fn focus_after_render(id: &'static str) {
    request_animation_frame(move || focus_element(id));
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// After every route change (not the first page load), moves focus to the new page's `main h1`,
/// or to `main` itself when the page has no heading yet after a short wait; unless the user is
/// already typing in a field by then.
#[component]
pub fn RouteFocus() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            // Looked up after the router has swapped the page, not the old page's heading.
            set_timeout(move || focus_main_heading(HEADING_ATTEMPTS), HEADING_RETRY);
        }
        path
    });
}

fn focus_main_heading(attempts_left: u32) {
    let Some(document) = document() else { return };
    // Someone already typing in a field of the new page keeps their place.
    let typing = document
        .active_element()
        .is_some_and(|active| active.matches("input, select, textarea").unwrap_or(false));
    if typing {
        return;
    }
    let heading = document
        .query_selector("main h1")
        .ok()
        .flatten()
        .and_then(|heading| heading.dyn_into::<web_sys::HtmlElement>().ok());
    match heading {
        Some(heading) => {
            // Headings are not focusable by default; -1 keeps them out of the Tab order.
            if !heading.has_attribute("tabindex") {
                let _ = heading.set_attribute("tabindex", "-1");
            }
            let _ = heading.focus();
        }
        None if attempts_left > 0 => {
            set_timeout(move || focus_main_heading(attempts_left - 1), HEADING_RETRY);
        }
        None => focus_element("main"),
    }
}
