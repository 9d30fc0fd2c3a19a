//! ecs-console: the browser console for ECS / OpenStack Nova v2.1 clouds (Leptos, client-side).
//!
//! `App` and every module live in the library so component tests can mount them; `main.rs`
//! only mounts `App`. One folder per page (`sign_in`, `servers`, `server_details`, `create`,
//! `keypairs`), each with its `logic` in plain Rust; what pages share is in `components`
//! (views), `hooks` (reactive state), `browser` (glue to the page's window and document), `api`
//! (all HTTP) and `session`. Every page but the create form is a lazily loaded chunk in the
//! split build (see `ServersRoute`).

pub mod api;
pub mod browser;
pub mod components;
pub mod create;
pub mod hooks;
pub mod keypairs;
pub mod server_details;
pub mod servers;
pub mod session;
pub mod sign_in;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{Lazy, path};

use api::Api;
use api::activity::ActivityLog;
use components::activity_panel::ActivityPanel;
use components::announcer::{Announcer, LiveRegion};
use components::layout::{NotFoundPage, RequireSession, TopBar};
use components::route_focus::RouteFocus;
use create::CreateServerPage;
use keypairs::KeyPairsRoute;
use server_details::ServerDetailsRoute;
use servers::ServersRoute;
use session::SessionStore;
use session::kept::KeptState;
use sign_in::SignInRoute;
use sign_in::state::SignInForm;

/// Provides the app-wide contexts: activity log, kept state, session, sign-in form, API client,
/// announcer. Tests call it before mounting a single page.
pub fn provide_app_context() -> Api {
    let activity = ActivityLog::new();
    let kept = KeptState::new();
    let session = SessionStore::restore(kept, activity);
    let api = Api::new(session, activity);
    provide_context(activity);
    provide_context(kept);
    provide_context(session);
    provide_context(SignInForm::new(session.get_untracked().as_ref()));
    provide_context(api);
    provide_context(Announcer::new());
    api
}

#[component]
pub fn App() -> impl IntoView {
    provide_app_context();
    // Before the router, so a page can stop Back/Forward before the router reacts.
    browser::history_guard::listen();
    view! {
        <Router>
            <TopBar />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| view! { <Redirect path="/servers" /> } />
                    <Route path=path!("/sign-in") view={Lazy::<SignInRoute>::new()} />
                    // Every page below needs a session; the guard sends visitors to sign-in.
                    <ParentRoute path=path!("") view=RequireSession>
                        <Route path=path!("/servers") view={Lazy::<ServersRoute>::new()} />
                        <Route path=path!("/servers/:id") view={Lazy::<ServerDetailsRoute>::new()} />
                        <Route path=path!("/create") view=CreateServerPage />
                        <Route path=path!("/keypairs") view={Lazy::<KeyPairsRoute>::new()} />
                    </ParentRoute>
                </Routes>
                <ActivityPanel />
            </main>
            <LiveRegion />
            <RouteFocus />
        </Router>
    }
}
