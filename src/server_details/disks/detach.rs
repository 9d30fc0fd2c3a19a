//! The detach confirmation: names the volume, starts on Cancel, Escape cancels, and a cancelled
//! confirmation gives focus back to the row's Detach button.

use leptos::prelude::*;

use super::logic::{DiskRow, detach_question};
use super::{DISK_STATUS_ID, DiskRequest, DisksState};
use crate::browser::focus::{focus_button_or, focus_element, focused_id};

const CONFIRM_ID: &str = "detach-confirm";
const CANCEL_ID: &str = "detach-cancel";

#[component]
pub fn DetachConfirmation(row: DiskRow) -> impl IntoView {
    let state = expect_context::<DisksState>();
    let question = detach_question(&row);
    let opener = format!("detach-{}", row.volume_id);
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
            let on_cancel = focused_id().as_deref() == Some(CANCEL_ID);
            focus_element(if on_cancel { CONFIRM_ID } else { CANCEL_ID });
        }
        _ => {}
    };
    let request = DiskRequest::Detach {
        volume_id: row.volume_id.clone(),
        name: row.name.clone(),
    };
    view! {
        <div class="notice" role="alertdialog" aria-labelledby="detach-question" on:keydown=on_keydown>
            <p id="detach-question">
                {question.lead} <strong>{question.name}</strong> {question.detail}
            </p>
            <div class="row">
                <button type="button" id=CONFIRM_ID class="danger"
                    disabled=move || state.busy()
                    on:click=move |_| state.send(request.clone())>"Detach"</button>
                <button type="button" id=CANCEL_ID node_ref=cancel_button
                    on:click=move |_| close_on_click()>"Cancel"</button>
            </div>
        </div>
    }
}
