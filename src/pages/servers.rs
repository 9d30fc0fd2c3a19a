//! `/servers`: the landing page after sign-in. Name, status, addresses, flavor, zone and
//! creation time of every server, refreshed adaptively.

use ecs_api::models::Server;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::use_api;
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::polling::{NotFound, Polling, use_clock, use_polling};
use crate::components::table::ColumnHeads;
use crate::components::timestamp::Timestamp;
use crate::pages::server_view::{
    addresses_summary, flavor_label, list_outcome, or_dash, status_changes, status_class,
    status_snapshot, status_text,
};
use crate::refresh::{RefreshState, refresh_line};

#[component]
pub fn ServersPage() -> impl IntoView {
    let api = use_api();
    let polling = use_polling(
        move || async move { api.list_servers().await },
        |servers: &Vec<Server>| list_outcome(servers),
        NotFound::IsAnError,
    );
    let announcer = use_announcer();
    // Announce status changes between refreshes (the previous list is the effect's memory).
    Effect::new(
        move |previous: Option<Option<Vec<(String, String, String)>>>| {
            let now = polling
                .data
                .with(|servers| servers.as_deref().map(status_snapshot));
            if let (Some(Some(before)), Some(now)) = (&previous, &now) {
                let changes = status_changes(before, now);
                if !changes.is_empty() {
                    announcer.announce(changes.join(". "));
                }
            }
            now
        },
    );
    view! {
        <section id="servers-page" aria-labelledby="servers-title">
            <div class="row spread">
                <h1 id="servers-title">"Servers"</h1>
                <A href="/create" attr:class="button primary">"Create server"</A>
            </div>
            <RefreshBar polling />
            {move || {
                polling
                    .error
                    .get()
                    .map(|error| view! { <ErrorNotice error title="Refreshing the servers failed" /> })
            }}
            {move || match polling.data.get() {
                None if polling.error.with(Option::is_none) => {
                    view! { <p class="loading">"Loading servers…"</p> }.into_any()
                }
                None => ().into_any(),
                Some(servers) if servers.is_empty() => {
                    view! {
                        <p class="card" id="no-servers">
                            "No servers in this project yet. " <A href="/create">"Create one"</A> "."
                        </p>
                    }
                        .into_any()
                }
                Some(servers) => view! { <ServerTable servers /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ServerTable(servers: Vec<Server>) -> impl IntoView {
    let now = use_clock();
    view! {
        <div class="table-wrap card">
            <table id="servers-table" class="stacks-narrow" aria-labelledby="servers-title">
                <ColumnHeads columns=&["Name", "Status", "Addresses", "Flavor", "Availability zone", "Created"] />
                <tbody>
                    {servers
                        .into_iter()
                        .map(|server| {
                            let href = format!("/servers/{}", ecs_api::urls::encode(&server.id));
                            let name = if server.name.is_empty() { server.id.clone() } else { server.name.clone() };
                            view! {
                                <tr data-server-id=server.id.clone()>
                                    <td data-label="Name"><A href=href attr:class="server-link">{name}</A></td>
                                    <td data-label="Status"><span class=status_class(&server)>{status_text(&server)}</span></td>
                                    <td data-label="Addresses" class="mono">{addresses_summary(&server)}</td>
                                    <td data-label="Flavor">{flavor_label(&server)}</td>
                                    <td data-label="Availability zone">{or_dash(server.availability_zone.as_deref())}</td>
                                    <td data-label="Created"><Timestamp value=server.created.clone() now /></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// "updated N s ago", the next refresh, and "Refresh now" (shared by list and details). Only
/// while polling goes on: the details page shows a fixed line instead once the server is gone.
#[component]
pub fn RefreshBar<T: Send + Sync + 'static>(polling: Polling<T>) -> impl IntoView {
    let now = use_clock();
    let failing = move || polling.error.with(Option::is_some);
    let status = move || {
        let state = RefreshState {
            updated_ms: polling.updated_ms.get(),
            failing: failing(),
            next_in: polling.next_in.get(),
        };
        refresh_line(state, now.get())
    };
    view! {
        <div class="row refresh-bar">
            <span class="muted small" class:not-current=failing id="updated-ago">{status}</span>
            <button type="button" id="refresh-now" on:click=move |_| polling.refresh_now(false)>
                "Refresh now"
            </button>
        </div>
    }
}
