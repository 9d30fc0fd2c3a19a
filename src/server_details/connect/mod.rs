//! The details page's Connect section: a public IP, the line to log in with (SSH, or Remote
//! Desktop and the Windows password), the boot log with the host key fingerprints, and the
//! remote console.
//!
//! The download has a tight budget, so the section makes do with one action (its public IP
//! changes and console links), one resource for what it reads once (pools and security groups)
//! and the boot log's, and few reactive views.

mod boot_log;
pub mod logic;
mod password;
mod public_ip;
mod remote_console;
mod ssh;

use ecs_api::ApiError;
use ecs_api::connect::{LoginMethod, LoginUser, login_user};
use ecs_api::models::{Image, NeutronNetwork, SecurityGroup, Server};
use leptos::prelude::*;

use crate::api::{Api, use_api};
use crate::browser::focus::focus_element;
use crate::components::error_notice::ErrorNotice;
use crate::hooks::polling::Polling;
use logic::{Failure, Outcome, Request, status_text};

/// The server's image fetched by id (`None` when it boots from a volume).
pub type ServerImage = LocalResource<Result<Option<Image>, ApiError>>;

/// What the section reads once.
#[derive(Clone, Debug, PartialEq)]
struct Facts {
    /// External networks public IPs come from (none asked for on a Nova-only cloud).
    pools: Result<Vec<NeutronNetwork>, ApiError>,
    /// The server's own groups, whose rules say whether the login gets in.
    groups: Result<Vec<SecurityGroup>, ApiError>,
}

/// What every part reads: the server, who logs in, the facts, and the section's requests.
#[derive(Clone, Copy)]
struct Shared {
    polling: Polling<Server>,
    /// `None` until the image is read (an unreadable image leaves a guess, said as such).
    login: Memo<Option<LoginUser>>,
    facts: LocalResource<Facts>,
    act: Action<Request, Result<Outcome, Failure>>,
    last: RwSignal<Option<Request>>,
    /// What the running request is doing ("attaching 203.0.113.5 to the server").
    step: RwSignal<String>,
}

impl Shared {
    /// Sends `request` and moves focus to `status_id`, the line that reports it (the clicked
    /// button is disabled meanwhile).
    fn send(&self, request: Request, status_id: &str) {
        self.last.set(Some(request.clone()));
        self.step.set(String::new());
        self.act.dispatch_local(request);
        focus_element(status_id);
    }

    fn busy(&self) -> bool {
        self.act.pending().get()
    }

    /// The last request, if it is of this part (the console's or the public IP's).
    fn last_of(&self, console: bool) -> Option<Request> {
        self.last
            .get()
            .filter(|request| request.is_console() == console)
    }

    /// The status line of the part whose requests are `console` or not.
    fn status(&self, console: bool) -> Option<String> {
        let request = self.last_of(console)?;
        let pending = self.busy();
        Some(self.act.value().with(|value| {
            let outcome = value
                .as_ref()
                .filter(|_| !pending)
                .map(|result| result.as_ref().map_err(|_| ()));
            let shown =
                outcome.is_some_and(|outcome| outcome.is_ok_and(|outcome| self.shows(outcome)));
            self.step
                .with(|step| status_text(&request, step, outcome, shown))
        }))
    }

    /// True when the details show what `outcome` changed.
    fn shows(&self, outcome: &Outcome) -> bool {
        self.polling.data.with(|server| {
            server
                .as_ref()
                .is_some_and(|server| outcome.shown_by(server))
        })
    }

    /// Why the part's last request failed, once it is over.
    fn failure(&self, console: bool, title: &'static str) -> Option<AnyView> {
        self.last_of(console)?;
        if self.busy() {
            return None;
        }
        let failure = self.act.value().get()?.err()?;
        Some(view! { <FailureNotice failure title /> }.into_any())
    }
}

#[component]
pub fn Connect(
    polling: Polling<Server>,
    server_id: Signal<String>,
    image: ServerImage,
) -> impl IntoView {
    let api = use_api();
    let login = Memo::new(move |_| {
        image.with(|loaded| {
            loaded
                .as_ref()
                .map(|loaded| login_user(loaded.as_ref().ok().and_then(Option::as_ref)))
        })
    });
    let facts = LocalResource::new(move || {
        let id = server_id.get();
        async move {
            let pools = if api.has_network_service() {
                api.floating_ip_pools().await
            } else {
                Ok(Vec::new())
            };
            let groups = api.server_security_groups(&id).await;
            Facts { pools, groups }
        }
    });
    let step = RwSignal::new(String::new());
    let act = Action::new_local(move |request: &Request| {
        let request = request.clone();
        let id = server_id.get_untracked();
        let server = polling.data.get_untracked().unwrap_or_default();
        let pools = facts
            .get_untracked()
            .and_then(|facts| facts.pools.ok())
            .unwrap_or_default();
        async move {
            let progress = move |text: String| step.set(text);
            let result = run(api, &id, &server, &pools, request, progress).await;
            if matches!(
                result,
                Ok(Outcome::Assigned { .. } | Outcome::Released { .. })
            ) {
                polling.refresh_now(true);
            }
            result
        }
    });
    let shared = Shared {
        polling,
        login,
        facts,
        act,
        last: RwSignal::new(None),
        step,
    };
    // A Windows server with a key pair has a password to decrypt.
    let password = move || {
        let windows = login.with(|login| {
            login
                .as_ref()
                .is_some_and(|login| login.method == LoginMethod::Rdp)
        });
        let key_name = polling
            .data
            .with(|server| server.as_ref()?.key_name.clone())
            .filter(|name| windows && !name.is_empty())?;
        Some(view! { <password::WindowsPassword server_id key_name /> })
    };
    view! {
        <div class="card connect" id="connect">
            <h2>"Connect"</h2>
            <public_ip::PublicIp shared />
            <ssh::Login shared />
            {password}
            <boot_log::BootLog shared server_id />
            <remote_console::RemoteConsole shared />
        </div>
    }
}

async fn run(
    api: Api,
    server_id: &str,
    server: &Server,
    pools: &[NeutronNetwork],
    request: Request,
    progress: impl Fn(String),
) -> Result<Outcome, Failure> {
    match request {
        Request::AssignIp { pool } => {
            public_ip::assign(api, server_id, server, pools, pool.as_deref(), progress).await
        }
        Request::ReleaseIp { address, delete } => {
            public_ip::release(api, address, delete, progress).await
        }
        Request::OpenConsole => {
            progress("asking the cloud for a link".to_owned());
            remote_console::open(api, server_id).await
        }
    }
}

/// A failed request: the API's error, or why it could not be made.
#[component]
fn FailureNotice(failure: Failure, title: &'static str) -> impl IntoView {
    match failure {
        Failure::Api(error) => view! { <ErrorNotice error title /> }.into_any(),
        Failure::Impossible(reason) => view! {
            <div class="error" role="alert">
                <strong>{title}</strong>
                <p>{reason}</p>
            </div>
        }
        .into_any(),
    }
}
