//! The day-two request bodies (rename, resize, confirm/revert, snapshot, rebuild, lock and the
//! power-state pairs) against Nova's reference data: each validates against Nova's schema for
//! the microversion it is sent at, and where Nova has no schema (lock, pause, suspend, shelve)
//! it is exactly the shape of Nova's own sample. Nova's samples decode with the same types, as
//! the simulator needs.

use ecs_api::CONSOLE_MICROVERSION;
use ecs_api::requests::{
    CreateImage, DESCRIPTION_MICROVERSION, LOCKED_REASON_MICROVERSION, LockServer, NovaRequest,
    PlainAction, REBUILD_KEY_NAME_MICROVERSION, RebuildServer, ResizeServer, UpdateServer,
};
use serde_json::{Value, json};

const IMAGE_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";

fn schema(endpoint: &str, version: &str) -> String {
    nova_ref::reference()
        .schema_for(endpoint, "request body", version)
        .unwrap_or_else(|| panic!("no Nova schema for {endpoint} at {version}"))
}

fn assert_valid(endpoint: &str, version: &str, body: &Value) {
    let schema = schema(endpoint, version);
    nova_ref::reference()
        .validate(&schema, body)
        .unwrap_or_else(|errors| panic!("{endpoint} {body} invalid against {schema}: {errors:#?}"));
}

fn assert_invalid(endpoint: &str, version: &str, body: &Value) {
    let schema = schema(endpoint, version);
    assert!(
        nova_ref::reference().validate(&schema, body).is_err(),
        "{endpoint} {body} should be refused by {schema}"
    );
}

#[test]
fn rename_and_description_validate_at_their_microversions() {
    let console = CONSOLE_MICROVERSION.to_string();
    let endpoint = "PUT /servers/{id}";
    let rename = UpdateServer::rename("web-2", None).to_body();
    assert_valid(endpoint, "2.1", &rename);
    assert_valid(endpoint, &console, &rename);
    for description in ["front end", ""] {
        let body = UpdateServer::rename("web-2", Some(description.into())).to_body();
        assert_valid(endpoint, &DESCRIPTION_MICROVERSION.to_string(), &body);
        assert_valid(endpoint, &console, &body);
        // Before 2.19 Nova refuses the key: the console must not send it there.
        assert_invalid(endpoint, "2.18", &body);
    }
    let bad_name = UpdateServer::rename(" web", None).to_body();
    assert_invalid(endpoint, &console, &bad_name);

    let reference = nova_ref::reference();
    for sample in [
        "requests/servers/server-put-req-v2.19.json",
        "requests/servers/server-update-req.json",
    ] {
        let request = UpdateServer::parse_body(&reference.bytes(sample)).unwrap();
        assert!(request.name.is_some(), "{sample}");
    }
    let with_description =
        UpdateServer::parse_body(&reference.bytes("requests/servers/server-put-req-v2.19.json"))
            .unwrap();
    assert_eq!(
        with_description.description,
        Some(Some("updated-server-description".into()))
    );
}

#[test]
fn resize_confirm_and_revert_validate() {
    let console = CONSOLE_MICROVERSION.to_string();
    let body = ResizeServer::to_flavor("2").to_body();
    assert_eq!(body, json!({"resize": {"flavorRef": "2"}}));
    assert_valid("POST /servers/{id}/action (resize)", &console, &body);
    assert_invalid(
        "POST /servers/{id}/action (resize)",
        &console,
        &ResizeServer::to_flavor("").to_body(),
    );
    assert_valid(
        "POST /servers/{id}/action (confirmResize)",
        &console,
        &PlainAction::ConfirmResize.to_body(),
    );
    assert_valid(
        "POST /servers/{id}/action (revertResize)",
        &console,
        &PlainAction::RevertResize.to_body(),
    );
    // The revert body is not a confirm body: the schemas tell them apart.
    assert_invalid(
        "POST /servers/{id}/action (confirmResize)",
        &console,
        &PlainAction::RevertResize.to_body(),
    );

    let reference = nova_ref::reference();
    let sample =
        ResizeServer::parse_body(&reference.bytes("requests/servers/server-action-resize.json"))
            .unwrap();
    assert_eq!(sample.flavor_ref, "2");
    for (file, action) in [
        (
            "requests/servers/server-action-confirm-resize.json",
            PlainAction::ConfirmResize,
        ),
        (
            "requests/servers/server-action-revert-resize.json",
            PlainAction::RevertResize,
        ),
    ] {
        assert_eq!(
            PlainAction::parse_body(&reference.bytes(file)).unwrap(),
            action
        );
        assert_eq!(reference.json(file), action.to_body(), "{file}");
    }
}

#[test]
fn snapshot_validates() {
    let console = CONSOLE_MICROVERSION.to_string();
    let endpoint = "POST /servers/{id}/action (createImage)";
    let body = CreateImage::named("web-1 before upgrade").to_body();
    assert_eq!(
        body,
        json!({"createImage": {"name": "web-1 before upgrade"}})
    );
    assert_valid(endpoint, &console, &body);
    let mut with_metadata = CreateImage::named("nightly");
    with_metadata
        .metadata
        .insert("purpose".into(), "backup".into());
    assert_valid(endpoint, &console, &with_metadata.to_body());
    assert_invalid(endpoint, &console, &CreateImage::named("").to_body());

    let reference = nova_ref::reference();
    for file in [
        "requests/servers/server-action-create-image.json",
        "requests/servers/server-action-create-image-v2.45.json",
    ] {
        let request = CreateImage::parse_body(&reference.bytes(file)).unwrap();
        assert_eq!(request.to_body(), reference.json(file), "{file}");
    }
    let created: ecs_api::requests::CreatedImage = serde_json::from_value(
        reference.json("responses/servers/server-action-create-image-resp-v2.45.json"),
    )
    .unwrap();
    assert!(!created.image_id.is_empty());
}

#[test]
fn rebuild_validates_and_key_name_needs_2_54() {
    let console = CONSOLE_MICROVERSION.to_string();
    let endpoint = "POST /servers/{id}/action (rebuild)";
    let plain = RebuildServer::from_image(IMAGE_ID).to_body();
    assert_eq!(plain, json!({"rebuild": {"imageRef": IMAGE_ID}}));
    assert_valid(endpoint, "2.1", &plain);
    assert_valid(endpoint, &console, &plain);
    let full = RebuildServer {
        name: Some("web-1".into()),
        key_name: Some("demo".into()),
        ..RebuildServer::from_image(IMAGE_ID)
    }
    .to_body();
    assert_valid(endpoint, &REBUILD_KEY_NAME_MICROVERSION.to_string(), &full);
    assert_valid(endpoint, &console, &full);
    assert_invalid(endpoint, "2.53", &full);
    assert_invalid(
        endpoint,
        &console,
        &RebuildServer::from_image("not-an-image-id").to_body(),
    );

    let reference = nova_ref::reference();
    let sample = RebuildServer::parse_body(
        &reference.bytes("requests/servers/server-action-rebuild-v2.54.json"),
    )
    .unwrap();
    assert_eq!(sample.image_ref, IMAGE_ID);
    assert_eq!(sample.key_name.as_deref(), Some("new-key"));
    assert_eq!(sample.name.as_deref(), Some("foobar"));
}

/// Lock and the power-state pairs have no request schema in Nova (they accept any body below
/// 2.73): the console's bodies must be exactly Nova's samples.
#[test]
fn lock_pause_suspend_shelve_match_novas_samples() {
    let reference = nova_ref::reference();
    let samples = [
        (
            "requests/os-lock-server/unlock-server.json",
            PlainAction::Unlock,
        ),
        (
            "requests/os-pause-server/pause-server.json",
            PlainAction::Pause,
        ),
        (
            "requests/os-pause-server/unpause-server.json",
            PlainAction::Unpause,
        ),
        (
            "requests/os-suspend-server/server-suspend.json",
            PlainAction::Suspend,
        ),
        (
            "requests/os-suspend-server/server-resume.json",
            PlainAction::Resume,
        ),
        ("requests/os-shelve/os-shelve.json", PlainAction::Shelve),
        ("requests/os-shelve/os-unshelve.json", PlainAction::Unshelve),
    ];
    for (file, action) in samples {
        assert_eq!(action.to_body(), reference.json(file), "{file}");
        assert_eq!(
            PlainAction::parse_body(&reference.bytes(file)).unwrap(),
            action,
            "{file}"
        );
    }
    // 2.77+ unshelve may name a zone; the console never sends one but the simulator decodes it.
    assert_eq!(
        PlainAction::parse_body(&reference.bytes("requests/os-shelve/os-unshelve-az-v2.77.json"))
            .unwrap(),
        PlainAction::Unshelve
    );

    assert_eq!(
        LockServer::new("", true).to_body(),
        reference.json("requests/os-lock-server/lock-server.json")
    );
    assert_eq!(
        LockServer::new("I don't want to work", true).to_body(),
        reference.json("requests/os-lock-server/lock-server-with-reason-v2.73.json")
    );
    // Without 2.73 the reason is dropped rather than refused by the cloud.
    assert_eq!(
        LockServer::new("I don't want to work", false).to_body(),
        reference.json("requests/os-lock-server/lock-server.json")
    );
    let decoded = LockServer::parse_body(
        &reference.bytes("requests/os-lock-server/lock-server-with-reason-v2.73.json"),
    )
    .unwrap();
    assert_eq!(
        decoded.locked_reason.as_deref(),
        Some("I don't want to work")
    );
    assert_eq!(LOCKED_REASON_MICROVERSION.to_string(), "2.73");
}
