//! End to end in headless Chromium: the server page's Connect section against the simulator. A
//! public IP is assigned, reused and released; the SSH command, the host key fingerprints and
//! the remote console lead to the server; a Nova-only cloud says why it offers no public IP.

use std::time::{Duration, Instant};

use ecs_sim::test_client::{TestClient, Version};
use fantoccini::Locator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Console, DEFAULT_WAIT, Harness, HarnessOptions};

const KEY_NAME: &str = "connect-key";
const IMAGE: &str = "Ubuntu 22.04 server 64bit";
/// The image's `os_admin_user`.
const IMAGE_USER: &str = "ubuntu";

/// Creates the key pair and a server of the Ubuntu image with it, in security group `group`
/// (the simulator's `default` lets SSH in, `closed` nothing); returns the server's id.
async fn create_ubuntu_server(api: &TestClient, name: &str, group: &str) -> String {
    let key = api
        .console_call(
            Method::POST,
            "os-keypairs",
            Some(&json!({"keypair": {"name": KEY_NAME}})),
        )
        .await;
    // The answer carries a private key: only its status goes into a failure message.
    assert!(
        key.status.is_success(),
        "the key pair was refused: HTTP {}",
        key.status
    );
    let image = api.image_named(IMAGE).await;
    let network = api.network_id("subnet-default").await;
    let body = json!({"server": {
        "name": name,
        "flavorRef": "m1.small",
        "imageRef": image["id"],
        "key_name": KEY_NAME,
        "networks": [{"uuid": network}],
        "security_groups": [{"name": group}],
    }});
    let created = api.console_call(Method::POST, "servers", Some(&body)).await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    created.body["server"]["id"]
        .as_str()
        .expect("server id")
        .to_owned()
}

/// Signs in and opens the server's page, then waits until it is ACTIVE.
async fn open_until_active(h: &Console, server_id: &str) {
    h.sign_in_demo().await;
    h.open(&format!("/servers/{server_id}")).await;
    h.wait_for("#connect").await;
    h.wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(40))
        .await;
}

async fn text_of(h: &Console, css: &str) -> String {
    h.wait_for(css).await.text().await.unwrap_or_default()
}

/// The project's floating IPs as Neutron lists them.
async fn floating_ips(h: &Harness, api: &TestClient) -> Vec<Value> {
    let url = format!("{}/network/v2.0/floatingips", h.sim.base_url());
    let listed = api.call(Method::GET, &url, Version::Unset, None).await;
    assert_eq!(listed.status_code(), 200, "{}", listed.text);
    listed.body["floatingips"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Clicks Assign public IP and waits until the details show the address as floating; returns it.
pub(crate) async fn assign_public_ip(h: &Harness, api: &TestClient) -> String {
    h.click("#public-ip-assign").await;
    h.wait_for_focus("public-ip-status").await;
    h.wait_for("#public-ip-release").await;
    let ips = floating_ips(h, api).await;
    let associated: Vec<&Value> = ips.iter().filter(|ip| ip["port_id"].is_string()).collect();
    assert_eq!(associated.len(), 1, "one associated public IP: {ips:?}");
    let address = associated[0]["floating_ip_address"]
        .as_str()
        .expect("address")
        .to_owned();
    let status = text_of(h, "#public-ip-status").await;
    assert!(
        status.contains(&format!("Public IP {address} assigned")),
        "{status}"
    );
    let kind = h
        .eval(&format!(
            "const row = [...document.querySelectorAll('#addresses tbody tr')]\
               .find((row) => row.textContent.includes('{address}'));\
             return row ? row.querySelector(\"td[data-label='Type']\").textContent : null;"
        ))
        .await;
    assert_eq!(
        kind,
        json!("floating"),
        "Addresses list {address} as floating"
    );
    address
}

/// The host key fingerprints shown are the simulator's keys of the server, as ssh-keygen prints
/// their fingerprints.
pub(crate) async fn the_host_keys_are_the_simulators(h: &Harness, server_id: &str) {
    let mut expected = h
        .sim
        .simulator()
        .host_key_fingerprints(server_id)
        .await
        .expect("host keys")
        .expect("the server exists");
    h.wait_until("the host key fingerprints", DEFAULT_WAIT, || async {
        !text_of(h, "#host-keys").await.is_empty()
    })
    .await;
    let mut shown: Vec<String> = text_of(h, "#host-keys")
        .await
        .lines()
        .map(str::to_owned)
        .collect();
    expected.sort();
    shown.sort();
    assert!(!expected.is_empty());
    assert_eq!(shown, expected, "Host key fingerprints");
}

/// Opens the release confirmation and checks it keeps the keyboard: focus on Cancel, Tab goes
/// round its three buttons, Escape gives focus back to the button that opened it.
async fn open_the_release_confirmation(h: &Console) {
    h.click("#public-ip-release").await;
    h.wait_for_focus("public-ip-cancel").await;
    let question = text_of(h, "#public-ip-question").await;
    assert!(question.starts_with("Release public IP"), "{question}");
    let cancel = h.wait_for("#public-ip-cancel").await;
    cancel.send_keys("\u{e004}").await.expect("Tab");
    h.wait_for_focus("public-ip-keep").await;
    let keep = h.wait_for("#public-ip-keep").await;
    keep.send_keys("\u{e00c}").await.expect("Escape");
    h.wait_for_focus("public-ip-release").await;
    assert!(
        h.browser
            .find(Locator::Css("#public-ip-question"))
            .await
            .is_err(),
        "Escape closed the confirmation"
    );
    h.click("#public-ip-release").await;
    h.wait_for_focus("public-ip-cancel").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_ip_the_ssh_command_host_keys_and_the_console_lead_to_the_server() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    let server_id = create_ubuntu_server(&api, "connect-web", "default").await;
    open_until_active(&h, &server_id).await;

    // Without a public IP, the SSH command uses the fixed address and says where it works.
    h.wait_until(
        "the SSH command for the fixed address",
        DEFAULT_WAIT,
        || async {
            let command = text_of(&h, "#login-command").await;
            command.starts_with(&format!("ssh -i {KEY_NAME}.pem {IMAGE_USER}@192.168.0."))
        },
    )
    .await;
    let address_note = text_of(&h, "#login-address").await;
    assert!(
        address_note.contains("reachable only from inside the network"),
        "{address_note}"
    );

    // Assign: a new address from the pool, attached to the server's port.
    let address = assign_public_ip(&h, &api).await;
    h.wait_for_element_text(
        "#login-command",
        &format!("ssh -i {KEY_NAME}.pem {IMAGE_USER}@{address}"),
        DEFAULT_WAIT,
    )
    .await;
    assert_eq!(
        text_of(&h, "#login-address").await,
        format!("Public IP {address}.")
    );
    assert!(
        text_of(&h, "#login-user")
            .await
            .starts_with(&format!("User {IMAGE_USER}")),
        "the image's user"
    );
    assert_eq!(
        text_of(&h, "#login-chmod").await,
        format!("chmod 600 {KEY_NAME}.pem")
    );
    assert!(
        h.browser
            .find(Locator::Css("#login-port-warning"))
            .await
            .is_err(),
        "group default lets SSH in: no warning"
    );

    the_host_keys_are_the_simulators(&h, &server_id).await;
    let log = text_of(&h, "#boot-log").await;
    assert!(
        log.contains("-----BEGIN SSH HOST KEY FINGERPRINTS-----"),
        "the boot log is shown: {log}"
    );

    // Release, keeping the address: it stays in the project, and the next Assign reuses it.
    open_the_release_confirmation(&h).await;
    h.click("#public-ip-keep").await;
    h.wait_for("#public-ip-assign").await;
    h.wait_for_text(&format!("Public IP {address} released and kept"))
        .await;
    let kept = floating_ips(&h, &api).await;
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["floating_ip_address"], json!(address));
    assert_eq!(kept[0]["port_id"], Value::Null);
    assert_eq!(
        assign_public_ip(&h, &api).await,
        address,
        "the unused address is reused"
    );

    // Release and delete: the address goes back to the pool.
    open_the_release_confirmation(&h).await;
    h.click("#public-ip-delete").await;
    h.wait_for("#public-ip-assign").await;
    h.wait_for_text(&format!("Public IP {address} released and deleted"))
        .await;
    assert!(floating_ips(&h, &api).await.is_empty(), "deleted");
    assert!(!text_of(&h, "#addresses").await.contains(&address));

    // Open console: a new tab, and a link that leads to the simulator's page for this server.
    let tabs_before = h.browser.windows().await.expect("tabs").len();
    h.click("#console-open").await;
    // The link is there from the start, hidden, and gets its address with the answer.
    let deadline = Instant::now() + DEFAULT_WAIT;
    let href = loop {
        let link = h.wait_for("#console-link").await;
        if let Ok(Some(href)) = link.attr("href").await
            && link.is_displayed().await.unwrap_or(false)
        {
            break href;
        }
        assert!(Instant::now() < deadline, "no console link was shown");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let link = h.wait_for("#console-link").await;
    assert_eq!(
        link.attr("rel").await.expect("rel").as_deref(),
        Some("noopener noreferrer")
    );
    assert_eq!(
        link.attr("target").await.expect("target").as_deref(),
        Some("_blank")
    );
    h.wait_until("the console tab to open", DEFAULT_WAIT, || async {
        h.browser
            .windows()
            .await
            .map(|tabs| tabs.len())
            .unwrap_or(0)
            > tabs_before
    })
    .await;
    let page = reqwest::get(&href).await.expect("the console page answers");
    assert_eq!(page.status(), StatusCode::OK, "{href}");
    let page = page.text().await.expect("page text");
    assert!(page.contains("Console of connect-web"), "{page}");
    assert!(page.contains(&server_id), "{page}");

    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_nova_only_cloud_says_why_there_is_no_public_ip_and_warns_of_a_closed_group() {
    let h = Harness::start_with(HarnessOptions::nova_only()).await;
    let api = h.demo_client().await;
    let server_id = create_ubuntu_server(&api, "nova-only-web", "closed").await;
    open_until_active(&h, &server_id).await;

    let unavailable = text_of(&h, "#public-ip-unavailable").await;
    assert!(
        unavailable.contains("no network service (Neutron)"),
        "{unavailable}"
    );
    assert!(
        h.browser
            .find(Locator::Css("#public-ip-assign"))
            .await
            .is_err()
    );
    h.wait_until("the SSH command", DEFAULT_WAIT, || async {
        text_of(&h, "#login-command")
            .await
            .starts_with(&format!("ssh -i {KEY_NAME}.pem {IMAGE_USER}@192.168.0."))
    })
    .await;
    let address_note = text_of(&h, "#login-address").await;
    assert!(
        address_note.starts_with("Fixed address 192.168.0.")
            && address_note.contains("reachable only from inside the network"),
        "{address_note}"
    );
    // Nova's view of the server's groups says the login cannot get in.
    let warning = text_of(&h, "#login-port-warning").await;
    assert!(
        warning.starts_with("None of the server's security groups lets SSH (TCP 22) in"),
        "{warning}"
    );
    h.wait_until("the host key fingerprints", DEFAULT_WAIT, || async {
        text_of(&h, "#host-keys").await.contains("SHA256:")
    })
    .await;

    h.shutdown().await;
}
