//! Knobs: the admin endpoint (off by default), injected failures, latency.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Cloud, assert_fault, fast_config};

#[tokio::test]
async fn the_admin_endpoint_is_off_unless_enabled() {
    let cloud = Cloud::start(fast_config()).await;
    let reply = cloud
        .client
        .http
        .get(format!("{}/admin/knobs", cloud.sim.base_url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(reply.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn knobs_change_at_run_time_and_inject_failures() {
    let cloud = Cloud::start(fast_config().admin_enabled(true)).await;
    let admin = format!("{}/admin/knobs", cloud.sim.base_url());
    let knobs: Value = cloud
        .client
        .http
        .get(&admin)
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    assert_eq!(knobs["error_rate"], 0.0);

    let set = |changes: Value| {
        let request = cloud.client.http.patch(&admin).json(&changes);
        async move { request.send().await.expect("answered") }
    };
    assert_eq!(
        set(json!({"error_rate": 2.0})).await.status(),
        StatusCode::BAD_REQUEST,
        "rates are fractions"
    );
    assert_eq!(
        set(json!({"colour": "red"})).await.status(),
        StatusCode::BAD_REQUEST,
        "unknown knobs are refused"
    );

    assert_eq!(
        set(json!({"error_rate": 1.0})).await.status(),
        StatusCode::OK
    );
    let reply = cloud.client.get("flavors", "2.67").await;
    let status = reply.status.as_u16();
    assert!(status == 500 || status == 503, "{status}");
    let name = if status == 500 {
        "computeFault"
    } else {
        "serviceUnavailable"
    };
    assert_fault(&reply, status, name, "");

    set(json!({"error_rate": 0.0, "failing_path": "/os-availability-zone"})).await;
    assert_fault(
        &cloud.client.get("os-availability-zone", "2.67").await,
        500,
        "computeFault",
        "Unexpected API Error",
    );
    assert_eq!(
        cloud.client.get("flavors", "2.67").await.status,
        StatusCode::OK,
        "other endpoints still work"
    );

    set(json!({"failing_path": null, "malformed_json_rate": 1.0})).await;
    let response = cloud
        .client
        .http
        .get(format!("{}/flavors", cloud.client.compute))
        .header("X-Auth-Token", &cloud.client.token)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("text");
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "the body is cut short: {text}"
    );

    set(json!({"malformed_json_rate": 0.0, "drop_connection_rate": 1.0})).await;
    let dropped = cloud
        .client
        .http
        .get(format!("{}/flavors", cloud.client.compute))
        .header("X-Auth-Token", &cloud.client.token)
        .send()
        .await;
    let failed = match dropped {
        Err(_) => true,
        Ok(response) => response.bytes().await.is_err(),
    };
    assert!(failed, "the connection is dropped");

    set(json!({"drop_connection_rate": 0.0, "latency_ms": 300})).await;
    let started = Instant::now();
    assert_eq!(
        cloud.client.get("flavors", "2.67").await.status,
        StatusCode::OK
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(cloud.sim.simulator().knobs().latency_ms, 300);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_cloud() {
    let first = Cloud::start(fast_config().rng_seed(7)).await;
    let second = Cloud::start(fast_config().rng_seed(7)).await;
    let other = Cloud::start(fast_config().rng_seed(8)).await;
    assert_eq!(
        first.sim.simulator().project_id(),
        second.sim.simulator().project_id()
    );
    assert_ne!(
        first.sim.simulator().project_id(),
        other.sim.simulator().project_id()
    );
    let first_images = image_list(&first).await;
    assert_eq!(first_images.as_array().map(Vec::len), Some(6));
    let ids = |images: &Value| -> Vec<Value> {
        images
            .as_array()
            .map(|images| images.iter().map(|image| image["id"].clone()).collect())
            .unwrap_or_default()
    };
    assert_eq!(ids(&first_images), ids(&image_list(&second).await));
    assert_eq!(
        first.client.create_server("seeded").await,
        second.client.create_server("seeded").await
    );
}

async fn image_list(cloud: &Cloud) -> Value {
    cloud.client.get("images", "2.1").await.body["images"].clone()
}
