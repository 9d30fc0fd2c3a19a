//! The adaptive refresh schedule, as plain Rust so it is unit-tested natively.
//!
//! - While something is transitional (a server building, rebooting, ...) poll every 2 s.
//! - While everything is steady, the interval doubles from 2 s up to 30 s, so an idle tab costs
//!   almost nothing yet still notices changes made elsewhere.
//! - After an error, back off (doubling from 2 s up to 60 s, or longer when the API asked for a
//!   `Retry-After`), so a struggling cloud is not hammered.
//! - When the watched thing is gone (404), stop.

use std::time::Duration;

use ecs_api::timestamp::format_utc;

/// The fastest interval, used while something is changing.
pub const TRANSITIONAL_INTERVAL: Duration = Duration::from_secs(2);
/// The slowest interval while everything is steady.
pub const MAX_STEADY_INTERVAL: Duration = Duration::from_secs(30);
/// The slowest interval after repeated errors.
pub const MAX_ERROR_INTERVAL: Duration = Duration::from_secs(60);

/// What the last refresh found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// At least one watched item is in a transitional state.
    Transitional,
    /// Every watched item is steady.
    Steady,
    /// The refresh failed; `retry_after` is the API's own hint, when it sent one.
    Failed { retry_after: Option<Duration> },
    /// The watched item no longer exists: polling must stop.
    Gone,
}

/// Remembers enough of the past refreshes to pick the next delay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    steady_interval: Option<Duration>,
    error_interval: Option<Duration>,
}

impl Schedule {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the outcome of a refresh and returns how long to wait before the next one,
    /// or `None` when polling must stop.
    pub fn next_delay(&mut self, outcome: Outcome) -> Option<Duration> {
        match outcome {
            Outcome::Transitional => {
                self.steady_interval = None;
                self.error_interval = None;
                Some(TRANSITIONAL_INTERVAL)
            }
            Outcome::Steady => {
                self.error_interval = None;
                let next = double_capped(self.steady_interval, MAX_STEADY_INTERVAL);
                self.steady_interval = Some(next);
                Some(next)
            }
            Outcome::Failed { retry_after } => {
                let next = double_capped(self.error_interval, MAX_ERROR_INTERVAL);
                self.error_interval = Some(next);
                Some(retry_after.map_or(next, |hint| hint.max(next)))
            }
            Outcome::Gone => None,
        }
    }

    /// Forgets the steady back-off, e.g. after the user started an action that will change state.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Doubles the previous interval (starting at 2 s), never above `cap`.
fn double_capped(previous: Option<Duration>, cap: Duration) -> Duration {
    previous
        .map_or(TRANSITIONAL_INTERVAL, |previous| previous.saturating_mul(2))
        .min(cap)
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

/// How long a list has been loading, once that is long enough to be worth saying (a slow cloud
/// should not look like a stuck page): `None` for the first 3 s.
pub fn waiting_text(waited_ms: f64) -> Option<String> {
    let seconds = (waited_ms / 1000.0).floor();
    (seconds >= 3.0).then(|| format!("still waiting for the cloud: {seconds} s"))
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

    fn secs(n: u64) -> Option<Duration> {
        Some(Duration::from_secs(n))
    }

    /// The next `count` delays, in whole seconds, when every refresh has `outcome`.
    fn delays(schedule: &mut Schedule, outcome: Outcome, count: usize) -> Vec<u64> {
        (0..count)
            .map(|_| {
                schedule
                    .next_delay(outcome)
                    .map_or(0, |delay| delay.as_secs())
            })
            .collect()
    }

    #[test]
    fn transitional_polls_every_two_seconds() {
        let mut schedule = Schedule::new();
        for _ in 0..5 {
            assert_eq!(schedule.next_delay(Outcome::Transitional), secs(2));
        }
    }

    #[test]
    fn steady_doubles_up_to_thirty_seconds() {
        let mut schedule = Schedule::new();
        assert_eq!(
            delays(&mut schedule, Outcome::Steady, 7),
            [2, 4, 8, 16, 30, 30, 30]
        );
    }

    #[test]
    fn a_transition_resets_the_steady_backoff() {
        let mut schedule = Schedule::new();
        for _ in 0..4 {
            schedule.next_delay(Outcome::Steady);
        }
        assert_eq!(schedule.next_delay(Outcome::Transitional), secs(2));
        assert_eq!(schedule.next_delay(Outcome::Steady), secs(2));
        assert_eq!(schedule.next_delay(Outcome::Steady), secs(4));
    }

    #[test]
    fn errors_back_off_up_to_a_minute_and_recover() {
        let mut schedule = Schedule::new();
        let failed = Outcome::Failed { retry_after: None };
        assert_eq!(delays(&mut schedule, failed, 7), [2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(schedule.next_delay(Outcome::Transitional), secs(2));
        assert_eq!(schedule.next_delay(failed), secs(2));
    }

    #[test]
    fn an_error_keeps_the_steady_interval() {
        let mut schedule = Schedule::new();
        schedule.next_delay(Outcome::Steady);
        schedule.next_delay(Outcome::Steady);
        schedule.next_delay(Outcome::Failed { retry_after: None });
        assert_eq!(schedule.next_delay(Outcome::Steady), secs(8));
    }

    #[test]
    fn retry_after_is_honoured_when_longer() {
        let mut schedule = Schedule::new();
        let hinted = Outcome::Failed {
            retry_after: secs(45),
        };
        assert_eq!(schedule.next_delay(hinted), secs(45));
        let short_hint = Outcome::Failed {
            retry_after: secs(1),
        };
        assert_eq!(schedule.next_delay(short_hint), secs(4));
    }

    #[test]
    fn gone_stops_polling() {
        let mut schedule = Schedule::new();
        schedule.next_delay(Outcome::Transitional);
        assert_eq!(schedule.next_delay(Outcome::Gone), None);
    }

    #[test]
    fn reset_starts_over() {
        let mut schedule = Schedule::new();
        for _ in 0..6 {
            schedule.next_delay(Outcome::Steady);
        }
        schedule.reset();
        assert_eq!(schedule.next_delay(Outcome::Steady), secs(2));
    }

    #[test]
    fn updated_ago_reads_naturally() {
        assert_eq!(updated_ago(10_000.0, 10_400.0), "updated just now");
        assert_eq!(updated_ago(10_000.0, 13_999.0), "updated 3 s ago");
        assert_eq!(updated_ago(0.0, 125_000.0), "updated 2 min 5 s ago");
        // A clock that went backwards never shows a negative age.
        assert_eq!(updated_ago(20_000.0, 10_000.0), "updated just now");
    }

    #[test]
    fn a_long_wait_is_said_after_three_seconds() {
        assert_eq!(waiting_text(2_999.0), None);
        assert_eq!(
            waiting_text(3_000.0).as_deref(),
            Some("still waiting for the cloud: 3 s")
        );
        assert_eq!(
            waiting_text(61_500.0).as_deref(),
            Some("still waiting for the cloud: 61 s")
        );
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
