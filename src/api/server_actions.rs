//! Day-two calls on one server (details page): rename, resize and its confirm/revert, snapshot,
//! rebuild, lock, pause, suspend and shelve; and the cloud's highest compute microversion, which
//! decides what the console may ask for above its own (a lock reason needs 2.73).

use ecs_api::models::{Server, ServerBody, VersionsDocument};
use ecs_api::requests::{
    CreateImage, CreatedImage, LockServer, NovaRequest, PlainAction, RebuildServer, ResizeServer,
    UpdateServer,
};
use ecs_api::{ApiError, ErrorKind, Microversion};

use super::{Api, ApiRequest};

impl Api {
    /// The highest compute microversion the cloud serves (`GET /v2.1/`); `None` when its version
    /// document does not say.
    pub async fn compute_max_microversion(&self) -> Result<Option<Microversion>, ApiError> {
        let url = self.compute_endpoint()?.version();
        let document: VersionsDocument = self.fetch("version", ApiRequest::get(url)).await?;
        Ok(document
            .v2_1()
            .or(document.versions.first())
            .and_then(|version| version.max_microversion()))
    }

    /// The server as `microversion` shows it (2.73+ adds `locked_reason`).
    pub async fn get_server_at(
        &self,
        server_id: &str,
        microversion: Microversion,
    ) -> Result<Server, ApiError> {
        let url = self.compute_endpoint()?.server(server_id);
        let body: ServerBody = self
            .send(ApiRequest::get(url).at(microversion))
            .await?
            .json("server")?;
        Ok(body.server)
    }

    /// `PUT /servers/{id}`: a new name (and description at 2.19+).
    pub async fn update_server(
        &self,
        server_id: &str,
        request: &UpdateServer,
    ) -> Result<Server, ApiError> {
        let url = self.compute_endpoint()?.server(server_id);
        let body: ServerBody = self
            .fetch("server", ApiRequest::put(url, &request.to_body())?)
            .await?;
        Ok(body.server)
    }

    /// An action whose body is `{"<key>": null}` (confirm/revert a resize, unlock, pause, ...).
    pub async fn plain_action(&self, server_id: &str, action: PlainAction) -> Result<(), ApiError> {
        self.post_action(server_id, &action.to_body()).await
    }

    pub async fn resize_server(&self, server_id: &str, flavor_id: &str) -> Result<(), ApiError> {
        let body = ResizeServer::to_flavor(flavor_id).to_body();
        self.post_action(server_id, &body).await
    }

    /// `rebuild`, at `microversion` (2.93 reimages a boot volume).
    pub async fn rebuild_server(
        &self,
        server_id: &str,
        request: &RebuildServer,
        microversion: Microversion,
    ) -> Result<(), ApiError> {
        let url = self.compute_endpoint()?.server_action(server_id);
        self.send(ApiRequest::post(url, &request.to_body())?.at(microversion))
            .await?;
        Ok(())
    }

    /// `createImage`: the new image's id (Nova answers `{"image_id"}` from 2.45 on).
    pub async fn create_image(&self, server_id: &str, name: &str) -> Result<String, ApiError> {
        let url = self.compute_endpoint()?.server_action(server_id);
        let request = ApiRequest::post(url, &CreateImage::named(name).to_body())?;
        let created: CreatedImage = self.fetch("created image", request).await?;
        if created.image_id.is_empty() {
            return Err(ApiError {
                status: 202,
                message: "The cloud accepted the snapshot but did not say which image it is."
                    .to_owned(),
                kind: ErrorKind::Other,
                retry_after: None,
                fault: None,
            });
        }
        Ok(created.image_id)
    }

    /// `lock`, at `microversion` (2.73 when a reason is sent).
    pub async fn lock_server(
        &self,
        server_id: &str,
        request: &LockServer,
        microversion: Microversion,
    ) -> Result<(), ApiError> {
        let url = self.compute_endpoint()?.server_action(server_id);
        self.send(ApiRequest::post(url, &request.to_body())?.at(microversion))
            .await?;
        Ok(())
    }

    async fn post_action(&self, server_id: &str, body: &serde_json::Value) -> Result<(), ApiError> {
        let url = self.compute_endpoint()?.server_action(server_id);
        self.send(ApiRequest::post(url, body)?).await?;
        Ok(())
    }
}
