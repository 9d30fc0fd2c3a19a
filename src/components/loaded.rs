//! A value loaded from the API, shown in its three states: loading, failed, loaded.

use ecs_api::ApiError;
use leptos::prelude::*;

use crate::hooks::clock::use_clock;

/// `children` renders the value once `resource` has it; `fallback` shows while it loads and
/// `failed` renders a failure in its place.
///
/// The failure is rendered here rather than thrown to an `ErrorBoundary`: Leptos 0.8's
/// `Suspend` holds the thread's error hook across its await, so with several resources loading
/// at once an error landed in whichever boundary had set the hook last (a failed flavor list
/// showed as "Could not load key pairs", and its Retry reloaded key pairs).
#[component]
pub fn Loaded<T, V, F>(
    resource: LocalResource<Result<T, ApiError>>,
    #[prop(into)] fallback: ViewFnOnce,
    failed: Callback<ApiError, AnyView>,
    children: F,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <Transition fallback>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => children(value).into_any(),
                        Err(error) => failed.run(error),
                    }
                })
            }}
        </Transition>
    }
}

/// "Loading flavors…", and after a few seconds how long it has been waiting. Only the first
/// part is a live region: a count that changes every second is not read out.
#[component]
pub fn LoadingLine(what: &'static str) -> impl IntoView {
    let started_ms = js_sys::Date::now();
    let now = use_clock();
    view! {
        <p class="list-state hint">
            <span role="status">{format!("Loading {what}…")}</span>
            " "
            <span>{move || waiting_text(now.get() - started_ms)}</span>
        </p>
    }
}

/// How long a list has been loading, once that is long enough to be worth saying (a slow cloud
/// should not look like a stuck page): `None` for the first 3 s.
pub fn waiting_text(waited_ms: f64) -> Option<String> {
    let seconds = (waited_ms / 1000.0).floor();
    // A whole number below 2^53 (JavaScript dates end at 8.64e15 ms): as an integer it reads
    // the same, without the float formatting code on the first page.
    (seconds >= 3.0).then(|| format!("still waiting for the cloud: {} s", seconds as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
