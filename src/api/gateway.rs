//! The gateway's `/config.json`: how this deployment reaches its clouds.

use ecs_api::ApiError;
use serde::Deserialize;

use super::{Api, ApiRequest};

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

impl Api {
    /// `GET /config.json` from the gateway that served the app (no token needed).
    pub async fn gateway_info(&self) -> Result<GatewayInfo, ApiError> {
        let response = self
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
}
