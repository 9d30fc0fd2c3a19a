//! Small building blocks the form's sections share: a labelled text field bound to the draft,
//! the error line under a field, and a list's loading/error/retry frame.

use std::sync::Arc;

use ecs_api::ApiError;
use leptos::prelude::*;

use super::draft::{CreateDraft, TableSort};
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::polling::use_clock;
use crate::refresh::waiting_text;

/// The error text shown under field `id`, tied to it with `aria-describedby`.
pub fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// A labelled single- or multi-line text input bound to one string of the draft.
#[component]
pub fn TextField(
    draft: RwSignal<CreateDraft>,
    id: &'static str,
    label: &'static str,
    get: fn(&CreateDraft) -> &String,
    set: fn(&mut CreateDraft, String),
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// The on-screen keyboard to offer (`numeric` for numbers kept as typed text).
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// The id of a `<datalist>` of suggested values.
    #[prop(optional)]
    suggestions: Option<&'static str>,
) -> impl IntoView {
    let value = move || draft.with(|d| get(d).clone());
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        draft.update(|d| set(d, text));
    };
    let hint_id = format!("{id}-hint");
    let described_by = {
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id(id));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.get().is_some().then_some("true");
    let input = if multiline {
        view! {
            <textarea
                id=id
                aria-describedby=described_by
                aria-invalid=invalid
                prop:value=value
                on:input=on_input
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id
                type=input_type
                inputmode=inputmode
                autocomplete=autocomplete
                list=suggestions
                aria-describedby=described_by
                aria-invalid=invalid
                prop:value=value
                on:input=on_input
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            {hint.map(|text| view! { <span class="hint" id=hint_id>{text}</span> })}
            <FieldError id=id error=error />
        </div>
    }
}

/// A section choosing one item from a loaded table: its legend, a text filter kept in the draft,
/// the table (`children`) and the field's problem. The legend's id is `<id>-label`, for the
/// table's `aria-labelledby`.
#[component]
pub fn FilteredChoice(
    draft: RwSignal<CreateDraft>,
    /// `flavor` or `image`: ids are derived from it.
    id: &'static str,
    legend: &'static str,
    filter_id: &'static str,
    filter_label: &'static str,
    filter_hint: &'static str,
    get_filter: fn(&CreateDraft) -> &String,
    set_filter: fn(&mut CreateDraft, String),
    #[prop(into)] problem: MaybeProp<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <fieldset class="section" aria-describedby=error_id(id)>
            <legend id=format!("{id}-label")>{legend}</legend>
            <TextField
                draft=draft
                id=filter_id
                label=filter_label
                input_type="search"
                get=get_filter
                set=set_filter
                hint=filter_hint
            />
            {children()}
            <FieldError id=id error=problem />
        </fieldset>
    }
}

/// The message under a field when it is invalid.
#[component]
pub fn FieldError(id: &'static str, #[prop(into)] error: MaybeProp<String>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! { <span class="field-error" id=error_id(id)>{message}</span> }
        })
    }
}

/// How a sortable column's heading looks.
pub struct ColumnLook {
    pub heading: &'static str,
    pub numeric: bool,
    /// Left out on narrow screens (the stylesheet hides it).
    pub low_priority: bool,
}

/// A sortable column's heading: a button that sorts by the column (again: the other way), with
/// `aria-sort` and an arrow for the current order.
pub fn sort_heading<Column>(
    column: Column,
    look: ColumnLook,
    sort: Memo<TableSort<Column>>,
    sort_by: impl Fn(Column) + 'static,
) -> impl IntoView
where
    Column: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <th
            scope="col"
            class:numeric=look.numeric
            class:low-priority=look.low_priority
            aria-sort=move || sort.get().aria_sort(column)
        >
            <button type="button" on:click=move |_| sort_by(column)>
                {look.heading}
                {move || sort.get().arrow(column)}
            </button>
        </th>
    }
}

/// "Loading flavors…", and after a few seconds how long it has been waiting. Only the first
/// part is a live region: a count that changes every second is not read out.
#[component]
fn LoadingLine(what: &'static str) -> impl IntoView {
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

/// A list's three states: loading, failed (the API's error, what to do, and Retry), loaded.
///
/// The failure is rendered here rather than thrown to an `ErrorBoundary`: Leptos 0.8's
/// `Suspend` holds the thread's error hook across its await, so with several lists loading at
/// once an error landed in whichever section's boundary had set the hook last (a failed flavor
/// list showed as "Could not load key pairs", and its Retry reloaded key pairs).
pub fn loaded_list<T, V>(
    what: &'static str,
    resource: LocalResource<Result<Arc<T>, ApiError>>,
    render: impl Fn(Arc<T>) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    V: IntoView + 'static,
{
    let announcer = use_announcer();
    // The Retry button goes when the list comes: focus moves to the list's box first, so the
    // keyboard keeps its place instead of falling back to the top of the page.
    let list_box = NodeRef::<leptos::html::Div>::new();
    let retry = move |_| {
        if let Some(list_box) = list_box.get_untracked() {
            let _ = list_box.focus();
        }
        announcer.announce(format!("Loading {what} again"));
        resource.refetch();
    };
    view! {
        <div class="list-box" node_ref=list_box tabindex="-1">
            <Transition fallback=move || view! { <LoadingLine what /> }>
                {move || {
                    let render = render.clone();
                    Suspend::new(async move {
                        match resource.await {
                            Ok(list) => render(list).into_any(),
                            Err(error) => {
                                view! {
                                    <div class="list-state">
                                        <ErrorNotice error title=format!("Could not load {what}.") />
                                        <button
                                            type="button"
                                            aria-label=format!("Retry loading {what}")
                                            on:click=retry
                                        >
                                            "Retry"
                                        </button>
                                    </div>
                                }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Transition>
        </div>
    }
}
