//! Network (Neutron v2.0) calls: a server's ports and the project's public (floating) IPs.
//! Only a cloud whose catalog lists Neutron has them; on a Nova-only cloud each call answers
//! with an error saying so, before anything is sent.

use ecs_api::ApiError;
use ecs_api::models::{
    FloatingIp, FloatingIpBody, FloatingIpList, NeutronNetwork, NeutronNetworkList, Port, PortList,
    SecurityGroup, SecurityGroupList, Subnet, SubnetList,
};
use ecs_api::requests::{CreateFloatingIp, NovaRequest, UpdateFloatingIp};
use ecs_api::urls::NetworkEndpoint;

use super::pages::PageParts;
use super::{Api, ApiRequest, Service, client_error};

impl Api {
    /// The Neutron endpoint of the signed-in project, when the cloud has one.
    pub fn network_endpoint(&self) -> Result<Option<NetworkEndpoint>, ApiError> {
        let Some(endpoint) = self.current_session()?.network_endpoint else {
            return Ok(None);
        };
        NetworkEndpoint::new(&endpoint).map(Some).map_err(|error| {
            client_error(format!(
                "The catalog's network endpoint is not usable ({error}). Ask your cloud administrator to check it."
            ))
        })
    }

    fn neutron(&self) -> Result<NetworkEndpoint, ApiError> {
        self.network_endpoint()?.ok_or_else(|| {
            client_error(
                "This cloud's catalog lists no network service (Neutron), so public IPs cannot be managed here."
                    .to_owned(),
            )
        })
    }

    /// Every page of a Neutron list.
    async fn neutron_list<Page, Item>(
        &self,
        what: &'static str,
        url: String,
        split: impl Fn(Page) -> (Vec<Item>, Vec<ecs_api::models::Link>),
    ) -> Result<Vec<Item>, ApiError>
    where
        Page: serde::de::DeserializeOwned,
    {
        let endpoint = self.neutron()?;
        self.fetch_pages(what, Service::Network, url, |page: Page| {
            let (items, links) = split(page);
            PageParts {
                next: endpoint.next_page(&links),
                items,
            }
        })
        .await
    }

    /// `GET /v2.0/networks`: every network the project may use, external ones included.
    pub async fn neutron_networks(&self) -> Result<Vec<NeutronNetwork>, ApiError> {
        let url = self.neutron()?.networks();
        self.neutron_list("networks", url, |page: NeutronNetworkList| {
            (page.networks, page.networks_links)
        })
        .await
    }

    /// `GET /v2.0/subnets`: every subnet the project sees (for the networks' CIDRs).
    pub async fn neutron_subnets(&self) -> Result<Vec<Subnet>, ApiError> {
        let url = self.neutron()?.subnets();
        self.neutron_list("subnets", url, |page: SubnetList| {
            (page.subnets, page.subnets_links)
        })
        .await
    }

    /// `GET /v2.0/security-groups?project_id=...`: the project's groups, each with its rules.
    pub async fn neutron_security_groups(&self) -> Result<Vec<SecurityGroup>, ApiError> {
        let project_id = self.current_session()?.project_id;
        let url = self.neutron()?.security_groups_of_project(&project_id);
        self.neutron_list("security groups", url, |page: SecurityGroupList| {
            (page.security_groups, page.security_groups_links)
        })
        .await
    }

    /// `GET /v2.0/ports?device_id=SERVER`: the server's ports, one per NIC.
    pub async fn server_ports(&self, server_id: &str) -> Result<Vec<Port>, ApiError> {
        let url = self.neutron()?.ports_of_device(server_id);
        self.neutron_list("ports", url, |page: PortList| {
            (page.ports, page.ports_links)
        })
        .await
    }

    /// `GET /v2.0/floatingips`: the project's public IPs, every page in one list.
    pub async fn floating_ips(&self) -> Result<FloatingIpList, ApiError> {
        let project_id = self.current_session()?.project_id;
        let url = self.neutron()?.floating_ips_of_project(&project_id);
        let floatingips = self
            .neutron_list("floating IPs", url, |page: FloatingIpList| {
                (page.floatingips, page.floatingips_links)
            })
            .await?;
        Ok(FloatingIpList {
            floatingips,
            floatingips_links: Vec::new(),
        })
    }

    /// External networks (`router:external`): where public IPs come from.
    pub async fn floating_ip_pools(&self) -> Result<Vec<NeutronNetwork>, ApiError> {
        let url = self.neutron()?.external_networks();
        let networks = self
            .neutron_list("external networks", url, |page: NeutronNetworkList| {
                (page.networks, page.networks_links)
            })
            .await?;
        // A cloud that ignores the filter still shows which ones are external.
        Ok(networks
            .into_iter()
            .filter(|network| network.external)
            .collect())
    }

    /// `POST /v2.0/floatingips`: a new public IP from `pool_network_id`.
    pub async fn allocate_floating_ip(
        &self,
        pool_network_id: &str,
    ) -> Result<FloatingIp, ApiError> {
        let url = self.neutron()?.floating_ips();
        let body = CreateFloatingIp::from_pool(pool_network_id).to_body();
        self.floating_ip_answer(ApiRequest::post(url, &body)?).await
    }

    /// `PUT /v2.0/floatingips/{id}` with `port_id`: the public IP now reaches that port.
    pub async fn associate_floating_ip(
        &self,
        floating_ip_id: &str,
        port_id: &str,
    ) -> Result<FloatingIp, ApiError> {
        let url = self.neutron()?.floating_ip(floating_ip_id);
        let body = UpdateFloatingIp::associate(port_id).to_body();
        self.floating_ip_answer(ApiRequest::put(url, &body)?).await
    }

    /// `PUT /v2.0/floatingips/{id}` with `port_id: null`: the IP stays the project's, unused.
    pub async fn disassociate_floating_ip(
        &self,
        floating_ip_id: &str,
    ) -> Result<FloatingIp, ApiError> {
        let url = self.neutron()?.floating_ip(floating_ip_id);
        let body = UpdateFloatingIp::disassociate().to_body();
        self.floating_ip_answer(ApiRequest::put(url, &body)?).await
    }

    /// `DELETE /v2.0/floatingips/{id}`: the IP goes back to its pool.
    pub async fn delete_floating_ip(&self, floating_ip_id: &str) -> Result<(), ApiError> {
        let url = self.neutron()?.floating_ip(floating_ip_id);
        self.send(ApiRequest::delete(url).to(Service::Network))
            .await?;
        Ok(())
    }

    async fn floating_ip_answer(&self, request: ApiRequest) -> Result<FloatingIp, ApiError> {
        let body: FloatingIpBody = self
            .fetch("floating IP", request.to(Service::Network))
            .await?;
        Ok(body.floatingip)
    }
}
