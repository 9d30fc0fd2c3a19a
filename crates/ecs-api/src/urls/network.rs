//! Neutron v2.0: `{endpoint}/v2.0/networks`, `subnets`, `security-groups`, `ports`,
//! `floatingips`.

use super::{QueryString, UrlError, check_endpoint, encode};
use crate::models::{Link, next_link};

/// The network API (Neutron v2.0) of a cloud: `{base}/v2.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkEndpoint {
    /// Everything before `/v2.0`.
    base: String,
}

impl NetworkEndpoint {
    /// Accepts `https://host:9696`, `https://host:9696/`, `http://host/networking` (devstack),
    /// a catalog URL that already names the version (`.../v2.0`, `.../v2.0/`) and relative
    /// proxy paths such as `/proxy/network`.
    pub fn new(endpoint: &str) -> Result<Self, UrlError> {
        let endpoint = check_endpoint(endpoint)?;
        let base = endpoint.strip_suffix("/v2.0").unwrap_or(endpoint);
        Ok(Self {
            base: base.to_owned(),
        })
    }

    /// `{base}/v2.0` (no trailing slash).
    pub fn root(&self) -> String {
        format!("{}/v2.0", self.base)
    }

    /// The unversioned version list `GET {base}/`.
    pub fn versions(&self) -> String {
        format!("{}/", self.base)
    }

    fn path(&self, path: &str) -> String {
        format!("{}/{path}", self.root())
    }

    fn with_query(&self, path: &str, query: QueryString) -> String {
        self.path(path) + &query.0
    }

    /// `GET /v2.0/networks`: every network the project may use (its own, shared, external).
    pub fn networks(&self) -> String {
        self.path("networks")
    }

    /// `GET /v2.0/networks?router:external=true`: the public IP pools.
    pub fn external_networks(&self) -> String {
        let mut query = QueryString::default();
        query.push("router:external", Some(true));
        self.with_query("networks", query)
    }

    pub fn network(&self, network_id: &str) -> String {
        self.path(&format!("networks/{}", encode(network_id)))
    }

    /// `GET /v2.0/subnets`.
    pub fn subnets(&self) -> String {
        self.path("subnets")
    }

    /// `GET /v2.0/subnets?network_id=...`.
    pub fn subnets_of_network(&self, network_id: &str) -> String {
        let mut query = QueryString::default();
        query.push("network_id", Some(network_id));
        self.with_query("subnets", query)
    }

    pub fn subnet(&self, subnet_id: &str) -> String {
        self.path(&format!("subnets/{}", encode(subnet_id)))
    }

    /// `GET /v2.0/security-groups`, each with its rules.
    pub fn security_groups(&self) -> String {
        self.path("security-groups")
    }

    /// `GET /v2.0/security-groups?project_id=...`: one project's groups (an admin's token
    /// otherwise lists every project's, with a `default` each).
    pub fn security_groups_of_project(&self, project_id: &str) -> String {
        let mut query = QueryString::default();
        query.push("project_id", Some(project_id));
        self.with_query("security-groups", query)
    }

    pub fn security_group(&self, group_id: &str) -> String {
        self.path(&format!("security-groups/{}", encode(group_id)))
    }

    /// `GET /v2.0/ports?device_id=SERVER`: a server's ports (one per NIC).
    pub fn ports_of_device(&self, device_id: &str) -> String {
        let mut query = QueryString::default();
        query.push("device_id", Some(device_id));
        self.with_query("ports", query)
    }

    pub fn port(&self, port_id: &str) -> String {
        self.path(&format!("ports/{}", encode(port_id)))
    }

    /// `GET /v2.0/floatingips` (the project's), and `POST` to allocate one.
    pub fn floating_ips(&self) -> String {
        self.path("floatingips")
    }

    /// `GET /v2.0/floatingips?project_id=...`: one project's public IPs (an admin's token
    /// otherwise lists every project's, and might reuse another project's address).
    pub fn floating_ips_of_project(&self, project_id: &str) -> String {
        let mut query = QueryString::default();
        query.push("project_id", Some(project_id));
        self.with_query("floatingips", query)
    }

    /// `GET /v2.0/floatingips?port_id=...`: the floating IP associated with a port, if any.
    pub fn floating_ips_of_port(&self, port_id: &str) -> String {
        let mut query = QueryString::default();
        query.push("port_id", Some(port_id));
        self.with_query("floatingips", query)
    }

    /// `GET`, `PUT` (associate with `port_id`, or disassociate with `null`) and `DELETE`.
    pub fn floating_ip(&self, floating_ip_id: &str) -> String {
        self.path(&format!("floatingips/{}", encode(floating_ip_id)))
    }

    /// Rebases a link Neutron returned (a `*_links` next page names Neutron's own public host)
    /// onto this endpoint, keeping its path from `/v2.0/` on and its query. `None` when the link
    /// is not a Neutron v2.0 URL: the token is never sent elsewhere.
    pub fn follow(&self, href: &str) -> Option<String> {
        let href = href.trim();
        let lower = href.to_ascii_lowercase();
        let path = if href.starts_with('/') && !href.starts_with("//") {
            href
        } else if lower.starts_with("http://") || lower.starts_with("https://") {
            let after_scheme = href.find("://")? + 3;
            &href[after_scheme + href[after_scheme..].find('/')?..]
        } else {
            return None;
        };
        let rest = &path[path.find("/v2.0/")? + "/v2.0/".len()..];
        let valid = !rest.is_empty()
            && !rest
                .chars()
                .any(|c| c.is_whitespace() || c == '#' || c == '\\');
        valid.then(|| self.path(rest))
    }

    /// The next page of a collection, from its `*_links`, rebased with [`NetworkEndpoint::follow`].
    pub fn next_page(&self, links: &[Link]) -> Option<String> {
        self.follow(next_link(links)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_spellings_agree() {
        for endpoint in [
            "https://network.example.com:9696",
            "https://network.example.com:9696/",
            "https://network.example.com:9696/v2.0",
            "https://network.example.com:9696/v2.0/",
        ] {
            let neutron = NetworkEndpoint::new(endpoint).unwrap();
            assert_eq!(
                neutron.networks(),
                "https://network.example.com:9696/v2.0/networks",
                "{endpoint}"
            );
        }
        let devstack = NetworkEndpoint::new("http://10.0.0.5/networking").unwrap();
        assert_eq!(
            devstack.subnets(),
            "http://10.0.0.5/networking/v2.0/subnets"
        );
        assert_eq!(devstack.versions(), "http://10.0.0.5/networking/");
        assert!(NetworkEndpoint::new("neutron:9696").is_err());
    }

    #[test]
    fn resource_urls() {
        let neutron = NetworkEndpoint::new("/proxy/network").unwrap();
        assert_eq!(
            neutron.external_networks(),
            "/proxy/network/v2.0/networks?router:external=true"
        );
        assert_eq!(neutron.network("n/1"), "/proxy/network/v2.0/networks/n%2F1");
        assert_eq!(
            neutron.subnets_of_network("n1"),
            "/proxy/network/v2.0/subnets?network_id=n1"
        );
        assert_eq!(neutron.subnet("s1"), "/proxy/network/v2.0/subnets/s1");
        assert_eq!(
            neutron.security_groups(),
            "/proxy/network/v2.0/security-groups"
        );
        assert_eq!(
            neutron.security_groups_of_project("p1"),
            "/proxy/network/v2.0/security-groups?project_id=p1"
        );
        assert_eq!(
            neutron.floating_ips_of_project("p1"),
            "/proxy/network/v2.0/floatingips?project_id=p1"
        );
        assert_eq!(
            neutron.security_group("g1"),
            "/proxy/network/v2.0/security-groups/g1"
        );
        assert_eq!(
            neutron.ports_of_device("9ae135f4-b6e0-4dad-9e91-3c223e385824"),
            "/proxy/network/v2.0/ports?device_id=9ae135f4-b6e0-4dad-9e91-3c223e385824"
        );
        assert_eq!(neutron.port("p1"), "/proxy/network/v2.0/ports/p1");
        assert_eq!(neutron.floating_ips(), "/proxy/network/v2.0/floatingips");
        assert_eq!(
            neutron.floating_ips_of_port("p 1"),
            "/proxy/network/v2.0/floatingips?port_id=p%201"
        );
        assert_eq!(
            neutron.floating_ip("f1"),
            "/proxy/network/v2.0/floatingips/f1"
        );
    }

    #[test]
    fn next_links_are_rebased_onto_our_endpoint() {
        let neutron = NetworkEndpoint::new("/proxy/network").unwrap();
        let links = vec![Link {
            href: "http://127.0.0.1:9696/v2.0/networks?limit=2&marker=db193ab3-96e3-4cb3-8fc5-05f4296d0324".into(),
            rel: "next".into(),
            media_type: None,
        }];
        assert_eq!(
            neutron.next_page(&links).as_deref(),
            Some(
                "/proxy/network/v2.0/networks?limit=2&marker=db193ab3-96e3-4cb3-8fc5-05f4296d0324"
            )
        );
        assert_eq!(
            neutron.follow("/networking/v2.0/ports?marker=p").as_deref(),
            Some("/proxy/network/v2.0/ports?marker=p")
        );
        assert_eq!(neutron.next_page(&[]), None);
        for refused in [
            "https://evil.example.com/steal",
            "//evil.example.com/v2.0/networks",
            "networks?marker=x",
            "/v2.0/",
            "ftp://host/v2.0/networks",
        ] {
            assert_eq!(neutron.follow(refused), None, "{refused}");
        }
    }
}
