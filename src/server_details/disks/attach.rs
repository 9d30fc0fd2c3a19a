//! The attach form: a new volume (name, size bounded by the volume quota, a type from the
//! cloud's list) or an existing available one (by id on a cloud without Cinder), which may also
//! be deleted from here when no server needs it any more. The lists load when the form opens.

use leptos::prelude::*;

use super::logic::{VolumeRef, chosen_type, data_disk_size, size_hint, suggested_name, type_names};
use super::{DeleteVolumeButton, DiskRequest, DisksState};
use crate::api::use_api;
use crate::components::error_notice::ErrorNotice;
use crate::components::text_field::{FieldError, TextField};

/// The size a new data disk starts with (GB).
const DEFAULT_SIZE: &str = "10";
/// The button that offers to delete the chosen available volume.
const DELETE_CHOSEN_ID: &str = "existing-volume-delete";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    New,
    Existing,
}

#[component]
pub fn AttachForm() -> impl IntoView {
    let api = use_api();
    let state = expect_context::<DisksState>();
    let has_cinder = state.has_cinder;
    let types = LocalResource::new(move || async move { api.volume_types().await });
    let room = LocalResource::new(move || async move { api.volume_room().await });
    let available = LocalResource::new(move || async move {
        if has_cinder {
            api.available_volumes().await
        } else {
            Ok(Vec::new())
        }
    });

    let source = RwSignal::new(if has_cinder {
        Source::New
    } else {
        Source::Existing
    });
    let server_name = state
        .server
        .data
        .with_untracked(|server| server.as_ref().map(|server| server.name.clone()))
        .unwrap_or_default();
    let name =
        RwSignal::new(state.rows.with_untracked(|rows| {
            suggested_name(&server_name, rows.as_deref().unwrap_or_default())
        }));
    let size = RwSignal::new(DEFAULT_SIZE.to_owned());
    let volume_type = RwSignal::new(String::new());
    let existing = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);

    let quota_left = move || {
        room.get()
            .and_then(Result::ok)
            .and_then(|room| room.largest_new_volume())
    };
    let type_list = move || types.get().and_then(Result::ok).flatten();
    let size_problem = move || size.with(|text| data_disk_size(text, quota_left()).err());
    let type_problem =
        move || volume_type.with(|typed| chosen_type(typed, type_list().as_deref()).err());
    let name_problem = move || {
        name.with(|name| name.trim().is_empty())
            .then(|| "Enter a name for the new volume.".to_owned())
    };
    let existing_problem = move || {
        existing
            .with(|id| id.trim().is_empty())
            .then(|| "Choose the volume to attach.".to_owned())
    };
    let shown = move |problem: Option<String>| problem.filter(|_| attempted.get());

    let request = move || -> Option<DiskRequest> {
        match source.get() {
            Source::New => {
                let size_gb = size.with(|text| data_disk_size(text, quota_left())).ok()?;
                let volume_type = volume_type
                    .with(|typed| chosen_type(typed, type_list().as_deref()))
                    .ok()?;
                let name = name.get().trim().to_owned();
                (!name.is_empty()).then_some(DiskRequest::AttachNew {
                    name,
                    size_gb,
                    volume_type,
                })
            }
            Source::Existing => {
                let volume_id = existing.get().trim().to_owned();
                if volume_id.is_empty() {
                    return None;
                }
                let name = available
                    .get()
                    .and_then(Result::ok)
                    .and_then(|volumes| {
                        volumes
                            .iter()
                            .find(|volume| volume.id == volume_id)
                            .map(|volume| volume.display_name().to_owned())
                    })
                    .unwrap_or_else(|| volume_id.clone());
                Some(DiskRequest::AttachExisting { volume_id, name })
            }
        }
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        attempted.set(true);
        if let Some(request) = request() {
            state.send(request);
        }
    };
    let radio = move |value: Source, id: &'static str, label: &'static str, enabled: bool| {
        view! {
            <label class="check">
                <input type="radio" name="disk-source" id=id disabled=!enabled
                    prop:checked=move || source.get() == value
                    on:change=move |_| source.set(value) />
                {label}
            </label>
        }
    };

    let new_volume = move || {
        view! {
            <TextField id="new-disk-name" label="Name" value=name autocomplete="off"
                error=Signal::derive(move || shown(name_problem())) />
            <TextField id="new-disk-size" label="Size (GB)" value=size inputmode="numeric"
                autocomplete="off"
                hint=Signal::derive(move || size_hint(quota_left()))
                error=Signal::derive(move || shown(size_problem())) />
            <TextField id="new-disk-type" label="Volume type" value=volume_type
                suggestions="new-disk-types" autocomplete="off"
                hint=Signal::derive(move || match type_list() {
                    Some(list) if !list.is_empty() => format!(
                        "This cloud's types: {}. Leave empty for its default.",
                        type_names(&list).join(", ")
                    ),
                    _ => "Leave empty for the cloud's default type.".to_owned(),
                })
                error=Signal::derive(move || shown(type_problem())) />
            <datalist id="new-disk-types">
                {move || {
                    type_list()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|kind| view! { <option value=kind.name></option> })
                        .collect_view()
                }}
            </datalist>
            {move || {
                types
                    .get()
                    .and_then(Result::err)
                    .map(|error| view! { <ErrorNotice error title="Loading the volume types failed" /> })
            }}
        }
    };
    let existing_volume = move || {
        if !has_cinder {
            return view! {
                <TextField id="existing-volume-id" label="Volume id" value=existing
                    autocomplete="off" no_spellcheck=true
                    hint="Without Cinder the console cannot list volumes: enter the id of an available one."
                    error=Signal::derive(move || shown(existing_problem())) />
            }
            .into_any();
        }
        view! {
            <Transition fallback=|| view! { <p class="loading">"Loading available volumes…"</p> }>
                {move || {
                    available
                        .get()
                        .map(|loaded| match loaded {
                            Err(error) => {
                                view! { <ErrorNotice error title="Loading the available volumes failed" /> }
                                    .into_any()
                            }
                            Ok(volumes) if volumes.is_empty() => {
                                view! { <p class="muted">"No volume of this project is available to attach."</p> }
                                    .into_any()
                            }
                            Ok(volumes) => {
                                let listed = volumes.clone();
                                // The chosen volume, to delete instead of attaching it.
                                let chosen = move || {
                                    existing.with(|id| {
                                        listed
                                            .iter()
                                            .find(|volume| &volume.id == id)
                                            .map(VolumeRef::of_volume)
                                    })
                                };
                                view! {
                                    <div class="field">
                                        <label for="existing-volume">"Volume"</label>
                                        <select id="existing-volume"
                                            on:change=move |event| existing.set(event_target_value(&event))>
                                            <option value="" selected=true>"Choose a volume"</option>
                                            {volumes
                                                .into_iter()
                                                .map(|volume| {
                                                    let label = format!(
                                                        "{} ({} GB, {})",
                                                        volume.display_name(),
                                                        volume.size,
                                                        volume.volume_type.as_deref().unwrap_or("default type"),
                                                    );
                                                    view! { <option value=volume.id>{label}</option> }
                                                })
                                                .collect_view()}
                                        </select>
                                        <FieldError id="existing-volume"
                                            error=Signal::derive(move || shown(existing_problem())) />
                                    </div>
                                    {move || {
                                        chosen()
                                            .map(|volume| {
                                                view! { <DeleteVolumeButton volume id=DELETE_CHOSEN_ID /> }
                                            })
                                    }}
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        }
        .into_any()
    };

    view! {
        <form class="attach-disk" on:submit=on_submit novalidate=true>
            <fieldset>
                <legend>"Attach a data disk"</legend>
                <div class="row" role="group" aria-label="Disk to attach">
                    {radio(Source::New, "disk-source-new", "A new volume", has_cinder)}
                    {radio(Source::Existing, "disk-source-existing", "An existing volume", true)}
                </div>
                {(!has_cinder)
                    .then(|| {
                        view! {
                            <p class="hint">
                                "A new volume needs the block storage service (Cinder), which this cloud's catalog does not list."
                            </p>
                        }
                    })}
                {move || match source.get() {
                    Source::New => new_volume().into_any(),
                    Source::Existing => existing_volume(),
                }}
                <div class="row">
                    <button type="submit" id="attach-disk-submit" disabled=move || state.busy()>
                        {move || match source.get() {
                            Source::New => "Create and attach",
                            Source::Existing => "Attach",
                        }}
                    </button>
                    <button type="button" id="attach-disk-cancel"
                        on:click=move |_| state.attaching.set(false)>"Cancel"</button>
                </div>
            </fieldset>
        </form>
    }
}
