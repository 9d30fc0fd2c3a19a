//! The other services' reference data beside `nova-api` in the shared directory:
//! `glance-api`, `neutron-api`, ... (each with an `INDEX.md`).
//!
//! `shared("glance-api")` is rooted at `$ECS_GLANCE_API_DIR` when that variable is set,
//! otherwise at `<workspace root>/../shared/glance-api`; the variable's name is the directory's
//! in upper case with `-` as `_`, prefixed `ECS_` and suffixed `_DIR` (so `nova-api` uses
//! [`crate::DIR_ENV_VAR`] too). As for Nova's data, every accessor panics with a message naming
//! the path and the variable when the data is missing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// One reference directory (e.g. `glance-api`) and a cache of compiled schema validators.
pub struct SharedRef {
    name: String,
    dir: PathBuf,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// The reference directory `name` (e.g. `"glance-api"`, `"neutron-api"`), located once per
/// process.
///
/// # Panics
/// When `name` is not a plain directory name, or the directory (with its `INDEX.md`) does not
/// exist: the message names the path tried and the environment variable that overrides it.
pub fn shared(name: &str) -> &'static SharedRef {
    static LOCATED: OnceLock<Mutex<HashMap<String, &'static SharedRef>>> = OnceLock::new();
    let mut located = LOCATED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = located.get(name) {
        return found;
    }
    let dir = locate(name, std::env::var_os(env_var(name))).unwrap_or_else(|message| {
        panic!("{message}");
    });
    // One per directory name for the whole test process: leaking it is the point.
    let reference: &'static SharedRef = Box::leak(Box::new(SharedRef::at(name, dir)));
    located.insert(name.to_owned(), reference);
    reference
}

/// The path of the reference directory `name` (see [`shared`]).
///
/// # Panics
/// As [`shared`].
pub fn shared_dir(name: &str) -> &'static Path {
    shared(name).dir()
}

/// The environment variable that overrides the directory `name`: `"glance-api"` ->
/// `"ECS_GLANCE_API_DIR"`.
pub fn env_var(name: &str) -> String {
    format!("ECS_{}_DIR", name.to_ascii_uppercase().replace('-', "_"))
}

/// The reference directory `name` given the value of its [`env_var`], or a message naming the
/// path tried and the variable.
pub(crate) fn locate(name: &str, env_value: Option<std::ffi::OsString>) -> Result<PathBuf, String> {
    let plain_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !plain_name {
        return Err(format!(
            "{name:?} is not a reference directory name (like \"glance-api\")"
        ));
    }
    let variable = env_var(name);
    let (dir, origin) = match env_value {
        Some(dir) if !dir.is_empty() => (PathBuf::from(dir), format!("from ${variable}")),
        _ => {
            // crates/nova-ref -> workspace root -> its parent, where shared/ lives.
            let workspace_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            (
                workspace_root.join("../shared").join(name),
                format!(
                    "the default <workspace root>/../shared/{name}; set ${variable} to use another directory"
                ),
            )
        }
    };
    if !dir.join("INDEX.md").is_file() {
        return Err(format!(
            "{name} reference data not found at {} ({origin}). The tests need the {name} \
             reference directory (with its INDEX.md).",
            dir.display()
        ));
    }
    Ok(dir.canonicalize().unwrap_or(dir))
}

impl SharedRef {
    /// Reference data named `name` rooted at `dir` (no check is made until a file is read).
    pub fn at(name: &str, dir: PathBuf) -> Self {
        Self {
            name: name.to_owned(),
            dir,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The directory's name (e.g. `"glance-api"`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The reference directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of `rel` inside the reference directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// The raw bytes of `rel` (e.g. `"responses/image-show-response.json"`).
    ///
    /// # Panics
    /// When the file cannot be read.
    pub fn bytes(&self, rel: &str) -> Vec<u8> {
        let path = self.path(rel);
        std::fs::read(&path).unwrap_or_else(|err| {
            panic!(
                "cannot read {} reference file {} ({err}); reference dir is {} (override with ${})",
                self.name,
                path.display(),
                self.dir.display(),
                env_var(&self.name)
            )
        })
    }

    /// The JSON document at `rel`.
    ///
    /// # Panics
    /// When the file cannot be read or is not JSON.
    pub fn json(&self, rel: &str) -> Value {
        let bytes = self.bytes(rel);
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|err| panic!("{} reference file {rel} is not JSON: {err}", self.name))
    }

    /// The files directly inside `rel_dir` (e.g. `"networks"`; `""` for the root), sorted by path.
    ///
    /// # Panics
    /// When the directory cannot be read.
    pub fn list(&self, rel_dir: &str) -> Vec<PathBuf> {
        let path = self.path(rel_dir);
        let entries = std::fs::read_dir(&path).unwrap_or_else(|err| {
            panic!(
                "cannot list {} reference directory {} ({err}); override with ${}",
                self.name,
                path.display(),
                env_var(&self.name)
            )
        });
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_file())
            .collect();
        files.sort();
        files
    }

    /// Validates `instance` against the JSON schema at `schema_rel` (e.g.
    /// `"schemas/image-show-response.json"`) as JSON Schema draft 4, the draft OpenStack's
    /// schemas are written for; `format` is not checked (Glance's and Neutron's schemas use
    /// none). Returns every violation as `"<instance path>: <message>"`.
    ///
    /// # Panics
    /// When the schema file is missing or does not compile.
    pub fn validate(&self, schema_rel: &str, instance: &Value) -> Result<(), Vec<String>> {
        let validator = self.validator(schema_rel);
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

    fn validator(&self, schema_rel: &str) -> Arc<jsonschema::Validator> {
        let mut validators = self
            .validators
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = validators.get(schema_rel) {
            return Arc::clone(found);
        }
        let schema = self.json(schema_rel);
        let validator = jsonschema::draft4::options()
            .build(&schema)
            .unwrap_or_else(|err| {
                panic!("{} schema {schema_rel} does not compile: {err}", self.name)
            });
        let validator = Arc::new(validator);
        validators.insert(schema_rel.to_owned(), Arc::clone(&validator));
        validator
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn environment_variable_names() {
        assert_eq!(env_var("glance-api"), "ECS_GLANCE_API_DIR");
        assert_eq!(env_var("neutron-api"), "ECS_NEUTRON_API_DIR");
        assert_eq!(env_var("nova-api"), crate::DIR_ENV_VAR);
    }

    #[test]
    fn finds_glance_and_neutron() {
        let glance = shared("glance-api");
        assert_eq!(glance.name(), "glance-api");
        assert!(glance.dir().join("INDEX.md").is_file());
        assert_eq!(
            glance.json("responses/image-show-response.json")["status"],
            "active"
        );
        assert!(std::ptr::eq(glance, shared("glance-api")), "located once");
        assert_eq!(shared_dir("neutron-api"), shared("neutron-api").dir());
        let networks = shared("neutron-api").list("networks");
        assert!(
            networks
                .iter()
                .any(|file| file.ends_with("networks-list-response.json")),
            "{networks:?}"
        );
    }

    #[test]
    fn missing_directory_is_reported_with_path_and_env_var() {
        let message = locate("glance-api", Some("/nonexistent/glance-api".into())).unwrap_err();
        assert!(
            message.contains("/nonexistent/glance-api")
                && message.contains("from $ECS_GLANCE_API_DIR"),
            "{message}"
        );
        let message = locate("no-such-api", None).unwrap_err();
        assert!(
            message.contains("shared/no-such-api") && message.contains("$ECS_NO_SUCH_API_DIR"),
            "{message}"
        );
        for bad in ["", "../nova-api", "glance-api/responses"] {
            assert!(locate(bad, None).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    #[should_panic(expected = "ECS_NEUTRON_API_DIR")]
    fn missing_file_panics_naming_the_env_var() {
        shared("neutron-api").bytes("networks/no-such-file.json");
    }

    #[test]
    fn validates_against_glance_image_schema() {
        let glance = shared("glance-api");
        let schema = "schemas/image-show-response.json";
        let image = glance.json("responses/image-show-response.json");
        glance
            .validate(schema, &image)
            .expect("Glance's own sample is valid");

        let mut bad = image.clone();
        bad["status"] = json!("running");
        bad["min_disk"] = json!("ten");
        bad["os_admin_user"] = json!(7);
        let errors = glance.validate(schema, &bad).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors.iter().any(|error| error.starts_with("/status")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|error| error.starts_with("/os_admin_user")),
            "extra properties must be strings: {errors:?}"
        );
    }
}
