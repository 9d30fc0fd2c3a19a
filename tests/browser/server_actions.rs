//! Day-two actions on the details page against the simulator: stop is confirmed and the status
//! line follows the server to its end; resize then confirm, and resize then revert; a snapshot
//! watched until its image is active (Glance, and Nova's image proxy); rename with its checks;
//! lock and unlock (and why the power actions are disabled); pause and unpause; rebuild from
//! another image (an image too large for the flavor's disk is marked unfit, and a server that
//! boots from a volume cannot be rebuilt below 2.93); suspend and resume; shelve and unshelve
//! (pause, suspend, shelve and revert ask first; a cancelled one sends nothing); a stopped
//! server is resized and stays stopped, and revert names the flavor it goes back to.

use std::time::Duration;

use fantoccini::Locator;

use crate::support::{Console, Harness, HarnessOptions};

/// A new server (created through the API), the demo user signed in, its details open and ACTIVE.
async fn active_server(options: HarnessOptions, name: &str) -> (Harness, String) {
    let harness = Harness::start_with(options).await;
    let api = harness.demo_client().await;
    let server_id = api.create_any_server(name, serde_json::json!({})).await;
    harness.sign_in_demo().await;
    harness.open(&format!("/servers/{server_id}")).await;
    harness
        .wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(30))
        .await;
    (harness, server_id)
}

pub(crate) async fn text_of(harness: &Console, css: &str) -> String {
    harness
        .wait_for(css)
        .await
        .text()
        .await
        .unwrap_or_else(|error| panic!("text of {css}: {error}"))
}

pub(crate) async fn is_disabled(harness: &Console, css: &str) -> bool {
    harness
        .wait_for(css)
        .await
        .attr("disabled")
        .await
        .unwrap_or_else(|error| panic!("disabled of {css}: {error}"))
        .is_some()
}

pub(crate) async fn wait_for_absence(harness: &Console, css: &str) {
    let what = format!("`{css}` to go away");
    harness
        .wait_until(&what, Duration::from_secs(10), || async {
            harness.browser.find(Locator::Css(css)).await.is_err()
        })
        .await;
}

/// Waits until the status line reads `expected`.
pub(crate) async fn wait_for_status_line(harness: &Console, expected: &str) {
    harness
        .wait_for_element_text("#action-status", expected, Duration::from_secs(30))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stop_is_confirmed_and_the_status_line_follows_the_server_to_its_end() {
    let (harness, server_id) = active_server(HarnessOptions::default(), "web-stop").await;
    let actions = || harness.sim.simulator().server_actions(&server_id);

    harness.click("#action-stop").await;
    let question = text_of(&harness, "[role='alertdialog'] #confirm-stop-text").await;
    assert!(
        question.contains("Stop server web-stop?") && question.contains("until you start it again"),
        "{question}"
    );
    harness.wait_for_focus("cancel-stop").await;
    harness.click("#cancel-stop").await;
    wait_for_absence(&harness, "#confirm-stop-text").await;
    harness.wait_for_focus("action-stop").await;
    assert_eq!(
        actions(),
        Vec::<String>::new(),
        "a cancelled stop sends nothing"
    );

    // Soft reboot asks too.
    harness.click("#action-reboot-soft").await;
    let question = text_of(&harness, "#confirm-reboot-soft-text").await;
    assert!(question.contains("restarts cleanly"), "{question}");
    harness.click("#cancel-reboot-soft").await;
    wait_for_absence(&harness, "#confirm-reboot-soft-text").await;

    harness.click("#action-stop").await;
    harness.click("#confirm-stop").await;
    harness.wait_for_focus("action-status").await;
    harness
        .wait_for_element_text("#server-status", "SHUTOFF", Duration::from_secs(30))
        .await;
    // "Stop requested…" does not stay once the server has stopped.
    wait_for_status_line(&harness, "Stop done: the server is SHUTOFF.").await;
    assert_eq!(actions(), ["os-stop"]);
    harness.shutdown().await;
}

/// The flavor's name in the details page's flavor line ("m1.small · 1 vCPU · 2 GB RAM").
fn flavor_name(line: &str) -> &str {
    line.split(" · ").next().unwrap_or(line)
}

/// Opens the resize dialog, picks the first flavor that can be chosen and sends it; checks that
/// the confirm and revert lines name both flavors; returns the flavor line before the resize.
pub(crate) async fn resize_to_another_flavor(harness: &Console) -> String {
    let before = text_of(harness, "#server-flavor").await;
    let old = flavor_name(&before).to_owned();
    harness.click("#manage-resize").await;
    harness.wait_for("#manage-resize-title").await;
    // The current flavor is in the table but cannot be chosen.
    harness.wait_for_text("The server's current flavor.").await;
    // A click on a row's name chooses it (as in the create form).
    let choice = "dialog[open] tbody tr:not(.unavailable) label";
    let new = text_of(harness, choice).await;
    harness.click(choice).await;
    harness.click("#manage-resize-submit").await;
    wait_for_absence(harness, "dialog[open]").await;
    harness.wait_for_focus("action-status").await;
    harness
        .wait_for_element_text("#server-status", "VERIFY_RESIZE", Duration::from_secs(30))
        .await;
    // In words: the resize waits for the user, not a status code.
    wait_for_status_line(
        harness,
        "Resize done: the server now waits for you to confirm it or revert it (below).",
    )
    .await;
    let notice = text_of(harness, "#verify-resize").await;
    assert!(
        notice.contains(&format!("revert to go back to {old}")),
        "the notice names the old flavor: {notice}"
    );
    // Nova shows only the new flavor now: the page remembers the one it resized from.
    let revert = text_of(harness, "#manage-revert-resize-what").await;
    assert!(
        revert.starts_with(&format!("Revert: back to {old}, as the server was before")),
        "{revert}"
    );
    let confirm = text_of(harness, "#manage-confirm-resize-what").await;
    assert_eq!(
        confirm,
        format!("Confirm: keeps {new} and frees {old}; it cannot be reverted afterwards.")
    );
    before
}

/// Presses Revert resize: it asks first, naming the flavor it goes back to (`old_line`'s).
async fn revert_resize_confirmed(harness: &Console, old_line: &str, stays: &str) {
    harness.click("#manage-revert-resize").await;
    let question = text_of(harness, "#confirm-revert-resize-text").await;
    assert!(
        question.contains(&format!(
            "It goes back to {}, as it was before the resize, and {stays}.",
            flavor_name(old_line)
        )) && question
            .contains("It boots from a volume: its disk keeps everything written since the resize")
            && !question.contains("is lost"),
        "{question}"
    );
    harness.wait_for_focus("cancel-revert-resize").await;
    harness.click("#confirm-revert-resize").await;
    wait_for_absence(harness, "#confirm-revert-resize-text").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn resize_then_confirm_and_resize_then_revert() {
    let (harness, server_id) = active_server(HarnessOptions::default(), "web-resize").await;

    let original = resize_to_another_flavor(&harness).await;
    let notice = text_of(&harness, "#verify-resize").await;
    assert!(
        notice.starts_with("The server runs on") && notice.contains("Confirm to keep it"),
        "{notice}"
    );
    harness
        .wait_until(
            "the new flavor to show",
            Duration::from_secs(10),
            || async { text_of(&harness, "#server-flavor").await != original },
        )
        .await;
    let resized = text_of(&harness, "#server-flavor").await;
    harness.click("#manage-confirm-resize").await;
    harness
        .wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(30))
        .await;
    wait_for_absence(&harness, "#verify-resize").await;
    assert_eq!(
        text_of(&harness, "#server-flavor").await,
        resized,
        "confirm keeps the new size"
    );

    let before_revert = resize_to_another_flavor(&harness).await;
    revert_resize_confirmed(&harness, &before_revert, "it restarts").await;
    harness
        .wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(30))
        .await;
    wait_for_status_line(&harness, "Revert resize done: the server is ACTIVE.").await;
    harness
        .wait_until(
            "the old flavor to come back",
            Duration::from_secs(10),
            || async { text_of(&harness, "#server-flavor").await == resized },
        )
        .await;
    assert_eq!(
        harness.sim.simulator().server_actions(&server_id),
        ["resize", "confirmResize", "resize", "revertResize"]
    );
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_server_is_resized_without_starting_and_revert_names_the_old_flavor() {
    let (harness, server_id) = active_server(HarnessOptions::default(), "web-stopped").await;
    let api = harness.demo_client().await;
    let stopped = api
        .post(
            &format!("servers/{server_id}/action"),
            "2.67",
            &serde_json::json!({"os-stop": null}),
        )
        .await;
    assert_eq!(stopped.status_code(), 202, "{}", stopped.text);
    harness
        .wait_for_element_text("#server-status", "SHUTOFF", Duration::from_secs(30))
        .await;

    // Nova resizes a stopped server without starting it: no word of restarting or running.
    let line = text_of(&harness, "#manage-resize-what").await;
    assert!(
        line.contains("without starting it") && line.contains("it stays stopped"),
        "{line}"
    );
    harness.click("#manage-resize").await;
    let now = text_of(&harness, "#resize-current").await;
    assert!(
        now.contains("The server stays stopped") && !now.contains("restarts"),
        "{now}"
    );
    harness.click("#manage-resize-cancel").await;
    wait_for_absence(&harness, "dialog[open]").await;

    let before = resize_to_another_flavor(&harness).await;
    let notice = text_of(&harness, "#verify-resize").await;
    assert!(
        notice.contains("is still stopped, as it was before the resize")
            && notice.contains("either way it stays stopped until you start it")
            && !notice.contains("runs on"),
        "{notice}"
    );
    let revert = text_of(&harness, "#manage-revert-resize-what").await;
    assert!(revert.contains("it stays stopped"), "{revert}");
    revert_resize_confirmed(&harness, &before, "it stays stopped").await;
    wait_for_status_line(&harness, "Revert resize done: the server is SHUTOFF.").await;
    harness
        .wait_until(
            "the old flavor to come back",
            Duration::from_secs(10),
            || async { text_of(&harness, "#server-flavor").await == before },
        )
        .await;
    assert_eq!(
        harness.sim.simulator().server_actions(&server_id),
        ["os-stop", "resize", "revertResize"]
    );
    harness.shutdown().await;
}

/// Takes a snapshot named `name` and watches it until it is active.
pub(crate) async fn snapshot_until_active(harness: &Console, name: &str) {
    harness.click("#manage-snapshot").await;
    let proposed = harness
        .wait_for("#snapshot-name")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(proposed.contains("-snapshot-"), "{proposed}");
    // A bad name is refused before sending, and the error clears when the name is fixed.
    harness.fill("#snapshot-name", " bad").await;
    harness.click("#manage-snapshot-submit").await;
    harness
        .wait_for_text("Remove the spaces at the start or end of the image name.")
        .await;
    harness.fill("#snapshot-name", name).await;
    wait_for_absence(harness, "#snapshot-name-error").await;
    harness.click("#manage-snapshot-submit").await;
    wait_for_absence(harness, "dialog[open]").await;
    harness
        .wait_for_element_text(
            "#snapshot-status",
            &format!(
                "Image {name} is active: you can create servers from it or rebuild a server with it."
            ),
            Duration::from_secs(30),
        )
        .await;
    harness.wait_for("#snapshot-watch a[href='/create']").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_is_watched_until_its_image_is_active() {
    let (harness, server_id) = active_server(HarnessOptions::default(), "web-snap").await;
    snapshot_until_active(&harness, "web-snap nightly").await;
    assert_eq!(
        harness.sim.simulator().server_actions(&server_id),
        ["createImage"]
    );
    let image_id = text_of(&harness, "#snapshot-image-id").await;
    let project = harness.sim.simulator().project_id();
    assert!(
        harness
            .sim
            .simulator()
            .request_count(&format!("/image/v2/images/{image_id}"))
            > 0,
        "watched through Glance ({project})"
    );
    harness.shutdown().await;

    // Without Glance, through Nova's image proxy.
    let (harness, _) = active_server(HarnessOptions::nova_only(), "web-snap-nova").await;
    snapshot_until_active(&harness, "nova-only snapshot").await;
    let image_id = text_of(&harness, "#snapshot-image-id").await;
    let project = harness.sim.simulator().project_id();
    assert!(
        harness
            .sim
            .simulator()
            .request_count(&format!("/compute/v2.1/{project}/images/{image_id}"))
            > 0,
        "watched through Nova's image proxy"
    );
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rename_checks_the_name_and_the_page_follows() {
    let (harness, _) = active_server(HarnessOptions::default(), "web-old").await;
    harness.click("#manage-rename").await;
    harness.wait_for_focus("rename-name").await;
    harness.fill("#rename-name", " web-new").await;
    harness.click("#manage-rename-submit").await;
    harness
        .wait_for_element_text(
            "#rename-name-error",
            "Remove the spaces at the start or end of the server name.",
            Duration::from_secs(5),
        )
        .await;
    harness.fill("#rename-name", "web-new").await;
    // Fixed: the error goes at once.
    wait_for_absence(&harness, "#rename-name-error").await;
    harness.fill("#rename-description", "front end").await;
    harness.click("#manage-rename-submit").await;
    wait_for_absence(&harness, "dialog[open]").await;
    harness
        .wait_for_element_text("#server-title", "web-new", Duration::from_secs(10))
        .await;
    wait_for_status_line(&harness, "Rename done.").await;
    harness
        .wait_for_element_text("#server-description", "front end", Duration::from_secs(10))
        .await;
    harness.wait_for_focus("action-status").await;
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_refuses_changes_until_unlocked() {
    let (harness, server_id) = active_server(HarnessOptions::default(), "web-lock").await;
    harness.click("#manage-lock").await;
    harness.wait_for("#manage-lock-title").await;
    if ecs_sim::MAX_MICROVERSION < ecs_api::requests::LOCKED_REASON_MICROVERSION {
        // The simulator serves up to 2.67: no reason field, and it says so plainly.
        let note = text_of(&harness, "#lock-no-reason").await;
        assert!(
            note.contains("cannot record why a server is locked"),
            "{note}"
        );
    } else {
        harness.fill("#lock-reason", "maintenance").await;
    }
    harness.click("#manage-lock-submit").await;
    wait_for_absence(&harness, "dialog[open]").await;
    harness
        .wait_until("the lock to show", Duration::from_secs(10), || async {
            text_of(&harness, "#lock-state").await.starts_with("Locked")
        })
        .await;
    assert!(is_disabled(&harness, "#action-stop").await);
    assert!(is_disabled(&harness, "#manage-pause").await);
    assert_eq!(
        text_of(&harness, "#manage-pause-why").await,
        "Locked: unlock it first."
    );
    assert!(!is_disabled(&harness, "#manage-rename").await);
    // Beside the title, as the servers list marks it.
    assert_eq!(text_of(&harness, "#title-locked").await, "Locked");
    // The actions card says why its buttons are disabled, and each points to that line.
    assert_eq!(
        text_of(&harness, "#actions-locked").await,
        "Locked: unlock it under Manage to start, stop, reboot or delete it."
    );
    for button in [
        "#action-start",
        "#action-stop",
        "#action-reboot-soft",
        "#action-reboot-hard",
        "#action-delete",
    ] {
        let element = harness.wait_for(button).await;
        assert_eq!(
            element.attr("aria-describedby").await.unwrap().as_deref(),
            Some("actions-locked"),
            "{button}"
        );
        assert!(
            element
                .attr("title")
                .await
                .unwrap()
                .is_some_and(|title| title.starts_with("Locked: unlock it")),
            "{button}"
        );
    }
    harness.click("#manage-unlock").await;
    harness
        .wait_until("the lock to go", Duration::from_secs(10), || async {
            text_of(&harness, "#lock-state").await.is_empty()
        })
        .await;
    wait_for_status_line(&harness, "Unlock done.").await;
    assert!(!is_disabled(&harness, "#action-stop").await);
    wait_for_absence(&harness, "#actions-locked").await;
    wait_for_absence(&harness, "#title-locked").await;
    assert_eq!(
        harness
            .wait_for("#action-stop")
            .await
            .attr("aria-describedby")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        harness.sim.simulator().server_actions(&server_id),
        ["lock", "unlock"]
    );
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pause_and_unpause() {
    let (harness, server_id) = active_server(HarnessOptions::default(), "web-pause").await;
    manage_until(
        &harness,
        &server_id,
        "pause",
        "Freezes the server in memory; it keeps its resources and goes on where it stopped.",
        Some("memory stays in the host's RAM"),
        "PAUSED",
    )
    .await;
    wait_for_status_line(&harness, "Pause done: the server is PAUSED.").await;
    assert_eq!(text_of(&harness, "#title-status").await, "PAUSED");
    // What a paused server refuses says why, beside the button.
    for (action, why) in [
        (
            "resize",
            "Not offered: it needs the server running or stopped; it is paused.",
        ),
        (
            "rebuild",
            "Not offered: it needs the server running, stopped or in error; it is paused.",
        ),
        (
            "suspend",
            "Not offered: it needs the server running; it is paused.",
        ),
    ] {
        let button = format!("#manage-{action}");
        assert!(is_disabled(&harness, &button).await, "{action}");
        assert_eq!(
            text_of(&harness, &format!("#manage-{action}-why")).await,
            why
        );
        assert_eq!(
            harness
                .wait_for(&button)
                .await
                .attr("aria-describedby")
                .await
                .unwrap(),
            Some(format!("manage-{action}-what manage-{action}-why"))
        );
    }
    assert_eq!(
        text_of(&harness, "#actions-unavailable").await,
        "Not offered while the server is paused: Start (needs it stopped), \
         Stop (needs it running or in error), Reboot (soft) (needs it running)."
    );
    for button in ["#action-start", "#action-stop", "#action-reboot-soft"] {
        assert!(is_disabled(&harness, button).await, "{button}");
        assert_eq!(
            harness
                .wait_for(button)
                .await
                .attr("aria-describedby")
                .await
                .unwrap()
                .as_deref(),
            Some("actions-unavailable"),
            "{button}"
        );
    }
    // The pair now offers the way back.
    harness.click("#manage-unpause").await;
    harness
        .wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(30))
        .await;
    wait_for_status_line(&harness, "Unpause done: the server is ACTIVE.").await;
    assert_eq!(
        harness.sim.simulator().server_actions(&server_id),
        ["pause", "unpause"]
    );
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rebuild_from_another_image_is_confirmed_and_keeps_the_key_pair() {
    let harness = Harness::start().await;
    let api = harness.demo_client().await;
    // The simulator serves up to 2.67: only a server on its local disk takes another image.
    let server_id = api
        .create_image_backed_server(
            "web-rebuild",
            "Ubuntu 22.04 server 64bit",
            "m1.medium",
            "web-key",
        )
        .await;
    let image_of = |reply: &ecs_sim::test_client::Reply| {
        reply.body["server"]["image"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let before = api
        .wait_for(&server_id, Duration::from_secs(30), |reply| {
            reply.body["server"]["status"] == "ACTIVE"
        })
        .await;
    let target = api.image_named("CentOS 7.9 64bit").await["id"]
        .as_str()
        .expect("image id")
        .to_owned();
    assert_ne!(image_of(&before), target, "the target is another image");

    harness.sign_in_demo().await;
    harness.open(&format!("/servers/{server_id}")).await;
    harness
        .wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(30))
        .await;
    harness.click("#manage-rebuild").await;
    harness.wait_for("#manage-rebuild-title").await;
    let warning = text_of(&harness, "#rebuild-warning").await;
    assert!(
        warning.contains("Everything on the system disk of web-rebuild is erased")
            && warning.contains("This cannot be undone.")
            && warning.contains("It keeps its key pair web-key."),
        "{warning}"
    );
    assert!(
        harness
            .browser
            .find(Locator::Css("#rebuild-refused"))
            .await
            .is_err(),
        "a server on its local disk can be rebuilt"
    );
    // m1.medium has 4 GB of RAM, as the Windows image needs, but a 40 GB disk where the image
    // needs 60 GB: it is listed, unfit, with the reason.
    let windows = api
        .image_named("Windows Server 2019 Datacenter 64bit")
        .await;
    assert_eq!(
        (&windows["minDisk"], &windows["minRam"]),
        (&serde_json::json!(60), &serde_json::json!(4096)),
        "{windows}"
    );
    let windows_option = format!(
        "#rebuild-image option[value='{}']",
        windows["id"].as_str().expect("image id")
    );
    assert!(is_disabled(&harness, &windows_option).await);
    let label = text_of(&harness, &windows_option).await;
    assert!(
        label.contains("The image needs a system disk of at least 60 GB but the flavor's is 40 GB"),
        "{label}"
    );
    harness
        .click(&format!("#rebuild-image option[value='{target}']"))
        .await;
    assert!(!is_disabled(&harness, "#manage-rebuild-submit").await);
    assert_eq!(
        harness.sim.simulator().server_actions(&server_id),
        Vec::<String>::new(),
        "nothing is sent before the dialog's confirmation"
    );
    harness.click("#manage-rebuild-submit").await;
    wait_for_absence(&harness, "dialog[open]").await;
    harness.wait_for_focus("action-status").await;
    harness
        .wait_for_element_text("#server-status", "REBUILD", Duration::from_secs(30))
        .await;
    harness
        .wait_for_element_text("#server-status", "ACTIVE", Duration::from_secs(30))
        .await;
    wait_for_status_line(&harness, "Rebuild done: the server is ACTIVE.").await;
    let after = api.get(&format!("servers/{server_id}"), "2.67").await;
    assert_eq!(image_of(&after), target, "{}", after.text);
    assert_eq!(
        after.body["server"]["key_name"], "web-key",
        "{}",
        after.text
    );
    assert_eq!(
        harness.sim.simulator().server_actions(&server_id),
        ["rebuild"]
    );

    harness.shutdown().await;
}

/// Presses the Manage card's `action` button (after checking its one-line explanation) and
/// waits for the server to reach `status`. An action that stops the guest asks first, saying
/// `asks` among what it does: it is cancelled once (nothing is sent, focus goes back to the
/// button), then confirmed.
async fn manage_until(
    harness: &Harness,
    server_id: &str,
    action: &str,
    explanation: &str,
    asks: Option<&str>,
    status: &str,
) {
    let line = text_of(harness, &format!("#manage-{action}-what")).await;
    assert_eq!(line, explanation);
    assert_eq!(
        harness
            .wait_for(&format!("#manage-{action}"))
            .await
            .attr("aria-describedby")
            .await
            .unwrap()
            .as_deref(),
        Some(format!("manage-{action}-what").as_str())
    );
    harness.click(&format!("#manage-{action}")).await;
    if let Some(asks) = asks {
        let sent = harness.sim.simulator().server_actions(server_id);
        let question = text_of(
            harness,
            &format!("[role='alertdialog'] #confirm-{action}-text"),
        )
        .await;
        assert!(question.contains(asks), "{question}");
        harness.wait_for_focus(&format!("cancel-{action}")).await;
        harness.click(&format!("#cancel-{action}")).await;
        wait_for_absence(harness, &format!("#confirm-{action}-text")).await;
        harness.wait_for_focus(&format!("manage-{action}")).await;
        assert_eq!(
            harness.sim.simulator().server_actions(server_id),
            sent,
            "a cancelled {action} sends nothing"
        );
        harness.click(&format!("#manage-{action}")).await;
        harness.click(&format!("#confirm-{action}")).await;
    }
    harness.wait_for_focus("action-status").await;
    harness
        .wait_for_element_text("#server-status", status, Duration::from_secs(30))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn suspend_and_resume_then_shelve_and_unshelve() {
    let (harness, server_id) = active_server(HarnessOptions::default(), "web-rest").await;
    manage_until(
        &harness,
        &server_id,
        "suspend",
        "Saves the server's memory to disk and stops it; Resume brings it back as it was.",
        Some("Its memory is saved to disk and it stops running"),
        "SUSPENDED",
    )
    .await;
    wait_for_status_line(&harness, "Suspend done: the server is SUSPENDED.").await;
    manage_until(
        &harness,
        &server_id,
        "resume",
        "Brings the suspended server back as it was.",
        None,
        "ACTIVE",
    )
    .await;
    wait_for_status_line(&harness, "Resume done: the server is ACTIVE.").await;

    manage_until(
        &harness,
        &server_id,
        "shelve",
        "Stops the server and frees its host, keeping its disk; Unshelve starts it again.",
        Some("its host's vCPUs and RAM are released"),
        "SHELVED_OFFLOADED",
    )
    .await;
    wait_for_status_line(&harness, "Shelve done: the server is SHELVED_OFFLOADED.").await;
    // A shelved server has no console: the boot log is not asked for (no 404 or 409).
    assert_eq!(
        text_of(&harness, "#boot-log-state").await,
        "No boot log: the server is shelved, so it has no console to read. Unshelve it to see the log."
    );
    // Offloaded: nothing but unshelve (and rename, lock) is offered.
    assert!(is_disabled(&harness, "#manage-resize").await);
    assert!(is_disabled(&harness, "#manage-snapshot").await);
    manage_until(
        &harness,
        &server_id,
        "unshelve",
        "Starts the shelved server again from what was kept.",
        None,
        "ACTIVE",
    )
    .await;
    wait_for_status_line(&harness, "Unshelve done: the server is ACTIVE.").await;
    assert_eq!(
        harness.sim.simulator().server_actions(&server_id),
        ["suspend", "resume", "shelve", "unshelve"]
    );
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_boots_from_a_volume_cannot_be_rebuilt_below_2_93() {
    let (harness, volume_backed) = active_server(HarnessOptions::default(), "web-volume").await;
    // Nova shows a server that boots from a volume with `"image": ""`; the simulator, as ECS,
    // shows the image its volume was made from, and the volume among those attached: the
    // console refuses on either sign.
    let api = harness.demo_client().await;
    let shown = api.get(&format!("servers/{volume_backed}"), "2.67").await;
    assert!(
        !shown.body["server"]["os-extended-volumes:volumes_attached"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "the boot volume is attached: {}",
        shown.text
    );
    // Refused up front: the button is disabled and says why beside it.
    let refused = text_of(&harness, "#manage-rebuild-why").await;
    assert!(
        refused.contains("This server boots from a volume")
            && refused.contains("(up to 2.67)")
            && refused.contains("that needs 2.93"),
        "{refused}"
    );
    assert!(is_disabled(&harness, "#manage-rebuild").await);
    assert!(
        harness
            .browser
            .find(Locator::Css("dialog[open]"))
            .await
            .is_err(),
        "no dialog to open"
    );
    assert_eq!(
        harness.sim.simulator().server_actions(&volume_backed),
        Vec::<String>::new()
    );
    harness.shutdown().await;
}
