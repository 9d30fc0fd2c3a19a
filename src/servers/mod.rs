//! `/servers`: the landing page after sign-in. Name, status, addresses, flavor, zone and
//! creation time of the project's servers, a page at a time, filtered and sorted as the URL says
//! (see [`query`]), refreshed adaptively; Start, Stop, Reboot and Delete for the selected servers
//! or one row, confirmed first.

mod bulk;
mod filters;
pub mod logic;
pub mod query;
pub mod selection;
mod table;

use std::collections::BTreeSet;

use ecs_api::ApiError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::{LazyRoute, NavigateOptions};

use crate::api::server_list::ServerListPage;
use crate::api::{Api, use_api};
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::refresh_bar::RefreshBar;
use crate::hooks::polling::{NotFound, use_polling};
use bulk::{BulkBar, ConfirmDialog, Outcomes, use_bulk};
use filters::Filters;
use logic::{StatusSnapshot, list_outcome, status_changes, status_snapshot};
use query::{ListQuery, MarkerGone, PAGE_SIZE, cut_page, page_locally};
use table::ServerTable;

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

/// A page as fetched, with the query it answers (the page on screen may be an older query's
/// while the new one loads).
#[derive(Clone, Debug, PartialEq)]
pub struct ListedPage {
    pub query: ListQuery,
    pub page: ServerListPage,
}

/// The page `query` asks for: from Nova, or cut from the whole list where Nova cannot filter or
/// sort as asked (see [`query`]).
async fn fetch_page(api: Api, query: ListQuery) -> Result<ListedPage, ApiError> {
    let page = if query.pages_locally() {
        let servers = api.list_servers_matching(&query.nova_params()).await?;
        page_locally(servers, &query).map_err(|MarkerGone| {
            // Worded as Nova words its own 400, so one notice serves both.
            ApiError {
                status: 400,
                message: format!("marker [{}] not found", query.marker().unwrap_or_default()),
                kind: ecs_api::ErrorKind::BadRequest,
                retry_after: None,
                fault: None,
            }
        })?
    } else {
        let page = api
            .list_servers_page(&query.nova_params(), PAGE_SIZE + 1, query.marker())
            .await?;
        cut_page(page)
    };
    Ok(ListedPage { query, page })
}

#[component]
pub fn ServersPage() -> impl IntoView {
    let api = use_api();
    let params = use_query_map();
    let query =
        Memo::new(move |_| params.with(|params| ListQuery::from_params(|name| params.get(name))));
    let navigate = use_navigate();
    // Every change of filter, sort or page goes through the URL: reload and Back keep it.
    let visit = Callback::new(move |next: ListQuery| {
        navigate(
            &format!("/servers{}", next.to_search()),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });
    let polling = use_polling(
        move || fetch_page(api, query.get()),
        |listed: &ListedPage| list_outcome(&listed.page.servers),
        NotFound::IsAnError,
    );
    let announcer = use_announcer();
    // Announce status changes between refreshes of one page (the previous page is the effect's
    // memory); a page of another query is news of its own, shown, not announced.
    Effect::new(
        move |previous: Option<Option<(ListQuery, Vec<StatusSnapshot>)>>| {
            let now = polling.data.with(|listed| {
                listed
                    .as_ref()
                    .map(|listed| (listed.query.clone(), status_snapshot(&listed.page.servers)))
            });
            if let (Some(Some((before_query, before))), Some((now_query, now))) = (&previous, &now)
                && before_query == now_query
            {
                let changes = status_changes(before, now);
                if !changes.is_empty() {
                    announcer.announce(changes.join(". "));
                }
            }
            now
        },
    );
    let servers = Memo::new(move |_| {
        polling
            .data
            .with(|listed| listed.as_ref().map(|listed| listed.page.servers.clone()))
    });
    let next_marker = Memo::new(move |_| {
        polling.data.with(|listed| {
            listed
                .as_ref()
                .and_then(|listed| listed.page.next_marker.clone())
        })
    });
    // The page on screen answers another query than the URL's: the new one is loading.
    let updating = Memo::new(move |_| {
        polling.data.with(|listed| {
            listed
                .as_ref()
                .is_some_and(|listed| listed.query != query.get())
        })
    });
    let selected = RwSignal::new(BTreeSet::<String>::new());
    // A selection belongs to the page it was made on.
    let clear_selection = move || selected.set(BTreeSet::new());
    let go = Callback::new(move |next: ListQuery| {
        clear_selection();
        visit.run(next);
    });
    let bulk = use_bulk(api, polling, selected);
    let marker_gone = move || {
        polling
            .error()
            .is_some_and(|error| query::is_marker_gone(&error))
    };
    view! {
        <section id="servers-page" aria-labelledby="servers-title">
            <div class="row spread">
                <h1 id="servers-title">"Servers"</h1>
                <A href="/create" attr:class="button primary">"Create server"</A>
            </div>
            <Filters query go />
            <RefreshBar polling />
            {move || {
                if marker_gone() {
                    Some(view! {
                        <div class="notice" id="servers-page-gone" role="alert">
                            <p>"The server this page started after is no longer listed (it was deleted or no longer matches)."</p>
                            <button type="button" on:click=move |_| go.run(query.get_untracked().first_page())>
                                "Go to page 1"
                            </button>
                        </div>
                    }.into_any())
                } else {
                    polling.error().map(|error| {
                        view! { <ErrorNotice error title="Refreshing the servers failed" /> }.into_any()
                    })
                }
            }}
            <BulkBar bulk servers selected />
            <Outcomes bulk />
            {move || {
                let shown = servers.with(|servers| servers.as_ref().map(Vec::is_empty));
                match shown {
                    None if !polling.failing() => {
                        view! { <p class="loading">"Loading servers…"</p> }.into_any()
                    }
                    None => ().into_any(),
                    Some(true) => view! { <EmptyList query go /> }.into_any(),
                    Some(false) => {
                        view! { <ServerTable servers query go selected updating bulk /> }.into_any()
                    }
                }
            }}
            <Pager query next_marker updating go />
            <ConfirmDialog bulk />
        </section>
    }
}

/// What an empty page says: a new project, filters that match nothing, or a page past the end.
#[component]
fn EmptyList(query: Memo<ListQuery>, go: Callback<ListQuery>) -> impl IntoView {
    move || {
        let current = query.get();
        if current.page_number() > 1 {
            view! {
                <p class="card" id="no-servers">"No servers on this page. Use Previous page to go back."</p>
            }
            .into_any()
        } else if current.is_filtered() {
            let cleared = ListQuery {
                sort: current.sort,
                direction: current.direction,
                ..ListQuery::default()
            };
            view! {
                <p class="card" id="no-servers">
                    "No servers match these filters. "
                    <button type="button" class="link" on:click=move |_| go.run(cleared.clone())>
                        "Clear the filters"
                    </button>
                </p>
            }
            .into_any()
        } else {
            view! {
                <p class="card" id="no-servers">
                    "No servers in this project yet. " <A href="/create">"Create one"</A> "."
                </p>
            }
            .into_any()
        }
    }
}

/// Previous and Next page, and which page this is.
#[component]
fn Pager(
    query: Memo<ListQuery>,
    next_marker: Memo<Option<String>>,
    updating: Memo<bool>,
    go: Callback<ListQuery>,
) -> impl IntoView {
    let page = move || query.with(ListQuery::page_number);
    let has_next = move || next_marker.with(Option::is_some) && !updating.get();
    let shown = move || page() > 1 || has_next();
    view! {
        <Show when=shown>
            <nav class="row pager" aria-label="Pages of servers">
                <button type="button" id="servers-previous" disabled=move || page() == 1
                    on:click=move |_| go.run(query.get_untracked().previous_page())>
                    "← Previous page"
                </button>
                <span id="servers-page-number" aria-live="polite">{move || format!("Page {}", page())}</span>
                <button type="button" id="servers-next" disabled=move || !has_next()
                    on:click=move |_| {
                        if let Some(marker) = next_marker.get_untracked() {
                            go.run(query.get_untracked().next_page(&marker));
                        }
                    }>
                    "Next page →"
                </button>
            </nav>
        </Show>
    }
}
