//! The validation rules the console (before sending) and the simulator (on receipt) share.
//! Each returns a [`ValidationError`] whose message tells a person what to change.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use md5::{Digest, Md5};

use crate::models::{AbsoluteLimits, AvailabilityZone, Flavor, Image};
use crate::name_chars::{NAME_PRINTABLE, NAME_SPACES};
use crate::requests::CreateServer;
use crate::units::ram_text;

/// A rule violation: the field it concerns and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    /// The request field, as Nova names it (`name`, `key_name`, `volume_size`, ...).
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Longest server / key pair name Nova accepts (characters).
pub const NAME_MAX_CHARS: usize = 255;
/// Nova's `user_data` limit: length of the base64 text.
pub const USER_DATA_MAX_BYTES: usize = 65535;

fn is_name_char(c: char) -> bool {
    let code = c as u32;
    NAME_PRINTABLE
        .binary_search_by(|&(low, high)| {
            if high < code {
                std::cmp::Ordering::Less
            } else if low > code {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Nova's `name` format: 1-255 printable characters, not starting or ending with whitespace.
fn nova_name(field: &'static str, what: &str, name: &str) -> Result<(), ValidationError> {
    // A name of spaces only is no name: asking to trim it would leave nothing.
    if name.trim_matches(NAME_SPACES).is_empty() {
        return Err(ValidationError::new(field, format!("Enter a {what}.")));
    }
    at_most(field, what, name, NAME_MAX_CHARS)?;
    if name.starts_with(NAME_SPACES) || name.ends_with(NAME_SPACES) {
        return Err(ValidationError::new(
            field,
            format!("Remove the spaces at the start or end of the {what}."),
        ));
    }
    printable(field, what, name)
}

/// At most `max` characters.
fn at_most(field: &'static str, what: &str, text: &str, max: usize) -> Result<(), ValidationError> {
    let length = text.chars().count();
    if length > max {
        return Err(ValidationError::new(
            field,
            format!("The {what} is {length} characters long; use at most {max}."),
        ));
    }
    Ok(())
}

/// Only the printable characters Nova's `name`, `description` and `locked_reason` formats allow.
fn printable(field: &'static str, what: &str, text: &str) -> Result<(), ValidationError> {
    if let Some(bad) = text.chars().find(|c| !is_name_char(*c)) {
        return Err(ValidationError::new(
            field,
            format!(
                "The {what} contains a character that is not allowed ({}); use printable characters only.",
                bad.escape_unicode()
            ),
        ));
    }
    Ok(())
}

/// A server name as Nova's schema allows it.
pub fn server_name(name: &str) -> Result<(), ValidationError> {
    nova_name("name", "server name", name)
}

/// A key pair name as Nova allows it up to 2.91: 1-255 characters among letters, digits,
/// spaces, `_` and `-`, not starting or ending with a space.
pub fn key_pair_name(name: &str) -> Result<(), ValidationError> {
    nova_name("key_name", "key pair name", name)?;
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ')))
    {
        return Err(ValidationError::new(
            "key_name",
            format!(
                "The key pair name may only contain letters, digits, spaces, '_' and '-' (found {bad:?})."
            ),
        ));
    }
    Ok(())
}

/// A key pair name not yet taken: Nova keeps one key pair per name and user, and refuses a
/// second (409 "Key pair 'NAME' already exists."). Names compare exactly, as Nova looks them up
/// (`demo` and `Demo` are two names; a database with a case-blind collation may still refuse the
/// second, which the 409 then says).
pub fn key_pair_name_free<'a>(
    name: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> Result<(), ValidationError> {
    if existing.into_iter().any(|taken| taken == name) {
        return Err(ValidationError::new(
            "key_name",
            format!("A key pair named {name} already exists; choose another name."),
        ));
    }
    Ok(())
}

/// The largest `volume_size` Nova's request schema accepts (a 32-bit signed integer).
pub const MAX_VOLUME_SIZE_GB: u32 = 2_147_483_647;

/// The boot volume must hold the image (`minDisk`); Nova's schema bounds it above. A flavor's
/// root disk size does not bound it: Nova ignores it for a server that boots from a volume.
pub fn volume_size(size_gb: u64, image_min_disk_gb: u64) -> Result<(), ValidationError> {
    if size_gb == 0 {
        return Err(ValidationError::new(
            "volume_size",
            "Enter a system disk size of at least 1 GB.",
        ));
    }
    if size_gb > u64::from(MAX_VOLUME_SIZE_GB) {
        return Err(ValidationError::new(
            "volume_size",
            format!(
                "A system disk of {size_gb} GB is larger than the API accepts; enter at most {MAX_VOLUME_SIZE_GB} GB."
            ),
        ));
    }
    if size_gb < image_min_disk_gb {
        return Err(ValidationError::new(
            "volume_size",
            format!(
                "The image needs a system disk of at least {image_min_disk_gb} GB; increase the size from {size_gb} GB to {image_min_disk_gb} GB or more."
            ),
        ));
    }
    Ok(())
}

/// The flavor must have at least the RAM the image needs (`minRam`).
pub fn flavor_ram(flavor_ram_mb: u64, image_min_ram_mb: u64) -> Result<(), ValidationError> {
    if flavor_ram_mb < image_min_ram_mb {
        return Err(ValidationError::new(
            "flavorRef",
            format!(
                "The image needs at least {} of RAM but the flavor has {}; choose a larger flavor.",
                ram_text(image_min_ram_mb),
                ram_text(flavor_ram_mb)
            ),
        ));
    }
    Ok(())
}

/// The availability zone must exist and be available.
pub fn availability_zone(name: &str, zones: &[AvailabilityZone]) -> Result<(), ValidationError> {
    match zones.iter().find(|zone| zone.name == name) {
        Some(zone) if zone.is_available() => Ok(()),
        Some(_) => Err(ValidationError::new(
            "availability_zone",
            format!("Availability zone {name:?} is currently unavailable; choose another zone."),
        )),
        None => {
            let available: Vec<&str> = zones
                .iter()
                .filter(|zone| zone.is_available())
                .map(|zone| zone.name.as_str())
                .collect();
            Err(ValidationError::new(
                "availability_zone",
                if available.is_empty() {
                    format!("Availability zone {name:?} does not exist, and no zone is available.")
                } else {
                    format!(
                        "Availability zone {name:?} does not exist; choose one of: {}.",
                        available.join(", ")
                    )
                },
            ))
        }
    }
}

/// `user_data` as sent: base64 text of at most [`USER_DATA_MAX_BYTES`].
pub fn user_data(base64_text: &str) -> Result<(), ValidationError> {
    if base64_text.len() > USER_DATA_MAX_BYTES {
        return Err(ValidationError::new(
            "user_data",
            format!(
                "The user data is {} bytes once base64-encoded; the limit is {USER_DATA_MAX_BYTES} bytes (about 48 KiB before encoding). Shorten the script.",
                base64_text.len()
            ),
        ));
    }
    if STANDARD.decode(base64_text).is_err() {
        return Err(ValidationError::new(
            "user_data",
            "The user data must be base64-encoded.",
        ));
    }
    Ok(())
}

/// Encodes a script for `user_data`, checking the size limit.
pub fn encode_user_data(script: &[u8]) -> Result<String, ValidationError> {
    let encoded = STANDARD.encode(script);
    user_data(&encoded)?;
    Ok(encoded)
}

/// Longest server metadata key or value Nova accepts (characters).
pub const METADATA_MAX_CHARS: usize = 255;

/// A server metadata key as Nova's schema allows it (`^[a-zA-Z0-9-_:. ]{1,255}$`).
pub fn metadata_key(key: &str) -> Result<(), ValidationError> {
    if key.is_empty() {
        return Err(ValidationError::new("metadata", "Enter a metadata key."));
    }
    let length = key.chars().count();
    if length > METADATA_MAX_CHARS {
        return Err(ValidationError::new(
            "metadata",
            format!(
                "A metadata key is {length} characters long; Nova allows at most {METADATA_MAX_CHARS}."
            ),
        ));
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | ' '))
    {
        return Err(ValidationError::new(
            "metadata",
            format!(
                "Metadata key {key:?} is not allowed: use 1-{METADATA_MAX_CHARS} letters, digits, spaces and - _ : . only."
            ),
        ));
    }
    Ok(())
}

/// The value of server metadata key `key`: at most [`METADATA_MAX_CHARS`] characters (empty is
/// allowed).
pub fn metadata_value(key: &str, value: &str) -> Result<(), ValidationError> {
    if value.chars().count() > METADATA_MAX_CHARS {
        return Err(ValidationError::new(
            "metadata",
            format!(
                "The value of metadata key {key:?} is longer than {METADATA_MAX_CHARS} characters; shorten it."
            ),
        ));
    }
    Ok(())
}

/// Longest server description (2.19+) and lock reason (2.73+) Nova accepts, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 255;

/// A server description (2.19+) or lock reason (2.73+) as Nova's schema allows it: at most 255
/// printable characters; empty is allowed (Nova's `description` and `locked_reason` formats).
pub fn description_text(
    field: &'static str,
    what: &str,
    text: &str,
) -> Result<(), ValidationError> {
    at_most(field, what, text, DESCRIPTION_MAX_CHARS)?;
    printable(field, what, text)
}

/// One server of a flavor with `vcpus` and `ram_mb` must fit in the remaining vCPU and RAM
/// quota (a flavor too large for it is the flavor's problem, not the count's).
pub fn flavor_within_quota(
    vcpus: u64,
    ram_mb: u64,
    limits: &AbsoluteLimits,
) -> Result<(), ValidationError> {
    let over = |needed: u64, remaining: Option<i64>| {
        remaining.filter(|left| i64::try_from(needed).map_or(true, |needed| needed > *left))
    };
    let message = if let Some(left) = over(vcpus, limits.cores_remaining()) {
        format!(
            "This flavor needs {vcpus} vCPUs; your quota allows {} more. Pick a smaller flavor or ask for a higher quota.",
            left.max(0)
        )
    } else if let Some(left) = over(ram_mb, limits.ram_remaining()) {
        format!(
            "This flavor needs {} of RAM; your quota allows {} more. Pick a smaller flavor or ask for a higher quota.",
            ram_text(ram_mb),
            ram_text(u64::try_from(left).unwrap_or(0))
        )
    } else {
        return Ok(());
    };
    Err(ValidationError::new("flavorRef", message))
}

/// `count` servers of a flavor with `vcpus` and `ram_mb` must fit in the remaining quota.
pub fn server_count(
    count: u32,
    vcpus: u64,
    ram_mb: u64,
    limits: &AbsoluteLimits,
) -> Result<(), ValidationError> {
    if count == 0 {
        return Err(ValidationError::new(
            "max_count",
            "Create at least 1 server.",
        ));
    }
    let servers = if count == 1 {
        "1 server".to_owned()
    } else {
        format!("{count} servers")
    };
    let need = if count == 1 { "needs" } else { "need" };
    let count = i64::from(count);
    let vcpus = i64::try_from(vcpus).unwrap_or(i64::MAX);
    let ram_mb = i64::try_from(ram_mb).unwrap_or(i64::MAX);
    let ram = |mb: i64| ram_text(u64::try_from(mb).unwrap_or(0));
    let over = if let Some(remaining) = limits.instances_remaining().filter(|left| count > *left) {
        if remaining <= 0 {
            "Your quota allows no more servers: delete one or ask for a higher quota.".to_owned()
        } else {
            let noun = if remaining == 1 { "server" } else { "servers" };
            format!("Your quota allows {remaining} more {noun}; create at most {remaining}.")
        }
    } else if let Some(remaining) = limits
        .cores_remaining()
        .filter(|left| count.saturating_mul(vcpus) > *left)
    {
        format!(
            "Your quota allows {remaining} more vCPUs, but {servers} of this flavor {need} {} vCPUs. Create fewer servers, pick a smaller flavor or ask for a higher quota.",
            count.saturating_mul(vcpus)
        )
    } else if let Some(remaining) = limits
        .ram_remaining()
        .filter(|left| count.saturating_mul(ram_mb) > *left)
    {
        format!(
            "Your quota allows {} more RAM, but {servers} of this flavor {need} {}. Create fewer servers, pick a smaller flavor or ask for a higher quota.",
            ram(remaining),
            ram(count.saturating_mul(ram_mb))
        )
    } else {
        return Ok(());
    };
    Err(ValidationError::new("max_count", over))
}

/// What a server creation is checked against: the chosen flavor and image, the zones and the
/// quota (when known).
#[derive(Debug, Clone, Copy)]
pub struct CreateServerContext<'a> {
    pub flavor: &'a Flavor,
    pub image: &'a Image,
    pub zones: &'a [AvailabilityZone],
    pub limits: Option<&'a AbsoluteLimits>,
}

/// Every rule that applies to a server creation; empty when the request is good.
pub fn create_server(
    request: &CreateServer,
    context: &CreateServerContext<'_>,
) -> Vec<ValidationError> {
    let mut results = vec![
        server_name(&request.name),
        flavor_ram(context.flavor.ram, context.image.min_ram),
    ];
    if let Some(key_name) = &request.key_name {
        results.push(key_pair_name(key_name));
    }
    match request.boot_mapping() {
        Some(boot) => match boot.volume_size {
            Some(size) => results.push(volume_size(size, context.image.min_disk)),
            None => results.push(Err(ValidationError::new(
                "volume_size",
                "Enter the system disk size in GB.",
            ))),
        },
        None if request.image_ref.as_deref().unwrap_or_default().is_empty() => {
            results.push(Err(ValidationError::new(
                "block_device_mapping_v2",
                "Choose an image to create the system disk from.",
            )))
        }
        None => {}
    }
    if let Some(zone) = &request.availability_zone {
        results.push(availability_zone(zone, context.zones));
    }
    if let Some(data) = &request.user_data {
        results.push(user_data(data));
    }
    if let (Some(min), Some(max)) = (request.min_count, request.max_count)
        && min > max
    {
        results.push(Err(ValidationError::new(
            "min_count",
            format!("The minimum count ({min}) is larger than the maximum ({max})."),
        )));
    }
    let count = request.requested_count();
    let unlimited = AbsoluteLimits::default();
    let limits = context.limits.unwrap_or(&unlimited);
    results.push(server_count(
        count,
        context.flavor.vcpus,
        context.flavor.ram,
        limits,
    ));
    results.into_iter().filter_map(Result::err).collect()
}

/// SSH public key algorithms Nova accepts for import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    Rsa,
    Ed25519,
    EcdsaP256,
    EcdsaP384,
    EcdsaP521,
}

impl KeyAlgorithm {
    pub const ALL: [KeyAlgorithm; 5] = [
        Self::Rsa,
        Self::Ed25519,
        Self::EcdsaP256,
        Self::EcdsaP384,
        Self::EcdsaP521,
    ];

    /// The OpenSSH type name (`ssh-rsa`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Rsa => "ssh-rsa",
            Self::Ed25519 => "ssh-ed25519",
            Self::EcdsaP256 => "ecdsa-sha2-nistp256",
            Self::EcdsaP384 => "ecdsa-sha2-nistp384",
            Self::EcdsaP521 => "ecdsa-sha2-nistp521",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|algorithm| algorithm.name() == name)
    }

    /// How many length-prefixed fields the key blob holds, including the type name.
    fn blob_fields(self) -> usize {
        match self {
            Self::Ed25519 => 2,
            Self::Rsa | Self::EcdsaP256 | Self::EcdsaP384 | Self::EcdsaP521 => 3,
        }
    }
}

/// A parsed OpenSSH public key line (`type base64 [comment]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub algorithm: KeyAlgorithm,
    /// The decoded key blob.
    pub blob: Vec<u8>,
    pub comment: Option<String>,
}

impl PublicKey {
    /// Nova's fingerprint: MD5 of the blob as `aa:bb:...`.
    pub fn fingerprint(&self) -> String {
        md5_fingerprint(&self.blob)
    }

    /// `type base64 [comment]`, normalized.
    pub fn to_openssh(&self) -> String {
        let mut line = format!("{} {}", self.algorithm.name(), STANDARD.encode(&self.blob));
        if let Some(comment) = &self.comment {
            line.push(' ');
            line.push_str(comment);
        }
        line
    }
}

/// MD5 of `data` as lowercase colon-separated hex (Nova's key pair `fingerprint`).
pub fn md5_fingerprint(data: &[u8]) -> String {
    let digest = Md5::digest(data);
    digest
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Splits an SSH wire-format blob into its length-prefixed fields.
fn blob_fields(blob: &[u8]) -> Option<Vec<&[u8]>> {
    let mut fields = Vec::new();
    let mut rest = blob;
    while !rest.is_empty() {
        let length_bytes: [u8; 4] = rest.get(..4)?.try_into().ok()?;
        let length = usize::try_from(u32::from_be_bytes(length_bytes)).ok()?;
        let field = rest.get(4..4usize.checked_add(length)?)?;
        fields.push(field);
        rest = &rest[4 + length..];
    }
    Some(fields)
}

/// Parses and checks an OpenSSH public key: a supported type, a base64 body that decodes, and
/// a body that names the same type (and curve) and has the right structure.
pub fn public_key(text: &str) -> Result<PublicKey, ValidationError> {
    let invalid = |message: String| ValidationError::new("public_key", message);
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(
            "Paste a public key (the contents of a .pub file, e.g. ~/.ssh/id_ed25519.pub).".into(),
        ));
    }
    if text.starts_with("-----BEGIN") {
        return Err(invalid(
            "This is a private key or a PEM file. Paste the public key instead: the single line from the .pub file, starting with ssh-ed25519, ssh-rsa or ecdsa-sha2-.".into(),
        ));
    }
    // An OpenSSH public key is one line. Without this, a second line would pass as part of the
    // comment and be stored with the key.
    if text.contains(['\n', '\r']) {
        return Err(invalid(
            "A public key is one line only, and this text has several. Paste just the one line from the .pub file, with no line breaks; import each key separately.".into(),
        ));
    }
    let mut words = text.split_whitespace();
    let type_name = words.next().unwrap_or_default();
    let supported = KeyAlgorithm::ALL.map(KeyAlgorithm::name).join(", ");
    let algorithm = KeyAlgorithm::from_name(type_name).ok_or_else(|| {
        invalid(format!(
            "Unsupported key type {type_name:?}; use one of: {supported}."
        ))
    })?;
    let body = words.next().ok_or_else(|| {
        invalid(format!(
            "The key has no base64 body after {type_name:?}; paste the whole line."
        ))
    })?;
    let blob = STANDARD
        .decode(body)
        .or_else(|_| STANDARD_NO_PAD.decode(body))
        .map_err(|_| invalid("The key's body is not valid base64; paste the whole line from the .pub file without line breaks.".into()))?;
    let fields = blob_fields(&blob).ok_or_else(|| {
        invalid("The key's body is truncated or corrupt; copy the .pub file again.".into())
    })?;
    let inner_type = fields
        .first()
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .unwrap_or_default();
    if inner_type != algorithm.name() {
        return Err(invalid(format!(
            "The key says {type_name:?} but its body is a {inner_type:?} key; the line was edited or mixed up."
        )));
    }
    if fields.len() != algorithm.blob_fields() {
        return Err(invalid(
            "The key's body is truncated or corrupt; copy the .pub file again.".into(),
        ));
    }
    let structure_ok = match algorithm {
        KeyAlgorithm::Ed25519 => fields[1].len() == 32,
        KeyAlgorithm::Rsa => !fields[1].is_empty() && fields[2].len() >= 64,
        KeyAlgorithm::EcdsaP256 | KeyAlgorithm::EcdsaP384 | KeyAlgorithm::EcdsaP521 => {
            let curve = algorithm.name().trim_start_matches("ecdsa-sha2-");
            fields[1] == curve.as_bytes() && fields[2].first() == Some(&4)
        }
    };
    if !structure_ok {
        return Err(invalid(
            "The key's body is truncated or corrupt; copy the .pub file again.".into(),
        ));
    }
    let comment = words.collect::<Vec<_>>().join(" ");
    Ok(PublicKey {
        algorithm,
        blob,
        comment: (!comment.is_empty()).then_some(comment),
    })
}

/// A server on a local disk (the flavor's root disk, when it is not 0) must hold the image: its
/// minimum (`minDisk`) and its file, as Nova checks on create, rebuild and resize. A root disk of
/// 0 takes the image's size, and a server that boots from a volume does not use it: the caller
/// checks only a local disk.
pub fn flavor_disk(
    flavor_disk_gb: u64,
    image_min_disk_gb: u64,
    image_size_bytes: Option<u64>,
) -> Result<(), ValidationError> {
    if flavor_disk_gb == 0 {
        return Ok(());
    }
    if image_min_disk_gb > flavor_disk_gb {
        return Err(ValidationError::new(
            "flavorRef",
            format!(
                "The image needs a system disk of at least {image_min_disk_gb} GB but the flavor's is {flavor_disk_gb} GB; choose a flavor with a larger disk."
            ),
        ));
    }
    const GIB: u64 = 1 << 30;
    if let Some(size) = image_size_bytes.filter(|size| *size > flavor_disk_gb.saturating_mul(GIB)) {
        // In tenths of a GB, rounded up: "40.1 GB" never reads as fitting in 40 GB.
        let tenths = size.saturating_mul(10).div_ceil(GIB);
        return Err(ValidationError::new(
            "flavorRef",
            format!(
                "The image's file ({}.{} GB) is larger than the flavor's {flavor_disk_gb} GB system disk; choose a flavor with a larger disk.",
                tenths / 10,
                tenths % 10
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A well-formed ed25519 public key line (an arbitrary 32-byte key).
    fn ed25519_line() -> String {
        let mut blob = Vec::new();
        for field in [&b"ssh-ed25519"[..], &[7; 32]] {
            blob.extend_from_slice(&u32::try_from(field.len()).unwrap().to_be_bytes());
            blob.extend_from_slice(field);
        }
        format!("ssh-ed25519 {} me@laptop", STANDARD.encode(blob))
    }

    #[test]
    fn a_public_key_of_several_lines_is_refused() {
        let line = ed25519_line();
        public_key(&line).unwrap();
        public_key(&format!("{line}\n")).unwrap();
        for text in [
            format!("{line}\n{line}"),
            format!("{line}\r\nsecond line"),
            format!("{line}\rsecond line"),
        ] {
            let error = public_key(&text).unwrap_err();
            assert!(error.message.contains("one line only"), "{text:?}: {error}");
        }
    }

    #[test]
    fn a_taken_key_pair_name_is_refused_exactly_as_nova_compares() {
        let taken = ["demo", "web key"];
        let error = key_pair_name_free("demo", taken).unwrap_err();
        assert_eq!(error.field, "key_name");
        assert_eq!(
            error.message,
            "A key pair named demo already exists; choose another name."
        );
        assert!(key_pair_name_free("web key", taken).is_err());
        for free in ["Demo", "demo2", "web", "web  key"] {
            assert_eq!(key_pair_name_free(free, taken), Ok(()), "{free:?}");
        }
        assert_eq!(key_pair_name_free("demo", []), Ok(()));
    }

    #[test]
    fn a_name_of_spaces_only_asks_for_a_name() {
        for name in [" ", "   ", "\u{a0} \u{3000}"] {
            assert_eq!(
                key_pair_name(name).unwrap_err().message,
                "Enter a key pair name."
            );
            assert_eq!(
                server_name(name).unwrap_err().message,
                "Enter a server name."
            );
        }
        assert!(
            key_pair_name(" lead")
                .unwrap_err()
                .message
                .contains("spaces at the start or end")
        );
    }

    #[test]
    fn descriptions_are_bounded_and_printable() {
        assert!(description_text("description", "description", "").is_ok());
        assert!(description_text("description", "description", " web tier ").is_ok());
        assert!(description_text("description", "description", &"x".repeat(255)).is_ok());
        let long = description_text("description", "description", &"x".repeat(256)).unwrap_err();
        assert_eq!(long.field, "description");
        assert!(long.message.contains("256 characters"), "{long}");
        assert!(description_text("locked_reason", "reason", "a\nb").is_err());
    }

    #[test]
    fn a_local_disk_must_hold_the_image() {
        assert_eq!(flavor_disk(40, 40, Some(40 << 30)), Ok(()));
        // A root disk of 0 takes the image's size.
        assert_eq!(flavor_disk(0, 60, Some(80 << 30)), Ok(()));
        let small = flavor_disk(40, 60, None).unwrap_err();
        assert_eq!(small.field, "flavorRef");
        assert_eq!(
            small.message,
            "The image needs a system disk of at least 60 GB but the flavor's is 40 GB; choose a flavor with a larger disk."
        );
        let large = flavor_disk(40, 0, Some((40 << 30) + 1)).unwrap_err();
        assert_eq!(
            large.message,
            "The image's file (40.1 GB) is larger than the flavor's 40 GB system disk; choose a flavor with a larger disk."
        );
    }
}
