//! The client for upstream calls: hyper's pooled keep-alive client over rustls, HTTP/1.1 only.
//! No redirects are followed (a proxy hands Location back to the browser), no environment proxies
//! are used, and TLS trusts the system roots plus the optional extra CA.

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio::time::{Instant, Sleep};

use crate::GatewayError;
use crate::config::GatewayConfig;

pub(crate) type UpstreamClient = Client<HttpsConnector<HttpConnector>, Body>;

/// How long an idle pooled connection to an upstream is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

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
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| GatewayError::HttpClient(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();

    let mut tcp = HttpConnector::new();
    // The HTTPS connector decides between http and https.
    tcp.enforce_http(false);
    tcp.set_connect_timeout(Some(config.connect_timeout));
    tcp.set_nodelay(true);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(tcp);
    Ok(Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .build(connector))
}

/// An upstream response body that fails when no data arrives for `timeout`: a stalled upstream
/// ends the relayed body instead of holding the browser's request open.
pub(crate) struct ReadTimeoutBody {
    inner: Incoming,
    timeout: Duration,
    /// Armed only while waiting: a body already received whole never touches the timer.
    waiting: Option<Pin<Box<Sleep>>>,
}

impl ReadTimeoutBody {
    pub(crate) fn new(inner: Incoming, timeout: Duration) -> Self {
        Self {
            inner,
            timeout,
            waiting: None,
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

impl HttpBody for ReadTimeoutBody {
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.waiting = None;
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
