//! The calls the create-server form needs (the form itself does no HTTP): compute, and Glance
//! and Neutron when the cloud has them. URLs from `ecs_api::urls`, bodies from
//! `ecs_api::requests`.

use ecs_api::ApiError;
use ecs_api::models::{
    AbsoluteLimits, AvailabilityZone, AvailabilityZoneList, CreatedServer, CreatedServerBody,
    Flavor, FlavorList, GlanceImage, GlanceImageList, Image, ImageList, LimitsBody, Network,
    NetworkList, NovaSecurityGroupList, SecurityGroup,
};
use ecs_api::requests::{CreateServer, NovaRequest};
use ecs_api::urls::{FlavorQuery, ImageQuery, PageQuery};

use super::pages::PageParts;
use super::{Api, ApiRequest, Service};

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

    /// Images a server can boot from: Glance's active images (every page) when the cloud has
    /// Glance, else Nova's image proxy (at 2.35), every page.
    pub async fn list_images(&self) -> Result<Vec<Image>, ApiError> {
        if let Some(glance) = self.image_endpoint()? {
            let url = glance.images(&ImageQuery::active());
            let images = self
                .fetch_pages("images", Service::Image, url, |page: GlanceImageList| {
                    PageParts {
                        next: page.next_page().and_then(|next| glance.follow(next)),
                        items: page.images,
                    }
                })
                .await?;
            return Ok(images.iter().map(GlanceImage::to_image).collect());
        }
        let url = self
            .compute_endpoint()?
            .images_detail(&PageQuery::default());
        self.fetch_all_pages("images", url, |page: ImageList| {
            (page.images, page.images_links)
        })
        .await
    }

    /// Networks a server can have a NIC on: Neutron's (not the external ones), with their
    /// subnets' CIDRs, when the cloud has Neutron; else Nova's `os-networks` (at 2.35).
    pub async fn list_networks(&self) -> Result<Vec<Network>, ApiError> {
        if self.network_endpoint()?.is_some() {
            let (networks, subnets) =
                futures::future::join(self.neutron_networks(), self.neutron_subnets()).await;
            let subnets = subnets?;
            return Ok(networks?
                .iter()
                .filter(|network| network.is_nic_choice())
                .map(|network| network.to_network(&subnets))
                .collect());
        }
        let url = self.compute_endpoint()?.networks();
        let list: NetworkList = self.fetch("networks", ApiRequest::get(url)).await?;
        Ok(list.networks)
    }

    /// The project's security groups with their rules: Neutron's, else Nova's
    /// `os-security-groups` (at 2.35) in Neutron's shape.
    pub async fn list_security_groups(&self) -> Result<Vec<SecurityGroup>, ApiError> {
        if self.network_endpoint()?.is_some() {
            return self.neutron_security_groups().await;
        }
        let url = self.compute_endpoint()?.security_groups();
        let list: NovaSecurityGroupList =
            self.fetch("security groups", ApiRequest::get(url)).await?;
        Ok(list.to_security_groups())
    }

    /// `GET /limits`: the project's quota and usage.
    pub async fn get_limits(&self) -> Result<AbsoluteLimits, ApiError> {
        let url = self.compute_endpoint()?.limits();
        let body: LimitsBody = self.fetch("limits", ApiRequest::get(url)).await?;
        Ok(body.limits.absolute)
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
