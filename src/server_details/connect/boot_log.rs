//! The boot log (`os-getConsoleOutput`, its last lines, more on demand), read again with the
//! details while the server is new, and cloud-init's host key fingerprints taken out of it.
//!
//! The view is built once; what changes is text and `hidden` (cheaper in the download than
//! views swapped in and out).

use ecs_api::ApiError;
use ecs_api::connect::{LoginMethod, host_key_fingerprints};
use leptos::prelude::*;

use super::Shared;
use super::logic::{
    FIRST_LINES, MORE_LINES, fingerprint_lines, host_keys_text, is_new, log_state_text,
    may_have_more, more_lines, no_console_text, readable_log,
};
use crate::api::use_api;
use crate::browser::focus::focus_element;
use crate::components::error_notice::ErrorNotice;
use crate::hooks::visibility::use_page_visible;

/// The scrollable log: focus goes there after "Show more".
const LOG_ID: &str = "boot-log";

/// One answer to `os-getConsoleOutput`, with the number of lines it asked for.
#[derive(Clone, Debug, PartialEq)]
struct FetchedLog {
    lines: Option<u32>,
    result: Result<String, ApiError>,
}

/// What makes the log worth reading again: the server's status (a reboot rewrites the log) and,
/// while the server is new, each refresh of its details.
#[derive(Clone, Debug, Default, PartialEq)]
struct ReadAgain {
    status: Option<ecs_api::status::ServerStatus>,
    refreshed_ms: Option<f64>,
}

#[component]
pub fn BootLog(shared: Shared, server_id: Signal<String>) -> impl IntoView {
    let api = use_api();
    let polling = shared.polling;
    let lines = RwSignal::new(Some(FIRST_LINES));
    let visible = use_page_visible();
    // Read again at each refresh of the details while the server is new (the details' timer
    // does the waiting: no timer here), and when its status changes; never while the tab is
    // hidden (a refresh in flight when it was hidden still lands): that read waits until the
    // tab is shown again.
    let read_again = Memo::new(move |previous: Option<&ReadAgain>| {
        if !visible.get() {
            return previous.cloned().unwrap_or_default();
        }
        let now_seconds = (js_sys::Date::now() / 1000.0) as i64;
        polling.data.with(|server| ReadAgain {
            status: server.as_ref().map(|server| server.status.clone()),
            refreshed_ms: server
                .as_ref()
                .is_some_and(|server| is_new(server, now_seconds))
                .then(|| polling.updated_ms())
                .flatten(),
        })
    });
    // A shelved server has no console: it is not asked (Nova would answer 404 or 409).
    let fetched = LocalResource::new(move || {
        let lines = lines.get();
        let id = server_id.get();
        let readable = read_again.with(|again| {
            again
                .status
                .as_ref()
                .is_none_or(|status| no_console_text(status).is_none())
        });
        async move {
            if !readable {
                return None;
            }
            let result = api.console_output(&id, lines).await;
            Some(FetchedLog { lines, result })
        }
    });
    // An unchanged log leaves the page as it is (and focus where it is).
    let log = Memo::new(move |_| fetched.get().flatten());
    let text = move || {
        log.with(|log| {
            let log = log.as_ref()?.result.as_deref().ok()?;
            Some(readable_log(log))
        })
    };
    let no_text = move || log.with(|log| log.as_ref().is_none_or(|log| log.result.is_err()));
    let ssh = move || {
        shared.login.with(|login| {
            login
                .as_ref()
                .is_none_or(|login| login.method == LoginMethod::Ssh)
        })
    };
    let keys = move || log.with(|log| host_key_fingerprints(log.as_ref()?.result.as_deref().ok()?));
    let state = move || {
        log.with(|log| {
            let status = polling
                .data
                .with_untracked(|server| server.as_ref().map(|server| server.status.clone()))
                .unwrap_or_default();
            no_console_text(&status)
                .or_else(|| log_state_text(log.as_ref().map(|log| &log.result), &status))
        })
    };
    let error = move || {
        let error = log.with(|log| log.as_ref()?.result.as_ref().err().cloned())?;
        state()
            .is_none()
            .then(|| view! { <ErrorNotice error title="Reading the boot log failed" /> })
    };
    let has_more = move || {
        log.with(|log| {
            log.as_ref().is_some_and(|log| {
                log.result
                    .as_ref()
                    .is_ok_and(|text| may_have_more(text, log.lines))
            })
        })
    };
    // The buttons go once the whole log is shown: focus goes to the log they lengthen.
    let show = move |asked: Option<u32>| {
        lines.set(asked);
        focus_element(LOG_ID);
    };
    view! {
        <h3 hidden=move || !ssh()>"Host key fingerprints"</h3>
        <p class="small" id="host-keys-note" hidden=move || !ssh()>
            {move || host_keys_text(keys().as_ref().map(|keys| keys.complete))}
        </p>
        <pre id="host-keys" hidden=move || !ssh() || keys().is_none()>
            {move || keys().map(|keys| fingerprint_lines(&keys))}
        </pre>
        <h3 id="boot-log-title">"Boot log"</h3>
        <p class="small">
            {move || match lines.get() {
                Some(lines) => format!("Up to the last {lines} lines of the server's console."),
                None => "The server's whole console log.".to_owned(),
            }}
        </p>
        <p class="muted" id="boot-log-state" hidden=move || state().is_none()>{state}</p>
        {error}
        <div class="boot-log" id=LOG_ID tabindex="0" role="region" aria-labelledby="boot-log-title"
            hidden=no_text>
            <pre>{text}</pre>
        </div>
        <div class="row" hidden=move || !has_more()>
            <button type="button" id="boot-log-more"
                on:click=move |_| show(more_lines(lines.get_untracked()))>
                {format!("Show {MORE_LINES} more lines")}
            </button>
            <button type="button" id="boot-log-all" on:click=move |_| show(None)>
                "Show the whole log"
            </button>
        </div>
    }
}
