//! What the console's key pairs page relies on, at the console's microversion: every page of the
//! list reachable through `keypairs_links`, each key pair's creation time on show, Nova's 409 for
//! a taken name, and the name free again once deleted. Every answer validates against Nova's
//! schema.

use ecs_api::microversion::microversion_for;
use ecs_sim::test_client::Reply;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Cloud, assert_fault, fast_config, schema_problems};

const PUBLIC_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDY8wMTdBYiJgi62o6eShoOlSKx3CZ3cE6PHisDblfK3Y0Bg7EHV7iV9c74pqsrIhK0xuGUuO1NxDQWbkwLTPN4F9Iy5CIYohLuMIpbln6LDtfRPpdhEh3lxL8MM61gyfpKzeKkwkEpSFj27Rgh6zCyJgBpkA2A0HTP737UlitahL4faCWDIS+Vj6mbcfkWiMhuMCzTZgSKAZ4PfoG4B5HJhR52C6A4XLiQFT9heh9gnIsIG+uTogTKUbcJKuN7M6AraJpul6eHhV9YI4433sDmuiBF/njvreVPWwAHlAkgT9I8q1T/cfEFiwzXpdGbkK5O8NC7K+qNbbdKihlahONt imported";

/// The microversion the console sends to `os-keypairs` (what its pages must be read at).
fn console_version(cloud: &Cloud) -> String {
    microversion_for(&format!(
        "{}/compute/v2.1/os-keypairs",
        cloud.sim.base_url()
    ))
    .to_string()
}

fn assert_valid(endpoint: &str, version: &str, reply: &Reply) {
    assert_eq!(reply.status_code(), 200, "{endpoint}: {}", reply.text);
    if let Some(problem) = schema_problems(endpoint, version, &reply.body) {
        panic!("{problem}");
    }
}

async fn import(cloud: &Cloud, name: &str) -> Reply {
    cloud
        .client
        .console_call(
            Method::POST,
            "os-keypairs",
            Some(&json!({"keypair": {"name": name, "type": "ssh", "public_key": PUBLIC_KEY}})),
        )
        .await
}

fn names_of(page: &Value) -> Vec<String> {
    page["keypairs"]
        .as_array()
        .expect("keypairs")
        .iter()
        .map(|item| item["keypair"]["name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn every_page_is_reachable_and_every_key_pair_tells_when_it_was_made() {
    let cloud = Cloud::start(fast_config()).await;
    let version = console_version(&cloud);
    let mut made = Vec::new();
    for index in 0..5 {
        let name = format!("page-key-{index}");
        assert_eq!(import(&cloud, &name).await.status_code(), 201);
        made.push(name);
    }

    // Pages of two: 2 + 2 + 1, each linking to the next until the last.
    let mut listed = Vec::new();
    let mut url = "os-keypairs?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page = cloud.client.console_call(Method::GET, &url, None).await;
        assert_valid("GET /os-keypairs", &version, &page);
        pages += 1;
        listed.extend(names_of(&page.body));
        match page.body["keypairs_links"][0]["href"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
        assert!(pages < 10, "the links go round in a circle: {url}");
    }
    assert_eq!(pages, 3);
    assert_eq!(listed, made, "every key pair once, in name order");

    // A last page exactly full still links on, to an empty page (Nova's rule).
    let full = cloud
        .client
        .console_call(Method::GET, "os-keypairs?limit=5", None)
        .await;
    let next = full.body["keypairs_links"][0]["href"]
        .as_str()
        .expect("a full page links on")
        .to_owned();
    let empty = cloud.client.console_call(Method::GET, &next, None).await;
    assert_valid("GET /os-keypairs", &version, &empty);
    assert!(names_of(&empty.body).is_empty());
    assert!(empty.body.get("keypairs_links").is_none());

    // The list has no creation time; each key pair's own answer has it.
    assert!(
        full.body["keypairs"][0]["keypair"]
            .get("created_at")
            .is_none()
    );
    for name in &made {
        let shown = cloud
            .client
            .console_call(Method::GET, &format!("os-keypairs/{name}"), None)
            .await;
        assert_valid("GET /os-keypairs/{name}", &version, &shown);
        let created_at = shown.body["keypair"]["created_at"]
            .as_str()
            .expect("created_at");
        assert!(
            ecs_api::timestamp::parse_unix_seconds(created_at).is_some(),
            "a time: {created_at}"
        );
    }
}

#[tokio::test]
async fn a_taken_name_is_refused_in_novas_words_until_the_key_pair_is_deleted() {
    let cloud = Cloud::start(fast_config()).await;
    assert_eq!(import(&cloud, "taken").await.status_code(), 201);
    let again = import(&cloud, "taken").await;
    assert_fault(
        &again,
        409,
        "conflictingRequest",
        "Key pair 'taken' already exists.",
    );
    let generated = cloud
        .client
        .console_call(
            Method::POST,
            "os-keypairs",
            Some(&json!({"keypair": {"name": "taken"}})),
        )
        .await;
    assert_fault(
        &generated,
        409,
        "conflictingRequest",
        "Key pair 'taken' already exists.",
    );

    let deleted = cloud
        .client
        .console_call(Method::DELETE, "os-keypairs/taken", None)
        .await;
    assert_eq!(deleted.status_code(), 204, "{}", deleted.text);
    assert_eq!(import(&cloud, "taken").await.status_code(), 201);
}
