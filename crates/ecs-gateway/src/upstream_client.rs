//! The client for upstream calls: hyper's HTTP/1.1 connections over TCP or rustls, kept alive in
//! one pool per upstream. No redirects are followed (a proxy hands Location back to the browser),
//! no environment proxies are used, and TLS trusts the system roots plus the optional extra CA.
//!
//! Written on hyper's connection API rather than hyper-util's pooled client: each upstream's
//! address is known when the gateway starts, so a connection is taken from its own list and
//! given back when its response has been read, without the general client's keyed pool, its
//! Host and URI rewriting, or a task spawned per request to return the connection.

use std::collections::VecDeque;
use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response};
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsConnector;
use url::Host;

use crate::GatewayError;
use crate::config::{GatewayConfig, Upstream};

/// How long an idle connection to an upstream is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Idle connections kept per upstream; more are closed when their response has been read.
const MAX_IDLE_PER_UPSTREAM: usize = 256;

/// Connects to upstreams: TLS settings and the connect timeout, shared by every pool.
pub(crate) struct UpstreamClient {
    tls: TlsConnector,
    connect_timeout: Duration,
}

pub(crate) fn http_client(config: &GatewayConfig) -> Result<UpstreamClient, GatewayError> {
    let mut roots = RootCertStore::empty();
    // Native stores often hold a few certificates rustls cannot parse: those are skipped.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = &config.extra_ca_file {
        let extra_ca = |reason: String| GatewayError::ExtraCa {
            path: path.clone(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| extra_ca(e.to_string()))?;
        let certificates = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| extra_ca(format!("not a PEM certificate bundle: {e}")))?;
        if certificates.is_empty() {
            return Err(extra_ca("contains no PEM certificate".to_owned()));
        }
        for certificate in certificates {
            roots
                .add(certificate)
                .map_err(|e| extra_ca(format!("not a usable CA certificate: {e}")))?;
        }
    }
    let mut tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| GatewayError::HttpClient(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(UpstreamClient {
        tls: TlsConnector::from(Arc::new(tls)),
        connect_timeout: config.connect_timeout,
    })
}

/// Why an upstream request got no response.
#[derive(Debug)]
pub(crate) enum SendError {
    /// No connection: refused, unresolved, timed out, or the TLS handshake failed.
    Connect,
    /// The connection broke before a response head (or the request body failed).
    Failed,
}

impl UpstreamClient {
    /// Sends `request` (origin-form URI; the pool sets Host) on an idle connection of `pool`, or
    /// on a new one. A request an idle connection closed under before it was written goes on
    /// the next connection; one that was written is never sent twice.
    pub(crate) async fn send(
        &self,
        pool: &UpstreamPool,
        mut request: Request<Body>,
    ) -> Result<PooledResponse, SendError> {
        request
            .headers_mut()
            .insert(axum::http::header::HOST, pool.0.host_header.clone());
        while let Some(mut sender) = pool.take_idle() {
            match sender.try_send_request(request).await {
                Ok(response) => return Ok(pool.pooled(response, sender)),
                Err(mut error) => match error.take_message() {
                    Some(unsent) => request = unsent,
                    None => return Err(SendError::Failed),
                },
            }
        }
        let mut sender = self.connect(pool).await?;
        match sender.send_request(request).await {
            Ok(response) => Ok(pool.pooled(response, sender)),
            Err(_) => Err(SendError::Failed),
        }
    }

    async fn connect(&self, pool: &UpstreamPool) -> Result<SendRequest<Body>, SendError> {
        let address = &pool.0.address;
        let tcp = tokio::time::timeout(
            self.connect_timeout,
            TcpStream::connect((address.host.as_str(), address.port)),
        )
        .await
        .map_err(|_elapsed| SendError::Connect)?
        .map_err(|_| SendError::Connect)?;
        // Requests leave in one write, bodies in more: no waiting for delayed ACKs.
        let _ = tcp.set_nodelay(true);
        match &address.tls_name {
            None => handshake(tcp).await,
            Some(name) => {
                let tls = self
                    .tls
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|_| SendError::Connect)?;
                handshake(tls).await
            }
        }
    }
}

async fn handshake<T>(stream: T) -> Result<SendRequest<Body>, SendError>
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|_| SendError::Connect)?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "upstream connection ended with an error");
        }
    });
    Ok(sender)
}

/// Where one upstream's connections go, and its idle ones.
#[derive(Clone)]
pub(crate) struct UpstreamPool(Arc<Pool>);

struct Pool {
    address: Address,
    host_header: HeaderValue,
    /// Most recently used last; the oldest are closed first once idle too long.
    idle: Mutex<VecDeque<IdleConnection>>,
}

struct Address {
    host: String,
    port: u16,
    /// The name the certificate must carry, for https.
    tls_name: Option<ServerName<'static>>,
}

struct IdleConnection {
    sender: SendRequest<Body>,
    since: Instant,
}

impl UpstreamPool {
    /// The pool for an upstream (`Upstream::new` accepted its URL: http or https, with a host).
    pub(crate) fn new(upstream: &Upstream) -> Result<Self, GatewayError> {
        let url = upstream.url();
        let invalid = |reason: &str| GatewayError::InvalidUpstream {
            name: upstream.name().to_owned(),
            reason: reason.to_owned(),
        };
        let host = url.host().ok_or_else(|| invalid("the URL has no host"))?;
        let port = url
            .port_or_known_default()
            .ok_or_else(|| invalid("the URL has no port"))?;
        let tls_name = match url.scheme() {
            "https" => Some(match &host {
                Host::Domain(domain) => ServerName::try_from((*domain).to_owned())
                    .map_err(|_| invalid("the host is not a valid TLS server name"))?,
                Host::Ipv4(address) => ServerName::from(std::net::IpAddr::V4(*address)),
                Host::Ipv6(address) => ServerName::from(std::net::IpAddr::V6(*address)),
            }),
            _ => None,
        };
        // Url leaves out a scheme's default port, as a Host header does.
        let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
        let host_header = HeaderValue::from_str(authority)
            .map_err(|_| invalid("the host cannot be sent as a Host header"))?;
        let host = match host {
            Host::Domain(domain) => domain.to_owned(),
            Host::Ipv4(address) => address.to_string(),
            Host::Ipv6(address) => address.to_string(),
        };
        Ok(Self(Arc::new(Pool {
            address: Address {
                host,
                port,
                tls_name,
            },
            host_header,
            idle: Mutex::new(VecDeque::new()),
        })))
    }

    /// The most recently used idle connection that is still open, if any.
    fn take_idle(&self) -> Option<SendRequest<Body>> {
        let mut idle = self.lock();
        while let Some(connection) = idle.pop_back() {
            if connection.since.elapsed() < POOL_IDLE_TIMEOUT && connection.sender.is_ready() {
                return Some(connection.sender);
            }
        }
        None
    }

    fn pooled(&self, response: Response<Incoming>, sender: SendRequest<Body>) -> PooledResponse {
        PooledResponse {
            response,
            checkin: Checkin {
                pool: self.clone(),
                sender,
            },
        }
    }

    fn give_back(&self, sender: SendRequest<Body>) {
        let mut idle = self.lock();
        while idle
            .front()
            .is_some_and(|oldest| oldest.since.elapsed() >= POOL_IDLE_TIMEOUT)
        {
            idle.pop_front();
        }
        if idle.len() < MAX_IDLE_PER_UPSTREAM {
            idle.push_back(IdleConnection {
                sender,
                since: Instant::now(),
            });
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<IdleConnection>> {
        self.0.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// An upstream response and the connection it came on.
pub(crate) struct PooledResponse {
    pub(crate) response: Response<Incoming>,
    pub(crate) checkin: Checkin,
}

/// Gives a connection back to its pool once its response has been read whole.
pub(crate) struct Checkin {
    pool: UpstreamPool,
    sender: SendRequest<Body>,
}

impl Checkin {
    fn give_back(mut self) {
        if self.sender.is_ready() {
            self.pool.give_back(self.sender);
        } else if !self.sender.is_closed() {
            // The connection has not yet seen the end of the response it just delivered.
            tokio::spawn(async move {
                if self.sender.ready().await.is_ok() {
                    self.pool.give_back(self.sender);
                }
            });
        }
    }
}

/// An upstream response body that fails when no data arrives for `timeout` (a stalled upstream
/// ends the relayed body instead of holding the browser's request open), and gives its
/// connection back to the pool once read to the end. A body dropped or failed before its end
/// closes the connection instead.
pub(crate) struct UpstreamBody {
    inner: Incoming,
    timeout: Duration,
    /// Armed only while waiting: a body already received whole never touches the timer.
    waiting: Option<Pin<Box<Sleep>>>,
    checkin: Option<Checkin>,
}

impl UpstreamBody {
    pub(crate) fn new(inner: Incoming, checkin: Checkin, timeout: Duration) -> Self {
        let mut body = Self {
            inner,
            timeout,
            waiting: None,
            checkin: Some(checkin),
        };
        body.give_back_at_end();
        body
    }

    /// hyper stops polling a body that says it has ended: the connection goes back then.
    fn give_back_at_end(&mut self) {
        if self.inner.is_end_stream() {
            self.give_back();
        }
    }

    fn give_back(&mut self) {
        if let Some(checkin) = self.checkin.take() {
            checkin.give_back();
        }
    }
}

/// No data from the upstream within the read timeout.
#[derive(Debug)]
pub(crate) struct ReadTimedOut;

impl fmt::Display for ReadTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the upstream sent no data within the timeout")
    }
}

impl StdError for ReadTimedOut {}

impl HttpBody for UpstreamBody {
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.waiting = None;
            match &frame {
                Some(Ok(_)) => this.give_back_at_end(),
                None => this.give_back(),
                // The connection is closed with the checkin.
                Some(Err(_)) => this.checkin = None,
            }
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let timeout = this.timeout;
        let waiting = this
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(Instant::now() + timeout)));
        ready!(waiting.as_mut().poll(cx));
        Poll::Ready(Some(Err(Box::new(ReadTimedOut))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
