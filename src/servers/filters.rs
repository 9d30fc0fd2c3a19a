//! The list's filters: name, status, flavor and zone. A choice in a list applies at once; the
//! name applies with Enter or Filter. Each change goes to the URL and back to page 1.

use ecs_api::urls::FlavorQuery;
use leptos::html::Input;
use leptos::prelude::*;

use super::logic::{Choice, filter_choices, zone_choices};
use super::query::{FILTER_STATUSES, ListQuery};
use crate::api::use_api;

#[component]
pub fn Filters(query: Memo<ListQuery>, go: Callback<ListQuery>) -> impl IntoView {
    let api = use_api();
    // The choices: a list that cannot be fetched leaves "Any" (and the URL's own choice).
    let flavors = LocalResource::new(move || async move {
        let mut flavors: Vec<Choice> = api
            .list_flavors(&FlavorQuery::default())
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|flavor| Choice::new(flavor.id, flavor.name))
            .collect();
        flavors.sort_by(|a, b| a.label.cmp(&b.label));
        flavors
    });
    let zones = LocalResource::new(move || async move {
        let zones = api.list_availability_zones().await.unwrap_or_default();
        zone_choices(zones.into_iter().map(|zone| zone.name))
    });
    let name = NodeRef::<Input>::new();
    let typed_name = move || {
        name.get_untracked()
            .map(|input| input.value().trim().to_owned())
            .unwrap_or_default()
    };
    // The list as filtered now, with the typed name (a choice applies it too), on page 1.
    let filtered = move || ListQuery {
        name: typed_name(),
        trail: Vec::new(),
        ..query.get_untracked()
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
    let status_choices = Signal::derive(move || {
        let listed = FILTER_STATUSES.iter().copied().map(Choice::plain).collect();
        query.with(|query| filter_choices("Any status", listed, &query.status))
    });
    let flavor_choices = Signal::derive(move || {
        let listed = flavors.get().unwrap_or_default();
        query.with(|query| filter_choices("Any flavor", listed, &query.flavor))
    });
    let zone_choices = Signal::derive(move || {
        let listed = zones.get().unwrap_or_default();
        query.with(|query| filter_choices("Any zone", listed, &query.zone))
    });
    view! {
        <form id="servers-filters" class="card filters" role="search" aria-label="Filter servers"
            on:submit=move |event| {
                event.prevent_default();
                go.run(filtered());
            }>
            <p class="field">
                <label for="filter-name">"Name contains"</label>
                <input type="search" id="filter-name" node_ref=name spellcheck="false"
                    prop:value=move || query.with(|query| query.name.clone()) />
            </p>
            <ChoiceField id="filter-status" label="Status" choices=status_choices
                chosen=Signal::derive(move || query.with(|query| query.status.clone()))
                on_choose=Callback::new(move |status| go.run(ListQuery { status, ..filtered() })) />
            <ChoiceField id="filter-flavor" label="Flavor" choices=flavor_choices
                chosen=Signal::derive(move || query.with(|query| query.flavor.clone()))
                on_choose=Callback::new(move |flavor| go.run(ListQuery { flavor, ..filtered() })) />
            <ChoiceField id="filter-zone" label="Availability zone" choices=zone_choices
                chosen=Signal::derive(move || query.with(|query| query.zone.clone()))
                on_choose=Callback::new(move |zone| go.run(ListQuery { zone, ..filtered() })) />
            <div class="row filter-buttons">
                <button type="submit" id="filter-apply">"Filter"</button>
                <Show when=move || query.with(ListQuery::is_filtered)>
                    <button type="button" id="filter-clear" on:click=clear>"Clear filters"</button>
                </Show>
            </div>
        </form>
    }
}

/// A labelled select whose choice applies at once: the filters' and the narrow sort control's.
/// Each option's `selected` property follows `chosen` (the URL): a select the user changed
/// keeps its own choice otherwise, and would send it again after Clear or Back.
#[component]
pub fn ChoiceField(
    id: &'static str,
    label: &'static str,
    choices: Signal<Vec<Choice>>,
    chosen: Signal<String>,
    on_choose: Callback<String>,
) -> impl IntoView {
    let options = move || {
        choices
            .get()
            .into_iter()
            .map(|choice| {
                let selected = {
                    let value = choice.value.clone();
                    move || chosen.with(|chosen| *chosen == value)
                };
                view! { <option value=choice.value prop:selected=selected>{choice.label}</option> }
            })
            .collect_view()
    };
    view! {
        <p class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |event| on_choose.run(event_target_value(&event))>
                {options}
            </select>
        </p>
    }
}
