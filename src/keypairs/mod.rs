//! `/keypairs`: the user's key pairs (name, type, fingerprint, creation time), filtered by name;
//! create or import one (the forms the create-server page uses too); delete one or several,
//! confirmed in a dialog that names them.

pub mod forms;
pub mod logic;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use ecs_api::ApiError;
use ecs_api::models::KeyPair;
use futures::StreamExt;
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::api::use_api;
use crate::browser::focus::focus_after_render;
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::format::EMPTY;
use crate::components::keyed_rows::{KeyedRows, RowKey};
use crate::components::text_field::TextField;
use crate::components::timestamp::Timestamp;
use crate::create::logic::keyfile::{FormPlace, GeneratedKey, forget_keys, key_on_leaving};
use crate::create::logic::leaving::leave_question;
use crate::hooks::clock::use_clock;
use forms::{
    CreateKeyPairForm, FormText, ImportKeyPairForm, KeyPairForms, PrivateKeyNotices,
    ask_before_leaving,
};
use logic::{
    Created, DeleteOutcome, DeleteReport, KeyPairRow, SelectAll, delete_title, key_pairs_count,
    known_created, rows, select_all_state, selected_names, still_to_show, toggle_all,
};

/// How many `DELETE`s run at once.
const DELETES_AT_ONCE: usize = 4;
/// Focus lands here after deleting (the rows and buttons that did it may be gone).
const DELETE_REPORT_ID: &str = "delete-report";
const DIALOG_TITLE_ID: &str = "delete-dialog-title";

/// The `/keypairs` route: a chunk of its own in the split build, fetched on the first visit.
pub struct KeyPairsRoute;

impl LazyRoute for KeyPairsRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_route: Self) -> AnyView {
        keypairs_page().await
    }
}

#[cfg_attr(feature = "split", leptos::lazy)]
async fn keypairs_page() -> AnyView {
    view! { <KeyPairsPage /> }.into_any()
}

type Loaded<T> = LocalResource<Result<Arc<T>, ApiError>>;

/// What the page's parts share (passed to each; cheap to copy).
#[derive(Clone, Copy)]
struct PageState {
    list: Loaded<Vec<KeyPair>>,
    /// The names listed (none while the list loads).
    names: Memo<Vec<String>>,
    filter: RwSignal<String>,
    selected: RwSignal<BTreeSet<String>>,
    /// The rows shown (filtered), each with its creation time as far as known.
    shown: Memo<Vec<KeyPairRow>>,
    /// The names the delete dialog asks about.
    to_delete: RwSignal<Vec<String>>,
    dialog: NodeRef<Dialog>,
    /// The private keys of key pairs created on this page; never leave this page's memory.
    generated_keys: RwSignal<Vec<GeneratedKey>>,
}

impl PageState {
    fn new(list: Loaded<Vec<KeyPair>>) -> Self {
        let api = use_api();
        let names: Memo<Vec<String>> = Memo::new(move |_| {
            list.with(|list| {
                loaded(list)
                    .map(|list| list.iter().map(|keypair| keypair.name.clone()).collect())
                    .unwrap_or_default()
            })
        });
        // Nova's list has no creation time; each key pair's own answer has it. Asked once per
        // key pair: a new list (after a create or delete) asks only about the new names.
        let known = StoredValue::new(HashMap::<String, Created>::new());
        let details = LocalResource::new(move || {
            let names = names.get();
            let kept = known.with_value(|known| known_created(&names, known));
            async move {
                let missing = still_to_show(&names, &kept);
                let mut created = kept;
                for details in api.show_keypairs(missing).await {
                    created.insert(details.name, Created::from_show(&details.result));
                }
                known.set_value(created.clone());
                Arc::new(created)
            }
        });
        let filter = RwSignal::new(String::new());
        let shown = Memo::new(move |_| {
            let created = details.get().unwrap_or_default();
            list.with(|list| {
                loaded(list)
                    .map(|list| filter.with(|filter| rows(list, &created, filter)))
                    .unwrap_or_default()
            })
        });
        Self {
            list,
            names,
            filter,
            selected: RwSignal::new(BTreeSet::new()),
            shown,
            to_delete: RwSignal::new(Vec::new()),
            dialog: NodeRef::new(),
            generated_keys: RwSignal::new(Vec::new()),
        }
    }

    /// The selected key pairs that exist, in the list's order.
    fn chosen(self) -> Vec<String> {
        self.list.with(|list| {
            loaded(list)
                .map(|list| {
                    self.selected
                        .with(|selected| selected_names(list, selected))
                })
                .unwrap_or_default()
        })
    }

    /// Opens the dialog asking to delete `names`.
    fn ask_to_delete(self, names: Vec<String>) {
        if names.is_empty() {
            return;
        }
        self.to_delete.set(names);
        if let Some(dialog) = self.dialog.get_untracked() {
            // Modal: the page behind is inert, Escape cancels, and closing gives focus back to
            // the button that opened it.
            let _ = dialog.show_modal();
        }
    }
}

/// A loaded list, or `None` while it loads or after it failed.
fn loaded<T>(value: &Option<Result<Arc<T>, ApiError>>) -> Option<&T> {
    value.as_ref()?.as_ref().ok().map(Arc::as_ref)
}

#[component]
pub fn KeyPairsPage() -> impl IntoView {
    let api = use_api();
    let list: Loaded<Vec<KeyPair>> =
        LocalResource::new(move || async move { api.list_keypairs().await.map(Arc::new) });
    let page = PageState::new(list);
    let generated_keys = page.generated_keys;
    ask_before_leaving(Memo::new(move |_| {
        leave_question(generated_keys.with(|keys| key_on_leaving(keys)), false)
    }));
    let forms = KeyPairForms {
        place: FormPlace::KeyPairsPage,
        taken: page.names.into(),
        generated_keys,
        added: Callback::new(move |_name: String| list.refetch()),
    };
    let chosen = Memo::new(move |_| page.chosen());
    view! {
        <section id="keypairs-page" aria-labelledby="keypairs-title">
            <h1 id="keypairs-title">"Key pairs"</h1>
            <p class="hint">
                "The key pairs of your user. A server gets a key pair's public key when it is created; deleting the key pair later does not take it away from the server."
            </p>
            <div class="card keypair-forms">
                <PrivateKeyNotices generated_keys />
                <details>
                    <summary>"Create a new key pair"</summary>
                    <CreateKeyPairForm forms name=FormText::from(RwSignal::new(String::new())) />
                </details>
                <details>
                    <summary>"Import a public key"</summary>
                    <ImportKeyPairForm
                        forms
                        name=FormText::from(RwSignal::new(String::new()))
                        public_key=FormText::from(RwSignal::new(String::new()))
                    />
                </details>
            </div>
            <div class="row spread keypairs-tools">
                <TextField
                    id="keypair-filter"
                    label="Filter by name"
                    value=page.filter
                    no_spellcheck=true
                />
                <button
                    type="button"
                    id="delete-selected"
                    class="danger"
                    disabled=move || chosen.with(Vec::is_empty)
                    on:click=move |_| page.ask_to_delete(chosen.get_untracked())
                >
                    {move || match chosen.with(Vec::len) {
                        0 => "Delete selected".to_owned(),
                        count => format!("Delete selected ({count})"),
                    }}
                </button>
            </div>
            <Deletions page />
            {move || match list.get() {
                None => view! { <p class="loading">"Loading key pairs…"</p> }.into_any(),
                Some(Err(error)) => {
                    view! {
                        <ErrorNotice error title="Loading the key pairs failed" />
                        <button type="button" on:click=move |_| list.refetch()>"Retry"</button>
                    }
                        .into_any()
                }
                Some(Ok(keypairs)) if keypairs.is_empty() => {
                    view! {
                        <p class="card" id="no-keypairs">
                            "No key pairs yet. Create or import one above."
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(_)) => view! { <KeyPairTable page /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn KeyPairTable(page: PageState) -> impl IntoView {
    let now = use_clock();
    let select_all = Memo::new(move |_| {
        page.shown.with(|shown| {
            page.selected
                .with(|selected| select_all_state(shown, selected))
        })
    });
    let on_select_all = move |_| {
        let next = page.shown.with_untracked(|shown| {
            page.selected
                .with_untracked(|selected| toggle_all(shown, selected))
        });
        page.selected.set(next);
    };
    // Rows are keyed by what they show: a refresh rebuilds only the rows whose text changed.
    let keys = Signal::derive(move || {
        page.shown.with(|shown| {
            shown
                .iter()
                .enumerate()
                .map(|(position, row)| RowKey::showing(position, row))
                .collect()
        })
    });
    let row = Callback::new(move |position: usize| {
        let Some(row) = page
            .shown
            .with_untracked(|shown| shown.get(position).cloned())
        else {
            return ().into_any();
        };
        view! { <KeyPairRowView page row now /> }.into_any()
    });
    let nothing_shown = move || page.shown.with(Vec::is_empty);
    view! {
        <div class="table-wrap card">
            <table id="keypairs-table" class="stacks-narrow" aria-labelledby="keypairs-title">
                <thead>
                    <tr>
                        <th scope="col" class="select">
                            <input
                                type="checkbox"
                                id="select-all"
                                aria-label="Select all key pairs shown"
                                prop:checked=move || select_all.get() == SelectAll::Checked
                                prop:indeterminate=move || select_all.get() == SelectAll::Mixed
                                disabled=nothing_shown
                                on:change=on_select_all
                            />
                        </th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Fingerprint"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    <KeyedRows rows=keys row />
                </tbody>
            </table>
            {move || {
                nothing_shown()
                    .then(|| view! { <p id="no-keypair-matches">"No key pair matches the filter."</p> })
            }}
        </div>
    }
}

#[component]
fn KeyPairRowView(page: PageState, row: KeyPairRow, now: ReadSignal<f64>) -> impl IntoView {
    let name = row.name.clone();
    let is_selected = {
        let name = name.clone();
        move || page.selected.with(|selected| selected.contains(&name))
    };
    let toggle = {
        let name = name.clone();
        move |_| {
            page.selected.update(|selected| {
                if !selected.remove(&name) {
                    selected.insert(name.clone());
                }
            })
        }
    };
    let delete = {
        let name = name.clone();
        move |_| page.ask_to_delete(vec![name.clone()])
    };
    let created = match row.created {
        Created::At(at) => view! { <Timestamp value=Some(at) now /> }.into_any(),
        Created::Loading => view! { <span class="muted">"loading…"</span> }.into_any(),
        Created::NotGiven => EMPTY.into_any(),
        Created::Failed(message) => {
            view! { <span class="muted" title=message>"not available"</span> }.into_any()
        }
    };
    view! {
        <tr data-keypair=name.clone()>
            <td data-label="Select" class="select">
                <input
                    type="checkbox"
                    aria-label=format!("Select {name}")
                    prop:checked=is_selected
                    on:change=toggle
                />
            </td>
            <td data-label="Name">{name.clone()}</td>
            <td data-label="Type">{row.key_type.unwrap_or_else(|| EMPTY.to_owned())}</td>
            <td data-label="Fingerprint" class="mono">{row.fingerprint}</td>
            <td data-label="Created">{created}</td>
            <td data-label="Actions">
                <button
                    type="button"
                    class="danger delete-one"
                    aria-label=format!("Delete {name}")
                    on:click=delete
                >
                    "Delete"
                </button>
            </td>
        </tr>
    }
}

/// The delete dialog, and what the deletions came to.
#[component]
fn Deletions(page: PageState) -> impl IntoView {
    let api = use_api();
    let announcer = use_announcer();
    let delete = Action::new_local(move |names: &Vec<String>| {
        let names = names.clone();
        async move {
            let outcomes: Vec<DeleteOutcome> = futures::stream::iter(names)
                .map(|name| async move {
                    let result = api.delete_keypair(&name).await;
                    DeleteOutcome { name, result }
                })
                .buffered(DELETES_AT_ONCE)
                .collect()
                .await;
            let report = DeleteReport::new(outcomes);
            page.selected.update(|selected| {
                for name in report.removed() {
                    selected.remove(name);
                }
            });
            // A deleted key pair's private key opens nothing: its notice goes.
            page.generated_keys
                .update(|keys| forget_keys(keys, report.removed()));
            page.list.refetch();
            if let Some(dialog) = page.dialog.get_untracked() {
                dialog.close();
            }
            announcer.announce(report.summary());
            focus_after_render(DELETE_REPORT_ID);
            report
        }
    });
    let pending = delete.pending();
    let confirm = move |_| {
        if !pending.get_untracked() {
            delete.dispatch(page.to_delete.get_untracked());
        }
    };
    let title = move || page.to_delete.with(|names| delete_title(names));
    view! {
        <div id=DELETE_REPORT_ID tabindex="-1">
            {move || {
                delete
                    .value()
                    .get()
                    .map(|report| {
                        let summary = report.summary();
                        let failures = report
                            .failed
                            .into_iter()
                            .map(|failure| {
                                view! {
                                    <ErrorNotice
                                        error=failure.error
                                        title=format!("Key pair {} was not deleted.", failure.name)
                                    />
                                }
                            })
                            .collect_view();
                        view! {
                            <p class="notice" role="status">{summary}</p>
                            {failures}
                        }
                    })
            }}
        </div>
        <dialog node_ref=page.dialog id="delete-dialog" class="card" aria-labelledby=DIALOG_TITLE_ID>
            <h2 id=DIALOG_TITLE_ID>{title}</h2>
            <ul id="delete-names">
                {move || {
                    page.to_delete
                        .get()
                        .into_iter()
                        .map(|name| view! { <li>{name}</li> })
                        .collect_view()
                }}
            </ul>
            <p>
                {move || {
                    let count = page.to_delete.with(Vec::len);
                    format!(
                        "Deleting {} cannot be undone. Servers that already have the public key keep it; new servers can no longer be created with it.",
                        if count == 1 { "it".to_owned() } else { format!("these {}", key_pairs_count(count)) }
                    )
                }}
            </p>
            <div class="row">
                <button type="button" id="delete-confirm" class="danger" disabled=pending on:click=confirm>
                    "Delete"
                </button>
                <form method="dialog">
                    <button id="delete-cancel" autofocus>"Cancel"</button>
                </form>
                {move || pending.get().then(|| view! { <span role="status">"Deleting…"</span> })}
            </div>
        </dialog>
    }
}
