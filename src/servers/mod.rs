//! `/servers`: the landing page after sign-in. Name, status, addresses, flavor, zone and
//! creation time of every server, refreshed adaptively.

pub mod logic;

use ecs_api::models::Server;
use leptos::prelude::*;
use leptos_router::LazyRoute;
use leptos_router::components::A;

use crate::api::use_api;
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::keyed_rows::{KeyedRows, RowKey};
use crate::components::refresh_bar::RefreshBar;
use crate::components::table::ColumnHeads;
use crate::components::timestamp::Timestamp;
use crate::hooks::clock::use_clock;
use crate::hooks::polling::{NotFound, use_polling};
use logic::{ServerRow, StatusSnapshot, list_outcome, status_changes, status_snapshot};

/// The `/servers` route. Like the details page (see `ServerDetailsRoute`), the split build puts
/// the list in a chunk of its own, fetched on the first visit: the create form does not need it.
pub struct ServersRoute;

impl LazyRoute for ServersRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_route: Self) -> AnyView {
        servers_page().await
    }
}

#[cfg_attr(feature = "split", leptos::lazy)]
async fn servers_page() -> AnyView {
    view! { <ServersPage /> }.into_any()
}

#[component]
pub fn ServersPage() -> impl IntoView {
    let api = use_api();
    let polling = use_polling(
        move || async move { api.list_servers().await },
        |servers: &Vec<_>| list_outcome(servers),
        NotFound::IsAnError,
    );
    let announcer = use_announcer();
    // Announce status changes between refreshes (the previous list is the effect's memory).
    Effect::new(move |previous: Option<Option<Vec<StatusSnapshot>>>| {
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
    });
    // Which of loading, empty and listed the page shows; the table itself stays while listed.
    let listed = Memo::new(move |_| {
        polling
            .data
            .with(|servers| servers.as_ref().map(|servers| !servers.is_empty()))
    });
    view! {
        <section id="servers-page" aria-labelledby="servers-title">
            <div class="row spread">
                <h1 id="servers-title">"Servers"</h1>
                <A href="/create" attr:class="button primary">"Create server"</A>
            </div>
            <RefreshBar polling />
            {move || {
                polling
                    .error()
                    .map(|error| view! { <ErrorNotice error title="Refreshing the servers failed" /> })
            }}
            {move || match listed.get() {
                None if !polling.failing() => {
                    view! { <p class="loading">"Loading servers…"</p> }.into_any()
                }
                None => ().into_any(),
                Some(false) => {
                    view! {
                        <p class="card" id="no-servers">
                            "No servers in this project yet. " <A href="/create">"Create one"</A> "."
                        </p>
                    }
                        .into_any()
                }
                Some(true) => view! { <ServerTable servers=polling.data /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ServerTable(servers: Memo<Option<Vec<Server>>>) -> impl IntoView {
    let now = use_clock();
    // Rows are keyed by what they show: a refresh rebuilds only the rows whose text changed.
    let keys = Signal::derive(move || {
        servers.with(|servers| {
            servers
                .iter()
                .flatten()
                .enumerate()
                .map(|(position, server)| RowKey::showing(position, &ServerRow::new(server)))
                .collect()
        })
    });
    let row = Callback::new(move |position: usize| {
        let Some(row) =
            servers.with_untracked(|servers| servers.as_ref()?.get(position).map(ServerRow::new))
        else {
            return ().into_any();
        };
        view! {
            <tr data-server-id=row.id.clone()>
                <td data-label="Name">
                    <A href=format!("/servers/{}", ecs_api::urls::encode(&row.id)) attr:class="server-link">
                        {row.name}
                    </A>
                </td>
                <td data-label="Status"><span class=row.status_class>{row.status}</span></td>
                <td data-label="Addresses" class="mono">{row.addresses}</td>
                <td data-label="Flavor">{row.flavor}</td>
                <td data-label="Availability zone">{row.zone}</td>
                <td data-label="Created"><Timestamp value=row.created now /></td>
            </tr>
        }
        .into_any()
    });
    view! {
        <div class="table-wrap card">
            <table id="servers-table" class="stacks-narrow" aria-labelledby="servers-title">
                <ColumnHeads columns=&["Name", "Status", "Addresses", "Flavor", "Availability zone", "Created"] />
                <tbody>
                    <KeyedRows rows=keys row />
                </tbody>
            </table>
        </div>
    }
}
