//! Keystone v3 (identity) calls of the sign-in page: asking for a token with a password, and
//! asking about a token the user pasted. Both go without the session's token.

use ecs_api::identity::Token;
use ecs_api::requests::AuthRequest;
use ecs_api::urls::IdentityEndpoint;
use ecs_api::{ApiError, Secret};

use super::{Api, ApiRequest, RawResponse, client_error, decode_failure};

fn identity(endpoint: &str) -> Result<IdentityEndpoint, ApiError> {
    IdentityEndpoint::new(endpoint)
        .map_err(|error| client_error(format!("Check the identity endpoint: {error}.")))
}

/// The token a successful answer carries; `id` is the token when the answer may not show it.
fn token_from(response: RawResponse, id: Option<&str>) -> Result<Token, ApiError> {
    if !response.is_success() {
        return Err(response.error());
    }
    Token::from_response(id, response.body.as_bytes())
        .map_err(|error| decode_failure(response.status, &error))
}

impl Api {
    /// `POST /v3/auth/tokens`: authenticates with Keystone; the token's catalog still has to
    /// yield a compute endpoint.
    pub async fn request_token(
        &self,
        identity_endpoint: &str,
        request: &AuthRequest,
    ) -> Result<Token, ApiError> {
        let url = identity(identity_endpoint)?.tokens();
        let response = self
            .send_unauthenticated(&ApiRequest::post(url, &request.to_body())?, &[])
            .await?;
        let subject_token = response.subject_token.clone();
        token_from(response, subject_token.as_deref())
    }

    /// `GET /v3/auth/tokens` with the token as both caller (`X-Auth-Token`) and subject
    /// (`X-Subject-Token`): Keystone returns its expiry, project and catalog.
    pub async fn inspect_token(
        &self,
        identity_endpoint: &str,
        token: &Secret,
    ) -> Result<Token, ApiError> {
        let url = identity(identity_endpoint)?.tokens();
        let headers = [
            ("X-Auth-Token", token.expose().to_owned()),
            ("X-Subject-Token", token.expose().to_owned()),
        ];
        let response = self
            .send_unauthenticated(&ApiRequest::get(url), &headers)
            .await?;
        // The id is the token itself: a cross-origin cloud may not expose X-Subject-Token.
        token_from(response, Some(token.expose()))
    }

    /// `DELETE /v3/auth/tokens` with the token as caller and subject: Keystone revokes it, so
    /// a copy of it (a leaked one too) stops working at sign-out, not at its expiry.
    pub async fn revoke_token(
        &self,
        identity_endpoint: &str,
        token: &Secret,
    ) -> Result<(), ApiError> {
        let url = identity(identity_endpoint)?.tokens();
        let headers = [
            ("X-Auth-Token", token.expose().to_owned()),
            ("X-Subject-Token", token.expose().to_owned()),
        ];
        let response = self
            .send_unauthenticated(&ApiRequest::delete(url), &headers)
            .await?;
        if response.is_success() {
            Ok(())
        } else {
            Err(response.error())
        }
    }
}
