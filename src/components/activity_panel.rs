//! The collapsible API activity panel: every request with method, path, status and time.
//!
//! Its rows exist only while it is open: a closed panel is one line, whatever the log holds,
//! so a tab left open for hours does not keep hundreds of rows nobody sees.

use leptos::prelude::*;

use crate::api::activity::{ActivityEntry, ActivityLog, RequestState};
use crate::components::format::EMPTY;
use crate::components::keyed_rows::{KeyedRows, RowKey};
use crate::components::table::ColumnHeads;

#[component]
pub fn ActivityPanel() -> impl IntoView {
    let log = expect_context::<ActivityLog>();
    let open = RwSignal::new(false);
    // `toggle` follows every way of opening it: a click, the keyboard, find in page.
    let toggled = move |event: leptos::ev::Event| {
        open.set(event_target::<web_sys::Element>(&event).has_attribute("open"));
    };
    // A request's row is rebuilt when its state changes (answered, failed, retried), not on
    // every request. Closed, the panel lists none (and reads nothing but the count).
    let keys = Signal::derive(move || {
        if !open.get() {
            return Vec::new();
        }
        log.row_states()
            .iter()
            .enumerate()
            .map(|(position, state)| RowKey::showing(position, state))
            .collect()
    });
    let row = Callback::new(move |position: usize| match log.entry(position) {
        Some(entry) => view! { <ActivityRow entry /> }.into_any(),
        None => ().into_any(),
    });
    view! {
        <details class="activity card" id="activity-panel" on:toggle=toggled>
            <summary>
                "API activity "
                <span class="muted small">{move || requests_count(log.len())}</span>
            </summary>
            <p class="hint">
                "Method, path, status and time of each request, listed as it is sent. A read that fails in passing (no answer, 500, 502, 503, 504, a body cut short) is sent again, up to 3 attempts. Tokens and passwords are never recorded; bodies are not kept."
            </p>
            <div class="row">
                <button type="button" on:click=move |_| log.clear()>"Clear"</button>
            </div>
            <div class="table-wrap">
                <table class="stacks-narrow" aria-label="API requests">
                    <ColumnHeads columns=&["Time", "Method", "Path", "Status", "Duration"] />
                    <tbody>
                        <KeyedRows rows=keys row />
                    </tbody>
                </table>
            </div>
        </details>
    }
}

#[component]
fn ActivityRow(entry: ActivityEntry) -> impl IntoView {
    let status = entry.status_text();
    let failed = entry.failed();
    let duration = entry
        .duration_ms
        .map_or_else(|| EMPTY.to_owned(), |duration| format!("{duration} ms"));
    view! {
        <tr class:error-row=failed class:in-flight=entry.state == RequestState::InFlight>
            <td data-label="Time">{clock_time(entry.started_ms)}</td>
            <td data-label="Method">{entry.method}</td>
            <td data-label="Path" class="path">{entry.path}</td>
            <td data-label="Status">{status}</td>
            <td data-label="Duration">{duration}</td>
        </tr>
    }
}

/// "(1 request)", "(3 requests)".
fn requests_count(count: usize) -> String {
    let noun = if count == 1 { "request" } else { "requests" };
    format!("({count} {noun})")
}

/// Local wall-clock time `HH:MM:SS` of a `Date.now()` value.
fn clock_time(epoch_ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch_ms));
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_agrees_with_its_noun() {
        assert_eq!(requests_count(0), "(0 requests)");
        assert_eq!(requests_count(1), "(1 request)");
        assert_eq!(requests_count(12), "(12 requests)");
    }
}
