//! What the user typed into the sign-in form, except the password and the token.

use leptos::prelude::*;

use super::logic::SignInMethod;
use crate::session::{ConnectionMode, Session};

/// The sign-in form's values (a context; cheap to copy). They live as long as the app, not the
/// page: when the token expires the form comes back filled in and only the secret is asked
/// again. The sign-out button empties them.
#[derive(Clone, Copy)]
pub struct SignInForm {
    pub method: RwSignal<SignInMethod>,
    pub mode: RwSignal<ConnectionMode>,
    pub identity_endpoint: RwSignal<String>,
    /// Whether the user typed the identity endpoint (else it follows the gateway's suggestion).
    pub identity_edited: RwSignal<bool>,
    pub user_domain: RwSignal<String>,
    pub user_name: RwSignal<String>,
    pub project: RwSignal<String>,
    pub compute_endpoint: RwSignal<String>,
    pub project_id: RwSignal<String>,
}

impl SignInForm {
    /// Empty, but for what a session restored after a reload knows of how it signed in.
    pub fn new(restored: Option<&Session>) -> Self {
        let known = |field: fn(&Session) -> &Option<String>| {
            RwSignal::new(
                restored
                    .and_then(|session| field(session).clone())
                    .unwrap_or_default(),
            )
        };
        Self {
            method: RwSignal::new(SignInMethod::default()),
            mode: RwSignal::new(restored.map(|session| session.mode).unwrap_or_default()),
            identity_endpoint: RwSignal::new(String::new()),
            identity_edited: RwSignal::new(false),
            user_domain: known(|session| &session.user_domain),
            user_name: known(|session| &session.user_name),
            project: known(|session| &session.project_name),
            compute_endpoint: RwSignal::new(String::new()),
            project_id: RwSignal::new(String::new()),
        }
    }

    /// Forgets everything typed (sign-out).
    pub fn reset(&self) {
        self.method.set(SignInMethod::default());
        self.mode.set(ConnectionMode::default());
        self.identity_edited.set(false);
        for text in [
            self.identity_endpoint,
            self.user_domain,
            self.user_name,
            self.project,
            self.compute_endpoint,
            self.project_id,
        ] {
            text.set(String::new());
        }
    }
}

pub fn use_sign_in_form() -> SignInForm {
    expect_context::<SignInForm>()
}

#[cfg(test)]
mod tests {
    use ecs_api::Secret;

    use super::*;

    #[test]
    fn a_restored_session_prefills_sign_in_and_sign_out_empties_it() {
        Owner::new().with(|| {
            let session = Session {
                token: Secret::new("t"),
                expires_at: None,
                compute_endpoint: "https://ecs.example.com/v2.1/p".into(),
                project_id: "p".into(),
                project_name: Some("demo".into()),
                user_name: Some("alice".into()),
                user_domain: Some("Default".into()),
                region: None,
                mode: ConnectionMode::Direct,
                identity_endpoint: "https://iam.example.com/v3".into(),
                image_endpoint: None,
                network_endpoint: None,
                volume_endpoint: None,
            };
            let fields = SignInForm::new(Some(&session));
            assert_eq!(fields.user_name.get_untracked(), "alice");
            assert_eq!(fields.project.get_untracked(), "demo");
            assert_eq!(fields.user_domain.get_untracked(), "Default");
            assert_eq!(fields.mode.get_untracked(), ConnectionMode::Direct);

            fields.method.set(SignInMethod::Token);
            fields.reset();
            assert_eq!(fields.user_name.get_untracked(), "");
            assert_eq!(fields.user_domain.get_untracked(), "");
            assert_eq!(fields.mode.get_untracked(), ConnectionMode::Proxy);
            assert_eq!(fields.method.get_untracked(), SignInMethod::Password);

            let fresh = SignInForm::new(None);
            assert_eq!(fresh.project.get_untracked(), "");
        });
    }
}
