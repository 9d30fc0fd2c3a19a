//! Paginated lists: every page of a collection, whichever API serves it.

use ecs_api::ApiError;
use serde::de::DeserializeOwned;

use super::{Api, ApiRequest, Service};

/// Stops following `next` links after this many pages (a cloud that links in a circle).
const MAX_PAGES: usize = 50;

/// One page taken apart: its items and the URL of the next page (already rebased onto the
/// endpoint the session uses), if any.
pub struct PageParts<Item> {
    pub items: Vec<Item>,
    pub next: Option<String>,
}

impl Api {
    /// Every item of a paginated list of `service`: `GET first_url`, then each next page
    /// `split` finds.
    pub(super) async fn fetch_pages<Page, Item>(
        &self,
        what: &'static str,
        service: Service,
        first_url: String,
        split: impl Fn(Page) -> PageParts<Item>,
    ) -> Result<Vec<Item>, ApiError>
    where
        Page: DeserializeOwned,
    {
        let mut url = first_url;
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let request = ApiRequest::get(url).to(service);
            let page = split(self.fetch(what, request).await?);
            items.extend(page.items);
            match page.next {
                Some(next) => url = next,
                None => break,
            }
        }
        Ok(items)
    }
}
