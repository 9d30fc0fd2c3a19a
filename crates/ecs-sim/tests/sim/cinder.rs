//! The simulator's Cinder v3 (`/volume`): every answer in the shapes of Cinder's api-ref samples
//! (`../shared/cinder-api`) at each sampled microversion, as a project member sees them, decoded
//! by ecs-api's models; volumes made, listed, paged and deleted; the volume quota (Cinder's 413s,
//! boot volumes included, a too-large system disk ending the build in ERROR as Nova does); and
//! Nova's `os-volume_attachments` (root volume listed, attach, refuse to detach the root, detach)
//! in the shapes of Nova's samples.

use std::time::Duration;

use ecs_api::models::{
    Volume, VolumeAttachmentBody, VolumeAttachmentList, VolumeBody, VolumeLimits, VolumeList,
    VolumeQuotaBody, VolumeTypeBody, VolumeTypeList,
};
use ecs_api::requests::{AttachVolume, CreateVolume, NovaRequest};
use ecs_api::urls::VolumeEndpoint;
use ecs_sim::VolumeQuota;
use ecs_sim::test_client::Reply;
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::common::{Cloud, assert_fault, fast_config};
use crate::day_two::{accepted, active_server, assert_refused, wait_status};
use crate::services::{call_with, endpoint};

/// Microversions with their own volume samples (3.0 is the unprefixed one).
const SAMPLED_VERSIONS: [u16; 8] = [0, 13, 21, 48, 61, 63, 65, 69];

/// Keys the samples show because they were taken as an admin; Cinder hides them from a member.
const ADMIN_ONLY: [&str; 7] = [
    "os-vol-host-attr:host",
    "os-vol-mig-status-attr:migstat",
    "os-vol-mig-status-attr:name_id",
    "migration_status",
    "provider_id",
    "cluster_name",
    "qos_specs_id",
];

/// Objects whose keys are the user's or the operator's, not the API's.
const FREE_MAPS: [&str; 2] = ["extra_specs", "metadata"];

/// The keys of an attachment as Cinder's view builds them (the samples have no attachment).
const ATTACHMENT_KEYS: [&str; 7] = [
    "id",
    "attachment_id",
    "volume_id",
    "server_id",
    "host_name",
    "device",
    "attached_at",
];

fn cinder_sample(rel: &str) -> Value {
    nova_ref::shared("cinder-api").json(rel)
}

/// The volume sample file `name` as it stands at microversion 3.`minor`.
fn volume_sample(name: &str, minor: u16) -> Value {
    let sampled = SAMPLED_VERSIONS
        .iter()
        .rev()
        .find(|sampled| **sampled <= minor)
        .copied()
        .unwrap_or(0);
    if sampled == 0 {
        cinder_sample(&format!("volumes/{name}"))
    } else {
        cinder_sample(&format!("volumes/v3.{sampled}_{name}"))
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Problems of `actual` against `sample`: no key the sample lacks (beyond `added`), every key it
/// has (beyond [`ADMIN_ONLY`]), and a JSON type the sample has there (null is always allowed
/// where Cinder documents a nullable field, and where the sample shows null any scalar is).
fn shape_problems(
    path: &str,
    actual: &Value,
    sample: &Value,
    added: &[&str],
    problems: &mut Vec<String>,
) {
    match (actual, sample) {
        (Value::Object(actual), Value::Object(sample)) => {
            for key in actual.keys() {
                if !sample.contains_key(key) && !added.contains(&key.as_str()) {
                    problems.push(format!("{path}.{key}: not in the sample"));
                }
            }
            for (key, expected) in sample {
                match actual.get(key) {
                    // Free-form maps: their keys are data (the samples' `capabilities`).
                    Some(value) if FREE_MAPS.contains(&key.as_str()) => {
                        if !value
                            .as_object()
                            .is_some_and(|map| map.values().all(Value::is_string))
                        {
                            problems.push(format!("{path}.{key}: not a map of strings"));
                        }
                    }
                    Some(value) => {
                        shape_problems(&format!("{path}.{key}"), value, expected, added, problems)
                    }
                    None if ADMIN_ONLY.contains(&key.as_str()) => {}
                    None => problems.push(format!("{path}.{key}: missing")),
                }
            }
        }
        (Value::Array(items), Value::Array(sample_items)) => {
            if let Some(first) = sample_items.first() {
                for item in items {
                    shape_problems(&format!("{path}[]"), item, first, added, problems);
                }
            }
        }
        (Value::Null, _) => {}
        (value, Value::Null) if !value.is_object() && !value.is_array() => {}
        (value, expected) if type_name(value) != type_name(expected) => problems.push(format!(
            "{path}: {}, the sample has {}",
            type_name(value),
            type_name(expected)
        )),
        _ => {}
    }
}

fn attachment_problems(path: &str, attachment: &Value, problems: &mut Vec<String>) {
    let keys: Vec<&str> = attachment
        .as_object()
        .map(|object| object.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut expected = ATTACHMENT_KEYS.to_vec();
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    if keys != expected {
        problems.push(format!(
            "{path}: keys {keys:?}, Cinder's view has {expected:?}"
        ));
    }
}

/// The cloud's Cinder: its endpoint from the catalog, read with ecs-api's `VolumeEndpoint`.
fn volume_endpoint(cloud: &Cloud) -> VolumeEndpoint {
    let url = endpoint(&cloud.client, "block-storage").expect("block-storage in the catalog");
    VolumeEndpoint::new(&url, cloud.client.project_id()).expect("a usable Cinder endpoint")
}

/// A Cinder call at microversion 3.`minor` (`None`: no header, i.e. 3.0).
async fn cinder(
    cloud: &Cloud,
    method: Method,
    url: &str,
    minor: Option<u16>,
    body: Option<&Value>,
) -> Reply {
    let mut request = cloud
        .client
        .http
        .request(method, url)
        .header("X-Auth-Token", &cloud.client.token)
        .header("Accept", "application/json");
    if let Some(minor) = minor {
        request = request.header("OpenStack-API-Version", format!("volume 3.{minor}"));
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    Reply::read(request.send().await.expect("Cinder answers")).await
}

/// A Cinder `GET` at 3.0 (no microversion header).
async fn cinder_get(cloud: &Cloud, url: &str) -> Reply {
    cinder(cloud, Method::GET, url, None, None).await
}

/// A Cinder `GET` at 3.`minor`.
async fn cinder_get_at(cloud: &Cloud, url: &str, minor: u16) -> Reply {
    cinder(cloud, Method::GET, url, Some(minor), None).await
}

/// A Cinder `POST` of `body` at 3.0.
async fn cinder_post(cloud: &Cloud, url: &str, body: &Value) -> Reply {
    cinder(cloud, Method::POST, url, None, Some(body)).await
}

/// A Cinder `DELETE` at 3.0.
async fn cinder_delete(cloud: &Cloud, url: &str) -> Reply {
    cinder(cloud, Method::DELETE, url, None, None).await
}

/// Makes a data volume and waits until it is available; returns its id.
async fn available_volume(cloud: &Cloud, name: &str, size: u64, kind: &str) -> String {
    let cinder_api = volume_endpoint(cloud);
    let body = CreateVolume::data_disk(name, size, kind, None).to_body();
    let created = cinder_post(cloud, &cinder_api.volumes(), &body).await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    let volume: VolumeBody = serde_json::from_value(created.body).expect("a volume");
    assert_eq!(volume.volume.status, "creating");
    wait_for_status(cloud, &volume.volume.id, "available").await;
    volume.volume.id
}

async fn show_volume(cloud: &Cloud, id: &str) -> Reply {
    cinder_get(cloud, &volume_endpoint(cloud).volume(id)).await
}

async fn wait_for_status(cloud: &Cloud, id: &str, status: &str) -> Volume {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let reply = show_volume(cloud, id).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let volume: VolumeBody = serde_json::from_value(reply.body).expect("a volume");
        if volume.volume.status == status {
            return volume.volume;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "volume {id} never became {status}: {:?}",
            volume.volume
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_until_gone(cloud: &Cloud, id: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while show_volume(cloud, id).await.status != StatusCode::NOT_FOUND {
        assert!(tokio::time::Instant::now() < deadline, "{id} never went");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The id of the boot volume of `server_id` (Nova's `volumes_attached`).
async fn boot_volume_id(cloud: &Cloud, server_id: &str) -> String {
    let server = cloud
        .client
        .get(&format!("servers/{server_id}"), "2.67")
        .await;
    server.body["server"]["os-extended-volumes:volumes_attached"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a boot volume: {}", server.text))
        .to_owned()
}

#[tokio::test]
async fn volumes_answer_in_the_samples_shapes_at_every_sampled_microversion() {
    let cloud = Cloud::start(fast_config()).await;
    active_server(&cloud, "web").await;
    available_volume(&cloud, "data", 20, "SAS").await;
    let cinder_api = volume_endpoint(&cloud);
    let mut problems = Vec::new();
    for minor in SAMPLED_VERSIONS {
        let at = format!("3.{minor}");
        let detail = cinder_get_at(&cloud, &cinder_api.volumes_detail(None), minor).await;
        assert_eq!(detail.status, StatusCode::OK, "{}", detail.text);
        assert_eq!(
            detail.header("openstack-api-version"),
            Some(format!("volume {at}").as_str()),
            "the version is echoed"
        );
        assert_eq!(detail.header("vary"), Some("OpenStack-API-Version"));
        let sample = volume_sample("volumes-list-detailed-response.json", minor);
        shape_problems(
            &format!("detail@{at}"),
            &detail.body,
            &sample,
            &[],
            &mut problems,
        );
        let volumes = detail.body["volumes"].as_array().expect("volumes");
        assert_eq!(volumes.len(), 2, "the boot volume and the data volume");
        for volume in volumes {
            for attachment in volume["attachments"].as_array().expect("attachments") {
                attachment_problems(
                    &format!("detail@{at}.attachments[]"),
                    attachment,
                    &mut problems,
                );
            }
        }
        let decoded: VolumeList = serde_json::from_value(detail.body.clone()).expect("decodes");
        assert!(decoded.volumes.iter().all(|volume| volume.size > 0));

        let id = volumes[0]["id"].as_str().expect("id");
        let shown = cinder_get_at(&cloud, &cinder_api.volume(id), minor).await;
        let sample = volume_sample("volume-show-response.json", minor);
        shape_problems(
            &format!("show@{at}"),
            &shown.body,
            &sample,
            &[],
            &mut problems,
        );
        let _: VolumeBody = serde_json::from_value(shown.body).expect("decodes");

        let body = CreateVolume::data_disk(format!("v{minor}"), 1, "", None).to_body();
        let created = cinder(
            &cloud,
            Method::POST,
            &cinder_api.volumes(),
            Some(minor),
            Some(&body),
        )
        .await;
        assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
        let sample = volume_sample("volume-create-response.json", minor);
        shape_problems(
            &format!("create@{at}"),
            &created.body,
            &sample,
            &[],
            &mut problems,
        );
        let made: VolumeBody = serde_json::from_value(created.body).expect("decodes");
        wait_for_status(&cloud, &made.volume.id, "available").await;
        let deleted = cinder(
            &cloud,
            Method::DELETE,
            &cinder_api.volume(&made.volume.id),
            Some(minor),
            None,
        )
        .await;
        assert_eq!(deleted.status, StatusCode::ACCEPTED, "{}", deleted.text);
        wait_until_gone(&cloud, &made.volume.id).await;
    }
    let summary = cinder_get(&cloud, &format!("{}/volumes", cinder_api.root())).await;
    shape_problems(
        "summary",
        &summary.body,
        &cinder_sample("volumes/volumes-list-response.json"),
        &[],
        &mut problems,
    );
    let detail = cinder_get_at(&cloud, &cinder_api.volumes_detail(None), 69).await;
    let volumes = detail.body["volumes"].as_array().expect("volumes");
    assert!(
        volumes
            .iter()
            .all(|volume| volume["volume_type_id"].is_string())
    );
    assert!(
        volumes
            .iter()
            .all(|volume| volume["consumes_quota"] == true)
    );
    assert!(
        volumes
            .iter()
            .all(|volume| volume["shared_targets"].is_null()),
        "tri-state at 3.69"
    );
    let at_48 = cinder_get_at(&cloud, &cinder_api.volumes_detail(None), 48).await;
    assert!(
        at_48.body["volumes"]
            .as_array()
            .expect("volumes")
            .iter()
            .all(|volume| volume["shared_targets"] == true)
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn types_and_the_quota_answer_in_the_samples_shapes() {
    let cloud = Cloud::start(fast_config()).await;
    let cinder_api = volume_endpoint(&cloud);
    let mut problems = Vec::new();
    let types = cinder_get(&cloud, &cinder_api.volume_types()).await;
    assert_eq!(types.status, StatusCode::OK, "{}", types.text);
    shape_problems(
        "types",
        &types.body,
        &cinder_sample("volume_type/volume-types-list-response.json"),
        &[],
        &mut problems,
    );
    let list: VolumeTypeList = serde_json::from_value(types.body).expect("decodes");
    let names: Vec<&str> = list
        .volume_types
        .iter()
        .map(|kind| kind.name.as_str())
        .collect();
    assert_eq!(names, ["SATA", "SAS", "SSD", "GPSSD", "ESSD"]);

    let default = cinder_get(&cloud, &cinder_api.default_volume_type()).await;
    shape_problems(
        "types/default",
        &default.body,
        &cinder_sample("volume_type/volume-type-default-response.json"),
        &["os-volume-type-access:is_public"],
        &mut problems,
    );
    let default: VolumeTypeBody = serde_json::from_value(default.body).expect("decodes");
    assert_eq!(default.volume_type.name, "SATA");
    let by_id = cinder_get(
        &cloud,
        &format!("{}/{}", cinder_api.volume_types(), default.volume_type.id),
    )
    .await;
    shape_problems(
        "types/{id}",
        &by_id.body,
        &cinder_sample("volume_type/volume-type-show-response.json"),
        &[],
        &mut problems,
    );
    let unknown = cinder_get(&cloud, &format!("{}/gold", cinder_api.volume_types())).await;
    assert_fault(
        &unknown,
        404,
        "itemNotFound",
        "Volume type gold could not be found.",
    );

    active_server(&cloud, "web").await;
    let usage = cinder_get(&cloud, &cinder_api.quota_usage()).await;
    assert_eq!(usage.status, StatusCode::OK, "{}", usage.text);
    let sample = cinder_sample("quota_sets/quotas-show-usage-response.json");
    shape_problems(
        "quota usage",
        &per_type_as_default(&usage.body),
        &sample,
        &[],
        &mut problems,
    );
    let quota: VolumeQuotaBody = serde_json::from_value(usage.body.clone()).expect("decodes");
    let set = quota.quota_set;
    assert_eq!(
        (set.volumes.limit, set.volumes.in_use),
        (10, Some(1)),
        "the boot volume counts"
    );
    assert_eq!(
        (set.gigabytes.limit, set.gigabytes.in_use),
        (1000, Some(40))
    );
    assert_eq!(set.per_volume_gigabytes.limit, 500);
    assert_eq!(set.largest_new_volume(), Some(500));
    assert_eq!(usage.body["quota_set"]["gigabytes_SSD"]["in_use"], 40);
    assert_eq!(usage.body["quota_set"]["volumes_SSD"]["in_use"], 1);

    let bare_url = cinder_api.quota_usage().replace("?usage=true", "");
    let bare = cinder_get(&cloud, &bare_url).await;
    shape_problems(
        "quota",
        &per_type_as_default(&bare.body),
        &cinder_sample("quota_sets/quotas-show-response.json"),
        &[],
        &mut problems,
    );
    assert_eq!(bare.body["quota_set"]["gigabytes"], 1000);
    let other = bare_url.replace(
        &format!("os-quota-sets/{}", cloud.client.project_id()),
        "os-quota-sets/other",
    );
    assert_eq!(
        cinder_get(&cloud, &other).await.status,
        StatusCode::FORBIDDEN
    );

    let limits = cinder_get(&cloud, &cinder_api.limits()).await;
    let limits = VolumeLimits::from_limits_body(limits.text.as_bytes()).expect("decodes");
    assert_eq!(limits.max_total_volume_gigabytes, Some(1000));
    assert_eq!(limits.gigabytes_remaining(), Some(960));
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The quota set with each per-type line renamed for the sample's only type, `__DEFAULT__`.
fn per_type_as_default(body: &Value) -> Value {
    let mut set = Map::new();
    for (key, value) in body["quota_set"].as_object().expect("quota_set") {
        let renamed = ["gigabytes_", "volumes_", "snapshots_"]
            .iter()
            .find(|prefix| key.starts_with(**prefix) && key != "gigabytes")
            .map_or_else(|| key.clone(), |prefix| format!("{prefix}__DEFAULT__"));
        set.insert(renamed, value.clone());
    }
    json!({"quota_set": set})
}

#[tokio::test]
async fn volumes_are_made_paged_and_deleted_within_the_quota() {
    let cloud = Cloud::start(fast_config().volume_quota(VolumeQuota {
        volumes: 3,
        gigabytes: 100,
        per_volume_gigabytes: 60,
    }))
    .await;
    let cinder_api = volume_endpoint(&cloud);
    let first = available_volume(&cloud, "a", 30, "SSD").await;
    let second = available_volume(&cloud, "b", 30, "").await;
    let shown = wait_for_status(&cloud, &second, "available").await;
    assert_eq!(
        shown.volume_type.as_deref(),
        Some("SATA"),
        "the default type"
    );
    assert_eq!((shown.size, shown.bootable), (30, false));
    assert!(shown.attachments.is_empty());

    let over = |size: u64| {
        let body = CreateVolume::data_disk("big", size, "", None).to_body();
        let cloud = &cloud;
        let url = cinder_api.volumes();
        async move { cinder_post(cloud, &url, &body).await }
    };
    let too_big = over(61).await;
    assert_fault(
        &too_big,
        413,
        "overLimit",
        "VolumeSizeExceedsLimit: Requested volume size 61G is larger than maximum allowed limit 60G.",
    );
    assert_eq!(too_big.body["overLimit"]["retryAfter"], "0");
    assert_eq!(too_big.header("retry-after"), Some("0"));
    assert_fault(
        &over(41).await,
        413,
        "overLimit",
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 41G, quota is 100G and 60G has been consumed.",
    );
    let third = available_volume(&cloud, "c", 10, "").await;
    assert_fault(
        &over(1).await,
        413,
        "overLimit",
        "VolumeLimitExceeded: Maximum number of volumes allowed (3) exceeded for quota 'volumes'.",
    );

    // Newest first, two per page, the next link carries the query on.
    let page = cinder_get(
        &cloud,
        &format!("{}?limit=2", cinder_api.volumes_detail(None)),
    )
    .await;
    let list: VolumeList = serde_json::from_value(page.body).expect("decodes");
    let ids: Vec<&str> = list
        .volumes
        .iter()
        .map(|volume| volume.id.as_str())
        .collect();
    assert_eq!(ids, [third.as_str(), second.as_str()]);
    let next = ecs_api::models::next_link(&list.volumes_links).expect("a next link");
    assert_eq!(
        next,
        format!(
            "{}?limit=2&marker={second}",
            cinder_api.volumes_detail(None)
        )
    );
    let rest: VolumeList =
        serde_json::from_value(cinder_get(&cloud, next).await.body).expect("decodes");
    let ids: Vec<&str> = rest
        .volumes
        .iter()
        .map(|volume| volume.id.as_str())
        .collect();
    assert_eq!(ids, [first.as_str()]);
    assert!(rest.volumes_links.is_empty(), "the last page");
    let unknown = cinder_get(
        &cloud,
        &format!("{}?marker=nope", cinder_api.volumes_detail(None)),
    )
    .await;
    assert_fault(
        &unknown,
        404,
        "itemNotFound",
        "Marker nope could not be found.",
    );
    let bad = cinder_get(
        &cloud,
        &format!("{}?limit=x", cinder_api.volumes_detail(None)),
    )
    .await;
    assert_fault(&bad, 400, "badRequest", "limit param must be an integer");
    let filtered = cinder_get(
        &cloud,
        &format!("{}?name=b", cinder_api.volumes_detail(None)),
    )
    .await;
    assert_eq!(filtered.body["volumes"].as_array().map(Vec::len), Some(1));
    let none = cinder_get(&cloud, &cinder_api.volumes_detail(Some("in-use"))).await;
    assert_eq!(none.body["volumes"], json!([]));

    let refused = cinder_post(
        &cloud,
        &cinder_api.volumes(),
        &json!({"volume": {"size": 1, "volume_type": "gold"}}),
    )
    .await;
    assert_fault(
        &refused,
        404,
        "itemNotFound",
        "Volume type with name gold could not be found.",
    );
    let refused = cinder_post(
        &cloud,
        &cinder_api.volumes(),
        &json!({"volume": {"size": 0}}),
    )
    .await;
    assert_fault(
        &refused,
        400,
        "badRequest",
        "Invalid input for field/attribute size.",
    );

    let deleted = cinder_delete(&cloud, &cinder_api.volume(&first)).await;
    assert_eq!(deleted.status, StatusCode::ACCEPTED, "{}", deleted.text);
    wait_until_gone(&cloud, &first).await;
    let missing = show_volume(&cloud, &first).await;
    assert_fault(
        &missing,
        404,
        "itemNotFound",
        &format!("Volume {first} could not be found."),
    );
    available_volume(&cloud, "d", 30, "").await;
}

#[tokio::test]
async fn microversions_versions_and_tokens_as_cinder_handles_them() {
    let cloud = Cloud::start(fast_config()).await;
    let cinder_api = volume_endpoint(&cloud);
    let types = cinder_api.volume_types();
    let with_header = |value: &'static str| {
        let cloud = &cloud;
        let url = types.clone();
        async move {
            let request = cloud
                .client
                .http
                .get(&url)
                .header("X-Auth-Token", &cloud.client.token)
                .header("OpenStack-API-Version", value);
            Reply::read(request.send().await.expect("answered")).await
        }
    };
    let latest = with_header("volume latest").await;
    assert_eq!(latest.header("openstack-api-version"), Some("volume 3.71"));
    let plain = cinder_get(&cloud, &types).await;
    assert_eq!(plain.header("openstack-api-version"), Some("volume 3.0"));
    assert_fault(
        &with_header("volume 3.99").await,
        406,
        "computeFault",
        "Version 3.99 is not supported by the API. Minimum is 3.0 and maximum is 3.71.",
    );
    assert_fault(
        &with_header("volume 3.x").await,
        400,
        "badRequest",
        "API Version String 3.x is of invalid format.",
    );

    let base = cloud.sim.base_url();
    let root = call_with(
        &cloud.client,
        Method::GET,
        &format!("{base}/volume/"),
        None,
        false,
    )
    .await;
    assert_eq!(root.status, StatusCode::MULTIPLE_CHOICES, "{}", root.text);
    let version = &root.body["versions"][0];
    assert_eq!(version["id"], "v3.0");
    assert_eq!(version["version"], "3.71");
    assert_eq!(version["min_version"], "3.0");
    assert_eq!(version["links"][1]["href"], format!("{base}/volume/v3/"));
    let v3 = call_with(
        &cloud.client,
        Method::GET,
        &format!("{base}/volume/v3/"),
        None,
        true,
    )
    .await;
    assert_eq!(v3.status, StatusCode::OK, "{}", v3.text);
    assert_eq!(v3.body["versions"], root.body["versions"]);

    let anonymous = call_with(&cloud.client, Method::GET, &types, None, false).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let other_project = types.replace(cloud.client.project_id(), "someone-else");
    assert_fault(
        &cinder_get(&cloud, &other_project).await,
        400,
        "badRequest",
        "Malformed request url",
    );
    let nova_only = Cloud::start(fast_config().nova_only(true)).await;
    assert_eq!(endpoint(&nova_only.client, "block-storage"), None);
    assert_eq!(endpoint(&nova_only.client, "volumev3"), None);
    assert_eq!(
        endpoint(&cloud.client, "volumev3"),
        endpoint(&cloud.client, "block-storage"),
        "both types name the same Cinder"
    );
}

#[tokio::test]
async fn boot_volumes_are_cinder_volumes_and_go_with_their_server_when_asked() {
    let cloud = Cloud::start(fast_config()).await;
    // The guide's server: a 40 GB SSD boot volume deleted with the server.
    let server = active_server(&cloud, "web").await;
    let volume_id = boot_volume_id(&cloud, &server).await;
    let volume = wait_for_status(&cloud, &volume_id, "in-use").await;
    assert!(volume.bootable);
    assert_eq!(
        (volume.size, volume.volume_type.as_deref()),
        (40, Some("SSD"))
    );
    let attachment = volume
        .attachment_to(&server)
        .expect("attached to its server");
    assert_eq!(attachment.device.as_deref(), Some("/dev/vda"));
    assert_eq!(attachment.volume_id.as_deref(), Some(volume_id.as_str()));
    let refused = cinder_delete(&cloud, &volume_endpoint(&cloud).volume(&volume_id)).await;
    assert_fault(
        &refused,
        400,
        "badRequest",
        "Invalid volume: Volume status must be available or error",
    );

    // One kept after its server: detached and available again.
    let mut body = cloud.client.guide_server("keeper").await;
    body["server"]["block_device_mapping_v2"][0]["delete_on_termination"] = json!(false);
    body["server"]["block_device_mapping_v2"][0]
        .as_object_mut()
        .expect("bdm")
        .remove("volume_type");
    let created = cloud.client.post("servers", "2.67", &body).await;
    let keeper = created.body["server"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    wait_status(&cloud, &keeper, "ACTIVE").await;
    let kept_id = boot_volume_id(&cloud, &keeper).await;
    assert_eq!(
        wait_for_status(&cloud, &kept_id, "in-use")
            .await
            .volume_type
            .as_deref(),
        Some("SATA"),
        "the cloud's default type when the request names none"
    );

    for id in [&server, &keeper] {
        assert_eq!(
            cloud
                .client
                .delete(&format!("servers/{id}"), "2.67")
                .await
                .status,
            StatusCode::NO_CONTENT
        );
    }
    wait_until_gone(&cloud, &volume_id).await;
    let kept = wait_for_status(&cloud, &kept_id, "available").await;
    assert!(kept.attachments.is_empty() && kept.bootable);
}

#[tokio::test]
async fn a_system_disk_over_the_volume_quota_ends_the_build_as_nova_does() {
    let cloud = Cloud::start(fast_config().volume_quota(VolumeQuota {
        volumes: 10,
        gigabytes: 70,
        per_volume_gigabytes: 50,
    }))
    .await;
    active_server(&cloud, "one").await;
    // 40 GB more would make 80 of 70: Nova answers 202, Cinder refuses the volume, the build aborts.
    let second = cloud.client.create_server("two").await;
    let failed = wait_status(&cloud, &second, "ERROR").await;
    assert_eq!(failed.body["server"]["fault"]["code"], 500);
    assert_eq!(
        failed.body["server"]["fault"]["message"],
        format!(
            "Build of instance {second} aborted: VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 40G, quota is 70G and 40G has been consumed."
        )
    );
    let mut body = cloud.client.guide_server("huge").await;
    body["server"]["block_device_mapping_v2"][0]["volume_size"] = json!(51);
    let created = cloud.client.post("servers", "2.67", &body).await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    let huge = created.body["server"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let failed = wait_status(&cloud, &huge, "ERROR").await;
    assert!(
        failed.body["server"]["fault"]["message"]
            .as_str()
            .is_some_and(|message| message.ends_with("VolumeSizeExceedsLimit: Requested volume size 51G is larger than maximum allowed limit 50G.")),
        "{}",
        failed.text
    );
    let usage: VolumeQuotaBody = serde_json::from_value(
        cinder_get(&cloud, &volume_endpoint(&cloud).quota_usage())
            .await
            .body,
    )
    .expect("decodes");
    assert_eq!(
        usage.quota_set.volumes.in_use,
        Some(1),
        "no volume for the refused builds"
    );
    assert_eq!(usage.quota_set.gigabytes.in_use, Some(40));
}

/// Nova's attachment samples (`os-volume_attachments`), exact keys.
fn nova_sample(rel: &str) -> Value {
    nova_ref::reference().json(&format!("responses/os-volume_attachments/{rel}"))
}

fn nova_shape_problems(what: &str, actual: &Value, sample: &Value, problems: &mut Vec<String>) {
    shape_problems(what, actual, sample, &[], problems);
}

#[tokio::test]
async fn nova_attaches_and_detaches_data_volumes_but_never_the_root() {
    let cloud = Cloud::start(fast_config()).await;
    let server = cloud.client.create_server("web").await;
    let compute =
        ecs_api::urls::ComputeEndpoint::new(&cloud.client.compute, cloud.client.project_id())
            .expect("compute");
    let attachments_url = compute.volume_attachments(&server);
    // Nova checks the server before it looks the volume up: refused while it builds.
    let any_volume = AttachVolume::volume(uuid::Uuid::new_v4().to_string()).to_body();
    let building = cloud
        .client
        .post(&attachments_url, "2.67", &any_volume)
        .await;
    assert_refused(&building, "attach_volume", &server, "vm_state building");
    let data = available_volume(&cloud, "data", 20, "SSD").await;
    let attach_body = AttachVolume::volume(&data).to_body();
    wait_status(&cloud, &server, "ACTIVE").await;
    let root = boot_volume_id(&cloud, &server).await;
    let mut problems = Vec::new();

    let listed = cloud.client.get(&attachments_url, "2.67").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    for (version, sample) in [
        ("2.1", "list-volume-attachments-resp.json"),
        ("2.49", "list-volume-attachments-resp-v2.49.json"),
    ] {
        let at = cloud.client.get(&attachments_url, version).await;
        nova_shape_problems(
            &format!("list@{version}"),
            &at.body,
            &nova_sample(sample),
            &mut problems,
        );
    }
    let list: VolumeAttachmentList = serde_json::from_value(listed.body).expect("decodes");
    assert_eq!(
        list.volume_attachments.len(),
        1,
        "the root volume, as Nova lists it"
    );
    assert_eq!(list.volume_attachments[0].volume_id, root);
    assert_eq!(
        list.volume_attachments[0].device.as_deref(),
        Some("/dev/vda")
    );

    let attached = cloud
        .client
        .post(&attachments_url, "2.67", &attach_body)
        .await;
    assert_eq!(attached.status, StatusCode::OK, "{}", attached.text);
    nova_shape_problems(
        "attach",
        &attached.body,
        &nova_sample("attach-volume-to-server-resp.json"),
        &mut problems,
    );
    let attachment: VolumeAttachmentBody = serde_json::from_value(attached.body).expect("decodes");
    assert_eq!(
        attachment.volume_attachment.device.as_deref(),
        Some("/dev/vdb")
    );
    assert_eq!(attachment.volume_attachment.server_id, server);
    let attaching = show_volume(&cloud, &data).await;
    assert_eq!(attaching.body["volume"]["status"], "attaching");
    assert_eq!(
        attaching.body["volume"]["attachments"],
        json!([]),
        "Cinder lists it once attached"
    );
    let in_use = wait_for_status(&cloud, &data, "in-use").await;
    let record = in_use.attachment_to(&server).expect("attached");
    assert_eq!(record.device.as_deref(), Some("/dev/vdb"));

    let one = cloud
        .client
        .get(&compute.volume_attachment(&server, &data), "2.67")
        .await;
    nova_shape_problems(
        "show",
        &one.body,
        &nova_sample("volume-attachment-detail-resp.json"),
        &mut problems,
    );
    let both: VolumeAttachmentList =
        serde_json::from_value(cloud.client.get(&attachments_url, "2.67").await.body)
            .expect("decodes");
    let devices: Vec<Option<&str>> = both
        .volume_attachments
        .iter()
        .map(|item| item.device.as_deref())
        .collect();
    assert_eq!(devices, [Some("/dev/vda"), Some("/dev/vdb")]);

    // Refusals, in Nova's words.
    let again = cloud
        .client
        .post(&attachments_url, "2.67", &attach_body)
        .await;
    assert_fault(
        &again,
        400,
        "badRequest",
        &format!("Invalid volume: volume {data} is already attached to instances: {server}"),
    );
    let creating = {
        let body = CreateVolume::data_disk("new", 1, "", None).to_body();
        let made = cinder_post(&cloud, &volume_endpoint(&cloud).volumes(), &body).await;
        made.body["volume"]["id"].as_str().expect("id").to_owned()
    };
    let early = cloud
        .client
        .post(
            &attachments_url,
            "2.67",
            &AttachVolume::volume(&creating).to_body(),
        )
        .await;
    assert_fault(
        &early,
        400,
        "badRequest",
        "status must be available or downloading to reserve, but the current status is creating",
    );
    let unknown = uuid::Uuid::new_v4().to_string();
    let missing = cloud
        .client
        .post(
            &attachments_url,
            "2.67",
            &AttachVolume::volume(&unknown).to_body(),
        )
        .await;
    assert_fault(
        &missing,
        404,
        "itemNotFound",
        &format!("Volume {unknown} could not be found."),
    );
    let not_uuid = cloud
        .client
        .post(
            &attachments_url,
            "2.67",
            &AttachVolume::volume("disk-1").to_body(),
        )
        .await;
    assert_fault(&not_uuid, 400, "badRequest", "'disk-1' is not a 'uuid'");
    let tagged = json!({"volumeAttachment": {"volumeId": creating, "tag": "db"}});
    assert_fault(
        &cloud.client.post(&attachments_url, "2.48", &tagged).await,
        400,
        "badRequest",
        "'tag' was unexpected",
    );
    let root_detach = cloud
        .client
        .delete(&compute.volume_attachment(&server, &root), "2.67")
        .await;
    assert_fault(
        &root_detach,
        400,
        "badRequest",
        "Cannot detach a root device volume",
    );
    let stranger = cloud
        .client
        .delete(&compute.volume_attachment(&server, &creating), "2.67")
        .await;
    assert_fault(
        &stranger,
        404,
        "itemNotFound",
        &format!("Instance {server} is not attached to volume {creating}"),
    );

    let detached = cloud
        .client
        .delete(&compute.volume_attachment(&server, &data), "2.67")
        .await;
    assert_eq!(detached.status, StatusCode::ACCEPTED, "{}", detached.text);
    assert_eq!(
        show_volume(&cloud, &data).await.body["volume"]["status"],
        "detaching"
    );
    let free = wait_for_status(&cloud, &data, "available").await;
    assert!(free.attachments.is_empty());
    let left: VolumeAttachmentList =
        serde_json::from_value(cloud.client.get(&attachments_url, "2.67").await.body)
            .expect("decodes");
    assert_eq!(left.volume_attachments.len(), 1);

    // A stopped server takes a volume too; deleting it frees its data volume.
    accepted(
        &cloud,
        &server,
        &json!({"os-stop": null}),
        StatusCode::ACCEPTED,
    )
    .await;
    wait_status(&cloud, &server, "SHUTOFF").await;
    let attached = cloud
        .client
        .post(&attachments_url, "2.67", &attach_body)
        .await;
    assert_eq!(attached.status, StatusCode::OK, "{}", attached.text);
    wait_for_status(&cloud, &data, "in-use").await;
    cloud
        .client
        .delete(&format!("servers/{server}"), "2.67")
        .await;
    wait_until_gone(&cloud, &root).await;
    assert!(
        wait_for_status(&cloud, &data, "available")
            .await
            .attachments
            .is_empty()
    );
    let gone = cloud.client.get(&attachments_url, "2.67").await;
    assert_fault(
        &gone,
        404,
        "itemNotFound",
        &format!("Instance {server} could not be found."),
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn cinder_allows_and_exposes_its_microversion_header_to_allowed_origins() {
    const ORIGIN: &str = "http://console.example:8080";
    let cloud = Cloud::start(fast_config().cors_allowed_origins([ORIGIN])).await;
    let cinder_api = volume_endpoint(&cloud);
    let preflight = |headers: &'static str| {
        let request = cloud
            .client
            .http
            .request(Method::OPTIONS, cinder_api.volumes())
            .header("Origin", ORIGIN)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", headers);
        async move { request.send().await.expect("answered") }
    };
    let allowed = |response: &reqwest::Response| {
        response
            .headers()
            .get("access-control-allow-origin")
            .is_some()
    };
    assert!(allowed(
        &preflight("content-type,x-auth-token,openstack-api-version").await
    ));
    // Cinder's defaults do not include Glance's header.
    assert!(!allowed(
        &preflight("x-auth-token,x-image-meta-checksum").await
    ));
    let listed = cloud
        .client
        .http
        .get(cinder_api.volume_types())
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
    assert!(exposed.contains("openstack-api-version"), "{exposed}");
    assert!(exposed.contains("x-openstack-request-id"), "{exposed}");
}
