//! The guide's whole procedure in headless Chromium against real OpenStack, Keystone 30 and
//! Nova 34 from PyPI (`tests/openstack/launch.py`), behind the gateway, with the same steps as
//! the simulator's tests.
//!
//! One real cloud serves every test here: it starts once per test process (about 11 s with the
//! venv installed, a minute more to install it) and stops when the process exits, since its
//! launcher stops when its stdin closes. Each test has its own gateway and browser, and its own
//! names in the cloud.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ecs_gateway::Upstream;
use ecs_sim::real_openstack::RealOpenStack;
use ecs_sim::test_client::TestClient;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::console::{
    a_pasted_token_signs_in, delete_and_see_it_marked_deleted, request_an_action,
};
use crate::create::{
    GuideChoices, a_401_on_create_returns_to_the_same_form_after_sign_in,
    assert_no_private_key_in_storage, click_xpath, create_a_key_pair_that_downloads,
    create_the_server_and_open_its_details, follow_the_server_to_active_with_an_address,
    import_a_public_key_from_a_pub_file, make_the_guides_choices,
    save_the_key_and_review_the_request, servers_named, table_rows,
};
use crate::server_actions::{
    is_disabled, resize_to_another_flavor, snapshot_until_active, text_of, wait_for_absence,
    wait_for_status_line,
};
use crate::support::{Console, DEFAULT_WAIT};

/// Real Nova's fake environment (`tests/openstack/nova_stack.py`).
const REAL_NOVA: GuideChoices = GuideChoices {
    zone: "az1.dc1",
    unavailable_zone: None,
    // m1.small: 2 GB of RAM, less than the Windows image's 4 GB.
    small_flavor: "2",
    image: "CentOS 7.9 64bit",
    image_min_disk: "40",
};
/// m1.medium: 2 vCPUs and 4 GB, which the Windows image fits too.
const FLAVOR: &str = "3";
const FLAVOR_NAME: &str = "m1.medium";

static CLOUD: OnceLock<RealOpenStack> = OnceLock::new();

/// The one real cloud of this test process, started by the first test that asks.
async fn real_cloud() -> &'static RealOpenStack {
    tokio::task::spawn_blocking(|| {
        CLOUD.get_or_init(|| {
            let cloud = RealOpenStack::start("*");
            eprintln!(
                "real OpenStack {:?} answered {:.1} s after start",
                cloud.endpoints.versions,
                cloud.started_in.as_secs_f64()
            );
            cloud
        })
    })
    .await
    .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()))
}

/// The gateway proxying to the real cloud, as `scripts/run --real-openstack` starts it, and a
/// browser.
async fn console_on(cloud: &RealOpenStack) -> Console {
    // Nova's root, so that every link it writes (`/v2.1/...` and its bookmarks) is proxied.
    let compute_root = cloud
        .endpoints
        .compute
        .strip_suffix("/v2.1")
        .expect("the launcher's compute endpoint ends in /v2.1");
    Console::start_against(vec![
        Upstream::new("identity", &cloud.endpoints.identity).expect("Keystone's URL"),
        Upstream::new("compute", compute_root).expect("Nova's URL"),
    ])
    .await
}

/// The demo user's client straight at the real cloud (for checks and set-up).
async fn demo_client(cloud: &RealOpenStack) -> TestClient {
    TestClient::sign_in(&cloud.endpoints.identity).await
}

/// Every list the form loads is there, from the real cloud: zones, flavors, images, networks,
/// key pairs and the quota, and none shows a failure.
async fn every_list_of_the_form_loads(h: &Console) {
    for zone in ["az1.dc1", "az2.dc1"] {
        h.wait_for(&format!("select#zone option[value='{zone}']"))
            .await;
    }
    let mut flavors = table_rows(h, "flavor-label").await;
    flavors.sort();
    assert_eq!(
        flavors,
        [
            "m1.large",
            "m1.medium",
            "m1.small",
            "m1.tiny",
            "m1.tiny.specs",
            "m1.xlarge"
        ],
        "the flavors Nova lists"
    );
    let mut images = table_rows(h, "image-label").await;
    images.sort();
    assert_eq!(
        images,
        [
            "CentOS 7.9 64bit",
            "EulerOS 2.5 64bit",
            "Ubuntu 22.04 server 64bit",
            "Windows Server 2019 Datacenter 64bit"
        ],
        "the images Nova lists"
    );
    let networks = h
        .eval(
            "return [...document.querySelectorAll(\"input[type='checkbox'][id^='network-']\")]\
               .map((box) => box.labels[0].textContent.trim());",
        )
        .await;
    for network in ["subnet-default", "subnet-db"] {
        assert!(
            networks
                .as_array()
                .into_iter()
                .flatten()
                .any(|label| label.as_str().is_some_and(|text| text.contains(network))),
            "network {network} is offered: {networks}"
        );
    }
    h.wait_for("select#key-pair").await;
    h.wait_for_text("Your quota allows 10 more servers, 20 more vCPUs and 50 GB more RAM.")
        .await;
    let failures = h
        .eval("return [...document.querySelectorAll('.list-state strong')].map((title) => title.textContent);")
        .await;
    assert_eq!(failures, json!([]), "a list of the form failed");
}

/// Nova's own record of what was done to the server, oldest first (`os-instance-actions`).
async fn instance_actions(api: &TestClient, server_id: &str) -> Vec<String> {
    let reply = api
        .get(&format!("servers/{server_id}/os-instance-actions"), "2.1")
        .await;
    assert_eq!(reply.status_code(), 200, "instance actions: {}", reply.text);
    let field = |action: &Value, key: &str| action[key].as_str().unwrap_or_default().to_owned();
    let mut actions: Vec<&Value> = reply.body["instanceActions"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    actions.sort_by_key(|action| field(action, "start_time"));
    actions
        .into_iter()
        .map(|action| field(action, "action"))
        .collect()
}

/// Waits until Nova has recorded `action` for the server and finished it (no task left).
async fn wait_for_nova_to_finish(h: &Console, api: &TestClient, server_id: &str, action: &str) {
    h.wait_until(
        &format!("Nova to record and finish {action}"),
        Duration::from_secs(30),
        || async {
            let server = api
                .console_call(Method::GET, &format!("servers/{server_id}"), None)
                .await
                .body;
            instance_actions(api, server_id)
                .await
                .iter()
                .any(|done| done == action)
                && server["server"]["OS-EXT-STS:task_state"].is_null()
        },
    )
    .await;
}

/// The details page and the servers list show `server` as Nova describes it: the flavor by
/// name, no image (it boots from a volume), the key pair, the zone and the volume that goes
/// with it.
async fn the_server_reads_as_nova_describes_it(h: &Console, server: &Value) {
    let text = |key: &str| server[key].as_str().unwrap_or_default().to_owned();
    let details = h
        .wait_for("#server-details")
        .await
        .text()
        .await
        .unwrap_or_default();
    let flavor = h
        .wait_for("#server-flavor")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        flavor.contains(FLAVOR_NAME) && flavor.contains("vCPU"),
        "the flavor by name: {flavor:?}"
    );
    h.wait_for_element_text("#server-image", "boot from volume", DEFAULT_WAIT)
        .await;
    let volume = server["os-extended-volumes:volumes_attached"][0]["id"]
        .as_str()
        .expect("an attached volume");
    for shown in [text("key_name"), text("OS-EXT-AZ:availability_zone")] {
        assert!(
            !shown.is_empty() && details.contains(&shown),
            "{shown:?} is shown:\n{details}"
        );
    }
    // The boot volume is a row of the Disks section (named by its id when it has no name).
    let disk_row = h
        .browser
        .wait()
        .at_most(DEFAULT_WAIT)
        .for_element(fantoccini::Locator::XPath(&format!(
            "//section[@id='server-details']//*[@id='disks']//tr[contains(., '{volume}')]"
        )))
        .await
        .unwrap_or_else(|error| panic!("the boot volume {volume} in Disks: {error}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        disk_row.contains("Deleted with the server"),
        "the boot volume goes with the server: {disk_row:?}"
    );

    h.click("header a[href='/servers']").await;
    h.wait_for("#servers-page").await;
    let row = format!(
        "//tr[.//a[@class='server-link' and normalize-space()='{}']]",
        text("name")
    );
    let status = h
        .browser
        .wait()
        .at_most(DEFAULT_WAIT)
        .for_element(fantoccini::Locator::XPath(&row))
        .await
        .unwrap_or_else(|error| panic!("the server in the list: {error}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        status.contains("ACTIVE")
            && status.contains(FLAVOR_NAME)
            && status.contains(REAL_NOVA.zone),
        "the list's row: {status:?}"
    );
    click_xpath(h, &format!("{row}//a")).await;
    h.wait_for_element_text("#server-status", "ACTIVE", DEFAULT_WAIT)
        .await;
}

/// The Connect section on a Nova-only cloud (this one's catalog has no Neutron): why no public
/// IP, the SSH line to the fixed address, the boot log Nova's fake driver returns, and the noVNC
/// URL Nova hands out (nothing listens there: the fake driver has no console to show).
async fn connect_reads_real_novas_answers(h: &Console, server: &Value, key_name: &str) {
    let text_of =
        |css: &'static str| async move { h.wait_for(css).await.text().await.unwrap_or_default() };
    let unavailable = text_of("#public-ip-unavailable").await;
    assert!(
        unavailable.contains("no network service (Neutron)"),
        "{unavailable}"
    );
    let fixed_address = server["addresses"]
        .as_object()
        .and_then(|networks| networks.values().next())
        .and_then(|addresses| addresses[0]["addr"].as_str())
        .expect("an ACTIVE server has an address")
        .to_owned();
    h.wait_until("the SSH command", DEFAULT_WAIT, || async {
        let command = text_of("#login-command").await;
        command.starts_with(&format!("ssh -i {key_name}.pem "))
            && command.ends_with(&format!("@{fixed_address}"))
    })
    .await;
    h.wait_until("the fake driver's boot log", DEFAULT_WAIT, || async {
        text_of("#boot-log")
            .await
            .contains("FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE")
    })
    .await;
    let console_tab = h.browser.window().await.expect("the console's tab");
    h.click("#console-open").await;
    h.wait_until("Nova's noVNC link", DEFAULT_WAIT, || async {
        let href = h
            .wait_for("#console-link")
            .await
            .attr("href")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        // Nova 34 puts the token in a percent-encoded `path` parameter.
        href.starts_with("http://127.0.0.1:6080/vnc_auto.html?") && href.contains("token")
    })
    .await;
    // The tab it opened (nothing answers there) hides the console's tab, which pauses its
    // refreshing: close it and go back.
    for tab in h.browser.windows().await.expect("tabs") {
        if tab != console_tab {
            h.browser.switch_to_window(tab).await.expect("switch tabs");
            h.browser
                .close_window()
                .await
                .expect("close the console tab");
        }
    }
    h.browser
        .switch_to_window(console_tab)
        .await
        .expect("back to the console");
}

/// The server as Nova shows it at 2.73 (description, locked_reason, the embedded flavor).
async fn nova_server_at_2_73(api: &TestClient, server_id: &str) -> Value {
    api.get(&format!("servers/{server_id}"), "2.73").await.body["server"].clone()
}

/// Issue 12's actions on the details page, each done by real Nova: rename with a description,
/// lock with a reason (Nova 34 has 2.73), pause, resize then confirm, resize then revert, and a
/// snapshot watched through Nova's image proxy (this cloud has no Glance in its catalog) until
/// active. Part of the guide's test so that no other test's server changes the quota it reads.
async fn day_two_on_real_nova(h: &Console, api: &TestClient, server_id: &str) {
    let nova_view = || nova_server_at_2_73(api, server_id);

    h.click("#manage-rename").await;
    h.wait_for_focus("rename-name").await;
    h.fill("#rename-name", "e2e-real-renamed").await;
    h.fill("#rename-description", "renamed on day two").await;
    h.click("#manage-rename-submit").await;
    h.wait_for_element_text("#server-title", "e2e-real-renamed", DEFAULT_WAIT)
        .await;
    let renamed = nova_view().await;
    assert_eq!(renamed["name"], "e2e-real-renamed");
    assert_eq!(renamed["description"], "renamed on day two");

    h.click("#manage-lock").await;
    h.wait_for("#manage-lock-title").await;
    h.fill("#lock-reason", "maintenance").await;
    h.click("#manage-lock-submit").await;
    h.wait_until("the lock to show", DEFAULT_WAIT, || async {
        text_of(h, "#lock-state").await.starts_with("Locked")
    })
    .await;
    let locked = nova_view().await;
    assert_eq!(locked["locked"], json!(true));
    assert_eq!(locked["locked_reason"], "maintenance");
    assert!(
        text_of(h, "#lock-state").await.contains("maintenance"),
        "the page shows why"
    );
    assert!(is_disabled(h, "#action-stop").await);
    h.click("#manage-unlock").await;
    wait_for_status_line(h, "Unlock done.").await;
    wait_for_nova_to_finish(h, api, server_id, "unlock").await;

    h.click("#manage-pause").await;
    h.click("#confirm-pause").await;
    h.wait_for_element_text("#server-status", "PAUSED", DEFAULT_WAIT)
        .await;
    wait_for_status_line(h, "Pause done: the server is PAUSED.").await;
    h.click("#manage-unpause").await;
    h.wait_for_element_text("#server-status", "ACTIVE", DEFAULT_WAIT)
        .await;
    wait_for_nova_to_finish(h, api, server_id, "unpause").await;

    let before = resize_to_another_flavor(h).await;
    let resized = nova_view().await["flavor"]["original_name"].clone();
    assert_ne!(resized, json!(FLAVOR_NAME), "Nova shows the new flavor");
    h.click("#manage-confirm-resize").await;
    h.wait_for_element_text("#server-status", "ACTIVE", DEFAULT_WAIT)
        .await;
    wait_for_absence(h, "#verify-resize").await;
    assert_eq!(nova_view().await["flavor"]["original_name"], resized);
    resize_to_another_flavor(h).await;
    h.click("#manage-revert-resize").await;
    h.click("#confirm-revert-resize").await;
    h.wait_for_element_text("#server-status", "ACTIVE", DEFAULT_WAIT)
        .await;
    wait_for_status_line(h, "Revert resize done: the server is ACTIVE.").await;
    wait_for_nova_to_finish(h, api, server_id, "revertResize").await;
    assert_eq!(
        nova_view().await["flavor"]["original_name"],
        resized,
        "revert goes back to the flavor confirmed before ({before} at first)"
    );

    snapshot_until_active(h, "e2e-real-snapshot").await;
    let image_id = text_of(h, "#snapshot-image-id").await;
    let image = api.get(&format!("images/{image_id}"), "2.35").await;
    assert_eq!(image.body["image"]["status"], "ACTIVE", "{}", image.text);
    assert_eq!(image.body["image"]["name"], "e2e-real-snapshot");
    // The cloud's image list stays as the other tests expect it.
    let deleted = api.delete(&format!("images/{image_id}"), "2.35").await;
    assert_eq!(deleted.status_code(), 204, "{}", deleted.text);
}

/// The key pairs page lists Nova's key pairs with Nova's fingerprints and deletes one through
/// its dialog.
async fn key_pairs_page_on_real_nova(h: &Console, api: &TestClient) {
    h.click("header nav a[href='/keypairs']").await;
    h.wait_for("#keypairs-page").await;
    let listed = api.get("os-keypairs", "2.2").await;
    for name in ["e2e-real-imported", "e2e-real-key"] {
        let row = format!("#keypairs-table tr[data-keypair='{name}']");
        let fingerprint = listed.body["keypairs"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|pair| pair["keypair"]["name"] == name)
            .map(|pair| pair["keypair"]["fingerprint"].clone())
            .unwrap_or_else(|| panic!("Nova lists {name}: {}", listed.text));
        assert_eq!(
            json!(text_of(h, &format!("{row} td[data-label='Fingerprint']")).await),
            fingerprint
        );
        // The creation times arrive after the list (one request per key pair): the rows are
        // drawn again then, so wait for them before pressing a row's button.
        h.wait_for(&format!("{row} td[data-label='Created'] time"))
            .await;
    }
    h.click("#keypairs-table tr[data-keypair='e2e-real-imported'] button.delete-one")
        .await;
    h.wait_for_element_text(
        "#delete-dialog-title",
        "Delete key pair e2e-real-imported?",
        DEFAULT_WAIT,
    )
    .await;
    h.click("#delete-confirm").await;
    h.wait_for_focus("delete-report").await;
    let gone = api.get("os-keypairs/e2e-real-imported", "2.2").await;
    assert_eq!(gone.status_code(), 404, "{}", gone.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guides_procedure_on_real_openstack() {
    let cloud = real_cloud().await;
    let h = console_on(cloud).await;
    let api = demo_client(cloud).await;
    let server_name = "e2e-real-1";

    h.sign_in_demo().await;
    make_the_guides_choices(&h, &REAL_NOVA, server_name, FLAVOR).await;
    every_list_of_the_form_loads(&h).await;

    import_a_public_key_from_a_pub_file(&h, &api, "e2e-real-imported").await;
    let private_key = create_a_key_pair_that_downloads(&h, &api, "e2e-real-key").await;
    save_the_key_and_review_the_request(&h, &REAL_NOVA, "e2e-real-key").await;

    let create_clicked = Instant::now();
    create_the_server_and_open_its_details(&h, &api, server_name).await;
    follow_the_server_to_active_with_an_address(&h).await;
    let to_active = create_clicked.elapsed();
    let url = h.browser.current_url().await.expect("current URL");
    let server_id = url
        .path()
        .strip_prefix("/servers/")
        .expect("the details page's address")
        .to_owned();
    let server = api
        .console_call(Method::GET, &format!("servers/{server_id}"), None)
        .await
        .body["server"]
        .clone();
    eprintln!(
        "real Nova: 'Create server' to ACTIVE on the details page took {:.1} s in the browser \
         (including the test's 1.5 s wait for a second request and the admin password's two \
         clicks); Nova: created {}, launched {}",
        to_active.as_secs_f64(),
        server["created"],
        server["OS-SRV-USG:launched_at"]
    );
    assert_eq!(server["status"], "ACTIVE");
    assert_eq!(server["key_name"], "e2e-real-key");
    assert_eq!(
        server["image"],
        json!(""),
        "booted from a volume, so no image"
    );
    assert_eq!(
        server["os-extended-volumes:volumes_attached"][0]["delete_on_termination"],
        json!(true),
        "the boot volume goes with the server: {server}"
    );

    the_server_reads_as_nova_describes_it(&h, &server).await;
    connect_reads_real_novas_answers(&h, &server, "e2e-real-key").await;

    request_an_action(&h, "action-stop", "Stop", "SHUTOFF").await;
    wait_for_nova_to_finish(&h, &api, &server_id, "stop").await;
    request_an_action(&h, "action-start", "Start", "ACTIVE").await;
    wait_for_nova_to_finish(&h, &api, &server_id, "start").await;
    request_an_action(&h, "action-reboot-soft", "Soft reboot", "ACTIVE").await;
    wait_for_nova_to_finish(&h, &api, &server_id, "reboot").await;
    h.wait_for_element_text("#server-status", "ACTIVE", DEFAULT_WAIT)
        .await;
    day_two_on_real_nova(&h, &api, &server_id).await;
    assert_eq!(
        instance_actions(&api, &server_id).await,
        [
            "create",
            "stop",
            "start",
            "reboot",
            "lock",
            "unlock",
            "pause",
            "unpause",
            "resize",
            "confirmResize",
            "resize",
            "revertResize",
            "createImage"
        ],
        "Nova did what the console asked, once each"
    );

    delete_and_see_it_marked_deleted(&h).await;
    h.wait_until("Nova to delete the server", DEFAULT_WAIT, || async {
        api.console_call(Method::GET, &format!("servers/{server_id}"), None)
            .await
            .status
            == StatusCode::NOT_FOUND
    })
    .await;
    key_pairs_page_on_real_nova(&h, &api).await;
    assert_no_private_key_in_storage(&h, &private_key).await;
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_from_real_keystone_signs_in() {
    let cloud = real_cloud().await;
    let h = console_on(cloud).await;
    let api = demo_client(cloud).await;
    h.open("/sign-in").await;
    h.click("#tab-token").await;
    h.wait_for("#sign-in-token").await;
    a_pasted_token_signs_in(&h, &api.token).await;
    h.wait_for("#servers-page").await;
    assert!(
        !h.body_text().await.contains("failed"),
        "the servers list loads with the pasted token:\n{}",
        h.body_text().await
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_revoked_in_keystone_returns_to_sign_in_with_the_form_kept() {
    let cloud = real_cloud().await;
    let h = console_on(cloud).await;
    let api = demo_client(cloud).await;
    let server_name = "e2e-real-kept";
    h.sign_in_demo().await;
    make_the_guides_choices(&h, &REAL_NOVA, server_name, FLAVOR).await;

    // The cloud's admin revokes the browser's token in Keystone.
    let token = h.browser_token().await.expect("signed in");
    let revoked = reqwest::Client::new()
        .delete(format!("{}/auth/tokens", cloud.endpoints.identity))
        .header("X-Auth-Token", &cloud.endpoints.admin_token)
        .header("X-Subject-Token", &token)
        .send()
        .await
        .expect("Keystone answers the revocation");
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT, "revoke the token");
    let refused = reqwest::Client::new()
        .get(format!("{}/servers/detail", api.compute))
        .header("X-Auth-Token", &token)
        .send()
        .await
        .expect("Nova answers");
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "Nova refuses the revoked token"
    );

    a_401_on_create_returns_to_the_same_form_after_sign_in(&h, &REAL_NOVA, server_name, FLAVOR)
        .await;
    assert_eq!(
        servers_named(&api, server_name).await,
        0,
        "the refused request created nothing"
    );
    let session: Value = h
        .eval("return window.sessionStorage.getItem('ecs-console.session');")
        .await;
    assert!(
        session
            .as_str()
            .is_some_and(|stored| !stored.contains(&token)),
        "the revoked token is forgotten"
    );
    h.shutdown().await;
}
