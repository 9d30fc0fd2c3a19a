//! The manage card's rules as plain Rust, tested natively: which day-two actions Nova accepts in
//! which state, what each one does in a line, and the checks of the rename, snapshot, rebuild,
//! lock and resize dialogs.

use ecs_api::models::{AbsoluteLimits, Flavor, Image, Server};
use ecs_api::requests::{
    DESCRIPTION_MICROVERSION, LOCKED_REASON_MICROVERSION, LockServer, PlainAction, UpdateServer,
};
use ecs_api::status::{PowerState, ServerStatus};
use ecs_api::validate::{self, description_text};
use ecs_api::{CONSOLE_MICROVERSION, Microversion};

use crate::components::format::ram_text;
use crate::server_details::logic::status_words;

/// The day-two actions of the manage card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Manage {
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
}

impl Manage {
    /// The pairs offered one way or the other, in the card's order: the first of each pair is
    /// the one shown when neither applies.
    pub const PAIRS: [(Self, Self); 4] = [
        (Self::Lock, Self::Unlock),
        (Self::Pause, Self::Unpause),
        (Self::Suspend, Self::Resume),
        (Self::Shelve, Self::Unshelve),
    ];

    pub fn from_plain(action: PlainAction) -> Self {
        match action {
            PlainAction::ConfirmResize => Self::ConfirmResize,
            PlainAction::RevertResize => Self::RevertResize,
            PlainAction::Unlock => Self::Unlock,
            PlainAction::Pause => Self::Pause,
            PlainAction::Unpause => Self::Unpause,
            PlainAction::Suspend => Self::Suspend,
            PlainAction::Resume => Self::Resume,
            PlainAction::Shelve => Self::Shelve,
            PlainAction::Unshelve => Self::Unshelve,
        }
    }

    /// The bodiless action this is, if it is one (the others need a dialog).
    pub fn plain(self) -> Option<PlainAction> {
        PlainAction::ALL
            .into_iter()
            .find(|action| Self::from_plain(*action) == self)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Rename => "Rename",
            Self::Resize => "Resize",
            Self::ConfirmResize => "Confirm resize",
            Self::RevertResize => "Revert resize",
            Self::Snapshot => "Snapshot",
            Self::Rebuild => "Rebuild",
            Self::Lock => "Lock",
            Self::Unlock => "Unlock",
            Self::Pause => "Pause",
            Self::Unpause => "Unpause",
            Self::Suspend => "Suspend",
            Self::Resume => "Resume",
            Self::Shelve => "Shelve",
            Self::Unshelve => "Unshelve",
        }
    }

    /// The button's id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Rename => "manage-rename",
            Self::Resize => "manage-resize",
            Self::ConfirmResize => "manage-confirm-resize",
            Self::RevertResize => "manage-revert-resize",
            Self::Snapshot => "manage-snapshot",
            Self::Rebuild => "manage-rebuild",
            Self::Lock => "manage-lock",
            Self::Unlock => "manage-unlock",
            Self::Pause => "manage-pause",
            Self::Unpause => "manage-unpause",
            Self::Suspend => "manage-suspend",
            Self::Resume => "manage-resume",
            Self::Shelve => "manage-shelve",
            Self::Unshelve => "manage-unshelve",
        }
    }

    /// What it does, in one line beside its button.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Rename => "Changes the name (and description) the console and the API show.",
            Self::Resize => {
                "Moves the server to another flavor (vCPUs, RAM); it restarts, then you confirm or revert."
            }
            Self::ConfirmResize => {
                "Keeps the new size and frees the old one; it cannot be reverted afterwards."
            }
            Self::RevertResize => {
                "Goes back to the old flavor, as the server was before the resize."
            }
            Self::Snapshot => {
                "Saves an image of the server's system disk, to create servers from or rebuild with."
            }
            Self::Rebuild => {
                "Reinstalls the server from an image: everything on its system disk is erased."
            }
            Self::Lock => {
                "Refuses every change to the server (stop, reboot, resize, delete…) until it is unlocked."
            }
            Self::Unlock => "Allows changes to the server again.",
            Self::Pause => {
                "Freezes the server in memory; it keeps its resources and goes on where it stopped."
            }
            Self::Unpause => "Lets the paused server go on where it stopped.",
            Self::Suspend => {
                "Saves the server's memory to disk and stops it; Resume brings it back as it was."
            }
            Self::Resume => "Brings the suspended server back as it was.",
            Self::Shelve => {
                "Stops the server and frees its host, keeping its disk; Unshelve starts it again."
            }
            Self::Unshelve => "Starts the shelved server again from what was kept.",
        }
    }

    /// Whether Nova accepts this action on `server` as last seen: the states its compute API
    /// allows (409 otherwise). A locked server accepts only unlock, rename and snapshot (Nova
    /// checks the lock on the others).
    pub fn offered(self, server: &Server) -> bool {
        use ServerStatus::{
            Active, Error, Paused, Shelved, ShelvedOffloaded, Shutoff, Suspended, VerifyResize,
        };
        let status = &server.status;
        if server.is_transitional() || matches!(status, ServerStatus::Deleted) {
            return false;
        }
        let locked = server.is_locked();
        match self {
            Self::Rename => true,
            Self::Snapshot => matches!(status, Active | Shutoff | Paused | Suspended),
            Self::Unlock => server.locked != Some(false),
            Self::Lock => server.locked != Some(true),
            _ if locked => false,
            Self::Resize => matches!(status, Active | Shutoff),
            Self::ConfirmResize | Self::RevertResize => matches!(status, VerifyResize),
            Self::Rebuild => matches!(status, Active | Shutoff | Error),
            Self::Pause | Self::Suspend => matches!(status, Active),
            Self::Unpause => matches!(status, Paused),
            Self::Resume => matches!(status, Suspended),
            Self::Shelve => matches!(status, Active | Shutoff | Paused | Suspended),
            Self::Unshelve => matches!(status, Shelved | ShelvedOffloaded),
        }
    }

    /// Of a pair, the one to show: the one Nova accepts now, else the first.
    pub fn of_pair(pair: (Self, Self), server: &Server) -> Self {
        if !pair.0.offered(server) && pair.1.offered(server) {
            pair.1
        } else {
            pair.0
        }
    }
}

/// Why `manage` is disabled for `server` now (visible beside its button), `None` when it is
/// offered: busy, locked, the wrong state (said in plain words), or a rebuild this cloud's
/// compute API (up to `max`) cannot do.
pub fn refused_reason(
    manage: Manage,
    server: &Server,
    max: Option<Microversion>,
) -> Option<String> {
    use ServerStatus::Deleted;
    if manage.offered(server) {
        return match manage {
            Manage::Rebuild => rebuild_refused(server, max),
            _ => None,
        };
    }
    let now = status_words(&server.status);
    if server.is_transitional() {
        let doing = server
            .task_state
            .as_ref()
            .map_or_else(|| now.clone(), ToString::to_string);
        return Some(format!(
            "Not now: the server is busy ({doing}); wait until it is done."
        ));
    }
    if server.status == Deleted {
        return Some("The server is deleted.".to_owned());
    }
    let needs = match manage {
        Manage::Lock => return Some("Already locked.".to_owned()),
        Manage::Unlock => return Some("Not locked.".to_owned()),
        _ if server.is_locked() => return Some("Locked: unlock it first.".to_owned()),
        Manage::Snapshot | Manage::Shelve => "running, stopped, paused or suspended",
        Manage::Resize => "running or stopped",
        Manage::Rebuild => "running, stopped or in error",
        Manage::Pause | Manage::Suspend => "running",
        Manage::Unpause => "paused",
        Manage::Resume => "suspended",
        Manage::Unshelve => "shelved",
        Manage::ConfirmResize | Manage::RevertResize => "waiting after a resize",
        Manage::Rename => "not deleted",
    };
    Some(format!(
        "Not offered: it needs the server {needs}; it is {now}."
    ))
}

/// What the card says about the lock, `None` when the server is not locked.
pub fn lock_text(server: &Server, reason: Option<&str>) -> Option<String> {
    if !server.is_locked() {
        return None;
    }
    let reason = reason
        .or(server.locked_reason.as_deref())
        .filter(|reason| !reason.is_empty());
    Some(match reason {
        Some(reason) => format!(
            "Locked ({reason}): changes are refused until it is unlocked; only Unlock, Rename and Snapshot are offered."
        ),
        None => "Locked: changes are refused until it is unlocked; only Unlock, Rename and Snapshot are offered.".to_owned(),
    })
}

/// Whether the server is, and stays, powered off through a resize: stopped before it, or
/// waiting in `VERIFY_RESIZE` powered off. Nova resizes a stopped server without starting it
/// (`finish_resize` powers on only what was not stopped), and confirming or reverting leaves it
/// stopped.
pub fn resized_while_stopped(server: &Server) -> bool {
    match server.status {
        ServerStatus::Shutoff => true,
        ServerStatus::Resize | ServerStatus::VerifyResize | ServerStatus::RevertResize => {
            server.power_state == Some(PowerState::Shutdown)
        }
        _ => false,
    }
}

/// A resize sent from this page: the flavor the server left and the one it asked for. At
/// `VERIFY_RESIZE` Nova shows only the new flavor; its migration records (admin-only by default)
/// carry internal flavor ids and its instance actions none, so what this page sent is the only
/// place the old flavor's name comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartedResize {
    pub from: Option<String>,
    pub to_id: String,
    pub to: Option<String>,
}

impl StartedResize {
    /// A resize of `server` to flavor `to_id`, named from `flavors` where the server does not
    /// name its own (before 2.47 it carries only the flavor's id).
    pub fn of(server: &Server, to_id: &str, flavors: &[Flavor]) -> Self {
        let name_of = |id: &str| {
            flavors
                .iter()
                .find(|flavor| flavor.id == id)
                .map(|flavor| flavor.name.clone())
        };
        let current = server.flavor.as_ref();
        let from = current
            .and_then(|flavor| flavor.original_name.clone())
            .or_else(|| {
                current
                    .and_then(|flavor| flavor.id.as_deref())
                    .and_then(name_of)
            });
        Self {
            from,
            to_id: to_id.to_owned(),
            to: name_of(to_id),
        }
    }
}

/// The two flavors of a resize waiting for confirmation, as far as they are known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResizeFlavors {
    pub old: Option<String>,
    pub new: Option<String>,
}

impl ResizeFlavors {
    /// From the server (it shows the new flavor) and the resize sent from this page, when the
    /// server now shows the flavor that resize asked for (otherwise it was another one).
    pub fn of(server: &Server, started: Option<&StartedResize>) -> Self {
        let shown = server.flavor.as_ref();
        let shown_name = shown.and_then(|flavor| flavor.original_name.clone());
        let shown_id = shown.and_then(|flavor| flavor.id.as_deref());
        let started = started.filter(|started| {
            shown_id == Some(started.to_id.as_str())
                || (shown_name.is_some() && shown_name == started.to)
        });
        Self {
            old: started.and_then(|started| started.from.clone()),
            new: shown_name.or_else(|| started.and_then(|started| started.to.clone())),
        }
    }

    /// The old flavor's name, or honestly "the previous flavor" when this page did not see it.
    pub fn old_name(&self) -> &str {
        self.old.as_deref().unwrap_or("the previous flavor")
    }

    pub fn new_name(&self) -> &str {
        self.new.as_deref().unwrap_or("the new flavor")
    }
}

/// While the server waits in `VERIFY_RESIZE`: where it is and what to do next.
pub fn verify_resize_text(server: &Server, flavors: &ResizeFlavors) -> Option<String> {
    (server.status == ServerStatus::VerifyResize).then(|| {
        let (new, old) = (flavors.new_name(), flavors.old_name());
        if resized_while_stopped(server) {
            format!(
                "The server has moved to {new} and is still stopped, as it was before the resize. Confirm to keep {new} or revert to go back to {old}: either way it stays stopped until you start it. Some clouds confirm by themselves after a while."
            )
        } else {
            format!(
                "The server runs on {new}. Confirm to keep it (the old flavor is freed), or revert to go back to {old}. Some clouds confirm by themselves after a while."
            )
        }
    })
}

/// The line beside an action's button: [`Manage::explanation`], except where the server's state
/// changes it (a stopped server's resize) or the flavors of a waiting resize can be named.
pub fn manage_line(manage: Manage, server: Option<&Server>, flavors: &ResizeFlavors) -> String {
    let stopped = server.is_some_and(resized_while_stopped);
    let (new, old) = (flavors.new_name(), flavors.old_name());
    match manage {
        Manage::Resize if stopped => "Moves the stopped server to another flavor (vCPUs, RAM) without starting it; then you confirm or revert, and it stays stopped.".to_owned(),
        Manage::ConfirmResize => {
            format!("Confirm: keeps {new} and frees {old}; it cannot be reverted afterwards.")
        }
        Manage::RevertResize => {
            let restart = if stopped { "it stays stopped" } else { "it restarts" };
            // A server on a volume keeps its disk through the revert.
            let disk = if server.is_some_and(Server::may_boot_from_volume) {
                "its boot volume keeps what was written since"
            } else {
                "what was written to its local system disk since the resize is lost"
            };
            format!(
                "Revert: back to {old}, as the server was before the resize; {restart}, and {disk}."
            )
        }
        other => other.explanation().to_owned(),
    }
}

/// The resize dialog's first line: the current flavor, and what the resize does to the server.
pub fn resize_dialog_text(current: &CurrentFlavor, stopped: bool) -> String {
    let name = current.name.as_deref().unwrap_or("an unnamed flavor");
    if stopped {
        format!(
            "Now: {name}. The server stays stopped: it moves to the new flavor without starting, then waits for you to confirm or revert, and is still stopped after either."
        )
    } else {
        format!(
            "Now: {name}. The server restarts on the new flavor, then waits for you to confirm or revert."
        )
    }
}

/// Whether `max` (the cloud's highest microversion) serves `wanted`. A cloud whose version
/// document did not say (`None`) serves at least the console's own microversion, which every
/// request carries.
pub fn cloud_supports(max: Option<Microversion>, wanted: Microversion) -> bool {
    max.unwrap_or(CONSOLE_MICROVERSION) >= wanted
}

/// The microversion a rebuild of `server` with another image needs: a server that boots from a
/// volume is reimaged from 2.93 on (Nova refuses another image before).
pub const REBUILD_VOLUME_MICROVERSION: Microversion = Microversion::new(2, 93);

/// Why this cloud cannot rebuild `server`, `None` when it can: a server that boots from a
/// volume takes another image only from 2.93 on (Nova refuses it before).
pub fn rebuild_refused(server: &Server, max: Option<Microversion>) -> Option<String> {
    (server.may_boot_from_volume() && !cloud_supports(max, REBUILD_VOLUME_MICROVERSION)).then(|| {
        format!(
            "This server boots from a volume, and this cloud's compute API (up to {}) cannot put another image on it: that needs {REBUILD_VOLUME_MICROVERSION}. Create a new server from the image instead.",
            max.unwrap_or(CONSOLE_MICROVERSION)
        )
    })
}

/// The microversion to send a rebuild of `server` at.
pub fn rebuild_microversion(server: &Server) -> Microversion {
    if server.may_boot_from_volume() {
        REBUILD_VOLUME_MICROVERSION
    } else {
        CONSOLE_MICROVERSION
    }
}

// ---------------------------------------------------------------- rename

/// The rename dialog's fields checked: the request, or the messages per field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenameErrors {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// The rename request for `name` and, when the cloud takes one (2.19+), `description`.
pub fn rename_request(
    name: &str,
    description: &str,
    max: Option<Microversion>,
) -> Result<UpdateServer, RenameErrors> {
    let with_description = cloud_supports(max, DESCRIPTION_MICROVERSION);
    let errors = RenameErrors {
        name: validate::server_name(name).err().map(|error| error.message),
        description: with_description
            .then(|| description_text("description", "description", description).err())
            .flatten()
            .map(|error| error.message),
    };
    if errors != RenameErrors::default() {
        return Err(errors);
    }
    Ok(UpdateServer::rename(
        name,
        with_description.then(|| description.to_owned()),
    ))
}

// ---------------------------------------------------------------- snapshot

/// The default snapshot name: the server's, with the date.
pub fn default_snapshot_name(server_name: &str, date: &str) -> String {
    format!("{server_name}-snapshot-{date}")
}

/// A snapshot name as Nova's schema allows it.
pub fn snapshot_name_error(name: &str) -> Option<String> {
    validate::server_name(name).err().map(|error| {
        error
            .message
            .replace("server name", "image name")
            .replace("Enter a image", "Enter an image")
    })
}

/// Where a watched snapshot image is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageProgress {
    /// Still being saved (queued, saving, uploading...): keep watching.
    Saving,
    Active,
    /// Failed or gone (killed, deleted...): stop watching.
    Failed,
}

/// Glance's and Nova's image statuses (any case) as progress.
pub fn image_progress(status: Option<&str>) -> ImageProgress {
    match status.map(str::to_ascii_lowercase).as_deref() {
        Some("active") => ImageProgress::Active,
        Some("killed" | "deleted" | "pending_delete" | "error" | "deactivated") => {
            ImageProgress::Failed
        }
        _ => ImageProgress::Saving,
    }
}

/// The line under the snapshot: the image's status and what to do next.
pub fn snapshot_status_text(name: &str, status: Option<&str>) -> String {
    let status_word = status.unwrap_or("unknown");
    match image_progress(status) {
        ImageProgress::Saving => {
            format!("Image {name} is being saved (status: {status_word}). This page watches it.")
        }
        ImageProgress::Active => format!(
            "Image {name} is active: you can create servers from it or rebuild a server with it."
        ),
        ImageProgress::Failed => format!(
            "Image {name} was not saved (status: {status_word}). Try again, or ask your cloud administrator."
        ),
    }
}

// ---------------------------------------------------------------- rebuild

/// Why an image cannot rebuild this server, `None` when it can: as Nova checks, the flavor's RAM
/// must meet the image's minimum, and a local system disk (a server booted from an image, on a
/// flavor whose root disk is not 0) must hold the image. What the server does not say (its
/// flavor before 2.47) is left to the cloud.
pub fn rebuild_unfit_reason(image: &Image, server: &Server) -> Option<String> {
    let flavor = server.flavor.as_ref()?;
    let ram = flavor
        .ram
        .and_then(|ram| validate::flavor_ram(ram, image.min_ram).err());
    let disk = flavor
        .disk
        .filter(|_| !server.is_volume_backed())
        .and_then(|disk| validate::flavor_disk(disk, image.min_disk, image.size).err());
    ram.or(disk).map(|error| error.message)
}

/// The rebuild dialog's warning, naming the server and keeping its key pair.
pub fn rebuild_warning(server: &Server) -> String {
    let key = match server.key_name.as_deref() {
        Some(key) if !key.is_empty() => format!(" It keeps its key pair {key}."),
        _ => String::new(),
    };
    format!(
        "Everything on the system disk of {} is erased and replaced by the image; data disks stay as they are. This cannot be undone.{key}",
        crate::servers::logic::shown_name(server)
    )
}

// ---------------------------------------------------------------- lock

/// The lock request, and at which microversion: with the reason only when the cloud serves 2.73
/// (older clouds lock without one).
pub fn lock_request(reason: &str, max: Option<Microversion>) -> (LockServer, Option<Microversion>) {
    let with_reason = cloud_supports(max, LOCKED_REASON_MICROVERSION);
    let request = LockServer::new(reason, with_reason);
    let microversion = request
        .locked_reason
        .is_some()
        .then_some(LOCKED_REASON_MICROVERSION);
    (request, microversion)
}

/// The reason field's error (Nova's limit), `None` when fine.
pub fn lock_reason_error(reason: &str) -> Option<String> {
    description_text("locked_reason", "reason", reason.trim())
        .err()
        .map(|error| error.message)
}

// ---------------------------------------------------------------- resize

/// The server's flavor as it carries it (2.47+ embeds name, vCPUs and RAM).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CurrentFlavor {
    pub name: Option<String>,
    pub vcpus: u64,
    pub ram: u64,
}

impl CurrentFlavor {
    pub fn of(server: &Server) -> Self {
        let flavor = server.flavor.as_ref();
        Self {
            name: flavor.and_then(|flavor| flavor.original_name.clone()),
            vcpus: flavor.and_then(|flavor| flavor.vcpus).unwrap_or(0),
            ram: flavor.and_then(|flavor| flavor.ram).unwrap_or(0),
        }
    }

    fn is(&self, flavor: &Flavor) -> bool {
        self.name.as_deref() == Some(flavor.name.as_str())
    }
}

/// Why `flavor` cannot be the server's new one, `None` when it can: it is the current one, its
/// RAM is below the image's minimum, or what it adds to the current flavor (vCPUs, RAM) is more
/// than the quota has left.
pub fn resize_unfit_reason(
    flavor: &Flavor,
    current: &CurrentFlavor,
    image_min_ram: u64,
    limits: Option<&AbsoluteLimits>,
) -> Option<String> {
    if current.is(flavor) {
        return Some("The server's current flavor.".to_owned());
    }
    if let Err(error) = validate::flavor_ram(flavor.ram, image_min_ram) {
        return Some(error.message);
    }
    let limits = limits?;
    let more_vcpus = flavor.vcpus.saturating_sub(current.vcpus);
    let more_ram = flavor.ram.saturating_sub(current.ram);
    let over = |needed: u64, remaining: Option<i64>| {
        remaining.filter(|left| i64::try_from(needed).map_or(true, |needed| needed > *left))
    };
    if let Some(left) = over(more_vcpus, limits.cores_remaining()) {
        let plural = if more_vcpus == 1 { "" } else { "s" };
        return Some(format!(
            "This flavor needs {more_vcpus} more vCPU{plural} than the current one; your quota allows {} more.",
            left.max(0)
        ));
    }
    if let Some(left) = over(more_ram, limits.ram_remaining()) {
        return Some(format!(
            "This flavor needs {} more RAM than the current one; your quota allows {} more.",
            ram_text(more_ram),
            ram_text(u64::try_from(left).unwrap_or(0))
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(json: &str) -> Server {
        serde_json::from_str(json).expect("test server decodes")
    }

    fn offered(server: &Server) -> Vec<Manage> {
        EVERY
            .into_iter()
            .filter(|manage| manage.offered(server))
            .collect()
    }

    #[test]
    fn each_state_offers_what_nova_accepts() {
        use Manage::*;
        let active = server(r#"{"id": "1", "status": "ACTIVE", "locked": false}"#);
        assert_eq!(
            offered(&active),
            [
                Rename, Resize, Snapshot, Rebuild, Lock, Pause, Suspend, Shelve
            ]
        );
        let stopped = server(r#"{"id": "1", "status": "SHUTOFF", "locked": false}"#);
        assert_eq!(
            offered(&stopped),
            [Rename, Resize, Snapshot, Rebuild, Lock, Shelve]
        );
        let paused = server(r#"{"id": "1", "status": "PAUSED", "locked": false}"#);
        assert_eq!(offered(&paused), [Rename, Snapshot, Lock, Unpause, Shelve]);
        let suspended = server(r#"{"id": "1", "status": "SUSPENDED", "locked": false}"#);
        assert_eq!(
            offered(&suspended),
            [Rename, Snapshot, Lock, Resume, Shelve]
        );
        let shelved = server(r#"{"id": "1", "status": "SHELVED_OFFLOADED", "locked": false}"#);
        assert_eq!(offered(&shelved), [Rename, Lock, Unshelve]);
        let verify = server(r#"{"id": "1", "status": "VERIFY_RESIZE", "locked": false}"#);
        assert_eq!(
            offered(&verify),
            [Rename, ConfirmResize, RevertResize, Lock]
        );
        let failed = server(r#"{"id": "1", "status": "ERROR", "locked": false}"#);
        assert_eq!(offered(&failed), [Rename, Rebuild, Lock]);
        // Busy: nothing until it settles.
        let resizing = server(
            r#"{"id": "1", "status": "RESIZE", "OS-EXT-STS:task_state": "resize_migrating"}"#,
        );
        assert_eq!(offered(&resizing), []);
        let snapshotting = server(
            r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "image_uploading"}"#,
        );
        assert_eq!(offered(&snapshotting), []);
    }

    const EVERY: [Manage; 14] = [
        Manage::Rename,
        Manage::Resize,
        Manage::ConfirmResize,
        Manage::RevertResize,
        Manage::Snapshot,
        Manage::Rebuild,
        Manage::Lock,
        Manage::Unlock,
        Manage::Pause,
        Manage::Unpause,
        Manage::Suspend,
        Manage::Resume,
        Manage::Shelve,
        Manage::Unshelve,
    ];

    #[test]
    fn every_disabled_action_says_why() {
        let at_2_67 = Some(Microversion::new(2, 67));
        for json in [
            r#"{"id": "1", "status": "ACTIVE", "locked": false, "image": {"id": "i"}}"#,
            r#"{"id": "1", "status": "PAUSED", "locked": false, "image": {"id": "i"}}"#,
            r#"{"id": "1", "status": "SHELVED_OFFLOADED", "locked": false, "image": {"id": "i"}}"#,
            r#"{"id": "1", "status": "ACTIVE", "locked": true, "image": {"id": "i"}}"#,
            r#"{"id": "1", "status": "RESIZE", "OS-EXT-STS:task_state": "resize_migrating"}"#,
        ] {
            let now = server(json);
            for manage in EVERY {
                assert_eq!(
                    refused_reason(manage, &now, at_2_67).is_some(),
                    !manage.offered(&now),
                    "{manage:?} on {json}"
                );
            }
        }
        let paused = server(r#"{"id": "1", "status": "PAUSED", "locked": false}"#);
        assert_eq!(
            refused_reason(Manage::Resize, &paused, None).as_deref(),
            Some("Not offered: it needs the server running or stopped; it is paused.")
        );
        assert_eq!(
            refused_reason(Manage::Suspend, &paused, None).as_deref(),
            Some("Not offered: it needs the server running; it is paused.")
        );
        let locked = server(r#"{"id": "1", "status": "ACTIVE", "locked": true}"#);
        assert_eq!(
            refused_reason(Manage::Pause, &locked, None).as_deref(),
            Some("Locked: unlock it first.")
        );
        let busy =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "shelving"}"#);
        assert_eq!(
            refused_reason(Manage::Rename, &busy, None).as_deref(),
            Some("Not now: the server is busy (shelving); wait until it is done.")
        );
    }

    #[test]
    fn rebuild_of_a_server_on_a_volume_is_refused_up_front_below_2_93() {
        let on_volume = server(
            r#"{"id": "1", "status": "ACTIVE", "image": {"id": "i"},
                "os-extended-volumes:volumes_attached": [{"id": "root"}]}"#,
        );
        assert!(Manage::Rebuild.offered(&on_volume), "its state allows it");
        let at_2_67 = Some(Microversion::new(2, 67));
        let reason = refused_reason(Manage::Rebuild, &on_volume, at_2_67).expect("refused");
        assert!(
            reason.contains("boots from a volume") && reason.contains("that needs 2.93"),
            "{reason}"
        );
        assert_eq!(
            refused_reason(Manage::Rebuild, &on_volume, Some(Microversion::new(2, 93))),
            None
        );
        let on_image = server(r#"{"id": "1", "status": "ACTIVE", "image": {"id": "i"}}"#);
        assert_eq!(refused_reason(Manage::Rebuild, &on_image, at_2_67), None);
    }

    #[test]
    fn reverting_the_resize_of_a_server_on_a_volume_loses_nothing() {
        let flavors = ResizeFlavors {
            old: Some("m1.small".into()),
            new: Some("m1.medium".into()),
        };
        let on_volume = server(
            r#"{"id": "1", "status": "VERIFY_RESIZE", "image": "",
                "os-extended-volumes:volumes_attached": [{"id": "root"}]}"#,
        );
        let line = manage_line(Manage::RevertResize, Some(&on_volume), &flavors);
        assert_eq!(
            line,
            "Revert: back to m1.small, as the server was before the resize; it restarts, and its boot volume keeps what was written since."
        );
        let on_image = server(r#"{"id": "1", "status": "VERIFY_RESIZE", "image": {"id": "i"}}"#);
        assert!(
            manage_line(Manage::RevertResize, Some(&on_image), &flavors)
                .ends_with("what was written to its local system disk since the resize is lost.")
        );
    }

    #[test]
    fn a_locked_server_offers_unlock_rename_and_snapshot_only() {
        use Manage::*;
        let locked = server(r#"{"id": "1", "status": "ACTIVE", "locked": true}"#);
        assert_eq!(offered(&locked), [Rename, Snapshot, Unlock]);
        assert_eq!(Manage::of_pair((Lock, Unlock), &locked), Unlock);
        assert_eq!(
            lock_text(&locked, Some("maintenance")).as_deref(),
            Some(
                "Locked (maintenance): changes are refused until it is unlocked; only Unlock, Rename and Snapshot are offered."
            )
        );
        assert!(lock_text(&locked, None).unwrap().starts_with("Locked: "));
        let unlocked = server(r#"{"id": "1", "status": "ACTIVE", "locked": false}"#);
        assert_eq!(lock_text(&unlocked, Some("x")), None);
        // A cloud that does not say (before 2.9) gets both.
        let unknown = server(r#"{"id": "1", "status": "ACTIVE"}"#);
        assert!(Lock.offered(&unknown) && Unlock.offered(&unknown));
    }

    #[test]
    fn pairs_show_the_applicable_side_and_every_action_has_its_line() {
        let paused = server(r#"{"id": "1", "status": "PAUSED"}"#);
        let shown: Vec<Manage> = Manage::PAIRS
            .iter()
            .map(|pair| Manage::of_pair(*pair, &paused))
            .collect();
        assert_eq!(
            shown,
            [
                Manage::Lock,
                Manage::Unpause,
                Manage::Suspend,
                Manage::Shelve
            ]
        );
        let resizing = server(r#"{"id": "1", "status": "RESIZE"}"#);
        assert_eq!(
            Manage::of_pair((Manage::Pause, Manage::Unpause), &resizing),
            Manage::Pause
        );
        for action in PlainAction::ALL {
            assert_eq!(Manage::from_plain(action).plain(), Some(action));
        }
        assert_eq!(Manage::Rename.plain(), None);
        assert!(
            Manage::ConfirmResize
                .explanation()
                .contains("frees the old")
        );
        assert!(Manage::RevertResize.explanation().contains("old flavor"));
        for manage in [
            Manage::Rename,
            Manage::Resize,
            Manage::Snapshot,
            Manage::Rebuild,
            Manage::Lock,
        ] {
            assert_eq!(manage.plain(), None);
            assert!(manage.id().starts_with("manage-") && !manage.explanation().is_empty());
        }
        let verify = server(r#"{"id": "1", "status": "VERIFY_RESIZE"}"#);
        assert!(
            verify_resize_text(&verify, &ResizeFlavors::default())
                .unwrap()
                .contains("Confirm to keep it")
        );
        assert_eq!(verify_resize_text(&paused, &ResizeFlavors::default()), None);
    }

    fn flavor(id: &str, name: &str) -> Flavor {
        Flavor {
            id: id.to_owned(),
            name: name.to_owned(),
            ..Flavor::default()
        }
    }

    #[test]
    fn a_resize_sent_from_this_page_names_the_old_flavor() {
        let listed = [flavor("1", "m1.small"), flavor("2", "m1.medium")];
        // 2.47+: the server names its flavor.
        let small = server(
            r#"{"id": "1", "status": "ACTIVE", "flavor": {"original_name": "m1.small", "vcpus": 1, "ram": 2048}}"#,
        );
        let started = StartedResize::of(&small, "2", &listed);
        assert_eq!(
            started,
            StartedResize {
                from: Some("m1.small".into()),
                to_id: "2".into(),
                to: Some("m1.medium".into()),
            }
        );
        // On its local disk (an image, no volume).
        let verify = server(
            r#"{"id": "1", "status": "VERIFY_RESIZE", "OS-EXT-STS:power_state": 1, "image": {"id": "i"},
                "flavor": {"original_name": "m1.medium", "vcpus": 2, "ram": 4096}}"#,
        );
        let flavors = ResizeFlavors::of(&verify, Some(&started));
        assert_eq!(flavors.old_name(), "m1.small");
        assert_eq!(flavors.new_name(), "m1.medium");
        assert_eq!(
            manage_line(Manage::RevertResize, Some(&verify), &flavors),
            "Revert: back to m1.small, as the server was before the resize; it restarts, and what was written to its local system disk since the resize is lost."
        );
        assert_eq!(
            manage_line(Manage::ConfirmResize, Some(&verify), &flavors),
            "Confirm: keeps m1.medium and frees m1.small; it cannot be reverted afterwards."
        );
        assert_eq!(
            verify_resize_text(&verify, &flavors).as_deref(),
            Some(
                "The server runs on m1.medium. Confirm to keep it (the old flavor is freed), or revert to go back to m1.small. Some clouds confirm by themselves after a while."
            )
        );
        // Before 2.47 the server carries only ids: the listed flavors name them.
        let linked = server(r#"{"id": "1", "status": "ACTIVE", "flavor": {"id": "1"}}"#);
        let started_by_id = StartedResize::of(&linked, "2", &listed);
        assert_eq!(started_by_id, started);
        let verify_linked =
            server(r#"{"id": "1", "status": "VERIFY_RESIZE", "flavor": {"id": "2"}}"#);
        let flavors = ResizeFlavors::of(&verify_linked, Some(&started_by_id));
        assert_eq!(
            (flavors.old_name(), flavors.new_name()),
            ("m1.small", "m1.medium")
        );
        // Resized elsewhere (or before a reload): the page does not know the old flavor, and
        // says so rather than guess.
        let elsewhere = ResizeFlavors::of(&verify, None);
        assert_eq!(elsewhere.old_name(), "the previous flavor");
        assert!(
            manage_line(Manage::RevertResize, Some(&verify), &elsewhere)
                .starts_with("Revert: back to the previous flavor, ")
        );
        let other_target = StartedResize {
            to_id: "3".into(),
            to: Some("m1.large".into()),
            ..started
        };
        assert_eq!(ResizeFlavors::of(&verify, Some(&other_target)), elsewhere);
        assert_eq!(
            ResizeFlavors::of(&linked, None).new_name(),
            "the new flavor"
        );
    }

    #[test]
    fn a_stopped_server_is_resized_without_starting_and_stays_stopped() {
        let stopped = server(
            r#"{"id": "1", "status": "SHUTOFF", "OS-EXT-STS:power_state": 4,
                "flavor": {"original_name": "m1.small"}}"#,
        );
        let running = server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:power_state": 1}"#);
        assert!(resized_while_stopped(&stopped));
        assert!(!resized_while_stopped(&running));
        let none = ResizeFlavors::default();
        let line = manage_line(Manage::Resize, Some(&stopped), &none);
        assert!(
            line.contains("without starting it") && line.contains("stays stopped"),
            "{line}"
        );
        assert!(!line.contains("restarts"), "{line}");
        assert_eq!(
            manage_line(Manage::Resize, Some(&running), &none),
            Manage::Resize.explanation()
        );
        let dialog = resize_dialog_text(&CurrentFlavor::of(&stopped), true);
        assert!(
            dialog.starts_with("Now: m1.small. The server stays stopped")
                && !dialog.contains("restarts"),
            "{dialog}"
        );
        assert!(resize_dialog_text(&CurrentFlavor::default(), false).contains("restarts"));
        // Nova's VERIFY_RESIZE of a stopped server: powered off (4) on the new flavor.
        let verify = server(
            r#"{"id": "1", "status": "VERIFY_RESIZE", "OS-EXT-STS:power_state": 4,
                "flavor": {"original_name": "m1.medium"}}"#,
        );
        assert!(resized_while_stopped(&verify));
        let flavors = ResizeFlavors {
            old: Some("m1.small".into()),
            new: Some("m1.medium".into()),
        };
        let text = verify_resize_text(&verify, &flavors).unwrap();
        assert!(
            text.starts_with("The server has moved to m1.medium and is still stopped")
                && text.contains("revert to go back to m1.small")
                && text.contains("stays stopped until you start it")
                && !text.contains("runs on"),
            "{text}"
        );
        let revert = manage_line(Manage::RevertResize, Some(&verify), &flavors);
        assert!(
            revert.starts_with("Revert: back to m1.small, ") && revert.contains("it stays stopped"),
            "{revert}"
        );
    }

    #[test]
    fn rename_checks_the_name_and_sends_a_description_only_at_2_19() {
        let modern = Some(Microversion::new(2, 67));
        let old = Some(Microversion::new(2, 18));
        let request = rename_request("web-2", "front", modern).unwrap();
        assert_eq!(request, UpdateServer::rename("web-2", Some("front".into())));
        let request = rename_request("web-2", "front", old).unwrap();
        assert_eq!(request.description, None);
        // A cloud that does not say serves at least the console's 2.67.
        assert_eq!(
            rename_request("web-2", "", None).unwrap().description,
            Some(None)
        );
        let errors = rename_request(" web", &"x".repeat(300), modern).unwrap_err();
        assert_eq!(
            errors.name.as_deref(),
            Some("Remove the spaces at the start or end of the server name.")
        );
        assert!(errors.description.unwrap().contains("300 characters"));
        let errors = rename_request("", "", modern).unwrap_err();
        assert_eq!(errors.name.as_deref(), Some("Enter a server name."));
        // Without 2.19 the description is not sent, so it is not checked.
        assert!(rename_request("ok", &"x".repeat(300), old).is_ok());
    }

    #[test]
    fn snapshots_are_named_and_watched_until_active() {
        assert_eq!(
            default_snapshot_name("web", "2026-12-03"),
            "web-snapshot-2026-12-03"
        );
        assert_eq!(
            snapshot_name_error("").as_deref(),
            Some("Enter an image name.")
        );
        assert!(snapshot_name_error("nightly").is_none());
        assert_eq!(image_progress(Some("queued")), ImageProgress::Saving);
        assert_eq!(image_progress(Some("SAVING")), ImageProgress::Saving);
        assert_eq!(image_progress(None), ImageProgress::Saving);
        assert_eq!(image_progress(Some("ACTIVE")), ImageProgress::Active);
        assert_eq!(image_progress(Some("killed")), ImageProgress::Failed);
        assert!(snapshot_status_text("n", Some("saving")).contains("being saved (status: saving)"));
        assert!(snapshot_status_text("n", Some("active")).contains("create servers from it"));
        assert!(snapshot_status_text("n", Some("killed")).contains("was not saved"));
    }

    #[test]
    fn rebuild_warns_and_keeps_the_key_pair() {
        let web = server(
            r#"{"id": "1", "name": "web", "key_name": "demo", "image": {"id": "img"},
                "flavor": {"original_name": "m1", "ram": 512, "vcpus": 1}}"#,
        );
        let warning = rebuild_warning(&web);
        assert!(
            warning.contains("system disk of web is erased"),
            "{warning}"
        );
        assert!(
            warning.ends_with("It keeps its key pair demo."),
            "{warning}"
        );
        let small = Image {
            min_ram: 256,
            ..Image::default()
        };
        assert_eq!(rebuild_unfit_reason(&small, &web), None);
        let big = Image {
            min_ram: 2048,
            ..Image::default()
        };
        assert!(rebuild_unfit_reason(&big, &web).is_some());
        // A local system disk (m1.medium's 40 GB) must hold the image's minimum and its file.
        let local = server(
            r#"{"id": "1", "image": {"id": "img"},
                "flavor": {"original_name": "m1.medium", "ram": 4096, "vcpus": 2, "disk": 40}}"#,
        );
        let needs_60 = Image {
            min_disk: 60,
            min_ram: 4096,
            ..Image::default()
        };
        assert_eq!(
            rebuild_unfit_reason(&needs_60, &local).as_deref(),
            Some(
                "The image needs a system disk of at least 60 GB but the flavor's is 40 GB; choose a flavor with a larger disk."
            )
        );
        let fits = Image {
            min_disk: 40,
            size: Some(2 << 30),
            ..Image::default()
        };
        assert_eq!(rebuild_unfit_reason(&fits, &local), None);
        let too_large = Image {
            size: Some(41 << 30),
            ..Image::default()
        };
        assert!(rebuild_unfit_reason(&too_large, &local).is_some());
        // A root disk of 0 takes the image's size; a server booted from a volume does not use
        // the flavor's disk (its volume is checked by the cloud).
        let zero_disk = server(
            r#"{"id": "1", "image": {"id": "img"}, "flavor": {"original_name": "c1", "disk": 0}}"#,
        );
        assert_eq!(rebuild_unfit_reason(&needs_60, &zero_disk), None);
        let volume =
            server(r#"{"id": "1", "image": "", "flavor": {"original_name": "m1", "disk": 40}}"#);
        assert_eq!(rebuild_unfit_reason(&needs_60, &volume), None);
        // From a volume: another image needs 2.93.
        let from_volume = server(r#"{"id": "1", "image": ""}"#);
        let refused = rebuild_refused(&from_volume, Some(Microversion::new(2, 67))).unwrap();
        assert!(
            refused.contains("up to 2.67") && refused.contains("2.93"),
            "{refused}"
        );
        assert_eq!(
            rebuild_refused(&from_volume, Some(Microversion::new(2, 95))),
            None
        );
        assert_eq!(rebuild_refused(&web, Some(Microversion::new(2, 67))), None);
        // ECS shows the boot volume's source image: the attached volume tells instead.
        let ecs_from_volume = server(
            r#"{"id": "1", "image": {"id": "img"}, "os-extended-volumes:volumes_attached": [{"id": "v1"}]}"#,
        );
        assert!(rebuild_refused(&ecs_from_volume, Some(Microversion::new(2, 67))).is_some());
        assert_eq!(
            rebuild_microversion(&ecs_from_volume),
            REBUILD_VOLUME_MICROVERSION
        );
        assert_eq!(
            rebuild_microversion(&from_volume),
            REBUILD_VOLUME_MICROVERSION
        );
        assert_eq!(rebuild_microversion(&web), CONSOLE_MICROVERSION);
    }

    #[test]
    fn a_lock_reason_goes_only_to_a_cloud_with_2_73() {
        let (request, microversion) = lock_request("backup", Some(Microversion::new(2, 79)));
        assert_eq!(request.locked_reason.as_deref(), Some("backup"));
        assert_eq!(microversion, Some(LOCKED_REASON_MICROVERSION));
        let (request, microversion) = lock_request("backup", Some(Microversion::new(2, 67)));
        assert_eq!((request.locked_reason, microversion), (None, None));
        let (request, microversion) = lock_request("  ", Some(Microversion::new(2, 90)));
        assert_eq!((request.locked_reason, microversion), (None, None));
        let (request, _) = lock_request("backup", None);
        assert_eq!(request.locked_reason, None);
        assert!(lock_reason_error("fine").is_none());
        assert!(lock_reason_error(&"x".repeat(256)).is_some());
    }

    #[test]
    fn resize_checks_the_image_and_the_quota_for_what_it_adds() {
        let current = CurrentFlavor {
            name: Some("small".into()),
            vcpus: 2,
            ram: 2048,
        };
        let flavor = |name: &str, vcpus: u64, ram: u64| Flavor {
            id: name.to_owned(),
            name: name.to_owned(),
            vcpus,
            ram,
            ..Flavor::default()
        };
        let limits: AbsoluteLimits = serde_json::from_str(
            r#"{"maxTotalCores": 10, "totalCoresUsed": 8, "maxTotalRAMSize": 8192, "totalRAMUsed": 6144}"#,
        )
        .unwrap();
        assert_eq!(
            resize_unfit_reason(&flavor("small", 2, 2048), &current, 0, Some(&limits)).as_deref(),
            Some("The server's current flavor.")
        );
        // Two more vCPUs and 2 GB more RAM fit exactly what is left.
        assert_eq!(
            resize_unfit_reason(&flavor("medium", 4, 4096), &current, 0, Some(&limits)),
            None
        );
        assert_eq!(
            resize_unfit_reason(&flavor("large", 6, 4096), &current, 0, Some(&limits)).as_deref(),
            Some("This flavor needs 4 more vCPUs than the current one; your quota allows 2 more.")
        );
        assert!(
            resize_unfit_reason(&flavor("fat", 2, 8192), &current, 0, Some(&limits))
                .unwrap()
                .contains("more RAM than the current one")
        );
        // Smaller is always within the quota, but not below the image's minimum RAM.
        assert_eq!(
            resize_unfit_reason(&flavor("tiny", 1, 512), &current, 0, Some(&limits)),
            None
        );
        assert!(resize_unfit_reason(&flavor("tiny", 1, 512), &current, 1024, None).is_some());
        assert_eq!(
            CurrentFlavor::of(&server(
                r#"{"id": "1", "flavor": {"original_name": "small", "vcpus": 2, "ram": 2048}}"#
            )),
            current
        );
    }
}
