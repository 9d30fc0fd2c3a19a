//! Test support for ecs-console: reads OpenStack Nova's reference data (API samples, JSON
//! schemas and facts) from the shared `nova-api` directory and validates JSON against Nova's
//! schemas.
//!
//! The directory is `$ECS_NOVA_API_DIR` when that variable is set, otherwise
//! `<workspace root>/../shared/nova-api`. Every accessor panics with a message naming the path
//! (and the environment variable) when the data is missing: this crate is only used by tests,
//! and a test that silently skips its reference data would prove nothing.
//!
//! The other services' reference directories beside it (`glance-api`, `neutron-api`, ...) are
//! read with [`shared`] (`nova_ref::shared("glance-api").json("responses/...")`), located and
//! overridden the same way (`$ECS_GLANCE_API_DIR`, ...).
//!
//! # Nova's custom schema formats
//! Nova validates with a Draft 2020-12 validator extended with its own `format` checkers
//! (`facts/schema-custom-formats.json`). [`NovaRef::validate`] turns format validation ON and
//! implements them, so a body that Nova would reject for its format is rejected here too:
//! - `name`, `name_with_leading_trailing_spaces`, `az_name`: Nova's own regexes, read from
//!   `facts/schema-custom-formats.json` and compiled with `fancy-regex` (they use look-around);
//! - `uuid`: like `oslo_utils.uuidutils.is_uuid_like` (32 hex digits, dashes optional, any case);
//! - `date-time`: lenient ISO 8601 like `oslo_utils.timeutils.parse_isotime` (time zone optional);
//! - `base64`: decodes as standard base64 (padding required, as Python's decoder does);
//! - `regex`: any non-empty string (Python regex syntax cannot be checked faithfully here);
//! - `cidr`: an IPv4/IPv6 address, `/`, a prefix length in range, no whitespace;
//! - `mac-address`: six colon-separated hex octets;
//! - `ipv4`, `ipv6`, `uri`: the validator's standard checks.
//!
//! Unknown formats (e.g. the stray `"format": "string"` in a few schemas) are ignored, as
//! python-jsonschema does.
//!
//! Nova's extension that applies `minimum`/`maximum` to numeric strings is NOT implemented:
//! such strings are still checked against the schema's `pattern`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine as _;
use serde_json::Value;

mod shared;
pub use shared::{SharedRef, shared, shared_dir};

/// Environment variable that overrides the reference directory.
pub const DIR_ENV_VAR: &str = "ECS_NOVA_API_DIR";

/// The directory name of Nova's reference data under `../shared`.
const DIR_NAME: &str = "nova-api";

/// The Nova reference data directory (read like every shared data set, by [`SharedRef`]) and a
/// cache of schema validators compiled with Nova's formats.
pub struct NovaRef {
    files: SharedRef,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
    name_formats: OnceLock<NameFormats>,
}

/// The shared reference data, located once per process.
///
/// # Panics
/// When the directory does not exist, with a message naming the path and [`DIR_ENV_VAR`].
pub fn reference() -> &'static NovaRef {
    static REFERENCE: OnceLock<NovaRef> = OnceLock::new();
    REFERENCE.get_or_init(|| NovaRef::at(locate_dir()))
}

fn locate_dir() -> PathBuf {
    shared::locate(DIR_NAME, std::env::var_os(DIR_ENV_VAR))
        .unwrap_or_else(|message| panic!("{message}"))
}

impl NovaRef {
    /// Reference data rooted at `dir` (no check is made until a file is read).
    pub fn at(dir: PathBuf) -> Self {
        Self {
            files: SharedRef::at(DIR_NAME, dir),
            validators: Mutex::new(HashMap::new()),
            name_formats: OnceLock::new(),
        }
    }

    /// The reference directory.
    pub fn dir(&self) -> &Path {
        self.files.dir()
    }

    /// The path of `rel` inside the reference directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.files.path(rel)
    }

    /// The raw bytes of `rel` (e.g. `"responses/flavors/flavor-get-resp.json"`).
    ///
    /// # Panics
    /// When the file cannot be read.
    pub fn bytes(&self, rel: &str) -> Vec<u8> {
        self.files.bytes(rel)
    }

    /// The JSON document at `rel`.
    ///
    /// # Panics
    /// When the file cannot be read or is not JSON.
    pub fn json(&self, rel: &str) -> Value {
        self.files.json(rel)
    }

    /// The files directly inside `rel_dir` (e.g. `"responses/servers"`), sorted by path.
    ///
    /// # Panics
    /// When the directory cannot be read.
    pub fn list(&self, rel_dir: &str) -> Vec<PathBuf> {
        self.files.list(rel_dir)
    }

    /// Validates `instance` against `schemas/<schema_file_name>` (e.g. `"servers-create-v2.67.json"`)
    /// with Nova's custom formats (see the crate docs). Returns every violation as
    /// `"<instance path>: <message>"`.
    ///
    /// # Panics
    /// When the schema file is missing or does not compile.
    pub fn validate(&self, schema_file_name: &str, instance: &Value) -> Result<(), Vec<String>> {
        let validator = self.validator(schema_file_name);
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|err| format!("{}: {}", err.instance_path, err))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn validator(&self, schema_file_name: &str) -> Arc<jsonschema::Validator> {
        if let Some(found) = self.lock_validators().get(schema_file_name) {
            return Arc::clone(found);
        }
        // Compiled outside the lock: the big name regexes take a moment.
        let schema = self.json(&format!("schemas/{schema_file_name}"));
        let validator = Arc::new(self.compile(schema_file_name, &schema));
        self.lock_validators()
            .entry(schema_file_name.to_owned())
            .or_insert(validator)
            .clone()
    }

    fn lock_validators(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Arc<jsonschema::Validator>>> {
        // A panic in another test while holding the lock leaves the cache intact.
        self.validators
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn compile(&self, schema_file_name: &str, schema: &Value) -> jsonschema::Validator {
        let names = self.name_formats().clone();
        let (name, name_spaces, az_name) = (names.name, names.name_with_spaces, names.az_name);
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .should_ignore_unknown_formats(true)
            .with_format("name", move |value: &str| {
                name.is_match(value).unwrap_or(false)
            })
            .with_format("name_with_leading_trailing_spaces", move |value: &str| {
                name_spaces.is_match(value).unwrap_or(false)
            })
            .with_format("az_name", move |value: &str| {
                az_name.is_match(value).unwrap_or(false)
            })
            .with_format("uuid", is_uuid_like)
            .with_format("date-time", is_lenient_iso8601)
            .with_format("base64", is_base64)
            .with_format("regex", |value: &str| !value.is_empty())
            .with_format("cidr", is_cidr)
            .with_format("mac-address", is_mac_address)
            .build(schema)
            .unwrap_or_else(|err| panic!("Nova schema {schema_file_name} does not compile: {err}"))
    }

    fn name_formats(&self) -> &NameFormats {
        self.name_formats.get_or_init(|| {
            let facts = self.json("facts/schema-custom-formats.json");
            let regex = |key: &str| {
                let source = facts["regexes_python_syntax"][key]
                    .as_str()
                    .unwrap_or_else(|| {
                        panic!("facts/schema-custom-formats.json lacks regexes_python_syntax.{key}")
                    });
                Arc::new(
                    fancy_regex::Regex::new(source)
                        .unwrap_or_else(|err| panic!("Nova regex {key} does not compile: {err}")),
                )
            };
            NameFormats {
                name: regex("name_regex"),
                name_with_spaces: regex("name_leading_trailing_spaces_regex"),
                az_name: regex("az_name_regex"),
            }
        })
    }

    /// The schema file (in `schemas/`) that Nova uses for `endpoint` (e.g. `"GET /servers/{id}"`,
    /// `"POST /servers/{id}/action (reboot)"`), `kind` (`"response body"`, `"request body"` or
    /// `"query string"`) at `microversion` (e.g. `"2.67"`; `"latest"` means open-ended), per
    /// `facts/schema-microversion-map.json`. `None` when no schema applies.
    ///
    /// # Panics
    /// When the map file is missing or `microversion` is not `X.Y`/`latest`.
    pub fn schema_for(&self, endpoint: &str, kind: &str, microversion: &str) -> Option<String> {
        let wanted = parse_version(microversion)
            .unwrap_or_else(|| panic!("not a microversion: {microversion:?}"));
        let map = self.json("facts/schema-microversion-map.json");
        let schemas = map["schemas"].as_object()?;
        schemas.iter().find_map(|(file, uses)| {
            let applies = uses.as_array()?.iter().any(|usage| {
                let field = |key: &str| usage.get(key).and_then(Value::as_str);
                let in_range = match (
                    field("min_microversion").and_then(parse_version),
                    field("max_microversion").and_then(parse_version),
                ) {
                    (Some(min), Some(max)) => min <= wanted && wanted <= max,
                    _ => false,
                };
                field("endpoint") == Some(endpoint) && field("validates") == Some(kind) && in_range
            });
            applies.then(|| file.clone())
        })
    }
}

#[derive(Clone)]
struct NameFormats {
    name: Arc<fancy_regex::Regex>,
    name_with_spaces: Arc<fancy_regex::Regex>,
    az_name: Arc<fancy_regex::Regex>,
}

/// `"2.67"` -> (2, 67); `"latest"` -> the largest version.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    if text == "latest" {
        return Some((u32::MAX, u32::MAX));
    }
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn is_uuid_like(value: &str) -> bool {
    let hex: Vec<char> = value.chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.iter().all(char::is_ascii_hexdigit)
}

/// Date `YYYY-MM-DD`, optional `T`/space and time `hh:mm[:ss[.fraction]]`, optional zone
/// `Z` or `±hh[:mm]`.
fn is_lenient_iso8601(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return false;
    }
    let rest = &value[10..];
    if rest.is_empty() {
        return true;
    }
    let Some(time) = rest.strip_prefix(['T', 't', ' ']) else {
        return false;
    };
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    let clock_ok = {
        let (whole, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
        let parts: Vec<&str> = whole.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|part| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
            && !fraction.is_empty()
            && fraction.bytes().all(|b| b.is_ascii_digit())
    };
    let zone_ok = match zone {
        "" | "Z" | "z" => true,
        offset => {
            let offset = &offset[1..];
            let hours_minutes: String = offset.chars().filter(|c| *c != ':').collect();
            (hours_minutes.len() == 2 || hours_minutes.len() == 4)
                && hours_minutes.bytes().all(|b| b.is_ascii_digit())
        }
    };
    clock_ok && zone_ok
}

fn is_base64(value: &str) -> bool {
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .is_ok()
}

fn is_cidr(value: &str) -> bool {
    let Some((address, prefix)) = value.split_once('/') else {
        return false;
    };
    if value.chars().any(char::is_whitespace) {
        return false;
    }
    let Ok(address) = address.parse::<IpAddr>() else {
        return false;
    };
    let max_prefix = if address.is_ipv4() { 32 } else { 128 };
    prefix
        .parse::<u8>()
        .is_ok_and(|prefix| prefix <= max_prefix)
}

fn is_mac_address(value: &str) -> bool {
    let octets: Vec<&str> = value.split(':').collect();
    octets.len() == 6
        && octets
            .iter()
            .all(|octet| octet.len() == 2 && octet.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_reference_directory() {
        let reference = reference();
        assert!(reference.dir().join("INDEX.md").is_file());
        assert!(reference.json("facts/faults.json")["fault_names"]["404"] == "itemNotFound");
    }

    #[test]
    fn lists_files_sorted() {
        let files = reference().list("responses/flavors");
        assert!(files.len() >= 15, "{files:?}");
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted);
        assert!(
            files
                .iter()
                .all(|file| file.extension().is_some_and(|ext| ext == "json"))
        );
    }

    #[test]
    fn missing_directory_is_reported_with_path_and_env_var() {
        let message = shared::locate(DIR_NAME, Some("/nonexistent/nova-api".into())).unwrap_err();
        assert!(
            message.contains("/nonexistent/nova-api") && message.contains("from $ECS_NOVA_API_DIR"),
            "{message}"
        );
        if std::env::var_os(DIR_ENV_VAR).is_none() {
            let default = shared::locate(DIR_NAME, None)
                .expect("the default location exists in this checkout");
            assert_eq!(
                default,
                reference().dir(),
                "without the variable the default is used"
            );
        }
    }

    #[test]
    #[should_panic(expected = "ECS_NOVA_API_DIR")]
    fn missing_file_panics_naming_the_env_var() {
        reference().bytes("responses/no-such-file.json");
    }

    #[test]
    fn schema_for_picks_the_microversion_range() {
        let reference = reference();
        let show = |version| reference.schema_for("GET /servers/{id}", "response body", version);
        assert_eq!(show("2.1").as_deref(), Some("servers-show-response.json"));
        assert_eq!(
            show("2.47").as_deref(),
            Some("servers-show-response-v2.47.json")
        );
        assert_eq!(
            show("2.67").as_deref(),
            Some("servers-show-response-v2.63.json")
        );
        assert_eq!(
            show("2.68").as_deref(),
            Some("servers-show-response-v2.63.json")
        );
        assert_eq!(
            show("2.69").as_deref(),
            Some("servers-show-response-v2.69.json")
        );
        assert_eq!(
            show("latest").as_deref(),
            Some("servers-show-response-v2.100.json")
        );
        assert_eq!(
            reference
                .schema_for("POST /servers", "request body", "2.67")
                .as_deref(),
            Some("servers-create-v2.67.json")
        );
        assert_eq!(
            reference
                .schema_for("POST /os-keypairs", "request body", "2.67")
                .as_deref(),
            Some("keypairs-create-v2.10.json")
        );
        assert_eq!(
            reference.schema_for("GET /images", "response body", "2.36"),
            None,
            "the images proxy API ends at 2.35"
        );
    }

    #[test]
    fn validates_samples_and_rejects_bad_bodies() {
        let reference = reference();
        let sample = reference.json("requests/servers/server-create-req-v2.67.json");
        reference
            .validate("servers-create-v2.67.json", &sample)
            .expect("Nova's own sample is valid");

        let mut missing_networks = sample.clone();
        missing_networks["server"]
            .as_object_mut()
            .unwrap()
            .remove("networks");
        let errors = reference
            .validate("servers-create-v2.67.json", &missing_networks)
            .unwrap_err();
        assert!(
            errors.iter().any(|error| error.contains("networks")),
            "{errors:?}"
        );

        let mut bad_volume_type = sample.clone();
        bad_volume_type["server"]["block_device_mapping_v2"][0]["volume_type"] = json!(42);
        assert!(
            reference
                .validate("servers-create-v2.67.json", &bad_volume_type)
                .is_err()
        );
    }

    #[test]
    fn implements_nova_formats() {
        let reference = reference();
        let mut sample = reference.json("requests/servers/server-create-req-v2.67.json");
        for bad_name in [" leading", "trailing ", "tab\tinside", ""] {
            sample["server"]["name"] = json!(bad_name);
            assert!(
                reference
                    .validate("servers-create-v2.67.json", &sample)
                    .is_err(),
                "{bad_name:?} accepted"
            );
        }
        for good_name in ["web-01", "inner space", "\u{00e9}t\u{00e9} 2024"] {
            sample["server"]["name"] = json!(good_name);
            reference
                .validate("servers-create-v2.67.json", &sample)
                .unwrap_or_else(|errors| {
                    panic!("{good_name:?} rejected: {errors:?}");
                });
        }
        sample["server"]["user_data"] = json!("not base64!");
        assert!(
            reference
                .validate("servers-create-v2.67.json", &sample)
                .is_err()
        );
        sample["server"]["user_data"] = json!("IyEvYmluL3NoCg==");
        assert!(
            reference
                .validate("servers-create-v2.67.json", &sample)
                .is_ok()
        );
    }

    #[test]
    fn format_helpers() {
        assert!(is_uuid_like("7D3A5B1C-0000-4000-8000-000000000000"));
        assert!(is_uuid_like("7d3a5b1c000040008000000000000000"));
        assert!(!is_uuid_like("7d3a5b1c-0000-4000-8000-00000000000"));
        assert!(is_lenient_iso8601("2013-09-23T13:37:00.880302"));
        assert!(is_lenient_iso8601("2012-12-02T02:11:55Z"));
        assert!(is_lenient_iso8601("2012-12-02T02:11:55+08:00"));
        assert!(is_lenient_iso8601("2012-12-02"));
        assert!(!is_lenient_iso8601("yesterday"));
        assert!(!is_lenient_iso8601("2012-12-02T2:11"));
        assert!(is_cidr("10.0.0.0/24") && is_cidr("fd00::/64"));
        assert!(!is_cidr("10.0.0.0/33") && !is_cidr("10.0.0.0"));
        assert!(is_mac_address("fa:16:3e:4c:2c:30") && !is_mac_address("fa:16:3e:4c:2c"));
    }
}
