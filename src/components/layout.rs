//! The app shell: top bar (navigation, who is signed in, token expiry, sign-out, theme), the
//! guard that sends signed-out visitors to sign-in and back, and the page for unknown addresses.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::use_api;
use crate::browser::history_guard;
use crate::components::announcer::use_announcer;
use crate::components::theme::ThemeToggle;
use crate::hooks::clock::use_clock;
use crate::session::use_session;
use crate::sign_in::state::use_sign_in_form;

/// "expires in 58 min" / "expired", from `Date.parse(expires_at)` and `Date.now()` (ms).
pub fn expiry_text(expires_ms: f64, now_ms: f64) -> String {
    let seconds = ((expires_ms - now_ms) / 1000.0).floor();
    if seconds <= 0.0 {
        return "token expired".to_owned();
    }
    // A whole number below 2^53 (JavaScript dates end at 8.64e15 ms): as an integer it reads
    // the same, and integer minutes and hours are less code on the first page than float ones.
    let seconds = seconds as u64;
    if seconds < 120 {
        format!("token expires in {seconds} s")
    } else if seconds < 2 * 3600 {
        format!("token expires in {} min", seconds / 60)
    } else {
        format!(
            "token expires in {} h {} min",
            seconds / 3600,
            (seconds % 3600) / 60
        )
    }
}

#[component]
pub fn TopBar() -> impl IntoView {
    let session = use_session();
    let sign_in_form = use_sign_in_form();
    let announcer = use_announcer();
    let navigate = use_navigate();
    let api = use_api();
    let sign_out = move |_| {
        // Signing out drops the page and anything unsaved on it (a private key made there).
        if !history_guard::may_leave() {
            return;
        }
        if let Some(ending) = session.get_untracked() {
            // Keystone revokes the token so no copy of it outlives the session. The session
            // ends here whatever Keystone answers; the activity panel shows the answer.
            spawn_local(async move {
                let _ = api
                    .revoke_token(&ending.identity_endpoint, &ending.token)
                    .await;
            });
        }
        session.sign_out();
        sign_in_form.reset();
        announcer.announce("Signed out");
        navigate("/sign-in", Default::default());
    };
    view! {
        <header class="topbar">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <A href="/servers" attr:class="brand">"ECS console"</A>
            <Show when=move || session.is_signed_in()>
                <nav aria-label="Main">
                    <A href="/servers">"Servers"</A>
                    <A href="/create">"Create server"</A>
                    <A href="/keypairs">"Key pairs"</A>
                </nav>
                <SessionSummary />
                <button type="button" class="sign-out" on:click=sign_out.clone()>"Sign out"</button>
            </Show>
            <ThemeToggle />
        </header>
    }
}

#[component]
fn SessionSummary() -> impl IntoView {
    let session = use_session();
    let now = use_clock();
    let who = move || {
        session.with(|session| {
            session.map(|session| {
                let user = session
                    .user_name
                    .clone()
                    .unwrap_or_else(|| "token".to_owned());
                let project = session
                    .project_name
                    .clone()
                    .unwrap_or_else(|| session.project_id.clone());
                let region = session
                    .region
                    .as_ref()
                    .map(|region| format!(", {region}"))
                    .unwrap_or_default();
                format!("{user} @ {project}{region} ({})", session.mode.as_str())
            })
        })
    };
    let expiry = move || {
        session.with(|session| {
            let expires_at = session?.expires_at.as_deref()?;
            let expires_ms = js_sys::Date::parse(expires_at);
            (!expires_ms.is_nan()).then(|| expiry_text(expires_ms, now.get()))
        })
    };
    view! {
        <span class="who" id="session-summary">
            {who}
            {move || expiry().map(|text| view! { " · " <span id="token-expiry">{text}</span> })}
        </span>
    }
}

/// The parent route of every page that needs a session: renders the page (`<Outlet/>`) only for
/// a signed-in user; otherwise remembers where they were and sends them to sign-in.
#[component]
pub fn RequireSession() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let signed_in = Memo::new(move |_| session.is_signed_in());
    move || {
        if signed_in.get() {
            view! { <Outlet /> }.into_any()
        } else {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            session.remember_return(here);
            view! { <Redirect path="/sign-in" /> }.into_any()
        }
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. " <A href="/servers">"Go to the servers list"</A> "."</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_reads_naturally() {
        let now = 1_000_000.0;
        assert_eq!(expiry_text(now - 1.0, now), "token expired");
        assert_eq!(expiry_text(now + 45_500.0, now), "token expires in 45 s");
        assert_eq!(
            expiry_text(now + 59.0 * 60_000.0, now),
            "token expires in 59 min"
        );
        assert_eq!(
            expiry_text(now + (3.0 * 3600.0 + 5.0 * 60.0) * 1000.0, now),
            "token expires in 3 h 5 min"
        );
    }
}
