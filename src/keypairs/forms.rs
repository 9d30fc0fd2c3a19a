//! The key pair forms the create-server form and the key pairs page share: create (the cloud
//! generates the key; its private key downloads at once and is offered again while the page is
//! open), import (a public key, pasted or read from a `.pub` file), the notices that hold the
//! created private keys (one each), and the question before leaving while one is held.

use ecs_api::ApiError;
use ecs_api::requests::{CreateKeyPair, ImportKeyPair};
use ecs_api::validate;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::use_api;
use crate::browser::focus::focus_after_render;
use crate::browser::leave_guard::guard_leaving_while_mounted;
use crate::browser::{BrowserError, clipboard, files};
use crate::components::announcer::{Announcer, use_announcer};
use crate::components::error_notice::ErrorNotice;
use crate::components::text_field::{TextBinding, TextField};
use crate::create::logic::keyfile::{
    self, FormPlace, GeneratedKey, check_key_name, hold_key, refusal_advice,
};
use crate::keypairs::logic::new_key_name_hint;

/// A `.pub` file is one line; anything much larger is not a public key.
const MAX_PUBLIC_KEY_FILE_BYTES: f64 = 16.0 * 1024.0;

/// Focus goes to these after a create or an import (the buttons that did it stay behind).
const PRIVATE_KEY_NOTICE_ID: &str = "private-key-notice";
const IMPORT_OUTCOME_ID: &str = "import-outcome";

const PEM_TYPE: &str = "application/x-pem-file";

/// A text a form reads and writes where its page keeps it (the create form: in its draft).
#[derive(Clone, Copy)]
pub struct FormText {
    pub value: Signal<String>,
    pub set: Callback<String>,
}

impl FormText {
    pub fn new(
        value: impl Fn() -> String + Send + Sync + 'static,
        set: impl Fn(String) + Send + Sync + 'static,
    ) -> Self {
        Self {
            value: Signal::derive(value),
            set: Callback::new(set),
        }
    }

    /// The field's binding; `edited` runs on each change as well.
    fn binding(self, edited: impl Fn() + Send + Sync + 'static) -> TextBinding {
        TextBinding::new(
            move || self.value.get(),
            move |typed| {
                self.set.run(typed);
                edited();
            },
        )
    }
}

impl From<RwSignal<String>> for FormText {
    fn from(text: RwSignal<String>) -> Self {
        Self::new(move || text.get(), move |typed| text.set(typed))
    }
}

/// What both forms share with the page around them.
#[derive(Clone, Copy)]
pub struct KeyPairForms {
    pub place: FormPlace,
    /// The names the cloud listed (none while the list loads): refused before sending.
    pub taken: Signal<Vec<String>>,
    /// The private keys of key pairs created on this page, newest first; never leave this
    /// page's memory.
    pub generated_keys: RwSignal<Vec<GeneratedKey>>,
    /// Runs with the name of each key pair created or imported.
    pub added: Callback<String>,
}

impl KeyPairForms {
    /// What to say under a name field, once something is typed.
    fn name_problem(self, name: FormText) -> Signal<Option<String>> {
        Signal::derive(move || {
            let name = name.value.get();
            self.taken
                .with(|taken| keyfile::key_name_problem(&name, taken))
        })
    }

    fn name_ready(self, name: FormText) -> bool {
        let name = name.value.get();
        self.taken
            .with(|taken| keyfile::key_name_ready(&name, taken))
    }

    /// The name as it may be sent, or (announced) why not.
    fn name_to_send(self, name: FormText, announcer: Announcer) -> Option<String> {
        let name = name.value.get_untracked();
        let checked = self
            .taken
            .with_untracked(|taken| check_key_name(&name, taken));
        match checked {
            Ok(()) => Some(name),
            Err(error) => {
                announcer.announce(error.message);
                None
            }
        }
    }
}

/// The cloud's refusal of a create or import, with advice that fits it.
fn refusal_view(error: Option<ApiError>, title: &'static str) -> impl IntoView {
    error.map(|error| {
        let advice = refusal_advice(&error);
        view! { <ErrorNotice error title advice /> }
    })
}

/// Saves the key as its `.pem` file and remembers that it was.
fn download(key: &mut GeneratedKey) -> Result<(), BrowserError> {
    files::download_text(&key.file_name(), key.private_key.expose(), PEM_TYPE)?;
    key.downloaded = true;
    Ok(())
}

#[component]
pub fn CreateKeyPairForm(forms: KeyPairForms, name: FormText) -> impl IntoView {
    let api = use_api();
    let announcer = use_announcer();
    let create = Action::new_local(move |typed: &String| {
        let request = CreateKeyPair {
            name: typed.clone(),
            key_type: Some("ssh".to_owned()),
        };
        async move {
            let created = api.create_keypair(&request).await.inspect_err(|error| {
                announcer.announce(format!("The key pair was not created. {}", error.message))
            })?;
            name.set.run(String::new());
            forms.added.run(created.name.clone());
            let Some(private_key) = created.private_key else {
                announcer.announce(format!(
                    "Key pair {} created, but the cloud returned no private key.",
                    created.name
                ));
                return Ok(());
            };
            let mut key = GeneratedKey {
                key_name: created.name,
                private_key,
                downloaded: false,
                saved: false,
            };
            let file_name = key.file_name();
            announcer.announce(match download(&mut key) {
                Ok(()) => format!(
                    "Key pair {} created. Its private key is downloading as {file_name}; once you leave this page it cannot be downloaded again.",
                    key.key_name
                ),
                Err(error) => format!(
                    "Key pair {} created, but the download failed ({error}). Use Download again or Copy now.",
                    key.key_name
                ),
            });
            // Beside the keys created before: creating another loses none of them.
            forms.generated_keys.update(|keys| hold_key(keys, key));
            // The notice is the one chance to keep the key: take the user there.
            focus_after_render(PRIVATE_KEY_NOTICE_ID);
            Ok::<(), ApiError>(())
        }
    });
    let pending = create.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        if let Some(typed) = forms.name_to_send(name, announcer) {
            create.dispatch(typed);
        }
    };
    view! {
        <form class="subform" on:submit=on_submit>
            <TextField
                id="new-key-name"
                label="New key pair name"
                // A refusal is about the name it was for: editing the name clears it.
                value=name.binding(move || create.value().set(None))
                error=forms.name_problem(name)
                no_spellcheck=true
                hint=move || new_key_name_hint(&name.value.get())
            />
            <div class="actions">
                <button type="submit" disabled=move || pending.get() || !forms.name_ready(name)>
                    "Create key pair"
                </button>
                {move || pending.get().then(|| view! { <span role="status">"Creating…"</span> })}
            </div>
            {move || refusal_view(create.value().get().and_then(Result::err), "The key pair was not created.")}
        </form>
    }
}

/// Which form [`key_pair_form`] builds, with where each keeps what is typed.
#[derive(Clone, Copy)]
pub enum FormKind {
    Create {
        name: FormText,
    },
    Import {
        name: FormText,
        public_key: FormText,
    },
}

/// The key pair forms' code could not be fetched (offline, or the console was updated since the
/// page loaded); the next call tries again.
#[derive(Debug, Clone, Copy)]
pub struct FormCodeUnavailable;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for FormCodeUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// The form `kind` as a view. In the split build both forms' code is a chunk of its own, which
/// the create-server form fetches only when one of its key pair expanders first opens (the key
/// pairs page renders the forms directly: its chunk brings them). `wasm_split`'s `fallible`
/// turns a failed fetch into an error instead of a panic (which would abort the app).
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(key_pair_form, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn key_pair_form(forms: KeyPairForms, kind: FormKind) -> Result<AnyView, FormCodeUnavailable> {
    Ok(form_view(forms, kind))
}

#[cfg(not(feature = "split"))]
pub async fn key_pair_form(
    forms: KeyPairForms,
    kind: FormKind,
) -> Result<AnyView, FormCodeUnavailable> {
    Ok(form_view(forms, kind))
}

fn form_view(forms: KeyPairForms, kind: FormKind) -> AnyView {
    match kind {
        FormKind::Create { name } => view! { <CreateKeyPairForm forms name /> }.into_any(),
        FormKind::Import { name, public_key } => {
            view! { <ImportKeyPairForm forms name public_key /> }.into_any()
        }
    }
}

/// Shown after key pairs were created here, newest first: for each, the one chance to keep its
/// private key.
#[component]
pub fn PrivateKeyNotices(generated_keys: RwSignal<Vec<GeneratedKey>>) -> impl IntoView {
    move || {
        let keys = generated_keys.get();
        (!keys.is_empty()).then(|| {
            let notices = keys
                .into_iter()
                .enumerate()
                .map(|(index, key)| private_key_notice(generated_keys, index, key))
                .collect_view();
            view! {
                <div id=PRIVATE_KEY_NOTICE_ID tabindex="-1">
                    {notices}
                </div>
            }
        })
    }
}

/// The notice of the held key `key`, the `index`-th shown.
fn private_key_notice(
    generated_keys: RwSignal<Vec<GeneratedKey>>,
    index: usize,
    key: GeneratedKey,
) -> impl IntoView {
    let announcer = use_announcer();
    let name = StoredValue::new(key.key_name.clone());
    // Runs `change` on the held key of this notice (still held unless its key pair was deleted).
    let change = move |change: fn(&mut GeneratedKey) -> Option<String>| {
        let mut said = None;
        generated_keys.update(|keys| {
            let held = name.with_value(|name| keys.iter_mut().find(|key| &key.key_name == name));
            if let Some(key) = held {
                said = change(key);
            }
        });
        if let Some(said) = said {
            announcer.announce(said);
        }
    };
    let download_again = move |_| {
        change(|key| {
            Some(match download(key) {
                Ok(()) => format!("Downloading {} again", key.file_name()),
                Err(error) => format!("The download failed: {error}"),
            })
        })
    };
    let private_key = key.private_key.clone();
    let copied = format!("Private key of {} copied", key.key_name);
    let copy = move |_| {
        let (private_key, copied) = (private_key.clone(), copied.clone());
        spawn_local(async move {
            match clipboard::write_text(private_key.expose()).await {
                Ok(()) => announcer.announce(copied),
                Err(error) => announcer.announce(format!("Could not copy: {error}")),
            }
        });
    };
    let confirm_saved = move |_| {
        change(|key| {
            key.saved = true;
            Some(format!("Private key of {} marked as saved", key.key_name))
        });
        // The button goes away with the click; focus stays on the notices, not the page.
        focus_after_render(PRIVATE_KEY_NOTICE_ID);
    };
    let file_name = key.file_name();
    let headline = if key.downloaded {
        format!("Private key of {} downloaded as {file_name}.", key.key_name)
    } else {
        format!(
            "Private key of {}: the download of {file_name} failed. Download it again or copy it now.",
            key.key_name
        )
    };
    let title_id = format!("private-key-title-{index}");
    let labelled_by = title_id.clone();
    view! {
        <div class="notice" role="region" aria-labelledby=labelled_by>
            <p id=title_id>
                <strong>{headline}</strong>
            </p>
            <p>
                "The cloud returns a private key only once: it cannot be downloaded again after you leave this page. Keep it somewhere safe, readable only by you (e.g. in ~/.ssh, then "
                <code>{format!("chmod 600 {file_name}")}</code>
                ": ssh refuses a key others can read)."
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
    }
}

#[component]
pub fn ImportKeyPairForm(
    forms: KeyPairForms,
    name: FormText,
    public_key: FormText,
) -> impl IntoView {
    let api = use_api();
    let announcer = use_announcer();
    let file_problem = RwSignal::new(None::<String>);
    let import = Action::new_local(move |request: &ImportKeyPair| {
        let request = request.clone();
        async move {
            let imported = api.import_keypair(&request).await.inspect_err(|error| {
                announcer.announce(format!("The key pair was not imported. {}", error.message))
            })?;
            name.set.run(String::new());
            public_key.set.run(String::new());
            forms.added.run(imported.name.clone());
            announcer.announce(forms.place.imported(&imported.name));
            focus_after_render(IMPORT_OUTCOME_ID);
            Ok::<String, ApiError>(imported.name)
        }
    });
    let pending = import.pending();
    // A refusal or an outcome is about what was sent: editing clears it.
    let edited = move || import.value().set(None);
    let key_check = Memo::new(move |_| {
        public_key.value.with(|text| {
            (!text.trim().is_empty())
                .then(|| validate::public_key(text).map_err(|error| error.message))
        })
    });
    let key_problem = Signal::derive(move || {
        file_problem
            .get()
            .or_else(|| key_check.with(|check| check.as_ref()?.as_ref().err().cloned()))
    });
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = files::chosen_file(&ev) else {
            return;
        };
        if file.size() > MAX_PUBLIC_KEY_FILE_BYTES {
            // A file's size is a whole number below 2^53: as an integer it reads the same,
            // without the float formatting code in this chunk.
            file_problem.set(Some(format!(
                "{} is {} bytes; a public key file is a single short line. Choose the .pub file.",
                file.name(),
                file.size() as u64
            )));
            return;
        }
        spawn_local(async move {
            match files::read_text(&file).await {
                Ok(text) => {
                    file_problem.set(None);
                    public_key.set.run(text.trim().to_owned());
                    edited();
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
        let Some(typed_name) = forms.name_to_send(name, announcer) else {
            return;
        };
        let key = public_key.value.get_untracked().trim().to_owned();
        if let Err(error) = validate::public_key(&key) {
            announcer.announce(error.message);
            return;
        }
        import.dispatch(ImportKeyPair {
            name: typed_name,
            public_key: key,
            key_type: Some("ssh".to_owned()),
        });
    };
    let ready =
        move || forms.name_ready(name) && key_check.with(|check| matches!(check, Some(Ok(_))));
    view! {
        <form class="subform" on:submit=on_submit>
            <TextField
                id="import-key-name"
                label="Imported key pair name"
                value=name.binding(edited)
                error=forms.name_problem(name)
                no_spellcheck=true
            />
            <TextField
                id="import-public-key"
                label="Public key"
                value=public_key.binding(edited)
                error=key_problem
                multiline=true
                no_spellcheck=true
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
            {move || refusal_view(import.value().get().and_then(Result::err), "The key pair was not imported.")}
            {move || {
                import
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|name| {
                        view! {
                            <p class="notice" id=IMPORT_OUTCOME_ID tabindex="-1">
                                {forms.place.imported(&name)}
                            </p>
                        }
                    })
            }}
        </form>
    }
}

/// While the calling owner lives, asks `question` (when there is one) before the page goes: a
/// link, Back/Forward, sign-out, closing or reloading the tab.
pub fn ask_before_leaving(question: Memo<Option<&'static str>>) {
    let announcer = use_announcer();
    // Keeps the browser's listeners in step with what would be lost (an external system, hence
    // an effect). Each run's listeners are removed before the next: a new question replaces the
    // guard, so the dialog says what would be lost.
    Effect::new(move |_| {
        if let Some(question) = question.get()
            && let Err(error) = guard_leaving_while_mounted(question)
        {
            announcer.announce(format!(
                "Save what is shown only once before leaving: the page cannot warn you ({error})."
            ));
        }
    });
}
