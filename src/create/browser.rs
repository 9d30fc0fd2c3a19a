//! Browser glue the form needs beyond rendering: saving the private key as a file, the clipboard,
//! reading a `.pub` file, and asking before the user leaves with an unsaved private key.
//! Nothing here stores anything: the key only passes through a Blob that is revoked at once.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;

use crate::components::history_guard::HistoryGuard;

/// Why a browser call failed, phrased for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserError(pub String);

impl std::fmt::Display for BrowserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn js_error(context: &str, value: wasm_bindgen::JsValue) -> BrowserError {
    let detail = value
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned());
    BrowserError(format!("{context}: {detail}"))
}

fn window() -> Result<web_sys::Window, BrowserError> {
    web_sys::window().ok_or_else(|| BrowserError("no browser window".to_owned()))
}

/// Offers `contents` as a download named `file_name`. The object URL is revoked right after the
/// click, so the key does not stay reachable through a `blob:` URL.
pub fn download_text(file_name: &str, contents: &str, mime: &str) -> Result<(), BrowserError> {
    let document = window()?
        .document()
        .ok_or_else(|| BrowserError("no document".to_owned()))?;
    let parts = js_sys::Array::of1(&contents.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| js_error("cannot prepare the file", e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| js_error("cannot prepare the file", e))?;
    let result = click_download_link(&document, &url, file_name);
    // Revoke even when the click failed: the URL must not outlive this call.
    let revoked = web_sys::Url::revoke_object_url(&url);
    result?;
    revoked.map_err(|e| js_error("cannot release the file", e))
}

fn click_download_link(
    document: &web_sys::Document,
    url: &str,
    file_name: &str,
) -> Result<(), BrowserError> {
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| js_error("cannot start the download", e))?
        .unchecked_into();
    anchor.set_href(url);
    anchor.set_download(file_name);
    anchor.click();
    Ok(())
}

/// Copies `text` to the clipboard.
pub async fn copy_to_clipboard(text: &str) -> Result<(), BrowserError> {
    let clipboard = window()?.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| js_error("cannot copy to the clipboard", e))
}

/// Reads a user-chosen file as text with a `FileReader`.
pub async fn read_file_text(file: &web_sys::File) -> Result<String, BrowserError> {
    let reader = web_sys::FileReader::new().map_err(|e| js_error("cannot read the file", e))?;
    let settled = js_sys::Promise::new(&mut |resolve, reject| {
        let on_load = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call1(
                &wasm_bindgen::JsValue::NULL,
                &"the browser could not read it".into(),
            );
        });
        reader.set_onload(Some(on_load.unchecked_ref()));
        reader.set_onerror(Some(on_error.unchecked_ref()));
    });
    reader
        .read_as_text(file)
        .map_err(|e| js_error("cannot read the file", e))?;
    JsFuture::from(settled)
        .await
        .map_err(|e| js_error("cannot read the file", e))?;
    reader
        .result()
        .map_err(|e| js_error("cannot read the file", e))?
        .as_string()
        .ok_or_else(|| BrowserError("cannot read the file: it is not text".to_owned()))
}

/// Asks the user to confirm dropping something shown only once (an unsaved private key, the
/// admin password).
pub fn confirm_leave(message: &str) -> bool {
    window()
        .ok()
        .and_then(|window| window.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// While alive, asks for confirmation before the tab is closed or reloaded, before an in-app
/// link is followed and before the browser's Back or Forward leaves the page. Dropping it
/// removes every listener.
pub struct LeaveGuard {
    before_unload: Closure<dyn FnMut(web_sys::BeforeUnloadEvent)>,
    link_click: Closure<dyn FnMut(web_sys::MouseEvent)>,
    /// Disarmed when dropped, with the rest.
    _history: Option<HistoryGuard>,
}

impl LeaveGuard {
    /// Installs the guard; `message` is shown for in-app links (browsers use their own text on unload).
    pub fn install(message: &'static str) -> Result<Self, BrowserError> {
        let window = window()?;
        let before_unload = Closure::<dyn FnMut(_)>::new(|event: web_sys::BeforeUnloadEvent| {
            event.prevent_default();
            // Older browsers only ask when returnValue is set.
            event.set_return_value("unsaved private key");
        });
        // The router follows links from a bubbling click listener and skips prevented events, so a
        // capturing listener that prevents the click keeps the user on the page. Links to a spot
        // on this page (`#...`) do not leave it.
        let link_click = Closure::<dyn FnMut(_)>::new(move |event: web_sys::MouseEvent| {
            let follows_link = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .and_then(|element| element.closest("a[href]:not([href^='#'])").ok().flatten())
                .is_some();
            if follows_link && !confirm_leave(message) {
                event.prevent_default();
                event.stop_immediate_propagation();
            }
        });
        window
            .add_event_listener_with_callback(
                "beforeunload",
                before_unload.as_ref().unchecked_ref(),
            )
            .map_err(|e| js_error("cannot guard the page", e))?;
        window
            .add_event_listener_with_callback_and_bool(
                "click",
                link_click.as_ref().unchecked_ref(),
                true,
            )
            .map_err(|e| js_error("cannot guard the page", e))?;
        Ok(Self {
            before_unload,
            link_click,
            _history: HistoryGuard::arm(message),
        })
    }
}

impl Drop for LeaveGuard {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "beforeunload",
                self.before_unload.as_ref().unchecked_ref(),
            );
            let _ = window.remove_event_listener_with_callback_and_bool(
                "click",
                self.link_click.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}
