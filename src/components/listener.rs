//! Browser event listeners that live exactly as long as the component that added them.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Adds `listener` for `event` on `target` (in the capture phase when `capture`) and removes it
/// when the calling component goes. A listener the browser refuses is simply not added.
pub fn listen_while_mounted<T: ?Sized + 'static>(
    target: web_sys::EventTarget,
    event: &'static str,
    capture: bool,
    listener: Closure<T>,
) {
    let added = target
        .add_event_listener_with_callback_and_bool(
            event,
            listener.as_ref().unchecked_ref(),
            capture,
        )
        .is_ok();
    if added {
        let registration = SendWrapper::new((target, listener));
        on_cleanup(move || {
            let (target, listener) = registration.take();
            let _ = target.remove_event_listener_with_callback_and_bool(
                event,
                listener.as_ref().unchecked_ref(),
                capture,
            );
        });
    }
}
