//! The details page's rules as plain Rust, tested natively: how the fields read, which actions
//! the server accepts, and what the confirmations say.

use ecs_api::Microversion;
use ecs_api::models::{Flavor, Server};
use ecs_api::requests::{
    LockServer, PlainAction, RebootType, RebuildServer, ServerAction, UpdateServer,
};
use ecs_api::status::{PowerState, ServerStatus, TaskState};

use super::manage::logic::{Manage, ResizeFlavors, resized_while_stopped};
use crate::components::format::{EMPTY, ram_text};
use crate::hooks::polling::schedule::Outcome;
use crate::servers::logic::{shown_name, status_class, status_text};

/// The badges beside the page's title: the status as the servers list shows it, and whether
/// the server is locked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TitleBadges {
    pub status: String,
    pub status_class: &'static str,
    pub locked: bool,
}

pub fn title_badges(server: &Server) -> TitleBadges {
    TitleBadges {
        status: status_text(server),
        status_class: status_class(server),
        locked: server.is_locked(),
    }
}

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

/// What the action buttons and the manage dialogs ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Action(ServerAction),
    Plain(PlainAction),
    Delete,
    Rename(UpdateServer),
    Resize {
        flavor_id: String,
    },
    Snapshot {
        name: String,
    },
    /// At `microversion`: 2.93 for a server that boots from a volume.
    Rebuild {
        request: RebuildServer,
        microversion: Microversion,
    },
    /// At `microversion`: 2.73 when a reason goes with it.
    Lock {
        request: LockServer,
        microversion: Microversion,
    },
}

/// What a request that went through brought back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Done {
    Accepted,
    /// `createImage`: the new image's id.
    ImageCreated(String),
}

impl Request {
    pub fn describe(&self) -> &'static str {
        match self {
            Self::Action(ServerAction::Start) => "Start",
            Self::Action(ServerAction::Stop) => "Stop",
            Self::Action(ServerAction::Reboot(RebootType::Soft)) => "Soft reboot",
            Self::Action(ServerAction::Reboot(RebootType::Hard)) => "Hard reboot",
            Self::Plain(action) => Manage::from_plain(*action).label(),
            Self::Delete => "Delete",
            Self::Rename(_) => "Rename",
            Self::Resize { .. } => "Resize",
            Self::Snapshot { .. } => "Snapshot",
            Self::Rebuild { .. } => "Rebuild",
            Self::Lock { .. } => "Lock",
        }
    }

    /// Whether the server, as last seen, accepts this request: the vm states Nova's compute API
    /// allows each action in (it answers 409 otherwise). A hard reboot is how an ERROR or
    /// stopped server is brought back, so it is offered there too. A locked server refuses
    /// them all (Nova answers 409 to anyone but an admin) except the ones
    /// [`Manage::offered`] allows.
    pub fn allowed_for(&self, server: &Server) -> bool {
        use ServerStatus::{Active, Error, Paused, Shutoff, Suspended};
        let steady = !server.is_transitional();
        let unlocked = !server.is_locked();
        let status = &server.status;
        match self {
            Self::Action(ServerAction::Start) => unlocked && steady && matches!(status, Shutoff),
            Self::Action(ServerAction::Stop) => {
                unlocked && steady && matches!(status, Active | Error)
            }
            Self::Action(ServerAction::Reboot(RebootType::Soft)) => {
                unlocked && steady && matches!(status, Active)
            }
            Self::Action(ServerAction::Reboot(RebootType::Hard)) => {
                unlocked
                    && steady
                    && matches!(status, Active | Shutoff | Error | Paused | Suspended)
            }
            // A second delete while the first runs would only ask again.
            Self::Delete => unlocked && !matches!(server.task_state, Some(TaskState::Deleting)),
            Self::Plain(action) => Manage::from_plain(*action).offered(server),
            Self::Rename(_) => Manage::Rename.offered(server),
            Self::Resize { .. } => Manage::Resize.offered(server),
            Self::Snapshot { .. } => Manage::Snapshot.offered(server),
            Self::Rebuild { .. } => Manage::Rebuild.offered(server),
            Self::Lock { .. } => Manage::Lock.offered(server),
        }
    }

    /// Whether the server goes through a task (a status or task state change) before the
    /// request is done; rename and lock are done once the cloud answers.
    pub fn changes_state(&self) -> bool {
        // A snapshot of a server that boots from a volume leaves no trace on the server; its
        // progress is the image's, which the snapshot line follows.
        !matches!(
            self,
            Self::Rename(_)
                | Self::Lock { .. }
                | Self::Plain(PlainAction::Unlock)
                | Self::Snapshot { .. }
        )
    }
}

/// Where the last request is: what the status line says, with the server it follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Sending,
    Failed,
    /// Accepted; the server has not finished with it yet.
    Requested,
    /// Accepted, and the server is steady again after it.
    Finished,
}

/// What the status line remembers of the server since the request was sent.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Followed {
    /// The status when the request was sent.
    pub status_before: Option<ServerStatus>,
    /// The server's `updated` time when the request was sent: Nova moves it on every task
    /// change, so a reboot that went ACTIVE → ACTIVE between two refreshes still shows.
    pub updated_before: Option<String>,
    /// Whether the server has been seen busy (transitional) since then.
    pub seen_busy: bool,
}

impl Followed {
    /// Starts following from the server as it is when the request is sent.
    pub fn from(server: Option<&Server>) -> Self {
        Self {
            status_before: server.map(|server| server.status.clone()),
            updated_before: server.and_then(|server| server.updated.clone()),
            seen_busy: false,
        }
    }

    /// The same, having seen `server` once more.
    pub fn seeing(&self, server: Option<&Server>) -> Self {
        Self {
            status_before: self.status_before.clone(),
            updated_before: self.updated_before.clone(),
            seen_busy: self.seen_busy || server.is_some_and(Server::is_transitional),
        }
    }

    /// The phase of an accepted `request`, given the server now: finished once it is steady
    /// after having been busy, or with another status or `updated` time than before (a fast
    /// cloud may finish between two refreshes).
    pub fn phase(&self, request: &Request, server: Option<&Server>) -> Phase {
        if !request.changes_state() {
            return Phase::Finished;
        }
        match server {
            Some(server)
                if !server.is_transitional()
                    && (self.seen_busy
                        || self.status_before.as_ref() != Some(&server.status)
                        || (server.updated.is_some() && self.updated_before != server.updated)) =>
            {
                Phase::Finished
            }
            _ => Phase::Requested,
        }
    }
}

/// The phase of the last request from the action's state: `succeeded` is `None` until it answers.
pub fn phase_of(
    request: &Request,
    pending: bool,
    succeeded: Option<bool>,
    followed: &Followed,
    server: Option<&Server>,
) -> Phase {
    match (pending, succeeded) {
        (true, _) | (false, None) => Phase::Sending,
        (false, Some(false)) => Phase::Failed,
        (false, Some(true)) => followed.phase(request, server),
    }
}

/// The line focus moves to after an action: how the last request went, and once the server is
/// done with it, where it ended (so "Stop requested" does not stay after the server stopped).
pub fn action_status_text(request: &Request, phase: Phase, server: Option<&Server>) -> String {
    let action = request.describe();
    match phase {
        Phase::Sending => format!("{action}: sending the request…"),
        Phase::Failed => format!("{action} failed: the reason is below."),
        Phase::Requested => format!("{action} requested. The status below follows the server."),
        Phase::Finished if !request.changes_state() => format!("{action} done."),
        Phase::Finished => match server {
            Some(server) if server.status == ServerStatus::VerifyResize => format!(
                "{action} done: the server now waits for you to confirm it or revert it (below)."
            ),
            Some(server) => format!("{action} done: the server is {}.", status_text(server)),
            None => format!("{action} done."),
        },
    }
}

/// The status in plain words ("running", "stopped"), for the lines that say why something is
/// not offered; Nova's code where no plain word exists.
pub fn status_words(status: &ServerStatus) -> String {
    use ServerStatus::*;
    match status {
        Active => "running",
        Build => "being built",
        Deleted | SoftDeleted => "deleted",
        Error => "in error",
        HardReboot | Reboot => "rebooting",
        Migrating => "migrating",
        Paused => "paused",
        Rebuild => "being rebuilt",
        Rescue => "in rescue mode",
        Resize => "being resized",
        RevertResize => "reverting its resize",
        Shelved | ShelvedOffloaded => "shelved",
        Shutoff => "stopped",
        Suspended => "suspended",
        VerifyResize => "waiting for its resize to be confirmed or reverted",
        Password | Unknown | Other(_) => return status.to_string(),
    }
    .to_owned()
}

/// Why the actions card's disabled buttons are disabled, in one visible line, `None` when all
/// are offered. A lock has its own line ([`locked_actions_text`]), so it is not repeated here.
pub fn actions_unavailable_text(server: &Server) -> Option<String> {
    if server.is_locked() {
        return None;
    }
    let refused: Vec<&str> = [
        (START, "Start"),
        (STOP, "Stop"),
        (SOFT_REBOOT, "Reboot (soft)"),
        (HARD_REBOOT, "Reboot (hard)"),
        (Request::Delete, "Delete"),
    ]
    .into_iter()
    .filter(|(request, _)| !request.allowed_for(server))
    .map(|(_, label)| label)
    .collect();
    if refused.is_empty() {
        return None;
    }
    let list = refused.join(", ");
    if matches!(server.task_state, Some(TaskState::Deleting)) {
        return Some(format!("Not offered: {list}. The server is being deleted."));
    }
    if server.is_transitional() {
        let doing = server
            .task_state
            .as_ref()
            .map_or_else(|| status_words(&server.status), ToString::to_string);
        return Some(format!(
            "Not offered while the server is busy ({doing}): {list}. They return once it is done."
        ));
    }
    let needs = |label: &str| match label {
        "Start" => "stopped",
        "Stop" => "running or in error",
        "Reboot (soft)" => "running",
        _ => "running, stopped, paused, suspended or in error",
    };
    let reasons: Vec<String> = refused
        .iter()
        .map(|label| format!("{label} (needs it {})", needs(label)))
        .collect();
    Some(format!(
        "Not offered while the server is {}: {}.",
        status_words(&server.status),
        reasons.join(", ")
    ))
}

/// The requests that are confirmed first: they cannot be undone, or they stop or interrupt the
/// guest (stop, reboots, pause, suspend, shelve, and reverting a resize, which also drops what
/// was written since). Starting a guest again (start, unpause, resume, unshelve) does not ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    Delete,
    HardReboot,
    SoftReboot,
    Stop,
    Pause,
    Suspend,
    Shelve,
    RevertResize,
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

/// What a stopped guest keeps, said the same way for stop, suspend and pause.
const STILL_CHARGED: &str =
    "Its disks and addresses are kept, and the cloud may still charge for it";

impl Confirm {
    /// The manage card's action this confirms, if it is one of the card's.
    pub fn manage(self) -> Option<Manage> {
        match self {
            Self::Pause => Some(Manage::Pause),
            Self::Suspend => Some(Manage::Suspend),
            Self::Shelve => Some(Manage::Shelve),
            Self::RevertResize => Some(Manage::RevertResize),
            Self::Delete | Self::HardReboot | Self::SoftReboot | Self::Stop => None,
        }
    }

    /// The confirmation the manage card's `manage` asks first with, if it asks.
    pub fn of_manage(manage: Manage) -> Option<Self> {
        [Self::Pause, Self::Suspend, Self::Shelve, Self::RevertResize]
            .into_iter()
            .find(|confirm| confirm.manage() == Some(manage))
    }

    pub fn request(self) -> Request {
        match self {
            Self::Delete => Request::Delete,
            Self::HardReboot => HARD_REBOOT,
            Self::SoftReboot => SOFT_REBOOT,
            Self::Stop => STOP,
            Self::Pause => Request::Plain(PlainAction::Pause),
            Self::Suspend => Request::Plain(PlainAction::Suspend),
            Self::Shelve => Request::Plain(PlainAction::Shelve),
            Self::RevertResize => Request::Plain(PlainAction::RevertResize),
        }
    }

    /// The button that opened the confirmation: focus returns there when it is cancelled.
    pub fn opener_id(self) -> &'static str {
        match self {
            Self::Delete => "action-delete",
            Self::HardReboot => "action-reboot-hard",
            Self::SoftReboot => "action-reboot-soft",
            Self::Stop => "action-stop",
            Self::Pause => Manage::Pause.id(),
            Self::Suspend => Manage::Suspend.id(),
            Self::Shelve => Manage::Shelve.id(),
            Self::RevertResize => Manage::RevertResize.id(),
        }
    }

    pub fn ids(self) -> ConfirmIds {
        let ids = |text, confirm, cancel| ConfirmIds {
            text,
            confirm,
            cancel,
        };
        match self {
            Self::Delete => ids("confirm-delete-text", "confirm-delete", "cancel-delete"),
            Self::HardReboot => ids(
                "confirm-reboot-hard-text",
                "confirm-reboot-hard",
                "cancel-reboot-hard",
            ),
            Self::SoftReboot => ids(
                "confirm-reboot-soft-text",
                "confirm-reboot-soft",
                "cancel-reboot-soft",
            ),
            Self::Stop => ids("confirm-stop-text", "confirm-stop", "cancel-stop"),
            Self::Pause => ids("confirm-pause-text", "confirm-pause", "cancel-pause"),
            Self::Suspend => ids("confirm-suspend-text", "confirm-suspend", "cancel-suspend"),
            Self::Shelve => ids("confirm-shelve-text", "confirm-shelve", "cancel-shelve"),
            Self::RevertResize => ids(
                "confirm-revert-resize-text",
                "confirm-revert-resize",
                "cancel-revert-resize",
            ),
        }
    }

    pub fn confirm_label(self) -> &'static str {
        match self {
            Self::Delete => "Delete server",
            Self::HardReboot => "Reboot (hard)",
            Self::SoftReboot => "Reboot (soft)",
            Self::Stop => "Stop server",
            Self::Pause => "Pause server",
            Self::Suspend => "Suspend server",
            Self::Shelve => "Shelve server",
            Self::RevertResize => "Revert resize",
        }
    }

    /// Whether the confirm button is styled as dangerous: it loses data.
    pub fn is_dangerous(self) -> bool {
        matches!(self, Self::Delete | Self::HardReboot | Self::RevertResize)
    }

    /// The question: what exactly will happen to `server` (a resize being reverted goes back to
    /// `flavors.old`).
    pub fn question(self, server: &Server, flavors: &ResizeFlavors) -> Question {
        let name = shown_name(server);
        let (lead, detail) = match self {
            Self::Delete => (
                "Delete server ",
                format!("? {} This cannot be undone.", delete_consequences(server)),
            ),
            Self::HardReboot => (
                "Hard reboot server ",
                "? This cuts the guest's power, like pulling the plug: anything not yet \
                 written to disk is lost, and its file systems may need a check when it \
                 starts again. Reboot (soft) asks its operating system to restart cleanly \
                 instead."
                    .to_owned(),
            ),
            Self::SoftReboot => (
                "Reboot server ",
                "? Its operating system restarts cleanly: programs are closed and \
                 connections to it drop until it is back, usually within a minute or two."
                    .to_owned(),
            ),
            Self::Stop => (
                "Stop server ",
                format!(
                    "? Its operating system shuts down: whatever it serves is unavailable until \
                     you start it again. {STILL_CHARGED} while it is stopped."
                ),
            ),
            Self::Pause => (
                "Pause server ",
                format!(
                    "? It is frozen where it is: it stops running and answering at once, while \
                     its memory stays in the host's RAM; Unpause lets it go on where it \
                     stopped. Connections to it may time out meanwhile. {STILL_CHARGED} while \
                     it is paused."
                ),
            ),
            Self::Suspend => (
                "Suspend server ",
                format!(
                    "? Its memory is saved to disk and it stops running: whatever it serves is \
                     unavailable until you resume it, which brings it back as it was (open \
                     connections will have dropped). {STILL_CHARGED} while it is suspended."
                ),
            ),
            Self::Shelve => {
                // A server on a volume keeps its disk where it is: no image is made, nothing on
                // a disk is lost.
                let disk = if server.may_boot_from_volume() {
                    "It boots from a volume, so no image is saved: its boot volume stays in \
                     your project with all its data, and no disk is lost."
                } else {
                    "Its system disk is saved as an image, and it stays in your project \
                     meanwhile."
                };
                (
                    "Shelve server ",
                    format!(
                        "? It is shut down and its host's vCPUs and RAM are released: what is in \
                         its memory is lost, and whatever it serves is unavailable until you \
                         unshelve it, which takes a while (it is started again, perhaps on \
                         another host). {disk}"
                    ),
                )
            }
            Self::RevertResize => {
                let restart = if resized_while_stopped(server) {
                    "it stays stopped"
                } else {
                    "it restarts"
                };
                let disk = if server.may_boot_from_volume() {
                    "It boots from a volume: its disk keeps everything written since the \
                     resize, only the vCPUs and RAM go back."
                } else {
                    "Whatever was written to its local system disk since the resize is lost; \
                     volumes keep their data."
                };
                (
                    "Revert the resize of server ",
                    format!(
                        "? It goes back to {}, as it was before the resize, and {restart}. \
                         {disk}",
                        flavors.old_name()
                    ),
                )
            }
        };
        Question { lead, name, detail }
    }
}

/// Why the power actions are disabled on a locked server, `None` when it is not locked.
pub fn locked_actions_text(server: &Server) -> Option<&'static str> {
    server
        .is_locked()
        .then_some("Locked: unlock it under Manage to start, stop, reboot or delete it.")
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
        let question = Confirm::Delete.question(&web, &ResizeFlavors::default());
        assert_eq!(
            (question.lead, question.name.as_str()),
            ("Delete server ", "web")
        );
        let detail = question.detail;
        assert!(detail.starts_with("? Its boot volume is kept"), "{detail}");
        assert!(!detail.contains("when it was created"), "{detail}");
        assert!(detail.ends_with("This cannot be undone."), "{detail}");
        let question = Confirm::HardReboot.question(&web, &ResizeFlavors::default());
        assert_eq!(question.lead, "Hard reboot server ");
        assert!(
            question.detail.contains("cuts the guest's power"),
            "{}",
            question.detail
        );
        // A server without a name is named by its id.
        let unnamed = server(r#"{"id": "abc", "name": ""}"#);
        assert_eq!(
            Confirm::Delete
                .question(&unnamed, &ResizeFlavors::default())
                .name,
            "abc"
        );
    }

    #[test]
    fn the_action_status_follows_the_server_until_it_is_done() {
        let active = server(r#"{"id": "1", "status": "ACTIVE"}"#);
        let stopping =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}"#);
        let stopped = server(r#"{"id": "1", "status": "SHUTOFF"}"#);
        let phase = |followed: &Followed, now: &Server| {
            phase_of(&STOP, false, Some(true), followed, Some(now))
        };
        assert_eq!(
            phase_of(&STOP, true, None, &Followed::default(), None),
            Phase::Sending
        );
        assert_eq!(
            phase_of(&STOP, false, Some(false), &Followed::default(), None),
            Phase::Failed
        );
        let followed = Followed::from(Some(&active));
        // Accepted, the refresh still shows it as it was: not done yet.
        assert_eq!(phase(&followed, &active), Phase::Requested);
        let followed = followed.seeing(Some(&stopping));
        assert_eq!(phase(&followed, &stopping), Phase::Requested);
        let followed = followed.seeing(Some(&stopped));
        assert_eq!(phase(&followed, &stopped), Phase::Finished);
        // A fast cloud finishes between two refreshes: the new status tells.
        assert_eq!(
            phase(&Followed::from(Some(&active)), &stopped),
            Phase::Finished
        );
        // A reboot ends where it began: only having seen it busy tells it is done.
        let rebooting =
            server(r#"{"id": "1", "status": "REBOOT", "OS-EXT-STS:task_state": "rebooting"}"#);
        let followed = Followed::from(Some(&active));
        assert_eq!(
            followed.phase(&SOFT_REBOOT, Some(&active)),
            Phase::Requested
        );
        let followed = followed.seeing(Some(&rebooting)).seeing(Some(&active));
        assert_eq!(followed.phase(&SOFT_REBOOT, Some(&active)), Phase::Finished);
        // A reboot finished between two refreshes: only Nova's `updated` time moved.
        let before =
            server(r#"{"id": "1", "status": "ACTIVE", "updated": "2026-12-03T17:49:01Z"}"#);
        let after = server(r#"{"id": "1", "status": "ACTIVE", "updated": "2026-12-03T17:49:04Z"}"#);
        let followed = Followed::from(Some(&before));
        assert_eq!(
            followed.phase(&SOFT_REBOOT, Some(&before)),
            Phase::Requested
        );
        assert_eq!(followed.phase(&SOFT_REBOOT, Some(&after)), Phase::Finished);
        // Rename and lock are done when the cloud answers.
        let rename = Request::Rename(UpdateServer::rename("web-2", None));
        assert_eq!(
            Followed::from(Some(&active)).phase(&rename, Some(&active)),
            Phase::Finished
        );
    }

    #[test]
    fn the_action_status_text_does_not_stay_at_requested() {
        let stopped = server(r#"{"id": "1", "status": "SHUTOFF"}"#);
        assert_eq!(
            action_status_text(&STOP, Phase::Sending, None),
            "Stop: sending the request…"
        );
        assert_eq!(
            action_status_text(&HARD_REBOOT, Phase::Requested, None),
            "Hard reboot requested. The status below follows the server."
        );
        assert_eq!(
            action_status_text(&STOP, Phase::Finished, Some(&stopped)),
            "Stop done: the server is SHUTOFF."
        );
        assert_eq!(
            action_status_text(&Request::Delete, Phase::Failed, None),
            "Delete failed: the reason is below."
        );
        let rename = Request::Rename(UpdateServer::rename("web-2", None));
        assert_eq!(
            action_status_text(&rename, Phase::Finished, Some(&stopped)),
            "Rename done."
        );
        assert_eq!(
            action_status_text(&Request::Plain(PlainAction::Pause), Phase::Requested, None),
            "Pause requested. The status below follows the server."
        );
    }

    #[test]
    fn stop_and_soft_reboot_are_confirmed_too() {
        let web = server(r#"{"id": "1", "name": "web", "status": "ACTIVE"}"#);
        assert_eq!(Confirm::Stop.request(), STOP);
        assert_eq!(Confirm::SoftReboot.request(), SOFT_REBOOT);
        let stop = Confirm::Stop.question(&web, &ResizeFlavors::default());
        assert_eq!((stop.lead, stop.name.as_str()), ("Stop server ", "web"));
        assert!(
            stop.detail.contains("until you start it again"),
            "{}",
            stop.detail
        );
        let reboot = Confirm::SoftReboot.question(&web, &ResizeFlavors::default());
        assert!(
            reboot.detail.contains("restarts cleanly"),
            "{}",
            reboot.detail
        );
        let ids = [
            Confirm::Delete,
            Confirm::HardReboot,
            Confirm::SoftReboot,
            Confirm::Stop,
        ]
        .map(|confirm| confirm.ids().confirm);
        assert_eq!(
            ids,
            [
                "confirm-delete",
                "confirm-reboot-hard",
                "confirm-reboot-soft",
                "confirm-stop"
            ]
        );
    }

    #[test]
    fn a_locked_server_refuses_the_power_actions_and_says_why() {
        let locked = server(r#"{"id": "1", "status": "ACTIVE", "locked": true}"#);
        for request in [START, STOP, SOFT_REBOOT, HARD_REBOOT, Request::Delete] {
            assert!(!request.allowed_for(&locked), "{request:?}");
        }
        assert_eq!(
            locked_actions_text(&locked),
            Some("Locked: unlock it under Manage to start, stop, reboot or delete it.")
        );
        let unlocked = server(r#"{"id": "1", "status": "ACTIVE", "locked": false}"#);
        assert!(STOP.allowed_for(&unlocked));
        assert_eq!(locked_actions_text(&unlocked), None);
    }

    #[test]
    fn every_action_that_stops_the_guest_asks_first() {
        use Manage::*;
        let asking: Vec<Manage> = [
            Rename,
            Resize,
            ConfirmResize,
            RevertResize,
            Snapshot,
            Rebuild,
            Lock,
            Unlock,
            Pause,
            Unpause,
            Suspend,
            Resume,
            Shelve,
            Unshelve,
        ]
        .into_iter()
        .filter(|manage| Confirm::of_manage(*manage).is_some())
        .collect();
        // Resize and rebuild ask in their dialogs; the ways back start the guest again.
        assert_eq!(asking, [RevertResize, Pause, Suspend, Shelve]);
        for manage in asking {
            let confirm = Confirm::of_manage(manage).unwrap();
            assert_eq!(confirm.opener_id(), manage.id());
            assert_eq!(
                confirm.request(),
                Request::Plain(manage.plain().expect("a bodiless action"))
            );
            assert_eq!(
                confirm.ids().confirm,
                manage.id().replace("manage-", "confirm-")
            );
        }
        let web = server(r#"{"id": "1", "name": "web", "status": "ACTIVE", "image": {"id": "i"}}"#);
        let none = ResizeFlavors::default();
        let pause = Confirm::Pause.question(&web, &none);
        assert_eq!((pause.lead, pause.name.as_str()), ("Pause server ", "web"));
        assert!(
            pause.detail.contains("memory stays in the host's RAM"),
            "{}",
            pause.detail
        );
        let suspend = Confirm::Suspend.question(&web, &none).detail;
        assert!(
            suspend.contains("memory is saved to disk") && suspend.contains("until you resume it"),
            "{suspend}"
        );
        let shelve = Confirm::Shelve.question(&web, &none).detail;
        assert!(
            shelve.contains("vCPUs and RAM are released")
                && shelve.contains("takes a while")
                && shelve.contains("system disk is saved as an image"),
            "{shelve}"
        );
        let from_volume = server(r#"{"id": "1", "name": "db", "status": "ACTIVE", "image": ""}"#);
        let shelve_volume = Confirm::Shelve.question(&from_volume, &none).detail;
        assert!(
            shelve_volume.contains("no image is saved")
                && shelve_volume.contains("its boot volume stays in your project")
                && shelve_volume.contains("no disk is lost")
                && !shelve_volume.contains("saved as an image"),
            "{shelve_volume}"
        );
        let verify = server(
            r#"{"id": "1", "name": "web", "status": "VERIFY_RESIZE", "OS-EXT-STS:power_state": 4,
                "image": {"id": "i"}}"#,
        );
        let flavors = ResizeFlavors {
            old: Some("m1.small".into()),
            new: Some("m1.medium".into()),
        };
        let revert = Confirm::RevertResize.question(&verify, &flavors);
        assert_eq!(revert.lead, "Revert the resize of server ");
        assert!(
            revert.detail.starts_with(
                "? It goes back to m1.small, as it was before the resize, and it stays stopped."
            ),
            "{}",
            revert.detail
        );
        assert!(
            revert
                .detail
                .contains("local system disk since the resize is lost"),
            "{}",
            revert.detail
        );
        assert!(Confirm::RevertResize.is_dangerous() && !Confirm::Pause.is_dangerous());
    }

    #[test]
    fn a_server_on_a_volume_loses_no_disk_to_shelve_or_revert() {
        // As ECS shows it: the image its boot volume was made from, and that volume attached.
        let ecs = server(
            r#"{"id": "1", "name": "db", "status": "VERIFY_RESIZE", "image": {"id": "i"},
                "os-extended-volumes:volumes_attached": [{"id": "root"}]}"#,
        );
        let none = ResizeFlavors::default();
        let shelve = Confirm::Shelve.question(&ecs, &none).detail;
        assert!(
            shelve.contains("no image is saved") && !shelve.contains("saved as an image"),
            "{shelve}"
        );
        let revert = Confirm::RevertResize.question(&ecs, &none).detail;
        assert!(
            revert.contains("its disk keeps everything written since the resize")
                && !revert.contains("is lost"),
            "{revert}"
        );
    }

    #[test]
    fn the_title_shows_the_status_badge_and_the_lock() {
        let locked = server(r#"{"id": "1", "status": "ACTIVE", "locked": true}"#);
        assert_eq!(
            title_badges(&locked),
            TitleBadges {
                status: "ACTIVE".into(),
                status_class: status_class(&locked),
                locked: true,
            }
        );
        let stopping =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}"#);
        let badges = title_badges(&stopping);
        assert_eq!(
            (badges.status.as_str(), badges.status_class, badges.locked),
            ("ACTIVE (powering-off)", status_class(&stopping), false)
        );
    }

    #[test]
    fn disabled_power_actions_say_why() {
        let active = server(r#"{"id": "1", "status": "ACTIVE"}"#);
        assert_eq!(
            actions_unavailable_text(&active).as_deref(),
            Some("Not offered while the server is running: Start (needs it stopped).")
        );
        let paused = server(r#"{"id": "1", "status": "PAUSED"}"#);
        assert_eq!(
            actions_unavailable_text(&paused).as_deref(),
            Some(
                "Not offered while the server is paused: Start (needs it stopped), \
                 Stop (needs it running or in error), Reboot (soft) (needs it running)."
            )
        );
        let stopping =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}"#);
        let busy = actions_unavailable_text(&stopping).unwrap();
        assert!(
            busy.starts_with("Not offered while the server is busy (powering-off): Start, Stop"),
            "{busy}"
        );
        // A lock has its own line.
        let locked = server(r#"{"id": "1", "status": "ACTIVE", "locked": true}"#);
        assert_eq!(actions_unavailable_text(&locked), None);
        // Every disabled power action is named in the line.
        for status in [
            "ACTIVE",
            "SHUTOFF",
            "PAUSED",
            "SUSPENDED",
            "ERROR",
            "SHELVED",
        ] {
            let now = server(&format!(r#"{{"id": "1", "status": "{status}"}}"#));
            let text = actions_unavailable_text(&now).unwrap_or_default();
            for (request, label) in [
                (START, "Start"),
                (STOP, "Stop"),
                (SOFT_REBOOT, "Reboot (soft)"),
                (HARD_REBOOT, "Reboot (hard)"),
            ] {
                assert_eq!(
                    !request.allowed_for(&now),
                    text.contains(&format!("{label} (")),
                    "{status} {label}: {text}"
                );
            }
        }
    }

    #[test]
    fn a_resize_waiting_for_confirmation_says_so_in_words() {
        let verify = server(r#"{"id": "1", "status": "VERIFY_RESIZE"}"#);
        let resize = Request::Resize {
            flavor_id: "2".into(),
        };
        let line = action_status_text(&resize, Phase::Finished, Some(&verify));
        assert_eq!(
            line,
            "Resize done: the server now waits for you to confirm it or revert it (below)."
        );
        assert!(!line.contains("VERIFY_RESIZE"));
        assert_eq!(status_words(&ServerStatus::Shutoff), "stopped");
        assert_eq!(status_words(&ServerStatus::ShelvedOffloaded), "shelved");
        assert_eq!(status_words(&ServerStatus::Other("WEIRD".into())), "WEIRD");
    }
}
