//! End to end in headless Chromium: the servers list with more servers than a page holds. Sort
//! by name, page 2 (kept by a reload), filters by name, status, flavor and zone (each zone
//! offered once), a bulk stop confirmed in a dialog that names the servers and reported until
//! the servers are stopped, and the rows' own menus (over the page, one at a time, closed by
//! Escape, a click elsewhere or a choice). Then a locked server's mark and the sort control of
//! the narrow, card-like list; and the reason each server is left out of a bulk action (its lock
//! or its state), the status badges' looks, and the row menu's keys (arrows, Home/End, Escape).

use std::time::Duration;

use ecs_sim::Quota;
use ecs_sim::test_client::TestClient;
use serde_json::{Value, json};

use crate::support::{Console, DEFAULT_WAIT, Harness, HarnessOptions};

/// The rows' menu buttons.
const MENU_BUTTONS: &str = "#servers-table tbody .row-menu-button";

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

/// How many rows' menus show their actions (the test asks the browser what is visible, so it
/// holds however a menu is built).
async fn open_menus(h: &Console) -> u64 {
    h.eval(
        "return [...document.querySelectorAll('#servers-table .row-menu .menu')]\
           .filter((menu) => menu.checkVisibility()).length;",
    )
    .await
    .as_u64()
    .expect("a count")
}

/// The element id of the `n`th row's menu button (from 1).
async fn menu_button_id(h: &Console, n: usize) -> String {
    let id = h
        .eval(&format!(
            "return document.querySelectorAll('{MENU_BUTTONS}')[{}].id;",
            n - 1
        ))
        .await;
    id.as_str().expect("a menu button id").to_owned()
}

/// The table's size and its scroll box's extent: what opening a menu must not change.
async fn table_layout(h: &Console) -> Value {
    h.eval(
        "const table = document.querySelector('#servers-table').getBoundingClientRect();\
         const wrap = document.querySelector('#servers-table').closest('.table-wrap');\
         return [table.width, table.height, wrap.scrollWidth, wrap.scrollHeight];",
    )
    .await
}

/// The items of the open menu of button `id` that are not whole in the viewport, or that
/// something else covers (a scroll box clipping them): empty when all can be seen and clicked.
async fn menu_items_out_of_view(h: &Console, id: &str) -> Value {
    h.eval(&format!(
            "const items = [...document.querySelector('#{id}').closest('.row-menu').querySelectorAll('.menu button')];\
             return items.filter((item) => {{\
               const box = item.getBoundingClientRect();\
               const inside = box.top >= 0 && box.left >= 0\
                 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;\
               const seen = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);\
               return !inside || seen !== item;\
             }}).map((item) => item.textContent + ' at ' + JSON.stringify(item.getBoundingClientRect()));"
        ))
        .await
}

/// The rows' menus behave as menus: one open at a time, over the page without moving the
/// table, closed by a click elsewhere, by Escape (focus back on its button) and by a choice;
/// the last row's menu is whole within the viewport.
async fn row_menus_behave_as_menus(h: &Console) {
    let first = menu_button_id(h, 1).await;
    // Far enough down not to be under the first row's open menu.
    let other = menu_button_id(h, 10).await;
    let layout = table_layout(h).await;
    h.click(&format!("#{first}")).await;
    h.wait_until("the first row's menu to open", DEFAULT_WAIT, || async {
        open_menus(h).await == 1
    })
    .await;
    assert_eq!(
        table_layout(h).await,
        layout,
        "an open menu does not move the table"
    );
    h.click(&format!("#{other}")).await;
    h.wait_until("the other row's menu alone", DEFAULT_WAIT, || async {
        open_menus(h).await == 1
            && h.eval(&format!(
                "return document.querySelector('#{other}').closest('.row-menu').querySelector('.menu').checkVisibility();"
            ))
            .await
                == true
    })
    .await;
    // A click elsewhere closes it.
    h.click("#servers-title").await;
    h.wait_until(
        "a click elsewhere to close the menu",
        DEFAULT_WAIT,
        || async { open_menus(h).await == 0 },
    )
    .await;
    // Escape from inside the menu closes it and gives focus back to its button.
    h.click(&format!("#{first}")).await;
    h.wait_until("the menu to open again", DEFAULT_WAIT, || async {
        open_menus(h).await == 1
    })
    .await;
    h.eval(&format!(
        "document.querySelector('#{first}').closest('.row-menu').querySelector('.row-delete').focus(); return null;"
    ))
    .await;
    assert_eq!(
        h.eval("return document.activeElement.classList.contains('row-delete');")
            .await,
        true,
        "focus is on the menu's Delete"
    );
    h.browser
        .active_element()
        .await
        .expect("the focused item")
        .send_keys("\u{e00c}")
        .await
        .expect("Escape");
    h.wait_until("Escape to close the menu", DEFAULT_WAIT, || async {
        open_menus(h).await == 0
    })
    .await;
    h.wait_for_focus(&first).await;

    // The last row's menu, its button at the bottom of the viewport: every action is whole
    // in the viewport and not hidden by the table's scroll box.
    let rows = h
        .eval(&format!(
            "return document.querySelectorAll('{MENU_BUTTONS}').length;"
        ))
        .await
        .as_u64()
        .expect("a count");
    let last = menu_button_id(h, usize::try_from(rows).expect("a row count")).await;
    h.eval(&format!(
        "document.querySelector('#{last}').scrollIntoView({{block: 'end'}}); return null;"
    ))
    .await;
    h.click(&format!("#{last}")).await;
    h.wait_until("the last row's menu to open", DEFAULT_WAIT, || async {
        open_menus(h).await == 1
    })
    .await;
    let hidden = menu_items_out_of_view(h, &last).await;
    assert_eq!(
        hidden,
        json!([]),
        "the last row's menu items are all in view"
    );
    // Choosing an action closes the menu; cancelling its confirmation gives focus back.
    h.click(&format!("#{last} ~ .menu .row-delete")).await;
    h.wait_for("#bulk-confirm-dialog[open]").await;
    assert_eq!(open_menus(h).await, 0, "a choice closes the menu");
    h.click("#bulk-cancel").await;
    h.wait_for_focus(&last).await;
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
    // Rows are rebuilt when their text changes: the menus are tried on steady rows.
    h.wait_until(
        "the first page to be ACTIVE",
        Duration::from_secs(60),
        || async {
            let statuses = statuses(&h).await;
            statuses.len() == 50 && statuses.iter().all(|status| status == "ACTIVE")
        },
    )
    .await;
    row_menus_behave_as_menus(&h).await;

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
    // The report follows the list until each server has stopped.
    h.wait_for_text_within("Stop: done for 7 servers.", Duration::from_secs(30))
        .await;
    let lines: Vec<String> = serde_json::from_value(
        h.eval("return [...document.querySelectorAll('#bulk-outcome-list li')].map((li) => li.textContent);")
            .await,
    )
    .expect("the report's lines");
    let stopped: Vec<String> = fives
        .iter()
        .map(|name| format!("{name}: stop done: the server is SHUTOFF."))
        .collect();
    assert_eq!(lines, stopped);
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
    // The simulator's zone list names az1.dc1 twice, as the ECS guide's does: offered once.
    let zones = h
        .eval("return [...document.querySelectorAll('#filter-zone option')].map((option) => option.value);")
        .await;
    assert_eq!(zones, json!(["", "az1.dc1", "az2.dc1", "az3.dc1"]));

    // db-main's own menu: Start is not offered to a running server; Stop asks first.
    h.wait_until("db-main to be ACTIVE", Duration::from_secs(30), || async {
        statuses(&h).await == ["ACTIVE"]
    })
    .await;
    let row = "#servers-table tbody tr";
    h.click(&format!("{row} .row-menu-button")).await;
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
    h.wait_for_text_within(
        "db-main: stop done: the server is SHUTOFF.",
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(statuses(&h).await, ["SHUTOFF"]);
    h.shutdown().await;
}

/// The texts of the rows' "Locked" marks, by server name.
async fn locked_marks(h: &Console) -> Value {
    h.eval(
        "return [...document.querySelectorAll('#servers-table tbody tr')]\
           .filter((row) => row.querySelector('td[data-label=\"Status\"] .locked-mark'))\
           .map((row) => row.querySelector('.server-link').textContent.trim() + ': '\
             + row.querySelector('.locked-mark').textContent.trim());",
    )
    .await
}

async fn is_visible(h: &Console, css: &str) -> bool {
    h.eval(&format!(
        "return document.querySelector('{css}').checkVisibility();"
    ))
    .await
        == true
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_server_is_marked_and_narrow_cards_can_be_sorted() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    let mut bravo = String::new();
    for name in ["bravo", "alpha", "charlie"] {
        let id = api.create_server(name).await;
        if name == "bravo" {
            bravo = id;
        }
    }
    let locked = api
        .post(
            &format!("servers/{bravo}/action"),
            "2.67",
            &json!({"lock": null}),
        )
        .await;
    assert_eq!(locked.status.as_u16(), 202, "{}", locked.text);

    h.sign_in_demo().await;
    wait_for_names(&h, "the three servers", |names| names.len() == 3).await;
    assert_eq!(locked_marks(&h).await, json!(["bravo: Locked"]));

    // Wide, the headings sort and the narrow control is hidden.
    assert!(!is_visible(&h, "#sort-column").await);
    h.browser
        .set_window_size(360, 800)
        .await
        .expect("a narrow window");
    h.wait_until("the narrow sort control", DEFAULT_WAIT, || async {
        is_visible(&h, "#sort-column").await
            && h.eval("return document.querySelector('#servers-table thead').getBoundingClientRect().height;")
                .await
                .as_f64()
                .is_some_and(|height| height <= 1.0)
    })
    .await;
    choose(&h, "#sort-column", "name").await;
    wait_for_names(&h, "the cards sorted by name", |names| {
        names == ["alpha", "bravo", "charlie"]
    })
    .await;
    assert!(url_query(&h).await.contains("sort=name&dir=asc"));
    choose(&h, "#sort-direction", "desc").await;
    wait_for_names(&h, "the cards sorted by name, Z to A", |names| {
        names == ["charlie", "bravo", "alpha"]
    })
    .await;
    assert!(url_query(&h).await.contains("sort=name&dir=desc"));
    let shown: Vec<String> = serde_json::from_value(
        h.eval("return ['#sort-column', '#sort-direction'].map((css) => document.querySelector(css).value);")
            .await,
    )
    .expect("the control's values");
    assert_eq!(shown, ["name", "desc"], "the control shows the sort");
    h.assert_no_sideways_scrolling("document.documentElement", "the servers list", 360)
        .await;
    // The last card's menu, at the bottom of the narrow viewport, is whole in view.
    let last = menu_button_id(&h, 3).await;
    h.eval(&format!(
        "document.querySelector('#{last}').scrollIntoView({{block: 'end'}}); return null;"
    ))
    .await;
    h.click(&format!("#{last}")).await;
    h.wait_until("the last card's menu to open", DEFAULT_WAIT, || async {
        open_menus(&h).await == 1
    })
    .await;
    assert_eq!(menu_items_out_of_view(&h, &last).await, json!([]));
    h.shutdown().await;
}

/// Presses `key` where focus is, as a user does.
async fn press(h: &Console, key: fantoccini::key::Key) {
    h.browser
        .active_element()
        .await
        .expect("the focused element")
        .send_keys(&char::from(key).to_string())
        .await
        .expect("press a key");
}

/// The class of the focused row-menu item ("row-stop"), or "" when focus is elsewhere.
async fn focused_item(h: &Console) -> String {
    h.eval(
        "const item = document.activeElement.closest('.menu [role=\"menuitem\"]');\
         return item ? item.classList[0] : '';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn wait_for_focused_item(h: &Console, class: &str) {
    h.wait_until(&format!("focus on .{class}"), DEFAULT_WAIT, || async {
        focused_item(h).await == class
    })
    .await;
}

/// The rows' status badges: "<text> <class>".
async fn badges(h: &Console) -> Vec<String> {
    let badges = h
        .eval("return [...document.querySelectorAll('#servers-table tbody .status')].map((badge) => badge.textContent + ' ' + badge.className);")
        .await;
    serde_json::from_value(badges).expect("the badges")
}

/// Each status family's badge as computed in a row: its colour, background and their contrast.
async fn badge_looks(h: &Console) -> Vec<(String, String, String, f64)> {
    let looks = h
        .eval(
            "const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };\
             const luminance = (color) => {\
               const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map(Number).map(channel);\
               return 0.2126 * r + 0.7152 * g + 0.0722 * b; };\
             const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);\
               return (x + 0.05) / (y + 0.05); };\
             const cell = document.querySelector('#servers-table tbody td[data-label=\"Status\"]');\
             return ['steady', 'stopped', 'transitional', 'set-aside', 'error'].map((family) => {\
               const badge = document.createElement('span');\
               badge.className = 'status ' + family;\
               badge.textContent = 'STATUS';\
               cell.append(badge);\
               const style = getComputedStyle(badge);\
               const look = [family, style.color, style.backgroundColor, ratio(style.color, style.backgroundColor)];\
               badge.remove();\
               return look;\
             });",
        )
        .await;
    serde_json::from_value(looks).expect("the badges' looks")
}

/// The looks of the five families: each readable (WCAG AA, 4.5:1 on its own opaque background)
/// and each its own colour.
fn assert_distinct_and_readable(looks: &[(String, String, String, f64)], scheme: &str) {
    for (family, color, background, ratio) in looks {
        assert!(
            *ratio >= 4.5,
            "{scheme}: the {family} badge's contrast is {ratio:.2} ({color} on {background})"
        );
        assert!(
            background.starts_with("rgb(") && background != "rgb(255, 255, 255)",
            "{scheme}: the {family} badge has its own background, not {background}"
        );
    }
    let mut colors: Vec<&str> = looks.iter().map(|look| look.1.as_str()).collect();
    colors.sort_unstable();
    colors.dedup();
    assert_eq!(
        colors.len(),
        5,
        "{scheme}: five families, five colours: {looks:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn left_out_servers_are_named_with_their_reason_and_row_menus_follow_the_arrow_keys() {
    use fantoccini::key::Key;

    let h = Harness::start().await;
    let api = h.demo_client().await;
    let alpha = api.create_server("alpha").await;
    let app = api.create_server("app-1").await;
    let charlie = api.create_server("charlie").await;
    for id in [&alpha, &app, &charlie] {
        api.wait_for(id, Duration::from_secs(30), |reply| {
            reply.body["server"]["status"] == "ACTIVE"
        })
        .await;
    }
    // app-1 and charlie stopped; app-1 locked as well.
    for id in [&app, &charlie] {
        let stop = api
            .post(
                &format!("servers/{id}/action"),
                "2.67",
                &json!({"os-stop": null}),
            )
            .await;
        assert_eq!(stop.status.as_u16(), 202, "{}", stop.text);
        api.wait_for(id, Duration::from_secs(30), |reply| {
            reply.body["server"]["status"] == "SHUTOFF"
                && reply.body["server"]["OS-EXT-STS:task_state"].is_null()
        })
        .await;
    }
    let lock = api
        .post(
            &format!("servers/{app}/action"),
            "2.67",
            &json!({"lock": null}),
        )
        .await;
    assert_eq!(lock.status.as_u16(), 202, "{}", lock.text);

    h.sign_in_demo().await;
    wait_for_names(&h, "the three servers", |names| names.len() == 3).await;
    h.wait_until("the stopped servers", DEFAULT_WAIT, || async {
        let mut shown = badges(&h).await;
        shown.sort();
        shown
            == [
                "ACTIVE status steady",
                "SHUTOFF status stopped",
                "SHUTOFF status stopped",
            ]
    })
    .await;
    assert_eq!(locked_marks(&h).await, json!(["app-1: Locked"]));

    // Running and stopped look different (the badges above); every family is readable in
    // both schemes.
    let light = badge_looks(&h).await;
    assert_distinct_and_readable(&light, "light");
    h.emulate_color_scheme("dark").await;
    let dark = badge_looks(&h).await;
    assert_distinct_and_readable(&dark, "dark");
    assert_ne!(light, dark, "the dark scheme has its own badges");
    h.emulate_color_scheme("light").await;

    // All three selected: each button counts the servers it goes to, without a "(0)".
    h.click("#select-page").await;
    for (button, label) in [
        ("#bulk-start", "Start 1 of 3…"),
        ("#bulk-stop", "Stop 1 of 3…"),
        ("#bulk-reboot", "Reboot (soft) 1 of 3…"),
        ("#bulk-delete", "Delete 2 of 3…"),
    ] {
        h.wait_for_element_text(button, label, DEFAULT_WAIT).await;
    }
    // Start leaves out the locked app-1 for its lock, not for its (stopped) state.
    h.click("#bulk-start").await;
    h.wait_for("#bulk-confirm-dialog[open]").await;
    let left_out = h
        .wait_for("#bulk-left-out")
        .await
        .text()
        .await
        .expect("the text");
    assert!(left_out.contains("app-1 (locked)"), "{left_out}");
    assert!(
        left_out.contains("alpha (its state is ACTIVE)"),
        "{left_out}"
    );
    assert!(!left_out.contains("app-1 (its state"), "{left_out}");
    assert!(!left_out.contains("charlie"), "{left_out}");
    h.click("#bulk-cancel").await;
    h.wait_for_focus("bulk-start").await;
    // Delete too: only the lock stands in its way.
    h.click("#bulk-delete").await;
    h.wait_for("#bulk-confirm-dialog[open]").await;
    h.wait_for_element_text(
        "#bulk-left-out",
        "Not included: app-1 (locked). A locked server is unlocked on its own page.",
        DEFAULT_WAIT,
    )
    .await;
    h.click("#bulk-cancel").await;
    h.click("#bulk-unselect").await;

    // alpha's menu from the keyboard: Enter opens it on its first enabled item (Start is not
    // offered to a running server); the arrows move and wrap, Home and End jump, Escape closes
    // it and gives focus back to its button.
    let opener = format!("row-menu-{alpha}");
    h.eval(&format!(
        "document.getElementById('{opener}').focus(); return null;"
    ))
    .await;
    h.wait_for_focus(&opener).await;
    press(&h, Key::Enter).await;
    wait_for_focused_item(&h, "row-stop").await;
    assert_eq!(open_menus(&h).await, 1);
    for (key, item) in [
        (Key::Down, "row-reboot"),
        (Key::Down, "row-delete"),
        (Key::Down, "row-stop"),
        (Key::Up, "row-delete"),
        (Key::Home, "row-stop"),
        (Key::End, "row-delete"),
        (Key::Up, "row-reboot"),
    ] {
        press(&h, key).await;
        wait_for_focused_item(&h, item).await;
    }
    press(&h, Key::Escape).await;
    h.wait_until("Escape to close the menu", DEFAULT_WAIT, || async {
        open_menus(&h).await == 0
    })
    .await;
    h.wait_for_focus(&opener).await;

    // The menu's ellipsis marks what asks first: Start goes at once (as on the details page),
    // Stop asks.
    let charlie_menu = format!("row-menu-{charlie}");
    h.click(&format!("#{charlie_menu}")).await;
    wait_for_focused_item(&h, "row-start").await;
    let labels: Vec<String> = serde_json::from_value(
        h.eval(&format!(
            "return [...document.querySelectorAll('#row-menu-list-{charlie} [role=\"menuitem\"]')].map((item) => item.textContent);"
        ))
        .await,
    )
    .expect("the menu's labels");
    assert_eq!(labels, ["Start", "Stop…", "Reboot (soft)…", "Delete…"]);
    h.click(&format!("#row-menu-list-{charlie} .row-start"))
        .await;
    h.wait_for_text("charlie: start").await;
    assert_eq!(
        h.eval("return document.querySelector('#bulk-confirm-dialog').open;")
            .await,
        false,
        "Start asked nothing"
    );
    h.wait_for_text_within(
        "charlie: start done: the server is ACTIVE.",
        Duration::from_secs(30),
    )
    .await;
    h.shutdown().await;
}
