//! The details page's actions: start, stop, reboot and delete, the last two confirmed first.

use ecs_api::ApiError;
use ecs_api::models::Server;
use leptos::prelude::*;

use super::logic::{Confirm, HARD_REBOOT, Request, SOFT_REBOOT, START, STOP, action_status_text};
use crate::api::use_api;
use crate::browser::focus::{focus_button_or, focus_element, focused_id};
use crate::components::error_notice::ErrorNotice;
use crate::hooks::polling::Polling;

/// Where focus goes after an action: the line that reports how the request went.
const ACTION_STATUS_ID: &str = "action-status";

#[component]
pub fn Actions(polling: Polling<Server>, server_id: Signal<String>) -> impl IntoView {
    let api = use_api();
    let act = Action::new_local(move |request: &Request| {
        let request = *request;
        let id = server_id.get_untracked();
        async move {
            let result = match request {
                Request::Action(action) => api.server_action(&id, action).await,
                Request::Delete => api.delete_server(&id).await,
            };
            if result.is_ok() {
                polling.refresh_now(true);
            }
            result
        }
    });
    let last_request = RwSignal::new(None::<Request>);
    let confirming = RwSignal::new(None::<Confirm>);
    let busy = move || act.pending().get() || polling.gone.get();
    let allowed = move |request: Request| {
        polling.data.with(|server| {
            server
                .as_ref()
                .is_some_and(|server| request.allowed_for(server))
        })
    };
    let disabled = move |request: Request| busy() || !allowed(request);
    let send = Callback::new(move |request: Request| {
        confirming.set(None);
        last_request.set(Some(request));
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
            action_status_text(request, act.pending().get(), succeeded)
        })
    };
    view! {
        <div class="card">
            <h2 id="actions-title">"Actions"</h2>
            <div class="row" role="group" aria-labelledby="actions-title">
                <button type="button" id="action-start" on:click=move |_| send.run(START)
                    disabled=move || disabled(START)>"Start"</button>
                <button type="button" id="action-stop" on:click=move |_| send.run(STOP)
                    disabled=move || disabled(STOP)>"Stop"</button>
                <button type="button" id="action-reboot-soft" on:click=move |_| send.run(SOFT_REBOOT)
                    disabled=move || disabled(SOFT_REBOOT)>"Reboot (soft)"</button>
                <button type="button" id=Confirm::HardReboot.opener_id()
                    on:click=move |_| confirming.set(Some(Confirm::HardReboot))
                    disabled=move || disabled(HARD_REBOOT)>"Reboot (hard)…"</button>
                <button type="button" id=Confirm::Delete.opener_id() class="danger"
                    on:click=move |_| confirming.set(Some(Confirm::Delete))
                    disabled=busy>"Delete…"</button>
            </div>
            {move || {
                confirming
                    .get()
                    .map(|confirm| {
                        view! {
                            <Confirmation
                                confirm
                                polling
                                disabled=Signal::derive(move || disabled(confirm.request()))
                                send
                                close
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
    }
}

/// An inline confirmation (`alertdialog`): focus starts on Cancel and stays between its two
/// buttons (Tab and Shift+Tab go round), Escape cancels, and a cancelled confirmation gives focus
/// back to the button that opened it.
#[component]
fn Confirmation(
    confirm: Confirm,
    polling: Polling<Server>,
    disabled: Signal<bool>,
    send: Callback<Request>,
    close: Callback<Confirm>,
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
                let question = confirm.question(server);
                view! { {question.lead} <strong>{question.name}</strong> {question.detail} }
            })
        })
    };
    view! {
        <div class="notice" role="alertdialog" aria-labelledby=ids.text
            on:keydown=on_keydown>
            <p id=ids.text>{question}</p>
            <div class="row">
                <button type="button" id=ids.confirm class="danger" disabled=disabled
                    on:click=move |_| send.run(confirm.request())>{confirm.confirm_label()}</button>
                <button type="button" id=ids.cancel node_ref=cancel_button
                    on:click=move |_| close.run(confirm)>"Cancel"</button>
            </div>
        </div>
    }
}
