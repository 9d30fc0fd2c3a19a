//! Asking before the user leaves a page that shows something it cannot show again.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::listener::listen_while_mounted;
use super::{BrowserError, confirm, history_guard, window};

/// While the calling owner lives (a component, or one run of an effect), asks `question` before
/// an in-app link is followed or the browser's Back or Forward leaves the page, and has the
/// browser ask before the tab is closed or reloaded (browsers use their own words there).
pub fn guard_leaving_while_mounted(question: &'static str) -> Result<(), BrowserError> {
    let window = window()?;
    let before_unload = Closure::<dyn FnMut(_)>::new(|event: web_sys::BeforeUnloadEvent| {
        event.prevent_default();
        // Older browsers only ask when returnValue is set.
        event.set_return_value("unsaved private key");
    });
    // The router follows links from a bubbling click listener and skips prevented events, so a
    // capturing listener that prevents the click keeps the user on the page. Links to a spot
    // on this page (`#...`) do not leave it.
    let link_click = Closure::<dyn FnMut(_)>::new(move |event: web_sys::MouseEvent| {
        let follows_link = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]:not([href^='#'])").ok().flatten())
            .is_some();
        if follows_link && !confirm(question) {
            event.prevent_default();
            event.stop_immediate_propagation();
        }
    });
    let target: web_sys::EventTarget = window.into();
    listen_while_mounted(target.clone(), "beforeunload", false, before_unload)?;
    listen_while_mounted(target, "click", true, link_click)?;
    history_guard::arm_while_mounted(question);
    Ok(())
}
