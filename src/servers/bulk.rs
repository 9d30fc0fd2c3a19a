//! Start, Stop, Reboot and Delete from the list: the bar of buttons for the selected servers,
//! the one modal confirmation (a `<dialog>` naming the servers, its button naming the action)
//! that rows' menus open too, and the report of how each server's request went, which follows
//! the list until each server is done with it.

use std::collections::BTreeSet;

use ecs_api::models::Server;
use leptos::html::Dialog;
use leptos::prelude::*;

use super::ListedPage;
use super::selection::{
    ListAction, Plan, Progress, Report, ServerOutcome, bulk_button_label, outcome_summary,
    servers_count,
};
use crate::api::Api;
use crate::browser::focus::{focus_after_render, focus_element};
use crate::hooks::polling::Polling;
use crate::server_details::logic::Request;

const DIALOG_TITLE_ID: &str = "bulk-confirm-title";
const OUTCOME_ID: &str = "bulk-outcome";

/// The list's actions: what waits for confirmation, and the runs.
#[derive(Clone, Copy)]
pub struct Bulk {
    pending: RwSignal<Option<Plan>>,
    /// Where focus goes back to when the confirmation is cancelled.
    opener: StoredValue<String>,
    run: Action<Plan, Report>,
    /// The last run's report, following the list.
    report: Memo<Option<Report>>,
}

impl Bulk {
    /// Opens the confirmation of `plan`, asked from the element `opener_id`.
    pub fn ask(&self, plan: Plan, opener_id: String) {
        self.opener.set_value(opener_id);
        self.pending.set(Some(plan));
    }

    /// Sends `plan` without asking (the report takes focus).
    pub fn send(&self, plan: Plan) {
        self.run.dispatch_local(plan);
        focus_after_render(OUTCOME_ID);
    }

    /// A run is under way.
    pub fn busy(&self) -> bool {
        self.run.pending().get()
    }
}

/// The runner: sends each server's request in turn (a few dozen at most, and a cloud's rate
/// limit is kinder to a sequence), then refreshes the list and unselects what went through.
pub fn use_bulk(
    api: Api,
    polling: Polling<ListedPage>,
    selected: RwSignal<BTreeSet<String>>,
) -> Bulk {
    let runs = StoredValue::new(0_u64);
    let run = Action::new_local(move |plan: &Plan| {
        let plan = plan.clone();
        runs.update_value(|runs| *runs += 1);
        let run = runs.get_value();
        async move {
            let query = polling
                .data
                .with_untracked(|listed| listed.as_ref().map(|listed| listed.query.clone()));
            let mut outcomes = Vec::with_capacity(plan.targets.len());
            for target in &plan.targets {
                // The server as listed when its request goes: what "done" is measured against.
                let before = polling.data.with_untracked(|listed| {
                    listed.as_ref().and_then(|listed| {
                        listed
                            .page
                            .servers
                            .iter()
                            .find(|server| server.id == target.id)
                            .cloned()
                    })
                });
                let result = match plan.action.request() {
                    Request::Action(action) => api.server_action(&target.id, action).await,
                    _ => api.delete_server(&target.id).await,
                };
                if result.is_ok() {
                    selected.update(|selected| {
                        selected.remove(&target.id);
                    });
                }
                outcomes.push(ServerOutcome {
                    id: target.id.clone(),
                    name: target.name.clone(),
                    result: result
                        .map(|()| Progress::start(before.as_ref()))
                        .map_err(|error| error.message),
                });
            }
            polling.refresh_now(true);
            Report {
                run,
                query,
                action: plan.action,
                outcomes,
            }
        }
    });
    // Each refresh of the run's page moves its lines on; a new run starts over.
    let report = Memo::new(move |previous: Option<&Option<Report>>| {
        let sent = run.value().get()?;
        let report = match previous {
            Some(Some(followed)) if followed.run == sent.run => followed.clone(),
            _ => sent,
        };
        polling.data.with(|listed| match listed {
            Some(listed) => Some(report.seeing(&listed.query, &listed.page.servers)),
            None => Some(report),
        })
    });
    Bulk {
        pending: RwSignal::new(None),
        opener: StoredValue::new(String::new()),
        run,
        report,
    }
}

/// The selected servers of the page, as last listed.
fn selected_servers(servers: &[Server], selected: &BTreeSet<String>) -> Vec<Server> {
    servers
        .iter()
        .filter(|server| selected.contains(&server.id))
        .cloned()
        .collect()
}

/// "3 selected" and a button per action, each saying for how many of them it is allowed.
#[component]
pub fn BulkBar(
    bulk: Bulk,
    servers: Memo<Option<Vec<Server>>>,
    selected: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let chosen = Memo::new(move |_| {
        servers.with(|servers| {
            selected
                .with(|selected| selected_servers(servers.as_deref().unwrap_or_default(), selected))
        })
    });
    let count = move || chosen.with(Vec::len);
    let button = move |action: ListAction| {
        let id = format!("bulk-{}", action.key());
        let allowed = move || {
            chosen.with(|chosen| {
                chosen
                    .iter()
                    .filter(|server| action.allowed_for(server))
                    .count()
            })
        };
        let opener = id.clone();
        view! {
            <button type="button" id=id class=if action == ListAction::Delete { "danger" } else { "" }
                disabled=move || allowed() == 0 || bulk.busy()
                on:click=move |_| {
                    let plan = chosen.with_untracked(|chosen| Plan::new(action, chosen));
                    bulk.ask(plan, opener.clone());
                }>
                {move || bulk_button_label(action, allowed(), count())}
            </button>
        }
    };
    view! {
        <Show when=move || { count() > 0 }>
            <div class="row bulk-bar card" role="group" aria-label="Actions for the selected servers" id="bulk-bar">
                <span id="bulk-count">{move || format!("{} selected", servers_count(count()))}</span>
                {ListAction::ALL.into_iter().map(button).collect_view()}
                <button type="button" class="link" id="bulk-unselect"
                    on:click=move |_| selected.set(BTreeSet::new())>"Unselect all"</button>
            </div>
        </Show>
    }
}

/// How the last run went, server by server (focus comes here after a run starts).
#[component]
pub fn Outcomes(bulk: Bulk) -> impl IntoView {
    view! {
        <div id=OUTCOME_ID role="status" tabindex="-1" class="bulk-outcome">
            {move || {
                if bulk.busy() {
                    return Some(view! { <p>"Sending the requests…"</p> }.into_any());
                }
                bulk.report.get().map(|report| {
                    let lines = report
                        .outcomes
                        .iter()
                        .map(|outcome| {
                            let class = if outcome.result.is_ok() { "" } else { "error-text" };
                            view! { <li class=class>{outcome.text(report.action)}</li> }
                        })
                        .collect_view();
                    view! {
                        <div class="card">
                            <p>{outcome_summary(report.action, &report.outcomes)}</p>
                            <ul id="bulk-outcome-list">{lines}</ul>
                        </div>
                    }
                    .into_any()
                })
            }}
        </div>
    }
}

/// The modal confirmation: the question, what the action does, the servers it goes to and those
/// it leaves out; Cancel (or Escape) goes back where it was asked from.
#[component]
pub fn ConfirmDialog(bulk: Bulk) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    // Opening is a DOM call: shown modal whenever a plan waits (the page behind goes inert).
    Effect::new(move |_| {
        if bulk.pending.with(Option::is_some)
            && let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    });
    let confirm = move |_| {
        if let Some(plan) = bulk.pending.get_untracked() {
            bulk.pending.set(None);
            if let Some(dialog) = dialog.get_untracked() {
                dialog.close();
            }
            bulk.send(plan);
        }
    };
    // Escape, Cancel and confirming all close the dialog; only a cancelled one gives focus back.
    let closed = move |_| {
        if bulk.pending.get_untracked().is_some() {
            bulk.pending.set(None);
            focus_element(&bulk.opener.get_value());
        }
    };
    let content = move || {
        bulk.pending.get().map(|plan| {
            let names = plan
                .targets
                .iter()
                .map(|target| view! { <li>{target.name.clone()}</li> })
                .collect_view();
            let class = if plan.action == ListAction::Start { "primary" } else { "danger" };
            view! {
                <h2 id=DIALOG_TITLE_ID>{plan.question()}</h2>
                <p>{plan.action.consequence()}</p>
                <ul id="bulk-confirm-names">{names}</ul>
                {plan.left_out_text().map(|text| view! { <p class="small" id="bulk-left-out">{text}</p> })}
                <div class="row">
                    <button type="button" id="bulk-confirm" class=class on:click=confirm>
                        {plan.action.confirm_label(plan.targets.len())}
                    </button>
                    <form method="dialog">
                        <button id="bulk-cancel" autofocus>"Cancel"</button>
                    </form>
                </div>
            }
        })
    };
    view! {
        <dialog node_ref=dialog id="bulk-confirm-dialog" class="card" aria-labelledby=DIALOG_TITLE_ID
            on:close=closed>
            {content}
        </dialog>
    }
}
