//! The read fault knobs: `read_error_rate` and `read_drop_rate` fail reads (GET) only, at
//! about their rate, in each service's own error shape; a dropped read really stops mid-body;
//! the seed decides which reads fail.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Cloud, fast_config};

/// Sets knobs through the admin endpoint, as a user of the binary would; returns its status.
async fn set_knobs(cloud: &Cloud, changes: Value) -> StatusCode {
    cloud
        .client
        .http
        .patch(format!("{}/admin/knobs", cloud.sim.base_url()))
        .json(&changes)
        .send()
        .await
        .expect("the admin endpoint answers")
        .status()
}

/// A GET of `url` with the client's token: status and body text (empty if the body broke off).
async fn get(cloud: &Cloud, url: &str) -> (StatusCode, String) {
    let response = cloud
        .client
        .http
        .get(url)
        .header("X-Auth-Token", &cloud.client.token)
        .header("X-Subject-Token", &cloud.client.token)
        .send()
        .await
        .expect("answered");
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

fn is_injected(status: StatusCode) -> bool {
    status == StatusCode::INTERNAL_SERVER_ERROR || status == StatusCode::SERVICE_UNAVAILABLE
}

#[tokio::test]
async fn reads_fail_at_about_the_rate_in_each_services_own_shape_and_writes_never() {
    let cloud = Cloud::start(fast_config().admin_enabled(true)).await;
    // Looked up (with reads) before reads fail.
    let server_body = cloud.client.guide_server("written").await;
    assert_eq!(
        set_knobs(&cloud, json!({"read_error_rate": 1.5})).await,
        StatusCode::BAD_REQUEST,
        "rates are fractions"
    );
    assert_eq!(
        set_knobs(&cloud, json!({"read_drop_rate": -0.1})).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        set_knobs(&cloud, json!({"read_error_rate": 0.3})).await,
        StatusCode::OK
    );
    let flavors = format!("{}/flavors/detail", cloud.client.compute);
    let mut failed = 0;
    let mut statuses = Vec::new();
    for _ in 0..400 {
        let (status, _) = get(&cloud, &flavors).await;
        assert!(status == StatusCode::OK || is_injected(status), "{status}");
        if is_injected(status) {
            failed += 1;
            statuses.push(status);
        }
    }
    assert!(
        (80..=160).contains(&failed),
        "about 30 % of 400 reads fail, not {failed}"
    );
    assert!(statuses.contains(&StatusCode::INTERNAL_SERVER_ERROR));
    assert!(statuses.contains(&StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(cloud.sim.simulator().read_faults_injected(), failed);

    // Every read of every service fails at 1.0, in that service's own error body.
    set_knobs(&cloud, json!({"read_error_rate": 1.0})).await;
    let base = cloud.sim.base_url();
    let project = cloud.client.project_id().to_owned();
    let shapes = [
        (format!("{}/os-keypairs", cloud.client.compute), "Nova"),
        (format!("{}/auth/tokens", cloud.client.identity), "Keystone"),
        (format!("{base}/image/v2/images"), "Glance"),
        (format!("{base}/network/v2.0/networks"), "Neutron"),
        (format!("{base}/volume/v3/{project}/volumes"), "Cinder"),
    ];
    for (url, service) in &shapes {
        let (status, text) = get(&cloud, url).await;
        assert!(is_injected(status), "{service}: {status}");
        let body: Value = serde_json::from_str(&text).expect("a JSON error body");
        let code = u16::from(status == StatusCode::SERVICE_UNAVAILABLE) * 3 + 500;
        let shaped = match *service {
            "Keystone" => body["error"]["code"] == code,
            "Glance" => body["code"]
                .as_str()
                .is_some_and(|c| c.starts_with(&code.to_string())),
            "Neutron" => body["NeutronError"]["message"].is_string(),
            _ => {
                let fault = if code == 500 {
                    "computeFault"
                } else {
                    "serviceUnavailable"
                };
                body[fault]["code"] == code
            }
        };
        assert!(
            shaped,
            "{service} answers {status} in its own shape: {text}"
        );
    }

    // Writes go through untouched, drops included.
    set_knobs(&cloud, json!({"read_drop_rate": 1.0})).await;
    let before = cloud.sim.simulator().read_faults_injected();
    let key = cloud
        .client
        .console_call(
            Method::POST,
            "os-keypairs",
            Some(&json!({"keypair": {"name": "untouched"}})),
        )
        .await;
    assert!(key.status.is_success(), "{}", key.text);
    let server = cloud.client.post("servers", "2.67", &server_body).await;
    assert_eq!(server.status, StatusCode::ACCEPTED, "{}", server.text);
    let deleted = cloud
        .client
        .console_call(Method::DELETE, "os-keypairs/untouched", None)
        .await;
    assert!(deleted.status.is_success(), "{}", deleted.text);
    assert_eq!(cloud.sim.simulator().read_faults_injected(), before);
    cloud.sim.shutdown().await;
}

#[tokio::test]
async fn a_dropped_read_sends_part_of_the_body_then_closes_the_connection() {
    let cloud = Cloud::start(fast_config().admin_enabled(true)).await;
    let flavors = format!("{}/flavors/detail", cloud.client.compute);
    let (status, whole) = get(&cloud, &flavors).await;
    assert_eq!(status, StatusCode::OK);
    set_knobs(&cloud, json!({"read_drop_rate": 1.0})).await;

    let mut response = cloud
        .client
        .http
        .get(&flavors)
        .header("X-Auth-Token", &cloud.client.token)
        .send()
        .await
        .expect("the status line and headers arrive");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.content_length(),
        Some(whole.len() as u64),
        "the whole body is announced"
    );
    let mut received = Vec::new();
    let ended = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => received.extend_from_slice(&chunk),
            Ok(None) => break Ok(()),
            Err(error) => break Err(error),
        }
    };
    assert!(ended.is_err(), "the body does not end cleanly");
    assert!(
        !received.is_empty() && received.len() < whole.len(),
        "part of the body arrived: {} of {} bytes",
        received.len(),
        whole.len()
    );
    assert!(whole.as_bytes().starts_with(&received));
    assert_eq!(cloud.sim.simulator().read_faults_injected(), 1);
    cloud.sim.shutdown().await;
}

/// Status of each of `count` reads of the flavors, on a cloud with `seed`.
async fn read_outcomes(seed: u64, count: usize) -> Vec<u16> {
    let cloud = Cloud::start(
        fast_config()
            .rng_seed(seed)
            .read_error_rate(0.4)
            .read_drop_rate(0.2),
    )
    .await;
    let flavors = format!("{}/flavors/detail", cloud.client.compute);
    let mut outcomes = Vec::new();
    for _ in 0..count {
        let response = cloud
            .client
            .http
            .get(&flavors)
            .header("X-Auth-Token", &cloud.client.token)
            .send()
            .await
            .expect("answered");
        let status = response.status().as_u16();
        // A dropped read counts as 0.
        outcomes.push(if response.bytes().await.is_ok() {
            status
        } else {
            0
        });
    }
    cloud.sim.shutdown().await;
    outcomes
}

#[tokio::test]
async fn the_seed_decides_which_reads_fail() {
    let first = read_outcomes(5, 40).await;
    assert_eq!(
        first,
        read_outcomes(5, 40).await,
        "the same seed, the same reads fail"
    );
    assert_ne!(
        first,
        read_outcomes(6, 40).await,
        "another seed, other reads"
    );
    for outcome in [0, 200, 500, 503] {
        assert!(first.contains(&outcome), "{outcome} in {first:?}");
    }
}
