//! Keyboard focus: moving it on purpose, and finding out where it is.

use std::time::Duration;

use leptos::prelude::{request_animation_frame, set_timeout};
use wasm_bindgen::JsCast;

use super::document;

/// Focuses the element with `id`, when there is one.
pub fn focus_element(id: &str) {
    let element = document().and_then(|document| document.get_element_by_id(id));
    if let Some(element) =
        element.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Focuses the element with `id` once the pending render has happened: for an element that a
/// state change is about to show (or to re-create after the focused button went away).
pub fn focus_after_render(id: &'static str) {
    request_animation_frame(move || focus_element(id));
}

/// The id of the element that has keyboard focus ("" for one without an id).
pub fn focused_id() -> Option<String> {
    document()?.active_element().map(|element| element.id())
}

/// True when nothing useful has focus: the focused element was removed (the browser then
/// focuses the body), or nothing is focused at all.
pub fn focus_is_lost() -> bool {
    let Some(document) = document() else {
        return false;
    };
    match (document.active_element(), document.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => active == *body.as_ref(),
        (Some(_), None) => false,
    }
}

/// Focuses the button `id` when it can take focus (it may have been disabled meanwhile),
/// otherwise the element `fallback_id`: never the page body.
pub fn focus_button_or(id: &str, fallback_id: &str) {
    let enabled = document()
        .and_then(|document| document.get_element_by_id(id))
        .is_some_and(|button| !button.has_attribute("disabled"));
    focus_element(if enabled { id } else { fallback_id });
}

/// Focuses the control `id` names, or for a group's label (networks, metadata) the group's
/// first control. False when there is nothing to focus.
pub fn focus_control(id: &str) -> bool {
    let Some(target) = document().and_then(|document| document.get_element_by_id(id)) else {
        return false;
    };
    const CONTROLS: &str = "input, select, textarea, button";
    let control = if target.matches(CONTROLS).unwrap_or(false) {
        Some(target)
    } else {
        target
            .closest("fieldset")
            .ok()
            .flatten()
            .and_then(|group| group.query_selector(CONTROLS).ok().flatten())
    };
    control
        .and_then(|control| control.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|control| control.focus().is_ok())
}

/// How often, and how many times, to look for the new page's heading: a page that loads its
/// data first (server details) renders its heading a little later.
const HEADING_RETRY: Duration = Duration::from_millis(100);
const HEADING_ATTEMPTS: u32 = 15;

/// Moves focus to the new page's `main h1` once the router has swapped the page, or to `main`
/// itself when the page has no heading after a short wait; unless the user is already typing in
/// a field by then.
pub fn focus_main_heading_soon() {
    set_timeout(|| focus_main_heading(HEADING_ATTEMPTS), HEADING_RETRY);
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
