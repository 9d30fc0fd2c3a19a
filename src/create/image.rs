//! Step 3 of the guide: the image, filtered by text and OS type.

use std::sync::Arc;

use ecs_api::models::Image;
use leptos::prelude::*;

use super::draft::ImageColumn;
use super::fields::{ColumnLook, FilteredChoice, LoadedList, draft_text, sort_heading};
use super::logic::fields::Field;
use super::logic::images::{listed_images, os_label, os_types, sorted_images};
use super::logic::listing::{self, Counts, MAX_ROWS, Searchable};
use super::use_page;
use crate::components::format::{bytes_text, disk_text, ram_text};
use crate::components::keyed_rows::{KeyedRows, RowKey};

#[component]
pub fn ImageSection() -> impl IntoView {
    let page = use_page();
    let filter = draft_text(
        page.draft,
        |draft| &draft.image_filter,
        |draft, value| draft.image_filter = value,
    );
    view! {
        <FilteredChoice
            field=Field::Image
            filter
            filter_label="Filter images"
            filter_hint="Part of a name, id or OS."
            problem=page.problem(Field::Image)
        >
            <LoadedList what="images" resource=page.lists.images let:images>
                <ImageTable images />
            </LoadedList>
        </FilteredChoice>
    }
}

#[component]
fn ImageTable(images: Arc<Vec<Image>>) -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    let types = os_types(&images);
    let total = images.len();
    // Memos of just the fields each part reads: typing elsewhere in the form (the server name,
    // say) neither re-filters thousands of images nor touches every row.
    let os_type = Memo::new(move |_| draft.with(|draft| draft.image_os_type.clone()));
    let filter = Memo::new(move |_| draft.with(|draft| draft.image_filter.clone()));
    let chosen = Memo::new(move |_| draft.with(|draft| draft.image_id.clone()));
    let sort = Memo::new(move |_| draft.with(|draft| draft.image_sort));
    // Sorted once per order, searched per keystroke.
    let sorted = {
        let images = images.clone();
        Memo::new(move |_| sorted_images(&images, sort.get()))
    };
    let offered = move || sorted.with(Searchable::count);
    let listed = {
        let images = images.clone();
        Memo::new(move |_| {
            filter.with(|filter| {
                os_type.with(|os_type| {
                    sorted.with(|sorted| listed_images(&images, sorted, filter, os_type))
                })
            })
        })
    };
    let header = move |column: ImageColumn| {
        let look = ColumnLook {
            heading: column.heading(),
            numeric: matches!(
                column,
                ImageColumn::Size | ImageColumn::MinDisk | ImageColumn::MinRam
            ),
            // Narrow screens hide the OS column (the OS shows under the name instead) and the
            // size: the minimums are what decide the choice.
            low_priority: matches!(column, ImageColumn::Os | ImageColumn::Size),
        };
        sort_heading(column, look, sort, move |column| {
            draft.update(|draft| draft.image_sort = draft.image_sort.toggled(column));
        })
    };
    let type_options = types
        .into_iter()
        .map(|name| {
            let selected = {
                let name = name.clone();
                move || os_type.with(|os_type| *os_type == name)
            };
            view! { <option value=name.clone() prop:selected=selected>{name.clone()}</option> }
        })
        .collect_view();
    // A row is built once and kept while it is listed: the filter and the order only move
    // rows, choosing an image only flips `checked`.
    let keys = Signal::derive(move || {
        listed.with(|listed| {
            listed
                .iter()
                .take(MAX_ROWS)
                .enumerate()
                .map(|(position, index)| RowKey::showing(position, index))
                .collect()
        })
    });
    // Where the chosen image went when the table does not show it (a signal, as in the flavor
    // table, so both share the code that renders it).
    let hidden_choice = {
        let images = images.clone();
        Signal::derive(move || {
            let index = chosen.with(|id| {
                images
                    .iter()
                    .position(|image| image.id == *id && image.is_active())
            })?;
            listed.with(|listed| listing::hidden_choice_text(&images[index].name, listed, index))
        })
    };
    let row = Callback::new(move |position: usize| {
        match listed.with_untracked(|listed| listed.get(position).copied()) {
            Some(index) => image_row(&images[index], chosen).into_any(),
            None => ().into_any(),
        }
    });
    view! {
        <div class="field">
            <label for="image-os-type">"OS type"</label>
            <select
                id="image-os-type"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    draft.update(|draft| draft.image_os_type = value);
                }
            >
                <option value="" prop:selected=move || os_type.with(String::is_empty)>"Any"</option>
                {type_options}
            </select>
        </div>
        <p class="hint" role="status">
            {move || {
                let offered = offered();
                let counts = Counts {
                    matching: listed.with(Vec::len),
                    offered,
                    not_offered: total - offered,
                };
                listing::summary(counts, "images", "not ACTIVE")
            }}
            <span class="chosen-hidden">{hidden_choice}</span>
        </p>
        <div class="table-wrap">
            <table aria-labelledby=Field::Image.legend_id()>
                <thead>
                    <tr>
                        <th scope="col">
                            <span class="visually-hidden">"Choose"</span>
                        </th>
                        {ImageColumn::ALL.map(header).into_iter().collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <KeyedRows rows=keys row />
                </tbody>
            </table>
        </div>
    }
}

fn image_row(image: &Image, chosen: Memo<String>) -> impl IntoView + use<> {
    let draft = use_page().draft;
    let id = image.id.clone();
    let input_id = format!("image-{}", image.id);
    let checked = {
        let id = id.clone();
        move || chosen.with(|chosen| *chosen == id)
    };
    let choose = move |_| {
        let id = id.clone();
        draft.update(|draft| draft.image_id = id);
    };
    let row_chosen = checked.clone();
    let os = os_label(image);
    view! {
        <tr class:chosen=row_chosen>
            <td>
                <input
                    type="radio"
                    name="image"
                    id=input_id.clone()
                    prop:checked=checked
                    on:change=choose
                />
            </td>
            <td class="wraps">
                <label for=input_id>{image.name.clone()}</label>
                // Glance's visibility as a small tag (hidden when empty), not a column: the
                // table fits a phone.
                " "
                <span class="tag">{image.visibility.clone()}</span>
                <div class="hint narrow-only">{os.clone()}</div>
            </td>
            <td class="wraps low-priority">{os}</td>
            <td class="numeric low-priority">{bytes_text(image.size)}</td>
            <td class="numeric">{disk_text(image.min_disk)}</td>
            <td class="numeric">{ram_text(image.min_ram)}</td>
        </tr>
    }
}
