//! Browser glue: every call into the page's `window` and `document` (besides `fetch`, which
//! `api` makes) lives here. Nothing here renders; components and hooks call these functions.

pub mod clipboard;
pub mod files;
pub mod focus;
pub mod history_guard;
pub mod leave_guard;
pub mod listener;
pub mod open;
pub mod storage;
pub mod visibility;
pub mod worker;

use wasm_bindgen::JsCast;

/// Why a browser call failed, phrased for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserError(pub String);

impl std::fmt::Display for BrowserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A refusal from the browser, with what was being done (`context`) and its own message.
fn js_error(context: &str, value: wasm_bindgen::JsValue) -> BrowserError {
    let detail = value
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned());
    BrowserError(format!("{context}: {detail}"))
}

pub fn window() -> Result<web_sys::Window, BrowserError> {
    web_sys::window().ok_or_else(|| BrowserError("no browser window".to_owned()))
}

pub fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Asks the user `question` in the browser's own dialog; false when they decline (or there is
/// no window to ask in).
pub fn confirm(question: &str) -> bool {
    window()
        .ok()
        .and_then(|window| window.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// The app path the user is on (path, query and fragment), for returning after sign-in.
pub fn current_location() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}{}",
        location.pathname().ok()?,
        location.search().unwrap_or_default(),
        location.hash().unwrap_or_default()
    ))
}

/// `url` made absolute against the page's origin (the proxy's URLs are origin-relative).
pub fn absolute_url(url: String) -> String {
    if url.starts_with('/') {
        let origin = web_sys::window()
            .and_then(|window| window.location().origin().ok())
            .unwrap_or_default();
        format!("{origin}{url}")
    } else {
        url
    }
}

/// The media query list for `query` (e.g. `(prefers-color-scheme: dark)`).
pub fn media_query(query: &str) -> Option<web_sys::MediaQueryList> {
    web_sys::window()?.match_media(query).ok().flatten()
}
