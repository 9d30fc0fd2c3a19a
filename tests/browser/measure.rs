//! The README's browser numbers and screenshots, reproducible: measurements, not timed tests, so
//! they are `#[ignore]`d in the normal run. `scripts/measure` runs them (one at a time, printing
//! each number); each still fails when what it measures did not happen (a list that never loaded,
//! a filter that filtered nothing), so a number is never printed for a broken page.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::support::{DEFAULT_WAIT, Harness, HarnessOptions, devtools};

/// Rounds per measurement; the README gives the range.
const ROUNDS: usize = 3;

/// Resolves with `performance.now()` once `condition` (a JS expression) holds, checking once per
/// animation frame: the first frame in which the page is ready.
fn first_frame_when(condition: &str) -> String {
    format!(
        "const done = arguments[arguments.length - 1];\
         (function poll() {{ if ({condition}) {{ done(Math.round(performance.now())); }} else {{ requestAnimationFrame(poll); }} }})();"
    )
}

async fn run_async(harness: &Harness, script: &str) -> Value {
    harness
        .browser
        .execute_async(script, Vec::new())
        .await
        .unwrap_or_else(|error| panic!("script failed: {error}\n{script}"))
}

/// Every list of the create form is on screen (no "Loading" left, a zone option and a network).
const FORM_READY: &str = "(() => { const form = document.querySelector('.create-form');\
     return form && !/Loading /.test(form.textContent)\
       && document.querySelector(\"#zone option[value='az1.dc1']\")\
       && document.querySelector(\"input[type=checkbox][id^='network-']\"); })()";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "measurement: run by scripts/measure"]
async fn sign_in_form_cold_and_warm() {
    for round in 0..ROUNDS {
        // A new browser profile each round: nothing cached.
        let harness = Harness::start().await;
        harness.open("/sign-in").await;
        let usable = run_async(
            &harness,
            &first_frame_when("document.querySelector('#sign-in-password button[type=submit]')"),
        )
        .await;
        // Warm: the same profile loads the page again from its cache.
        harness.open("/sign-in").await;
        harness
            .wait_for("#sign-in-password button[type='submit']")
            .await;
        let paint_script = "const paint = performance.getEntriesByName('first-contentful-paint')[0];\
             return paint ? Math.round(paint.startTime) : null;";
        harness
            .wait_until("the warm page's first paint", DEFAULT_WAIT, || async {
                harness.eval(paint_script).await.is_u64()
            })
            .await;
        let warm_paint = harness.eval(paint_script).await;
        println!(
            "round {round}: sign-in form usable {usable} ms after navigation (cold profile); \
             first paint {warm_paint} ms (warm cache)"
        );
        harness.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "measurement: run by scripts/measure"]
async fn create_form_ready_with_api_latency() {
    for latency_ms in [0u64, 300] {
        let mut options = HarnessOptions::default();
        options.sim = options.sim.latency(Duration::from_millis(latency_ms));
        let harness = Harness::start_with(options).await;
        harness.sign_in_demo().await;
        for round in 0..ROUNDS {
            harness.click("header a[href='/servers']").await;
            harness.wait_for("#servers-page").await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let started = harness
                .eval(
                    "const started = performance.now();\
                     document.querySelector(\"header a[href='/create']\").click();\
                     return started;",
                )
                .await
                .as_f64()
                .expect("a start time");
            let ready = run_async(&harness, &first_frame_when(FORM_READY)).await;
            let elapsed = ready.as_f64().expect("a ready time") - started;
            println!(
                "API latency {latency_ms} ms, round {round}: create form fully loaded {elapsed:.0} ms after the click"
            );
            if latency_ms > 0 {
                // The six lists load in parallel: well under two round trips, never five.
                assert!(
                    elapsed < 2.0 * latency_ms as f64 + 250.0,
                    "the form took {elapsed:.0} ms with {latency_ms} ms latency: the lists did not load in parallel"
                );
            }
        }
        harness.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "measurement: run by scripts/measure"]
async fn filter_ten_thousand_flavors() {
    let mut options = HarnessOptions::default();
    options.sim = options.sim.catalogue_size(10_000);
    let harness = Harness::start_with(options).await;
    harness.sign_in_demo().await;
    harness.open("/create").await;
    let flavor_rows = "document.querySelectorAll(\"input[id^='flavor-']\").length";
    harness
        .wait_until("the 10,000 flavors", Duration::from_secs(120), || async {
            harness
                .eval(&format!("return {flavor_rows};"))
                .await
                .as_u64()
                .unwrap_or(0)
                > 50
        })
        .await;
    let all_rows = harness
        .eval(&format!("return {flavor_rows};"))
        .await
        .as_u64()
        .expect("a row count");
    for text in ["1", "12", "123", "12", "1", ""] {
        // From the input event to the next painted frame (the keystroke's visible answer).
        let measured = run_async(
            &harness,
            &format!(
                "const done = arguments[arguments.length - 1];\
                 const input = document.querySelector('#flavor-filter');\
                 const started = performance.now();\
                 input.value = '{text}';\
                 input.dispatchEvent(new Event('input', {{bubbles: true}}));\
                 const handled = performance.now() - started;\
                 requestAnimationFrame(() => setTimeout(() =>\
                   done([Math.round(performance.now() - started), {flavor_rows}, Math.round(handled)]), 0));"
            ),
        )
        .await;
        let (elapsed, rows) = (&measured[0], measured[1].as_u64().expect("a row count"));
        println!(
            "filter {text:?}: input handled in {} ms, next frame after {elapsed} ms, {rows} rows shown",
            measured[2]
        );
        if text == "123" {
            assert!(
                rows < all_rows,
                "filtering by {text:?} left all {all_rows} rows"
            );
        }
    }
    harness.shutdown().await;
}

/// Where README's screenshots live.
fn screenshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
}

/// Sets the window to `width` and the theme, grows the window to the page's height, and saves a
/// screenshot as `docs/screenshots/NAME-WIDTH-THEME.png`.
async fn full_page_screenshot(harness: &Harness, name: &str, width: u32, theme: &str) {
    harness
        .browser
        .set_window_size(width, 900)
        .await
        .expect("resize the window");
    harness
        .eval(&format!(
            "document.documentElement.dataset.theme = '{theme}'; return 1;"
        ))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let height = harness
        .eval("return Math.ceil(document.body.getBoundingClientRect().height) + 140;")
        .await
        .as_u64()
        .unwrap_or(900)
        .clamp(600, 3800) as u32;
    harness
        .browser
        .set_window_size(width, height)
        .await
        .expect("resize the window");
    tokio::time::sleep(Duration::from_millis(400)).await;
    save_screenshot(harness, &format!("{name}-{width}-{theme}")).await;
}

async fn save_screenshot(harness: &Harness, name: &str) {
    let png = harness.browser.screenshot().await.expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG"),
        "the screenshot {name} is not a PNG"
    );
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
    println!("saved {}", path.display());
}

async fn click_xpath(harness: &Harness, xpath: &str) {
    harness
        .browser
        .wait()
        .at_most(DEFAULT_WAIT)
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|error| panic!("no element at {xpath}: {error}"))
        .click()
        .await
        .unwrap_or_else(|error| panic!("click {xpath}: {error}"));
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "screenshots for README: run by scripts/measure"]
async fn readme_screenshots() {
    let harness = Harness::start().await;
    let server_id = harness
        .demo_client()
        .await
        .create_any_server("web-1", json!({}))
        .await;
    harness.sign_in_demo().await;
    harness.wait_for_text("web-1").await;
    full_page_screenshot(&harness, "servers", 360, "light").await;

    harness.open("/create").await;
    harness
        .wait_until("the create form's lists", DEFAULT_WAIT, || async {
            harness.eval(&format!("return !!{FORM_READY};")).await == Value::Bool(true)
        })
        .await;
    full_page_screenshot(&harness, "create", 1280, "light").await;

    click_xpath(
        &harness,
        "//summary[normalize-space()='Create a new key pair']",
    )
    .await;
    harness.fill("#new-key-name", "demo-key").await;
    click_xpath(&harness, "//button[normalize-space()='Create key pair']").await;
    harness.wait_for_text("cannot be downloaded again").await;
    harness
        .browser
        .set_window_size(1280, 900)
        .await
        .expect("resize the window");
    harness
        .eval(
            "document.documentElement.dataset.theme = 'light';\
             document.querySelector('#key-pair').closest('fieldset').scrollIntoView(); return 1;",
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    save_screenshot(&harness, "keypair-notice-1280-light").await;
    click_xpath(
        &harness,
        "//button[normalize-space()='I have saved the private key']",
    )
    .await;

    harness.open(&format!("/servers/{server_id}")).await;
    harness
        .wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(30))
        .await;
    full_page_screenshot(&harness, "details", 1280, "dark").await;
    harness.shutdown().await;
}

/// Real seconds in a measured "minute": `ECS_TAB_SECONDS_PER_MINUTE` (default 60) shortens the
/// run to try the measurement out.
fn tab_seconds_per_minute() -> f64 {
    std::env::var("ECS_TAB_SECONDS_PER_MINUTE")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(60.0)
}

/// Minutes at which a day-in-a-tab page is sampled; growth is measured from the first sample
/// (start-up allocations and caches settle in the first minute).
const TAB_SAMPLE_MINUTES: [u64; 3] = [1, 10, 30];
/// The most the page may grow between the first and the last sample.
const TAB_GROWTH_LIMIT: f64 = 0.05;

/// What a page holds once garbage is collected.
#[derive(Clone, Copy, Debug)]
struct TabSample {
    minute: u64,
    js_heap_bytes: f64,
    nodes: f64,
    listeners: f64,
    /// The app's wasm linear memory (never shrinks: growth means Rust-side data piled up).
    wasm_bytes: f64,
    /// API requests the simulator received since the page was opened.
    requests: usize,
}

/// Readings per sample: a request in flight holds its answer for a moment, so the smallest of
/// a few readings a second apart is the page at rest.
const TAB_READINGS: usize = 5;

/// The smallest of [`TAB_READINGS`] readings (see [`tab_reading`]), and the wasm memory size.
async fn tab_sample(harness: &Harness, minute: u64, requests: usize) -> TabSample {
    let mut sample = TabSample {
        minute,
        js_heap_bytes: f64::INFINITY,
        nodes: f64::INFINITY,
        listeners: f64::INFINITY,
        wasm_bytes: 0.0,
        requests,
    };
    for reading in 0..TAB_READINGS {
        if reading > 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let [js_heap_bytes, nodes, listeners] = tab_reading(harness).await;
        sample.js_heap_bytes = sample.js_heap_bytes.min(js_heap_bytes);
        sample.nodes = sample.nodes.min(nodes);
        sample.listeners = sample.listeners.min(listeners);
    }
    // wasm-bindgen's init returns the instance it already started, with its memory.
    sample.wasm_bytes = run_async(
        harness,
        "const done = arguments[arguments.length - 1];\
         import(document.querySelector('script[data-ecs-js]').dataset.ecsJs)\
           .then((module) => module.default()).then((wasm) => done(wasm.memory.buffer.byteLength));",
    )
    .await
    .as_f64()
    .expect("the wasm memory size");
    sample
}

/// Collects garbage, then reads Chromium's own counters: JS heap used, DOM nodes and event
/// listeners. The page is measured as a user leaves it: the API activity panel closed (it
/// lists its rows only while open) and never cleared (its log fills up to its 200 requests).
async fn tab_reading(harness: &Harness) -> [f64; 3] {
    for _ in 0..2 {
        devtools(&harness.browser, "HeapProfiler.collectGarbage", json!({})).await;
    }
    let metrics = devtools(&harness.browser, "Performance.getMetrics", json!({})).await;
    ["JSHeapUsedSize", "Nodes", "JSEventListeners"].map(|name| {
        metrics["metrics"]
            .as_array()
            .and_then(|metrics| metrics.iter().find(|metric| metric["name"] == name))
            .and_then(|metric| metric["value"].as_f64())
            .unwrap_or_else(|| panic!("no {name} in Performance.getMetrics: {metrics}"))
    })
}

/// Keeps `path` open (polling at its fastest) until the last sample minute, sampling at each of
/// [`TAB_SAMPLE_MINUTES`]; `ready` is a CSS selector that shows the page has loaded.
async fn day_in_a_tab(harness: &Harness, what: &str, path: &str, ready: &str) -> Vec<TabSample> {
    let seconds_per_minute = tab_seconds_per_minute();
    harness.open("/sign-in").await;
    harness
        .eval("window.localStorage.setItem('ecs-console.poll-fast', '1'); return 1;")
        .await;
    harness.sign_in_demo().await;
    harness.open(path).await;
    harness.wait_for(ready).await;
    devtools(&harness.browser, "Performance.enable", json!({})).await;
    let requests = || harness.sim.simulator().request_count("/");
    let opened_at = std::time::Instant::now();
    let requests_at_open = requests();
    let mut samples = Vec::new();
    for minute in TAB_SAMPLE_MINUTES {
        let due = Duration::from_secs_f64(minute as f64 * seconds_per_minute);
        tokio::time::sleep(due.saturating_sub(opened_at.elapsed())).await;
        harness.wait_for(ready).await;
        let sample = tab_sample(harness, minute, requests() - requests_at_open).await;
        println!(
            "{what}, minute {minute}: JS heap {:.0} KB, {} DOM nodes, {} listeners, wasm memory {:.0} KB, {} API requests so far",
            sample.js_heap_bytes / 1024.0,
            sample.nodes,
            sample.listeners,
            sample.wasm_bytes / 1024.0,
            sample.requests,
        );
        samples.push(sample);
    }
    samples
}

/// Fewest API requests a minute of a page that polls every 2 s (30 a minute for one polled
/// URL, a little less on a busy machine): fewer means polling slowed down or stopped.
const TAB_MIN_REQUESTS_A_MINUTE: f64 = 20.0;

/// Growth of each counter from the first sample to the last one, and whether it stays under
/// [`TAB_GROWTH_LIMIT`]; the page must also have kept polling about every 2 s.
fn tab_verdict(what: &str, samples: &[TabSample]) -> bool {
    let (first, last) = (samples[0], samples[samples.len() - 1]);
    let growth = |from: f64, to: f64| (to - from) / from;
    let growths = [
        ("JS heap", growth(first.js_heap_bytes, last.js_heap_bytes)),
        ("DOM nodes", growth(first.nodes, last.nodes)),
        ("listeners", growth(first.listeners, last.listeners)),
        ("wasm memory", growth(first.wasm_bytes, last.wasm_bytes)),
    ];
    let listed: Vec<String> = growths
        .iter()
        .map(|(name, growth)| format!("{name} {:+.1} %", growth * 100.0))
        .collect();
    let minutes = (last.minute - first.minute) as f64 * tab_seconds_per_minute() / 60.0;
    let requests_a_minute = (last.requests - first.requests) as f64 / minutes;
    let passed = growths.iter().all(|(_, growth)| *growth < TAB_GROWTH_LIMIT)
        && requests_a_minute >= TAB_MIN_REQUESTS_A_MINUTE;
    println!(
        "{what}: growth after minute {} to minute {}: {} ({:.0} API requests a minute): {}",
        first.minute,
        last.minute,
        listed.join(", "),
        requests_a_minute,
        if passed {
            "PASS (under 5 %, still polling)"
        } else {
            "FAIL (5 % or more, or polling slowed)"
        }
    );
    passed
}

/// A day in a tab: the details page of an ACTIVE server and the servers list with 50 servers,
/// each open 30 minutes in its own browser with polling forced to its fastest interval (both at
/// once, so the run takes 30 minutes, not 60). JS heap after garbage collection, DOM nodes,
/// event listeners and wasm memory must grow less than 5 % after the first minute.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "30-minute measurement: run by scripts/measure"]
async fn a_day_in_a_tab() {
    const LIST_SERVERS: u64 = 50;
    let details = async {
        let harness = Harness::start().await;
        let api = harness.demo_client().await;
        let id = api.create_any_server("day-in-a-tab", json!({})).await;
        api.wait_for(&id, Duration::from_secs(60), |reply| {
            reply.body["server"]["status"] == "ACTIVE"
        })
        .await;
        let samples = day_in_a_tab(
            &harness,
            "details page (ACTIVE)",
            &format!("/servers/{id}"),
            "#server-details",
        )
        .await;
        harness.shutdown().await;
        samples
    };
    let list = async {
        let mut options = HarnessOptions::default();
        options.sim = options.sim.quota(ecs_sim::Quota {
            instances: LIST_SERVERS,
            cores: 4 * LIST_SERVERS,
            ram_mb: 8192 * LIST_SERVERS,
            ..ecs_sim::Quota::default()
        });
        let harness = Harness::start_with(options).await;
        let api = harness.demo_client().await;
        // Booting from the image's copy on local disk: 50 boot volumes would exceed Cinder's quota.
        let image = api.image_named("Ubuntu 22.04 server 64bit").await;
        let network = api.network_id("subnet-default").await;
        let body = json!({"server": {
            "name": "list", "flavorRef": "m1.small", "imageRef": image["id"],
            "networks": [{"uuid": network}], "min_count": LIST_SERVERS, "max_count": LIST_SERVERS,
        }});
        let created = api.post("servers", "2.67", &body).await;
        assert_eq!(created.status.as_u16(), 202, "{}", created.text);
        harness
            .wait_until("50 ACTIVE servers", Duration::from_secs(120), || async {
                let listed = api.get("servers/detail", "2.67").await.body;
                listed["servers"].as_array().is_some_and(|servers| {
                    servers.len() as u64 == LIST_SERVERS
                        && servers.iter().all(|server| server["status"] == "ACTIVE")
                })
            })
            .await;
        let samples = day_in_a_tab(
            &harness,
            "servers list (50 servers)",
            "/servers",
            "#servers-table tbody tr",
        )
        .await;
        harness.shutdown().await;
        samples
    };
    let (details, list) = tokio::join!(details, list);
    let details_passed = tab_verdict("details page (ACTIVE)", &details);
    let list_passed = tab_verdict("servers list (50 servers)", &list);
    assert!(
        details_passed && list_passed,
        "a page grew by 5 % or more after its first minute, or stopped polling"
    );
}
