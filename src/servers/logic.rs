//! How servers are described on the list (and, for status and name, on the details page):
//! plain functions, tested natively.

use ecs_api::models::Server;
use ecs_api::status::ServerStatus;

use crate::components::format::or_dash;
use crate::hooks::polling::schedule::Outcome;

/// The name to show: the server's own, or its id when it has none.
pub fn shown_name(server: &Server) -> String {
    if server.name.is_empty() {
        server.id.clone()
    } else {
        server.name.clone()
    }
}

/// Names up to this many characters are kept on one line: "web-01" never reads as "web-" and
/// "01". Longer ones (Nova allows 255) wrap rather than widen the page.
const WHOLE_NAME_CHARS: usize = 24;

/// CSS class of the name's cell: `whole-name` (never broken) for a name short enough.
pub fn name_cell_class(name: &str) -> &'static str {
    if name.chars().count() <= WHOLE_NAME_CHARS {
        "whole-name"
    } else {
        ""
    }
}

/// CSS class of the status badge: one look per family of statuses. Running (`steady`, the class
/// ACTIVE has always had) is green, stopped (or gone) is grey, on its way somewhere is blue, set aside (paused, suspended, shelved, in
/// rescue, waiting for a resize to be confirmed) is amber, and an error is red.
pub fn status_class(server: &Server) -> &'static str {
    use ServerStatus::{
        Active, Error, Paused, Rescue, Shelved, ShelvedOffloaded, Suspended, VerifyResize,
    };
    if server.status == Error {
        "status error"
    } else if server.is_transitional() {
        "status transitional"
    } else {
        match server.status {
            Active => "status steady",
            Paused | Suspended | Shelved | ShelvedOffloaded | Rescue | VerifyResize => {
                "status set-aside"
            }
            // SHUTOFF, DELETED, SOFT_DELETED, UNKNOWN (the others are transitional, above).
            _ => "status stopped",
        }
    }
}

/// "BUILD (spawning)", "ACTIVE".
pub fn status_text(server: &Server) -> String {
    match &server.task_state {
        Some(task) => format!("{} ({task})", server.status),
        None => server.status.to_string(),
    }
}

/// Whether any server of a list is still changing.
pub fn list_outcome(servers: &[Server]) -> Outcome {
    if servers.iter().any(Server::is_transitional) {
        Outcome::Transitional
    } else {
        Outcome::Steady
    }
}

/// All addresses on one line: "net-a: 10.0.0.5, 172.24.4.9; net-b: fd00::5".
pub fn addresses_summary(server: &Server) -> String {
    server
        .addresses
        .iter()
        .filter(|(_, addresses)| !addresses.is_empty())
        .map(|(network, addresses)| {
            let list: Vec<&str> = addresses
                .iter()
                .map(|address| address.addr.as_str())
                .collect();
            format!("{network}: {}", list.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The short flavor label of the list: embedded name, or the id.
pub fn flavor_label(server: &Server) -> String {
    or_dash(server.flavor_label())
}

/// One row of the servers table as it reads. The table is keyed by it, so a refresh rebuilds
/// only the rows whose text changed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServerRow {
    pub id: String,
    pub name: String,
    pub name_cell_class: &'static str,
    pub status_class: &'static str,
    pub status: String,
    /// Shown as a "Locked" mark next to the status.
    pub locked: bool,
    pub addresses: String,
    pub flavor: String,
    pub zone: String,
    /// The API's timestamp, shown with its age.
    pub created: Option<String>,
}

impl ServerRow {
    pub fn new(server: &Server) -> Self {
        Self {
            id: server.id.clone(),
            name: shown_name(server),
            name_cell_class: name_cell_class(&shown_name(server)),
            status_class: status_class(server),
            status: status_text(server),
            locked: server.is_locked(),
            addresses: addresses_summary(server),
            flavor: flavor_label(server),
            zone: or_dash(server.availability_zone.as_deref()),
            created: server.created.clone(),
        }
    }
}

/// A server's status as the list last showed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusSnapshot {
    pub id: String,
    /// The name shown (the id when the server has none).
    pub name: String,
    /// The status text shown ("BUILD (spawning)").
    pub status: String,
}

/// Each server's id, shown name and status text.
pub fn status_snapshot(servers: &[Server]) -> Vec<StatusSnapshot> {
    servers
        .iter()
        .map(|server| StatusSnapshot {
            id: server.id.clone(),
            name: shown_name(server),
            status: status_text(server),
        })
        .collect()
}

/// What changed between two snapshots of the list, for the live region: "web-1: ACTIVE",
/// "web-2 is gone". Servers new to the list are not announced (the list shows them).
pub fn status_changes(before: &[StatusSnapshot], now: &[StatusSnapshot]) -> Vec<String> {
    let changed = now.iter().filter_map(|server| {
        let old = before.iter().find(|old| old.id == server.id)?;
        (old.status != server.status).then(|| format!("{}: {}", server.name, server.status))
    });
    let gone = before
        .iter()
        .filter(|old| !now.iter().any(|server| server.id == old.id))
        .map(|old| format!("{} is gone", old.name));
    changed.chain(gone).collect()
}

/// One option of a select: the value sent, the text shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }

    /// A choice that reads as its value.
    pub fn plain(value: impl Into<String>) -> Self {
        let value = value.into();
        Self::new(value.clone(), value)
    }
}

/// A filter's options: "Any …" (the empty value) first, then the cloud's `listed` choices, then
/// the URL's `current` value when the cloud does not list it (or its list is still loading), so
/// the select always shows what the list is filtered by.
pub fn filter_choices(any_label: &str, listed: Vec<Choice>, current: &str) -> Vec<Choice> {
    let mut choices = Vec::with_capacity(listed.len() + 2);
    choices.push(Choice::new("", any_label));
    let missing = !current.is_empty() && !listed.iter().any(|choice| choice.value == current);
    choices.extend(listed);
    if missing {
        choices.push(Choice::plain(current));
    }
    choices
}

/// The zone filter's choices from the cloud's zone list: sorted, each once (a cloud may list a
/// name twice: the ECS guide's sample does), without the nameless one.
pub fn zone_choices(names: impl IntoIterator<Item = String>) -> Vec<Choice> {
    let mut names: Vec<String> = names.into_iter().filter(|name| !name.is_empty()).collect();
    names.sort();
    names.dedup();
    names.into_iter().map(Choice::plain).collect()
}

/// The CSS anchor name that ties a row's menu to its button (`--row-menu-` and the server id,
/// with anything but ASCII letters, digits and `-` written as `_` and its hex code, so each id
/// gives its own valid name).
pub fn menu_anchor_name(server_id: &str) -> String {
    let mut name = String::from("--row-menu-");
    for byte in server_id.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' {
            name.push(char::from(byte));
        } else {
            name.push_str(&format!("_{byte:02x}"));
        }
    }
    name
}

/// A key that moves focus inside an open row menu (the WAI-ARIA menu button pattern).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuKey {
    Next,
    Previous,
    First,
    Last,
}

impl MenuKey {
    /// The move a `KeyboardEvent.key` asks for, if any.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "ArrowDown" => Some(Self::Next),
            "ArrowUp" => Some(Self::Previous),
            "Home" => Some(Self::First),
            "End" => Some(Self::Last),
            _ => None,
        }
    }
}

/// The menu item to focus after `key`, from the `current` one (`None`: focus is not on an
/// item). Only `enabled` items take focus (a disabled button cannot); the arrows wrap around.
/// `None` when no item is enabled.
pub fn menu_item_after(key: MenuKey, current: Option<usize>, enabled: &[bool]) -> Option<usize> {
    let count = enabled.len();
    let first = enabled.iter().position(|&enabled| enabled)?;
    let last = enabled.iter().rposition(|&enabled| enabled)?;
    let step = |from: usize, forward: bool| {
        (1..=count)
            .map(|offset| {
                if forward {
                    (from + offset) % count
                } else {
                    (from + count - offset) % count
                }
            })
            .find(|&index| enabled[index])
    };
    match (key, current) {
        (MenuKey::First, _) | (MenuKey::Next, None) => Some(first),
        (MenuKey::Last, _) | (MenuKey::Previous, None) => Some(last),
        (MenuKey::Next, Some(current)) => step(current, true),
        (MenuKey::Previous, Some(current)) => step(current, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(json: &str) -> Server {
        serde_json::from_str(json).expect("test server decodes")
    }

    #[test]
    fn statuses_are_classified() {
        let building =
            server(r#"{"id": "1", "status": "BUILD", "OS-EXT-STS:task_state": "spawning"}"#);
        assert_eq!(status_class(&building), "status transitional");
        assert_eq!(status_text(&building), "BUILD (spawning)");
        let active = server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": null}"#);
        assert_eq!(status_class(&active), "status steady");
        assert_eq!(status_text(&active), "ACTIVE");
        let failed = server(r#"{"id": "1", "status": "ERROR"}"#);
        assert_eq!(status_class(&failed), "status error");
        let stopping =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}"#);
        assert_eq!(status_class(&stopping), "status transitional");
        assert_eq!(list_outcome(&[active.clone(), failed]), Outcome::Steady);
        assert_eq!(list_outcome(&[active, building]), Outcome::Transitional);
        assert_eq!(list_outcome(&[]), Outcome::Steady);
    }

    #[test]
    fn each_status_family_has_its_own_badge() {
        let class = |status: &str| {
            status_class(&server(&format!(r#"{{"id": "1", "status": "{status}"}}"#)))
        };
        assert_eq!(class("ACTIVE"), "status steady");
        assert_eq!(class("SHUTOFF"), "status stopped");
        assert_ne!(
            class("SHUTOFF"),
            class("ACTIVE"),
            "stopped does not look like running"
        );
        for status in [
            "BUILD",
            "REBOOT",
            "HARD_REBOOT",
            "RESIZE",
            "REBUILD",
            "MIGRATING",
        ] {
            assert_eq!(class(status), "status transitional", "{status}");
        }
        for status in [
            "PAUSED",
            "SUSPENDED",
            "SHELVED",
            "SHELVED_OFFLOADED",
            "VERIFY_RESIZE",
        ] {
            assert_eq!(class(status), "status set-aside", "{status}");
        }
        assert_eq!(class("ERROR"), "status error");
        assert_eq!(class("DELETED"), "status stopped");
    }

    #[test]
    fn short_names_stay_whole_and_long_ones_wrap() {
        assert_eq!(name_cell_class("web-01"), "whole-name");
        assert_eq!(name_cell_class(&"é".repeat(24)), "whole-name");
        assert_eq!(name_cell_class(&"a".repeat(25)), "");
        assert_eq!(name_cell_class(&"x".repeat(255)), "");
        let row = ServerRow::new(&server(r#"{"id": "1", "name": "web-01"}"#));
        assert_eq!(row.name_cell_class, "whole-name");
    }

    #[test]
    fn menu_keys_move_between_the_enabled_items_and_wrap() {
        assert_eq!(MenuKey::from_key("ArrowDown"), Some(MenuKey::Next));
        assert_eq!(MenuKey::from_key("ArrowUp"), Some(MenuKey::Previous));
        assert_eq!(MenuKey::from_key("Home"), Some(MenuKey::First));
        assert_eq!(MenuKey::from_key("End"), Some(MenuKey::Last));
        assert_eq!(MenuKey::from_key("a"), None);
        // Start (0) disabled for a running server: Stop, Reboot, Delete take focus.
        let enabled = [false, true, true, true];
        assert_eq!(menu_item_after(MenuKey::Next, Some(1), &enabled), Some(2));
        assert_eq!(menu_item_after(MenuKey::Next, Some(3), &enabled), Some(1));
        assert_eq!(
            menu_item_after(MenuKey::Previous, Some(1), &enabled),
            Some(3)
        );
        assert_eq!(
            menu_item_after(MenuKey::Previous, Some(3), &enabled),
            Some(2)
        );
        assert_eq!(menu_item_after(MenuKey::First, Some(3), &enabled), Some(1));
        assert_eq!(menu_item_after(MenuKey::Last, Some(1), &enabled), Some(3));
        assert_eq!(menu_item_after(MenuKey::Next, None, &enabled), Some(1));
        assert_eq!(menu_item_after(MenuKey::Previous, None, &enabled), Some(3));
        // A lone enabled item keeps focus; none enabled: nowhere to go.
        let one = [false, false, true, false];
        assert_eq!(menu_item_after(MenuKey::Next, Some(2), &one), Some(2));
        assert_eq!(menu_item_after(MenuKey::Previous, Some(2), &one), Some(2));
        assert_eq!(menu_item_after(MenuKey::Next, None, &[false; 4]), None);
        assert_eq!(menu_item_after(MenuKey::Next, None, &[]), None);
    }

    #[test]
    fn addresses_are_summarised_per_network() {
        let server = server(
            r#"{"id": "1", "addresses": {
                "net-b": [{"addr": "fd00::5", "version": 6}],
                "net-a": [{"addr": "10.0.0.5", "version": 4}, {"addr": "172.24.4.9", "version": 4, "OS-EXT-IPS:type": "floating"}],
                "empty": []}}"#,
        );
        assert_eq!(
            addresses_summary(&server),
            "net-a: 10.0.0.5, 172.24.4.9; net-b: fd00::5"
        );
    }

    #[test]
    fn a_row_reads_as_the_table_shows_it() {
        let row = ServerRow::new(&server(
            r#"{"id": "1", "name": "", "status": "BUILD", "OS-EXT-STS:task_state": "spawning",
                "flavor": {"original_name": "s3.large.2", "vcpus": 2, "ram": 4096, "disk": 0},
                "created": "2018-05-25T01:47:11Z"}"#,
        ));
        assert_eq!(row.name, "1", "a server without a name is named by its id");
        assert_eq!(row.status_class, "status transitional");
        assert_eq!(row.status, "BUILD (spawning)");
        assert_eq!(row.flavor, "s3.large.2");
        assert_eq!(row.zone, "—");
        assert!(
            !row.locked,
            "a server that does not say it is locked is not"
        );
        assert_eq!(row.addresses, "");
        assert_eq!(row.created.as_deref(), Some("2018-05-25T01:47:11Z"));
        assert_eq!(flavor_label(&server(r#"{"id": "1"}"#)), "—");
    }

    #[test]
    fn list_status_changes_are_worded_for_the_live_region() {
        let before = status_snapshot(&[
            server(
                r#"{"id": "1", "name": "web-1", "status": "BUILD", "OS-EXT-STS:task_state": "spawning"}"#,
            ),
            server(r#"{"id": "2", "name": "", "status": "ACTIVE"}"#),
            server(r#"{"id": "3", "name": "db", "status": "ACTIVE"}"#),
        ]);
        let now = status_snapshot(&[
            server(r#"{"id": "1", "name": "web-1", "status": "ACTIVE"}"#),
            server(r#"{"id": "2", "name": "", "status": "ACTIVE"}"#),
            server(r#"{"id": "4", "name": "new", "status": "BUILD"}"#),
        ]);
        assert_eq!(
            status_changes(&before, &now),
            vec!["web-1: ACTIVE".to_owned(), "db is gone".to_owned()]
        );
        assert!(status_changes(&now, &now).is_empty());
    }

    #[test]
    fn a_locked_server_is_marked_in_its_row() {
        let locked = server(r#"{"id": "1", "status": "ACTIVE", "locked": true}"#);
        assert!(locked.is_locked());
        assert!(ServerRow::new(&locked).locked);
        let unlocked = server(r#"{"id": "1", "status": "ACTIVE", "locked": false}"#);
        assert!(!unlocked.is_locked());
        // Before 2.9 Nova does not say: nothing is shown.
        assert!(!server(r#"{"id": "1", "status": "ACTIVE"}"#).is_locked());
        assert_ne!(
            ServerRow::new(&locked),
            ServerRow::new(&unlocked),
            "locking rebuilds the row"
        );
    }

    #[test]
    fn a_repeated_zone_is_offered_once() {
        let listed = ["az2.dc1", "az1.dc1", "", "az1.dc1", "az3.dc1"].map(str::to_owned);
        assert_eq!(
            zone_choices(listed),
            vec![
                Choice::plain("az1.dc1"),
                Choice::plain("az2.dc1"),
                Choice::plain("az3.dc1")
            ]
        );
    }

    #[test]
    fn filter_choices_start_with_any_and_keep_the_urls_choice() {
        let listed = vec![
            Choice::new("42", "m1.small"),
            Choice::new("43", "m1.medium"),
        ];
        let values = |choices: Vec<Choice>| -> Vec<String> {
            choices.into_iter().map(|choice| choice.value).collect()
        };
        assert_eq!(
            filter_choices("Any flavor", listed.clone(), ""),
            vec![
                Choice::new("", "Any flavor"),
                Choice::new("42", "m1.small"),
                Choice::new("43", "m1.medium")
            ]
        );
        assert_eq!(
            values(filter_choices("Any flavor", listed.clone(), "43")),
            ["", "42", "43"],
            "a listed choice is not added again"
        );
        assert_eq!(
            values(filter_choices("Any flavor", listed, "99")),
            ["", "42", "43", "99"]
        );
        assert_eq!(
            filter_choices("Any zone", Vec::new(), "az1.dc1"),
            vec![Choice::new("", "Any zone"), Choice::plain("az1.dc1")],
            "the URL's zone shows while the list loads"
        );
    }

    #[test]
    fn each_server_gets_its_own_valid_anchor_name() {
        assert_eq!(
            menu_anchor_name("5d6a1c3e-0b7f-4a8e-9c2d-1f3b5a7c9e0d"),
            "--row-menu-5d6a1c3e-0b7f-4a8e-9c2d-1f3b5a7c9e0d"
        );
        assert_eq!(menu_anchor_name("a.b c_d"), "--row-menu-a_2eb_20c_5fd");
        assert_ne!(menu_anchor_name("a_b"), menu_anchor_name("a.b"));
    }
}
