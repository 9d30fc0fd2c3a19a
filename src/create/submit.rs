//! "Create server": sends the request once, shows the API's refusal word for word with the form
//! intact, or shows the admin password once and goes on to the server's details.

use ecs_api::models::CreatedServer;
use ecs_api::requests::CreateServer;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::browser;
use super::draft::CreateDraft;
use super::keypair::{LEAVE_MESSAGE, key_unsaved};
use super::use_page;
use crate::api::use_api;
use crate::components::announcer::use_announcer;
use crate::components::copy_button::CopyButton;
use crate::components::error_notice::ErrorNotice;

fn details_path(server_id: &str) -> String {
    format!("/servers/{}", ecs_api::urls::encode(server_id))
}

#[component]
pub fn CreateButton() -> impl IntoView {
    let page = use_page();
    let api = use_api();
    let announcer = use_announcer();
    let navigate = use_navigate();
    // Leaving with an unsaved private key asks first; staying keeps the link to the server.
    let go_to_server = move |server_id: &str| {
        if !key_unsaved(page.generated_key) || browser::confirm_leave(LEAVE_MESSAGE) {
            navigate(&details_path(server_id), NavigateOptions::default());
        }
    };
    let create = Action::new_local({
        let go_to_server = go_to_server.clone();
        move |request: &CreateServer| {
            let request = request.clone();
            let go_to_server = go_to_server.clone();
            async move {
                let server = api.create_server(&request).await.inspect_err(|error| {
                    announcer.announce(format!("The server was not created: {}", error.message));
                })?;
                // The values were used: a later visit starts with a fresh form.
                page.draft.set(CreateDraft::default());
                page.attempted.set(false);
                if server.admin_pass.is_some() {
                    announcer.announce(format!(
                        "Server {} is being created. Note its admin password now: it is shown only once.",
                        request.name
                    ));
                } else {
                    announcer.announce(format!("Server {} is being created", request.name));
                    go_to_server(&server.id);
                }
                Ok::<CreatedServer, ecs_api::ApiError>(server)
            }
        }
    });
    let pending = create.pending();
    let succeeded = move || create.value().with(|value| matches!(value, Some(Ok(_))));
    let on_click = move |_| {
        // The button is disabled while a request is in flight; this also stops a second click
        // that arrives before the browser re-renders it.
        if pending.get_untracked() || succeeded() {
            return;
        }
        page.attempted.set(true);
        match page.request.get_untracked() {
            Ok(request) => {
                announcer.announce("Creating the server…");
                create.dispatch(request);
            }
            Err(problems) => announcer.announce(format!(
                "The server was not created: {} field(s) need attention. The review lists them.",
                problems.len()
            )),
        }
    };
    let outcome = move || {
        create.value().get().map(|result| match result {
            Err(error) => view! {
                <div class="api-error">
                    <ErrorNotice error title="The cloud refused to create the server." />
                    <p>"Your values are kept below: change what the message names and press Create server again."</p>
                </div>
            }
            .into_any(),
            Ok(server) => {
                let server_id = server.id.clone();
                let go_to_server = go_to_server.clone();
                let password = server.admin_pass.map(|password| {
                    let shown = password.expose().to_owned();
                    view! {
                        <p>
                            "Admin password, shown only this once: "
                            <code class="mono">{shown.clone()}</code>
                            " "
                            <CopyButton value=shown label="admin password" />
                        </p>
                    }
                });
                view! {
                    <div class="notice" role="region" aria-labelledby="created-title">
                        <p id="created-title">
                            <strong>{format!("The server is being created (id {}).", server.id)}</strong>
                        </p>
                        {password}
                        <button type="button" on:click=move |_| go_to_server(&server_id)>
                            "Continue to the server"
                        </button>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <div class="actions">
            <button
                type="button"
                class="primary"
                disabled=move || pending.get() || succeeded()
                on:click=on_click
            >
                "Create server"
            </button>
            {move || pending.get().then(|| view! { <span role="status">"Creating the server…"</span> })}
        </div>
        {outcome}
    }
}
