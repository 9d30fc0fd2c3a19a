//! Key pairs: generated keys are real (ssh-keygen agrees), imports are fingerprinted as Nova
//! does, duplicates conflict.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Cloud, assert_fault, fast_config, ssh_keygen};

/// The public key imported in the guide and the fingerprint it shows.
const GUIDE_PUBLIC_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDY8wMTdBYiJgi62o6eShoOlSKx3CZ3cE6PHisDblfK3Y0Bg7EHV7iV9c74pqsrIhK0xuGUuO1NxDQWbkwLTPN4F9Iy5CIYohLuMIpbln6LDtfRPpdhEh3lxL8MM61gyfpKzeKkwkEpSFj27Rgh6zCyJgBpkA2A0HTP737UlitahL4faCWDIS+Vj6mbcfkWiMhuMCzTZgSKAZ4PfoG4B5HJhR52C6A4XLiQFT9heh9gnIsIG+uTogTKUbcJKuN7M6AraJpul6eHhV9YI4433sDmuiBF/njvreVPWwAHlAkgT9I8q1T/cfEFiwzXpdGbkK5O8NC7K+qNbbdKihlahONt Generated-by-Nova\n";
const GUIDE_FINGERPRINT: &str = "dd:44:45:49:d9:f6:4f:c0:24:2d:81:aa:c4:4b:83:c2";

fn type_and_body(key: &str) -> String {
    key.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn generated_key_pairs_are_real_and_returned_once() {
    let cloud = Cloud::start(fast_config()).await;
    let reply = cloud
        .client
        .post(
            "os-keypairs",
            "2.67",
            &json!({"keypair": {"name": "demo1", "type": "ssh"}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let keypair = &reply.body["keypair"];
    let private_key = keypair["private_key"].as_str().expect("private key");
    assert!(
        private_key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"),
        "PEM like Nova"
    );
    let public_key = keypair["public_key"].as_str().expect("public key");
    assert_eq!(
        type_and_body(&ssh_keygen("-y", private_key)),
        type_and_body(public_key)
    );
    assert_eq!(keypair["type"], "ssh");
    let fingerprint = keypair["fingerprint"].as_str().expect("fingerprint");
    assert_eq!(fingerprint.split(':').count(), 16);

    let shown = cloud.client.get("os-keypairs/demo1", "2.67").await;
    assert_eq!(shown.body["keypair"]["public_key"], public_key);
    assert_eq!(shown.body["keypair"]["fingerprint"], fingerprint);
    assert!(
        shown.body["keypair"].get("private_key").is_none(),
        "the private key is never shown again"
    );
    let listed = cloud.client.get("os-keypairs", "2.67").await;
    assert!(
        listed.body["keypairs"][0]["keypair"]
            .get("private_key")
            .is_none()
    );
}

#[tokio::test]
async fn imports_are_checked_and_fingerprinted_like_nova() {
    let cloud = Cloud::start(fast_config()).await;
    let reply = cloud
        .client
        .post(
            "os-keypairs",
            "2.67",
            &json!({"keypair": {"name": "demo2", "type": "ssh", "public_key": GUIDE_PUBLIC_KEY}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["keypair"]["fingerprint"], GUIDE_FINGERPRINT);
    assert_eq!(reply.body["keypair"]["public_key"], GUIDE_PUBLIC_KEY);
    assert!(reply.body["keypair"].get("private_key").is_none());

    let duplicate = cloud
        .client
        .post(
            "os-keypairs",
            "2.67",
            &json!({"keypair": {"name": "demo2", "public_key": GUIDE_PUBLIC_KEY}}),
        )
        .await;
    assert_fault(
        &duplicate,
        409,
        "conflictingRequest",
        "Key pair 'demo2' already exists.",
    );

    for bad in [
        "ssh-rsa",
        "ssh-rsa !!!notbase64",
        "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQDY8wMTdBYiJgi62o6eShoO",
        "hello world",
    ] {
        let reply = cloud
            .client
            .post(
                "os-keypairs",
                "2.67",
                &json!({"keypair": {"name": "bad", "public_key": bad}}),
            )
            .await;
        assert_fault(&reply, 400, "badRequest", "Keypair data is invalid");
    }
    let reply = cloud
        .client
        .post(
            "os-keypairs",
            "2.67",
            &json!({"keypair": {"name": "bad/name"}}),
        )
        .await;
    assert_fault(
        &reply,
        400,
        "badRequest",
        "Invalid input for field/attribute name",
    );
    let reply = cloud
        .client
        .post(
            "os-keypairs",
            "2.1",
            &json!({"keypair": {"name": "typed", "type": "ssh"}}),
        )
        .await;
    assert_fault(
        &reply,
        400,
        "badRequest",
        "Additional properties are not allowed ('type' was unexpected)",
    );

    let deleted = cloud.client.delete("os-keypairs/demo2", "2.67").await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let again = cloud.client.delete("os-keypairs/demo2", "2.67").await;
    assert_fault(
        &again,
        404,
        "itemNotFound",
        "Keypair demo2 not found for user",
    );
}

#[tokio::test]
async fn key_pair_status_codes_follow_the_microversion() {
    let cloud = Cloud::start(fast_config()).await;
    let created = cloud
        .client
        .post(
            "os-keypairs",
            "2.1",
            &json!({"keypair": {"name": "old", "public_key": GUIDE_PUBLIC_KEY}}),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    assert!(created.body["keypair"].get("type").is_none());
    assert_eq!(
        cloud.client.delete("os-keypairs/old", "2.1").await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn key_pair_pages_from_2_35() {
    let cloud = Cloud::start(fast_config()).await;
    for name in ["a", "b", "c"] {
        cloud
            .client
            .post(
                "os-keypairs",
                "2.67",
                &json!({"keypair": {"name": name, "public_key": GUIDE_PUBLIC_KEY}}),
            )
            .await;
    }
    let first = cloud.client.get("os-keypairs?limit=2", "2.35").await;
    assert_eq!(first.body["keypairs"].as_array().map(Vec::len), Some(2));
    let next = first.body["keypairs_links"][0]["href"]
        .as_str()
        .expect("next link")
        .to_owned();
    assert!(next.ends_with("os-keypairs?limit=2&marker=b"), "{next}");
    let second = cloud.client.get(&next, "2.35").await;
    assert_eq!(second.body["keypairs"][0]["keypair"]["name"], "c");
    let unpaged = cloud.client.get("os-keypairs?limit=2", "2.34").await;
    assert_eq!(
        unpaged.body["keypairs"].as_array().map(Vec::len),
        Some(3),
        "limit is ignored before 2.35"
    );
}
