//! The details page's "Manage" card: rename, resize (then confirm or revert), snapshot,
//! rebuild, lock, pause, suspend and shelve, each offered in the states Nova accepts it, with one
//! line on what it does and, while it is disabled, why (a rebuild this cloud cannot do is
//! disabled up front). Those that stop the guest (pause, suspend, shelve, revert resize) ask
//! first, as stop and reboot do. Requests go through the actions card's [`Sender`], so its status
//! line follows them too.

mod dialog;
mod lock;
pub mod logic;
mod rebuild;
mod rename;
mod resize;
mod snapshot;

use ecs_api::models::Server;
use ecs_api::{ApiError, Microversion};
use leptos::prelude::*;

use super::actions::{ACTION_STATUS_ID, Confirmation};
use super::logic::{Confirm, Done, Request};
use crate::api::use_api;
use crate::browser::focus::{focus_button_or, focus_element};
use crate::hooks::polling::Polling;
use lock::LockDialog;
pub use logic::Manage;
use logic::{
    ResizeFlavors, StartedResize, lock_text, manage_line, refused_reason, verify_resize_text,
};
use rebuild::RebuildDialog;
use rename::RenameDialog;
use resize::ResizeDialog;
use snapshot::{SnapshotDialog, SnapshotWatch};

/// How the manage card sends requests: the actions card's action and its `send`, which also
/// points the status line at the request.
#[derive(Clone, Copy)]
pub struct Sender {
    pub act: Action<Request, Result<Done, ApiError>>,
    pub send: Callback<Request>,
    /// A request is running, or the server is gone.
    pub busy: Signal<bool>,
}

/// What every dialog of the card gets.
#[derive(Clone, Copy)]
pub struct DialogContext {
    pub polling: Polling<Server>,
    pub sender: Sender,
    /// The cloud's highest compute microversion (`None` while unknown).
    pub max: Signal<Option<Microversion>>,
    /// Called when the dialog has closed, with whether its request went through.
    pub closed: Callback<bool>,
}

/// The snapshot being watched: its image id and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchedImage {
    pub id: String,
    pub name: String,
}

#[component]
pub fn ManageCard(
    polling: Polling<Server>,
    server_id: Signal<String>,
    sender: Sender,
) -> impl IntoView {
    let api = use_api();
    // Asked once: a failure only means the console does not ask for more than its own version.
    let max_version =
        LocalResource::new(
            move || async move { api.compute_max_microversion().await.ok().flatten() },
        );
    let max = Signal::derive(move || max_version.get().flatten());
    let open = RwSignal::new(None::<Manage>);
    let snapshot_name = RwSignal::new(String::new());
    let watched = Memo::new(move |previous: Option<&Option<WatchedImage>>| {
        sender.act.value().with(|value| match value {
            Some(Ok(Done::ImageCreated(id))) => Some(WatchedImage {
                id: id.clone(),
                name: snapshot_name.get_untracked(),
            }),
            _ => previous.cloned().flatten(),
        })
    });
    let closed = Callback::new(move |succeeded: bool| {
        let opener = open.get_untracked().map(Manage::id);
        open.set(None);
        if succeeded {
            focus_element(ACTION_STATUS_ID);
        } else if let Some(opener) = opener {
            focus_button_or(opener, ACTION_STATUS_ID);
        }
    });
    // The resize sent from this page (its old flavor is named nowhere else), and the flavors of
    // the resize waiting for confirmation.
    let started = RwSignal::new(None::<StartedResize>);
    let resize_flavors = Memo::new(move |_| {
        started.with(|started| {
            polling.data.with(|server| {
                server
                    .as_ref()
                    .map(|server| ResizeFlavors::of(server, started.as_ref()))
                    .unwrap_or_default()
            })
        })
    });
    // The action waiting for its confirmation (those that stop the guest ask first).
    let confirming = RwSignal::new(None::<Confirm>);
    let send_confirmed = Callback::new(move |request: Request| {
        confirming.set(None);
        sender.send.run(request);
    });
    let close_confirmation = Callback::new(move |confirm: Confirm| {
        confirming.set(None);
        focus_button_or(confirm.opener_id(), ACTION_STATUS_ID);
    });
    let context = DialogContext {
        polling,
        sender,
        max,
        closed,
    };

    // The locked reason is shown from 2.73 on; the page's refreshes ask at 2.67, so it is
    // fetched once per lock.
    let locked = Memo::new(move |_| {
        polling
            .data
            .with(|server| server.as_ref().is_some_and(Server::is_locked))
    });
    let reason = LocalResource::new(move || {
        let wanted = locked.get()
            && logic::cloud_supports(max.get(), ecs_api::requests::LOCKED_REASON_MICROVERSION);
        let id = server_id.get_untracked();
        async move {
            if !wanted {
                return None;
            }
            api.get_server_at(&id, ecs_api::requests::LOCKED_REASON_MICROVERSION)
                .await
                .ok()
                .and_then(|server| server.locked_reason)
        }
    });

    let offered = move |manage: Manage| {
        polling
            .data
            .with(|server| server.as_ref().is_some_and(|server| manage.offered(server)))
    };
    // Why an action is disabled, shown beside it (`None` while it is offered).
    let refused = move |manage: Manage| {
        polling.data.with(|server| {
            server
                .as_ref()
                .and_then(|server| refused_reason(manage, server, max.get()))
        })
    };
    let press = move |manage: Manage| match (Confirm::of_manage(manage), manage.plain()) {
        (Some(confirm), _) => confirming.set(Some(confirm)),
        (None, Some(action)) => sender.send.run(Request::Plain(action)),
        (None, None) => open.set(Some(manage)),
    };
    let row = move |manage: Manage| {
        let asks = manage.plain().is_none() || Confirm::of_manage(manage).is_some();
        let label = if asks {
            format!("{}…", manage.label())
        } else {
            manage.label().to_owned()
        };
        let line_id = format!("{}-what", manage.id());
        let why_id = format!("{}-why", manage.id());
        let reason = Memo::new(move |_| refused(manage));
        let described = {
            let (line_id, why_id) = (line_id.clone(), why_id.clone());
            move || {
                if reason.with(Option::is_some) {
                    format!("{line_id} {why_id}")
                } else {
                    line_id.clone()
                }
            }
        };
        view! {
            <li>
                <button type="button" id=manage.id() aria-describedby=described
                    disabled=move || sender.busy.get() || reason.with(Option::is_some)
                    on:click=move |_| press(manage)>{label}</button>
                <span class="hint">
                    <span id=line_id>{move || {
                        resize_flavors.with(|flavors| {
                            polling.data.with(|server| manage_line(manage, server.as_ref(), flavors))
                        })
                    }}</span>
                    {move || reason.get().map(|text| view! { " " <strong id=why_id.clone()>{text}</strong> })}
                </span>
            </li>
        }
    };
    // Rebuilt only when the side of the pair changes, not on every refresh (focus stays put).
    let pair_row = move |pair: (Manage, Manage)| {
        let shown = Memo::new(move |_| {
            polling
                .data
                .with(|server| server.as_ref().map(|server| Manage::of_pair(pair, server)))
                .unwrap_or(pair.0)
        });
        move || row(shown.get())
    };
    let lock_line = move || {
        polling.data.with(|server| {
            server.as_ref().and_then(|server| {
                let reason = reason.get().flatten();
                lock_text(server, reason.as_deref())
            })
        })
    };
    let verify_text = Memo::new(move |_| {
        resize_flavors.with(|flavors| {
            polling.data.with(|server| {
                server
                    .as_ref()
                    .and_then(|server| verify_resize_text(server, flavors))
            })
        })
    });
    // Shown under the list the asking button is in.
    let confirmation = move |in_verify_notice: bool| {
        move || {
            confirming
                .get()
                .filter(|confirm| (*confirm == Confirm::RevertResize) == in_verify_notice)
                .and_then(|confirm| {
                    let manage = confirm.manage()?;
                    Some(view! {
                        <Confirmation
                            confirm
                            polling
                            disabled=Signal::derive(move || sender.busy.get() || !offered(manage))
                            send=send_confirmed
                            close=close_confirmation
                            flavors=Signal::from(resize_flavors)
                        />
                    })
                })
        }
    };
    let verify_line = move || {
        verify_text.get().map(|text| {
            view! {
                <div class="notice" id="verify-resize">
                    <p>{text}</p>
                    <ul class="manage-list">
                        {row(Manage::ConfirmResize)}
                        {row(Manage::RevertResize)}
                    </ul>
                    {confirmation(true)}
                </div>
            }
        })
    };
    view! {
        <div class="card manage-card">
            <h2 id="manage-title">"Manage"</h2>
            <p id="lock-state" class="small">{lock_line}</p>
            {verify_line}
            <ul class="manage-list" aria-labelledby="manage-title">
                {row(Manage::Rename)}
                {row(Manage::Resize)}
                {row(Manage::Snapshot)}
                {row(Manage::Rebuild)}
                {Manage::PAIRS.map(pair_row).into_iter().collect_view()}
            </ul>
            {confirmation(false)}
            {move || watched.get().map(|image| view! { <SnapshotWatch image /> })}
            {move || {
                open.get().map(|manage| match manage {
                    Manage::Rename => view! { <RenameDialog context /> }.into_any(),
                    Manage::Resize => view! { <ResizeDialog context started /> }.into_any(),
                    Manage::Snapshot => view! { <SnapshotDialog context snapshot_name /> }.into_any(),
                    Manage::Rebuild => view! { <RebuildDialog context /> }.into_any(),
                    Manage::Lock => view! { <LockDialog context /> }.into_any(),
                    _ => ().into_any(),
                })
            }}
        </div>
    }
}
