//! `/servers/:id`: every field of one server, refreshed adaptively, with its actions.

use ecs_api::ApiError;
use ecs_api::models::Server;
use ecs_api::requests::{RebootType, ServerAction};
use ecs_api::status::{ServerStatus, TaskState};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::use_api;
use crate::components::announcer::use_announcer;
use crate::components::copy_button::CopyButton;
use crate::components::error_notice::ErrorNotice;
use crate::components::focus::{focus_element, focused_id};
use crate::components::polling::{NotFound, Polling, use_clock, use_polling};
use crate::components::table::ColumnHeads;
use crate::components::timestamp::Timestamp;
use crate::pages::server_view::{
    EMPTY, delete_consequences, embedded_flavor_text, fetched_flavor_text, flavor_id_to_resolve,
    or_dash, power_state_text, progress_text, server_outcome, status_class, status_text,
    task_state_text,
};
use crate::pages::servers::RefreshBar;
use crate::refresh::stopped_refreshing;

/// Where focus goes after an action: the line that reports how the request went.
const ACTION_STATUS_ID: &str = "action-status";
/// Where focus goes when the server is gone and the actions with it.
const GONE_NOTICE_ID: &str = "server-gone";

const START: Request = Request::Action(ServerAction::Start);
const STOP: Request = Request::Action(ServerAction::Stop);
const SOFT_REBOOT: Request = Request::Action(ServerAction::Reboot(RebootType::Soft));
const HARD_REBOOT: Request = Request::Action(ServerAction::Reboot(RebootType::Hard));

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

    /// Whether the server, as last seen, accepts this request: the vm states Nova's compute API
    /// allows each action in (it answers 409 otherwise). A hard reboot is how an ERROR or
    /// stopped server is brought back, so it is offered there too.
    fn allowed_for(self, server: &Server) -> bool {
        use ServerStatus::{Active, Error, Paused, Shutoff, Suspended};
        let steady = !server.is_transitional();
        let status = &server.status;
        match self {
            Self::Action(ServerAction::Start) => steady && matches!(status, Shutoff),
            Self::Action(ServerAction::Stop) => steady && matches!(status, Active | Error),
            Self::Action(ServerAction::Reboot(RebootType::Soft)) => {
                steady && matches!(status, Active)
            }
            Self::Action(ServerAction::Reboot(RebootType::Hard)) => {
                steady && matches!(status, Active | Shutoff | Error | Paused | Suspended)
            }
            // A second delete while the first runs would only ask again.
            Self::Delete => !matches!(server.task_state, Some(TaskState::Deleting)),
        }
    }
}

/// How the last request went, for the line focus moves to after an action.
fn action_status_text(request: Request, pending: bool, succeeded: Option<bool>) -> String {
    let action = request.describe();
    match (pending, succeeded) {
        (true, _) | (false, None) => format!("{action}: sending the request…"),
        (false, Some(true)) => format!("{action} requested. The status below follows the server."),
        (false, Some(false)) => format!("{action} failed: the reason is below."),
    }
}

/// The requests that are confirmed first: they cannot be undone, or they cut the guest's power.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Confirm {
    Delete,
    HardReboot,
}

impl Confirm {
    fn request(self) -> Request {
        match self {
            Self::Delete => Request::Delete,
            Self::HardReboot => HARD_REBOOT,
        }
    }

    /// The button that opened the confirmation: focus returns there when it is cancelled.
    fn opener_id(self) -> &'static str {
        match self {
            Self::Delete => "action-delete",
            Self::HardReboot => "action-reboot-hard",
        }
    }

    fn ids(self) -> ConfirmIds {
        match self {
            Self::Delete => ConfirmIds {
                text: "confirm-delete-text",
                confirm: "confirm-delete",
                cancel: "cancel-delete",
            },
            Self::HardReboot => ConfirmIds {
                text: "confirm-reboot-hard-text",
                confirm: "confirm-reboot-hard",
                cancel: "cancel-reboot-hard",
            },
        }
    }

    fn confirm_label(self) -> &'static str {
        match self {
            Self::Delete => "Delete server",
            Self::HardReboot => "Reboot (hard)",
        }
    }

    /// The question, split around the server's name (shown in bold): what exactly will happen.
    fn question(self, server: &Server) -> (&'static str, String, String) {
        let name = if server.name.is_empty() {
            server.id.clone()
        } else {
            server.name.clone()
        };
        match self {
            Self::Delete => (
                "Delete server ",
                name,
                format!("? {} This cannot be undone.", delete_consequences(server)),
            ),
            Self::HardReboot => (
                "Hard reboot server ",
                name,
                "? This cuts the guest's power, like pulling the plug: anything not yet written to \
                 disk is lost, and its file systems may need a check when it starts again. \
                 Reboot (soft) asks its operating system to restart cleanly instead."
                    .to_owned(),
            ),
        }
    }
}

struct ConfirmIds {
    text: &'static str,
    confirm: &'static str,
    cancel: &'static str,
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

    let act = Action::new_local(move |request: &Request| {
        let request = *request;
        let id = server_id();
        async move {
            let result = match request {
                Request::Action(action) => api.server_action(&id, action).await,
                Request::Delete => api.delete_server(&id).await,
            };
            if result.is_ok() {
                polling.refresh_now(true);
            }
            result
        }
    });
    let last_request = RwSignal::new(None::<Request>);

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
            {move || {
                if polling.gone.get() {
                    // A fixed time: an age that keeps counting would look live.
                    let stopped = stopped_refreshing(polling.updated_ms.get_untracked());
                    view! {
                        <div class="row refresh-bar">
                            <span class="muted small" id="updated-ago">{stopped}</span>
                        </div>
                    }
                        .into_any()
                } else {
                    view! { <RefreshBar polling /> }.into_any()
                }
            }}
            <Show when=move || polling.gone.get()>
                <p class="notice" id=GONE_NOTICE_ID tabindex="-1">
                    "This server no longer exists: it was deleted. Refreshing has stopped; below is what was last known about it. "
                    <A href="/servers">"Back to the servers list"</A>
                </p>
            </Show>
            {move || {
                polling
                    .error
                    .get()
                    .filter(|_| !polling.gone.get())
                    .map(|error| view! { <ErrorNotice error title="Refreshing this server failed" /> })
            }}
            // Rendered once (not per refresh), so buttons and the open confirmation keep focus.
            <Show when=move || polling.data.with(Option::is_some) && !polling.gone.get()>
                <Actions act polling last_request />
            </Show>
            {move || match polling.data.get() {
                Some(server) => view! { <ServerFields server names gone=polling.gone.get() /> }.into_any(),
                None if polling.error.with(Option::is_none) => {
                    view! { <p class="loading">"Loading server…"</p> }.into_any()
                }
                None => ().into_any(),
            }}
        </section>
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// True when nothing useful has focus: the focused element was removed (the browser then
/// focuses the body), or nothing is focused at all.
fn focus_is_lost() -> bool {
    let Some(document) = document() else {
        return false;
    };
    match (document.active_element(), document.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => active == *body.as_ref(),
        (Some(_), None) => false,
    }
}

/// Focuses the button `id` when it can take focus (it may have been disabled meanwhile),
/// otherwise the action status line: never the page body.
fn focus_button_or_status(id: &str) {
    let enabled = document()
        .and_then(|document| document.get_element_by_id(id))
        .is_some_and(|button| !button.has_attribute("disabled"));
    focus_element(if enabled { id } else { ACTION_STATUS_ID });
}

#[component]
fn Actions(
    act: Action<Request, Result<(), ApiError>>,
    polling: Polling<Server>,
    last_request: RwSignal<Option<Request>>,
) -> impl IntoView {
    let confirming = RwSignal::new(None::<Confirm>);
    let busy = move || act.pending().get() || polling.gone.get();
    let allowed = move |request: Request| {
        polling.data.with(|server| {
            server
                .as_ref()
                .is_some_and(|server| request.allowed_for(server))
        })
    };
    let disabled = move |request: Request| busy() || !allowed(request);
    let send = move |request: Request| {
        confirming.set(None);
        last_request.set(Some(request));
        act.dispatch_local(request);
        // The clicked button is disabled while the request runs: keep the keyboard on its outcome.
        focus_element(ACTION_STATUS_ID);
    };
    let close = move |confirm: Confirm| {
        confirming.set(None);
        focus_button_or_status(confirm.opener_id());
    };
    let status = move || {
        last_request.get().map(|request| {
            let succeeded = act.value().with(|value| value.as_ref().map(Result::is_ok));
            action_status_text(request, act.pending().get(), succeeded)
        })
    };
    view! {
        <div class="card">
            <h2 id="actions-title">"Actions"</h2>
            <div class="row" role="group" aria-labelledby="actions-title">
                <button type="button" id="action-start" on:click=move |_| send(START)
                    disabled=move || disabled(START)>"Start"</button>
                <button type="button" id="action-stop" on:click=move |_| send(STOP)
                    disabled=move || disabled(STOP)>"Stop"</button>
                <button type="button" id="action-reboot-soft" on:click=move |_| send(SOFT_REBOOT)
                    disabled=move || disabled(SOFT_REBOOT)>"Reboot (soft)"</button>
                <button type="button" id=Confirm::HardReboot.opener_id()
                    on:click=move |_| confirming.set(Some(Confirm::HardReboot))
                    disabled=move || disabled(HARD_REBOOT)>"Reboot (hard)…"</button>
                <button type="button" id=Confirm::Delete.opener_id() class="danger"
                    on:click=move |_| confirming.set(Some(Confirm::Delete))
                    disabled=busy>"Delete…"</button>
            </div>
            {move || {
                confirming
                    .get()
                    .map(|confirm| {
                        view! {
                            <Confirmation
                                confirm
                                polling
                                disabled=Signal::derive(move || disabled(confirm.request()))
                                send=Callback::new(send)
                                close=Callback::new(close)
                            />
                        }
                    })
            }}
            <p id=ACTION_STATUS_ID class="small" role="status" tabindex="-1">{status}</p>
            {move || {
                act.value()
                    .get()
                    .and_then(Result::err)
                    .map(|error: ApiError| view! { <ErrorNotice error title="The action failed" /> })
            }}
        </div>
    }
}

/// An inline confirmation (`alertdialog`): focus starts on Cancel and stays between its two
/// buttons (Tab and Shift+Tab go round), Escape cancels, and a cancelled confirmation gives focus
/// back to the button that opened it.
#[component]
fn Confirmation(
    confirm: Confirm,
    polling: Polling<Server>,
    disabled: Signal<bool>,
    send: Callback<Request>,
    close: Callback<Confirm>,
) -> impl IntoView {
    let ids = confirm.ids();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    // Opening moves focus to the least destructive choice.
    Effect::new(move |_| {
        if let Some(button) = cancel_button.get() {
            let _ = button.focus();
        }
    });
    let on_keydown = move |event: leptos::ev::KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            event.prevent_default();
            close.run(confirm);
        }
        // Two buttons: Tab from either goes to the other, in both directions (while the confirm
        // button is disabled, focus stays on Cancel).
        "Tab" => {
            event.prevent_default();
            let on_cancel = focused_id().as_deref() == Some(ids.cancel);
            let next = if on_cancel && !disabled.get_untracked() {
                ids.confirm
            } else {
                ids.cancel
            };
            focus_element(next);
        }
        _ => {}
    };
    let question = move || {
        polling.data.with(|server| {
            server.as_ref().map(|server| {
                let (lead, name, detail) = confirm.question(server);
                view! { {lead} <strong>{name}</strong> {detail} }
            })
        })
    };
    view! {
        <div class="notice" role="alertdialog" aria-labelledby=ids.text
            on:keydown=on_keydown>
            <p id=ids.text>{question}</p>
            <div class="row">
                <button type="button" id=ids.confirm class="danger" disabled=disabled
                    on:click=move |_| send.run(confirm.request())>{confirm.confirm_label()}</button>
                <button type="button" id=ids.cancel node_ref=cancel_button
                    on:click=move |_| close.run(confirm)>"Cancel"</button>
            </div>
        </div>
    }
}

/// Flavor and image descriptions fetched by id (`None` when there is nothing to fetch).
#[derive(Clone, Copy)]
struct ResolvedNames {
    flavor: LocalResource<Result<Option<String>, ApiError>>,
    image: LocalResource<Result<Option<String>, ApiError>>,
}

/// The server's fields. Once it is `gone`, what describes a live machine (status, power, the
/// fault) is left out and the rest is titled as the last known details.
#[component]
fn ServerFields(server: Server, names: ResolvedNames, gone: bool) -> impl IntoView {
    let now = use_clock();
    let fault = server
        .fault
        .clone()
        .filter(|_| server.status == ServerStatus::Error && !gone);
    let live_state = (!gone).then(|| {
        view! {
            <dt>"Status"</dt>
            <dd><span class=status_class(&server) id="server-status">{server.status.to_string()}</span></dd>
            <dt>"Task state"</dt>
            <dd>{task_state_text(&server)}</dd>
            <dt>"Power state"</dt>
            <dd id="server-power">{power_state_text(server.power_state)}</dd>
            <dt>"Progress"</dt>
            <dd id="server-progress">{progress_text(&server)}</dd>
        }
    });
    let title = if gone {
        "Last known details"
    } else {
        "Overview"
    };
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
                    <p class="small">"Try Reboot (hard), or delete it and create it again; if it keeps failing, give this message to your cloud's support."</p>
                </div>
            }
        })}
        <div class="card">
            <h2 id="overview-title">{title}</h2>
            <dl class="fields">
                <dt>"ID"</dt>
                <dd class="mono">{server.id.clone()} " " <CopyButton value=server.id.clone() label="server id" /></dd>
                {live_state}
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

/// A titled part of the details that reads "—" when it has nothing to list.
#[component]
fn ListSection(
    title: &'static str,
    title_id: &'static str,
    empty: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <h2 id=title_id>{title}</h2>
        {if empty { view! { <p class="muted">{EMPTY}</p> }.into_any() } else { children().into_any() }}
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
                        <table id="addresses" class="stacks-narrow" aria-labelledby="addresses-title">
                            <ColumnHeads columns=&["Network", "Address", "Type", "Version", "MAC"] />
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|(network, address)| {
                                        let version = address
                                            .version
                                            .map(|version| format!("IPv{version}"))
                                            .unwrap_or_else(|| EMPTY.to_owned());
                                        let label = format!("address {}", address.addr);
                                        view! {
                                            <tr>
                                                <td data-label="Network">{network}</td>
                                                <td data-label="Address">
                                                    <span class="mono">{address.addr.clone()}</span> " "
                                                    <CopyButton value=address.addr.clone() label=label />
                                                </td>
                                                <td data-label="Type">{or_dash(address.ip_type.as_deref())}</td>
                                                <td data-label="Version">{version}</td>
                                                <td data-label="MAC" class="mono">{or_dash(address.mac_addr.as_deref())}</td>
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
/// The error is rendered here, not thrown to an `ErrorBoundary`: the flavor and the image load
/// at the same time, and Leptos 0.8's `Suspend` holds the thread's error hook across its await,
/// so a thrown error could land in the other one's boundary.
#[component]
fn Resolved(
    resource: LocalResource<Result<Option<String>, ApiError>>,
    placeholder: String,
) -> impl IntoView {
    let fallback_text = placeholder.clone();
    view! {
        <Transition fallback=move || view! { <span class="loading">{fallback_text.clone()}</span> }>
            {
                let placeholder = placeholder.clone();
                move || {
                    let placeholder = placeholder.clone();
                    Suspend::new(async move {
                        match resource.await {
                            Ok(name) => name.unwrap_or(placeholder).into_any(),
                            Err(error) => {
                                view! { <span class="muted">{format!("not readable: {error}")}</span> }
                                    .into_any()
                            }
                        }
                    })
                }
            }
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(json: &str) -> Server {
        serde_json::from_str(json).expect("test server decodes")
    }

    #[test]
    fn actions_follow_the_status() {
        let active = server(r#"{"id": "1", "status": "ACTIVE"}"#);
        let stopped = server(r#"{"id": "1", "status": "SHUTOFF"}"#);
        let stopping =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}"#);
        let allowed = |server: &Server| {
            [START, STOP, SOFT_REBOOT, HARD_REBOOT, Request::Delete]
                .map(|request| request.allowed_for(server))
        };
        let failed = server(r#"{"id": "1", "status": "ERROR"}"#);
        assert_eq!(allowed(&active), [false, true, true, true, true]);
        assert_eq!(allowed(&stopped), [true, false, false, true, true]);
        assert_eq!(allowed(&failed), [false, true, false, true, true]);
        let deleting =
            server(r#"{"id": "1", "status": "ERROR", "OS-EXT-STS:task_state": "deleting"}"#);
        assert!(!Request::Delete.allowed_for(&deleting));
        assert_eq!(allowed(&stopping), [false, false, false, false, true]);
    }

    #[test]
    fn hard_reboot_and_delete_are_confirmed_and_say_what_happens() {
        assert_eq!(Confirm::HardReboot.request(), HARD_REBOOT);
        assert_eq!(Confirm::Delete.request(), Request::Delete);
        let web = server(
            r#"{"id": "1", "name": "web", "status": "ACTIVE", "image": "",
                "os-extended-volumes:volumes_attached": [{"id": "v1", "delete_on_termination": false}]}"#,
        );
        let (lead, name, detail) = Confirm::Delete.question(&web);
        assert_eq!((lead, name.as_str()), ("Delete server ", "web"));
        assert!(detail.starts_with("? Its boot volume is kept"), "{detail}");
        assert!(!detail.contains("when it was created"), "{detail}");
        assert!(detail.ends_with("This cannot be undone."), "{detail}");
        let (lead, _, detail) = Confirm::HardReboot.question(&web);
        assert_eq!(lead, "Hard reboot server ");
        assert!(detail.contains("cuts the guest's power"), "{detail}");
        // A server without a name is named by its id.
        let unnamed = server(r#"{"id": "abc", "name": ""}"#);
        assert_eq!(Confirm::Delete.question(&unnamed).1, "abc");
    }

    #[test]
    fn the_action_status_reports_the_last_request() {
        assert_eq!(
            action_status_text(STOP, true, Some(true)),
            "Stop: sending the request…"
        );
        assert_eq!(
            action_status_text(HARD_REBOOT, false, Some(true)),
            "Hard reboot requested. The status below follows the server."
        );
        assert_eq!(
            action_status_text(Request::Delete, false, Some(false)),
            "Delete failed: the reason is below."
        );
    }
}
