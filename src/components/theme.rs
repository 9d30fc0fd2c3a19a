//! Light/dark theme toggle. Without a choice the system preference applies (CSS
//! `prefers-color-scheme`); a choice sets `data-theme` on `<html>` and is remembered in
//! localStorage (it is not a secret).

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;

use crate::browser::listener::listen_while_mounted;
use crate::browser::{document, media_query, storage};

const THEME_KEY: &str = "ecs-console.theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Theme {
    Light,
    Dark,
}

impl Theme {
    fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            _ => None,
        }
    }

    fn other(self) -> Self {
        match self {
            Self::Light => Self::Dark,
            Self::Dark => Self::Light,
        }
    }
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let stored = stored_theme();
    if let Some(stored) = stored {
        set_theme_attribute(stored);
    }
    let theme = RwSignal::new(stored.unwrap_or_else(system_theme));
    // Until the user chooses, the page follows the system, so the button's label must too.
    let chosen = RwSignal::new(stored.is_some());
    if let Some(query) = dark_scheme_query() {
        let follow_system: Closure<dyn Fn()> = Closure::new(move || {
            if !chosen.get_untracked() {
                theme.set(system_theme());
            }
        });
        let _ = listen_while_mounted(query.into(), "change", false, follow_system);
    }
    let toggle = move |_| {
        let next = theme.get_untracked().other();
        theme.set(next);
        chosen.set(true);
        set_theme_attribute(next);
        remember(next);
    };
    view! {
        <button type="button" class="theme-toggle" on:click=toggle
            aria-label=move || format!("Switch to {} theme", theme.get().other().as_str())>
            {move || match theme.get() {
                Theme::Light => "Dark theme",
                Theme::Dark => "Light theme",
            }}
        </button>
    }
}

fn stored_theme() -> Option<Theme> {
    Theme::parse(&storage::local()?.get_item(THEME_KEY).ok()??)
}

fn dark_scheme_query() -> Option<web_sys::MediaQueryList> {
    media_query("(prefers-color-scheme: dark)")
}

fn system_theme() -> Theme {
    let prefers_dark = dark_scheme_query().is_some_and(|query| query.matches());
    if prefers_dark {
        Theme::Dark
    } else {
        Theme::Light
    }
}

fn set_theme_attribute(theme: Theme) {
    if let Some(root) = document().and_then(|document| document.document_element()) {
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
}

fn remember(theme: Theme) {
    if let Some(storage) = storage::local() {
        let _ = storage.set_item(THEME_KEY, theme.as_str());
    }
}
