//! Page visibility (`document.visibilityState`) as a signal, so polling can pause in hidden tabs.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;

use crate::components::listener::listen_while_mounted;

/// True while the page is visible. Listens to `visibilitychange` until the calling component
/// is dropped.
pub fn use_page_visible() -> ReadSignal<bool> {
    let (visible, set_visible) = signal(is_page_visible());
    let Some(document) = document_opt() else {
        return visible;
    };
    let listener = Closure::<dyn Fn()>::new(move || set_visible.set(is_page_visible()));
    listen_while_mounted(document.into(), "visibilitychange", false, listener);
    visible
}

fn is_page_visible() -> bool {
    document_opt()
        .is_none_or(|document| document.visibility_state() != web_sys::VisibilityState::Hidden)
}

fn document_opt() -> Option<web_sys::Document> {
    web_sys::window().and_then(|window| window.document())
}
