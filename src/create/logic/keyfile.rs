//! The key pair forms' rules: when a name may be sent, and the private key of a newly created
//! key pair, as long as the page holds it.

use ecs_api::Secret;
use ecs_api::validate;

/// What to say under a key pair name field: nothing while it is empty (the user has not
/// started), then what the API's name rule says.
pub fn key_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    validate::key_pair_name(name)
        .err()
        .map(|error| error.message)
}

/// True when a key pair may be created or imported under `name`: both forms' buttons stay
/// disabled until then.
pub fn key_name_ready(name: &str) -> bool {
    validate::key_pair_name(name).is_ok()
}

/// The key pair name and private key the API returned once. Held only in memory by the page;
/// the key is a [`Secret`], so `Debug` output leaves it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedKey {
    pub key_name: String,
    pub private_key: Secret,
    /// The user said they saved it: leaving no longer asks first.
    pub saved: bool,
}

impl GeneratedKey {
    /// The download's file name (`ecs_api::connect::key_file_name`: the SSH line names the
    /// same file).
    pub fn file_name(&self) -> String {
        ecs_api::connect::key_file_name(&self.key_name)
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
            saved: false,
        }
    }

    #[test]
    fn a_key_pair_name_is_asked_for_until_it_is_valid() {
        assert_eq!(key_name_problem(""), None, "nothing said before typing");
        assert!(!key_name_ready(""));
        assert_eq!(
            key_name_problem("   ").as_deref(),
            Some("Enter a key pair name.")
        );
        assert!(!key_name_ready("   "), "spaces only cannot be created");
        assert!(key_name_problem("me@laptop").is_some());
        assert!(!key_name_ready("me@laptop"));
        assert_eq!(key_name_problem("my key_1"), None);
        assert!(key_name_ready("my key_1"));
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
