//! Every response the simulator sends validates against Nova's response schema for the
//! microversion requested.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Cloud, fast_config, schema_problems};

const VERSIONS: [&str; 12] = [
    "2.1", "2.2", "2.3", "2.9", "2.19", "2.26", "2.35", "2.36", "2.47", "2.55", "2.63", "2.67",
];

/// Images and networks keep their 2.35 representation at later versions (the ECS extension).
fn proxy_version(version: &str) -> &str {
    let minor: u32 = version.trim_start_matches("2.").parse().expect("version");
    if minor > 35 { "2.35" } else { version }
}

struct Checker {
    problems: Vec<String>,
    checked: usize,
}

impl Checker {
    fn check(
        &mut self,
        endpoint: &str,
        version: &str,
        reply_status: StatusCode,
        expected: StatusCode,
        body: &Value,
    ) {
        self.checked += 1;
        if reply_status != expected {
            self.problems.push(format!(
                "{endpoint} at {version}: status {reply_status}, expected {expected}: {body}"
            ));
            return;
        }
        if let Some(problem) = schema_problems(endpoint, version, body) {
            self.problems.push(problem);
        }
    }
}

#[tokio::test]
async fn every_response_matches_novas_schema_at_each_microversion() {
    let cloud = Cloud::start(fast_config()).await;
    let mut checker = Checker {
        problems: Vec::new(),
        checked: 0,
    };
    let root = cloud
        .client
        .http
        .get(format!("{}/compute/", cloud.sim.base_url()))
        .send()
        .await
        .expect("root");
    assert!(
        root.headers().get("openstack-api-version").is_none(),
        "the root is not microversioned"
    );
    let root_body: Value = root.json().await.expect("root json");
    checker.check(
        "GET / (root, not microversioned)",
        "2.1",
        StatusCode::OK,
        StatusCode::OK,
        &root_body,
    );

    let image = cloud.client.image_named("CentOS 7.9 64bit").await;
    let image_id = image["id"].as_str().expect("image id").to_owned();
    let network_id = cloud.client.network_id("subnet-default").await;

    for version in VERSIONS {
        let v21 = cloud
            .client
            .get(&format!("{}/compute/v2.1/", cloud.sim.base_url()), version)
            .await;
        checker.check(
            "GET /v2.1/ and GET /v2/",
            version,
            v21.status,
            StatusCode::OK,
            &v21.body,
        );
        assert_eq!(v21.header("x-openstack-nova-api-version"), Some(version));

        for (endpoint, path) in [
            ("GET /os-availability-zone", "os-availability-zone"),
            ("GET /flavors", "flavors?limit=3"),
            (
                "GET /flavors/detail",
                "flavors/detail?sort_key=memory_mb&sort_dir=desc&limit=4",
            ),
            ("GET /flavors/{id}", "flavors/c1.large"),
            ("GET /os-keypairs", "os-keypairs"),
            ("GET /servers", "servers"),
            ("GET /servers/detail", "servers/detail"),
        ] {
            let reply = cloud.client.get(path, version).await;
            checker.check(endpoint, version, reply.status, StatusCode::OK, &reply.body);
        }
        let proxy = proxy_version(version);
        for (endpoint, path) in [
            ("GET /images", "images".to_owned()),
            ("GET /images/detail", "images/detail?limit=2".to_owned()),
            ("GET /images/{id}", format!("images/{image_id}")),
            ("GET /os-networks", "os-networks".to_owned()),
            ("GET /os-networks/{id}", format!("os-networks/{network_id}")),
        ] {
            let reply = cloud.client.get(&path, version).await;
            checker.check(endpoint, proxy, reply.status, StatusCode::OK, &reply.body);
        }

        // Key pairs: generate, import, show; create is 200 at 2.1 and 201 from 2.2.
        let created_status = if version == "2.1" {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        let name = format!("key-{}", version.replace('.', "-"));
        let generated = cloud
            .client
            .post("os-keypairs", version, &json!({"keypair": {"name": name}}))
            .await;
        checker.check(
            "POST /os-keypairs",
            version,
            generated.status,
            created_status,
            &generated.body,
        );
        let public_key = generated.body["keypair"]["public_key"].clone();
        let imported = cloud
            .client
            .post(
                "os-keypairs",
                version,
                &json!({"keypair": {"name": format!("{name}-imported"), "public_key": public_key}}),
            )
            .await;
        checker.check(
            "POST /os-keypairs",
            version,
            imported.status,
            created_status,
            &imported.body,
        );
        let shown = cloud
            .client
            .get(&format!("os-keypairs/{name}"), version)
            .await;
        checker.check(
            "GET /os-keypairs/{name}",
            version,
            shown.status,
            StatusCode::OK,
            &shown.body,
        );
        let listed = cloud.client.get("os-keypairs", version).await;
        checker.check(
            "GET /os-keypairs",
            version,
            listed.status,
            StatusCode::OK,
            &listed.body,
        );

        // Servers: create (boot from volume, the guide's body), then show while building and
        // once active, and the list and detail views with it in.
        let mut request = cloud
            .client
            .guide_server(&format!("schema-{version}"))
            .await;
        request["server"]["key_name"] = json!(name);
        let created = cloud.client.post("servers", version, &request).await;
        checker.check(
            "POST /servers",
            version,
            created.status,
            StatusCode::ACCEPTED,
            &created.body,
        );
        let id = created.body["server"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let building = cloud.client.get(&format!("servers/{id}"), version).await;
        checker.check(
            "GET /servers/{id}",
            version,
            building.status,
            StatusCode::OK,
            &building.body,
        );
        cloud
            .client
            .wait_for(&id, Duration::from_secs(10), |reply| {
                reply.body["server"]["status"] == "ACTIVE"
            })
            .await;
        let active = cloud
            .client
            .get(&format!("servers/{id}"), version)
            .await
            .body;
        checker.check(
            "GET /servers/{id}",
            version,
            StatusCode::OK,
            StatusCode::OK,
            &active,
        );
        for (endpoint, path) in [
            ("GET /servers", "servers?limit=1"),
            ("GET /servers/detail", "servers/detail?limit=1"),
        ] {
            let reply = cloud.client.get(path, version).await;
            checker.check(endpoint, version, reply.status, StatusCode::OK, &reply.body);
        }
        let stop = cloud
            .client
            .post(
                &format!("servers/{id}/action"),
                version,
                &json!({"os-stop": null}),
            )
            .await;
        checker.check(
            "POST /servers/{id}/action (os-stop)",
            version,
            stop.status,
            StatusCode::ACCEPTED,
            &stop.body,
        );
        cloud
            .client
            .wait_for(&id, Duration::from_secs(10), |reply| {
                reply.body["server"]["status"] == "SHUTOFF"
            })
            .await;
        let stopped = cloud
            .client
            .get(&format!("servers/{id}"), version)
            .await
            .body;
        assert_eq!(
            stopped["server"]["OS-EXT-STS:power_state"], 4,
            "stopped at {version}"
        );
        checker.check(
            "GET /servers/{id}",
            version,
            StatusCode::OK,
            StatusCode::OK,
            &stopped,
        );
        let start = cloud
            .client
            .post(
                &format!("servers/{id}/action"),
                version,
                &json!({"os-start": null}),
            )
            .await;
        checker.check(
            "POST /servers/{id}/action (os-start)",
            version,
            start.status,
            StatusCode::ACCEPTED,
            &start.body,
        );
        cloud
            .client
            .wait_for(&id, Duration::from_secs(10), |reply| {
                reply.body["server"]["status"] == "ACTIVE"
            })
            .await;
        let reboot = cloud
            .client
            .post(
                &format!("servers/{id}/action"),
                version,
                &json!({"reboot": {"type": "SOFT"}}),
            )
            .await;
        checker.check(
            "POST /servers/{id}/action (reboot)",
            version,
            reboot.status,
            StatusCode::ACCEPTED,
            &reboot.body,
        );
        let deleted = cloud.client.delete(&format!("servers/{id}"), version).await;
        checker.check(
            "DELETE /servers/{id}",
            version,
            deleted.status,
            StatusCode::NO_CONTENT,
            &deleted.body,
        );
        let delete_key_status = if version == "2.1" {
            StatusCode::ACCEPTED
        } else {
            StatusCode::NO_CONTENT
        };
        let deleted_key = cloud
            .client
            .delete(&format!("os-keypairs/{name}"), version)
            .await;
        checker.check(
            "DELETE /os-keypairs/{name}",
            version,
            deleted_key.status,
            delete_key_status,
            &deleted_key.body,
        );
    }

    // A server in ERROR carries a fault.
    let failing = cloud.client.create_server("sim-error-schema").await;
    cloud
        .client
        .wait_for(&failing, Duration::from_secs(10), |reply| {
            reply.body["server"]["status"] == "ERROR"
        })
        .await;
    for version in ["2.1", "2.47", "2.67"] {
        let reply = cloud
            .client
            .get(&format!("servers/{failing}"), version)
            .await;
        checker.check(
            "GET /servers/{id}",
            version,
            reply.status,
            StatusCode::OK,
            &reply.body,
        );
    }

    // The check itself must be able to fail: a server without its status is refused.
    let mut damaged = cloud
        .client
        .get(&format!("servers/{failing}"), "2.67")
        .await
        .body;
    damaged["server"]
        .as_object_mut()
        .map(|server| server.remove("status"));
    assert!(
        schema_problems("GET /servers/{id}", "2.67", &damaged).is_some(),
        "validation catches a missing field"
    );

    println!(
        "checked {} simulator responses against Nova's schemas",
        checker.checked
    );
    assert!(
        checker.problems.is_empty(),
        "{} problems:\n{}",
        checker.problems.len(),
        checker.problems.join("\n")
    );
}

#[tokio::test]
async fn limits_have_exactly_novas_keys_for_each_microversion() {
    let cloud = Cloud::start(fast_config()).await;
    let reference = nova_ref::reference();
    for (version, sample) in [
        ("2.1", "responses/limits/limit-get-resp.json"),
        ("2.35", "responses/limits/limit-get-resp.json"),
        ("2.36", "responses/limits/limit-get-resp-v2.36.json"),
        ("2.39", "responses/limits/limit-get-resp-v2.39.json"),
        ("2.57", "responses/limits/limit-get-resp-v2.57.json"),
        ("2.67", "responses/limits/limit-get-resp-v2.57.json"),
    ] {
        let reply = cloud.client.get("limits", version).await;
        assert_eq!(reply.status, StatusCode::OK);
        let expected = reference.json(sample);
        let keys = |value: &Value| {
            let mut keys: Vec<String> = value["limits"]["absolute"]
                .as_object()
                .expect("absolute")
                .keys()
                .cloned()
                .collect();
            keys.sort();
            keys
        };
        assert_eq!(
            keys(&reply.body),
            keys(&expected),
            "limits keys at {version}"
        );
        assert_eq!(reply.body["limits"]["rate"], json!([]));
    }
}
