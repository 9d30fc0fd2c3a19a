//! Step 5 of the guide: the key pair. Choose an existing one, let the cloud create one (its
//! private key downloads at once and is offered again while the page is open), or import a
//! public key, pasted or read from a `.pub` file. The create and import forms are the key pairs
//! page's (`crate::keypairs::forms`); what they make is chosen here at once. Their code is fetched
//! when one of their expanders first opens (a chunk of its own in the split build): most servers
//! are created with a key pair that exists, and the first page is smaller without it.

use leptos::prelude::*;

use super::draft::CreateDraft;
use super::fields::LoadedList;
use super::logic::fields::Field;
use super::logic::keyfile::FormPlace;
use super::{loaded, use_page};
use crate::components::text_field::FieldError;
use crate::keypairs::forms::{FormKind, FormText, KeyPairForms, PrivateKeyNotices, key_pair_form};

#[component]
pub fn KeyPairSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let field = Field::KeyPair;
    let chosen = move || draft.with(|draft| draft.key_name.clone());
    let keypairs = page.lists.keypairs;
    let taken = Memo::new(move |_| {
        keypairs.with(|list| {
            loaded(list)
                .map(|list| list.iter().map(|keypair| keypair.name.clone()).collect())
                .unwrap_or_default()
        })
    });
    let forms = KeyPairForms {
        place: FormPlace::CreateServer,
        taken: taken.into(),
        generated_keys: page.generated_keys,
        // What was created or imported is chosen for the server, and listed.
        added: Callback::new(move |name: String| {
            draft.update(|draft| draft.key_name = name);
            keypairs.refetch();
        }),
    };
    let draft_text = |get: fn(&CreateDraft) -> &String, set: fn(&mut CreateDraft, String)| {
        FormText::new(
            move || draft.with(|draft| get(draft).clone()),
            move |typed| draft.update(|draft| set(draft, typed)),
        )
    };
    view! {
        <fieldset class="section">
            <legend>"Login"</legend>
            <div class="field">
                <label for=field.control_id()>{field.label()}</label>
                <LoadedList what="key pairs" resource=keypairs let:keypairs>
                    <select
                        id=field.control_id()
                        on:change=move |ev| {
                            let name = event_target_value(&ev);
                            draft.update(|draft| draft.key_name = name);
                        }
                    >
                        <option value="" prop:selected=move || chosen().is_empty()>
                            "No key pair (log in with the admin password)"
                        </option>
                        {keypairs
                            .iter()
                            .map(|keypair| {
                                let name = keypair.name.clone();
                                let selected = {
                                    let name = name.clone();
                                    move || chosen() == name
                                };
                                let label = if keypair.fingerprint.is_empty() {
                                    name.clone()
                                } else {
                                    format!("{name} ({})", keypair.fingerprint)
                                };
                                view! { <option value=name prop:selected=selected>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                </LoadedList>
                <FieldError id=field.id() error=page.problem(field) />
            </div>
            <PrivateKeyNotices generated_keys=page.generated_keys />
            <FormOnFirstOpen
                summary="Create a new key pair"
                forms
                kind=FormKind::Create {
                    name: draft_text(|draft| &draft.new_key_name, |draft, typed| draft.new_key_name = typed),
                }
            />
            <FormOnFirstOpen
                summary="Import a public key"
                forms
                kind=FormKind::Import {
                    name: draft_text(|draft| &draft.import_key_name, |draft, typed| draft.import_key_name = typed),
                    public_key: draft_text(
                        |draft| &draft.import_public_key,
                        |draft, typed| draft.import_public_key = typed,
                    ),
                }
            />
        </fieldset>
    }
}

/// An expander holding the key pair form `kind`, built when the expander first opens. Once
/// built it stays while the expander closes and opens again: what was typed is in the draft
/// either way, but a create still under way, its refusal or an import's outcome would be lost.
#[component]
fn FormOnFirstOpen(summary: &'static str, forms: KeyPairForms, kind: FormKind) -> impl IntoView {
    let opened = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    // Bumped by "Try again" after the form's code could not be fetched.
    let attempt = RwSignal::new(0u32);
    let on_toggle = move |ev: leptos::ev::Event| {
        let open = event_target::<web_sys::Element>(&ev).has_attribute("open");
        // Set once only: each set would rebuild the form.
        if open && !opened.get_untracked() {
            opened.set(true);
        }
    };
    let try_again = move |_| {
        loaded.set(false);
        attempt.update(|attempt| *attempt += 1);
    };
    let form = move || {
        attempt.track();
        opened.get().then(|| {
            Suspend::new(async move {
                let form = key_pair_form(forms, kind).await;
                loaded.set(true);
                form.unwrap_or_else(|_unavailable| {
                    view! {
                        <p class="error" role="alert">
                            "The form could not be fetched: the network failed, or the console was updated since this page loaded. "
                            <button type="button" on:click=try_again>"Try again"</button>
                        </p>
                    }
                        .into_any()
                })
            })
        })
    };
    view! {
        <details on:toggle=on_toggle>
            <summary>{summary}</summary>
            {form}
            {move || {
                (opened.get() && !loaded.get())
                    .then(|| view! { <p class="loading" role="status">"Loading the form…"</p> })
            }}
        </details>
    }
}
