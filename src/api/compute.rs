//! Compute (Nova v2.1) calls used by the servers list and details pages (and open to every page):
//! URLs from `ecs_api::urls`, bodies from `ecs_api::requests`, models from `ecs_api::models`.

use ecs_api::ApiError;
use ecs_api::models::{
    Flavor, FlavorBody, GlanceImage, Image, ImageBody, Link, Server, ServerBody,
};
use ecs_api::requests::ServerAction;
use ecs_api::urls::{ComputeEndpoint, ImageEndpoint};
use serde::de::DeserializeOwned;

use super::pages::PageParts;
use super::{Api, ApiRequest, Service, client_error};

impl Api {
    /// The compute endpoint of the signed-in project.
    pub fn compute_endpoint(&self) -> Result<ComputeEndpoint, ApiError> {
        let session = self.current_session()?;
        ComputeEndpoint::new(&session.compute_endpoint, &session.project_id).map_err(|error| {
            client_error(format!(
                "The compute endpoint is not usable ({error}). Sign out and sign in with a correct endpoint."
            ))
        })
    }

    /// The Glance endpoint of the signed-in project, when the cloud has one.
    pub fn image_endpoint(&self) -> Result<Option<ImageEndpoint>, ApiError> {
        let Some(endpoint) = self.current_session()?.image_endpoint else {
            return Ok(None);
        };
        ImageEndpoint::new(&endpoint).map(Some).map_err(|error| {
            client_error(format!(
                "The catalog's image endpoint is not usable ({error}). Ask your cloud administrator to check it."
            ))
        })
    }

    /// Every item of a paginated compute list: `GET first_url`, then each `next` link. `split`
    /// takes a page apart into its items and its links.
    pub(super) async fn fetch_all_pages<Page, Item>(
        &self,
        what: &'static str,
        first_url: String,
        split: impl Fn(Page) -> (Vec<Item>, Vec<Link>),
    ) -> Result<Vec<Item>, ApiError>
    where
        Page: DeserializeOwned,
    {
        let endpoint = self.compute_endpoint()?;
        self.fetch_pages(what, Service::Compute, first_url, |page: Page| {
            let (items, links) = split(page);
            PageParts {
                items,
                next: endpoint.next_page(&links),
            }
        })
        .await
    }

    pub async fn get_server(&self, server_id: &str) -> Result<Server, ApiError> {
        let url = self.compute_endpoint()?.server(server_id);
        let body: ServerBody = self.fetch("server", ApiRequest::get(url)).await?;
        Ok(body.server)
    }

    pub async fn get_flavor(&self, flavor_id: &str) -> Result<Flavor, ApiError> {
        let url = self.compute_endpoint()?.flavor(flavor_id);
        let body: FlavorBody = self.fetch("flavor", ApiRequest::get(url)).await?;
        Ok(body.flavor)
    }

    /// One image with its properties: from Glance when the cloud has it, else Nova's proxy.
    pub async fn get_image(&self, image_id: &str) -> Result<Image, ApiError> {
        if let Some(glance) = self.image_endpoint()? {
            let request = ApiRequest::get(glance.image(image_id)).to(Service::Image);
            let image: GlanceImage = self.fetch("image", request).await?;
            return Ok(image.to_image());
        }
        let url = self.compute_endpoint()?.image(image_id);
        let body: ImageBody = self.fetch("image", ApiRequest::get(url)).await?;
        Ok(body.image)
    }

    /// `POST /servers/{id}/action` (start, stop, reboot); Nova answers 202 with no body.
    pub async fn server_action(
        &self,
        server_id: &str,
        action: ServerAction,
    ) -> Result<(), ApiError> {
        let url = self.compute_endpoint()?.server_action(server_id);
        self.send(ApiRequest::post(url, &action.to_body())?).await?;
        Ok(())
    }

    /// `DELETE /servers/{id}`; Nova answers 204.
    pub async fn delete_server(&self, server_id: &str) -> Result<(), ApiError> {
        let url = self.compute_endpoint()?.server(server_id);
        self.send(ApiRequest::delete(url)).await?;
        Ok(())
    }
}
