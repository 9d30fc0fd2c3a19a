//! Key pairs (`os-keypairs`): list, show, create, import and delete. URLs from `ecs_api::urls`,
//! bodies from `ecs_api::requests`.

use ecs_api::ApiError;
use ecs_api::models::{CreatedKeyPair, CreatedKeyPairBody, KeyPair, KeyPairBody, KeyPairList};
use ecs_api::requests::{CreateKeyPair, ImportKeyPair, NovaRequest};
use ecs_api::urls::PageQuery;
use futures::StreamExt;

use super::{Api, ApiRequest};

/// How many `GET /os-keypairs/{name}` run at once: enough to fill a table quickly, few enough
/// to leave the browser's connections to the host for the page's other calls.
const DETAILS_AT_ONCE: usize = 4;

/// One key pair's `GET /os-keypairs/{name}` answer, or why there is none.
pub struct KeyPairDetails {
    pub name: String,
    pub result: Result<KeyPair, ApiError>,
}

impl Api {
    /// `GET /os-keypairs`, every page (Nova pages them with limit/marker from 2.35).
    pub async fn list_keypairs(&self) -> Result<Vec<KeyPair>, ApiError> {
        let url = self.compute_endpoint()?.keypairs(&PageQuery::default());
        self.fetch_all_pages("key pairs", url, |page: KeyPairList| {
            (page.keypairs, page.keypairs_links)
        })
        .await
    }

    /// `GET /os-keypairs/{name}`: what the list leaves out (`created_at`, `id`).
    pub async fn show_keypair(&self, name: &str) -> Result<KeyPair, ApiError> {
        let url = self.compute_endpoint()?.keypair(name);
        let body: KeyPairBody = self.fetch("key pair", ApiRequest::get(url)).await?;
        Ok(body.keypair)
    }

    /// Shows each key pair named, a few at a time; each answer (or failure) on its own.
    pub async fn show_keypairs(&self, names: Vec<String>) -> Vec<KeyPairDetails> {
        futures::stream::iter(names)
            .map(|name| async move {
                let result = self.show_keypair(&name).await;
                KeyPairDetails { name, result }
            })
            .buffer_unordered(DETAILS_AT_ONCE)
            .collect()
            .await
    }

    /// `POST /os-keypairs` asking the cloud to generate the key; the answer holds the private
    /// key, this once.
    pub async fn create_keypair(
        &self,
        request: &CreateKeyPair,
    ) -> Result<CreatedKeyPair, ApiError> {
        self.post_keypair(request.to_body()).await
    }

    /// `POST /os-keypairs` importing a public key.
    pub async fn import_keypair(
        &self,
        request: &ImportKeyPair,
    ) -> Result<CreatedKeyPair, ApiError> {
        self.post_keypair(request.to_body()).await
    }

    async fn post_keypair(&self, body: serde_json::Value) -> Result<CreatedKeyPair, ApiError> {
        let url = self.compute_endpoint()?.keypairs(&PageQuery::default());
        let created: CreatedKeyPairBody = self
            .fetch("key pair", ApiRequest::post(url, &body)?)
            .await?;
        Ok(created.keypair)
    }

    /// `DELETE /os-keypairs/{name}`.
    pub async fn delete_keypair(&self, name: &str) -> Result<(), ApiError> {
        let url = self.compute_endpoint()?.keypair(name);
        self.send(ApiRequest::delete(url)).await?;
        Ok(())
    }
}
