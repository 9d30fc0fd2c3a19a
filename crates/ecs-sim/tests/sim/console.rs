//! The console can read everything the simulator sends: each response decodes with ecs-api's
//! models, and faults decode to the simulator's own message.

use std::time::Duration;

use ecs_api::ApiError;
use ecs_api::decode::{DecodeKind, decode_kind};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Cloud, fast_config};

fn decodes(kind: DecodeKind, body: &Value, problems: &mut Vec<String>) {
    if let Err(error) = decode_kind(kind, body.to_string().as_bytes()) {
        problems.push(format!("{}: {error}", kind.name()));
    }
}

#[tokio::test]
async fn every_response_decodes_with_the_console_models() {
    let cloud = Cloud::start(fast_config()).await;
    let mut problems = Vec::new();
    // The token body the client signed in with.
    decodes(DecodeKind::Token, &cloud.client.token_body, &mut problems);
    let root: Value = cloud
        .client
        .http
        .get(format!("{}/compute/", cloud.sim.base_url()))
        .send()
        .await
        .expect("root")
        .json()
        .await
        .expect("json");
    decodes(DecodeKind::Versions, &root, &mut problems);

    for version in ["2.1", "2.47", "2.67"] {
        let image = cloud.client.image_named("CentOS 7.9 64bit").await;
        for (kind, path) in [
            (
                DecodeKind::AvailabilityZones,
                "os-availability-zone".to_owned(),
            ),
            (DecodeKind::Flavors, "flavors/detail".to_owned()),
            (DecodeKind::Flavor, "flavors/c1.large".to_owned()),
            (DecodeKind::Images, "images/detail".to_owned()),
            (
                DecodeKind::Image,
                format!("images/{}", image["id"].as_str().unwrap_or_default()),
            ),
            (DecodeKind::Networks, "os-networks".to_owned()),
            (DecodeKind::Limits, "limits".to_owned()),
        ] {
            decodes(
                kind,
                &cloud.client.get(&path, version).await.body,
                &mut problems,
            );
        }
        let name = format!("console-{}", version.replace('.', "-"));
        let created = cloud
            .client
            .post("os-keypairs", version, &json!({"keypair": {"name": name}}))
            .await;
        decodes(DecodeKind::KeyPair, &created.body, &mut problems);
        decodes(
            DecodeKind::KeyPair,
            &cloud
                .client
                .get(&format!("os-keypairs/{name}"), version)
                .await
                .body,
            &mut problems,
        );
        decodes(
            DecodeKind::KeyPairs,
            &cloud.client.get("os-keypairs", version).await.body,
            &mut problems,
        );

        let server = cloud
            .client
            .post("servers", version, &cloud.client.guide_server(&name).await)
            .await;
        decodes(DecodeKind::ServerCreated, &server.body, &mut problems);
        let id = server.body["server"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        decodes(
            DecodeKind::Server,
            &cloud
                .client
                .get(&format!("servers/{id}"), version)
                .await
                .body,
            &mut problems,
        );
        cloud
            .client
            .wait_for(&id, Duration::from_secs(10), |reply| {
                reply.body["server"]["status"] == "ACTIVE"
            })
            .await;
        decodes(
            DecodeKind::Server,
            &cloud
                .client
                .get(&format!("servers/{id}"), version)
                .await
                .body,
            &mut problems,
        );
        decodes(
            DecodeKind::Servers,
            &cloud.client.get("servers/detail", version).await.body,
            &mut problems,
        );
        decodes(
            DecodeKind::Servers,
            &cloud.client.get("servers", version).await.body,
            &mut problems,
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn faults_decode_to_the_simulators_messages() {
    let cloud = Cloud::start(fast_config()).await;
    let missing = cloud
        .client
        .get("servers/00000000-0000-4000-8000-000000000000", "2.67")
        .await;
    let error =
        ApiError::from_response(missing.status.as_u16(), missing.body.to_string().as_bytes());
    assert_eq!(error.status, 404);
    assert_eq!(
        error.message,
        missing.body["itemNotFound"]["message"]
            .as_str()
            .unwrap_or_default()
    );

    let anonymous = cloud
        .client
        .http
        .request(Method::GET, format!("{}/servers", cloud.client.compute))
        .send()
        .await
        .expect("answered");
    let status = anonymous.status().as_u16();
    let body = anonymous.bytes().await.expect("body");
    let error = ApiError::from_response(status, &body);
    assert_eq!(error.status, 401);
    assert!(error.needs_reauthentication());
}
