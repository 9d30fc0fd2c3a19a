//! The Keystone v3 subset under `/identity`: version documents, password and token
//! authentication with project scope, token validation and revocation, and the project list.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use time::OffsetDateTime;

use ecs_api::requests::{AuthIdentity, AuthRequest, AuthScope, DomainRef, PasswordUser};

use crate::Simulator;
use crate::fault::KeystoneError;
use crate::ids;
use crate::state::{Account, TokenRecord, to_time};

pub fn router(simulator: Simulator) -> Router {
    Router::new()
        .route("/", get(versions))
        .route("/v3", get(version))
        .route("/v3/", get(version))
        .route(
            "/v3/auth/tokens",
            get(validate_token).post(issue_token).delete(revoke_token),
        )
        .route("/v3/auth/projects", get(projects))
        .fallback(|| async { KeystoneError::not_found("Could not find the requested resource.") })
        .method_not_allowed_fallback(|| async { KeystoneError::method_not_allowed() })
        .with_state(simulator)
}

fn version_document(base: &str) -> Value {
    json!({
        "id": "v3.14",
        "status": "stable",
        "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": format!("{base}/identity/v3/")}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]
    })
}

async fn versions(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    let base = simulator.public_base(&headers);
    let body = json!({"versions": {"values": [version_document(&base)]}});
    (StatusCode::MULTIPLE_CHOICES, axum::Json(body)).into_response()
}

async fn version(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    let base = simulator.public_base(&headers);
    axum::Json(json!({"version": version_document(&base)})).into_response()
}

fn parse_auth(body: &Bytes) -> Result<AuthRequest, KeystoneError> {
    AuthRequest::parse_body(body).map_err(|error| {
        KeystoneError::bad_request(format!(
            "The request you have made is invalid: {}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.",
            error.message
        ))
    })
}

fn domain_matches(domain: &DomainRef, account: &Account) -> bool {
    match domain {
        DomainRef::Id(id) => *id == account.domain_id,
        DomainRef::Name(name) => *name == account.domain_name,
    }
}

fn authenticate(
    simulator: &Simulator,
    request: &AuthRequest,
) -> Result<TokenRecord, KeystoneError> {
    let now = OffsetDateTime::now_utc();
    let state = simulator.state();
    let account = &state.account;
    let (method, inherited_expiry) = match &request.identity {
        AuthIdentity::Password { user, password } => {
            let user_matches = match user {
                PasswordUser::Id(id) => *id == account.user_id,
                PasswordUser::Name { name, domain } => {
                    *name == account.user_name && domain_matches(domain, account)
                }
            };
            if !user_matches || password.expose() != account.password {
                return Err(KeystoneError::unauthorized());
            }
            ("password", None)
        }
        AuthIdentity::Token { id } => {
            let record = state
                .tokens
                .get(id.expose())
                .filter(|record| record.expires_at > now)
                .ok_or_else(KeystoneError::unauthorized)?;
            // A token made from a token never outlives the original.
            ("token", Some(record.expires_at))
        }
    };
    let scoped = match &request.scope {
        None => false,
        Some(AuthScope::ProjectId(id)) if *id == account.project_id => true,
        Some(AuthScope::ProjectName { name, domain })
            if *name == account.project_name && domain_matches(domain, account) =>
        {
            true
        }
        Some(_) => return Err(KeystoneError::unauthorized()),
    };
    let lifetime = to_time(simulator.knobs().token_lifetime());
    let expires_at = inherited_expiry.map_or(now + lifetime, |expiry| expiry.min(now + lifetime));
    let mut rng = rand::thread_rng();
    Ok(TokenRecord {
        methods: vec![method.to_owned()],
        scoped,
        issued_at: now,
        expires_at,
        audit_id: short_audit_id(&mut rng),
    })
}

fn short_audit_id(rng: &mut impl rand::Rng) -> String {
    use base64::Engine as _;
    let bytes: [u8; 16] = rng.r#gen();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn issue_token(
    State(simulator): State<Simulator>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    // Over the body size limit: Keystone's error body, not axum's plain text.
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            return KeystoneError {
                status: rejection.status(),
                message: rejection.body_text(),
            }
            .into_response();
        }
    };
    let request = match parse_auth(&body) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    let record = match authenticate(&simulator, &request) {
        Ok(record) => record,
        Err(error) => return error.into_response(),
    };
    let token = ids::token();
    let base = simulator.public_base(&headers);
    let body = token_body(&simulator, &record, &base);
    simulator.state().tokens.insert(token.clone(), record);
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&token) {
        response.headers_mut().insert("x-subject-token", value);
    }
    response
}

fn keystone_time(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    at.format(&format).unwrap_or_default()
}

fn token_body(simulator: &Simulator, record: &TokenRecord, base: &str) -> Value {
    let state = simulator.state();
    let account = &state.account;
    let mut token = json!({
        "methods": record.methods,
        "user": {
            "domain": {"id": account.domain_id, "name": account.domain_name},
            "id": account.user_id,
            "name": account.user_name,
            "password_expires_at": null
        },
        "audit_ids": [record.audit_id],
        "expires_at": keystone_time(record.expires_at),
        "issued_at": keystone_time(record.issued_at),
    });
    if record.scoped {
        let project_id = &account.project_id;
        token["project"] = json!({
            "domain": {"id": account.domain_id, "name": account.domain_name},
            "id": project_id,
            "name": account.project_name
        });
        token["is_domain"] = json!(false);
        token["roles"] = json!([
            {"id": "9fe2ff9ee4384b1894a90878d3e92bab", "name": "member"},
            {"id": "a8bcc2f0a2d94a0f8bd3e2e4c4be8a3f", "name": "reader"}
        ]);
        let mut catalog = vec![
            json!({
                "endpoints": [endpoint("6b3a1d3f5c2e4a0d9e8f7a6b5c4d3e2f", &format!("{base}/compute/v2.1/{project_id}"))],
                "id": "2f4a9c8e7d6b5a4f3e2d1c0b9a8f7e6d",
                "type": "compute",
                "name": "nova"
            }),
            json!({
                "endpoints": [endpoint("1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6", &format!("{base}/identity"))],
                "id": "0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a",
                "type": "identity",
                "name": "keystone"
            }),
        ];
        // Glance's and Neutron's endpoints are their unversioned roots, as clouds register them.
        if !simulator.config().nova_only {
            catalog.extend([
                json!({
                    "endpoints": [endpoint("7c1e5a9b3d2f4e6a8b0c1d2e3f4a5b6c", &format!("{base}/image"))],
                    "id": "3e5b7d9f1a2c4e6b8d0f2a4c6e8b0d2f",
                    "type": "image",
                    "name": "glance"
                }),
                json!({
                    "endpoints": [endpoint("8d2f6b0c4e3a5f7b9c1d2e3f4a5b6c7d", &format!("{base}/network"))],
                    "id": "4f6c8e0a2b3d5f7a9c1e3b5d7f9a1c3e",
                    "type": "network",
                    "name": "neutron"
                }),
                // Cinder's endpoint names its version and the project, as devstack registers
                // it under both the current type and the older `volumev3`.
                json!({
                    "endpoints": [endpoint("9e3a7c1d5f4b6a8c0d2e4f6a8b0c2d4e", &format!("{base}/volume/v3/{project_id}"))],
                    "id": "5a7d9f1b3c5e7a9b1d3f5a7c9e1b3d5f",
                    "type": "block-storage",
                    "name": "cinder"
                }),
                json!({
                    "endpoints": [endpoint("0f4b8d2e6a5c7b9d1e3f5a7b9c1d3e5f", &format!("{base}/volume/v3/{project_id}"))],
                    "id": "6b8e0a2c4d6f8b0c2e4a6b8d0f2c4e6a",
                    "type": "volumev3",
                    "name": "cinderv3"
                }),
            ]);
        }
        token["catalog"] = Value::Array(catalog);
    }
    json!({"token": token})
}

fn endpoint(id: &str, url: &str) -> Value {
    json!({"id": id, "interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": url})
}

/// The record of a valid token from the `X-Auth-Token` header.
fn caller(simulator: &Simulator, headers: &HeaderMap) -> Result<TokenRecord, KeystoneError> {
    let token = headers
        .get("x-auth-token")
        .and_then(|value| value.to_str().ok())
        .ok_or_else(KeystoneError::unauthorized)?;
    simulator
        .valid_token(token)
        .ok_or_else(KeystoneError::unauthorized)
}

async fn validate_token(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    if let Err(error) = caller(&simulator, &headers) {
        return error.into_response();
    }
    let Some(subject) = headers
        .get("x-subject-token")
        .and_then(|value| value.to_str().ok())
    else {
        return KeystoneError::not_found("Could not find token.").into_response();
    };
    let Some(record) = simulator.valid_token(subject) else {
        return KeystoneError::not_found("Could not find token.").into_response();
    };
    let base = simulator.public_base(&headers);
    let mut response = axum::Json(token_body(&simulator, &record, &base)).into_response();
    if let Ok(value) = HeaderValue::from_str(subject) {
        response.headers_mut().insert("x-subject-token", value);
    }
    response
}

async fn revoke_token(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    if let Err(error) = caller(&simulator, &headers) {
        return error.into_response();
    }
    let subject = headers
        .get("x-subject-token")
        .and_then(|value| value.to_str().ok());
    match subject.and_then(|subject| simulator.state().tokens.remove(subject)) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => KeystoneError::not_found("Could not find token.").into_response(),
    }
}

async fn projects(State(simulator): State<Simulator>, headers: HeaderMap) -> Response {
    if let Err(error) = caller(&simulator, &headers) {
        return error.into_response();
    }
    let base = simulator.public_base(&headers);
    let state = simulator.state();
    let account = &state.account;
    axum::Json(json!({
        "projects": [{
            "id": account.project_id,
            "name": account.project_name,
            "domain_id": account.domain_id,
            "description": "Demo project of the ECS simulator",
            "enabled": true,
            "is_domain": false,
            "parent_id": account.domain_id,
            "tags": [],
            "options": {},
            "links": {"self": format!("{base}/identity/v3/projects/{}", account.project_id)}
        }],
        "links": {"self": format!("{base}/identity/v3/auth/projects"), "previous": null, "next": null}
    }))
    .into_response()
}

impl Simulator {
    /// The record of `token` when it exists and has not expired.
    pub(crate) fn valid_token(&self, token: &str) -> Option<TokenRecord> {
        let now = OffsetDateTime::now_utc();
        self.state()
            .tokens
            .get(token)
            .filter(|record| record.expires_at > now)
            .cloned()
    }
}
