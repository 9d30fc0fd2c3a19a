//! The README's browser numbers and screenshots, reproducible: measurements, not timed tests, so
//! they are `#[ignore]`d in the normal run. `scripts/measure` runs them (one at a time, printing
//! each number); each still fails when what it measures did not happen (a list that never loaded,
//! a filter that filtered nothing), so a number is never printed for a broken page.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::support::{DEFAULT_WAIT, Harness, HarnessOptions};

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
