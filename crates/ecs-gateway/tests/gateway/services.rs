//! The `image` (Glance), `network` (Neutron) and `volume` (Cinder) upstreams: proxied at
//! `/proxy/image`, `/proxy/network` and `/proxy/volume` with the catalog rewritten as for
//! compute, against fake clouds and the embedded simulator (also playing a Nova-only cloud,
//! which has none of them).

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ecs_api::identity::Token;
use ecs_api::models::{
    GlanceImageList, NeutronNetworkList, SecurityGroupList, VolumeList, VolumeQuotaBody,
    VolumeTypeList, next_link,
};
use ecs_api::urls::{ImageEndpoint, ImageQuery, NetworkEndpoint, VolumeEndpoint};
use ecs_sim::test_client::TestClient;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::common::{FakeUpstream, gateway};

/// A cloud on one loopback port: Keystone at `/identity` whose catalog lists compute at
/// `/compute`, Glance at `/image`, Neutron at `/network` and Cinder at `/volume/v3/p1`, each
/// answering with what reached it.
async fn fake_cloud() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .fallback(fake_cloud_answer)
        .with_state(addr);
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

async fn fake_cloud_answer(State(addr): State<SocketAddr>, request: Request) -> Response {
    let own = format!("http://{addr}");
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let endpoint = |kind: &str, url: String| {
        json!({"type": kind, "name": kind, "endpoints": [
            {"interface": "public", "region_id": "r1", "region": "r1", "url": url}
        ]})
    };
    match path.as_str() {
        "/identity/v3/auth/tokens" => (
            StatusCode::CREATED,
            [("x-subject-token", "fake-token")],
            Json(json!({"token": {
                "expires_at": "2099-01-01T00:00:00Z",
                "project": {"id": "p1", "name": "demo"},
                "catalog": [
                    endpoint("compute", format!("{own}/compute/v2.1/p1")),
                    endpoint("image", format!("{own}/image")),
                    endpoint("network", format!("{own}/network/")),
                    endpoint("block-storage", format!("{own}/volume/v3/p1")),
                ],
            }})),
        )
            .into_response(),
        "/volume/v3/p1/volumes/detail" => Json(json!({
            "volumes": [],
            "volumes_links": [{"rel": "next", "href": format!("{own}/volume/v3/p1/volumes/detail?marker=v1")}],
            "seen": {"path": path, "query": query},
        }))
        .into_response(),
        "/network/v2.0/networks" => Json(json!({
            "networks": [{"id": "n1", "name": "private", "router:external": false}],
            "networks_links": [{"rel": "next", "href": format!("{own}/network/v2.0/networks?marker=n1")}],
            "seen": {"path": path, "query": query},
        }))
        .into_response(),
        _ => Json(json!({
            "images": [],
            "next": "/v2/images?marker=i1&status=active",
            "seen": {"path": path, "query": query},
        }))
        .into_response(),
    }
}

#[tokio::test]
async fn image_network_and_volume_are_proxied_with_the_catalog_rewritten() {
    let cloud = fake_cloud().await;
    let own = format!("http://{cloud}");
    let gw = gateway(
        &[
            ("identity", format!("{own}/identity/v3")),
            ("compute", format!("{own}/compute")),
            ("image", format!("{own}/image")),
            ("network", format!("{own}/network")),
            ("volume", format!("{own}/volume")),
        ],
        |_| {},
    )
    .await;
    let gateway_url = gw.url();
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{gateway_url}/proxy/identity/v3/auth/tokens"))
        .json(&json!({"auth": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let subject = response.headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.bytes().await.unwrap();
    let token = Token::from_response(Some(&subject), &body).unwrap();
    assert_eq!(
        token.compute_endpoint(None),
        Some(format!("{gateway_url}/proxy/compute/v2.1/p1").as_str())
    );
    let image = token.image_endpoint(Some("r1")).unwrap();
    assert_eq!(image, format!("{gateway_url}/proxy/image"));
    let network = token.network_endpoint(Some("r1")).unwrap();
    assert_eq!(network, format!("{gateway_url}/proxy/network/"));

    let glance = ImageEndpoint::new(image).unwrap();
    let answer: Value = client
        .get(glance.images(&ImageQuery::active()))
        .header("X-Auth-Token", &subject)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["seen"],
        json!({"path": "/image/v2/images", "query": "status=active"})
    );
    let list: GlanceImageList = serde_json::from_value(answer).unwrap();
    // Glance's `next` is relative to the endpoint: followed on the gateway, it reaches Glance.
    let next = glance.follow(list.next_page().unwrap()).unwrap();
    assert_eq!(
        next,
        format!("{gateway_url}/proxy/image/v2/images?marker=i1&status=active")
    );
    let answer: Value = client
        .get(&next)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["seen"],
        json!({"path": "/image/v2/images", "query": "marker=i1&status=active"})
    );

    let neutron = NetworkEndpoint::new(network).unwrap();
    let answer: Value = client
        .get(neutron.networks())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["seen"]["path"], "/network/v2.0/networks");
    let list: NeutronNetworkList = serde_json::from_value(answer).unwrap();
    // Neutron's absolute `*_links` are rewritten onto the gateway like Nova's.
    assert_eq!(
        next_link(&list.networks_links),
        Some(format!("{gateway_url}/proxy/network/v2.0/networks?marker=n1").as_str())
    );
    assert_eq!(
        neutron.next_page(&list.networks_links).as_deref(),
        Some(format!("{gateway_url}/proxy/network/v2.0/networks?marker=n1").as_str())
    );

    let volume = token
        .service_endpoint("block-storage", Some("r1"))
        .expect("Cinder in the catalog");
    assert_eq!(volume, format!("{gateway_url}/proxy/volume/v3/p1"));
    let cinder = VolumeEndpoint::new(volume, "p1").unwrap();
    let answer: Value = client
        .get(cinder.volumes_detail(None))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["seen"]["path"], "/volume/v3/p1/volumes/detail");
    let list: VolumeList = serde_json::from_value(answer).unwrap();
    // Cinder's absolute `volumes_links` lead back through the gateway too.
    assert_eq!(
        next_link(&list.volumes_links),
        Some(format!("{gateway_url}/proxy/volume/v3/p1/volumes/detail?marker=v1").as_str())
    );
    gw.shutdown().await;
}

#[tokio::test]
async fn without_them_configured_image_network_and_volume_are_refused() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    for path in [
        "/proxy/image/v2/images",
        "/proxy/network/v2.0/networks",
        "/proxy/volume/v3/p1/volumes/detail",
    ] {
        let response = reqwest::get(format!("{}{path}", gw.url())).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(upstream.connections(), 0);
    gw.shutdown().await;
}

/// Signs in through the gateway and returns the client and its decoded token.
async fn sign_in(gateway_url: &str) -> (TestClient, Token) {
    let client = TestClient::sign_in(&format!("{gateway_url}/proxy/identity/v3")).await;
    let token = Token::from_response(
        Some(&client.token),
        client.token_body.to_string().as_bytes(),
    )
    .unwrap();
    (client, token)
}

async fn get_json(client: &TestClient, url: &str) -> Value {
    let response = client
        .http
        .get(url)
        .header("X-Auth-Token", &client.token)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET {url}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_embedded_simulator_serves_glance_neutron_and_cinder_through_the_gateway() {
    let gw = ecs_gateway::spawn(ecs_gateway::GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        simulate: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let gateway_url = gw.url();
    let (client, token) = sign_in(&gateway_url).await;
    let image = token.image_endpoint(None).expect("Glance in the catalog");
    let network = token
        .network_endpoint(None)
        .expect("Neutron in the catalog");
    assert!(
        image.starts_with(&format!("{gateway_url}/proxy/image")),
        "{image}"
    );
    assert!(
        network.starts_with(&format!("{gateway_url}/proxy/network")),
        "{network}"
    );

    let glance = ImageEndpoint::new(image).unwrap();
    let images: GlanceImageList =
        serde_json::from_value(get_json(&client, &glance.images(&ImageQuery::active())).await)
            .unwrap();
    assert!(!images.images.is_empty());
    assert!(images.images.iter().all(|image| image.is_active()));

    let neutron = NetworkEndpoint::new(network).unwrap();
    let networks: NeutronNetworkList =
        serde_json::from_value(get_json(&client, &neutron.networks()).await).unwrap();
    assert!(
        networks.nic_choices().next().is_some(),
        "a network for servers"
    );
    let groups: SecurityGroupList =
        serde_json::from_value(get_json(&client, &neutron.security_groups()).await).unwrap();
    assert!(
        groups
            .security_groups
            .iter()
            .any(|group| group.name == "default")
    );

    let volume = token
        .service_endpoint("block-storage", None)
        .expect("Cinder in the catalog");
    assert_eq!(
        volume,
        format!("{gateway_url}/proxy/volume/v3/{}", client.project_id())
    );
    let cinder = VolumeEndpoint::new(volume, client.project_id()).unwrap();
    let types: VolumeTypeList =
        serde_json::from_value(get_json(&client, &cinder.volume_types()).await).unwrap();
    assert!(types.volume_types.iter().any(|kind| kind.name == "SSD"));
    let quota: VolumeQuotaBody =
        serde_json::from_value(get_json(&client, &cinder.quota_usage()).await).unwrap();
    assert_eq!(quota.quota_set.volumes.in_use, Some(0));
    let volumes: VolumeList =
        serde_json::from_value(get_json(&client, &cinder.volumes_detail(None)).await).unwrap();
    assert!(volumes.volumes.is_empty());

    let simulator = gw.simulator().unwrap();
    assert!(simulator.request_count("/image") >= 1);
    assert!(simulator.request_count("/network") >= 2);
    assert!(simulator.request_count("/volume") >= 3);
    gw.shutdown().await;
}

#[tokio::test]
async fn a_nova_only_simulator_gets_no_image_network_or_volume_upstream() {
    let gw = ecs_gateway::spawn(ecs_gateway::GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        simulate: true,
        simulator: ecs_sim::SimConfig::default().nova_only(true),
        ..Default::default()
    })
    .await
    .unwrap();
    let gateway_url = gw.url();
    let (client, token) = sign_in(&gateway_url).await;
    assert_eq!(token.image_endpoint(None), None);
    assert_eq!(token.network_endpoint(None), None);
    assert_eq!(token.service_endpoint("block-storage", None), None);
    assert!(
        client
            .compute
            .starts_with(&format!("{gateway_url}/proxy/compute/"))
    );
    for path in [
        "/proxy/image/v2/images",
        "/proxy/network/v2.0/networks",
        "/proxy/volume/v3/",
    ] {
        let response = client
            .http
            .get(format!("{gateway_url}{path}"))
            .header("X-Auth-Token", &client.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let simulator = gw.simulator().unwrap();
    assert_eq!(simulator.request_count("/image"), 0);
    assert_eq!(simulator.request_count("/network"), 0);
    assert_eq!(simulator.request_count("/volume"), 0);
    gw.shutdown().await;
}
