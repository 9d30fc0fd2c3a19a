//! Asking before the create page goes while it shows something the cloud returns only once: a
//! private key not yet confirmed as saved, or an admin password not yet confirmed as noted.

use leptos::prelude::*;

use super::CreatePage;
use super::logic::leaving::leave_question;
use crate::browser::confirm;
use crate::browser::leave_guard::guard_leaving_while_mounted;
use crate::components::announcer::use_announcer;

impl CreatePage {
    /// The question to ask before leaving now, or `None` (tracked).
    fn leave_question(self) -> Option<&'static str> {
        let key_unsaved = self
            .generated_key
            .with(|key| key.as_ref().is_some_and(|key| !key.saved));
        leave_question(key_unsaved, self.admin_password_unnoted.get())
    }
}

/// Asks before the tab closes, reloads, follows an in-app link, goes Back/Forward or signs out
/// while something shown once would be lost; the listeners go as soon as nothing would be, or
/// when the page goes.
pub fn guard_leaving(page: CreatePage) {
    let question = Memo::new(move |_| page.leave_question());
    let announcer = use_announcer();
    // Keeps the browser's listeners in step with what is unsaved (an external system, hence an
    // effect). Each run's listeners are removed before the next: a new question replaces the
    // guard, so the dialog says what would be lost.
    Effect::new(move |_| {
        if let Some(question) = question.get()
            && let Err(error) = guard_leaving_while_mounted(question)
        {
            announcer.announce(format!(
                "Save what is shown only once before leaving: the page cannot warn you ({error})."
            ));
        }
    });
}

/// For the page's own ways out (its buttons): true when nothing would be lost, or when the user
/// confirms.
pub fn may_leave(page: CreatePage) -> bool {
    untrack(|| page.leave_question()).is_none_or(confirm)
}
