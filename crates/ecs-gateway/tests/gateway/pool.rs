//! The upstream connection pool: a connection goes back to its upstream's pool once its response
//! has been read whole (buffered for rewriting, streamed, or empty), is used again by the next
//! request, and one the upstream closed while idle costs no request and sends none twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{FakeUpstream, gateway};

#[tokio::test]
async fn one_connection_serves_requests_one_after_another() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    let client = reqwest::Client::new();
    let url = |path: &str| format!("{}/proxy/identity{path}", gw.url());
    for round in 0..3 {
        // Rewritten JSON (read whole), a streamed text body, a body echoed back, and HEAD.
        let links = client.get(url("/links")).send().await.unwrap();
        assert_eq!(links.status(), StatusCode::CREATED);
        links.bytes().await.unwrap();
        let text = client.get(url("/text")).send().await.unwrap();
        assert!(text.text().await.unwrap().starts_with("see "));
        let echoed = client
            .post(url("/echo"))
            .body(format!("round {round}"))
            .send()
            .await
            .unwrap();
        assert_eq!(echoed.status(), StatusCode::CREATED);
        assert_eq!(echoed.text().await.unwrap(), format!("round {round}"));
        let head = client.head(url("/links")).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::CREATED);
    }
    assert_eq!(upstream.requests(), 12);
    assert_eq!(
        upstream.connections(),
        1,
        "each request after the first should reuse the upstream connection"
    );
    gw.shutdown().await;
}

#[tokio::test]
async fn a_connection_the_upstream_closed_while_idle_costs_no_request() {
    let upstream = ClosingUpstream::start(Duration::from_millis(100)).await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    let client = reqwest::Client::new();
    let url = format!("{}/proxy/identity/v3/things", gw.url());
    for _ in 0..3 {
        let got = client.get(&url).send().await.unwrap();
        assert_eq!(got.status(), StatusCode::OK);
        // Longer than the upstream keeps an idle connection.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let created = client.post(&url).body("{}").send().await.unwrap();
        assert_eq!(created.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert_eq!(
        upstream.requests.load(Ordering::SeqCst),
        6,
        "every request reached the upstream exactly once"
    );
    assert_eq!(upstream.connections.load(Ordering::SeqCst), 6);
    gw.shutdown().await;
}

/// An HTTP/1.1 upstream that keeps connections alive but closes one idle for `idle` without
/// saying so, as servers with a short keep-alive timeout do.
struct ClosingUpstream {
    url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl ClosingUpstream {
    async fn start(idle: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (counted_connections, counted_requests) =
            (Arc::clone(&connections), Arc::clone(&requests));
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                counted_connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, idle, Arc::clone(&counted_requests)));
            }
        });
        Self {
            url,
            connections,
            requests,
        }
    }

    fn url(&self) -> String {
        self.url.clone()
    }
}

/// Answers `{}` to each request (bodies by Content-Length only) until the connection has been
/// idle for `idle`, then closes it.
async fn serve(mut stream: TcpStream, idle: Duration, requests: Arc<AtomicUsize>) {
    let mut buffer = Vec::new();
    loop {
        let Some(head_end) = find(&buffer, b"\r\n\r\n") else {
            let mut chunk = [0u8; 4096];
            match tokio::time::timeout(idle, stream.read(&mut chunk)).await {
                Ok(Ok(read)) if read > 0 => buffer.extend_from_slice(&chunk[..read]),
                _ => return,
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
        let body_length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .map_or(0, |value| value.trim().parse().unwrap());
        while buffer.len() < head_end + 4 + body_length {
            let mut chunk = [0u8; 4096];
            let read = stream.read(&mut chunk).await.unwrap();
            assert!(read > 0, "the request body was cut short");
            buffer.extend_from_slice(&chunk[..read]);
        }
        buffer.drain(..head_end + 4 + body_length);
        requests.fetch_add(1, Ordering::SeqCst);
        stream
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            )
            .await
            .unwrap();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
