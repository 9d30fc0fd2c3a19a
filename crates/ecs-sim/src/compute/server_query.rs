//! `GET /servers` and `/servers/detail` query handling as Nova does it for a project user: the
//! filters it honours, `sort_key`/`sort_dir`, and `limit`/`marker` paging over the sorted list.
//!
//! Nova's rules kept here: `name` (and `availability_zone`, from 2.83) are regular expressions
//! matched anywhere in the value and, as MySQL's collation does, without regard to case; a
//! `status` stands for a vm state (ACTIVE also takes in a rebooting server, as Nova filters by
//! `vm_state` alone there) and an unknown one is a 400 from 2.38, an empty list before; `flavor`
//! is a flavor id (an unknown one lists nothing); filters a project user may not use are dropped
//! without a word; the sort keys come from Nova's schema (ignored ones dropped, `host`/`node` 403),
//! with `created_at` then `id` added in the first direction; the marker is looked up among all
//! servers, whatever the filters, and one that does not exist is a 400.

use std::cmp::Ordering;

use fancy_regex::{Regex, RegexBuilder};
use time::OffsetDateTime;

use super::{Ctx, Page, limit_param, query_value};
use crate::fault::Fault;
use crate::lifecycle::StatusView;
use crate::state::{Server, State as SimState};

/// Statuses Nova accepts in the `status` filter (checked from 2.38).
const KNOWN_STATUSES: [&str; 20] = [
    "ACTIVE",
    "BUILD",
    "DELETED",
    "ERROR",
    "HARD_REBOOT",
    "MIGRATING",
    "PASSWORD",
    "PAUSED",
    "REBOOT",
    "REBUILD",
    "RESCUE",
    "RESIZE",
    "REVERT_RESIZE",
    "SHELVED",
    "SHELVED_OFFLOADED",
    "SHUTOFF",
    "SOFT_DELETED",
    "SUSPENDED",
    "UNKNOWN",
    "VERIFY_RESIZE",
];

/// Sort keys Nova sorts by, in its schema's order (`locked` joins them at 2.73).
const VALID_SORT_KEYS: [&str; 29] = [
    "access_ip_v4",
    "access_ip_v6",
    "auto_disk_config",
    "availability_zone",
    "config_drive",
    "created_at",
    "display_description",
    "display_name",
    "host",
    "hostname",
    "image_ref",
    "instance_type_id",
    "kernel_id",
    "key_name",
    "launch_index",
    "launched_at",
    "locked_by",
    "node",
    "power_state",
    "progress",
    "project_id",
    "ramdisk_id",
    "root_device_name",
    "task_state",
    "terminated_at",
    "updated_at",
    "user_id",
    "uuid",
    "vm_state",
];

/// Sort keys Nova's schema accepts until 2.75 and then ignores (`locked` until 2.73).
const IGNORED_SORT_KEYS: [&str; 22] = [
    "architecture",
    "cell_name",
    "cleaned",
    "default_ephemeral_device",
    "default_swap_device",
    "deleted",
    "deleted_at",
    "disable_terminate",
    "ephemeral_gb",
    "ephemeral_key_uuid",
    "id",
    "key_data",
    "launched_on",
    "locked",
    "memory_mb",
    "os_type",
    "reservation_id",
    "root_gb",
    "shutdown_terminate",
    "user_data",
    "vcpus",
    "vm_mode",
];

/// Sort keys only administrators may use.
const ADMIN_SORT_KEYS: [&str; 2] = ["host", "node"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Asc,
    Desc,
}

/// A parsed list query.
pub struct ServerListQuery {
    name: Option<Regex>,
    statuses: Vec<String>,
    flavor: Option<String>,
    zone: Option<Regex>,
    sort: Vec<(String, Direction)>,
    limit: Option<usize>,
    marker: Option<String>,
}

/// What a query selected: nothing at all (an unknown status before 2.38), or a page.
pub enum Selection<'a> {
    Empty,
    Page(Page<&'a Server>),
}

impl ServerListQuery {
    pub fn parse(query: &[(String, String)], ctx: &Ctx) -> Result<Self, Fault> {
        let limit = limit_param(query)?;
        let values = |name: &str| -> Vec<&str> {
            query
                .iter()
                .filter(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
                .collect()
        };
        // The schema checks every value given; the last one is the one used.
        let name = last_regex(&values("name"), "name")?;
        let zone = last_regex(&values("availability_zone"), "availability_zone")?;
        let statuses: Vec<String> = values("status")
            .iter()
            .map(|status| status.to_ascii_uppercase())
            .collect();
        if ctx.since(38)
            && statuses
                .iter()
                .any(|status| !KNOWN_STATUSES.contains(&status.as_str()))
        {
            return Err(Fault::bad_request("Invalid status value"));
        }
        Ok(Self {
            name,
            statuses,
            flavor: query_value(query, "flavor").map(str::to_owned),
            // A project user filters by zone from 2.83; before, Nova drops the filter.
            zone: zone.filter(|_| ctx.since(83)),
            sort: sort_params(&values("sort_key"), &values("sort_dir"), ctx)?,
            limit,
            marker: query_value(query, "marker").map(str::to_owned),
        })
    }

    /// The page of `state`'s servers this query asks for.
    pub fn select<'a>(
        &self,
        state: &'a SimState,
        now: OffsetDateTime,
    ) -> Result<Selection<'a>, Fault> {
        // Nova answers an unknown status (before 2.38) before it looks at anything else.
        if !self
            .statuses
            .iter()
            .all(|status| KNOWN_STATUSES.contains(&status.as_str()))
        {
            return Ok(Selection::Empty);
        }
        let mut servers: Vec<Listed<'a>> = state
            .servers_newest_first()
            .into_iter()
            .map(|server| Listed::new(server, state, now))
            .collect();
        servers.sort_by(|a, b| self.compare(a, b));
        let start = match &self.marker {
            None => 0,
            Some(marker) => {
                servers
                    .iter()
                    .position(|listed| listed.server.id == *marker)
                    .ok_or_else(|| Fault::bad_request(format!("marker [{marker}] not found")))?
                    + 1
            }
        };
        let chosen: Vec<&'a Server> = servers
            .into_iter()
            .skip(start)
            .filter(|listed| self.matches(listed))
            .map(|listed| listed.server)
            .collect();
        // The marker was found above: paging goes on from there.
        let page = super::paginate(
            chosen,
            |server| server.id.clone(),
            self.limit,
            None,
            |marker| Fault::bad_request(format!("marker [{marker}] not found")),
        )?;
        Ok(Selection::Page(page))
    }

    fn matches(&self, listed: &Listed) -> bool {
        let spec = &listed.server.spec;
        let found = |regex: &Regex, text: &str| regex.is_match(text).unwrap_or(false);
        self.name
            .as_ref()
            .is_none_or(|name| found(name, &spec.name))
            && self
                .zone
                .as_ref()
                .is_none_or(|zone| found(zone, &spec.zone))
            && self
                .flavor
                .as_ref()
                .is_none_or(|flavor| *flavor == spec.flavor_id)
            && (self.statuses.is_empty()
                || self
                    .statuses
                    .iter()
                    .any(|status| status_matches(status, &listed.view)))
    }

    fn compare(&self, a: &Listed, b: &Listed) -> Ordering {
        for (key, direction) in &self.sort {
            let order = sort_value(a, key).cmp(&sort_value(b, key));
            let order = match direction {
                Direction::Asc => order,
                Direction::Desc => order.reverse(),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    }
}

/// The last of `values` as a case-insensitive regex; each must be one (Nova's `regex` format:
/// non-empty and compiling).
fn last_regex(values: &[&str], name: &str) -> Result<Option<Regex>, Fault> {
    let mut last = None;
    for value in values {
        let regex = (!value.is_empty())
            .then(|| RegexBuilder::new(value).case_insensitive(true).build().ok())
            .flatten()
            .ok_or_else(|| {
                Fault::invalid_query(name, value, &format!("'{value}' is not a 'regex'"))
            })?;
        last = Some(regex);
    }
    Ok(last)
}

/// Nova's `get_sort_params` then `process_sort_params`: keys checked against the schema, ignored
/// ones dropped with their direction, `created_at` when none is given, directions `desc` when
/// none is given and otherwise the first one for keys without their own, then `created_at` and
/// `id` appended in the first direction.
fn sort_params(keys: &[&str], dirs: &[&str], ctx: &Ctx) -> Result<Vec<(String, Direction)>, Fault> {
    let ignored =
        |key: &str| IGNORED_SORT_KEYS.contains(&key) && !(key == "locked" && ctx.since(73));
    let accepted = |key: &str| {
        VALID_SORT_KEYS.contains(&key)
            || (key == "locked" && ctx.since(73))
            || (ignored(key) && !ctx.since(75))
    };
    if let Some(key) = keys.iter().find(|key| !accepted(key)) {
        let mut choices: Vec<&str> = VALID_SORT_KEYS.to_vec();
        if ctx.since(73) {
            choices.push("locked");
        }
        if !ctx.since(75) {
            choices.extend(
                IGNORED_SORT_KEYS
                    .iter()
                    .filter(|key| **key != "locked" || !ctx.since(73)),
            );
        }
        let listed: Vec<String> = choices.iter().map(|choice| format!("'{choice}'")).collect();
        return Err(Fault::invalid_query(
            "sort_key",
            key,
            &format!("'{key}' is not one of [{}]", listed.join(", ")),
        ));
    }
    let mut keys: Vec<&str> = keys.iter().map(|key| key.trim()).collect();
    let mut dirs: Vec<&str> = dirs.iter().map(|dir| dir.trim()).collect();
    // Nova's remove_invalid_sort_keys: an ignored key goes with the direction in its place.
    let mut index = 0;
    while index < keys.len() {
        if ignored(keys[index]) {
            keys.remove(index);
            if dirs.len() > index {
                dirs.remove(index);
            }
        } else if ADMIN_SORT_KEYS.contains(&keys[index]) {
            return Err(Fault::forbidden(format!(
                "Only administrators can sort servers by {}",
                keys[index]
            )));
        } else {
            index += 1;
        }
    }
    if keys.is_empty() {
        keys.push("created_at");
    }
    if dirs.is_empty() {
        dirs.push("desc");
    }
    let direction = |dir: &str| match dir {
        "asc" => Ok(Direction::Asc),
        "desc" => Ok(Direction::Desc),
        _ => Err(Fault::bad_request(
            "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'",
        )),
    };
    let mut directions = dirs
        .iter()
        .map(|dir| direction(dir))
        .collect::<Result<Vec<_>, _>>()?;
    if directions.len() > keys.len() {
        return Err(Fault::bad_request(
            "Invalid input received: Sort direction size exceeds sort key size",
        ));
    }
    let first = directions[0];
    directions.resize(keys.len(), first);
    let mut sort: Vec<(String, Direction)> = keys
        .iter()
        .map(|key| (*key).to_owned())
        .zip(directions)
        .collect();
    // `id` is the database's row number: the creation order again.
    for default in ["created_at", "id"] {
        if !sort.iter().any(|(key, _)| key == default) {
            sort.push((default.to_owned(), first));
        }
    }
    Ok(sort)
}

/// Whether a server in `view` is listed under `status`: its own status, or the status its vm
/// state shows when no task runs (Nova filters those by `vm_state` alone).
fn status_matches(status: &str, view: &StatusView) -> bool {
    let resting = match view.vm_state {
        "active" => "ACTIVE",
        "building" => "BUILD",
        "stopped" => "SHUTOFF",
        "error" => "ERROR",
        "paused" => "PAUSED",
        "suspended" => "SUSPENDED",
        "rescued" => "RESCUE",
        "resized" => "VERIFY_RESIZE",
        "shelved" => "SHELVED",
        "shelved_offloaded" => "SHELVED_OFFLOADED",
        "soft-delete" => "SOFT_DELETED",
        "deleted" => "DELETED",
        _ => "",
    };
    view.status == status || resting == status
}

/// A server with what the sort and filters read.
struct Listed<'a> {
    server: &'a Server,
    view: StatusView,
    /// The flavor's place in the catalogue: the simulator's `instance_type_id`.
    flavor_number: Option<usize>,
}

impl<'a> Listed<'a> {
    fn new(server: &'a Server, state: &SimState, now: OffsetDateTime) -> Self {
        Self {
            server,
            view: server.phase.view(
                server.fraction(now),
                server.boot_from_volume(),
                server.before_delete,
            ),
            flavor_number: state
                .catalogue
                .flavors
                .iter()
                .position(|flavor| flavor.id == server.spec.flavor_id),
        }
    }
}

/// One column's value as the database orders it: NULL first, text without regard to case.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SortValue {
    Null,
    Number(i128),
    Text(String),
}

fn text(value: &str) -> SortValue {
    SortValue::Text(value.to_lowercase())
}

fn time(at: OffsetDateTime) -> SortValue {
    SortValue::Number(at.unix_timestamp_nanos())
}

fn sort_value(listed: &Listed, key: &str) -> SortValue {
    let server = listed.server;
    let spec = &server.spec;
    let optional_text = |value: Option<&String>| value.map_or(SortValue::Null, |value| text(value));
    match key {
        "display_name" => text(&spec.name),
        "hostname" => text(&server.hostname),
        // The creation order stands for `created_at` (several servers share a second).
        "created_at" | "id" => SortValue::Number(i128::from(server.sequence)),
        "updated_at" => time(server.updated),
        "launched_at" => server.launched_at.map_or(SortValue::Null, time),
        "uuid" => text(&server.id),
        "vm_state" => text(listed.view.vm_state),
        "task_state" => listed.view.task_state.map_or(SortValue::Null, text),
        "power_state" => SortValue::Number(i128::from(listed.view.power_state)),
        "progress" => SortValue::Number(i128::from(listed.view.progress.unwrap_or(0))),
        "availability_zone" => text(&spec.zone),
        "instance_type_id" => listed
            .flavor_number
            .map_or(SortValue::Null, |number| SortValue::Number(number as i128)),
        "key_name" => optional_text(spec.key_name.as_ref()),
        "launch_index" => SortValue::Number(i128::from(server.launch_index)),
        "access_ip_v4" => text(&spec.access_ipv4),
        "access_ip_v6" => text(&spec.access_ipv6),
        "config_drive" => text(if spec.config_drive { "True" } else { "" }),
        "image_ref" => optional_text(spec.image_id.as_ref()),
        "display_description" => optional_text(spec.description.as_ref()),
        "auto_disk_config" => text(&spec.disk_config),
        // The same for every server of the project, or not kept by the simulator.
        _ => SortValue::Null,
    }
}
