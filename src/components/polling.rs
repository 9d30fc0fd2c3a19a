//! Adaptive polling for a view: fetches through a `LocalResource`, keeps the last good value
//! while a refresh fails, follows [`crate::refresh::Schedule`], pauses while the tab is hidden
//! and refreshes at once when it is shown again. Every timer and listener goes away with the
//! component that called [`use_polling`].

use std::future::Future;
use std::time::Duration;

use ecs_api::ApiError;
use leptos::prelude::*;

use crate::components::visibility::use_page_visible;
use crate::refresh::{Outcome, Schedule};

/// The live state of a polled value.
pub struct Polling<T: 'static> {
    /// The last value fetched successfully (kept while later refreshes fail).
    pub data: ReadSignal<Option<T>>,
    /// The error of the last refresh, cleared by the next success.
    pub error: ReadSignal<Option<ApiError>>,
    /// `Date.now()` of the last successful refresh.
    pub updated_ms: ReadSignal<Option<f64>>,
    /// The watched resource answered 404: polling has stopped.
    pub gone: ReadSignal<bool>,
    /// When the next automatic refresh happens (`None` while paused or stopped).
    pub next_in: ReadSignal<Option<Duration>>,
    tick: RwSignal<u64>,
    schedule: StoredValue<Schedule>,
}

impl<T: 'static> Clone for Polling<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Polling<T> {}

impl<T: Send + Sync + 'static> Polling<T> {
    /// Refreshes now (the "refresh now" button, or after an action), restarting the fast schedule
    /// when `reset` is set because the user just changed something.
    pub fn refresh_now(&self, reset: bool) {
        if reset {
            self.schedule.update_value(Schedule::reset);
        }
        self.tick.update(|tick| *tick += 1);
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

/// Polls `fetch`; `classify` says whether a fetched value is still changing.
pub fn use_polling<T, F, Fut>(
    fetch: F,
    classify: impl Fn(&T) -> Outcome + 'static,
    not_found: NotFound,
) -> Polling<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let tick = RwSignal::new(0_u64);
    // Each fetch carries the tick it was made for, so a result is acted on exactly once.
    let resource = LocalResource::new(move || {
        let generation = tick.get();
        let request = fetch();
        async move { (generation, request.await) }
    });
    let handled_generation = StoredValue::new(None::<u64>);
    let (data, set_data) = signal(None::<T>);
    let (error, set_error) = signal(None::<ApiError>);
    let (updated_ms, set_updated_ms) = signal(None::<f64>);
    let (gone, set_gone) = signal(false);
    let (next_in, set_next_in) = signal(None::<Duration>);
    let schedule = StoredValue::new(Schedule::new());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let visible = use_page_visible();

    let cancel_timer = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    let arm_timer = move |delay: Duration| {
        cancel_timer();
        set_next_in.set(Some(delay));
        if let Ok(handle) = set_timeout_with_handle(
            move || {
                timer.try_set_value(None);
                tick.try_update(|tick| *tick += 1);
            },
            delay,
        ) {
            timer.set_value(Some(handle));
        }
    };

    // A finished fetch decides the next one. Timers are a side effect, hence an Effect.
    Effect::new(move |_| {
        let Some((generation, result)) = resource.get() else {
            return;
        };
        if handled_generation.get_value() == Some(generation) {
            return;
        }
        handled_generation.set_value(Some(generation));
        let outcome = match &result {
            Ok(value) => classify(value),
            Err(error) if error.status == 404 && not_found == NotFound::MeansGone => Outcome::Gone,
            Err(error) => Outcome::Failed {
                retry_after: error.retry_after.map(Duration::from_secs),
            },
        };
        match result {
            Ok(value) => {
                // Unchanged data keeps the DOM (and keyboard focus) as it is.
                if data.with_untracked(|current| current.as_ref() != Some(&value)) {
                    set_data.set(Some(value));
                }
                set_error.set(None);
                set_updated_ms.set(Some(js_sys::Date::now()));
            }
            Err(failure) => {
                set_gone.set(outcome == Outcome::Gone);
                set_error.set(Some(failure));
            }
        }
        let delay = schedule
            .try_update_value(|schedule| schedule.next_delay(outcome))
            .flatten();
        match delay {
            Some(delay) if visible.get_untracked() => arm_timer(delay),
            _ => {
                cancel_timer();
                set_next_in.set(None);
            }
        }
    });

    // Hidden: stop the timer. Shown again: refresh at once (unless the resource is gone).
    Effect::new(move |previous: Option<bool>| {
        let now_visible = visible.get();
        if previous.is_some_and(|was_visible| was_visible != now_visible) {
            if now_visible {
                if !gone.get_untracked() {
                    tick.update(|tick| *tick += 1);
                }
            } else {
                cancel_timer();
                set_next_in.set(None);
            }
        }
        now_visible
    });

    on_cleanup(cancel_timer);

    Polling {
        data,
        error,
        updated_ms,
        gone,
        next_in,
        tick,
        schedule,
    }
}

/// A signal of `Date.now()` that ticks every second while the calling component lives, for
/// "updated N s ago".
pub fn use_clock() -> ReadSignal<f64> {
    let (now, set_now) = signal(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || {
            set_now.try_set(js_sys::Date::now());
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    now
}
