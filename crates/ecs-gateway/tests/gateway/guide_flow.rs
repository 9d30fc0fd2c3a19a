//! The guide (creating-an-ecs.txt) end to end over plain HTTP, run twice with one shared flow:
//! directly against the simulator, and through the gateway's `/proxy/identity` and `/proxy/compute`.

use std::process::Command;
use std::time::{Duration, Instant};

use ecs_api::requests::{
    BlockDeviceMapping, CreateKeyPair, CreateServer, ImportKeyPair, NetworkChoice, NovaRequest,
    RebootType, ServerAction,
};
use ecs_api::urls::{ComputeEndpoint, FlavorQuery, PageQuery, SortDir};
use ecs_sim::test_client::TestClient;
use reqwest::{Method, StatusCode};
use serde_json::Value;

const VOLUME_TYPE: &str = "SSD";

fn fast_simulator() -> ecs_sim::SimConfig {
    // Strict like upstream Nova: images and os-networks answer 404 above 2.35, so the flow
    // also proves the console's per-call microversion choice.
    ecs_sim::SimConfig::default()
        .proxy_apis_at_all_versions(false)
        .build_duration(Duration::from_millis(400))
        .transition_duration(Duration::from_millis(150))
}

struct Cloud {
    client: TestClient,
    compute: ComputeEndpoint,
}

impl Cloud {
    /// A call as the console makes it (its microversion for that URL); every answer is JSON or
    /// empty, and an empty one comes back as `Value::Null`.
    async fn call(&self, method: Method, url: &str, body: Option<Value>) -> (StatusCode, Value) {
        let reply = self
            .client
            .console_call(method.clone(), url, body.as_ref())
            .await;
        assert!(
            reply.text.is_empty() || serde_json::from_str::<Value>(&reply.text).is_ok(),
            "{method} {url}: not JSON: {}",
            reply.text
        );
        (reply.status, reply.body)
    }

    async fn get(&self, url: &str) -> Value {
        let (status, body) = self.call(Method::GET, url, None).await;
        assert_eq!(status, StatusCode::OK, "GET {url}: {body}");
        body
    }

    async fn flavors(&self, query: FlavorQuery) -> Vec<Value> {
        let body = self.get(&self.compute.flavors_detail(&query)).await;
        body["flavors"].as_array().unwrap().clone()
    }

    async fn action(&self, server_id: &str, action: ServerAction) {
        let url = self.compute.server_action(server_id);
        let (status, body) = self.call(Method::POST, &url, Some(action.to_body())).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{action:?}: {body}");
    }

    /// Polls the server until `done` says so; returns the last representation.
    async fn wait_for(&self, server_id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let server = self.get(&self.compute.server(server_id)).await["server"].clone();
            if done(&server) {
                return server;
            }
            assert_ne!(server["status"], "ERROR", "server failed: {server}");
            assert!(
                Instant::now() < deadline,
                "server never became {what}: {server}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

fn numbers(items: &[Value], key: &str) -> Vec<u64> {
    items
        .iter()
        .map(|item| item[key].as_u64().unwrap())
        .collect()
}

/// Walks the guide; returns the compute endpoint the catalog gave.
async fn guide(identity_endpoint: &str) -> String {
    // Token, scoped to the demo project by name.
    let client = TestClient::sign_in(identity_endpoint).await;
    let compute_url = client.compute.clone();
    let project_id = client.project_id().to_owned();
    assert!(!project_id.is_empty(), "an unscoped token");
    let cloud = Cloud {
        compute: ComputeEndpoint::new(&compute_url, &project_id).unwrap(),
        client,
    };

    // Availability zones: pick an available one.
    let zones = cloud.get(&cloud.compute.availability_zones()).await;
    let zone = zones["availabilityZoneInfo"]
        .as_array()
        .unwrap()
        .iter()
        .find(|zone| zone["zoneState"]["available"] == true)
        .expect("no available zone")["zoneName"]
        .as_str()
        .unwrap()
        .to_owned();

    // Flavors, and each query parameter.
    let all = cloud.flavors(FlavorQuery::default()).await;
    assert!(
        all.len() >= 4,
        "too few flavors to test paging: {}",
        all.len()
    );
    let mut disks = numbers(&all, "disk");
    disks.sort_unstable();
    let min_disk = disks[disks.len() / 2];
    let by_disk = cloud
        .flavors(FlavorQuery {
            min_disk: Some(min_disk),
            ..Default::default()
        })
        .await;
    assert!(!by_disk.is_empty() && by_disk.len() < all.len() || disks[0] == min_disk);
    assert!(
        numbers(&by_disk, "disk")
            .iter()
            .all(|&disk| disk >= min_disk)
    );
    let mut rams = numbers(&all, "ram");
    rams.sort_unstable();
    let min_ram = rams[rams.len() / 2];
    let by_ram = cloud
        .flavors(FlavorQuery {
            min_ram: Some(min_ram),
            ..Default::default()
        })
        .await;
    assert!(!by_ram.is_empty() && by_ram.len() < all.len());
    assert!(numbers(&by_ram, "ram").iter().all(|&ram| ram >= min_ram));
    let public = cloud
        .flavors(FlavorQuery {
            is_public: Some(ecs_api::urls::IsPublic::True),
            ..Default::default()
        })
        .await;
    assert!(!public.is_empty());
    assert!(
        public
            .iter()
            .all(|flavor| flavor["os-flavor-access:is_public"] == true)
    );
    for direction in [SortDir::Asc, SortDir::Desc] {
        let sorted = cloud
            .flavors(FlavorQuery {
                sort_key: Some("memory_mb".to_owned()),
                sort_dir: Some(direction),
                ..Default::default()
            })
            .await;
        assert_eq!(sorted.len(), all.len());
        let rams = numbers(&sorted, "ram");
        let ordered = rams.windows(2).all(|pair| match direction {
            SortDir::Asc => pair[0] <= pair[1],
            SortDir::Desc => pair[0] >= pair[1],
        });
        assert!(ordered, "{direction}: {rams:?}");
    }
    let first_page = cloud
        .get(&cloud.compute.flavors_detail(&FlavorQuery {
            page: PageQuery {
                limit: Some(2),
                marker: None,
            },
            ..Default::default()
        }))
        .await;
    let first = first_page["flavors"].as_array().unwrap();
    assert_eq!(ids(first), ids(&all)[..2]);
    let next = first_page["flavors_links"][0]["href"]
        .as_str()
        .expect("no next link");
    assert!(
        next.starts_with(&compute_url),
        "next link {next} is not under {compute_url}"
    );
    let marker = first[1]["id"].as_str().unwrap().to_owned();
    let second = cloud
        .flavors(FlavorQuery {
            page: PageQuery {
                limit: Some(2),
                marker: Some(marker),
            },
            ..Default::default()
        })
        .await;
    assert_eq!(ids(&second), ids(&all)[2..4]);

    // Images: an ACTIVE one; the volume and flavor must satisfy its minDisk and minRam.
    let images = cloud
        .get(&cloud.compute.images_detail(&PageQuery::default()))
        .await;
    let image = images["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|image| image["status"] == "ACTIVE")
        .max_by_key(|image| image["minDisk"].as_u64())
        .expect("no ACTIVE image")
        .clone();
    let image_id = image["id"].as_str().unwrap().to_owned();
    let volume_gb = image["minDisk"].as_u64().unwrap().max(10);
    let image_min_ram = image["minRam"].as_u64().unwrap();
    let flavor = all
        .iter()
        .find(|flavor| {
            flavor["ram"].as_u64().unwrap() >= image_min_ram
                && flavor["OS-FLV-DISABLED:disabled"] != true
        })
        .expect("no flavor with enough RAM")
        .clone();
    let flavor_id = flavor["id"].as_str().unwrap().to_owned();

    // Networks.
    let networks = cloud.get(&cloud.compute.networks()).await;
    let network = networks["networks"][0].clone();
    let network_id = network["id"].as_str().unwrap().to_owned();
    let network_label = network["label"].as_str().unwrap().to_owned();

    // Key pair create: the private key is real, and its public half is the stored public key.
    let key_name = format!("guide-key-{}", std::process::id());
    let (status, created) = cloud
        .call(
            Method::POST,
            &cloud.compute.keypairs(&PageQuery::default()),
            Some(
                CreateKeyPair {
                    name: key_name.clone(),
                    key_type: Some("ssh".to_owned()),
                }
                .to_body(),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let keypair = &created["keypair"];
    let key_dir = tempfile::tempdir().unwrap();
    let key_file = key_dir.path().join("id");
    std::fs::write(&key_file, keypair["private_key"].as_str().unwrap()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let derived = Command::new("ssh-keygen")
        .arg("-y")
        .arg("-f")
        .arg(&key_file)
        .output()
        .expect("ssh-keygen");
    assert!(
        derived.status.success(),
        "ssh-keygen -y: {}",
        String::from_utf8_lossy(&derived.stderr)
    );
    let derived = String::from_utf8(derived.stdout).unwrap();
    let key_fields = |key: &str| key.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    assert_eq!(
        key_fields(&derived),
        key_fields(keypair["public_key"].as_str().unwrap())
    );

    // Import the same public key under another name: same fingerprint.
    let imported_name = format!("{key_name}-imported");
    let (status, imported) = cloud
        .call(
            Method::POST,
            &cloud.compute.keypairs(&PageQuery::default()),
            Some(
                ImportKeyPair {
                    name: imported_name.clone(),
                    public_key: key_fields(&derived),
                    key_type: None,
                }
                .to_body(),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{imported}");
    assert_eq!(imported["keypair"]["fingerprint"], keypair["fingerprint"]);
    assert!(imported["keypair"].get("private_key").is_none());

    // Create a server booting from a volume made from the image.
    let server_name = format!("guide-server-{}", std::process::id());
    let mut request = CreateServer::boot_from_volume(
        server_name.clone(),
        flavor_id.clone(),
        BlockDeviceMapping::boot_volume_from_image(
            image_id.clone(),
            volume_gb,
            Some(VOLUME_TYPE.to_owned()),
            true,
        ),
        NetworkChoice::network(network_id.clone()),
    );
    request.key_name = Some(key_name.clone());
    request.availability_zone = Some(zone.clone());
    let (status, created) = cloud
        .call(
            Method::POST,
            &cloud.compute.servers(),
            Some(request.to_body()),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{created}");
    let server_id = created["server"]["id"].as_str().unwrap().to_owned();
    assert!(
        created["server"]["adminPass"]
            .as_str()
            .is_some_and(|pass| !pass.is_empty())
    );
    let self_link = created["server"]["links"][0]["href"].as_str().unwrap();
    assert!(
        self_link.starts_with(&compute_url),
        "self link {self_link} is not under {compute_url}"
    );

    // Poll until ACTIVE; the details match the request.
    let server = cloud
        .wait_for(&server_id, "ACTIVE", |server| server["status"] == "ACTIVE")
        .await;
    assert_eq!(server["name"], server_name);
    assert_eq!(server["key_name"], key_name);
    assert_eq!(server["OS-EXT-AZ:availability_zone"], zone);
    assert_eq!(server["flavor"]["original_name"], flavor["name"]);
    assert_eq!(server["flavor"]["ram"], flavor["ram"]);
    assert_eq!(server["OS-EXT-STS:power_state"], 1);
    // Nova shows "" for a volume-backed server; showing the source image is accepted too.
    assert!(
        server["image"] == "" || server["image"]["id"] == image_id.as_str(),
        "unexpected image: {}",
        server["image"]
    );
    let volumes = server["os-extended-volumes:volumes_attached"]
        .as_array()
        .unwrap();
    assert_eq!(volumes.len(), 1, "{server}");
    let addresses = server["addresses"][&network_label]
        .as_array()
        .expect("no address on the network");
    assert!(
        addresses[0]["addr"]
            .as_str()
            .is_some_and(|addr| !addr.is_empty())
    );

    // Stop, start, reboot, delete.
    cloud.action(&server_id, ServerAction::Stop).await;
    cloud
        .wait_for(&server_id, "SHUTOFF", |server| {
            server["status"] == "SHUTOFF"
        })
        .await;
    cloud.action(&server_id, ServerAction::Start).await;
    cloud
        .wait_for(&server_id, "ACTIVE", |server| {
            server["status"] == "ACTIVE" && server["OS-EXT-STS:task_state"].is_null()
        })
        .await;
    cloud
        .action(&server_id, ServerAction::Reboot(RebootType::Soft))
        .await;
    cloud
        .wait_for(&server_id, "ACTIVE after reboot", |server| {
            server["status"] == "ACTIVE" && server["OS-EXT-STS:task_state"].is_null()
        })
        .await;
    let (status, body) = cloud
        .call(Method::DELETE, &cloud.compute.server(&server_id), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, _) = cloud
            .call(Method::GET, &cloud.compute.server(&server_id), None)
            .await;
        if status == StatusCode::NOT_FOUND {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the deleted server never went away"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for name in [&key_name, &imported_name] {
        let (status, _) = cloud
            .call(Method::DELETE, &cloud.compute.keypair(name), None)
            .await;
        assert!(status.is_success(), "deleting key pair {name}: {status}");
    }
    compute_url
}

#[tokio::test]
async fn guide_directly_against_the_simulator() {
    let sim = ecs_sim::spawn(fast_simulator()).await.unwrap();
    let compute_url = guide(&format!("{}/identity/v3", sim.base_url())).await;
    assert!(
        compute_url.starts_with(&format!("{}/compute", sim.base_url())),
        "{compute_url}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn guide_through_the_gateway() {
    let gateway = ecs_gateway::spawn(ecs_gateway::GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        simulate: true,
        simulator: fast_simulator(),
        ..Default::default()
    })
    .await
    .unwrap();
    let compute_url = guide(&format!("{}/proxy/identity/v3", gateway.url())).await;
    // The catalog's compute endpoint was rewritten to stay on the gateway.
    assert!(
        compute_url.starts_with(&format!("{}/proxy/compute/v2.1/", gateway.url())),
        "{compute_url}"
    );
    let simulator = gateway.simulator().unwrap();
    assert!(simulator.request_count("/compute") > 10);
    assert!(simulator.request_count("/identity") >= 1);
    gateway.shutdown().await;
}

/// Clouds document Keystone with its version (`https://iam.example.com/v3`); configured that
/// way, the identity endpoint `/config.json` pre-fills must still sign in and walk the guide.
#[tokio::test]
async fn guide_through_the_gateway_to_a_versioned_identity_upstream() {
    let sim = ecs_sim::spawn(fast_simulator()).await.unwrap();
    let gateway = ecs_gateway::spawn(ecs_gateway::GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        upstreams: vec![
            ecs_gateway::Upstream::new("identity", &format!("{}/identity/v3/", sim.base_url()))
                .unwrap(),
            ecs_gateway::Upstream::new("compute", &format!("{}/compute", sim.base_url())).unwrap(),
        ],
        ..Default::default()
    })
    .await
    .unwrap();
    let config: Value = reqwest::get(format!("{}/config.json", gateway.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let identity_endpoint = config["identity_endpoint"]
        .as_str()
        .expect("identity_endpoint");
    assert_eq!(identity_endpoint, "/proxy/identity/v3");
    let compute_url = guide(&format!("{}{identity_endpoint}", gateway.url())).await;
    assert!(
        compute_url.starts_with(&format!("{}/proxy/compute/v2.1/", gateway.url())),
        "{compute_url}"
    );
    gateway.shutdown().await;
    sim.shutdown().await;
}
