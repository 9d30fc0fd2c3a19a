//! End to end in real headless Chromium: sign-in, the servers list and details, polling,
//! direct mode and the 401 round trip, against the gateway and the simulator on random ports.

use std::time::Duration;

use ecs_sim::DEMO;
use fantoccini::Locator;
use reqwest::Method;

use crate::support::{Console, Harness, HarnessOptions};

const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)>";

/// The text of the element matching `css`, once it is there.
async fn text_of(harness: &Console, css: &str) -> String {
    harness
        .wait_for(css)
        .await
        .text()
        .await
        .unwrap_or_else(|error| panic!("read the text of {css}: {error}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_lands_on_servers_and_sign_out_forgets_the_token() {
    let harness = Harness::start().await;
    harness.sign_in_demo().await;

    assert_eq!(
        harness.browser.current_url().await.expect("url").path(),
        "/servers"
    );
    harness
        .wait_for_text("No servers in this project yet")
        .await;
    let expiry = text_of(&harness, "#token-expiry").await;
    assert!(
        expiry.starts_with("token expires in"),
        "expiry shown as {expiry:?}"
    );

    let token = harness
        .browser_token()
        .await
        .expect("the session is in sessionStorage");
    let storage = harness.storage().await;
    assert!(
        !storage
            .local
            .iter()
            .any(|(_, value)| value.contains(&token)),
        "the token must never reach localStorage: {storage:?}"
    );
    let cookies = harness.eval("return document.cookie;").await;
    assert_eq!(cookies.as_str(), Some(""), "no cookies");
    assert!(
        !harness
            .browser
            .current_url()
            .await
            .expect("url")
            .as_str()
            .contains(&token)
    );

    harness.click("button.sign-out").await;
    harness.wait_for("#sign-in-password").await;
    let user_name = harness
        .eval("return document.getElementById('user-name').value;")
        .await;
    assert_eq!(
        user_name,
        serde_json::json!(""),
        "sign-out forgets what was typed"
    );
    let storage = harness.storage().await;
    assert!(
        !storage.contains(&token),
        "sign-out leaves no token behind: {storage:?}"
    );
    // Keystone revoked it: a copy of the token no longer works.
    let mut copy = harness.demo_client().await;
    copy.token = token;
    harness
        .wait_until(
            "the signed-out token to be refused",
            Duration::from_secs(10),
            || {
                let copy = copy.clone();
                async move {
                    copy.console_call(Method::GET, "flavors/detail", None)
                        .await
                        .status_code()
                        == 401
                }
            },
        )
        .await;
    // Signed out, a protected page sends the visitor to sign-in.
    harness.open("/servers").await;
    harness.wait_for("#sign-in-password").await;
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_server_name_is_shown_as_text() {
    let harness = Harness::start().await;
    let api = harness.demo_client().await;
    let server_id = api
        .create_any_server(HOSTILE_NAME, serde_json::json!({}))
        .await;
    harness.sign_in_demo().await;

    harness.wait_for_text(HOSTILE_NAME).await;
    let injected = harness
        .browser
        .find_all(Locator::Css("img"))
        .await
        .expect("query images");
    assert!(
        injected.is_empty(),
        "the name must not become an <img> element"
    );
    let link = harness.wait_for("a.server-link").await;
    assert_eq!(link.text().await.expect("link text"), HOSTILE_NAME);

    link.click().await.expect("open the details");
    harness.wait_for("#server-details").await;
    let title = harness.wait_for("#server-title").await;
    assert_eq!(title.text().await.expect("title"), HOSTILE_NAME);
    assert!(
        harness
            .browser
            .current_url()
            .await
            .expect("url")
            .path()
            .ends_with(&server_id),
        "details of the created server"
    );
    let alerts = harness.browser.get_alert_text().await;
    assert!(alerts.is_err(), "no alert() ran");
    harness.shutdown().await;
}

/// The wasm files the page has fetched so far (their paths), by the browser's resource timing.
async fn fetched_wasm(harness: &Console) -> Vec<String> {
    let script = "return performance.getEntriesByType('resource')\
         .map((entry) => new URL(entry.name).pathname).filter((path) => path.endsWith('.wasm'));";
    serde_json::from_value(harness.eval(script).await).expect("a list of paths")
}

/// The first page's download leaves the servers list and the details page out: the split build
/// (crates/wasm-chunks) puts their code in chunks that only their first visits fetch.
#[tokio::test(flavor = "multi_thread")]
async fn the_details_page_code_is_fetched_on_its_first_visit_only() {
    let harness = Harness::start().await;
    let api = harness.demo_client().await;
    let server_id = api.create_any_server("lazy", serde_json::json!({})).await;
    harness.sign_in_demo().await;
    harness.open("/create").await;
    harness.wait_for("#create-title").await;
    harness.wait_for("#zone option[value='az1.dc1']").await;
    let first_page = fetched_wasm(&harness).await;
    assert_eq!(
        first_page.len(),
        1,
        "the create form fetches the main module only: {first_page:?}"
    );
    let is_chunk = |path: &String| path != &first_page[0];

    harness.click("header a[href='/servers']").await;
    harness
        .click(&format!("a.server-link[href='/servers/{server_id}']"))
        .await;
    harness.wait_for("#server-status").await;
    let after_details = fetched_wasm(&harness).await;
    assert!(
        after_details.iter().any(is_chunk),
        "the details page fetched its chunk: {after_details:?}"
    );
    let chunks = after_details.len();
    // Back to the list and to the details again: the chunk is loaded already.
    harness.click("#server-details a[href='/servers']").await;
    harness
        .click(&format!("a.server-link[href='/servers/{server_id}']"))
        .await;
    harness.wait_for("#server-status").await;
    assert_eq!(
        fetched_wasm(&harness).await.len(),
        chunks,
        "no chunk is fetched twice"
    );
    harness.shutdown().await;
}

/// Clicks the expander whose summary reads `text`.
async fn toggle_expander(harness: &Console, text: &str) {
    let script = format!(
        "const summary = [...document.querySelectorAll('summary')]\
           .find((summary) => summary.textContent.trim() === {text:?});\
         summary.click(); return null;"
    );
    harness.eval(&script).await;
}

/// The create form's key pair forms are code of their own, fetched when one of their expanders
/// first opens; a form once built stays while its expander closes and opens again.
#[tokio::test(flavor = "multi_thread")]
async fn the_key_pair_forms_are_fetched_when_an_expander_first_opens() {
    let harness = Harness::start().await;
    harness.sign_in_demo().await;
    harness.open("/create").await;
    harness.wait_for("#zone option[value='az1.dc1']").await;
    let first_page = fetched_wasm(&harness).await;
    assert_eq!(first_page.len(), 1, "the main module only: {first_page:?}");
    let built = harness
        .eval("return document.getElementById('new-key-name') !== null;")
        .await;
    assert_eq!(built, false, "the create form is built before it is opened");

    toggle_expander(&harness, "Create a new key pair").await;
    harness.fill("#new-key-name", "kept-key").await;
    let with_forms = fetched_wasm(&harness).await;
    assert!(
        with_forms.len() > first_page.len(),
        "opening the expander fetched the forms' code: {with_forms:?}"
    );
    harness
        .eval("document.getElementById('new-key-name').dataset.marked = 'yes'; return null;")
        .await;
    // Closed and opened again: the same form, as typed, and nothing fetched again.
    toggle_expander(&harness, "Create a new key pair").await;
    toggle_expander(&harness, "Create a new key pair").await;
    let marked = harness
        .eval("const input = document.getElementById('new-key-name'); return [input.dataset.marked, input.value];")
        .await;
    assert_eq!(marked, serde_json::json!(["yes", "kept-key"]));
    // The import form's code came with the create form's.
    toggle_expander(&harness, "Import a public key").await;
    harness.wait_for("#import-key-name").await;
    assert_eq!(fetched_wasm(&harness).await.len(), with_forms.len());
    harness.shutdown().await;
}

/// When the key pair forms' code cannot be fetched (offline, or an updated console), the
/// expander says so instead of loading forever, the rest of the page goes on, and "Try again"
/// fetches it once the network is back.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_pair_form_whose_code_cannot_be_fetched_says_so_and_tries_again() {
    let harness = Harness::start().await;
    harness.sign_in_demo().await;
    harness.open("/create").await;
    harness.wait_for("#zone option[value='az1.dc1']").await;
    harness.block_requests(&["*split_key_pair_form*"]).await;
    toggle_expander(&harness, "Create a new key pair").await;
    harness.wait_for_text("The form could not be fetched").await;
    assert!(!harness.body_text().await.contains("Loading the form…"));
    // The app still runs: the rest of the form answers.
    harness.fill("#server-name", "still-here").await;
    harness.block_requests(&[]).await;
    harness
        .eval(
            "[...document.querySelectorAll('button')]\
               .find((button) => button.textContent.trim() === 'Try again').click(); return null;",
        )
        .await;
    harness.fill("#new-key-name", "after-retry").await;
    assert!(!harness.body_text().await.contains("could not be fetched"));
    harness.shutdown().await;
}

/// A new server (created through the API), the demo user signed in and its details open.
/// Returns the harness, the server id and the server's path as the simulator counts it.
async fn details_of_a_new_server(name: &str) -> (Harness, String, String) {
    let harness = Harness::start().await;
    let api = harness.demo_client().await;
    let server_id = api.create_any_server(name, serde_json::json!({})).await;
    let project = harness.sim.simulator().project_id();
    let server_path = format!("/compute/v2.1/{project}/servers/{server_id}");
    harness.sign_in_demo().await;
    harness.open(&format!("/servers/{server_id}")).await;
    harness.wait_for("#server-status").await;
    (harness, server_id, server_path)
}

#[tokio::test(flavor = "multi_thread")]
async fn details_follow_the_build_and_polling_pauses_while_the_tab_is_hidden() {
    let (harness, server_id, server_path) = details_of_a_new_server("web-poll").await;
    harness
        .eval(
            "window.__visibility = []; document.addEventListener('visibilitychange', \
             () => window.__visibility.push(document.visibilityState));",
        )
        .await;

    // Hide the console's tab behind another one.
    let console_tab = harness.browser.window().await.expect("current tab");
    let other_tab = harness.browser.new_window(true).await.expect("open a tab");
    harness
        .browser
        .switch_to_window(other_tab.handle.clone())
        .await
        .expect("switch tabs");
    harness
        .browser
        .goto("about:blank")
        .await
        .expect("blank tab");
    // A request already in flight when the tab was hidden may still land.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let while_hidden = harness.sim.simulator().request_count(&server_path);
    // The server is building: a visible tab would poll every 2 s, i.e. about 3 times here.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(
        harness.sim.simulator().request_count(&server_path),
        while_hidden,
        "no polling while the tab is hidden"
    );

    harness
        .browser
        .close_window()
        .await
        .expect("close the other tab");
    harness
        .browser
        .switch_to_window(console_tab)
        .await
        .expect("back to the console");
    let seen = harness.eval("return window.__visibility;").await;
    assert!(
        seen.as_array()
            .is_some_and(|states| states.iter().any(|state| state == "hidden")),
        "the tab really was hidden: {seen}"
    );
    // Shown again: the page refreshes at once, not after its interval.
    harness
        .wait_until(
            "a refresh right after the tab is shown",
            Duration::from_secs(2),
            || async { harness.sim.simulator().request_count(&server_path) > while_hidden },
        )
        .await;

    // Without a reload the view follows BUILD to ACTIVE and shows the new address.
    harness
        .wait_for_text_within("ACTIVE", Duration::from_secs(30))
        .await;
    harness.wait_for("#addresses").await;
    // Flavor and image are resolved to names (images at microversion 2.35, as strict Nova needs).
    let flavor = text_of(&harness, "#server-flavor").await;
    assert!(flavor.contains("vCPU"), "flavor resolved: {flavor}");
    let api = harness.demo_client().await;
    let server = api
        .console_call(Method::GET, &format!("servers/{server_id}"), None)
        .await
        .body;
    let shown_image = match server["server"]["image"]["id"].as_str() {
        Some(image_id) => {
            let image = api
                .console_call(Method::GET, &format!("images/{image_id}"), None)
                .await
                .body;
            image["image"]["name"]
                .as_str()
                .expect("image name")
                .to_owned()
        }
        None => "boot from volume".to_owned(),
    };
    harness
        .wait_for_element_text("#server-image", &shown_image, Duration::from_secs(5))
        .await;
    // Times read as a UTC time and an age; the API's own text stays in the <time> element.
    let created = server["server"]["created"].as_str().expect("created");
    let (date, rest) = created.split_once('T').expect("an ISO 8601 time");
    let readable = format!("{date} {} UTC", &rest[..8]);
    let shown = harness
        .eval(&format!(
            "const time = document.querySelector(\"time[datetime='{created}']\");\
             return time.textContent + time.nextElementSibling.textContent;"
        ))
        .await;
    let shown = shown.as_str().unwrap_or_default();
    assert!(
        shown.starts_with(&format!("{readable} (")) && shown.ends_with(" ago)"),
        "created shown as {shown:?}, expected {readable:?} and its age"
    );

    // On a phone-sized window every address (with its MAC) shows without scrolling sideways.
    harness
        .browser
        .set_window_size(360, 800)
        .await
        .expect("resize the window");
    harness
        .assert_no_sideways_scrolling(
            "document.getElementById('addresses').closest('.table-wrap')",
            "the addresses table",
            360,
        )
        .await;
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_still_in_flight_is_cancelled_when_its_page_goes() {
    let defaults = HarnessOptions::default();
    let harness = Harness::start_with(HarnessOptions {
        sim: defaults.sim.latency(Duration::from_millis(3500)),
        ..defaults
    })
    .await;
    harness.sign_in_demo().await;
    // The servers list is still loading (3.5 s per request): leave for the create form.
    harness.click("header a[href='/create']").await;
    harness.wait_for("#create-title").await;
    // A slow cloud does not look like a stuck page: the lists say how long they have waited.
    harness
        .wait_for_text("still waiting for the cloud: 3 s")
        .await;
    harness.click("#activity-panel summary").await;
    harness
        .wait_until(
            "the servers list request to be cancelled",
            Duration::from_secs(10),
            || async {
                harness
                    .eval(
                        "return [...document.querySelectorAll('#activity-panel tr')]\
                           .some((row) => row.textContent.includes('/servers/detail')\
                             && row.textContent.includes('cancelled (page left)'));",
                    )
                    .await
                    == serde_json::json!(true)
            },
        )
        .await;
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn long_names_and_metadata_wrap_on_the_details_page() {
    let harness = Harness::start().await;
    let api = harness.demo_client().await;
    // As long as Nova allows: a 241-character name, a 200-character key, a 255-character value.
    let name = format!("{}-{}", "x".repeat(120), "y".repeat(120));
    let mut metadata = serde_json::json!({ "owner": "e2e" });
    metadata["k".repeat(200).as_str()] = "v".repeat(255).into();
    let server_id = api.create_any_server(&name, metadata).await;
    harness.sign_in_demo().await;
    harness.open(&format!("/servers/{server_id}")).await;
    harness.wait_for_text("owner").await;
    for width in [1280_u32, 360] {
        harness
            .browser
            .set_window_size(width, 800)
            .await
            .expect("resize the window");
        harness
            .assert_no_sideways_scrolling(
                "document.documentElement",
                &format!("the details page at {width} px"),
                u64::from(width),
            )
            .await;
    }
    // The metadata value keeps a readable width: it is not squeezed into a sliver.
    let value_width = harness
        .eval(
            "const values = [...document.querySelectorAll('dl[aria-labelledby=\"metadata-title\"] dd')];\
             return Math.min(...values.map((dd) => dd.getBoundingClientRect().width));",
        )
        .await;
    assert!(
        value_width.as_f64().is_some_and(|width| width >= 100.0),
        "metadata values are {value_width} px wide"
    );
    harness.shutdown().await;
}

/// Presses Escape in the focused element.
async fn press_escape(harness: &Console) {
    press(harness, fantoccini::key::Key::Escape).await;
}

/// Presses `key` in the focused element.
async fn press(harness: &Console, key: fantoccini::key::Key) {
    harness
        .browser
        .active_element()
        .await
        .expect("a focused element")
        .send_keys(&key.to_string())
        .await
        .unwrap_or_else(|error| panic!("press {key:?}: {error}"));
}

/// Waits until nothing matches `css` any more.
async fn wait_for_absence(harness: &Console, css: &str) {
    let what = format!("`{css}` to go away");
    harness
        .wait_until(&what, Duration::from_secs(5), || async {
            harness.browser.find(Locator::Css(css)).await.is_err()
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn actions_follow_the_server_and_a_deleted_server_stops_polling() {
    let (harness, server_id, server_path) = details_of_a_new_server("web-actions").await;

    harness
        .wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(30))
        .await;
    // Nova's progress 0 on an ACTIVE server means nothing; empty values read "—", never "None".
    assert_eq!(text_of(&harness, "#server-progress").await, "—");
    assert_eq!(text_of(&harness, "#server-power").await, "Running");
    let details = text_of(&harness, "#server-details").await;
    assert!(
        !details.lines().any(|line| line == "None") && !details.contains("NOSTATE"),
        "raw or inconsistent empty values:\n{details}"
    );

    // A hard reboot cuts the guest's power: it is confirmed first, starting on Cancel.
    harness.click("#action-reboot-hard").await;
    let question = text_of(&harness, "[role='alertdialog'] #confirm-reboot-hard-text").await;
    assert!(question.contains("web-actions"), "{question}");
    harness.wait_for_focus("cancel-reboot-hard").await;
    // Tab goes round the confirmation's two buttons, never out of it.
    press(&harness, fantoccini::key::Key::Tab).await;
    harness.wait_for_focus("confirm-reboot-hard").await;
    press(&harness, fantoccini::key::Key::Tab).await;
    harness.wait_for_focus("cancel-reboot-hard").await;
    press_escape(&harness).await;
    wait_for_absence(&harness, "#confirm-reboot-hard-text").await;
    harness.wait_for_focus("action-reboot-hard").await;
    // The boot log is read with a POST to the same path, so actions are counted, not requests.
    let actions = || harness.sim.simulator().server_actions(&server_id);
    assert_eq!(
        actions(),
        Vec::<String>::new(),
        "a cancelled hard reboot sends nothing"
    );
    harness.click("#action-reboot-hard").await;
    harness.click("#confirm-reboot-hard").await;
    harness.wait_for_focus("action-status").await;
    harness
        .wait_for_element_text("#server-status", "HARD_REBOOT", Duration::from_secs(10))
        .await;
    assert_eq!(actions(), ["reboot"]);
    harness
        .wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(30))
        .await;

    request_an_action(&harness, "action-stop", "Stop", "SHUTOFF").await;

    // The delete confirmation: focus on Cancel, Escape and Cancel both return to "Delete…".
    harness.click("#action-delete").await;
    harness.wait_for_focus("cancel-delete").await;
    press_escape(&harness).await;
    wait_for_absence(&harness, "#confirm-delete-text").await;
    harness.wait_for_focus("action-delete").await;
    harness.click("#action-delete").await;
    harness.click("#cancel-delete").await;
    wait_for_absence(&harness, "#confirm-delete-text").await;
    harness.wait_for_focus("action-delete").await;

    let refreshed = delete_and_see_it_marked_deleted(&harness).await;

    let after_gone = harness.sim.simulator().request_count(&server_path);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        harness.sim.simulator().request_count(&server_path),
        after_gone,
        "polling stops once the server is gone"
    );
    assert_eq!(
        text_of(&harness, "#updated-ago").await,
        refreshed,
        "the refresh time no longer counts up"
    );
    harness.shutdown().await;
}

/// Presses an action's button, confirming it where the page asks first (stop and soft reboot):
/// the keyboard lands on its outcome, not on the page body, the status follows the server until
/// it reads `settles_at`, and the line then says the action is done instead of "requested".
pub(crate) async fn request_an_action(
    harness: &Console,
    button_id: &str,
    action: &str,
    settles_at: &str,
) {
    harness.click(&format!("#{button_id}")).await;
    let confirm = match button_id {
        "action-stop" => Some("#confirm-stop"),
        "action-reboot-soft" => Some("#confirm-reboot-soft"),
        _ => None,
    };
    if let Some(confirm) = confirm {
        harness.click(confirm).await;
    }
    harness.wait_for_focus("action-status").await;
    harness
        .wait_for_element_text("#server-status", settles_at, Duration::from_secs(30))
        .await;
    harness
        .wait_for_element_text(
            "#action-status",
            &format!("{action} done: the server is {settles_at}."),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(harness.focused_id().await, "action-status");
}

/// Deletes the server on the details page (created with `delete_on_termination`), confirmed
/// first, and sees the page mark it deleted. Returns the "refreshing stopped" line.
pub(crate) async fn delete_and_see_it_marked_deleted(harness: &Console) -> String {
    harness.click("#action-delete").await;
    // The volume was created with delete_on_termination: the confirmation says so plainly.
    let question = text_of(harness, "[role='alertdialog'] #confirm-delete-text").await;
    assert!(
        question.contains(" is deleted with it.") && !question.contains("when it was created"),
        "{question}"
    );
    harness.click("#confirm-delete").await;
    harness.wait_for_focus("action-status").await;
    harness
        .wait_for_within("#server-gone", Duration::from_secs(30))
        .await;
    // The actions went away with the server: focus moves to the notice, and what was live is
    // left out or titled as the last known details.
    harness.wait_for_focus("server-gone").await;
    wait_for_absence(harness, "#server-status").await;
    assert!(
        harness
            .browser
            .find(Locator::Css("#action-delete"))
            .await
            .is_err()
    );
    assert_eq!(
        text_of(harness, "#overview-title").await,
        "Last known details"
    );
    let refreshed = text_of(harness, "#updated-ago").await;
    assert!(
        refreshed.starts_with("refreshing stopped; last refreshed at ")
            && refreshed.ends_with(" UTC"),
        "{refreshed}"
    );
    refreshed
}

/// On the token tab of the sign-in page: a token Keystone does not know is refused, and
/// `token` signs in, with its expiry shown.
pub(crate) async fn a_pasted_token_signs_in(harness: &Console, token: &str) {
    // A token Keystone does not know is refused there, before any compute call.
    harness.fill("#token", "not-a-token").await;
    harness.click("#sign-in-token button[type='submit']").await;
    harness.wait_for_text("Sign-in failed").await;
    harness
        .wait_for_text("paste a current token, or sign in with a password")
        .await;
    assert!(harness.browser_token().await.is_none());

    // A real token: Keystone gives its expiry, project and compute endpoint (fields left empty).
    harness.fill("#token", token).await;
    harness.click("#sign-in-token button[type='submit']").await;
    harness.wait_for("#servers-page").await;
    let expiry = text_of(harness, "#token-expiry").await;
    assert!(
        expiry.starts_with("token expires in"),
        "a pasted token's expiry is shown too: {expiry:?}"
    );
    assert_eq!(harness.browser_token().await.as_deref(), Some(token));
}

#[tokio::test(flavor = "multi_thread")]
async fn direct_mode_talks_to_the_cloud_on_another_origin() {
    let harness = Harness::start_with(HarnessOptions {
        direct: true,
        ..HarnessOptions::default()
    })
    .await;
    let api = harness.demo_client().await;
    api.create_any_server("web-direct", serde_json::json!({}))
        .await;
    let identity = format!("{}/identity/v3", harness.sim.base_url());

    harness.open("/sign-in").await;
    harness
        .sign_in_demo_with_mode("direct", Some(&identity))
        .await;
    harness.wait_for_text("web-direct").await;
    let summary = text_of(&harness, "#session-summary").await;
    assert!(
        summary.contains("(direct)"),
        "signed in directly: {summary}"
    );

    // The browser's calls reach the simulator straight from the page's origin...
    let project = harness.sim.simulator().project_id();
    let servers_list = format!("/compute/v2.1/{project}/servers/detail");
    assert!(harness.sim.simulator().request_count(&servers_list) >= 1);
    // ...and the session's compute endpoint is the simulator's own URL, not the proxy.
    let stored = harness
        .eval("return window.sessionStorage.getItem('ecs-console.session');")
        .await;
    let session: serde_json::Value =
        serde_json::from_str(stored.as_str().expect("a stored session")).expect("session JSON");
    let endpoint = session["compute_endpoint"]
        .as_str()
        .expect("compute endpoint");
    assert!(
        endpoint.starts_with(&harness.sim.base_url()),
        "direct endpoint {endpoint}"
    );

    // A pasted token signs in directly too (Keystone checks it with X-Subject-Token, a header
    // the cloud's CORS must allow).
    harness.click("button.sign-out").await;
    harness.wait_for("#sign-in-password").await;
    harness.click("#tab-token").await;
    harness
        .click("input[name='connection-mode'][value='direct']")
        .await;
    harness.fill("#token-identity-endpoint", &identity).await;
    harness.fill("#token", &api.token).await;
    harness.click("#sign-in-token button[type='submit']").await;
    harness.wait_for("#servers-page").await;
    let summary = text_of(&harness, "#session-summary").await;
    assert!(
        summary.contains("(direct)"),
        "signed in directly with a token: {summary}"
    );
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_401_sends_the_user_to_sign_in_and_back() {
    let (harness, server_id, _) = details_of_a_new_server("web-401").await;
    let details = format!("/servers/{server_id}");
    let api = harness.demo_client().await;

    let token = harness.browser_token().await.expect("signed in");
    api.revoke(&token).await;
    // The next refresh (2 s while building) gets 401.
    harness
        .wait_for_within("#sign-in-password", Duration::from_secs(20))
        .await;
    harness.wait_for_text("Your session has ended").await;
    assert!(
        harness.browser_token().await.is_none(),
        "the refused token is forgotten"
    );
    // The live region says why too (it held "Signed in").
    harness
        .wait_until(
            "the live region to say why",
            Duration::from_secs(5),
            || async {
                harness
                    .eval("return document.getElementById('live-region').textContent;")
                    .await
                    .as_str()
                    .is_some_and(|text| text.starts_with("Your session has ended"))
            },
        )
        .await;

    harness.submit_demo_sign_in("proxy", None).await;
    harness
        .wait_until(
            "the details page again",
            Duration::from_secs(10),
            || async {
                harness
                    .browser
                    .current_url()
                    .await
                    .is_ok_and(|url| url.path() == details)
            },
        )
        .await;
    harness.wait_for("#server-status").await;
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_password_shows_keystones_message_and_keeps_the_form() {
    let harness = Harness::start().await;
    harness.open("/sign-in").await;
    // Empty fields are all named at once, marked invalid, and the first one takes the focus.
    harness.fill("#user-name", DEMO.user).await;
    harness
        .click("#sign-in-password button[type='submit']")
        .await;
    harness
        .wait_for_text(
            "Enter the user domain (often \"Default\"). Enter the password. Enter the project name or id.",
        )
        .await;
    let marked = harness
        .eval(
            "return [...document.querySelectorAll('#sign-in-password [aria-invalid=true]')].map((input) => input.id);",
        )
        .await;
    assert_eq!(
        marked,
        serde_json::json!(["user-domain", "password", "project"])
    );
    assert_eq!(harness.focused_id().await, "user-domain");
    harness.fill("#user-domain", DEMO.domain).await;
    let marked = harness
        .eval("return document.getElementById('user-domain').getAttribute('aria-invalid');")
        .await;
    assert_eq!(marked, serde_json::Value::Null, "typing clears the mark");
    harness.fill("#password", "not-the-password").await;
    harness.fill("#project", DEMO.project).await;
    harness
        .click("#sign-in-password button[type='submit']")
        .await;

    harness.wait_for_text("Sign-in failed").await;
    harness
        .wait_for_text("The request you have made requires authentication.")
        .await;
    harness.wait_for_text("HTTP 401").await;
    let user = harness.wait_for("#user-name").await;
    assert_eq!(
        user.prop("value").await.expect("value").as_deref(),
        Some(DEMO.user),
        "the form keeps what was typed"
    );
    assert!(harness.browser_token().await.is_none());
    harness
        .wait_until(
            "the refusal to take the focus",
            Duration::from_secs(5),
            || async { harness.focused_id().await == "sign-in-error" },
        )
        .await;

    // An endpoint that is no URL is caught before sending, and replaces the last refusal.
    harness.fill("#identity-endpoint", "not a url").await;
    harness
        .click("#sign-in-password button[type='submit']")
        .await;
    harness.wait_for_text("Check the identity endpoint: ").await;
    assert!(!harness.body_text().await.contains("Sign-in failed"));

    // Through the gateway, the password never goes from the browser to another host.
    let requests_before = harness
        .sim
        .simulator()
        .request_count("/identity/v3/auth/tokens");
    harness
        .fill("#identity-endpoint", "https://iam.example.com/v3")
        .await;
    harness
        .click("#sign-in-password button[type='submit']")
        .await;
    harness
        .wait_for_text("choose \"Direct to the cloud\"")
        .await;
    assert_eq!(
        harness
            .sim
            .simulator()
            .request_count("/identity/v3/auth/tokens"),
        requests_before,
        "nothing was sent"
    );
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_refresh_shows_the_api_error_and_refresh_now_recovers() {
    let defaults = HarnessOptions::default();
    let harness = Harness::start_with(HarnessOptions {
        sim: defaults.sim.failing_path("/servers/detail"),
        ..defaults
    })
    .await;
    harness.sign_in_demo().await;
    harness.wait_for_text("Refreshing the servers failed").await;
    harness.wait_for_text("HTTP 500 (computeFault)").await;
    harness.wait_for_text("Unexpected API Error").await;

    let simulator = harness.sim.simulator();
    let project = simulator.project_id();
    let list_path = format!("/compute/v2.1/{project}/servers/detail");
    let mut knobs = simulator.knobs();
    knobs.failing_path = None;
    simulator.set_knobs(knobs).expect("valid knobs");
    let before = simulator.request_count(&list_path);
    harness.click("#refresh-now").await;
    harness
        .wait_until("the manual refresh", Duration::from_secs(5), || async {
            simulator.request_count(&list_path) > before
        })
        .await;
    harness
        .wait_for_text("No servers in this project yet")
        .await;
    assert!(
        !harness
            .body_text()
            .await
            .contains("Refreshing the servers failed"),
        "a successful refresh clears the error"
    );
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pasted_token_signs_in_with_its_expiry_and_focus_follows_the_keyboard() {
    let harness = Harness::start().await;
    let api = harness.demo_client().await;
    harness.open("/sign-in").await;
    harness.wait_for("#sign-in-password").await;

    // ARIA tabs: the arrow keys move between the sign-in methods, and focus follows.
    harness
        .wait_for("#tab-password")
        .await
        .send_keys(&fantoccini::key::Key::Right.to_string())
        .await
        .expect("press the right arrow on the Password tab");
    harness.wait_for("#sign-in-token").await;
    assert_eq!(
        harness
            .eval("return [document.activeElement.id, document.querySelector('#tab-token').getAttribute('aria-selected'), document.querySelector('#tab-password').tabIndex];")
            .await,
        serde_json::json!(["tab-token", "true", -1]),
        "the Existing token tab is chosen and focused; the other tab leaves the Tab order"
    );

    // An empty token is caught before sending: marked and focused.
    harness.click("#sign-in-token button[type='submit']").await;
    harness
        .wait_until("the empty token to be marked", Duration::from_secs(5), || async {
            harness
                .eval("const t = document.getElementById('token'); return [document.activeElement.id, t.getAttribute('aria-invalid')];")
                .await
                == serde_json::json!(["token", "true"])
        })
        .await;

    a_pasted_token_signs_in(&harness, &api.token).await;

    // After each route change, focus lands on the new page's main heading: the servers list
    // after sign-in, then the form after following the link.
    for (link, heading) in [
        (None, "servers-title"),
        (Some("header a[href='/create']"), "create-title"),
    ] {
        if let Some(link) = link {
            harness.click(link).await;
        }
        harness
            .wait_until(heading, Duration::from_secs(5), || async {
                harness.focused_id().await == heading
            })
            .await;
    }
    harness.shutdown().await;
}

/// Until the user picks a theme the page follows the system's colour scheme, and so does the
/// toggle's label; once picked, the choice stays.
#[tokio::test(flavor = "multi_thread")]
async fn the_theme_follows_the_system_until_the_user_picks_one() {
    let harness = Harness::start().await;
    harness.emulate_color_scheme("light").await;
    harness.open("/sign-in").await;
    harness
        .wait_for_element_text("button.theme-toggle", "Dark theme", Duration::from_secs(5))
        .await;
    harness.emulate_color_scheme("dark").await;
    harness
        .wait_for_element_text("button.theme-toggle", "Light theme", Duration::from_secs(5))
        .await;
    harness.click("button.theme-toggle").await;
    harness
        .wait_for_element_text("button.theme-toggle", "Dark theme", Duration::from_secs(5))
        .await;
    // The user's choice (light) outlasts a later system change.
    harness.emulate_color_scheme("dark").await;
    harness.emulate_color_scheme("light").await;
    harness.emulate_color_scheme("dark").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(text_of(&harness, "button.theme-toggle").await, "Dark theme");
    let theme = harness
        .eval("return document.documentElement.dataset.theme;")
        .await;
    assert_eq!(theme, serde_json::json!("light"));
    harness.shutdown().await;
}
