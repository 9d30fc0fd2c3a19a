//! The simulator's fixed demo account: the one definition the simulator seeds, the gateway
//! prints and pre-fills, and every test signs in with.

use ecs_api::requests::AuthRequest;

/// A Keystone user with a project scope, as a person types it on the sign-in form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAccount {
    pub user: &'static str,
    pub password: &'static str,
    pub domain: &'static str,
    pub project: &'static str,
}

/// `demo` / `demo` in domain `Default`, project `demo`.
pub const DEMO: DemoAccount = DemoAccount {
    user: "demo",
    password: "demo",
    domain: "Default",
    project: "demo",
};

impl DemoAccount {
    /// A password sign-in scoped to the account's project by name.
    pub fn auth_request(&self) -> AuthRequest {
        AuthRequest::password(self.user, self.domain, self.password)
            .scoped_to_project_name(self.project, self.domain)
    }
}
