//! The details page's rules as plain Rust, tested natively: how the fields read, which actions
//! the server accepts, and what the confirmations say.

use ecs_api::models::{Flavor, Server};
use ecs_api::requests::{RebootType, ServerAction};
use ecs_api::status::{PowerState, ServerStatus, TaskState};

use crate::components::format::{EMPTY, ram_text};
use crate::hooks::polling::schedule::Outcome;
use crate::servers::logic::shown_name;

/// Whether a details view is still changing.
pub fn server_outcome(server: &Server) -> Outcome {
    if server.is_transitional() {
        Outcome::Transitional
    } else {
        Outcome::Steady
    }
}

/// The flavor as far as the server itself describes it: the embedded 2.47+ description
/// ("name · 2 vCPUs · 4 GB RAM"), or `None` when only a link/id is present and the flavor must
/// be fetched.
pub fn embedded_flavor_text(server: &Server) -> Option<String> {
    let flavor = server
        .flavor
        .as_ref()
        .filter(|flavor| flavor.is_embedded())?;
    Some(flavor_text(
        flavor.original_name.as_deref().unwrap_or_default(),
        flavor.vcpus,
        flavor.ram,
    ))
}

/// A fetched flavor described like [`embedded_flavor_text`].
pub fn fetched_flavor_text(flavor: &Flavor) -> String {
    flavor_text(&flavor.name, Some(flavor.vcpus), Some(flavor.ram))
}

fn flavor_text(name: &str, vcpus: Option<u64>, ram_mib: Option<u64>) -> String {
    let mut parts = vec![name.to_owned()];
    if let Some(vcpus) = vcpus {
        parts.push(format!("{vcpus} vCPU{}", if vcpus == 1 { "" } else { "s" }));
    }
    if let Some(ram) = ram_mib {
        parts.push(format!("{} RAM", ram_text(ram)));
    }
    parts.join(" · ")
}

/// The flavor id to fetch when the server carries only a reference (before 2.47).
pub fn flavor_id_to_resolve(server: &Server) -> Option<String> {
    let flavor = server
        .flavor
        .as_ref()
        .filter(|flavor| !flavor.is_embedded())?;
    flavor.id.clone().filter(|id| !id.is_empty())
}

/// The task in progress ("powering-off"), "—" when none.
pub fn task_state_text(server: &Server) -> String {
    server
        .task_state
        .as_ref()
        .map_or_else(|| EMPTY.to_owned(), ToString::to_string)
}

/// The power state in words ("No state", never Nova's raw "NOSTATE"), "—" when absent.
pub fn power_state_text(power: Option<PowerState>) -> String {
    power.map_or(EMPTY, PowerState::label).to_owned()
}

/// "42 %" while the progress measures something (build, rebuild, resize, migration), else "—":
/// Nova's `progress: 0` on an ACTIVE server means nothing.
pub fn progress_text(server: &Server) -> String {
    server
        .progress
        .filter(|_| server.status.reports_progress())
        .map_or_else(|| EMPTY.to_owned(), |progress| format!("{progress} %"))
}

/// What deleting the server does to its volumes, from what the server itself reports
/// (`delete_on_termination` of each attached volume), for the delete confirmation.
/// An image reference does not prove a local root disk (ECS reports the image of servers that
/// boot from a volume too), so only the volumes are described.
pub fn delete_consequences(server: &Server) -> String {
    let volumes = &server.volumes_attached;
    let mut sentences = Vec::new();
    match volumes.as_slice() {
        [] => sentences.push("The cloud lists no volume attached to it.".to_owned()),
        // One volume on a server without an image is the volume it boots from.
        [boot] if server.is_volume_backed() => sentences.push(
            match boot.delete_on_termination {
                Some(true) => "Its boot volume is deleted with it.",
                Some(false) => {
                    "Its boot volume is kept: it stays in your project until you delete it."
                }
                None => "The cloud does not say whether its boot volume is deleted with it.",
            }
            .to_owned(),
        ),
        _ => {
            let ids = |flag: Option<bool>| -> Vec<&str> {
                volumes
                    .iter()
                    .filter(|volume| volume.delete_on_termination == flag)
                    .map(|volume| volume.id.as_str())
                    .collect()
            };
            let groups = [
                (ids(Some(true)), "is deleted with it", "are deleted with it"),
                (
                    ids(Some(false)),
                    "is kept: it stays in your project until you delete it",
                    "are kept: they stay in your project until you delete them",
                ),
                (
                    ids(None),
                    "may or may not be deleted with it (the cloud does not say)",
                    "may or may not be deleted with it (the cloud does not say)",
                ),
            ];
            for (ids, one, many) in groups {
                match ids.as_slice() {
                    [] => {}
                    [id] => sentences.push(format!("Volume {id} {one}.")),
                    ids => sentences.push(format!("Volumes {} {many}.", ids.join(", "))),
                }
            }
        }
    }
    sentences.join(" ")
}

pub const START: Request = Request::Action(ServerAction::Start);
pub const STOP: Request = Request::Action(ServerAction::Stop);
pub const SOFT_REBOOT: Request = Request::Action(ServerAction::Reboot(RebootType::Soft));
pub const HARD_REBOOT: Request = Request::Action(ServerAction::Reboot(RebootType::Hard));

/// What the action buttons ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    Action(ServerAction),
    Delete,
}

impl Request {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Action(ServerAction::Start) => "Start",
            Self::Action(ServerAction::Stop) => "Stop",
            Self::Action(ServerAction::Reboot(RebootType::Soft)) => "Soft reboot",
            Self::Action(ServerAction::Reboot(RebootType::Hard)) => "Hard reboot",
            Self::Delete => "Delete",
        }
    }

    /// Whether the server, as last seen, accepts this request: the vm states Nova's compute API
    /// allows each action in (it answers 409 otherwise). A hard reboot is how an ERROR or
    /// stopped server is brought back, so it is offered there too.
    pub fn allowed_for(self, server: &Server) -> bool {
        use ServerStatus::{Active, Error, Paused, Shutoff, Suspended};
        let steady = !server.is_transitional();
        let status = &server.status;
        match self {
            Self::Action(ServerAction::Start) => steady && matches!(status, Shutoff),
            Self::Action(ServerAction::Stop) => steady && matches!(status, Active | Error),
            Self::Action(ServerAction::Reboot(RebootType::Soft)) => {
                steady && matches!(status, Active)
            }
            Self::Action(ServerAction::Reboot(RebootType::Hard)) => {
                steady && matches!(status, Active | Shutoff | Error | Paused | Suspended)
            }
            // A second delete while the first runs would only ask again.
            Self::Delete => !matches!(server.task_state, Some(TaskState::Deleting)),
        }
    }
}

/// How the last request went, for the line focus moves to after an action.
pub fn action_status_text(request: Request, pending: bool, succeeded: Option<bool>) -> String {
    let action = request.describe();
    match (pending, succeeded) {
        (true, _) | (false, None) => format!("{action}: sending the request…"),
        (false, Some(true)) => format!("{action} requested. The status below follows the server."),
        (false, Some(false)) => format!("{action} failed: the reason is below."),
    }
}

/// The requests that are confirmed first: they cannot be undone, or they cut the guest's power.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    Delete,
    HardReboot,
}

/// The ids of a confirmation's parts.
pub struct ConfirmIds {
    pub text: &'static str,
    pub confirm: &'static str,
    pub cancel: &'static str,
}

/// A confirmation's question, split around the server's name (shown in bold).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub lead: &'static str,
    pub name: String,
    pub detail: String,
}

impl Confirm {
    pub fn request(self) -> Request {
        match self {
            Self::Delete => Request::Delete,
            Self::HardReboot => HARD_REBOOT,
        }
    }

    /// The button that opened the confirmation: focus returns there when it is cancelled.
    pub fn opener_id(self) -> &'static str {
        match self {
            Self::Delete => "action-delete",
            Self::HardReboot => "action-reboot-hard",
        }
    }

    pub fn ids(self) -> ConfirmIds {
        match self {
            Self::Delete => ConfirmIds {
                text: "confirm-delete-text",
                confirm: "confirm-delete",
                cancel: "cancel-delete",
            },
            Self::HardReboot => ConfirmIds {
                text: "confirm-reboot-hard-text",
                confirm: "confirm-reboot-hard",
                cancel: "cancel-reboot-hard",
            },
        }
    }

    pub fn confirm_label(self) -> &'static str {
        match self {
            Self::Delete => "Delete server",
            Self::HardReboot => "Reboot (hard)",
        }
    }

    /// The question: what exactly will happen to `server`.
    pub fn question(self, server: &Server) -> Question {
        let name = shown_name(server);
        match self {
            Self::Delete => Question {
                lead: "Delete server ",
                name,
                detail: format!("? {} This cannot be undone.", delete_consequences(server)),
            },
            Self::HardReboot => Question {
                lead: "Hard reboot server ",
                name,
                detail: "? This cuts the guest's power, like pulling the plug: anything not yet \
                         written to disk is lost, and its file systems may need a check when it \
                         starts again. Reboot (soft) asks its operating system to restart cleanly \
                         instead."
                    .to_owned(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(json: &str) -> Server {
        serde_json::from_str(json).expect("test server decodes")
    }

    #[test]
    fn a_changing_server_is_polled_fast() {
        let building =
            server(r#"{"id": "1", "status": "BUILD", "OS-EXT-STS:task_state": "spawning"}"#);
        assert_eq!(server_outcome(&building), Outcome::Transitional);
        let active = server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": null}"#);
        assert_eq!(server_outcome(&active), Outcome::Steady);
        let stopping =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}"#);
        assert_eq!(server_outcome(&stopping), Outcome::Transitional);
    }

    #[test]
    fn flavors_are_described_from_either_shape() {
        let embedded = server(
            r#"{"id": "1", "flavor": {"original_name": "s3.large.2", "vcpus": 2, "ram": 4096, "disk": 0}}"#,
        );
        assert_eq!(
            embedded_flavor_text(&embedded).as_deref(),
            Some("s3.large.2 · 2 vCPUs · 4 GB RAM")
        );
        assert_eq!(flavor_id_to_resolve(&embedded), None);
        let linked = server(r#"{"id": "1", "flavor": {"id": "42", "links": []}}"#);
        assert_eq!(embedded_flavor_text(&linked), None);
        assert_eq!(flavor_id_to_resolve(&linked).as_deref(), Some("42"));
        let flavor: Flavor =
            serde_json::from_str(r#"{"id": "42", "name": "m1.tiny", "vcpus": 1, "ram": 512}"#)
                .expect("flavor");
        assert_eq!(
            fetched_flavor_text(&flavor),
            "m1.tiny · 1 vCPU · 512 MB RAM"
        );
    }

    #[test]
    fn empty_values_read_as_a_dash_and_nostate_is_translated() {
        let building = server(
            r#"{"id": "1", "status": "BUILD", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 0}"#,
        );
        assert_eq!(task_state_text(&building), "—");
        assert_eq!(power_state_text(building.power_state), "No state");
        assert_eq!(power_state_text(Some(PowerState::Shutdown)), "Shutdown");
        assert_eq!(power_state_text(None), "—");
        let stopping =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}"#);
        assert_eq!(task_state_text(&stopping), "powering-off");
    }

    #[test]
    fn progress_shows_only_while_it_measures_something() {
        let building = server(r#"{"id": "1", "status": "BUILD", "progress": 42}"#);
        assert_eq!(progress_text(&building), "42 %");
        let resizing = server(r#"{"id": "1", "status": "RESIZE", "progress": 0}"#);
        assert_eq!(progress_text(&resizing), "0 %");
        // Nova sends 0 with ACTIVE: it means nothing there.
        let active = server(r#"{"id": "1", "status": "ACTIVE", "progress": 0}"#);
        assert_eq!(progress_text(&active), "—");
        let stopped = server(r#"{"id": "1", "status": "SHUTOFF"}"#);
        assert_eq!(progress_text(&stopped), "—");
        let building_without = server(r#"{"id": "1", "status": "BUILD"}"#);
        assert_eq!(progress_text(&building_without), "—");
    }

    #[test]
    fn the_delete_confirmation_says_what_happens_to_the_disks() {
        let boot = |flag: &str| {
            server(&format!(
                r#"{{"id": "1", "image": "", "os-extended-volumes:volumes_attached": [{{"id": "v1"{flag}}}]}}"#
            ))
        };
        assert_eq!(
            delete_consequences(&boot(r#", "delete_on_termination": true"#)),
            "Its boot volume is deleted with it."
        );
        assert!(
            delete_consequences(&boot(r#", "delete_on_termination": false"#))
                .starts_with("Its boot volume is kept")
        );
        assert_eq!(
            delete_consequences(&boot("")),
            "The cloud does not say whether its boot volume is deleted with it."
        );
        let mixed = server(
            r#"{"id": "1", "image": "", "os-extended-volumes:volumes_attached": [
                {"id": "v1", "delete_on_termination": true},
                {"id": "v2", "delete_on_termination": false},
                {"id": "v3", "delete_on_termination": true}]}"#,
        );
        assert_eq!(
            delete_consequences(&mixed),
            "Volumes v1, v3 are deleted with it. \
             Volume v2 is kept: it stays in your project until you delete it."
        );
        let from_image = server(
            r#"{"id": "1", "image": {"id": "img"}, "os-extended-volumes:volumes_attached": [
                {"id": "data", "delete_on_termination": false}]}"#,
        );
        assert_eq!(
            delete_consequences(&from_image),
            "Volume data is kept: it stays in your project until you delete it."
        );
        let no_volume = server(r#"{"id": "1", "image": ""}"#);
        assert_eq!(
            delete_consequences(&no_volume),
            "The cloud lists no volume attached to it."
        );
    }

    #[test]
    fn actions_follow_the_status() {
        let active = server(r#"{"id": "1", "status": "ACTIVE"}"#);
        let stopped = server(r#"{"id": "1", "status": "SHUTOFF"}"#);
        let stopping =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}"#);
        let allowed = |server: &Server| {
            [START, STOP, SOFT_REBOOT, HARD_REBOOT, Request::Delete]
                .map(|request| request.allowed_for(server))
        };
        let failed = server(r#"{"id": "1", "status": "ERROR"}"#);
        assert_eq!(allowed(&active), [false, true, true, true, true]);
        assert_eq!(allowed(&stopped), [true, false, false, true, true]);
        assert_eq!(allowed(&failed), [false, true, false, true, true]);
        let deleting =
            server(r#"{"id": "1", "status": "ERROR", "OS-EXT-STS:task_state": "deleting"}"#);
        assert!(!Request::Delete.allowed_for(&deleting));
        assert_eq!(allowed(&stopping), [false, false, false, false, true]);
    }

    #[test]
    fn hard_reboot_and_delete_are_confirmed_and_say_what_happens() {
        assert_eq!(Confirm::HardReboot.request(), HARD_REBOOT);
        assert_eq!(Confirm::Delete.request(), Request::Delete);
        let web = server(
            r#"{"id": "1", "name": "web", "status": "ACTIVE", "image": "",
                "os-extended-volumes:volumes_attached": [{"id": "v1", "delete_on_termination": false}]}"#,
        );
        let question = Confirm::Delete.question(&web);
        assert_eq!(
            (question.lead, question.name.as_str()),
            ("Delete server ", "web")
        );
        let detail = question.detail;
        assert!(detail.starts_with("? Its boot volume is kept"), "{detail}");
        assert!(!detail.contains("when it was created"), "{detail}");
        assert!(detail.ends_with("This cannot be undone."), "{detail}");
        let question = Confirm::HardReboot.question(&web);
        assert_eq!(question.lead, "Hard reboot server ");
        assert!(
            question.detail.contains("cuts the guest's power"),
            "{}",
            question.detail
        );
        // A server without a name is named by its id.
        let unnamed = server(r#"{"id": "abc", "name": ""}"#);
        assert_eq!(Confirm::Delete.question(&unnamed).name, "abc");
    }

    #[test]
    fn the_action_status_reports_the_last_request() {
        assert_eq!(
            action_status_text(STOP, true, Some(true)),
            "Stop: sending the request…"
        );
        assert_eq!(
            action_status_text(HARD_REBOOT, false, Some(true)),
            "Hard reboot requested. The status below follows the server."
        );
        assert_eq!(
            action_status_text(Request::Delete, false, Some(false)),
            "Delete failed: the reason is below."
        );
    }
}
