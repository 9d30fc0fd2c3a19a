//! Step 2 of the guide: the flavor, from a filterable, sortable table.

use std::sync::Arc;

use ecs_api::models::Flavor;
use leptos::prelude::*;

use super::fields::{FilteredChoice, LoadedList, draft_text};
use super::logic::fields::Field;
use super::logic::flavors::flavor_unfit_reason;
use super::{loaded, use_page};
use crate::components::flavor_table::{FlavorTable, UnfitReason};

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
                {form_flavor_table(flavors)}
            </LoadedList>
        </FilteredChoice>
    }
}

/// The shared flavor table, bound to the draft; a flavor is unfit for the chosen image's
/// minimum RAM or for the quota left.
fn form_flavor_table(flavors: Arc<Vec<Flavor>>) -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    // Memos of the fields the table reads: typing elsewhere in the form touches neither the
    // table nor its rows.
    let chosen = Memo::new(move |_| draft.with(|draft| draft.flavor_id.clone()));
    let choose = Callback::new(move |id| draft.update(|draft| draft.flavor_id = id));
    let filter = Memo::new(move |_| draft.with(|draft| draft.flavor_filter.clone()));
    let sort = Memo::new(move |_| draft.with(|draft| draft.flavor_sort));
    let set_sort = Callback::new(move |sort| draft.update(|draft| draft.flavor_sort = sort));
    let unfit = UnfitReason::new(move |flavor| {
        page.lists.limits.with(|limits| {
            page.image
                .with(|image| flavor_unfit_reason(flavor, image.as_ref(), loaded(limits)))
        })
    });
    view! {
        <FlavorTable
            flavors
            chosen
            choose
            filter
            sort
            set_sort
            unfit
            labelled_by=Field::Flavor.legend_id()
        />
    }
}
