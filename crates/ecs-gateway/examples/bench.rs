//! Gateway proxy overhead: the same GET (flavors/detail with a token) sent to the simulator
//! directly and through the gateway's /proxy/compute, at 1 and 64 concurrent connections.
//!
//! Run: `cargo run -p ecs-gateway --example bench --release [-- SECONDS_PER_RUN [RESOURCE [SIM_LATENCY_MS]]]`
//! RESOURCE defaults to `flavors/detail` (`os-availability-zone` has no links to rewrite);
//! SIM_LATENCY_MS (default 0) makes the simulator answer like a remote cloud instead of instantly.
//! Prints median and p99 latency (and what the gateway adds) and the throughput ratio.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ecs_api::microversion::CONSOLE_MICROVERSION;
use ecs_sim::test_client::TestClient;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

const CONCURRENCIES: [usize; 2] = [1, 64];

struct Measurement {
    latencies: Vec<Duration>,
    elapsed: Duration,
}

impl Measurement {
    fn percentile(&self, fraction: f64) -> Duration {
        let index = ((self.latencies.len() - 1) as f64 * fraction).round() as usize;
        self.latencies[index]
    }

    fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// `concurrency` workers, each with its own connection, repeat the GET for `duration`.
async fn measure(
    url: &str,
    headers: &HeaderMap,
    concurrency: usize,
    duration: Duration,
) -> Measurement {
    // Clients are built (which loads the TLS roots) before the clock starts.
    let clients: Vec<reqwest::Client> = (0..concurrency)
        .map(|_| {
            reqwest::Client::builder()
                .default_headers(headers.clone())
                .pool_max_idle_per_host(1)
                .build()
                .expect("client")
        })
        .collect();
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::with_capacity(concurrency);
    for client in clients {
        let url = url.to_owned();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let sent = Instant::now();
                let response = client.get(&url).send().await.expect("request");
                assert!(
                    response.status().is_success(),
                    "{url}: {}",
                    response.status()
                );
                response.bytes().await.expect("body");
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("worker"));
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    Measurement { latencies, elapsed }
}

fn millis(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(5);
    let run = Duration::from_secs(seconds);
    let resource = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "flavors/detail".to_owned());
    let latency_ms: u64 = std::env::args()
        .nth(3)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(0);
    let gateway = ecs_gateway::spawn(ecs_gateway::GatewayConfig {
        listen: "127.0.0.1:0".parse().expect("address"),
        simulate: true,
        simulator: ecs_sim::SimConfig::default().latency(Duration::from_millis(latency_ms)),
        ..Default::default()
    })
    .await
    .expect("gateway");
    let simulator = gateway.simulator_url().expect("simulate mode");

    let client = TestClient::sign_in(&format!("{simulator}/identity/v3")).await;
    let project = client.project_id();

    let mut headers = HeaderMap::new();
    headers.insert(
        "x-auth-token",
        HeaderValue::from_str(&client.token).expect("token value"),
    );
    for (name, value) in CONSOLE_MICROVERSION.request_headers() {
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(&value).expect("header value"),
        );
    }
    let path = format!("v2.1/{project}/{resource}");
    let direct_url = format!("{simulator}/compute/{path}");
    let gateway_url = format!("{}/proxy/compute/{path}", gateway.url());
    let body_bytes = reqwest::Client::new()
        .get(&direct_url)
        .headers(headers.clone())
        .send()
        .await
        .expect("probe")
        .bytes()
        .await
        .expect("probe body")
        .len();

    println!(
        "GET /compute/v2.1/{{project}}/{resource} ({body_bytes}-byte JSON body), \
         simulator latency {latency_ms} ms, {seconds} s per run"
    );
    println!(
        "{:>5} | {:>10} {:>10} {:>9} | {:>10} {:>10} {:>9} | {:>9} {:>9} {:>6}",
        "conns",
        "direct p50",
        "gw p50",
        "added",
        "direct p99",
        "gw p99",
        "added",
        "direct/s",
        "gw/s",
        "ratio"
    );
    let headers = Arc::new(headers);
    for concurrency in CONCURRENCIES {
        // Warm connections and caches, then measure each side.
        measure(
            &direct_url,
            &headers,
            concurrency,
            Duration::from_millis(500),
        )
        .await;
        measure(
            &gateway_url,
            &headers,
            concurrency,
            Duration::from_millis(500),
        )
        .await;
        let direct = measure(&direct_url, &headers, concurrency, run).await;
        let proxied = measure(&gateway_url, &headers, concurrency, run).await;
        let (direct_p50, proxied_p50) = (direct.percentile(0.5), proxied.percentile(0.5));
        let (direct_p99, proxied_p99) = (direct.percentile(0.99), proxied.percentile(0.99));
        println!(
            "{:>5} | {:>10} {:>10} {:>9} | {:>10} {:>10} {:>9} | {:>9.0} {:>9.0} {:>5.0}%",
            concurrency,
            millis(direct_p50),
            millis(proxied_p50),
            millis(proxied_p50.saturating_sub(direct_p50)),
            millis(direct_p99),
            millis(proxied_p99),
            millis(proxied_p99.saturating_sub(direct_p99)),
            direct.throughput(),
            proxied.throughput(),
            100.0 * proxied.throughput() / direct.throughput(),
        );
    }
    println!(
        "(latencies in ms; added = gateway minus direct; ratio = gateway throughput / direct throughput)"
    );
    gateway.shutdown().await;
}
