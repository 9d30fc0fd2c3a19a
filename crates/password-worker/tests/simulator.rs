//! Cross-check with the simulator: the password a Windows server's guest posted (encrypted with
//! the key pair's public key, as cloudbase-init does) decrypts, with the private key the cloud
//! generated, to the password the guest set.
#![cfg(not(target_arch = "wasm32"))]

use std::time::Duration;

use ecs_sim::SimConfig;
use ecs_sim::test_client::TestClient;
use password_worker::{PasswordError, decrypt_password};
use serde_json::json;

const WINDOWS_IMAGE: &str = "Windows Server 2019 Datacenter 64bit";

#[tokio::test]
async fn a_simulated_windows_password_decrypts_with_the_generated_private_key() {
    let sim = ecs_sim::spawn(SimConfig::default().build_duration(Duration::ZERO))
        .await
        .expect("the simulator starts");
    let client = TestClient::sign_in(&format!("{}/identity/v3", sim.base_url())).await;

    let generated = client
        .post("os-keypairs", "2.67", &json!({"keypair": {"name": "rdp"}}))
        .await;
    assert_eq!(generated.status_code(), 201, "{}", generated.text);
    let private_key = generated.body["keypair"]["private_key"]
        .as_str()
        .expect("the generated private key")
        .to_owned();
    assert!(private_key.starts_with("-----BEGIN RSA PRIVATE KEY-----"));

    let mut body = client.guide_server("win").await;
    let image = client.image_named(WINDOWS_IMAGE).await;
    body["server"]["block_device_mapping_v2"][0]["uuid"] = image["id"].clone();
    body["server"]["block_device_mapping_v2"][0]["volume_size"] = json!("60");
    body["server"]["key_name"] = json!("rdp");
    let created = client.post("servers", "2.67", &body).await;
    assert_eq!(created.status_code(), 202, "{}", created.text);
    let id = created.body["server"]["id"]
        .as_str()
        .expect("server id")
        .to_owned();
    client
        .wait_for(&id, Duration::from_secs(20), |reply| {
            reply.body["server"]["status"] == "ACTIVE"
        })
        .await;

    let posted = client
        .get(&format!("servers/{id}/os-server-password"), "2.67")
        .await;
    assert_eq!(posted.status_code(), 200, "{}", posted.text);
    let encrypted = posted.body["password"].as_str().expect("password");
    let expected = sim
        .simulator()
        .windows_password(&id)
        .expect("the guest set a password");
    assert_eq!(
        decrypt_password(&private_key, encrypted).as_deref(),
        Ok(expected.as_str())
    );

    // Another generated key pair's private key is refused.
    let other = client
        .post(
            "os-keypairs",
            "2.67",
            &json!({"keypair": {"name": "other"}}),
        )
        .await;
    let other_key = other.body["keypair"]["private_key"]
        .as_str()
        .expect("the other private key");
    assert_eq!(
        decrypt_password(other_key, encrypted),
        Err(PasswordError::WrongKey)
    );

    sim.shutdown().await;
}
