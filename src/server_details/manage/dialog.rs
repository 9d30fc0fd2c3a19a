//! The manage card's dialog: a modal `<dialog>` (the page behind is inert, Escape cancels)
//! whose form checks its fields, sends one request through the actions card and closes once the
//! cloud accepted it; a refusal is shown inside, and the dialog stays for another try.

use leptos::html::Dialog;
use leptos::prelude::*;

use super::{DialogContext, Manage};
use crate::components::error_notice::ErrorNotice;
use crate::server_details::logic::Request;

#[component]
pub fn ManageDialog(
    which: Manage,
    context: DialogContext,
    /// The submit button's text.
    submit_label: &'static str,
    /// The checked request, or `None` when a field is wrong (the dialog shows why).
    submit: Callback<(), Option<Request>>,
    /// The submit button erases or replaces something.
    #[prop(optional)]
    danger: bool,
    /// Whether the submit button may be pressed (e.g. something is chosen).
    #[prop(optional, into)]
    ready: Option<Signal<bool>>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let act = context.sender.act;
    let title_id = format!("{}-title", which.id());
    let error_id = format!("{}-error", which.id());
    // This dialog's request is out; its answer decides whether the dialog closes.
    let awaiting = RwSignal::new(false);
    let tried = RwSignal::new(false);
    let succeeded = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    });
    Effect::new(move |_| {
        let pending = act.pending().get();
        if pending || !awaiting.get_untracked() {
            return;
        }
        awaiting.set(false);
        if act
            .value()
            .with_untracked(|value| matches!(value, Some(Ok(_))))
        {
            succeeded.set_value(true);
            if let Some(dialog) = dialog.get_untracked() {
                dialog.close();
            }
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(request) = submit.run(()) {
            tried.set(true);
            awaiting.set(true);
            context.sender.send.run(request);
        }
    };
    let cancel = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let refused = move || {
        (tried.get() && !act.pending().get())
            .then(|| act.value().get().and_then(Result::err))
            .flatten()
            .map(|error| {
                view! {
                    <div id=error_id.clone()>
                        <ErrorNotice error title=format!("{} failed", which.label()) />
                    </div>
                }
            })
    };
    let sending = move || act.pending().get();
    let not_ready = move || ready.is_some_and(|ready| !ready.get());
    let heading_id = title_id.clone();
    view! {
        <dialog node_ref=dialog class="card manage-dialog" aria-labelledby=title_id
            on:close=move |_| context.closed.run(succeeded.get_value())>
            <form on:submit=on_submit novalidate>
                <h2 id=heading_id>{which.label()}</h2>
                {children()}
                {refused}
                <div class="row">
                    <button type="submit" id=format!("{}-submit", which.id())
                        class=danger.then_some("danger")
                        disabled=move || sending() || not_ready()>{submit_label}</button>
                    <button type="button" id=format!("{}-cancel", which.id())
                        on:click=cancel>"Cancel"</button>
                </div>
                <p class="small" role="status">
                    {move || sending().then_some("Sending the request…")}
                </p>
            </form>
        </dialog>
    }
}
