//! Start, Stop, Reboot and Delete from the list, for the selected servers or one row: which
//! servers each action is offered for (the details page's rules,
//! `server_details::logic::Request::allowed_for`), what the confirmation says and how each
//! server's request went, followed until the server is done with it (the details page's rule,
//! `server_details::logic::Followed`).

use ecs_api::models::Server;
use ecs_api::status::ServerStatus;

use super::logic::{shown_name, status_text};
use super::query::ListQuery;
use crate::server_details::logic::{Followed, Phase, Request, SOFT_REBOOT, START, STOP};

/// An action the list offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListAction {
    Start,
    Stop,
    Reboot,
    Delete,
}

impl ListAction {
    pub const ALL: [ListAction; 4] = [Self::Start, Self::Stop, Self::Reboot, Self::Delete];

    /// The request sent for each server (Reboot is the soft one: the guest shuts down cleanly).
    pub fn request(self) -> Request {
        match self {
            Self::Start => START,
            Self::Stop => STOP,
            Self::Reboot => SOFT_REBOOT,
            Self::Delete => Request::Delete,
        }
    }

    /// The button's words: the details page's ("Reboot (soft)", beside its "Reboot (hard)").
    pub fn label(self) -> &'static str {
        match self {
            Self::Start => "Start",
            Self::Stop => "Stop",
            Self::Reboot => "Reboot (soft)",
            Self::Delete => "Delete",
        }
    }

    /// The action as the details page's status line names it ("Soft reboot").
    fn describe(self) -> &'static str {
        self.request().describe()
    }

    /// A word for element ids ("stop").
    pub fn key(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Reboot => "reboot",
            Self::Delete => "delete",
        }
    }

    /// What the action does, said in the confirmation.
    pub fn consequence(self) -> &'static str {
        match self {
            Self::Start => "Each server is powered on.",
            Self::Stop => {
                "Each guest is asked to shut down, then powered off: unsaved work in it is lost."
            }
            Self::Reboot => {
                "A soft reboot: each server's operating system restarts cleanly. Programs are closed and \
                 connections to it drop until it is back, usually within a minute or two. A server \
                 that does not respond needs Reboot (hard), on its own page."
            }
            Self::Delete => {
                "Each server is deleted for good, with the volumes that go with it. This cannot be undone."
            }
        }
    }

    /// Whether choosing the action in one server's own menu asks first. Start does not, as on
    /// the details page (starting a stopped guest loses nothing); the others stop, interrupt
    /// or delete it. A choice for several servers always asks: the question names them.
    pub fn asks_for_one(self) -> bool {
        self != Self::Start
    }

    /// The item in a row's menu: with an ellipsis when it asks first ("Stop…", "Start").
    pub fn row_label(self) -> String {
        if self.asks_for_one() {
            format!("{}…", self.label())
        } else {
            self.label().to_owned()
        }
    }

    /// Whether the server, as last listed, accepts the action.
    pub fn allowed_for(self, server: &Server) -> bool {
        self.request().allowed_for(server)
    }

    /// The confirm button: it names the action and how many servers it goes to.
    pub fn confirm_label(self, count: usize) -> String {
        format!("{} {}", self.label(), servers_count(count))
    }
}

/// A bulk button's words for `selected` servers of which `allowed` accept the action. Each
/// opens a confirmation (the ellipsis): "Stop 2 of 3…" when it goes to some of them, "Stop…"
/// when to all, and when to none (the button is disabled: no count to read).
pub fn bulk_button_label(action: ListAction, allowed: usize, selected: usize) -> String {
    let label = action.label();
    if allowed == 0 || allowed == selected {
        format!("{label}…")
    } else {
        format!("{label} {allowed} of {selected}…")
    }
}

/// "1 server", "3 servers".
pub fn servers_count(count: usize) -> String {
    if count == 1 {
        "1 server".to_owned()
    } else {
        format!("{count} servers")
    }
}

/// A server an action goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub name: String,
}

/// Why an action leaves a server out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeftOutReason {
    /// Locked: Nova refuses the action until it is unlocked (its state alone would allow it).
    Locked,
    /// Its state does not allow the action: the status text shown ("BUILD (spawning)").
    State(String),
}

impl LeftOutReason {
    /// Why `action` does not go to `server`, or `None` when it does. The lock is named only
    /// when it is what stands in the way: a locked server whose state refuses the action too is
    /// left out for its state (unlocking would not help).
    pub fn of(action: ListAction, server: &Server) -> Option<Self> {
        if action.allowed_for(server) {
            return None;
        }
        let unlocked = Server {
            locked: Some(false),
            ..server.clone()
        };
        Some(if server.is_locked() && action.allowed_for(&unlocked) {
            Self::Locked
        } else {
            Self::State(status_text(server))
        })
    }
}

/// A server left out of an action, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    pub name: String,
    pub reason: LeftOutReason,
}

/// An action to confirm: the servers it goes to and those it leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub action: ListAction,
    pub targets: Vec<Target>,
    pub left_out: Vec<LeftOut>,
}

impl Plan {
    /// `action` for `servers` (the selected ones, or one row's).
    pub fn new<'a>(action: ListAction, servers: impl IntoIterator<Item = &'a Server>) -> Self {
        let mut targets = Vec::new();
        let mut left_out = Vec::new();
        for server in servers {
            match LeftOutReason::of(action, server) {
                None => targets.push(Target {
                    id: server.id.clone(),
                    name: shown_name(server),
                }),
                Some(reason) => left_out.push(LeftOut {
                    name: shown_name(server),
                    reason,
                }),
            }
        }
        Self {
            action,
            targets,
            left_out,
        }
    }

    /// "Stop these 3 servers?", "Soft reboot web-1?"
    pub fn question(&self) -> String {
        format!(
            "{} {}?",
            self.action.describe(),
            match self.targets.as_slice() {
                [one] => one.name.clone(),
                targets => format!("these {}", servers_count(targets.len())),
            }
        )
    }

    /// The line about the servers left out, if any, each with its own reason: "Not included:
    /// app-1 (locked), db (its state is SHUTOFF). A locked server is unlocked on its own page."
    pub fn left_out_text(&self) -> Option<String> {
        (!self.left_out.is_empty()).then(|| {
            let names: Vec<String> = self
                .left_out
                .iter()
                .map(|server| match &server.reason {
                    LeftOutReason::Locked => format!("{} (locked)", server.name),
                    LeftOutReason::State(status) => {
                        format!("{} (its state is {status})", server.name)
                    }
                })
                .collect();
            let unlock = if self
                .left_out
                .iter()
                .any(|server| server.reason == LeftOutReason::Locked)
            {
                " A locked server is unlocked on its own page."
            } else {
                ""
            };
            format!("Not included: {}.{unlock}", names.join(", "))
        })
    }
}

/// Where a request that went through is, as the list shows its server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The server has not finished with it yet; what is known of it since the request.
    Requested(Followed),
    /// The server is steady again after it, in this status ("SHUTOFF").
    Done(String),
    /// A deleted server has left the list.
    Deleted,
}

impl Progress {
    /// Starts following `server` as it was listed when the request was sent.
    pub fn start(server: Option<&Server>) -> Self {
        Self::Requested(Followed::from(server))
    }

    /// The progress of `action` on the server `id`, having seen a page of the same query once
    /// more. Only a deleted server is expected to leave the list: any other that is not on the
    /// page (a status filter may hide it once it changed) stays where it was.
    pub fn seeing(&self, action: ListAction, id: &str, page: &[Server]) -> Self {
        let Self::Requested(followed) = self else {
            return self.clone();
        };
        let server = page.iter().find(|server| server.id == id);
        match (action, server) {
            (ListAction::Delete, None) => Self::Deleted,
            (ListAction::Delete, Some(server)) => {
                if matches!(
                    server.status,
                    ServerStatus::Deleted | ServerStatus::SoftDeleted
                ) {
                    Self::Done(status_text(server))
                } else {
                    self.clone()
                }
            }
            (_, None) => self.clone(),
            (_, Some(server)) => {
                let followed = followed.seeing(Some(server));
                match followed.phase(&action.request(), Some(server)) {
                    Phase::Finished => Self::Done(status_text(server)),
                    _ => Self::Requested(followed),
                }
            }
        }
    }

    pub fn is_done(&self) -> bool {
        !matches!(self, Self::Requested(_))
    }
}

/// How one server's request went: `Err` holds the cloud's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerOutcome {
    pub id: String,
    pub name: String,
    pub result: Result<Progress, String>,
}

impl ServerOutcome {
    /// "web-1: stop requested", then "web-1: stop done: the server is SHUTOFF." (the details
    /// page's words); "db: failed: Cannot 'stop' instance … while it is in vm_state stopped".
    pub fn text(&self, action: ListAction) -> String {
        let name = &self.name;
        let action = action.describe().to_lowercase();
        match &self.result {
            Ok(Progress::Requested(_)) => format!("{name}: {action} requested"),
            Ok(Progress::Done(status)) => format!("{name}: {action} done: the server is {status}."),
            Ok(Progress::Deleted) => format!("{name}: deleted."),
            Err(message) => format!("{name}: failed: {message}"),
        }
    }

    /// The same, having seen a page of the run's query once more.
    pub fn seeing(&self, action: ListAction, page: &[Server]) -> Self {
        Self {
            result: self
                .result
                .as_ref()
                .map(|progress| progress.seeing(action, &self.id, page))
                .map_err(Clone::clone),
            ..self.clone()
        }
    }
}

/// One run: the action and each server's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Tells runs apart (the same action may go to the same servers twice).
    pub run: u64,
    /// The list's query when the run was sent: only its pages tell how the servers are doing.
    pub query: Option<ListQuery>,
    pub action: ListAction,
    pub outcomes: Vec<ServerOutcome>,
}

impl Report {
    /// The report having seen the `page` listed for `query` once more: a page of another
    /// query (filtered otherwise, another page) says nothing about the run's servers.
    pub fn seeing(&self, query: &ListQuery, page: &[Server]) -> Self {
        if self.query.as_ref() != Some(query) {
            return self.clone();
        }
        Self {
            outcomes: self
                .outcomes
                .iter()
                .map(|outcome| outcome.seeing(self.action, page))
                .collect(),
            ..self.clone()
        }
    }
}

/// The first line of a run's report: "Stop: requested for 3 servers. …", "Stop: done for 3
/// servers.", "Stop: 2 of 3 servers requested, 1 failed."
pub fn outcome_summary(action: ListAction, outcomes: &[ServerOutcome]) -> String {
    let failed = outcomes
        .iter()
        .filter(|outcome| outcome.result.is_err())
        .count();
    let requested = outcomes.len() - failed;
    let label = action.label();
    if failed > 0 {
        format!(
            "{label}: {requested} of {} requested, {failed} failed.",
            servers_count(outcomes.len())
        )
    } else if outcomes
        .iter()
        .all(|outcome| outcome.result.as_ref().is_ok_and(Progress::is_done))
    {
        format!("{label}: done for {}.", servers_count(requested))
    } else {
        format!(
            "{label}: requested for {}. The list follows their status.",
            servers_count(requested)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(id: &str, name: &str, status: &str) -> Server {
        serde_json::from_value(serde_json::json!({"id": id, "name": name, "status": status}))
            .expect("test server decodes")
    }

    #[test]
    fn actions_go_only_to_servers_whose_state_allows_them() {
        let web = server("1", "web", "ACTIVE");
        let db = server("2", "db", "SHUTOFF");
        let building = serde_json::from_value::<Server>(serde_json::json!({
            "id": "3", "name": "", "status": "BUILD", "OS-EXT-STS:task_state": "spawning"
        }))
        .expect("test server decodes");
        let selected = [&web, &db, &building];
        let stop = Plan::new(ListAction::Stop, selected);
        assert_eq!(
            stop.targets,
            vec![Target {
                id: "1".to_owned(),
                name: "web".to_owned()
            }]
        );
        assert_eq!(stop.question(), "Stop web?");
        assert_eq!(
            stop.left_out_text().as_deref(),
            Some("Not included: db (its state is SHUTOFF), 3 (its state is BUILD (spawning)).")
        );
        let start = Plan::new(ListAction::Start, selected);
        assert_eq!(start.targets.len(), 1);
        assert_eq!(start.targets[0].name, "db");
        assert!(Plan::new(ListAction::Reboot, [&db]).targets.is_empty());
        let delete = Plan::new(ListAction::Delete, selected);
        assert_eq!(delete.targets.len(), 3, "every server can be deleted");
        assert_eq!(delete.question(), "Delete these 3 servers?");
        assert_eq!(delete.left_out_text(), None);
        assert_eq!(ListAction::Delete.confirm_label(3), "Delete 3 servers");
        assert_eq!(ListAction::Stop.confirm_label(1), "Stop 1 server");
    }

    fn locked(id: &str, name: &str, status: &str) -> Server {
        serde_json::from_value(
            serde_json::json!({"id": id, "name": name, "status": status, "locked": true}),
        )
        .expect("test server decodes")
    }

    #[test]
    fn a_locked_server_is_left_out_for_its_lock_not_its_state() {
        let app = locked("1", "app-1", "SHUTOFF");
        let web = locked("2", "web", "ACTIVE");
        let db = server("3", "db", "ACTIVE");
        let start = Plan::new(ListAction::Start, [&app, &db]);
        assert!(start.targets.is_empty());
        assert_eq!(
            start.left_out_text().as_deref(),
            Some(
                "Not included: app-1 (locked), db (its state is ACTIVE). A locked server is \
                 unlocked on its own page."
            )
        );
        // Every list action: the lock is the reason wherever the state would allow it.
        for action in ListAction::ALL {
            assert_eq!(
                LeftOutReason::of(action, &web),
                Some(if action == ListAction::Start {
                    LeftOutReason::State("ACTIVE".to_owned())
                } else {
                    LeftOutReason::Locked
                }),
                "{action:?}"
            );
        }
        assert_eq!(
            LeftOutReason::of(ListAction::Delete, &app),
            Some(LeftOutReason::Locked)
        );
        assert_eq!(
            LeftOutReason::of(ListAction::Stop, &app),
            Some(LeftOutReason::State("SHUTOFF".to_owned())),
            "unlocking would not let a stopped server stop: its state is the reason"
        );
        assert_eq!(LeftOutReason::of(ListAction::Stop, &db), None);
        assert_eq!(
            Plan::new(ListAction::Stop, [&web]).left_out,
            vec![LeftOut {
                name: "web".to_owned(),
                reason: LeftOutReason::Locked
            }]
        );
    }

    #[test]
    fn an_ellipsis_marks_exactly_the_choices_that_ask_first() {
        assert_eq!(ListAction::Start.row_label(), "Start");
        assert!(!ListAction::Start.asks_for_one());
        for action in [ListAction::Stop, ListAction::Reboot, ListAction::Delete] {
            assert!(action.asks_for_one(), "{action:?}");
            assert_eq!(action.row_label(), format!("{}…", action.label()));
        }
        // The bar's buttons always ask (for several servers): each has the ellipsis.
        for action in ListAction::ALL {
            assert!(bulk_button_label(action, 1, 1).ends_with('…'), "{action:?}");
        }
    }

    #[test]
    fn bulk_buttons_count_only_when_the_action_goes_to_some() {
        assert_eq!(bulk_button_label(ListAction::Stop, 3, 3), "Stop…");
        assert_eq!(bulk_button_label(ListAction::Stop, 2, 3), "Stop 2 of 3…");
        assert_eq!(
            bulk_button_label(ListAction::Start, 0, 3),
            "Start…",
            "no \"(0)\" on the disabled button"
        );
    }

    #[test]
    fn reboot_says_it_is_the_soft_one() {
        let web = server("1", "web", "ACTIVE");
        let reboot = Plan::new(ListAction::Reboot, [&web]);
        assert_eq!(ListAction::Reboot.label(), "Reboot (soft)");
        assert_eq!(reboot.question(), "Soft reboot web?");
        assert_eq!(
            ListAction::Reboot.confirm_label(2),
            "Reboot (soft) 2 servers"
        );
        assert!(
            ListAction::Reboot
                .consequence()
                .contains("operating system restarts cleanly")
        );
        assert_eq!(ListAction::Reboot.request(), SOFT_REBOOT);
    }

    fn outcome(id: &str, name: &str, before: Option<&Server>) -> ServerOutcome {
        ServerOutcome {
            id: id.to_owned(),
            name: name.to_owned(),
            result: Ok(Progress::start(before)),
        }
    }

    fn with(id: &str, status: &str, task: Option<&str>, updated: &str) -> Server {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": "web", "status": status,
            "OS-EXT-STS:task_state": task, "updated": updated,
        }))
        .expect("test server decodes")
    }

    #[test]
    fn outcomes_are_reported_per_server() {
        let web = server("1", "web", "ACTIVE");
        let outcomes = [
            outcome("1", "web", Some(&web)),
            ServerOutcome {
                id: "2".to_owned(),
                name: "db".to_owned(),
                result: Err("Cannot 'stop' instance 2 while it is in vm_state stopped".to_owned()),
            },
        ];
        assert_eq!(outcomes[0].text(ListAction::Stop), "web: stop requested");
        assert_eq!(
            outcomes[1].text(ListAction::Stop),
            "db: failed: Cannot 'stop' instance 2 while it is in vm_state stopped"
        );
        assert_eq!(
            outcomes[0].text(ListAction::Reboot),
            "web: soft reboot requested"
        );
        assert_eq!(
            outcome_summary(ListAction::Stop, &outcomes),
            "Stop: 1 of 2 servers requested, 1 failed."
        );
        assert_eq!(
            outcome_summary(ListAction::Delete, &outcomes[..1]),
            "Delete: requested for 1 server. The list follows their status."
        );
    }

    #[test]
    fn a_stop_is_done_once_the_list_shows_the_server_stopped() {
        let active = with("1", "ACTIVE", None, "2026-12-03T10:00:00Z");
        let requested = outcome("1", "web", Some(&active));
        // Still running, then powering off: requested.
        let unchanged = requested.seeing(ListAction::Stop, std::slice::from_ref(&active));
        assert_eq!(unchanged.text(ListAction::Stop), "web: stop requested");
        let stopping = with("1", "ACTIVE", Some("powering-off"), "2026-12-03T10:00:01Z");
        let busy = unchanged.seeing(ListAction::Stop, &[stopping]);
        assert_eq!(busy.text(ListAction::Stop), "web: stop requested");
        assert_eq!(
            outcome_summary(ListAction::Stop, std::slice::from_ref(&busy)),
            "Stop: requested for 1 server. The list follows their status."
        );
        let stopped = with("1", "SHUTOFF", None, "2026-12-03T10:00:02Z");
        let done = busy.seeing(ListAction::Stop, std::slice::from_ref(&stopped));
        assert_eq!(
            done.text(ListAction::Stop),
            "web: stop done: the server is SHUTOFF."
        );
        assert_eq!(
            outcome_summary(ListAction::Stop, std::slice::from_ref(&done)),
            "Stop: done for 1 server."
        );
        // Done stays done: a page without it (a filter) or a later change do not undo it.
        assert_eq!(done.seeing(ListAction::Stop, &[]), done);
        assert_eq!(done.seeing(ListAction::Stop, &[active]), done);
    }

    #[test]
    fn a_reboot_is_done_when_the_server_is_back_even_between_two_refreshes() {
        let active = with("1", "ACTIVE", None, "2026-12-03T10:00:00Z");
        let requested = outcome("1", "web", Some(&active));
        let rebooting = with(
            "1",
            "REBOOT",
            Some("reboot_started"),
            "2026-12-03T10:00:01Z",
        );
        let busy = requested.seeing(ListAction::Reboot, &[rebooting]);
        assert_eq!(busy.text(ListAction::Reboot), "web: soft reboot requested");
        let back = with("1", "ACTIVE", None, "2026-12-03T10:00:05Z");
        assert_eq!(
            busy.seeing(ListAction::Reboot, std::slice::from_ref(&back))
                .text(ListAction::Reboot),
            "web: soft reboot done: the server is ACTIVE."
        );
        // A fast cloud: ACTIVE again before the list looked; Nova's updated time moved.
        assert_eq!(
            requested
                .seeing(ListAction::Reboot, &[back])
                .text(ListAction::Reboot),
            "web: soft reboot done: the server is ACTIVE."
        );
    }

    #[test]
    fn a_deleted_server_is_done_once_it_leaves_the_list() {
        let active = with("1", "ACTIVE", None, "2026-12-03T10:00:00Z");
        let requested = outcome("1", "web", Some(&active));
        let deleting = with("1", "ACTIVE", Some("deleting"), "2026-12-03T10:00:01Z");
        let busy = requested.seeing(ListAction::Delete, &[deleting]);
        assert_eq!(busy.text(ListAction::Delete), "web: delete requested");
        let gone = busy.seeing(ListAction::Delete, &[]);
        assert_eq!(gone.text(ListAction::Delete), "web: deleted.");
        assert_eq!(
            outcome_summary(ListAction::Delete, &[gone]),
            "Delete: done for 1 server."
        );
        // Any other action's server missing from the page is not taken for done.
        assert_eq!(
            requested
                .seeing(ListAction::Stop, &[])
                .text(ListAction::Stop),
            "web: stop requested"
        );
        // A failed request stays failed.
        let failed = ServerOutcome {
            result: Err("Instance 1 is locked".to_owned()),
            ..requested
        };
        assert_eq!(failed.seeing(ListAction::Delete, &[]), failed);
    }

    #[test]
    fn a_report_follows_only_the_page_it_was_run_on() {
        let active = with("1", "ACTIVE", None, "2026-12-03T10:00:00Z");
        let query = ListQuery::default();
        let report = Report {
            run: 1,
            query: Some(query.clone()),
            action: ListAction::Delete,
            outcomes: vec![outcome("1", "web", Some(&active))],
        };
        let filtered = ListQuery {
            name: "db".to_owned(),
            ..ListQuery::default()
        };
        assert_eq!(
            report.seeing(&filtered, &[]),
            report,
            "a server missing from another query's page is not taken for deleted"
        );
        let followed = report.seeing(&query, &[]);
        assert_eq!(
            followed.outcomes[0].text(ListAction::Delete),
            "web: deleted."
        );
        assert_eq!((followed.run, followed.action), (1, ListAction::Delete));
    }
}
