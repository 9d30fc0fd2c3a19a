//! Rewrites URLs that point at a configured upstream to `<gateway origin>/proxy/NAME/...`, so the
//! app keeps talking to the gateway when it follows catalog endpoints, `links` and `Location`.

use bytes::Bytes;
use memchr::memmem;
use url::{Position, Url};

use crate::config::Upstream;
use json_scan::Frame;

pub(crate) mod json_scan;

/// Keys of a catalog endpoint that hold URLs (Keystone v3 `url`, v2 `publicURL` and friends).
const ENDPOINT_URL_KEYS: [&str; 4] = ["url", "publicURL", "internalURL", "adminURL"];

pub(crate) struct Rewriter {
    /// Sorted longest base path first, so the most specific upstream wins.
    prefixes: Vec<Prefix>,
    /// One per distinct upstream host. A host holds no slash, so it shows in plain and
    /// `\/`-escaped URLs alike: a body without any of them mentions no upstream.
    host_finders: Vec<memmem::Finder<'static>>,
}

struct Prefix {
    name: String,
    base: Url,
    /// Base path without a trailing slash ("" for a root URL).
    path: String,
    /// `scheme://host[:port]` and the base path, exactly as `Url` writes them: how an upstream
    /// writes its own links, so those match byte for byte without parsing each one.
    canonical: String,
}

impl Rewriter {
    pub(crate) fn new(upstreams: &[Upstream]) -> Self {
        let mut prefixes: Vec<Prefix> = upstreams
            .iter()
            .map(|upstream| {
                let base = upstream.url();
                let path = base.path().trim_end_matches('/').to_owned();
                Prefix {
                    name: upstream.name().to_owned(),
                    canonical: format!("{}{path}", &base[..Position::BeforePath]),
                    base: base.clone(),
                    path,
                }
            })
            .collect();
        prefixes.sort_by_key(|prefix| std::cmp::Reverse(prefix.path.len()));
        let mut hosts: Vec<&str> = prefixes
            .iter()
            .filter_map(|prefix| prefix.base.host_str())
            .filter(|host| !host.is_empty())
            .collect();
        hosts.sort_unstable();
        hosts.dedup();
        let host_finders = hosts
            .into_iter()
            .map(|host| memmem::Finder::new(host.as_bytes()).into_owned())
            .collect();
        Self {
            prefixes,
            host_finders,
        }
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
        if !self.may_mention_an_upstream(&body) {
            return body;
        }
        let Ok(quoted_origin) = serde_json::to_string(origin) else {
            return body;
        };
        let escaped_origin = &quoted_origin[1..quoted_origin.len() - 1];
        let mut output: Vec<u8> = Vec::new();
        let mut replacement: Vec<u8> = Vec::new();
        let mut copied_up_to = 0;
        let scanned = json_scan::for_each_string_value(&body, holds_url, |range| {
            replacement.clear();
            if !self.write_rewritten_literal(
                &body[range.clone()],
                origin,
                escaped_origin,
                &mut replacement,
            ) {
                return;
            }
            if output.is_empty() {
                output.reserve(body.len() + 256);
            }
            output.extend_from_slice(&body[copied_up_to..range.start]);
            output.extend_from_slice(&replacement);
            copied_up_to = range.end;
        });
        if scanned.is_err() || copied_up_to == 0 {
            return body;
        }
        output.extend_from_slice(&body[copied_up_to..]);
        Bytes::from(output)
    }

    /// Appends the JSON string literal that replaces `literal` (a JSON string, quotes included)
    /// when it holds a URL under an upstream; `false` (nothing appended) leaves it as it is.
    fn write_rewritten_literal(
        &self,
        literal: &[u8],
        origin: &str,
        escaped_origin: &str,
        out: &mut Vec<u8>,
    ) -> bool {
        let content = &literal[1..literal.len() - 1];
        // A match is escape-free: the base is written plainly and the rest has no backslash.
        if let Some((prefix, rest)) = self.canonical_match(content) {
            out.push(b'"');
            out.extend_from_slice(escaped_origin.as_bytes());
            out.extend_from_slice(b"/proxy/");
            out.extend_from_slice(prefix.name.as_bytes());
            out.extend_from_slice(rest);
            out.push(b'"');
            return true;
        }
        // Escaped, or not written the way `Url` writes it: decode and parse it in full.
        let Ok(url) = serde_json::from_slice::<String>(literal) else {
            return false;
        };
        self.rewrite_url(&url, origin)
            .is_some_and(|rewritten| serde_json::to_writer(out, &rewritten).is_ok())
    }

    /// The upstream and the remainder (path from the base path on, and query) of a URL that is
    /// written exactly as `Url` would write it, so comparing bytes gives the very answer
    /// `rewrite_url` gives. `None` when no upstream matches that way: the caller parses instead.
    fn canonical_match<'a>(&'a self, url: &'a [u8]) -> Option<(&'a Prefix, &'a [u8])> {
        for prefix in &self.prefixes {
            let Some(rest) = url.strip_prefix(prefix.canonical.as_bytes()) else {
                continue;
            };
            // `Url` writes a root path as "/", so a root base needs the slash to match as written.
            let on_boundary = match rest.first() {
                Some(b'/') => true,
                None | Some(b'?') => !prefix.path.is_empty(),
                Some(_) => false,
            };
            if on_boundary {
                return is_canonical_rest(rest).then_some((prefix, rest));
            }
        }
        None
    }

    /// A cheap pre-check that skips scanning the many bodies that carry no upstream URL.
    fn may_mention_an_upstream(&self, body: &[u8]) -> bool {
        self.host_finders
            .iter()
            .any(|finder| finder.find(body).is_some())
    }
}

/// Bytes `Url` keeps as they are in a path and a query: unreserved, sub-delimiters (but `'`,
/// which it encodes in queries), `:`, `@`, `/`, `?` and `%`.
const KEPT_AS_WRITTEN: [bool; 256] = {
    let mut kept = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        kept[byte] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
                    | b'?'
                    | b'%'
            );
        byte += 1;
    }
    kept
};

/// Whether `Url` would write this path-and-query exactly as it is: no byte it encodes or drops
/// (nor a backslash or an escape), no fragment, and no segment it could resolve as a dot segment.
fn is_canonical_rest(rest: &[u8]) -> bool {
    let mut in_query = false;
    for (index, &byte) in rest.iter().enumerate() {
        if !KEPT_AS_WRITTEN[usize::from(byte)] {
            return false;
        }
        match byte {
            b'?' => in_query = true,
            // Every path segment follows a slash: `.`, `..` (and any segment starting with a
            // dot) and their encoded forms go through the full parse.
            b'/' if !in_query => {
                let segment = &rest[index + 1..];
                if segment.first() == Some(&b'.')
                    || segment
                        .get(..3)
                        .is_some_and(|start| start.eq_ignore_ascii_case(b"%2e"))
                {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
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

    fn rewriter_without_root() -> Rewriter {
        Rewriter::new(&[
            Upstream::new("identity", "http://127.0.0.1:9000/identity").unwrap(),
            Upstream::new("compute", "http://127.0.0.1:9000/compute").unwrap(),
            Upstream::new("web", "https://ecs.example").unwrap(),
        ])
    }

    /// What the full parse gives for `url`: the literal that replaces it, if any.
    fn parsed_answer(rewriter: &Rewriter, url: &str) -> Option<Vec<u8>> {
        let rewritten = rewriter.rewrite_url(url, ORIGIN)?;
        Some(serde_json::to_vec(&rewritten).unwrap())
    }

    fn literal_answer(rewriter: &Rewriter, literal: &[u8]) -> Option<Vec<u8>> {
        let escaped_origin = serde_json::to_string(ORIGIN).unwrap();
        let escaped_origin = &escaped_origin[1..escaped_origin.len() - 1];
        let mut out = Vec::new();
        rewriter
            .write_rewritten_literal(literal, ORIGIN, escaped_origin, &mut out)
            .then_some(out)
    }

    #[test]
    fn byte_matching_gives_the_parsed_answer() {
        // Written as upstreams write their links: matched without parsing.
        let plain = [
            "http://127.0.0.1:9000/compute/v2.1/p1/flavors/1",
            "http://127.0.0.1:9000/compute",
            "http://127.0.0.1:9000/compute/",
            "http://127.0.0.1:9000/compute?x=1&y=a/b?c",
            "http://127.0.0.1:9000/compute/a%20b/%41",
            "http://127.0.0.1:9000/identity/v3/auth/projects",
            "http://127.0.0.1:9000/computers",
            "http://127.0.0.1:9000/compute-other/x",
            "http://127.0.0.1:9000/",
            "https://ecs.example/v2.1/servers",
        ];
        // Anything `Url` would write differently, or that lies elsewhere: parsed in full.
        let unusual = [
            "http://127.0.0.1:9000",
            "http://127.0.0.1:9000?x",
            "http://127.0.0.1:9000/compute/../identity/v3",
            "http://127.0.0.1:9000/compute/%2e%2E/identity",
            "http://127.0.0.1:9000/compute/./x",
            "http://127.0.0.1:9000/compute/.well-known",
            "http://127.0.0.1:9000/compute/a b",
            "http://127.0.0.1:9000/compute/a'b?c'd",
            "http://127.0.0.1:9000/compute/x#fragment",
            "http://127.0.0.1:9000/compute/\u{e9}t\u{e9}",
            "http://127.0.0.1:9000/compute/{x}",
            "http://127.0.0.1:9000/compute\\x",
            "http://127.0.0.1:9000/compute/\"x\"",
            "HTTP://127.0.0.1:9000/compute/x",
            "http://127.0.0.1:09000/compute/x",
            "http://0x7f.0.0.1:9000/compute/x",
            "http://127.0.0.1:90001/compute",
            "http://user@127.0.0.1:9000/compute/x",
            "http://127.0.0.1:9001/compute/x",
            "https://127.0.0.1:9000/compute/x",
            "https://ecs.example:443/v2.1",
            "https://ecs.example",
            "/relative",
            "",
        ];
        for rewriter in [rewriter(), rewriter_without_root()] {
            for url in plain.iter().chain(&unusual) {
                let literal = serde_json::to_vec(url).unwrap();
                assert_eq!(
                    literal_answer(&rewriter, &literal),
                    parsed_answer(&rewriter, url),
                    "{url}"
                );
            }
            for url in unusual {
                assert!(rewriter.canonical_match(url.as_bytes()).is_none(), "{url}");
            }
        }
        let rewriter = Rewriter::new(&[
            Upstream::new("identity", "http://127.0.0.1:9000/identity").unwrap(),
            Upstream::new("compute", "http://127.0.0.1:9000/compute").unwrap(),
            Upstream::new("root", "http://127.0.0.1:9000").unwrap(),
            Upstream::new("web", "https://ecs.example").unwrap(),
        ]);
        for url in plain {
            let matched = rewriter
                .canonical_match(url.as_bytes())
                .map(|(p, _)| &p.name);
            assert!(matched.is_some(), "{url} was not matched as written");
        }
        // Escaped slashes are decoded before matching.
        assert_eq!(
            literal_answer(&rewriter, br#""http:\/\/127.0.0.1:9000\/compute\/v2.1""#).as_deref(),
            Some(&br#""http://gw.example:8080/proxy/compute/v2.1""#[..])
        );
    }

    #[test]
    fn a_url_that_only_shares_the_prefix_stays() {
        let body = r#"{"links":[{"rel":"self","href":"http://127.0.0.1:9000/compute-other/x"},{"rel":"up","href":"http://127.0.0.1:9000/compute/x"}]}"#;
        let rewritten = rewriter_without_root().rewrite_json_body(Bytes::from(body), ORIGIN);
        assert_eq!(
            std::str::from_utf8(&rewritten).unwrap(),
            r#"{"links":[{"rel":"self","href":"http://127.0.0.1:9000/compute-other/x"},{"rel":"up","href":"http://gw.example:8080/proxy/compute/x"}]}"#
        );
    }

    #[test]
    fn invalid_bodies_are_relayed_as_they_are_even_with_links() {
        let rewriter = rewriter();
        for body in [
            &br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}]"#[..],
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}]} trailing"#,
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}], "n": 01}"#,
        ] {
            let bytes = Bytes::copy_from_slice(body);
            assert_eq!(rewriter.rewrite_json_body(bytes.clone(), ORIGIN), bytes);
        }
        let valid = br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}], "n": 10}"#;
        assert_ne!(
            rewriter.rewrite_json_body(Bytes::from_static(valid), ORIGIN),
            Bytes::from_static(valid)
        );
    }
}
