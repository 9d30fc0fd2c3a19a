//! Opening a page in a new tab.

use super::{BrowserError, js_error, window};

/// Opens `url` in a new tab that gets no handle on this page (`noopener`) and is not told its
/// address (`noreferrer`). With `noopener` the browser hands back no window either, so whether a
/// pop-up blocker stopped the tab cannot be known: callers show a link to it as well.
pub fn open_in_new_tab(url: &str) -> Result<(), BrowserError> {
    window()?
        .open_with_url_and_target_and_features(url, "_blank", "noopener,noreferrer")
        .map(|_| ())
        .map_err(|error| js_error("cannot open a new tab", error))
}
