//! CORS: preflight answered for allowed origins, headers exposed, other origins get nothing.

use reqwest::{Method, StatusCode};

use crate::common::{Cloud, fast_config};

const ORIGIN: &str = "http://console.example:8080";

/// `GET flavors` as a page served from `origin` would send it.
async fn flavors_from(cloud: &Cloud, origin: &str) -> reqwest::Response {
    cloud
        .client
        .http
        .get(format!("{}/flavors", cloud.client.compute))
        .header("Origin", origin)
        .header("X-Auth-Token", &cloud.client.token)
        .send()
        .await
        .expect("answered")
}

/// The browser's preflight for a sign-in POST that would send `headers`.
async fn sign_in_preflight(cloud: &Cloud, headers: &str) -> reqwest::Response {
    cloud
        .client
        .http
        .request(
            Method::OPTIONS,
            format!("{}/identity/v3/auth/tokens", cloud.sim.base_url()),
        )
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", headers)
        .send()
        .await
        .expect("answered")
}

#[tokio::test]
async fn preflight_and_exposed_headers_for_allowed_origins() {
    let cloud = Cloud::start(fast_config().cors_allowed_origins([ORIGIN])).await;
    let preflight = sign_in_preflight(&cloud, "content-type,x-auth-token,x-subject-token").await;
    assert_eq!(preflight.status(), StatusCode::OK);
    let header = |name: &str| {
        preflight
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    assert_eq!(header("access-control-allow-origin"), ORIGIN);
    assert!(header("access-control-allow-methods").contains("post"));
    // X-Subject-Token too: a pasted token is validated with GET /v3/auth/tokens.
    for requested in ["x-auth-token", "x-subject-token", "content-type"] {
        assert!(
            header("access-control-allow-headers").contains(requested),
            "{requested} allowed"
        );
    }
    // Keystone allows no microversion header: a preflight asking for one gets no CORS answer
    // (oslo.middleware's behaviour, which a browser reports as a CORS failure).
    let microversion_preflight =
        sign_in_preflight(&cloud, "content-type,openstack-api-version").await;
    assert!(
        microversion_preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert_eq!(
        cloud
            .sim
            .simulator()
            .request_count("/identity/v3/auth/tokens"),
        1,
        "only the sign-in of the test reached the API"
    );

    let actual = flavors_from(&cloud, ORIGIN).await;
    let exposed = actual
        .headers()
        .get("access-control-expose-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    // Nova's own list: the microversion headers, not Location.
    for name in [
        "x-subject-token",
        "openstack-api-version",
        "x-openstack-nova-api-version",
    ] {
        assert!(exposed.contains(name), "{name} exposed in {exposed}");
    }
    assert!(!exposed.contains("location"), "{exposed}");

    let stranger = flavors_from(&cloud, "http://evil.example").await;
    assert!(
        stranger
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn no_cors_headers_unless_configured() {
    let cloud = Cloud::start(fast_config()).await;
    let reply = flavors_from(&cloud, ORIGIN).await;
    assert!(reply.headers().get("access-control-allow-origin").is_none());
}
