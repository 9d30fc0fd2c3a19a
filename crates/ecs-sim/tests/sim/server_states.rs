//! What a server shows in its day-two states, as Nova shows it: booting from the project's
//! snapshots, consoles of paused, suspended and offloaded servers, the hostname after a rename,
//! Neutron's ports of a paused server, every attached volume in the server view, and a build
//! Cinder refuses a boot volume for.

use std::time::Duration;

use ecs_api::requests::{CreateImage, NovaRequest, PlainAction, UpdateServer};
use ecs_sim::VolumeQuota;
use ecs_sim::test_client::{Reply, Version};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Cloud, assert_fault, fast_config};
use crate::services::service_call;

const WAIT: Duration = Duration::from_secs(15);

async fn wait_status(cloud: &Cloud, id: &str, wanted: &str) -> Reply {
    cloud
        .client
        .wait_for(id, WAIT, |reply| {
            reply.body["server"]["status"] == wanted
                && reply.body["server"]["OS-EXT-STS:task_state"].is_null()
        })
        .await
}

async fn act(cloud: &Cloud, id: &str, body: &Value) {
    let reply = cloud
        .client
        .post(&format!("servers/{id}/action"), "2.67", body)
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{body}: {}", reply.text);
}

fn created_id(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    reply.body["server"]["id"]
        .as_str()
        .expect("server id")
        .to_owned()
}

async fn cinder_volume(cloud: &Cloud, id: &str) -> Value {
    let reply = service_call(
        &cloud.client,
        "block-storage",
        Method::GET,
        &format!("volumes/{id}"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["volume"].clone()
}

fn attached_ids(server: &Reply) -> Vec<String> {
    server.body["server"]["os-extended-volumes:volumes_attached"]
        .as_array()
        .expect("volumes_attached")
        .iter()
        .map(|volume| volume["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn console_output(cloud: &Cloud, id: &str) -> Reply {
    cloud
        .client
        .post(
            &format!("servers/{id}/action"),
            "2.67",
            &json!({"os-getConsoleOutput": {}}),
        )
        .await
}

async fn remote_console(cloud: &Cloud, id: &str) -> Reply {
    cloud
        .client
        .post(
            &format!("servers/{id}/remote-consoles"),
            "2.67",
            &json!({"remote_console": {"protocol": "vnc", "type": "novnc"}}),
        )
        .await
}

async fn port_statuses(cloud: &Cloud, id: &str) -> Vec<String> {
    let reply = service_call(
        &cloud.client,
        "network",
        Method::GET,
        &format!("v2.0/ports?device_id={id}"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["ports"]
        .as_array()
        .expect("ports")
        .iter()
        .map(|port| port["status"].as_str().expect("status").to_owned())
        .collect()
}

#[tokio::test]
async fn a_volume_backed_snapshot_boots_a_new_server_from_its_mapping() {
    let cloud = Cloud::start(fast_config()).await;
    let source = cloud.client.create_server("db").await;
    wait_status(&cloud, &source, "ACTIVE").await;
    let snapshot = cloud
        .client
        .post(
            &format!("servers/{source}/action"),
            "2.67",
            &CreateImage::named("db-backup").to_body(),
        )
        .await;
    assert_eq!(snapshot.status, StatusCode::ACCEPTED, "{}", snapshot.text);
    let image_id = snapshot.body["image_id"]
        .as_str()
        .expect("image_id")
        .to_owned();
    let network = cloud.client.network_id("subnet-default").await;

    // By imageRef, as the console's "image" choice sends it: Nova boots from a volume made
    // from the image's mapping (40 GB, the source's boot volume).
    let by_ref = cloud
        .client
        .post(
            "servers",
            "2.67",
            &json!({"server": {
                "name": "restored", "flavorRef": "c1.large", "imageRef": image_id,
                "networks": [{"uuid": network}]
            }}),
        )
        .await;
    let restored = created_id(&by_ref);
    // And as the image of a new boot volume: the image's own root mapping replaces it.
    let mut body = cloud.client.guide_server("restored-too").await;
    body["server"]["block_device_mapping_v2"][0]["uuid"] = json!(image_id);
    let by_mapping = cloud.client.post("servers", "2.67", &body).await;
    let restored_too = created_id(&by_mapping);

    for id in [&restored, &restored_too] {
        let active = wait_status(&cloud, id, "ACTIVE").await;
        let server = &active.body["server"];
        assert_eq!(server["image"]["id"], image_id.as_str(), "{server}");
        assert_eq!(server["OS-EXT-SRV-ATTR:root_device_name"], "/dev/vda");
        let volumes = attached_ids(&active);
        assert_eq!(volumes.len(), 1, "{server}");
        let volume = cinder_volume(&cloud, &volumes[0]).await;
        assert_eq!(volume["size"], 40, "{volume}");
        assert_eq!(volume["bootable"], "true");
        assert_eq!(volume["status"], "in-use");
        assert_eq!(volume["attachments"][0]["server_id"], id.as_str());
    }
}

#[tokio::test]
async fn an_image_backed_snapshot_boots_like_an_image_once_it_is_active() {
    let cloud = Cloud::start(fast_config()).await;
    let image = cloud.client.image_named("Ubuntu 22.04 server 64bit").await;
    let network = cloud.client.network_id("subnet-default").await;
    let boot = |name: &str, image_id: &Value| {
        json!({"server": {
            "name": name, "flavorRef": "m1.small", "imageRef": image_id,
            "networks": [{"uuid": network}]
        }})
    };
    let source = created_id(
        &cloud
            .client
            .post("servers", "2.67", &boot("web", &image["id"]))
            .await,
    );
    wait_status(&cloud, &source, "ACTIVE").await;
    let snapshot = cloud
        .client
        .post(
            &format!("servers/{source}/action"),
            "2.67",
            &CreateImage::named("web-image").to_body(),
        )
        .await;
    assert_eq!(snapshot.status, StatusCode::ACCEPTED, "{}", snapshot.text);
    let image_id = snapshot.body["image_id"].clone();

    // Still uploading: Nova refuses an image that is not active.
    let early = cloud
        .client
        .post("servers", "2.67", &boot("too-soon", &image_id))
        .await;
    assert_fault(&early, 400, "badRequest", "is not active.");
    wait_status(&cloud, &source, "ACTIVE").await;
    let copy = created_id(
        &cloud
            .client
            .post("servers", "2.67", &boot("copy", &image_id))
            .await,
    );
    let active = wait_status(&cloud, &copy, "ACTIVE").await;
    assert_eq!(active.body["server"]["image"]["id"], image_id);
    assert!(attached_ids(&active).is_empty(), "{}", active.text);
}

#[tokio::test]
async fn consoles_answer_for_paused_suspended_and_offloaded_servers_as_nova_does() {
    let cloud = Cloud::start(fast_config()).await;
    let id = cloud.client.create_server("sleepy").await;
    wait_status(&cloud, &id, "ACTIVE").await;

    // Paused: the domain still exists and runs, so the log and VNC answer.
    act(&cloud, &id, &PlainAction::Pause.to_body()).await;
    wait_status(&cloud, &id, "PAUSED").await;
    let output = console_output(&cloud, &id).await;
    assert_eq!(output.status, StatusCode::OK, "{}", output.text);
    assert!(
        output.body["output"]
            .as_str()
            .is_some_and(|log| !log.is_empty())
    );
    let console = remote_console(&cloud, &id).await;
    assert_eq!(console.status, StatusCode::OK, "{}", console.text);
    act(&cloud, &id, &PlainAction::Unpause.to_body()).await;
    wait_status(&cloud, &id, "ACTIVE").await;

    // Suspended: libvirt saved the domain to disk; it has no console to read, as when stopped.
    act(&cloud, &id, &PlainAction::Suspend.to_body()).await;
    wait_status(&cloud, &id, "SUSPENDED").await;
    assert_fault(
        &console_output(&cloud, &id).await,
        404,
        "itemNotFound",
        "Guest does not have a console available.",
    );

    // Offloaded (a volume-backed server is offloaded at once): no host, so Nova says not ready.
    act(&cloud, &id, &PlainAction::Shelve.to_body()).await;
    wait_status(&cloud, &id, "SHELVED_OFFLOADED").await;
    let not_ready = format!("Instance {id} is not ready");
    assert_fault(
        &console_output(&cloud, &id).await,
        409,
        "conflictingRequest",
        &not_ready,
    );
    assert_fault(
        &remote_console(&cloud, &id).await,
        409,
        "conflictingRequest",
        &not_ready,
    );
}

#[tokio::test]
async fn the_guest_keeps_its_hostname_after_a_rename() {
    let cloud = Cloud::start(fast_config()).await;
    let id = cloud.client.create_server("first-name").await;
    wait_status(&cloud, &id, "ACTIVE").await;
    let rename = UpdateServer {
        name: Some("second-name".to_owned()),
        ..UpdateServer::default()
    };
    let renamed = cloud
        .client
        .call(
            Method::PUT,
            &format!("servers/{id}"),
            Version::Exact("2.67"),
            Some(&rename.to_body()),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    let output = console_output(&cloud, &id).await;
    let log = output.body["output"].as_str().expect("a console log");
    assert!(log.contains("Set hostname to <first-name>."), "{log}");
    assert!(!log.contains("second-name"), "{log}");
    let fingerprints = cloud
        .sim
        .simulator()
        .host_key_fingerprints(&id)
        .await
        .expect("host keys")
        .expect("a server");
    assert!(
        fingerprints
            .iter()
            .all(|line| line.contains("root@first-name")),
        "{fingerprints:?}"
    );
}

#[tokio::test]
async fn a_paused_servers_ports_stay_active_and_a_suspended_ones_go_down() {
    let cloud = Cloud::start(fast_config()).await;
    let id = cloud.client.create_server("ports").await;
    wait_status(&cloud, &id, "ACTIVE").await;
    assert_eq!(port_statuses(&cloud, &id).await, ["ACTIVE"]);
    act(&cloud, &id, &PlainAction::Pause.to_body()).await;
    wait_status(&cloud, &id, "PAUSED").await;
    assert_eq!(port_statuses(&cloud, &id).await, ["ACTIVE"]);
    act(&cloud, &id, &PlainAction::Unpause.to_body()).await;
    wait_status(&cloud, &id, "ACTIVE").await;
    act(&cloud, &id, &PlainAction::Suspend.to_body()).await;
    wait_status(&cloud, &id, "SUSPENDED").await;
    assert_eq!(port_statuses(&cloud, &id).await, ["DOWN"]);
}

#[tokio::test]
async fn the_server_lists_every_attached_volume_in_attachment_order() {
    let cloud = Cloud::start(fast_config()).await;
    let id = cloud.client.create_server("disks").await;
    let active = wait_status(&cloud, &id, "ACTIVE").await;
    let root = attached_ids(&active);
    assert_eq!(root.len(), 1);
    let mut data = Vec::new();
    for name in ["logs", "archive"] {
        let created = service_call(
            &cloud.client,
            "block-storage",
            Method::POST,
            "volumes",
            Some(&json!({"volume": {"size": 1, "name": name}})),
        )
        .await;
        assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
        data.push(
            created.body["volume"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    for volume in &data {
        let deadline = tokio::time::Instant::now() + WAIT;
        while cinder_volume(&cloud, volume).await["status"] != "available" {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{volume} never available"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // Attach the second one first: the view follows the attachments, not the creation.
    for volume in data.iter().rev() {
        let attached = cloud
            .client
            .post(
                &format!("servers/{id}/os-volume_attachments"),
                "2.67",
                &json!({"volumeAttachment": {"volumeId": volume}}),
            )
            .await;
        assert_eq!(attached.status, StatusCode::OK, "{}", attached.text);
    }
    let server = cloud.client.get(&format!("servers/{id}"), "2.3").await;
    assert_eq!(
        server.body["server"]["os-extended-volumes:volumes_attached"],
        json!([
            {"id": root[0], "delete_on_termination": true},
            {"id": data[1], "delete_on_termination": false},
            {"id": data[0], "delete_on_termination": false},
        ])
    );
    let before_2_3 = cloud.client.get(&format!("servers/{id}"), "2.1").await;
    assert_eq!(
        before_2_3.body["server"]["os-extended-volumes:volumes_attached"],
        json!([{"id": root[0]}, {"id": data[1]}, {"id": data[0]}])
    );
}

#[tokio::test]
async fn a_boot_volume_over_the_quota_fails_the_build_after_it_ran_and_lists_no_volume() {
    let cloud = Cloud::start(
        fast_config()
            .build_duration(Duration::from_millis(1_500))
            .volume_quota(VolumeQuota {
                volumes: 10,
                gigabytes: 30,
                per_volume_gigabytes: 50,
            }),
    )
    .await;
    // The guide's 40 GB system disk is over the 30 GB quota: Nova answers 202 and builds.
    let id = cloud.client.create_server("too-big").await;
    let building = cloud.client.get(&format!("servers/{id}"), "2.67").await;
    assert_eq!(
        building.body["server"]["status"], "BUILD",
        "{}",
        building.text
    );
    assert!(
        building.body["server"].get("fault").is_none(),
        "{}",
        building.text
    );
    let failed = cloud
        .client
        .wait_for(&id, WAIT, |reply| reply.body["server"]["status"] == "ERROR")
        .await;
    assert_eq!(failed.body["server"]["fault"]["code"], 500);
    assert_eq!(
        failed.body["server"]["fault"]["message"],
        format!(
            "Build of instance {id} aborted: VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 40G, quota is 30G and 0G has been consumed."
        )
    );
    assert!(attached_ids(&failed).is_empty(), "{}", failed.text);
}
