//! Who to log in as, and the line to do it with: `ssh -i NAME.pem USER@ADDRESS`, or the Remote
//! Desktop address and user for Windows.

use crate::os::{self, ImageProperties, Login, OsSource};

/// The user to log in as, and why the console believes so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginUser {
    pub user: String,
    /// SSH with the key pair, or Remote Desktop (Windows).
    pub method: LoginMethod,
    pub source: LoginSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoginMethod {
    Ssh,
    Rdp,
}

/// Where the login user came from, from most to least certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoginSource {
    /// The image's `os_admin_user` property.
    ImageProperty,
    /// Huawei's OS metadata: ECS public Linux images log in as root.
    HuaweiImage,
    /// The OS the image's properties name (`os_distro`, ...), looked up in [`os::KNOWN_OS`].
    Os,
    /// Only the image's name suggests the OS.
    ImageName,
    /// Nothing says: `root` is a guess.
    Unknown,
}

impl LoginUser {
    /// A short note for the user when the name is not certain, `None` when the image says so.
    pub fn note(&self) -> Option<&'static str> {
        match self.source {
            LoginSource::ImageProperty => None,
            LoginSource::HuaweiImage | LoginSource::Os => Some("the usual user for this OS"),
            LoginSource::ImageName => {
                Some("guessed from the image's name; the image's documentation has the right user")
            }
            LoginSource::Unknown => Some(
                "the image does not say which user to log in as; root is a guess, the image's documentation has the right user",
            ),
        }
    }
}

/// The user to log in as on a server of `image`:
/// 1. the image's `os_admin_user` property, when set (SSH, or RDP for a Windows image);
/// 2. for a Windows image, `Administrator` over Remote Desktop;
/// 3. for an image with Huawei's OS metadata (ECS public images), `root`;
/// 4. the login of the OS its properties name ([`os::KNOWN_OS`]: `ubuntu`, `debian`,
///    `centos` or `cloud-user` for CentOS Stream, `fedora`, `rocky`, `almalinux`, `cloud-user`
///    for RHEL, `root` for EulerOS / openEuler / Huawei Cloud EulerOS, `cirros`, ...);
/// 5. the login of the OS its name mentions;
/// 6. `root`, with a note saying it is a guess.
///
/// `None` for the image means the server's image is unknown (deleted, or a volume-booted
/// server whose image the console did not look up): step 6.
pub fn login_user<I: ImageProperties + ?Sized>(image: Option<&I>) -> LoginUser {
    let Some(image) = image else {
        return guessed_root();
    };
    let identified = os::identify(image);
    let windows = image.is_windows();
    let method = if windows {
        LoginMethod::Rdp
    } else {
        LoginMethod::Ssh
    };
    if let Some(user) = image.property("os_admin_user") {
        return LoginUser {
            user: user.to_owned(),
            method,
            source: LoginSource::ImageProperty,
        };
    }
    let login = |login: Login, source| LoginUser {
        user: login.user().to_owned(),
        method: match login {
            Login::Ssh(_) => LoginMethod::Ssh,
            Login::Rdp(_) => LoginMethod::Rdp,
        },
        source,
    };
    if windows {
        let source = match identified.map(|found| found.source) {
            Some(OsSource::ImageName) => LoginSource::ImageName,
            Some(OsSource::HuaweiMetadata) => LoginSource::HuaweiImage,
            _ => LoginSource::Os,
        };
        return login(Login::Rdp("Administrator"), source);
    }
    if image.has_huawei_os_metadata() {
        return login(Login::Ssh("root"), LoginSource::HuaweiImage);
    }
    match identified {
        Some(found) => {
            let source = match found.source {
                OsSource::ImageName => LoginSource::ImageName,
                OsSource::HuaweiMetadata | OsSource::OsDistro => LoginSource::Os,
            };
            login(os::login_for(found.os, image.os_version()), source)
        }
        None => guessed_root(),
    }
}

fn guessed_root() -> LoginUser {
    LoginUser {
        user: "root".to_owned(),
        method: LoginMethod::Ssh,
        source: LoginSource::Unknown,
    }
}

/// The file a key pair's private key is saved as: `<name>.pem`, with characters a file name
/// cannot hold, and spaces (awkward in `ssh -i`), replaced by `_`. The console names its
/// download so, and the SSH command refers to it by the same name.
pub fn key_file_name(key_name: &str) -> String {
    let stem: String = key_name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '\0' | ' ') {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{stem}.pem")
}

/// `text` as one shell word: as it is when it holds only characters no shell treats
/// specially, otherwise in single quotes.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | '.' | '/' | '@' | ':' | '+' | ',' | '=')
        });
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The SSH command: `ssh -i demo-key.pem ubuntu@203.0.113.10` (without `-i` when the server
/// has no key pair). Words a shell would misread are quoted.
pub fn ssh_command(key_name: Option<&str>, user: &str, address: &str) -> String {
    let target = shell_word(&format!("{user}@{address}"));
    match key_name.filter(|name| !name.is_empty()) {
        Some(name) => format!("ssh -i {} {target}", shell_word(&key_file_name(name))),
        None => format!("ssh {target}"),
    }
}

/// The reminder that goes with the SSH command: ssh refuses a key file others can read.
pub fn chmod_command(key_name: &str) -> String {
    format!("chmod 600 {}", shell_word(&key_file_name(key_name)))
}

/// The address to give a Remote Desktop client: `203.0.113.10` (port 3389 is its default), an
/// IPv6 address in brackets.
pub fn rdp_address(address: &str) -> String {
    if address.contains(':') {
        format!("[{address}]")
    } else {
        address.to_owned()
    }
}

/// The Remote Desktop line: `Remote Desktop to 203.0.113.10 as Administrator`.
pub fn rdp_line(user: &str, address: &str) -> String {
    format!("Remote Desktop to {} as {user}", rdp_address(address))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::models::{GlanceImage, Image};

    fn image(name: &str, properties: &[(&str, &str)]) -> Image {
        Image {
            name: name.to_owned(),
            metadata: properties
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            ..Image::default()
        }
    }

    fn user_of(name: &str, properties: &[(&str, &str)]) -> (String, LoginMethod, LoginSource) {
        let login = login_user(Some(&image(name, properties)));
        (login.user, login.method, login.source)
    }

    /// One row of the login table: an image and whom it logs in as.
    struct Case {
        name: &'static str,
        properties: &'static [(&'static str, &'static str)],
        user: &'static str,
        method: LoginMethod,
        source: LoginSource,
    }

    const fn case(
        name: &'static str,
        properties: &'static [(&'static str, &'static str)],
        (user, method, source): (&'static str, LoginMethod, LoginSource),
    ) -> Case {
        Case {
            name,
            properties,
            user,
            method,
            source,
        }
    }

    #[test]
    fn the_login_user_table() {
        use LoginMethod::{Rdp, Ssh};
        use LoginSource::{HuaweiImage, ImageName, ImageProperty, Os, Unknown};
        let cases = [
            case("x", &[("os_distro", "ubuntu")], ("ubuntu", Ssh, Os)),
            case("x", &[("os_distro", "debian")], ("debian", Ssh, Os)),
            case(
                "x",
                &[("os_distro", "centos"), ("os_version", "7")],
                ("centos", Ssh, Os),
            ),
            case(
                "x",
                &[("os_distro", "centos"), ("os_version", "9")],
                ("cloud-user", Ssh, Os),
            ),
            case("x", &[("os_distro", "fedora")], ("fedora", Ssh, Os)),
            case("x", &[("os_distro", "rocky")], ("rocky", Ssh, Os)),
            case("x", &[("os_distro", "almalinux")], ("almalinux", Ssh, Os)),
            case("x", &[("os_distro", "rhel")], ("cloud-user", Ssh, Os)),
            case("x", &[("os_distro", "opensuse")], ("opensuse", Ssh, Os)),
            case("x", &[("os_distro", "sles")], ("sles", Ssh, Os)),
            case("x", &[("os_distro", "euleros")], ("root", Ssh, Os)),
            case("x", &[("os_distro", "openEuler")], ("root", Ssh, Os)),
            case("x", &[("os_distro", "windows")], ("Administrator", Rdp, Os)),
            case("cirros-0.6.2-x86_64-disk", &[], ("cirros", Ssh, ImageName)),
            case("my-appliance", &[], ("root", Ssh, Unknown)),
            case(
                "Ubuntu 22.04 server 64bit",
                &[("__os_type", "Linux"), ("__platform", "Ubuntu")],
                ("root", Ssh, HuaweiImage),
            ),
            case(
                "Windows Server 2019",
                &[("__os_type", "Windows"), ("__platform", "Windows")],
                ("Administrator", Rdp, HuaweiImage),
            ),
            case(
                "x",
                &[("os_distro", "ubuntu"), ("os_admin_user", "admin")],
                ("admin", Ssh, ImageProperty),
            ),
        ];
        for case in cases {
            assert_eq!(
                user_of(case.name, case.properties),
                (case.user.to_owned(), case.method, case.source),
                "{} {:?}",
                case.name,
                case.properties
            );
        }
    }

    #[test]
    fn windows_admin_user_keeps_rdp_and_notes_say_how_sure() {
        let login = login_user(Some(&image(
            "w",
            &[("os_type", "windows"), ("os_admin_user", "Admin")],
        )));
        assert_eq!(
            (login.user.as_str(), login.method),
            ("Admin", LoginMethod::Rdp)
        );
        assert_eq!(login.note(), None);
        let unknown = login_user::<Image>(None);
        assert_eq!(unknown.user, "root");
        assert!(unknown.note().unwrap().contains("guess"));
        let glance = GlanceImage {
            name: Some("noble".into()),
            properties: [("os_distro".to_owned(), "ubuntu".to_owned())].into(),
            ..GlanceImage::default()
        };
        let login = login_user(Some(&glance));
        assert_eq!(login.user, "ubuntu", "Glance images work the same");
        assert_eq!(login.note(), Some("the usual user for this OS"));
    }

    #[test]
    fn key_files_are_named_after_the_key_pair() {
        assert_eq!(key_file_name("demo-key_1"), "demo-key_1.pem");
        assert_eq!(key_file_name("a/b\\c"), "a_b_c.pem");
        assert_eq!(key_file_name("my key"), "my_key.pem");
        assert_eq!(key_file_name("me@laptop.v2"), "me@laptop.v2.pem");
    }

    #[test]
    fn ssh_and_rdp_lines() {
        assert_eq!(
            ssh_command(Some("demo key"), "ubuntu", "203.0.113.10"),
            "ssh -i demo_key.pem ubuntu@203.0.113.10"
        );
        assert_eq!(ssh_command(None, "root", "10.0.0.5"), "ssh root@10.0.0.5");
        assert_eq!(
            ssh_command(Some(""), "root", "10.0.0.5"),
            "ssh root@10.0.0.5"
        );
        assert_eq!(
            ssh_command(Some("it's$mine"), "root", "fd00::5"),
            r"ssh -i 'it'\''s$mine.pem' root@fd00::5"
        );
        assert_eq!(chmod_command("demo key"), "chmod 600 demo_key.pem");
        assert_eq!(rdp_address("203.0.113.10"), "203.0.113.10");
        assert_eq!(rdp_address("2001:db8::5"), "[2001:db8::5]");
        assert_eq!(
            rdp_line("Administrator", "203.0.113.10"),
            "Remote Desktop to 203.0.113.10 as Administrator"
        );
    }
}
