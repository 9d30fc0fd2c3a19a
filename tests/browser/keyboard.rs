//! The whole guide with the keyboard only: sign in, choose the zone, flavor, image and network,
//! create a key pair (its private key downloads), create the server (it boots from a new volume)
//! and follow it to ACTIVE on its details page. The test never clicks: it presses Tab, Shift+Tab,
//! Space, Enter and the arrow keys (WebDriver key actions), and types text into the focused field.

use std::time::Duration;

use ecs_sim::DEMO;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::json;

use crate::create::{FLAVOR, IMAGE, downloaded_file, property};
use crate::support::{Console, DEFAULT_WAIT, Harness};

/// More Tab presses than any page here has stops: reaching a control takes fewer.
const MAX_PRESSES: usize = 150;

/// Presses `keys` together (a chord such as Shift+Tab) and lets them go, as one key action.
async fn press(h: &Console, keys: &[Key]) {
    let mut actions = KeyActions::new("keyboard".to_owned());
    for key in keys {
        actions = actions.then(KeyAction::Down {
            value: char::from(*key),
        });
    }
    for key in keys.iter().rev() {
        actions = actions.then(KeyAction::Up {
            value: char::from(*key),
        });
    }
    h.browser
        .perform_actions(actions)
        .await
        .unwrap_or_else(|error| panic!("press {keys:?}: {error}"));
}

/// What has the focus, for messages.
async fn focused(h: &Console) -> String {
    h.eval(
        "const el = document.activeElement;\
         return el ? `${el.tagName.toLowerCase()}#${el.id} \"${(el.textContent || el.value || '').trim().slice(0, 60)}\"` : 'nothing';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// True when the focused element `el` satisfies the script expression `condition`.
async fn focus_is(h: &Console, condition: &str) -> bool {
    h.eval(&format!(
        "const el = document.activeElement; return Boolean(el && ({condition}));"
    ))
    .await
        == json!(true)
}

/// Presses `keys` until the focused element satisfies `condition` (a script expression on `el`).
async fn move_focus_to(h: &Console, keys: &[Key], condition: &str, what: &str) {
    for _ in 0..MAX_PRESSES {
        if focus_is(h, condition).await {
            return;
        }
        press(h, keys).await;
    }
    panic!(
        "{what} never got the focus with {keys:?} ({MAX_PRESSES} presses); focus is on {}",
        focused(h).await
    );
}

async fn tab_to(h: &Console, condition: &str, what: &str) {
    move_focus_to(h, &[Key::Tab], condition, what).await;
}

async fn shift_tab_to(h: &Console, condition: &str, what: &str) {
    move_focus_to(h, &[Key::Shift, Key::Tab], condition, what).await;
}

/// The condition "the focused element matches `css`".
fn matches(css: &str) -> String {
    format!("el.matches({})", json!(css))
}

/// The condition "the focused element is a button (or summary) reading `text`".
fn control_reading(text: &str) -> String {
    format!(
        "['BUTTON', 'SUMMARY', 'A'].includes(el.tagName) && el.textContent.trim() === {}",
        json!(text)
    )
}

/// Types `text` into the focused field.
async fn type_text(h: &Console, text: &str) {
    let field = h.browser.active_element().await.expect("a focused element");
    if let Err(error) = field.send_keys(text).await {
        panic!("type into {}: {error}", focused(h).await);
    }
}

/// Presses `key` until the script expression `done` holds (on the page; `el` is the focused
/// element), e.g. arrows through a select or a radio group until the wanted choice is made.
async fn arrow_until(h: &Console, key: Key, done: &str, what: &str) {
    for _ in 0..MAX_PRESSES {
        if focus_is(h, done).await {
            return;
        }
        press(h, &[key]).await;
    }
    panic!(
        "{what}: not reached with {key:?}; focus is on {}",
        focused(h).await
    );
}

async fn sign_in(h: &Console) {
    h.open("/sign-in").await;
    h.wait_for("#sign-in-password").await;
    // The sign-in methods are tabs: the arrows show the token form and go back.
    tab_to(h, &matches("#tab-password"), "the Password tab").await;
    press(h, &[Key::Right]).await;
    h.wait_for("#sign-in-token").await;
    assert!(focus_is(h, &matches("#tab-token")).await);
    press(h, &[Key::Left]).await;
    h.wait_for("#sign-in-password").await;
    assert!(focus_is(h, &matches("#tab-password")).await);

    // The gateway's proxy is the default connection.
    assert_eq!(
        property(h, "input[name='connection-mode'][value='proxy']", "checked").await,
        "true"
    );
    for (id, value) in [
        ("user-domain", DEMO.domain),
        ("user-name", DEMO.user),
        ("password", DEMO.password),
    ] {
        tab_to(h, &matches(&format!("#{id}")), id).await;
        type_text(h, value).await;
    }
    // Back to the user name to check it, then on to the project.
    shift_tab_to(h, &matches("#user-name"), "the user name").await;
    assert_eq!(property(h, "#user-name", "value").await, DEMO.user);
    tab_to(h, &matches("#project"), "the project").await;
    type_text(h, DEMO.project).await;
    press(h, &[Key::Enter]).await;
    h.wait_for("#servers-page").await;
}

/// The create form, section by section.
async fn fill_the_form(h: &Console, server_name: &str, key_name: &str) {
    // The page's heading has the focus after a route change; the menu is above it.
    shift_tab_to(
        h,
        &matches("header a[href='/create']"),
        "the Create server link",
    )
    .await;
    press(h, &[Key::Enter]).await;
    h.wait_for("#create-title").await;
    h.wait_for("select#zone option[value='az1.dc1']").await;

    tab_to(h, &matches("select#zone"), "the zone").await;
    arrow_until(h, Key::Down, "el.value === 'az1.dc1'", "the zone az1.dc1").await;

    let flavor_radio = format!("el.id === {}", json!(format!("flavor-{FLAVOR}")));
    h.wait_for("input[name='flavor']").await;
    tab_to(h, &matches("input[name='flavor']"), "the flavors").await;
    arrow_until(
        h,
        Key::Down,
        &format!("{flavor_radio} && el.checked"),
        "the flavor",
    )
    .await;

    let image_radio = format!(
        "el.name === 'image' && el.checked && document.querySelector(`label[for='${{el.id}}']`).textContent.trim() === {}",
        json!(IMAGE)
    );
    h.wait_for("input[name='image']").await;
    tab_to(h, &matches("input[name='image']"), "the images").await;
    arrow_until(h, Key::Down, &image_radio, "the image").await;

    tab_to(
        h,
        &matches("input[type='checkbox'][id^='network-']"),
        "the network",
    )
    .await;
    press(h, &[Key::Space]).await;
    assert!(focus_is(h, "el.checked").await, "Space ticks the network");

    // A new key pair: the cloud makes it, and its private key downloads at once.
    tab_to(
        h,
        &control_reading("Create a new key pair"),
        "the Create a new key pair expander",
    )
    .await;
    press(h, &[Key::Enter]).await;
    tab_to(h, &matches("#new-key-name"), "the key pair name").await;
    type_text(h, key_name).await;
    tab_to(h, &control_reading("Create key pair"), "Create key pair").await;
    press(h, &[Key::Enter]).await;
    h.wait_for_focus("private-key-notice").await;
    let pem = downloaded_file(h, &format!("{key_name}.pem")).await;
    let private_key = std::fs::read_to_string(pem).expect("read the downloaded key");
    assert!(
        private_key.contains("PRIVATE KEY-----"),
        "not a private key"
    );
    tab_to(
        h,
        &control_reading("I have saved the private key"),
        "I have saved the private key",
    )
    .await;
    press(h, &[Key::Space]).await;
    h.wait_for_focus("private-key-notice").await;
    h.wait_until("the new key pair to be chosen", DEFAULT_WAIT, || async {
        property(h, "#key-pair", "value").await == key_name
    })
    .await;

    tab_to(h, &matches("#server-name"), "the server name").await;
    type_text(h, server_name).await;
    // The guide's server boots from a new volume made from the image.
    h.wait_for_text("\"destination_type\": \"volume\"").await;
    h.wait_for_text(&format!("\"key_name\": \"{key_name}\""))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_guide_works_with_the_keyboard_alone() {
    let h = Harness::start().await;
    sign_in(&h).await;
    fill_the_form(&h, "keyboard-1", "keyboard-key").await;

    tab_to(&h, &control_reading("Create server"), "Create server").await;
    press(&h, &[Key::Enter]).await;
    h.wait_for_text("Admin password, shown only this once")
        .await;
    tab_to(
        &h,
        &control_reading("I have noted the admin password"),
        "I have noted the admin password",
    )
    .await;
    press(&h, &[Key::Space]).await;
    h.wait_for_focus("admin-password-noted").await;
    tab_to(
        &h,
        &control_reading("Continue to the server"),
        "Continue to the server",
    )
    .await;
    press(&h, &[Key::Enter]).await;
    h.wait_for("#server-details").await;
    h.wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(40))
        .await;
    let server_id = h
        .browser
        .current_url()
        .await
        .expect("URL")
        .path()
        .trim_start_matches("/servers/")
        .to_owned();
    let api = h.demo_client().await;
    let server = api.get(&format!("servers/{server_id}"), "2.67").await;
    assert_eq!(server.body["server"]["name"], "keyboard-1");
    assert_eq!(server.body["server"]["key_name"], "keyboard-key");
    assert_eq!(server.body["server"]["flavor"]["original_name"], FLAVOR);
    assert_eq!(
        server.body["server"]["OS-EXT-AZ:availability_zone"],
        "az1.dc1"
    );
    assert_eq!(
        server.body["server"]["os-extended-volumes:volumes_attached"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "it boots from a volume: {}",
        server.text
    );
    h.shutdown().await;
}
