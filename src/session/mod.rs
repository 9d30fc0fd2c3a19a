//! Who is signed in, to which cloud, and how the browser reaches it.
//!
//! The token lives in memory and in sessionStorage only (so a reload keeps the tab signed in,
//! and closing the tab forgets it): never localStorage, cookies or URLs. A 401 drops the token
//! but remembers where the user was; sign-in returns there, and pages that keep their state with
//! [`kept::use_kept`] find it intact. Sign-out clears everything.

pub mod kept;
mod storage;

use ecs_api::Secret;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::activity::ActivityLog;
use kept::KeptState;

/// How the browser reaches the cloud.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionMode {
    /// Through the gateway's `/proxy/...` routes (works with any cloud).
    #[default]
    Proxy,
    /// Straight to the cloud's endpoints (the cloud must send CORS headers for this origin).
    Direct,
}

impl ConnectionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proxy => "proxy",
            Self::Direct => "direct",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "proxy" => Some(Self::Proxy),
            "direct" => Some(Self::Direct),
            _ => None,
        }
    }
}

/// A signed-in session: everything needed to call the compute API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: Secret,
    /// Keystone's `expires_at` (RFC 3339), when known (not for a pasted token).
    pub expires_at: Option<String>,
    /// The compute endpoint, as the catalog (or the user) gave it.
    pub compute_endpoint: String,
    pub project_id: String,
    pub project_name: Option<String>,
    pub user_name: Option<String>,
    /// The user's domain, to fill in the sign-in form again when the token expires.
    #[serde(default)]
    pub user_domain: Option<String>,
    pub region: Option<String>,
    pub mode: ConnectionMode,
    /// The identity endpoint that issued the token: sign-out revokes the token there.
    #[serde(default)]
    pub identity_endpoint: String,
    /// Glance v2, when the catalog has it; `None` reads images through Nova's proxy.
    #[serde(default)]
    pub image_endpoint: Option<String>,
    /// Neutron v2.0, when the catalog has it; `None` is a Nova-only cloud (networks and security
    /// groups through Nova's proxies, no public IPs).
    #[serde(default)]
    pub network_endpoint: Option<String>,
    /// Cinder block-storage v3, when the catalog has it; `None` reads volumes through Nova's
    /// `os-volume_attachments` and takes the volume quota from Nova's limits.
    #[serde(default)]
    pub volume_endpoint: Option<String>,
}

/// The app-wide session state (a context; cheap to copy).
#[derive(Clone, Copy)]
pub struct SessionStore {
    current: RwSignal<Option<Session>>,
    /// Where to go after the next sign-in (set when a 401 or a guard sent the user away).
    return_to: RwSignal<Option<String>>,
    /// Why the user is on the sign-in page, when it was not their choice.
    reason: RwSignal<Option<String>>,
    kept: KeptState,
    activity: ActivityLog,
}

impl SessionStore {
    /// Restores a session saved in this tab's sessionStorage, if any.
    pub fn restore(kept: KeptState, activity: ActivityLog) -> Self {
        Self {
            current: RwSignal::new(storage::load()),
            return_to: RwSignal::new(None),
            reason: RwSignal::new(None),
            kept,
            activity,
        }
    }

    /// The current session (tracked).
    pub fn get(&self) -> Option<Session> {
        self.current.get()
    }

    pub fn get_untracked(&self) -> Option<Session> {
        self.current.get_untracked()
    }

    pub fn is_signed_in(&self) -> bool {
        self.current.with(Option::is_some)
    }

    pub fn with<R>(&self, read: impl FnOnce(Option<&Session>) -> R) -> R {
        self.current.with(|session| read(session.as_ref()))
    }

    pub fn with_untracked<R>(&self, read: impl FnOnce(Option<&Session>) -> R) -> R {
        self.current
            .with_untracked(|session| read(session.as_ref()))
    }

    pub fn sign_in(&self, session: Session) {
        storage::save(&session);
        self.reason.set(None);
        self.current.set(Some(session));
    }

    /// The token was refused (401) or has expired: forget it, keep everything else, and
    /// remember `location` so sign-in can return there.
    pub fn expire(&self, location: Option<String>, reason: impl Into<String>) {
        storage::clear();
        if location.is_some() {
            self.return_to.set(location);
        }
        self.reason.set(Some(reason.into()));
        self.current.set(None);
    }

    /// Remembers where to return after sign-in (used by the route guard).
    pub fn remember_return(&self, location: String) {
        self.return_to.set(Some(location));
    }

    /// Where to go after sign-in, consuming it.
    pub fn take_return(&self) -> Option<String> {
        self.return_to.try_update(Option::take).flatten()
    }

    pub fn reason(&self) -> Option<String> {
        self.reason.get()
    }

    /// Forgets the token, kept form state, the return location and the activity log (the
    /// sign-out button also empties the sign-in form, see `sign_in::SignInForm`).
    pub fn sign_out(&self) {
        storage::clear();
        self.kept.clear();
        self.activity.clear();
        self.return_to.set(None);
        self.reason.set(None);
        self.current.set(None);
    }
}

pub fn use_session() -> SessionStore {
    expect_context::<SessionStore>()
}

/// Where to land after signing in: the remembered location when it is a page of this app,
/// else the servers list. Never an absolute URL, so a crafted return value cannot leave the app.
pub fn landing_path(return_to: Option<String>) -> String {
    return_to
        .filter(|path| {
            path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/sign-in")
                && !path.contains('\\')
        })
        .unwrap_or_else(|| "/servers".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landing_path_stays_inside_the_app() {
        assert_eq!(landing_path(None), "/servers");
        assert_eq!(landing_path(Some("/create?x=1".into())), "/create?x=1");
        assert_eq!(landing_path(Some("/servers/abc".into())), "/servers/abc");
        assert_eq!(landing_path(Some("//evil.example/".into())), "/servers");
        assert_eq!(
            landing_path(Some("https://evil.example/".into())),
            "/servers"
        );
        assert_eq!(landing_path(Some("/\\evil.example".into())), "/servers");
        assert_eq!(landing_path(Some("/sign-in".into())), "/servers");
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let session = Session {
            token: Secret::new("gAAAAAB-very-secret"),
            expires_at: None,
            compute_endpoint: "/proxy/compute/v2.1/p".into(),
            project_id: "p".into(),
            project_name: None,
            user_name: None,
            user_domain: None,
            region: None,
            mode: ConnectionMode::Proxy,
            identity_endpoint: "/proxy/identity/v3".into(),
            image_endpoint: None,
            network_endpoint: None,
            volume_endpoint: None,
        };
        assert!(!format!("{session:?}").contains("very-secret"));
    }

    #[test]
    fn a_session_saved_before_block_storage_restores_without_it() {
        let saved = r#"{"token": "t", "expires_at": null, "compute_endpoint": "/proxy/compute/v2.1/p",
            "project_id": "p", "project_name": null, "user_name": null, "region": null,
            "mode": "proxy", "identity_endpoint": "/proxy/identity/v3",
            "image_endpoint": "/proxy/image", "network_endpoint": null}"#;
        let session: Session = serde_json::from_str(saved).expect("an older session decodes");
        assert_eq!(session.volume_endpoint, None);
        assert_eq!(session.image_endpoint.as_deref(), Some("/proxy/image"));
        let with_volume = Session {
            volume_endpoint: Some("/proxy/volume/v3/p".into()),
            ..session
        };
        let text = serde_json::to_string(&with_volume).expect("encodes");
        let restored: Session = serde_json::from_str(&text).expect("decodes");
        assert_eq!(restored, with_volume);
    }

    #[test]
    fn connection_mode_round_trips() {
        for mode in [ConnectionMode::Proxy, ConnectionMode::Direct] {
            assert_eq!(ConnectionMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(ConnectionMode::parse("tunnel"), None);
    }
}
