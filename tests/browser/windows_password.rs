//! End to end in headless Chromium: a Windows server created with a key pair the console
//! generated shows its password, decrypted in the browser (in the password worker) with the
//! private key file that downloaded once; the password and the key are gone when the dialog
//! closes.

use std::path::PathBuf;
use std::time::Duration;

use ecs_sim::test_client::TestClient;
use fantoccini::Locator;
use fantoccini::key::Key;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::create::{
    assert_no_private_key_in_storage, click_xpath, create_a_key_pair_that_downloads,
};
use crate::support::{Console, DEFAULT_WAIT, Harness};

const KEY_NAME: &str = "e2e-rdp";
const WINDOWS_IMAGE: &str = "Windows Server 2019 Datacenter 64bit";
const OPENER: &str = "#windows-password-open";
const KEY_INPUT: &str = "#windows-password-key";
const PASSWORD: &str = "#windows-password";

/// A Windows server booting from a volume of the Windows image, with the key pair.
async fn create_windows_server(api: &TestClient, name: &str) -> String {
    let mut body = api.guide_server(name).await;
    let image = api.image_named(WINDOWS_IMAGE).await;
    body["server"]["block_device_mapping_v2"][0]["uuid"] = image["id"].clone();
    body["server"]["block_device_mapping_v2"][0]["volume_size"] = json!("60");
    body["server"]["key_name"] = json!(KEY_NAME);
    let created = api.console_call(Method::POST, "servers", Some(&body)).await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    created.body["server"]["id"]
        .as_str()
        .expect("server id")
        .to_owned()
}

async fn dialog_is_open(h: &Console) -> bool {
    h.eval("return !!document.querySelector('dialog[open]');")
        .await
        .as_bool()
        .unwrap_or(false)
}

/// Opens the dialog with the keyboard's focus landing on the file input.
async fn open_the_dialog(h: &Console) {
    h.click(OPENER).await;
    h.wait_until("the dialog to open", DEFAULT_WAIT, || dialog_is_open(h))
        .await;
    h.wait_for_focus("windows-password-key").await;
}

/// Picks `file` in the dialog's file input, as a user choosing it in the browser's file picker.
async fn pick(h: &Console, file: &std::path::Path) {
    h.wait_for(KEY_INPUT)
        .await
        .send_keys(file.to_str().expect("a UTF-8 path"))
        .await
        .unwrap_or_else(|error| panic!("pick {}: {error}", file.display()));
}

/// A scratch file holding `contents`, removed with the test's temp folder.
fn scratch_file(h: &Console, name: &str, contents: &str) -> PathBuf {
    let path = h.download_dir().with_file_name(name);
    std::fs::write(&path, contents).expect("write a scratch file");
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn the_windows_password_is_decrypted_with_the_downloaded_key_and_forgotten_on_close() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;

    // The cloud generates the key pair in the create form; the private key downloads once.
    h.open("/create").await;
    let private_key = create_a_key_pair_that_downloads(&h, &api, KEY_NAME).await;
    click_xpath(
        &h,
        "//button[normalize-space()='I have saved the private key']",
    )
    .await;
    let key_file = h.download_dir().join(format!("{KEY_NAME}.pem"));

    let id = create_windows_server(&api, "e2e-win").await;
    h.open(&format!("/servers/{id}")).await;
    h.wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(40))
        .await;
    let expected = h
        .sim
        .simulator()
        .windows_password(&id)
        .expect("the guest set a password");

    // Nothing of the worker is downloaded before it is needed.
    let worker_loaded = "return performance.getEntriesByType('resource')\
         .some((entry) => entry.name.includes('password-worker'));";
    assert_eq!(h.eval(worker_loaded).await, json!(false));

    open_the_dialog(&h).await;
    h.wait_for_text(&format!(
        "the file {KEY_NAME}.pem saved when the key pair was created"
    ))
    .await;

    // A public key picked by mistake is refused with a sentence.
    let listed = api
        .console_call(Method::GET, &format!("os-keypairs/{KEY_NAME}"), None)
        .await;
    let public_key = listed.body["keypair"]["public_key"]
        .as_str()
        .expect("public key");
    let public_file = scratch_file(&h, &format!("{KEY_NAME}.pub"), public_key);
    pick(&h, &public_file).await;
    h.wait_for_text("This is a public key.").await;
    assert!(h.browser.find(Locator::Css(PASSWORD)).await.is_err());

    // The downloaded private key decrypts the password the guest set.
    pick(&h, &key_file).await;
    h.wait_for_element_text(PASSWORD, &expected, DEFAULT_WAIT)
        .await;
    h.wait_for_focus("windows-password-result").await;
    assert!(
        !h.body_text().await.contains("This is a public key."),
        "the earlier error is gone"
    );

    // Escape closes the dialog: the password leaves the page, focus returns to the button.
    h.browser
        .active_element()
        .await
        .expect("the focused element")
        .send_keys(&Key::Escape.to_string())
        .await
        .expect("press Escape");
    h.wait_until("the dialog to close", DEFAULT_WAIT, || async {
        !dialog_is_open(&h).await
    })
    .await;
    h.wait_for_focus("windows-password-open").await;
    // The dialog's `close` event (queued after it closes) is what clears the password.
    h.wait_until("the password to leave the page", DEFAULT_WAIT, || async {
        h.browser.find(Locator::Css(PASSWORD)).await.is_err()
    })
    .await;
    let page = h
        .eval("return document.documentElement.outerHTML;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        !page.contains(&expected),
        "the password is gone from the DOM"
    );
    assert_eq!(
        h.eval("return document.getElementById('windows-password-key').value;")
            .await,
        json!(""),
        "the file input holds no file"
    );

    // Opened again, the dialog starts empty; its Close button closes it too.
    open_the_dialog(&h).await;
    assert!(h.browser.find(Locator::Css(PASSWORD)).await.is_err());
    click_xpath(&h, "//dialog//button[normalize-space()='Close']").await;
    h.wait_until("the dialog to close", DEFAULT_WAIT, || async {
        !dialog_is_open(&h).await
    })
    .await;
    h.wait_for_focus("windows-password-open").await;

    // Once the password is cleared in Nova (as `nova clear-password` does), there is none to
    // decrypt: the dialog says it is not set yet.
    let cleared = api
        .console_call(
            Method::DELETE,
            &format!("servers/{id}/os-server-password"),
            None,
        )
        .await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT, "{}", cleared.text);
    open_the_dialog(&h).await;
    pick(&h, &key_file).await;
    h.wait_for_text("The password is not set yet").await;
    assert!(h.browser.find(Locator::Css(PASSWORD)).await.is_err());

    // Neither the password nor the key was stored anywhere.
    assert_no_private_key_in_storage(&h, &private_key).await;
    assert!(!h.storage().await.contains(&expected));

    h.shutdown().await;
}
