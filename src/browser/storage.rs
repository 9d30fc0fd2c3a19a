//! The page's Web Storage areas.

/// This tab's sessionStorage (forgotten when the tab closes).
pub fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The origin's localStorage (kept across visits; never for secrets).
pub fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
