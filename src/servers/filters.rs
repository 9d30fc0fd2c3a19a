//! The list's filters: name, status, flavor and zone. A choice in a list applies at once; the
//! name applies with Enter or Filter. Each change goes to the URL and back to page 1.

use ecs_api::urls::FlavorQuery;
use leptos::html::{Input, Select};
use leptos::prelude::*;

use super::query::{FILTER_STATUSES, ListQuery};
use crate::api::use_api;

#[component]
pub fn Filters(query: Memo<ListQuery>, go: Callback<ListQuery>) -> impl IntoView {
    let api = use_api();
    // The choices: a list that cannot be fetched leaves "Any" (and the URL's own choice).
    let flavors = LocalResource::new(move || async move {
        let mut flavors: Vec<(String, String)> = api
            .list_flavors(&FlavorQuery::default())
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|flavor| (flavor.id, flavor.name))
            .collect();
        flavors.sort_by(|a, b| a.1.cmp(&b.1));
        flavors
    });
    let zones = LocalResource::new(move || async move {
        let mut zones: Vec<String> = api
            .list_availability_zones()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|zone| zone.name)
            .filter(|name| !name.is_empty())
            .collect();
        zones.sort();
        zones
    });
    let name = NodeRef::<Input>::new();
    let status = NodeRef::<Select>::new();
    let flavor = NodeRef::<Select>::new();
    let zone = NodeRef::<Select>::new();
    let apply = move || {
        let chosen = |select: NodeRef<Select>| {
            select
                .get_untracked()
                .map(|select| select.value())
                .unwrap_or_default()
        };
        go.run(ListQuery {
            name: name
                .get_untracked()
                .map(|input| input.value().trim().to_owned())
                .unwrap_or_default(),
            status: chosen(status),
            flavor: chosen(flavor),
            zone: chosen(zone),
            trail: Vec::new(),
            ..query.get_untracked()
        });
    };
    let clear = move |_| {
        // Text typed but not applied goes too.
        if let Some(input) = name.get_untracked() {
            input.set_value("");
        }
        let current = query.get_untracked();
        go.run(ListQuery {
            sort: current.sort,
            direction: current.direction,
            ..ListQuery::default()
        });
    };
    // An option for the URL's choice when the cloud's list lacks it (or is still loading).
    let with_current = move |mut options: Vec<(String, String)>, current: String| {
        if !current.is_empty() && !options.iter().any(|(value, _)| *value == current) {
            options.push((current.clone(), current));
        }
        options
    };
    let flavor_options = move || {
        let listed = flavors.get().unwrap_or_default();
        with_current(listed, query.with(|query| query.flavor.clone()))
    };
    let zone_options = move || {
        let listed = zones
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|zone| (zone.clone(), zone))
            .collect();
        with_current(listed, query.with(|query| query.zone.clone()))
    };
    let status_options = move || {
        let listed = FILTER_STATUSES
            .iter()
            .map(|status| ((*status).to_owned(), (*status).to_owned()))
            .collect();
        with_current(listed, query.with(|query| query.status.clone()))
    };
    // Each option's `selected` property follows the URL: a select the user changed keeps its
    // own choice otherwise, and would send it again after Clear or Back.
    let options = move |options: Vec<(String, String)>, chosen: fn(&ListQuery) -> &str| {
        options
            .into_iter()
            .map(|(value, label)| {
                let selected = {
                    let value = value.clone();
                    move || query.with(|query| chosen(query) == value)
                };
                view! { <option value=value prop:selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let any =
        move |chosen: fn(&ListQuery) -> &str| move || query.with(|query| chosen(query).is_empty());
    let status_of: fn(&ListQuery) -> &str = |query| &query.status;
    let flavor_of: fn(&ListQuery) -> &str = |query| &query.flavor;
    let zone_of: fn(&ListQuery) -> &str = |query| &query.zone;
    view! {
        <form id="servers-filters" class="card filters" role="search" aria-label="Filter servers"
            on:submit=move |event| {
                event.prevent_default();
                apply();
            }>
            <p class="field">
                <label for="filter-name">"Name contains"</label>
                <input type="search" id="filter-name" node_ref=name spellcheck="false"
                    prop:value=move || query.with(|query| query.name.clone()) />
            </p>
            <p class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" node_ref=status on:change=move |_| apply()>
                    <option value="" prop:selected=any(status_of)>"Any status"</option>
                    {move || options(status_options(), status_of)}
                </select>
            </p>
            <p class="field">
                <label for="filter-flavor">"Flavor"</label>
                <select id="filter-flavor" node_ref=flavor on:change=move |_| apply()>
                    <option value="" prop:selected=any(flavor_of)>"Any flavor"</option>
                    {move || options(flavor_options(), flavor_of)}
                </select>
            </p>
            <p class="field">
                <label for="filter-zone">"Availability zone"</label>
                <select id="filter-zone" node_ref=zone on:change=move |_| apply()>
                    <option value="" prop:selected=any(zone_of)>"Any zone"</option>
                    {move || options(zone_options(), zone_of)}
                </select>
            </p>
            <div class="row filter-buttons">
                <button type="submit" id="filter-apply">"Filter"</button>
                <Show when=move || query.with(ListQuery::is_filtered)>
                    <button type="button" id="filter-clear" on:click=clear>"Clear filters"</button>
                </Show>
            </div>
        </form>
    }
}
