//! `/servers/:id`: every field of one server, refreshed adaptively, with its actions.

use ecs_api::ApiError;
use ecs_api::models::Server;
use ecs_api::requests::{RebootType, ServerAction};
use ecs_api::status::ServerStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::use_api;
use crate::components::announcer::use_announcer;
use crate::components::copy_button::CopyButton;
use crate::components::error_notice::ErrorNotice;
use crate::components::polling::{NotFound, Polling, use_clock, use_polling};
use crate::components::table::ColumnHeads;
use crate::components::timestamp::Timestamp;
use crate::pages::server_view::{
    embedded_flavor_text, fetched_flavor_text, flavor_id_to_resolve, or_dash, server_outcome,
    status_class, status_text,
};
use crate::pages::servers::RefreshBar;

/// What the action buttons ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Request {
    Action(ServerAction),
    Delete,
}

impl Request {
    fn describe(self) -> &'static str {
        match self {
            Self::Action(ServerAction::Start) => "Start",
            Self::Action(ServerAction::Stop) => "Stop",
            Self::Action(ServerAction::Reboot(RebootType::Soft)) => "Soft reboot",
            Self::Action(ServerAction::Reboot(RebootType::Hard)) => "Hard reboot",
            Self::Delete => "Delete",
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
    let image = LocalResource::new(move || {
        let id = image_id.get();
        async move {
            match id {
                Some(id) => api.get_image(&id).await.map(|image| Some(image.name)),
                None => Ok(None),
            }
        }
    });
    let names = ResolvedNames { flavor, image };

    // Announce status changes (the previous value is the effect's own memory).
    Effect::new(move |previous: Option<Option<String>>| {
        let current = polling.data.with(|server| server.as_ref().map(status_text));
        if let (Some(Some(before)), Some(now)) = (&previous, &current)
            && before != now
        {
            announcer.announce(format!("Server status: {now}"));
        }
        if polling.gone.get() {
            announcer.announce("The server was deleted.");
        }
        current
    });

    let act = Action::new_local(move |request: &Request| {
        let request = *request;
        let id = server_id();
        async move {
            let result = match request {
                Request::Action(action) => api.server_action(&id, action).await,
                Request::Delete => api.delete_server(&id).await,
            };
            match &result {
                Ok(()) => {
                    announcer.announce(format!("{} requested", request.describe()));
                    polling.refresh_now(true);
                }
                Err(error) => announcer.announce(format!("Action failed: {}", error.message)),
            }
            result
        }
    });

    view! {
        <section id="server-details" aria-labelledby="server-title">
            <p><A href="/servers">"← Servers"</A></p>
            {move || {
                let name = polling
                    .data
                    .with(|server| server.as_ref().map(|server| server.name.clone()))
                    .unwrap_or_else(server_id);
                view! { <h1 id="server-title">{name}</h1> }
            }}
            <RefreshBar polling />
            <Show when=move || polling.gone.get()>
                <p class="notice" id="server-gone" role="status">
                    "This server no longer exists (the API answers 404 Not Found): it was deleted. "
                    "Refreshing has stopped. " <A href="/servers">"Back to the servers list"</A>
                </p>
            </Show>
            {move || {
                polling
                    .error
                    .get()
                    .filter(|_| !polling.gone.get())
                    .map(|error| view! { <ErrorNotice error title="Refreshing this server failed" /> })
            }}
            {move || {
                act.value()
                    .get()
                    .and_then(Result::err)
                    .map(|error: ApiError| view! { <ErrorNotice error title="The action failed" /> })
            }}
            {move || match polling.data.get() {
                Some(server) => {
                    view! {
                        <Actions server=server.clone() act polling />
                        <ServerFields server names />
                    }
                        .into_any()
                }
                None if polling.error.with(Option::is_none) => {
                    view! { <p class="loading">"Loading server…"</p> }.into_any()
                }
                None => ().into_any(),
            }}
        </section>
    }
}

#[component]
fn Actions(
    server: Server,
    act: Action<Request, Result<(), ApiError>>,
    polling: Polling<Server>,
) -> impl IntoView {
    let confirming_delete = RwSignal::new(false);
    let busy = move || act.pending().get() || polling.gone.get();
    let steady = !server.is_transitional();
    let can_start = steady && server.status == ServerStatus::Shutoff;
    let can_stop = steady && server.status == ServerStatus::Active;
    let can_reboot = steady && server.status == ServerStatus::Active;
    let name = server.name.clone();
    let run = move |request: Request| {
        move |_| {
            act.dispatch_local(request);
        }
    };
    view! {
        <div class="card">
            <h2 id="actions-title">"Actions"</h2>
            <div class="row" role="group" aria-labelledby="actions-title">
                <button type="button" id="action-start" on:click=run(Request::Action(ServerAction::Start))
                    disabled=move || busy() || !can_start>"Start"</button>
                <button type="button" id="action-stop" on:click=run(Request::Action(ServerAction::Stop))
                    disabled=move || busy() || !can_stop>"Stop"</button>
                <button type="button" id="action-reboot-soft"
                    on:click=run(Request::Action(ServerAction::Reboot(RebootType::Soft)))
                    disabled=move || busy() || !can_reboot>"Reboot (soft)"</button>
                <button type="button" id="action-reboot-hard"
                    on:click=run(Request::Action(ServerAction::Reboot(RebootType::Hard)))
                    disabled=move || busy() || !can_reboot>"Reboot (hard)"</button>
                <button type="button" id="action-delete" class="danger"
                    on:click=move |_| confirming_delete.set(true)
                    disabled=busy>"Delete…"</button>
            </div>
            <Show when=move || confirming_delete.get()>
                <div class="notice" role="alertdialog" aria-labelledby="confirm-delete-text">
                    <p id="confirm-delete-text">
                        "Delete server " <strong>{name.clone()}</strong>
                        "? Its boot volume is deleted with it when it was created with delete on termination. This cannot be undone."
                    </p>
                    <div class="row">
                        <button type="button" id="confirm-delete" class="danger"
                            on:click=move |_| {
                                confirming_delete.set(false);
                                act.dispatch_local(Request::Delete);
                            }>"Delete server"</button>
                        <button type="button" id="cancel-delete" on:click=move |_| confirming_delete.set(false)>
                            "Cancel"
                        </button>
                    </div>
                </div>
            </Show>
        </div>
    }
}

/// Flavor and image descriptions fetched by id (`None` when there is nothing to fetch).
#[derive(Clone, Copy)]
struct ResolvedNames {
    flavor: LocalResource<Result<Option<String>, ApiError>>,
    image: LocalResource<Result<Option<String>, ApiError>>,
}

#[component]
fn ServerFields(server: Server, names: ResolvedNames) -> impl IntoView {
    let now = use_clock();
    let fault = server
        .fault
        .clone()
        .filter(|_| server.status == ServerStatus::Error);
    let power = server
        .power_state
        .map(|power| power.name().to_owned())
        .unwrap_or_else(|| "—".to_owned());
    let task = server
        .task_state
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| "none".to_owned());
    let progress = server
        .progress
        .map(|progress| format!("{progress} %"))
        .unwrap_or_else(|| "—".to_owned());
    let host = [
        server.host.as_deref(),
        server.hypervisor_hostname.as_deref(),
        server.host_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find(|host| !host.is_empty())
    .map(str::to_owned);
    let volumes = server.volumes_attached.clone();
    let security_groups = server.security_groups.clone();
    let metadata = server.metadata.clone();
    view! {
        {fault.map(|fault| {
            let code = fault.code.map(|code| format!(" (code {code})")).unwrap_or_default();
            view! {
                <div class="error" id="server-fault" role="alert">
                    <strong>{format!("The server is in ERROR{code}")}</strong>
                    <p class="api-message">{fault.message}</p>
                    {fault.details.map(|details| view! { <pre>{details}</pre> })}
                    <p class="small">"Delete it and create it again; if it keeps failing, give this message to your cloud's support."</p>
                </div>
            }
        })}
        <div class="card">
            <h2>"Overview"</h2>
            <dl class="fields">
                <dt>"ID"</dt>
                <dd class="mono">{server.id.clone()} " " <CopyButton value=server.id.clone() label="server id" /></dd>
                <dt>"Status"</dt>
                <dd><span class=status_class(&server) id="server-status">{server.status.to_string()}</span></dd>
                <dt>"Task state"</dt>
                <dd>{task}</dd>
                <dt>"Power state"</dt>
                <dd>{power}</dd>
                <dt>"Progress"</dt>
                <dd>{progress}</dd>
                <dt>"Availability zone"</dt>
                <dd>{or_dash(server.availability_zone.as_deref())}</dd>
                <dt>"Flavor"</dt>
                <dd id="server-flavor">
                    {match embedded_flavor_text(&server) {
                        Some(text) => text.into_any(),
                        None => view! { <Resolved resource=names.flavor placeholder=or_dash(server.flavor_label()) /> }.into_any(),
                    }}
                </dd>
                <dt>"Image"</dt>
                <dd id="server-image">
                    {if server.is_volume_backed() {
                        "boot from volume".into_any()
                    } else {
                        view! { <Resolved resource=names.image placeholder=or_dash(server.image_id()) /> }.into_any()
                    }}
                </dd>
                <dt>"Key pair"</dt>
                <dd>{or_dash(server.key_name.as_deref())}</dd>
                <dt>"Created"</dt>
                <dd><Timestamp value=server.created.clone() now /></dd>
                <dt>"Updated"</dt>
                <dd><Timestamp value=server.updated.clone() now /></dd>
                <dt>"Launched"</dt>
                <dd><Timestamp value=server.launched_at.clone() now /></dd>
                {host.map(|host| view! { <dt>"Host"</dt> <dd class="mono">{host}</dd> })}
            </dl>
        </div>
        <Addresses server=server.clone() />
        <div class="card">
            <ListSection title="Attached volumes" title_id="volumes-title" empty=volumes.is_empty()>
                <ul aria-labelledby="volumes-title">
                        {volumes
                            .iter()
                            .map(|volume| {
                                let note = match volume.delete_on_termination {
                                    Some(true) => " (deleted with the server)",
                                    Some(false) => " (kept when the server is deleted)",
                                    None => "",
                                };
                                view! { <li><span class="mono">{volume.id.clone()}</span>{note}</li> }
                            })
                            .collect_view()}
                    </ul>
            </ListSection>
            <ListSection title="Security groups" title_id="security-groups-title" empty=security_groups.is_empty()>
                <ul aria-labelledby="security-groups-title">
                        {security_groups
                            .iter()
                            .map(|group| view! { <li>{group.name.clone()}</li> })
                            .collect_view()}
                    </ul>
            </ListSection>
            <ListSection title="Metadata" title_id="metadata-title" empty=metadata.is_empty()>
                <dl class="fields" aria-labelledby="metadata-title">
                        {metadata
                            .iter()
                            .map(|(key, value)| view! { <dt class="mono">{key.clone()}</dt> <dd>{value.clone()}</dd> })
                            .collect_view()}
                    </dl>
            </ListSection>
        </div>
    }
}

/// A titled part of the details that reads "None" when it has nothing to list.
#[component]
fn ListSection(
    title: &'static str,
    title_id: &'static str,
    empty: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <h2 id=title_id>{title}</h2>
        {if empty { view! { <p class="muted">"None"</p> }.into_any() } else { children().into_any() }}
    }
}

#[component]
fn Addresses(server: Server) -> impl IntoView {
    let rows: Vec<_> = server
        .all_addresses()
        .map(|(network, address)| (network.to_owned(), address.clone()))
        .collect();
    view! {
        <div class="card">
            <h2 id="addresses-title">"Addresses"</h2>
            {if rows.is_empty() {
                view! { <p class="muted" id="no-addresses">"No address yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table id="addresses" aria-labelledby="addresses-title">
                            <ColumnHeads columns=&["Network", "Address", "Type", "Version", "MAC"] />
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|(network, address)| {
                                        let version = address
                                            .version
                                            .map(|version| format!("IPv{version}"))
                                            .unwrap_or_else(|| "—".to_owned());
                                        let label = format!("address {}", address.addr);
                                        view! {
                                            <tr>
                                                <td>{network}</td>
                                                <td class="mono">
                                                    {address.addr.clone()} " "
                                                    <CopyButton value=address.addr.clone() label=label />
                                                </td>
                                                <td>{or_dash(address.ip_type.as_deref())}</td>
                                                <td>{version}</td>
                                                <td class="mono">{or_dash(address.mac_addr.as_deref())}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </div>
    }
}

/// A name fetched by id: the id while loading, the name when known, the error when not readable.
#[component]
fn Resolved(
    resource: LocalResource<Result<Option<String>, ApiError>>,
    placeholder: String,
) -> impl IntoView {
    let fallback_text = placeholder.clone();
    view! {
        <Transition fallback=move || view! { <span class="loading">{fallback_text.clone()}</span> }>
            <ErrorBoundary fallback=|errors| {
                view! {
                    <span class="muted">
                        {move || {
                            errors
                                .get()
                                .into_iter()
                                .next()
                                .map(|(_, error)| format!("not readable: {error}"))
                        }}
                    </span>
                }
            }>
                {
                    let placeholder = placeholder.clone();
                    move || {
                        let placeholder = placeholder.clone();
                        Suspend::new(async move {
                            resource.await.map(|name| name.unwrap_or(placeholder))
                        })
                    }
                }
            </ErrorBoundary>
        </Transition>
    }
}
