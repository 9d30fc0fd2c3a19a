//! What operating system an image carries, read the same way from Nova's image `metadata`
//! (the proxy API) and from Glance's image properties: Huawei's `__os_type` / `__platform` /
//! `__os_version` first, then OpenStack's standard `os_type` / `os_distro` / `os_version`
//! (<https://docs.openstack.org/glance/latest/admin/useful-image-properties.html>), and as a
//! last resort the image's name.
//!
//! One table, [`KNOWN_OS`], names each distribution and the user its cloud images log in as.

use std::collections::BTreeMap;

/// An image's free-form properties: Nova's `metadata` or Glance's extra properties.
pub trait ImageProperties {
    /// Every property as text.
    fn properties(&self) -> &BTreeMap<String, String>;

    /// The image's name (the last clue to its OS).
    fn image_name(&self) -> &str;

    /// A property's value, `None` when absent or blank.
    fn property(&self, key: &str) -> Option<&str> {
        self.properties()
            .get(key)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    }

    /// The OS family as people read it ("Linux", "Windows"): Huawei's `__os_type`, else the
    /// standard `os_type` (lowercase in Glance, shown capitalised), else the family of the
    /// distribution `os_distro` names.
    fn os_type(&self) -> Option<&str> {
        if let Some(huawei) = self.property("__os_type") {
            return Some(huawei);
        }
        if let Some(standard) = self.property("os_type") {
            return Some(OsFamily::from_word(standard).map_or(standard, |family| family.label()));
        }
        let distro = self.property("os_distro")?;
        known_os(distro).map(|os| os.family.label())
    }

    /// The platform ("EulerOS", "Ubuntu"): Huawei's `__platform`, else the distribution
    /// `os_distro` names (its display name when it is in [`KNOWN_OS`]).
    fn platform(&self) -> Option<&str> {
        if let Some(huawei) = self.property("__platform") {
            return Some(huawei);
        }
        let distro = self.property("os_distro")?;
        Some(known_os(distro).map_or(distro, |os| os.name))
    }

    /// The OS version: Huawei's `__os_version` ("EulerOS 2.2 64bit"), else the standard
    /// `os_version` ("22.04").
    fn os_version(&self) -> Option<&str> {
        self.property("__os_version")
            .or_else(|| self.property("os_version"))
    }

    /// True when the image carries Huawei's OS metadata (ECS public images, which log in as
    /// root).
    fn has_huawei_os_metadata(&self) -> bool {
        ["__os_type", "__platform", "__os_version"]
            .iter()
            .any(|key| self.property(key).is_some())
    }

    /// True for a Windows image.
    fn is_windows(&self) -> bool {
        identify(self).is_some_and(|found| found.os.family == OsFamily::Windows)
            || self
                .os_type()
                .is_some_and(|os_type| OsFamily::from_word(os_type) == Some(OsFamily::Windows))
    }
}

/// An OS family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OsFamily {
    Linux,
    Windows,
    Bsd,
}

impl OsFamily {
    /// "Linux", "Windows", "BSD".
    pub fn label(self) -> &'static str {
        match self {
            Self::Linux => "Linux",
            Self::Windows => "Windows",
            Self::Bsd => "BSD",
        }
    }

    /// `os_type` words: `linux`, `windows` (any case); `None` for anything else.
    pub fn from_word(word: &str) -> Option<Self> {
        let word = word.trim();
        if word.eq_ignore_ascii_case("linux") {
            Some(Self::Linux)
        } else if word.eq_ignore_ascii_case("windows") {
            Some(Self::Windows)
        } else if word.eq_ignore_ascii_case("bsd") {
            Some(Self::Bsd)
        } else {
            None
        }
    }
}

/// How to log in to servers of a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Login {
    /// SSH with the key pair as this user.
    Ssh(&'static str),
    /// Remote Desktop as this user, with the password the guest sets.
    Rdp(&'static str),
}

impl Login {
    pub fn user(self) -> &'static str {
        match self {
            Self::Ssh(user) | Self::Rdp(user) => user,
        }
    }
}

/// One distribution: its `os_distro` id, the other names it goes by, how people write it, and
/// the user its cloud images create for the key pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownOs {
    /// The `os_distro` value OpenStack documents (lowercase).
    pub id: &'static str,
    /// Other spellings seen in `os_distro`, Huawei's `__platform` and image names (lowercase,
    /// letters and digits only).
    pub aliases: &'static [&'static str],
    /// Display name.
    pub name: &'static str,
    pub family: OsFamily,
    pub login: Login,
}

/// The distributions the console knows, and their cloud images' login users: the default user
/// each distribution's cloud-init configuration creates (cloud-init's own `cloud.cfg.tmpl`:
/// `cloud-user` for RHEL, `ec2-user` for Amazon Linux, the distribution's name for most
/// others), CirrOS's fixed `cirros`, and `root` for Huawei's EulerOS family, whose images log
/// in as root. Windows images take Remote Desktop as `Administrator`.
pub const KNOWN_OS: &[KnownOs] = &[
    linux("ubuntu", &[], "Ubuntu", "ubuntu"),
    linux("debian", &[], "Debian", "debian"),
    // CentOS Linux 7/8 images log in as `centos`; CentOS Stream 9+ as `cloud-user` (see
    // `login_for`).
    linux("centos", &["centosstream"], "CentOS", "centos"),
    // Before Fedora: "Fedora CoreOS 40" is CoreOS.
    linux(
        "fedora-coreos",
        &["fcos", "coreos"],
        "Fedora CoreOS",
        "core",
    ),
    linux("fedora", &[], "Fedora", "fedora"),
    linux("flatcar", &["flatcarcontainerlinux"], "Flatcar", "core"),
    linux("rocky", &["rockylinux"], "Rocky Linux", "rocky"),
    linux("almalinux", &["alma"], "AlmaLinux", "almalinux"),
    linux(
        "rhel",
        &["redhat", "redhatenterpriselinux"],
        "Red Hat Enterprise Linux",
        "cloud-user",
    ),
    linux(
        "ol",
        &["oraclelinux", "oracle"],
        "Oracle Linux",
        "cloud-user",
    ),
    linux(
        "amazon",
        &["amzn", "amazonlinux"],
        "Amazon Linux",
        "ec2-user",
    ),
    linux("opensuse", &["leap", "tumbleweed"], "openSUSE", "opensuse"),
    linux("sles", &["sled", "suse"], "SUSE Linux Enterprise", "sles"),
    linux("arch", &["archlinux"], "Arch Linux", "arch"),
    linux("gentoo", &[], "Gentoo", "gentoo"),
    linux("alpine", &[], "Alpine Linux", "alpine"),
    linux("openmandriva", &[], "OpenMandriva", "omv"),
    linux("euleros", &[], "EulerOS", "root"),
    linux("openeuler", &[], "openEuler", "root"),
    linux(
        "hce",
        &["huaweicloudeuleros", "huaweicloudeuler"],
        "Huawei Cloud EulerOS",
        "root",
    ),
    linux("cirros", &[], "CirrOS", "cirros"),
    KnownOs {
        id: "freebsd",
        aliases: &[],
        name: "FreeBSD",
        family: OsFamily::Bsd,
        login: Login::Ssh("freebsd"),
    },
    KnownOs {
        id: "openbsd",
        aliases: &[],
        name: "OpenBSD",
        family: OsFamily::Bsd,
        login: Login::Ssh("openbsd"),
    },
    KnownOs {
        id: "windows",
        aliases: &["windowsserver"],
        name: "Windows",
        family: OsFamily::Windows,
        login: Login::Rdp("Administrator"),
    },
];

const fn linux(
    id: &'static str,
    aliases: &'static [&'static str],
    name: &'static str,
    user: &'static str,
) -> KnownOs {
    KnownOs {
        id,
        aliases,
        name,
        family: OsFamily::Linux,
        login: Login::Ssh(user),
    }
}

/// Lowercase letters and digits only: "Rocky Linux" -> "rockylinux", "CentOS-Stream" ->
/// "centosstream".
fn squashed(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The known OS an `os_distro` value or `__platform` names, ignoring case, spaces and dashes.
pub fn known_os(name: &str) -> Option<&'static KnownOs> {
    let wanted = squashed(name);
    if wanted.is_empty() {
        return None;
    }
    KNOWN_OS
        .iter()
        .find(|os| squashed(os.id) == wanted || os.aliases.contains(&wanted.as_str()))
        .or_else(|| {
            // "Windows Server 2019 Datacenter", "Ubuntu 22.04 server 64bit", "CentOS 7.9".
            KNOWN_OS.iter().find(|os| name_mentions(name, os))
        })
}

/// True when one word of `text` (split at anything but letters and digits) is the OS's id or
/// an alias, or two neighbouring words make one ("Rocky Linux", "Red Hat").
fn name_mentions(text: &str, os: &KnownOs) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let id = squashed(os.id);
    let matches = |word: &str| word == id || os.aliases.contains(&word);
    words.iter().any(|word| matches(word))
        || words
            .windows(2)
            .any(|pair| matches(&format!("{}{}", pair[0], pair[1])))
}

/// Where the OS of an image was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OsSource {
    /// Huawei's `__platform` / `__os_version` / `__os_type`.
    HuaweiMetadata,
    /// The standard `os_distro` (or `os_type: windows`).
    OsDistro,
    /// Only the image's name mentions it.
    ImageName,
}

/// The OS of an image and where that came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentifiedOs {
    pub os: &'static KnownOs,
    pub source: OsSource,
}

/// The known OS an image carries: from Huawei's metadata, else `os_distro` (and `os_type:
/// windows`), else the image's name; `None` when nothing names one.
pub fn identify<I: ImageProperties + ?Sized>(image: &I) -> Option<IdentifiedOs> {
    let found = |os: &'static KnownOs, source| Some(IdentifiedOs { os, source });
    let huawei = ["__platform", "__os_version"]
        .iter()
        .find_map(|key| image.property(key).and_then(known_os));
    if let Some(os) = huawei {
        return found(os, OsSource::HuaweiMetadata);
    }
    if let Some(os) = image.property("os_distro").and_then(known_os) {
        return found(os, OsSource::OsDistro);
    }
    let windows = || known_os("windows");
    if image.property("__os_type").and_then(OsFamily::from_word) == Some(OsFamily::Windows) {
        return found(windows()?, OsSource::HuaweiMetadata);
    }
    if image.property("os_type").and_then(OsFamily::from_word) == Some(OsFamily::Windows) {
        return found(windows()?, OsSource::OsDistro);
    }
    KNOWN_OS
        .iter()
        .find(|os| name_mentions(image.image_name(), os))
        .and_then(|os| found(os, OsSource::ImageName))
}

/// The login of a known OS, given the image's version text: CentOS Stream (9 and later) images
/// log in as `cloud-user`, as RHEL's do; CentOS Linux 7/8 images as `centos`.
pub fn login_for(os: &KnownOs, version: Option<&str>) -> Login {
    if os.id == "centos" {
        let version = version.unwrap_or_default().to_ascii_lowercase();
        let major: Option<u32> = version
            .split(|c: char| !c.is_ascii_digit())
            .find(|part| !part.is_empty())
            .and_then(|digits| digits.parse().ok());
        if version.contains("stream") || major.is_some_and(|major| major >= 9) {
            return Login::Ssh("cloud-user");
        }
    }
    os.login
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Props {
        name: String,
        properties: BTreeMap<String, String>,
    }

    impl ImageProperties for Props {
        fn properties(&self) -> &BTreeMap<String, String> {
            &self.properties
        }

        fn image_name(&self) -> &str {
            &self.name
        }
    }

    fn image(name: &str, properties: &[(&str, &str)]) -> Props {
        Props {
            name: name.to_owned(),
            properties: properties
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn huawei_metadata_comes_first() {
        let euler = image(
            "DBS image",
            &[
                ("__os_type", "Linux"),
                ("__platform", "EulerOS"),
                ("__os_version", "EulerOS 2.2 64bit"),
                ("os_distro", "ubuntu"),
                ("os_version", "22.04"),
            ],
        );
        assert_eq!(euler.os_type(), Some("Linux"));
        assert_eq!(euler.platform(), Some("EulerOS"));
        assert_eq!(euler.os_version(), Some("EulerOS 2.2 64bit"));
        let found = identify(&euler).unwrap();
        assert_eq!(
            (found.os.id, found.source),
            ("euleros", OsSource::HuaweiMetadata)
        );
        assert!(euler.has_huawei_os_metadata());
    }

    #[test]
    fn standard_properties_are_read_and_named() {
        let ubuntu = image(
            "jammy",
            &[
                ("os_type", "linux"),
                ("os_distro", "ubuntu"),
                ("os_version", "22.04"),
            ],
        );
        assert_eq!(ubuntu.os_type(), Some("Linux"));
        assert_eq!(ubuntu.platform(), Some("Ubuntu"));
        assert_eq!(ubuntu.os_version(), Some("22.04"));
        assert!(!ubuntu.has_huawei_os_metadata());

        let rocky_without_type = image("r", &[("os_distro", "rocky")]);
        assert_eq!(rocky_without_type.os_type(), Some("Linux"));
        assert_eq!(rocky_without_type.platform(), Some("Rocky Linux"));

        let unknown = image("x", &[("os_distro", "plan9"), ("os_type", "other")]);
        assert_eq!(unknown.platform(), Some("plan9"), "kept as written");
        assert_eq!(unknown.os_type(), Some("other"));
        assert!(identify(&unknown).is_none());

        let blank = image("", &[("__os_type", "  "), ("os_distro", "")]);
        assert_eq!((blank.os_type(), blank.platform()), (None, None));
    }

    #[test]
    fn windows_is_recognised_every_way() {
        for windows in [
            image("w", &[("__os_type", "Windows")]),
            image("w", &[("os_type", "windows")]),
            image("w", &[("os_distro", "windows")]),
            image("w", &[("__platform", "Windows")]),
            image("Windows Server 2019 Datacenter 64bit", &[]),
        ] {
            assert!(windows.is_windows(), "{:?}", windows.properties);
            assert_eq!(
                identify(&windows).unwrap().os.login,
                Login::Rdp("Administrator")
            );
        }
        assert!(!image("ubuntu", &[("os_type", "linux")]).is_windows());
        assert!(!image("winter-image", &[]).is_windows(), "whole words only");
    }

    #[test]
    fn names_are_the_last_resort() {
        let cirros = image("cirros-0.6.2-x86_64-disk", &[]);
        let found = identify(&cirros).unwrap();
        assert_eq!((found.os.id, found.source), ("cirros", OsSource::ImageName));
        assert_eq!(
            identify(&image("Rocky Linux 9", &[])).unwrap().os.id,
            "rocky"
        );
        assert_eq!(
            identify(&image("CentOS-Stream-9", &[])).unwrap().os.id,
            "centos"
        );
        assert!(identify(&image("my-app-image", &[])).is_none());
    }

    #[test]
    fn known_os_matches_spellings() {
        assert_eq!(known_os("Ubuntu").unwrap().id, "ubuntu");
        assert_eq!(known_os("Huawei Cloud EulerOS").unwrap().id, "hce");
        assert_eq!(known_os("openEuler").unwrap().id, "openeuler");
        assert_eq!(known_os("Red Hat").unwrap().id, "rhel");
        assert_eq!(known_os("Debian GNU/Linux 12 64bit").unwrap().id, "debian");
        assert!(known_os("").is_none());
        assert!(known_os("Other").is_none());
    }

    #[test]
    fn centos_stream_logs_in_as_cloud_user() {
        let centos = known_os("centos").unwrap();
        assert_eq!(login_for(centos, Some("7.9")), Login::Ssh("centos"));
        assert_eq!(
            login_for(centos, Some("CentOS 7.9 64bit")),
            Login::Ssh("centos")
        );
        assert_eq!(login_for(centos, None), Login::Ssh("centos"));
        assert_eq!(login_for(centos, Some("9")), Login::Ssh("cloud-user"));
        assert_eq!(
            login_for(centos, Some("8-stream")),
            Login::Ssh("cloud-user")
        );
        let ubuntu = known_os("ubuntu").unwrap();
        assert_eq!(login_for(ubuntu, Some("24.04")), Login::Ssh("ubuntu"));
    }

    #[test]
    fn the_table_has_unique_ids_and_aliases() {
        let mut names: Vec<String> = KNOWN_OS
            .iter()
            .flat_map(|os| {
                std::iter::once(squashed(os.id)).chain(os.aliases.iter().map(|a| (*a).to_owned()))
            })
            .collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "an alias names two systems");
        for os in KNOWN_OS {
            for alias in os.aliases {
                assert_eq!(squashed(alias), *alias, "aliases are squashed: {alias}");
            }
        }
    }
}
