//! The system disk: a new volume made from the image (volume type, size, delete on termination).

use leptos::prelude::*;

use super::fields::draft_text;
use super::logic::disk::{disk_size_text, minimum_size_hint, offers_suggested_size};
use super::logic::fields::Field;
use super::use_page;
use crate::components::text_field::{TextBinding, TextField};

/// ECS volume types offered as suggestions; any type the cloud knows can be typed.
const VOLUME_TYPE_SUGGESTIONS: [&str; 5] = ["SSD", "GPSSD", "ESSD", "SAS", "SATA"];

#[component]
pub fn DiskSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let field = Field::DiskSize;
    // What the user typed, or the default the image and flavor call for.
    let size = TextBinding::new(
        move || {
            let image = page.image.get();
            let flavor = page.flavor.get();
            draft.with(|draft| disk_size_text(draft, image.as_ref(), flavor.as_ref()))
        },
        move |typed| draft.update(|draft| draft.disk_size = Some(typed)),
    );
    let minimum_hint =
        move || minimum_size_hint(page.image.get().as_ref(), page.flavor.get().as_ref());
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
                    id="volume-type"
                    label="Volume type"
                    value=draft_text(draft, |draft| &draft.volume_type, |draft, value| draft.volume_type = value)
                    suggestions="volume-type-suggestions"
                    hint="Leave empty for the cloud's default type."
                />
                <datalist id="volume-type-suggestions">
                    {VOLUME_TYPE_SUGGESTIONS
                        .map(|name| view! { <option value=name></option> })
                        .into_iter()
                        .collect_view()}
                </datalist>
                // A text input: a number input reports "" or a rounded value for text such as
                // "40." or "-", and writing that back rewrote what the user typed.
                <TextField
                    id=field.control_id()
                    label=field.label()
                    value=size
                    inputmode="numeric"
                    autocomplete="off"
                    hint=minimum_hint
                    error=page.problem(field)
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
