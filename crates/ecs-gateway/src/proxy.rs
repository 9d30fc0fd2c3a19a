//! The CORS proxy: `/proxy/NAME/rest?query` goes to the upstream configured as NAME, and nowhere else.
//!
//! The target URL is always the configured base URL plus the request's path remainder; nothing in
//! the request (Host, absolute targets, encoded separators, dot segments) can pick the host, scheme
//! or port. Only the API's own headers go out; cookies, hop-by-hop and forwarding headers are dropped.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use http_body::Body as _;
use http_body_util::BodyExt;
use percent_encoding::percent_decode_str;
use url::Url;

use crate::GatewayError;
use crate::config::{GatewayConfig, Upstream, is_valid_upstream_name};
use crate::request_error::RequestError;
use crate::rewrite::Rewriter;
use crate::upstream_client::{
    PooledResponse, ReadTimedOut, SendError, UpstreamBody, UpstreamClient, UpstreamPool,
};

/// Request headers the API needs; everything else (cookies, Authorization for other realms,
/// forwarding headers, Host) stays behind.
const FORWARDED_REQUEST_HEADERS: [HeaderName; 9] = [
    HeaderName::from_static("x-auth-token"),
    HeaderName::from_static("x-subject-token"),
    header::CONTENT_TYPE,
    header::ACCEPT,
    header::ACCEPT_LANGUAGE,
    HeaderName::from_static("openstack-api-version"),
    HeaderName::from_static("x-openstack-nova-api-version"),
    HeaderName::from_static("x-openstack-request-id"),
    header::IF_NONE_MATCH,
];

/// Response headers that describe the upstream connection or set state in the browser.
const DROPPED_RESPONSE_HEADERS: [HeaderName; 11] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::SET_COOKIE,
    HeaderName::from_static("set-cookie2"),
];

/// Sent as User-Agent on every upstream request.
const USER_AGENT: &str = concat!("ecs-gateway/", env!("CARGO_PKG_VERSION"));

/// JSON bodies larger than this are streamed untouched instead of buffered for URL rewriting.
const MAX_REWRITTEN_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// Marks a response with the upstream that served it, for the access log.
#[derive(Debug, Clone)]
pub(crate) struct UpstreamName(pub(crate) Arc<str>);

/// One configured upstream, as the proxy reaches it.
struct Route {
    upstream: Upstream,
    /// Shared by every response's `UpstreamName`.
    name: Arc<str>,
    pool: UpstreamPool,
}

pub(crate) struct ProxyState {
    routes: Vec<Route>,
    rewriter: Rewriter,
    client: UpstreamClient,
    max_body_bytes: usize,
    upstream_timeout: Duration,
    public_origin: Option<String>,
    local_addr: SocketAddr,
}

impl ProxyState {
    pub(crate) fn new(
        config: &GatewayConfig,
        client: UpstreamClient,
        local_addr: SocketAddr,
    ) -> Result<Self, GatewayError> {
        let routes = config
            .upstreams
            .iter()
            .map(|upstream| {
                Ok(Route {
                    upstream: upstream.clone(),
                    name: Arc::from(upstream.name()),
                    pool: UpstreamPool::new(upstream)?,
                })
            })
            .collect::<Result<_, GatewayError>>()?;
        Ok(Self {
            routes,
            rewriter: Rewriter::new(&config.upstreams),
            client,
            max_body_bytes: config.max_body_bytes,
            upstream_timeout: config.upstream_timeout,
            public_origin: config
                .public_url
                .as_ref()
                .map(|url| url.origin().ascii_serialization()),
            local_addr,
        })
    }

    /// The origin the browser used, for rewritten URLs: the configured public URL, else the Host header.
    fn gateway_origin(&self, headers: &HeaderMap) -> String {
        if let Some(origin) = &self.public_origin {
            return origin.clone();
        }
        headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .filter(|host| is_plausible_host(host))
            .map_or_else(
                || format!("http://{}", self.local_addr),
                |host| format!("http://{host}"),
            )
    }
}

/// A Host header we are willing to echo into rewritten URLs: a valid authority without userinfo.
pub(crate) fn is_plausible_host(host: &str) -> bool {
    !host.contains('@') && host.parse::<axum::http::uri::Authority>().is_ok()
}

pub(crate) async fn forward(
    state: &ProxyState,
    request: Request,
) -> Result<Response, RequestError> {
    let (name, rest) = split_proxy_path(request.uri().path())?;
    let route = state
        .routes
        .iter()
        .find(|route| route.upstream.name() == name)
        .ok_or_else(|| RequestError::UnknownUpstream(name.to_owned()))?;
    let target = target_uri(&route.upstream, rest, request.uri().query()).map_err(|reason| {
        RequestError::BadProxiedRequest {
            upstream: Arc::clone(&route.name),
            reason,
        }
    })?;
    let mut response = send(state, route, target, request).await?;
    response
        .extensions_mut()
        .insert(UpstreamName(Arc::clone(&route.name)));
    Ok(response)
}

/// Splits `/proxy/NAME/rest` into NAME and `/rest`, refusing anything that is not a plain path.
pub(crate) fn split_proxy_path(path: &str) -> Result<(&str, &str), RequestError> {
    let after = path
        .strip_prefix("/proxy/")
        .ok_or(RequestError::BadRequest("not a proxy path"))?;
    let (name, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
    if !is_valid_upstream_name(name) {
        return Err(RequestError::BadRequest(
            "upstream names use only lowercase letters, digits, '-' and '_'",
        ));
    }
    validate_rest(rest).map_err(RequestError::BadRequest)?;
    Ok((name, rest))
}

/// Every segment must be a plain, non-empty name once decoded: no dot segments, no encoded
/// separators, no userinfo marker, no control characters.
fn validate_rest(rest: &str) -> Result<(), &'static str> {
    let Some(segments) = rest.strip_prefix('/') else {
        return Ok(());
    };
    let mut segments = segments.split('/').peekable();
    while let Some(segment) = segments.next() {
        if segment.is_empty() {
            if segments.peek().is_none() {
                continue; // a trailing slash, as in `/compute/`
            }
            return Err("empty path segments are not accepted");
        }
        if segment.contains(['@', '\\']) {
            return Err("'@' and '\\' are not accepted in proxied paths");
        }
        // Borrowed unless the segment holds a percent sign.
        let decoded: Cow<'_, [u8]> = percent_decode_str(segment).into();
        if *decoded == *b"." || *decoded == *b".." {
            return Err("dot segments are not accepted in proxied paths");
        }
        if decoded
            .iter()
            .any(|&byte| byte == b'/' || byte == b'\\' || byte.is_ascii_control())
        {
            return Err(
                "encoded separators and control characters are not accepted in proxied paths",
            );
        }
    }
    Ok(())
}

/// The upstream's URI for a request: the base URL, then the path remainder and the query.
pub(crate) fn target_uri(
    upstream: &Upstream,
    rest: &str,
    query: Option<&str>,
) -> Result<Uri, &'static str> {
    let target = if is_written_as_is(rest) && query.is_none_or(is_written_as_is) {
        joined_target(upstream, rest, query)
    } else {
        String::from(target_url(upstream, rest, query)?)
    };
    // Both ways make a valid URI; a failure here would be a bug, refused like a bad path.
    Uri::try_from(target).map_err(|_| "the proxied path does not make a valid URI")
}

/// Bytes `Url` writes unchanged in a path and in a query: unreserved characters, the
/// sub-delimiters but `'`, and `:`, `@`, `/`, `?`, `%`.
fn is_written_as_is(text: &str) -> bool {
    text.bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@/?%".contains(&byte))
}

/// Base URL + remainder + query as text, for a remainder `validate_rest` accepted and text
/// `Url` would leave as it is: the same URL `target_url` makes, without parsing it again (the
/// per-request parse cost a proxy more than the rest of its path handling).
fn joined_target(upstream: &Upstream, rest: &str, query: Option<&str>) -> String {
    let base = upstream.url();
    let base_path = base.path().trim_end_matches('/');
    let origin = &base[..url::Position::BeforePath];
    let mut target = String::with_capacity(
        origin.len() + base_path.len() + rest.len() + query.map_or(0, |query| query.len() + 2),
    );
    target.push_str(origin);
    target.push_str(base_path);
    target.push_str(rest);
    if base_path.is_empty() && rest.is_empty() {
        target.push('/');
    }
    if let Some(query) = query {
        target.push('?');
        target.push_str(query);
    }
    target
}

/// Base URL + remainder + query through `Url` (which encodes what a URL path or query may not
/// hold), then checked again: same scheme, host and port, under the base path.
pub(crate) fn target_url(
    upstream: &Upstream,
    rest: &str,
    query: Option<&str>,
) -> Result<Url, &'static str> {
    let base = upstream.url();
    let base_path = base.path().trim_end_matches('/');
    // Only the path and query are set on a copy of the base: its scheme, host and port are not
    // parsed again per request (host parsing costs more than the rest of the URL).
    let mut url = base.clone();
    let mut path = String::with_capacity(base_path.len() + rest.len());
    path.push_str(base_path);
    path.push_str(rest);
    url.set_path(&path);
    url.set_query(query);
    let under_base = url.path() == base_path
        || url
            .path()
            .strip_prefix(base_path)
            .is_some_and(|after| after.starts_with('/'));
    if url.scheme() != base.scheme()
        || url.host() != base.host()
        || url.port_or_known_default() != base.port_or_known_default()
        || !url.username().is_empty()
        || url.password().is_some()
        || !under_base
    {
        return Err("the proxied path would leave the configured upstream");
    }
    Ok(url)
}

async fn send(
    state: &ProxyState,
    route: &Route,
    target: Uri,
    request: Request,
) -> Result<Response, RequestError> {
    let name = &route.name;
    if !matches!(
        *request.method(),
        Method::GET
            | Method::HEAD
            | Method::POST
            | Method::PUT
            | Method::PATCH
            | Method::DELETE
            | Method::OPTIONS
    ) {
        return Err(RequestError::MethodNotAllowed {
            upstream: Arc::clone(name),
        });
    }
    let declared_length = declared_content_length(request.headers()).map_err(|reason| {
        RequestError::BadProxiedRequest {
            upstream: Arc::clone(name),
            reason,
        }
    })?;
    if declared_length.is_some_and(|length| length > state.max_body_bytes as u64) {
        return Err(body_too_large(state, name));
    }
    let origin = state.gateway_origin(request.headers());
    let method = request.method().clone();
    let mut outgoing = axum::http::Request::new(Body::empty());
    *outgoing.method_mut() = method.clone();
    // Origin-form, as a server expects it; the pool sets Host.
    *outgoing.uri_mut() = target
        .path_and_query()
        .cloned()
        .map_or_else(Uri::default, Uri::from);
    let headers = outgoing.headers_mut();
    for header_name in &FORWARDED_REQUEST_HEADERS {
        for value in request.headers().get_all(header_name) {
            headers.append(header_name.clone(), value.clone());
        }
    }
    headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
    if !headers.contains_key(header::ACCEPT) {
        headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
    }

    let body = request.into_body();
    let over_limit = Arc::new(AtomicBool::new(false));
    if body.size_hint().exact() != Some(0) {
        if let Some(length) = declared_length {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        *outgoing.body_mut() = limited_body(body, state.max_body_bytes, Arc::clone(&over_limit));
    }

    let sent = tokio::time::timeout(
        state.upstream_timeout,
        state.client.send(&route.pool, outgoing),
    )
    .await;
    let upstream_response = match sent {
        Err(_elapsed) => return Err(timeout(state, name)),
        Ok(Err(_)) if over_limit.load(Ordering::Relaxed) => {
            return Err(body_too_large(state, name));
        }
        Ok(Err(error)) => return Err(failure(name, &error)),
        Ok(Ok(response)) => response,
    };
    relay(state, name, &origin, &method, upstream_response).await
}

pub(crate) fn declared_content_length(headers: &HeaderMap) -> Result<Option<u64>, &'static str> {
    headers
        .get(header::CONTENT_LENGTH)
        .map(|value| {
            value
                .to_str()
                .ok()
                .and_then(|text| text.parse::<u64>().ok())
                .ok_or("invalid Content-Length")
        })
        .transpose()
}

/// Streams the request body, failing the upstream request once it passes `limit` bytes.
fn limited_body(body: Body, limit: usize, over_limit: Arc<AtomicBool>) -> Body {
    let mut seen = 0usize;
    let stream = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen = seen.saturating_add(chunk.len());
        if seen > limit {
            over_limit.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("request body over the limit"));
        }
        Ok::<Bytes, std::io::Error>(chunk)
    });
    Body::from_stream(stream)
}

fn body_too_large(state: &ProxyState, name: &Arc<str>) -> RequestError {
    RequestError::BodyTooLarge {
        upstream: Arc::clone(name),
        limit: state.max_body_bytes,
    }
}

fn timeout(state: &ProxyState, name: &Arc<str>) -> RequestError {
    RequestError::UpstreamTimeout {
        upstream: Arc::clone(name),
        after: state.upstream_timeout,
    }
}

/// A request that got no response: connecting (refused, unresolved, connect timeout, TLS
/// handshake) or later (the connection broke before a response head).
fn failure(name: &Arc<str>, error: &SendError) -> RequestError {
    let upstream = Arc::clone(name);
    match error {
        SendError::Connect => RequestError::UpstreamUnreachable { upstream },
        SendError::Failed => RequestError::UpstreamFailed { upstream },
    }
}

/// Status and headers unchanged (less cookies and hop-by-hop headers); URLs that point at an
/// upstream are rewritten in Location and in JSON bodies; other bodies stream through untouched.
async fn relay(
    state: &ProxyState,
    name: &Arc<str>,
    origin: &str,
    method: &Method,
    upstream_response: PooledResponse,
) -> Result<Response, RequestError> {
    let PooledResponse { response, checkin } = upstream_response;
    let (parts, body) = response.into_parts();
    let status = parts.status;
    let mut headers = parts.headers;
    drop_hop_by_hop_headers(&mut headers);
    if let Some(location) = headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
        && let Some(rewritten) = state.rewriter.rewrite_url(location, origin)
        && let Ok(value) = HeaderValue::from_str(&rewritten)
    {
        headers.insert(header::LOCATION, value);
    }
    let body = UpstreamBody::new(body, checkin, state.upstream_timeout);
    let rewritable = *method != Method::HEAD
        && !matches!(status, StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED)
        && is_json(&headers)
        && body
            .size_hint()
            .exact()
            .is_none_or(|length| length <= MAX_REWRITTEN_BODY_BYTES);

    let body = if rewritable {
        let bytes = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.is::<ReadTimedOut>() => return Err(timeout(state, name)),
            Err(_) => {
                return Err(RequestError::UpstreamBrokeOff {
                    upstream: Arc::clone(name),
                });
            }
        };
        let bytes = state.rewriter.rewrite_json_body(bytes, origin);
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
        Body::from(bytes)
    } else {
        Body::new(body)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Ok(response)
}

fn drop_hop_by_hop_headers(headers: &mut HeaderMap) {
    // Headers named in Connection are hop-by-hop too (RFC 9110, 7.6.1).
    let named_in_connection: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in DROPPED_RESPONSE_HEADERS.iter().chain(&named_in_connection) {
        headers.remove(name);
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .is_some_and(|media_type| {
            media_type.eq_ignore_ascii_case("application/json")
                || media_type.to_ascii_lowercase().ends_with("+json")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream(url: &str) -> Upstream {
        Upstream::new("compute", url).unwrap()
    }

    #[test]
    fn plain_paths_map_under_the_base() {
        let uri = target_uri(
            &upstream("http://10.0.0.1:8774/compute"),
            "/v2.1/flavors",
            Some("limit=2"),
        )
        .unwrap();
        assert_eq!(
            uri.to_string(),
            "http://10.0.0.1:8774/compute/v2.1/flavors?limit=2"
        );
        let root = target_uri(&upstream("https://ecs.example"), "", None).unwrap();
        assert_eq!(root.to_string(), "https://ecs.example/");
    }

    #[test]
    fn joined_targets_are_what_url_makes() {
        let bases = [
            "http://10.0.0.1:8774/compute",
            "http://10.0.0.1:80/compute/v2.1/",
            "https://ecs.example",
            "https://[::1]:8443/",
        ];
        let rests = [
            "",
            "/",
            "/v2.1/servers/detail",
            "/v2.1/os-keypairs/my%20key",
            "/a:b/c=d",
        ];
        let queries = [
            None,
            Some(""),
            Some("limit=2&marker=abc"),
            Some("name=%E2%9C%93&x=(1)*+,;:@/?"),
        ];
        for base in bases {
            let upstream = upstream(base);
            for rest in rests {
                for query in queries {
                    assert!(is_written_as_is(rest) && query.is_none_or(is_written_as_is));
                    assert_eq!(
                        joined_target(&upstream, rest, query),
                        target_url(&upstream, rest, query).unwrap().as_str(),
                        "{base} {rest} {query:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn other_text_goes_through_url() {
        let upstream = upstream("http://10.0.0.1:8774/compute");
        for (rest, query, expected) in [
            ("/a\"b", None, "http://10.0.0.1:8774/compute/a%22b"),
            (
                "/v2.1/servers",
                Some("name='x y'"),
                "http://10.0.0.1:8774/compute/v2.1/servers?name=%27x%20y%27",
            ),
            (
                "/caf\u{e9}",
                Some("{}"),
                "http://10.0.0.1:8774/compute/caf%C3%A9?{}",
            ),
        ] {
            assert!(!is_written_as_is(rest) || !query.is_none_or(is_written_as_is));
            assert_eq!(
                target_uri(&upstream, rest, query).unwrap().to_string(),
                expected
            );
        }
    }

    #[test]
    fn smuggling_segments_are_refused() {
        for rest in [
            "//evil.example/x",
            "/a/../../x",
            "/..%2f..%2fx",
            "/%2e%2e/x",
            "/%2E%2e",
            "/.",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/@evil.example",
            "/a%00b",
            "/a%0d%0ab",
        ] {
            assert!(validate_rest(rest).is_err(), "{rest} was accepted");
        }
        for rest in [
            "",
            "/",
            "/v2.1/flavors/detail",
            "/v2.1/os-keypairs/my%20key",
            "/v3/",
        ] {
            assert!(validate_rest(rest).is_ok(), "{rest} was refused");
        }
    }
}
