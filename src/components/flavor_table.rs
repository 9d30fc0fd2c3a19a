//! The flavor table: every enabled flavor, filterable and sortable, one of them chosen. The
//! create form and the details page's resize dialog show the same table with the same checks;
//! each keeps the chosen id, the filter text and the order where it likes and says why a flavor
//! cannot be chosen.
//!
//! The table reads no page context. The filter's text field is the caller's (the form puts it in
//! its section), and so is the element naming the table (`labelled_by`). Radio ids are
//! `flavor-{id}` and the group's name is `flavor`: one table per page. Its styles are
//! `style/create.css`'s, under an element of class `create-form`.

use std::sync::Arc;

use ecs_api::models::Flavor;
use leptos::prelude::*;

use crate::components::format::{disk_text, ram_text};
use crate::components::keyed_rows::{KeyedRows, RowKey};
use crate::create::draft::{FlavorColumn, FlavorSort};
use crate::create::fields::{ColumnLook, sort_heading};
use crate::create::logic::flavors::sorted_flavors;
use crate::create::logic::listing::{self, Counts, MAX_ROWS, Searchable};

/// Why a flavor cannot be chosen (quota, too small for the image, ...), `None` when it can. It
/// may read signals: the rows follow them.
#[derive(Clone)]
pub struct UnfitReason(Arc<ReasonFn>);

type ReasonFn = dyn Fn(&Flavor) -> Option<String> + Send + Sync;

impl UnfitReason {
    pub fn new(reason: impl Fn(&Flavor) -> Option<String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(reason))
    }

    fn of(&self, flavor: &Flavor) -> Option<String> {
        (self.0)(flavor)
    }
}

#[component]
pub fn FlavorTable(
    /// The flavors as the cloud listed them (disabled ones are counted, never offered).
    flavors: Arc<Vec<Flavor>>,
    /// The chosen flavor's id ("" for none). Rows read only this, so a keystroke in the filter
    /// does not touch every row. (Memos rather than any signal: one copy of the reading code in
    /// the download.)
    chosen: Memo<String>,
    /// Called with the id of the flavor the user chooses.
    choose: Callback<String>,
    /// The filter's text: part of a name or id.
    filter: Memo<String>,
    sort: Memo<FlavorSort>,
    /// Called with the new order when a column heading is activated.
    set_sort: Callback<FlavorSort>,
    unfit: UnfitReason,
    /// The id of the element that names the table (a legend or a heading).
    #[prop(into)]
    labelled_by: String,
) -> impl IntoView {
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
    // Where the chosen flavor went when the table does not show it. A signal rather than a
    // closure in the view: both tables then share one copy of the code that renders it.
    let hidden_choice = {
        let flavors = flavors.clone();
        Signal::derive(move || {
            let index = chosen.with(|id| {
                flavors
                    .iter()
                    .position(|flavor| flavor.id == *id && !flavor.is_disabled())
            })?;
            listed.with(|listed| listing::hidden_choice_text(&flavors[index].name, listed, index))
        })
    };
    let header = move |column: FlavorColumn| {
        let look = ColumnLook {
            heading: column.heading(),
            numeric: !matches!(column, FlavorColumn::Name | FlavorColumn::Public),
            low_priority: is_low_priority(column),
        };
        sort_heading(column, look, sort, move |column| {
            set_sort.run(sort.get_untracked().toggled(column));
        })
    };
    // Rows are keyed by flavor and reason: a row is rebuilt only when it is new or its reason
    // changed (a filter or the order moves the others, choosing a flavor only flips `checked`).
    let keys = {
        let flavors = flavors.clone();
        let unfit = unfit.clone();
        Signal::derive(move || {
            listed.with(|listed| {
                listed
                    .iter()
                    .take(MAX_ROWS)
                    .enumerate()
                    .map(|(position, &index)| {
                        RowKey::showing(position, &(index, unfit.of(&flavors[index])))
                    })
                    .collect()
            })
        })
    };
    let row = Callback::new(move |position: usize| {
        match listed.with_untracked(|listed| listed.get(position).copied()) {
            Some(index) => {
                let flavor = &flavors[index];
                let reason = untrack(|| unfit.of(flavor));
                flavor_row(flavor, reason, chosen, choose).into_any()
            }
            None => ().into_any(),
        }
    });
    view! {
        <p class="hint" role="status">
            {summary}
            <span class="chosen-hidden">{hidden_choice}</span>
        </p>
        <div class="table-wrap">
            <table aria-labelledby=labelled_by>
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
    choose: Callback<String>,
) -> impl IntoView + use<> {
    let id = flavor.id.clone();
    let input_id = format!("flavor-{}", flavor.id);
    let reason_id = format!("flavor-{}-reason", flavor.id);
    let disabled = unfit.is_some();
    let checked = {
        let id = id.clone();
        move || chosen.with(|chosen| *chosen == id)
    };
    let choose = move |_| choose.run(id.clone());
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
