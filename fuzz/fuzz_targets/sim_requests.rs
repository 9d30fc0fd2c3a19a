//! The simulator's request-body parsing, through its own router: Keystone sign-in, server create,
//! server actions and rename, key pairs, volumes, volume attachments, floating IPs and remote
//! consoles, each on a fresh simulator. Input: a byte picking the request, a byte picking the
//! microversion, then the body. Any body is answered, never with a 500. Key pair bodies that
//! would make the simulator generate a key are skipped (see `generates_a_key`).
#![no_main]

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode};
use ecs_sim::{DEMO, SimConfig, Simulator};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use tower::ServiceExt;

const MICROVERSIONS: [&str; 6] = ["2.1", "2.19", "2.47", "2.67", "2.96", "latest"];
const SEED: u64 = 13;

/// Requests whose body is fuzzed; `{server}` and `{project}` are filled in.
const REQUESTS: [(Method, &str); 10] = [
    (Method::POST, "/identity/v3/auth/tokens"),
    (Method::POST, "/compute/v2.1/servers"),
    (Method::POST, "/compute/v2.1/servers/{server}/action"),
    (Method::PUT, "/compute/v2.1/servers/{server}"),
    (Method::POST, "/compute/v2.1/os-keypairs"),
    (Method::POST, "/volume/v3/{project}/volumes"),
    (
        Method::POST,
        "/compute/v2.1/servers/{server}/os-volume_attachments",
    ),
    (Method::POST, "/network/v2.0/floatingips"),
    (
        Method::POST,
        "/compute/v2.1/servers/{server}/remote-consoles",
    ),
    (Method::POST, "/identity/v3/auth/tokens?nocatalog"),
];

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
});

fn simulator() -> Simulator {
    Simulator::new(SimConfig::default().rng_seed(SEED))
}

async fn send(
    simulator: &Simulator,
    method: Method,
    path: &str,
    token: Option<&str>,
    microversion: &str,
    body: Vec<u8>,
) -> Response<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .header("openstack-api-version", format!("compute {microversion}"))
        .header("x-openstack-nova-api-version", microversion);
    if let Some(token) = token {
        request = request.header("x-auth-token", token);
    }
    let request = request.body(Body::from(body)).expect("a request");
    match simulator.router().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

async fn json_of(response: Response<Body>) -> Value {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a whole body");
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// A signed-in demo user: the token and project id.
async fn sign_in(simulator: &Simulator) -> (String, String) {
    let body = DEMO.auth_request().to_body().to_string().into_bytes();
    let response = send(
        simulator,
        Method::POST,
        "/identity/v3/auth/tokens",
        None,
        "2.1",
        body,
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let token = response.headers()["x-subject-token"]
        .to_str()
        .expect("an ASCII token")
        .to_owned();
    let body = json_of(response).await;
    let project = body["token"]["project"]["id"]
        .as_str()
        .expect("a project id")
        .to_owned();
    (token, project)
}

/// The guide's create body on the simulator's catalogue: boot from a new volume made from an
/// image (as ecs_sim::test_client builds it).
static SERVER_BODY: LazyLock<Vec<u8>> = LazyLock::new(|| {
    RUNTIME.block_on(async {
        let simulator = simulator();
        let (token, _) = sign_in(&simulator).await;
        let get = |path: &'static str| {
            send(&simulator, Method::GET, path, Some(&token), "2.1", Vec::new())
        };
        let images = json_of(get("/compute/v2.1/images/detail").await).await;
        let image = images["images"]
            .as_array()
            .and_then(|images| images.iter().find(|image| image["name"] == "CentOS 7.9 64bit"))
            .expect("the guide's image")["id"]
            .clone();
        let networks = json_of(get("/compute/v2.1/os-networks").await).await;
        let network = networks["networks"]
            .as_array()
            .and_then(|networks| networks.iter().find(|network| network["label"] == "subnet-default"))
            .expect("the guide's network")["id"]
            .clone();
        json!({"server": {
            "flavorRef": "c1.large",
            "name": "fuzz",
            "block_device_mapping_v2": [{
                "source_type": "image", "destination_type": "volume", "volume_type": "SSD",
                "volume_size": "40", "delete_on_termination": "true", "uuid": image, "boot_index": "0"
            }],
            "networks": [{"uuid": network}],
            "availability_zone": "az1.dc1"
        }})
        .to_string()
        .into_bytes()
    })
});

async fn create_server(simulator: &Simulator, token: &str) -> String {
    let response = send(
        simulator,
        Method::POST,
        "/compute/v2.1/servers",
        Some(token),
        "2.67",
        SERVER_BODY.clone(),
    )
    .await;
    let status = response.status();
    let body = json_of(response).await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "the seed server is created: {body}"
    );
    body["server"]["id"]
        .as_str()
        .expect("a server id")
        .to_owned()
}

/// A key pair body the simulator would make a key for: RSA key generation takes seconds per key
/// in this instrumented build, so those bodies are left out (their parsing is the same as with a
/// `public_key`, which is kept).
fn generates_a_key(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body).is_ok_and(|body| {
        body["keypair"].is_object() && body["keypair"].get("public_key").is_none()
    })
}

fuzz_target!(|data: &[u8]| {
    let [request, microversion, body @ ..] = data else {
        return;
    };
    let (method, path) = REQUESTS[usize::from(*request) % REQUESTS.len()].clone();
    if path.ends_with("/os-keypairs") && generates_a_key(body) {
        return;
    }
    let microversion = MICROVERSIONS[usize::from(*microversion) % MICROVERSIONS.len()];
    let server_body = &*SERVER_BODY;
    RUNTIME.block_on(async {
        let simulator = simulator();
        let (token, project) = sign_in(&simulator).await;
        let mut path = path.replace("{project}", &project);
        if path.contains("{server}") {
            assert!(!server_body.is_empty());
            path = path.replace("{server}", &create_server(&simulator, &token).await);
        }
        let response = send(
            &simulator,
            method,
            &path,
            Some(&token),
            microversion,
            body.to_vec(),
        )
        .await;
        let status = response.status();
        let answer = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a whole body");
        assert!(
            !status.is_server_error(),
            "{status} for {path}: {}",
            String::from_utf8_lossy(&answer)
        );
    });
});
