//! Signing in with a token the user already has (Keystone's `X-Subject-Token`).

use ecs_api::Secret;
use leptos::prelude::*;

use super::logic::{SignInMethod, TokenCheck, TokenSignIn, identity_endpoint_problem, ids};
use super::{IDENTITY_HINT, Page, SignInButton};
use crate::browser::focus::focus_element;
use crate::components::text_field::{TextBinding, TextField};
use crate::session::ConnectionMode;

#[component]
pub fn TokenForm(page: Page) -> impl IntoView {
    let form = page.form;
    let token_refused = page.token_refused;
    // Typing in the token clears the mark its check left.
    let token = TextBinding::new(
        move || page.token.get(),
        move |typed| {
            token_refused.set(false);
            page.token.set(typed);
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        page.form_error.set(None);
        page.pending_token.set(None);
        let values = TokenSignIn {
            token: Secret::new(page.token.get_untracked()),
            compute_endpoint: form.compute_endpoint.get_untracked(),
            project_id: form.project_id.get_untracked(),
        };
        let identity_endpoint = page.identity.get_untracked();
        if let Some(problem) =
            identity_endpoint_problem(&identity_endpoint, form.mode.get_untracked())
        {
            page.form_error.set(Some(problem));
            focus_element(ids::TOKEN_IDENTITY_ENDPOINT);
            return;
        }
        match values.checked_token() {
            Ok(token) => {
                page.token_sign_in.dispatch_local(TokenCheck {
                    form: values,
                    identity_endpoint,
                    token,
                });
            }
            Err(message) => {
                page.form_error.set(Some(message));
                token_refused.set(true);
                focus_element(ids::TOKEN);
            }
        }
    };
    let compute_placeholder = move || match form.mode.get() {
        ConnectionMode::Proxy => "/proxy/compute/v2.1/<project id>",
        ConnectionMode::Direct => "https://ecs.example.com/v2.1/<project id>",
    };
    let method = SignInMethod::Token;
    view! {
        // The panel is a div: a form may not take the tabpanel role.
        <div id=method.panel_id() role="tabpanel" aria-labelledby=method.tab_id()>
            <form on:submit=submit novalidate>
                <TextField id=ids::TOKEN_IDENTITY_ENDPOINT label="Identity endpoint" value=page.identity_binding()
                    autocomplete="url" no_spellcheck=true hint=IDENTITY_HINT />
                <TextField id=ids::TOKEN label="Token" input_type="password" value=token
                    autocomplete="off" no_spellcheck=true invalid=token_refused
                    hint="Kept in this tab's session storage only; never in cookies or URLs." />
                <TextField id=ids::COMPUTE_ENDPOINT label="Compute endpoint" value=form.compute_endpoint
                    no_spellcheck=true placeholder=compute_placeholder
                    hint="Leave empty to use the token's catalog." />
                <TextField id=ids::PROJECT_ID label="Project id" value=form.project_id
                    no_spellcheck=true hint="Leave empty to use the project the token is scoped to." />
                <SignInButton signing_in=page.signing_in />
            </form>
        </div>
    }
}
