//! Concurrency: many creates at once lose nothing and give unique ids and addresses.

use std::collections::HashSet;

use ecs_sim::{Quota, VolumeQuota};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Cloud, fast_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_creates_are_all_distinct() {
    let quota = Quota {
        instances: 1_000,
        cores: 10_000,
        ram_mb: 10_000_000,
        key_pairs: 100,
    };
    // Each server boots from a 40 GB volume, which counts against Cinder's quota too.
    let volume_quota = VolumeQuota {
        volumes: 1_000,
        gigabytes: 100_000,
        per_volume_gigabytes: 1_000,
    };
    let cloud = Cloud::start(
        fast_config()
            .quota(quota)
            .volume_quota(volume_quota)
            .build_duration(std::time::Duration::ZERO),
    )
    .await;
    let body = cloud.client.guide_server("burst").await;
    let url = format!("{}/servers", cloud.client.compute);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let request = cloud
            .client
            .http
            .post(&url)
            .header("X-Auth-Token", &cloud.client.token)
            .header("OpenStack-API-Version", "compute 2.67")
            .json(&body);
        tasks.spawn(async move {
            let response = request.send().await.expect("answered");
            assert_eq!(response.status(), StatusCode::ACCEPTED);
            let body: Value = response.json().await.expect("json");
            body["server"]["id"].as_str().expect("id").to_owned()
        });
    }
    let mut ids = HashSet::new();
    while let Some(id) = tasks.join_next().await {
        assert!(ids.insert(id.expect("task")), "ids are unique");
    }
    assert_eq!(ids.len(), 200);

    let detail = cloud.client.get("servers/detail", "2.67").await.body;
    let servers = detail["servers"].as_array().expect("servers");
    assert_eq!(servers.len(), 200, "none lost");
    let mut addresses = HashSet::new();
    let mut macs = HashSet::new();
    for server in servers {
        assert!(ids.contains(server["id"].as_str().expect("id")));
        let port = &server["addresses"]["subnet-default"][0];
        assert!(
            addresses.insert(port["addr"].as_str().expect("addr").to_owned()),
            "addresses are unique"
        );
        assert!(
            macs.insert(
                port["OS-EXT-IPS-MAC:mac_addr"]
                    .as_str()
                    .expect("mac")
                    .to_owned()
            ),
            "MACs are unique"
        );
    }
    assert_eq!(addresses.len(), 200);
    let servers_path = format!(
        "/compute/v2.1/{}/servers",
        cloud.sim.simulator().project_id()
    );
    assert_eq!(
        cloud.sim.simulator().request_count(&servers_path),
        201,
        "200 creates and one listing reached the API"
    );
}
