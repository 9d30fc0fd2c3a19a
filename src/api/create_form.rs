//! Compute calls the create-server form needs (the form itself does no HTTP).
//! URLs from `ecs_api::urls`, bodies from `ecs_api::requests`.

use ecs_api::ApiError;
use ecs_api::models::{
    AbsoluteLimits, AvailabilityZone, AvailabilityZoneList, CreatedKeyPair, CreatedKeyPairBody,
    CreatedServer, CreatedServerBody, Flavor, FlavorList, Image, ImageList, KeyPair, KeyPairList,
    LimitsBody, Network, NetworkList,
};
use ecs_api::requests::{CreateKeyPair, CreateServer, ImportKeyPair, NovaRequest};
use ecs_api::urls::{FlavorQuery, PageQuery};

use super::{Api, ApiRequest};

impl Api {
    /// `GET /os-availability-zone`.
    pub async fn list_availability_zones(&self) -> Result<Vec<AvailabilityZone>, ApiError> {
        let url = self.compute_endpoint()?.availability_zones();
        let list: AvailabilityZoneList = self
            .fetch("availability zones", ApiRequest::get(url))
            .await?;
        Ok(list.zones)
    }

    /// `GET /flavors/detail` with `query`, every page.
    pub async fn list_flavors(&self, query: &FlavorQuery) -> Result<Vec<Flavor>, ApiError> {
        let url = self.compute_endpoint()?.flavors_detail(query);
        self.fetch_all_pages("flavors", url, |page: FlavorList| {
            (page.flavors, page.flavors_links)
        })
        .await
    }

    /// `GET /images/detail`, every page.
    pub async fn list_images(&self) -> Result<Vec<Image>, ApiError> {
        let url = self
            .compute_endpoint()?
            .images_detail(&PageQuery::default());
        self.fetch_all_pages("images", url, |page: ImageList| {
            (page.images, page.images_links)
        })
        .await
    }

    /// `GET /os-networks`.
    pub async fn list_networks(&self) -> Result<Vec<Network>, ApiError> {
        let url = self.compute_endpoint()?.networks();
        let list: NetworkList = self.fetch("networks", ApiRequest::get(url)).await?;
        Ok(list.networks)
    }

    /// `GET /os-keypairs`, every page.
    pub async fn list_keypairs(&self) -> Result<Vec<KeyPair>, ApiError> {
        let url = self.compute_endpoint()?.keypairs(&PageQuery::default());
        self.fetch_all_pages("key pairs", url, |page: KeyPairList| {
            (page.keypairs, page.keypairs_links)
        })
        .await
    }

    /// `GET /limits`: the project's quota and usage.
    pub async fn get_limits(&self) -> Result<AbsoluteLimits, ApiError> {
        let url = self.compute_endpoint()?.limits();
        let body: LimitsBody = self.fetch("limits", ApiRequest::get(url)).await?;
        Ok(body.limits.absolute)
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

    /// `POST /servers`.
    pub async fn create_server(&self, request: &CreateServer) -> Result<CreatedServer, ApiError> {
        let url = self.compute_endpoint()?.servers();
        let body: CreatedServerBody = self
            .fetch("created server", ApiRequest::post(url, &request.to_body())?)
            .await?;
        Ok(body.server)
    }
}
