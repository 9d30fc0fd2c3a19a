//! Serving the built app, the security headers, /config.json and start-up errors.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use ecs_gateway::{GatewayConfig, GatewayError};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{FakeUpstream, gateway};

const WASM: &str = "ecs-console-0123456789abcdef_bg.wasm";
const SCRIPT: &str = "ecs-console-0123456789abcdef.js";
const STYLE: &str = "main-0123456789abcdef.css";
const IMAGE: &str = "logo.png";
const IMAGE_BYTES: &[u8] = b"\x89PNG\r\n\x1a\nnot really an image, but it is one to the gateway";
const INDEX: &str = r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>ecs-console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="A browser console for ECS and OpenStack Nova compute clouds">
<link rel="stylesheet" href="/main-0123456789abcdef.css">
<link rel="preload" href="/ecs-console-0123456789abcdef_bg.wasm" as="fetch" type="application/wasm" crossorigin="">
<script type="module" src="/ecs-console-0123456789abcdef.js"></script></head><body>fake app</body></html>"#;

/// A fake trunk output: index.html, a hashed wasm (with the wasm magic number), a hashed script,
/// a large hashed stylesheet, an image and an unhashed file.
fn fake_dist(root: &Path) {
    std::fs::write(root.join("index.html"), INDEX).unwrap();
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(b'w', 4096));
    std::fs::write(root.join(WASM), wasm).unwrap();
    std::fs::write(
        root.join(SCRIPT),
        "export default function init() {}\n".repeat(50),
    )
    .unwrap();
    std::fs::write(root.join(STYLE), large_stylesheet()).unwrap();
    std::fs::write(root.join(IMAGE), IMAGE_BYTES).unwrap();
    std::fs::write(root.join("robots.txt"), "User-agent: *\n").unwrap();
}

/// A gateway serving a fresh `fake_dist`; the directory lives as long as the returned guard.
async fn fake_app() -> (tempfile::TempDir, ecs_gateway::RunningGateway) {
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let gw = app_gateway(dist.path(), &[]).await;
    (dist, gw)
}

async fn app_gateway(root: &Path, direct: &[&str]) -> ecs_gateway::RunningGateway {
    let upstream = FakeUpstream::start().await;
    let root = root.to_owned();
    let direct: Vec<url::Url> = direct.iter().map(|u| u.parse().unwrap()).collect();
    gateway(&[("identity", upstream.url())], move |config| {
        config.dist = Some(root);
        config.direct_endpoints = direct;
    })
    .await
}

fn assert_security_headers(response: &reqwest::Response, connect_src: &str) {
    let headers = response.headers();
    assert_eq!(
        headers["content-security-policy"],
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
             connect-src {connect_src}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        .as_str(),
        "{}",
        response.url()
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
}

#[tokio::test]
async fn wasm_is_served_with_its_type_immutable_caching_and_the_csp() {
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let gw = app_gateway(dist.path(), &["https://iam.example/v3"]).await;
    let response = reqwest::get(format!("{}/{WASM}", gw.url())).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_security_headers(&response, "'self' https://iam.example");
    assert!(response.bytes().await.unwrap().starts_with(b"\0asm"));

    let unhashed = reqwest::get(format!("{}/robots.txt", gw.url()))
        .await
        .unwrap();
    assert_eq!(unhashed.headers()["cache-control"], "no-cache");
    gw.shutdown().await;
}

#[tokio::test]
async fn index_and_client_routes_are_not_cached_and_missing_files_are_404() {
    let (_dist, gw) = fake_app().await;
    for path in [
        "/",
        "/index.html",
        "/servers",
        "/servers/3b5cd16a-4c5b/details",
    ] {
        let response = reqwest::get(format!("{}{path}", gw.url())).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_security_headers(&response, "'self'");
        assert_eq!(response.text().await.unwrap(), INDEX, "{path}");
    }
    for path in ["/missing.js", "/servers/app.wasm"] {
        let response = reqwest::get(format!("{}{path}", gw.url())).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_security_headers(&response, "'self'");
    }
    gw.shutdown().await;
}

/// About 300 KB of varied but compressible CSS, so compressing it takes real work.
fn large_stylesheet() -> String {
    (0u64..7000)
        .map(|i| {
            format!(
                ".rule-{i} {{ margin: {}px; color: #{:06x}; }}\n",
                i % 97,
                (i * 2_654_435_761) & 0xff_ffff
            )
        })
        .collect()
}

/// The body as the client sees it after undoing its Content-Encoding.
fn decoded(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    match encoding {
        None => plain.extend_from_slice(body),
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut plain)
                .unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut plain)
                .unwrap();
        }
        Some(other) => panic!("unexpected content-encoding {other}"),
    }
    plain
}

fn content_encoding(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("content-encoding")
        .map(|value| value.to_str().unwrap().to_owned())
}

async fn get(url: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    if let Some(accept_encoding) = accept_encoding {
        request = request.header("accept-encoding", accept_encoding);
    }
    request.send().await.unwrap()
}

/// Copies are made in the background: until then the file is served as it is.
async fn get_encoded(url: &str, encoding: &str) -> reqwest::Response {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let response = get(url, Some(encoding)).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        if content_encoding(&response).as_deref() == Some(encoding) {
            return response;
        }
        assert!(content_encoding(&response).is_none(), "{url}");
        assert!(
            Instant::now() < deadline,
            "{url} never served with {encoding}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn assert_varies_by_encoding(response: &reqwest::Response) {
    assert!(
        response
            .headers()
            .get_all("vary")
            .iter()
            .any(|value| value.to_str().unwrap().contains("accept-encoding")),
        "{} {:?}",
        response.url(),
        response.headers()
    );
}

#[tokio::test]
async fn stored_copies_decompress_to_the_exact_files() {
    let (dist, gw) = fake_app().await;
    for (path, file, content_type) in [
        (format!("/{STYLE}"), STYLE, "text/css"),
        (format!("/{WASM}"), WASM, "application/wasm"),
        (format!("/{SCRIPT}"), SCRIPT, "javascript"),
        ("/".to_owned(), "index.html", "text/html"),
        (
            "/servers/3b5cd16a-4c5b".to_owned(),
            "index.html",
            "text/html",
        ),
    ] {
        let original = std::fs::read(dist.path().join(file)).unwrap();
        for encoding in ["br", "gzip"] {
            let url = format!("{}{path}", gw.url());
            let response = get_encoded(&url, encoding).await;
            assert_varies_by_encoding(&response);
            let headers = response.headers().clone();
            let content_type_header = headers["content-type"].to_str().unwrap();
            assert!(content_type_header.contains(content_type), "{path}");
            let cache_control = if file == "index.html" {
                "no-cache"
            } else {
                "public, max-age=31536000, immutable"
            };
            assert_eq!(headers["cache-control"], cache_control, "{path}");
            assert!(headers.get("accept-ranges").is_none(), "{path}");
            assert_security_headers(&response, "'self'");
            let body = response.bytes().await.unwrap();
            assert_eq!(headers["content-length"], body.len().to_string().as_str());
            assert_eq!(
                decoded(Some(encoding), &body),
                original,
                "{path} {encoding}"
            );

            let again = get(&url, Some(encoding)).await.bytes().await.unwrap();
            assert_eq!(
                again, body,
                "{path} {encoding}: the stored copy is served again"
            );
        }
    }

    let large = get_encoded(&format!("{}/{STYLE}", gw.url()), "br").await;
    let compressed_len = large.bytes().await.unwrap().len();
    assert!(
        compressed_len * 5 < large_stylesheet().len(),
        "{compressed_len} bytes"
    );
    gw.shutdown().await;
}

#[tokio::test]
async fn accept_encoding_is_negotiated_by_weight() {
    let (_dist, gw) = fake_app().await;
    let url = format!("{}/{STYLE}", gw.url());
    get_encoded(&url, "br").await;
    get_encoded(&url, "gzip").await;
    let original = large_stylesheet().into_bytes();
    for (accept_encoding, expected) in [
        (Some("br"), Some("br")),
        (Some("gzip"), Some("gzip")),
        (Some("gzip, deflate, br, zstd"), Some("br")),
        (Some("gzip;q=1, br;q=0.5"), Some("gzip")),
        (Some("br;q=0, gzip"), Some("gzip")),
        (Some("br;q=0.000, gzip;q=0.001"), Some("gzip")),
        (Some("BR;Q=0.9"), Some("br")),
        (Some("x-gzip"), Some("gzip")),
        // tower-http reads no `*`: the file itself, which `*` accepts too (browsers name codings).
        (Some("*"), None),
        (Some("*;q=0, gzip;q=0.2"), Some("gzip")),
        (Some("identity;q=0.5, br;q=0.5"), Some("br")),
        (Some("identity, br;q=0.5"), None),
        (Some("identity"), None),
        (Some("br;q=0, gzip;q=0"), None),
        (Some("*;q=0"), None),
        (Some("br;q=2, gzip;q=0.1234"), None),
        (Some("deflate"), None),
        (Some(""), None),
        (None, None),
    ] {
        let response = get(&url, accept_encoding).await;
        assert_eq!(response.status(), StatusCode::OK);
        let encoding = content_encoding(&response);
        assert_eq!(encoding.as_deref(), expected, "{accept_encoding:?}");
        assert_varies_by_encoding(&response);
        let body = response.bytes().await.unwrap();
        assert_eq!(
            decoded(encoding.as_deref(), &body),
            original,
            "{accept_encoding:?}"
        );
    }
    gw.shutdown().await;
}

#[tokio::test]
async fn head_conditional_and_range_requests_keep_working() {
    let (_dist, gw) = fake_app().await;
    let url = format!("{}/{STYLE}", gw.url());
    let original = large_stylesheet().into_bytes();
    let brotli = get_encoded(&url, "br").await;
    let last_modified = brotli.headers()["last-modified"].clone();
    let brotli_len = brotli.bytes().await.unwrap().len();
    let client = reqwest::Client::new();

    let head = client
        .head(&url)
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["content-encoding"], "br");
    assert_eq!(head.headers()["content-type"], "text/css");
    assert_eq!(
        head.headers()["content-length"],
        brotli_len.to_string().as_str()
    );
    assert_varies_by_encoding(&head);
    assert!(head.bytes().await.unwrap().is_empty());

    let plain_head = client.head(&url).send().await.unwrap();
    assert!(plain_head.headers().get("content-encoding").is_none());
    assert_eq!(
        plain_head.headers()["content-length"],
        original.len().to_string().as_str()
    );

    let not_modified = client
        .get(&url)
        .header("accept-encoding", "br")
        .header("if-modified-since", last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert_varies_by_encoding(&not_modified);
    assert!(not_modified.bytes().await.unwrap().is_empty());

    let range = client
        .get(&url)
        .header("accept-encoding", "br, gzip")
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(range.status(), StatusCode::PARTIAL_CONTENT);
    assert!(range.headers().get("content-encoding").is_none());
    assert_eq!(range.bytes().await.unwrap().as_ref(), &original[100..200]);
    gw.shutdown().await;
}

#[tokio::test]
async fn a_rebuilt_file_is_never_served_stale() {
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let app = dist.path().join("app.js");
    let first = "console.log('first build');\n".repeat(4000);
    std::fs::write(&app, &first).unwrap();
    let gw = app_gateway(dist.path(), &[]).await;
    let url = format!("{}/app.js", gw.url());
    for encoding in ["br", "gzip"] {
        let body = get_encoded(&url, encoding).await.bytes().await.unwrap();
        assert_eq!(decoded(Some(encoding), &body), first.as_bytes());
    }

    let second = "console.log('second build, a different size');\n".repeat(3000);
    std::fs::write(&app, &second).unwrap();
    // At once: uncompressed while the new copies are made, never the old copies.
    for encoding in ["br", "gzip"] {
        let response = get(&url, Some(encoding)).await;
        let encoding_served = content_encoding(&response);
        let body = response.bytes().await.unwrap();
        assert_eq!(
            decoded(encoding_served.as_deref(), &body),
            second.as_bytes()
        );
    }
    for encoding in ["br", "gzip"] {
        let body = get_encoded(&url, encoding).await.bytes().await.unwrap();
        assert_eq!(decoded(Some(encoding), &body), second.as_bytes());
    }

    std::fs::remove_file(&app).unwrap();
    let removed = get(&url, Some("br")).await;
    assert_eq!(removed.status(), StatusCode::NOT_FOUND);
    gw.shutdown().await;
}

#[tokio::test]
async fn images_are_served_as_they_are() {
    let (_dist, gw) = fake_app().await;
    let response = get(&format!("{}/{IMAGE}", gw.url()), Some("br, gzip")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.bytes().await.unwrap().as_ref(), IMAGE_BYTES);
    gw.shutdown().await;
}

#[tokio::test]
async fn config_json_in_proxy_mode() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    let response = reqwest::get(format!("{}/config.json", gw.url()))
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "mode": "proxy",
            "identity_endpoint": "/proxy/identity/v3",
            "direct_endpoints": [],
            "demo": null
        })
    );
    gw.shutdown().await;
}

#[tokio::test]
async fn config_json_in_simulate_mode_names_the_demo_account_and_the_simulator() {
    let gw = ecs_gateway::spawn(GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    })
    .await
    .unwrap();
    let response = reqwest::get(format!("{}/config.json", gw.url()))
        .await
        .unwrap();
    assert_security_headers(
        &response,
        &format!("'self' {}", gw.simulator_url().unwrap()),
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["mode"], "simulate");
    assert_eq!(body["identity_endpoint"], "/proxy/identity/v3");
    assert_eq!(
        body["direct_endpoints"],
        serde_json::json!([format!("{}/identity/v3", gw.simulator_url().unwrap())])
    );
    assert_eq!(
        body["demo"],
        serde_json::json!({"user": "demo", "password": "demo", "domain": "Default", "project": "demo"})
    );
    let version = reqwest::get(format!("{}/proxy/identity/v3", gw.url()))
        .await
        .unwrap();
    assert_eq!(version.status(), StatusCode::OK);
    assert_eq!(gw.simulator().unwrap().request_count("/identity"), 1);
    gw.shutdown().await;
}

#[tokio::test]
async fn bad_configuration_is_a_clear_error() {
    let missing = std::env::temp_dir().join("ecs-gateway-test-no-such-dist");
    let error = ecs_gateway::spawn(GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        dist: Some(missing.clone()),
        ..Default::default()
    })
    .await
    .err()
    .unwrap();
    assert!(matches!(error, GatewayError::InvalidDist { .. }), "{error}");
    assert!(
        error.to_string().contains("ecs-gateway-test-no-such-dist"),
        "{error}"
    );

    let empty = tempfile::tempdir().unwrap();
    let error = ecs_gateway::spawn(GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        dist: Some(empty.path().to_owned()),
        ..Default::default()
    })
    .await
    .err()
    .unwrap();
    assert!(error.to_string().contains("index.html"), "{error}");

    let error = ecs_gateway::spawn(GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        upstreams: vec![ecs_gateway::Upstream::new("compute", "http://127.0.0.1:1").unwrap()],
        ..Default::default()
    })
    .await
    .err()
    .unwrap();
    assert!(
        matches!(error, GatewayError::MissingIdentityUpstream),
        "{error}"
    );

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let error = ecs_gateway::spawn(GatewayConfig {
        listen: taken.local_addr().unwrap(),
        ..Default::default()
    })
    .await
    .err()
    .unwrap();
    assert!(matches!(error, GatewayError::Bind { .. }), "{error}");

    let ca_dir = tempfile::tempdir().unwrap();
    let not_pem = ca_dir.path().join("not-a-certificate.pem");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    for ca_file in [ca_dir.path().join("missing-ca.pem"), not_pem] {
        let error = ecs_gateway::spawn(GatewayConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            simulate: true,
            extra_ca_file: Some(ca_file.clone()),
            ..Default::default()
        })
        .await
        .err()
        .unwrap();
        assert!(matches!(error, GatewayError::ExtraCa { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains(&*ca_file.file_name().unwrap().to_string_lossy()),
            "{error}"
        );
    }
}
