//! Step 1 of the guide: the availability zone.

use leptos::prelude::*;

use super::fields::LoadedList;
use super::logic::fields::Field;
use super::logic::zones::{effective_zone, merge_zones};
use super::use_page;
use crate::components::text_field::{FieldError, error_id};

#[component]
pub fn ZoneSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let field = Field::Zone;
    let problem = page.problem(field);
    let chosen = move || {
        draft.with(|draft| {
            page.zone_choices
                .with(|choices| effective_zone(draft, choices.as_deref()))
        })
    };
    let on_change = move |ev: leptos::ev::Event| {
        let zone = event_target_value(&ev);
        draft.update(|draft| draft.zone = zone);
    };
    view! {
        <fieldset class="section">
            <legend>"Placement"</legend>
            <div class="field">
                <label for=field.control_id()>{field.label()}</label>
                <LoadedList what="availability zones" resource=page.lists.zones let:zones>
                    {
                        let choices = merge_zones(
                            zones.iter().map(|zone| (zone.name.as_str(), zone.is_available())),
                        );
                        let empty = choices.is_empty();
                        let options = choices
                            .into_iter()
                            .map(|zone| {
                                let label = match zone.unavailable_reason() {
                                    Some(reason) => format!("{} ({reason})", zone.name),
                                    None => zone.name.clone(),
                                };
                                let name = zone.name.clone();
                                let selected = move || chosen() == name;
                                view! {
                                    <option value=zone.name.clone() disabled=!zone.available prop:selected=selected>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view();
                        view! {
                            <select
                                id=field.control_id()
                                aria-describedby=move || problem.with(Option::is_some).then(|| error_id(field.id()))
                                on:change=on_change
                            >
                                <option value="" disabled=true prop:selected=move || chosen().is_empty()>
                                    {if empty { "No availability zone is listed" } else { "Choose a zone" }}
                                </option>
                                {options}
                            </select>
                        }
                    }
                </LoadedList>
                <FieldError id=field.id() error=problem />
            </div>
        </fieldset>
    }
}
