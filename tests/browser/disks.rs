//! End to end in headless Chromium: a server's disks against the simulator's Cinder and Nova.
//! The Disks section comes right after the fields (the Overview counts the disks and links
//! there) and before Connect. A new data disk is created, watched until it is attached, shown
//! with its size and type, detached after a confirmation naming it (the line follows the
//! detach to its end) and then deleted, confirmed; the system disk cannot be detached; at 360 px
//! the table is one card per disk. An available volume can be deleted from the attach picker.
//! A volume left by a failed attach is named and offered for deletion; the attach form takes
//! focus and gives it back; a used-up volume count is the new volume's error, not a 0 GB size;
//! a locked server's attach is disabled with the reason, and the title shows the lock.
//! On a cloud without Cinder the disks come from Nova alone. The Overview marks a locked server,
//! and a server whose boot volume failed is told to be made again, not rebooted. The create form
//! offers the cloud's volume types and refuses a system disk larger than the visible maximum.

use std::time::Duration;

use ecs_sim::test_client::TestClient;
use reqwest::StatusCode;
use serde_json::{Value, json};

use ecs_sim::VolumeQuota;

use crate::support::{Console, DEFAULT_WAIT, Harness, HarnessOptions};

/// Creating the volume, waiting for it and attaching it take a few of the simulator's
/// transitions (1 s each in the harness).
const DISK_WAIT: Duration = Duration::from_secs(40);

/// The visible text of the element matching `css` ("" when absent).
async fn text_of(h: &Console, css: &str) -> String {
    let script =
        format!("const e = document.querySelector({css:?}); return e ? e.innerText : '';",);
    h.eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The cloud's volume type names, asked of the simulator's Cinder directly.
async fn cloud_volume_types(h: &Harness, api: &TestClient) -> Vec<String> {
    let url = format!("{}/volume/v3/{}/types", h.sim.base_url(), api.project_id());
    let body: Value = reqwest::Client::new()
        .get(url)
        .header("X-Auth-Token", &api.token)
        .send()
        .await
        .expect("the types request is answered")
        .json()
        .await
        .expect("the types are JSON");
    body["volume_types"]
        .as_array()
        .expect("a volume_types list")
        .iter()
        .map(|kind| kind["name"].as_str().expect("a type name").to_owned())
        .collect()
}

/// A call to the simulator's Cinder as the demo project (`path` under `/v3/{project}/`).
async fn cinder(
    h: &Harness,
    api: &TestClient,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let url = format!("{}/volume/v3/{}/{path}", h.sim.base_url(), api.project_id());
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("X-Auth-Token", &api.token);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("Cinder answers");
    let status = response.status();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Cinder's status of a volume, `None` once it is gone (404).
async fn volume_status(h: &Harness, api: &TestClient, volume_id: &str) -> Option<String> {
    let (status, body) = cinder(
        h,
        api,
        reqwest::Method::GET,
        &format!("volumes/{volume_id}"),
        None,
    )
    .await;
    if status == StatusCode::NOT_FOUND {
        return None;
    }
    assert_eq!(status, StatusCode::OK, "{body}");
    body["volume"]["status"].as_str().map(str::to_owned)
}

/// The id of the server's data volume named `name` (Nova's attachments, Cinder's names).
async fn volume_named(h: &Harness, api: &TestClient, name: &str) -> String {
    let (status, body) = cinder(h, api, reqwest::Method::GET, "volumes/detail", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|volume| volume["name"] == name)
        .and_then(|volume| volume["id"].as_str())
        .unwrap_or_else(|| panic!("a volume named {name} in {body}"))
        .to_owned()
}

/// Opens the server's page once it is ACTIVE and waits for its Disks section's table.
async fn open_disks(h: &Console, api: &TestClient, server_id: &str) {
    api.wait_for(server_id, DISK_WAIT, |reply| {
        reply.body["server"]["status"] == "ACTIVE"
    })
    .await;
    h.sign_in_demo().await;
    h.open(&format!("/servers/{server_id}")).await;
    // The system disk's row (the page's text is in the failure message).
    h.wait_for_text_within("System disk", DISK_WAIT).await;
}

#[tokio::test]
async fn a_new_data_disk_is_attached_shown_with_size_and_type_and_detached() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    let server_id = api.create_server("disks-1").await;
    open_disks(&h, &api, &server_id).await;

    // Disks come right after the fields and before Connect; the Overview counts the disks and
    // links to the section instead of listing them a second time.
    let order = h
        .eval(
            "const disks = document.getElementById('disks');\
             const connect = document.getElementById('connect');\
             const fields = document.getElementById('overview-title');\
             return [\
               !!(fields.compareDocumentPosition(disks) & Node.DOCUMENT_POSITION_FOLLOWING),\
               !!(disks.compareDocumentPosition(connect) & Node.DOCUMENT_POSITION_FOLLOWING)];",
        )
        .await;
    assert_eq!(
        order,
        json!([true, true]),
        "Overview, then Disks, then Connect"
    );
    assert_eq!(
        h.eval("return document.getElementById('volumes-title');")
            .await,
        Value::Null,
        "no second list of volumes in the fields"
    );
    assert_eq!(text_of(&h, "#server-disks").await, "1 disk — see Disks");
    assert_eq!(
        h.eval("return document.getElementById('server-disks-link').getAttribute('href');")
            .await,
        "#disks"
    );
    h.click("#server-disks-link").await;
    h.wait_for_focus("disks-title").await;
    assert_eq!(text_of(&h, "#server-locked").await, "", "not locked");

    // The guide's system disk: 40 GB SSD, /dev/vda, with no Detach button and the reason why.
    let system = text_of(&h, "#disks tbody tr:first-child").await;
    for expected in ["40 GB", "SSD", "/dev/vda", "System disk"] {
        assert!(system.contains(expected), "{expected:?} in {system:?}");
    }
    assert!(
        text_of(&h, "#system-disk-reason")
            .await
            .contains("cannot be detached")
    );
    assert_eq!(
        h.eval("return document.querySelectorAll('#disks tbody button').length;")
            .await,
        0,
        "nothing to detach yet"
    );

    // A new 20 GB SAS disk: created, watched until available, attached.
    h.click("#attach-disk-open").await;
    h.wait_for("#new-disk-type-hint").await;
    h.wait_until("the cloud's types in the hint", DEFAULT_WAIT, || async {
        text_of(&h, "#new-disk-type-hint").await.contains("SAS")
    })
    .await;
    h.fill("#new-disk-name", "logs").await;
    h.fill("#new-disk-size", "99999").await;
    h.click("#attach-disk-submit").await;
    h.wait_until("the size refused", DEFAULT_WAIT, || async {
        text_of(&h, "#new-disk-size-error")
            .await
            .contains("99999 GB is more than")
    })
    .await;
    h.fill("#new-disk-size", "20").await;
    // The cloud's types are offered as a list, not typed.
    assert_eq!(
        h.eval("return document.getElementById('new-disk-type').tagName;")
            .await,
        "SELECT"
    );
    h.click("#new-disk-type option[value='SAS']").await;
    h.click("#attach-disk-submit").await;
    h.wait_until("the attach to finish", DISK_WAIT, || async {
        text_of(&h, "#disk-status")
            .await
            .starts_with("Attached logs")
    })
    .await;
    h.wait_until("the new disk in use", DISK_WAIT, || async {
        let rows = text_of(&h, "#disks tbody").await;
        rows.lines().any(|row| {
            row.contains("logs")
                && row.contains("20 GB")
                && row.contains("SAS")
                && row.contains("In use")
        })
    })
    .await;
    let attachments = api
        .get(
            &format!("servers/{server_id}/os-volume_attachments"),
            "2.67",
        )
        .await;
    assert_eq!(
        attachments.body["volumeAttachments"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{}",
        attachments.text
    );
    h.wait_until("the Overview to count two disks", DISK_WAIT, || async {
        text_of(&h, "#server-disks").await == "2 disks — see Disks"
    })
    .await;
    let logs_id = volume_named(&h, &api, "logs").await;

    // On a phone-sized window each disk is a card: nothing scrolls sideways, and every value
    // keeps its label.
    h.browser
        .set_window_size(360, 800)
        .await
        .expect("resize the window");
    h.assert_no_sideways_scrolling(
        "document.querySelector('#disks .table-wrap')",
        "the disks table",
        360,
    )
    .await;
    h.assert_no_sideways_scrolling("document.documentElement", "the details page", 360)
        .await;
    let labels = h
        .eval(
            "return Array.from(document.querySelectorAll('#disks tbody tr:first-child td'))\
             .map(cell => getComputedStyle(cell, '::before').content);",
        )
        .await;
    assert_eq!(
        labels,
        json!([
            "\"Size\"",
            "\"Type\"",
            "\"Device\"",
            "\"Server deleted\"",
            "\"Status\"",
            "\"Detach\""
        ])
    );
    h.browser
        .set_window_size(1280, 900)
        .await
        .expect("resize the window back");

    // Detach, confirmed in a dialog that names the disk; Cancel first keeps it.
    h.click("button[aria-label='Detach logs…']").await;
    let question = text_of(&h, "#detach-question").await;
    assert!(
        question.starts_with("Detach the volume logs (20 GB, /dev/"),
        "{question}"
    );
    h.click("#detach-cancel").await;
    assert_eq!(text_of(&h, "#detach-question").await, "");
    h.click("button[aria-label='Detach logs…']").await;
    h.click("#detach-confirm").await;
    h.wait_until("the disk to leave the list", DISK_WAIT, || async {
        let rows = text_of(&h, "#disks tbody").await;
        !rows.is_empty() && !rows.contains("logs")
    })
    .await;
    // The line follows the detach to its end, and offers to delete the kept volume.
    h.wait_until("the detach to be reported done", DISK_WAIT, || async {
        text_of(&h, "#disk-status")
            .await
            .starts_with("logs detached.")
    })
    .await;
    let line = text_of(&h, "#disk-status").await;
    assert!(!line.contains("requested"), "{line}");
    let attachments = api
        .get(
            &format!("servers/{server_id}/os-volume_attachments"),
            "2.67",
        )
        .await;
    assert_eq!(
        attachments.body["volumeAttachments"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{}",
        attachments.text
    );
    assert_eq!(
        volume_status(&h, &api, &logs_id).await.as_deref(),
        Some("available"),
        "kept after the detach"
    );

    // Delete the kept volume, confirmed in a dialog naming it; Cancel first keeps it.
    h.click("button[aria-label='Delete volume logs…']").await;
    let question = text_of(&h, "#delete-volume-question").await;
    assert!(
        question.starts_with("Delete the volume logs (20 GB)? Its data is lost for good"),
        "{question}"
    );
    h.wait_for_focus("delete-volume-cancel").await;
    h.click("#delete-volume-cancel").await;
    h.wait_for_focus("delete-detached").await;
    assert_eq!(text_of(&h, "#delete-volume-question").await, "");
    h.click("#delete-detached").await;
    assert_eq!(text_of(&h, "#delete-volume-confirm").await, "Delete");
    h.click("#delete-volume-confirm").await;
    h.wait_until("the volume to be deleted", DISK_WAIT, || async {
        text_of(&h, "#disk-status").await == "The volume logs was deleted."
    })
    .await;
    assert_eq!(
        volume_status(&h, &api, &logs_id).await,
        None,
        "gone from Cinder"
    );
    assert_eq!(
        text_of(&h, "#delete-detached").await,
        "",
        "nothing left to delete"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn an_available_volume_can_be_deleted_from_the_attach_picker() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    let server_id = api.create_server("disks-picker").await;
    let (status, created) = cinder(
        &h,
        &api,
        reqwest::Method::POST,
        "volumes",
        Some(&json!({"volume": {"size": 7, "name": "old-backup"}})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{created}");
    let volume_id = created["volume"]["id"].as_str().expect("an id").to_owned();
    open_disks(&h, &api, &server_id).await;
    h.wait_until("the volume to be available", DISK_WAIT, || async {
        volume_status(&h, &api, &volume_id).await.as_deref() == Some("available")
    })
    .await;

    h.click("#attach-disk-open").await;
    h.click("#disk-source-existing").await;
    h.wait_for("#existing-volume").await;
    assert_eq!(
        text_of(&h, "#existing-volume-delete").await,
        "",
        "nothing chosen yet"
    );
    h.eval(&format!(
        "const select = document.getElementById('existing-volume');\
         select.value = {volume_id:?};\
         select.dispatchEvent(new Event('change', {{ bubbles: true }}));"
    ))
    .await;
    h.wait_for("button[aria-label='Delete volume old-backup…']")
        .await;
    h.click("#existing-volume-delete").await;
    let question = text_of(&h, "#delete-volume-question").await;
    assert!(
        question.starts_with("Delete the volume old-backup (7 GB)?"),
        "{question}"
    );
    h.click("#delete-volume-confirm").await;
    h.wait_until("the volume to be deleted", DISK_WAIT, || async {
        text_of(&h, "#disk-status").await == "The volume old-backup was deleted."
    })
    .await;
    assert_eq!(volume_status(&h, &api, &volume_id).await, None);
    // Not offered any more.
    h.click("#attach-disk-open").await;
    h.click("#disk-source-existing").await;
    h.wait_for_text("No volume of this project is available to attach.")
        .await;
    h.shutdown().await;
}

#[tokio::test]
async fn the_overview_marks_a_lock_and_a_failed_boot_volume_is_not_advised_a_reboot() {
    let h = Harness::start().await;
    let api = h.demo_client().await;

    // Locked (by the API): the Overview says so next to the status.
    let server_id = api.create_server("disks-locked").await;
    api.wait_for(&server_id, DISK_WAIT, |reply| {
        reply.body["server"]["status"] == "ACTIVE"
    })
    .await;
    let locked = api
        .post(
            &format!("servers/{server_id}/action"),
            "2.67",
            &json!({"lock": null}),
        )
        .await;
    assert_eq!(locked.status, StatusCode::ACCEPTED, "{}", locked.text);
    h.sign_in_demo().await;
    h.open(&format!("/servers/{server_id}")).await;
    h.wait_for_element_text("#server-locked", "Locked", DISK_WAIT)
        .await;
    // Beside the title too, with the status badge the servers list shows.
    assert_eq!(text_of(&h, "#title-locked").await, "Locked");
    assert_eq!(text_of(&h, "#title-status").await, "ACTIVE");
    assert_eq!(
        h.eval("return document.getElementById('title-status').className;")
            .await,
        h.eval("return document.getElementById('server-status').className;")
            .await,
        "the same badge as the Overview's (and the list's)"
    );
    // Nova refuses attach and detach on a locked server: the button is disabled and says why,
    // so no volume is made only to be refused.
    h.wait_for("#attach-disk-open").await;
    assert_eq!(
        h.eval(
            "const b = document.getElementById('attach-disk-open');\
             return [b.disabled, b.getAttribute('aria-describedby')];"
        )
        .await,
        json!([true, "disks-locked"])
    );
    assert_eq!(
        text_of(&h, "#disks-locked").await,
        "Locked: unlock it under Manage to attach or detach disks."
    );

    // A system disk larger than one volume may be (500 GB here): Cinder refuses it and the
    // build ends in ERROR. Rebooting cannot help; making it again (smaller) can.
    let mut body = api.guide_server("disks-huge").await;
    body["server"]["block_device_mapping_v2"][0]["volume_size"] = json!(501);
    let created = api.post("servers", "2.67", &body).await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    let failed_id = created.body["server"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    api.wait_for(&failed_id, DISK_WAIT, |reply| {
        reply.body["server"]["status"] == "ERROR"
    })
    .await;
    h.open(&format!("/servers/{failed_id}")).await;
    h.wait_for_within("#server-fault-advice", DISK_WAIT).await;
    let fault = text_of(&h, "#server-fault").await;
    assert!(fault.contains("VolumeSizeExceedsLimit"), "{fault}");
    let advice = text_of(&h, "#server-fault-advice").await;
    assert!(
        advice.contains("delete this server and create it again, perhaps with a smaller disk"),
        "{advice}"
    );
    assert!(!advice.contains("Reboot"), "{advice}");
    assert_eq!(text_of(&h, "#server-locked").await, "");
    h.shutdown().await;
}

#[tokio::test]
async fn a_volume_left_by_a_failed_attach_is_named_and_offered_for_deletion() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    let server_id = api.create_server("disks-orphan").await;
    open_disks(&h, &api, &server_id).await;

    // Opening the form puts focus on its first field; Cancel gives it back to the button.
    h.click("#attach-disk-open").await;
    h.wait_for_focus("disk-source-new").await;
    h.click("#attach-disk-cancel").await;
    h.wait_for_focus("attach-disk-open").await;

    // Nova fails the attach (Cinder, not covered by the knob, makes the volume).
    let simulator = h.sim.simulator();
    let mut knobs = simulator.knobs();
    knobs.failing_path = Some("/os-volume_attachments".to_owned());
    simulator.set_knobs(knobs.clone()).expect("valid knobs");
    h.click("#attach-disk-open").await;
    h.fill("#new-disk-name", "orphan").await;
    h.fill("#new-disk-size", "5").await;
    h.click("#attach-disk-submit").await;
    h.wait_for_text_within(
        "The volume orphan (5 GB) was created but not attached",
        DISK_WAIT,
    )
    .await;
    let notice = text_of(&h, "#disks .error").await;
    assert!(!notice.contains("another name"), "{notice}");
    let volume_id = volume_named(&h, &api, "orphan").await;
    assert_eq!(
        volume_status(&h, &api, &volume_id).await.as_deref(),
        Some("available")
    );

    knobs.failing_path = None;
    simulator.set_knobs(knobs).expect("valid knobs");
    h.click("#delete-leftover").await;
    let question = text_of(&h, "#delete-volume-question").await;
    assert!(
        question.starts_with("Delete the volume orphan (5 GB)?"),
        "{question}"
    );
    h.click("#delete-volume-confirm").await;
    h.wait_until("the volume to be deleted", DISK_WAIT, || async {
        text_of(&h, "#disk-status").await == "The volume orphan was deleted."
    })
    .await;
    assert_eq!(volume_status(&h, &api, &volume_id).await, None);
    h.shutdown().await;
}

#[tokio::test]
async fn a_used_up_volume_count_is_the_new_volumes_error_not_a_zero_size() {
    let defaults = HarnessOptions::default();
    let h = Harness::start_with(HarnessOptions {
        // The boot volume takes the only one.
        sim: defaults.sim.volume_quota(VolumeQuota {
            volumes: 1,
            gigabytes: 1_000,
            per_volume_gigabytes: 500,
        }),
        ..defaults
    })
    .await;
    let api = h.demo_client().await;
    let server_id = api.create_server("disks-count").await;
    open_disks(&h, &api, &server_id).await;
    h.click("#attach-disk-open").await;
    h.wait_until("the count quota to be said", DEFAULT_WAIT, || async {
        text_of(&h, "#disk-source-new-error")
            .await
            .starts_with("Quota: 1 of 1 volumes used")
    })
    .await;
    assert_eq!(
        h.eval(
            "const r = document.getElementById('disk-source-new');\
             return [r.getAttribute('aria-invalid'), r.getAttribute('aria-describedby')];"
        )
        .await,
        json!(["true", "disk-source-new-error"])
    );
    let hint = text_of(&h, "#new-disk-size-hint").await;
    assert!(
        hint.contains("Quota: 1 of 1 volumes, 40 of 1000 GB used.") && !hint.contains(" 0 GB"),
        "{hint}"
    );
    // Nothing is sent.
    h.click("#attach-disk-submit").await;
    assert_eq!(text_of(&h, "#disk-status").await, "");
    // An existing volume is still a choice: the error goes with "A new volume".
    h.click("#disk-source-existing").await;
    h.wait_until("the error to go", DEFAULT_WAIT, || async {
        text_of(&h, "#disk-source-new-error").await.is_empty()
    })
    .await;
    h.shutdown().await;
}

#[tokio::test]
async fn without_cinder_the_disks_come_from_nova() {
    let h = Harness::start_with(HarnessOptions::nova_only()).await;
    let api = h.demo_client().await;
    let server_id = api.create_server("disks-nova").await;
    open_disks(&h, &api, &server_id).await;
    assert!(
        text_of(&h, "#disks")
            .await
            .contains("lists no block storage service (Cinder)")
    );
    let system = text_of(&h, "#disks tbody tr:first-child").await;
    assert!(
        system.contains("/dev/vda") && system.contains("System disk"),
        "{system}"
    );
    // Attaching takes a volume id: no list of volumes, no new volumes.
    h.click("#attach-disk-open").await;
    h.wait_for("#existing-volume-id").await;
    let new_volume_disabled = h
        .eval("return document.querySelector('#disk-source-new').disabled;")
        .await;
    assert_eq!(new_volume_disabled, true);
    h.shutdown().await;
}

#[tokio::test]
async fn the_create_form_offers_the_clouds_types_and_refuses_a_huge_system_disk() {
    let h = Harness::start().await;
    let api = h.demo_client().await;
    let types = cloud_volume_types(&h, &api).await;
    assert!(types.len() >= 2, "{types:?}");
    h.sign_in_demo().await;
    h.open("/create").await;
    h.wait_until("the cloud's volume types offered", DEFAULT_WAIT, || async {
        let offered = h
            .eval(
                "return Array.from(document.querySelectorAll('#volume-type-suggestions option')).map(o => o.value);",
            )
            .await;
        offered == serde_json::json!(types)
    })
    .await;
    assert!(
        text_of(&h, "#volume-type-hint")
            .await
            .starts_with(&format!("This cloud's types: {}.", types.join(", ")))
    );
    // The maximum is said next to the field, before anything is typed.
    h.wait_until("the maximum next to the size", DEFAULT_WAIT, || async {
        text_of(&h, "#disk-size-hint").await.contains("At most ")
    })
    .await;
    // More than the volume quota leaves for a new volume (the simulator's 500 GB a volume,
    // tighter than the 1,024 GB maximum): the error names the same figure as the hint, and the
    // review will not build the request.
    h.fill("#disk-size", "99999").await;
    h.wait_until("the huge disk refused", DEFAULT_WAIT, || async {
        text_of(&h, "#disk-size-error").await.starts_with(
            "A system disk of 99999 GB is more than your volume quota allows for a new volume (500 GB)",
        )
    })
    .await;
    assert!(
        text_of(&h, "#disk-size-hint")
            .await
            .contains("At most 500 GB")
    );
    h.wait_for("ul.problems a[href='#disk-size']").await;
    // A type the cloud does not have is refused, naming the ones it has.
    h.fill("#volume-type", "NOPE").await;
    h.wait_until("the unknown type refused", DEFAULT_WAIT, || async {
        text_of(&h, "#volume-type-error")
            .await
            .starts_with("This cloud has no volume type \"NOPE\"")
    })
    .await;
    h.shutdown().await;
}
