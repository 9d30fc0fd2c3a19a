//! Hostile clients at the gateway's listener: slow headers, piles of idle connections, oversized
//! or ambiguous requests, trickling bodies. A canary upstream counts what reaches it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ecs_gateway::RunningGateway;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{FakeUpstream, gateway, raw_status};

/// A gateway whose `identity` and `canary` upstreams are both the returned fake upstream.
async fn gateway_with_canary(
    tune: impl FnOnce(&mut ecs_gateway::GatewayConfig),
) -> (RunningGateway, FakeUpstream) {
    let canary = FakeUpstream::start().await;
    let gw = gateway(
        &[("identity", canary.url()), ("canary", canary.url())],
        tune,
    )
    .await;
    (gw, canary)
}

/// `GET /config.json` on a new connection: its status, and the time from connect to answer.
async fn timed_get(addr: SocketAddr) -> (Option<u16>, Duration) {
    let started = Instant::now();
    let status = raw_status(
        addr,
        b"GET /config.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    (status, started.elapsed())
}

/// Reads until the peer closes (or `limit` passes); the bytes read.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut answer = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut answer))
        .await
        .ok()
        .map(|_| answer)
}

#[tokio::test]
async fn slow_headers_are_cut_off_while_other_clients_are_served() {
    let (gw, canary) = gateway_with_canary(|config| {
        config.header_timeout = Duration::from_secs(2);
    })
    .await;
    let stream = TcpStream::connect(gw.addr()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let started = Instant::now();
    // One byte a second, for up to 40 s: far longer than the timeout allows.
    let trickle = tokio::spawn(async move {
        let head = b"GET /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".iter();
        for byte in head.chain(b"a".repeat(40).iter()) {
            if writer.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    let cut = tokio::spawn(async move {
        let mut buffer = [0u8; 1024];
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => return started.elapsed(),
                Ok(_) => {}
            }
        }
    });
    // Meanwhile others are served, promptly.
    while !cut.is_finished() && started.elapsed() < Duration::from_secs(15) {
        let (status, took) = timed_get(gw.addr()).await;
        assert_eq!(status, Some(200));
        assert!(took < Duration::from_secs(2), "a request took {took:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let cut_after = tokio::time::timeout(Duration::from_secs(1), cut)
        .await
        .expect("the slow client was still connected after 15 s")
        .unwrap();
    assert!(
        cut_after >= Duration::from_secs(2) && cut_after < Duration::from_secs(10),
        "cut off after {cut_after:?} (header timeout 2 s)"
    );
    trickle.abort();
    assert_eq!(canary.requests(), 0, "the slow request was forwarded");
    gw.shutdown().await;
}

/// Raises this process's soft limit on open files to `wanted` (within the hard limit).
fn raise_open_files_limit(wanted: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        if limit.rlim_cur < wanted {
            limit.rlim_cur = wanted.min(limit.rlim_max);
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
        }
    }
    assert!(
        limit.rlim_cur >= wanted,
        "the open files limit ({}) is below {wanted}",
        limit.rlim_cur
    );
}

#[tokio::test]
async fn a_thousand_idle_keep_alive_connections_do_not_delay_new_requests() {
    const IDLE: usize = 1000;
    // Both ends of every connection are in this process, with the test harness's own files.
    raise_open_files_limit(4096);
    let (gw, _canary) = gateway_with_canary(|config| {
        // Long enough that the idle connections stay open for the whole test.
        config.header_timeout = Duration::from_secs(120);
    })
    .await;
    let addr = gw.addr();
    // Each connection makes one keep-alive request, reads the answer, and then idles.
    let mut idle = Vec::with_capacity(IDLE);
    for batch in 0..IDLE / 100 {
        let opened = (0..100).map(|_| async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            stream
                .write_all(b"GET /config.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .await
                .unwrap();
            read_response(&mut stream).await;
            stream
        });
        idle.extend(futures_util::future::join_all(opened).await);
        assert_eq!(idle.len(), (batch + 1) * 100);
    }

    let mut took = Vec::new();
    for _ in 0..20 {
        let (status, elapsed) = timed_get(addr).await;
        assert_eq!(status, Some(200));
        took.push(elapsed);
    }
    took.sort();
    let median = took[took.len() / 2];
    assert!(
        median < Duration::from_millis(100),
        "median {median:?} with {IDLE} idle connections: {took:?}"
    );
    assert!(
        took[took.len() - 1] < Duration::from_secs(1),
        "slowest {:?} with {IDLE} idle connections",
        took[took.len() - 1]
    );
    // The idle connections were really held open: the first and last still answer.
    for index in [0, IDLE - 1] {
        let stream = &mut idle[index];
        stream
            .write_all(b"GET /config.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .unwrap();
        assert!(read_response(stream).await.starts_with("HTTP/1.1 200"));
    }
    drop(idle);
    gw.shutdown().await;
}

/// Reads one response with a Content-Length body from a keep-alive connection.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
            .await
            .expect("an answer within 10 s")
            .unwrap();
        assert!(read > 0, "the connection closed mid-answer");
        answer.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&answer).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .expect("a Content-Length");
            if answer.len() >= end + 4 + length {
                return text;
            }
        }
    }
}

#[tokio::test]
async fn oversized_headers_get_431_and_reach_no_upstream() {
    let (gw, canary) = gateway_with_canary(|_| {}).await;
    // Over the 32 KiB default: the guard's JSON 431. Far over it: hyper's 431, before the
    // whole head is buffered.
    for size in [40 * 1024, 100 * 1024, 2 * 1024 * 1024] {
        let request = format!(
            "GET /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
            "b".repeat(size)
        );
        let status = raw_status(gw.addr(), request.as_bytes()).await;
        assert_eq!(status, Some(431), "{size} bytes of header");
    }
    assert_eq!(canary.connections(), 0);
    gw.shutdown().await;
}

#[tokio::test]
async fn ambiguous_or_proxy_requests_get_400_and_reach_no_upstream() {
    let (gw, canary) = gateway_with_canary(|_| {}).await;
    let canary_host = canary.addr;
    let cases: Vec<(&str, String)> = vec![
        (
            "Content-Length, then Transfer-Encoding",
            "POST /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
             Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                .to_owned(),
        ),
        (
            "Transfer-Encoding, then Content-Length",
            "POST /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\
             Content-Length: 5\r\n\r\n0\r\n\r\n"
                .to_owned(),
        ),
        (
            // hyper passes the last two on as one request with a single header.
            "two equal Content-Lengths",
            "POST /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
             Content-Length: 5\r\nConnection: close\r\n\r\nhello"
                .to_owned(),
        ),
        (
            "a chunked request, then Content-Length with Transfer-Encoding on the same connection",
            "POST /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\
             \r\n5\r\nhello\r\n0\r\n\r\n\
             POST /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
             Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                .to_owned(),
        ),
        (
            // hyper takes a bare LF for a line end (found by the gateway_framing fuzz target).
            "a head ended by bare LFs, then Content-Length with Transfer-Encoding",
            "GET /proxy/canary/x HTTP/1.1\nHost: 127.0.0.1\n\n\
             POST /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
             Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                .to_owned(),
        ),
        (
            "a head ended by LF CR LF, then two equal Content-Lengths",
            "GET /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\n\r\n\
             POST /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
             Content-Length: 5\r\nConnection: close\r\n\r\nhello"
                .to_owned(),
        ),
        (
            "two different Content-Lengths",
            "POST /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
             Content-Length: 6\r\nConnection: close\r\n\r\nhello!"
                .to_owned(),
        ),
        (
            "a bare CR in a header",
            "GET /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rX-B: b\r\n\
             Connection: close\r\n\r\n"
                .to_owned(),
        ),
        (
            "an absolute-form target",
            format!(
                "GET http://{canary_host}/proxy/canary/x HTTP/1.1\r\nHost: {canary_host}\r\n\
                 Connection: close\r\n\r\n"
            ),
        ),
        (
            "CONNECT to a host",
            format!(
                "CONNECT {canary_host} HTTP/1.1\r\nHost: {canary_host}\r\nConnection: close\r\n\r\n"
            ),
        ),
        (
            "CONNECT to a path",
            "CONNECT /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .to_owned(),
        ),
    ];
    for (what, request) in cases {
        let statuses = raw_statuses(gw.addr(), request.as_bytes()).await;
        let expected: &[u16] =
            if what.starts_with("a chunked request") || what.starts_with("a head") {
                &[201, 400]
            } else {
                &[400]
            };
        assert_eq!(statuses, expected, "{what}");
    }
    assert_eq!(
        canary.requests(),
        3,
        "a refused request was forwarded (the three requests before one are expected)"
    );
    // The canary counts: a plain request reaches it.
    let plain = raw_status(
        gw.addr(),
        b"GET /proxy/canary/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(plain, Some(201));
    assert_eq!(canary.requests(), 4);
    gw.shutdown().await;
}

/// Sends `requests` verbatim on one connection; the status of every answer until it closes.
async fn raw_statuses(addr: SocketAddr, requests: &[u8]) -> Vec<u16> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let _ = stream.write_all(requests).await;
    let answer = read_until_closed(&mut stream, Duration::from_secs(10))
        .await
        .expect("the connection closed within 10 s");
    String::from_utf8_lossy(&answer)
        .match_indices("HTTP/1.1 ")
        .filter_map(|(at, _)| answer.get(at + 9..at + 12))
        .filter_map(|code| std::str::from_utf8(code).ok()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn a_trickling_request_body_is_cut_off() {
    let (gw, _canary) = gateway_with_canary(|config| {
        config.min_body_bytes_per_sec = 100;
        config.body_grace = Duration::from_secs(1);
    })
    .await;
    let mut stream = TcpStream::connect(gw.addr()).await.unwrap();
    stream
        .write_all(
            b"POST /proxy/canary/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n",
        )
        .await
        .unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let started = Instant::now();
    // Two bytes a second, for up to 30 s (the upstream timeout is 60 s).
    let trickle = tokio::spawn(async move {
        for _ in 0..60 {
            if writer.write_all(b"x").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "the trickling body was not cut off within 10 s"
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "after {:?}: {answer}",
        started.elapsed()
    );
    assert!(
        answer.contains("slower than 100 bytes a second"),
        "{answer}"
    );
    trickle.abort();

    // A body at a normal pace still goes through.
    let mut stream = TcpStream::connect(gw.addr()).await.unwrap();
    stream
        .write_all(
            b"POST /proxy/canary/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
              Connection: close\r\n\r\nhello",
        )
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(10))
        .await
        .expect("an answer within 10 s");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 201"));
    gw.shutdown().await;
}
