//! The details page's actions: start, stop, reboot and delete, each but start confirmed first
//! (a lock disables them all, and a line says why; so does one for those the server's state
//! refuses), and the status line that follows the last request (also the manage card's) until
//! the server is done with it.

use ecs_api::ApiError;
use ecs_api::models::Server;
use leptos::prelude::*;

use super::logic::{
    Confirm, Done, Followed, Request, START, action_status_text, actions_unavailable_text,
    locked_actions_text, phase_of,
};
use super::manage::logic::ResizeFlavors;
use super::manage::{ManageCard, Sender};
use crate::api::{Api, use_api};
use crate::browser::focus::{focus_button_or, focus_element, focused_id};
use crate::components::error_notice::ErrorNotice;
use crate::hooks::polling::Polling;

/// Where focus goes after an action: the line that reports how the request went.
pub const ACTION_STATUS_ID: &str = "action-status";

/// The line that says why a lock disables the actions.
const LOCKED_LINE_ID: &str = "actions-locked";
/// The line that says why the server's state disables some of them.
const UNAVAILABLE_LINE_ID: &str = "actions-unavailable";

#[component]
pub fn Actions(polling: Polling<Server>, server_id: Signal<String>) -> impl IntoView {
    let api = use_api();
    let act = Action::new_local(move |request: &Request| {
        let request = request.clone();
        let id = server_id.get_untracked();
        async move {
            let result = perform(api, &id, &request).await;
            if result.is_ok() {
                polling.refresh_now(true);
            }
            result
        }
    });
    let last_request = RwSignal::new(None::<Request>);
    // The server as it was when the last request went (numbered, so each request starts over),
    // then whether it has been busy since.
    let sent_from = RwSignal::new((0_u64, Followed::default()));
    let followed = Memo::new(move |previous: Option<&(u64, Followed)>| {
        let (number, start) = sent_from.get();
        polling.data.with(|server| {
            let base = match previous {
                Some((seen, followed)) if *seen == number => followed,
                _ => &start,
            };
            (number, base.seeing(server.as_ref()))
        })
    });
    let confirming = RwSignal::new(None::<Confirm>);
    let busy = Signal::derive(move || act.pending().get() || polling.gone.get());
    let allowed = move |request: &Request| {
        polling.data.with(|server| {
            server
                .as_ref()
                .is_some_and(|server| request.allowed_for(server))
        })
    };
    let disabled = move |request: &Request| busy.get() || !allowed(request);
    let send = Callback::new(move |request: Request| {
        confirming.set(None);
        let from = polling
            .data
            .with_untracked(|server| Followed::from(server.as_ref()));
        sent_from.update(|(number, followed)| {
            *number += 1;
            *followed = from;
        });
        last_request.set(Some(request.clone()));
        act.dispatch_local(request);
        // The clicked button is disabled while the request runs: keep the keyboard on its outcome.
        focus_element(ACTION_STATUS_ID);
    });
    let close = Callback::new(move |confirm: Confirm| {
        confirming.set(None);
        focus_button_or(confirm.opener_id(), ACTION_STATUS_ID);
    });
    let status = move || {
        last_request.get().map(|request| {
            let succeeded = act.value().with(|value| value.as_ref().map(Result::is_ok));
            polling.data.with(|server| {
                let phase = phase_of(
                    &request,
                    act.pending().get(),
                    succeeded,
                    &followed.get().1,
                    server.as_ref(),
                );
                action_status_text(&request, phase, server.as_ref())
            })
        })
    };
    // A lock disables them all: the line says why, and each disabled button points to it.
    let locked_text = Memo::new(move |_| {
        polling
            .data
            .with(|server| server.as_ref().and_then(locked_actions_text))
    });
    let unavailable_text = Memo::new(move |_| {
        polling
            .data
            .with(|server| server.as_ref().and_then(actions_unavailable_text))
    });
    // A disabled button points to the line that says why.
    let reason_line = move |request: &Request| {
        if allowed(request) {
            return None;
        }
        locked_text
            .with(Option::is_some)
            .then_some(LOCKED_LINE_ID)
            .or_else(|| {
                unavailable_text
                    .with(Option::is_some)
                    .then_some(UNAVAILABLE_LINE_ID)
            })
    };
    let confirm_button = move |confirm: Confirm, label: &'static str| {
        let request = confirm.request();
        let described = confirm.request();
        view! {
            <button type="button" id=confirm.opener_id()
                class=(confirm == Confirm::Delete).then_some("danger")
                aria-describedby=move || reason_line(&described) title=move || locked_text.get()
                on:click=move |_| confirming.set(Some(confirm))
                disabled=move || disabled(&request)>{label}</button>
        }
    };
    view! {
        <div class="card">
            <h2 id="actions-title">"Actions"</h2>
            <div class="row" role="group" aria-labelledby="actions-title">
                <button type="button" id="action-start" on:click=move |_| send.run(START)
                    aria-describedby=move || reason_line(&START) title=move || locked_text.get()
                    disabled=move || disabled(&START)>"Start"</button>
                {confirm_button(Confirm::Stop, "Stop…")}
                {confirm_button(Confirm::SoftReboot, "Reboot (soft)…")}
                {confirm_button(Confirm::HardReboot, "Reboot (hard)…")}
                {confirm_button(Confirm::Delete, "Delete…")}
            </div>
            {move || locked_text.get().map(|text| view! { <p id=LOCKED_LINE_ID class="small">{text}</p> })}
            {move || unavailable_text.get().map(|text| view! { <p id=UNAVAILABLE_LINE_ID class="small">{text}</p> })}
            {move || {
                confirming
                    .get()
                    .map(|confirm| {
                        view! {
                            <Confirmation
                                confirm
                                polling
                                disabled=Signal::derive(move || disabled(&confirm.request()))
                                send
                                close
                                flavors=Signal::stored(ResizeFlavors::default())
                            />
                        }
                    })
            }}
            <p id=ACTION_STATUS_ID class="small" role="status" tabindex="-1">{status}</p>
            {move || {
                act.value()
                    .get()
                    .and_then(Result::err)
                    .map(|error: ApiError| view! { <ErrorNotice error title="The action failed" /> })
            }}
        </div>
        <ManageCard polling server_id sender=Sender { act, send, busy } />
    }
}

/// Sends `request` for server `id`.
async fn perform(api: Api, id: &str, request: &Request) -> Result<Done, ApiError> {
    let accepted = |result: Result<(), ApiError>| result.map(|()| Done::Accepted);
    match request {
        Request::Action(action) => accepted(api.server_action(id, *action).await),
        Request::Delete => accepted(api.delete_server(id).await),
        Request::Plain(action) => accepted(api.plain_action(id, *action).await),
        Request::Rename(update) => api.update_server(id, update).await.map(|_| Done::Accepted),
        Request::Resize { flavor_id } => accepted(api.resize_server(id, flavor_id).await),
        Request::Snapshot { name } => api.create_image(id, name).await.map(Done::ImageCreated),
        Request::Rebuild {
            request,
            microversion,
        } => accepted(api.rebuild_server(id, request, *microversion).await),
        Request::Lock {
            request,
            microversion,
        } => accepted(api.lock_server(id, request, *microversion).await),
    }
}

/// An inline confirmation (`alertdialog`): focus starts on Cancel and stays between its two
/// buttons (Tab and Shift+Tab go round), Escape cancels, and a cancelled confirmation gives focus
/// back to the button that opened it. The manage card asks with it too.
#[component]
pub(super) fn Confirmation(
    confirm: Confirm,
    polling: Polling<Server>,
    disabled: Signal<bool>,
    send: Callback<Request>,
    close: Callback<Confirm>,
    /// The flavors of a resize being reverted.
    flavors: Signal<ResizeFlavors>,
) -> impl IntoView {
    let ids = confirm.ids();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    // Opening moves focus to the least destructive choice.
    Effect::new(move |_| {
        if let Some(button) = cancel_button.get() {
            let _ = button.focus();
        }
    });
    let on_keydown = move |event: leptos::ev::KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            event.prevent_default();
            close.run(confirm);
        }
        // Two buttons: Tab from either goes to the other, in both directions (while the confirm
        // button is disabled, focus stays on Cancel).
        "Tab" => {
            event.prevent_default();
            let on_cancel = focused_id().as_deref() == Some(ids.cancel);
            let next = if on_cancel && !disabled.get_untracked() {
                ids.confirm
            } else {
                ids.cancel
            };
            focus_element(next);
        }
        _ => {}
    };
    let question = move || {
        polling.data.with(|server| {
            server.as_ref().map(|server| {
                let question = flavors.with(|flavors| confirm.question(server, flavors));
                view! { {question.lead} <strong>{question.name}</strong> {question.detail} }
            })
        })
    };
    let confirm_class = confirm.is_dangerous().then_some("danger");
    view! {
        <div class="notice" role="alertdialog" aria-labelledby=ids.text
            on:keydown=on_keydown>
            <p id=ids.text>{question}</p>
            <div class="row">
                <button type="button" id=ids.confirm class=confirm_class disabled=disabled
                    on:click=move |_| send.run(confirm.request())>{confirm.confirm_label()}</button>
                <button type="button" id=ids.cancel node_ref=cancel_button
                    on:click=move |_| close.run(confirm)>"Cancel"</button>
            </div>
        </div>
    }
}
