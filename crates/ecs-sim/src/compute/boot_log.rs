//! What a guest writes to its serial console while it boots, as Nova's libvirt driver reads it
//! back: the kernel, systemd and cloud-init on Linux, ending with cloud-init's SSH host key
//! blocks; cloudbase-init on Windows. Lines carry their time since power-on, so a boot in
//! progress shows only the lines written so far.

use std::net::Ipv4Addr;

use time::OffsetDateTime;
use time::macros::format_description;

use crate::keys::HostKey;

/// Everything the log mentions about the server.
pub struct BootFacts<'a> {
    pub hostname: &'a str,
    pub os: GuestOs,
    pub vcpus: u32,
    pub ram_mb: u64,
    pub disk_gb: u64,
    pub nics: Vec<Nic>,
    /// Power-on: the log's time stamps count from here.
    pub started: OffsetDateTime,
    /// Empty for a Windows guest.
    pub host_keys: &'a [HostKey],
}

pub struct Nic {
    pub ip: Ipv4Addr,
    pub prefix: u8,
    pub mac: String,
}

pub enum GuestOs {
    Linux {
        /// As `/etc/os-release` would name it, e.g. `Ubuntu 22.04 server 64bit`.
        pretty_name: String,
        family: LinuxFamily,
    },
    Windows {
        /// cloudbase-init posted an encrypted password to the metadata service.
        password_posted: bool,
    },
}

/// Distributions differ in kernel and systemd builds; the log shows the family's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinuxFamily {
    Debian,
    RedHat,
}

impl LinuxFamily {
    /// From the image's platform or distribution name (`Ubuntu`, `CentOS`, `EulerOS`...).
    pub fn from_platform(platform: &str) -> Self {
        let platform = platform.to_ascii_lowercase();
        if ["ubuntu", "debian"]
            .iter()
            .any(|name| platform.contains(name))
        {
            LinuxFamily::Debian
        } else {
            LinuxFamily::RedHat
        }
    }

    fn kernel(self) -> &'static str {
        match self {
            LinuxFamily::Debian => "5.15.0-105-generic",
            LinuxFamily::RedHat => "4.18.0-513.24.1.el8_9.x86_64",
        }
    }

    fn systemd(self) -> &'static str {
        match self {
            LinuxFamily::Debian => "249.11-0ubuntu3.12",
            LinuxFamily::RedHat => "239-78.el8",
        }
    }
}

/// The cloud-init release the log names.
const CLOUD_INIT: &str = "24.1.3";
/// systemd's green "OK", as the serial console receives it (colour codes included).
const OK: &str = "[\u{1b}[0;32m  OK  \u{1b}[0m]";

/// The console log up to `progress` (0 = power-on, 1 = boot finished) of the boot, as the guest
/// wrote it: CR LF line ends and terminal colour codes included (Nova strips those).
pub fn render(facts: &BootFacts, progress: f64) -> String {
    let lines = match &facts.os {
        GuestOs::Linux {
            pretty_name,
            family,
        } => linux(facts, pretty_name, *family),
        GuestOs::Windows { password_posted } => windows(facts, *password_posted),
    };
    let total = lines.last().map_or(0.0, |line| line.at);
    let cutoff = progress.clamp(0.0, 1.0) * total;
    lines
        .iter()
        .filter(|line| progress >= 1.0 || line.at <= cutoff)
        .map(|line| format!("{}\r\n", line.text))
        .collect()
}

/// One console line and when (seconds after power-on) the guest wrote it.
struct Line {
    at: f64,
    text: String,
}

#[derive(Default)]
struct Lines(Vec<Line>);

impl Lines {
    fn plain(&mut self, at: f64, text: impl Into<String>) {
        self.0.push(Line {
            at,
            text: text.into(),
        });
    }

    /// A kernel (or journal-to-console) line with its `[    1.234567]` time stamp.
    fn kernel(&mut self, at: f64, text: impl AsRef<str>) {
        self.plain(at, format!("[{at:12.6}] {}", text.as_ref()));
    }

    fn ok(&mut self, at: f64, text: impl AsRef<str>) {
        self.plain(at, format!("{OK} {}", text.as_ref()));
    }
}

fn linux(facts: &BootFacts, pretty_name: &str, family: LinuxFamily) -> Vec<Line> {
    let kernel = family.kernel();
    let host = facts.hostname;
    let ram_kb = facts.ram_mb * 1024;
    let mut log = Lines::default();
    log.kernel(
        0.0,
        format!(
            "Linux version {kernel} (mockbuild@builder) (gcc version 11.4.0) #1 SMP PREEMPT_DYNAMIC"
        ),
    );
    log.kernel(
        0.0,
        format!(
            "Command line: BOOT_IMAGE=/boot/vmlinuz-{kernel} root=LABEL=cloudimg-rootfs ro console=tty1 console=ttyS0"
        ),
    );
    log.kernel(
        0.0,
        "DMI: OpenStack Foundation OpenStack Nova, BIOS 1.16.3-debian-1.16.3-2 04/01/2014",
    );
    log.kernel(0.0, "Hypervisor detected: KVM");
    log.kernel(
        0.004_711,
        format!(
            "Memory: {}K/{ram_kb}K available",
            ram_kb.saturating_sub(ram_kb / 20)
        ),
    );
    log.kernel(
        0.012_335,
        format!(
            "smpboot: Allowing {} CPUs, 0 hotplug CPUs",
            facts.vcpus.max(1)
        ),
    );
    log.kernel(
        0.183_104,
        format!("smp: Brought up 1 node, {} CPUs", facts.vcpus.max(1)),
    );
    let sectors = facts.disk_gb * 1024 * 1024 * 2;
    log.kernel(
        0.741_502,
        format!(
            "virtio_blk virtio2: [vda] {sectors} 512-byte logical blocks ({:.1} GB/{} GiB)",
            facts.disk_gb as f64 * 1.073_741_824,
            facts.disk_gb
        ),
    );
    for (index, _) in facts.nics.iter().enumerate() {
        log.kernel(
            0.752_118 + index as f64 * 0.000_9,
            format!(
                "virtio_net virtio{index} ens{}: renamed from eth{index}",
                index + 3
            ),
        );
    }
    log.kernel(
        1.604_337,
        "EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.",
    );
    log.kernel(
        2.107_920,
        format!(
            "systemd[1]: systemd {} running in system mode (+PAM +AUDIT +SELINUX +IMA +SECCOMP +GCRYPT)",
            family.systemd()
        ),
    );
    log.kernel(2.109_651, "systemd[1]: Detected virtualization kvm.");
    log.kernel(2.109_702, "systemd[1]: Detected architecture x86-64.");
    log.plain(2.11, "");
    log.plain(2.11, format!("Welcome to {pretty_name}!"));
    log.plain(2.11, "");
    log.kernel(2.153_412, format!("systemd[1]: Set hostname to <{host}>."));
    log.ok(2.6, "Created slice system-serial\\x2dgetty.slice.");
    log.ok(2.7, "Started Journal Service.");
    log.ok(3.1, "Reached target Local File Systems.");
    log.plain(
        3.2,
        "         Starting Initial cloud-init job (pre-networking)...",
    );
    let stamp = |at: f64| cloud_init_time(facts.started, at);
    log.kernel(
        5.987_221,
        format!(
            "cloud-init[512]: Cloud-init v. {CLOUD_INIT} running 'init-local' at {}. Up 5.98 seconds.",
            stamp(5.987)
        ),
    );
    log.ok(6.4, "Finished Initial cloud-init job (pre-networking).");
    log.ok(6.4, "Reached target Network (Pre).");
    log.plain(
        6.5,
        "         Starting Initial cloud-init job (metadata service crawler)...",
    );
    log.kernel(
        7.208_664,
        format!(
            "cloud-init[601]: Cloud-init v. {CLOUD_INIT} running 'init' at {}. Up 7.20 seconds.",
            stamp(7.208)
        ),
    );
    for row in net_device_table(&facts.nics) {
        log.kernel(7.231_508, format!("cloud-init[601]: ci-info: {row}"));
    }
    log.ok(
        8.3,
        "Finished Initial cloud-init job (metadata service crawler).",
    );
    log.ok(8.3, "Reached target Network is Online.");
    log.ok(8.5, "Started OpenBSD Secure Shell server.");
    log.ok(8.6, "Started Serial Getty on ttyS0.");
    log.ok(8.6, "Reached target Multi-User System.");
    log.plain(8.7, "         Starting Execute cloud user/final scripts...");
    log.plain(8.9, "");
    log.plain(8.9, format!("{pretty_name} {host} ttyS0"));
    log.plain(8.9, "");
    log.plain(8.9, format!("{host} login: "));
    log.kernel(
        9.414_832,
        format!(
            "cloud-init[731]: Cloud-init v. {CLOUD_INIT} running 'modules:final' at {}. Up 9.41 seconds.",
            stamp(9.414)
        ),
    );
    host_key_blocks(&mut log, facts, 9.8);
    log.kernel(
        10.212_045,
        format!(
            "cloud-init[731]: Cloud-init v. {CLOUD_INIT} finished at {}. Datasource DataSourceOpenStackLocal [net,ver=2].  Up 10.21 seconds",
            stamp(10.212)
        ),
    );
    log.0
}

/// cloud-init's `write-ssh-key-fingerprints`: the fingerprints through `logger -s -p user.info
/// -t cloud-init` (syslog's `<14>` priority and time stamp on stderr), then the public keys as
/// they are. Neither block is printed without keys.
fn host_key_blocks(log: &mut Lines, facts: &BootFacts, at: f64) {
    if facts.host_keys.is_empty() {
        return;
    }
    let logged = format!("<14>{} cloud-init: ", syslog_time(facts.started, at));
    let rule = "#############################################################";
    log.plain(at, format!("{logged}{rule}"));
    log.plain(
        at,
        format!("{logged}-----BEGIN SSH HOST KEY FINGERPRINTS-----"),
    );
    for key in facts.host_keys {
        log.plain(at, format!("{logged}{}", key.fingerprint_line()));
    }
    log.plain(
        at,
        format!("{logged}-----END SSH HOST KEY FINGERPRINTS-----"),
    );
    log.plain(at, format!("{logged}{rule}"));
    log.plain(at, "-----BEGIN SSH HOST KEY KEYS-----");
    for key in facts.host_keys {
        log.plain(at, key.public_key.clone());
    }
    log.plain(at, "-----END SSH HOST KEY KEYS-----");
}

/// cloud-init's "Net device info" table (its SimpleTable: centred cells), one row per line.
fn net_device_table(nics: &[Nic]) -> Vec<String> {
    let header = ["Device", "Up", "Address", "Mask", "Scope", "Hw-Address"];
    let mut rows: Vec<[String; 6]> = nics
        .iter()
        .enumerate()
        .map(|(index, nic)| {
            [
                format!("ens{}", index + 3),
                "True".to_owned(),
                nic.ip.to_string(),
                netmask(nic.prefix).to_string(),
                "global".to_owned(),
                nic.mac.clone(),
            ]
        })
        .collect();
    rows.push([
        "lo".to_owned(),
        "True".to_owned(),
        "127.0.0.1".to_owned(),
        "255.0.0.0".to_owned(),
        "host".to_owned(),
        ".".to_owned(),
    ]);
    let widths: Vec<usize> = (0..header.len())
        .map(|column| {
            rows.iter()
                .map(|row| row[column].len())
                .chain([header[column].len()])
                .max()
                .unwrap_or(0)
                + 2
        })
        .collect();
    let rule: String = widths.iter().fold("+".to_owned(), |mut rule, width| {
        rule.push_str(&"-".repeat(*width));
        rule.push('+');
        rule
    });
    let row_line = |cells: &[&str]| {
        cells
            .iter()
            .zip(&widths)
            .fold("|".to_owned(), |mut line, (cell, width)| {
                line.push_str(&python_center(cell, *width));
                line.push('|');
                line
            })
    };
    // The title is centred with str.format's "^": any odd space goes to the right.
    let title = "Net device info";
    let pad = rule.len().saturating_sub(title.len());
    let mut table = vec![
        format!(
            "{}{title}{}",
            "+".repeat(pad / 2),
            "+".repeat(pad - pad / 2)
        ),
        rule.clone(),
        row_line(&header),
        rule.clone(),
    ];
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        table.push(row_line(&cells));
    }
    table.push(rule);
    table
}

/// Python's `str.center`, which SimpleTable uses: an odd space goes to the left when the width
/// is odd, else to the right.
fn python_center(text: &str, width: usize) -> String {
    let margin = width.saturating_sub(text.len());
    let left = margin / 2 + (margin & width & 1);
    format!("{}{text}{}", " ".repeat(left), " ".repeat(margin - left))
}

fn netmask(prefix: u8) -> Ipv4Addr {
    let bits = u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0);
    Ipv4Addr::from(bits)
}

/// cloudbase-init's log on the serial port (its default `logging_serial_port_settings`).
fn windows(facts: &BootFacts, password_posted: bool) -> Vec<Line> {
    // cloudbase-init sets a NetBIOS-compatible name: at most 15 characters.
    let netbios: String = facts.hostname.chars().take(15).collect();
    let mut log = Lines::default();
    let mut info = |at: f64, logger: &str, message: String| {
        log.plain(
            at,
            format!(
                "{} 1044 INFO {logger} [-] {message}",
                oslo_time(facts.started, at)
            ),
        );
    };
    let init = "cloudbaseinit.init";
    info(24.1, init, "Cloudbase-Init version: 1.1.6".to_owned());
    info(
        26.3,
        init,
        "Metadata service loaded: 'HttpService'".to_owned(),
    );
    info(
        26.4,
        init,
        "Executing plugin 'SetHostNamePlugin'".to_owned(),
    );
    info(
        26.5,
        "cloudbaseinit.utils.hostname",
        format!("Setting hostname: {netbios}"),
    );
    info(
        27.9,
        init,
        "Executing plugin 'NetworkConfigPlugin'".to_owned(),
    );
    info(
        29.2,
        init,
        "Executing plugin 'SetUserPasswordPlugin'".to_owned(),
    );
    let passwords = "cloudbaseinit.plugins.common.setuserpassword";
    info(
        30.6,
        passwords,
        "Password succesfully updated for user Administrator".to_owned(),
    );
    if !password_posted {
        info(
            30.6,
            passwords,
            "No SSH public key available for password encryption".to_owned(),
        );
    }
    info(
        31.0,
        init,
        "Executing plugin 'ExtendVolumesPlugin'".to_owned(),
    );
    info(33.4, init, "Plugins execution done".to_owned());
    log.0
}

fn at_offset(started: OffsetDateTime, at: f64) -> OffsetDateTime {
    started + time::Duration::seconds_f64(at)
}

/// cloud-init's time stamps: `Tue, 14 Jan 2025 10:00:03 +0000`.
fn cloud_init_time(started: OffsetDateTime, at: f64) -> String {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] +0000"
    );
    at_offset(started, at).format(&format).unwrap_or_default()
}

/// RFC 3164 syslog time, as util-linux's logger writes it: `Jan  4 10:00:09`.
fn syslog_time(started: OffsetDateTime, at: f64) -> String {
    let format =
        format_description!("[month repr:short] [day padding:space] [hour]:[minute]:[second]");
    at_offset(started, at).format(&format).unwrap_or_default()
}

/// oslo.log's time stamps: `2025-01-14 10:00:03.123`.
fn oslo_time(started: OffsetDateTime, at: f64) -> String {
    let format =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3]");
    at_offset(started, at).format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_key(key_type: &'static str, bits: usize, prefix: &str) -> HostKey {
        HostKey {
            key_type,
            bits,
            fingerprint: format!("SHA256:{prefix}fingerprint"),
            public_key: format!("{prefix} AAAAkey root@web-1"),
            comment: "root@web-1".to_owned(),
        }
    }

    fn facts(os: GuestOs, keys: &[HostKey]) -> BootFacts<'_> {
        BootFacts {
            hostname: "web-1",
            os,
            vcpus: 2,
            ram_mb: 4096,
            disk_gb: 40,
            nics: vec![Nic {
                ip: Ipv4Addr::new(192, 168, 0, 12),
                prefix: 24,
                mac: "fa:16:3e:01:02:03".to_owned(),
            }],
            started: time::macros::datetime!(2025-01-04 10:00:00 UTC),
            host_keys: keys,
        }
    }

    fn ubuntu() -> GuestOs {
        GuestOs::Linux {
            pretty_name: "Ubuntu 22.04 server 64bit".to_owned(),
            family: LinuxFamily::Debian,
        }
    }

    #[test]
    fn a_finished_linux_boot_ends_with_cloud_init_s_host_key_blocks() {
        let keys = [
            host_key("ECDSA", 256, "ecdsa-sha2-nistp256"),
            host_key("ED25519", 256, "ssh-ed25519"),
        ];
        let log = render(&facts(ubuntu(), &keys), 1.0);
        assert!(log.ends_with("\r\n"));
        let lines: Vec<&str> = log.trim_end().split("\r\n").collect();
        let begin = lines
            .iter()
            .position(|line| line.ends_with("-----BEGIN SSH HOST KEY FINGERPRINTS-----"))
            .expect("a fingerprints block");
        assert_eq!(
            &lines[begin - 1..],
            [
                "<14>Jan  4 10:00:09 cloud-init: #############################################################",
                "<14>Jan  4 10:00:09 cloud-init: -----BEGIN SSH HOST KEY FINGERPRINTS-----",
                "<14>Jan  4 10:00:09 cloud-init: 256 SHA256:ecdsa-sha2-nistp256fingerprint root@web-1 (ECDSA)",
                "<14>Jan  4 10:00:09 cloud-init: 256 SHA256:ssh-ed25519fingerprint root@web-1 (ED25519)",
                "<14>Jan  4 10:00:09 cloud-init: -----END SSH HOST KEY FINGERPRINTS-----",
                "<14>Jan  4 10:00:09 cloud-init: #############################################################",
                "-----BEGIN SSH HOST KEY KEYS-----",
                "ecdsa-sha2-nistp256 AAAAkey root@web-1",
                "ssh-ed25519 AAAAkey root@web-1",
                "-----END SSH HOST KEY KEYS-----",
                "[   10.212045] cloud-init[731]: Cloud-init v. 24.1.3 finished at Sat, 04 Jan 2025 10:00:10 +0000. Datasource DataSourceOpenStackLocal [net,ver=2].  Up 10.21 seconds",
            ]
        );
        assert!(lines[0].starts_with("[    0.000000] Linux version 5.15.0-105-generic"));
        assert!(log.contains("Welcome to Ubuntu 22.04 server 64bit!"));
        assert!(log.contains("systemd[1]: Set hostname to <web-1>."));
    }

    #[test]
    fn the_log_grows_with_the_boot() {
        let keys = [host_key("ED25519", 256, "ssh-ed25519")];
        let facts = facts(ubuntu(), &keys);
        let sizes: Vec<usize> = [0.0, 0.3, 0.7, 1.0]
            .iter()
            .map(|progress| render(&facts, *progress).lines().count())
            .collect();
        assert!(sizes.windows(2).all(|pair| pair[0] < pair[1]), "{sizes:?}");
        assert!(!render(&facts, 0.7).contains("HOST KEY"));
        assert!(render(&facts, 0.0).starts_with("[    0.000000] Linux version"));
    }

    #[test]
    fn without_keys_cloud_init_prints_no_key_blocks() {
        assert!(!render(&facts(ubuntu(), &[]), 1.0).contains("SSH HOST KEY"));
    }

    #[test]
    fn the_net_device_table_is_cloud_init_s() {
        let table = net_device_table(&[Nic {
            ip: Ipv4Addr::new(192, 168, 0, 12),
            prefix: 24,
            mac: "fa:16:3e:01:02:03".to_owned(),
        }]);
        assert_eq!(
            table,
            [
                "+++++++++++++++++++++++++++++++Net device info+++++++++++++++++++++++++++++++",
                "+--------+------+--------------+---------------+--------+-------------------+",
                "| Device |  Up  |   Address    |      Mask     | Scope  |     Hw-Address    |",
                "+--------+------+--------------+---------------+--------+-------------------+",
                "|  ens3  | True | 192.168.0.12 | 255.255.255.0 | global | fa:16:3e:01:02:03 |",
                "|   lo   | True |  127.0.0.1   |   255.0.0.0   |  host  |         .         |",
                "+--------+------+--------------+---------------+--------+-------------------+",
            ]
        );
    }

    #[test]
    fn a_windows_boot_logs_cloudbase_init_and_whether_the_password_was_posted() {
        let posted = render(
            &facts(
                GuestOs::Windows {
                    password_posted: true,
                },
                &[],
            ),
            1.0,
        );
        assert!(posted.starts_with(
            "2025-01-04 10:00:24.100 1044 INFO cloudbaseinit.init [-] Cloudbase-Init version"
        ));
        assert!(posted.contains("Password succesfully updated for user Administrator"));
        assert!(!posted.contains("No SSH public key"));
        let not_posted = render(
            &facts(
                GuestOs::Windows {
                    password_posted: false,
                },
                &[],
            ),
            1.0,
        );
        assert!(not_posted.contains("No SSH public key available for password encryption"));
        assert!(!posted.contains("Linux"));
    }

    #[test]
    fn families_follow_the_platform() {
        assert_eq!(LinuxFamily::from_platform("Ubuntu"), LinuxFamily::Debian);
        assert_eq!(LinuxFamily::from_platform("EulerOS"), LinuxFamily::RedHat);
    }
}
