//! Day-two server actions (rename, resize, snapshot, rebuild, lock, pause, suspend, shelve):
//! the bodies the console sends (`ecs_api::requests`), every state they pass through, Nova's
//! refusals with its messages, and every response against Nova's schemas.

use std::collections::BTreeMap;
use std::time::Duration;

use ecs_api::requests::{
    CreateImage, LockServer, NovaRequest, PlainAction, RebuildServer, ResizeServer, UpdateServer,
};
use ecs_sim::Quota;
use ecs_sim::test_client::{Reply, Version};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Cloud, assert_fault, fast_config, schema_problems};
use crate::day_two::{
    WAIT, accepted, act, active_server, assert_refused, assert_step, show, status, task_state,
    wait_status,
};
use crate::services::service_call;

const GLANCE_IMAGE_SCHEMA: &str = "schemas/image-show-response.json";

/// Asserts a response validates against Nova's schema for `endpoint` at `version`.
fn assert_schema(endpoint: &str, version: &str, body: &Value) {
    if let Some(problem) = schema_problems(endpoint, version, body) {
        panic!("{problem}\nbody: {body}");
    }
}

/// Sends a bodiless action, expected to be accepted (202).
async fn plain(cloud: &Cloud, id: &str, action: PlainAction) {
    accepted(cloud, id, &action.to_body(), StatusCode::ACCEPTED).await;
}

/// `PUT /servers/{id}` at `version`.
async fn update(cloud: &Cloud, id: &str, version: &str, body: &Value) -> Reply {
    cloud
        .client
        .call(
            Method::PUT,
            &format!("servers/{id}"),
            Version::Exact(version),
            Some(body),
        )
        .await
}

fn step_of(reply: &Reply) -> (String, Option<String>) {
    (
        status(reply).to_owned(),
        task_state(reply).map(str::to_owned),
    )
}

/// Polls until the server is `wanted` with no task, recording each (status, task state) seen
/// after `first` (a view taken right after the action).
async fn steps_until(
    cloud: &Cloud,
    id: &str,
    wanted: &str,
    first: &Reply,
) -> Vec<(String, Option<String>)> {
    let mut seen = vec![step_of(first)];
    cloud
        .client
        .wait_for(id, WAIT, |reply| {
            let step = step_of(reply);
            if seen.last() != Some(&step) {
                seen.push(step);
            }
            status(reply) == wanted && task_state(reply).is_none()
        })
        .await;
    seen
}

/// A server that boots from `image` on `flavor`'s local disk with the new key pair `day-two`,
/// ACTIVE.
async fn image_backed_server(cloud: &Cloud, name: &str, image: &str, flavor: &str) -> String {
    let id = cloud
        .client
        .create_image_backed_server(name, image, flavor, "day-two")
        .await;
    wait_status(cloud, &id, "ACTIVE").await;
    id
}

async fn glance(cloud: &Cloud, path: &str) -> Reply {
    service_call(&cloud.client, "image", Method::GET, path, None).await
}

/// Glance's view of image `image_id`, checked against Glance's schema.
async fn glance_image(cloud: &Cloud, image_id: &str) -> Reply {
    let image = glance(cloud, &format!("v2/images/{image_id}")).await;
    assert_eq!(image.status, StatusCode::OK, "{}", image.text);
    if let Err(errors) = nova_ref::shared("glance-api").validate(GLANCE_IMAGE_SCHEMA, &image.body) {
        panic!("{errors:?}: {}", image.body);
    }
    image
}

/// Nova's image proxy (`images/{id}`, served up to 2.35).
async fn nova_image(cloud: &Cloud, method: Method, image_id: &str) -> Reply {
    let path = format!("images/{image_id}");
    cloud
        .client
        .call(method, &path, Version::Exact("2.35"), None)
        .await
}

/// Long enough phases to see each step on a busy machine.
fn observable() -> ecs_sim::SimConfig {
    fast_config()
        .build_duration(Duration::from_millis(2_400))
        .transition_duration(Duration::from_millis(1_200))
}

#[tokio::test]
async fn rename_and_description_answer_with_novas_update_view() {
    let cloud = Cloud::start(fast_config()).await;
    let id = active_server(&cloud, "web-1").await;
    let renamed = update(
        &cloud,
        &id,
        "2.67",
        &UpdateServer::rename("web-2", Some("front tier".into())).to_body(),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_schema("PUT /servers/{id}", "2.67", &renamed.body);
    assert_eq!(renamed.body["server"]["name"], "web-2");
    assert_eq!(renamed.body["server"]["description"], "front tier");
    // The keys real Nova 34 answers a PUT with at 2.67.
    let keys: Vec<&str> = renamed.body["server"]
        .as_object()
        .expect("server")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "OS-DCF:diskConfig",
            "accessIPv4",
            "accessIPv6",
            "addresses",
            "created",
            "description",
            "flavor",
            "hostId",
            "id",
            "image",
            "links",
            "locked",
            "metadata",
            "name",
            "progress",
            "status",
            "tags",
            "tenant_id",
            "trusted_image_certificates",
            "updated",
            "user_id"
        ]
    );
    let shown = show(&cloud, &id, "2.67").await;
    assert_eq!(shown.body["server"]["name"], "web-2");
    assert_eq!(shown.body["server"]["description"], "front tier");
    assert_eq!(
        shown.body["server"]["OS-EXT-SRV-ATTR:hostname"], "web-1",
        "Nova keeps the hostname through a rename"
    );

    // An empty description clears it (null), as the console sends it.
    let cleared = update(
        &cloud,
        &id,
        "2.19",
        &UpdateServer::rename("web-2", Some(String::new())).to_body(),
    )
    .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert_schema("PUT /servers/{id}", "2.19", &cleared.body);
    assert_eq!(cleared.body["server"]["description"], Value::Null);

    let old = update(
        &cloud,
        &id,
        "2.1",
        &UpdateServer::rename("web-3", None).to_body(),
    )
    .await;
    assert_eq!(old.status, StatusCode::OK, "{}", old.text);
    assert_schema("PUT /servers/{id}", "2.1", &old.body);
    assert_eq!(old.body["server"]["name"], "web-3");

    let too_early = update(
        &cloud,
        &id,
        "2.18",
        &UpdateServer::rename("web-4", Some("x".into())).to_body(),
    )
    .await;
    assert_fault(
        &too_early,
        400,
        "badRequest",
        "Additional properties are not allowed ('description' was unexpected)",
    );
    let spaced = update(&cloud, &id, "2.67", &json!({"server": {"name": " web"}})).await;
    assert_fault(
        &spaced,
        400,
        "badRequest",
        "An invalid 'name' value was provided.",
    );
    let unknown = update(
        &cloud,
        "0b7d4c1e-5f2a-4e8b-9c3d-6a1f2e3d4c5b",
        "2.67",
        &UpdateServer::rename("x", None).to_body(),
    )
    .await;
    assert_fault(&unknown, 404, "itemNotFound", "could not be found");
    assert!(
        cloud.sim.simulator().server_actions(&id).is_empty(),
        "a rename is no instance action"
    );
}

#[tokio::test]
async fn a_resize_waits_in_verify_resize_and_confirm_keeps_the_new_flavor() {
    let cloud = Cloud::start(observable()).await;
    let id = active_server(&cloud, "grow").await;
    let resize = ResizeServer::to_flavor("s6.xlarge.2").to_body();
    let reply = act(&cloud, &id, "2.67", &resize).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    assert_eq!(reply.text, "");
    let during = show(&cloud, &id, "2.67").await;
    assert_eq!(status(&during), "RESIZE");
    assert_schema("GET /servers/{id}", "2.67", &during.body);
    let again = act(&cloud, &id, "2.67", &resize).await;
    assert_refused(&again, "resize", &id, "task_state resize_");

    let steps = steps_until(&cloud, &id, "VERIFY_RESIZE", &during).await;
    let tasks: Vec<&str> = steps
        .iter()
        .filter_map(|(status, task)| (status == "RESIZE").then_some(task.as_deref()?))
        .collect();
    assert_eq!(
        tasks,
        [
            "resize_prep",
            "resize_migrating",
            "resize_migrated",
            "resize_finish"
        ],
        "{steps:?}"
    );
    let verify = show(&cloud, &id, "2.67").await;
    assert_schema("GET /servers/{id}", "2.67", &verify.body);
    let server = &verify.body["server"];
    assert_eq!(server["OS-EXT-STS:vm_state"], "resized");
    assert_eq!(server["OS-EXT-STS:power_state"], 1);
    assert_eq!(server["flavor"]["original_name"], "s6.xlarge.2");
    assert_eq!(server["flavor"]["vcpus"], 4);
    let before_2_47 = show(&cloud, &id, "2.46").await;
    assert_eq!(before_2_47.body["server"]["flavor"]["id"], "s6.xlarge.2");
    assert_schema("GET /servers/{id}", "2.46", &before_2_47.body);
    let limits = cloud.client.get("limits", "2.67").await;
    assert_eq!(limits.body["limits"]["absolute"]["totalCoresUsed"], 4);

    let confirm = PlainAction::ConfirmResize.to_body();
    accepted(&cloud, &id, &confirm, StatusCode::NO_CONTENT).await;
    let confirmed = wait_status(&cloud, &id, "ACTIVE").await;
    assert_eq!(
        confirmed.body["server"]["flavor"]["original_name"],
        "s6.xlarge.2"
    );
    let twice = act(&cloud, &id, "2.67", &confirm).await;
    assert_refused(&twice, "confirmResize", &id, "vm_state active");
    assert_eq!(
        cloud.sim.simulator().server_actions(&id),
        ["resize", "confirmResize"]
    );
}

#[tokio::test]
async fn a_reverted_resize_goes_back_to_the_old_flavor_and_a_stopped_server_stays_off() {
    let cloud = Cloud::start(observable()).await;
    let id = active_server(&cloud, "try").await;
    accepted(&cloud, &id, &json!({"os-stop": null}), StatusCode::ACCEPTED).await;
    wait_status(&cloud, &id, "SHUTOFF").await;
    accepted(
        &cloud,
        &id,
        &ResizeServer::to_flavor("m6.large.8").to_body(),
        StatusCode::ACCEPTED,
    )
    .await;
    let resizing = show(&cloud, &id, "2.67").await;
    assert_eq!(status(&resizing), "RESIZE");
    assert_eq!(
        resizing.body["server"]["OS-EXT-STS:vm_state"], "stopped",
        "the vm_state stays while the task runs"
    );
    let verify = wait_status(&cloud, &id, "VERIFY_RESIZE").await;
    assert_eq!(verify.body["server"]["OS-EXT-STS:power_state"], 4);
    let revert = PlainAction::RevertResize.to_body();
    accepted(&cloud, &id, &revert, StatusCode::ACCEPTED).await;
    let reverting = show(&cloud, &id, "2.67").await;
    assert_eq!(status(&reverting), "REVERT_RESIZE");
    assert_eq!(task_state(&reverting), Some("resize_reverting"));
    assert_schema("GET /servers/{id}", "2.67", &reverting.body);
    let reverted = wait_status(&cloud, &id, "SHUTOFF").await;
    assert_eq!(
        reverted.body["server"]["flavor"]["original_name"],
        "c1.large"
    );
    let again = act(&cloud, &id, "2.67", &revert).await;
    assert_refused(&again, "revertResize", &id, "vm_state stopped");
    let limits = cloud.client.get("limits", "2.67").await;
    assert_eq!(limits.body["limits"]["absolute"]["totalRAMUsed"], 4096);
}

#[tokio::test]
async fn a_resize_is_refused_as_nova_refuses_it() {
    let quota = Quota {
        instances: 10,
        cores: 3,
        ram_mb: 6_000,
        key_pairs: 100,
    };
    let cloud = Cloud::start(fast_config().quota(quota)).await;
    let id = active_server(&cloud, "fixed").await;
    let resize = |flavor: &str| ResizeServer::to_flavor(flavor).to_body();
    let same = act(&cloud, &id, "2.67", &resize("c1.large")).await;
    assert_fault(
        &same,
        400,
        "badRequest",
        "When resizing, instances must change flavor!",
    );
    let unknown = act(&cloud, &id, "2.67", &resize("no-such-flavor")).await;
    assert_fault(
        &unknown,
        400,
        "badRequest",
        "Flavor no-such-flavor could not be found.",
    );
    let retired = act(&cloud, &id, "2.67", &resize("t1.retired")).await;
    assert_fault(
        &retired,
        400,
        "badRequest",
        "Flavor t1.retired could not be found.",
    );
    // Only the increase over the old flavor counts, as in Nova's _check_quota_for_upsize.
    let both = act(&cloud, &id, "2.67", &resize("s6.xlarge.2")).await;
    assert_fault(
        &both,
        403,
        "forbidden",
        "Quota exceeded for cores, ram: Requested 2, 4096, but already used 2, 4096 of 3, 6000 cores, ram",
    );
    let ram = act(&cloud, &id, "2.67", &resize("m6.large.8")).await;
    assert_fault(
        &ram,
        403,
        "forbidden",
        "Quota exceeded for ram: Requested 12288, but already used 4096 of 6000 ram",
    );
    let smaller = act(&cloud, &id, "2.67", &resize("s6.small.1")).await;
    assert_eq!(
        smaller.status,
        StatusCode::ACCEPTED,
        "a smaller flavor fits: {}",
        smaller.text
    );
    let no_flavor = act(&cloud, &id, "2.67", &json!({"resize": {}})).await;
    assert_fault(
        &no_flavor,
        400,
        "badRequest",
        "'flavorRef' is a required property",
    );
    let missing = act(
        &cloud,
        "0b7d4c1e-5f2a-4e8b-9c3d-6a1f2e3d4c5b",
        "2.67",
        &resize("s6.small.1"),
    )
    .await;
    assert_fault(&missing, 404, "itemNotFound", "could not be found");
    assert_eq!(cloud.sim.simulator().server_actions(&id), ["resize"]);
}

#[tokio::test]
async fn a_locked_server_refuses_changes_but_not_rename_or_snapshot() {
    let cloud = Cloud::start(fast_config()).await;
    let id = active_server(&cloud, "guarded").await;
    accepted(
        &cloud,
        &id,
        &LockServer::new("maintenance", false).to_body(),
        StatusCode::ACCEPTED,
    )
    .await;
    let locked = show(&cloud, &id, "2.9").await;
    assert_eq!(locked.body["server"]["locked"], true);
    assert_schema("GET /servers/{id}", "2.9", &locked.body);
    assert!(
        show(&cloud, &id, "2.8").await.body["server"]
            .get("locked")
            .is_none()
    );
    assert!(
        show(&cloud, &id, "2.67").await.body["server"]
            .get("locked_reason")
            .is_none(),
        "no locked_reason before 2.73"
    );
    let message = format!("Instance {id} is locked");
    for body in [
        json!({"os-stop": null}),
        json!({"reboot": {"type": "HARD"}}),
        PlainAction::Pause.to_body(),
        PlainAction::Suspend.to_body(),
        PlainAction::Shelve.to_body(),
        ResizeServer::to_flavor("s6.small.1").to_body(),
        RebuildServer::from_image(
            cloud.client.image_named("CentOS 7.9 64bit").await["id"]
                .as_str()
                .expect("id"),
        )
        .to_body(),
    ] {
        let refused = act(&cloud, &id, "2.67", &body).await;
        assert_fault(&refused, 409, "conflictingRequest", &message);
    }
    let delete = cloud.client.delete(&format!("servers/{id}"), "2.67").await;
    assert_fault(&delete, 409, "conflictingRequest", &message);
    // Before 2.73 Nova ignores what the lock body carries.
    accepted(
        &cloud,
        &id,
        &json!({"lock": {"locked_reason": "twice"}}),
        StatusCode::ACCEPTED,
    )
    .await;
    let renamed = update(
        &cloud,
        &id,
        "2.67",
        &UpdateServer::rename("still-guarded", None).to_body(),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    let snapshot = act(
        &cloud,
        &id,
        "2.67",
        &CreateImage::named("guarded-snap").to_body(),
    )
    .await;
    assert_eq!(snapshot.status, StatusCode::ACCEPTED, "{}", snapshot.text);

    plain(&cloud, &id, PlainAction::Unlock).await;
    assert_eq!(
        show(&cloud, &id, "2.67").await.body["server"]["locked"],
        false
    );
    accepted(&cloud, &id, &json!({"os-stop": null}), StatusCode::ACCEPTED).await;
    assert_eq!(
        cloud.sim.simulator().server_actions(&id),
        ["lock", "lock", "createImage", "unlock", "os-stop"]
    );
}

#[tokio::test]
async fn pause_and_suspend_go_there_and_back_in_the_states_nova_allows() {
    let cloud = Cloud::start(observable()).await;
    let id = active_server(&cloud, "sleepy").await;
    let pause = PlainAction::Pause.to_body();
    accepted(&cloud, &id, &pause, StatusCode::ACCEPTED).await;
    let pausing = show(&cloud, &id, "2.67").await;
    assert_step(&pausing, "ACTIVE", Some("pausing"));
    let paused = wait_status(&cloud, &id, "PAUSED").await;
    assert_eq!(paused.body["server"]["OS-EXT-STS:vm_state"], "paused");
    assert_eq!(paused.body["server"]["OS-EXT-STS:power_state"], 3);
    assert_schema("GET /servers/{id}", "2.67", &paused.body);
    for (body, name) in [
        (pause.clone(), "pause"),
        (ResizeServer::to_flavor("s6.small.1").to_body(), "resize"),
        (PlainAction::Suspend.to_body(), "suspend"),
        (PlainAction::Resume.to_body(), "resume"),
        (json!({"os-stop": null}), "stop"),
    ] {
        let refused = act(&cloud, &id, "2.67", &body).await;
        assert_refused(&refused, name, &id, "vm_state paused");
    }
    plain(&cloud, &id, PlainAction::Unpause).await;
    let unpausing = show(&cloud, &id, "2.67").await;
    assert_step(&unpausing, "PAUSED", Some("unpausing"));
    wait_status(&cloud, &id, "ACTIVE").await;

    plain(&cloud, &id, PlainAction::Suspend).await;
    let suspended = wait_status(&cloud, &id, "SUSPENDED").await;
    assert_eq!(suspended.body["server"]["OS-EXT-STS:vm_state"], "suspended");
    assert_schema("GET /servers/{id}", "2.67", &suspended.body);
    let unpause = act(&cloud, &id, "2.67", &PlainAction::Unpause.to_body()).await;
    assert_refused(&unpause, "unpause", &id, "vm_state suspended");
    plain(&cloud, &id, PlainAction::Resume).await;
    let resuming = show(&cloud, &id, "2.67").await;
    assert_step(&resuming, "SUSPENDED", Some("resuming"));
    wait_status(&cloud, &id, "ACTIVE").await;

    accepted(&cloud, &id, &json!({"os-stop": null}), StatusCode::ACCEPTED).await;
    wait_status(&cloud, &id, "SHUTOFF").await;
    let stopped = act(&cloud, &id, "2.67", &pause).await;
    assert_refused(&stopped, "pause", &id, "vm_state stopped");
    assert_eq!(
        cloud.sim.simulator().server_actions(&id),
        ["pause", "unpause", "suspend", "resume", "os-stop"]
    );
}

#[tokio::test]
async fn shelve_offloads_a_volume_backed_server_at_once_and_unshelve_brings_it_back() {
    let cloud = Cloud::start(observable()).await;
    let id = active_server(&cloud, "cold").await;
    let unshelve = PlainAction::Unshelve.to_body();
    let early = act(&cloud, &id, "2.67", &unshelve).await;
    assert_refused(&early, "unshelve", &id, "vm_state active");
    plain(&cloud, &id, PlainAction::Shelve).await;
    let shelving = show(&cloud, &id, "2.67").await;
    let steps = steps_until(&cloud, &id, "SHELVED_OFFLOADED", &shelving).await;
    assert_eq!(
        steps
            .first()
            .map(|step| (step.0.as_str(), step.1.as_deref())),
        Some(("ACTIVE", Some("shelving")))
    );
    assert!(
        steps.iter().all(|(status, _)| status != "SHELVED"),
        "a volume-backed server is offloaded directly: {steps:?}"
    );
    let offloaded = show(&cloud, &id, "2.67").await;
    let server = &offloaded.body["server"];
    assert_eq!(server["OS-EXT-STS:vm_state"], "shelved_offloaded");
    assert_eq!(server["OS-EXT-SRV-ATTR:host"], Value::Null);
    assert_eq!(server["hostId"], "");
    assert_schema("GET /servers/{id}", "2.67", &offloaded.body);
    let start = act(&cloud, &id, "2.67", &json!({"os-start": null})).await;
    assert_refused(&start, "start", &id, "vm_state shelved_offloaded");
    accepted(&cloud, &id, &unshelve, StatusCode::ACCEPTED).await;
    let unshelving = show(&cloud, &id, "2.67").await;
    assert_step(&unshelving, "SHELVED_OFFLOADED", Some("unshelving"));
    let back = wait_status(&cloud, &id, "ACTIVE").await;
    assert_eq!(
        back.body["server"]["OS-EXT-SRV-ATTR:host"],
        "ecs-sim-host-01"
    );
    assert_eq!(
        cloud.sim.simulator().server_actions(&id),
        ["shelve", "unshelve"]
    );
}

#[tokio::test]
async fn an_image_backed_server_waits_shelved_before_it_is_offloaded() {
    let cloud = Cloud::start(observable()).await;
    let id = image_backed_server(&cloud, "local", "Ubuntu 22.04 server 64bit", "m1.small").await;
    plain(&cloud, &id, PlainAction::Shelve).await;
    let shelving = show(&cloud, &id, "2.67").await;
    let steps = steps_until(&cloud, &id, "SHELVED", &shelving).await;
    let tasks: Vec<&str> = steps
        .iter()
        .filter_map(|(_, task)| task.as_deref())
        .collect();
    assert_eq!(
        tasks,
        [
            "shelving",
            "shelving_image_pending_upload",
            "shelving_image_uploading"
        ]
    );
    let shelved = show(&cloud, &id, "2.67").await;
    assert_eq!(shelved.body["server"]["OS-EXT-STS:power_state"], 4);
    assert_eq!(
        shelved.body["server"]["OS-EXT-SRV-ATTR:host"],
        "ecs-sim-host-01"
    );
    // Nova keeps the disk as a snapshot named after the server until it is unshelved.
    let shelved_images = || async {
        glance(&cloud, "v2/images?name=local-shelved").await.body["images"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let images = shelved_images().await;
    assert_eq!(images.len(), 1, "{images:?}");
    assert_eq!(images[0]["status"], "active");
    assert_eq!(images[0]["image_type"], "snapshot");
    assert_eq!(images[0]["instance_uuid"], id.as_str());
    wait_status(&cloud, &id, "SHELVED_OFFLOADED").await;
    plain(&cloud, &id, PlainAction::Unshelve).await;
    let back = wait_status(&cloud, &id, "ACTIVE").await;
    assert_eq!(back.body["server"]["key_name"], "day-two");
    assert!(
        shelved_images().await.is_empty(),
        "the shelved snapshot is deleted once the server runs again"
    );
}

#[tokio::test]
async fn a_volume_backed_snapshot_is_an_active_image_mapping_its_volume() {
    let cloud = Cloud::start(fast_config()).await;
    let id = active_server(&cloud, "db").await;
    let mut request = CreateImage::named("db-backup");
    request.metadata = BTreeMap::from([("purpose".to_owned(), "backup".to_owned())]);
    let reply = act(&cloud, &id, "2.67", &request.to_body()).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    assert_schema(
        "POST /servers/{id}/action (createImage)",
        "2.67",
        &reply.body,
    );
    assert_eq!(reply.header("location"), None, "2.45 replaced the header");
    let image_id = reply.body["image_id"].as_str().expect("image_id");
    let server = show(&cloud, &id, "2.67").await;
    assert_eq!(
        task_state(&server),
        None,
        "Nova snapshots the volume at once"
    );

    let image = glance_image(&cloud, image_id).await.body;
    assert_eq!(image["name"], "db-backup");
    assert_eq!(image["status"], "active");
    assert_eq!(image["size"], 0);
    assert_eq!(image["disk_format"], "raw");
    assert_eq!(image["visibility"], "private");
    assert_eq!(image["owner"], cloud.client.project_id());
    // Nova's snapshot_volume_backed names neither the server nor the kind of image.
    assert!(image.get("image_type").is_none(), "{image}");
    assert!(image.get("instance_uuid").is_none(), "{image}");
    assert_eq!(image["boot_roles"], "reader,member");
    assert_eq!(image["owner_project_name"], "demo");
    assert_eq!(image["purpose"], "backup");
    assert_eq!(image["bdm_v2"], "True");
    assert_eq!(
        image["base_image_ref"], "",
        "a volume-backed server has no image_ref"
    );
    assert_eq!(image["min_disk"], 40);
    let mapping: Value = serde_json::from_str(
        image["block_device_mapping"]
            .as_str()
            .expect("Glance keeps the mapping as text"),
    )
    .expect("JSON");
    assert_eq!(mapping[0]["source_type"], "snapshot");
    assert_eq!(mapping[0]["volume_size"], 40);

    let proxied = nova_image(&cloud, Method::GET, image_id).await;
    assert_schema("GET /images/{id}", "2.35", &proxied.body);
    let proxied = &proxied.body["image"];
    assert_eq!(proxied["status"], "ACTIVE");
    assert!(
        proxied.get("server").is_none(),
        "no instance_uuid, no server link"
    );
    assert!(proxied["metadata"]["block_device_mapping"].is_array());
    let catalogue_image = cloud.client.image_named("CentOS 7.9 64bit").await;
    let not_ours = nova_image(
        &cloud,
        Method::DELETE,
        catalogue_image["id"].as_str().expect("id"),
    )
    .await;
    assert_fault(
        &not_ours,
        403,
        "forbidden",
        "You are not allowed to delete the image.",
    );
    let listed = glance(&cloud, "v2/images?visibility=private").await;
    assert!(
        listed.body["images"]
            .as_array()
            .expect("images")
            .iter()
            .any(|listed| listed["id"] == image_id)
    );
    let deleted = nova_image(&cloud, Method::DELETE, image_id).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    let gone = nova_image(&cloud, Method::GET, image_id).await;
    assert_fault(&gone, 404, "itemNotFound", "Image not found.");
    let again = nova_image(&cloud, Method::DELETE, image_id).await;
    assert_fault(&again, 404, "itemNotFound", "Image not found.");
}

#[tokio::test]
async fn an_image_backed_snapshot_is_saved_over_time_while_the_server_shows_its_steps() {
    let cloud = Cloud::start(observable()).await;
    let id = image_backed_server(&cloud, "app", "Ubuntu 22.04 server 64bit", "m1.small").await;
    let reply = act(
        &cloud,
        &id,
        "2.44",
        &CreateImage::named("app-snap").to_body(),
    )
    .await;
    let snapshotting = show(&cloud, &id, "2.67").await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    assert_eq!(reply.text, "", "no body before 2.45");
    let location = reply.header("location").expect("Location before 2.45");
    let image_id = location
        .strip_prefix(&format!("{}/image/images/", cloud.sim.base_url()))
        .unwrap_or_else(|| panic!("Glance's image URL: {location}"))
        .to_owned();
    let busy = act(&cloud, &id, "2.67", &CreateImage::named("again").to_body()).await;
    assert_refused(&busy, "createImage", &id, "task_state image_");

    let mut glance_states: Vec<String> = Vec::new();
    let mut proxy_states: Vec<(String, u64)> = Vec::new();
    let mut server_tasks: Vec<String> = task_state(&snapshotting)
        .map(str::to_owned)
        .into_iter()
        .collect();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let image = glance_image(&cloud, &image_id).await;
        let state = image.body["status"].as_str().expect("status").to_owned();
        if state != "active" {
            assert!(image.body["size"].is_null(), "no data yet: {}", image.body);
        }
        if glance_states.last() != Some(&state) {
            glance_states.push(state.clone());
        }
        let proxied = nova_image(&cloud, Method::GET, &image_id).await;
        assert_schema("GET /images/{id}", "2.35", &proxied.body);
        let proxy = (
            proxied.body["image"]["status"]
                .as_str()
                .expect("status")
                .to_owned(),
            proxied.body["image"]["progress"]
                .as_u64()
                .expect("progress"),
        );
        if proxy_states.last() != Some(&proxy) {
            proxy_states.push(proxy);
        }
        if let Some(task) = task_state(&show(&cloud, &id, "2.67").await)
            && server_tasks.last().map(String::as_str) != Some(task)
        {
            server_tasks.push(task.to_owned());
        }
        if state == "active" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never active");
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert_eq!(glance_states, ["queued", "saving", "active"]);
    assert_eq!(
        proxy_states,
        [
            ("SAVING".to_owned(), 25),
            ("SAVING".to_owned(), 50),
            ("ACTIVE".to_owned(), 100)
        ]
    );
    assert_eq!(
        server_tasks,
        [
            "image_snapshot_pending",
            "image_snapshot",
            "image_pending_upload",
            "image_uploading"
        ]
    );
    let server = wait_status(&cloud, &id, "ACTIVE").await;
    let source = cloud.client.image_named("Ubuntu 22.04 server 64bit").await;
    let image = glance_image(&cloud, &image_id).await.body;
    assert_eq!(image["base_image_ref"], source["id"]);
    assert_eq!(image["image_type"], "snapshot");
    assert_eq!(image["instance_uuid"], id.as_str());
    let proxied = nova_image(&cloud, Method::GET, &image_id).await;
    assert_eq!(proxied.body["image"]["server"]["id"], id.as_str());
    assert_eq!(image["min_ram"], 1024, "inherited from the server's image");
    assert_eq!(image["min_disk"], 20, "the flavor's disk");
    assert_eq!(image["disk_format"], "qcow2");
    assert!(image["size"].as_u64().is_some_and(|size| size > 0));
    assert_eq!(server.body["server"]["image"]["id"], source["id"]);

    // A snapshot of a shelved-offloaded server is refused.
    plain(&cloud, &id, PlainAction::Shelve).await;
    wait_status(&cloud, &id, "SHELVED_OFFLOADED").await;
    let offloaded = act(&cloud, &id, "2.67", &CreateImage::named("late").to_body()).await;
    assert_refused(&offloaded, "createImage", &id, "vm_state shelved_offloaded");
    let empty_name = act(&cloud, &id, "2.67", &json!({"createImage": {"name": ""}})).await;
    assert_fault(
        &empty_name,
        400,
        "badRequest",
        "Invalid input for field/attribute name. Value: . '' should be non-empty",
    );
    let bad_metadata = act(
        &cloud,
        &id,
        "2.67",
        &json!({"createImage": {"name": "x", "metadata": {"a": 1}}}),
    )
    .await;
    assert_fault(
        &bad_metadata,
        400,
        "badRequest",
        "Invalid input for field/attribute a. Value: 1. 1 is not of type 'string'",
    );
}

#[tokio::test]
async fn a_rebuild_reinstalls_the_server_and_keeps_its_key_pair() {
    let cloud = Cloud::start(observable()).await;
    let id = image_backed_server(&cloud, "old-name", "CentOS 7.9 64bit", "m1.medium").await;
    let ubuntu = cloud.client.image_named("Ubuntu 22.04 server 64bit").await;
    let ubuntu_id = ubuntu["id"].as_str().expect("id");
    let mut request = RebuildServer::from_image(ubuntu_id);
    request.name = Some("new-name".to_owned());
    let reply = act(&cloud, &id, "2.67", &request.to_body()).await;
    let rebuilding = show(&cloud, &id, "2.67").await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    assert_schema("POST /servers/{id}/action (rebuild)", "2.67", &reply.body);
    let server = &reply.body["server"];
    assert!(
        server["adminPass"]
            .as_str()
            .is_some_and(|pass| pass.len() >= 8)
    );
    assert_eq!(server["name"], "new-name");
    assert_eq!(server["image"]["id"], ubuntu_id);
    assert_eq!(server["key_name"], "day-two");
    assert_eq!(server["status"], "REBUILD");
    assert_eq!(
        reply.header("location"),
        server["links"][0]["href"].as_str()
    );
    let steps = steps_until(&cloud, &id, "ACTIVE", &rebuilding).await;
    let tasks: Vec<&str> = steps
        .iter()
        .filter_map(|(status, task)| (status == "REBUILD").then_some(task.as_deref()?))
        .collect();
    assert_eq!(
        tasks,
        [
            "rebuilding",
            "rebuild_block_device_mapping",
            "rebuild_spawning"
        ]
    );
    let rebuilt = show(&cloud, &id, "2.67").await;
    assert_eq!(rebuilt.body["server"]["key_name"], "day-two");
    assert_eq!(rebuilt.body["server"]["image"]["id"], ubuntu_id);

    // 2.54 may change or remove the key pair; older versions do not know key_name.
    let mut unkeyed = RebuildServer::from_image(ubuntu_id);
    unkeyed.key_name = Some("no-such-key".to_owned());
    let unknown_key = act(&cloud, &id, "2.67", &unkeyed.to_body()).await;
    assert_fault(
        &unknown_key,
        400,
        "badRequest",
        "Invalid key_name provided.",
    );
    let old = act(&cloud, &id, "2.53", &unkeyed.to_body()).await;
    assert_fault(
        &old,
        400,
        "badRequest",
        "Additional properties are not allowed ('key_name' was unexpected)",
    );
    let removed = act(
        &cloud,
        &id,
        "2.54",
        &json!({"rebuild": {"imageRef": ubuntu_id, "key_name": null}}),
    )
    .await;
    assert_eq!(removed.status, StatusCode::ACCEPTED, "{}", removed.text);
    assert_schema("POST /servers/{id}/action (rebuild)", "2.54", &removed.body);
    assert_eq!(removed.body["server"]["key_name"], Value::Null);
    let busy = act(&cloud, &id, "2.67", &request.to_body()).await;
    assert_refused(&busy, "rebuild", &id, "task_state rebuilding");
    wait_status(&cloud, &id, "ACTIVE").await;

    let uploading = cloud
        .client
        .image_named("Debian 12 64bit (uploading)")
        .await;
    let inactive = act(
        &cloud,
        &id,
        "2.67",
        &RebuildServer::from_image(uploading["id"].as_str().expect("id")).to_body(),
    )
    .await;
    assert_fault(
        &inactive,
        400,
        "badRequest",
        &format!(
            "Image {} is not active.",
            uploading["id"].as_str().unwrap_or_default()
        ),
    );
    let missing = act(
        &cloud,
        &id,
        "2.67",
        &RebuildServer::from_image("0b7d4c1e-5f2a-4e8b-9c3d-6a1f2e3d4c5b").to_body(),
    )
    .await;
    assert_fault(&missing, 400, "badRequest", "Cannot find image for rebuild");
    let not_uuid = act(
        &cloud,
        &id,
        "2.67",
        &RebuildServer::from_image("centos").to_body(),
    )
    .await;
    assert_fault(
        &not_uuid,
        400,
        "badRequest",
        "Invalid input for field/attribute imageRef. Value: centos. 'centos' is not a 'uuid'",
    );
    assert_eq!(
        cloud.sim.simulator().server_actions(&id),
        ["rebuild", "rebuild"]
    );
}

#[tokio::test]
async fn a_volume_backed_server_rebuilds_only_from_its_own_image_before_2_93() {
    let cloud = Cloud::start(fast_config()).await;
    let id = active_server(&cloud, "bfv").await;
    let ubuntu = cloud.client.image_named("Ubuntu 22.04 server 64bit").await;
    let ubuntu_id = ubuntu["id"].as_str().expect("id");
    let other = act(
        &cloud,
        &id,
        "2.67",
        &RebuildServer::from_image(ubuntu_id).to_body(),
    )
    .await;
    assert_fault(
        &other,
        400,
        "badRequest",
        &format!(
            "Image {ubuntu_id} is unacceptable: Unable to rebuild with a different image for a volume-backed server."
        ),
    );
    let own = show(&cloud, &id, "2.67").await.body["server"]["image"]["id"].clone();
    let same = act(
        &cloud,
        &id,
        "2.19",
        &json!({"rebuild": {"imageRef": own, "description": "again"}}),
    )
    .await;
    assert_eq!(same.status, StatusCode::ACCEPTED, "{}", same.text);
    assert_schema("POST /servers/{id}/action (rebuild)", "2.19", &same.body);
    assert_eq!(same.body["server"]["description"], "again");
    let rebuilt = wait_status(&cloud, &id, "ACTIVE").await;
    assert_eq!(rebuilt.body["server"]["image"]["id"], own);
}

#[tokio::test]
async fn a_hard_reboot_recovers_a_suspended_server_and_unknown_actions_are_refused() {
    let cloud = Cloud::start(fast_config()).await;
    let id = active_server(&cloud, "stuck").await;
    plain(&cloud, &id, PlainAction::Suspend).await;
    wait_status(&cloud, &id, "SUSPENDED").await;
    let soft = act(&cloud, &id, "2.67", &json!({"reboot": {"type": "SOFT"}})).await;
    assert_refused(&soft, "reboot", &id, "vm_state suspended");
    accepted(
        &cloud,
        &id,
        &json!({"reboot": {"type": "HARD"}}),
        StatusCode::ACCEPTED,
    )
    .await;
    wait_status(&cloud, &id, "ACTIVE").await;
    let unknown = act(&cloud, &id, "2.67", &json!({"migrate": null})).await;
    assert_fault(
        &unknown,
        400,
        "badRequest",
        "There is no such action: migrate",
    );
    // Nova's own sample bodies are what the console sends.
    let samples = nova_ref::reference();
    for (sample, action) in [
        (
            "requests/os-pause-server/pause-server.json",
            PlainAction::Pause,
        ),
        (
            "requests/os-suspend-server/server-resume.json",
            PlainAction::Resume,
        ),
        ("requests/os-shelve/os-unshelve.json", PlainAction::Unshelve),
        (
            "requests/os-lock-server/unlock-server.json",
            PlainAction::Unlock,
        ),
    ] {
        assert_eq!(samples.json(sample), action.to_body(), "{sample}");
    }
}

#[tokio::test]
async fn rename_rebuild_and_snapshot_match_novas_schemas_at_each_microversion() {
    let cloud = Cloud::start(fast_config()).await;
    let id = active_server(&cloud, "versions").await;
    let own = show(&cloud, &id, "2.67").await.body["server"]["image"]["id"].clone();
    let minor = |version: &str| -> u32 {
        version
            .trim_start_matches("2.")
            .parse()
            .expect("a 2.x version")
    };
    for version in [
        "2.1", "2.3", "2.9", "2.19", "2.26", "2.44", "2.45", "2.47", "2.54", "2.57", "2.63", "2.67",
    ] {
        let description = (minor(version) >= 19).then(|| format!("at {version}"));
        let renamed = update(
            &cloud,
            &id,
            version,
            &UpdateServer::rename(format!("v{version}"), description).to_body(),
        )
        .await;
        assert_eq!(
            renamed.status,
            StatusCode::OK,
            "{version}: {}",
            renamed.text
        );
        assert_schema("PUT /servers/{id}", version, &renamed.body);

        let mut rebuild = json!({"rebuild": {"imageRef": own, "accessIPv4": "192.0.2.10"}});
        if minor(version) >= 57 {
            rebuild["rebuild"]["user_data"] = json!("ZWNobyBoZWxsbwo=");
        }
        let rebuilt = act(&cloud, &id, version, &rebuild).await;
        assert_eq!(
            rebuilt.status,
            StatusCode::ACCEPTED,
            "{version}: {}",
            rebuilt.text
        );
        assert_schema(
            "POST /servers/{id}/action (rebuild)",
            version,
            &rebuilt.body,
        );
        assert_eq!(rebuilt.body["server"]["accessIPv4"], "192.0.2.10");
        if minor(version) >= 57 {
            assert_eq!(rebuilt.body["server"]["user_data"], "ZWNobyBoZWxsbwo=");
        }
        let active = wait_status(&cloud, &id, "ACTIVE").await;
        assert_schema("GET /servers/{id}", "2.67", &active.body);

        let snapshot = act(
            &cloud,
            &id,
            version,
            &CreateImage::named(format!("snap-{version}")).to_body(),
        )
        .await;
        assert_eq!(
            snapshot.status,
            StatusCode::ACCEPTED,
            "{version}: {}",
            snapshot.text
        );
        assert_schema(
            "POST /servers/{id}/action (createImage)",
            version,
            &snapshot.body,
        );
        assert_eq!(
            snapshot.header("location").is_some(),
            minor(version) < 45,
            "{version}: a Location header only before 2.45"
        );
    }
    let bad_user_data = act(
        &cloud,
        &id,
        "2.67",
        &json!({"rebuild": {"imageRef": own, "user_data": "not base64!"}}),
    )
    .await;
    assert_eq!(
        bad_user_data.status,
        StatusCode::BAD_REQUEST,
        "{}",
        bad_user_data.text
    );
    let too_early = act(
        &cloud,
        &id,
        "2.56",
        &json!({"rebuild": {"imageRef": own, "user_data": "ZWNobwo="}}),
    )
    .await;
    assert_fault(
        &too_early,
        400,
        "badRequest",
        "Additional properties are not allowed ('user_data' was unexpected)",
    );
}
