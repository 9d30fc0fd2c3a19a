//! Files: saving text as a download, and reading a file the user chose. Nothing here stores
//! anything: a download only passes through a Blob whose URL is revoked at once.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;

use super::{BrowserError, js_error, window};

/// Offers `contents` as a download named `file_name`. The object URL is revoked right after the
/// click, so the contents (a private key) do not stay reachable through a `blob:` URL.
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

/// The file chosen in the `<input type="file">` whose `change` event this is.
pub fn chosen_file(event: &web_sys::Event) -> Option<web_sys::File> {
    let input = event
        .target()?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?;
    input.files()?.get(0)
}

/// Reads a user-chosen file as text with a `FileReader`.
pub async fn read_text(file: &web_sys::File) -> Result<String, BrowserError> {
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
