//! The system disk: a new volume made from the image (volume type, size, delete on termination).

use leptos::prelude::*;

use super::fields::draft_text;
use super::logic::disk::{
    VolumeQuotaLeft, disk_size_text, maximum_hint, minimum_size_hint, offers_suggested_size,
    over_maximum, volume_type_hint,
};
use super::logic::fields::Field;
use super::logic::numbers::server_count;
use super::use_page;
use crate::api::Api;
use crate::api::volumes::VolumeRoom;
use crate::components::text_field::{TextBinding, TextField};

/// What the cloud says about volumes: its type names (`None` without Cinder, or when the list
/// could not be read: typing stays possible) and what its volume quota leaves.
#[derive(Clone, Default)]
pub(super) struct VolumeFacts {
    pub(super) types: Option<Vec<String>>,
    pub(super) quota_left: VolumeQuotaLeft,
}

pub(super) async fn volume_facts(api: Api) -> VolumeFacts {
    let (types, room) = futures::future::join(api.volume_types(), api.volume_room()).await;
    VolumeFacts {
        types: types
            .ok()
            .flatten()
            .map(|types| types.into_iter().map(|kind| kind.name).collect()),
        quota_left: match room {
            Ok(VolumeRoom::Quota(quota)) => VolumeQuotaLeft {
                gigabytes: quota.gigabytes.remaining(),
                per_volume: quota.per_volume_gigabytes.finite_limit(),
                volumes: quota.volumes.remaining(),
            },
            Ok(VolumeRoom::NovaLimits(gigabytes)) => VolumeQuotaLeft {
                gigabytes,
                ..VolumeQuotaLeft::default()
            },
            Err(_) => VolumeQuotaLeft::default(),
        },
    }
}

#[component]
pub fn DiskSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let facts = page.lists.volumes;
    let facts = move || facts.get().unwrap_or_default();
    let field = Field::DiskSize;
    // The servers to create, each with a system disk (a count that is not a number: one, the
    // count field says what is wrong).
    let servers = move || draft.with(|draft| server_count(&draft.count).map_or(1, u64::from));
    // What the user typed, or the default the image and flavor call for.
    let size = TextBinding::new(
        move || {
            let image = page.image.get();
            let flavor = page.flavor.get();
            draft.with(|draft| disk_size_text(draft, image.as_ref(), flavor.as_ref()))
        },
        move |typed| draft.update(|draft| draft.disk_size = Some(typed)),
    );
    let size_hint = move || {
        let minimum = minimum_size_hint(page.image.get().as_ref(), page.flavor.get().as_ref());
        format!("{minimum} {}", maximum_hint(&facts().quota_left, servers()))
    };
    let size_error = Signal::derive(move || {
        page.problem(field).get().or_else(|| {
            // Not about the servers just created (the quota now counts them).
            if page.created.with(Option::is_some) {
                return None;
            }
            let image = page.image.get();
            let flavor = page.flavor.get();
            let typed = draft.with(|draft| disk_size_text(draft, image.as_ref(), flavor.as_ref()));
            over_maximum(&typed, servers(), &facts().quota_left)
        })
    });
    let offer_suggested = move || {
        let image = page.image.get();
        let flavor = page.flavor.get();
        draft.with(|draft| offers_suggested_size(draft, image.as_ref(), flavor.as_ref()))
    };
    view! {
        <fieldset class="section">
            <legend>"System disk"</legend>
            <div class="field-row">
                <TextField
                    id=Field::VolumeType.control_id()
                    label=Field::VolumeType.label()
                    value=draft_text(draft, |draft| &draft.volume_type, |draft, value| draft.volume_type = value)
                    suggestions="volume-type-suggestions"
                    hint=move || volume_type_hint(facts().types.as_deref())
                    error=page.problem(Field::VolumeType)
                />
                <datalist id="volume-type-suggestions">
                    {move || {
                        facts()
                            .types
                            .unwrap_or_default()
                            .into_iter()
                            .map(|name| view! { <option value=name></option> })
                            .collect_view()
                    }}
                </datalist>
                // A text input: a number input reports "" or a rounded value for text such as
                // "40." or "-", and writing that back rewrote what the user typed.
                <TextField
                    id=field.control_id()
                    label=field.label()
                    value=size
                    inputmode="numeric"
                    autocomplete="off"
                    hint=size_hint
                    error=size_error
                />
            </div>
            {move || {
                offer_suggested()
                    .then(|| {
                        view! {
                            <button type="button" on:click=move |_| draft.update(|draft| draft.disk_size = None)>
                                "Use the suggested size"
                            </button>
                        }
                    })
            }}
            <div class="field">
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || draft.with(|draft| draft.delete_on_termination)
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            draft.update(|draft| draft.delete_on_termination = checked);
                        }
                    />
                    "Delete the disk when the server is deleted"
                </label>
            </div>
        </fieldset>
    }
}
