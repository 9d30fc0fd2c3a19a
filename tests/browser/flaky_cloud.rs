//! A flaky cloud: reads that fail in passing are retried by the console itself, so the guide
//! completes without the user pressing Retry; a read that fails three times in a row still
//! shows its error and its Retry.
//!
//! The simulator's read faults are a function of its seed, the path and how many requests
//! that path had (not of timing or of how the browser's requests interleave), so with
//! [`FAULT_SEED`] the same reads fail on every run: the run is reproducible, and a change
//! that breaks the retries fails it every time, not now and then.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use crate::console::{delete_and_see_it_marked_deleted, request_an_action};
use crate::create::{
    FLAVOR, SIMULATOR, by_id, click_xpath, follow_the_server_to_active_with_an_address,
    make_the_guides_choices, property, save_the_key_and_review_the_request,
};
use crate::support::{Console, DEFAULT_WAIT, Harness, HarnessOptions};

/// The seed of the simulator's ids and of which reads fail. With it, 6 reads fail on the way
/// to the review (one of them twice in a row, then succeeds on its third attempt) and about 18
/// in the whole guide, and no read of the form fails three times in a row. A read fails here
/// about 37 % of the time, so with some other seed one of the form's ~15 reads would fail
/// three times and rightly show its Retry: the seed is picked, and named, for that reason.
const FAULT_SEED: u64 = 13;

/// 30 % of reads answered 500 or 503, and 10 % of the others dropped mid-response.
fn flaky_cloud() -> HarnessOptions {
    let defaults = HarnessOptions::default();
    HarnessOptions {
        sim: defaults
            .sim
            .rng_seed(FAULT_SEED)
            .read_error_rate(0.3)
            .read_drop_rate(0.1),
        ..defaults
    }
}

/// The status cells of the API activity panel, newest first. It lists its rows only while
/// open: it is opened for the reading (without moving focus), then left as it was.
async fn activity_statuses(h: &Console) -> Vec<String> {
    let statuses = h
        .browser
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             const panel = document.querySelector('#activity-panel');\
             const was_open = panel.open;\
             panel.open = true;\
             requestAnimationFrame(() => setTimeout(() => {\
               const statuses = [...panel.querySelectorAll('tbody td[data-label=\"Status\"]')]\
                 .map((cell) => cell.textContent);\
               panel.open = was_open;\
               done(statuses);\
             }, 0));",
            Vec::new(),
        )
        .await
        .unwrap_or_else(|error| panic!("read the activity panel: {error}"));
    serde_json::from_value(statuses).expect("a list of texts")
}

/// The Retry buttons on the page (a list that gave up shows one).
async fn retry_buttons(h: &Console) -> usize {
    h.browser
        .find_all(Locator::XPath("//button[normalize-space()='Retry']"))
        .await
        .map_or(0, |buttons| buttons.len())
}

/// Creates a key pair in the form; the cloud generates it and its private key downloads.
async fn create_a_key_pair(h: &Console, key_name: &str) {
    click_xpath(h, "//summary[normalize-space()='Create a new key pair']").await;
    h.fill("#new-key-name", key_name).await;
    click_xpath(h, "//button[normalize-space()='Create key pair']").await;
    h.wait_for_text(&format!(
        "Private key of {key_name} downloaded as {key_name}.pem."
    ))
    .await;
    h.wait_until("the new key pair to be chosen", DEFAULT_WAIT, || async {
        property(h, "#key-pair", "value").await == key_name
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guide_completes_on_a_flaky_cloud_without_a_retry_click() {
    let h = Harness::start_with(flaky_cloud()).await;
    let simulator = h.sim.simulator();
    h.sign_in_demo().await;

    // Every list of the form loads: the failures were retried, none reached the page.
    make_the_guides_choices(&h, &SIMULATOR, "flaky-1", FLAVOR).await;
    create_a_key_pair(&h, "flaky-key").await;
    save_the_key_and_review_the_request(&h, &SIMULATOR, "flaky-key").await;
    assert_eq!(
        retry_buttons(&h).await,
        0,
        "no list of the form failed for good: {}",
        h.body_text().await
    );
    assert!(!h.body_text().await.contains("Could not load"));
    let faults_on_the_form = simulator.read_faults_injected();
    assert!(
        faults_on_the_form >= 3,
        "the cloud failed reads on the way ({faults_on_the_form})"
    );
    let statuses = activity_statuses(&h).await;
    assert!(
        statuses
            .iter()
            .any(|status| status.contains(", retrying in ") && status.contains("(attempt 2 of 3)")),
        "the activity panel shows the retries: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .any(|status| status.starts_with("200 (attempt ")),
        "and the attempts that then succeeded: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .any(|status| status.contains(", retrying in ") && status.ends_with("(attempt 3 of 3)")),
        "with this seed a read of the form fails twice, then succeeds: {statuses:?}"
    );
    eprintln!("flaky cloud: {faults_on_the_form} reads failed on the way to the review");

    // Create (a write, never retried: the simulator never fails one), then the details to
    // ACTIVE, stop, start and delete, each followed by polling through the faults.
    h.eval("window.__same_page = true; return true;").await;
    click_xpath(&h, "//button[normalize-space()='Create server']").await;
    h.wait_for_text("Admin password, shown only this once")
        .await;
    click_xpath(
        &h,
        "//button[normalize-space()='I have noted the admin password']",
    )
    .await;
    click_xpath(&h, "//button[normalize-space()='Continue to the server']").await;
    h.wait_for("#server-details").await;
    let url = h.browser.current_url().await.expect("current URL");
    let server_id = url.path().trim_start_matches("/servers/").to_owned();
    follow_the_server_to_active_with_an_address(&h).await;
    request_an_action(&h, "action-stop", "Stop", "SHUTOFF").await;
    request_an_action(&h, "action-start", "Start", "ACTIVE").await;
    delete_and_see_it_marked_deleted(&h).await;
    assert_eq!(
        simulator.server_actions(&server_id),
        ["os-stop", "os-start"],
        "each action was sent once"
    );
    assert!(
        simulator.read_faults_injected() > faults_on_the_form,
        "the details page met failed reads too"
    );
    eprintln!(
        "flaky cloud: {} reads failed in all",
        simulator.read_faults_injected()
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_that_fails_three_times_in_a_row_shows_its_error_and_retry() {
    let h = Harness::start().await;
    h.sign_in_demo().await;
    let simulator = h.sim.simulator();
    let flavors_path = format!("/compute/v2.1/{}/flavors/detail", simulator.project_id());
    let mut knobs = simulator.knobs();
    knobs.read_error_rate = 1.0;
    simulator.set_knobs(knobs.clone()).expect("valid knobs");
    let before = simulator.request_count(&flavors_path);

    h.open("/create").await;
    h.wait_for_text("Could not load flavors.").await;
    let flavor_section = "//fieldset[.//*[@id='flavor-label']]";
    wait_for_xpath(
        &h,
        &format!("{flavor_section}//button[normalize-space()='Retry']"),
    )
    .await;
    // Three attempts, the waits between them in the activity panel, then the error.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(simulator.request_count(&flavors_path) - before, 3);
    let statuses = activity_statuses(&h).await;
    for expected in ["(attempt 2 of 3)", "(attempt 3 of 3)"] {
        assert!(
            statuses
                .iter()
                .any(|status| status.contains(", retrying in ") && status.ends_with(expected)),
            "a line announces {expected}: {statuses:?}"
        );
    }
    assert!(
        statuses.iter().any(
            |status| (status.starts_with("500 (") || status.starts_with("503 ("))
                && status.ends_with("(attempt 3 of 3)")
        ),
        "the last attempt failed too, and is not retried: {statuses:?}"
    );

    // The cloud recovers; the user's Retry loads the list.
    knobs.read_error_rate = 0.0;
    simulator.set_knobs(knobs).expect("valid knobs");
    click_xpath(
        &h,
        &format!("{flavor_section}//button[normalize-space()='Retry']"),
    )
    .await;
    h.wait_for(&by_id(&format!("flavor-{FLAVOR}"))).await;
    assert_eq!(
        h.eval("return document.body.innerText.includes('Could not load flavors.');")
            .await,
        json!(false)
    );
    h.shutdown().await;
}

/// Waits until an element matching `xpath` exists (without clicking it).
async fn wait_for_xpath(h: &Console, xpath: &str) {
    h.browser
        .wait()
        .at_most(DEFAULT_WAIT)
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|error| panic!("nothing matches {xpath}: {error}"));
}
