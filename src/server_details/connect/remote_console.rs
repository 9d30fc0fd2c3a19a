//! The remote console part: "Open console" asks the cloud for a noVNC link and opens it in a new
//! tab; the link is shown too, for when a pop-up blocker stopped the tab (the link arrives after
//! a request, when the browser may no longer count the click as the reason to open it).

use leptos::prelude::*;

use super::Shared;
use super::logic::{Failure, Outcome, Request};
use crate::api::Api;
use crate::browser::open::open_in_new_tab;

const STATUS_ID: &str = "console-status";

#[component]
pub fn RemoteConsole(shared: Shared) -> impl IntoView {
    let url = move || {
        shared.last_of(true)?;
        if shared.busy() {
            return None;
        }
        match shared.act.value().get() {
            Some(Ok(Outcome::Console { url })) => Some(url),
            _ => None,
        }
    };
    view! {
        <h3>"Remote console"</h3>
        <p class="small">
            "The server's screen and keyboard in a browser tab: for when the network login does not answer."
        </p>
        <button type="button" id="console-open" disabled=move || shared.busy()
            on:click=move |_| shared.send(Request::OpenConsole, STATUS_ID)>"Open console"</button>
        <p id=STATUS_ID class="small" role="status" tabindex="-1">
            {move || shared.status(true)}
            <span hidden=move || url().is_none()>
                " If it does not (a pop-up blocker may stop it), "
                <a id="console-link" href=url target="_blank" rel="noopener noreferrer">"open the console here"</a>
                ". The link works for a few minutes; Open console makes a new one."
            </span>
        </p>
        {move || shared.failure(true, "Opening the console failed")}
    }
}

/// Asks for a console link and opens it in a new tab.
pub async fn open(api: Api, server_id: &str) -> Result<Outcome, Failure> {
    let console = api.remote_console(server_id).await?;
    let url = console.browser_url().map(str::to_owned).ok_or_else(|| {
        Failure::Impossible(
            "The cloud's console link is not a web address, so it is not opened here.".to_owned(),
        )
    })?;
    // Whether it opened cannot be known (see `open_in_new_tab`): the status shows the link too.
    let _ = open_in_new_tab(&url);
    Ok(Outcome::Console { url })
}
