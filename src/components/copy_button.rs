//! A button that copies a value to the clipboard and says so.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::announcer::use_announcer;

/// `label` names what is copied (e.g. "IP address 10.0.0.5"), for the button's accessible name.
#[component]
pub fn CopyButton(#[prop(into)] value: String, #[prop(into)] label: String) -> impl IntoView {
    let announcer = use_announcer();
    let copied = RwSignal::new(false);
    let aria_label = format!("Copy {label}");
    let on_click = move |_| {
        let value = value.clone();
        let label = label.clone();
        spawn_local(async move {
            let result = match web_sys::window() {
                Some(window) => {
                    let promise = window.navigator().clipboard().write_text(&value);
                    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
                }
                None => false,
            };
            copied.set(result);
            announcer.announce(if result {
                format!("Copied {label}")
            } else {
                format!("Could not copy {label}: the browser refused clipboard access")
            });
        });
    };
    view! {
        <button type="button" class="copy" aria-label=aria_label on:click=on_click>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
