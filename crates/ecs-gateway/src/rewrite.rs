//! Rewrites URLs that point at a configured upstream to `<gateway origin>/proxy/NAME/...`, so the
//! app keeps talking to the gateway when it follows catalog endpoints, `links` and `Location`.

use bytes::Bytes;
use url::Url;

use crate::config::Upstream;

/// Keys of a catalog endpoint that hold URLs (Keystone v3 `url`, v2 `publicURL` and friends).
const ENDPOINT_URL_KEYS: [&str; 4] = ["url", "publicURL", "internalURL", "adminURL"];

pub(crate) struct Rewriter {
    /// Sorted longest base path first, so the most specific upstream wins.
    prefixes: Vec<Prefix>,
}

struct Prefix {
    name: String,
    base: Url,
    /// Base path without a trailing slash ("" for a root URL).
    path: String,
}

impl Rewriter {
    pub(crate) fn new(upstreams: &[Upstream]) -> Self {
        let mut prefixes: Vec<Prefix> = upstreams
            .iter()
            .map(|upstream| Prefix {
                name: upstream.name().to_owned(),
                base: upstream.url().clone(),
                path: upstream.url().path().trim_end_matches('/').to_owned(),
            })
            .collect();
        prefixes.sort_by_key(|prefix| std::cmp::Reverse(prefix.path.len()));
        Self { prefixes }
    }

    /// The proxied form of `url` when it lies under an upstream (same scheme, host and port, path
    /// under the base path on a segment boundary); `None` leaves it as it is.
    pub(crate) fn rewrite_url(&self, url: &str, origin: &str) -> Option<String> {
        let parsed = Url::parse(url).ok()?;
        self.prefixes.iter().find_map(|prefix| {
            if parsed.scheme() != prefix.base.scheme()
                || parsed.host() != prefix.base.host()
                || parsed.port_or_known_default() != prefix.base.port_or_known_default()
            {
                return None;
            }
            let rest = parsed.path().strip_prefix(prefix.path.as_str())?;
            if !(rest.is_empty() || rest.starts_with('/')) {
                return None;
            }
            let mut rewritten = format!("{origin}/proxy/{}{rest}", prefix.name);
            if let Some(query) = parsed.query() {
                rewritten.push('?');
                rewritten.push_str(query);
            }
            if let Some(fragment) = parsed.fragment() {
                rewritten.push('#');
                rewritten.push_str(fragment);
            }
            Some(rewritten)
        })
    }

    /// The body with catalog endpoint URLs and link hrefs rewritten in place: every other byte
    /// (formatting, key order, other strings) stays as it was, and a body that is not JSON or
    /// mentions no upstream comes back as the very same bytes.
    pub(crate) fn rewrite_json_body(&self, body: Bytes, origin: &str) -> Bytes {
        if !self.may_mention_an_upstream(&body)
            || serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err()
        {
            return body;
        }
        let mut output: Vec<u8> = Vec::new();
        let mut copied_up_to = 0;
        for_each_url_string(&body, |range| {
            let raw = &body[range.clone()];
            let Ok(url) = serde_json::from_slice::<String>(raw) else {
                return;
            };
            if let Some(rewritten) = self.rewrite_url(&url, origin)
                && let Ok(encoded) = serde_json::to_vec(&rewritten)
            {
                if output.is_empty() {
                    output.reserve(body.len() + 256);
                }
                output.extend_from_slice(&body[copied_up_to..range.start]);
                output.extend_from_slice(&encoded);
                copied_up_to = range.end;
            }
        });
        if copied_up_to == 0 {
            return body;
        }
        output.extend_from_slice(&body[copied_up_to..]);
        Bytes::from(output)
    }

    /// A cheap pre-check that skips scanning the many bodies that carry no upstream URL.
    fn may_mention_an_upstream(&self, body: &[u8]) -> bool {
        self.prefixes.iter().any(|prefix| {
            prefix.base.host_str().is_some_and(|host| {
                let needle = host.as_bytes();
                !needle.is_empty() && body.windows(needle.len()).any(|window| window == needle)
            })
        })
    }
}

/// One open object or array while scanning, with the key it sits under in its parent object.
struct Frame<'a> {
    is_object: bool,
    key: Option<&'a [u8]>,
    /// In an object: the key of the member being read.
    current_key: Option<&'a [u8]>,
    expecting_key: bool,
}

fn is_links_key(key: Option<&[u8]>) -> bool {
    key.is_some_and(|key| key == b"links" || key.ends_with(b"_links"))
}

/// Whether a string value at this position holds a URL to rewrite: Nova's
/// `links: [{"href": URL}]` (also `*_links`), Keystone's `links: {"self": URL}`, and catalog
/// endpoints `catalog: [{"endpoints": [{"url": URL}]}]` (also `serviceCatalog` and v2 URL keys).
fn holds_url(frames: &[Frame<'_>]) -> bool {
    let [.., top] = frames else {
        return false;
    };
    if !top.is_object {
        return false;
    }
    if is_links_key(top.key) {
        return true;
    }
    match frames {
        [.., links, item] if item.current_key == Some(b"href") => {
            !links.is_object && is_links_key(links.key)
        }
        [.., catalog, service, endpoints, endpoint]
            if endpoint.current_key.is_some_and(|key| {
                ENDPOINT_URL_KEYS
                    .iter()
                    .any(|url_key| url_key.as_bytes() == key)
            }) =>
        {
            !catalog.is_object
                && matches!(catalog.key, Some(b"catalog" | b"serviceCatalog"))
                && service.is_object
                && !endpoints.is_object
                && endpoints.key == Some(b"endpoints")
        }
        _ => false,
    }
}

/// Calls `found` with the byte range (quotes included) of every string value that holds a URL
/// to rewrite, in order. `body` must be valid JSON.
fn for_each_url_string(body: &[u8], mut found: impl FnMut(std::ops::Range<usize>)) {
    let mut frames: Vec<Frame<'_>> = Vec::new();
    let mut index = 0;
    while index < body.len() {
        match body[index] {
            open @ (b'{' | b'[') => {
                let key = frames
                    .last()
                    .and_then(|parent| parent.current_key.filter(|_| parent.is_object));
                frames.push(Frame {
                    is_object: open == b'{',
                    key,
                    current_key: None,
                    expecting_key: open == b'{',
                });
            }
            b'}' | b']' => {
                frames.pop();
            }
            b',' => {
                if let Some(frame) = frames.last_mut().filter(|frame| frame.is_object) {
                    frame.expecting_key = true;
                }
            }
            b'"' => {
                let end = string_end(body, index);
                let content = &body[index + 1..end - 1];
                let is_key = frames
                    .last()
                    .is_some_and(|frame| frame.is_object && frame.expecting_key);
                if is_key {
                    if let Some(frame) = frames.last_mut() {
                        frame.current_key = Some(content);
                        frame.expecting_key = false;
                    }
                } else if holds_url(&frames) {
                    found(index..end);
                }
                index = end;
                continue;
            }
            _ => {}
        }
        index += 1;
    }
}

/// The index just past the closing quote of the string opening at `start`.
fn string_end(body: &[u8], start: usize) -> usize {
    let mut index = start + 1;
    while index < body.len() {
        match body[index] {
            b'\\' => index += 2,
            b'"' => return index + 1,
            _ => index += 1,
        }
    }
    body.len()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn rewriter() -> Rewriter {
        Rewriter::new(&[
            Upstream::new("identity", "http://127.0.0.1:9000/identity").unwrap(),
            Upstream::new("compute", "http://127.0.0.1:9000/compute").unwrap(),
            Upstream::new("root", "http://127.0.0.1:9000").unwrap(),
        ])
    }

    const ORIGIN: &str = "http://gw.example:8080";

    #[test]
    fn longest_prefix_on_segment_boundaries() {
        let rewriter = rewriter();
        assert_eq!(
            rewriter
                .rewrite_url("http://127.0.0.1:9000/compute/v2.1/p?x=1", ORIGIN)
                .as_deref(),
            Some("http://gw.example:8080/proxy/compute/v2.1/p?x=1")
        );
        assert_eq!(
            rewriter
                .rewrite_url("http://127.0.0.1:9000/computers", ORIGIN)
                .as_deref(),
            Some("http://gw.example:8080/proxy/root/computers")
        );
        assert_eq!(
            rewriter.rewrite_url("http://127.0.0.1:9001/compute", ORIGIN),
            None
        );
        assert_eq!(
            rewriter.rewrite_url("https://127.0.0.1:9000/compute", ORIGIN),
            None
        );
        assert_eq!(rewriter.rewrite_url("/relative", ORIGIN), None);
    }

    #[test]
    fn catalog_and_links_are_rewritten_other_strings_are_not() {
        let body = serde_json::json!({
            "token": {"catalog": [{"type": "compute", "endpoints": [
                {"interface": "public", "url": "http://127.0.0.1:9000/compute/v2.1/p1"}
            ]}]},
            "server": {"links": [{"rel": "self", "href": "http://127.0.0.1:9000/compute/v2.1/p1/servers/s"}],
                       "description": "http://127.0.0.1:9000/compute/untouched"},
            "flavors_links": [{"rel": "next", "href": "http://127.0.0.1:9000/compute/v2.1/flavors?marker=2"}],
            "links": {"self": "http://127.0.0.1:9000/identity/v3/auth/projects"}
        });
        let bytes = Bytes::from(serde_json::to_vec(&body).unwrap());
        let rewritten: Value =
            serde_json::from_slice(&rewriter().rewrite_json_body(bytes, ORIGIN)).unwrap();
        assert_eq!(
            rewritten["token"]["catalog"][0]["endpoints"][0]["url"],
            "http://gw.example:8080/proxy/compute/v2.1/p1"
        );
        assert_eq!(
            rewritten["server"]["links"][0]["href"],
            "http://gw.example:8080/proxy/compute/v2.1/p1/servers/s"
        );
        assert_eq!(
            rewritten["server"]["description"],
            "http://127.0.0.1:9000/compute/untouched"
        );
        assert_eq!(
            rewritten["flavors_links"][0]["href"],
            "http://gw.example:8080/proxy/compute/v2.1/flavors?marker=2"
        );
        assert_eq!(
            rewritten["links"]["self"],
            "http://gw.example:8080/proxy/identity/v3/auth/projects"
        );
    }

    #[test]
    fn only_the_rewritten_strings_change_and_escapes_are_decoded() {
        let body = "{\"z\": 1,  \"links\" : [ {\"rel\":\"self\", \"href\" : \"http:\\/\\/127.0.0.1:9000\\/compute\\/a\"},\n\
                    {\"href\": \"https://elsewhere/\\\"x\"}], \"a\": \"http://127.0.0.1:9000/compute\"}";
        let rewritten = rewriter().rewrite_json_body(Bytes::from(body), ORIGIN);
        assert_eq!(
            std::str::from_utf8(&rewritten).unwrap(),
            "{\"z\": 1,  \"links\" : [ {\"rel\":\"self\", \"href\" : \"http://gw.example:8080/proxy/compute/a\"},\n\
             {\"href\": \"https://elsewhere/\\\"x\"}], \"a\": \"http://127.0.0.1:9000/compute\"}"
        );
    }

    #[test]
    fn bodies_without_upstream_urls_stay_byte_identical() {
        let rewriter = rewriter();
        for body in [
            &b"{ \"a\" :  1 ,\"links\":[{\"href\":\"https://elsewhere/x\"}] }"[..],
            b"{\"description\": \"127.0.0.1:9000 but not a link\"}",
            b"not json 127.0.0.1",
        ] {
            let bytes = Bytes::copy_from_slice(body);
            assert_eq!(rewriter.rewrite_json_body(bytes.clone(), ORIGIN), bytes);
        }
    }
}
