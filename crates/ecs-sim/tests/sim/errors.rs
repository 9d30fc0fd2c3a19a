//! Invalid requests get Nova's status, fault name and a message that says what is wrong.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use ecs_sim::Quota;
use ecs_sim::test_client::{Reply, Version};

use crate::common::{Cloud, assert_fault, assert_keystone_error, fast_config};

/// A change made to the guide's create body.
type Change = Box<dyn FnOnce(&mut Value)>;

const NO_SUCH_ID: &str = "00000000-0000-4000-8000-000000000000";

async fn create_with(cloud: &Cloud, version: &str, change: impl FnOnce(&mut Value)) -> Reply {
    let mut body = cloud.client.guide_server("invalid").await;
    change(&mut body["server"]);
    cloud.client.post("servers", version, &body).await
}

#[tokio::test]
async fn invalid_server_creates_get_novas_faults() {
    let cloud = Cloud::start(fast_config()).await;
    cloud
        .client
        .post(
            "os-keypairs",
            "2.67",
            &json!({"keypair": {"name": "present"}}),
        )
        .await;
    let windows = cloud
        .client
        .image_named("Windows Server 2019 Datacenter 64bit")
        .await;
    let saving = cloud
        .client
        .image_named("Debian 12 64bit (uploading)")
        .await;

    let unknown_image = format!("Image {NO_SUCH_ID} could not be found.");
    let unknown_network = format!("Network {NO_SUCH_ID} could not be found.");
    let cases: Vec<(&str, Change, u16, &str, &str)> = vec![
        (
            "missing flavorRef",
            Box::new(|s| {
                s.as_object_mut().map(|o| o.remove("flavorRef"));
            }),
            400,
            "badRequest",
            "'flavorRef' is a required property",
        ),
        (
            "missing networks at 2.67",
            Box::new(|s| {
                s.as_object_mut().map(|o| o.remove("networks"));
            }),
            400,
            "badRequest",
            "'networks' is a required property",
        ),
        (
            "unknown field",
            Box::new(|s| s["colour"] = json!("red")),
            400,
            "badRequest",
            "Additional properties are not allowed ('colour' was unexpected)",
        ),
        (
            "metadata key outside Nova's pattern",
            Box::new(|s| s["metadata"] = json!({"role": "web", "bad/key": "x"})),
            400,
            "badRequest",
            "Additional properties are not allowed ('bad/key' was unexpected)",
        ),
        (
            "metadata key too long",
            Box::new(|s| s["metadata"] = json!({"k".repeat(256): "x"})),
            400,
            "badRequest",
            "was unexpected",
        ),
        (
            "metadata value too long",
            Box::new(|s| s["metadata"] = json!({"role": "v".repeat(256)})),
            400,
            "badRequest",
            "Invalid input for field/attribute metadata/role.",
        ),
        (
            "unknown flavor",
            Box::new(|s| s["flavorRef"] = json!("no.such.flavor")),
            400,
            "badRequest",
            "Invalid flavorRef provided.",
        ),
        (
            "disabled flavor",
            Box::new(|s| s["flavorRef"] = json!("t1.retired")),
            400,
            "badRequest",
            "Invalid flavorRef provided.",
        ),
        (
            "unknown image",
            Box::new(|s| s["block_device_mapping_v2"][0]["uuid"] = json!(NO_SUCH_ID)),
            400,
            "badRequest",
            &unknown_image,
        ),
        (
            "image not active",
            Box::new(move |s| s["block_device_mapping_v2"][0]["uuid"] = saving["id"].clone()),
            400,
            "badRequest",
            "is not active",
        ),
        (
            "unknown network",
            Box::new(|s| s["networks"] = json!([{"uuid": NO_SUCH_ID}])),
            400,
            "badRequest",
            &unknown_network,
        ),
        (
            "network id not a uuid",
            Box::new(|s| s["networks"] = json!([{"uuid": "net-1"}])),
            400,
            "badRequest",
            "is not a 'uuid'",
        ),
        (
            "unknown key pair",
            Box::new(|s| s["key_name"] = json!("absent")),
            400,
            "badRequest",
            "Invalid key_name provided.",
        ),
        (
            "unknown zone",
            Box::new(|s| s["availability_zone"] = json!("az9.nowhere")),
            400,
            "badRequest",
            "The requested availability zone is not available",
        ),
        (
            "unavailable zone",
            Box::new(|s| s["availability_zone"] = json!("az3.dc1")),
            400,
            "badRequest",
            "The requested availability zone is not available",
        ),
        (
            "volume below minDisk",
            Box::new(|s| s["block_device_mapping_v2"][0]["volume_size"] = json!(20)),
            400,
            "badRequest",
            "Volume is smaller than the minimum size specified in image metadata. Volume size is 21474836480 bytes, minimum size is 42949672960 bytes.",
        ),
        (
            "flavor RAM below minRam",
            Box::new(move |s| {
                s["flavorRef"] = json!("s6.small.1");
                s["block_device_mapping_v2"][0]["uuid"] = windows["id"].clone();
                s["block_device_mapping_v2"][0]["volume_size"] = json!(60);
            }),
            400,
            "badRequest",
            "Flavor's memory is too small for requested image.",
        ),
        (
            "volume without size",
            Box::new(|s| {
                s["block_device_mapping_v2"][0]
                    .as_object_mut()
                    .map(|o| o.remove("volume_size"));
            }),
            400,
            "badRequest",
            "need to have a non-zero size",
        ),
        (
            "volume size zero",
            Box::new(|s| s["block_device_mapping_v2"][0]["volume_size"] = json!(0)),
            400,
            "badRequest",
            "0 is less than the minimum of 1",
        ),
        (
            "volume size beyond the schema's maximum",
            Box::new(|s| s["block_device_mapping_v2"][0]["volume_size"] = json!(2_147_483_648_u64)),
            400,
            "badRequest",
            "2147483648 is greater than the maximum of 2147483647",
        ),
        (
            "unknown volume type",
            Box::new(|s| s["block_device_mapping_v2"][0]["volume_type"] = json!("GOLD")),
            400,
            "badRequest",
            "Volume type GOLD could not be found.",
        ),
        (
            "no boot source",
            Box::new(|s| {
                s.as_object_mut()
                    .map(|o| o.remove("block_device_mapping_v2"));
            }),
            400,
            "badRequest",
            "Boot sequence for the instance",
        ),
        (
            "image-backed on a zero-disk flavor",
            Box::new(move |s| {
                let image = s["block_device_mapping_v2"][0]["uuid"].clone();
                s.as_object_mut()
                    .map(|o| o.remove("block_device_mapping_v2"));
                s["imageRef"] = image;
            }),
            403,
            "forbidden",
            "Only volume-backed servers are allowed for flavors with zero disk.",
        ),
        (
            "name with leading space",
            Box::new(|s| s["name"] = json!(" web")),
            400,
            "badRequest",
            "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.",
        ),
        (
            "min_count above max_count",
            Box::new(|s| {
                s["min_count"] = json!(3);
                s["max_count"] = json!(2);
            }),
            400,
            "badRequest",
            "min_count must be <= max_count",
        ),
        (
            "max_count not a number",
            Box::new(|s| s["max_count"] = json!("many")),
            400,
            "badRequest",
            "'many' does not match '^[0-9]*$'",
        ),
        (
            "max_count a fraction",
            Box::new(|s| s["max_count"] = json!(1.5)),
            400,
            "badRequest",
            "1.5 is not of type 'integer', 'string'",
        ),
        (
            "min_count zero",
            Box::new(|s| s["min_count"] = json!("0")),
            400,
            "badRequest",
            "is less than the minimum of 1",
        ),
        (
            "user_data not base64",
            Box::new(|s| s["user_data"] = json!("not base64!")),
            400,
            "badRequest",
            "base64",
        ),
        (
            "unknown security group",
            Box::new(|s| s["security_groups"] = json!([{"name": "no-such-group"}])),
            400,
            "badRequest",
            "Unable to find security_group with name or id 'no-such-group'",
        ),
    ];
    let total = cases.len();
    for (what, change, status, fault, message) in cases {
        let reply = create_with(&cloud, "2.67", change).await;
        assert!(
            reply.status.as_u16() == status,
            "{what}: got {} {}",
            reply.status,
            reply.body
        );
        assert_fault(&reply, status, fault, message);
    }
    println!("{total} invalid create requests refused as Nova does");
    assert_eq!(
        cloud.client.get("servers", "2.67").await.body["servers"],
        json!([]),
        "nothing was created"
    );
}

#[tokio::test]
async fn quota_is_enforced_with_novas_403() {
    let config = fast_config().quota(Quota {
        instances: 2,
        ..Quota::default()
    });
    let cloud = Cloud::start(config).await;
    cloud.client.create_server("one").await;
    cloud.client.create_server("two").await;
    let reply = cloud
        .client
        .post("servers", "2.67", &cloud.client.guide_server("three").await)
        .await;
    assert_fault(
        &reply,
        403,
        "forbidden",
        "Quota exceeded for instances: Requested 1, but already used 2 of 2 instances",
    );
    let limits = cloud.client.get("limits", "2.67").await.body;
    assert_eq!(limits["limits"]["absolute"]["totalInstancesUsed"], 2);
    assert_eq!(limits["limits"]["absolute"]["maxTotalInstances"], 2);
    assert_eq!(
        limits["limits"]["absolute"]["totalCoresUsed"], 4,
        "two c1.large servers use 2 vCPUs each"
    );
}

#[tokio::test]
async fn a_huge_max_count_creates_what_the_quota_allows_at_once() {
    let cloud = Cloud::start(fast_config().quota(Quota {
        instances: 3,
        ..Quota::default()
    }))
    .await;
    let mut body = cloud.client.guide_server("many").await;
    // Beyond u32 too: Nova reads counts as Python integers, so this is no decoding error.
    body["server"]["max_count"] = json!("99999999999999999999");
    // The simulator may share this test's thread, so measure rather than time out.
    let started = std::time::Instant::now();
    let reply = cloud.client.post("servers", "2.67", &body).await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "the count that fits the quota is computed, not searched one by one"
    );
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
    let limits = cloud.client.get("limits", "2.67").await.body;
    assert_eq!(limits["limits"]["absolute"]["totalInstancesUsed"], 3);

    body["server"]["min_count"] = json!(2);
    let refused = cloud.client.post("servers", "2.67", &body).await;
    assert_fault(
        &refused,
        403,
        "forbidden",
        "Quota exceeded for instances: Requested 2, but already used 3 of 3 instances",
    );
}

#[tokio::test]
async fn malformed_bodies_media_types_and_unknown_things_get_novas_faults() {
    // A long build: the server must still be building when it is asked to start.
    let cloud =
        Cloud::start(fast_config().build_duration(std::time::Duration::from_secs(30))).await;
    let malformed = cloud
        .client
        .http
        .post(format!("{}/servers", cloud.client.compute))
        .header("X-Auth-Token", &cloud.client.token)
        .header("Content-Type", "application/json")
        .body("{\"server\": ")
        .send()
        .await
        .expect("answered");
    let reply = Reply::read(malformed).await;
    assert_fault(&reply, 400, "badRequest", "Malformed request body");

    let xml = cloud
        .client
        .http
        .post(format!("{}/os-keypairs", cloud.client.compute))
        .header("X-Auth-Token", &cloud.client.token)
        .header("Content-Type", "application/xml")
        .body("<keypair/>")
        .send()
        .await
        .expect("answered");
    assert_fault(
        &Reply::read(xml).await,
        415,
        "badMediaType",
        "Unsupported Content-Type",
    );

    let reply = cloud
        .client
        .get(&format!("servers/{NO_SUCH_ID}"), "2.67")
        .await;
    assert_fault(
        &reply,
        404,
        "itemNotFound",
        &format!("Instance {NO_SUCH_ID} could not be found."),
    );
    let reply = cloud.client.get("flavors/no.such", "2.67").await;
    assert_fault(
        &reply,
        404,
        "itemNotFound",
        "Flavor no.such could not be found.",
    );
    let reply = cloud
        .client
        .get(&format!("images/{NO_SUCH_ID}"), "2.67")
        .await;
    assert_fault(&reply, 404, "itemNotFound", "Image not found.");
    let reply = cloud.client.get("os-keypairs/absent", "2.67").await;
    assert_fault(
        &reply,
        404,
        "itemNotFound",
        "Keypair absent not found for user",
    );
    let reply = cloud
        .client
        .get("flavors/detail?marker=no.such", "2.67")
        .await;
    assert_fault(&reply, 400, "badRequest", "marker [no.such] not found");
    let reply = cloud.client.get("servers?marker=nope", "2.67").await;
    assert_fault(&reply, 400, "badRequest", "marker [nope] not found");
    let reply = cloud
        .client
        .get("flavors/detail?sort_key=colour", "2.67")
        .await;
    assert_fault(
        &reply,
        400,
        "badRequest",
        "Invalid input for query parameters sort_key",
    );
    let reply = cloud.client.get("flavors/detail?limit=-1", "2.67").await;
    assert_fault(
        &reply,
        400,
        "badRequest",
        "Invalid input for query parameters limit",
    );
    let reply = cloud.client.get("flavors/detail?minRam=lots", "2.67").await;
    assert_fault(&reply, 400, "badRequest", "Invalid minRam filter [lots]");
    let reply = cloud.client.get("servers?status=sleeping", "2.67").await;
    assert_fault(&reply, 400, "badRequest", "Invalid status value");
    let reply = cloud.client.get("no-such-collection", "2.67").await;
    assert_fault(
        &reply,
        404,
        "itemNotFound",
        "The resource could not be found.",
    );

    let server = cloud.client.create_server("actions").await;
    let reply = cloud
        .client
        .post(
            &format!("servers/{server}/action"),
            "2.67",
            &json!({"hibernate": null}),
        )
        .await;
    assert_fault(
        &reply,
        400,
        "badRequest",
        "There is no such action: hibernate",
    );
    let reply = cloud
        .client
        .post(
            &format!("servers/{server}/action"),
            "2.67",
            &json!({"reboot": {"type": "GENTLE"}}),
        )
        .await;
    assert_fault(
        &reply,
        400,
        "badRequest",
        "Invalid input for field/attribute type",
    );
    let reply = cloud
        .client
        .post(
            &format!("servers/{server}/action"),
            "2.67",
            &json!({"os-start": null}),
        )
        .await;
    assert_fault(
        &reply,
        409,
        "conflictingRequest",
        &format!("Cannot 'start' instance {server} while it is in vm_state building"),
    );
}

#[tokio::test]
async fn microversion_and_authentication_errors() {
    let cloud = Cloud::start(fast_config()).await;
    let reply = cloud.client.get("flavors", "2.68").await;
    assert_fault(
        &reply,
        406,
        "computeFault",
        "Version 2.68 is not supported by the API. Minimum is 2.1 and maximum is 2.67.",
    );
    let reply = cloud.client.get("flavors", "two").await;
    assert_fault(
        &reply,
        400,
        "badRequest",
        "API Version String two is of invalid format. Must be of format MajorNum.MinorNum.",
    );
    let reply = cloud.client.get("flavors", "latest").await;
    assert_eq!(reply.header("openstack-api-version"), Some("compute 2.67"));
    let vary: Vec<&str> = reply
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        vary.iter().any(|v| v.contains("OpenStack-API-Version")),
        "Vary: {vary:?}"
    );
    assert!(
        vary.iter()
            .any(|v| v.contains("X-OpenStack-Nova-API-Version")),
        "Vary: {vary:?}"
    );

    let anonymous = cloud
        .client
        .http
        .get(format!("{}/servers", cloud.client.compute))
        .send()
        .await
        .expect("answered");
    let reply = Reply::read(anonymous).await;
    assert_keystone_error(&reply, 401);
    assert!(
        reply
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Keystone uri="))
    );

    let foreign = cloud.client.compute.replace(
        &cloud.sim.simulator().project_id(),
        "0123456789abcdef0123456789abcdef",
    );
    let reply = cloud
        .client
        .get(&format!("{foreign}/servers"), "2.67")
        .await;
    assert_fault(
        &reply,
        400,
        "badRequest",
        "doesn't match Context's project_id",
    );
}

#[tokio::test]
async fn strict_mode_retires_the_proxy_apis_at_2_36_as_nova_does() {
    let strict = Cloud::start(fast_config().proxy_apis_at_all_versions(false)).await;
    for path in ["images/detail", "os-networks"] {
        assert_eq!(
            strict.client.get(path, "2.35").await.status,
            StatusCode::OK,
            "{path} at 2.35"
        );
        let reply = strict.client.get(path, "2.36").await;
        assert_fault(
            &reply,
            404,
            "itemNotFound",
            "The resource could not be found.",
        );
    }
    let ecs = Cloud::start(fast_config()).await;
    assert_eq!(
        ecs.client.get("images/detail", "2.67").await.status,
        StatusCode::OK,
        "ECS keeps them"
    );
}

#[tokio::test]
async fn ids_that_are_not_utf_8_are_things_that_do_not_exist() {
    let cloud = Cloud::start(fast_config()).await;
    for (method, path, message) in [
        (
            Method::GET,
            "servers/%ff",
            "Instance \u{fffd} could not be found.",
        ),
        (
            Method::DELETE,
            "servers/%ff",
            "Instance \u{fffd} could not be found.",
        ),
        (
            Method::GET,
            "flavors/%ff%fe",
            "Flavor \u{fffd}\u{fffd} could not be found.",
        ),
        (Method::GET, "images/a%ff", "Image not found."),
        (Method::GET, "os-networks/%c3", "Network not found"),
        (
            Method::GET,
            "os-keypairs/%ff",
            "Keypair \u{fffd} not found for user",
        ),
    ] {
        let reply = cloud
            .client
            .call(method.clone(), path, Version::Exact("2.1"), None)
            .await;
        assert_fault(&reply, 404, "itemNotFound", message);
    }
    let action = cloud
        .client
        .post("servers/%ff/action", "2.67", &json!({"os-start": null}))
        .await;
    assert_fault(&action, 404, "itemNotFound", "could not be found");
}

#[tokio::test]
async fn bodies_too_large_to_read_get_novas_and_keystones_413() {
    let cloud = Cloud::start(fast_config()).await;
    let huge_name = "x".repeat(3 * 1024 * 1024);
    let body = json!({"server": {"name": huge_name}});
    let reply = cloud.client.post("servers", "2.67", &body).await;
    assert_fault(&reply, 413, "overLimit", "length limit exceeded");
    let reply = cloud
        .client
        .post(
            "os-keypairs",
            "2.67",
            &json!({"keypair": {"name": huge_name}}),
        )
        .await;
    assert_fault(&reply, 413, "overLimit", "length limit exceeded");

    let response = cloud
        .client
        .http
        .post(format!("{}/identity/v3/auth/tokens", cloud.sim.base_url()))
        .json(&json!({"auth": {"identity": {"methods": [huge_name]}}}))
        .send()
        .await
        .expect("answered");
    assert_keystone_error(&Reply::read(response).await, 413);
}
