//! The login part: the `ssh` command (or Remote Desktop address and user) with a copy button,
//! which address it uses and who logs in, the `chmod 600` reminder, and a warning when the
//! server's security groups keep the login out.

use ecs_api::connect::LoginMethod;
use leptos::prelude::*;

use super::Shared;
use super::logic::{login_line, login_port_problem, login_state_text, user_text};
use crate::components::copy_button::CopyButton;

#[component]
pub fn Login(shared: Shared) -> impl IntoView {
    // One view (cheaper in the download than many small ones): it changes only when the image
    // is read, the groups are, or the server changes.
    move || {
        let login = shared.login.get();
        let line = login.as_ref().and_then(|login| {
            shared
                .polling
                .data
                .with(|server| login_line(server.as_ref()?, login))
        });
        let state = login_state_text(login.is_some(), line.is_some());
        let method = login
            .as_ref()
            .map_or(LoginMethod::Ssh, |login| login.method);
        let warning = shared.facts.with(|facts| match &facts.as_ref()?.groups {
            Ok(groups) => login_port_problem(groups, method),
            Err(error) => Some(format!(
                "The server's security groups could not be read ({error}), so whether they let the login in is not known."
            )),
        });
        let details = line.zip(login).map(|(line, login)| {
            view! {
                <p>
                    <code id="login-command">{line.command}</code>
                    " "
                    <CopyButton value=line.copy label=line.copy_label />
                </p>
                <ul class="small">
                    <li id="login-address">{line.address}</li>
                    <li id="login-user">{user_text(&login)}</li>
                    {line.chmod.map(|chmod| view! {
                        <li>
                            "Once, before connecting: " <code id="login-chmod">{chmod}</code>
                            " (ssh refuses a key file that others can read)."
                        </li>
                    })}
                </ul>
            }
        });
        view! {
            <h3>{if method == LoginMethod::Rdp { "Remote Desktop" } else { "SSH" }}</h3>
            {state.map(|state| view! { <p class="muted" id="login-state">{state}</p> })}
            {details}
            {warning.map(|warning| view! { <p class="notice small" id="login-port-warning">{warning}</p> })}
        }
    }
}
