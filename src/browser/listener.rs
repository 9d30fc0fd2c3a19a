//! Browser event listeners that live exactly as long as the reactive owner that added them (a
//! component, or one run of an effect).

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::{BrowserError, js_error};

/// Adds `listener` for `event` on `target` (in the capture phase when `capture`) and removes it
/// when the calling owner is cleaned up. A listener the browser refuses is not added.
pub fn listen_while_mounted<T: ?Sized + 'static>(
    target: web_sys::EventTarget,
    event: &'static str,
    capture: bool,
    listener: Closure<T>,
) -> Result<(), BrowserError> {
    target
        .add_event_listener_with_callback_and_bool(
            event,
            listener.as_ref().unchecked_ref(),
            capture,
        )
        .map_err(|error| js_error(&format!("cannot listen to {event}"), error))?;
    let registration = SendWrapper::new((target, listener));
    on_cleanup(move || {
        let (target, listener) = registration.take();
        let _ = target.remove_event_listener_with_callback_and_bool(
            event,
            listener.as_ref().unchecked_ref(),
            capture,
        );
    });
    Ok(())
}
