//! Shared test support: a fake upstream that records what reaches it, raw HTTP/1.1 requests, and
//! gateway start-up on random loopback ports.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use ecs_gateway::{GatewayConfig, RunningGateway, Upstream};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the fake upstream saw of one request.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    requests: AtomicUsize,
    last: Mutex<Option<Recorded>>,
}

/// An upstream on a random loopback port:
/// - `/sleep/...` answers after 3 s;
/// - `/links` answers JSON with a catalog, links and a Location that point at itself;
/// - `/text` answers a non-JSON body that mentions its own URL;
/// - `/redirect` answers 302 to another host;
/// - anything else answers 201 with a Set-Cookie, an X-Subject-Token and the body it received.
pub struct FakeUpstream {
    pub addr: SocketAddr,
    seen: Arc<Seen>,
}

impl FakeUpstream {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Seen::default());
        let counted = Arc::clone(&seen);
        let listener = listener.tap_io(move |_| {
            counted.connections.fetch_add(1, Ordering::SeqCst);
        });
        let app = axum::Router::new()
            .fallback(respond)
            .with_state((Arc::clone(&seen), addr));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, seen }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn connections(&self) -> usize {
        self.seen.connections.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> usize {
        self.seen.requests.load(Ordering::SeqCst)
    }

    pub fn last(&self) -> Recorded {
        self.seen
            .last
            .lock()
            .unwrap()
            .clone()
            .expect("the fake upstream received no request")
    }
}

async fn respond(
    State((seen, addr)): State<(Arc<Seen>, SocketAddr)>,
    request: Request,
) -> Response {
    seen.requests.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    *seen.last.lock().unwrap() = Some(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    let own = format!("http://{addr}");
    match parts.uri.path() {
        path if path.starts_with("/sleep") => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            "late".into_response()
        }
        "/links" => {
            let document = serde_json::json!({
                "token": {"catalog": [
                    {"type": "compute", "endpoints": [{"interface": "public", "url": format!("{own}/v2.1/p1")}]},
                    {"type": "identity", "endpoints": [{"interface": "public", "url": format!("{own}/identity/v3")}]},
                    {"type": "other", "endpoints": [{"interface": "public", "url": "https://elsewhere.invalid/x"}]}
                ]},
                "servers_links": [{"rel": "next", "href": format!("{own}/v2.1/p1/servers?marker=a")}],
                "note": format!("{own}/not-a-link")
            });
            (
                StatusCode::CREATED,
                [(header::LOCATION, format!("{own}/v2.1/p1/servers/s1"))],
                axum::Json(document),
            )
                .into_response()
        }
        "/text" => (
            [(header::CONTENT_TYPE, "text/plain")],
            format!("see {own}/v2.1 {{\"links\": []}}"),
        )
            .into_response(),
        // JSON in three pieces, a link cut across them (chunked, no Content-Length).
        "/paced-links" => json_in_pieces(vec![
            (
                Duration::ZERO,
                format!(r#"{{"links": [{{"rel": "self", "href": "{own}/v2."#),
            ),
            (PAUSE, r#"1/p1/servers/s1"}], "n": "#.to_owned()),
            (PAUSE, "1}".to_owned()),
        ]),
        // The start of a body, then silence for longer than any test's upstream timeout.
        "/stalled-json" => json_in_pieces(vec![
            (Duration::ZERO, r#"{"links": ["#.to_owned()),
            (Duration::from_secs(3), "]}".to_owned()),
        ]),
        "/stalled-text" => {
            let mut response = json_in_pieces(vec![
                (Duration::ZERO, "the first part, ".to_owned()),
                (Duration::from_secs(3), "and the rest".to_owned()),
            ]);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/plain"),
            );
            response
        }
        "/redirect" => (
            StatusCode::FOUND,
            [(header::LOCATION, "http://elsewhere.invalid/x")],
        )
            .into_response(),
        _ => Response::builder()
            .status(StatusCode::CREATED)
            .header(header::SET_COOKIE, "upstream-session=secret; HttpOnly")
            .header("x-subject-token", "subject-token-value")
            .header("x-compute-request-id", "req-1")
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(body))
            .unwrap(),
    }
}

/// The pause between the pieces of `/paced-links`.
const PAUSE: Duration = Duration::from_millis(30);

/// A JSON response whose body arrives as `pieces`, each after its delay.
fn json_in_pieces(pieces: Vec<(Duration, String)>) -> Response {
    let stream = futures_util::stream::iter(pieces).then(|(delay, piece)| async move {
        tokio::time::sleep(delay).await;
        Ok::<Bytes, std::io::Error>(Bytes::from(piece))
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Starts a gateway on a random port proxying `identity` (required in proxy mode) and the given upstreams.
pub async fn gateway(
    upstreams: &[(&str, String)],
    tune: impl FnOnce(&mut GatewayConfig),
) -> RunningGateway {
    let mut config = GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        upstreams: upstreams
            .iter()
            .map(|(name, url)| Upstream::new(name, url).unwrap())
            .collect(),
        ..Default::default()
    };
    tune(&mut config);
    ecs_gateway::spawn(config).await.unwrap()
}

/// Sends `request` verbatim and returns the status code of the answer (None if the connection
/// closed without one).
pub async fn raw_status(addr: SocketAddr, request: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The peer may close before reading everything (e.g. oversized headers); the answer still counts.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "no answer within 10 s");
    let head = String::from_utf8_lossy(&answer);
    head.strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
}

/// A GET of `target` as raw HTTP/1.1 with `extra` header lines.
pub fn raw_get(target: &str, extra: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n")
        .into_bytes()
}
