//! Serving the built app, the security headers, /config.json and start-up errors.

mod common;

use std::path::Path;

use common::{FakeUpstream, gateway};
use ecs_gateway::{GatewayConfig, GatewayError};
use reqwest::StatusCode;
use serde_json::Value;

const WASM: &str = "ecs-console-0123456789abcdef_bg.wasm";
const SCRIPT: &str = "ecs-console-0123456789abcdef.js";
const INDEX: &str = r#"<!DOCTYPE html><html><head><script type="module" src="/ecs-console-0123456789abcdef.js"></script></head><body>fake app</body></html>"#;

/// A fake trunk output: index.html, a hashed wasm (with the wasm magic number), a hashed script
/// with a precompressed brotli twin, and an unhashed file.
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
    std::fs::write(root.join(format!("{SCRIPT}.br")), b"pretend-brotli").unwrap();
    std::fs::write(root.join("robots.txt"), "User-agent: *\n").unwrap();
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
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let gw = app_gateway(dist.path(), &[]).await;
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

#[tokio::test]
async fn assets_are_compressed_precompressed_first() {
    let dist = tempfile::tempdir().unwrap();
    fake_dist(dist.path());
    let gw = app_gateway(dist.path(), &[]).await;
    let client = reqwest::Client::new();

    let brotli = client
        .get(format!("{}/{SCRIPT}", gw.url()))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert!(
        brotli.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(brotli.bytes().await.unwrap().as_ref(), b"pretend-brotli");

    let gzip = client
        .get(format!("{}/{WASM}", gw.url()))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.headers()["content-type"], "application/wasm");
    let compressed = gzip.bytes().await.unwrap();
    assert!(compressed.starts_with(&[0x1f, 0x8b]) && compressed.len() < 4096);
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
