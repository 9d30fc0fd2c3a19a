//! The gateway's parsers of outside input, reachable without a running server: entry points for
//! the cargo-fuzz targets in `fuzz/` and their regression tests. Not a stable API.

use std::convert::Infallible;
use std::ops::Range;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::io::{AsyncRead, ReadBuf};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use url::Url;

use crate::config::Upstream;
use crate::framing::{FramingWatch, Verdicts};
use crate::guard::{self, Limits};
use crate::proxy;
use crate::rewrite::{Rewriter, json_scan};
use crate::static_files::{self, Dist};

/// The link rewriter of relayed JSON bodies and `Location` headers.
pub struct LinkRewriter(Rewriter);

impl LinkRewriter {
    pub fn new(upstreams: &[Upstream]) -> Self {
        Self(Rewriter::new(upstreams))
    }

    pub fn rewrite_json_body(&self, body: &[u8], origin: &str) -> Bytes {
        self.0
            .rewrite_json_body(Bytes::copy_from_slice(body), origin)
    }

    pub fn rewrite_url(&self, url: &str, origin: &str) -> Option<String> {
        self.0.rewrite_url(url, origin)
    }
}

/// The rewriter's one-pass JSON scan with every string value selected: their byte ranges (quotes
/// included), or `None` when the scan finds the body is not JSON.
pub fn scan_json_strings(body: &[u8]) -> Option<Vec<Range<usize>>> {
    let mut ranges = Vec::new();
    json_scan::for_each_string_value(body, |_| true, |range| ranges.push(range))
        .ok()
        .map(|()| ranges)
}

/// The framing watcher's verdicts on the first `count` requests of a connection's bytes, read
/// along in reads of at most `piece` bytes as hyper's reads arrive: why each request would be
/// refused (CL+TE, repeated CL), `None` when it is not (or the watcher stopped following).
pub fn framing_verdicts(stream: &[u8], piece: usize, count: usize) -> Vec<Option<&'static str>> {
    let verdicts = Verdicts::default();
    let mut watch = FramingWatch::new(
        Pieces {
            rest: stream,
            piece: piece.max(1),
        },
        verdicts.clone(),
    );
    let mut buffer = vec![0; stream.len().max(1)];
    let mut context = Context::from_waker(Waker::noop());
    loop {
        let mut read = ReadBuf::new(&mut buffer);
        match Pin::new(&mut watch).poll_read(&mut context, &mut read) {
            Poll::Ready(Ok(())) if !read.filled().is_empty() => {}
            _ => break,
        }
    }
    (0..count).map(|_| verdicts.next()).collect()
}

/// A connection that delivers its bytes `piece` at a time.
struct Pieces<'a> {
    rest: &'a [u8],
    piece: usize,
}

impl AsyncRead for Pieces<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let taken = self.rest.len().min(self.piece).min(buf.remaining());
        let (now, later) = self.rest.split_at(taken);
        buf.put_slice(now);
        self.rest = later;
        Poll::Ready(Ok(()))
    }
}

/// What the gateway would forward a vetted request as.
#[derive(Debug)]
pub struct Vetted {
    pub url: Url,
    pub content_length: Option<u64>,
    /// The Host header, when plausible enough to echo into rewritten URLs.
    pub echoed_host: Option<String>,
}

/// Runs the checks an incoming request meets before it is forwarded to `upstream` (which it
/// names as `/proxy/NAME/...`): the guard's (request target form, Host headers, header size),
/// the proxy path's, the target URL's, the Content-Length's, and the Host header's echoed into
/// rewritten URLs. `None`: the pieces do not make an HTTP request (hyper refuses them first).
pub fn vet_request(
    method: &[u8],
    target: &[u8],
    headers: &[(&[u8], &[u8])],
    upstream: &Upstream,
    max_header_bytes: usize,
) -> Option<Result<Vetted, String>> {
    let mut request = Request::builder()
        .method(Method::from_bytes(method).ok()?)
        .uri(target)
        .body(Body::empty())
        .ok()?;
    for (name, value) in headers {
        request.headers_mut().append(
            HeaderName::from_bytes(name).ok()?,
            HeaderValue::from_bytes(value).ok()?,
        );
    }
    Some(vet(&request, upstream, max_header_bytes))
}

fn vet(request: &Request, upstream: &Upstream, max_header_bytes: usize) -> Result<Vetted, String> {
    guard::check(request, Limits { max_header_bytes }).map_err(|error| error.to_string())?;
    let (name, rest) =
        proxy::split_proxy_path(request.uri().path()).map_err(|error| error.to_string())?;
    if name != upstream.name() {
        return Err(format!("no upstream is configured as {name:?}"));
    }
    let uri = proxy::target_uri(upstream, rest, request.uri().query())?;
    let url = Url::parse(&uri.to_string()).map_err(|error| error.to_string())?;
    let content_length = proxy::declared_content_length(request.headers())?;
    let echoed_host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| proxy::is_plausible_host(host))
        .map(str::to_owned);
    Ok(Vetted {
        url,
        content_length,
        echoed_host,
    })
}

/// The app's files served from a dist folder with brotli and gzip copies, as the gateway serves
/// them (the copies chosen by `Accept-Encoding`), on a runtime of its own.
pub struct StaticFiles {
    runtime: tokio::runtime::Runtime,
    service: BoxCloneSyncService<Request, Response, Infallible>,
}

/// What a static file request was answered with.
#[derive(Debug)]
pub struct Served {
    pub status: u16,
    pub content_encoding: Option<HeaderValue>,
    pub body: Bytes,
}

impl StaticFiles {
    /// Serves `dist` (which must hold an `index.html`), with its copies made.
    pub fn new(dist: &Path) -> Result<Self, crate::GatewayError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread tokio runtime");
        let dist = Dist::open(dist)?;
        runtime.block_on(dist.warm_up());
        let service = static_files::service(Some(&dist));
        Ok(Self { runtime, service })
    }

    /// Answers a request for `target` with these headers after the guard's checks, as the
    /// gateway does; `None` when the pieces do not make an HTTP request.
    pub fn get(&self, method: &[u8], target: &[u8], headers: &[(&[u8], &[u8])]) -> Option<Served> {
        let mut request = Request::builder()
            .method(Method::from_bytes(method).ok()?)
            .uri(target)
            .body(Body::empty())
            .ok()?;
        for (name, value) in headers {
            request.headers_mut().append(
                HeaderName::from_bytes(name).ok()?,
                HeaderValue::from_bytes(value).ok()?,
            );
        }
        let limits = Limits {
            max_header_bytes: crate::DEFAULT_MAX_HEADER_BYTES,
        };
        let service = self.service.clone();
        self.runtime.block_on(async move {
            let response = match guard::check(&request, limits) {
                Ok(()) => match service.oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                },
                Err(error) => error.into_response(),
            };
            let status = response.status().as_u16();
            let content_encoding = response.headers().get(header::CONTENT_ENCODING).cloned();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap_or_default();
            Some(Served {
                status,
                content_encoding,
                body,
            })
        })
    }
}
