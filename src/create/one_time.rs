//! Asking before the create page goes while it shows something the cloud returns only once: a
//! private key not yet confirmed as saved, or an admin password not yet confirmed as noted.

use leptos::prelude::*;

use super::CreatePage;
use super::logic::keyfile::key_on_leaving;
use super::logic::leaving::leave_question;
use crate::browser::confirm;
use crate::keypairs::forms::ask_before_leaving;

impl CreatePage {
    /// The question to ask before leaving now, or `None` (tracked).
    fn leave_question(self) -> Option<&'static str> {
        let key = self.generated_keys.with(|keys| key_on_leaving(keys));
        leave_question(key, self.admin_password_unnoted.get())
    }
}

/// Asks before the tab closes, reloads, follows an in-app link, goes Back/Forward or signs out
/// while something shown once would be lost; the listeners go as soon as nothing would be, or
/// when the page goes.
pub fn guard_leaving(page: CreatePage) {
    ask_before_leaving(Memo::new(move |_| page.leave_question()));
}

/// For the page's own ways out (its buttons): true when nothing would be lost, or when the user
/// confirms.
pub fn may_leave(page: CreatePage) -> bool {
    untrack(|| page.leave_question()).is_none_or(confirm)
}
