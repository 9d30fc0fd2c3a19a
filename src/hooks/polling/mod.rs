//! Adaptive polling for a view: fetches through a `LocalResource`, keeps the last good value
//! while a refresh fails, follows [`schedule::Schedule`], pauses while the tab is hidden and
//! refreshes at once when it is shown again.
//!
//! Everything the view reads is derived from the fetches with memos ([`schedule::PollState`]
//! folds the events); the one effect only arms the timer. Every timer and listener goes away
//! with the component that called [`use_polling`].

pub mod schedule;

use std::future::Future;
use std::time::Duration;

use ecs_api::ApiError;
use leptos::prelude::*;

use crate::browser::storage;
use crate::hooks::visibility::use_page_visible;
use schedule::{Finished, Outcome, PollState, Timer};

/// localStorage switch ("1") that keeps every poll at its fastest interval, steady or not: the
/// leak measurement of scripts/measure sets it to stay open 30 minutes at full refresh rate.
pub const POLL_FAST_KEY: &str = "ecs-console.poll-fast";

/// The live state of a polled value.
pub struct Polling<T: Send + Sync + 'static> {
    /// The last value fetched successfully (kept while later refreshes fail).
    pub data: Memo<Option<T>>,
    /// The watched resource answered 404: polling has stopped.
    pub gone: Memo<bool>,
    state: Memo<PollState>,
    /// Bumped to fetch again.
    fetches: RwSignal<u64>,
    /// Bumped to start the fast schedule over.
    restarts: RwSignal<u64>,
}

impl<T: Send + Sync + 'static> Clone for Polling<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Polling<T> {}

impl<T: Send + Sync + 'static> Polling<T> {
    /// The error of the last refresh, cleared by the next success (tracked).
    pub fn error(&self) -> Option<ApiError> {
        self.state.with(|state| state.error().cloned())
    }

    /// Whether the last refresh failed (tracked).
    pub fn failing(&self) -> bool {
        self.state.with(|state| state.error().is_some())
    }

    /// `Date.now()` of the last successful refresh (tracked).
    pub fn updated_ms(&self) -> Option<f64> {
        self.state.with(PollState::updated_ms)
    }

    /// When the next automatic refresh happens, `None` while paused or stopped (tracked).
    pub fn next_in(&self) -> Option<Duration> {
        self.state.with(PollState::next_in)
    }

    /// Refreshes now (the "refresh now" button, or after an action), restarting the fast schedule
    /// when `reset` is set because the user just changed something.
    pub fn refresh_now(&self, reset: bool) {
        if reset {
            self.restarts.update(|restarts| *restarts += 1);
        }
        self.fetches.update(|fetch| *fetch += 1);
    }
}

/// What a 404 means for the polled URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotFound {
    /// One resource: it was deleted, stop polling.
    MeansGone,
    /// A collection: the endpoint is wrong; an error like any other.
    IsAnError,
}

/// One finished fetch: which one, what it brought, and when.
struct Fetched<T> {
    fetch: u64,
    result: Result<T, ApiError>,
    at_ms: f64,
}

/// Polls `fetch`; `classify` says whether a fetched value is still changing.
pub fn use_polling<T, F, Fut>(
    fetch: F,
    classify: impl Fn(&T) -> Outcome + Send + Sync + 'static,
    not_found: NotFound,
) -> Polling<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let fetches = RwSignal::new(0_u64);
    let resource = LocalResource::new(move || {
        let number = fetches.get();
        let request = fetch();
        async move {
            let result = request.await;
            Fetched {
                fetch: number,
                result,
                at_ms: js_sys::Date::now(),
            }
        }
    });
    // Unchanged data compares equal, so the DOM (and keyboard focus) stays as it is.
    let data = Memo::new(move |previous: Option<&Option<T>>| {
        resource.with(|fetched| match fetched {
            Some(Fetched {
                result: Ok(value), ..
            }) => Some(value.clone()),
            _ => previous.cloned().flatten(),
        })
    });
    let finished = Signal::derive(move || {
        resource.with(|fetched| {
            let fetched = fetched.as_ref()?;
            let outcome = match &fetched.result {
                Ok(value) => classify(value),
                Err(error) if error.status == 404 && not_found == NotFound::MeansGone => {
                    Outcome::Gone
                }
                Err(error) => Outcome::Failed {
                    retry_after: error.retry_after.map(Duration::from_secs),
                },
            };
            Some(Finished {
                fetch: fetched.fetch,
                outcome,
                at_ms: fetched.at_ms,
                error: fetched.result.as_ref().err().cloned(),
            })
        })
    });
    let restarts = RwSignal::new(0_u64);
    let (state, gone) = poll_state(finished, restarts, fetches);
    Polling {
        data,
        gone,
        state,
        fetches,
        restarts,
    }
}

/// The part of polling that does not depend on what is polled (one copy in the download): the
/// state folded from `finished` fetches, restarts and the page's visibility, whether the item is
/// gone, and the timer that bumps `fetches`.
fn poll_state(
    finished: Signal<Option<Finished>>,
    restarts: RwSignal<u64>,
    fetches: RwSignal<u64>,
) -> (Memo<PollState>, Memo<bool>) {
    let visible = use_page_visible();
    let always_fast = storage::local()
        .and_then(|local| local.get_item(POLL_FAST_KEY).ok().flatten())
        .is_some_and(|value| value == "1");
    let state = Memo::new(move |previous: Option<&PollState>| {
        let state = previous
            .cloned()
            .unwrap_or_else(|| {
                let state = PollState::new(visible.get_untracked());
                if always_fast {
                    state.always_fast()
                } else {
                    state
                }
            })
            .restarted(restarts.get())
            .visibility(visible.get());
        finished.with(|finished| match finished {
            Some(finished) => state.fetched(finished),
            None => state,
        })
    });
    let timer = Memo::new(move |_| state.with(PollState::timer));
    // The timer is the one side effect; each run's timeout is cleared when the plan changes or
    // the component goes.
    Effect::new(move |_| {
        let delay = match timer.get() {
            Timer::After { delay, .. } => delay,
            Timer::Now => Duration::ZERO,
            Timer::Idle => return,
        };
        if let Ok(handle) = set_timeout_with_handle(
            move || {
                fetches.try_update(|fetch| *fetch += 1);
            },
            delay,
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    (state, Memo::new(move |_| state.with(PollState::gone)))
}
