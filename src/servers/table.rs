//! The servers table: a checkbox per row and one for the page, column headings that sort, and
//! each row's own menu of actions.

use std::collections::BTreeSet;

use ecs_api::models::Server;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::components::A;

use super::bulk::Bulk;
use super::filters::ChoiceField;
use super::logic::{Choice, MenuKey, ServerRow, menu_anchor_name, menu_item_after};
use super::query::{Direction, ListQuery, SortColumn};
use super::selection::{ListAction, Plan};
use crate::browser::focus::{focus_element, focused_id};
use crate::components::keyed_rows::{KeyedRows, RowKey};
use crate::components::timestamp::Timestamp;
use crate::hooks::clock::use_clock;

#[component]
pub fn ServerTable(
    servers: Memo<Option<Vec<Server>>>,
    query: Memo<ListQuery>,
    go: Callback<ListQuery>,
    selected: RwSignal<BTreeSet<String>>,
    updating: Memo<bool>,
    bulk: Bulk,
) -> impl IntoView {
    let now = use_clock();
    // Rows are keyed by what they show: a refresh rebuilds only the rows whose text changed.
    let keys = Signal::derive(move || {
        servers.with(|servers| {
            servers
                .iter()
                .flatten()
                .enumerate()
                .map(|(position, server)| RowKey::showing(position, &ServerRow::new(server)))
                .collect()
        })
    });
    let page_ids = Memo::new(move |_| {
        servers.with(|servers| {
            servers
                .iter()
                .flatten()
                .map(|server| server.id.clone())
                .collect::<Vec<_>>()
        })
    });
    let selected_on_page = move || {
        page_ids.with(|ids| {
            selected.with(|selected| ids.iter().filter(|id| selected.contains(*id)).count())
        })
    };
    let all_selected = move || {
        let count = selected_on_page();
        count > 0 && count == page_ids.with(Vec::len)
    };
    let some_selected = move || {
        let count = selected_on_page();
        count > 0 && count < page_ids.with(Vec::len)
    };
    let toggle_all = move |_| {
        let select = !all_selected();
        page_ids.with_untracked(|ids| {
            selected.update(|selected| {
                for id in ids {
                    if select {
                        selected.insert(id.clone());
                    } else {
                        selected.remove(id);
                    }
                }
            });
        });
    };
    let row = Callback::new(move |position: usize| {
        let Some(row) =
            servers.with_untracked(|servers| servers.as_ref()?.get(position).map(ServerRow::new))
        else {
            return ().into_any();
        };
        let id = row.id.clone();
        let name = row.name.clone();
        let select_label = format!("Select {name}");
        let link = format!("/servers/{}", ecs_api::urls::encode(&row.id));
        let checked = {
            let id = id.clone();
            move || selected.with(|selected| selected.contains(&id))
        };
        let toggle = {
            let id = id.clone();
            move |_| {
                selected.update(|selected| {
                    if !selected.remove(&id) {
                        selected.insert(id.clone());
                    }
                });
            }
        };
        view! {
            <tr data-server-id=row.id>
                <td class="select-cell" data-label="Select">
                    <input type="checkbox" class="row-select" aria-label=select_label
                        prop:checked=checked on:change=toggle />
                </td>
                <td data-label="Name" class=row.name_cell_class>
                    <A href=link attr:class="server-link">{row.name}</A>
                </td>
                <td data-label="Status">
                    <span class="status-cell">
                        <span class=row.status_class>{row.status}</span>
                        {row.locked.then(|| view! {
                            <span class="locked-mark" title="Locked: Nova refuses changes to it until it is unlocked (on its own page)">"Locked"</span>
                        })}
                    </span>
                </td>
                <td data-label="Addresses" class="mono">{row.addresses}</td>
                <td data-label="Flavor">{row.flavor}</td>
                <td data-label="Availability zone">{row.zone}</td>
                <td data-label="Created"><Timestamp value=row.created now /></td>
                <td data-label="Actions"><RowMenu id name servers bulk /></td>
            </tr>
        }
        .into_any()
    });
    view! {
        <NarrowSort query go />
        <div class="table-wrap card">
            <table id="servers-table" class="stacks-narrow servers-list" aria-labelledby="servers-title"
                aria-busy=move || updating.get().to_string()>
                <thead>
                    <tr>
                        <th scope="col" class="select-cell">
                            <input type="checkbox" id="select-page" aria-label="Select every server on this page"
                                prop:checked=all_selected prop:indeterminate=some_selected on:change=toggle_all />
                        </th>
                        {SortColumn::ALL
                            .into_iter()
                            .map(|column| view! { <SortHeading column query go /> })
                            .collect_view()}
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    <KeyedRows rows=keys row />
                </tbody>
            </table>
        </div>
    }
}

/// The sort where the table reads as cards (≤ 600 px wide) and its headings are hidden: the
/// column, and which way round. A new column starts the way its heading's first click does.
#[component]
fn NarrowSort(query: Memo<ListQuery>, go: Callback<ListQuery>) -> impl IntoView {
    let columns = Signal::stored(
        SortColumn::ALL
            .into_iter()
            .map(|column| Choice::new(column.param(), column.label()))
            .collect::<Vec<_>>(),
    );
    let directions = Signal::stored(
        Direction::ALL
            .into_iter()
            .map(|direction| Choice::new(direction.param(), direction.label()))
            .collect::<Vec<_>>(),
    );
    let sort_by = Callback::new(move |param: String| {
        if let Some(column) = SortColumn::from_param(&param) {
            go.run(
                query
                    .get_untracked()
                    .sorted(column, column.first_direction()),
            );
        }
    });
    let turn = Callback::new(move |param: String| {
        if let Some(direction) = Direction::from_param(&param) {
            let current = query.get_untracked();
            go.run(current.sorted(current.sort, direction));
        }
    });
    view! {
        <div class="narrow-sort card" role="group" aria-label="Sort servers">
            <ChoiceField id="sort-column" label="Sort by" choices=columns
                chosen=Signal::derive(move || query.with(|query| query.sort.param().to_owned()))
                on_choose=sort_by />
            <ChoiceField id="sort-direction" label="Order" choices=directions
                chosen=Signal::derive(move || query.with(|query| query.direction.param().to_owned()))
                on_choose=turn />
        </div>
    }
}

/// A column heading whose button sorts by the column (again: the other way round).
#[component]
fn SortHeading(
    column: SortColumn,
    query: Memo<ListQuery>,
    go: Callback<ListQuery>,
) -> impl IntoView {
    let sorted = move || query.with(|query| (query.sort == column).then_some(query.direction));
    view! {
        <th scope="col" aria-sort=move || sorted().map_or("none", |direction| direction.aria())>
            <button type="button" class="sort" id=format!("sort-{}", column.param())
                on:click=move |_| go.run(query.get_untracked().sorted_by(column))>
                {column.label()}
                <span aria-hidden="true" class="sort-mark">
                    {move || match sorted() {
                        Some(super::query::Direction::Asc) => " ▲",
                        Some(super::query::Direction::Desc) => " ▼",
                        None => "",
                    }}
                </span>
            </button>
        </th>
    }
}

/// One row's menu: each action its state allows; Start goes at once, the others are confirmed
/// like the selection's. It follows the WAI-ARIA menu button pattern: opening it focuses its
/// first enabled item, ArrowDown/ArrowUp move between the enabled items (wrapping), Home/End go
/// to the first/last, Escape closes it and gives focus back to its button. The list is a
/// popover: the browser shows it in the top layer (never clipped by the table's scroll box, and
/// the table's layout stays put), closes it on Escape or a click elsewhere, and keeps one open
/// at a time. CSS anchor positioning places it under its button, or above it when the viewport
/// has no room below (style/main.css).
#[component]
fn RowMenu(
    id: String,
    name: String,
    servers: Memo<Option<Vec<Server>>>,
    bulk: Bulk,
) -> impl IntoView {
    let menu = NodeRef::<Div>::new();
    let server = {
        let id = id.clone();
        Memo::new(move |_| {
            servers.with(|servers| {
                servers
                    .iter()
                    .flatten()
                    .find(|server| server.id == id)
                    .cloned()
            })
        })
    };
    let opener_id = format!("row-menu-{id}");
    let menu_id = format!("row-menu-list-{id}");
    let anchor = menu_anchor_name(&id);
    let item_ids: Vec<String> = ListAction::ALL
        .into_iter()
        .map(|action| format!("row-{}-{id}", action.key()))
        .collect();
    let allowed = move |action: ListAction| {
        !bulk.busy()
            && server.with(|server| {
                server
                    .as_ref()
                    .is_some_and(|server| action.allowed_for(server))
            })
    };
    let close = move || {
        if let Some(menu) = menu.get_untracked() {
            let _ = menu.hide_popover();
        }
    };
    let item = {
        let opener_id = opener_id.clone();
        move |(action, item_id): (ListAction, String)| {
            let opener = opener_id.clone();
            view! {
                <button type="button" role="menuitem" id=item_id class=format!("row-{}", action.key())
                    disabled=move || !allowed(action)
                    on:click=move |_| {
                        close();
                        if let Some(server) = server.get_untracked() {
                            let plan = Plan::new(action, [&server]);
                            if action.asks_for_one() {
                                bulk.ask(plan, opener.clone());
                            } else {
                                bulk.send(plan);
                            }
                        }
                    }>
                    {action.row_label()}
                </button>
            }
        }
    };
    let move_focus = {
        let item_ids = item_ids.clone();
        move |key: MenuKey| {
            let enabled: Vec<bool> = untrack(|| ListAction::ALL.map(allowed).to_vec());
            let focused = focused_id();
            let current = item_ids
                .iter()
                .position(|item| focused.as_deref() == Some(item.as_str()));
            if let Some(next) = menu_item_after(key, current, &enabled) {
                focus_element(&item_ids[next]);
            }
        }
    };
    // Opening focuses the first enabled item (the toggle event says open or closed).
    let opened = {
        let move_focus = move_focus.clone();
        move |_| {
            let open = menu
                .get_untracked()
                .is_some_and(|menu| menu.matches(":popover-open").unwrap_or(false));
            if open {
                move_focus(MenuKey::First);
            }
        }
    };
    // Escape from inside the list: the browser closes it; focus goes back to its button (a
    // browser may otherwise leave it on the page's body).
    let keydown = {
        let opener_id = opener_id.clone();
        move |event: leptos::ev::KeyboardEvent| {
            let key = event.key();
            if key == "Escape" {
                event.prevent_default();
                close();
                focus_element(&opener_id);
            } else if let Some(key) = MenuKey::from_key(&key) {
                event.prevent_default();
                move_focus(key);
            }
        }
    };
    view! {
        <span class="row-menu">
            <button type="button" class="row-menu-button" id=opener_id popovertarget=menu_id.clone()
                aria-haspopup="menu" aria-label=format!("Actions for {name}")
                style:anchor-name=anchor.clone()>
                "Actions"
            </button>
            <div class="menu" id=menu_id popover="auto" node_ref=menu role="menu"
                aria-label=format!("Actions for {name}") style:position-anchor=anchor
                on:keydown=keydown on:toggle=opened>
                {ListAction::ALL.into_iter().zip(item_ids).map(item).collect_view()}
            </div>
        </span>
    }
}
