//! The server's fields: overview (with its lock and the count of its disks, which the Disks
//! section lists), addresses, security groups and metadata.

use ecs_api::ApiError;
use ecs_api::models::Server;
use ecs_api::status::ServerStatus;
use leptos::prelude::*;

use super::disks::DISKS_TITLE_ID;
use super::disks::logic::disk_count_text;
use super::logic::{embedded_flavor_text, power_state_text, progress_text, task_state_text};
use crate::browser::focus::focus_element;
use crate::components::copy_button::CopyButton;
use crate::components::format::{EMPTY, or_dash};
use crate::components::loaded::Loaded;
use crate::components::table::ColumnHeads;
use crate::components::timestamp::Timestamp;
use crate::hooks::clock::use_clock;
use crate::servers::logic::status_class;

/// Flavor and image descriptions fetched by id (`None` when there is nothing to fetch).
#[derive(Clone, Copy)]
pub struct ResolvedNames {
    pub flavor: LocalResource<Result<Option<String>, ApiError>>,
    pub image: LocalResource<Result<Option<String>, ApiError>>,
}

/// The server's fields. Once it is `gone`, what describes a live machine (status, power, the
/// fault) is left out and the rest is titled as the last known details.
#[component]
pub fn ServerFields(server: Server, names: ResolvedNames, gone: bool) -> impl IntoView {
    let now = use_clock();
    let fault = server
        .fault
        .clone()
        .filter(|_| server.status == ServerStatus::Error && !gone);
    let locked = locked_text(&server);
    let live_state = (!gone).then(|| {
        view! {
            <dt>"Status"</dt>
            <dd>
                <span class=status_class(&server) id="server-status">{server.status.to_string()}</span>
                {locked.map(|text| view! { " " <span id="server-locked">{text}</span> })}
            </dd>
            <dt>"Task state"</dt>
            <dd>{task_state_text(&server)}</dd>
            <dt>"Power state"</dt>
            <dd id="server-power">{power_state_text(server.power_state)}</dd>
            <dt>"Progress"</dt>
            <dd id="server-progress">{progress_text(&server)}</dd>
        }
    });
    let title = if gone {
        "Last known details"
    } else {
        "Overview"
    };
    let host = [
        server.host.as_deref(),
        server.hypervisor_hostname.as_deref(),
        server.host_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find(|host| !host.is_empty())
    .map(str::to_owned);
    let disk_count = disk_count_text(server.volumes_attached.len());
    let security_groups = server.security_groups.clone();
    let metadata = server.metadata.clone();
    view! {
        {fault.map(|fault| {
            let advice = fault_advice(&fault.message, fault.details.as_deref());
            let code = fault.code.map(|code| format!(" (code {code})")).unwrap_or_default();
            view! {
                <div class="error" id="server-fault" role="alert">
                    <strong>{format!("The server is in ERROR{code}")}</strong>
                    <p class="api-message">{fault.message}</p>
                    {fault.details.map(|details| view! { <pre>{details}</pre> })}
                    <p class="small" id="server-fault-advice">{advice}</p>
                </div>
            }
        })}
        <div class="card">
            <h2 id="overview-title">{title}</h2>
            <dl class="fields">
                <dt>"ID"</dt>
                <dd class="mono">{server.id.clone()} " " <CopyButton value=server.id.clone() label="server id" /></dd>
                {live_state}
                {server.description.clone().filter(|text| !text.is_empty()).map(|text| {
                    view! { <dt>"Description"</dt> <dd id="server-description">{text}</dd> }
                })}
                <dt>"Availability zone"</dt>
                <dd>{or_dash(server.availability_zone.as_deref())}</dd>
                <dt>"Flavor"</dt>
                <dd id="server-flavor">
                    {match embedded_flavor_text(&server) {
                        Some(text) => text.into_any(),
                        None => view! { <Resolved resource=names.flavor placeholder=or_dash(server.flavor_label()) /> }.into_any(),
                    }}
                </dd>
                <dt>"Image"</dt>
                <dd id="server-image">
                    {if server.is_volume_backed() {
                        "boot from volume".into_any()
                    } else {
                        view! { <Resolved resource=names.image placeholder=or_dash(server.image_id()) /> }.into_any()
                    }}
                </dd>
                <dt>"Key pair"</dt>
                <dd>{or_dash(server.key_name.as_deref())}</dd>
                <dt>"Created"</dt>
                <dd><Timestamp value=server.created.clone() now /></dd>
                <dt>"Updated"</dt>
                <dd><Timestamp value=server.updated.clone() now /></dd>
                <dt>"Launched"</dt>
                <dd><Timestamp value=server.launched_at.clone() now /></dd>
                <dt>"Disks"</dt>
                <dd id="server-disks">
                    {if gone {
                        disk_count.into_any()
                    } else {
                        view! {
                            <a href="#disks" id="server-disks-link"
                                on:click=|event| {
                                    // A fragment link only scrolls; take the keyboard there too.
                                    event.prevent_default();
                                    focus_element(DISKS_TITLE_ID);
                                }>
                                {format!("{disk_count} — see Disks")}
                            </a>
                        }
                            .into_any()
                    }}
                </dd>
                {host.map(|host| view! { <dt>"Host"</dt> <dd class="mono">{host}</dd> })}
            </dl>
        </div>
        <Addresses server=server.clone() />
        <div class="card">
            <ListSection title="Security groups" title_id="security-groups-title" empty=security_groups.is_empty()>
                <ul aria-labelledby="security-groups-title">
                        {security_groups
                            .iter()
                            .map(|group| view! { <li>{group.name.clone()}</li> })
                            .collect_view()}
                    </ul>
            </ListSection>
            <ListSection title="Metadata" title_id="metadata-title" empty=metadata.is_empty()>
                <dl class="fields" aria-labelledby="metadata-title">
                        {metadata
                            .iter()
                            .map(|(key, value)| view! { <dt class="mono">{key.clone()}</dt> <dd>{value.clone()}</dd> })
                            .collect_view()}
                    </dl>
            </ListSection>
        </div>
    }
}

/// A titled part of the details that reads "—" when it has nothing to list.
#[component]
fn ListSection(
    title: &'static str,
    title_id: &'static str,
    empty: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <h2 id=title_id>{title}</h2>
        {if empty { view! { <p class="muted">{EMPTY}</p> }.into_any() } else { children().into_any() }}
    }
}

#[component]
fn Addresses(server: Server) -> impl IntoView {
    let rows: Vec<_> = server
        .all_addresses()
        .map(|(network, address)| (network.to_owned(), address.clone()))
        .collect();
    view! {
        <div class="card">
            <h2 id="addresses-title">"Addresses"</h2>
            {if rows.is_empty() {
                view! { <p class="muted" id="no-addresses">"No address yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table id="addresses" class="stacks-narrow" aria-labelledby="addresses-title">
                            <ColumnHeads columns=&["Network", "Address", "Type", "Version", "MAC"] />
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|(network, address)| {
                                        let version = address
                                            .version
                                            .map(|version| format!("IPv{version}"))
                                            .unwrap_or_else(|| EMPTY.to_owned());
                                        let label = format!("address {}", address.addr);
                                        view! {
                                            <tr>
                                                <td data-label="Network">{network}</td>
                                                <td data-label="Address">
                                                    <span class="mono">{address.addr.clone()}</span> " "
                                                    <CopyButton value=address.addr.clone() label=label />
                                                </td>
                                                <td data-label="Type">{or_dash(address.ip_type.as_deref())}</td>
                                                <td data-label="Version">{version}</td>
                                                <td data-label="MAC" class="mono">{or_dash(address.mac_addr.as_deref())}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </div>
    }
}

/// A name fetched by id: the id while loading, the name when known, the error when not readable.
#[component]
fn Resolved(
    resource: LocalResource<Result<Option<String>, ApiError>>,
    placeholder: String,
) -> impl IntoView {
    let loading = placeholder.clone();
    let failed = Callback::new(|error: ApiError| {
        view! { <span class="muted">{format!("not readable: {error}")}</span> }.into_any()
    });
    view! {
        <Loaded
            resource
            fallback=move || view! { <span class="loading">{loading}</span> }
            failed
            let:name
        >
            {name.unwrap_or_else(|| placeholder.clone())}
        </Loaded>
    }
}

/// "Locked", with Nova's reason (2.73+) when there is one; `None` when not locked.
fn locked_text(server: &Server) -> Option<String> {
    if !server.is_locked() {
        return None;
    }
    Some(
        match server
            .locked_reason
            .as_deref()
            .map(str::trim)
            .filter(|reason| !reason.is_empty())
        {
            Some(reason) => format!("Locked: {reason}"),
            None => "Locked".to_owned(),
        },
    )
}

/// What to do about a server in ERROR. A failed disk (Cinder refused or lost the volume, the
/// block device could not be prepared) leaves nothing to boot: rebooting cannot help.
fn fault_advice(message: &str, details: Option<&str>) -> &'static str {
    let text = format!("{message} {}", details.unwrap_or_default()).to_lowercase();
    if text.contains("volume") || text.contains("block device") {
        "Its disk (a volume) failed, so a reboot will not help: delete this server and create it again, perhaps with a smaller disk or another disk type. If the message names the volume quota, delete volumes you no longer need or ask for more quota first; if it keeps failing, give this message to your cloud's support."
    } else {
        "Try Reboot (hard), or delete it and create it again; if it keeps failing, give this message to your cloud's support."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_disk_is_not_advised_a_reboot() {
        for message in [
            "Build of instance 1 aborted: VolumeSizeExceedsLimit: Requested volume size 501G is larger than maximum allowed limit 500G.",
            "Build of instance 1 aborted: Volume 9 did not finish being created even after we waited 187 seconds or 61 attempts. And its status is error.",
            "Build of instance 1 aborted: Failure prepping block device.",
            "Block Device Mapping is Invalid.",
        ] {
            let advice = fault_advice(message, None);
            assert!(
                advice.contains("delete this server and create it again"),
                "{message}"
            );
            assert!(!advice.contains("Try Reboot"), "{message}");
        }
        let from_details = fault_advice(
            "Build of instance 1 aborted",
            Some("Traceback ... cinderclient VolumeNotFound"),
        );
        assert!(!from_details.contains("Try Reboot"));
        let no_host = fault_advice(
            "No valid host was found. There are not enough hosts available.",
            None,
        );
        assert!(no_host.starts_with("Try Reboot (hard)"));
    }

    #[test]
    fn the_lock_shows_with_its_reason() {
        let mut server = Server::default();
        assert_eq!(locked_text(&server), None, "an older answer says nothing");
        server.locked = Some(false);
        assert_eq!(locked_text(&server), None);
        server.locked = Some(true);
        assert_eq!(locked_text(&server).as_deref(), Some("Locked"));
        server.locked_reason = Some("  ".into());
        assert_eq!(locked_text(&server).as_deref(), Some("Locked"));
        server.locked_reason = Some("maintenance".into());
        assert_eq!(locked_text(&server).as_deref(), Some("Locked: maintenance"));
    }
}
