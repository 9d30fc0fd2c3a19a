//! End to end in headless Chromium: what a new user tripped on (issue 12). The quota on the
//! create page follows creates and refusals; a click anywhere in a flavor or image row chooses
//! it; a choice the filter hides is named; counts agree with their nouns; the page says it is
//! loading before the app runs and asks for no favicon; a details page tells a server that never
//! existed from one that was deleted; "Create another server" asks in the page and starts again
//! at a count of 1; at 360 px the image and flavor tables grow with the page.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ecs_sim::{Quota, VolumeQuota};
use fantoccini::Locator;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::create::{
    FLAVOR, IMAGE, SIMULATOR, by_id, click_xpath, create_through_the_api, is_checked,
    make_the_guides_choices, text_of,
};
use crate::support::{Console, DEFAULT_WAIT, Harness, HarnessOptions};

const WINDOWS_IMAGE: &str = "Windows Server 2019 Datacenter 64bit";
/// 1 vCPU, 1 GB: too small for the Windows image.
const SMALL_FLAVOR: &str = SIMULATOR.small_flavor;
/// 1 vCPU, 2 GB.
const ONE_VCPU_FLAVOR: &str = "s6.medium.2";

/// Clicks with the mouse in the middle of a row's `column`-th cell (1-based), away from its
/// radio and label. A pointer action, as a user's click: WebDriver's element click refuses a
/// cell that the row's label covers.
async fn click_cell(h: &Console, radio_id: &str, column: usize) {
    let cell = h
        .browser
        .wait()
        .at_most(DEFAULT_WAIT)
        .for_element(Locator::XPath(&format!(
            "//tr[.//input[@id='{radio_id}']]/td[{column}]"
        )))
        .await
        .unwrap_or_else(|error| panic!("no cell {column} in the row of #{radio_id}: {error}"));
    h.browser
        .execute(
            "arguments[0].scrollIntoView({block: 'center'}); return null;",
            vec![serde_json::to_value(&cell).expect("the cell as a script argument")],
        )
        .await
        .expect("scroll the cell into view");
    let click = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveToElement {
            element: cell,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    h.browser
        .perform_actions(click)
        .await
        .unwrap_or_else(|error| panic!("click cell {column} of #{radio_id}'s row: {error}"));
}

async fn wait_for_quota(h: &Console, expected: &str) {
    h.wait_for_element_text("#quota-left", expected, DEFAULT_WAIT)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_quota_on_the_form_follows_creates_and_refusals() {
    let h = Harness::start_with(HarnessOptions {
        sim: HarnessOptions::default().sim.quota(Quota {
            instances: 4,
            cores: 6,
            ..Quota::default()
        }),
        direct: false,
    })
    .await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;
    make_the_guides_choices(&h, &SIMULATOR, "quota-1", FLAVOR).await;
    wait_for_quota(
        &h,
        "Your quota allows 4 more servers, 6 more vCPUs and 50 GB more RAM.",
    )
    .await;

    // A server created here counts at once.
    click_xpath(&h, "//button[normalize-space()='Create server']").await;
    h.wait_for_text("The server is being created").await;
    wait_for_quota(
        &h,
        "Your quota allows 3 more servers, 4 more vCPUs and 46 GB more RAM.",
    )
    .await;

    // "Create another server" asks again: another tool created a server meanwhile.
    create_through_the_api(&api, "elsewhere-1", FLAVOR).await;
    click_xpath(
        &h,
        "//button[normalize-space()='I have noted the admin password']",
    )
    .await;
    click_xpath(&h, "//button[normalize-space()='Create another server']").await;
    wait_for_quota(
        &h,
        "Your quota allows 2 more servers, 2 more vCPUs and 42 GB more RAM.",
    )
    .await;

    // The cloud refuses over the quota the page did not know was used: the page asks again,
    // and the flavor table says why the chosen flavor no longer fits.
    create_through_the_api(&api, "elsewhere-2", SMALL_FLAVOR).await;
    h.fill("#server-name", "quota-2").await;
    click_xpath(&h, "//button[normalize-space()='Create server']").await;
    h.wait_for_text("Quota exceeded for cores").await;
    wait_for_quota(
        &h,
        "Your quota allows 1 more server, 1 more vCPU and 41 GB more RAM.",
    )
    .await;
    h.wait_for(&format!("{}[disabled]", by_id(&format!("flavor-{FLAVOR}"))))
        .await;
    h.wait_for_text("This flavor needs 2 vCPUs; your quota allows 1 more.")
        .await;

    h.shutdown().await;
}

/// Clicks "I have noted the admin password" when the outcome shows one.
async fn note_the_admin_password(h: &Console) {
    h.wait_for_text("being created").await;
    let noted = "//button[normalize-space()='I have noted the admin password']";
    if h.browser.find(Locator::XPath(noted)).await.is_ok() {
        click_xpath(h, noted).await;
    }
}

/// The text of the review (its summary, or the problems to fix).
async fn review_text(h: &Console) -> String {
    let review = h
        .eval(
            "const legend = [...document.querySelectorAll('legend')].find((l) => l.textContent === 'Review');\
             return legend.closest('fieldset').innerText;",
        )
        .await;
    review.as_str().expect("the review's text").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn after_creating_servers_the_form_offers_another_without_stale_advice() {
    let h = Harness::start_with(HarnessOptions {
        sim: HarnessOptions::default().sim.quota(Quota {
            instances: 5,
            ..Quota::default()
        }),
        direct: false,
    })
    .await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;
    make_the_guides_choices(&h, &SIMULATOR, "web", FLAVOR).await;
    h.fill("#server-count", "3").await;
    h.wait_for_text("\"max_count\": 3").await;

    // Three servers at once: the quota line counts them, and the review keeps showing what was
    // created rather than advising against the count just used.
    click_xpath(&h, "//button[normalize-space()='Create server']").await;
    h.wait_for_text("3 servers are being created").await;
    h.wait_until(
        "the quota to count the new servers",
        DEFAULT_WAIT,
        || async {
            text_of(&h, "#quota-left")
                .await
                .starts_with("Your quota allows 2 more servers,")
        },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let review = review_text(&h).await;
    assert!(!review.contains("create at most"), "{review}");
    assert!(!review.contains("to fix before"), "{review}");
    assert!(review.contains("\"max_count\": 3"), "{review}");
    assert!(
        !h.body_text().await.contains("create at most"),
        "no stale advice anywhere on the page"
    );

    // "Create another server" keeps the choices, moves the name on past the batch's names and
    // hands it to the keyboard, selected; the count goes back to 1 (the suggested name is one
    // server's), said so, and a count typed again is checked against the quota left.
    note_the_admin_password(&h).await;
    click_xpath(&h, "//button[normalize-space()='Create another server']").await;
    h.wait_until("a new name is suggested", DEFAULT_WAIT, || async {
        crate::create::property(&h, "#server-name", "value").await == "web-4"
    })
    .await;
    h.wait_for_focus("server-name").await;
    let selected = h
        .eval("const input = document.activeElement; return input.value.substring(input.selectionStart, input.selectionEnd);")
        .await;
    assert_eq!(selected, json!("web-4"), "the suggestion is selected");
    assert!(is_checked(&h, &by_id(&format!("flavor-{FLAVOR}"))).await);
    assert_eq!(
        crate::create::property(&h, "#server-count", "value").await,
        "1",
        "the count is back to 1 with the new name"
    );
    h.wait_until("the count's reset to be said", DEFAULT_WAIT, || async {
        h.eval("return document.getElementById('live-region').textContent;")
            .await
            .as_str()
            .is_some_and(|said| said.contains("the count is back to 1"))
    })
    .await;
    h.fill("#server-count", "3").await;
    h.wait_for_text("Your quota allows 2 more servers; create at most 2.")
        .await;

    // One more: its name moves on by one. Its admin password is not noted: "Create another
    // server" asks in the page (no browser dialog); Cancel keeps the password on screen and
    // gives focus back, confirming goes on.
    h.fill("#server-count", "1").await;
    click_xpath(&h, "//button[normalize-space()='Create server']").await;
    h.wait_for_text("being created").await;
    h.wait_for_text("Admin password, shown only this once")
        .await;
    assert_eq!(crate::create::servers_named(&api, "web-4").await, 1);
    click_xpath(&h, "//button[normalize-space()='Create another server']").await;
    h.wait_for("#create-another-dialog[open]").await;
    assert!(
        h.browser.get_alert_text().await.is_err(),
        "no browser dialog asks"
    );
    h.wait_for_focus("create-another-dialog-cancel").await;
    assert!(
        text_of(&h, "#create-another-dialog")
            .await
            .contains("cannot be shown again"),
        "the question says what would be lost"
    );
    h.click("#create-another-dialog-cancel").await;
    h.wait_for_focus("create-another").await;
    assert!(
        h.body_text()
            .await
            .contains("Admin password, shown only this once"),
        "cancelled: the password stays"
    );
    assert_eq!(
        crate::create::property(&h, "#server-name", "value").await,
        "web-4"
    );
    click_xpath(&h, "//button[normalize-space()='Create another server']").await;
    h.wait_for("#create-another-dialog[open]").await;
    h.click("#create-another-dialog-confirm").await;
    h.wait_until("the next name", DEFAULT_WAIT, || async {
        crate::create::property(&h, "#server-name", "value").await == "web-5"
    })
    .await;
    assert!(
        !h.body_text()
            .await
            .contains("Admin password, shown only this once"),
        "confirmed: the outcome is gone"
    );

    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_volume_quota_and_the_volume_types_block_create() {
    let h = Harness::start_with(HarnessOptions {
        sim: HarnessOptions::default().sim.volume_quota(VolumeQuota {
            volumes: 10,
            gigabytes: 100,
            per_volume_gigabytes: 500,
        }),
        direct: false,
    })
    .await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;
    make_the_guides_choices(&h, &SIMULATOR, "vol-1", FLAVOR).await;
    let create = "//button[normalize-space()='Create server']";

    // Two 40 GB system disks fit the 100 GB left; three do not, and the totals are said.
    h.fill("#server-count", "2").await;
    h.wait_for_text("\"max_count\": 2").await;
    h.fill("#server-count", "3").await;
    h.wait_for_element_text(
        "#disk-size-error",
        "3 system disks of 40 GB need 120 GB; your volume quota leaves 100 GB. Enter at most 33 GB, create fewer servers, or free or ask for more volume quota.",
        DEFAULT_WAIT,
    )
    .await;
    assert!(
        text_of(&h, "#disk-size-hint")
            .await
            .contains("At most 33 GB each"),
        "the hint names the same figure"
    );
    h.wait_for("ul.problems a[href='#disk-size']").await;
    click_xpath(&h, create).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        !h.body_text().await.contains("being created"),
        "not sent over the volume quota"
    );

    // A volume type the cloud does not list blocks Create as well.
    h.fill("#server-count", "1").await;
    h.fill("#volume-type", "NOPE").await;
    h.wait_for("#volume-type-error").await;
    h.wait_for("ul.problems a[href='#volume-type']").await;
    click_xpath(&h, create).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        !h.body_text().await.contains("being created"),
        "not sent with an unknown volume type"
    );
    assert_eq!(crate::create::servers_named(&api, "vol-1").await, 0);
    // The link takes the keyboard to the field.
    click_xpath(
        &h,
        "//ul[@class='problems']//a[normalize-space()='Volume type']",
    )
    .await;
    assert_eq!(h.focused_id().await, "volume-type");

    // One the cloud lists is sent.
    h.fill("#volume-type", "SSD").await;
    h.wait_for_text("\"volume_type\": \"SSD\"").await;
    click_xpath(&h, create).await;
    h.wait_for_text("The server is being created").await;
    assert_eq!(crate::create::servers_named(&api, "vol-1").await, 1);

    h.shutdown().await;
}

/// The id of the radio in the image table's row named `name`.
async fn image_radio(h: &Console, name: &str) -> String {
    h.browser
        .wait()
        .at_most(DEFAULT_WAIT)
        .for_element(Locator::XPath(&format!(
            "//tr[.//label[normalize-space()='{name}']]//input"
        )))
        .await
        .unwrap_or_else(|error| panic!("no row for the image {name}: {error}"))
        .attr("id")
        .await
        .expect("read the radio's id")
        .expect("the radio has an id")
}

async fn wait_until_chosen(h: &Console, id: &str) {
    let css = by_id(id);
    h.wait_until(&format!("#{id} to be chosen"), DEFAULT_WAIT, || {
        is_checked(h, &css)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_click_in_a_row_chooses_it_and_a_choice_the_filter_hides_is_named() {
    let h = Harness::start().await;
    h.sign_in_demo().await;
    h.open("/create").await;

    // A click in an image row's Min disk cell (not the radio, not the name) chooses it.
    let windows = image_radio(&h, WINDOWS_IMAGE).await;
    click_cell(&h, &windows, 5).await;
    wait_until_chosen(&h, &windows).await;
    // A flavor too small for that image is not chosen by a click in its row.
    let small = format!("flavor-{SMALL_FLAVOR}");
    h.wait_for(&format!("{}[disabled]", by_id(&small))).await;
    click_cell(&h, &small, 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !is_checked(&h, &by_id(&small)).await,
        "an unfit flavor stays unchosen"
    );

    let centos = image_radio(&h, IMAGE).await;
    click_cell(&h, &centos, 5).await;
    wait_until_chosen(&h, &centos).await;
    // A click in a flavor row's vCPUs cell chooses it.
    let flavor = format!("flavor-{ONE_VCPU_FLAVOR}");
    click_cell(&h, &flavor, 3).await;
    wait_until_chosen(&h, &flavor).await;
    // The keyboard is unchanged: an arrow in the radio group chooses the next flavor (by name).
    h.wait_for(&by_id(&flavor))
        .await
        .send_keys(&char::from(fantoccini::key::Key::Down).to_string())
        .await
        .expect("press the down arrow");
    wait_until_chosen(&h, &small).await;
    h.wait_for(&by_id(&small))
        .await
        .send_keys(&char::from(fantoccini::key::Key::Up).to_string())
        .await
        .expect("press the up arrow");
    wait_until_chosen(&h, &flavor).await;

    // A filter that hides the chosen flavor or image says which one is chosen.
    let hidden_flavor = format!("Chosen: {ONE_VCPU_FLAVOR} (hidden by the filter)");
    let hidden_image = format!("Chosen: {IMAGE} (hidden by the filter)");
    assert!(!h.body_text().await.contains("(hidden by the filter)"));
    h.fill("#flavor-filter", "c1").await;
    h.wait_for_text(&hidden_flavor).await;
    h.fill("#image-filter", "windows").await;
    h.wait_for_text(&hidden_image).await;
    h.fill("#flavor-filter", "s6").await;
    h.wait_until("the chosen flavor to show again", DEFAULT_WAIT, || async {
        !h.body_text().await.contains(&hidden_flavor)
    })
    .await;
    assert!(h.body_text().await.contains(&hidden_image));
    h.fill("#image-filter", "cent").await;
    h.wait_until("the chosen image to show again", DEFAULT_WAIT, || async {
        !h.body_text().await.contains("(hidden by the filter)")
    })
    .await;

    // The review counts one vCPU as one, and one problem as one.
    h.click("input[type='checkbox'][id^='network-']").await;
    h.fill("#server-name", "plural-1").await;
    h.wait_for_text("1 thing to fix before the request can be built:")
        .await;
    h.wait_for(&format!("select#zone option[value='{}']", SIMULATOR.zone))
        .await
        .click()
        .await
        .expect("choose the zone");
    h.wait_for_text(&format!("{ONE_VCPU_FLAVOR} (1 vCPU, 2 GB RAM)"))
        .await;

    h.shutdown().await;
}

/// A loopback proxy in front of the gateway that keeps every byte the browser sends, to see
/// which paths it asks for.
struct RecordingProxy {
    url: String,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl RecordingProxy {
    async fn start(gateway_url: &str) -> Self {
        let target = gateway_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let sent = Arc::new(Mutex::new(Vec::new()));
        let recorded = sent.clone();
        tokio::spawn(async move {
            while let Ok((browser, _)) = listener.accept().await {
                let target = target.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let Ok(gateway) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let (mut from_browser, mut to_browser) = browser.into_split();
                    let (mut from_gateway, mut to_gateway) = gateway.into_split();
                    let upstream = async move {
                        let mut buffer = vec![0; 16 * 1024];
                        while let Ok(read) = from_browser.read(&mut buffer).await {
                            if read == 0 {
                                break;
                            }
                            recorded
                                .lock()
                                .expect("the record")
                                .extend_from_slice(&buffer[..read]);
                            if to_gateway.write_all(&buffer[..read]).await.is_err() {
                                break;
                            }
                        }
                        let _ = to_gateway.shutdown().await;
                    };
                    let downstream = async move {
                        let _ = tokio::io::copy(&mut from_gateway, &mut to_browser).await;
                        let _ = to_browser.shutdown().await;
                    };
                    tokio::join!(upstream, downstream);
                });
            }
        });
        Self { url, sent }
    }

    /// Whether the browser sent a request line for `path`.
    fn asked_for(&self, path: &str) -> bool {
        let sent = self.sent.lock().expect("the record");
        let needle = format!("GET {path} ");
        String::from_utf8_lossy(&sent).contains(&needle)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_says_it_is_loading_before_the_app_runs_and_asks_for_no_favicon() {
    let h = Harness::start().await;

    // Served as is: the product name and a loading line, no script needed.
    let index = reqwest::get(h.url("/"))
        .await
        .expect("GET /")
        .text()
        .await
        .expect("the page's text");
    let body = &index[index.find("<body").expect("a body")..];
    assert!(body.contains("ECS console"), "{body}");
    assert!(body.contains("Loading the console…"), "{body}");

    // Until the app's code arrives (here: never), the page shows them.
    h.block_requests(&["*.wasm"]).await;
    h.open("/servers").await;
    h.wait_for_text("Loading the console…").await;
    assert!(h.body_text().await.contains("ECS console"));
    h.block_requests(&[]).await;

    // Once the app runs, the loading line goes; and no page load asks for /favicon.ico (which
    // the gateway does not have).
    let proxy = RecordingProxy::start(&h.gateway.url()).await;
    h.browser
        .goto(&format!("{}/sign-in", proxy.url))
        .await
        .expect("open the sign-in page through the proxy");
    h.submit_demo_sign_in("proxy", None).await;
    h.wait_for("#servers-page").await;
    assert!(
        !h.body_text().await.contains("Loading the console"),
        "the loading line is hidden once the app runs"
    );
    h.browser.refresh().await.expect("reload");
    h.wait_for("#servers-page").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        proxy.asked_for("/sign-in") && proxy.asked_for("/boot.js"),
        "the proxy saw the page's requests"
    );
    assert!(
        !proxy.asked_for("/favicon.ico"),
        "the browser asked for /favicon.ico"
    );
    let favicon = reqwest::get(h.url("/favicon.ico")).await.expect("GET");
    assert_eq!(
        favicon.status(),
        404,
        "the gateway has no favicon, so asking would fail"
    );

    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_existed_is_not_found_and_one_deleted_is_deleted() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;

    h.open("/servers/6f1c1a0e-0000-4000-8000-000000000000")
        .await;
    h.wait_for_text("Server not found").await;
    let notice = text_of(&h, "#server-gone").await;
    assert!(
        !notice.contains("deleted:") && !notice.contains("it was deleted"),
        "{notice}"
    );

    let id = create_through_the_api(&api, "short-lived", FLAVOR).await;
    h.open(&format!("/servers/{id}")).await;
    h.wait_for_element_text("#server-title", "short-lived", DEFAULT_WAIT)
        .await;
    let deleted = api
        .console_call(Method::DELETE, &format!("servers/{id}"), None)
        .await;
    assert_eq!(deleted.status_code(), 204, "delete: {}", deleted.text);
    h.wait_until("the page to see the server gone", DEFAULT_WAIT, || async {
        if h.body_text().await.contains("it was deleted") {
            return true;
        }
        if let Ok(button) = h.browser.find(Locator::Css("#refresh-now")).await {
            let _ = button.click().await;
        }
        false
    })
    .await;
    assert!(!h.body_text().await.contains("Server not found"));

    h.shutdown().await;
}

/// The create form's tables that scroll inside themselves at the current width: each as
/// "<id of its label>: <height shown> of <height> px" (none when every table grows with the
/// page).
async fn tables_scrolling_inside(h: &Console) -> serde_json::Value {
    h.eval(
        "return [...document.querySelectorAll('.create-form .table-wrap')]\
           .filter((wrap) => wrap.scrollHeight > wrap.clientHeight + 1)\
           .map((wrap) => wrap.querySelector('table').getAttribute('aria-labelledby')\
             + ': ' + wrap.clientHeight + ' of ' + wrap.scrollHeight + ' px');",
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn at_360_px_the_image_and_flavor_tables_grow_with_the_page() {
    let h = Harness::start().await;
    h.sign_in_demo().await;
    h.browser
        .set_window_size(360, 800)
        .await
        .expect("a phone-sized window");
    h.open("/create").await;
    let windows = image_radio(&h, WINDOWS_IMAGE).await;
    h.wait_for(&by_id(&windows)).await;
    h.wait_for(&by_id(&format!("flavor-{FLAVOR}"))).await;
    // Every image row is on the page: none hides in a box a few rows tall.
    assert_eq!(tables_scrolling_inside(&h).await, json!([]));
    let rows = h
        .eval("return document.querySelectorAll('.create-form .table-wrap tbody tr').length;")
        .await;
    assert!(rows.as_u64().is_some_and(|rows| rows > 4), "{rows}");
    h.assert_no_sideways_scrolling("document.documentElement", "the create form", 360)
        .await;
    h.shutdown().await;
}
