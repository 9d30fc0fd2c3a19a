//! The CORS proxy against a fake upstream that counts every connection and request it receives.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{FakeUpstream, gateway, raw_get, raw_status};

async fn error_body(response: reqwest::Response) -> Value {
    let body: Value = response.json().await.unwrap();
    assert!(body["error"]["message"].is_string(), "{body}");
    body
}

#[tokio::test]
async fn forwards_method_path_query_body_and_api_headers_only() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    let response = reqwest::Client::new()
        .post(format!(
            "{}/proxy/identity/v3/auth/tokens?nocatalog=1&x=%20y",
            gw.url()
        ))
        .header("X-Auth-Token", "token-value")
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("OpenStack-API-Version", "compute 2.67")
        .header("X-OpenStack-Nova-API-Version", "2.67")
        .header("Cookie", "console-session=1")
        .header("X-Forwarded-For", "203.0.113.7")
        .header("X-Forwarded-Host", "evil.invalid")
        .header("Forwarded", "for=203.0.113.7;host=evil.invalid")
        .header("X-Real-IP", "203.0.113.7")
        .header("Authorization", "Basic ZXZpbDpldmls")
        .header("X-Custom", "not an API header")
        .body(r#"{"auth": {}}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CREATED);
    let headers = response.headers().clone();
    assert_eq!(headers["x-subject-token"], "subject-token-value");
    assert_eq!(headers["x-compute-request-id"], "req-1");
    assert!(headers.get("set-cookie").is_none(), "Set-Cookie came back");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await.unwrap().as_ref(), br#"{"auth": {}}"#);

    let seen = upstream.last();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, "/v3/auth/tokens");
    assert_eq!(seen.query.as_deref(), Some("nocatalog=1&x=%20y"));
    assert_eq!(seen.body.as_ref(), br#"{"auth": {}}"#);
    for (name, value) in [
        ("x-auth-token", "token-value"),
        ("content-type", "application/json"),
        ("accept", "application/json"),
        ("openstack-api-version", "compute 2.67"),
        ("x-openstack-nova-api-version", "2.67"),
    ] {
        assert_eq!(seen.headers[name], value, "{name}");
    }
    for name in [
        "cookie",
        "x-forwarded-for",
        "x-forwarded-host",
        "forwarded",
        "x-real-ip",
        "authorization",
        "x-custom",
    ] {
        assert!(seen.headers.get(name).is_none(), "{name} was forwarded");
    }
    assert_eq!(seen.headers["host"], upstream.addr.to_string());
    gw.shutdown().await;
}

#[tokio::test]
async fn unknown_upstream_names_are_refused_without_a_connection() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    let client = reqwest::Client::new();
    for path in [
        "/proxy/compute/v2.1",
        "/proxy/",
        "/proxy",
        "/proxy/Identity/v3",
    ] {
        let response = client
            .get(format!("{}{path}", gw.url()))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
        error_body(response).await;
    }
    assert_eq!(upstream.connections(), 0);
    gw.shutdown().await;
}

#[tokio::test]
async fn host_smuggling_attempts_get_4xx_and_no_outbound_connection() {
    let upstream = FakeUpstream::start().await;
    let elsewhere = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    let other = elsewhere.addr.to_string();
    let big_token = "t".repeat(100 * 1024);
    let huge_token = "t".repeat(1024 * 1024);
    let attempts: Vec<(String, Vec<u8>)> = vec![
        (
            "absolute URL".into(),
            raw_get(&format!("http://{other}/proxy/identity/v3"), ""),
        ),
        (
            "absolute URL, other path".into(),
            raw_get(&format!("http://{other}/v3"), ""),
        ),
        (
            "CONNECT".into(),
            format!("CONNECT {other} HTTP/1.1\r\nHost: {other}\r\nConnection: close\r\n\r\n")
                .into_bytes(),
        ),
        (
            "//host after name".into(),
            raw_get(&format!("/proxy/identity//{other}/v3"), ""),
        ),
        (
            "//host as name".into(),
            raw_get(&format!("/proxy//{other}/v3"), ""),
        ),
        (
            "//host first".into(),
            raw_get(&format!("//{other}/proxy/identity/v3"), ""),
        ),
        ("..%2f".into(), raw_get("/proxy/identity/..%2f..%2fv3", "")),
        (
            "..%2F in name".into(),
            raw_get("/proxy/identity%2F..%2F/v3", ""),
        ),
        (
            "%2e%2e".into(),
            raw_get("/proxy/identity/%2e%2e/%2e%2e/v3", ""),
        ),
        ("%2E%2E".into(), raw_get("/proxy/identity/v3/%2E%2E", "")),
        ("plain ..".into(), raw_get("/proxy/identity/../../v3", "")),
        (
            "encoded backslash".into(),
            raw_get("/proxy/identity/..%5c..%5cv3", ""),
        ),
        (
            "@ after name".into(),
            raw_get(&format!("/proxy/identity@{other}/v3"), ""),
        ),
        (
            "@ segment".into(),
            raw_get(&format!("/proxy/identity/@{other}/v3"), ""),
        ),
        (
            "port after name".into(),
            raw_get("/proxy/identity:1/v3", ""),
        ),
        ("encoded NUL".into(), raw_get("/proxy/identity/v3%00", "")),
        (
            "encoded CR LF".into(),
            raw_get("/proxy/identity/v3%0d%0aHost:%20evil", ""),
        ),
        (
            "bare CR in header".into(),
            raw_get("/proxy/identity/v3", "X-Auth-Token: a\rHost: evil\r\n"),
        ),
        (
            "LF in header".into(),
            raw_get("/proxy/identity/v3", "X-Auth-Token: a\nHost: evil\r\n"),
        ),
        (
            "obs-fold header".into(),
            raw_get("/proxy/identity/v3", "X-Auth-Token: a\r\n Host: evil\r\n"),
        ),
        (
            "oversized header".into(),
            raw_get(
                "/proxy/identity/v3",
                &format!("X-Auth-Token: {big_token}\r\n"),
            ),
        ),
        (
            "huge header".into(),
            raw_get(
                "/proxy/identity/v3",
                &format!("X-Auth-Token: {huge_token}\r\n"),
            ),
        ),
    ];
    for (what, request) in attempts {
        let status = raw_status(gw.addr(), &request).await;
        assert!(
            status.is_some_and(|code| (400..500).contains(&code)),
            "{what}: answered {status:?}"
        );
    }
    assert_eq!(
        upstream.connections(),
        0,
        "the configured upstream was contacted"
    );
    assert_eq!(elsewhere.connections(), 0, "another host was contacted");

    // The same gateway still forwards a plain request: the refusals above were not a dead proxy.
    let ok = raw_status(gw.addr(), &raw_get("/proxy/identity/v3", "")).await;
    assert_eq!(ok, Some(201));
    assert_eq!(upstream.requests(), 1);
    gw.shutdown().await;
}

#[tokio::test]
async fn redirects_are_relayed_not_followed() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(format!("{}/proxy/identity/redirect", gw.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "http://elsewhere.invalid/x");
    assert_eq!(upstream.requests(), 1);
    gw.shutdown().await;
}

#[tokio::test]
async fn body_limit_gives_413_whether_declared_or_streamed() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |config| {
        config.max_body_bytes = 1024;
    })
    .await;
    let client = reqwest::Client::new();
    let url = format!("{}/proxy/identity/v3/echo", gw.url());

    let declared = client
        .post(&url)
        .body(vec![b'a'; 1025])
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = error_body(declared).await;
    assert_eq!(body["error"]["upstream"], "identity");
    assert_eq!(
        upstream.connections(),
        0,
        "a declared oversized body was sent on"
    );

    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..8).map(|_| Ok(vec![b'b'; 512])).collect();
    let streamed = client
        .post(&url)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let at_limit = client
        .post(&url)
        .body(vec![b'c'; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(at_limit.status(), StatusCode::CREATED);
    assert_eq!(at_limit.bytes().await.unwrap().len(), 1024);
    gw.shutdown().await;
}

#[tokio::test]
async fn unreachable_upstream_gives_502_naming_it() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let gw = gateway(&[("identity", format!("http://{closed}"))], |_| {}).await;
    let response = reqwest::get(format!("{}/proxy/identity/v3", gw.url()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let body = error_body(response).await;
    assert_eq!(body["error"]["upstream"], "identity");
    assert_eq!(body["error"]["code"], 502);
    gw.shutdown().await;
}

#[tokio::test]
async fn slow_upstream_gives_504_naming_it() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |config| {
        config.upstream_timeout = Duration::from_millis(300);
    })
    .await;
    let started = Instant::now();
    let response = reqwest::get(format!("{}/proxy/identity/sleep", gw.url()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    let body = error_body(response).await;
    assert_eq!(body["error"]["upstream"], "identity");
    assert_eq!(
        body["error"]["message"],
        "upstream \"identity\" did not answer within 300 ms"
    );
    gw.shutdown().await;
}

#[tokio::test]
async fn a_body_that_stalls_gives_504_or_ends_early() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |config| {
        config.upstream_timeout = Duration::from_millis(300);
    })
    .await;
    // JSON is read whole (to rewrite links) before anything is sent: the stall is a 504.
    let started = Instant::now();
    let response = reqwest::get(format!("{}/proxy/identity/stalled-json", gw.url()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(error_body(response).await["error"]["upstream"], "identity");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // Other bodies stream: the status and first part arrive, then the body breaks off.
    let started = Instant::now();
    let response = reqwest::get(format!("{}/proxy/identity/stalled-text", gw.url()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.bytes().await.is_err(),
        "the stalled body ended cleanly"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    gw.shutdown().await;
}

#[tokio::test]
async fn a_json_body_in_pieces_is_rewritten_whole() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    let response = reqwest::get(format!("{}/proxy/identity/paced-links", gw.url()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.text().await.unwrap(),
        format!(
            r#"{{"links": [{{"rel": "self", "href": "{}/proxy/identity/v2.1/p1/servers/s1"}}], "n": 1}}"#,
            gw.url()
        )
    );
    gw.shutdown().await;
}

#[tokio::test]
async fn urls_pointing_at_upstreams_are_rewritten_to_the_proxy() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(
        &[
            ("identity", format!("{}/identity", upstream.url())),
            ("compute", upstream.url()),
        ],
        |_| {},
    )
    .await;
    let gateway_url = gw.url();
    let response = reqwest::get(format!("{gateway_url}/proxy/compute/links"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        response.headers()["location"],
        format!("{gateway_url}/proxy/compute/v2.1/p1/servers/s1").as_str()
    );
    let body: Value = response.json().await.unwrap();
    let catalog = &body["token"]["catalog"];
    assert_eq!(
        catalog[0]["endpoints"][0]["url"],
        format!("{gateway_url}/proxy/compute/v2.1/p1")
    );
    // Longest prefix: /identity belongs to the identity upstream, not to compute at the root.
    assert_eq!(
        catalog[1]["endpoints"][0]["url"],
        format!("{gateway_url}/proxy/identity/v3")
    );
    assert_eq!(
        catalog[2]["endpoints"][0]["url"],
        "https://elsewhere.invalid/x"
    );
    assert_eq!(
        body["servers_links"][0]["href"],
        format!("{gateway_url}/proxy/compute/v2.1/p1/servers?marker=a")
    );
    assert_eq!(body["note"], format!("{}/not-a-link", upstream.url()));

    let text = reqwest::get(format!("{gateway_url}/proxy/compute/text"))
        .await
        .unwrap();
    assert_eq!(
        text.text().await.unwrap(),
        format!("see {}/v2.1 {{\"links\": []}}", upstream.url())
    );
    gw.shutdown().await;
}
