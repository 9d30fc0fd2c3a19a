//! "Create server": sends the request once, shows the API's refusal word for word with the form
//! intact, or shows the admin password once and goes on to the server's details.

use ecs_api::requests::CreateServer;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::draft::CreateDraft;
use super::logic::fields::Field;
use super::logic::quota::is_quota_refusal;
use super::one_time::may_leave;
use super::use_page;
use crate::api::use_api;
use crate::browser::document;
use crate::browser::focus::focus_after_render;
use crate::components::announcer::use_announcer;
use crate::components::confirm_dialog::{ConfirmDialog, Question};
use crate::components::copy_button::CopyButton;
use crate::components::error_notice::{ErrorNotice, next_step};

/// "The server is being created (id …)."; several servers from one request share one answer,
/// which names the first.
fn created_text(count: u32, first_id: &str) -> String {
    if count > 1 {
        format!("{count} servers are being created (the first has id {first_id}).")
    } else {
        format!("The server is being created (id {first_id}).")
    }
}

const CREATE_ANOTHER_ID: &str = "create-another";

/// Asked before "Create another server" takes the one-time admin password off the screen.
const ANOTHER_QUESTION: Question = Question {
    id: "create-another-dialog",
    title: "Create another server?",
    text: "The admin password of the server just created is shown only here and cannot be shown again. Note it first, or create another server anyway.",
    confirm_label: "Create another anyway",
    opener: CREATE_ANOTHER_ID,
};

/// Focus stays here after "I have noted the admin password" (the button goes).
const PASSWORD_NOTED_ID: &str = "admin-password-noted";

fn details_path(server_id: &str) -> String {
    format!("/servers/{}", ecs_api::urls::encode(server_id))
}

/// Focuses the server name with its text selected once the suggested name is on screen, so
/// typing replaces it.
fn select_name_after_render() {
    request_animation_frame(|| {
        let input = document()
            .and_then(|document| document.get_element_by_id(Field::Name.control_id()))
            .and_then(|element| {
                wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(element).ok()
            });
        if let Some(input) = input {
            let _ = input.focus();
            input.select();
        }
    });
}

#[component]
pub fn CreateButton() -> impl IntoView {
    let page = use_page();
    let api = use_api();
    let announcer = use_announcer();
    let navigate = use_navigate();
    // Leaving with an unsaved private key or an unnoted admin password asks first; staying keeps
    // the link to the server.
    let go_to_server = Callback::new(move |server_id: String| {
        if may_leave(page) {
            navigate(&details_path(&server_id), NavigateOptions::default());
        }
    });
    let create = Action::new_local(move |request: &CreateServer| {
        let request = request.clone();
        async move {
            // The quota on screen follows what the cloud counts: a new server uses some, and a
            // refusal over the quota means the page's figures were out of date.
            let limits = page.lists.limits;
            let volumes = page.lists.volumes;
            let server = api.create_server(&request).await.inspect_err(|error| {
                announcer.announce(format!("The server was not created. {}", error.message));
                if is_quota_refusal(error) {
                    limits.refetch();
                    volumes.refetch();
                }
            })?;
            limits.refetch();
            volumes.refetch();
            let count = request.requested_count();
            page.created.set(Some(request));
            let created = created_text(count, &server.id);
            if server.admin_pass.is_some() {
                page.admin_password_unnoted.set(true);
                announcer.announce(format!(
                    "{created} Note the admin password now: it is shown only once."
                ));
            } else {
                announcer.announce(created);
                go_to_server.run(server.id.clone());
            }
            Ok::<_, ecs_api::ApiError>((server, count))
        }
    });
    let pending = create.pending();
    let succeeded = move || create.value().with(|value| matches!(value, Some(Ok(_))));
    // The values were used: a later visit starts with a fresh form. Until the user leaves they
    // stay on screen, so the form does not look as if the request had failed.
    on_cleanup(move || {
        let used = create
            .value()
            .try_with_untracked(|value| matches!(value, Some(Ok(_))));
        if used == Some(true) {
            page.draft.set(CreateDraft::default());
            page.attempted.set(false);
        }
    });
    // The outcome takes focus (and so scrolls into view): the admin password is shown only once.
    let outcome_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(outcome) = outcome_ref.get() {
            let _ = outcome.focus();
        }
    });
    // The values stay in the form but the name, which moves on (a second server of the same
    // name is rarely meant), and the count, back to 1; the user may type another name at once.
    let another = Callback::new(move |()| {
        let Some(Ok((_, count))) = create.value().get_untracked() else {
            return;
        };
        // Asked first: refetched after the form's own updates in this same handler, the limits
        // were not asked again (found by the quota test).
        page.lists.limits.refetch();
        page.lists.volumes.refetch();
        page.admin_password_unnoted.set(false);
        create.value().set(None);
        page.created.set(None);
        let mut count_reset = false;
        page.draft
            .update(|draft| count_reset = draft.for_another(count));
        if count_reset {
            announcer.announce("The form is ready for another server: the count is back to 1.");
        }
        select_name_after_render();
    });
    let ask_another = RwSignal::new(false);
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
                "The server was not created: {}. The review lists them.",
                match problems.len() {
                    1 => "1 field needs attention".to_owned(),
                    count => format!("{count} fields need attention"),
                }
            )),
        }
    };
    let outcome = move || {
        create.value().get().map(|result| match result {
            Err(error) => {
                let advice = Some(format!(
                    "{} Every value you entered is kept in the form above.",
                    next_step(&error)
                ));
                view! {
                    <div node_ref=outcome_ref tabindex="-1">
                        <ErrorNotice error title="The server was not created." advice />
                    </div>
                }
                .into_any()
            }
            Ok((server, count)) => {
                let server_id = server.id.clone();
                // While the one-time admin password is not noted, the page asks first (in
                // the page, like its other questions).
                let create_another = move |_| {
                    if page.admin_password_unnoted.get_untracked() {
                        ask_another.set(true);
                    } else {
                        another.run(());
                    }
                };
                let password = server.admin_pass.map(|password| {
                    let shown = password.expose().to_owned();
                    view! {
                        <p>
                            "Admin password, shown only this once: "
                            <code class="mono">{shown.clone()}</code>
                            " "
                            <CopyButton value=shown label="admin password" />
                        </p>
                        <p>
                            {move || {
                                if page.admin_password_unnoted.get() {
                                    view! {
                                        <button
                                            type="button"
                                            on:click=move |_| {
                                                page.admin_password_unnoted.set(false);
                                                focus_after_render(PASSWORD_NOTED_ID);
                                            }
                                        >
                                            "I have noted the admin password"
                                        </button>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <span class="hint" id=PASSWORD_NOTED_ID tabindex="-1">
                                            "Noted: leaving this page no longer asks."
                                        </span>
                                    }
                                        .into_any()
                                }
                            }}
                        </p>
                    }
                });
                view! {
                    <div
                        class="notice"
                        role="region"
                        aria-labelledby="created-title"
                        node_ref=outcome_ref
                        tabindex="-1"
                    >
                        <p id="created-title">
                            <strong>{created_text(count, &server.id)}</strong>
                        </p>
                        {password}
                        <div class="actions">
                            <button type="button" on:click=move |_| go_to_server.run(server_id.clone())>
                                {if count > 1 { "Continue to the first server" } else { "Continue to the server" }}
                            </button>
                            <button type="button" id=CREATE_ANOTHER_ID on:click=create_another>
                                "Create another server"
                            </button>
                        </div>
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
        <ConfirmDialog question=ANOTHER_QUESTION open=ask_another on_confirm=another />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outcome_counts_the_servers_created() {
        assert_eq!(
            created_text(1, "abc"),
            "The server is being created (id abc)."
        );
        assert_eq!(
            created_text(3, "abc"),
            "3 servers are being created (the first has id abc)."
        );
    }
}
