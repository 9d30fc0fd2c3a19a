//! The key pair forms' rules, shared by the create form and the key pairs page: when a name may
//! be sent, what the cloud's refusal means, and the private key of a newly created key pair as
//! long as the page holds it.

use ecs_api::validate::{self, ValidationError};
use ecs_api::{ApiError, ErrorKind, Secret};

/// Nova's name rule, then: not a name the list already has (Nova would answer 409).
pub fn check_key_name(name: &str, taken: &[String]) -> Result<(), ValidationError> {
    validate::key_pair_name(name)?;
    validate::key_pair_name_free(name, taken.iter().map(String::as_str))
}

/// What to say under a key pair name field: nothing while it is empty (the user has not
/// started), then what [`check_key_name`] says.
pub fn key_name_problem(name: &str, taken: &[String]) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    check_key_name(name, taken).err().map(|error| error.message)
}

/// True when a key pair may be created or imported under `name`: both forms' buttons stay
/// disabled until then.
pub fn key_name_ready(name: &str, taken: &[String]) -> bool {
    check_key_name(name, taken).is_ok()
}

/// What to do after the cloud refused a create or import, where the advice for the error's kind
/// alone would mislead: to `POST /os-keypairs`, a 409 only ever means the name is taken (there
/// is no task to wait for).
pub fn refusal_advice(error: &ApiError) -> Option<String> {
    (error.kind == ErrorKind::Conflict).then(|| {
        "Your account already has a key pair of this name (made elsewhere, or since this page listed them). Choose another name, or delete the old key pair on the Key pairs page first.".to_owned()
    })
}

/// Where the key pair forms are: what they say after an import differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormPlace {
    /// The create-server form, which chooses the new key pair for the server.
    CreateServer,
    /// The key pairs page, which lists it.
    KeyPairsPage,
}

impl FormPlace {
    /// The line shown (and announced) once `name` was imported.
    pub fn imported(self, name: &str) -> String {
        match self {
            Self::CreateServer => format!("Key pair {name} imported and chosen above."),
            Self::KeyPairsPage => format!("Key pair {name} imported."),
        }
    }
}

/// The key pair name and private key the API returned once. Held only in memory by the page;
/// the key is a [`Secret`], so `Debug` output leaves it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedKey {
    pub key_name: String,
    pub private_key: Secret,
    /// The browser was given the `.pem` file at least once.
    pub downloaded: bool,
    /// The user said they saved it: leaving no longer asks first.
    pub saved: bool,
}

/// What leaving the page would mean for the private key it holds; in the order of how much
/// would be lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyOnLeaving {
    /// No key held, or the user said they saved it.
    Safe,
    /// Downloaded once: the page's copy goes, and nothing offers the key again.
    DownloadedOnce,
    /// Never downloaded (the download failed) nor marked saved: leaving loses it.
    Unsaved,
}

impl GeneratedKey {
    /// The download's file name (`ecs_api::connect::key_file_name`: the SSH line names the
    /// same file).
    pub fn file_name(&self) -> String {
        ecs_api::connect::key_file_name(&self.key_name)
    }

    pub fn on_leaving(&self) -> KeyOnLeaving {
        match (self.saved, self.downloaded) {
            (true, _) => KeyOnLeaving::Safe,
            (false, true) => KeyOnLeaving::DownloadedOnce,
            (false, false) => KeyOnLeaving::Unsaved,
        }
    }
}

/// What leaving would mean for the keys the page holds: the most any of them would lose.
pub fn key_on_leaving(keys: &[GeneratedKey]) -> KeyOnLeaving {
    keys.iter()
        .map(GeneratedKey::on_leaving)
        .max()
        .unwrap_or(KeyOnLeaving::Safe)
}

/// Holds a newly created key first (its notice on top), beside the keys created before: each
/// keeps its notice, and so its one chance to be downloaded, while the page is open.
pub fn hold_key(keys: &mut Vec<GeneratedKey>, key: GeneratedKey) {
    // A key of the same name is of a key pair that no longer exists.
    keys.retain(|held| held.key_name != key.key_name);
    keys.insert(0, key);
}

/// Lets go of the keys of the key pairs `deleted`: their private keys open nothing now.
pub fn forget_keys<'a>(
    keys: &mut Vec<GeneratedKey>,
    deleted: impl IntoIterator<Item = &'a String>,
) {
    for name in deleted {
        keys.retain(|held| &held.key_name != name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> GeneratedKey {
        GeneratedKey {
            key_name: name.to_owned(),
            private_key: Secret::new(
                "-----BEGIN RSA PRIVATE KEY-----\nsecret\n-----END RSA PRIVATE KEY-----\n",
            ),
            downloaded: false,
            saved: false,
        }
    }

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn a_key_pair_name_is_asked_for_until_it_is_valid() {
        let none = names(&[]);
        assert_eq!(
            key_name_problem("", &none),
            None,
            "nothing said before typing"
        );
        assert!(!key_name_ready("", &none));
        assert_eq!(
            key_name_problem("   ", &none).as_deref(),
            Some("Enter a key pair name.")
        );
        assert!(
            !key_name_ready("   ", &none),
            "spaces only cannot be created"
        );
        assert!(key_name_problem("me@laptop", &none).is_some());
        assert!(!key_name_ready("me@laptop", &none));
        assert_eq!(key_name_problem("my key_1", &none), None);
        assert!(key_name_ready("my key_1", &none));
    }

    #[test]
    fn a_name_the_list_has_is_refused_before_sending() {
        let taken = names(&["demo", "web"]);
        assert_eq!(
            key_name_problem("demo", &taken).as_deref(),
            Some("A key pair named demo already exists; choose another name.")
        );
        assert!(!key_name_ready("demo", &taken));
        assert!(key_name_ready("demo2", &taken));
        assert!(
            key_name_ready("Demo", &taken),
            "Nova compares names exactly"
        );
        assert_eq!(
            key_name_problem("bad/name", &taken),
            validate::key_pair_name("bad/name").err().map(|e| e.message),
            "the name rule speaks first"
        );
    }

    #[test]
    fn a_conflict_gets_advice_about_the_name_not_a_busy_resource() {
        let conflict = ApiError::from_response(
            409,
            br#"{"conflictingRequest": {"code": 409, "message": "Key pair 'demo' already exists."}}"#,
        );
        let advice = refusal_advice(&conflict).expect("advice for a 409");
        assert!(advice.contains("Choose another name"), "{advice}");
        assert!(!advice.contains("wait"), "{advice}");
        let bad = ApiError::from_response(
            400,
            br#"{"badRequest": {"code": 400, "message": "Keypair data is invalid"}}"#,
        );
        assert_eq!(
            refusal_advice(&bad),
            None,
            "other errors keep the usual advice"
        );
    }

    #[test]
    fn imports_are_reported_where_they_happened() {
        assert_eq!(
            FormPlace::CreateServer.imported("k1"),
            "Key pair k1 imported and chosen above."
        );
        assert_eq!(
            FormPlace::KeyPairsPage.imported("k1"),
            "Key pair k1 imported."
        );
    }

    #[test]
    fn leaving_depends_on_whether_the_key_was_downloaded_or_saved() {
        assert_eq!(key_on_leaving(&[]), KeyOnLeaving::Safe);
        let mut held = key("demo");
        assert_eq!(
            key_on_leaving(std::slice::from_ref(&held)),
            KeyOnLeaving::Unsaved
        );
        held.downloaded = true;
        assert_eq!(held.on_leaving(), KeyOnLeaving::DownloadedOnce);
        held.saved = true;
        assert_eq!(held.on_leaving(), KeyOnLeaving::Safe);
        held.downloaded = false;
        assert_eq!(held.on_leaving(), KeyOnLeaving::Safe, "saved by copying");
    }

    #[test]
    fn every_key_created_is_held_until_its_key_pair_is_deleted() {
        let mut keys = Vec::new();
        let mut first = key("first");
        first.downloaded = true;
        hold_key(&mut keys, first);
        hold_key(&mut keys, key("second"));
        let held = |keys: &[GeneratedKey]| -> Vec<String> {
            keys.iter().map(|key| key.key_name.clone()).collect()
        };
        assert_eq!(
            held(&keys),
            ["second", "first"],
            "newest first, none replaced"
        );
        // The most that leaving would lose speaks.
        assert_eq!(key_on_leaving(&keys), KeyOnLeaving::Unsaved);
        keys[0].saved = true;
        assert_eq!(key_on_leaving(&keys), KeyOnLeaving::DownloadedOnce);
        // A key pair deleted (and made again under its name) is held once, as the new one.
        forget_keys(&mut keys, &names(&["first", "other"]));
        assert_eq!(held(&keys), ["second"]);
        assert_eq!(key_on_leaving(&keys), KeyOnLeaving::Safe);
        hold_key(&mut keys, key("second"));
        assert_eq!(held(&keys), ["second"]);
        assert!(!keys[0].saved, "the new key, not the old one");
    }

    #[test]
    fn the_file_is_named_after_the_key_pair() {
        assert_eq!(key("demo-key_1").file_name(), "demo-key_1.pem");
        assert_eq!(key("a/b\\c").file_name(), "a_b_c.pem");
        assert_eq!(key("my key").file_name(), "my_key.pem");
    }

    #[test]
    fn debug_output_leaves_the_private_key_out() {
        let printed = format!("{:?}", key("demo"));
        assert!(printed.contains("demo"));
        assert!(!printed.contains("secret"));
    }
}
