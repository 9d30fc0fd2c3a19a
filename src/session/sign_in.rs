//! Signing in: Keystone v3 password authentication, or an existing token, turned into a [`Session`].

use ecs_api::identity::{Project, Token};
use ecs_api::requests::AuthRequest;
use ecs_api::{ApiError, ErrorKind, Secret};
use leptos::prelude::*;
use serde::Deserialize;

use super::{ConnectionMode, Session};
use ecs_api::urls::{ComputeEndpoint, IdentityEndpoint};

use crate::api::{Api, ApiRequest, client_error, decode_failure};

/// How the user signs in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignInMethod {
    #[default]
    Password,
    Token,
}

/// What the user typed into the sign-in form, except the password and the token. It lives as
/// long as the app, not the page: when the token expires the form comes back filled in and only
/// the secret is asked again. Sign-out empties it.
#[derive(Clone, Copy)]
pub struct SignInFields {
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

impl SignInFields {
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

/// What the gateway's `/config.json` tells the app.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct GatewayInfo {
    /// `simulate` or `proxy`.
    #[serde(default)]
    pub mode: String,
    /// Identity endpoint to pre-fill (through the proxy), e.g. `/proxy/identity/v3`.
    #[serde(default)]
    pub identity_endpoint: String,
    /// Endpoints the browser may call directly (the CSP allows them).
    #[serde(default)]
    pub direct_endpoints: Vec<String>,
    /// The embedded simulator's demo account, when there is one.
    #[serde(default)]
    pub demo: Option<DemoAccount>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct DemoAccount {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub project: String,
    /// The simulator's published demo password (not a real secret).
    #[serde(default)]
    pub password: String,
}

pub async fn load_gateway_info(api: Api) -> Result<GatewayInfo, ApiError> {
    let response = api
        .send_unauthenticated(&ApiRequest::get("/config.json"), &[])
        .await?;
    if !response.is_success() {
        return Err(response.error());
    }
    serde_json::from_slice(response.body.as_bytes()).map_err(|error| ApiError {
        message: format!(
            "/config.json from the gateway is not readable ({error}); fill in the identity endpoint yourself."
        ),
        ..response.error()
    })
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
    /// The ids of the empty fields (as the sign-in page names its inputs) and what each needs,
    /// in the form's order.
    pub fn missing_fields(&self) -> Vec<(&'static str, &'static str)> {
        [
            (
                self.identity_endpoint.trim().is_empty(),
                "identity-endpoint",
                "Enter the identity endpoint.",
            ),
            (
                self.user_domain.trim().is_empty(),
                "user-domain",
                "Enter the user domain (often \"Default\").",
            ),
            (
                self.user_name.trim().is_empty(),
                "user-name",
                "Enter the user name.",
            ),
            (self.password.is_empty(), "password", "Enter the password."),
            (
                self.project.trim().is_empty(),
                "project",
                "Enter the project name or id.",
            ),
        ]
        .into_iter()
        .filter(|(missing, _, _)| *missing)
        .map(|(_, id, message)| (id, message))
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

/// Authenticates with Keystone; the token's catalog still has to yield a compute endpoint.
pub async fn password_sign_in(api: Api, form: PasswordSignIn) -> Result<Token, ApiError> {
    let identity = IdentityEndpoint::new(&form.identity_endpoint)
        .map_err(|error| client_error(format!("Check the identity endpoint: {error}.")))?;
    let request = ApiRequest::post(identity.tokens(), &form.auth_request().to_body())?;
    let response = api.send_unauthenticated(&request, &[]).await?;
    if !response.is_success() {
        return Err(response.error());
    }
    Token::from_response(response.subject_token.as_deref(), response.body.as_bytes())
        .map_err(|error| decode_failure(response.status, &error))
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
        ..session_parts(token, project, mode)
    })
}

/// Asks Keystone about a token the user pasted: `GET /v3/auth/tokens` with the token as both
/// caller (`X-Auth-Token`) and subject (`X-Subject-Token`) returns its expiry, project and catalog.
pub async fn inspect_token(
    api: Api,
    identity_endpoint: &str,
    token: &Secret,
) -> Result<Token, ApiError> {
    let identity = IdentityEndpoint::new(identity_endpoint)
        .map_err(|error| client_error(format!("Check the identity endpoint: {error}.")))?;
    let headers = [
        ("X-Auth-Token", token.expose().to_owned()),
        ("X-Subject-Token", token.expose().to_owned()),
    ];
    let response = api
        .send_unauthenticated(&ApiRequest::get(identity.tokens()), &headers)
        .await?;
    if !response.is_success() {
        return Err(response.error());
    }
    // The id is the token itself: a cross-origin cloud may not expose X-Subject-Token.
    Token::from_response(Some(token.expose()), response.body.as_bytes())
        .map_err(|error| decode_failure(response.status, &error))
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
            ..session_parts(inspected, project, mode)
        })
    }
}

/// The session fields a Keystone token gives, with an empty compute endpoint.
fn session_parts(token: &Token, project: &Project, mode: ConnectionMode) -> Session {
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
    }
}

#[cfg(test)]
mod tests {
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
            };
            let fields = SignInFields::new(Some(&session));
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

            let fresh = SignInFields::new(None);
            assert_eq!(fresh.project.get_untracked(), "");
        });
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
                .map(|(id, _)| id)
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
                ("password", "Enter the password."),
                ("project", "Enter the project name or id.")
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
                {"interface": "public", "region_id": "r2", "url": "/proxy/compute-r2/v2.1/p1"}]}]}}"#;
        let token = Token::from_response(Some("tok"), body).expect("token decodes");
        assert_eq!(compute_regions(&token), vec!["r1", "r2"]);
        let session =
            session_from_token(&token, Some("r2"), ConnectionMode::Proxy).expect("session");
        assert_eq!(session.compute_endpoint, "/proxy/compute-r2/v2.1/p1");
        assert_eq!(session.project_id, "p1");
        assert_eq!(
            session.expires_at.as_deref(),
            Some("2030-01-01T00:00:00.000000Z")
        );
        assert!(session_from_token(&token, Some("r3"), ConnectionMode::Proxy).is_err());
    }
}
