//! What leaving the create page would lose: the cloud returns a created key pair's private key
//! and a new server's admin password only once.

const KEY_UNSAVED: &str = "The private key you created has not been saved. It cannot be downloaded again once you leave this page. Leave anyway?";
const PASSWORD_UNNOTED: &str = "The admin password of the server just created has not been noted. It cannot be shown again once you leave this page. Leave anyway?";
const BOTH_UNSAVED: &str = "The private key you created has not been saved, and the admin password of the server just created has not been noted. Neither can be shown again once you leave this page. Leave anyway?";

/// The question to ask before leaving, or `None` when leaving loses nothing.
pub fn leave_question(key_unsaved: bool, password_unnoted: bool) -> Option<&'static str> {
    match (key_unsaved, password_unnoted) {
        (true, true) => Some(BOTH_UNSAVED),
        (true, false) => Some(KEY_UNSAVED),
        (false, true) => Some(PASSWORD_UNNOTED),
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_what_would_be_lost() {
        assert_eq!(leave_question(false, false), None);
        let key = leave_question(true, false).expect("asks");
        assert!(key.contains("private key") && !key.contains("admin password"));
        let password = leave_question(false, true).expect("asks");
        assert!(password.contains("admin password") && !password.contains("private key"));
        let both = leave_question(true, true).expect("asks");
        assert!(both.contains("private key") && both.contains("admin password"));
    }
}
