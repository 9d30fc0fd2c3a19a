//! The server's own details: name, count, admin password, user data and metadata.

use leptos::prelude::*;

use super::draft::MetadataEntry;
use super::fields::{LoadedList, draft_text};
use super::logic::fields::Field;
use super::logic::quota::quota_left_text;
use super::use_page;
use crate::components::keyed_rows::{KeyedRows, RowKey};
use crate::components::text_field::{FieldError, TextField};

#[component]
pub fn DetailsSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    view! {
        <fieldset class="section">
            <legend>"Details"</legend>
            <div class="field-row">
                <TextField
                    id=Field::Name.control_id()
                    label=Field::Name.label()
                    value=draft_text(draft, |draft| &draft.name, |draft, value| draft.name = value)
                    error=page.problem(Field::Name)
                />
                // Text, not type="number", so what is typed is kept as typed (see the disk size).
                <TextField
                    id=Field::Count.control_id()
                    label=Field::Count.label()
                    inputmode="numeric"
                    value=draft_text(draft, |draft| &draft.count, |draft, value| draft.count = value)
                    error=page.problem(Field::Count)
                    hint="All or nothing: the cloud creates exactly this many servers or none."
                />
            </div>
            <LoadedList what="the quota" resource=page.lists.limits let:limits>
                <p class="hint" id="quota-left">{quota_left_text(&limits)}</p>
            </LoadedList>
            <TextField
                id="admin-pass"
                label="Admin password (optional)"
                input_type="password"
                autocomplete="new-password"
                value=draft_text(draft, |draft| &draft.admin_pass, |draft, value| draft.admin_pass = value)
                hint="Leave empty to let the cloud generate one; it is shown once after creation."
            />
            <TextField
                id=Field::UserData.control_id()
                label=format!("{} (optional)", Field::UserData.label())
                multiline=true
                value=draft_text(draft, |draft| &draft.user_data, |draft, value| draft.user_data = value)
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
    let field = Field::Metadata;
    // Rows are keyed by their place: adding one builds only the new row and removing one drops
    // only the last (the rows after it show their new values), so typing keeps the focus.
    let row_count = Memo::new(move |_| draft.with(|draft| draft.metadata.len()));
    let rows = Signal::derive(move || (0..row_count.get()).map(RowKey::at).collect());
    let row = Callback::new(|index: usize| view! { <MetadataRow index /> }.into_any());
    view! {
        <div class="field" role="group" aria-labelledby=field.legend_id()>
            <span id=field.legend_id() class="section-title">{format!("{} (optional)", field.label())}</span>
            <ul class="choice-list">
                <KeyedRows rows row />
            </ul>
            <div>
                <button
                    type="button"
                    on:click=move |_| draft.update(|draft| draft.metadata.push(MetadataEntry::default()))
                >
                    "Add metadata"
                </button>
            </div>
            <FieldError id=field.id() error=page.problem(field) />
        </div>
    }
}

/// Row `index` of the metadata: its key, its value, and a button that removes it.
#[component]
fn MetadataRow(index: usize) -> impl IntoView {
    let draft = use_page().draft;
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
    let write = move |put: fn(&mut MetadataEntry, String)| {
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            draft.update(|draft| {
                if let Some(entry) = draft.metadata.get_mut(index) {
                    put(entry, text);
                }
            });
        }
    };
    view! {
        <li class="field-row">
            <div class="field">
                <label for=key_id.clone()>{format!("Metadata key {number}")}</label>
                <input
                    id=key_id
                    prop:value=read(|entry| &entry.key)
                    on:input=write(|entry, text| entry.key = text)
                />
            </div>
            <div class="field">
                <label for=value_id.clone()>{format!("Metadata value {number}")}</label>
                <input
                    id=value_id
                    prop:value=read(|entry| &entry.value)
                    on:input=write(|entry, text| entry.value = text)
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
}
