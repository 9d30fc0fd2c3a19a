//! The public IP part: assign one (an unused one of the project, or a new one from a pool) to
//! the server's port, or release it (and delete it if the user says so). Neutron only.

use ecs_api::connect::{AddressKind, address_to_show};
use ecs_api::models::{NeutronNetwork, Server};
use leptos::prelude::*;

use super::Shared;
use super::logic::{
    Failure, IpSource, NO_NETWORK_SERVICE, Outcome, Request, floating_ip_with, next_in_cycle,
    public_ip_source, release_question, server_port,
};
use crate::api::{Api, use_api};
use crate::browser::focus::{focus_after_render, focus_element, focused_id};
use crate::servers::logic::shown_name;

/// Where focus goes after a request: the line that reports how it goes.
const STATUS_ID: &str = "public-ip-status";
const RELEASE_ID: &str = "public-ip-release";
const KEEP_ID: &str = "public-ip-keep";
const DELETE_ID: &str = "public-ip-delete";
const CANCEL_ID: &str = "public-ip-cancel";

#[component]
pub fn PublicIp(shared: Shared) -> impl IntoView {
    if !use_api().has_network_service() {
        return view! {
            <h3>"Public IP"</h3>
            <p class="muted" id="public-ip-unavailable">{NO_NETWORK_SERVICE}</p>
        }
        .into_any();
    }
    let polling = shared.polling;
    let chosen_pool = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let close = move || {
        confirming.set(false);
        focus_after_render(RELEASE_ID);
    };
    let release = move |address: String, delete: bool| {
        confirming.set(false);
        shared.send(Request::ReleaseIp { address, delete }, STATUS_ID);
    };
    // The confirmation keeps the keyboard like the hard reboot's: focus starts on Cancel, Tab
    // goes round its three buttons, Escape cancels.
    let on_keydown = move |event: leptos::ev::KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            event.prevent_default();
            close();
        }
        "Tab" => {
            event.prevent_default();
            focus_element(next_in_cycle(
                &[KEEP_ID, DELETE_ID, CANCEL_ID],
                focused_id().as_deref(),
                event.shift_key(),
            ));
        }
        _ => {}
    };
    // One view for the whole part (cheaper in the download than many small ones): it changes
    // only when the server's addresses, the pools or a request do, and focus moves on purpose.
    let choices = move || {
        // After a change, until the details show it, the buttons would offer what was just done.
        let waiting = shared.busy()
            || shared.act.value().with(|value| match value {
                Some(Ok(outcome)) => !shared.shows(outcome),
                _ => false,
            });
        let floating = polling.data.with(|server| {
            server
                .as_ref()
                .and_then(address_to_show)
                .filter(|chosen| chosen.kind == AddressKind::Floating)
                .map(|chosen| chosen.address)
        });
        if let Some(address) = floating {
            let question = confirming.get().then(|| {
                let name = polling
                    .data
                    .with_untracked(|server| server.as_ref().map(shown_name).unwrap_or_default());
                let keep = address.clone();
                let delete = address.clone();
                view! {
                    <div class="notice" role="alertdialog" aria-labelledby="public-ip-question"
                        on:keydown=on_keydown>
                        <p id="public-ip-question">{release_question(&address, &name)}</p>
                        <div class="row">
                            <button type="button" id=KEEP_ID
                                on:click=move |_| release(keep.clone(), false)>"Release, keep the address"</button>
                            <button type="button" id=DELETE_ID class="danger"
                                on:click=move |_| release(delete.clone(), true)>"Release and delete it"</button>
                            <button type="button" id=CANCEL_ID on:click=move |_| close()>"Cancel"</button>
                        </div>
                    </div>
                }
            });
            return view! {
                <p id="public-ip">"Public IP " <span class="mono">{address.clone()}</span></p>
                <button type="button" id=RELEASE_ID disabled=waiting
                    on:click=move |_| {
                        confirming.set(true);
                        focus_after_render(CANCEL_ID);
                    }>"Release public IP…"</button>
                {question}
            }
            .into_any();
        }
        let pools = shared
            .facts
            .with(|facts| facts.as_ref().map(|facts| facts.pools.clone()));
        let listed = matches!(pools, Some(Ok(_)));
        let (select, problem) = match pools {
            Some(Ok(pools)) => (pool_select(&pools, chosen_pool), None),
            Some(Err(error)) => (
                None,
                Some(format!("The public IP pools could not be listed: {error}")),
            ),
            None => (None, None),
        };
        view! {
            <p id="public-ip" class="small">
                {problem.unwrap_or_else(|| "The server has no public IP: only machines inside its network reach it.".to_owned())}
            </p>
            <div class="row">
                {select}
                <button type="button" id="public-ip-assign" disabled=waiting || !listed
                    on:click=move |_| shared.send(Request::AssignIp { pool: chosen_pool.get_untracked() }, STATUS_ID)>
                    "Assign public IP"
                </button>
            </div>
        }
        .into_any()
    };
    view! {
        <h3>"Public IP"</h3>
        {choices}
        <p id=STATUS_ID class="small" role="status" tabindex="-1">{move || shared.status(false)}</p>
        {move || {
            let title = match shared.last.get() {
                Some(Request::ReleaseIp { .. }) => "Releasing the public IP failed",
                _ => "Assigning a public IP failed",
            };
            shared.failure(false, title)
        }}
    }
    .into_any()
}

/// The pool to take a new public IP from, when the cloud has several.
fn pool_select(pools: &[NeutronNetwork], chosen: RwSignal<Option<String>>) -> Option<AnyView> {
    if pools.len() < 2 {
        return None;
    }
    let current = chosen.get_untracked();
    Some(
        view! {
            <label for="public-ip-pool">"From pool"</label>
            <select id="public-ip-pool" on:change=move |event| chosen.set(Some(event_target_value(&event)))>
                {pools
                    .iter()
                    .map(|pool| {
                        let selected = current.as_deref() == Some(pool.id.as_str());
                        view! { <option value=pool.id.clone() selected=selected>{pool.display_name().to_owned()}</option> }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
    )
}

/// Takes a public IP (an unused one, else a new one from the pool) and attaches it to the
/// server's port, saying each step through `progress`.
pub async fn assign(
    api: Api,
    server_id: &str,
    server: &Server,
    pools: &[NeutronNetwork],
    pool: Option<&str>,
    progress: impl Fn(String),
) -> Result<Outcome, Failure> {
    progress("looking for an unused one".to_owned());
    let ips = api.floating_ips().await?;
    let ip = match public_ip_source(&ips, pools, pool)? {
        IpSource::Reuse(ip) => ip.clone(),
        IpSource::Allocate(pool) => {
            progress(format!("taking a new one from {}", pool.display_name()));
            api.allocate_floating_ip(&pool.id).await?
        }
    };
    progress("finding the server's network port".to_owned());
    let ports = api.server_ports(server_id).await?;
    let port = server_port(&ports, server)?;
    progress(format!(
        "attaching {} to the server",
        ip.floating_ip_address
    ));
    api.associate_floating_ip(&ip.id, &port.id).await?;
    Ok(Outcome::Assigned {
        address: ip.floating_ip_address,
    })
}

/// Detaches the public IP `address` from the server and, when `delete` is set, gives it back.
pub async fn release(
    api: Api,
    address: String,
    delete: bool,
    progress: impl Fn(String),
) -> Result<Outcome, Failure> {
    progress("finding it among the project's public IPs".to_owned());
    let ips = api.floating_ips().await?;
    let id = floating_ip_with(&ips, &address)?.id.clone();
    progress("detaching it from the server".to_owned());
    api.disassociate_floating_ip(&id).await?;
    if delete {
        progress("deleting it".to_owned());
        api.delete_floating_ip(&id).await?;
    }
    Ok(Outcome::Released {
        address,
        deleted: delete,
    })
}
