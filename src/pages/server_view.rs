//! How servers are described on the list and details pages: plain functions, tested natively.

use ecs_api::models::{Flavor, Server};
use ecs_api::status::{PowerState, ServerStatus};

use crate::refresh::Outcome;
use crate::units::ram_text;

/// CSS class of the status badge.
pub fn status_class(server: &Server) -> &'static str {
    if server.status == ServerStatus::Error {
        "status error"
    } else if server.is_transitional() {
        "status transitional"
    } else {
        "status steady"
    }
}

/// "BUILD (spawning)", "ACTIVE".
pub fn status_text(server: &Server) -> String {
    match &server.task_state {
        Some(task) => format!("{} ({task})", server.status),
        None => server.status.to_string(),
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

/// The short flavor label of the list: embedded name, or the id.
pub fn flavor_label(server: &Server) -> String {
    server.flavor_label().unwrap_or("—").to_owned()
}

/// What the pages show for a value the API left empty.
pub const EMPTY: &str = "—";

/// "—" for absent values.
pub fn or_dash(value: Option<&str>) -> String {
    value
        .filter(|text| !text.is_empty())
        .unwrap_or(EMPTY)
        .to_owned()
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

/// Each server's id, shown name and status text, as the list last showed them.
pub fn status_snapshot(servers: &[Server]) -> Vec<(String, String, String)> {
    servers
        .iter()
        .map(|server| {
            let name = if server.name.is_empty() {
                server.id.clone()
            } else {
                server.name.clone()
            };
            (server.id.clone(), name, status_text(server))
        })
        .collect()
}

/// What changed between two snapshots of the list, for the live region: "web-1: ACTIVE",
/// "web-2 is gone". Servers new to the list are not announced (the list shows them).
pub fn status_changes(
    before: &[(String, String, String)],
    now: &[(String, String, String)],
) -> Vec<String> {
    let changed = now.iter().filter_map(|(id, name, status)| {
        let (_, _, old) = before.iter().find(|(old_id, _, _)| old_id == id)?;
        (old != status).then(|| format!("{name}: {status}"))
    });
    let gone = before
        .iter()
        .filter(|(id, _, _)| !now.iter().any(|(new_id, _, _)| new_id == id))
        .map(|(_, name, _)| format!("{name} is gone"));
    changed.chain(gone).collect()
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
        assert_eq!(server_outcome(&building), Outcome::Transitional);
        let active = server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": null}"#);
        assert_eq!(status_class(&active), "status steady");
        assert_eq!(status_text(&active), "ACTIVE");
        assert_eq!(server_outcome(&active), Outcome::Steady);
        let stopping =
            server(r#"{"id": "1", "status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}"#);
        assert_eq!(server_outcome(&stopping), Outcome::Transitional);
        let failed = server(r#"{"id": "1", "status": "ERROR"}"#);
        assert_eq!(status_class(&failed), "status error");
        assert_eq!(list_outcome(&[active.clone(), failed]), Outcome::Steady);
        assert_eq!(list_outcome(&[active, building]), Outcome::Transitional);
        assert_eq!(list_outcome(&[]), Outcome::Steady);
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
    fn flavors_are_described_from_either_shape() {
        let embedded = server(
            r#"{"id": "1", "flavor": {"original_name": "s3.large.2", "vcpus": 2, "ram": 4096, "disk": 0}}"#,
        );
        assert_eq!(
            embedded_flavor_text(&embedded).as_deref(),
            Some("s3.large.2 · 2 vCPUs · 4 GB RAM")
        );
        assert_eq!(flavor_id_to_resolve(&embedded), None);
        assert_eq!(flavor_label(&embedded), "s3.large.2");
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
        assert_eq!(flavor_label(&server(r#"{"id": "1"}"#)), "—");
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
}
