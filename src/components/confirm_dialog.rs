//! An in-page question before a step that loses something: a modal `<dialog>` (the page behind
//! is inert), focus starting on Cancel, Escape or Cancel giving focus back to the button that
//! asked, and a confirm button that names the step. Used where the browser's own `confirm()`
//! would otherwise ask (it looks like another site's and cannot be styled or themed).

use leptos::html::Dialog;
use leptos::prelude::*;

use crate::browser::focus::focus_element;

/// The question's words and the ids of its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    /// The dialog's id; its title is `<id>-title`, its buttons `<id>-confirm` and `<id>-cancel`.
    pub id: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    pub confirm_label: &'static str,
    /// The button that asked: focus goes back there when the question is cancelled.
    pub opener: &'static str,
}

/// Shows `question` while `open` is true; `on_confirm` runs when the user confirms.
#[component]
pub fn ConfirmDialog(
    question: Question,
    open: RwSignal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    // Opening is a DOM call: shown modal whenever the question is open.
    Effect::new(move |_| {
        if open.get()
            && let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    });
    let confirm = move |_| {
        open.set(false);
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
        on_confirm.run(());
    };
    // Escape and Cancel close the dialog while the question is still open: focus goes back.
    let closed = move |_| {
        if open.get_untracked() {
            open.set(false);
            focus_element(question.opener);
        }
    };
    let title_id = format!("{}-title", question.id);
    let labelled_by = title_id.clone();
    view! {
        <dialog node_ref=dialog id=question.id class="card confirm-dialog" aria-labelledby=labelled_by
            on:close=closed>
            <h2 id=title_id>{question.title}</h2>
            <p>{question.text}</p>
            <div class="row">
                <button type="button" id=format!("{}-confirm", question.id) class="danger" on:click=confirm>
                    {question.confirm_label}
                </button>
                <form method="dialog">
                    <button id=format!("{}-cancel", question.id) autofocus>"Cancel"</button>
                </form>
            </div>
        </dialog>
    }
}
