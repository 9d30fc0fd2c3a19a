//! A button that copies a value to the clipboard and says so.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::clipboard;
use crate::components::announcer::use_announcer;

/// `label` names what is copied (e.g. "IP address 10.0.0.5"): the button reads "Copy" and its
/// accessible name is "Copy {label}". Where several copy buttons sit together, `text` names the
/// copied thing on the button itself ("JSON body" shows "Copy JSON body"); the visible text is
/// then the accessible name, so what is seen is what a screen reader or voice control uses.
#[component]
pub fn CopyButton(
    #[prop(into)] value: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] text: Option<String>,
) -> impl IntoView {
    let announcer = use_announcer();
    let copied = RwSignal::new(false);
    let aria_label = text.is_none().then(|| format!("Copy {label}"));
    let on_click = move |_| {
        let value = value.clone();
        let label = label.clone();
        spawn_local(async move {
            let result = clipboard::write_text(&value).await.is_ok();
            copied.set(result);
            announcer.announce(if result {
                format!("Copied {label}")
            } else {
                format!("Could not copy {label}: the browser refused clipboard access")
            });
        });
    };
    let shown = move || {
        let verb = if copied.get() { "Copied" } else { "Copy" };
        match &text {
            Some(text) => format!("{verb} {text}"),
            None => verb.to_owned(),
        }
    };
    view! {
        <button type="button" class="copy" aria-label=aria_label on:click=on_click>
            {shown}
        </button>
    }
}
