//! The refresh line of a polled view: when the values were fetched, when the next refresh
//! comes, and "Refresh now".

use std::time::Duration;

use ecs_api::timestamp::format_utc;
use leptos::prelude::*;

use crate::hooks::clock::use_clock;
use crate::hooks::polling::Polling;

/// "updated N s ago", the next refresh, and "Refresh now" (shared by list and details). Only
/// while polling goes on: once the watched item is gone, [`StoppedRefreshBar`] replaces it.
#[component]
pub fn RefreshBar<T: Send + Sync + 'static>(polling: Polling<T>) -> impl IntoView {
    let now = use_clock();
    let failing = move || polling.failing();
    let status = move || {
        let state = RefreshState {
            updated_ms: polling.updated_ms(),
            failing: failing(),
            next_in: polling.next_in(),
        };
        refresh_line(state, now.get())
    };
    view! {
        <div class="row refresh-bar">
            <span class="muted small" class:not-current=failing id="updated-ago">{status}</span>
            <button type="button" id="refresh-now" on:click=move |_| polling.refresh_now(false)>
                "Refresh now"
            </button>
        </div>
    }
}

/// The refresh line once polling has stopped for good: a fixed time, since an age that keeps
/// counting would look live.
#[component]
pub fn StoppedRefreshBar(updated_ms: Option<f64>) -> impl IntoView {
    view! {
        <div class="row refresh-bar">
            <span class="muted small" id="updated-ago">{stopped_refreshing(updated_ms)}</span>
        </div>
    }
}

/// "updated N s ago" for a refresh that finished at `updated_ms`, seen at `now_ms`
/// (both milliseconds since the epoch, as `Date.now()` gives them).
pub fn updated_ago(updated_ms: f64, now_ms: f64) -> String {
    let seconds = ((now_ms - updated_ms) / 1000.0).floor().max(0.0) as u64;
    match seconds {
        0 => "updated just now".to_owned(),
        1..=59 => format!("updated {seconds} s ago"),
        _ => format!("updated {} min {} s ago", seconds / 60, seconds % 60),
    }
}

/// Where a polled view stands, for its refresh line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RefreshState {
    /// When the shown values were fetched (`Date.now()` ms), if ever.
    pub updated_ms: Option<f64>,
    /// The last refresh failed: the values shown are older than they look.
    pub failing: bool,
    /// The next refresh, when one is scheduled.
    pub next_in: Option<Duration>,
}

/// "updated 5 s ago · refreshing every 2 s"; while refreshing fails, the values are marked as
/// not current ("not current: updated 16 s ago · retrying in 4 s").
pub fn refresh_line(state: RefreshState, now_ms: f64) -> String {
    let updated = match (state.updated_ms, state.failing) {
        (Some(updated_ms), true) => format!("not current: {}", updated_ago(updated_ms, now_ms)),
        (Some(updated_ms), false) => updated_ago(updated_ms, now_ms),
        (None, _) => "not loaded yet".to_owned(),
    };
    let next = match (state.next_in, state.failing) {
        (Some(delay), true) => format!(" · retrying in {} s", delay.as_secs()),
        (Some(delay), false) => format!(" · refreshing every {} s", delay.as_secs()),
        // Nothing scheduled yet: the first load is still running.
        (None, false) if state.updated_ms.is_none() => String::new(),
        (None, _) => " · paused while the tab is hidden".to_owned(),
    };
    format!("{updated}{next}")
}

/// The refresh line once polling has stopped for good (the watched item is gone): the time of
/// the last refresh as a fixed UTC time, not an age that keeps counting as if still live.
pub fn stopped_refreshing(updated_ms: Option<f64>) -> String {
    match updated_ms {
        Some(updated_ms) => format!(
            "refreshing stopped; last refreshed at {}",
            format_utc((updated_ms / 1000.0).floor() as i64)
        ),
        None => "refreshing stopped".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updated_ago_reads_naturally() {
        assert_eq!(updated_ago(10_000.0, 10_400.0), "updated just now");
        assert_eq!(updated_ago(10_000.0, 13_999.0), "updated 3 s ago");
        assert_eq!(updated_ago(0.0, 125_000.0), "updated 2 min 5 s ago");
        // A clock that went backwards never shows a negative age.
        assert_eq!(updated_ago(20_000.0, 10_000.0), "updated just now");
    }

    #[test]
    fn the_refresh_line_marks_values_not_current_while_refreshing_fails() {
        let state = RefreshState {
            updated_ms: Some(0.0),
            failing: false,
            next_in: Some(Duration::from_secs(2)),
        };
        assert_eq!(
            refresh_line(state, 5_000.0),
            "updated 5 s ago · refreshing every 2 s"
        );
        let failing = RefreshState {
            failing: true,
            next_in: Some(Duration::from_secs(4)),
            ..state
        };
        assert_eq!(
            refresh_line(failing, 16_000.0),
            "not current: updated 16 s ago · retrying in 4 s"
        );
        let first_load = RefreshState {
            updated_ms: None,
            failing: false,
            next_in: None,
        };
        assert_eq!(refresh_line(first_load, 0.0), "not loaded yet");
        let hidden = RefreshState {
            next_in: None,
            ..state
        };
        assert_eq!(
            refresh_line(hidden, 1_000.0),
            "updated 1 s ago · paused while the tab is hidden"
        );
    }

    #[test]
    fn a_stopped_refresh_shows_a_fixed_time() {
        assert_eq!(
            stopped_refreshing(Some(1_527_212_831_500.0)),
            "refreshing stopped; last refreshed at 2018-05-25 01:47:11 UTC"
        );
        assert_eq!(stopped_refreshing(None), "refreshing stopped");
    }
}
