//! The adaptive refresh schedule, as plain Rust so it is unit-tested natively.
//!
//! - While something is transitional (a server building, rebooting, ...) poll every 2 s.
//! - While everything is steady, the interval doubles from 2 s up to 30 s, so an idle tab costs
//!   almost nothing yet still notices changes made elsewhere.
//! - After an error, back off (doubling from 2 s up to 60 s, or longer when the API asked for a
//!   `Retry-After`), so a struggling cloud is not hammered.
//! - When the watched thing is gone (404), stop.
//! - While the tab is hidden, wait; when it is shown again, refresh at once.
//!
//! [`PollState`] folds these events into what the view shows and what the timer must do next,
//! so the hook derives its state instead of an effect writing it.

use std::time::Duration;

use ecs_api::ApiError;

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
    /// Steady refreshes every [`TRANSITIONAL_INTERVAL`] too (see [`PollState::always_fast`]).
    always_fast: bool,
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
            Outcome::Steady if self.always_fast => {
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
        *self = Self {
            always_fast: self.always_fast,
            ..Self::default()
        };
    }
}

/// Doubles the previous interval (starting at 2 s), never above `cap`.
fn double_capped(previous: Option<Duration>, cap: Duration) -> Duration {
    previous
        .map_or(TRANSITIONAL_INTERVAL, |previous| previous.saturating_mul(2))
        .min(cap)
}

/// What the refresh timer does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Nothing is scheduled: the first load is running, the tab is hidden, or polling stopped.
    Idle,
    /// Refresh `delay` after fetch number `fetch` finished (each fetch arms its own timer).
    After { fetch: u64, delay: Duration },
    /// Refresh at once: the tab was shown again.
    Now,
}

/// A fetch that has finished: which one, what it found, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// Fetches are numbered; each is folded in once.
    pub fetch: u64,
    pub outcome: Outcome,
    /// `Date.now()` when the answer arrived.
    pub at_ms: f64,
    /// Why the fetch failed, when it did.
    pub error: Option<ApiError>,
}

/// Where polling stands, folded from the events that move it: a fetch finished, the user
/// restarted the fast schedule, the tab was hidden or shown.
#[derive(Clone, Debug, PartialEq)]
pub struct PollState {
    schedule: Schedule,
    /// The fetch whose outcome was folded in last.
    handled_fetch: Option<u64>,
    /// How many restarts of the fast schedule were folded in.
    restarts: u64,
    visible: bool,
    /// The watched item is gone: polling has stopped for good.
    gone: bool,
    timer: Timer,
    /// When the last successful fetch finished.
    updated_ms: Option<f64>,
    /// Why the last fetch failed; cleared by the next success.
    error: Option<ApiError>,
}

impl PollState {
    /// Before the first fetch has finished, in a tab that is `visible` or not.
    pub fn new(visible: bool) -> Self {
        Self {
            schedule: Schedule::new(),
            handled_fetch: None,
            restarts: 0,
            visible,
            gone: false,
            timer: Timer::Idle,
            updated_ms: None,
            error: None,
        }
    }

    /// Refreshes every [`TRANSITIONAL_INTERVAL`] even while everything is steady: for the
    /// long-running leak measurement of scripts/measure (the hook's `POLL_FAST_KEY` switch).
    pub fn always_fast(mut self) -> Self {
        self.schedule.always_fast = true;
        self
    }

    /// A fetch finished (folded in once, however often it is seen).
    pub fn fetched(mut self, finished: &Finished) -> Self {
        let fetch = finished.fetch;
        if self.handled_fetch == Some(fetch) {
            return self;
        }
        self.handled_fetch = Some(fetch);
        self.gone |= finished.outcome == Outcome::Gone;
        self.error.clone_from(&finished.error);
        if finished.error.is_none() {
            self.updated_ms = Some(finished.at_ms);
        }
        self.timer = match self.schedule.next_delay(finished.outcome) {
            Some(delay) if self.visible => Timer::After { fetch, delay },
            _ => Timer::Idle,
        };
        self
    }

    /// The user has asked `restarts` times in all to start the fast schedule over (they just
    /// changed something); the timer already armed is kept.
    pub fn restarted(mut self, restarts: u64) -> Self {
        if restarts != self.restarts {
            self.restarts = restarts;
            self.schedule.reset();
        }
        self
    }

    /// The tab is now `visible` or hidden: a hidden tab waits, a tab shown again refreshes at
    /// once (unless the watched item is gone).
    pub fn visibility(mut self, visible: bool) -> Self {
        if visible != self.visible {
            self.visible = visible;
            self.timer = if visible && !self.gone {
                Timer::Now
            } else {
                Timer::Idle
            };
        }
        self
    }

    pub fn gone(&self) -> bool {
        self.gone
    }

    pub fn timer(&self) -> Timer {
        self.timer
    }

    /// When the next automatic refresh happens (`None` while paused or stopped).
    pub fn next_in(&self) -> Option<Duration> {
        match self.timer {
            Timer::After { delay, .. } => Some(delay),
            Timer::Idle | Timer::Now => None,
        }
    }

    /// `Date.now()` of the last successful fetch.
    pub fn updated_ms(&self) -> Option<f64> {
        self.updated_ms
    }

    /// The error of the last fetch, if it failed.
    pub fn error(&self) -> Option<&ApiError> {
        self.error.as_ref()
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

    /// Fetch `fetch` finished at `fetch` seconds with `outcome`.
    fn done(fetch: u64, outcome: Outcome) -> Finished {
        let error = matches!(outcome, Outcome::Failed { .. } | Outcome::Gone)
            .then(|| ApiError::from_response(404, b""));
        Finished {
            fetch,
            outcome,
            at_ms: fetch as f64 * 1000.0,
            error,
        }
    }

    #[test]
    fn a_failed_fetch_keeps_the_last_update_and_shows_its_error() {
        let failed = Outcome::Failed { retry_after: None };
        let state = PollState::new(true).fetched(&done(1, Outcome::Steady));
        assert_eq!(state.updated_ms(), Some(1000.0));
        assert_eq!(state.error(), None);
        let state = state.fetched(&done(2, failed));
        assert_eq!(
            state.updated_ms(),
            Some(1000.0),
            "the values shown are from fetch 1"
        );
        assert!(state.error().is_some());
        let state = state.fetched(&done(3, Outcome::Transitional));
        assert_eq!(state.updated_ms(), Some(3000.0));
        assert_eq!(state.error(), None, "a success clears the error");
    }

    #[test]
    fn each_fetch_arms_the_timer_once() {
        let state = PollState::new(true);
        assert_eq!(state.timer(), Timer::Idle, "the first load is running");
        assert_eq!(state.next_in(), None);
        let state = state.fetched(&done(0, Outcome::Steady));
        assert_eq!(
            state.timer(),
            Timer::After {
                fetch: 0,
                delay: Duration::from_secs(2)
            }
        );
        // The same fetch seen again changes nothing; the next one backs off.
        let state = state
            .fetched(&done(0, Outcome::Steady))
            .fetched(&done(1, Outcome::Steady));
        assert_eq!(
            state.timer(),
            Timer::After {
                fetch: 1,
                delay: Duration::from_secs(4)
            }
        );
        assert_eq!(state.next_in(), secs(4));
    }

    #[test]
    fn a_restart_goes_back_to_the_fast_schedule_and_keeps_the_timer() {
        let state = PollState::new(true)
            .fetched(&done(0, Outcome::Steady))
            .fetched(&done(1, Outcome::Steady))
            .restarted(1);
        assert_eq!(state.next_in(), secs(4), "the armed timer is kept");
        assert_eq!(state.clone().restarted(1), state, "folded in once");
        assert_eq!(state.fetched(&done(2, Outcome::Steady)).next_in(), secs(2));
    }

    #[test]
    fn always_fast_refreshes_a_steady_item_every_two_seconds_even_after_a_restart() {
        let mut state = PollState::new(true).always_fast();
        for fetch in 0..6 {
            state = state.fetched(&done(fetch, Outcome::Steady));
            assert_eq!(state.next_in(), secs(2), "fetch {fetch}");
        }
        let state = state
            .restarted(1)
            .fetched(&done(6, Outcome::Steady))
            .fetched(&done(7, Outcome::Steady));
        assert_eq!(state.next_in(), secs(2), "a restart keeps the switch");
        let failed = Outcome::Failed { retry_after: None };
        let state = state.fetched(&done(8, failed)).fetched(&done(9, failed));
        assert_eq!(state.next_in(), secs(4), "errors still back off");
    }

    #[test]
    fn a_hidden_tab_waits_and_refreshes_once_shown_again() {
        let state = PollState::new(true).fetched(&done(0, Outcome::Steady));
        let hidden = state.visibility(false);
        assert_eq!(hidden.timer(), Timer::Idle);
        assert_eq!(hidden.next_in(), None, "paused");
        // A fetch finishing while hidden arms nothing.
        let hidden = hidden.fetched(&done(1, Outcome::Transitional));
        assert_eq!(hidden.timer(), Timer::Idle);
        let shown = hidden.visibility(true);
        assert_eq!(shown.timer(), Timer::Now);
        assert_eq!(
            shown.next_in(),
            None,
            "nothing scheduled until the refresh is done"
        );
        assert_eq!(shown.clone().visibility(true), shown);
        // A tab that starts hidden waits too.
        let started_hidden = PollState::new(false).fetched(&done(0, Outcome::Steady));
        assert_eq!(started_hidden.timer(), Timer::Idle);
    }

    #[test]
    fn a_gone_item_stops_polling_for_good() {
        let state = PollState::new(true)
            .fetched(&done(0, Outcome::Transitional))
            .fetched(&done(1, Outcome::Gone));
        assert!(state.gone());
        assert_eq!(state.timer(), Timer::Idle);
        let shown_again = state.visibility(false).visibility(true);
        assert_eq!(shown_again.timer(), Timer::Idle, "no refresh once gone");
        assert!(
            shown_again.fetched(&done(2, Outcome::Steady)).gone(),
            "gone stays gone"
        );
    }
}
