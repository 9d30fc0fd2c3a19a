//! End to end in headless Chromium: the servers list with more servers than a page holds. Sort
//! by name, page 2 (kept by a reload), filters by name, status, flavor and zone, a bulk stop
//! confirmed in a dialog that names the servers, and one row's own menu.

use std::time::Duration;

use ecs_sim::Quota;
use ecs_sim::test_client::TestClient;
use serde_json::{Value, json};

use crate::support::{Console, DEFAULT_WAIT, Harness, HarnessOptions};

/// Servers made by one request (Nova names them `list-1` … `list-55`), plus `db-main`.
const COPIES: u64 = 55;
const IMAGE: &str = "Ubuntu 22.04 server 64bit";

async fn create(api: &TestClient, body: Value) {
    let created = api.post("servers", "2.67", &body).await;
    assert_eq!(created.status.as_u16(), 202, "{}", created.text);
}

/// The names in the table, top to bottom.
async fn names(h: &Console) -> Vec<String> {
    let names = h
        .eval("return [...document.querySelectorAll('#servers-table tbody tr .server-link')].map((a) => a.textContent.trim());")
        .await;
    serde_json::from_value(names).expect("the row names")
}

async fn wait_for_names(h: &Console, what: &str, condition: impl Fn(&[String]) -> bool) {
    h.wait_until(what, DEFAULT_WAIT, || async { condition(&names(h).await) })
        .await;
}

/// The statuses in the table, top to bottom.
async fn statuses(h: &Console) -> Vec<String> {
    let statuses = h
        .eval("return [...document.querySelectorAll('#servers-table tbody td[data-label=\"Status\"]')].map((td) => td.textContent.trim());")
        .await;
    serde_json::from_value(statuses).expect("the row statuses")
}

/// Chooses `value` in the select `css`, as a user does (the change event applies it).
async fn choose(h: &Console, css: &str, value: &str) {
    h.wait_for(&format!("{css} option[value='{value}']")).await;
    h.eval(&format!(
        "const select = document.querySelector(\"{css}\");\
         select.value = '{value}';\
         select.dispatchEvent(new Event('change', {{bubbles: true}}));\
         return null;"
    ))
    .await;
}

async fn url_query(h: &Console) -> String {
    h.browser
        .current_url()
        .await
        .expect("the current URL")
        .query()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn filter_sort_page_and_act_on_many_servers() {
    let mut options = HarnessOptions::default();
    options.sim = options.sim.quota(Quota {
        instances: 60,
        cores: 100,
        ram_mb: 200_000,
        ..Quota::default()
    });
    let h = Harness::start_with(options).await;
    let api = h.demo_client().await;
    let image = api.image_named(IMAGE).await;
    let network = api.network_id("subnet-default").await;
    create(
        &api,
        json!({"server": {
            "name": "list", "flavorRef": "m1.small", "imageRef": image["id"],
            "networks": [{"uuid": network}], "min_count": COPIES, "max_count": COPIES,
        }}),
    )
    .await;
    create(
        &api,
        json!({"server": {
            "name": "db-main", "flavorRef": "m1.medium", "imageRef": image["id"],
            "networks": [{"uuid": network}], "availability_zone": "az2.dc1",
        }}),
    )
    .await;

    h.sign_in_demo().await;
    wait_for_names(&h, "a full first page", |names| names.len() == 50).await;
    assert_eq!(
        h.wait_for("#servers-page-number")
            .await
            .text()
            .await
            .unwrap_or_default(),
        "Page 1"
    );

    // Sorted by name (Nova sorts; "list-10" comes before "list-2" as text does).
    h.click("#sort-name").await;
    wait_for_names(&h, "the list sorted by name", |names| {
        names.len() == 50 && names[..3] == ["db-main", "list-1", "list-10"]
    })
    .await;
    assert!(url_query(&h).await.contains("sort=name&dir=asc"));
    let sorted_heading = h
        .eval(
            "return document.querySelector('#sort-name').closest('th').getAttribute('aria-sort');",
        )
        .await;
    assert_eq!(sorted_heading, "ascending");

    // Page 2: the six names after the first fifty, and no page after it.
    h.click("#servers-next").await;
    let page_two = ["list-54", "list-55", "list-6", "list-7", "list-8", "list-9"];
    wait_for_names(&h, "page 2", |names| names == page_two).await;
    h.wait_for_element_text("#servers-page-number", "Page 2", DEFAULT_WAIT)
        .await;
    assert!(url_query(&h).await.contains("after="));
    h.wait_until("Next to be off on the last page", DEFAULT_WAIT, || async {
        h.eval("return document.querySelector('#servers-next').disabled;")
            .await
            == true
    })
    .await;
    // A reload shows the same page, sorted the same way.
    h.browser.refresh().await.expect("reload");
    wait_for_names(&h, "page 2 after a reload", |names| names == page_two).await;
    h.wait_for_element_text("#servers-page-number", "Page 2", DEFAULT_WAIT)
        .await;
    h.click("#servers-previous").await;
    wait_for_names(&h, "page 1 again", |names| {
        names.len() == 50 && names[0] == "db-main"
    })
    .await;

    // Filter by name: list-5 and list-50 … list-55, still sorted by name.
    h.fill("#filter-name", "list-5").await;
    h.click("#filter-apply").await;
    let fives = [
        "list-5", "list-50", "list-51", "list-52", "list-53", "list-54", "list-55",
    ];
    wait_for_names(&h, "the name filter", |names| names == fives).await;
    assert!(url_query(&h).await.contains("name=list-5"));
    h.wait_until(
        "the servers to be ACTIVE",
        Duration::from_secs(60),
        || async {
            let statuses = statuses(&h).await;
            !statuses.is_empty() && statuses.iter().all(|status| status == "ACTIVE")
        },
    )
    .await;

    // Stop them all, confirmed once: the dialog names each and its button the action.
    h.click("#select-page").await;
    h.wait_for_element_text("#bulk-count", "7 servers selected", DEFAULT_WAIT)
        .await;
    h.click("#bulk-stop").await;
    h.wait_for("#bulk-confirm-dialog[open]").await;
    let listed: Vec<String> = serde_json::from_value(
        h.eval("return [...document.querySelectorAll('#bulk-confirm-names li')].map((li) => li.textContent);")
            .await,
    )
    .expect("the confirmation's names");
    assert_eq!(listed, fives);
    assert_eq!(
        h.wait_for("#bulk-confirm")
            .await
            .text()
            .await
            .unwrap_or_default(),
        "Stop 7 servers"
    );
    assert_eq!(
        h.focused_id().await,
        "bulk-cancel",
        "Cancel is where focus starts"
    );
    h.click("#bulk-confirm").await;
    h.wait_for_text("Stop: requested for 7 servers").await;
    let outcome_lines = h
        .eval("return document.querySelectorAll('#bulk-outcome-list li').length;")
        .await;
    assert_eq!(outcome_lines, 7, "one line per server");
    // The status filter (sent to Nova) finds them stopped.
    choose(&h, "#filter-status", "SHUTOFF").await;
    assert!(url_query(&h).await.contains("status=SHUTOFF"));
    h.wait_until("the stopped servers", Duration::from_secs(30), || async {
        names(&h).await == fives
    })
    .await;
    h.click("#filter-clear").await;
    wait_for_names(&h, "the cleared filters", |names| names.len() == 50).await;

    // The flavor filter (Nova) and the zone filter (the console) each find db-main alone.
    choose(&h, "#filter-flavor", "m1.medium").await;
    wait_for_names(&h, "the flavor filter", |names| names == ["db-main"]).await;
    h.click("#filter-clear").await;
    wait_for_names(&h, "the cleared filters", |names| names.len() == 50).await;
    choose(&h, "#filter-zone", "az2.dc1").await;
    wait_for_names(&h, "the zone filter", |names| names == ["db-main"]).await;
    assert!(url_query(&h).await.contains("zone=az2.dc1"));

    // db-main's own menu: Start is not offered to a running server; Stop asks first.
    h.wait_until("db-main to be ACTIVE", Duration::from_secs(30), || async {
        statuses(&h).await == ["ACTIVE"]
    })
    .await;
    let row = "#servers-table tbody tr";
    h.click(&format!("{row} summary")).await;
    let start_disabled = h
        .eval(&format!(
            "return document.querySelector('{row} .row-start').disabled;"
        ))
        .await;
    assert_eq!(start_disabled, true);
    h.click(&format!("{row} .row-stop")).await;
    h.wait_for("#bulk-confirm-dialog[open]").await;
    h.wait_for_element_text("#bulk-confirm-title", "Stop db-main?", DEFAULT_WAIT)
        .await;
    h.click("#bulk-confirm").await;
    h.wait_for_text("db-main: stop requested").await;
    h.wait_until("db-main to stop", Duration::from_secs(30), || async {
        statuses(&h).await == ["SHUTOFF"]
    })
    .await;
    h.shutdown().await;
}
