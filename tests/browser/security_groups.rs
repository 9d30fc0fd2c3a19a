//! End to end in headless Chromium: the create form's security groups (with a warning when the
//! choice keeps SSH out), the groups a created server has, images' Glance visibility, and the
//! whole create flow on a Nova-only cloud (images, networks and groups through Nova's proxies).

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::create::{
    GuideChoices, click_xpath, create_the_server_and_open_its_details,
    follow_the_server_to_active_with_an_address, make_the_guides_choices,
};
use crate::support::{Console, DEFAULT_WAIT, Harness, HarnessOptions};

/// The simulator's catalogue, as the create tests choose from it.
const SIMULATOR: GuideChoices = GuideChoices {
    zone: "az1.dc1",
    unavailable_zone: Some("az3.dc1"),
    small_flavor: "s6.small.1",
    image: "CentOS 7.9 64bit",
    image_min_disk: "40",
};

const FLAVOR: &str = "c1.large";

/// The checkbox of the security group the request names `name`.
fn group_box(name: &str) -> String {
    format!("[aria-labelledby='security-groups-label'] input[type='checkbox'][value='{name}']")
}

async fn is_checked(h: &Console, css: &str) -> bool {
    h.wait_for(css)
        .await
        .prop("checked")
        .await
        .unwrap_or_else(|error| panic!("read checked of `{css}`: {error}"))
        .as_deref()
        == Some("true")
}

/// The advice next to the security groups ("" when there is none).
async fn advice(h: &Console) -> String {
    h.wait_for("#security-groups-advice")
        .await
        .text()
        .await
        .unwrap_or_default()
}

async fn wait_for_advice(h: &Console, what: &str, condition: impl Fn(&str) -> bool) {
    h.wait_until(what, DEFAULT_WAIT, || async { condition(&advice(h).await) })
        .await;
}

/// What the review's summary lists for `term`.
async fn review_row(h: &Console, term: &str) -> String {
    let script = format!(
        "const term = [...document.querySelectorAll('dl.summary dt')]\
           .find((dt) => dt.textContent.trim() === '{term}');\
         return term ? term.nextElementSibling.textContent : null;"
    );
    h.eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The text of every `pre` block of the review (the request body, then curl).
async fn review_blocks(h: &Console) -> Vec<String> {
    let blocks = h
        .eval("return [...document.querySelectorAll('.create-form pre')].map((pre) => pre.textContent);")
        .await;
    serde_json::from_value(blocks).expect("the review's blocks")
}

/// The id of the only server named `name`.
async fn server_id_named(api: &ecs_sim::test_client::TestClient, name: &str) -> String {
    let reply = api.console_call(Method::GET, "servers/detail", None).await;
    assert_eq!(reply.status_code(), 200, "list servers: {}", reply.text);
    let servers: Vec<&Value> = reply.body["servers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|server| server["name"] == name)
        .collect();
    assert_eq!(servers.len(), 1, "one server named {name}");
    servers[0]["id"].as_str().expect("server id").to_owned()
}

/// The names of the groups `path` lists under `security_groups`, sorted.
async fn group_names(api: &ecs_sim::test_client::TestClient, path: &str) -> Vec<String> {
    let reply = api.console_call(Method::GET, path, None).await;
    assert_eq!(reply.status_code(), 200, "GET {path}: {}", reply.text);
    let body = if reply.body["server"].is_object() {
        &reply.body["server"]
    } else {
        &reply.body
    };
    let mut names: Vec<String> = body["security_groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|group| group["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The visibility tag in the image row labelled `image` ("" for none).
async fn visibility_tag(h: &Console, image: &str) -> String {
    let script = format!(
        "const label = [...document.querySelectorAll(\"table[aria-labelledby='image-label'] tbody label\")]\
           .find((label) => label.textContent.trim() === '{image}');\
         const tag = label && label.parentElement.querySelector('.tag');\
         return tag ? tag.textContent : '';"
    );
    h.eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_that_keeps_ssh_out_warns_before_create_and_default_clears_it() {
    let h = Harness::start().await;
    h.sign_in_demo().await;
    make_the_guides_choices(&h, &SIMULATOR, "e2e-closed", FLAVOR).await;

    // Every group of the project, each with what it lets in; `default` is chosen at first, and
    // it lets SSH in: nothing to warn about.
    assert!(is_checked(&h, &group_box("default")).await);
    assert!(!is_checked(&h, &group_box("web")).await);
    assert!(!is_checked(&h, &group_box("closed")).await);
    h.wait_for_text("SSH (22), ICMP from anywhere").await;
    h.wait_for_text("TCP 80, 443 from anywhere").await;
    h.wait_for_text("no inbound rules").await;
    assert_eq!(advice(&h).await, "");

    // Only `closed`: the form warns, next to the field, that SSH cannot get in.
    h.click(&group_box("closed")).await;
    h.click(&group_box("default")).await;
    wait_for_advice(&h, "the SSH warning", |text| {
        text.contains("None of these security groups lets SSH (TCP 22) in")
    })
    .await;
    let advice_in_section = h
        .eval(
            "return document.getElementById('security-groups-advice').closest('fieldset')\
               .querySelector('legend').textContent;",
        )
        .await;
    assert_eq!(advice_in_section, json!("Security groups"));
    // Advice, not a problem: the review still builds the request, naming `closed` only.
    h.wait_until("the review to name closed", DEFAULT_WAIT, || async {
        review_row(&h, "Security groups").await == "closed"
    })
    .await;
    let blocks = review_blocks(&h).await;
    assert!(
        blocks[0].contains(r#""security_groups": ["#) && blocks[0].contains(r#""name": "closed""#),
        "the body names closed: {}",
        blocks[0]
    );
    assert!(!blocks[0].contains(r#""name": "default""#));
    assert!(
        blocks[1].contains(r#"[{"name":"closed"}]"#),
        "curl: {}",
        blocks[1]
    );

    // `web` lets HTTP in, not SSH: still warned.
    h.click(&group_box("web")).await;
    h.wait_until(
        "the review to name web and closed",
        DEFAULT_WAIT,
        || async { review_row(&h, "Security groups").await == "web, closed" },
    )
    .await;
    assert!(advice(&h).await.contains("SSH (TCP 22)"));

    // Re-adding `default` clears the warning.
    h.click(&group_box("default")).await;
    wait_for_advice(&h, "the warning to go", str::is_empty).await;

    // No group at all is allowed: the cloud applies `default`, and the form says so.
    for name in ["default", "web", "closed"] {
        h.click(&group_box(name)).await;
    }
    wait_for_advice(&h, "the note about default", |text| {
        text == "No group chosen: the cloud applies the project's default group."
    })
    .await;
    assert_eq!(
        review_row(&h, "Security groups").await,
        "none chosen: the cloud applies default"
    );
    assert!(!review_blocks(&h).await[0].contains("security_groups"));

    // A Windows image needs Remote Desktop in, which `default` does not allow.
    h.click(&group_box("default")).await;
    click_xpath(
        &h,
        "//label[normalize-space()='Windows Server 2019 Datacenter 64bit']",
    )
    .await;
    wait_for_advice(&h, "the Remote Desktop warning", |text| {
        text.contains("Remote Desktop (TCP 3389)")
    })
    .await;

    // Glance's visibility shows as a tag by the image's name, and a phone-sized window still
    // fits the form without scrolling sideways.
    assert_eq!(visibility_tag(&h, "CentOS 7.9 64bit").await, "public");
    assert_eq!(
        visibility_tag(&h, "DBS-MySQL-Image_2.1.3.3").await,
        "private"
    );
    h.browser
        .set_window_size(360, 800)
        .await
        .expect("resize the window");
    h.assert_no_sideways_scrolling("document.documentElement", "the page", 360)
        .await;

    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_created_with_two_groups_has_both() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;
    make_the_guides_choices(&h, &SIMULATOR, "e2e-two-groups", FLAVOR).await;

    h.click(&group_box("web")).await;
    h.wait_until("the review to list both groups", DEFAULT_WAIT, || async {
        review_row(&h, "Security groups").await == "default, web"
    })
    .await;
    let blocks = review_blocks(&h).await;
    assert!(
        blocks[1].contains(r#""security_groups":[{"name":"default"},{"name":"web"}]"#),
        "curl sends both groups: {}",
        blocks[1]
    );

    create_the_server_and_open_its_details(&h, &api, "e2e-two-groups").await;
    let server_id = server_id_named(&api, "e2e-two-groups").await;
    assert_eq!(
        group_names(&api, &format!("servers/{server_id}")).await,
        ["default", "web"],
        "the server has both groups"
    );
    // Once its ports are bound, Nova's view of the server's groups agrees.
    let groups_path = format!("servers/{server_id}/os-security-groups");
    h.wait_until(
        "the server's ports to carry both groups",
        Duration::from_secs(30),
        || async { group_names(&api, &groups_path).await == ["default", "web"] },
    )
    .await;

    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_nova_only_cloud_creates_a_server_through_novas_proxies() {
    let h = Harness::start_with(HarnessOptions::nova_only()).await;
    let api = h.demo_client().await;
    h.sign_in_demo().await;

    // Images (Nova's proxy: no visibility), networks and groups all come from Nova.
    make_the_guides_choices(&h, &SIMULATOR, "e2e-nova-only", FLAVOR).await;
    assert_eq!(visibility_tag(&h, "CentOS 7.9 64bit").await, "");
    assert!(is_checked(&h, &group_box("default")).await);
    h.wait_for_text("SSH (22), ICMP from anywhere").await;
    h.wait_for_text("no inbound rules").await;
    assert!(
        !h.body_text().await.contains("Could not load"),
        "every list loads"
    );
    h.wait_until("the review to name default", DEFAULT_WAIT, || async {
        review_row(&h, "Security groups").await == "default"
    })
    .await;
    let blocks = review_blocks(&h).await;
    assert!(blocks[0].contains(r#""name": "default""#), "{}", blocks[0]);

    create_the_server_and_open_its_details(&h, &api, "e2e-nova-only").await;
    follow_the_server_to_active_with_an_address(&h).await;
    let server_id = server_id_named(&api, "e2e-nova-only").await;
    assert_eq!(
        group_names(&api, &format!("servers/{server_id}")).await,
        ["default"]
    );
    // The catalog had no image or network service: nothing went past Nova.
    let catalog_services = h
        .eval(
            "const session = JSON.parse(window.sessionStorage.getItem('ecs-console.session'));\
             return [session.image_endpoint ?? null, session.network_endpoint ?? null];",
        )
        .await;
    assert_eq!(catalog_services, json!([null, null]));

    h.shutdown().await;
}
