//! Building blocks the form's sections share: text fields bound to the draft, a filtered choice,
//! sortable column headings, and a list's loading/error/retry frame.

use std::sync::Arc;

use ecs_api::ApiError;
use leptos::prelude::*;

use super::draft::{CreateDraft, TableSort};
use super::logic::fields::Field;
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::loaded::LoadingLine;
use crate::components::text_field::{FieldError, TextBinding, TextField, error_id};

/// A text field's binding to one string of the draft.
pub fn draft_text(
    draft: RwSignal<CreateDraft>,
    get: fn(&CreateDraft) -> &String,
    set: fn(&mut CreateDraft, String),
) -> TextBinding {
    TextBinding::new(
        move || draft.with(|draft| get(draft).clone()),
        move |typed| draft.update(|draft| set(draft, typed)),
    )
}

/// A section choosing one item from a loaded table (`field` is the flavor or the image): its
/// legend, a text filter kept in the draft, the table (`children`) and the field's problem. The
/// legend's id ([`Field::legend_id`]) labels the table.
#[component]
pub fn FilteredChoice(
    field: Field,
    filter: TextBinding,
    filter_label: &'static str,
    filter_hint: &'static str,
    #[prop(into)] problem: MaybeProp<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <fieldset class="section" aria-describedby=error_id(field.id())>
            <legend id=field.legend_id()>{field.label()}</legend>
            <TextField
                id=field.control_id()
                label=filter_label
                input_type="search"
                value=filter
                hint=filter_hint
            />
            {children()}
            <FieldError id=field.id() error=problem />
        </fieldset>
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

/// A list the form offers, in its frame: loading, failed (the API's error, what to do, and
/// Retry), loaded (`children` renders it).
///
/// A plain reactive view of the resource rather than [`crate::components::loaded::Loaded`]'s
/// `Transition`: that is compiled once per list type, and the form has seven lists. A resource
/// keeps its value while it reloads, so Retry leaves the failure on screen until the answer
/// comes, as a `Transition` would.
#[component]
pub fn LoadedList<T, V, F>(
    /// What is loading, plural ("flavors"), for the loading line and the error.
    what: &'static str,
    resource: LocalResource<Result<Arc<T>, ApiError>>,
    children: F,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(Arc<T>) -> V + Send + Sync + 'static,
{
    let list_box = NodeRef::<leptos::html::Div>::new();
    let failed = list_failure(what, list_box, Callback::new(move |()| resource.refetch()));
    let content = move || match resource.get() {
        None => view! { <LoadingLine what /> }.into_any(),
        Some(Err(error)) => failed.run(error),
        // Built untracked: only a new answer rebuilds the list, not what building it reads.
        Some(Ok(list)) => untrack(|| children(list).into_any()),
    };
    view! {
        <div class="list-box" node_ref=list_box tabindex="-1">
            {content}
        </div>
    }
}

/// How a list that could not be loaded reads: the API's error, what to do, and Retry.
fn list_failure(
    what: &'static str,
    list_box: NodeRef<leptos::html::Div>,
    retry: Callback<()>,
) -> Callback<ApiError, AnyView> {
    let announcer = use_announcer();
    Callback::new(move |error: ApiError| {
        // The Retry button goes when the list comes: focus moves to the list's box first, so
        // the keyboard keeps its place instead of falling back to the top of the page.
        let on_retry = move |_| {
            if let Some(list_box) = list_box.get_untracked() {
                let _ = list_box.focus();
            }
            announcer.announce(format!("Loading {what} again"));
            retry.run(());
        };
        view! {
            <div class="list-state">
                <ErrorNotice error title=format!("Could not load {what}.") />
                <button type="button" aria-label=format!("Retry loading {what}") on:click=on_retry>
                    "Retry"
                </button>
            </div>
        }
        .into_any()
    })
}
