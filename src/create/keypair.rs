//! Step 5 of the guide: the key pair. Choose an existing one, let the cloud create one (its
//! private key downloads at once and is offered again while the page is open), or import a
//! public key, pasted or read from a `.pub` file.

use ecs_api::ApiError;
use ecs_api::requests::{CreateKeyPair, ImportKeyPair};
use ecs_api::validate;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::draft::CreateDraft;
use super::fields::{LoadedList, draft_text};
use super::logic::fields::Field;
use super::logic::keyfile::{self, GeneratedKey};
use super::use_page;
use crate::api::use_api;
use crate::browser::focus::focus_after_render;
use crate::browser::{clipboard, files};
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::text_field::{FieldError, TextField};

/// A `.pub` file is one line; anything much larger is not a public key.
const MAX_PUBLIC_KEY_FILE_BYTES: f64 = 16.0 * 1024.0;

/// Focus goes to these after a create or an import (the buttons that did it stay behind).
const PRIVATE_KEY_NOTICE_ID: &str = "private-key-notice";
const IMPORT_OUTCOME_ID: &str = "import-outcome";

#[component]
pub fn KeyPairSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let field = Field::KeyPair;
    let chosen = move || draft.with(|draft| draft.key_name.clone());
    view! {
        <fieldset class="section">
            <legend>"Login"</legend>
            <div class="field">
                <label for=field.control_id()>{field.label()}</label>
                <LoadedList what="key pairs" resource=page.lists.keypairs let:keypairs>
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
            <PrivateKeyNotice />
            <details>
                <summary>"Create a new key pair"</summary>
                <CreateKeyPairForm />
            </details>
            <details>
                <summary>"Import a public key"</summary>
                <ImportKeyPairForm />
            </details>
        </fieldset>
    }
}

/// The cloud's answer to a create or import, as the form shows it.
fn api_error_view(error: Option<ApiError>, title: &'static str) -> impl IntoView {
    error.map(|error| view! { <ErrorNotice error title=title /> })
}

/// What the API's key pair name rule says about the name `name_of` reads, once one is typed.
fn key_name_problem(
    draft: RwSignal<CreateDraft>,
    name_of: fn(&CreateDraft) -> &String,
) -> Signal<Option<String>> {
    Signal::derive(move || draft.with(|draft| keyfile::key_name_problem(name_of(draft))))
}

#[component]
fn CreateKeyPairForm() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let api = use_api();
    let announcer = use_announcer();
    let keypairs = page.lists.keypairs;
    let generated_key = page.generated_key;
    let name_problem = key_name_problem(draft, |draft| &draft.new_key_name);
    let create = Action::new_local(move |name: &String| {
        let name = name.clone();
        async move {
            let request = CreateKeyPair {
                name,
                key_type: Some("ssh".to_owned()),
            };
            let created = api.create_keypair(&request).await.inspect_err(|error| {
                announcer.announce(format!("The key pair was not created. {}", error.message))
            })?;
            draft.update(|draft| {
                draft.key_name = created.name.clone();
                draft.new_key_name.clear();
            });
            keypairs.refetch();
            let Some(private_key) = created.private_key else {
                announcer.announce(format!(
                    "Key pair {} created, but the cloud returned no private key.",
                    created.name
                ));
                return Ok(());
            };
            let key = GeneratedKey {
                key_name: created.name,
                private_key,
                saved: false,
            };
            let file_name = key.file_name();
            let downloaded = files::download_text(
                &file_name,
                key.private_key.expose(),
                "application/x-pem-file",
            );
            announcer.announce(match &downloaded {
                Ok(()) => format!(
                    "Key pair {} created. Its private key is downloading as {file_name}; once you leave this page it cannot be downloaded again.",
                    key.key_name
                ),
                Err(error) => format!(
                    "Key pair {} created, but the download failed ({error}). Use Download again or Copy now.",
                    key.key_name
                ),
            });
            generated_key.set(Some(key));
            // The notice is the one chance to keep the key: take the user there.
            focus_after_render(PRIVATE_KEY_NOTICE_ID);
            Ok(())
        }
    });
    let pending = create.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = draft.with_untracked(|draft| draft.new_key_name.clone());
        if pending.get_untracked() {
            return;
        }
        if let Err(error) = validate::key_pair_name(&name) {
            announcer.announce(error.message);
            return;
        }
        create.dispatch(name);
    };
    view! {
        <form class="subform" on:submit=on_submit>
            <TextField
                id="new-key-name"
                label="New key pair name"
                value=draft_text(draft, |draft| &draft.new_key_name, |draft, value| draft.new_key_name = value)
                error=name_problem
                hint="Letters, digits, spaces, '_' and '-'. The cloud generates the key; its private key downloads once as <name>.pem."
            />
            <div class="actions">
                <button
                    type="submit"
                    disabled=move || {
                        pending.get()
                            || !draft.with(|draft| keyfile::key_name_ready(&draft.new_key_name))
                    }
                >
                    "Create key pair"
                </button>
                {move || pending.get().then(|| view! { <span role="status">"Creating…"</span> })}
            </div>
            {move || api_error_view(create.value().get().and_then(Result::err), "The key pair was not created.")}
        </form>
    }
}

/// Shown after a key pair was created here: the one chance to keep its private key.
#[component]
fn PrivateKeyNotice() -> impl IntoView {
    let page = use_page();
    let generated_key = page.generated_key;
    let announcer = use_announcer();
    move || {
        let key = generated_key.get()?;
        let file_name = key.file_name();
        let key_name = key.key_name.clone();
        let download_again = {
            let key = key.clone();
            move |_| {
                let file_name = key.file_name();
                match files::download_text(
                    &file_name,
                    key.private_key.expose(),
                    "application/x-pem-file",
                ) {
                    Ok(()) => announcer.announce(format!("Downloading {file_name} again")),
                    Err(error) => announcer.announce(format!("The download failed: {error}")),
                }
            }
        };
        let copy = {
            let key = key.clone();
            move |_| {
                let key = key.clone();
                spawn_local(async move {
                    match clipboard::write_text(key.private_key.expose()).await {
                        Ok(()) => {
                            announcer.announce(format!("Private key of {} copied", key.key_name))
                        }
                        Err(error) => announcer.announce(format!("Could not copy: {error}")),
                    }
                });
            }
        };
        let confirm_saved = move |_| {
            generated_key.update(|key| {
                if let Some(key) = key {
                    key.saved = true;
                }
            });
            announcer.announce("Private key marked as saved");
            // The button goes away with the click; focus stays on the notice, not the page.
            focus_after_render(PRIVATE_KEY_NOTICE_ID);
        };
        Some(view! {
            <div
                class="notice"
                role="region"
                aria-labelledby="private-key-title"
                id=PRIVATE_KEY_NOTICE_ID
                tabindex="-1"
            >
                <p id="private-key-title">
                    <strong>{format!("Private key of {key_name} downloaded as {file_name}.")}</strong>
                </p>
                <p>
                    "The cloud returns a private key only once: it cannot be downloaded again after you leave this page. Keep it somewhere safe (e.g. ~/.ssh, readable only by you)."
                </p>
                <div class="actions">
                    <button type="button" on:click=download_again>"Download again"</button>
                    <button type="button" on:click=copy>"Copy private key"</button>
                    {(!key.saved)
                        .then(|| {
                            view! {
                                <button type="button" on:click=confirm_saved>
                                    "I have saved the private key"
                                </button>
                            }
                        })}
                </div>
            </div>
        })
    }
}

#[component]
fn ImportKeyPairForm() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let api = use_api();
    let announcer = use_announcer();
    let keypairs = page.lists.keypairs;
    let file_problem = RwSignal::new(None::<String>);
    let name_problem = key_name_problem(draft, |draft| &draft.import_key_name);
    let key_check = Memo::new(move |_| {
        draft.with(|draft| {
            (!draft.import_public_key.trim().is_empty()).then(|| {
                validate::public_key(&draft.import_public_key).map_err(|error| error.message)
            })
        })
    });
    let key_problem = Signal::derive(move || {
        file_problem
            .get()
            .or_else(|| key_check.with(|check| check.as_ref()?.as_ref().err().cloned()))
    });
    let import = Action::new_local(move |request: &ImportKeyPair| {
        let request = request.clone();
        async move {
            let imported = api.import_keypair(&request).await.inspect_err(|error| {
                announcer.announce(format!("The key pair was not imported. {}", error.message))
            })?;
            draft.update(|draft| {
                draft.key_name = imported.name.clone();
                draft.import_key_name.clear();
                draft.import_public_key.clear();
            });
            keypairs.refetch();
            announcer.announce(format!("Key pair {} imported and chosen", imported.name));
            focus_after_render(IMPORT_OUTCOME_ID);
            Ok::<String, ApiError>(imported.name)
        }
    });
    let pending = import.pending();
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = files::chosen_file(&ev) else {
            return;
        };
        if file.size() > MAX_PUBLIC_KEY_FILE_BYTES {
            file_problem.set(Some(format!(
                "{} is {} bytes; a public key file is a single short line. Choose the .pub file.",
                file.name(),
                file.size()
            )));
            return;
        }
        spawn_local(async move {
            match files::read_text(&file).await {
                Ok(text) => {
                    file_problem.set(None);
                    draft.update(|draft| draft.import_public_key = text.trim().to_owned());
                    announcer.announce(format!("Read the public key from {}", file.name()));
                }
                Err(error) => file_problem.set(Some(format!("{}: {error}", file.name()))),
            }
        });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (name, public_key) = draft.with_untracked(|draft| {
            (
                draft.import_key_name.clone(),
                draft.import_public_key.trim().to_owned(),
            )
        });
        if let Err(error) =
            validate::key_pair_name(&name).and(validate::public_key(&public_key).map(|_| ()))
        {
            announcer.announce(error.message);
            return;
        }
        import.dispatch(ImportKeyPair {
            name,
            public_key,
            key_type: Some("ssh".to_owned()),
        });
    };
    let ready = move || {
        draft.with(|draft| keyfile::key_name_ready(&draft.import_key_name))
            && key_check.with(|check| matches!(check, Some(Ok(_))))
    };
    view! {
        <form class="subform" on:submit=on_submit>
            <TextField
                id="import-key-name"
                label="Imported key pair name"
                value=draft_text(draft, |draft| &draft.import_key_name, |draft, value| draft.import_key_name = value)
                error=name_problem
            />
            <TextField
                id="import-public-key"
                label="Public key"
                value=draft_text(draft, |draft| &draft.import_public_key, |draft, value| draft.import_public_key = value)
                error=key_problem
                multiline=true
                hint="One line starting with ssh-ed25519, ssh-rsa or ecdsa-sha2-, e.g. the contents of ~/.ssh/id_ed25519.pub."
            />
            <div class="field">
                <label for="import-public-key-file">"Or load a .pub file"</label>
                <input id="import-public-key-file" type="file" accept=".pub,text/plain" on:change=on_file />
            </div>
            {move || {
                key_check
                    .get()
                    .and_then(Result::ok)
                    .map(|key| {
                        view! {
                            <p class="hint">
                                {format!("{} key, fingerprint {}", key.algorithm.name(), key.fingerprint())}
                            </p>
                        }
                    })
            }}
            <div class="actions">
                <button type="submit" disabled=move || pending.get() || !ready()>
                    "Import key pair"
                </button>
                {move || pending.get().then(|| view! { <span role="status">"Importing…"</span> })}
            </div>
            {move || api_error_view(import.value().get().and_then(Result::err), "The key pair was not imported.")}
            {move || {
                import
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|name| {
                        view! {
                            <p class="notice" id=IMPORT_OUTCOME_ID tabindex="-1">
                                {format!("Key pair {name} imported and chosen above.")}
                            </p>
                        }
                    })
            }}
        </form>
    }
}
