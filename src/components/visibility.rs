//! Page visibility (`document.visibilityState`) as a signal, so polling can pause in hidden tabs.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// True while the page is visible. Listens to `visibilitychange` until the calling component
/// is dropped.
pub fn use_page_visible() -> ReadSignal<bool> {
    let (visible, set_visible) = signal(is_page_visible());
    let Some(document) = document_opt() else {
        return visible;
    };
    let listener = Closure::<dyn Fn()>::new(move || set_visible.set(is_page_visible()));
    let added = document
        .add_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref())
        .is_ok();
    if added {
        let registration = SendWrapper::new((document, listener));
        on_cleanup(move || {
            let (document, listener) = registration.take();
            let _ = document.remove_event_listener_with_callback(
                "visibilitychange",
                listener.as_ref().unchecked_ref(),
            );
        });
    }
    visible
}

fn is_page_visible() -> bool {
    document_opt()
        .is_none_or(|document| document.visibility_state() != web_sys::VisibilityState::Hidden)
}

fn document_opt() -> Option<web_sys::Document> {
    web_sys::window().and_then(|window| window.document())
}
