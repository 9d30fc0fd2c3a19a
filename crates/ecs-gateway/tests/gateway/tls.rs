//! TLS to upstreams: the gateway trusts the system roots plus `extra_ca_file`, so a private cloud
//! whose certificate chains to a private CA is reachable exactly when that CA is configured, and a
//! certificate issued for another host name is refused even then.
//!
//! The CA and the certificates are made at test time; the HTTPS upstream listens on loopback.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::get;
use ecs_gateway::RunningGateway;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, KeyUsagePurpose};
use serde_json::{Value, json};
use tempfile::NamedTempFile;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::server::TlsStream;

use crate::common::gateway;

/// A private CA, its certificate in a PEM file for `extra_ca_file`, and server configs it signed.
struct PrivateCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
    pem_file: NamedTempFile,
}

impl PrivateCa {
    fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let pem_file = NamedTempFile::new().unwrap();
        std::fs::write(pem_file.path(), issuer.pem()).unwrap();
        Self { issuer, pem_file }
    }

    /// A rustls server config presenting a certificate for `names`, signed by this CA.
    fn server_config(&self, names: &[&str]) -> Arc<ServerConfig> {
        let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        let key = KeyPair::generate().unwrap();
        let certificate = CertificateParams::new(names)
            .unwrap()
            .signed_by(&key, &self.issuer)
            .unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![certificate.der().clone()], key)
            .unwrap();
        Arc::new(config)
    }
}

#[derive(Default)]
struct Counts {
    failed_handshakes: AtomicUsize,
    requests: AtomicUsize,
}

/// Accepts TCP connections and completes the TLS handshake before axum sees them, counting the
/// handshakes that fail (a client that distrusts the certificate aborts here).
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    counts: Arc<Counts>,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, peer)) = self.tcp.accept().await else {
                continue;
            };
            let handshake =
                tokio::time::timeout(Duration::from_secs(5), self.acceptor.accept(stream)).await;
            match handshake {
                Ok(Ok(tls)) => return (tls, peer),
                _ => {
                    self.counts.failed_handshakes.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A Keystone-like HTTPS upstream on a random loopback port: `GET /identity/v3` answers a version
/// document whose `links` point at its own https URL, with the host the client asked for.
struct TlsUpstream {
    addr: SocketAddr,
    counts: Arc<Counts>,
}

impl TlsUpstream {
    async fn start(tls: Arc<ServerConfig>) -> Self {
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let counts = Arc::new(Counts::default());
        let listener = TlsListener {
            tcp,
            acceptor: TlsAcceptor::from(tls),
            counts: Arc::clone(&counts),
        };
        let app = axum::Router::new()
            .route("/identity/v3", get(version_document))
            .with_state(Arc::clone(&counts));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, counts }
    }

    /// The upstream's identity base URL with `host` (a name or address its certificate may cover).
    fn identity_url(&self, host: &str) -> String {
        format!("https://{host}:{}/identity", self.addr.port())
    }

    fn requests(&self) -> usize {
        self.counts.requests.load(Ordering::SeqCst)
    }

    fn failed_handshakes(&self) -> usize {
        self.counts.failed_handshakes.load(Ordering::SeqCst)
    }

    /// Waits for the failed handshake: the client's alert can reach the upstream after the
    /// gateway has already answered.
    async fn wait_for_failed_handshake(&self) {
        for _ in 0..100 {
            if self.failed_handshakes() > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the upstream saw no failed TLS handshake within 5 s");
    }
}

async fn version_document(State(counts): State<Arc<Counts>>, headers: HeaderMap) -> Json<Value> {
    counts.requests.fetch_add(1, Ordering::SeqCst);
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    Json(json!({
        "version": {
            "id": "v3.14",
            "status": "stable",
            "links": [{"rel": "self", "href": format!("https://{host}/identity/v3/")}]
        }
    }))
}

async fn get_json(url: String) -> (StatusCode, Value) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn private_ca_upstream_is_reached_and_its_https_links_are_rewritten() {
    let ca = PrivateCa::new();
    let upstream = TlsUpstream::start(ca.server_config(&["localhost", "127.0.0.1"])).await;
    // By name (the link host) and by address: the certificate covers both.
    for host in ["localhost", "127.0.0.1"] {
        let gw = gateway(&[("identity", upstream.identity_url(host))], |config| {
            config.extra_ca_file = Some(ca.pem_file.path().to_owned());
        })
        .await;
        let (status, body) = get_json(format!("{}/proxy/identity/v3", gw.url())).await;
        assert_eq!(status, StatusCode::OK, "via {host}: {body}");
        assert_eq!(body["version"]["id"], "v3.14", "via {host}");
        assert_eq!(
            body["version"]["links"][0]["href"],
            format!("{}/proxy/identity/v3/", gw.url()),
            "via {host}"
        );
        gw.shutdown().await;
    }
    assert_eq!(upstream.requests(), 2);
    assert_eq!(upstream.failed_handshakes(), 0);
}

/// Checks that TLS stopped the gateway's `GET /proxy/identity/v3` to `upstream`: a 502 naming the
/// upstream, a failed handshake, and no HTTP request.
async fn assert_refused_at_handshake(gw: &RunningGateway, upstream: &TlsUpstream) {
    let (status, body) = get_json(format!("{}/proxy/identity/v3", gw.url())).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["error"]["upstream"], "identity");
    upstream.wait_for_failed_handshake().await;
    assert_eq!(upstream.requests(), 0, "an HTTP request got past TLS");
}

#[tokio::test]
async fn private_ca_upstream_is_refused_without_the_extra_ca() {
    let ca = PrivateCa::new();
    let upstream = TlsUpstream::start(ca.server_config(&["localhost", "127.0.0.1"])).await;
    let gw = gateway(&[("identity", upstream.identity_url("localhost"))], |_| {}).await;
    assert_refused_at_handshake(&gw, &upstream).await;
    gw.shutdown().await;
}

#[tokio::test]
async fn certificate_for_another_host_is_refused_even_with_the_extra_ca() {
    let ca = PrivateCa::new();
    let wrong_name = TlsUpstream::start(ca.server_config(&["other.example"])).await;
    let right_name = TlsUpstream::start(ca.server_config(&["localhost"])).await;
    let gw = gateway(
        &[
            ("identity", wrong_name.identity_url("localhost")),
            ("same-ca", right_name.identity_url("localhost")),
        ],
        |config| {
            config.extra_ca_file = Some(ca.pem_file.path().to_owned());
        },
    )
    .await;
    // The gateway trusts the CA: only the name makes the difference.
    let (status, body) = get_json(format!("{}/proxy/same-ca/v3", gw.url())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_refused_at_handshake(&gw, &wrong_name).await;
    gw.shutdown().await;
}
