//! `/sign-in`: Keystone v3 password or an existing token; proxy or direct connection.

use ecs_api::identity::Token;
use ecs_api::{ApiError, Secret};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::use_api;
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::focus::{focus_after_render, focus_element};
use crate::session::sign_in::{
    GatewayInfo, PasswordSignIn, SignInFields, SignInMethod, TokenSignIn, compute_regions,
    identity_endpoint_problem, inspect_token, load_gateway_info, password_sign_in,
    session_from_token, sign_in_advice,
};
use crate::session::{ConnectionMode, Session, landing_path, use_session};

/// Where focus goes when Keystone refuses a sign-in.
const SIGN_IN_ERROR_ID: &str = "sign-in-error";
/// Where focus goes when what Keystone said does not fit the form (a token of another project,
/// a catalog without compute).
const FORM_ERROR_ID: &str = "sign-in-form-error";

// The tabs' keyboard behaviour belongs to this page.
impl SignInMethod {
    const ALL: [Self; 2] = [Self::Password, Self::Token];

    fn tab_id(self) -> &'static str {
        match self {
            Self::Password => "tab-password",
            Self::Token => "tab-token",
        }
    }

    /// The tab a key moves to in the tab list (ARIA tabs pattern: arrows wrap, Home and End
    /// jump), or `None` for other keys.
    fn after_key(self, key: &str) -> Option<Self> {
        let count = Self::ALL.len();
        let index = Self::ALL.iter().position(|method| *method == self)?;
        let next = match key {
            "ArrowRight" | "ArrowDown" => (index + 1) % count,
            "ArrowLeft" | "ArrowUp" => (index + count - 1) % count,
            "Home" => 0,
            "End" => count - 1,
            _ => return None,
        };
        Some(Self::ALL[next])
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let announcer = use_announcer();
    let navigate = use_navigate();

    let SignInFields {
        method,
        mode,
        identity_endpoint,
        identity_edited,
        user_domain,
        user_name,
        project,
        compute_endpoint,
        project_id,
    } = session.sign_in_fields();
    // Secrets are never kept: they are typed again each time.
    let password = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let form_error = RwSignal::new(None::<String>);
    let refuse = move |message: String| {
        form_error.set(Some(message));
        focus_after_render(FORM_ERROR_ID);
    };
    // After a password sign-in was tried, empty fields are marked invalid (derived from what
    // they hold now, so typing clears the mark).
    let password_tried = RwSignal::new(false);
    // The pasted token failed its check before sending; typing in it clears the mark.
    let token_refused = RwSignal::new(false);
    // A token whose catalog offers several regions waits here until the user picks one.
    let pending_token = RwSignal::new_local(None::<Token>);
    let region = RwSignal::new(String::new());

    // Sent here by an expired session: the live region still holds the last announcement
    // ("Signed in"), so say why the user is here.
    if let Some(reason) = untrack(|| session.reason()) {
        announcer.announce(reason);
    }

    let gateway = LocalResource::new(move || load_gateway_info(api));
    let gateway_info = move || gateway.get().and_then(Result::ok).unwrap_or_default();
    // The identity endpoint follows the connection mode until the user types their own.
    let suggested_identity = move || suggested_identity_endpoint(&gateway_info(), mode.get());
    let shown_identity = move || {
        if identity_edited.get() {
            identity_endpoint.get()
        } else {
            suggested_identity()
        }
    };

    let finish = {
        let navigate = navigate.clone();
        move |new_session: Session| {
            session.sign_in(new_session);
            announcer.announce("Signed in");
            let target = landing_path(session.take_return());
            navigate(&target, Default::default());
        }
    };

    // With a token from Keystone: take the compute endpoint from its catalog, asking for the
    // region when there are several, and finish.
    let continue_with = {
        let finish = finish.clone();
        move |token: Token| {
            let regions = compute_regions(&token);
            if regions.len() > 1 {
                region.set(regions[0].clone());
                pending_token.set(Some(token));
                announcer.announce("Choose a region");
                return;
            }
            let region = regions.first().map(String::as_str);
            match session_from_token(&token, region, mode.get_untracked()) {
                Ok(new_session) => finish(new_session),
                Err(message) => refuse(message),
            }
        }
    };

    let sign_in_action = {
        let continue_with = continue_with.clone();
        Action::new_local(move |form: &PasswordSignIn| {
            let form = form.clone();
            let continue_with = continue_with.clone();
            async move {
                let token = password_sign_in(api, form)
                    .await
                    .inspect_err(|_| focus_after_render(SIGN_IN_ERROR_ID))?;
                continue_with(token);
                Ok::<(), ApiError>(())
            }
        })
    };

    // A pasted token is shown to Keystone first: that gives its expiry (shown in the top bar),
    // its project and, when no endpoint was entered, the compute endpoint from its catalog.
    let token_action = {
        let finish = finish.clone();
        let continue_with = continue_with.clone();
        Action::new_local(
            move |(form, identity, token): &(TokenSignIn, String, Secret)| {
                let (form, identity, token) = (form.clone(), identity.clone(), token.clone());
                let finish = finish.clone();
                let continue_with = continue_with.clone();
                async move {
                    let inspected = inspect_token(api, &identity, &token)
                        .await
                        .inspect_err(|_| focus_after_render(SIGN_IN_ERROR_ID))?;
                    if form.uses_catalog() {
                        match form.checked_project(&inspected) {
                            Ok(_) => continue_with(inspected),
                            Err(message) => refuse(message),
                        }
                    } else {
                        match form.to_session(&inspected, mode.get_untracked()) {
                            Ok(new_session) => finish(new_session),
                            Err(message) => refuse(message),
                        }
                    }
                    Ok::<(), ApiError>(())
                }
            },
        )
    };
    let signing_in =
        Signal::derive(move || sign_in_action.pending().get() || token_action.pending().get());
    let sign_in_error = move || match method.get() {
        SignInMethod::Password => sign_in_action.value().get().and_then(Result::err),
        SignInMethod::Token => token_action.value().get().and_then(Result::err),
    };

    let password_form = move || PasswordSignIn {
        identity_endpoint: shown_identity(),
        user_domain: user_domain.get(),
        user_name: user_name.get(),
        password: Secret::new(password.get()),
        project: project.get(),
    };
    let missing = move |id: &'static str| {
        password_tried.get()
            && password_form()
                .missing_fields()
                .iter()
                .any(|(missing, _)| *missing == id)
    };
    let submit_password = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        form_error.set(None);
        pending_token.set(None);
        password_tried.set(true);
        let form = untrack(password_form);
        let missing = form.missing_fields();
        if let Some((first, _)) = missing.first() {
            let messages: Vec<&str> = missing.iter().map(|(_, message)| *message).collect();
            form_error.set(Some(messages.join(" ")));
            focus_element(first);
            return;
        }
        if let Some(problem) =
            identity_endpoint_problem(&form.identity_endpoint, mode.get_untracked())
        {
            form_error.set(Some(problem));
            focus_element("identity-endpoint");
            return;
        }
        sign_in_action.dispatch_local(form);
    };

    let choose_region = {
        let finish = finish.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let chosen = region.get_untracked();
            let built = pending_token.with_untracked(|token| {
                token
                    .as_ref()
                    .map(|token| session_from_token(token, Some(&chosen), mode.get_untracked()))
            });
            match built {
                Some(Ok(new_session)) => {
                    pending_token.set(None);
                    finish(new_session);
                }
                Some(Err(message)) => refuse(message),
                None => {}
            }
        }
    };

    let submit_token = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        form_error.set(None);
        pending_token.set(None);
        let form = TokenSignIn {
            token: Secret::new(token.get_untracked()),
            compute_endpoint: compute_endpoint.get_untracked(),
            project_id: project_id.get_untracked(),
        };
        let identity = shown_identity();
        if let Some(problem) = identity_endpoint_problem(&identity, mode.get_untracked()) {
            form_error.set(Some(problem));
            focus_element("token-identity-endpoint");
            return;
        }
        match form.checked_token() {
            Ok(checked) => {
                token_action.dispatch_local((form, identity, checked));
            }
            Err(message) => {
                form_error.set(Some(message));
                token_refused.set(true);
                focus_element("token");
            }
        }
    };

    let on_identity_input = move |event: leptos::ev::Event| {
        identity_edited.set(true);
        identity_endpoint.set(event_target_value(&event));
    };

    // Arrow keys, Home and End move between the tabs (and focus follows, so the tabs are one
    // Tab stop: the chosen tab is focusable, the other is reached with the arrows).
    let on_tab_key = move |event: leptos::ev::KeyboardEvent| {
        if let Some(next) = method.get_untracked().after_key(&event.key()) {
            event.prevent_default();
            method.set(next);
            focus_element(next.tab_id());
        }
    };
    let tab = move |choice: SignInMethod, text: &'static str, panel: &'static str| {
        view! {
            <button type="button" role="tab" id=choice.tab_id()
                aria-selected=move || (method.get() == choice).to_string()
                tabindex=move || if method.get() == choice { "0" } else { "-1" }
                aria-controls=panel
                on:click=move |_| method.set(choice)>{text}</button>
        }
    };

    view! {
        <section class="card sign-in" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in"</h1>
            {move || session.reason().map(|reason| view! { <p class="notice">{reason}</p> })}
            {move || {
                session
                    .is_signed_in()
                    .then(|| {
                        view! {
                            <p class="notice" id="already-signed-in">
                                "You are already signed in. " <A href="/servers">"Go to the servers list"</A>
                                ", or sign in again below to switch account or project."
                            </p>
                        }
                    })
            }}
            {move || {
                gateway
                    .get()
                    .and_then(|loaded| loaded.err())
                    .map(|error: ApiError| view! { <ErrorNotice error title="Could not read the gateway's settings" /> })
            }}
            {move || {
                gateway_info()
                    .demo
                    .map(|demo| {
                        view! {
                            <p class="hint" id="demo-hint">
                                "This gateway runs the built-in simulator. Demo account: user "
                                <code>{demo.user}</code> ", domain " <code>{demo.domain}</code>
                                ", project " <code>{demo.project}</code> ", password " <code>{demo.password}</code> "."
                            </p>
                        }
                    })
            }}

            <fieldset>
                <legend>"Connection"</legend>
                <div class="choices">
                    {[
                        (ConnectionMode::Proxy, "Through this gateway (proxy)"),
                        (ConnectionMode::Direct, "Direct to the cloud (it must allow CORS)"),
                    ]
                        .into_iter()
                        .map(|(choice, text)| {
                            view! {
                                <label>
                                    <input type="radio" name="connection-mode" value=choice.as_str()
                                        prop:checked=move || mode.get() == choice
                                        on:change=move |_| mode.set(choice) />
                                    {text}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>

            <div class="tabs" role="tablist" aria-label="Sign-in method" on:keydown=on_tab_key>
                {tab(SignInMethod::Password, "Password", "sign-in-password")}
                {tab(SignInMethod::Token, "Existing token", "sign-in-token")}
            </div>

            {move || form_error.get().map(|message| view! { <p class="error" role="alert" id=FORM_ERROR_ID tabindex="-1">{message}</p> })}
            // One error at a time: a new problem with the form replaces the last refusal.
            {move || {
                sign_in_error()
                    .filter(|_| form_error.with(Option::is_none))
                    .map(|error| {
                        let advice = sign_in_advice(&error, method.get() == SignInMethod::Token);
                        view! {
                            <div id=SIGN_IN_ERROR_ID tabindex="-1">
                                <ErrorNotice error title="Sign-in failed" advice />
                            </div>
                        }
                    })
            }}

            <Show when=move || method.get() == SignInMethod::Password>
                <form id="sign-in-password" role="tabpanel" aria-labelledby="tab-password" on:submit=submit_password novalidate>
                    <IdentityEndpointField id="identity-endpoint" value=Signal::derive(shown_identity) on_input=on_identity_input invalid=Signal::derive(move || missing("identity-endpoint")) />
                    <div class="field">
                        <label for="user-domain">"User domain"</label>
                        <input id="user-domain" type="text" autocomplete="off" spellcheck="false"
                            aria-invalid=move || missing("user-domain").then_some("true") bind:value=user_domain />
                    </div>
                    <div class="field">
                        <label for="user-name">"User name"</label>
                        <input id="user-name" type="text" autocomplete="username" spellcheck="false"
                            aria-invalid=move || missing("user-name").then_some("true") bind:value=user_name />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input id="password" type="password" autocomplete="current-password"
                            aria-invalid=move || missing("password").then_some("true") bind:value=password />
                    </div>
                    <div class="field">
                        <label for="project">"Project"</label>
                        <input id="project" type="text" autocomplete="off" spellcheck="false"
                            aria-describedby="project-hint" aria-invalid=move || missing("project").then_some("true")
                            bind:value=project />
                        <span class="hint" id="project-hint">"Project name (in the user domain) or project id"</span>
                    </div>
                    <button type="submit" class="primary" disabled=move || signing_in.get()>
                        {move || if signing_in.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </Show>

            <Show when=move || pending_token.with(Option::is_some)>
                <form id="choose-region" on:submit=choose_region.clone()>
                    <div class="field">
                        <label for="region">"Region"</label>
                        <select id="region" on:change=move |event| region.set(event_target_value(&event))>
                            {move || {
                                pending_token
                                    .with(|token| token.as_ref().map(compute_regions).unwrap_or_default())
                                    .into_iter()
                                    .map(|name| {
                                        let selected = region.get_untracked() == name;
                                        view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                        <span class="hint">"Your token's catalog offers compute in several regions."</span>
                    </div>
                    <button type="submit" class="primary">"Continue"</button>
                </form>
            </Show>

            <Show when=move || method.get() == SignInMethod::Token>
                <form id="sign-in-token" role="tabpanel" aria-labelledby="tab-token" on:submit=submit_token novalidate>
                    <IdentityEndpointField id="token-identity-endpoint" value=Signal::derive(shown_identity) on_input=on_identity_input invalid=Signal::stored(false) />
                    <div class="field">
                        <label for="token">"Token"</label>
                        <input id="token" type="password" autocomplete="off" spellcheck="false"
                            aria-invalid=move || token_refused.get().then_some("true")
                            on:input=move |_| token_refused.set(false) bind:value=token />
                        <span class="hint">"Kept in this tab's session storage only; never in cookies or URLs."</span>
                    </div>
                    <div class="field">
                        <label for="compute-endpoint">"Compute endpoint"</label>
                        <input id="compute-endpoint" type="text" spellcheck="false"
                            aria-describedby="compute-endpoint-hint"
                            placeholder=move || if mode.get() == ConnectionMode::Proxy { "/proxy/compute/v2.1/<project id>" } else { "https://ecs.example.com/v2.1/<project id>" }
                            bind:value=compute_endpoint />
                        <span class="hint" id="compute-endpoint-hint">"Leave empty to use the token's catalog."</span>
                    </div>
                    <div class="field">
                        <label for="project-id">"Project id"</label>
                        <input id="project-id" type="text" spellcheck="false"
                            aria-describedby="project-id-hint" bind:value=project_id />
                        <span class="hint" id="project-id-hint">"Leave empty to use the project the token is scoped to."</span>
                    </div>
                    <button type="submit" class="primary" disabled=move || signing_in.get()>
                        {move || if signing_in.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </Show>
        </section>
    }
}

/// Keystone's address; both sign-in methods ask it (a pasted token is checked there).
#[component]
fn IdentityEndpointField(
    id: &'static str,
    value: Signal<String>,
    on_input: impl FnMut(leptos::ev::Event) + 'static,
    /// Marked invalid (empty when a sign-in was tried).
    invalid: Signal<bool>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>"Identity endpoint"</label>
            <input id=id type="text" autocomplete="url" spellcheck="false"
                aria-describedby=hint_id.clone() aria-invalid=move || invalid.get().then_some("true")
                prop:value=value on:input=on_input />
            <span class="hint" id=hint_id>"Keystone v3, e.g. https://iam.example.com/v3"</span>
        </div>
    }
}

/// The identity endpoint to pre-fill: the gateway's proxy path, or in direct mode the first
/// direct endpoint the gateway allows.
fn suggested_identity_endpoint(info: &GatewayInfo, mode: ConnectionMode) -> String {
    match mode {
        ConnectionMode::Proxy if !info.identity_endpoint.is_empty() => {
            info.identity_endpoint.clone()
        }
        ConnectionMode::Proxy => "/proxy/identity/v3".to_owned(),
        ConnectionMode::Direct => info.direct_endpoints.first().cloned().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_keys_move_between_the_tabs() {
        assert_eq!(
            SignInMethod::Password.after_key("ArrowRight"),
            Some(SignInMethod::Token)
        );
        assert_eq!(
            SignInMethod::Token.after_key("ArrowRight"),
            Some(SignInMethod::Password)
        );
        assert_eq!(
            SignInMethod::Password.after_key("ArrowLeft"),
            Some(SignInMethod::Token)
        );
        assert_eq!(
            SignInMethod::Token.after_key("Home"),
            Some(SignInMethod::Password)
        );
        assert_eq!(
            SignInMethod::Password.after_key("End"),
            Some(SignInMethod::Token)
        );
        assert_eq!(SignInMethod::Password.after_key("Enter"), None);
    }

    #[test]
    fn identity_endpoint_follows_the_mode() {
        let info = GatewayInfo {
            identity_endpoint: "/proxy/identity".into(),
            direct_endpoints: vec!["https://iam.example.com/v3".into()],
            ..GatewayInfo::default()
        };
        assert_eq!(
            suggested_identity_endpoint(&info, ConnectionMode::Proxy),
            "/proxy/identity"
        );
        assert_eq!(
            suggested_identity_endpoint(&info, ConnectionMode::Direct),
            "https://iam.example.com/v3"
        );
        assert_eq!(
            suggested_identity_endpoint(&GatewayInfo::default(), ConnectionMode::Proxy),
            "/proxy/identity/v3"
        );
    }
}
