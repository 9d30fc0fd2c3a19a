//! 200 concurrent sign-ins and 200 concurrent creates through the `ecs-gateway` binary into the
//! simulator (in this process, so the gateway's memory is its own): every request answered, no
//! server lost or duplicated, and the gateway's memory back where it was after the load.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use ecs_sim::DEMO;
use ecs_sim::test_client::TestClient;
use ecs_sim::{Quota, VolumeQuota};
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::Value;

const CONCURRENT: usize = 200;

/// The gateway binary, killed when dropped (also when an assertion fails).
struct Gateway(Child);

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The gateway binary proxying every service to `sim`; its URL.
fn start_gateway(sim: &str) -> (Gateway, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecs-gateway"));
    // The default header timeout (10 s) applies: the clients send their heads as soon as they
    // connect (see `one_round`).
    command.args(["--listen", "127.0.0.1:0"]);
    for name in ["identity", "compute", "image", "network", "volume"] {
        command
            .arg("--upstream")
            .arg(format!("{name}={sim}/{name}"));
    }
    let mut child = command
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the ecs-gateway binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("ecs-gateway printed its URL").unwrap();
        if let Some(url) = line.strip_prefix("ecs-console: ") {
            break url.trim_end_matches('/').to_owned();
        }
    };
    // Keep draining stdout, so the gateway never blocks on a full pipe.
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    (Gateway(child), url)
}

/// The process's resident memory, in KiB (VmRSS in /proc/PID/status).
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

/// 200 sign-ins at once, then 200 creates at once (one per signed-in client); the ids created.
async fn one_round(identity: &str, round: usize, body: &Value) -> Vec<String> {
    // Each client (its own connections, as 200 browsers) is made first: making one parses the
    // system's root certificates, and 200 of them made while the first ones had connected held
    // those connections' heads back for seconds, past the gateway's header timeout.
    let https: Vec<reqwest::Client> = (0..CONCURRENT).map(|_| reqwest::Client::new()).collect();
    let auth = DEMO.auth_request();
    let clients = join_all(
        https
            .into_iter()
            .map(|http| TestClient::sign_in_on(http, identity, &auth)),
    )
    .await;
    assert_eq!(clients.len(), CONCURRENT);
    join_all(clients.iter().enumerate().map(|(index, client)| {
        let mut body = body.clone();
        body["server"]["name"] = Value::from(format!("load-{round}-{index}"));
        async move {
            let reply = client
                .console_call(Method::POST, "servers", Some(&body))
                .await;
            assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
            reply.body["server"]["id"].as_str().unwrap().to_owned()
        }
    }))
    .await
}

/// Every server name and id in the project, after all pages.
async fn listed_servers(client: &TestClient) -> Vec<(String, String)> {
    let mut servers = Vec::new();
    let mut next = Some("servers?limit=100".to_owned());
    while let Some(page) = next.take() {
        let reply = client.console_call(Method::GET, &page, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        for server in reply.body["servers"].as_array().unwrap() {
            servers.push((
                server["name"].as_str().unwrap().to_owned(),
                server["id"].as_str().unwrap().to_owned(),
            ));
        }
        next = reply.body["servers_links"]
            .as_array()
            .and_then(|links| links.iter().find(|link| link["rel"] == "next"))
            .and_then(|link| link["href"].as_str())
            .map(str::to_owned);
    }
    servers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_sign_ins_and_creates_lose_nothing_and_leak_nothing() {
    let sim = ecs_sim::spawn(
        ecs_sim::SimConfig::default()
            .build_duration(Duration::from_millis(100))
            .quota(Quota {
                instances: 1000,
                cores: 100_000,
                ram_mb: 100_000_000,
                ..Quota::default()
            })
            .volume_quota(VolumeQuota {
                volumes: 1000,
                gigabytes: 1_000_000,
                ..VolumeQuota::default()
            }),
    )
    .await
    .unwrap();
    let (gateway, url) = start_gateway(&sim.base_url());
    let pid = gateway.0.id();
    let cold = resident_kib(pid);
    let identity = format!("{url}/proxy/identity/v3");
    let first = TestClient::sign_in(&identity).await;
    let body = first.guide_server("load").await;

    // The first round warms the gateway up (its pools, buffers, allocator arenas); the second
    // must not leave it holding more.
    let mut all_ids = one_round(&identity, 0, &body).await;
    // The round's clients are dropped: let the gateway settle.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let start = resident_kib(pid);
    all_ids.extend(one_round(&identity, 1, &body).await);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = resident_kib(pid);

    eprintln!(
        "gateway VmRSS: {cold} KiB at start-up, {start} KiB after a first round, {after} KiB after the second"
    );
    let listed = listed_servers(&first).await;
    let listed_ids: HashSet<&str> = listed.iter().map(|(_, id)| id.as_str()).collect();
    let listed_names: HashSet<&str> = listed.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(listed.len(), 2 * CONCURRENT, "servers listed");
    assert_eq!(listed_ids.len(), 2 * CONCURRENT, "distinct ids");
    assert_eq!(listed_names.len(), 2 * CONCURRENT, "distinct names");
    let created: HashSet<&str> = all_ids.iter().map(String::as_str).collect();
    assert_eq!(created, listed_ids, "created and listed servers differ");

    assert!(
        after <= start + start / 10,
        "the gateway's memory grew from {start} KiB to {after} KiB over a round of load"
    );
    drop(gateway);
    sim.shutdown().await;
}
