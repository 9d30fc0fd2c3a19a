//! The current time as a signal.

use std::time::Duration;

use leptos::prelude::*;

/// A signal of `Date.now()` that ticks every second while the calling component lives, for
/// "updated N s ago".
pub fn use_clock() -> ReadSignal<f64> {
    let (now, set_now) = signal(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || {
            set_now.try_set(js_sys::Date::now());
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    now
}
