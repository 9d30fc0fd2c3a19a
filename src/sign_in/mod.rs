//! `/sign-in`: Keystone v3 password or an existing token; proxy or direct connection.
//!
//! The page holds what its parts share (the secrets typed, the two sign-in actions, the error
//! shown); each form is its own component, the HTTP is in [`crate::api::keystone`] and the rules
//! are plain Rust in [`logic`].

pub mod logic;
mod password_form;
mod region_form;
pub mod state;
mod token_form;

use ecs_api::ApiError;
use ecs_api::identity::Token;
use leptos::prelude::*;
use leptos_router::LazyRoute;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::use_api;
use crate::browser::focus::{focus_after_render, focus_element};
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::text_field::TextBinding;
use crate::session::{ConnectionMode, Session, landing_path, use_session};
use logic::{
    PasswordSignIn, SignInMethod, TokenCheck, compute_regions, session_from_token, sign_in_advice,
    suggested_identity_endpoint,
};
use password_form::PasswordForm;
use region_form::RegionForm;
use state::{SignInForm, use_sign_in_form};
use token_form::TokenForm;

/// Where focus goes when Keystone refuses a sign-in.
const SIGN_IN_ERROR_ID: &str = "sign-in-error";
/// Where focus goes when what Keystone said does not fit the form (a token of another project,
/// a catalog without compute).
const FORM_ERROR_ID: &str = "sign-in-form-error";

/// What the page's parts share (cheap to copy).
#[derive(Clone, Copy)]
struct Page {
    form: SignInForm,
    /// Secrets are never kept: they are typed again each time. Held by the page, so switching
    /// between the tabs keeps them.
    password: RwSignal<String>,
    token: RwSignal<String>,
    /// The identity endpoint as shown: the user's own, or the gateway's suggestion.
    identity: Signal<String>,
    /// What is wrong with the form, or with what Keystone said about it.
    form_error: RwSignal<Option<String>>,
    /// A password sign-in was tried: empty fields are marked invalid from then on.
    password_tried: RwSignal<bool>,
    /// The pasted token failed its check before sending; typing in it clears the mark.
    token_refused: RwSignal<bool>,
    /// A token whose catalog offers several regions waits here until the user picks one.
    pending_token: RwSignal<Option<Token>, LocalStorage>,
    region: RwSignal<String>,
    signing_in: Signal<bool>,
    password_sign_in: Action<PasswordSignIn, Result<(), ApiError>>,
    token_sign_in: Action<TokenCheck, Result<(), ApiError>>,
    /// Signs in with a session built from the form and Keystone's answer.
    finish: Callback<Session>,
    /// Shows a problem with the form (or with Keystone's answer) and takes focus there.
    refuse: Callback<String>,
}

impl Page {
    /// The identity endpoint field's binding: typing makes the endpoint the user's own.
    fn identity_binding(self) -> TextBinding {
        let form = self.form;
        TextBinding::new(
            move || self.identity.get(),
            move |typed| {
                form.identity_edited.set(true);
                form.identity_endpoint.set(typed);
            },
        )
    }
}

/// The `/sign-in` route. The split build puts the page in a chunk of its own, fetched when it
/// is first shown: a signed-in user's first page, the create form, does not need it.
pub struct SignInRoute;

impl LazyRoute for SignInRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_route: Self) -> AnyView {
        sign_in_page().await
    }
}

#[cfg_attr(feature = "split", leptos::lazy)]
async fn sign_in_page() -> AnyView {
    view! { <SignInPage /> }.into_any()
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let announcer = use_announcer();
    let navigate = use_navigate();
    let form = use_sign_in_form();

    // Sent here by an expired session: the live region still holds the last announcement
    // ("Signed in"), so say why the user is here.
    if let Some(reason) = untrack(|| session.reason()) {
        announcer.announce(reason);
    }

    let gateway = LocalResource::new(move || async move { api.gateway_info().await });
    let gateway_info = move || gateway.get().and_then(Result::ok).unwrap_or_default();
    // The identity endpoint follows the connection mode until the user types their own.
    let identity = Signal::derive(move || {
        if form.identity_edited.get() {
            form.identity_endpoint.get()
        } else {
            suggested_identity_endpoint(&gateway_info(), form.mode.get())
        }
    });

    let form_error = RwSignal::new(None::<String>);
    let pending_token = RwSignal::new_local(None::<Token>);
    let region = RwSignal::new(String::new());
    let refuse = Callback::new(move |message: String| {
        form_error.set(Some(message));
        focus_after_render(FORM_ERROR_ID);
    });
    let finish = Callback::new(move |new_session: Session| {
        session.sign_in(Session {
            identity_endpoint: identity.get_untracked(),
            ..new_session
        });
        announcer.announce("Signed in");
        let target = landing_path(session.take_return());
        navigate(&target, Default::default());
    });
    // With a token from Keystone: take the compute endpoint from its catalog, asking for the
    // region when there are several, and finish.
    let continue_with = Callback::new(move |token: Token| {
        let regions = compute_regions(&token);
        if regions.len() > 1 {
            region.set(regions[0].clone());
            pending_token.set(Some(token));
            announcer.announce("Choose a region");
            return;
        }
        let region = regions.first().map(String::as_str);
        match session_from_token(&token, region, form.mode.get_untracked()) {
            Ok(new_session) => finish.run(new_session),
            Err(message) => refuse.run(message),
        }
    });

    let password_sign_in = Action::new_local(move |values: &PasswordSignIn| {
        let values = values.clone();
        async move {
            let token = api
                .request_token(&values.identity_endpoint, &values.auth_request())
                .await
                .inspect_err(|_| focus_after_render(SIGN_IN_ERROR_ID))?;
            continue_with.run(token);
            Ok::<(), ApiError>(())
        }
    });
    // A pasted token is shown to Keystone first: that gives its expiry (shown in the top bar),
    // its project and, when no endpoint was entered, the compute endpoint from its catalog.
    let token_sign_in = Action::new_local(move |check: &TokenCheck| {
        let TokenCheck {
            form: values,
            identity_endpoint,
            token,
        } = check.clone();
        async move {
            let inspected = api
                .inspect_token(&identity_endpoint, &token)
                .await
                .inspect_err(|_| focus_after_render(SIGN_IN_ERROR_ID))?;
            if values.uses_catalog() {
                match values.checked_project(&inspected) {
                    Ok(_) => continue_with.run(inspected),
                    Err(message) => refuse.run(message),
                }
            } else {
                match values.to_session(&inspected, form.mode.get_untracked()) {
                    Ok(new_session) => finish.run(new_session),
                    Err(message) => refuse.run(message),
                }
            }
            Ok::<(), ApiError>(())
        }
    });
    let signing_in =
        Signal::derive(move || password_sign_in.pending().get() || token_sign_in.pending().get());
    let page = Page {
        form,
        password: RwSignal::new(String::new()),
        token: RwSignal::new(String::new()),
        identity,
        form_error,
        password_tried: RwSignal::new(false),
        token_refused: RwSignal::new(false),
        pending_token,
        region,
        signing_in,
        password_sign_in,
        token_sign_in,
        finish,
        refuse,
    };

    let method = form.method;
    let sign_in_error = move || match method.get() {
        SignInMethod::Password => password_sign_in.value().get().and_then(Result::err),
        SignInMethod::Token => token_sign_in.value().get().and_then(Result::err),
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
            <ConnectionChoice mode=form.mode />
            <MethodTabs method />
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
                <PasswordForm page />
            </Show>
            <Show when=move || pending_token.with(Option::is_some)>
                <RegionForm page />
            </Show>
            <Show when=move || method.get() == SignInMethod::Token>
                <TokenForm page />
            </Show>
        </section>
    }
}

/// Through the gateway, or straight to the cloud.
#[component]
fn ConnectionChoice(mode: RwSignal<ConnectionMode>) -> impl IntoView {
    let choice = move |choice: ConnectionMode, text: &'static str| {
        view! {
            <label>
                <input type="radio" name="connection-mode" value=choice.as_str()
                    prop:checked=move || mode.get() == choice
                    on:change=move |_| mode.set(choice) />
                {text}
            </label>
        }
    };
    view! {
        <fieldset>
            <legend>"Connection"</legend>
            <div class="choices">
                {choice(ConnectionMode::Proxy, "Through this gateway (proxy)")}
                {choice(ConnectionMode::Direct, "Direct to the cloud (it must allow CORS)")}
            </div>
        </fieldset>
    }
}

/// The two sign-in methods as ARIA tabs.
#[component]
fn MethodTabs(method: RwSignal<SignInMethod>) -> impl IntoView {
    // Arrow keys, Home and End move between the tabs (and focus follows, so the tabs are one
    // Tab stop: the chosen tab is focusable, the other is reached with the arrows).
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        if let Some(next) = method.get_untracked().after_key(&event.key()) {
            event.prevent_default();
            method.set(next);
            focus_element(next.tab_id());
        }
    };
    let tab = move |choice: SignInMethod, text: &'static str| {
        view! {
            <button type="button" role="tab" id=choice.tab_id()
                aria-selected=move || (method.get() == choice).to_string()
                tabindex=move || if method.get() == choice { "0" } else { "-1" }
                aria-controls=choice.panel_id()
                on:click=move |_| method.set(choice)>{text}</button>
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label="Sign-in method" on:keydown=on_key>
            {tab(SignInMethod::Password, "Password")}
            {tab(SignInMethod::Token, "Existing token")}
        </div>
    }
}

/// The forms' submit button; it waits while a sign-in is on its way.
#[component]
fn SignInButton(signing_in: Signal<bool>) -> impl IntoView {
    view! {
        <button type="submit" class="primary" disabled=move || signing_in.get()>
            {move || if signing_in.get() { "Signing in…" } else { "Sign in" }}
        </button>
    }
}

/// Keystone's address, asked by both methods (a pasted token is checked there too).
const IDENTITY_HINT: &str = "Keystone v3, e.g. https://iam.example.com/v3";
