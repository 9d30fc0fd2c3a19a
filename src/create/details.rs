//! The server's own details: name, count, admin password, user data and metadata.

use leptos::prelude::*;

use super::draft::MetadataEntry;
use super::fields::{FieldError, TextField, loaded_list};
use super::logic::request::{Field, quota_left_text};
use super::use_page;

#[component]
pub fn DetailsSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    view! {
        <fieldset class="section">
            <legend>"Details"</legend>
            <div class="field-row">
                <TextField
                    draft=draft
                    id="server-name"
                    label="Server name"
                    get=|draft| &draft.name
                    set=|draft, value| draft.name = value
                    error=page.problem(Field::Name)
                />
                // Text, not type="number", so what is typed is kept as typed (see the disk size).
                <TextField
                    draft=draft
                    id="server-count"
                    label="Count"
                    inputmode="numeric"
                    get=|draft| &draft.count
                    set=|draft, value| draft.count = value
                    error=page.problem(Field::Count)
                    hint="All or nothing: the cloud creates exactly this many servers or none."
                />
            </div>
            {loaded_list(
                "the quota",
                page.lists.limits,
                |limits| view! { <p class="hint" id="quota-left">{quota_left_text(&limits)}</p> },
            )}
            <TextField
                draft=draft
                id="admin-pass"
                label="Admin password (optional)"
                input_type="password"
                autocomplete="new-password"
                get=|draft| &draft.admin_pass
                set=|draft, value| draft.admin_pass = value
                hint="Leave empty to let the cloud generate one; it is shown once after creation."
            />
            <TextField
                draft=draft
                id="user-data"
                label="User data (optional)"
                multiline=true
                get=|draft| &draft.user_data
                set=|draft, value| draft.user_data = value
                error=page.problem(Field::UserData)
                hint="A cloud-init script or config; sent base64-encoded (at most 65535 bytes encoded)."
            />
            <MetadataEditor />
        </fieldset>
    }
}

#[component]
fn MetadataEditor() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    // Rows are rebuilt only when one is added or removed, so typing keeps the focus.
    let row_count = Memo::new(move |_| draft.with(|draft| draft.metadata.len()));
    let rows = move || {
        (0..row_count.get())
            .map(|index| {
                let number = index + 1;
                let key_id = format!("metadata-key-{number}");
                let value_id = format!("metadata-value-{number}");
                let read = move |pick: fn(&MetadataEntry) -> &String| {
                    move || {
                        draft.with(|draft| {
                            draft
                                .metadata
                                .get(index)
                                .map(pick)
                                .cloned()
                                .unwrap_or_default()
                        })
                    }
                };
                view! {
                    <li class="field-row">
                        <div class="field">
                            <label for=key_id.clone()>{format!("Metadata key {number}")}</label>
                            <input
                                id=key_id
                                prop:value=read(|entry| &entry.key)
                                on:input=move |ev| {
                                    let text = event_target_value(&ev);
                                    draft.update(|draft| {
                                        if let Some(entry) = draft.metadata.get_mut(index) {
                                            entry.key = text;
                                        }
                                    });
                                }
                            />
                        </div>
                        <div class="field">
                            <label for=value_id.clone()>{format!("Metadata value {number}")}</label>
                            <input
                                id=value_id
                                prop:value=read(|entry| &entry.value)
                                on:input=move |ev| {
                                    let text = event_target_value(&ev);
                                    draft.update(|draft| {
                                        if let Some(entry) = draft.metadata.get_mut(index) {
                                            entry.value = text;
                                        }
                                    });
                                }
                            />
                        </div>
                        <button
                            type="button"
                            aria-label=format!("Remove metadata row {number}")
                            on:click=move |_| {
                                draft.update(|draft| {
                                    if index < draft.metadata.len() {
                                        draft.metadata.remove(index);
                                    }
                                })
                            }
                        >
                            "Remove"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="field" role="group" aria-labelledby="metadata-label">
            <span id="metadata-label" class="section-title">"Metadata (optional)"</span>
            <ul class="choice-list">{rows}</ul>
            <div>
                <button
                    type="button"
                    on:click=move |_| draft.update(|draft| draft.metadata.push(MetadataEntry::default()))
                >
                    "Add metadata"
                </button>
            </div>
            <FieldError id="metadata" error=page.problem(Field::Metadata) />
        </div>
    }
}
