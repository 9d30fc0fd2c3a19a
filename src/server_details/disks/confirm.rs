//! The section's confirmations (detach a disk, delete a volume): the question names the volume,
//! focus starts on Cancel, Escape cancels, Tab stays on the two buttons, and a cancelled
//! confirmation gives focus back to the button that opened it.

use leptos::prelude::*;

use super::logic::{DiskRow, Question, VolumeRef, delete_question, detach_question};
use super::{DISK_STATUS_ID, DiskRequest, DisksState};
use crate::browser::focus::{focus_button_or, focus_element, focused_id};

/// Which change is being confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    Detach,
    Delete,
}

impl ConfirmKind {
    /// The ids of the question, the confirm button and the Cancel button.
    fn ids(self) -> [&'static str; 3] {
        match self {
            Self::Detach => ["detach-question", "detach-confirm", "detach-cancel"],
            Self::Delete => [
                "delete-volume-question",
                "delete-volume-confirm",
                "delete-volume-cancel",
            ],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Detach => "Detach",
            Self::Delete => "Delete",
        }
    }
}

/// An open confirmation: what it asks, and the button that opened it (focus returns there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub kind: ConfirmKind,
    pub volume: VolumeRef,
    pub question: Question,
    pub opener: String,
}

impl Confirm {
    pub fn detach(row: &DiskRow) -> Self {
        Self {
            kind: ConfirmKind::Detach,
            volume: VolumeRef::of_row(row),
            question: detach_question(row),
            opener: detach_button_id(&row.volume_id),
        }
    }

    pub fn delete(volume: VolumeRef, opener: &str) -> Self {
        Self {
            kind: ConfirmKind::Delete,
            question: delete_question(&volume),
            volume,
            opener: opener.to_owned(),
        }
    }

    fn request(&self) -> DiskRequest {
        match self.kind {
            ConfirmKind::Detach => DiskRequest::Detach(self.volume.clone()),
            ConfirmKind::Delete => DiskRequest::Delete(self.volume.clone()),
        }
    }
}

/// The id of a row's Detach button.
pub fn detach_button_id(volume_id: &str) -> String {
    format!("detach-{volume_id}")
}

#[component]
pub fn Confirmation(confirm: Confirm) -> impl IntoView {
    let state = expect_context::<DisksState>();
    let [question_id, confirm_id, cancel_id] = confirm.kind.ids();
    let request = confirm.request();
    let Confirm {
        kind,
        question,
        opener,
        ..
    } = confirm;
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel_button.get() {
            let _ = button.focus();
        }
    });
    let close = move || {
        state.confirming.set(None);
        focus_button_or(&opener, DISK_STATUS_ID);
    };
    let close_on_click = close.clone();
    let on_keydown = move |event: leptos::ev::KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            event.prevent_default();
            close();
        }
        // Two buttons: Tab goes to the other one, both ways.
        "Tab" => {
            event.prevent_default();
            let on_cancel = focused_id().as_deref() == Some(cancel_id);
            focus_element(if on_cancel { confirm_id } else { cancel_id });
        }
        _ => {}
    };
    view! {
        <div class="notice" role="alertdialog" aria-labelledby=question_id on:keydown=on_keydown>
            <p id=question_id>
                {question.lead} <strong>{question.name}</strong> {question.detail}
            </p>
            <div class="row">
                <button type="button" id=confirm_id class="danger"
                    disabled=move || state.busy()
                    on:click=move |_| state.send(request.clone())>{kind.label()}</button>
                <button type="button" id=cancel_id node_ref=cancel_button
                    on:click=move |_| close_on_click()>"Cancel"</button>
            </div>
        </div>
    }
}
