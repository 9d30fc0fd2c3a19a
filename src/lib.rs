//! ecs-console: the browser console for ECS / OpenStack Nova v2.1 clouds (Leptos, client-side).
//!
//! `App` and every module live in the library so component tests can mount them; `main.rs`
//! only mounts `App`.

pub mod api;
pub mod components;
pub mod create;
pub mod pages;
pub mod refresh;
pub mod session;
pub mod units;

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

use api::Api;
use api::activity::ActivityLog;
use components::activity_panel::ActivityPanel;
use components::announcer::{Announcer, LiveRegion};
use components::focus::RouteFocus;
use components::layout::{RequireSession, TopBar};
use create::CreateServerPage;
use pages::NotFoundPage;
use pages::server_details::ServerDetailsPage;
use pages::servers::ServersPage;
use pages::sign_in::SignInPage;
use session::SessionStore;
use session::kept::KeptState;

/// Provides the app-wide contexts: activity log, kept state, session, API client, announcer.
/// Tests call it before mounting a single page.
pub fn provide_app_context() -> Api {
    let activity = ActivityLog::new();
    let kept = KeptState::new();
    let session = SessionStore::restore(kept, activity);
    let api = Api::new(session, activity);
    provide_context(activity);
    provide_context(kept);
    provide_context(session);
    provide_context(api);
    provide_context(Announcer::new());
    api
}

#[component]
pub fn App() -> impl IntoView {
    provide_app_context();
    // Before the router, so a page can stop Back/Forward before the router reacts.
    components::history_guard::listen();
    view! {
        <Router>
            <TopBar />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| view! { <Redirect path="/servers" /> } />
                    <Route path=path!("/sign-in") view=SignInPage />
                    <Route
                        path=path!("/servers")
                        view=|| view! { <RequireSession><ServersPage /></RequireSession> }
                    />
                    <Route
                        path=path!("/servers/:id")
                        view=|| view! { <RequireSession><ServerDetailsPage /></RequireSession> }
                    />
                    <Route
                        path=path!("/create")
                        view=|| view! { <RequireSession><CreateServerPage /></RequireSession> }
                    />
                </Routes>
                <ActivityPanel />
            </main>
            <LiveRegion />
            <RouteFocus />
        </Router>
    }
}
