//! Step 4 of the guide: the networks (at least one).

use leptos::prelude::*;

use super::fields::LoadedList;
use super::logic::fields::Field;
use super::use_page;
use crate::components::text_field::{FieldError, error_id};

#[component]
pub fn NetworkSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let field = Field::Network;
    let problem = page.problem(field);
    view! {
        <fieldset class="section" aria-describedby=error_id(field.id())>
            <legend id=field.legend_id()>{field.label()}</legend>
            <p class="hint">"Choose one or more; the server gets a port on each."</p>
            <div role="group" aria-labelledby=field.legend_id()>
                <LoadedList what="networks" resource=page.lists.networks let:networks>
                    {if networks.is_empty() {
                        view! { <p class="hint">"The project has no network."</p> }.into_any()
                    } else {
                        let items = networks
                            .iter()
                            .map(|network| {
                                let id = network.id.clone();
                                let input_id = format!("network-{}", network.id);
                                let checked = {
                                    let id = id.clone();
                                    move || draft.with(|draft| draft.network_ids.contains(&id))
                                };
                                let toggle = move |ev: leptos::ev::Event| {
                                    let chosen = event_target_checked(&ev);
                                    draft.update(|draft| draft.choose_network(&id, chosen));
                                };
                                view! {
                                    <li>
                                        <input type="checkbox" id=input_id.clone() prop:checked=checked on:change=toggle />
                                        <label for=input_id>
                                            <span>{network.display_name().to_owned()}</span>
                                            <span class="hint mono">{network.id.clone()}</span>
                                        </label>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! { <ul class="choice-list">{items}</ul> }.into_any()
                    }}
                </LoadedList>
            </div>
            <FieldError id=field.id() error=problem />
        </fieldset>
    }
}
