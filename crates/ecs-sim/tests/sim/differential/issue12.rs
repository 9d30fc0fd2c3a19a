//! Issue 12's requests, compared as the rest: the servers list's filters, sorting and paging,
//! key pair paging at 2.35, and the server actions (rename, lock, pause, suspend, resize,
//! snapshot, shelve, rebuild) with the states each goes through and Nova's refusals.

use std::time::Duration;

use ecs_sim::test_client::Reply;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Differential, PUBLIC_KEY, Request, Servers, Side, text};

/// The two servers of the list steps, by name (other servers may exist on one cloud only).
const LISTED: &str = "name=%5Ediff-(other%7Cserver)%24";

/// The names of the servers (or key pairs) in a list, in its order.
fn names(reply: &Reply, list: &str) -> Value {
    let items = reply.body[list].as_array().cloned().unwrap_or_default();
    Value::Array(
        items
            .iter()
            .map(|item| match item.get("keypair") {
                Some(keypair) => keypair["name"].clone(),
                None => item["name"].clone(),
            })
            .collect(),
    )
}

impl Side {
    /// Polls the server every 50 ms until it is `status` with no task; returns each
    /// `STATUS/task` seen (once per change, in order) and the last view.
    async fn watch(&self, server_id: &str, status: &str) -> (Vec<String>, Reply) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        let mut seen: Vec<String> = Vec::new();
        loop {
            let reply = self
                .send(&Request::get(format!("servers/{server_id}"), "2.67"))
                .await;
            let server = &reply.body["server"];
            let task = server["OS-EXT-STS:task_state"].as_str().unwrap_or("-");
            let state = format!("{}/{task}", text(&server["status"]));
            if seen.last() != Some(&state) {
                seen.push(state);
            }
            if server["status"] == status && task == "-" {
                return (seen, reply);
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "server {server_id} never reached {status}: {seen:?} {}",
                reply.text
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends `request`, then watches the server as [`Self::watch`] does.
    async fn act_and_watch(
        &self,
        request: Request,
        server_id: &str,
        status: &str,
    ) -> (Reply, Vec<String>, Reply) {
        let reply = self.send(&request).await;
        let (seen, view) = self.watch(server_id, status).await;
        (reply, seen, view)
    }

    /// What the console reads of a server's state, with its flavor named by its role.
    fn state(&self, view: &Reply) -> Value {
        let server = &view.body["server"];
        let flavor = &server["flavor"]["original_name"];
        let flavor = if *flavor == self.choices.flavor_name.as_str() {
            json!("the first flavor")
        } else if *flavor == self.choices.resize_flavor_name.as_str() {
            json!("the resize flavor")
        } else {
            flavor.clone()
        };
        json!({
            "status": server["status"],
            "OS-EXT-STS:vm_state": server["OS-EXT-STS:vm_state"],
            "OS-EXT-STS:task_state": server["OS-EXT-STS:task_state"],
            "OS-EXT-STS:power_state": server["OS-EXT-STS:power_state"],
            "locked": server["locked"],
            "flavor": flavor,
        })
    }
}

/// Whether `part` appears in `whole` in the same order (gaps allowed).
fn in_order(part: &[String], whole: &[String]) -> bool {
    let mut rest = whole.iter();
    part.iter().all(|state| rest.any(|other| other == state))
}

impl Differential {
    /// Compares the bodies' lists of names.
    fn same_names(&mut self, step: &str, list: &str, sim: &Reply, real: &Reply) {
        self.same_value(step, "names", &names(sim, list), &names(real, list));
    }

    /// Compares a list request and the order of the names it lists.
    async fn list(&mut self, step: &str, path: &str, version: &'static str, list: &str) {
        let (sim, real) = self
            .compare_text(step, |_| Request::get(path, version))
            .await;
        self.same_names(step, list, &sim, &real);
    }

    /// Compares an action on the servers (faults with their messages).
    async fn act(
        &mut self,
        step: &str,
        servers: &Servers,
        version: &'static str,
        body: impl Fn(&Side) -> Value,
    ) -> (Reply, Reply) {
        self.compare_text(step, |side| {
            Request::post(
                format!("servers/{}/action", servers.of(side)),
                version,
                body(side),
            )
        })
        .await
    }

    /// Compares the server's view on both clouds and what it says of its state.
    async fn server_state(&mut self, step: &str, servers: &Servers) {
        let (sim, real) = self
            .compare(step, |side| {
                Request::get(format!("servers/{}", servers.of(side)), "2.67")
            })
            .await;
        self.same_states(step, &sim, &real);
    }

    fn same_states(&mut self, step: &str, sim: &Reply, real: &Reply) {
        let (ours, theirs) = (self.sim.state(sim), self.real.state(real));
        for (field, value) in ours.as_object().into_iter().flatten() {
            self.same_value(step, field, value, &theirs[field]);
        }
    }

    /// An accepted action: compares the answer, watches both servers until `status` (with no
    /// task), checks real Nova's states appeared in the simulator's in the same order (after
    /// `from`, the state before it), and compares the server at the end.
    async fn transition(
        &mut self,
        step: &str,
        servers: &Servers,
        body: impl Fn(&Side) -> Value,
        from: &str,
        status: &str,
    ) {
        let request = |side: &Side| {
            Request::post(
                format!("servers/{}/action", servers.of(side)),
                "2.67",
                body(side),
            )
        };
        // Each cloud is watched from its own answer on, so no state of its passes unseen.
        let ((sim_reply, sim_seen, sim_view), (real_reply, real_seen, real_view)) = tokio::join!(
            self.sim
                .act_and_watch(request(&self.sim), &servers.sim, status),
            self.real
                .act_and_watch(request(&self.real), &servers.real, status)
        );
        self.record(step, &sim_reply, &real_reply);
        self.same_messages(step, &sim_reply, &real_reply);
        let after = |seen: Vec<String>| -> Vec<String> {
            seen.into_iter().skip_while(|state| state == from).collect()
        };
        let (sim_seen, real_seen) = (after(sim_seen), after(real_seen));
        self.sequences.push(format!(
            "{step}: simulator {} | real {}",
            sim_seen.join(" → "),
            real_seen.join(" → ")
        ));
        if !in_order(&real_seen, &sim_seen) {
            self.note(
                step,
                format!("states: simulator {sim_seen:?} vs real {real_seen:?}"),
            );
        }
        let step = format!("{step}, the server after");
        self.record(&step, &sim_view, &real_view);
        self.same_states(&step, &sim_view, &real_view);
    }
}

/// Key pairs at 2.35: paging by name, one key pair's fields, the refusals' texts.
pub(super) async fn key_pairs(diff: &mut Differential) {
    diff.compare_text("import a key pair at 2.35", |_| {
        Request::post(
            "os-keypairs",
            "2.35",
            json!({"keypair": {"name": "diff-alpha", "public_key": PUBLIC_KEY}}),
        )
    })
    .await;
    // diff-generated was made first, so the order shows whether the list goes by age or name.
    diff.list("key pairs at 2.35", "os-keypairs", "2.35", "keypairs")
        .await;
    let (sim_page, real_page) = diff
        .compare_text("key pairs at 2.35, first page", |_| {
            Request::get("os-keypairs?limit=1", "2.35")
        })
        .await;
    diff.same_names(
        "key pairs at 2.35, first page",
        "keypairs",
        &sim_page,
        &real_page,
    );
    let marker = |page: &Reply| text(&names(page, "keypairs")[0]);
    let (sim_marker, real_marker) = (marker(&sim_page), marker(&real_page));
    let (sim_next, real_next) = diff
        .compare_text("key pairs at 2.35, next page", |side| {
            let marker = side.pick(&sim_marker, &real_marker);
            Request::get(format!("os-keypairs?limit=1&marker={marker}"), "2.35")
        })
        .await;
    diff.same_names(
        "key pairs at 2.35, next page",
        "keypairs",
        &sim_next,
        &real_next,
    );
    diff.list(
        "key pairs after an unknown marker",
        "os-keypairs?marker=no-such-key",
        "2.35",
        "keypairs",
    )
    .await;
    diff.compare_text("key pairs, bad limit", |_| {
        Request::get("os-keypairs?limit=-1", "2.35")
    })
    .await;
    diff.compare_text("key pairs, paging before 2.35", |_| {
        Request::get("os-keypairs?limit=1", "2.34")
    })
    .await;
    diff.compare_text("one key pair at 2.35", |_| {
        Request::get("os-keypairs/diff-alpha", "2.35")
    })
    .await;
    diff.compare_text("an unknown key pair", |_| {
        Request::get("os-keypairs/no-such-key", "2.35")
    })
    .await;
    diff.compare_text("a key pair name taken at 2.35", |_| {
        Request::post(
            "os-keypairs",
            "2.35",
            json!({"keypair": {"name": "diff-alpha", "public_key": PUBLIC_KEY}}),
        )
    })
    .await;
    diff.compare_text("delete an unknown key pair", |_| {
        Request::new(Method::DELETE, "os-keypairs/no-such-key", Some("2.35"))
    })
    .await;
    diff.compare_text("delete a key pair at 2.35", |_| {
        Request::new(Method::DELETE, "os-keypairs/diff-alpha", Some("2.35"))
    })
    .await;
}

/// The servers list: a second server (stopped), then filters, sorting and paging.
pub(super) async fn server_list(diff: &mut Differential) {
    let (sim_created, real_created) = diff
        .compare("create a second server", |side| {
            Request::post("servers", "2.67", side.choices.server("diff-other"))
        })
        .await;
    let others = Servers {
        sim: text(&sim_created.body["server"]["id"]),
        real: text(&real_created.body["server"]["id"]),
    };
    diff.sim.name_id(&others.sim, "OTHER_SERVER_ID");
    diff.real.name_id(&others.real, "OTHER_SERVER_ID");
    diff.sim.wait_for_status(&others.sim, "ACTIVE").await;
    diff.real.wait_for_status(&others.real, "ACTIVE").await;
    diff.action(
        "stop the second server",
        &others,
        json!({"os-stop": null}),
        "SHUTOFF",
    )
    .await;

    let lists: &[(&str, String)] = &[
        (
            "servers sorted by name",
            format!("servers/detail?{LISTED}&sort_key=display_name&sort_dir=asc"),
        ),
        (
            "servers sorted by name, descending",
            format!("servers/detail?{LISTED}&sort_key=display_name&sort_dir=desc"),
        ),
        (
            "servers sorted by creation, newest first",
            format!("servers/detail?{LISTED}&sort_key=created_at&sort_dir=desc"),
        ),
        (
            "servers sorted by creation, oldest first",
            format!("servers/detail?{LISTED}&sort_key=created_at&sort_dir=asc"),
        ),
        (
            "servers sorted by state",
            format!("servers/detail?{LISTED}&sort_key=vm_state&sort_dir=asc"),
        ),
        (
            "servers sorted by zone then name",
            format!(
                "servers/detail?{LISTED}&sort_key=availability_zone&sort_dir=asc&sort_key=display_name&sort_dir=desc"
            ),
        ),
        (
            "servers sorted by an unknown key",
            format!("servers/detail?{LISTED}&sort_key=bogus"),
        ),
        (
            "servers sorted in an unknown direction",
            format!("servers/detail?{LISTED}&sort_key=display_name&sort_dir=sideways"),
        ),
        (
            "servers named by a part",
            "servers/detail?name=diff-oth".to_owned(),
        ),
        (
            "servers named by a pattern",
            "servers/detail?name=%5Ediff-s.r".to_owned(),
        ),
        (
            "servers (summary) named by a part",
            "servers?name=diff-oth".to_owned(),
        ),
        (
            "SHUTOFF servers",
            format!("servers/detail?{LISTED}&status=SHUTOFF"),
        ),
        (
            "ACTIVE servers, status in lower case",
            format!("servers/detail?{LISTED}&status=active"),
        ),
        (
            "servers of two statuses",
            format!("servers/detail?{LISTED}&status=ACTIVE&status=SHUTOFF&sort_key=display_name"),
        ),
        (
            "servers of an unknown status",
            format!("servers/detail?{LISTED}&status=BOGUS"),
        ),
        (
            "servers of an unknown flavor",
            format!("servers/detail?{LISTED}&flavor=no-such-flavor"),
        ),
        (
            "servers in an unknown zone at 2.67",
            format!("servers/detail?{LISTED}&availability_zone=no-such-zone&sort_key=display_name"),
        ),
        (
            "servers after an unknown marker",
            format!("servers/detail?{LISTED}&marker=no-such-server"),
        ),
        (
            "servers, bad limit",
            format!("servers/detail?{LISTED}&limit=-1"),
        ),
    ];
    for (step, path) in lists {
        diff.list(step, path, "2.67", "servers").await;
    }
    diff.list(
        "servers sorted by name at 2.1",
        &format!("servers/detail?{LISTED}&sort_key=display_name&sort_dir=desc"),
        "2.1",
        "servers",
    )
    .await;
    let (sim_flavor, real_flavor) = diff
        .compare_text("servers of the flavor", |side| {
            Request::get(
                format!(
                    "servers/detail?{LISTED}&flavor={}&sort_key=display_name",
                    side.choices.flavor_id
                ),
                "2.67",
            )
        })
        .await;
    diff.same_names(
        "servers of the flavor",
        "servers",
        &sim_flavor,
        &real_flavor,
    );
    let (sim_zone, real_zone) = diff
        .compare_text("servers in the zone", |side| {
            Request::get(
                format!(
                    "servers/detail?{LISTED}&availability_zone={}&sort_key=display_name",
                    side.choices.zone
                ),
                "2.67",
            )
        })
        .await;
    diff.same_names("servers in the zone", "servers", &sim_zone, &real_zone);
    // The second page starts after the first page's server.
    let (sim_first, real_first) = diff
        .compare_text("servers, a page of one", |_| {
            Request::get(
                format!("servers/detail?{LISTED}&sort_key=display_name&sort_dir=asc&limit=1"),
                "2.67",
            )
        })
        .await;
    let marker = |page: &Reply| text(&page.body["servers"][0]["id"]);
    let (sim_marker, real_marker) = (marker(&sim_first), marker(&real_first));
    let (sim_next, real_next) = diff
        .compare_text("servers, the next page", |side| {
            let marker = side.pick(&sim_marker, &real_marker);
            Request::get(
                format!(
                    "servers/detail?{LISTED}&sort_key=display_name&sort_dir=asc&limit=1&marker={marker}"
                ),
                "2.67",
            )
        })
        .await;
    diff.same_names("servers, the next page", "servers", &sim_next, &real_next);

    diff.compare("delete the second server", |side| {
        Request::new(
            Method::DELETE,
            format!("servers/{}", others.of(side)),
            Some("2.67"),
        )
    })
    .await;
    diff.sim.wait_for_status(&others.sim, "DELETED").await;
    diff.real.wait_for_status(&others.real, "DELETED").await;
}

/// The server actions of issue 12 on the (volume-backed, ACTIVE) server, each accepted one
/// watched to its end, each refusal compared with its message.
pub(super) async fn actions(diff: &mut Differential, servers: &Servers) {
    // Rename, also with a description (2.19+), and a name Nova refuses.
    let (sim, real) = diff
        .compare_text("rename a server", |side| Request {
            body: Some(json!({"server": {"name": "diff-renamed", "description": "renamed by the differential test"}})),
            ..Request::new(Method::PUT, format!("servers/{}", servers.of(side)), Some("2.67"))
        })
        .await;
    for field in ["name", "description"] {
        diff.same_value(
            "rename a server",
            field,
            &sim.body["server"][field],
            &real.body["server"][field],
        );
    }
    diff.compare_text("rename with a leading space", |side| Request {
        body: Some(json!({"server": {"name": " diff-renamed"}})),
        ..Request::new(
            Method::PUT,
            format!("servers/{}", servers.of(side)),
            Some("2.67"),
        )
    })
    .await;
    diff.compare_text("a description before 2.19", |side| Request {
        body: Some(json!({"server": {"description": "too early"}})),
        ..Request::new(
            Method::PUT,
            format!("servers/{}", servers.of(side)),
            Some("2.18"),
        )
    })
    .await;

    // Lock: the view says so, the owner's actions are refused, a rename is not.
    diff.act("lock", servers, "2.67", |_| json!({"lock": null}))
        .await;
    diff.server_state("a locked server", servers).await;
    diff.act(
        "pause a locked server",
        servers,
        "2.67",
        |_| json!({"pause": null}),
    )
    .await;
    diff.compare_text("rename a locked server", |side| Request {
        body: Some(json!({"server": {"name": "diff-renamed"}})),
        ..Request::new(
            Method::PUT,
            format!("servers/{}", servers.of(side)),
            Some("2.67"),
        )
    })
    .await;
    diff.act("unlock", servers, "2.67", |_| json!({"unlock": null}))
        .await;
    diff.server_state("an unlocked server", servers).await;

    // Pause and suspend, and the actions their states refuse.
    diff.act(
        "unpause an ACTIVE server",
        servers,
        "2.67",
        |_| json!({"unpause": null}),
    )
    .await;
    diff.act(
        "resume an ACTIVE server",
        servers,
        "2.67",
        |_| json!({"resume": null}),
    )
    .await;
    diff.transition(
        "pause",
        servers,
        |_| json!({"pause": null}),
        "ACTIVE/-",
        "PAUSED",
    )
    .await;
    diff.act(
        "pause a paused server",
        servers,
        "2.67",
        |_| json!({"pause": null}),
    )
    .await;
    diff.act(
        "suspend a paused server",
        servers,
        "2.67",
        |_| json!({"suspend": null}),
    )
    .await;
    diff.transition(
        "unpause",
        servers,
        |_| json!({"unpause": null}),
        "PAUSED/-",
        "ACTIVE",
    )
    .await;
    diff.transition(
        "suspend",
        servers,
        |_| json!({"suspend": null}),
        "ACTIVE/-",
        "SUSPENDED",
    )
    .await;
    diff.act(
        "pause a suspended server",
        servers,
        "2.67",
        |_| json!({"pause": null}),
    )
    .await;
    diff.transition(
        "resume",
        servers,
        |_| json!({"resume": null}),
        "SUSPENDED/-",
        "ACTIVE",
    )
    .await;

    // Resize: the refusals, then → VERIFY_RESIZE → confirm, and → VERIFY_RESIZE → revert.
    diff.act(
        "resize to the same flavor",
        servers,
        "2.67",
        |side| json!({"resize": {"flavorRef": side.choices.flavor_id}}),
    )
    .await;
    diff.act(
        "resize to an unknown flavor",
        servers,
        "2.67",
        |_| json!({"resize": {"flavorRef": "no-such-flavor"}}),
    )
    .await;
    diff.act(
        "confirm a resize of an ACTIVE server",
        servers,
        "2.67",
        |_| json!({"confirmResize": null}),
    )
    .await;
    diff.act(
        "revert a resize of an ACTIVE server",
        servers,
        "2.67",
        |_| json!({"revertResize": null}),
    )
    .await;
    diff.transition(
        "resize",
        servers,
        |side| json!({"resize": {"flavorRef": side.choices.resize_flavor_id}}),
        "ACTIVE/-",
        "VERIFY_RESIZE",
    )
    .await;
    diff.act(
        "pause a server to confirm",
        servers,
        "2.67",
        |_| json!({"pause": null}),
    )
    .await;
    diff.transition(
        "confirm the resize",
        servers,
        |_| json!({"confirmResize": null}),
        "VERIFY_RESIZE/-",
        "ACTIVE",
    )
    .await;
    diff.transition(
        "resize back",
        servers,
        |side| json!({"resize": {"flavorRef": side.choices.flavor_id}}),
        "ACTIVE/-",
        "VERIFY_RESIZE",
    )
    .await;
    diff.transition(
        "revert the resize",
        servers,
        |_| json!({"revertResize": null}),
        "VERIFY_RESIZE/-",
        "ACTIVE",
    )
    .await;

    // A snapshot of the volume-backed server at 2.45: the image id in the body, no Location.
    let (sim_image, real_image) = diff
        .act(
            "create an image at 2.45",
            servers,
            "2.45",
            |_| json!({"createImage": {"name": "diff-snapshot", "metadata": {}}}),
        )
        .await;
    let images = Servers {
        sim: text(&sim_image.body["image_id"]),
        real: text(&real_image.body["image_id"]),
    };
    diff.sim.name_id(&images.sim, "SNAPSHOT_ID");
    diff.real.name_id(&images.real, "SNAPSHOT_ID");
    let (sim_snapshot, real_snapshot) = diff
        .compare_text("the snapshot image", |side| {
            Request::get(format!("images/{}", images.of(side)), "2.35")
        })
        .await;
    // What Nova made of the snapshot; the properties it inherits from the boot image are each
    // cloud's own, so only those it adds are compared.
    let metadata_keys = |image: &Reply| -> Vec<String> {
        image.body["image"]["metadata"]
            .as_object()
            .map(|metadata| metadata.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut sources = Vec::new();
    for side in [&diff.sim, &diff.real] {
        let source = side
            .send(&Request::get(
                format!("images/{}", side.choices.image_id),
                "2.35",
            ))
            .await;
        sources.push(metadata_keys(&source));
    }
    let facts = |side: &Side, image: &Reply| {
        json!({
            "status": image.body["image"]["status"],
            "minDisk is the boot volume's size":
                image.body["image"]["minDisk"] == side.choices.volume_size,
        })
    };
    let (ours, theirs) = (
        facts(&diff.sim, &sim_snapshot),
        facts(&diff.real, &real_snapshot),
    );
    for (field, value) in ours.as_object().into_iter().flatten() {
        diff.same_value("the snapshot image", field, value, &theirs[field]);
    }
    let added = |image: &Reply, source: &[String]| -> Vec<String> {
        metadata_keys(image)
            .into_iter()
            .filter(|key| !source.contains(key))
            .collect()
    };
    let (ours, theirs) = (
        added(&sim_snapshot, &sources[0]),
        added(&real_snapshot, &sources[1]),
    );
    for key in ours.iter().filter(|key| !theirs.contains(key)) {
        diff.note(
            "the snapshot image",
            format!("metadata key {key}: added only by the simulator"),
        );
    }
    for key in theirs.iter().filter(|key| !ours.contains(key)) {
        diff.note(
            "the snapshot image",
            format!("metadata key {key}: added only by real Nova"),
        );
    }
    diff.server_state("a server after its snapshot", servers)
        .await;
    diff.compare_text("delete the snapshot image", |side| {
        Request::new(
            Method::DELETE,
            format!("images/{}", images.of(side)),
            Some("2.35"),
        )
    })
    .await;

    // Rebuild of a volume-backed server: refused with another image (before 2.93).
    diff.act(
        "rebuild with another image",
        servers,
        "2.67",
        |side| json!({"rebuild": {"imageRef": side.choices.other_image_id}}),
    )
    .await;
    diff.act(
        "rebuild with its boot image",
        servers,
        "2.67",
        |side| json!({"rebuild": {"imageRef": side.choices.image_id}}),
    )
    .await;
    diff.sim.wait_for_status(&servers.sim, "ACTIVE").await;
    diff.real.wait_for_status(&servers.real, "ACTIVE").await;

    // Shelve: a volume-backed server is offloaded at once; unshelve brings it back.
    diff.act(
        "unshelve an ACTIVE server",
        servers,
        "2.67",
        |_| json!({"unshelve": null}),
    )
    .await;
    diff.transition(
        "shelve",
        servers,
        |_| json!({"shelve": null}),
        "ACTIVE/-",
        "SHELVED_OFFLOADED",
    )
    .await;
    diff.act(
        "create an image of a shelved server",
        servers,
        "2.45",
        |_| json!({"createImage": {"name": "diff-shelved-snapshot"}}),
    )
    .await;
    diff.act(
        "pause a shelved server",
        servers,
        "2.67",
        |_| json!({"pause": null}),
    )
    .await;
    diff.transition(
        "unshelve",
        servers,
        |_| json!({"unshelve": null}),
        "SHELVED_OFFLOADED/-",
        "ACTIVE",
    )
    .await;
}
