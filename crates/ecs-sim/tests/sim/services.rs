//! Glance and Neutron beside Nova: listed in the token's catalog (unless the cloud is Nova-only),
//! their version documents, Keystone's 401 without a token, their own CORS defaults, and the
//! error injection knobs in their own error bodies.

use ecs_sim::test_client::{Reply, TestClient};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{Cloud, fast_config};

/// The public endpoint of `service_type` in the client's token catalog.
pub fn endpoint(client: &TestClient, service_type: &str) -> Option<String> {
    client.token_body["token"]["catalog"]
        .as_array()?
        .iter()
        .find(|service| service["type"] == service_type)?["endpoints"]
        .as_array()?
        .iter()
        .find(|endpoint| endpoint["interface"] == "public")?["url"]
        .as_str()
        .map(str::to_owned)
}

/// A call to `url` with the client's token (`token` false: none) and a JSON body.
pub async fn call_with(
    client: &TestClient,
    method: Method,
    url: &str,
    body: Option<&Value>,
    token: bool,
) -> Reply {
    let mut request = client
        .http
        .request(method, url)
        .header("Accept", "application/json");
    if token {
        request = request.header("X-Auth-Token", &client.token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    Reply::read(request.send().await.expect("answered")).await
}

/// A signed-in call to the `service_type` endpoint's `path` (e.g. `v2.0/networks`).
pub async fn service_call(
    client: &TestClient,
    service_type: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Reply {
    let base = endpoint(client, service_type)
        .unwrap_or_else(|| panic!("the catalog lists {service_type}"));
    let url = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    call_with(client, method, &url, body, true).await
}

#[tokio::test]
async fn the_catalog_lists_glance_and_neutron_unless_the_cloud_is_nova_only() {
    let cloud = Cloud::start(fast_config()).await;
    let base = cloud.sim.base_url();
    assert_eq!(
        endpoint(&cloud.client, "image").as_deref(),
        Some(format!("{base}/image").as_str())
    );
    assert_eq!(
        endpoint(&cloud.client, "network").as_deref(),
        Some(format!("{base}/network").as_str())
    );
    for service in cloud.client.token_body["token"]["catalog"]
        .as_array()
        .expect("catalog")
    {
        let endpoints = service["endpoints"].as_array().expect("endpoints");
        assert!(
            endpoints
                .iter()
                .all(|endpoint| endpoint["region"] == "RegionOne"),
            "same region rules as compute: {service}"
        );
    }

    let nova_only = Cloud::start(fast_config().nova_only(true)).await;
    let types: Vec<&str> = nova_only.client.token_body["token"]["catalog"]
        .as_array()
        .expect("catalog")
        .iter()
        .filter_map(|service| service["type"].as_str())
        .collect();
    assert_eq!(types, ["compute", "identity"]);
    // Unlisted, but still there (a client that knows the URL is not refused).
    let images = call_with(
        &nova_only.client,
        Method::GET,
        &format!("{}/image/v2/images", nova_only.sim.base_url()),
        None,
        true,
    )
    .await;
    assert_eq!(images.status, StatusCode::OK, "{}", images.text);
}

#[tokio::test]
async fn version_documents_as_glance_and_neutron_serve_them() {
    let cloud = Cloud::start(fast_config()).await;
    let base = cloud.sim.base_url();
    let get = |path: &str| {
        let url = format!("{base}{path}");
        let client = cloud.client.clone();
        async move { call_with(&client, Method::GET, &url, None, false).await }
    };
    for root in ["/image", "/image/"] {
        let versions = get(root).await;
        assert_eq!(versions.status, StatusCode::MULTIPLE_CHOICES, "{root}");
        let list = versions.body["versions"].as_array().expect("versions");
        let current: Vec<&Value> = list
            .iter()
            .filter(|version| version["status"] == "CURRENT")
            .collect();
        assert_eq!(current.len(), 1, "{}", versions.text);
        assert_eq!(current[0]["links"][0]["href"], format!("{base}/image/v2/"));
        assert!(list.iter().any(|version| version["id"] == "v2.0"));
    }
    assert_eq!(get("/image/versions").await.status, StatusCode::OK);

    for root in ["/network", "/network/"] {
        let versions = get(root).await;
        assert_eq!(versions.status, StatusCode::OK, "{root}");
        let sample = nova_ref::shared("neutron-api").json("networks/versions-list-response.json");
        assert_eq!(
            versions.body["versions"][0]["id"],
            sample["versions"][0]["id"]
        );
        assert_eq!(
            versions.body["versions"][0]["links"][0]["href"],
            format!("{base}/network/v2.0/")
        );
    }
    let resources = service_call(&cloud.client, "network", Method::GET, "v2.0/", None).await;
    assert_eq!(resources.status, StatusCode::OK, "{}", resources.text);
    let collections: Vec<&str> = resources.body["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|resource| resource["collection"].as_str())
        .collect();
    assert_eq!(collections, ["networks", "subnets", "ports"]);
}

#[tokio::test]
async fn a_missing_or_revoked_token_gets_keystones_401() {
    let cloud = Cloud::start(fast_config()).await;
    let base = cloud.sim.base_url();
    for path in [
        "/image/v2/images",
        "/network/v2.0/networks",
        "/network/v2.0/floatingips",
    ] {
        let reply = call_with(
            &cloud.client,
            Method::GET,
            &format!("{base}{path}"),
            None,
            false,
        )
        .await;
        crate::common::assert_keystone_error(&reply, 401);
        assert_eq!(
            reply.header("www-authenticate"),
            Some(format!("Keystone uri=\"{base}/identity\"").as_str()),
            "{path}"
        );
    }
    let other = TestClient::sign_in(&format!("{base}/identity/v3")).await;
    cloud.client.revoke(&other.token).await;
    let reply = service_call(&other, "network", Method::GET, "v2.0/networks", None).await;
    crate::common::assert_keystone_error(&reply, 401);
    let reply = service_call(&cloud.client, "network", Method::GET, "v2.0/networks", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header("x-openstack-request-id")
            .is_some_and(|id| id.starts_with("req-")),
        "a request id"
    );
}

#[tokio::test]
async fn preflights_follow_each_services_own_cors_defaults() {
    const ORIGIN: &str = "http://console.example:8080";
    let cloud = Cloud::start(fast_config().cors_allowed_origins([ORIGIN])).await;
    let base = cloud.sim.base_url();
    let preflight = |path: &str, headers: &str| {
        let request = cloud
            .client
            .http
            .request(Method::OPTIONS, format!("{base}{path}"))
            .header("Origin", ORIGIN)
            .header("Access-Control-Request-Method", "PUT")
            .header("Access-Control-Request-Headers", headers);
        async move { request.send().await.expect("answered") }
    };
    let allowed = |response: &reqwest::Response| {
        response
            .headers()
            .get("access-control-allow-origin")
            .is_some()
    };
    let neutron = preflight("/network/v2.0/floatingips/x", "content-type,x-auth-token").await;
    assert!(allowed(&neutron));
    // Neutron's defaults have no microversion headers; Glance's have its checksum header.
    let neutron = preflight(
        "/network/v2.0/floatingips/x",
        "x-auth-token,openstack-api-version",
    )
    .await;
    assert!(!allowed(&neutron));
    let glance = preflight("/image/v2/images", "x-auth-token,x-image-meta-checksum").await;
    assert!(allowed(&glance));
    let nova = preflight(
        "/compute/v2.1/servers",
        "x-auth-token,x-image-meta-checksum",
    )
    .await;
    assert!(
        !allowed(&nova),
        "Nova's defaults do not allow Glance's header"
    );

    let listed = cloud
        .client
        .http
        .get(format!("{base}/network/v2.0/networks"))
        .header("Origin", ORIGIN)
        .header("X-Auth-Token", &cloud.client.token)
        .send()
        .await
        .expect("answered");
    let exposed = listed
        .headers()
        .get("access-control-expose-headers")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(exposed.contains("x-openstack-request-id"), "{exposed}");
    assert!(!exposed.contains("openstack-api-version"), "{exposed}");
}

#[tokio::test]
async fn injected_failures_come_in_each_services_error_body() {
    let cloud = Cloud::start(fast_config().failing_path("floatingips")).await;
    let reply = service_call(
        &cloud.client,
        "network",
        Method::GET,
        "v2.0/floatingips",
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        reply.body["NeutronError"]["type"], "HTTPInternalServerError",
        "{}",
        reply.text
    );
    let cloud = Cloud::start(fast_config().failing_path("v2/images")).await;
    let reply = service_call(&cloud.client, "image", Method::GET, "v2/images", None).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        reply.body["code"], "500 Internal Server Error",
        "{}",
        reply.text
    );
}
