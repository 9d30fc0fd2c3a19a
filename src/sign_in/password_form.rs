//! Signing in with a user name and password.

use ecs_api::Secret;
use leptos::prelude::*;

use super::logic::{PasswordSignIn, SignInMethod, identity_endpoint_problem, ids};
use super::{IDENTITY_HINT, Page, SignInButton};
use crate::browser::focus::focus_element;
use crate::components::text_field::TextField;

#[component]
pub fn PasswordForm(page: Page) -> impl IntoView {
    let form = page.form;
    let values = move || PasswordSignIn {
        identity_endpoint: page.identity.get(),
        user_domain: form.user_domain.get(),
        user_name: form.user_name.get(),
        password: Secret::new(page.password.get()),
        project: form.project.get(),
    };
    // After a sign-in was tried, empty fields are marked invalid (derived from what they hold
    // now, so typing clears the mark).
    let invalid = move |id: &'static str| {
        Signal::derive(move || {
            page.password_tried.get()
                && values().missing_fields().iter().any(|field| field.id == id)
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        page.form_error.set(None);
        page.pending_token.set(None);
        page.password_tried.set(true);
        let values = untrack(values);
        let missing = values.missing_fields();
        if let Some(first) = missing.first() {
            let messages: Vec<&str> = missing.iter().map(|field| field.message).collect();
            page.form_error.set(Some(messages.join(" ")));
            focus_element(first.id);
            return;
        }
        if let Some(problem) =
            identity_endpoint_problem(&values.identity_endpoint, form.mode.get_untracked())
        {
            page.form_error.set(Some(problem));
            focus_element(ids::IDENTITY_ENDPOINT);
            return;
        }
        page.password_sign_in.dispatch_local(values);
    };
    let method = SignInMethod::Password;
    view! {
        // The panel is a div: a form may not take the tabpanel role.
        <div id=method.panel_id() role="tabpanel" aria-labelledby=method.tab_id()>
            <form on:submit=submit novalidate>
                <TextField id=ids::IDENTITY_ENDPOINT label="Identity endpoint" value=page.identity_binding()
                    autocomplete="url" no_spellcheck=true hint=IDENTITY_HINT invalid=invalid(ids::IDENTITY_ENDPOINT) />
                <TextField id=ids::USER_DOMAIN label="User domain" value=form.user_domain
                    autocomplete="off" no_spellcheck=true invalid=invalid(ids::USER_DOMAIN) />
                <TextField id=ids::USER_NAME label="User name" value=form.user_name
                    autocomplete="username" no_spellcheck=true invalid=invalid(ids::USER_NAME) />
                <TextField id=ids::PASSWORD label="Password" input_type="password" value=page.password
                    autocomplete="current-password" invalid=invalid(ids::PASSWORD) />
                <TextField id=ids::PROJECT label="Project" value=form.project
                    autocomplete="off" no_spellcheck=true invalid=invalid(ids::PROJECT)
                    hint="Project name (in the user domain) or project id" />
                <SignInButton signing_in=page.signing_in />
            </form>
        </div>
    }
}
