//! Step 2 of the guide: the flavor, from a filterable, sortable table.

use std::sync::Arc;

use ecs_api::models::Flavor;
use leptos::prelude::*;

use super::draft::FlavorColumn;
use super::fields::{ColumnLook, FilteredChoice, LoadedList, draft_text, sort_heading};
use super::logic::fields::Field;
use super::logic::flavors::{flavor_unfit_reason, sorted_flavors};
use super::logic::listing::{self, Counts, MAX_ROWS, Searchable};
use super::{loaded, use_page};
use crate::components::format::{disk_text, ram_text};
use crate::components::keyed_rows::{KeyedRows, RowKey};

#[component]
pub fn FlavorSection() -> impl IntoView {
    let page = use_page();
    let filter = draft_text(
        page.draft,
        |draft| &draft.flavor_filter,
        |draft, value| draft.flavor_filter = value,
    );
    view! {
        <FilteredChoice
            field=Field::Flavor
            filter
            filter_label="Filter flavors"
            filter_hint="Part of a name or id."
            problem=page.problem(Field::Flavor)
        >
            <LoadedList what="flavors" resource=page.lists.flavors let:flavors>
                <FlavorTable flavors />
            </LoadedList>
        </FilteredChoice>
    }
}

#[component]
fn FlavorTable(flavors: Arc<Vec<Flavor>>) -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let filter = Memo::new(move |_| draft.with(|draft| draft.flavor_filter.clone()));
    let sort = Memo::new(move |_| draft.with(|draft| draft.flavor_sort));
    // Rows watch only the chosen id, not the whole draft: a keystroke in the filter does not
    // touch every row.
    let chosen = Memo::new(move |_| draft.with(|draft| draft.flavor_id.clone()));
    let sorted = {
        let flavors = flavors.clone();
        Memo::new(move |_| sorted_flavors(&flavors, sort.get()))
    };
    let listed = Memo::new(move |_| {
        filter.with(|filter| sorted.with(|sorted| sorted.matching(filter, |_| true)))
    });
    let total = flavors.len();
    let summary = move || {
        let offered = sorted.with(Searchable::count);
        let counts = Counts {
            matching: listed.with(Vec::len),
            offered,
            not_offered: total - offered,
        };
        listing::summary(counts, "flavors", "disabled")
    };
    let header = move |column: FlavorColumn| {
        let look = ColumnLook {
            heading: column.heading(),
            numeric: !matches!(column, FlavorColumn::Name | FlavorColumn::Public),
            low_priority: is_low_priority(column),
        };
        sort_heading(column, look, sort, move |column| {
            draft.update(|draft| draft.flavor_sort = draft.flavor_sort.toggled(column));
        })
    };
    // Why the flavor at `index` cannot be chosen, if it cannot (tracked).
    let unfit = {
        let flavors = flavors.clone();
        move |index: usize| {
            page.lists.limits.with(|limits| {
                page.image.with(|image| {
                    flavor_unfit_reason(&flavors[index], image.as_ref(), loaded(limits))
                })
            })
        }
    };
    // Rows are keyed by flavor and reason: a row is rebuilt only when it is new or its reason
    // changed (a filter or the order moves the others, choosing a flavor only flips `checked`).
    let keys = {
        let unfit = unfit.clone();
        Signal::derive(move || {
            listed.with(|listed| {
                listed
                    .iter()
                    .take(MAX_ROWS)
                    .enumerate()
                    .map(|(position, &index)| RowKey::showing(position, &(index, unfit(index))))
                    .collect()
            })
        })
    };
    let row = Callback::new(move |position: usize| {
        match listed.with_untracked(|listed| listed.get(position).copied()) {
            Some(index) => flavor_row(&flavors[index], untrack(|| unfit(index)), chosen).into_any(),
            None => ().into_any(),
        }
    });
    view! {
        <p class="hint" role="status">{summary}</p>
        <div class="table-wrap">
            <table aria-labelledby=Field::Flavor.legend_id()>
                <thead>
                    <tr>
                        <th scope="col">
                            <span class="visually-hidden">"Choose"</span>
                        </th>
                        {FlavorColumn::ALL.map(header).into_iter().collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <KeyedRows rows=keys row />
                </tbody>
            </table>
        </div>
    }
}

/// Columns a narrow screen leaves out (the stylesheet hides them): a server boots from a volume,
/// so ephemeral disk and visibility rarely decide the choice.
fn is_low_priority(column: FlavorColumn) -> bool {
    matches!(column, FlavorColumn::Ephemeral | FlavorColumn::Public)
}

fn flavor_row(
    flavor: &Flavor,
    unfit: Option<String>,
    chosen: Memo<String>,
) -> impl IntoView + use<> {
    let page = use_page();
    let draft = page.draft;
    let id = flavor.id.clone();
    let input_id = format!("flavor-{}", flavor.id);
    let reason_id = format!("flavor-{}-reason", flavor.id);
    let disabled = unfit.is_some();
    let checked = {
        let id = id.clone();
        move || chosen.with(|chosen| *chosen == id)
    };
    let choose = move |_| {
        let id = id.clone();
        draft.update(|draft| draft.flavor_id = id);
    };
    let public = if flavor.is_public.unwrap_or(true) {
        "yes"
    } else {
        "no"
    };
    let row_chosen = checked.clone();
    view! {
        <tr class:unavailable=disabled class:chosen=row_chosen>
            <td>
                <input
                    type="radio"
                    name="flavor"
                    id=input_id.clone()
                    disabled=disabled
                    aria-describedby=unfit.is_some().then(|| reason_id.clone())
                    prop:checked=checked
                    on:change=choose
                />
            </td>
            <td class="wraps">
                <label for=input_id>{flavor.name.clone()}</label>
                {unfit.map(|reason| view! { <div class="hint" id=reason_id>{reason}</div> })}
            </td>
            <td class="numeric">{flavor.vcpus}</td>
            <td class="numeric">{ram_text(flavor.ram)}</td>
            <td class="numeric">{disk_text(flavor.disk)}</td>
            <td class="numeric low-priority">{disk_text(flavor.ephemeral)}</td>
            <td class="low-priority">{public}</td>
        </tr>
    }
}
