//! End to end in headless Chromium: the create-server form walks the guide against the
//! simulator behind the gateway.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ecs_api::connect::login_user;
use ecs_api::models::Image;
use ecs_sim::test_client::TestClient;
use ecs_sim::{DEMO, SimConfig};
use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use crate::connect::{assign_public_ip, the_host_keys_are_the_simulators};
use crate::support::{Console, DEFAULT_WAIT, Harness, HarnessOptions};

const ZONE: &str = "az1.dc1";
/// 2 vCPUs, 4 GB of RAM.
pub(crate) const FLAVOR: &str = "c1.large";
/// 8 vCPUs: two of them leave 4 of the demo project's 20.
const LARGE_FLAVOR: &str = "c1.2xlarge";
pub(crate) const IMAGE: &str = "CentOS 7.9 64bit";
const IMAGE_MIN_DISK: &str = "40";

/// What the guide chooses on a cloud, and what that cloud's catalogue makes the form show.
pub(crate) struct GuideChoices {
    pub zone: &'static str,
    /// A zone the cloud lists as unavailable, if it has one: offered but not choosable.
    pub unavailable_zone: Option<&'static str>,
    /// The id of a flavor with less RAM than the Windows image needs (4 GB).
    pub small_flavor: &'static str,
    pub image: &'static str,
    /// The image's minDisk, which the system disk defaults to.
    pub image_min_disk: &'static str,
}

/// The simulator's catalogue.
pub(crate) const SIMULATOR: GuideChoices = GuideChoices {
    zone: ZONE,
    unavailable_zone: Some("az3.dc1"),
    small_flavor: "s6.small.1",
    image: IMAGE,
    image_min_disk: IMAGE_MIN_DISK,
};

/// Long enough that the details page is open while the server still builds.
fn slow_build() -> HarnessOptions {
    HarnessOptions {
        sim: SimConfig::default()
            .build_duration(Duration::from_secs(10))
            .transition_duration(Duration::from_secs(1)),
        direct: false,
    }
}

/// CSS for the element whose id is `id` (ids here contain dots, which `#...` would misread).
pub(crate) fn by_id(id: &str) -> String {
    format!("[id='{id}']")
}

pub(crate) async fn click_xpath(h: &Console, xpath: &str) {
    h.browser
        .wait()
        .at_most(DEFAULT_WAIT)
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|error| panic!("nothing matches {xpath}: {error}"))
        .click()
        .await
        .unwrap_or_else(|error| panic!("click {xpath}: {error}"));
}

pub(crate) async fn text_of(h: &Console, css: &str) -> String {
    h.wait_for(css)
        .await
        .text()
        .await
        .unwrap_or_else(|error| panic!("read the text of `{css}`: {error}"))
}

pub(crate) async fn property(h: &Console, css: &str, name: &str) -> String {
    h.wait_for(css)
        .await
        .prop(name)
        .await
        .unwrap_or_else(|error| panic!("read {name} of `{css}`: {error}"))
        .unwrap_or_default()
}

/// True when the button matching `xpath` is disabled.
pub(crate) async fn is_disabled(h: &Console, xpath: &str) -> bool {
    h.browser
        .find(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|error| panic!("nothing matches {xpath}: {error}"))
        .prop("disabled")
        .await
        .unwrap_or_else(|error| panic!("read disabled of {xpath}: {error}"))
        .as_deref()
        == Some("true")
}

/// The question of the confirmation dialog on screen, which is then declined.
pub(crate) async fn decline_leaving(h: &Console) -> String {
    let question = h
        .browser
        .get_alert_text()
        .await
        .expect("a confirmation dialog");
    h.browser.dismiss_alert().await.expect("decline leaving");
    question
}

pub(crate) async fn is_checked(h: &Console, css: &str) -> bool {
    property(h, css, "checked").await == "true"
}

/// Opens the form and makes the guide's choices on the simulator.
async fn fill_the_form(h: &Harness, server_name: &str, flavor: &str) {
    make_the_guides_choices(h, &SIMULATOR, server_name, flavor).await;
}

/// Opens the form and makes the guide's choices: zone, flavor, image, network and a name.
pub(crate) async fn make_the_guides_choices(
    h: &Console,
    cloud: &GuideChoices,
    server_name: &str,
    flavor: &str,
) {
    h.open("/create").await;
    h.wait_for(&format!("select#zone option[value='{}']", cloud.zone))
        .await;

    // Duplicate zone names are merged; the unavailable zone is listed but cannot be chosen.
    let listed = h
        .eval(&format!(
            "return document.querySelectorAll(\"#zone option[value='{}']\").length;",
            cloud.zone
        ))
        .await;
    assert_eq!(
        listed,
        json!(1),
        "a zone listed twice by the API is offered once"
    );
    if let Some(unavailable) = cloud.unavailable_zone {
        h.wait_for(&format!("#zone option[value='{unavailable}'][disabled]"))
            .await;
    }
    h.wait_for("select#zone")
        .await
        .select_by_value(cloud.zone)
        .await
        .expect("choose the zone");

    h.click(&by_id(&format!("flavor-{flavor}"))).await;

    // An image that needs more RAM than a flavor has makes that flavor unavailable, with why.
    click_xpath(
        h,
        "//label[normalize-space()='Windows Server 2019 Datacenter 64bit']",
    )
    .await;
    h.wait_for(&format!(
        "{}[disabled]",
        by_id(&format!("flavor-{}", cloud.small_flavor))
    ))
    .await;
    h.wait_for_text("The image needs at least 4 GB of RAM")
        .await;
    assert!(
        is_checked(h, &by_id(&format!("flavor-{flavor}"))).await,
        "choosing another image keeps a flavor that still fits"
    );

    click_xpath(h, &format!("//label[normalize-space()='{}']", cloud.image)).await;
    h.wait_until(
        "the system disk to default to the image's minDisk",
        DEFAULT_WAIT,
        || async { property(h, "#disk-size", "value").await == cloud.image_min_disk },
    )
    .await;

    h.click("input[type='checkbox'][id^='network-']").await;
    h.fill("#server-name", server_name).await;
}

/// True while the page offers "Use the suggested size".
async fn offers_suggested_size(h: &Console) -> bool {
    h.body_text().await.contains("Use the suggested size")
}

/// Number fields keep exactly what is typed (a number input rewrote "40.5" to 540): text that
/// is not a whole number is explained, and "Use the suggested size" appears only when it would
/// change the size.
async fn number_fields_keep_what_is_typed(h: &Console) {
    assert!(
        !offers_suggested_size(h).await,
        "the size is the suggested one"
    );
    h.fill("#disk-size", "40.5").await;
    h.wait_for_text("without a decimal point").await;
    assert_eq!(property(h, "#disk-size", "value").await, "40.5");
    click_xpath(h, "//button[normalize-space()='Use the suggested size']").await;
    h.wait_until("the suggested size", DEFAULT_WAIT, || async {
        property(h, "#disk-size", "value").await == IMAGE_MIN_DISK
    })
    .await;
    h.fill("#disk-size", IMAGE_MIN_DISK).await;
    h.wait_until(
        "no offer to use the size already typed",
        DEFAULT_WAIT,
        || async { !offers_suggested_size(h).await },
    )
    .await;

    h.fill("#server-count", "-3").await;
    h.wait_for_text("without a minus sign").await;
    assert_eq!(property(h, "#server-count", "value").await, "-3");
    h.fill("#server-count", "1").await;
}

/// The row labels of the table labelled by `label_id`, top to bottom.
pub(crate) async fn table_rows(h: &Console, label_id: &str) -> Vec<String> {
    let script = format!(
        "return [...document.querySelectorAll(\"table[aria-labelledby='{label_id}'] tbody label\")]\
           .map((label) => label.textContent.trim());"
    );
    serde_json::from_value(h.eval(&script).await).expect("row labels")
}

async fn wait_for_rows(h: &Console, label_id: &str, expected: &[&str]) {
    h.wait_until(
        &format!("the {label_id} table to list {expected:?}"),
        DEFAULT_WAIT,
        || async { table_rows(h, label_id).await == expected },
    )
    .await;
}

/// Typing in a filter narrows a table, a column heading sorts it, and the OS type narrows the
/// images; sizes read in the cloud's units.
async fn the_tables_filter_and_sort(h: &Console) {
    h.fill("#flavor-filter", "c1").await;
    wait_for_rows(h, "flavor-label", &["c1.2xlarge", "c1.large"]).await;
    h.wait_for_text("2 of 9 flavors (1 more is disabled, so not offered)")
        .await;
    h.fill("#flavor-filter", "no-such-flavor").await;
    h.wait_for_text("No flavors match the filter; clear it to see all 9.")
        .await;
    h.fill("#flavor-filter", "c1").await;
    wait_for_rows(h, "flavor-label", &["c1.2xlarge", "c1.large"]).await;
    click_xpath(h, "//th/button[starts-with(normalize-space(), 'vCPUs')]").await;
    wait_for_rows(h, "flavor-label", &["c1.large", "c1.2xlarge"]).await;
    let sorted_by = h
        .eval("return document.querySelector(\"th[aria-sort='ascending']\").textContent.trim();")
        .await;
    assert_eq!(sorted_by, json!("vCPUs ▲"));
    let large = h
        .eval(&format!(
            "return document.getElementById('flavor-{FLAVOR}').closest('tr').innerText;"
        ))
        .await;
    assert!(
        large.as_str().is_some_and(|row| row.contains("4 GB")),
        "RAM in GB: {large}"
    );

    h.wait_for("select#image-os-type")
        .await
        .select_by_value("Windows")
        .await
        .expect("choose the OS type");
    wait_for_rows(h, "image-label", &["Windows Server 2019 Datacenter 64bit"]).await;
    // The simulator lists Glance: `GET /v2/images?status=active` never returns the inactive
    // image, so there is none to count (the Nova-only count: create/logic/listing.rs).
    h.wait_for_text("1 of 5 images").await;
    let listing = h.body_text().await;
    assert!(!listing.contains("not ACTIVE"), "{listing}");
    h.wait_for("select#image-os-type")
        .await
        .select_by_value("")
        .await
        .expect("any OS type");
    h.fill("#image-filter", "euler").await;
    wait_for_rows(
        h,
        "image-label",
        &["DBS-MySQL-Image_2.1.3.3", "EulerOS 2.9 64bit"],
    )
    .await;
    // The image table sorts too: by size, largest first on the second press.
    let image_size_heading = "//table[@aria-labelledby='image-label']//th/button[starts-with(normalize-space(), 'Size')]";
    click_xpath(h, image_size_heading).await;
    click_xpath(h, image_size_heading).await;
    wait_for_rows(
        h,
        "image-label",
        &["EulerOS 2.9 64bit", "DBS-MySQL-Image_2.1.3.3"],
    )
    .await;
    let image_sorted_by = h
        .eval(
            "return document.querySelector(\"table[aria-labelledby='image-label'] th[aria-sort='descending']\").textContent.trim();",
        )
        .await;
    assert_eq!(image_sorted_by, json!("Size ▼"));
    h.fill("#image-filter", "centos").await;
    wait_for_rows(h, "image-label", &[IMAGE]).await;
    assert!(
        is_checked(h, &by_id(&format!("flavor-{FLAVOR}"))).await,
        "filtering and sorting keep the chosen flavor"
    );
}

async fn click_create_server_twice(h: &Console) {
    // Two clicks in the same task: the second arrives before the page can re-render.
    let clicked = h
        .eval(
            "const button = [...document.querySelectorAll('button')]\
               .find((b) => b.textContent.trim() === 'Create server');\
             button.click(); button.click(); return true;",
        )
        .await;
    assert_eq!(clicked, json!(true));
}

pub(crate) async fn servers_named(api: &TestClient, name: &str) -> usize {
    let reply = api.console_call(Method::GET, "servers/detail", None).await;
    assert_eq!(reply.status_code(), 200, "list servers: {}", reply.text);
    reply.body["servers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|server| server["name"] == name)
        .count()
}

/// Waits for Chromium to finish writing `file_name` into the download folder.
pub(crate) async fn downloaded_file(h: &Console, file_name: &str) -> PathBuf {
    let path = h.download_dir().join(file_name);
    h.wait_until("the private key download", DEFAULT_WAIT, || {
        let path = path.clone();
        async move { path.is_file() && std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) }
    })
    .await;
    path
}

/// `type base64` of an OpenSSH public key line, without the comment.
pub(crate) fn key_material(line: &str) -> String {
    line.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn public_key_of(private_key_file: &Path) -> String {
    std::fs::set_permissions(private_key_file, std::fs::Permissions::from_mode(0o600))
        .expect("make the key file private, as ssh-keygen requires");
    let output = std::process::Command::new("ssh-keygen")
        .arg("-y")
        .arg("-f")
        .arg(private_key_file)
        .output()
        .expect("run ssh-keygen (install openssh-client)");
    assert!(
        output.status.success(),
        "ssh-keygen -y rejected the downloaded key: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("ssh-keygen prints text")
}

/// Creates a server of `flavor` from the CentOS image through the API (as another tool would)
/// and returns its id.
pub(crate) async fn create_through_the_api(api: &TestClient, name: &str, flavor: &str) -> String {
    let images = api
        .console_call(Method::GET, "images/detail", None)
        .await
        .body;
    let image_id = images["images"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|image| image["name"] == IMAGE)
        .and_then(|image| image["id"].as_str())
        .expect("the CentOS image")
        .to_owned();
    let networks = api
        .console_call(Method::GET, "os-networks", None)
        .await
        .body;
    let body = json!({"server": {
        "name": name,
        "flavorRef": flavor,
        "networks": [{"uuid": networks["networks"][0]["id"]}],
        "block_device_mapping_v2": [{
            "uuid": image_id, "source_type": "image", "destination_type": "volume",
            "volume_size": 40, "boot_index": 0, "delete_on_termination": true
        }]
    }});
    let created = api.console_call(Method::POST, "servers", Some(&body)).await;
    assert_eq!(
        created.status_code(),
        202,
        "create {name}: {}",
        created.text
    );
    created.body["server"]["id"]
        .as_str()
        .expect("the new server's id")
        .to_owned()
}

/// Creates two 8-vCPU servers through the API, leaving 4 of the project's 20 vCPUs.
async fn use_most_cores(api: &TestClient) {
    for index in 0..2 {
        create_through_the_api(api, &format!("quota-filler-{index}"), LARGE_FLAVOR).await;
    }
}

/// Creates a key pair in the form: the cloud generates it, the private key downloads at once,
/// and `ssh-keygen -y` derives from it the public key the API lists. Returns the private key.
pub(crate) async fn create_a_key_pair_that_downloads(
    h: &Console,
    api: &TestClient,
    key_name: &str,
) -> String {
    // Key pair: the cloud generates it and the private key downloads at once. A name of spaces
    // only is asked for again and cannot be sent.
    click_xpath(h, "//summary[normalize-space()='Create a new key pair']").await;
    let create_key_button = "//button[normalize-space()='Create key pair']";
    h.fill("#new-key-name", "   ").await;
    h.wait_for_text("Enter a key pair name.").await;
    assert!(is_disabled(h, create_key_button).await);
    h.fill("#new-key-name", key_name).await;
    click_xpath(h, create_key_button).await;
    h.wait_for_text(&format!(
        "Private key of {key_name} downloaded as {key_name}.pem."
    ))
    .await;
    h.wait_for_text("it cannot be downloaded again").await;
    h.wait_for_focus("private-key-notice").await;
    h.wait_until("the new key pair to be chosen", DEFAULT_WAIT, || async {
        property(h, "#key-pair", "value").await == key_name
    })
    .await;

    let pem = downloaded_file(h, &format!("{key_name}.pem")).await;
    let private_key = std::fs::read_to_string(&pem).expect("read the downloaded key");
    assert!(
        private_key.contains("PRIVATE KEY-----"),
        "not a PEM private key"
    );
    assert_eq!(
        key_material(&public_key_of(&pem)),
        key_material(&listed_public_key(api, key_name).await),
        "the downloaded private key belongs to the public key the API lists"
    );
    private_key
}

/// The public key the API lists for the key pair `key_name`.
async fn listed_public_key(api: &TestClient, key_name: &str) -> String {
    let listed = api
        .console_call(Method::GET, &format!("os-keypairs/{key_name}"), None)
        .await;
    assert_eq!(
        listed.status_code(),
        200,
        "the API lists the key pair {key_name}: {}",
        listed.text
    );
    listed.body["keypair"]["public_key"]
        .as_str()
        .expect("public_key")
        .to_owned()
}

/// Marks the downloaded private key as saved; the review then shows the request: a volume of
/// the image's minimum size, and the key pair.
pub(crate) async fn save_the_key_and_review_the_request(
    h: &Console,
    cloud: &GuideChoices,
    key_name: &str,
) {
    click_xpath(
        h,
        "//button[normalize-space()='I have saved the private key']",
    )
    .await;
    h.wait_for_focus("private-key-notice").await;
    // The review shows the exact body, and curl without the token.
    h.wait_for_text("\"destination_type\": \"volume\"").await;
    h.wait_for_text(&format!("\"volume_size\": {}", cloud.image_min_disk))
        .await;
    h.wait_for_text(&format!("\"key_name\": \"{key_name}\""))
        .await;
}

/// Creates the server with a double click (one server is created), notes the admin password
/// shown once, and continues to the new server's details page.
pub(crate) async fn create_the_server_and_open_its_details(
    h: &Console,
    api: &TestClient,
    server_name: &str,
) {
    h.eval("window.__same_page = true; return true;").await;
    click_create_server_twice(h).await;
    h.wait_for_text("The server is being created").await;
    // Give a second request every chance to arrive before counting.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        servers_named(api, server_name).await,
        1,
        "a double click creates exactly one server"
    );
    // Nova (and the simulator) return the admin password once: the outcome takes focus, so it
    // is in view, and the form keeps the values it was sent with until the user leaves.
    h.wait_for_text("Admin password, shown only this once")
        .await;
    let focused = h
        .eval("return document.activeElement.getAttribute('aria-labelledby');")
        .await;
    assert_eq!(focused, json!("created-title"), "the outcome has the focus");
    assert_eq!(property(h, "#server-name", "value").await, server_name);
    // Until the password is noted, every way out asks: a link, and the page's own button.
    h.click("header a[href='/servers']").await;
    let question = decline_leaving(h).await;
    assert!(question.contains("admin password"), "{question}");
    click_xpath(h, "//button[normalize-space()='Continue to the server']").await;
    let question = decline_leaving(h).await;
    assert!(
        question.contains("admin password"),
        "Continue asks too: {question}"
    );
    h.wait_for_text("Admin password, shown only this once")
        .await;
    click_xpath(
        h,
        "//button[normalize-space()='I have noted the admin password']",
    )
    .await;
    h.wait_for_focus("admin-password-noted").await;
    click_xpath(h, "//button[normalize-space()='Continue to the server']").await;

    h.wait_for("#server-details").await;
    let url = h.browser.current_url().await.expect("current URL");
    assert!(url.path().starts_with("/servers/"), "landed on {url}");
}

/// Waits, without a reload, until the details page shows the server ACTIVE with an IPv4 address
/// (`window.__same_page`, set before creating, proves there was no reload).
pub(crate) async fn follow_the_server_to_active_with_an_address(h: &Console) {
    h.wait_until(
        "the server to become ACTIVE",
        Duration::from_secs(40),
        || async {
            match h.browser.find(Locator::Css("#server-status")).await {
                Ok(status) => status.text().await.is_ok_and(|text| text == "ACTIVE"),
                Err(_) => false,
            }
        },
    )
    .await;
    let addresses = h
        .wait_for_within("#addresses", Duration::from_secs(20))
        .await;
    let addresses_text = addresses.text().await.unwrap_or_default();
    assert!(
        addresses_text
            .split_whitespace()
            .any(|word| word.parse::<std::net::Ipv4Addr>().is_ok()),
        "an IPv4 address is shown: {addresses_text}"
    );
    assert_eq!(
        h.eval("return window.__same_page === true;").await,
        json!(true),
        "status and address arrived without a reload"
    );
}

/// The private key was never written to browser storage, nor anything to localStorage.
pub(crate) async fn assert_no_private_key_in_storage(h: &Console, private_key: &str) {
    let body_line = private_key
        .lines()
        .nth(1)
        .expect("the PEM has a body")
        .to_owned();
    let storage = h.storage().await;
    assert!(
        !storage.contains("PRIVATE KEY"),
        "a private key is in storage: {storage:?}"
    );
    assert!(
        !storage.contains(&body_line),
        "private key material is in storage"
    );
    assert!(
        storage.local.is_empty(),
        "localStorage holds {:?}",
        storage.local
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guides_procedure_creates_a_server_with_a_new_key_pair() {
    let h = Harness::start_with(slow_build()).await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;
    fill_the_form(&h, "e2e-web-1", FLAVOR).await;
    // A trip to the servers list and back inside the app keeps the form (and gives the
    // browser's Back button a page of this app to return to).
    h.click("header a[href='/servers']").await;
    h.wait_for("#servers-page").await;
    h.click("header a[href='/create']").await;
    h.wait_for("#create-title").await;
    assert_eq!(property(&h, "#server-name", "value").await, "e2e-web-1");
    the_tables_filter_and_sort(&h).await;
    number_fields_keep_what_is_typed(&h).await;

    let private_key = create_a_key_pair_that_downloads(&h, &api, "e2e-key").await;
    // Leaving before the key is marked as saved asks first; declining stays on the form.
    h.click("header a[href='/servers']").await;
    let question = decline_leaving(&h).await;
    assert!(
        question.contains("private key"),
        "the dialog says why: {question}"
    );
    assert_eq!(
        h.browser.current_url().await.expect("URL").path(),
        "/create"
    );
    assert_eq!(property(&h, "#server-name", "value").await, "e2e-web-1");
    // The browser's Back button asks as well; declining keeps the address, the page and the key.
    h.eval("setTimeout(() => history.back(), 0); return true;")
        .await;
    let mut back_question = None;
    for _ in 0..50 {
        if let Ok(text) = h.browser.get_alert_text().await {
            back_question = Some(text);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let back_question = back_question.expect("Back with an unsaved key asks first");
    assert!(back_question.contains("private key"), "{back_question}");
    h.browser.dismiss_alert().await.expect("decline going back");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        h.browser.current_url().await.expect("URL").path(),
        "/create"
    );
    h.wait_for_text("Private key of e2e-key downloaded as e2e-key.pem.")
        .await;
    assert_eq!(property(&h, "#server-name", "value").await, "e2e-web-1");

    save_the_key_and_review_the_request(&h, &SIMULATOR, "e2e-key").await;
    create_the_server_and_open_its_details(&h, &api, "e2e-web-1").await;
    let status_text = h
        .wait_for("#server-status")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(status_text, "BUILD", "a new server starts in BUILD");
    follow_the_server_to_active_with_an_address(&h).await;

    // Connect: the form's `default` group lets SSH in; a public IP, then the line to log in with
    // (the key pair's file, the image's user) and the host keys to check at the first login.
    let url = h.browser.current_url().await.expect("URL");
    let server_id = url.path().trim_start_matches("/servers/").to_owned();
    let address = assign_public_ip(&h, &api).await;
    let image: Image = serde_json::from_value(api.image_named(IMAGE).await).expect("an image");
    let user = login_user(Some(&image)).user;
    h.wait_for_element_text(
        "#login-command",
        &format!("ssh -i e2e-key.pem {user}@{address}"),
        DEFAULT_WAIT,
    )
    .await;
    the_host_keys_are_the_simulators(&h, &server_id).await;
    assert_no_private_key_in_storage(&h, &private_key).await;

    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_refusals_are_shown_word_for_word_and_the_form_is_kept() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    let created = api
        .console_call(
            Method::POST,
            "os-keypairs",
            Some(&json!({"keypair": {"name": "doomed-key"}})),
        )
        .await;
    assert_eq!(
        created.status_code(),
        201,
        "create a key pair for the test: {}",
        created.text
    );
    h.sign_in_demo().await;
    fill_the_form(&h, "e2e-refused", LARGE_FLAVOR).await;
    h.wait_for("#key-pair option[value='doomed-key']").await;
    h.wait_for("select#key-pair")
        .await
        .select_by_value("doomed-key")
        .await
        .expect("choose the key pair");

    // 400: the key pair disappears between choosing it and creating the server.
    let deleted = api
        .console_call(Method::DELETE, "os-keypairs/doomed-key", None)
        .await;
    assert_eq!(
        deleted.status_code(),
        204,
        "delete the key pair behind the form's back"
    );
    click_create_server_twice(&h).await;
    h.wait_for_text("Invalid key_name provided.").await;
    h.wait_for_text("HTTP 400").await;
    assert_eq!(property(&h, "#server-name", "value").await, "e2e-refused");
    assert_eq!(property(&h, "#key-pair", "value").await, "doomed-key");
    assert!(
        is_checked(&h, &by_id(&format!("flavor-{LARGE_FLAVOR}"))).await,
        "the flavor stays chosen"
    );
    assert_eq!(property(&h, "#disk-size", "value").await, IMAGE_MIN_DISK);

    // 403: the quota is used up after the form loaded its limits.
    h.wait_for("select#key-pair")
        .await
        .select_by_value("")
        .await
        .expect("choose no key pair");
    use_most_cores(&api).await;
    click_create_server_twice(&h).await;
    h.wait_for_text("Quota exceeded for cores: Requested 8, but already used 16 of 20 cores")
        .await;
    h.wait_for_text("HTTP 403").await;
    assert_eq!(property(&h, "#server-name", "value").await, "e2e-refused");
    assert!(
        is_checked(&h, &by_id(&format!("flavor-{LARGE_FLAVOR}"))).await,
        "the flavor stays chosen"
    );
    assert_eq!(servers_named(&api, "e2e-refused").await, 0);

    // On a phone-sized window the whole form fits its width, with the API's error, the tables,
    // the review and a 256-character metadata key echoed in its error: nothing scrolls sideways.
    h.browser
        .set_window_size(360, 800)
        .await
        .expect("resize the window");
    click_xpath(&h, "//button[normalize-space()='Add metadata']").await;
    h.fill("#metadata-key-1", &"k".repeat(256)).await;
    h.wait_for("[id='metadata-error']").await;
    h.assert_no_sideways_scrolling("document.documentElement", "the page", 360)
        .await;

    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_key_is_checked_then_imported_from_a_pub_file() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;
    h.open("/create").await;
    import_a_public_key_from_a_pub_file(&h, &api, "imported-key").await;
    h.shutdown().await;
}

/// In the form on screen: a public key made by `ssh-keygen` is checked as typed (a broken key,
/// two lines), then imported from its `.pub` file, chosen, and listed by the API as it was.
pub(crate) async fn import_a_public_key_from_a_pub_file(
    h: &Console,
    api: &TestClient,
    key_name: &str,
) {
    // Named after the key too: two tests of this binary may import at the same time.
    let scratch = std::env::temp_dir().join(format!(
        "ecs-console-e2e-import-{}-{key_name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    let key_file = scratch.join("id_ed25519");
    let _ = std::fs::remove_file(&key_file);
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "e2e@test", "-f"])
        .arg(&key_file)
        .status()
        .expect("run ssh-keygen");
    assert!(status.success(), "ssh-keygen made a key");
    let public_key =
        std::fs::read_to_string(scratch.join("id_ed25519.pub")).expect("read the .pub file");

    click_xpath(h, "//summary[normalize-space()='Import a public key']").await;
    h.fill("#import-key-name", key_name).await;

    // Checked before anything is sent: a broken key is explained and cannot be imported.
    h.fill("#import-public-key", "ssh-rsa not-base64!").await;
    h.wait_for_text("not valid base64").await;
    let import_button = "//button[normalize-space()='Import key pair']";
    assert!(is_disabled(h, import_button).await);
    // Two lines are refused, even when the first is a good key.
    let first_line = public_key.trim();
    h.fill("#import-public-key", &format!("{first_line}\n{first_line}"))
        .await;
    h.wait_for_text("A public key is one line only").await;
    assert!(is_disabled(h, import_button).await);

    h.wait_for("#import-public-key-file")
        .await
        .send_keys(&scratch.join("id_ed25519.pub").display().to_string())
        .await
        .expect("choose the .pub file");
    h.wait_until("the file's key in the text box", DEFAULT_WAIT, || async {
        property(h, "#import-public-key", "value").await == public_key.trim()
    })
    .await;
    click_xpath(h, import_button).await;
    h.wait_until(
        "the imported key pair to be chosen",
        DEFAULT_WAIT,
        || async { property(h, "#key-pair", "value").await == key_name },
    )
    .await;
    h.wait_for_text(&format!("Key pair {key_name} imported and chosen above."))
        .await;
    h.wait_for_focus("import-outcome").await;
    assert_eq!(
        key_material(&listed_public_key(api, key_name).await),
        key_material(&public_key)
    );

    let _ = std::fs::remove_dir_all(&scratch);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_form_survives_a_sign_in_after_the_token_expired() {
    let lifetime = Duration::from_secs(15);
    let h = Harness::start_with(HarnessOptions {
        sim: SimConfig::default().token_lifetime(lifetime),
        direct: false,
    })
    .await;
    let signed_in = std::time::Instant::now();
    h.sign_in_demo().await;
    fill_the_form(&h, "e2e-kept", FLAVOR).await;
    // The token was issued a few seconds after `signed_in`; wait until it has surely expired.
    if let Some(left) = (lifetime + Duration::from_secs(8)).checked_sub(signed_in.elapsed()) {
        tokio::time::sleep(left).await;
    }

    // The cloud answers 401: the user signs in again and comes back to the same form.
    a_401_on_create_returns_to_the_same_form_after_sign_in(&h, &SIMULATOR, "e2e-kept", FLAVOR)
        .await;
    h.shutdown().await;
}

/// With the guide's choices made and the token no longer valid: "Create server" gets 401, the
/// sign-in form comes back as typed (all but the password), and signing in again returns to the
/// same form with the same choices.
pub(crate) async fn a_401_on_create_returns_to_the_same_form_after_sign_in(
    h: &Console,
    cloud: &GuideChoices,
    server_name: &str,
    flavor: &str,
) {
    h.eval(
        "const button = [...document.querySelectorAll('button')]\
           .find((b) => b.textContent.trim() === 'Create server');\
         button.click(); return true;",
    )
    .await;
    h.wait_for("#sign-in-password").await;
    // The sign-in form comes back as it was typed, all but the password.
    assert!(
        is_checked(h, "input[name='connection-mode'][value='proxy']").await,
        "the connection mode is kept"
    );
    for (field, typed) in [
        ("#user-domain", DEMO.domain),
        ("#user-name", DEMO.user),
        ("#project", DEMO.project),
    ] {
        assert_eq!(property(h, field, "value").await, typed, "{field} is kept");
    }
    assert_eq!(
        property(h, "#password", "value").await,
        "",
        "the password is not kept"
    );
    h.fill("#password", DEMO.password).await;
    h.click("#sign-in-password button[type='submit']").await;
    h.wait_until("the return to the form", DEFAULT_WAIT, || async {
        h.browser
            .current_url()
            .await
            .is_ok_and(|url| url.path() == "/create")
    })
    .await;
    h.wait_until("the kept server name", DEFAULT_WAIT, || async {
        property(h, "#server-name", "value").await == server_name
    })
    .await;
    assert!(
        is_checked(h, &by_id(&format!("flavor-{flavor}"))).await,
        "the flavor is kept"
    );
    assert_eq!(
        property(h, "#disk-size", "value").await,
        cloud.image_min_disk
    );
}

/// Every list shows its own failure where it belongs, and its Retry loads that list, while the
/// other lists (loaded at the same time) are unaffected.
#[tokio::test(flavor = "multi_thread")]
async fn a_list_that_fails_shows_its_error_in_its_own_section_and_retry_loads_it() {
    let defaults = HarnessOptions::default();
    let h = Harness::start_with(HarnessOptions {
        sim: defaults.sim.failing_path("/flavors/detail"),
        ..defaults
    })
    .await;
    h.sign_in_demo().await;
    h.open("/create").await;
    h.wait_for_text("Could not load flavors.").await;
    let flavor_section = h
        .eval("return document.getElementById('flavor-label').closest('fieldset').innerText;")
        .await;
    assert!(
        flavor_section.as_str().is_some_and(
            |text| text.contains("Could not load flavors.") && text.contains("HTTP 500")
        ),
        "the flavor section shows its own failure: {flavor_section}"
    );
    // The lists that loaded are shown, with no failure of their own.
    h.wait_for("select#zone option[value='az1.dc1']").await;
    h.wait_for("select#key-pair").await;
    wait_for_rows(
        &h,
        "image-label",
        &[
            "CentOS 7.9 64bit",
            "DBS-MySQL-Image_2.1.3.3",
            "EulerOS 2.9 64bit",
            "Ubuntu 22.04 server 64bit",
            "Windows Server 2019 Datacenter 64bit",
        ],
    )
    .await;
    let failures = h
        .eval("return [...document.querySelectorAll('.list-state strong')].map((title) => title.textContent);")
        .await;
    assert_eq!(failures, json!(["Could not load flavors."]));
    h.wait_for_text("Your quota allows 10 more servers, 20 more vCPUs and 50 GB more RAM.")
        .await;
    // The review's list of problems takes the keyboard to each field, not just the eye.
    click_xpath(
        &h,
        "//ul[@class='problems']//a[normalize-space()='Server name']",
    )
    .await;
    assert_eq!(h.focused_id().await, "server-name");
    click_xpath(
        &h,
        "//ul[@class='problems']//a[normalize-space()='Network']",
    )
    .await;
    let focused = h
        .eval("const e = document.activeElement; return e.type + ' ' + e.id;")
        .await;
    assert!(
        focused
            .as_str()
            .is_some_and(|text| text.starts_with("checkbox network-")),
        "the first network is focused, not {focused}"
    );

    let simulator = h.sim.simulator();
    let mut knobs = simulator.knobs();
    knobs.failing_path = None;
    simulator.set_knobs(knobs).expect("valid knobs");
    click_xpath(
        &h,
        "//fieldset[.//*[@id='flavor-label']]//button[normalize-space()='Retry']",
    )
    .await;
    h.wait_for(&by_id(&format!("flavor-{FLAVOR}"))).await;
    assert!(!h.body_text().await.contains("Could not load"));
    let focus_kept = h
        .eval(
            "const focused = document.activeElement;\
             return focused.classList.contains('list-box')\
               && !!focused.closest('fieldset').querySelector('#flavor-label');",
        )
        .await;
    assert_eq!(
        focus_kept,
        json!(true),
        "the keyboard stays at the flavor list"
    );
    h.shutdown().await;
}
