//! The servers list a page at a time: `GET /servers/detail` with Nova's filters, sort and
//! `limit`/`marker` paging (the list page decides which parameters; see `servers::query`).

use ecs_api::ApiError;
use ecs_api::models::{Server, ServerList};

use super::{Api, ApiRequest};

/// One page of servers, and the marker of the next page when Nova says there is one (Nova's
/// marker is the last server's id).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ServerListPage {
    pub servers: Vec<Server>,
    pub next_marker: Option<String>,
}

impl Api {
    /// At most `limit` servers matching `params` (filters and sort, as Nova names them), after
    /// the server `marker` when given.
    pub async fn list_servers_page(
        &self,
        params: &[(&str, String)],
        limit: usize,
        marker: Option<&str>,
    ) -> Result<ServerListPage, ApiError> {
        let mut params = params.to_vec();
        params.push(("limit", limit.to_string()));
        if let Some(marker) = marker {
            params.push(("marker", marker.to_owned()));
        }
        let url = self.compute_endpoint()?.servers_detail_with(&params);
        let page: ServerList = self.fetch("servers", ApiRequest::get(url)).await?;
        let next_marker = if page.servers_links.iter().any(|link| link.rel == "next") {
            page.servers.last().map(|server| server.id.clone())
        } else {
            None
        };
        Ok(ServerListPage {
            servers: page.servers,
            next_marker,
        })
    }

    /// Every server matching `params`, in Nova's order (all pages).
    pub async fn list_servers_matching(
        &self,
        params: &[(&str, String)],
    ) -> Result<Vec<Server>, ApiError> {
        let url = self.compute_endpoint()?.servers_detail_with(params);
        self.fetch_all_pages("servers", url, |page: ServerList| {
            (page.servers, page.servers_links)
        })
        .await
    }
}
