//! CORS: preflight answered for allowed origins, headers exposed, other origins get nothing.

use reqwest::{Method, StatusCode};

use crate::common::{Cloud, fast_config};

const ORIGIN: &str = "http://console.example:8080";

/// `GET flavors` as a page served from `origin` would send it.
async fn flavors_from(cloud: &Cloud, origin: &str) -> reqwest::Response {
    cloud
        .http
        .get(format!("{}/flavors", cloud.compute))
        .header("Origin", origin)
        .header("X-Auth-Token", &cloud.token)
        .send()
        .await
        .expect("answered")
}

#[tokio::test]
async fn preflight_and_exposed_headers_for_allowed_origins() {
    let cloud = Cloud::start(fast_config().cors_allowed_origins([ORIGIN])).await;
    let preflight = cloud
        .http
        .request(
            Method::OPTIONS,
            format!("{}/identity/v3/auth/tokens", cloud.sim.base_url()),
        )
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type,x-auth-token,x-subject-token,openstack-api-version,x-openstack-nova-api-version",
        )
        .send()
        .await
        .expect("answered");
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
    for requested in [
        "x-auth-token",
        "x-subject-token",
        "openstack-api-version",
        "content-type",
    ] {
        assert!(
            header("access-control-allow-headers").contains(requested),
            "{requested} allowed"
        );
    }
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
    for name in [
        "x-subject-token",
        "openstack-api-version",
        "x-openstack-nova-api-version",
        "x-compute-request-id",
        "location",
    ] {
        assert!(exposed.contains(name), "{name} exposed in {exposed}");
    }

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
