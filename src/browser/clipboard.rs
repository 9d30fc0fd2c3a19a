//! Writing to the clipboard.

use wasm_bindgen_futures::JsFuture;

use super::{BrowserError, js_error, window};

/// Copies `text` to the clipboard.
pub async fn write_text(text: &str) -> Result<(), BrowserError> {
    let clipboard = window()?.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| js_error("cannot copy to the clipboard", e))
}
