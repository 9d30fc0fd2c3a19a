//! One polite aria-live region for the whole app: status changes are announced to screen readers.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Announcer {
    message: RwSignal<String>,
}

impl Default for Announcer {
    fn default() -> Self {
        Self::new()
    }
}

impl Announcer {
    pub fn new() -> Self {
        Self {
            message: RwSignal::new(String::new()),
        }
    }

    /// Announces `message`; repeating the same text is announced again.
    pub fn announce(&self, message: impl Into<String>) {
        let message = message.into();
        if self.message.get_untracked() == message {
            // Screen readers skip unchanged text: blank it first so the repeat is read out.
            self.message.set(String::new());
        }
        self.message.set(message);
    }

    pub fn message(&self) -> String {
        self.message.get()
    }
}

pub fn use_announcer() -> Announcer {
    expect_context::<Announcer>()
}

/// The live region itself, rendered once by the app shell.
#[component]
pub fn LiveRegion() -> impl IntoView {
    let announcer = use_announcer();
    view! {
        <div id="live-region" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || announcer.message()}
        </div>
    }
}
