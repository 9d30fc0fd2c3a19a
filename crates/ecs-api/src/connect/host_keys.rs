//! The SSH host key fingerprints cloud-init prints to the console at first boot:
//!
//! ```text
//! ci-info: no authorized SSH keys fingerprints found for user ubuntu.
//! <14>Jan  5 10:00:00 cloud-init: #############################################################
//! <14>Jan  5 10:00:00 cloud-init: -----BEGIN SSH HOST KEY FINGERPRINTS-----
//! <14>Jan  5 10:00:00 cloud-init: 256 SHA256:Hx2v3…eY root@web-1 (ECDSA)
//! <14>Jan  5 10:00:00 cloud-init: 256 SHA256:4cXk…qQ root@web-1 (ED25519)
//! <14>Jan  5 10:00:00 cloud-init: 3072 SHA256:Zp9…Tw root@web-1 (RSA)
//! <14>Jan  5 10:00:00 cloud-init: -----END SSH HOST KEY FINGERPRINTS-----
//! ```
//!
//! Lines carry whatever prefix the guest's logger adds (`ec2: `, a syslog tag, a kernel
//! timestamp), and kernel messages may land in between.

/// One host key as `ssh-keygen -l` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKeyFingerprint {
    /// `ECDSA`, `ED25519`, `RSA`, `DSA`.
    pub key_type: String,
    pub bits: u32,
    /// `SHA256:...` (or `MD5:aa:bb:...`, or bare hex pairs from old guests), as printed.
    pub fingerprint: String,
    /// Usually `root@HOSTNAME`; may be empty.
    pub comment: String,
}

/// The fingerprints of the last block in a console log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKeys {
    pub fingerprints: Vec<HostKeyFingerprint>,
    /// False when the block's start or end is missing (the log was cut, or the guest is still
    /// printing it): more lines of the log may show more keys.
    pub complete: bool,
}

const BEGIN: &str = "-----BEGIN SSH HOST KEY FINGERPRINTS-----";
const END: &str = "-----END SSH HOST KEY FINGERPRINTS-----";

/// The host key fingerprints of the last block in `console_log` (a rebuilt server prints new
/// keys in a new block). A block cut short counts too, marked incomplete: the lines after a
/// `BEGIN` at the end of the log (still printing, or cut), or the fingerprint lines just before
/// an `END` when the log's start (and the `BEGIN`) was cut off. Lines that are not fingerprints
/// are skipped; `\r\n` and `\r` end lines too. `None` when the last block has no
/// fingerprints (yet).
pub fn host_key_fingerprints(console_log: &str) -> Option<HostKeys> {
    let lines: Vec<&str> = console_log.split(['\n', '\r']).collect();
    let mut complete: Option<Vec<HostKeyFingerprint>> = None;
    let mut open: Option<Vec<HostKeyFingerprint>> = None;
    // Fingerprint lines seen before any BEGIN: the tail of a block whose start was cut off.
    let mut headless: Vec<HostKeyFingerprint> = Vec::new();
    let mut headless_ended = false;
    let mut seen_marker = false;
    for line in lines {
        if line.contains(BEGIN) {
            seen_marker = true;
            open = Some(Vec::new());
        } else if line.contains(END) {
            match open.take() {
                Some(block) => complete = Some(block),
                None if !seen_marker => headless_ended = true,
                None => {}
            }
            seen_marker = true;
        } else if let Some(fingerprint) = parse_line(line) {
            match &mut open {
                Some(block) => block.push(fingerprint),
                None if !seen_marker => headless.push(fingerprint),
                None => {}
            }
        } else if !seen_marker && !line.trim().is_empty() && !is_separator(line) {
            // Only the fingerprint lines right before the END belong to the cut block.
            headless.clear();
        }
    }
    let found = match (open, complete) {
        // A block still open at the end is the newest: a rebuilt server prints new keys.
        (Some(trailing), _) => HostKeys {
            fingerprints: trailing,
            complete: false,
        },
        (None, Some(block)) => HostKeys {
            fingerprints: block,
            complete: true,
        },
        (None, None) if headless_ended => HostKeys {
            fingerprints: headless,
            complete: false,
        },
        (None, None) => return None,
    };
    (!found.fingerprints.is_empty()).then_some(found)
}

/// cloud-init frames the block with a line of `#`.
fn is_separator(line: &str) -> bool {
    line.trim_end().ends_with("####")
}

/// `... 256 SHA256:abc root@host (ECDSA)` anywhere in the line, after any prefix.
fn parse_line(line: &str) -> Option<HostKeyFingerprint> {
    let line = line.trim_end();
    let (rest, key_type) = line.strip_suffix(')')?.rsplit_once('(')?;
    let key_type = key_type.trim();
    if key_type.is_empty()
        || !key_type
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return None;
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    // The fingerprint is the word after the bit count; the comment is what follows it.
    let at = words
        .windows(2)
        .rposition(|pair| pair[0].parse::<u32>().is_ok() && is_fingerprint(pair[1]))?;
    Some(HostKeyFingerprint {
        key_type: key_type.to_owned(),
        bits: words[at].parse().ok()?,
        fingerprint: words[at + 1].to_owned(),
        comment: words[at + 2..].join(" "),
    })
}

/// `SHA256:<base64>`, `MD5:aa:bb:...`, or bare `aa:bb:...` (OpenSSH before 6.8).
fn is_fingerprint(word: &str) -> bool {
    if let Some(hash) = word.strip_prefix("SHA256:") {
        return !hash.is_empty()
            && hash
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='));
    }
    let hex = word.strip_prefix("MD5:").unwrap_or(word);
    let pairs: Vec<&str> = hex.split(':').collect();
    pairs.len() == 16
        && pairs
            .iter()
            .all(|pair| pair.len() == 2 && pair.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ECDSA: &str = "SHA256:Hx2v3d5Qm0jvX3PqOrc2lXb0gXvK1n1tZ8ZbUuHk9eY";
    const ED25519: &str = "SHA256:4cXkq7m0tS8YH1xj0nKQZrQK4lQxWcY8cH8P1pR3qQ8";
    const RSA: &str = "SHA256:Zp9vC0lqO7kU3yHt1m2a5bX8cD4eF6gH0iJ2kL4mN6o";

    fn block(prefix: &str, host: &str) -> String {
        format!(
            "{prefix}#############################################################\n\
             {prefix}{BEGIN}\n\
             {prefix}256 {ECDSA} root@{host} (ECDSA)\n\
             {prefix}256 {ED25519} root@{host} (ED25519)\n\
             {prefix}3072 {RSA} root@{host} (RSA)\n\
             {prefix}{END}\n\
             {prefix}#############################################################\n"
        )
    }

    #[test]
    fn reads_the_block_after_any_prefix() {
        for prefix in [
            "",
            "ec2: ",
            "<14>Jan  5 10:00:00 cloud-init: ",
            "[   12.345678] cloud-init[812]: ",
        ] {
            let log = format!(
                "Booting...\nci-info: +++ Net device info +++\n{}Cloud-init v. 24.1 finished\n",
                block(prefix, "web-1")
            );
            let keys = host_key_fingerprints(&log).unwrap();
            assert!(keys.complete, "{prefix:?}");
            assert_eq!(keys.fingerprints.len(), 3);
            assert_eq!(
                keys.fingerprints[0],
                HostKeyFingerprint {
                    key_type: "ECDSA".into(),
                    bits: 256,
                    fingerprint: ECDSA.into(),
                    comment: "root@web-1".into(),
                }
            );
            assert_eq!(keys.fingerprints[2].bits, 3072);
            assert_eq!(keys.fingerprints[2].key_type, "RSA");
        }
    }

    #[test]
    fn crlf_junk_and_interleaved_kernel_lines() {
        let log = block("", "web-1").replace('\n', "\r\n").replacen(
            "256 SHA256:4c",
            "[   13.1] random: crng init done (ok)\r\n256 SHA256:4c",
            1,
        );
        let log = format!("\u{1b}[0m\0garbage \u{fffd}\r\n{log}\r\nlogin: ");
        let keys = host_key_fingerprints(&log).unwrap();
        assert!(keys.complete);
        assert_eq!(
            keys.fingerprints
                .iter()
                .map(|key| key.key_type.as_str())
                .collect::<Vec<_>>(),
            ["ECDSA", "ED25519", "RSA"]
        );
        assert_eq!(keys.fingerprints[1].comment, "root@web-1");
    }

    #[test]
    fn the_last_block_wins() {
        let log = format!(
            "{}reboot\n{}",
            block("", "old-name"),
            block("ec2: ", "new-name")
        );
        let keys = host_key_fingerprints(&log).unwrap();
        assert!(
            keys.fingerprints
                .iter()
                .all(|key| key.comment == "root@new-name")
        );
        // A block being printed after a complete one is the newer one.
        let printing = format!(
            "{}{BEGIN}\n256 {ECDSA} root@rebuilt (ECDSA)\n",
            block("", "old")
        );
        let keys = host_key_fingerprints(&printing).unwrap();
        assert!(!keys.complete);
        assert_eq!(keys.fingerprints.len(), 1);
        assert_eq!(keys.fingerprints[0].comment, "root@rebuilt");
        assert_eq!(
            host_key_fingerprints(&format!("{}{BEGIN}\n", block("", "old"))),
            None,
            "the new block has no keys yet"
        );
    }

    #[test]
    fn cut_logs_show_what_they_have() {
        let full = block("", "web-1");
        let end_cut = &full[..full.find("3072").unwrap()];
        let keys = host_key_fingerprints(end_cut).unwrap();
        assert!(!keys.complete);
        assert_eq!(keys.fingerprints.len(), 2);

        // `length` kept only the last lines: the BEGIN is gone.
        let start_cut = format!(
            "oot@web-1 (ECDSA)\n{}",
            &full[full.find("256 SHA256:4c").unwrap()..]
        );
        let keys = host_key_fingerprints(&start_cut).unwrap();
        assert!(!keys.complete);
        assert_eq!(
            keys.fingerprints
                .iter()
                .map(|key| key.key_type.as_str())
                .collect::<Vec<_>>(),
            ["ED25519", "RSA"]
        );
    }

    #[test]
    fn nothing_to_show() {
        assert_eq!(host_key_fingerprints(""), None);
        assert_eq!(host_key_fingerprints("Booting...\nlogin:"), None);
        assert_eq!(host_key_fingerprints(&format!("{BEGIN}\n{END}\n")), None);
        assert_eq!(
            host_key_fingerprints(&format!(
                "{BEGIN}\nnot a key (RSA)\n2048 notahash root (RSA)\n{END}"
            )),
            None
        );
        // Fingerprint-looking lines outside any block are not host keys.
        assert_eq!(
            host_key_fingerprints(&format!("256 {ECDSA} root@x (ECDSA)\n")),
            None
        );
    }

    #[test]
    fn old_md5_fingerprints() {
        let log = format!(
            "{BEGIN}\n2048 a1:b2:c3:d4:e5:f6:07:18:29:3a:4b:5c:6d:7e:8f:90 /etc/ssh/ssh_host_rsa_key.pub (RSA)\n\
             1024 MD5:a1:b2:c3:d4:e5:f6:07:18:29:3a:4b:5c:6d:7e:8f:90  (DSA)\n{END}"
        );
        let keys = host_key_fingerprints(&log).unwrap();
        assert_eq!(keys.fingerprints.len(), 2);
        assert_eq!(
            keys.fingerprints[0].comment,
            "/etc/ssh/ssh_host_rsa_key.pub"
        );
        assert_eq!(keys.fingerprints[1].comment, "");
        assert_eq!(keys.fingerprints[1].bits, 1024);
    }
}
