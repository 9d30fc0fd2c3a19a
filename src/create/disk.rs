//! The system disk: a new volume made from the image (volume type, size, delete on termination).

use leptos::prelude::*;

use super::fields::{FieldError, TextField, error_id};
use super::logic::request::{Field, disk_size_text, minimum_size_hint, offers_minimum_size};
use super::use_page;

/// ECS volume types offered as suggestions; any type the cloud knows can be typed.
const VOLUME_TYPE_SUGGESTIONS: [&str; 5] = ["SSD", "GPSSD", "ESSD", "SAS", "SATA"];

#[component]
pub fn DiskSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let problem = page.problem(Field::DiskSize);
    let size = move || {
        let image = page.image.get();
        let flavor = page.flavor.get();
        draft.with(|draft| disk_size_text(draft, image.as_ref(), flavor.as_ref()))
    };
    let minimum_hint =
        move || minimum_size_hint(page.image.get().as_ref(), page.flavor.get().as_ref());
    let offer_minimum = move || {
        let image = page.image.get();
        let flavor = page.flavor.get();
        draft.with(|draft| offers_minimum_size(draft, image.as_ref(), flavor.as_ref()))
    };
    view! {
        <fieldset class="section">
            <legend>"System disk"</legend>
            <div class="field-row">
                <TextField
                    draft=draft
                    id="volume-type"
                    label="Volume type"
                    get=|draft| &draft.volume_type
                    set=|draft, value| draft.volume_type = value
                    suggestions="volume-type-suggestions"
                    hint="Leave empty for the cloud's default type."
                />
                <datalist id="volume-type-suggestions">
                    {VOLUME_TYPE_SUGGESTIONS
                        .map(|name| view! { <option value=name></option> })
                        .into_iter()
                        .collect_view()}
                </datalist>
                <div class="field">
                    <label for="disk-size">"System disk size (GB)"</label>
                    // A text input: a number input reports "" or a rounded value for text
                    // such as "40." or "-", and writing that back rewrote what the user typed.
                    <input
                        id="disk-size"
                        type="text"
                        inputmode="numeric"
                        autocomplete="off"
                        aria-describedby=move || {
                            if problem.with(Option::is_some) {
                                format!("disk-size-hint {}", error_id("disk-size"))
                            } else {
                                "disk-size-hint".to_owned()
                            }
                        }
                        aria-invalid=move || problem.with(Option::is_some).then_some("true")
                        prop:value=size
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            draft.update(|draft| draft.disk_size = Some(text));
                        }
                    />
                    <span class="hint" id="disk-size-hint">{minimum_hint}</span>
                    <FieldError id="disk-size" error=problem />
                </div>
            </div>
            {move || {
                offer_minimum()
                    .then(|| {
                        view! {
                            <button type="button" on:click=move |_| draft.update(|draft| draft.disk_size = None)>
                                "Use the minimum size"
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
