//! The session's copy in this tab's sessionStorage (never localStorage or cookies).

use super::Session;
use crate::browser::storage::session as session_storage;

const SESSION_KEY: &str = "ecs-console.session";

/// The saved session, unless missing, unreadable or already expired.
pub(super) fn load() -> Option<Session> {
    let text = session_storage()?.get_item(SESSION_KEY).ok()??;
    let session: Session = serde_json::from_slice(text.as_bytes()).ok()?;
    let expired = session
        .expires_at
        .as_deref()
        .map(js_sys::Date::parse)
        .is_some_and(|expires_ms| !expires_ms.is_nan() && expires_ms <= js_sys::Date::now());
    if expired {
        clear();
        return None;
    }
    Some(session)
}

pub(super) fn save(session: &Session) {
    if let (Some(storage), Ok(text)) = (session_storage(), serde_json::to_string(session)) {
        let _ = storage.set_item(SESSION_KEY, &text);
    }
}

pub(super) fn clear() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(SESSION_KEY);
    }
}
