//! The attach form: a new volume (name, size bounded by the volume quota, a type from the
//! cloud's list) or an existing available one (by id on a cloud without Cinder), which may also
//! be deleted from here when no server needs it any more. The lists load when the form opens.

use leptos::prelude::*;

use super::logic::{
    VolumeRef, chosen_type, data_disk_size, gigabytes_room, quota_summary, size_hint,
    suggested_name, type_names, volume_count_exhausted,
};
use super::{ATTACH_OPEN_ID, DeleteVolumeButton, DiskRequest, DisksState};
use crate::api::use_api;
use crate::api::volumes::VolumeRoom;
use crate::browser::focus::focus_after_render;
use crate::components::error_notice::ErrorNotice;
use crate::components::text_field::{FieldError, TextField};

/// The size a new data disk starts with (GB).
const DEFAULT_SIZE: &str = "10";
/// The button that offers to delete the chosen available volume.
const DELETE_CHOSEN_ID: &str = "existing-volume-delete";
/// The form's first fields: one of them takes focus when the form opens.
const SOURCE_NEW_ID: &str = "disk-source-new";
const SOURCE_EXISTING_ID: &str = "disk-source-existing";
/// The volume type's field (a list of the cloud's types, or free text without one).
const TYPE_ID: &str = "new-disk-type";

/// The field focus moves to when the form opens: the chosen source.
pub fn first_field_id(has_cinder: bool) -> &'static str {
    if has_cinder {
        SOURCE_NEW_ID
    } else {
        SOURCE_EXISTING_ID
    }
}

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

    let quota = move || {
        room.get().and_then(Result::ok).and_then(|room| match room {
            VolumeRoom::Quota(quota) => Some(quota),
            VolumeRoom::NovaLimits(_) => None,
        })
    };
    // The size is bounded by gigabytes; a used-up volume count refuses the new volume itself.
    let quota_left = move || {
        room.get().and_then(Result::ok).and_then(|room| match room {
            VolumeRoom::Quota(quota) => gigabytes_room(&quota),
            VolumeRoom::NovaLimits(left) => left,
        })
    };
    let count_problem = move || quota().as_ref().and_then(volume_count_exhausted);
    let summary = move || quota().as_ref().and_then(quota_summary);
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
                if count_problem().is_some() {
                    return None;
                }
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
    // A used-up volume count makes "A new volume" the invalid choice; its error names the quota.
    let count_error = move || count_problem().filter(|_| source.get() == Source::New);
    let radio = move |value: Source, id: &'static str, label: &'static str, enabled: bool| {
        let invalid = move || (value == Source::New && count_error().is_some()).then_some("true");
        let described = move || invalid().map(|_| format!("{SOURCE_NEW_ID}-error"));
        view! {
            <label class="check">
                <input type="radio" name="disk-source" id=id disabled=!enabled
                    aria-invalid=invalid aria-describedby=described
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
                hint=Signal::derive(move || size_hint(quota_left(), summary().as_deref()))
                error=Signal::derive(move || shown(size_problem())) />
            {move || match type_list().filter(|list| !list.is_empty()) {
                // The cloud's list known: one of its types, or its default.
                Some(list) => {
                    view! {
                        <div class="field">
                            <label for=TYPE_ID>"Volume type"</label>
                            <select id=TYPE_ID
                                aria-invalid=move || shown(type_problem()).map(|_| "true")
                                aria-describedby=move || match shown(type_problem()) {
                                    Some(_) => format!("{TYPE_ID}-hint {TYPE_ID}-error"),
                                    None => format!("{TYPE_ID}-hint"),
                                }
                                on:change=move |event| volume_type.set(event_target_value(&event))>
                                <option value="" selected=volume_type.with_untracked(String::is_empty)>
                                    "The cloud's default"
                                </option>
                                {type_names(&list)
                                    .into_iter()
                                    .map(|kind| {
                                        let selected = volume_type.with_untracked(|chosen| *chosen == kind);
                                        view! { <option value=kind.clone() selected=selected>{kind.clone()}</option> }
                                    })
                                    .collect_view()}
                            </select>
                            <span class="hint" id=format!("{TYPE_ID}-hint")>
                                {format!("This cloud's types: {}.", type_names(&list).join(", "))}
                            </span>
                            <FieldError id=TYPE_ID error=Signal::derive(move || shown(type_problem())) />
                        </div>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <TextField id=TYPE_ID label="Volume type" value=volume_type autocomplete="off"
                            hint="Leave empty for the cloud's default type."
                            error=Signal::derive(move || shown(type_problem())) />
                    }
                        .into_any()
                }
            }}
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
                <FieldError id=SOURCE_NEW_ID error=Signal::derive(count_error) />
                {move || match source.get() {
                    Source::New => new_volume().into_any(),
                    Source::Existing => existing_volume(),
                }}
                <div class="row">
                    <button type="submit" id="attach-disk-submit"
                        aria-describedby=move || state.locked_line()
                        disabled=move || state.attach_refused()>
                        {move || match source.get() {
                            Source::New => "Create and attach",
                            Source::Existing => "Attach",
                        }}
                    </button>
                    <button type="button" id="attach-disk-cancel"
                        on:click=move |_| {
                            state.attaching.set(false);
                            focus_after_render(ATTACH_OPEN_ID);
                        }>"Cancel"</button>
                </div>
            </fieldset>
        </form>
    }
}
