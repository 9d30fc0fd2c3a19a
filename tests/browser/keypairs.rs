//! End to end in headless Chromium: the key pairs page (top bar link, list, filter, import,
//! create with its one-time download, delete one or several through the dialog), the create
//! form's answer to a taken name, and the details page's way back to the list.

use ecs_sim::test_client::TestClient;
use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use crate::create::{click_xpath, downloaded_file, key_material, public_key_of, text_of};
use crate::support::{Console, DEFAULT_WAIT, Harness};

/// A public key to import through the API (any number of key pairs may share it).
const PUBLIC_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDY8wMTdBYiJgi62o6eShoOlSKx3CZ3cE6PHisDblfK3Y0Bg7EHV7iV9c74pqsrIhK0xuGUuO1NxDQWbkwLTPN4F9Iy5CIYohLuMIpbln6LDtfRPpdhEh3lxL8MM61gyfpKzeKkwkEpSFj27Rgh6zCyJgBpkA2A0HTP737UlitahL4faCWDIS+Vj6mbcfkWiMhuMCzTZgSKAZ4PfoG4B5HJhR52C6A4XLiQFT9heh9gnIsIG+uTogTKUbcJKuN7M6AraJpul6eHhV9YI4433sDmuiBF/njvreVPWwAHlAkgT9I8q1T/cfEFiwzXpdGbkK5O8NC7K+qNbbdKihlahONt made-elsewhere";
const FINGERPRINT: &str = "dd:44:45:49:d9:f6:4f:c0:24:2d:81:aa:c4:4b:83:c2";

fn row(name: &str) -> String {
    format!("#keypairs-table tr[data-keypair='{name}']")
}

async fn import_through_the_api(api: &TestClient, name: &str) {
    let reply = api
        .console_call(
            Method::POST,
            "os-keypairs",
            Some(&json!({"keypair": {"name": name, "type": "ssh", "public_key": PUBLIC_KEY}})),
        )
        .await;
    assert_eq!(reply.status_code(), 201, "import {name}: {}", reply.text);
}

/// The public key the API shows for `name`, or `None` when it has no such key pair.
async fn shown_public_key(api: &TestClient, name: &str) -> Option<String> {
    let reply = api
        .console_call(Method::GET, &format!("os-keypairs/{name}"), None)
        .await;
    match reply.status_code() {
        200 => reply.body["keypair"]["public_key"]
            .as_str()
            .map(str::to_owned),
        404 => None,
        status => panic!("show {name}: HTTP {status} {}", reply.text),
    }
}

async fn attribute(h: &Console, css: &str, name: &str) -> Option<String> {
    h.wait_for(css)
        .await
        .attr(name)
        .await
        .unwrap_or_else(|error| panic!("read {name} of `{css}`: {error}"))
}

async fn is_disabled(h: &Console, css: &str) -> bool {
    h.wait_for(css)
        .await
        .prop("disabled")
        .await
        .unwrap_or_else(|error| panic!("read disabled of `{css}`: {error}"))
        .as_deref()
        == Some("true")
}

async fn row_count(h: &Console) -> usize {
    h.browser
        .find_all(Locator::Css("#keypairs-table tbody tr"))
        .await
        .map(|rows| rows.len())
        .unwrap_or(0)
}

async fn wait_for_rows(h: &Console, expected: usize) {
    let deadline = std::time::Instant::now() + DEFAULT_WAIT;
    while row_count(h).await != expected {
        if std::time::Instant::now() > deadline {
            panic!(
                "the table did not show {expected} rows; the page shows:\n{}",
                h.body_text().await
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn dialog_is_open(h: &Console) -> bool {
    h.eval("return document.getElementById('delete-dialog').open;")
        .await
        .as_bool()
        .unwrap_or(false)
}

/// A fresh ed25519 public key line from `ssh-keygen`.
fn new_public_key(label: &str) -> String {
    let scratch = std::env::temp_dir().join(format!(
        "ecs-console-e2e-keypairs-{}-{label}",
        std::process::id()
    ));
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    let key_file = scratch.join("id_ed25519");
    let _ = std::fs::remove_file(&key_file);
    let _ = std::fs::remove_file(scratch.join("id_ed25519.pub"));
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "e2e@keypairs", "-f"])
        .arg(&key_file)
        .status()
        .expect("run ssh-keygen");
    assert!(status.success(), "ssh-keygen made a key");
    let public_key =
        std::fs::read_to_string(scratch.join("id_ed25519.pub")).expect("read the .pub file");
    let _ = std::fs::remove_dir_all(&scratch);
    public_key.trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn key_pairs_are_listed_imported_created_and_deleted_on_their_page() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    for name in ["old-1", "old-2", "keep-me"] {
        import_through_the_api(&api, name).await;
    }
    // Signed out, the page sends the visitor to sign-in (and the top bar has no link to it);
    // signing in comes back to it.
    h.open("/keypairs").await;
    h.wait_for("#sign-in-password").await;
    let link = "header nav a[href='/keypairs']";
    assert!(
        h.browser.find(Locator::Css(link)).await.is_err(),
        "the link is for signed-in users"
    );
    h.submit_demo_sign_in("proxy", None).await;
    h.wait_for("#keypairs-page").await;

    // The top bar leads there from any page, and marks the link as the page the user is on.
    h.click("header nav a[href='/create']").await;
    h.wait_for("#create-title").await;
    assert_eq!(attribute(&h, link, "aria-current").await, None);
    assert_eq!(text_of(&h, link).await, "Key pairs");
    h.click(link).await;
    h.wait_for("#keypairs-page").await;
    assert_eq!(
        attribute(&h, link, "aria-current").await.as_deref(),
        Some("page")
    );

    // Name, type, fingerprint and the creation time Nova's list leaves out.
    wait_for_rows(&h, 3).await;
    let keep = row("keep-me");
    assert_eq!(
        text_of(&h, &format!("{keep} td[data-label='Type']")).await,
        "ssh"
    );
    assert_eq!(
        text_of(&h, &format!("{keep} td[data-label='Fingerprint']")).await,
        FINGERPRINT
    );
    let created = format!("{keep} td[data-label='Created'] time");
    let shown = api
        .console_call(Method::GET, "os-keypairs/keep-me", None)
        .await;
    let created_at = shown.body["keypair"]["created_at"]
        .as_str()
        .expect("created_at");
    assert_eq!(
        attribute(&h, &created, "datetime").await.as_deref(),
        Some(created_at)
    );
    assert!(text_of(&h, &created).await.ends_with(" UTC"));

    // Filter by name.
    h.fill("#keypair-filter", "OLD").await;
    wait_for_rows(&h, 2).await;
    h.fill("#keypair-filter", "nothing like it").await;
    h.wait_for("#no-keypair-matches").await;
    // Emptied by typing (WebDriver's clear fires no input event): every row again.
    h.wait_for("#keypair-filter")
        .await
        .send_keys("\u{E009}a\u{E000}\u{E003}")
        .await
        .expect("empty the filter");
    wait_for_rows(&h, 3).await;

    // A taken name is refused before anything is sent.
    click_xpath(&h, "//summary[normalize-space()='Create a new key pair']").await;
    h.fill("#new-key-name", "old-1").await;
    h.wait_for_text("A key pair named old-1 already exists; choose another name.")
        .await;
    let create_button = "#keypairs-page form.subform button[type='submit']";
    assert_eq!(text_of(&h, create_button).await, "Create key pair");
    assert!(is_disabled(&h, create_button).await);

    // Create: the cloud generates the key, its private key downloads once.
    h.fill("#new-key-name", "page-key").await;
    h.click(create_button).await;
    h.wait_for_text("Private key of page-key downloaded as page-key.pem.")
        .await;
    h.wait_for_text("chmod 600 page-key.pem").await;
    h.wait_for(&row("page-key")).await;
    let pem = downloaded_file(&h, "page-key.pem").await;
    assert_eq!(
        key_material(&public_key_of(&pem)),
        key_material(&shown_public_key(&api, "page-key").await.expect("listed")),
        "the downloaded private key belongs to the key pair created"
    );

    // Leaving asks first, without claiming the downloaded key was not saved.
    h.click("header nav a[href='/servers']").await;
    let question = h
        .browser
        .get_alert_text()
        .await
        .expect("leaving asks first");
    h.browser.dismiss_alert().await.expect("stay on the page");
    assert!(question.contains("downloaded once"), "{question}");
    assert!(question.contains("chmod 600"), "{question}");
    assert!(!question.contains("has not been saved"), "{question}");
    assert_eq!(
        h.browser.current_url().await.expect("URL").path(),
        "/keypairs"
    );
    click_xpath(
        &h,
        "//button[normalize-space()='I have saved the private key']",
    )
    .await;

    // Import a pasted public key.
    let public_key = new_public_key("pasted");
    click_xpath(&h, "//summary[normalize-space()='Import a public key']").await;
    h.fill("#import-key-name", "pasted-key").await;
    h.fill("#import-public-key", &public_key).await;
    click_xpath(&h, "//button[normalize-space()='Import key pair']").await;
    h.wait_for_text("Key pair pasted-key imported.").await;
    h.wait_for(&row("pasted-key")).await;
    assert_eq!(
        key_material(&shown_public_key(&api, "pasted-key").await.expect("listed")),
        key_material(&public_key)
    );
    wait_for_rows(&h, 5).await;

    // A row's own Delete asks about that key pair only; Cancel keeps it.
    h.click(&format!("{keep} button.delete-one")).await;
    h.wait_until("the dialog to open", DEFAULT_WAIT, || dialog_is_open(&h))
        .await;
    assert_eq!(
        text_of(&h, "#delete-dialog-title").await,
        "Delete key pair keep-me?"
    );
    h.click("#delete-cancel").await;
    h.wait_until("the dialog to close", DEFAULT_WAIT, || async {
        !dialog_is_open(&h).await
    })
    .await;
    assert!(shown_public_key(&api, "keep-me").await.is_some());

    // Several at once: the dialog names each, and its button says Delete.
    assert!(
        is_disabled(&h, "#delete-selected").await,
        "nothing selected yet"
    );
    for name in ["old-1", "old-2"] {
        h.click(&format!("{} input[type='checkbox']", row(name)))
            .await;
    }
    h.wait_for_element_text("#delete-selected", "Delete selected (2)", DEFAULT_WAIT)
        .await;
    h.click("#delete-selected").await;
    h.wait_until("the dialog to open", DEFAULT_WAIT, || dialog_is_open(&h))
        .await;
    assert_eq!(
        text_of(&h, "#delete-dialog-title").await,
        "Delete 2 key pairs?"
    );
    assert_eq!(text_of(&h, "#delete-names").await, "old-1\nold-2");
    assert_eq!(text_of(&h, "#delete-confirm").await, "Delete");
    h.click("#delete-confirm").await;
    h.wait_for_text("Deleted key pairs old-1 and old-2.").await;
    h.wait_for_focus("delete-report").await;
    wait_for_rows(&h, 3).await;
    assert!(!dialog_is_open(&h).await);
    for name in ["old-1", "old-2"] {
        assert_eq!(shown_public_key(&api, name).await, None, "{name} is gone");
    }
    for name in ["keep-me", "page-key", "pasted-key"] {
        assert!(shown_public_key(&api, name).await.is_some(), "{name} stays");
    }

    h.shutdown().await;
}

/// Creates the key pair `name` on the page and waits for its notice.
async fn create_on_the_page(h: &Console, name: &str) {
    h.fill("#new-key-name", name).await;
    h.click("#keypairs-page form.subform button[type='submit']")
        .await;
    h.wait_for_text(&format!("Private key of {name} downloaded as {name}.pem."))
        .await;
}

/// The key pair names whose private key notices are on screen, top to bottom.
async fn notices(h: &Console) -> Vec<String> {
    let headlines = h
        .eval(
            "return [...document.querySelectorAll('#private-key-notice [role=region] strong')]\
               .map((headline) => headline.textContent);",
        )
        .await;
    serde_json::from_value::<Vec<String>>(headlines)
        .expect("headlines")
        .iter()
        .map(|headline| {
            headline
                .trim_start_matches("Private key of ")
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_created_key_keeps_its_notice_until_its_key_pair_is_deleted() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;
    h.open("/keypairs").await;
    h.wait_for("#no-keypairs").await;
    click_xpath(&h, "//summary[normalize-space()='Create a new key pair']").await;

    // A second key does not take the first one's notice: each can still be downloaded.
    create_on_the_page(&h, "first-key").await;
    create_on_the_page(&h, "second-key").await;
    assert_eq!(notices(&h).await, ["second-key", "first-key"]);
    h.wait_for_focus("private-key-notice").await;
    downloaded_file(&h, "first-key.pem").await;
    let second = downloaded_file(&h, "second-key.pem").await;
    std::fs::remove_file(&second).expect("remove the first download");
    click_xpath(
        &h,
        "//div[@role='region'][.//strong[starts-with(., 'Private key of second-key ')]]//button[normalize-space()='Download again']",
    )
    .await;
    assert_eq!(
        key_material(&public_key_of(&downloaded_file(&h, "second-key.pem").await)),
        key_material(&shown_public_key(&api, "second-key").await.expect("listed")),
        "each notice downloads its own key"
    );
    // Saving one leaves the other's question for leaving.
    click_xpath(
        &h,
        "//div[@role='region'][.//strong[starts-with(., 'Private key of second-key ')]]//button[normalize-space()='I have saved the private key']",
    )
    .await;
    h.click("header nav a[href='/servers']").await;
    let question = h
        .browser
        .get_alert_text()
        .await
        .expect("leaving asks first: first-key is not marked as saved");
    h.browser.dismiss_alert().await.expect("stay on the page");
    assert!(question.contains("downloaded once"), "{question}");

    // Deleting a key pair takes its notice away; leaving then asks nothing.
    h.click(&format!("{} button.delete-one", row("first-key")))
        .await;
    h.wait_until("the dialog to open", DEFAULT_WAIT, || dialog_is_open(&h))
        .await;
    h.click("#delete-confirm").await;
    h.wait_for_text("Deleted key pair first-key.").await;
    h.wait_until("the deleted key's notice to go", DEFAULT_WAIT, || async {
        notices(&h).await == ["second-key"]
    })
    .await;
    h.click("header nav a[href='/servers']").await;
    h.wait_for("#servers-page").await;

    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_taken_behind_the_forms_back_gets_advice_that_applies() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    h.open("/create").await;
    h.submit_demo_sign_in("proxy", None).await;
    h.wait_for("#create-title").await;
    h.wait_for("#key-pair").await;
    // The form listed the key pairs before this one was made elsewhere.
    import_through_the_api(&api, "raced").await;

    click_xpath(&h, "//summary[normalize-space()='Create a new key pair']").await;
    h.fill("#new-key-name", "raced").await;
    click_xpath(&h, "//button[normalize-space()='Create key pair']").await;
    h.wait_for_text("Key pair 'raced' already exists.").await;
    h.wait_for_text("HTTP 409").await;
    let notice = text_of(&h, "form.subform .error").await;
    assert!(notice.contains("Choose another name"), "{notice}");
    assert!(!notice.contains("Wait for the current task"), "{notice}");
    // The refusal was about that name: editing it clears it.
    h.fill("#new-key-name", "raced-2").await;
    h.wait_until("the refusal to go", DEFAULT_WAIT, || async {
        h.browser
            .find(Locator::Css("form.subform .error"))
            .await
            .is_err()
    })
    .await;

    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_way_back_from_a_server_is_not_marked_as_the_current_page() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    let server_id = api.create_server("e2e-back-link").await;
    h.open(&format!("/servers/{server_id}")).await;
    h.submit_demo_sign_in("proxy", None).await;
    h.wait_for("#server-title").await;
    let back = "#server-details a[href='/servers']";
    assert_eq!(text_of(&h, back).await, "← Servers");
    assert_eq!(attribute(&h, back, "aria-current").await, None);

    h.shutdown().await;
}
