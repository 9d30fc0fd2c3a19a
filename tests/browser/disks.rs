//! End to end in headless Chromium: a server's disks against the simulator's Cinder and Nova.
//! A new data disk is created, watched until it is attached, shown with its size and type, and
//! detached after a confirmation naming it; the system disk cannot be detached. On a cloud
//! without Cinder the disks come from Nova alone. The create form offers the cloud's volume
//! types and refuses a system disk larger than the visible maximum.

use std::time::Duration;

use ecs_sim::test_client::TestClient;
use serde_json::Value;

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
    h.fill("#new-disk-type", "SAS").await;
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
