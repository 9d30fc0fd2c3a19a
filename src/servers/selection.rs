//! Start, Stop, Reboot and Delete from the list, for the selected servers or one row: which
//! servers each action is offered for (the details page's rules,
//! `server_details::logic::Request::allowed_for`), what the confirmation says and how each
//! server's request went.

use ecs_api::models::Server;

use super::logic::{shown_name, status_text};
use crate::server_details::logic::{Request, SOFT_REBOOT, START, STOP};

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

    pub fn label(self) -> &'static str {
        match self {
            Self::Start => "Start",
            Self::Stop => "Stop",
            Self::Reboot => "Reboot",
            Self::Delete => "Delete",
        }
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
                "Each guest is asked to restart: it is unavailable for a while, and unsaved work in it is lost."
            }
            Self::Delete => {
                "Each server is deleted for good, with the volumes that go with it. This cannot be undone."
            }
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

    /// What a request that went through means.
    fn requested(self) -> &'static str {
        match self {
            Self::Start => "start requested",
            Self::Stop => "stop requested",
            Self::Reboot => "reboot requested",
            Self::Delete => "delete requested",
        }
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

/// A server left out because its state does not allow the action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    pub name: String,
    pub status: String,
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
            if action.allowed_for(server) {
                targets.push(Target {
                    id: server.id.clone(),
                    name: shown_name(server),
                });
            } else {
                left_out.push(LeftOut {
                    name: shown_name(server),
                    status: status_text(server),
                });
            }
        }
        Self {
            action,
            targets,
            left_out,
        }
    }

    /// "Stop 3 servers?"
    pub fn question(&self) -> String {
        format!(
            "{} {}?",
            self.action.label(),
            match self.targets.as_slice() {
                [one] => one.name.clone(),
                targets => format!("these {}", servers_count(targets.len())),
            }
        )
    }

    /// The line about the servers left out, if any: "Not included, their state does not allow
    /// it: db (SHUTOFF), web-2 (BUILD (spawning))."
    pub fn left_out_text(&self) -> Option<String> {
        (!self.left_out.is_empty()).then(|| {
            let names: Vec<String> = self
                .left_out
                .iter()
                .map(|server| format!("{} ({})", server.name, server.status))
                .collect();
            format!(
                "Not included, their state does not allow it: {}.",
                names.join(", ")
            )
        })
    }
}

/// How one server's request went: `Err` holds the cloud's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerOutcome {
    pub name: String,
    pub result: Result<(), String>,
}

impl ServerOutcome {
    /// "web-1: stop requested", "db: failed: Cannot 'stop' instance … while it is in vm_state stopped".
    pub fn text(&self, action: ListAction) -> String {
        match &self.result {
            Ok(()) => format!("{}: {}", self.name, action.requested()),
            Err(message) => format!("{}: failed: {message}", self.name),
        }
    }
}

/// The first line of a run's report: "Stop: 2 of 3 requested, 1 failed."
pub fn outcome_summary(action: ListAction, outcomes: &[ServerOutcome]) -> String {
    let failed = outcomes
        .iter()
        .filter(|outcome| outcome.result.is_err())
        .count();
    let requested = outcomes.len() - failed;
    if failed == 0 {
        format!(
            "{}: requested for {}. The list follows their status.",
            action.label(),
            servers_count(requested)
        )
    } else {
        format!(
            "{}: {requested} of {} requested, {failed} failed.",
            action.label(),
            servers_count(outcomes.len())
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
            Some(
                "Not included, their state does not allow it: db (SHUTOFF), 3 (BUILD (spawning))."
            )
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

    #[test]
    fn outcomes_are_reported_per_server() {
        let outcomes = [
            ServerOutcome {
                name: "web".to_owned(),
                result: Ok(()),
            },
            ServerOutcome {
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
            outcome_summary(ListAction::Stop, &outcomes),
            "Stop: 1 of 2 servers requested, 1 failed."
        );
        assert_eq!(
            outcome_summary(ListAction::Delete, &outcomes[..1]),
            "Delete: requested for 1 server. The list follows their status."
        );
    }
}
