//! The Connect section's rules as plain Rust, tested natively: which public IP to use and which
//! port it goes to, what the login line and its notes say, whether the security groups let the
//! login in, and how the boot log is asked for and read.

use ecs_api::ApiError;
use ecs_api::connect::{
    AddressKind, ChosenAddress, HostKeyFingerprint, HostKeys, LoginMethod, LoginUser, PortAccess,
    RDP_PORT, SSH_PORT, address_to_show, chmod_command, rdp_address, rdp_line, ssh_command,
    tcp_port_access,
};
use ecs_api::models::{FloatingIp, FloatingIpList, NeutronNetwork, Port, SecurityGroup, Server};
use ecs_api::status::ServerStatus;
use ecs_api::timestamp::parse_unix_seconds;

// ---------------------------------------------------------------- public IP

/// What the section says on a cloud without Neutron.
pub const NO_NETWORK_SERVICE: &str = "No public IP can be assigned here: this cloud's catalog lists no network service (Neutron), which manages public IPs. Your cloud's own tools may offer one.";

/// What the section's buttons ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Take an unused public IP of the project, or a new one from `pool` (an external network
    /// id; the first pool when `None`), and attach it to the server.
    AssignIp { pool: Option<String> },
    /// Detach `address` from the server, and give it back to its pool when `delete` is set.
    ReleaseIp { address: String, delete: bool },
    /// A remote console link, opened in a new tab.
    OpenConsole,
}

impl Request {
    pub fn is_console(&self) -> bool {
        *self == Self::OpenConsole
    }
}

/// What a request did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Assigned {
        address: String,
    },
    Released {
        address: String,
        deleted: bool,
    },
    /// The console's URL (a web address, see `RemoteConsole::browser_url`).
    Console {
        url: String,
    },
}

impl Outcome {
    /// Whether the server, as last refreshed, already shows the change: the assigned address as
    /// floating, or the released one gone.
    pub fn shown_by(&self, server: &Server) -> bool {
        let floating = |address: &str| {
            server.all_addresses().any(|(_, shown)| {
                shown.addr.trim() == address
                    && shown
                        .ip_type
                        .as_deref()
                        .is_some_and(|kind| kind.eq_ignore_ascii_case("floating"))
            })
        };
        match self {
            Self::Assigned { address } => floating(address),
            Self::Released { address, .. } => !floating(address),
            Self::Console { .. } => true,
        }
    }
}

/// Why a request of the section failed: the API refused, or the cloud's answers left nothing
/// to do it with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    Api(ApiError),
    Impossible(String),
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

/// Where the public IP comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpSource<'a> {
    /// One the project has and no port uses.
    Reuse(&'a FloatingIp),
    /// A new one from this external network.
    Allocate(&'a NeutronNetwork),
}

/// An unused public IP of the project from the chosen pool (the first one when none is chosen;
/// any pool when the cloud lists none), else a new one from that pool.
pub fn public_ip_source<'a>(
    ips: &'a FloatingIpList,
    pools: &'a [NeutronNetwork],
    chosen: Option<&str>,
) -> Result<IpSource<'a>, Failure> {
    let pool = match chosen {
        Some(id) => pools.iter().find(|pool| pool.id == id),
        None => pools.first(),
    };
    if let Some(unused) = ips.unassociated(pool.map(|pool| pool.id.as_str())) {
        return Ok(IpSource::Reuse(unused));
    }
    pool.map(IpSource::Allocate).ok_or_else(|| {
        Failure::Impossible(
            "The project has no unused public IP, and the cloud lists no external network to take one from. Ask your cloud administrator for a public IP pool."
                .to_owned(),
        )
    })
}

/// The server's port a public IP goes to: the one with the fixed address the section shows,
/// else one with any of the server's fixed IPv4 addresses, else the first with an IPv4 address
/// (a floating IP maps to IPv4 only).
pub fn server_port<'a>(ports: &'a [Port], server: &Server) -> Result<&'a Port, Failure> {
    let has = |port: &Port, address: &str| {
        port.fixed_ips
            .iter()
            .any(|fixed| fixed.ip_address == address)
    };
    let shown = address_to_show(server).filter(|chosen| chosen.kind == AddressKind::Fixed);
    let fixed: Vec<&str> = server
        .all_addresses()
        .map(|(_, address)| address.addr.trim())
        .collect();
    shown
        .and_then(|shown| ports.iter().find(|port| has(port, &shown.address)))
        .or_else(|| {
            ports.iter().find(|port| {
                port.ipv4_address().is_some() && fixed.iter().any(|address| has(port, address))
            })
        })
        .or_else(|| ports.iter().find(|port| port.ipv4_address().is_some()))
        .ok_or_else(|| {
            Failure::Impossible(
                "The server has no network port with an IPv4 address for a public IP to reach."
                    .to_owned(),
            )
        })
}

/// The project's floating IP with this address.
pub fn floating_ip_with<'a>(
    ips: &'a FloatingIpList,
    address: &str,
) -> Result<&'a FloatingIp, Failure> {
    ips.floatingips
        .iter()
        .find(|ip| ip.floating_ip_address == address)
        .ok_or_else(|| {
            Failure::Impossible(format!(
                "{address} is not among the project's public IPs: it may belong to another project, or was released meanwhile."
            ))
        })
}

/// What a status line says about the last request: its step while it runs, then how it went
/// (and whether the details show it yet).
pub fn status_text(
    request: &Request,
    step: &str,
    outcome: Option<Result<&Outcome, ()>>,
    shown: bool,
) -> String {
    let doing = match request {
        Request::AssignIp { .. } => "Assigning a public IP".to_owned(),
        Request::ReleaseIp { address, .. } => format!("Releasing {address}"),
        Request::OpenConsole => "Opening the console".to_owned(),
    };
    let refresh = if shown {
        ""
    } else {
        " Addresses show it when the details refresh."
    };
    match outcome {
        None if step.is_empty() => format!("{doing}…"),
        None => format!("{doing}: {step}…"),
        Some(Err(())) => format!("{doing} failed: the reason is below."),
        Some(Ok(Outcome::Assigned { address })) => {
            format!("Public IP {address} assigned to the server.{refresh}")
        }
        Some(Ok(Outcome::Released { address, deleted })) => {
            let kept = if *deleted {
                "and deleted: it went back to the pool"
            } else {
                "and kept: it stays in the project, unused, for the next Assign"
            };
            format!("Public IP {address} released {kept}.{refresh}")
        }
        // Whether the tab opened is not known here (a pop-up blocker tells nobody).
        Some(Ok(Outcome::Console { .. })) => "The console is opening in a new tab.".to_owned(),
    }
}

/// The release confirmation's question.
pub fn release_question(address: &str, server_name: &str) -> String {
    format!(
        "Release public IP {address} from {server_name}? Connections to {address} stop reaching the server; it keeps its fixed address. Keep the address in the project to assign it again later (clouds may bill unused public IPs), or delete it: it goes back to the pool and may be given to someone else."
    )
}

/// The next of a dialog's controls for Tab (`backwards` for Shift+Tab), going round.
pub fn next_in_cycle<'a>(ids: &[&'a str], current: Option<&str>, backwards: bool) -> &'a str {
    let at = ids.iter().position(|id| Some(*id) == current);
    let count = ids.len();
    let next = match (at, backwards) {
        (Some(at), false) => (at + 1) % count,
        (Some(at), true) => (at + count - 1) % count,
        (None, _) => count - 1,
    };
    ids[next]
}

// ---------------------------------------------------------------- login line

/// How to log in to the server: the command and what goes with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginLine {
    /// `ssh -i demo.pem ubuntu@203.0.113.10`, or `Remote Desktop to 203.0.113.10 as Administrator`.
    pub command: String,
    /// What the copy button copies: the SSH command, or the Remote Desktop address.
    pub copy: String,
    /// What the copy button's accessible name says is copied.
    pub copy_label: &'static str,
    /// `Public IP 203.0.113.10.` or `Fixed address 10.0.0.5: reachable only from inside the
    /// network.`
    pub address: String,
    /// `chmod 600 demo.pem`, for SSH with a key pair.
    pub chmod: Option<String>,
}

/// The login line for the server's address (`None` when it has none yet).
pub fn login_line(server: &Server, login: &LoginUser) -> Option<LoginLine> {
    let chosen = address_to_show(server)?;
    let key_name = server.key_name.as_deref().filter(|name| !name.is_empty());
    let address = address_text(&chosen);
    Some(match login.method {
        LoginMethod::Ssh => {
            let command = ssh_command(key_name, &login.user, &chosen.address);
            LoginLine {
                copy: command.clone(),
                command,
                copy_label: "SSH command",
                address,
                chmod: key_name.map(chmod_command),
            }
        }
        LoginMethod::Rdp => LoginLine {
            command: rdp_line(&login.user, &chosen.address),
            copy: rdp_address(&chosen.address),
            copy_label: "Remote Desktop address",
            address,
            chmod: None,
        },
    })
}

fn address_text(chosen: &ChosenAddress) -> String {
    let kind = match chosen.kind {
        AddressKind::Floating => "Public IP",
        AddressKind::Fixed => "Fixed address",
    };
    match chosen.note() {
        Some(note) => format!("{kind} {}: {note}.", chosen.address),
        None => format!("{kind} {}.", chosen.address),
    }
}

/// What the login part says in place of the login line: while the image is read, or while the
/// server has no address.
pub fn login_state_text(login_known: bool, has_line: bool) -> Option<&'static str> {
    if !login_known {
        Some("Reading the image to find whom to log in as…")
    } else if !has_line {
        Some("The server has no address yet.")
    } else {
        None
    }
}

/// The user line: `User ubuntu (the usual user for this OS).`
pub fn user_text(login: &LoginUser) -> String {
    match login.note() {
        Some(note) => format!("User {} ({note}).", login.user),
        None => format!("User {}, as the image says.", login.user),
    }
}

/// A warning when the server's own security groups do not let the login in from anywhere.
pub fn login_port_problem(groups: &[SecurityGroup], method: LoginMethod) -> Option<String> {
    let (service, port) = match method {
        LoginMethod::Ssh => ("SSH (TCP 22)", SSH_PORT),
        LoginMethod::Rdp => ("Remote Desktop (TCP 3389)", RDP_PORT),
    };
    match tcp_port_access(groups, port) {
        PortAccess::Anywhere => None,
        PortAccess::OnlyFrom(ranges) => Some(format!(
            "The server's security groups let {service} in only from {}: connect from there, or add a rule.",
            ranges.join(", ")
        )),
        PortAccess::Closed => Some(format!(
            "None of the server's security groups lets {service} in: connecting will time out until a group with such a rule is added to the server."
        )),
    }
}

// ---------------------------------------------------------------- boot log

/// Lines of the boot log asked for at first.
pub const FIRST_LINES: u32 = 200;
/// Lines "Show more" adds.
pub const MORE_LINES: u32 = 500;
/// How long after its launch a server's boot log is still refreshed with its details.
pub const NEW_FOR_SECONDS: i64 = 5 * 60;

/// Whether the server is new enough that its boot log is still being written: building, or
/// running for less than [`NEW_FOR_SECONDS`] since its launch.
pub fn is_new(server: &Server, now_seconds: i64) -> bool {
    match server.status {
        ServerStatus::Build => true,
        ServerStatus::Active => server
            .launched_at
            .as_deref()
            .or(server.created.as_deref())
            .and_then(parse_unix_seconds)
            .is_some_and(|launched| now_seconds - launched < NEW_FOR_SECONDS),
        _ => false,
    }
}

/// The lines to ask for after "Show more".
pub fn more_lines(asked: Option<u32>) -> Option<u32> {
    asked.map(|lines| lines.saturating_add(MORE_LINES))
}

/// Whether the log may have more lines than shown: it has as many as were asked for.
/// The log as text to read: terminals' colour codes (`ESC[0;32m`, whose ESC Nova drops, leaving
/// `[0;32m`) are taken out; everything else is kept as the guest wrote it.
pub fn readable_log(log: &str) -> String {
    let mut readable = String::with_capacity(log.len());
    let mut rest = log;
    while let Some(start) = rest.find('[') {
        let (before, from_bracket) = rest.split_at(start);
        readable.push_str(before.strip_suffix('\u{1b}').unwrap_or(before));
        let code_len = from_bracket[1..]
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .filter(|&end| from_bracket[1 + end..].starts_with('m'));
        match code_len {
            Some(end) => rest = &from_bracket[end + 2..],
            None => {
                readable.push('[');
                rest = &from_bracket[1..];
            }
        }
    }
    readable.push_str(rest);
    readable
}

pub fn may_have_more(log: &str, asked: Option<u32>) -> bool {
    asked.is_some_and(|lines| log.lines().count() >= lines as usize)
}

/// What the boot log part says in place of the log: while it loads, or when an error only
/// means there is no log to read (a real error is shown as one: `None`, as for a log).
/// Why a server has no boot log to read, `None` when it may have one: a shelved server has no
/// console (Nova answers 409 without a host, 404 without a running guest), so the page does
/// not ask.
pub fn no_console_text(status: &ServerStatus) -> Option<&'static str> {
    matches!(
        status,
        ServerStatus::Shelved | ServerStatus::ShelvedOffloaded
    )
    .then_some("No boot log: the server is shelved, so it has no console to read. Unshelve it to see the log.")
}

pub fn log_state_text(
    log: Option<&Result<String, ApiError>>,
    status: &ServerStatus,
) -> Option<&'static str> {
    let Some(log) = log else {
        return Some("Loading the boot log…");
    };
    let error = log.as_ref().err()?;
    match (error.status, status) {
        (404 | 409, ServerStatus::Build) => {
            Some("No boot log yet: the server is still being built. It appears here once it boots.")
        }
        (404 | 409, ServerStatus::Shutoff) => Some(
            "No boot log: the server is stopped, so its console has nothing to read. Start it to see the log.",
        ),
        _ => None,
    }
}

/// What goes with the host key fingerprints: how to use them, or why there are none. `complete`
/// is `None` when the log has no fingerprints.
pub fn host_keys_text(complete: Option<bool>) -> &'static str {
    match complete {
        None => {
            "Not in the boot log (yet): cloud-init lists them at the end of the server's first boot."
        }
        Some(true) => {
            "The first time ssh connects it shows the server's key fingerprint and asks whether to go on: answer yes only if it is one of these."
        }
        Some(false) => {
            "The first time ssh connects it shows the server's key fingerprint and asks whether to go on: answer yes only if it is one of these. The list may be cut short: show more of the log to see all of it."
        }
    }
}

/// The fingerprints, one line each.
pub fn fingerprint_lines(keys: &HostKeys) -> String {
    keys.fingerprints
        .iter()
        .map(fingerprint_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A host key as `ssh-keygen -l` prints it: `256 SHA256:... root@web-1 (ED25519)`.
pub fn fingerprint_line(key: &HostKeyFingerprint) -> String {
    let comment = if key.comment.is_empty() {
        String::new()
    } else {
        format!(" {}", key.comment)
    };
    format!(
        "{} {}{comment} ({})",
        key.bits, key.fingerprint, key.key_type
    )
}

#[cfg(test)]
mod tests {
    use ecs_api::connect::{LoginSource, login_user};
    use ecs_api::models::{FixedIp, Image};
    use serde_json::json;

    use super::*;

    fn server(value: serde_json::Value) -> Server {
        serde_json::from_value(value).expect("test server decodes")
    }

    fn address(addr: &str, kind: &str) -> serde_json::Value {
        json!({"addr": addr, "version": if addr.contains(':') { 6 } else { 4 }, "OS-EXT-IPS:type": kind})
    }

    fn with_addresses(addresses: serde_json::Value) -> Server {
        server(
            json!({"id": "s1", "name": "web-1", "status": "ACTIVE", "key_name": "demo key", "addresses": addresses}),
        )
    }

    fn ips() -> FloatingIpList {
        serde_json::from_value(json!({"floatingips": [
            {"id": "f1", "floating_ip_address": "203.0.113.1", "floating_network_id": "ext1", "port_id": "p9"},
            {"id": "f2", "floating_ip_address": "198.51.100.2", "floating_network_id": "ext2", "port_id": null},
        ]}))
        .unwrap()
    }

    fn pool(id: &str) -> NeutronNetwork {
        NeutronNetwork {
            id: id.into(),
            name: id.into(),
            external: true,
            ..NeutronNetwork::default()
        }
    }

    fn port(id: &str, addresses: &[&str]) -> Port {
        Port {
            id: id.into(),
            fixed_ips: addresses
                .iter()
                .map(|address| FixedIp {
                    ip_address: (*address).into(),
                    subnet_id: "s".into(),
                })
                .collect(),
            ..Port::default()
        }
    }

    #[test]
    fn an_unused_public_ip_is_reused_before_one_is_allocated() {
        let pools = [pool("ext1"), pool("ext2")];
        let source = |chosen| {
            public_ip_source(&ips(), &pools, chosen).map(|source| match source {
                IpSource::Reuse(ip) => format!("reuse {}", ip.id),
                IpSource::Allocate(pool) => format!("allocate from {}", pool.id),
            })
        };
        assert_eq!(source(Some("ext2")), Ok("reuse f2".to_owned()));
        assert_eq!(
            source(None),
            Ok("allocate from ext1".to_owned()),
            "the first pool by default, and f1 is in use"
        );
        assert_eq!(source(Some("ext1")), Ok("allocate from ext1".to_owned()));
        // No pool listed: any unused address, else nothing to do it with.
        let listed = ips();
        let reused = public_ip_source(&listed, &[], None).unwrap();
        assert_eq!(reused, IpSource::Reuse(&listed.floatingips[1]));
        let none = public_ip_source(&FloatingIpList::default(), &[], None).unwrap_err();
        assert!(matches!(none, Failure::Impossible(text) if text.contains("no external network")));
    }

    #[test]
    fn the_public_ip_goes_to_the_port_of_the_shown_address() {
        let server = with_addresses(json!({
            "b-net": [address("192.168.5.5", "fixed")],
            "a-net": [address("fd00::7", "fixed"), address("10.0.0.5", "fixed")],
        }));
        let ports = [
            port("router", &["10.9.9.9"]),
            port("p-b", &["192.168.5.5"]),
            port("p-a", &["fd00::7", "10.0.0.5"]),
        ];
        assert_eq!(server_port(&ports, &server).unwrap().id, "p-a");
        assert_eq!(
            server_port(&ports[..2], &server).unwrap().id,
            "p-b",
            "another of its fixed addresses"
        );
        assert_eq!(server_port(&ports[..1], &server).unwrap().id, "router");
        let v6_only = [port("p6", &["fd00::7"])];
        assert!(matches!(
            server_port(&v6_only, &server),
            Err(Failure::Impossible(_))
        ));
    }

    #[test]
    fn release_finds_the_address_among_the_projects_ips() {
        assert_eq!(floating_ip_with(&ips(), "203.0.113.1").unwrap().id, "f1");
        assert!(matches!(
            floating_ip_with(&ips(), "203.0.113.77"),
            Err(Failure::Impossible(text)) if text.contains("203.0.113.77")
        ));
    }

    #[test]
    fn a_change_is_shown_once_the_details_have_it() {
        let before = with_addresses(json!({"net": [address("10.0.0.5", "fixed")]}));
        let after = with_addresses(
            json!({"net": [address("10.0.0.5", "fixed"), address("203.0.113.1", "floating")]}),
        );
        let assigned = Outcome::Assigned {
            address: "203.0.113.1".into(),
        };
        assert!(!assigned.shown_by(&before));
        assert!(assigned.shown_by(&after));
        let released = Outcome::Released {
            address: "203.0.113.1".into(),
            deleted: true,
        };
        assert!(!released.shown_by(&after));
        assert!(released.shown_by(&before));
    }

    #[test]
    fn the_status_line_follows_the_request() {
        let assign = Request::AssignIp { pool: None };
        assert_eq!(
            status_text(&assign, "allocating one from public", None, false),
            "Assigning a public IP: allocating one from public…"
        );
        assert_eq!(
            status_text(&assign, "", None, false),
            "Assigning a public IP…"
        );
        assert_eq!(
            status_text(
                &Request::OpenConsole,
                "asking the cloud for a link",
                None,
                false
            ),
            "Opening the console: asking the cloud for a link…"
        );
        let console = Outcome::Console {
            url: "https://console.example/".into(),
        };
        assert_eq!(
            status_text(&Request::OpenConsole, "", Some(Ok(&console)), true),
            "The console is opening in a new tab."
        );
        let assigned = Outcome::Assigned {
            address: "203.0.113.1".into(),
        };
        assert_eq!(
            status_text(&assign, "", Some(Ok(&assigned)), false),
            "Public IP 203.0.113.1 assigned to the server. Addresses show it when the details refresh."
        );
        assert_eq!(
            status_text(&assign, "", Some(Ok(&assigned)), true),
            "Public IP 203.0.113.1 assigned to the server."
        );
        let release = Request::ReleaseIp {
            address: "203.0.113.1".into(),
            delete: false,
        };
        assert_eq!(
            status_text(&release, "", Some(Err(())), false),
            "Releasing 203.0.113.1 failed: the reason is below."
        );
        let kept = Outcome::Released {
            address: "203.0.113.1".into(),
            deleted: false,
        };
        assert!(status_text(&release, "", Some(Ok(&kept)), true).contains("stays in the project"));
        assert!(
            release_question("203.0.113.1", "web-1")
                .starts_with("Release public IP 203.0.113.1 from web-1?")
        );
    }

    #[test]
    fn tab_goes_round_the_dialogs_controls() {
        let ids = ["keep", "delete", "cancel"];
        assert_eq!(next_in_cycle(&ids, Some("keep"), false), "delete");
        assert_eq!(next_in_cycle(&ids, Some("cancel"), false), "keep");
        assert_eq!(next_in_cycle(&ids, Some("keep"), true), "cancel");
        assert_eq!(next_in_cycle(&ids, Some("elsewhere"), false), "cancel");
    }

    fn image(properties: &[(&str, &str)]) -> Image {
        Image {
            name: "image".into(),
            metadata: properties
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
            ..Image::default()
        }
    }

    #[test]
    fn the_login_line_uses_the_floating_address_the_key_file_and_the_user() {
        let ubuntu = login_user(Some(&image(&[("os_distro", "ubuntu")])));
        let floating = with_addresses(
            json!({"net": [address("10.0.0.5", "fixed"), address("203.0.113.1", "floating")]}),
        );
        let line = login_line(&floating, &ubuntu).unwrap();
        assert_eq!(line.command, "ssh -i demo_key.pem ubuntu@203.0.113.1");
        assert_eq!(line.copy, line.command);
        assert_eq!(line.address, "Public IP 203.0.113.1.");
        assert_eq!(line.chmod.as_deref(), Some("chmod 600 demo_key.pem"));
        assert_eq!(
            user_text(&ubuntu),
            "User ubuntu (the usual user for this OS)."
        );

        let fixed = with_addresses(json!({"net": [address("10.0.0.5", "fixed")]}));
        let line = login_line(&fixed, &ubuntu).unwrap();
        assert_eq!(line.command, "ssh -i demo_key.pem ubuntu@10.0.0.5");
        assert_eq!(
            line.address,
            "Fixed address 10.0.0.5: reachable only from inside the network."
        );

        let mut keyless = fixed.clone();
        keyless.key_name = None;
        let line = login_line(&keyless, &ubuntu).unwrap();
        assert_eq!(
            (line.command.as_str(), line.chmod),
            ("ssh ubuntu@10.0.0.5", None)
        );

        let windows = login_user(Some(&image(&[("os_type", "windows")])));
        let line = login_line(&floating, &windows).unwrap();
        assert_eq!(
            line.command,
            "Remote Desktop to 203.0.113.1 as Administrator"
        );
        assert_eq!((line.copy.as_str(), line.chmod), ("203.0.113.1", None));

        let admin = LoginUser {
            user: "admin".into(),
            method: LoginMethod::Ssh,
            source: LoginSource::ImageProperty,
        };
        assert_eq!(user_text(&admin), "User admin, as the image says.");
        let unaddressed = with_addresses(json!({}));
        assert_eq!(login_line(&unaddressed, &ubuntu), None);
        assert_eq!(
            login_state_text(true, false),
            Some("The server has no address yet.")
        );
        assert!(
            login_state_text(false, false)
                .unwrap()
                .starts_with("Reading the image")
        );
        assert_eq!(login_state_text(true, true), None);
    }

    fn group(rules: serde_json::Value) -> SecurityGroup {
        serde_json::from_value(json!({"id": "g", "name": "g", "security_group_rules": rules}))
            .unwrap()
    }

    #[test]
    fn closed_or_narrow_login_ports_are_warned_about() {
        let ssh = group(
            json!([{"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
            "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"}]),
        );
        assert_eq!(
            login_port_problem(std::slice::from_ref(&ssh), LoginMethod::Ssh),
            None
        );
        let closed = login_port_problem(std::slice::from_ref(&ssh), LoginMethod::Rdp).unwrap();
        assert!(
            closed.starts_with(
                "None of the server's security groups lets Remote Desktop (TCP 3389) in"
            ),
            "{closed}"
        );
        let office = group(
            json!([{"direction": "ingress", "protocol": "tcp", "port_range_min": 22,
            "port_range_max": 22, "remote_ip_prefix": "198.51.100.0/24"}]),
        );
        let narrow = login_port_problem(&[office], LoginMethod::Ssh).unwrap();
        assert!(narrow.contains("only from 198.51.100.0/24"), "{narrow}");
        assert!(login_port_problem(&[], LoginMethod::Ssh).is_some());
    }

    #[test]
    fn colour_codes_leave_the_boot_log() {
        assert_eq!(
            readable_log("[  [0;32m  OK  [0m] Started ssh.\n\u{1b}[1mbold\u{1b}[0m"),
            "[    OK  ] Started ssh.\nbold"
        );
        assert_eq!(
            readable_log("[   12.5] eth0: up [x] [m"),
            "[   12.5] eth0: up [x] "
        );
        assert_eq!(readable_log("no codes"), "no codes");
        assert_eq!(readable_log("ends with ["), "ends with [");
    }

    #[test]
    fn the_boot_log_is_refreshed_while_the_server_is_new() {
        let at = |status: &str, launched: Option<&str>| {
            server(
                json!({"id": "s", "status": status, "OS-SRV-USG:launched_at": launched, "created": "2024-01-01T00:00:00Z"}),
            )
        };
        let launched = parse_unix_seconds("2024-01-01T00:01:00").unwrap();
        assert!(is_new(&at("BUILD", None), launched + 9_999));
        let active = at("ACTIVE", Some("2024-01-01T00:01:00.000000"));
        assert!(is_new(&active, launched + NEW_FOR_SECONDS - 1));
        assert!(!is_new(&active, launched + NEW_FOR_SECONDS));
        assert!(!is_new(
            &at("SHUTOFF", Some("2024-01-01T00:01:00")),
            launched
        ));
        assert!(
            is_new(&at("ACTIVE", None), launched),
            "without a launch time, the creation time"
        );
    }

    #[test]
    fn show_more_asks_for_more_lines_while_there_may_be_more() {
        assert_eq!(more_lines(Some(FIRST_LINES)), Some(700));
        assert_eq!(more_lines(None), None);
        let log = "a\n".repeat(200);
        assert!(may_have_more(&log, Some(200)));
        assert!(!may_have_more("a\nb\n", Some(200)));
        assert!(!may_have_more(&log, None));
    }

    #[test]
    fn a_shelved_server_is_not_asked_for_its_log() {
        for shelved in [ServerStatus::Shelved, ServerStatus::ShelvedOffloaded] {
            assert!(no_console_text(&shelved).unwrap().contains("shelved"));
        }
        for status in [
            ServerStatus::Active,
            ServerStatus::Build,
            ServerStatus::Shutoff,
        ] {
            assert_eq!(no_console_text(&status), None, "{status}");
        }
    }

    #[test]
    fn a_missing_log_is_explained_not_shown_as_an_error() {
        let not_found =
            ApiError::from_response(404, br#"{"itemNotFound": {"code": 404, "message": "x"}}"#);
        let state =
            |result: Result<String, ApiError>, status| log_state_text(Some(&result), &status);
        assert_eq!(
            log_state_text(None, &ServerStatus::Build),
            Some("Loading the boot log…")
        );
        assert_eq!(state(Ok("log".into()), ServerStatus::Build), None);
        assert!(
            state(Err(not_found.clone()), ServerStatus::Build)
                .unwrap()
                .starts_with("No boot log yet")
        );
        assert!(
            state(Err(not_found.clone()), ServerStatus::Shutoff)
                .unwrap()
                .contains("stopped")
        );
        assert_eq!(
            state(Err(not_found), ServerStatus::Active),
            None,
            "a real error"
        );
        assert_eq!(
            state(
                Err(ApiError::from_response(500, b"oops")),
                ServerStatus::Build
            ),
            None
        );
    }

    #[test]
    fn fingerprints_read_as_ssh_keygen_prints_them() {
        let key = HostKeyFingerprint {
            key_type: "ED25519".into(),
            bits: 256,
            fingerprint: "SHA256:abc".into(),
            comment: "root@web-1".into(),
        };
        assert_eq!(
            fingerprint_line(&key),
            "256 SHA256:abc root@web-1 (ED25519)"
        );
        let bare = HostKeyFingerprint {
            comment: String::new(),
            ..key.clone()
        };
        assert_eq!(fingerprint_line(&bare), "256 SHA256:abc (ED25519)");
        let keys = HostKeys {
            fingerprints: vec![key, bare],
            complete: false,
        };
        assert_eq!(
            fingerprint_lines(&keys),
            "256 SHA256:abc root@web-1 (ED25519)\n256 SHA256:abc (ED25519)"
        );
        assert!(host_keys_text(Some(false)).contains("cut short"));
        assert!(host_keys_text(None).starts_with("Not in the boot log"));
    }
}
