//! "Get password" for a Windows server created with a key pair: a dialog takes the private key
//! file the user picks, fetches the password the guest posted (encrypted for the key pair) and
//! decrypts it in the password worker (`browser::worker`), which is downloaded only then. The key
//! is read into memory only; closing the dialog forgets the key and the password and stops the
//! worker.

use ecs_api::connect::key_file_name;
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::HtmlInputElement;

use crate::api::{Api, use_api};
use crate::browser::files::{chosen_file, read_text};
use crate::browser::focus::{focus_after_render, focus_element};
use crate::browser::worker::{decrypt_password, stop_password_worker};
use crate::components::copy_button::CopyButton;
use crate::components::error_notice::next_step;

const OPENER_ID: &str = "windows-password-open";
const TITLE_ID: &str = "windows-password-title";
const KEY_INPUT_ID: &str = "windows-password-key";
const RESULT_ID: &str = "windows-password-result";
/// Private keys are a few kilobytes: a bigger file is not one, and is not read.
const MAX_KEY_FILE_BYTES: f64 = 64.0 * 1024.0;

#[component]
pub fn WindowsPassword(server_id: Signal<String>, key_name: String) -> impl IntoView {
    let api = use_api();
    let dialog = NodeRef::<Dialog>::new();
    let busy = RwSignal::new(false);
    // Only while the dialog is open: what is going on or went wrong, and the password.
    let note = RwSignal::new(None::<String>);
    let password = RwSignal::new(None::<String>);
    // Counts closings: an answer that arrives after its dialog closed is not shown.
    let closings = StoredValue::new(0_u64);
    // Leaving the page (or the section re-rendering) stops the worker too.
    on_cleanup(stop_password_worker);

    let show = move |_| {
        // Modal: the page behind is inert, Escape closes, focus starts on the file input.
        if let Some(dialog) = dialog.get() {
            let _ = dialog.show_modal();
        }
    };
    // The Close button (a `method="dialog"` form) and Escape both end here: everything secret
    // is forgotten.
    let forget = move |_| {
        closings.update_value(|count| *count += 1);
        stop_password_worker();
        note.set(None);
        password.set(None);
        busy.set(false);
        focus_element(OPENER_ID);
    };
    let pick = move |event: leptos::ev::Event| {
        let Some(file) = chosen_file(&event) else {
            return;
        };
        // The input lets go of the file at once (and the same file can be picked again).
        event_target::<HtmlInputElement>(&event).set_value("");
        let opening = closings.get_value();
        let still_open = move || closings.try_get_value() == Some(opening);
        let id = server_id.get_untracked();
        note.set(Some("Getting the password…".to_owned()));
        password.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = get_password(api, &id, &file, still_open).await;
            if still_open() {
                busy.set(false);
                note.set(result.as_ref().err().cloned());
                password.set(result.ok());
                focus_after_render(RESULT_ID);
            }
        });
    };

    let instructions = format!(
        "Pick the private key of key pair {key_name}: the file {} saved when the key pair was created. It is read in this browser only, never sent or stored.",
        key_file_name(&key_name)
    );
    view! {
        <h3>"Windows password"</h3>
        <button type="button" id=OPENER_ID on:click=show>"Get password"</button>
        <dialog node_ref=dialog class="card" aria-labelledby=TITLE_ID on:close=forget>
            <h2 id=TITLE_ID>"Windows password"</h2>
            <p>{instructions}</p>
            <p class="field">
                <label for=KEY_INPUT_ID>"Private key file"</label>
                <input type="file" id=KEY_INPUT_ID disabled=busy on:change=pick />
            </p>
            <div id=RESULT_ID tabindex="-1">
                <p role="status">{move || note.get()}</p>
                {move || {
                    password.get().map(|password| view! {
                        <p>
                            "Password: " <code id="windows-password">{password.clone()}</code> " "
                            <CopyButton value=password label="Windows password" />
                        </p>
                    })
                }}
            </div>
            <form method="dialog">
                <button>"Close"</button>
            </form>
        </dialog>
    }
}

/// The server's password: fetched, then decrypted with the private key in `file`, unless the
/// dialog closed meanwhile (`still_open`). The error is a sentence for the user.
async fn get_password(
    api: Api,
    server_id: &str,
    file: &web_sys::File,
    still_open: impl Fn() -> bool,
) -> Result<String, String> {
    if file.size() > MAX_KEY_FILE_BYTES {
        return Err("This file is too large to be a private key.".to_owned());
    }
    let encrypted = api.server_password(server_id).await.map_err(|error| {
        format!(
            "The cloud did not give the password: {} {}",
            error.message,
            next_step(&error)
        )
    })?;
    if !encrypted.is_set() {
        return Err("The password is not set yet: Windows sets it a few minutes after the server first starts. Try again later.".to_owned());
    }
    let key = read_text(file).await.map_err(|error| error.0)?;
    // Closed meanwhile: the key goes no further (and nothing is shown).
    if !still_open() {
        return Err(String::new());
    }
    decrypt_password(&key, &encrypted.password)
        .await
        .map_err(|error| error.0)
}
