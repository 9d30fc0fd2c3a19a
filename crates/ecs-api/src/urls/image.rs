//! Glance v2: `{endpoint}/v2/images?...`, with `next` links followed relative to the endpoint.

use super::{QueryString, UrlError, check_endpoint, encode};

/// The image API (Glance v2) of a cloud: `{base}/v2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageEndpoint {
    /// Everything before `/v2`.
    base: String,
}

impl ImageEndpoint {
    /// Accepts `https://host`, `https://host/`, `https://host/image` (devstack), a catalog URL
    /// that already names the version (`.../v2`, `.../v2/`, `.../v2.0`) and relative proxy
    /// paths such as `/proxy/image`.
    pub fn new(endpoint: &str) -> Result<Self, UrlError> {
        let endpoint = check_endpoint(endpoint)?;
        let base = ["/v2", "/v2.0"]
            .iter()
            .find_map(|version| endpoint.strip_suffix(version))
            .unwrap_or(endpoint);
        Ok(Self {
            base: base.to_owned(),
        })
    }

    /// `{base}/v2` (no trailing slash).
    pub fn root(&self) -> String {
        format!("{}/v2", self.base)
    }

    /// The unversioned version list `GET {base}/`.
    pub fn versions(&self) -> String {
        format!("{}/", self.base)
    }

    /// `GET {base}/v2/images?...`: the first page of a listing.
    pub fn images(&self, query: &ImageQuery) -> String {
        format!("{}/images{}", self.root(), query.to_query_string())
    }

    /// `GET {base}/v2/images/{id}`.
    pub fn image(&self, image_id: &str) -> String {
        format!("{}/images/{}", self.root(), encode(image_id))
    }

    /// `GET {base}/v2/schemas/image`: the JSON schema Glance validates images with.
    pub fn image_schema(&self) -> String {
        format!("{}/schemas/image", self.root())
    }

    /// The URL of a `next` (or `first`) link of a listing. Glance writes them relative to its
    /// endpoint (`/v2/images?marker=...`), so the endpoint's own path (`/image`, `/proxy/image`)
    /// goes in front. An absolute link is rebased onto this endpoint the same way, keeping its
    /// path from `/v2/` on and its query. `None` when the link is not a Glance v2 path: the
    /// token is never sent elsewhere.
    pub fn follow(&self, href: &str) -> Option<String> {
        let href = href.trim();
        let from_version = if href.starts_with("/v2/") {
            href
        } else {
            let lower = href.to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                return None;
            }
            let after_scheme = href.find("://")? + 3;
            let path_start = after_scheme + href[after_scheme..].find('/')?;
            let path = &href[path_start..];
            &path[path.find("/v2/")?..]
        };
        let rest = &from_version["/v2/".len()..];
        let valid = !rest.is_empty()
            && !from_version
                .chars()
                .any(|c| c.is_whitespace() || c == '#' || c == '\\');
        valid.then(|| format!("{}/{rest}", self.root()))
    }
}

/// `GET /v2/images` filters, sort and paging (all optional).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageQuery {
    /// `active`, `queued`, ... (lowercase, as Glance writes them).
    pub status: Option<String>,
    /// `public`, `private`, `shared`, `community` or `all`.
    pub visibility: Option<String>,
    /// e.g. `name:asc`, or `created_at:desc,name:asc`.
    pub sort: Option<String>,
    pub limit: Option<u32>,
    /// Id of the last image of the previous page.
    pub marker: Option<String>,
}

impl ImageQuery {
    /// The images a server can boot from: `?status=active`.
    pub fn active() -> Self {
        Self {
            status: Some("active".to_owned()),
            ..Self::default()
        }
    }

    pub fn to_query_string(&self) -> String {
        let mut query = QueryString::default();
        query.push("status", self.status.as_deref());
        query.push("visibility", self.visibility.as_deref());
        // Glance's sort syntax keeps `:` and `,` as they are.
        query.push_raw("sort", self.sort.as_deref().map(encode_sort).as_deref());
        query.push("limit", self.limit);
        query.push("marker", self.marker.as_deref());
        query.0
    }
}

/// A sort value with everything but `:` and `,` percent-encoded.
fn encode_sort(sort: &str) -> String {
    sort.split(',')
        .map(|key| key.split(':').map(encode).collect::<Vec<_>>().join(":"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_spellings_agree() {
        for endpoint in [
            "https://image.example.com",
            "https://image.example.com/",
            "https://image.example.com/v2",
            "https://image.example.com/v2/",
            " https://image.example.com/v2.0 ",
        ] {
            let glance = ImageEndpoint::new(endpoint).unwrap();
            assert_eq!(
                glance.images(&ImageQuery::active()),
                "https://image.example.com/v2/images?status=active",
                "{endpoint}"
            );
        }
        let devstack = ImageEndpoint::new("http://10.0.0.5/image").unwrap();
        assert_eq!(
            devstack.image("id 1"),
            "http://10.0.0.5/image/v2/images/id%201"
        );
        assert_eq!(devstack.versions(), "http://10.0.0.5/image/");
        assert_eq!(
            devstack.image_schema(),
            "http://10.0.0.5/image/v2/schemas/image"
        );
        let proxied = ImageEndpoint::new("/proxy/image").unwrap();
        assert_eq!(proxied.root(), "/proxy/image/v2");
        assert!(matches!(
            ImageEndpoint::new("image.example.com"),
            Err(UrlError::NotAUrl(_))
        ));
        assert_eq!(ImageEndpoint::new(""), Err(UrlError::Empty));
    }

    #[test]
    fn queries_are_encoded_in_order() {
        let glance = ImageEndpoint::new("https://glance:9292").unwrap();
        let query = ImageQuery {
            status: Some("active".into()),
            visibility: Some("public".into()),
            sort: Some("name:asc,created_at:desc".into()),
            limit: Some(20),
            marker: Some("a&b".into()),
        };
        assert_eq!(
            glance.images(&query),
            "https://glance:9292/v2/images?status=active&visibility=public&sort=name:asc,created_at:desc&limit=20&marker=a%26b"
        );
        assert_eq!(
            glance.images(&ImageQuery::default()),
            "https://glance:9292/v2/images"
        );
    }

    #[test]
    fn next_links_are_followed_relative_to_the_endpoint() {
        let next = "/v2/images?marker=1bea47ed-f6a9-463b-b423-14b9cca9ad27&limit=2&status=active";
        let proxied = ImageEndpoint::new("/proxy/image").unwrap();
        assert_eq!(
            proxied.follow(next).as_deref(),
            Some(
                "/proxy/image/v2/images?marker=1bea47ed-f6a9-463b-b423-14b9cca9ad27&limit=2&status=active"
            )
        );
        let devstack = ImageEndpoint::new("http://10.0.0.5/image/v2").unwrap();
        assert_eq!(
            devstack.follow(next).as_deref(),
            Some(
                "http://10.0.0.5/image/v2/images?marker=1bea47ed-f6a9-463b-b423-14b9cca9ad27&limit=2&status=active"
            )
        );
        assert_eq!(
            proxied
                .follow("https://glance.example.com/v2/images?marker=x")
                .as_deref(),
            Some("/proxy/image/v2/images?marker=x"),
            "an absolute link is rebased onto the endpoint"
        );
        for refused in [
            "https://evil.example.com/steal",
            "//evil.example.com/v2/images",
            "images?marker=x",
            "/v2/",
            "javascript:alert(1)",
            "/v2/images?marker=a b",
        ] {
            assert_eq!(proxied.follow(refused), None, "{refused}");
        }
    }
}
