//! The private key of a newly created key pair, as long as the page holds it.

use ecs_api::Secret;

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
    /// The download's file name: `<name>.pem`, with characters a file name cannot hold replaced.
    pub fn file_name(&self) -> String {
        let stem: String = self
            .key_name
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '\0') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        format!("{stem}.pem")
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
    fn the_file_is_named_after_the_key_pair() {
        assert_eq!(key("demo-key_1").file_name(), "demo-key_1.pem");
        assert_eq!(key("a/b\\c").file_name(), "a_b_c.pem");
    }

    #[test]
    fn debug_output_leaves_the_private_key_out() {
        let printed = format!("{:?}", key("demo"));
        assert!(printed.contains("demo"));
        assert!(!printed.contains("secret"));
    }
}
