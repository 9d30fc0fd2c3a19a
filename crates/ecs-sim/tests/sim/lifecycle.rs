//! Server lifecycle: BUILD steps, ACTIVE with address and volume, stop/start/reboot, delete, ERROR.

use std::net::Ipv4Addr;
use std::time::Duration;

use ecs_sim::test_client::Reply;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Cloud, assert_fault, fast_config};

const WAIT: Duration = Duration::from_secs(10);

fn status(reply: &Reply) -> &str {
    reply.body["server"]["status"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_new_server_builds_then_runs_with_an_address_and_its_volume() {
    let cloud = Cloud::start(fast_config().build_duration(Duration::from_millis(1_500))).await;
    cloud
        .client
        .post(
            "os-keypairs",
            "2.67",
            &json!({"keypair": {"name": "demo2"}}),
        )
        .await;
    let mut request = cloud.client.guide_server("zttestvm1").await;
    request["server"]["key_name"] = json!("demo2");
    let created = cloud.client.post("servers", "2.67", &request).await;
    assert_eq!(created.status, StatusCode::ACCEPTED);
    let server = &created.body["server"];
    let id = server["id"].as_str().expect("id").to_owned();
    assert!(
        server["adminPass"]
            .as_str()
            .is_some_and(|pass| pass.len() >= 8)
    );
    assert_eq!(server["security_groups"], json!([{"name": "default"}]));
    assert_eq!(
        created.header("location"),
        server["links"][0]["href"].as_str()
    );

    let mut task_states = Vec::new();
    let mut progress = Vec::new();
    let active = cloud
        .client
        .wait_for(&id, WAIT, |reply| {
            let server = &reply.body["server"];
            if server["status"] == "BUILD" {
                task_states.push(
                    server["OS-EXT-STS:task_state"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                );
                progress.push(server["progress"].as_u64().unwrap_or_default());
            }
            server["status"] != "BUILD"
        })
        .await;
    task_states.dedup();
    assert_eq!(
        task_states,
        ["scheduling", "block_device_mapping", "spawning"],
        "build steps in order"
    );
    assert!(
        progress.windows(2).all(|pair| pair[0] <= pair[1]) && progress.last() > progress.first(),
        "progress rises: {progress:?}"
    );

    let server = &active.body["server"];
    assert_eq!(server["status"], "ACTIVE");
    assert_eq!(server["OS-EXT-STS:power_state"], 1);
    assert_eq!(server["OS-EXT-STS:task_state"], Value::Null);
    assert!(server["OS-SRV-USG:launched_at"].is_string());
    assert_eq!(server["key_name"], "demo2");
    assert_eq!(server["OS-EXT-AZ:availability_zone"], "az1.dc1");
    assert_eq!(server["flavor"]["original_name"], "c1.large");
    assert_eq!(server["flavor"]["vcpus"], 2);
    let address = &server["addresses"]["subnet-default"][0];
    let ip: Ipv4Addr = address["addr"]
        .as_str()
        .expect("addr")
        .parse()
        .expect("IPv4");
    assert_eq!(
        ip.octets()[..3],
        [192, 168, 0],
        "address from the network's CIDR"
    );
    assert_eq!(address["OS-EXT-IPS:type"], "fixed");
    assert!(
        address["OS-EXT-IPS-MAC:mac_addr"]
            .as_str()
            .is_some_and(|mac| mac.starts_with("fa:16:3e:"))
    );
    let volumes = server["os-extended-volumes:volumes_attached"]
        .as_array()
        .expect("volumes");
    assert_eq!(volumes.len(), 1);
    assert_eq!(volumes[0]["delete_on_termination"], true);
}

#[tokio::test]
async fn stop_start_reboot_and_delete_pass_through_their_states() {
    // Transitions long enough to be seen reliably on a busy machine.
    let cloud = Cloud::start(fast_config().transition_duration(Duration::from_millis(1_500))).await;
    let id = cloud.client.create_server("cycle").await;
    cloud
        .client
        .wait_for(&id, WAIT, |reply| status(reply) == "ACTIVE")
        .await;
    let action = |body: Value| {
        let cloud = &cloud;
        let path = format!("servers/{id}/action");
        async move { cloud.client.post(&path, "2.67", &body).await }
    };

    assert_eq!(
        action(json!({"os-stop": null})).await.status,
        StatusCode::ACCEPTED
    );
    let stopping = cloud.client.get(&format!("servers/{id}"), "2.67").await;
    assert_eq!(
        stopping.body["server"]["OS-EXT-STS:task_state"],
        "powering-off"
    );
    let again = action(json!({"os-stop": null})).await;
    assert_fault(
        &again,
        409,
        "conflictingRequest",
        "while it is in task_state powering-off",
    );
    let stopped = cloud
        .client
        .wait_for(&id, WAIT, |reply| status(reply) == "SHUTOFF")
        .await;
    assert_eq!(stopped.body["server"]["OS-EXT-STS:power_state"], 4);
    let wrong = action(json!({"os-stop": null})).await;
    assert_fault(
        &wrong,
        409,
        "conflictingRequest",
        "while it is in vm_state stopped",
    );
    // As in Nova, a soft reboot needs a running guest.
    let soft = action(json!({"reboot": {"type": "SOFT"}})).await;
    assert_fault(
        &soft,
        409,
        "conflictingRequest",
        "while it is in vm_state stopped",
    );

    assert_eq!(
        action(json!({"os-start": null})).await.status,
        StatusCode::ACCEPTED
    );
    let starting = cloud.client.get(&format!("servers/{id}"), "2.67").await;
    assert_eq!(
        starting.body["server"]["OS-EXT-STS:task_state"],
        "powering-on"
    );
    cloud
        .client
        .wait_for(&id, WAIT, |reply| status(reply) == "ACTIVE")
        .await;

    assert_eq!(
        action(json!({"reboot": {"type": "SOFT"}})).await.status,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        status(&cloud.client.get(&format!("servers/{id}"), "2.67").await),
        "REBOOT"
    );
    assert_eq!(
        action(json!({"reboot": {"type": "HARD"}})).await.status,
        StatusCode::ACCEPTED,
        "hard reboot overrides soft"
    );
    assert_eq!(
        status(&cloud.client.get(&format!("servers/{id}"), "2.67").await),
        "HARD_REBOOT"
    );
    cloud
        .client
        .wait_for(&id, WAIT, |reply| status(reply) == "ACTIVE")
        .await;

    let deleted = cloud.client.delete(&format!("servers/{id}"), "2.67").await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(deleted.text, "", "no body");
    let deleting = cloud.client.get(&format!("servers/{id}"), "2.67").await;
    assert_eq!(deleting.body["server"]["OS-EXT-STS:task_state"], "deleting");
    let gone = cloud
        .client
        .wait_for(&id, WAIT, |reply| reply.status == StatusCode::NOT_FOUND)
        .await;
    assert_fault(
        &gone,
        404,
        "itemNotFound",
        &format!("Instance {id} could not be found."),
    );
    assert_eq!(
        cloud.client.get("limits", "2.67").await.body["limits"]["absolute"]["totalInstancesUsed"],
        0
    );
}

#[tokio::test]
async fn servers_named_with_the_marker_end_in_error_with_a_fault() {
    let cloud = Cloud::start(fast_config()).await;
    let id = cloud.client.create_server("web-sim-error").await;
    let failed = cloud
        .client
        .wait_for(&id, WAIT, |reply| status(reply) != "BUILD")
        .await;
    let server = &failed.body["server"];
    assert_eq!(server["status"], "ERROR");
    assert_eq!(server["fault"]["code"], 500);
    assert!(
        server["fault"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("No valid host"))
    );
    assert!(server["fault"]["created"].is_string());
    // Scheduling failed: no host took it, so it has no host and no address.
    assert_eq!(server["OS-EXT-SRV-ATTR:host"], Value::Null);
    assert_eq!(server["hostId"], "");
    assert_eq!(server["addresses"], json!({}));
    assert_eq!(
        cloud
            .client
            .delete(&format!("servers/{id}"), "2.67")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn the_build_error_rate_knob_fails_builds() {
    let cloud = Cloud::start(fast_config().build_error_rate(1.0).error_name_marker(None)).await;
    let id = cloud.client.create_server("unlucky").await;
    let failed = cloud
        .client
        .wait_for(&id, WAIT, |reply| status(reply) != "BUILD")
        .await;
    assert_eq!(status(&failed), "ERROR");
}
