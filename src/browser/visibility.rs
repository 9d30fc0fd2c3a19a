//! Page visibility (`document.visibilityState`).

use wasm_bindgen::closure::Closure;

use super::document;
use super::listener::listen_while_mounted;

/// True unless the page is hidden (a background tab, a minimised window).
pub fn is_page_visible() -> bool {
    document()
        .is_none_or(|document| document.visibility_state() != web_sys::VisibilityState::Hidden)
}

/// Calls `changed` on every `visibilitychange` while the calling owner lives.
pub fn on_change_while_mounted(changed: impl Fn() + 'static) {
    if let Some(document) = document() {
        let listener = Closure::<dyn Fn()>::new(changed);
        let _ = listen_while_mounted(document.into(), "visibilitychange", false, listener);
    }
}
