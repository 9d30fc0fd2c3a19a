//! What leaving a page would lose: the cloud returns a created key pair's private key and a new
//! server's admin password only once.

use super::keyfile::KeyOnLeaving;

const KEY_UNSAVED: &str = "The private key you created has not been saved. It cannot be downloaded again once you leave this page. Leave anyway?";
const KEY_DOWNLOADED: &str = "The private key you created was downloaded once, as a .pem file, and will not be offered again once you leave this page. Keep that file, readable only by you (chmod 600 on it; ssh refuses a key others can read). Leave anyway?";
const PASSWORD_UNNOTED: &str = "The admin password of the server just created has not been noted. It cannot be shown again once you leave this page. Leave anyway?";
const KEY_UNSAVED_PASSWORD_UNNOTED: &str = "The private key you created has not been saved, and the admin password of the server just created has not been noted. Neither can be shown again once you leave this page. Leave anyway?";
const KEY_DOWNLOADED_PASSWORD_UNNOTED: &str = "The admin password of the server just created has not been noted, and the private key you created was downloaded once, as a .pem file (keep it, with chmod 600). Neither will be offered again once you leave this page. Leave anyway?";

/// The question to ask before leaving, or `None` when leaving loses nothing.
pub fn leave_question(key: KeyOnLeaving, password_unnoted: bool) -> Option<&'static str> {
    match (key, password_unnoted) {
        (KeyOnLeaving::Unsaved, true) => Some(KEY_UNSAVED_PASSWORD_UNNOTED),
        (KeyOnLeaving::Unsaved, false) => Some(KEY_UNSAVED),
        (KeyOnLeaving::DownloadedOnce, true) => Some(KEY_DOWNLOADED_PASSWORD_UNNOTED),
        (KeyOnLeaving::DownloadedOnce, false) => Some(KEY_DOWNLOADED),
        (KeyOnLeaving::Safe, true) => Some(PASSWORD_UNNOTED),
        (KeyOnLeaving::Safe, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_what_would_be_lost() {
        assert_eq!(leave_question(KeyOnLeaving::Safe, false), None);
        let key = leave_question(KeyOnLeaving::Unsaved, false).expect("asks");
        assert!(key.contains("private key") && !key.contains("admin password"));
        assert!(key.contains("has not been saved"));
        let password = leave_question(KeyOnLeaving::Safe, true).expect("asks");
        assert!(password.contains("admin password") && !password.contains("private key"));
        let both = leave_question(KeyOnLeaving::Unsaved, true).expect("asks");
        assert!(both.contains("private key") && both.contains("admin password"));
    }

    #[test]
    fn a_downloaded_key_is_not_called_unsaved() {
        for password_unnoted in [false, true] {
            let question =
                leave_question(KeyOnLeaving::DownloadedOnce, password_unnoted).expect("asks");
            assert!(question.contains("private key"), "{question}");
            assert!(question.contains("downloaded once"), "{question}");
            assert!(question.contains("chmod 600"), "{question}");
            assert!(!question.contains("not been saved"), "{question}");
            assert_eq!(question.contains("admin password"), password_unnoted);
        }
    }
}
