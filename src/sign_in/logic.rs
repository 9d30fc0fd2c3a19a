//! Signing in as plain Rust (no browser), unit-tested natively: the forms' checks, Keystone's
//! token turned into a [`Session`], and the tab keys.

use ecs_api::identity::{Project, Token};
use ecs_api::requests::AuthRequest;
use ecs_api::urls::{ComputeEndpoint, IdentityEndpoint};
use ecs_api::{ApiError, ErrorKind, Secret};

use crate::api::gateway::GatewayInfo;
use crate::session::{ConnectionMode, Session};

/// The ids of the sign-in page's controls (what focus moves to, what a problem names).
pub mod ids {
    pub const IDENTITY_ENDPOINT: &str = "identity-endpoint";
    pub const USER_DOMAIN: &str = "user-domain";
    pub const USER_NAME: &str = "user-name";
    pub const PASSWORD: &str = "password";
    pub const PROJECT: &str = "project";
    pub const TOKEN_IDENTITY_ENDPOINT: &str = "token-identity-endpoint";
    pub const TOKEN: &str = "token";
    pub const COMPUTE_ENDPOINT: &str = "compute-endpoint";
    pub const PROJECT_ID: &str = "project-id";
}

/// How the user signs in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignInMethod {
    #[default]
    Password,
    Token,
}

impl SignInMethod {
    const ALL: [Self; 2] = [Self::Password, Self::Token];

    /// The id of the method's tab.
    pub fn tab_id(self) -> &'static str {
        match self {
            Self::Password => "tab-password",
            Self::Token => "tab-token",
        }
    }

    /// The id of the tab's panel, which holds the method's form.
    pub fn panel_id(self) -> &'static str {
        match self {
            Self::Password => "sign-in-password",
            Self::Token => "sign-in-token",
        }
    }

    /// The tab a key moves to in the tab list (ARIA tabs pattern: arrows wrap, Home and End
    /// jump), or `None` for other keys.
    pub fn after_key(self, key: &str) -> Option<Self> {
        let count = Self::ALL.len();
        let index = Self::ALL.iter().position(|method| *method == self)?;
        let next = match key {
            "ArrowRight" | "ArrowDown" => (index + 1) % count,
            "ArrowLeft" | "ArrowUp" => (index + count - 1) % count,
            "Home" => 0,
            "End" => count - 1,
            _ => return None,
        };
        Some(Self::ALL[next])
    }
}

/// The identity endpoint to pre-fill: the gateway's proxy path, or in direct mode the first
/// direct endpoint the gateway allows.
pub fn suggested_identity_endpoint(info: &GatewayInfo, mode: ConnectionMode) -> String {
    match mode {
        ConnectionMode::Proxy if !info.identity_endpoint.is_empty() => {
            info.identity_endpoint.clone()
        }
        ConnectionMode::Proxy => "/proxy/identity/v3".to_owned(),
        ConnectionMode::Direct => info.direct_endpoints.first().cloned().unwrap_or_default(),
    }
}

/// An empty field of the password form: its control's id and what it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingField {
    pub id: &'static str,
    pub message: &'static str,
}

/// The password form's values.
#[derive(Clone, Debug, Default)]
pub struct PasswordSignIn {
    pub identity_endpoint: String,
    pub user_domain: String,
    pub user_name: String,
    pub password: Secret,
    /// A project name (in the user's domain) or a project id.
    pub project: String,
}

impl PasswordSignIn {
    /// The empty fields, in the form's order.
    pub fn missing_fields(&self) -> Vec<MissingField> {
        [
            (
                self.identity_endpoint.trim().is_empty(),
                ids::IDENTITY_ENDPOINT,
                "Enter the identity endpoint.",
            ),
            (
                self.user_domain.trim().is_empty(),
                ids::USER_DOMAIN,
                "Enter the user domain (often \"Default\").",
            ),
            (
                self.user_name.trim().is_empty(),
                ids::USER_NAME,
                "Enter the user name.",
            ),
            (
                self.password.is_empty(),
                ids::PASSWORD,
                "Enter the password.",
            ),
            (
                self.project.trim().is_empty(),
                ids::PROJECT,
                "Enter the project name or id.",
            ),
        ]
        .into_iter()
        .filter(|(missing, _, _)| *missing)
        .map(|(_, id, message)| MissingField { id, message })
        .collect()
    }

    /// The Keystone request: the project is taken as an id when it looks like one (32 hex
    /// digits or a UUID), otherwise as a name in the user's domain.
    pub fn auth_request(&self) -> AuthRequest {
        let domain = self.user_domain.trim();
        let project = self.project.trim();
        let request = AuthRequest::password(self.user_name.trim(), domain, self.password.clone());
        if looks_like_project_id(project) {
            request.scoped_to_project_id(project)
        } else {
            request.scoped_to_project_name(project, domain)
        }
    }
}

/// Keystone project ids are 32 hex digits (sometimes written as a UUID with dashes).
pub fn looks_like_project_id(text: &str) -> bool {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    hex.len() == 32
        && hex.chars().all(|c| c.is_ascii_hexdigit())
        && (!text.contains('-') || text.len() == 36)
}

/// What is wrong with the identity endpoint as typed, found before anything is sent.
pub fn identity_endpoint_problem(endpoint: &str, mode: ConnectionMode) -> Option<String> {
    let endpoint = endpoint.trim();
    if endpoint.is_empty() {
        return Some("Enter the identity endpoint.".to_owned());
    }
    if let Err(error) = IdentityEndpoint::new(endpoint) {
        return Some(format!(
            "Check the identity endpoint: {error}. It is a URL such as https://iam.example.com/v3, or /proxy/identity/v3 through this gateway."
        ));
    }
    bypasses_proxy(endpoint, mode).then(|| {
        format!(
            "Through this gateway, the identity endpoint is one of its /proxy/ paths, such as /proxy/identity/v3. To send your credentials from this browser straight to {endpoint}, choose \"Direct to the cloud\"."
        )
    })
}

/// An address the browser would call itself although the user chose to go through the gateway.
fn bypasses_proxy(endpoint: &str, mode: ConnectionMode) -> bool {
    mode == ConnectionMode::Proxy && !endpoint.starts_with('/')
}

/// What to do when Keystone refuses a sign-in, where its status means something narrower than
/// elsewhere: a 404 while checking a pasted token means Keystone does not know that token, and a
/// 404 on a password sign-in means no Keystone answers at that endpoint. `None`: the error's
/// general advice fits.
pub fn sign_in_advice(error: &ApiError, with_token: bool) -> Option<String> {
    let advice = match (error.kind, with_token) {
        (ErrorKind::NotFound, true) => {
            "Keystone does not know this token (it has expired, was revoked or comes from another cloud), or the identity endpoint is not Keystone's (it usually ends in /v3). Check the endpoint, paste a current token, or sign in with a password."
        }
        (ErrorKind::Unauthorized, true) => {
            "Keystone refused the token: paste a current token, or sign in with a password."
        }
        (ErrorKind::NotFound, false) => {
            "No Keystone answered at this identity endpoint: check it (it usually ends in /v3)."
        }
        _ => return None,
    };
    Some(advice.to_owned())
}

/// Regions with a public compute endpoint; the user picks one when there are several.
pub fn compute_regions(token: &Token) -> Vec<String> {
    token
        .compute_regions()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Builds the session from a Keystone token and the chosen region.
pub fn session_from_token(
    token: &Token,
    region: Option<&str>,
    mode: ConnectionMode,
) -> Result<Session, String> {
    let compute_endpoint = token.compute_endpoint(region).ok_or_else(|| {
        "The token's catalog has no public compute endpoint. Ask your cloud administrator \
         whether this project may use the compute service."
            .to_owned()
    })?;
    let project = token.project().ok_or_else(|| {
        "Keystone issued an unscoped token. Enter a project this user belongs to.".to_owned()
    })?;
    Ok(Session {
        compute_endpoint: compute_endpoint.to_owned(),
        region: region.map(str::to_owned),
        ..session_parts(token, project, region, mode)
    })
}

/// The token form's values.
#[derive(Clone, Debug, Default)]
pub struct TokenSignIn {
    pub token: Secret,
    /// Empty: the token's catalog gives it.
    pub compute_endpoint: String,
    /// Empty: the project the token is scoped to.
    pub project_id: String,
}

impl TokenSignIn {
    /// The pasted token, checked before it is sent anywhere.
    pub fn checked_token(&self) -> Result<Secret, String> {
        let token = self.token.expose().trim();
        if token.is_empty() {
            return Err("Paste the token (the X-Subject-Token Keystone issued).".to_owned());
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(
                "The token contains spaces or line breaks; paste only the token itself.".to_owned(),
            );
        }
        Ok(Secret::new(token))
    }

    /// True when the compute endpoint is left to the token's catalog.
    pub fn uses_catalog(&self) -> bool {
        self.compute_endpoint.trim().is_empty()
    }

    /// The project the token is scoped to, refused when it is not the one the user entered.
    pub fn checked_project<'t>(&self, inspected: &'t Token) -> Result<&'t Project, String> {
        let project = inspected.project().ok_or_else(|| {
            "This token is not scoped to a project; ask Keystone for a project-scoped token."
                .to_owned()
        })?;
        let entered_project = self.project_id.trim();
        if !entered_project.is_empty() && entered_project != project.id {
            return Err(format!(
                "The token is scoped to project {} ({}), not {entered_project}. Leave the project id empty to use the token's project.",
                project.name, project.id
            ));
        }
        Ok(project)
    }

    /// Builds the session from what Keystone said about the token (`inspected`) and the
    /// endpoint the user entered. When [`Self::uses_catalog`], check the project with
    /// [`Self::checked_project`] and take the endpoint from [`session_from_token`] instead.
    pub fn to_session(&self, inspected: &Token, mode: ConnectionMode) -> Result<Session, String> {
        let project = self.checked_project(inspected)?;
        let endpoint = self.compute_endpoint.trim();
        if endpoint.starts_with("//") {
            return Err(
                "Enter the compute endpoint as an http(s):// URL or a /proxy/... path.".to_owned(),
            );
        }
        ComputeEndpoint::new(endpoint, &project.id)
            .map_err(|error| format!("Check the compute endpoint: {error}."))?;
        if bypasses_proxy(endpoint, mode) {
            return Err(format!(
                "Through this gateway, the compute endpoint is one of its /proxy/ paths, such as /proxy/compute/v2.1/{}. To call {endpoint} from this browser, choose \"Direct to the cloud\".",
                project.id
            ));
        }
        Ok(Session {
            compute_endpoint: endpoint.to_owned(),
            region: None,
            ..session_parts(inspected, project, None, mode)
        })
    }
}

/// A pasted token to show Keystone: the form it came from, the identity endpoint to ask, and
/// the token as checked.
#[derive(Clone, Debug)]
pub struct TokenCheck {
    pub form: TokenSignIn,
    pub identity_endpoint: String,
    pub token: Secret,
}

/// The session fields a Keystone token gives, with an empty compute endpoint; the image and
/// network endpoints of `region` (any region when `None`), when the catalog has them.
fn session_parts(
    token: &Token,
    project: &Project,
    region: Option<&str>,
    mode: ConnectionMode,
) -> Session {
    Session {
        token: token.id.clone(),
        expires_at: Some(token.body.expires_at.clone()).filter(|text| !text.is_empty()),
        compute_endpoint: String::new(),
        project_id: project.id.clone(),
        project_name: Some(project.name.clone()).filter(|name| !name.is_empty()),
        user_name: Some(token.body.user.name.clone()).filter(|name| !name.is_empty()),
        user_domain: token
            .body
            .user
            .domain
            .as_ref()
            .map(|domain| domain.name.clone())
            .filter(|name| !name.is_empty()),
        region: None,
        mode,
        identity_endpoint: String::new(),
        image_endpoint: token.image_endpoint(region).map(str::to_owned),
        network_endpoint: token.network_endpoint(region).map(str::to_owned),
        volume_endpoint: volume_endpoint(token, region).map(str::to_owned),
    }
}

/// Catalog types of Cinder v3, in the order they are looked for: `block-storage` is the
/// official type; older clouds list v3 only as `volumev3`.
const VOLUME_SERVICE_TYPES: [&str; 2] = ["block-storage", "volumev3"];

/// The public Cinder v3 endpoint of `region` (any region when `None`), by the same rules as the
/// image and network endpoints; `None` when the catalog has no block storage with a URL.
fn volume_endpoint<'t>(token: &'t Token, region: Option<&str>) -> Option<&'t str> {
    VOLUME_SERVICE_TYPES.iter().find_map(|service_type| {
        token
            .service_endpoint(service_type, region)
            .filter(|url| !url.trim().is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_keys_move_between_the_tabs() {
        assert_eq!(
            SignInMethod::Password.after_key("ArrowRight"),
            Some(SignInMethod::Token)
        );
        assert_eq!(
            SignInMethod::Token.after_key("ArrowRight"),
            Some(SignInMethod::Password)
        );
        assert_eq!(
            SignInMethod::Password.after_key("ArrowLeft"),
            Some(SignInMethod::Token)
        );
        assert_eq!(
            SignInMethod::Token.after_key("Home"),
            Some(SignInMethod::Password)
        );
        assert_eq!(
            SignInMethod::Password.after_key("End"),
            Some(SignInMethod::Token)
        );
        assert_eq!(SignInMethod::Password.after_key("Enter"), None);
    }

    #[test]
    fn identity_endpoint_follows_the_mode() {
        let info = GatewayInfo {
            identity_endpoint: "/proxy/identity".into(),
            direct_endpoints: vec!["https://iam.example.com/v3".into()],
            ..GatewayInfo::default()
        };
        assert_eq!(
            suggested_identity_endpoint(&info, ConnectionMode::Proxy),
            "/proxy/identity"
        );
        assert_eq!(
            suggested_identity_endpoint(&info, ConnectionMode::Direct),
            "https://iam.example.com/v3"
        );
        assert_eq!(
            suggested_identity_endpoint(&GatewayInfo::default(), ConnectionMode::Proxy),
            "/proxy/identity/v3"
        );
    }

    #[test]
    fn an_identity_endpoint_that_is_no_url_is_caught_before_sending() {
        for mode in [ConnectionMode::Proxy, ConnectionMode::Direct] {
            assert_eq!(identity_endpoint_problem("/proxy/identity/v3", mode), None);
            assert_eq!(
                identity_endpoint_problem(" ", mode),
                Some("Enter the identity endpoint.".to_owned())
            );
            assert!(
                identity_endpoint_problem("not a url", mode)
                    .is_some_and(|problem| problem.starts_with("Check the identity endpoint: "))
            );
        }
        assert_eq!(
            identity_endpoint_problem("https://iam.example.com/v3", ConnectionMode::Direct),
            None
        );
    }

    #[test]
    fn through_the_gateway_no_credentials_go_straight_to_another_host() {
        let problem =
            identity_endpoint_problem("https://iam.example.com/v3", ConnectionMode::Proxy)
                .expect("refused in proxy mode");
        assert!(problem.contains("/proxy/identity/v3"), "{problem}");
        assert!(problem.contains("https://iam.example.com/v3"), "{problem}");
        assert!(problem.contains("Direct to the cloud"), "{problem}");
    }

    #[test]
    fn keystones_refusals_are_explained_for_the_way_used() {
        let unknown_token = ApiError::from_response(
            404,
            br#"{"error": {"code": 404, "title": "Not Found", "message": "Could not find token."}}"#,
        );
        assert!(
            sign_in_advice(&unknown_token, true)
                .is_some_and(|advice| advice.contains("does not know this token"))
        );
        assert!(
            sign_in_advice(&unknown_token, false)
                .is_some_and(|advice| advice.contains("identity endpoint"))
        );
        let refused = ApiError::from_response(401, b"");
        assert!(sign_in_advice(&refused, true).is_some_and(|advice| advice.contains("refused")));
        // A wrong password keeps the general advice (check user, password, project).
        assert_eq!(sign_in_advice(&refused, false), None);
    }

    #[test]
    fn project_ids_and_names_are_told_apart() {
        assert!(looks_like_project_id("0123456789abcdef0123456789ABCDEF"));
        assert!(looks_like_project_id(
            "01234567-89ab-cdef-0123-456789abcdef"
        ));
        assert!(!looks_like_project_id("demo"));
        assert!(!looks_like_project_id("0123456789abcdef0123456789abcdeg"));
        assert!(!looks_like_project_id("0123456789abcdef0123456789abcde"));
        assert!(!looks_like_project_id("0123456789abcdef-0123456789abcdef"));
    }

    #[test]
    fn auth_request_scopes_by_name_or_id() {
        let mut form = PasswordSignIn {
            identity_endpoint: "/proxy/identity/v3".into(),
            user_domain: " Default ".into(),
            user_name: "demo".into(),
            password: Secret::new("demo"),
            project: "demo".into(),
        };
        let body = form.auth_request().to_body();
        assert_eq!(body["auth"]["scope"]["project"]["name"], "demo");
        assert_eq!(
            body["auth"]["scope"]["project"]["domain"]["name"],
            "Default"
        );
        assert_eq!(body["auth"]["identity"]["password"]["user"]["name"], "demo");
        form.project = "0123456789abcdef0123456789abcdef".into();
        let body = form.auth_request().to_body();
        assert_eq!(
            body["auth"]["scope"]["project"]["id"],
            "0123456789abcdef0123456789abcdef"
        );
    }

    #[test]
    fn missing_fields_are_all_named_in_order() {
        let mut form = PasswordSignIn::default();
        let ids = |form: &PasswordSignIn| {
            form.missing_fields()
                .into_iter()
                .map(|missing| missing.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(&form),
            [
                "identity-endpoint",
                "user-domain",
                "user-name",
                "password",
                "project"
            ]
        );
        form.identity_endpoint = "/proxy/identity/v3".into();
        form.user_domain = "Default".into();
        form.user_name = "demo".into();
        assert_eq!(
            form.missing_fields(),
            [
                MissingField {
                    id: "password",
                    message: "Enter the password."
                },
                MissingField {
                    id: "project",
                    message: "Enter the project name or id."
                }
            ]
        );
        form.password = Secret::new("x");
        form.project = "demo".into();
        assert!(form.missing_fields().is_empty());
    }

    fn demo_token() -> Token {
        let body = br#"{"token": {"expires_at": "2030-01-01T00:00:00.000000Z",
            "user": {"id": "u", "name": "demo"},
            "project": {"id": "p1", "name": "demo"},
            "catalog": [{"type": "compute", "name": "nova", "endpoints": [
                {"interface": "public", "region_id": "r1", "url": "/proxy/compute/v2.1/p1"}]}]}}"#;
        Token::from_response(Some("gAAAAtoken"), body).expect("token decodes")
    }

    #[test]
    fn a_pasted_token_is_checked_before_it_is_sent() {
        let mut form = TokenSignIn {
            token: Secret::new("gAAAA token"),
            ..TokenSignIn::default()
        };
        assert!(form.checked_token().is_err());
        form.token = Secret::new(" ");
        assert!(form.checked_token().is_err());
        form.token = Secret::new(" gAAAAtoken ");
        assert_eq!(form.checked_token().expect("valid").expose(), "gAAAAtoken");
    }

    #[test]
    fn a_pasted_token_signs_in_with_what_keystone_says_about_it() {
        let inspected = demo_token();
        let mut form = TokenSignIn {
            token: Secret::new("gAAAAtoken"),
            compute_endpoint: "https://ecs.example.com/v2.1".into(),
            project_id: String::new(),
        };
        assert!(!form.uses_catalog());
        let session = form
            .to_session(&inspected, ConnectionMode::Direct)
            .expect("valid");
        assert_eq!(session.token.expose(), "gAAAAtoken");
        assert_eq!(session.compute_endpoint, "https://ecs.example.com/v2.1");
        assert_eq!(session.project_id, "p1");
        assert_eq!(
            session.expires_at.as_deref(),
            Some("2030-01-01T00:00:00.000000Z"),
            "the expiry Keystone reported is kept, so the top bar can show it"
        );
        assert_eq!(session.user_name.as_deref(), Some("demo"));

        form.project_id = "p2".into();
        let refused = form
            .to_session(&inspected, ConnectionMode::Direct)
            .expect_err("another project");
        assert!(refused.contains("scoped to project demo (p1)"), "{refused}");
        form.project_id = " p1 ".into();
        assert!(form.to_session(&inspected, ConnectionMode::Direct).is_ok());
        form.compute_endpoint = "//evil.example/v2.1".into();
        assert!(form.to_session(&inspected, ConnectionMode::Proxy).is_err());
        // Through the gateway, a typed endpoint is one of its paths, never another host.
        form.compute_endpoint = "https://ecs.example.com/v2.1".into();
        let refused = form
            .to_session(&inspected, ConnectionMode::Proxy)
            .expect_err("another host in proxy mode");
        assert!(refused.contains("/proxy/compute/v2.1/p1"), "{refused}");
        form.compute_endpoint = "/proxy/compute/v2.1".into();
        assert!(form.to_session(&inspected, ConnectionMode::Proxy).is_ok());
        form.compute_endpoint = "  ".into();
        assert!(form.uses_catalog());
    }

    #[test]
    fn session_comes_from_the_catalog() {
        let body = br#"{"token": {"expires_at": "2030-01-01T00:00:00.000000Z",
            "user": {"id": "u", "name": "demo"},
            "project": {"id": "p1", "name": "demo"},
            "catalog": [{"type": "compute", "name": "nova", "endpoints": [
                {"interface": "public", "region_id": "r1", "url": "/proxy/compute/v2.1/p1"},
                {"interface": "internal", "region_id": "r1", "url": "http://internal/v2.1/p1"},
                {"interface": "public", "region_id": "r2", "url": "/proxy/compute-r2/v2.1/p1"}]},
              {"type": "image", "name": "glance", "endpoints": [
                {"interface": "public", "region_id": "r1", "url": "/proxy/image"},
                {"interface": "public", "region_id": "r2", "url": "/proxy/image-r2"}]},
              {"type": "network", "name": "neutron", "endpoints": [
                {"interface": "public", "region_id": "r1", "url": "/proxy/network"}]}]}}"#;
        let token = Token::from_response(Some("tok"), body).expect("token decodes");
        assert_eq!(compute_regions(&token), vec!["r1", "r2"]);
        let session =
            session_from_token(&token, Some("r2"), ConnectionMode::Proxy).expect("session");
        assert_eq!(session.compute_endpoint, "/proxy/compute-r2/v2.1/p1");
        assert_eq!(session.image_endpoint.as_deref(), Some("/proxy/image-r2"));
        // Neutron only in r1: r2 is a Nova-only region.
        assert_eq!(session.network_endpoint, None);
        let in_r1 = session_from_token(&token, Some("r1"), ConnectionMode::Proxy).expect("r1");
        assert_eq!(in_r1.network_endpoint.as_deref(), Some("/proxy/network"));
        assert_eq!(session.project_id, "p1");
        assert_eq!(
            session.expires_at.as_deref(),
            Some("2030-01-01T00:00:00.000000Z")
        );
        assert!(session_from_token(&token, Some("r3"), ConnectionMode::Proxy).is_err());
    }

    #[test]
    fn block_storage_comes_from_the_catalog_by_either_type() {
        let body = br#"{"token": {"expires_at": "2030-01-01T00:00:00.000000Z",
            "user": {"id": "u", "name": "demo"},
            "project": {"id": "p1", "name": "demo"},
            "catalog": [{"type": "compute", "name": "nova", "endpoints": [
                {"interface": "public", "region_id": "r1", "url": "/proxy/compute/v2.1/p1"},
                {"interface": "public", "region_id": "r2", "url": "/proxy/compute-r2/v2.1/p1"},
                {"interface": "public", "region_id": "r3", "url": "/proxy/compute-r3/v2.1/p1"}]},
              {"type": "volumev3", "name": "cinderv3", "endpoints": [
                {"interface": "public", "region_id": "r1", "url": "/proxy/volumev3/v3/p1"},
                {"interface": "public", "region_id": "r2", "url": "/proxy/volumev3-r2/v3/p1"}]},
              {"type": "block-storage", "name": "cinder", "endpoints": [
                {"interface": "internal", "region_id": "r1", "url": "http://internal/v3/p1"},
                {"interface": "public", "region_id": "r1", "url": "/proxy/volume/v3/p1"},
                {"interface": "public", "region_id": "r2", "url": " "}]}]}}"#;
        let token = Token::from_response(Some("tok"), body).expect("token decodes");
        let volume = |region| {
            session_from_token(&token, Some(region), ConnectionMode::Proxy)
                .expect("session")
                .volume_endpoint
        };
        // `block-storage` first, whatever the catalog's order, on its public interface.
        assert_eq!(volume("r1").as_deref(), Some("/proxy/volume/v3/p1"));
        // A `block-storage` entry without a URL falls back to `volumev3`.
        assert_eq!(volume("r2").as_deref(), Some("/proxy/volumev3-r2/v3/p1"));
        // No block storage in r3: the console does without Cinder there.
        assert_eq!(volume("r3"), None);
        // The token form (no region) takes the first public one listed.
        let form = TokenSignIn {
            token: Secret::new("tok"),
            compute_endpoint: "/proxy/compute/v2.1".into(),
            project_id: String::new(),
        };
        let session = form
            .to_session(&token, ConnectionMode::Proxy)
            .expect("session");
        assert_eq!(
            session.volume_endpoint.as_deref(),
            Some("/proxy/volume/v3/p1")
        );
        // The demo token's catalog has compute only.
        let compute_only =
            session_from_token(&demo_token(), None, ConnectionMode::Proxy).expect("session");
        assert_eq!(compute_only.volume_endpoint, None);
    }
}
