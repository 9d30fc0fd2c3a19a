//! Nova's own request samples pass the simulator's request schema checks at their
//! microversion (they may still name flavors and images this cloud does not have).

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Cloud, fast_config};

/// `server-create-req-v2.67.json` -> Some("2.67"); no suffix -> "2.1"; above 2.67 -> None.
fn sample_version(file_name: &str) -> Option<String> {
    let stem = file_name.trim_end_matches(".json");
    let version = match stem.rsplit_once("-v2.") {
        Some((_, minor)) => format!("2.{}", minor.parse::<u16>().ok()?),
        None if stem.ends_with("-apiguide") => return None,
        None => "2.1".to_owned(),
    };
    let minor: u16 = version.trim_start_matches("2.").parse().ok()?;
    (minor <= 67).then_some(version)
}

#[tokio::test]
async fn novas_request_samples_pass_the_schema_checks() {
    let cloud = Cloud::start(fast_config()).await;
    let reference = nova_ref::reference();
    let mut checked = 0;
    for (directory, prefix, path) in [
        ("requests/servers", "server-create-req", "servers"),
        ("requests/os-keypairs", "keypairs-", "os-keypairs"),
    ] {
        for file in reference.list(directory) {
            let name = file
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or_default()
                .to_owned();
            let Some(version) = name
                .starts_with(prefix)
                .then(|| sample_version(&name))
                .flatten()
            else {
                continue;
            };
            let body: Value = reference.json(&format!("{directory}/{name}"));
            let reply = cloud.client.post(path, &version, &body).await;
            let message = reply.body.to_string();
            assert!(
                !message.contains("Invalid input for field/attribute")
                    && reply.status != StatusCode::NOT_ACCEPTABLE,
                "{name} at {version} failed the schema: {message}"
            );
            if path == "servers" {
                // The samples name Nova's test flavors, which this cloud does not have.
                assert!(
                    reply.status == StatusCode::ACCEPTED
                        || message.contains("Invalid flavorRef provided."),
                    "{name}: {} {message}",
                    reply.status
                );
            } else if let Some(key_name) = body["keypair"]["name"].as_str() {
                cloud
                    .client
                    .delete(&format!("os-keypairs/{key_name}"), "2.67")
                    .await;
            }
            checked += 1;
        }
    }
    println!("{checked} Nova request samples passed the simulator's schema checks");
    assert!(checked >= 15, "only {checked} samples found");
}
