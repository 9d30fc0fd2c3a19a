//! `/servers/:id`: every field of one server, refreshed adaptively, with its actions.

mod actions;
mod connect;
mod disks;
mod fields;
pub mod logic;
mod manage;

use leptos::prelude::*;
use leptos_router::LazyRoute;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::use_api;
use crate::browser::focus::{focus_element, focus_is_lost};
use crate::components::announcer::use_announcer;
use crate::components::error_notice::ErrorNotice;
use crate::components::refresh_bar::{RefreshBar, StoppedRefreshBar};
use crate::hooks::polling::{NotFound, use_polling};
use crate::servers::logic::status_text;
use actions::Actions;
use connect::Connect;
use fields::{ResolvedNames, ServerFields};
use logic::{fetched_flavor_text, flavor_id_to_resolve, server_outcome, title_badges};

/// Where focus goes when the server is gone and the actions with it.
const GONE_NOTICE_ID: &str = "server-gone";

/// The `/servers/:id` route. The first page does not need the details page, so the split build
/// (`--features split`, see crates/wasm-chunks) puts its code in a chunk fetched on the first
/// visit; elsewhere (tests, checks) the same route renders it from the one module.
pub struct ServerDetailsRoute;

impl LazyRoute for ServerDetailsRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_route: Self) -> AnyView {
        details_page().await
    }
}

#[cfg_attr(feature = "split", leptos::lazy)]
async fn details_page() -> AnyView {
    view! { <ServerDetailsPage /> }.into_any()
}

/// What the page says once the server answers 404.
#[derive(Debug, PartialEq, Eq)]
struct GoneText {
    notice: &'static str,
    announced: &'static str,
}

/// A server seen on this page and then answering 404 was deleted; one that answered 404 from
/// the first load was not found (a wrong or old address: nothing says it ever existed).
fn gone_text(was_seen: bool) -> GoneText {
    if was_seen {
        GoneText {
            notice: "This server no longer exists: it was deleted. Refreshing has stopped; below is what was last known about it.",
            announced: "The server was deleted.",
        }
    } else {
        GoneText {
            notice: "Server not found: this project has no server with this id. The address may be wrong, or the server was deleted before this page opened.",
            announced: "Server not found.",
        }
    }
}

#[component]
pub fn ServerDetailsPage() -> impl IntoView {
    let api = use_api();
    let announcer = use_announcer();
    let params = use_params_map();
    let server_id = move || params.read().get("id").unwrap_or_default();

    let polling = use_polling(
        move || {
            let id = server_id();
            async move { api.get_server(&id).await }
        },
        server_outcome,
        NotFound::MeansGone,
    );

    // Flavor and image names are fetched once per id, not on every refresh.
    let flavor_id = Memo::new(move |_| {
        polling
            .data
            .with(|server| server.as_ref().and_then(flavor_id_to_resolve))
    });
    let image_id = Memo::new(move |_| {
        polling.data.with(|server| {
            server
                .as_ref()
                .and_then(|server| server.image_id().map(str::to_owned))
        })
    });
    let flavor = LocalResource::new(move || {
        let id = flavor_id.get();
        async move {
            match id {
                Some(id) => api
                    .get_flavor(&id)
                    .await
                    .map(|flavor| Some(fetched_flavor_text(&flavor))),
                None => Ok(None),
            }
        }
    });
    // The whole image: Connect reads its properties (the login user), the fields its name.
    let image = LocalResource::new(move || {
        let id = image_id.get();
        async move {
            match id {
                Some(id) => api.get_image(&id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let image_name = LocalResource::new(move || async move {
        image.await.map(|image| image.map(|image| image.name))
    });
    let names = ResolvedNames {
        flavor,
        image: image_name,
    };

    // Announce status changes (the previous value is the effect's own memory).
    Effect::new(move |previous: Option<Option<String>>| {
        let current = polling.data.with(|server| server.as_ref().map(status_text));
        if let (Some(Some(before)), Some(now)) = (&previous, &current)
            && before != now
        {
            announcer.announce(format!("Server status: {now}"));
        }
        if polling.gone.get() {
            announcer.announce(gone_text(current.is_some()).announced);
        }
        current
    });

    // The actions disappear with the server. Whoever had focus there (e.g. on the delete's
    // status line) lands on the notice instead of the page body; focus elsewhere stays put.
    Effect::new(move |_| {
        if polling.gone.get() {
            request_animation_frame(|| {
                if focus_is_lost() {
                    focus_element(GONE_NOTICE_ID);
                }
            });
        }
    });

    view! {
        <section id="server-details" aria-labelledby="server-title">
            <p><A href="/servers" exact=true>"← Servers"</A></p>
            <div class="row">
                {move || {
                    let name = polling
                        .data
                        .with(|server| server.as_ref().map(|server| server.name.clone()))
                        .unwrap_or_else(server_id)
                    ;
                    view! { <h1 id="server-title">{name}</h1> }
                }}
                // The status and the lock beside the name, as the servers list shows them.
                {move || {
                    polling
                        .data
                        .with(|server| server.as_ref().map(title_badges))
                        .filter(|_| !polling.gone.get())
                        .map(|badges| {
                            view! {
                                <span class=badges.status_class id="title-status">{badges.status}</span>
                                {badges.locked.then(|| view! { <span class="locked-mark" id="title-locked">"Locked"</span> })}
                            }
                        })
                }}
            </div>
            {move || {
                if polling.gone.get() {
                    view! { <StoppedRefreshBar updated_ms=untrack(|| polling.updated_ms()) /> }
                        .into_any()
                } else {
                    view! { <RefreshBar polling /> }.into_any()
                }
            }}
            <Show when=move || polling.gone.get()>
                <p class="notice" id=GONE_NOTICE_ID tabindex="-1">
                    {move || gone_text(polling.data.with(Option::is_some)).notice}
                    " "
                    <A href="/servers" exact=true>"Back to the servers list"</A>
                </p>
            </Show>
            {move || {
                polling
                    .error()
                    .filter(|_| !polling.gone.get())
                    .map(|error| view! { <ErrorNotice error title="Refreshing this server failed" /> })
            }}
            // Rendered once (not per refresh), so buttons and the open confirmation keep focus.
            <Show when=move || polling.data.with(Option::is_some) && !polling.gone.get()>
                <Actions polling server_id=Signal::derive(server_id) />
            </Show>
            {move || match polling.data.get() {
                Some(server) => view! { <ServerFields server names gone=polling.gone.get() /> }.into_any(),
                None if polling.error().is_none() => {
                    view! { <p class="loading">"Loading server…"</p> }.into_any()
                }
                None => ().into_any(),
            }}
            // Under the fields, rendered once like the actions: their buttons and dialogs keep
            // focus. The disks come first, where the Overview's disk count points.
            <Show when=move || polling.data.with(Option::is_some) && !polling.gone.get()>
                <disks::Disks polling server_id=Signal::derive(server_id) />
                <Connect polling server_id=Signal::derive(server_id) image />
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_404_says_deleted_only_for_a_server_seen_before() {
        assert!(gone_text(true).notice.contains("it was deleted"));
        assert_eq!(gone_text(true).announced, "The server was deleted.");
        let never_seen = gone_text(false);
        assert!(never_seen.notice.starts_with("Server not found"));
        assert!(!never_seen.notice.contains("it was deleted"));
        assert_eq!(never_seen.announced, "Server not found.");
    }
}
