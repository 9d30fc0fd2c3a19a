//! The details page's Disks section: every attached volume with its size, type, device, whether
//! it goes with the server and its status (Cinder's details when the catalog lists block
//! storage, Nova's `os-volume_attachments` alone otherwise); attaching a data disk (a new
//! volume, watched until it is available, or an existing one), detaching one and deleting a
//! volume no server uses (the one just detached, one in the attach picker, or a new one whose
//! attach failed), confirmed. A locked server's attach and detach are disabled, and a line says
//! why (Nova refuses both).

mod attach;
mod confirm;
pub mod logic;

use ecs_api::models::{Server, VolumeAttachment};
use ecs_api::requests::CreateVolume;
use ecs_api::{ApiError, ErrorKind};
use leptos::prelude::*;

use crate::api::volumes::ServerVolumes;
use crate::api::{Api, use_api};
use crate::browser::focus::focus_after_render;
use crate::components::error_notice::ErrorNotice;
use crate::hooks::polling::{NotFound, Polling, use_polling};
use attach::AttachForm;
use confirm::{Confirm, Confirmation, detach_button_id};
use logic::{
    DiskFailure, DiskRow, Done, SYSTEM_DISK_REASON, Step, VolumeRef, disk_rows, disks_outcome,
    done_line, goes_with_server_text, locked_disks_text, not_available_text, not_deleted_text,
    status_text, step_text,
};

/// The line that reports the running or last request (focus goes there when one starts).
const DISK_STATUS_ID: &str = "disk-status";
/// The section's heading: the Overview's link to the section lands there.
pub const DISKS_TITLE_ID: &str = "disks-title";
/// The button offering to delete the volume just detached.
const DELETE_DETACHED_ID: &str = "delete-detached";
/// The button offering to delete a new volume whose attach failed.
const DELETE_LEFTOVER_ID: &str = "delete-leftover";
/// The button that opens the attach form (focus returns there when the form is cancelled).
pub const ATTACH_OPEN_ID: &str = "attach-disk-open";
/// The line that says why a lock disables attach and detach.
const DISKS_LOCKED_ID: &str = "disks-locked";
/// How often, and how many times, a new volume is asked for until it is available (2 min).
const WAIT_INTERVAL_MS: i32 = 1500;
const WAIT_ROUNDS: u32 = 80;

/// What the section asks of the cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DiskRequest {
    AttachNew {
        name: String,
        size_gb: u64,
        volume_type: String,
    },
    AttachExisting {
        volume_id: String,
        name: String,
    },
    Detach(VolumeRef),
    Delete(VolumeRef),
}

/// What the section's pieces share (a context; cheap to copy).
#[derive(Clone, Copy)]
struct DisksState {
    server: Polling<Server>,
    rows: Memo<Option<Vec<DiskRow>>>,
    act: Action<DiskRequest, Result<Done, DiskFailure>>,
    /// Why attach and detach are refused now (a lock), `None` when they are not.
    locked: Memo<Option<&'static str>>,
    /// The open confirmation (one at a time).
    confirming: RwSignal<Option<Confirm>>,
    /// The attach form is open.
    attaching: RwSignal<bool>,
    has_cinder: bool,
}

impl DisksState {
    fn send(&self, request: DiskRequest) {
        self.confirming.set(None);
        self.attaching.set(false);
        self.act.dispatch_local(request);
        crate::browser::focus::focus_element(DISK_STATUS_ID);
    }

    fn busy(&self) -> bool {
        self.act.pending().get()
    }

    /// Attach and detach are refused: a request runs, or the server is locked.
    fn attach_refused(&self) -> bool {
        self.busy() || self.locked.with(Option::is_some)
    }

    /// The line a disabled attach or detach button points to.
    fn locked_line(&self) -> Option<&'static str> {
        self.locked.with(Option::is_some).then_some(DISKS_LOCKED_ID)
    }
}

#[component]
pub fn Disks(polling: Polling<Server>, server_id: Signal<String>) -> impl IntoView {
    let api = use_api();
    let has_cinder = api.volume_endpoint().ok().flatten().is_some();
    // The volume whose detach Nova accepted: watched closely until it leaves the list.
    let awaited = RwSignal::new(None::<String>);
    let volumes = use_polling(
        move || {
            let id = server_id.get();
            async move { api.server_volumes(&id).await }
        },
        move |found: &ServerVolumes| {
            let rows = disk_rows(&found.attachments, &[], found.details.as_deref());
            awaited.with_untracked(|awaited| disks_outcome(&rows, awaited.as_deref()))
        },
        NotFound::IsAnError,
    );
    let rows = Memo::new(move |_| {
        volumes.data.with(|found| {
            let found = found.as_ref()?;
            Some(polling.data.with(|server| {
                let attached = server
                    .as_ref()
                    .map_or(&[][..], |server| &server.volumes_attached[..]);
                disk_rows(&found.attachments, attached, found.details.as_deref())
            }))
        })
    });
    // How many rows, `None` while loading (whether to show the table at all).
    let listed = Memo::new(move |_| rows.with(|rows| rows.as_ref().map(Vec::len)));
    let step = RwSignal::new(None::<Step>);
    let act = Action::new_local(move |request: &DiskRequest| {
        let request = request.clone();
        let server_id = server_id.get_untracked();
        async move {
            let result = run(api, &server_id, request, step).await;
            step.set(None);
            awaited.set(
                result
                    .as_ref()
                    .ok()
                    .and_then(Done::detaching_volume)
                    .map(str::to_owned),
            );
            volumes.refresh_now(true);
            polling.refresh_now(true);
            result
        }
    });
    let locked = Memo::new(move |_| {
        polling
            .data
            .with(|server| server.as_ref().and_then(locked_disks_text))
    });
    let state = DisksState {
        server: polling,
        rows,
        act,
        locked,
        confirming: RwSignal::new(None),
        attaching: RwSignal::new(false),
        has_cinder,
    };
    provide_context(state);

    // The last request's outcome as the live rows tell it (a detach ends once the disk is gone).
    let line = Memo::new(move |_| {
        act.value().with(|value| {
            let done = value.as_ref()?.as_ref().ok()?;
            Some(rows.with(|rows| done_line(done, rows.as_deref(), has_cinder)))
        })
    });
    let status = move || match step.get() {
        Some(step) => Some(step_text(&step)),
        None => line.with(|line| line.as_ref().map(|line| line.text.clone())),
    };
    let deletable =
        Memo::new(move |_| line.with(|line| line.as_ref().and_then(|line| line.deletable.clone())));
    view! {
        <div class="card" id="disks">
            <h2 id=DISKS_TITLE_ID tabindex="-1">"Disks"</h2>
            {(!has_cinder)
                .then(|| {
                    view! {
                        <p class="hint">
                            "This cloud's catalog lists no block storage service (Cinder): the disks below are what Nova tells (no size, type or status), and new volumes cannot be made here."
                        </p>
                    }
                })}
            {move || {
                volumes
                    .error()
                    .map(|error| view! { <ErrorNotice error title="Loading the disks failed" /> })
            }}
            // Re-rendered only when the list appears or empties; rows change in place.
            {move || match listed.get() {
                None if volumes.error().is_none() => {
                    view! { <p class="loading">"Loading disks…"</p> }.into_any()
                }
                None => ().into_any(),
                Some(0) => view! { <p class="muted">"No volumes are attached."</p> }.into_any(),
                Some(_) => view! { <DiskTable /> }.into_any(),
            }}
            <p id=DISK_STATUS_ID class="small" role="status" tabindex="-1">{status}</p>
            {move || {
                deletable
                    .get()
                    .filter(|_| step.with(Option::is_none))
                    .map(|volume| {
                        view! { <DeleteVolumeButton volume id=DELETE_DETACHED_ID /> }
                    })
            }}
            {move || {
                act.value().get().and_then(Result::err).map(|failure| {
                    let advice = failure.advice();
                    let leftover = failure.leftover.clone();
                    view! {
                        <ErrorNotice error=failure.error title="The disk change failed" advice />
                        {leftover
                            .filter(|_| step.with(Option::is_none))
                            .map(|volume| {
                                view! { <DeleteVolumeButton volume id=DELETE_LEFTOVER_ID /> }
                            })}
                    }
                })
            }}
            {move || {
                state
                    .confirming
                    .get()
                    .map(|confirm| view! { <Confirmation confirm /> })
            }}
            {move || {
                locked
                    .get()
                    .map(|text| view! { <p class="small" id=DISKS_LOCKED_ID>{text}</p> })
            }}
            {move || {
                if state.attaching.get() {
                    view! { <AttachForm /> }.into_any()
                } else {
                    view! {
                        <button type="button" id=ATTACH_OPEN_ID
                            aria-describedby=move || state.locked_line()
                            disabled=move || state.attach_refused()
                            on:click=move |_| {
                                state.attaching.set(true);
                                focus_after_render(attach::first_field_id(has_cinder));
                            }>
                            "Attach a data disk…"
                        </button>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// "Delete volume…" for an available volume: opens the confirmation naming it.
#[component]
pub fn DeleteVolumeButton(volume: VolumeRef, id: &'static str) -> impl IntoView {
    let state = expect_context::<DisksState>();
    let label = format!("Delete volume {}…", volume.name);
    view! {
        <p>
            <button type="button" class="danger" id=id aria-label=label
                disabled=move || state.busy()
                on:click=move |_| state.confirming.set(Some(Confirm::delete(volume.clone(), id)))>
                "Delete volume…"
            </button>
        </p>
    }
}

#[component]
fn DiskTable() -> impl IntoView {
    let state = expect_context::<DisksState>();
    let has_system = move || {
        state
            .rows
            .with(|rows| rows.iter().flatten().any(|row| row.is_system))
    };
    view! {
        <div class="table-wrap">
            <table class="disks stacks-narrow" aria-labelledby=DISKS_TITLE_ID>
                <thead>
                    <tr>
                        <th scope="col">"Volume"</th>
                        <th scope="col">"Size"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Device"</th>
                        <th scope="col">"When the server is deleted"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Detach"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || state.rows.get().unwrap_or_default() key=DiskRow::clone let:row>
                        <DiskTableRow row />
                    </For>
                </tbody>
            </table>
        </div>
        <Show when=has_system>
            <p class="hint" id="system-disk-reason">{SYSTEM_DISK_REASON}</p>
        </Show>
    }
}

#[component]
fn DiskTableRow(row: DiskRow) -> impl IntoView {
    let state = expect_context::<DisksState>();
    let dash = || "—".to_owned();
    let action = if row.is_system {
        view! { <span class="small">"System disk"</span> }.into_any()
    } else {
        let opened = Confirm::detach(&row);
        view! {
            <button type="button" class="danger" id=detach_button_id(&row.volume_id)
                aria-label=format!("Detach {}…", row.name)
                aria-describedby=move || state.locked_line()
                disabled=move || state.attach_refused()
                on:click=move |_| state.confirming.set(Some(opened.clone()))>
                "Detach…"
            </button>
        }
        .into_any()
    };
    view! {
        <tr>
            <th scope="row">{row.name.clone()}</th>
            <td data-label="Size">{row.size_gb.map_or_else(dash, |size| format!("{size} GB"))}</td>
            <td data-label="Type">{row.volume_type.clone().unwrap_or_else(dash)}</td>
            <td data-label="Device" class="mono">{row.device.clone().unwrap_or_else(dash)}</td>
            <td data-label="Server deleted">{goes_with_server_text(row.delete_on_termination)}</td>
            <td data-label="Status">{status_text(row.status.as_deref())}</td>
            <td data-label="Detach">{action}</td>
        </tr>
    }
}

/// Runs one request to its end, telling `step` where it is.
async fn run(
    api: Api,
    server_id: &str,
    request: DiskRequest,
    step: RwSignal<Option<Step>>,
) -> Result<Done, DiskFailure> {
    match request {
        DiskRequest::AttachNew {
            name,
            size_gb,
            volume_type,
        } => {
            step.set(Some(Step::Creating {
                name: name.clone(),
                size_gb,
            }));
            let new_disk = CreateVolume::data_disk(name.clone(), size_gb, &volume_type, None);
            let volume = api.create_volume(&new_disk).await?;
            let leftover = VolumeRef {
                volume_id: volume.id.clone(),
                name: name.clone(),
                size_gb: Some(size_gb),
            };
            let made = match wait_until_available(api, &volume.id, volume.status, &name, step).await
            {
                Ok(()) => attach(api, server_id, &volume.id, &name, step).await,
                Err(error) => Err(error),
            };
            // From here on the volume exists: a failure names it and offers its deletion.
            made.map_err(|error| DiskFailure {
                error,
                leftover: Some(leftover),
            })
        }
        DiskRequest::AttachExisting { volume_id, name } => {
            Ok(attach(api, server_id, &volume_id, &name, step).await?)
        }
        DiskRequest::Detach(volume) => {
            step.set(Some(Step::Detaching {
                name: volume.name.clone(),
            }));
            api.detach_volume(server_id, &volume.volume_id).await?;
            Ok(Done::DetachRequested(volume))
        }
        DiskRequest::Delete(volume) => {
            step.set(Some(Step::Deleting {
                name: volume.name.clone(),
            }));
            api.delete_volume(&volume.volume_id).await?;
            wait_until_deleted(api, &volume).await?;
            Ok(Done::Deleted { name: volume.name })
        }
    }
}

async fn attach(
    api: Api,
    server_id: &str,
    volume_id: &str,
    name: &str,
    step: RwSignal<Option<Step>>,
) -> Result<Done, ApiError> {
    step.set(Some(Step::Attaching {
        name: name.to_owned(),
    }));
    let attachment: VolumeAttachment = api.attach_volume(server_id, volume_id).await?;
    Ok(Done::Attached {
        name: name.to_owned(),
        device: attachment.device,
    })
}

/// Asks Cinder for the new volume until it is `available` (Cinder creates it in the background).
async fn wait_until_available(
    api: Api,
    volume_id: &str,
    mut status: String,
    name: &str,
    step: RwSignal<Option<Step>>,
) -> Result<(), ApiError> {
    for _ in 0..WAIT_ROUNDS {
        if status == "available" {
            return Ok(());
        }
        if status.starts_with("error") {
            break;
        }
        step.set(Some(Step::WaitingFor {
            name: name.to_owned(),
            status: status.clone(),
        }));
        pause(WAIT_INTERVAL_MS).await;
        status = api.get_volume(volume_id).await?.status;
    }
    Err(console_error(not_available_text(name, &status)))
}

/// Asks Cinder for a deleted volume until it is gone (404; Cinder deletes in the background).
async fn wait_until_deleted(api: Api, volume: &VolumeRef) -> Result<(), ApiError> {
    let mut status = "deleting".to_owned();
    for _ in 0..WAIT_ROUNDS {
        pause(WAIT_INTERVAL_MS).await;
        match api.get_volume(&volume.volume_id).await {
            Err(error) if error.status == 404 => return Ok(()),
            Err(error) => return Err(error),
            Ok(found) if found.status.starts_with("error") => {
                status = found.status;
                break;
            }
            Ok(found) => status = found.status,
        }
    }
    Err(console_error(not_deleted_text(&volume.name, &status)))
}

/// An error the console tells (no HTTP answer behind it).
fn console_error(message: String) -> ApiError {
    ApiError {
        status: 0,
        message,
        kind: ErrorKind::Other,
        retry_after: None,
        fault: None,
    }
}

/// Waits `ms` milliseconds (a timer promise; nothing else here needs one).
async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
