//! Step 4 of the guide: the networks (at least one).

use leptos::prelude::*;

use super::fields::{FieldError, loaded_list};
use super::logic::request::Field;
use super::use_page;

#[component]
pub fn NetworkSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let problem = page.problem(Field::Network);
    let list = loaded_list("networks", page.lists.networks, move |networks| {
        if networks.is_empty() {
            return view! { <p class="hint">"The project has no network."</p> }.into_any();
        }
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
    });
    view! {
        <fieldset class="section" aria-describedby="network-error">
            <legend id="network-label">"Network"</legend>
            <p class="hint">"Choose one or more; the server gets a port on each."</p>
            <div role="group" aria-labelledby="network-label">{list}</div>
            <FieldError id="network" error=problem />
        </fieldset>
    }
}
