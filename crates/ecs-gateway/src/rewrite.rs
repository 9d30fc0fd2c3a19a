//! Rewrites URLs that point at a configured upstream to `<gateway origin>/proxy/NAME/...`, so the
//! app keeps talking to the gateway when it follows catalog endpoints, `links` and `Location`.

use bytes::Bytes;
use memchr::memmem;
use url::{Position, Url};

use crate::config::Upstream;

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
        let scanned = for_each_url_string(&body, |range| {
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

/// One open object or array while scanning, with the key it sits under in its parent object.
struct Frame<'a> {
    is_object: bool,
    key: Option<&'a [u8]>,
    /// In an object: the key of the member being read.
    current_key: Option<&'a [u8]>,
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

/// The body is not a JSON text (RFC 8259), or nests deeper than `MAX_NESTING`: it is relayed
/// as it is.
struct NotJson;

/// The deepest nesting serde_json accepts: no API nests this deep, and the scanner's stack of
/// open containers stays small whatever the body.
const MAX_NESTING: usize = 127;

/// Checks that `body` is a JSON text and calls `found` with the byte range (quotes included) of
/// every string value that holds a URL to rewrite, in order. One pass, no allocation per value;
/// on `Err` the ranges already reported must be dropped.
fn for_each_url_string(
    body: &[u8],
    mut found: impl FnMut(std::ops::Range<usize>),
) -> Result<(), NotJson> {
    std::str::from_utf8(body).map_err(|_| NotJson)?;
    let mut scanner = Scanner { body, index: 0 };
    let mut frames: Vec<Frame<'_>> = Vec::new();
    'value: loop {
        scanner.skip_whitespace();
        let start = scanner.index;
        match scanner.next_byte()? {
            open @ (b'{' | b'[') => {
                let key = frames
                    .last()
                    .and_then(|parent| parent.current_key.filter(|_| parent.is_object));
                if frames.len() == MAX_NESTING {
                    return Err(NotJson);
                }
                let is_object = open == b'{';
                scanner.skip_whitespace();
                if scanner.eat(if is_object { b'}' } else { b']' }) {
                    // An empty container holds no URL; what follows is read as after any value.
                } else {
                    let current_key = if is_object {
                        Some(scanner.member_key()?)
                    } else {
                        None
                    };
                    frames.push(Frame {
                        is_object,
                        key,
                        current_key,
                    });
                    continue 'value;
                }
            }
            b'"' => {
                let end = string_end(body, start)?;
                if holds_url(&frames) {
                    found(start..end);
                }
                scanner.index = end;
            }
            b'-' | b'0'..=b'9' => scanner.index = number_end(body, start)?,
            _ => {
                let literal = [&b"true"[..], b"false", b"null"]
                    .into_iter()
                    .find(|literal| body[start..].starts_with(literal))
                    .ok_or(NotJson)?;
                scanner.index = start + literal.len();
            }
        }
        // After a value: separators and closing brackets until the next value or the end.
        loop {
            scanner.skip_whitespace();
            let Some(frame) = frames.last_mut() else {
                return if scanner.index == body.len() {
                    Ok(())
                } else {
                    Err(NotJson)
                };
            };
            match (scanner.next_byte()?, frame.is_object) {
                (b',', true) => {
                    scanner.skip_whitespace();
                    frame.current_key = Some(scanner.member_key()?);
                    continue 'value;
                }
                (b',', false) => continue 'value,
                (b'}', true) | (b']', false) => {
                    frames.pop();
                }
                _ => return Err(NotJson),
            }
        }
    }
}

struct Scanner<'a> {
    body: &'a [u8],
    index: usize,
}

impl<'a> Scanner<'a> {
    fn skip_whitespace(&mut self) {
        while self
            .body
            .get(self.index)
            .is_some_and(|&byte| byte <= b' ' && matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.index += 1;
        }
    }

    fn next_byte(&mut self) -> Result<u8, NotJson> {
        let byte = *self.body.get(self.index).ok_or(NotJson)?;
        self.index += 1;
        Ok(byte)
    }

    fn eat(&mut self, expected: u8) -> bool {
        let matched = self.body.get(self.index) == Some(&expected);
        self.index += usize::from(matched);
        matched
    }

    /// A member's key (its content, without quotes) and the colon after it.
    fn member_key(&mut self) -> Result<&'a [u8], NotJson> {
        let start = self.index;
        if !self.eat(b'"') {
            return Err(NotJson);
        }
        let end = string_end(self.body, start)?;
        self.index = end;
        self.skip_whitespace();
        if !self.eat(b':') {
            return Err(NotJson);
        }
        Ok(&self.body[start + 1..end - 1])
    }
}

/// Bytes that end the plain run of a JSON string: the closing quote, an escape, or a control
/// character (which JSON does not allow unescaped).
const ENDS_PLAIN_RUN: [bool; 256] = {
    let mut ends = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        ends[byte] = byte < 0x20 || byte == b'"' as usize || byte == b'\\' as usize;
        byte += 1;
    }
    ends
};

/// The index just past the closing quote of the string opening at `start`.
fn string_end(body: &[u8], start: usize) -> Result<usize, NotJson> {
    let mut index = start + 1;
    loop {
        index = plain_run_end(body, index);
        match body.get(index) {
            Some(b'"') => return Ok(index + 1),
            Some(b'\\') => match body.get(index + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => index += 2,
                Some(b'u')
                    if body
                        .get(index + 2..index + 6)
                        .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) =>
                {
                    index += 6;
                }
                _ => return Err(NotJson),
            },
            _ => return Err(NotJson),
        }
    }
}

/// The index of the first byte from `index` on that ends a plain run of string content (see
/// `ENDS_PLAIN_RUN`), or `body.len()`. Eight bytes at a time, then byte by byte for the tail.
fn plain_run_end(body: &[u8], mut index: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH_BITS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `word` below `limit`: exact up to the first such byte, which
    // is the only one read.
    let below =
        |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGH_BITS;
    while let Some(chunk) = body.get(index..index + 8) {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        let ends = below(word, 0x20)
            | below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1);
        if ends != 0 {
            return index + (ends.trailing_zeros() / 8) as usize;
        }
        index += 8;
    }
    while body
        .get(index)
        .is_some_and(|&byte| !ENDS_PLAIN_RUN[usize::from(byte)])
    {
        index += 1;
    }
    index
}

/// The index just past the number starting at `start`: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_end(body: &[u8], start: usize) -> Result<usize, NotJson> {
    let digits_from = |from: usize| {
        let count = body[from.min(body.len())..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if count == 0 {
            Err(NotJson)
        } else {
            Ok(from + count)
        }
    };
    let mut index = start + usize::from(body[start] == b'-');
    index = match body.get(index) {
        Some(b'0') => index + 1,
        _ => digits_from(index)?,
    };
    if body.get(index) == Some(&b'.') {
        index = digits_from(index + 1)?;
    }
    if matches!(body.get(index), Some(b'e' | b'E')) {
        index += 1;
        if matches!(body.get(index), Some(b'+' | b'-')) {
            index += 1;
        }
        index = digits_from(index)?;
    }
    Ok(index)
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

    /// serde_json's verdict (parsing into a `Value` checks UTF-8 too, as RFC 8259 asks).
    fn is_json(body: &[u8]) -> bool {
        serde_json::from_slice::<Value>(body).is_ok()
    }

    #[test]
    fn the_scan_accepts_exactly_the_json_that_serde_json_accepts() {
        let deepest = format!("{}{}", "[".repeat(127), "]".repeat(127));
        let too_deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        let samples: [&[u8]; 33] = [
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}]}"#,
            b" \t\r\n{ \"a\" : [ 1 , -0.5e+3 , 2E-2 , 0 , true , false , null , { } , [ ] ] } \n",
            br#"[]"#,
            br#""only a string""#,
            br#"-12"#,
            br#"{"a":"\u00e9\n\t\"\\\/\b\f\r"}"#,
            "{\"caf\u{e9}\": \"\u{1f600}\"}".as_bytes(),
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}]"#,
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}],}"#,
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"},]}"#,
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}]} x"#,
            br#"{"links" [{"href": "http://127.0.0.1:9000/compute/a"}]}"#,
            br#"{"a": 01}"#,
            br#"{"a": 1.}"#,
            br#"{"a": .5}"#,
            br#"{"a": 1e}"#,
            br#"{"a": -}"#,
            br#"{"a": +1}"#,
            br#"{"a": tru}"#,
            br#"{"a": nul}"#,
            br#"{"a": "\x"}"#,
            br#"{"a": "\u12"}"#,
            br#"{"a": "\u12G4"}"#,
            b"{\"a\": \"tab\there\"}",
            b"{\"a\": \"\xff\"}",
            br#"{'a': 1}"#,
            br#"{"a": 1 "b": 2}"#,
            br#"{"a"}"#,
            br#"[1, 2]]"#,
            br#"not json 127.0.0.1"#,
            b"",
            deepest.as_bytes(),
            too_deep.as_bytes(),
        ];
        for sample in samples {
            assert_eq!(
                for_each_url_string(sample, |_| {}).is_ok(),
                is_json(sample),
                "{}",
                String::from_utf8_lossy(sample)
            );
        }
    }

    #[test]
    fn strings_end_at_the_right_byte_wherever_quotes_escapes_and_controls_fall() {
        // Runs of every length around the eight-byte steps, with a special byte at each offset.
        for length in 0..20 {
            for position in 0..=length {
                for special in ["\\\"", "\\\\", "\\u0041", "\"", "\u{1}", "\u{1f}", "\u{e9}"] {
                    let mut content = "x".repeat(length);
                    content.insert_str(position, special);
                    let body = format!(r#"{{"links":{{"self":"{content}"}},"after":"y"}}"#);
                    let mut ranges = Vec::new();
                    let scanned = for_each_url_string(body.as_bytes(), |range| {
                        ranges.push((range.start, range.end));
                    });
                    assert_eq!(scanned.is_ok(), is_json(body.as_bytes()), "{body}");
                    if scanned.is_ok() {
                        let start = body.find(":\"").unwrap() + 1;
                        assert_eq!(ranges, vec![(start, start + content.len() + 2)], "{body}");
                    }
                }
            }
        }
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
