//! Page visibility as a signal, so polling can pause in hidden tabs.

use leptos::prelude::*;

use crate::browser::visibility::{is_page_visible, on_change_while_mounted};

/// True while the page is visible. Listens to `visibilitychange` until the calling component
/// is dropped.
pub fn use_page_visible() -> ReadSignal<bool> {
    let (visible, set_visible) = signal(is_page_visible());
    on_change_while_mounted(move || set_visible.set(is_page_visible()));
    visible
}
