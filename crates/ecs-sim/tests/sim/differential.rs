//! The simulator measured against real OpenStack: the same requests (the guide's calls, the
//! calls that reach a server (boot log, remote console, password, security groups), the
//! console's error cases, paging, the microversions the console uses, bad bodies and bad
//! microversions) go to ecs-sim and to real Keystone 30 + Nova 34 (`tests/openstack/launch.py`);
//! their answers are compared by status, the headers the console reads, the JSON keys and value
//! types at every path, and the fault body's shape. Values (ids, times, names) are not compared.
//! A difference fails the test unless [`ALLOWED`] names it with its reason.

use std::collections::BTreeMap;
use std::time::Duration;

use ecs_sim::DEMO;
use ecs_sim::real_openstack::RealOpenStack;
use ecs_sim::test_client::{Reply, TestClient};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::fast_config;

mod issue12;

/// The browser origin both clouds are asked to allow.
const ORIGIN: &str = "http://console.test:8080";

/// A public key for the import (the guide's example key).
const PUBLIC_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDY8wMTdBYiJgi62o6eShoOlSKx3CZ3cE6PHisDblfK3Y0Bg7EHV7iV9c74pqsrIhK0xuGUuO1NxDQWbkwLTPN4F9Iy5CIYohLuMIpbln6LDtfRPpdhEh3lxL8MM61gyfpKzeKkwkEpSFj27Rgh6zCyJgBpkA2A0HTP737UlitahL4faCWDIS+Vj6mbcfkWiMhuMCzTZgSKAZ4PfoG4B5HJhR52C6A4XLiQFT9heh9gnIsIG+uTogTKUbcJKuN7M6AraJpul6eHhV9YI4433sDmuiBF/njvreVPWwAHlAkgT9I8q1T/cfEFiwzXpdGbkK5O8NC7K+qNbbdKihlahONt imported@console";

/// A server id neither cloud has.
const UNKNOWN_SERVER: &str = "0b7d4c1e-5f2a-4e8b-9c3d-6a1f2e3d4c5b";

/// A difference that is in the nature of the two clouds, not a mistake of the simulator.
struct Allowed {
    /// The step's name (`*`: every step).
    step: &'static str,
    /// The start of the difference's description.
    difference: &'static str,
    reason: &'static str,
}

const ALLOWED: &[Allowed] = &[
    Allowed {
        step: "*",
        difference: "type .flavors[].description: simulator string vs real null",
        reason: "the simulator's flavors carry descriptions, as ECS's do; Nova's test flavors have none (string or null in Nova's schema)",
    },
    Allowed {
        step: "*",
        difference: "type .flavor.description: simulator string vs real null",
        reason: "the same flavor descriptions",
    },
    Allowed {
        step: "*",
        difference: "type .server.image: simulator object vs real string",
        reason: "ECS names the image of a server booted from a volume (the guide's server sample); Nova sends \"\"; the console reads both",
    },
    Allowed {
        step: "*",
        difference: "type .servers[].image: simulator object vs real string",
        reason: "the same image of a volume-booted server, in lists",
    },
    Allowed {
        step: "*",
        difference: "key .server.image.",
        reason: "the same image object's fields",
    },
    Allowed {
        step: "*",
        difference: "key .servers[].image.",
        reason: "the same image object's fields, in lists",
    },
    Allowed {
        step: "*",
        difference: "key .server.OS-EXT-SRV-ATTR:",
        reason: "ECS shows a server's host fields to its owner (the guide's server sample); Nova's default policy shows them to admins only; the console shows them when present",
    },
    Allowed {
        step: "*",
        difference: "key .servers[].OS-EXT-SRV-ATTR:",
        reason: "the same host fields, in lists",
    },
    Allowed {
        step: "*",
        difference: "type .security_groups[].rules[].from_port: simulator null|number vs real null",
        reason: "Neutron's own default group (as Nova's fake Neutron has it) lets in only its members, any protocol, so its rules have no ports, protocol or CIDR; the simulator's default also opens SSH and ICMP from anywhere, as ECS's does and the console's connect check needs (Nova's schema: integer or null, string or null)",
    },
    Allowed {
        step: "*",
        difference: "type .security_groups[].rules[].to_port: simulator null|number vs real null",
        reason: "the same SSH and ICMP rules of the simulator's default group",
    },
    Allowed {
        step: "*",
        difference: "type .security_groups[].rules[].ip_protocol: simulator null|string vs real null",
        reason: "the same SSH and ICMP rules of the simulator's default group",
    },
    Allowed {
        step: "*",
        difference: "key .security_groups[].rules[].ip_range.cidr: only in the simulator",
        reason: "the same rules: from anywhere (a CIDR), where Neutron's default rules name a group",
    },
    Allowed {
        step: "*",
        difference: "type .security_group.rules[].from_port: simulator null|number vs real null",
        reason: "the same SSH and ICMP rules of the simulator's default group, shown alone",
    },
    Allowed {
        step: "*",
        difference: "type .security_group.rules[].to_port: simulator null|number vs real null",
        reason: "the same SSH and ICMP rules of the simulator's default group, shown alone",
    },
    Allowed {
        step: "*",
        difference: "type .security_group.rules[].ip_protocol: simulator null|string vs real null",
        reason: "the same SSH and ICMP rules of the simulator's default group, shown alone",
    },
    Allowed {
        step: "*",
        difference: "key .security_group.rules[].ip_range.cidr: only in the simulator",
        reason: "the same rules' CIDR, shown alone",
    },
    Allowed {
        step: "servers sorted by an unknown key",
        difference: "message: the same list in another order",
        reason: "Nova lists the valid sort keys from a Python set, whose order changes from run to run",
    },
    Allowed {
        step: "pause, the server after",
        difference: "value OS-EXT-STS:power_state: simulator 3 vs real 1",
        reason: "a PAUSED server's power_state is 3 as on libvirt (ECS); Nova's fake driver keeps 1 (notes/issue12-sim-actions.md)",
    },
    Allowed {
        step: "suspend, the server after",
        difference: "value OS-EXT-STS:power_state: simulator 4 vs real 1",
        reason: "a SUSPENDED server's power_state is 4 as on libvirt (ECS); Nova's fake driver keeps 1",
    },
    Allowed {
        step: "the snapshot image",
        difference: "metadata key owner: added only by real Nova",
        reason: "Nova's fake Glance (GlanceFixture.create) copies the project into the properties as `owner`; real Glance keeps owner a top-level field, outside the image proxy's metadata",
    },
    Allowed {
        step: "rebuild with its boot image",
        difference: "status: simulator 202 vs Nova/Keystone 400",
        reason: "Nova rebuilds a volume-backed server with the image its root volume was made from (Cinder's volume_image_metadata); the harness's fake Cinder keeps none, so it refuses every image (notes/issue12-diff-findings.md)",
    },
    Allowed {
        step: "rebuild with its boot image",
        difference: "header Location: simulator Some(\"present\") vs real None",
        reason: "the same rebuild, accepted by the simulator as by Nova with real Cinder",
    },
    Allowed {
        step: "rebuild with its boot image",
        difference: "message: simulator None vs real ",
        reason: "the same rebuild: no fault in the simulator",
    },
    Allowed {
        step: "rebuild with its boot image",
        difference: "key .server",
        reason: "the same rebuild: the simulator's 202 sends the rebuild view",
    },
    Allowed {
        step: "rebuild with its boot image",
        difference: "key .badRequest",
        reason: "the same rebuild: the harness's 400 fault",
    },
];

/// One request, described once and sent to both clouds.
struct Request {
    method: Method,
    /// Relative to the compute endpoint, or starting with `identity:` (relative to the identity
    /// endpoint), or `root:` (the compute service's root, where its version list is).
    path: String,
    version: Option<&'static str>,
    body: Option<Value>,
    /// Sent instead of the client's own token (`Some("")`: no token at all).
    token: Option<String>,
    headers: Vec<(&'static str, String)>,
}

impl Request {
    fn new(method: Method, path: impl Into<String>, version: Option<&'static str>) -> Self {
        Self {
            method,
            path: path.into(),
            version,
            body: None,
            token: None,
            headers: Vec::new(),
        }
    }

    fn get(path: impl Into<String>, version: &'static str) -> Self {
        Self::new(Method::GET, path, Some(version))
    }

    fn post(path: impl Into<String>, version: &'static str, body: Value) -> Self {
        Self {
            body: Some(body),
            ..Self::new(Method::POST, path, Some(version))
        }
    }

    fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// What one cloud offers the guide: the first choices the console would make.
struct Choices {
    flavor_id: String,
    image_id: String,
    volume_size: u64,
    network_id: String,
    zone: String,
    /// The flavor with the largest root disk (at most 2 vCPUs) and the image needing the
    /// smallest disk: a volume the image's size, smaller than the flavor's disk.
    roomy_flavor_id: String,
    small_volume: Value,
    flavor_name: String,
    /// Another flavor the server can be resized to (at most 2 vCPUs, enough RAM).
    resize_flavor_id: String,
    resize_flavor_name: String,
    /// Another ACTIVE image (a rebuild of a volume-backed server with it is refused).
    other_image_id: String,
}

struct Side {
    simulator: bool,
    client: TestClient,
    choices: Choices,
    /// This cloud's ids and the names that stand for them in compared messages.
    placeholders: Vec<(String, &'static str)>,
}

impl Side {
    async fn new(identity: &str, simulator: bool) -> Self {
        let client = TestClient::sign_in(identity).await;
        let choices = Choices::of(&client).await;
        let placeholders = vec![
            (text(&client.token_body["token"]["user"]["id"]), "USER_ID"),
            (client.project_id().to_owned(), "PROJECT_ID"),
            (choices.image_id.clone(), "IMAGE_ID"),
            (choices.other_image_id.clone(), "OTHER_IMAGE_ID"),
        ];
        Self {
            simulator,
            client,
            choices,
            placeholders,
        }
    }

    /// From now on `id` reads as `name` in the messages compared.
    fn name_id(&mut self, id: &str, name: &'static str) {
        self.placeholders.push((id.to_owned(), name));
    }

    /// The fault's message with this cloud's ids replaced by their names, if `reply` is a
    /// fault (`{"anyName": {"message": ...}}`, as Nova and Keystone send them).
    fn fault_message(&self, reply: &Reply) -> Option<String> {
        let fault = reply.body.as_object()?.values().next()?;
        let mut message = fault["message"].as_str()?.to_owned();
        for (id, name) in &self.placeholders {
            if !id.is_empty() {
                message = message.replace(id.as_str(), name);
            }
        }
        Some(message)
    }

    /// The one of two values that belongs to this cloud.
    fn pick<'a, T: ?Sized>(&self, sim: &'a T, real: &'a T) -> &'a T {
        if self.simulator { sim } else { real }
    }

    fn url(&self, path: &str) -> String {
        if let Some(identity_path) = path.strip_prefix("identity:") {
            format!("{}{identity_path}", self.client.identity)
        } else if let Some(root_path) = path.strip_prefix("root:") {
            let root = self
                .client
                .compute
                .split("/v2.1")
                .next()
                .unwrap_or_default();
            format!("{root}{root_path}")
        } else {
            format!("{}/{}", self.client.compute, path.trim_start_matches('/'))
        }
    }

    async fn send(&self, request: &Request) -> Reply {
        let mut builder = self
            .client
            .http
            .request(request.method.clone(), self.url(&request.path));
        let token = request.token.as_deref().unwrap_or(&self.client.token);
        if !token.is_empty() {
            builder = builder.header("X-Auth-Token", token);
        }
        if let Some(version) = request.version {
            builder = builder
                .header("X-OpenStack-Nova-API-Version", version)
                .header("OpenStack-API-Version", format!("compute {version}"));
        }
        // As a page in direct mode sends them, so CORS answers can be compared too.
        builder = builder.header("Origin", ORIGIN);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        Reply::read(builder.send().await.expect("the cloud answers")).await
    }

    /// Polls the server until its status is `status` (or it is gone, for `DELETED`).
    async fn wait_for_status(&self, server_id: &str, status: &str) -> Reply {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let reply = self
                .send(&Request::get(format!("servers/{server_id}"), "2.67"))
                .await;
            let reached = match status {
                "DELETED" => reply.status_code() == 404,
                _ => {
                    reply.body["server"]["status"] == status
                        && reply.body["server"]["OS-EXT-STS:task_state"].is_null()
                }
            };
            if reached {
                return reply;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "server {server_id} never reached {status}: {}",
                reply.text
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Choices {
    async fn of(client: &TestClient) -> Self {
        let flavors = client.get("flavors/detail", "2.67").await.body;
        let images = client.get("images/detail", "2.35").await.body;
        let networks = client.get("os-networks", "2.35").await.body;
        let zones = client.get("os-availability-zone", "2.67").await.body;
        let flavor = flavors["flavors"]
            .as_array()
            .and_then(|flavors| {
                flavors
                    .iter()
                    .filter(|flavor| flavor["vcpus"].as_u64() <= Some(2))
                    .max_by_key(|flavor| flavor["ram"].as_u64())
            })
            .expect("a flavor with at most 2 vCPUs");
        let image = images["images"]
            .as_array()
            .and_then(|images| {
                images.iter().find(|image| {
                    image["status"] == "ACTIVE" && image["minRam"].as_u64().unwrap_or(0) == 0
                })
            })
            .expect("an ACTIVE image without minRam");
        let as_list = |value: &Value| value.as_array().cloned().unwrap_or_default();
        let (roomy_flavor, small_image) = as_list(&flavors["flavors"])
            .into_iter()
            .filter(|flavor| flavor["vcpus"].as_u64() <= Some(2))
            .flat_map(|flavor| {
                as_list(&images["images"])
                    .into_iter()
                    .map(move |image| (flavor.clone(), image))
            })
            .find(|(flavor, image)| {
                let number = |value: &Value| value.as_u64().unwrap_or(0);
                image["status"] == "ACTIVE"
                    && number(&flavor["ram"]) >= number(&image["minRam"])
                    && number(&flavor["disk"]) > number(&image["minDisk"]).max(1)
            })
            .expect("a flavor whose root disk is larger than an image's minDisk");
        let small_size = small_image["minDisk"].as_u64().unwrap_or(0).max(1);
        let resize_flavor = as_list(&flavors["flavors"])
            .into_iter()
            .filter(|other| {
                other["id"] != flavor["id"]
                    && other["vcpus"].as_u64() <= Some(2)
                    && other["ram"].as_u64() >= image["minRam"].as_u64()
            })
            .max_by_key(|other| other["ram"].as_u64())
            .expect("a second flavor to resize to");
        let other_image = as_list(&images["images"])
            .into_iter()
            .find(|other| other["status"] == "ACTIVE" && other["id"] != image["id"])
            .expect("a second ACTIVE image");
        let zone = zones["availabilityZoneInfo"]
            .as_array()
            .and_then(|zones| {
                zones
                    .iter()
                    .find(|zone| zone["zoneState"]["available"] == true)
            })
            .expect("an available zone");
        Self {
            flavor_id: text(&flavor["id"]),
            image_id: text(&image["id"]),
            volume_size: image["minDisk"]
                .as_u64()
                .unwrap_or(0)
                .max(flavor["disk"].as_u64().unwrap_or(0))
                .max(1),
            network_id: text(&networks["networks"][0]["id"]),
            zone: text(&zone["zoneName"]),
            roomy_flavor_id: text(&roomy_flavor["id"]),
            small_volume: json!([{
                "uuid": small_image["id"], "source_type": "image", "destination_type": "volume",
                "volume_size": small_size, "boot_index": 0, "delete_on_termination": true
            }]),
            flavor_name: text(&flavor["name"]),
            resize_flavor_id: text(&resize_flavor["id"]),
            resize_flavor_name: text(&resize_flavor["name"]),
            other_image_id: text(&other_image["id"]),
        }
    }

    /// The guide's create body: boot from a new volume made from the image.
    fn server(&self, name: &str) -> Value {
        json!({"server": {
            "name": name,
            "flavorRef": self.flavor_id,
            "availability_zone": self.zone,
            "networks": [{"uuid": self.network_id}],
            "block_device_mapping_v2": [{
                "uuid": self.image_id, "source_type": "image", "destination_type": "volume",
                "volume_size": self.volume_size, "boot_index": 0, "delete_on_termination": true
            }]
        }})
    }

    /// The create body with one change made to its `server` object.
    fn server_with(
        &self,
        name: &str,
        change: impl FnOnce(&mut serde_json::Map<String, Value>),
    ) -> Value {
        let mut body = self.server(name);
        if let Some(server) = body["server"].as_object_mut() {
            change(server);
        }
        body
    }
}

/// The `os-getConsoleOutput` action with its argument, as the console sends it.
fn console_output(server_id: &str, argument: Value) -> Request {
    Request::post(
        format!("servers/{server_id}/action"),
        "2.67",
        json!({"os-getConsoleOutput": argument}),
    )
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string())
}

/// The JSON type at every path of `value`: array items merge under `[]`, the networks of
/// `addresses` under `*`, and `metadata` and `extra_specs` (data, not fields) count as objects.
fn shape(value: &Value) -> BTreeMap<String, String> {
    fn walk(value: &Value, path: String, data_keys: bool, out: &mut BTreeMap<String, String>) {
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        out.entry(path.clone())
            .and_modify(|known| {
                if !known.split('|').any(|k| k == kind) {
                    known.push('|');
                    known.push_str(kind);
                }
            })
            .or_insert_with(|| kind.to_owned());
        match value {
            Value::Array(items) => {
                for item in items {
                    walk(item, format!("{path}[]"), false, out);
                }
            }
            // Metadata and extra specs hold the cloud's data (string values by Nova's schema).
            Value::Object(_) if path.ends_with(".metadata") || path.ends_with(".extra_specs") => {}
            Value::Object(fields) => {
                for (key, field) in fields {
                    let name = if data_keys { "*" } else { key.as_str() };
                    walk(field, format!("{path}.{name}"), key == "addresses", out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(value, String::new(), false, &mut out);
    out
}

/// The headers the console reads, as (name, what is compared).
fn read_headers(reply: &Reply) -> BTreeMap<&'static str, String> {
    let mut headers = BTreeMap::new();
    let lower = |name: &str| reply.header(name).map(str::to_ascii_lowercase);
    if let Some(version) = reply.header("x-openstack-nova-api-version") {
        headers.insert("X-OpenStack-Nova-API-Version", version.to_owned());
    }
    if reply.header("location").is_some() {
        headers.insert("Location", "present".to_owned());
    }
    if reply.header("x-subject-token").is_some() {
        headers.insert("X-Subject-Token", "present".to_owned());
    }
    if let Some(origin) = reply.header("access-control-allow-origin") {
        headers.insert("Access-Control-Allow-Origin", origin.to_owned());
    }
    // What a browser page may send and read.
    for (name, key) in [
        (
            "access-control-expose-headers",
            "Access-Control-Expose-Headers",
        ),
        (
            "access-control-allow-headers",
            "Access-Control-Allow-Headers",
        ),
        (
            "access-control-allow-methods",
            "Access-Control-Allow-Methods",
        ),
    ] {
        if let Some(list) = lower(name) {
            let mut names: Vec<&str> = list.split(',').map(str::trim).collect();
            names.sort_unstable();
            headers.insert(key, names.join(","));
        }
    }
    headers
}

/// Every difference between the two answers, described in one line each.
fn differences(sim: &Reply, real: &Reply) -> Vec<String> {
    let mut found = Vec::new();
    if sim.status != real.status {
        found.push(format!(
            "status: simulator {} vs Nova/Keystone {} (simulator said {}; real said {})",
            sim.status_code(),
            real.status_code(),
            truncate(&sim.text),
            truncate(&real.text)
        ));
    }
    let (sim_headers, real_headers) = (read_headers(sim), read_headers(real));
    for name in sim_headers.keys().chain(real_headers.keys()) {
        let (ours, theirs) = (sim_headers.get(name), real_headers.get(name));
        if ours != theirs
            && !found
                .iter()
                .any(|line| line.starts_with(&format!("header {name}:")))
        {
            found.push(format!(
                "header {name}: simulator {ours:?} vs real {theirs:?}"
            ));
        }
    }
    if sim.body.is_null() != real.body.is_null() && (sim.text.is_empty() != real.text.is_empty()) {
        found.push(format!(
            "body: simulator {:?} vs real {:?}",
            truncate(&sim.text),
            truncate(&real.text)
        ));
        return found;
    }
    let (ours, theirs) = (shape(&sim.body), shape(&real.body));
    for (path, kind) in &theirs {
        match ours.get(path) {
            None => found.push(format!(
                "key {path}: missing in the simulator (real: {kind})"
            )),
            Some(our_kind) if our_kind != kind => {
                found.push(format!("type {path}: simulator {our_kind} vs real {kind}"))
            }
            Some(_) => {}
        }
    }
    for (path, kind) in &ours {
        if !theirs.contains_key(path) {
            found.push(format!("key {path}: only in the simulator ({kind})"));
        }
    }
    found
}

fn truncate(text: &str) -> String {
    text.chars().take(200).collect()
}

/// How two fault messages differ: not at all, only in the order of one bracketed list (Nova
/// prints a Python set there), or in their words.
fn message_difference(sim: Option<&str>, real: Option<&str>) -> Option<String> {
    if sim == real {
        return None;
    }
    let (Some(sim), Some(real)) = (sim, real) else {
        return Some(format!("message: simulator {sim:?} vs real {real:?}"));
    };
    /// The message with the items of its bracketed list sorted.
    fn sorted_list(message: &str) -> Option<String> {
        let start = message.find('[')?;
        let end = start + message[start..].find(']')?;
        let mut items: Vec<&str> = message[start + 1..end].split(',').map(str::trim).collect();
        items.sort_unstable();
        Some(format!(
            "{}[{}]{}",
            &message[..start],
            items.join(", "),
            &message[end + 1..]
        ))
    }
    Some(match (sorted_list(sim), sorted_list(real)) {
        (Some(ours), Some(theirs)) if ours == theirs => {
            "message: the same list in another order".to_owned()
        }
        _ => format!("message: simulator {sim:?} vs real {real:?}"),
    })
}

/// Both clouds, and what comparing them found.
struct Differential {
    sim: Side,
    real: Side,
    compared: usize,
    allowed: Vec<String>,
    unexplained: Vec<String>,
    /// Steps left out, and why.
    skipped: Vec<String>,
    /// The states each cloud's server went through in each watched action.
    sequences: Vec<String>,
}

impl Differential {
    /// Sends the request that `build` makes for each cloud to both and records how they differ.
    async fn compare(&mut self, step: &str, build: impl Fn(&Side) -> Request) -> (Reply, Reply) {
        let sim = self.sim.send(&build(&self.sim)).await;
        let real = self.real.send(&build(&self.real)).await;
        self.record(step, &sim, &real);
        (sim, real)
    }

    /// Records how two answers to the same request differ.
    fn record(&mut self, step: &str, sim: &Reply, real: &Reply) {
        self.compared += 1;
        for difference in differences(sim, real) {
            self.note(step, difference);
        }
    }

    /// Files one difference found at `step` as allowed (by [`ALLOWED`]) or unexplained.
    fn note(&mut self, step: &str, difference: String) {
        let line = format!("{step}: {difference}");
        match ALLOWED.iter().find(|allowed| {
            (allowed.step == "*" || allowed.step == step)
                && difference.starts_with(allowed.difference)
        }) {
            Some(allowed) => self
                .allowed
                .push(format!("{line} [allowed: {}]", allowed.reason)),
            None => self.unexplained.push(line),
        }
    }

    /// As [`Self::compare`], and the faults' messages too (each cloud's ids named alike).
    async fn compare_text(
        &mut self,
        step: &str,
        build: impl Fn(&Side) -> Request,
    ) -> (Reply, Reply) {
        let (sim, real) = self.compare(step, build).await;
        self.same_messages(step, &sim, &real);
        (sim, real)
    }

    /// Records how the two answers' fault messages differ (each cloud's ids named alike).
    fn same_messages(&mut self, step: &str, sim: &Reply, real: &Reply) {
        let messages = (self.sim.fault_message(sim), self.real.fault_message(real));
        if let Some(difference) = message_difference(messages.0.as_deref(), messages.1.as_deref()) {
            self.note(step, difference);
        }
    }

    /// Records a difference when what each cloud showed of `what` is not the same.
    fn same_value(&mut self, step: &str, what: &str, sim: &Value, real: &Value) {
        if sim != real {
            self.note(
                step,
                format!("value {what}: simulator {sim} vs real {real}"),
            );
        }
    }

    /// Compares an action on each cloud's server, then waits until both reach `status`.
    async fn action(&mut self, step: &str, servers: &Servers, body: Value, status: &str) {
        self.compare(step, |side| {
            Request::post(
                format!("servers/{}/action", servers.of(side)),
                "2.67",
                body.clone(),
            )
        })
        .await;
        self.sim.wait_for_status(&servers.sim, status).await;
        self.real.wait_for_status(&servers.real, status).await;
    }
}

/// One server per cloud.
struct Servers {
    sim: String,
    real: String,
}

impl Servers {
    fn of(&self, side: &Side) -> &str {
        side.pick(&self.sim, &self.real)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_answers_as_real_nova_and_keystone() {
    let real_cloud = RealOpenStack::start(ORIGIN);
    // Nova's proxy rule (`--strict-proxy-apis`): `images`, `os-networks` and
    // `os-security-groups` end at 2.35, where the simulator's default keeps them as ECS does.
    let sim = ecs_sim::spawn(
        fast_config()
            .cors_allowed_origins([ORIGIN])
            .proxy_apis_at_all_versions(false),
    )
    .await
    .expect("the simulator starts");
    let mut diff = Differential {
        sim: Side::new(&format!("{}/identity/v3", sim.base_url()), true).await,
        real: Side::new(&real_cloud.endpoints.identity, false).await,
        compared: 0,
        allowed: Vec::new(),
        unexplained: Vec::new(),
        skipped: Vec::new(),
        sequences: Vec::new(),
    };

    // Keystone: sign-in, a wrong password, token validation.
    let sign_in = json!(DEMO.auth_request().to_body());
    diff.compare("sign-in without a body", |_| {
        Request::new(Method::POST, "identity:/auth/tokens", None)
            .token("")
            .header("Content-Type", "application/json")
    })
    .await;
    diff.compare("password sign-in with a body", |_| Request {
        body: Some(sign_in.clone()),
        ..Request::new(Method::POST, "identity:/auth/tokens", None).token("")
    })
    .await;
    let mut wrong = sign_in.clone();
    wrong["auth"]["identity"]["password"]["user"]["password"] = json!("wrong");
    diff.compare("wrong password", |_| Request {
        body: Some(wrong.clone()),
        ..Request::new(Method::POST, "identity:/auth/tokens", None).token("")
    })
    .await;
    diff.compare("validate own token", |side| {
        Request::new(Method::GET, "identity:/auth/tokens", None)
            .header("X-Subject-Token", side.client.token.clone())
    })
    .await;
    diff.compare("validate a forged token", |_| {
        Request::new(Method::GET, "identity:/auth/tokens", None)
            .header("X-Subject-Token", "gAAAAABforged")
    })
    .await;
    diff.compare("identity preflight", |_| {
        Request::new(Method::OPTIONS, "identity:/auth/tokens", None)
            .token("")
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "content-type,x-auth-token,x-subject-token",
            )
    })
    .await;

    // Nova: the versions, the create form's lists, paging, the console's microversions.
    diff.compare("compute versions", |_| {
        Request::new(Method::GET, "root:/", None).token("")
    })
    .await;
    diff.compare("zones", |_| Request::get("os-availability-zone", "2.67"))
        .await;
    diff.compare("flavors", |_| Request::get("flavors/detail", "2.67"))
        .await;
    let (sim_page, real_page) = diff
        .compare("flavors, first page", |_| {
            Request::get("flavors/detail?limit=2", "2.67")
        })
        .await;
    let marker = |page: &Value| text(&page["flavors"][1]["id"]);
    let (sim_marker, real_marker) = (marker(&sim_page.body), marker(&real_page.body));
    diff.compare("flavors, next page", |side| {
        let marker = side.pick(&sim_marker, &real_marker);
        Request::get(format!("flavors/detail?limit=2&marker={marker}"), "2.67")
    })
    .await;
    diff.compare("one flavor", |side| {
        Request::get(format!("flavors/{}", side.choices.flavor_id), "2.67")
    })
    .await;
    diff.compare("unknown flavor", |_| {
        Request::get("flavors/no-such-flavor", "2.67")
    })
    .await;
    diff.compare("flavors, bad limit", |_| {
        Request::get("flavors/detail?limit=-1", "2.67")
    })
    .await;
    diff.compare("images", |_| Request::get("images/detail", "2.35"))
        .await;
    diff.compare("images, first page", |_| {
        Request::get("images/detail?limit=1", "2.35")
    })
    .await;
    diff.compare("one image", |side| {
        Request::get(format!("images/{}", side.choices.image_id), "2.35")
    })
    .await;
    diff.compare("networks", |_| Request::get("os-networks", "2.35"))
        .await;
    diff.compare("one network", |side| {
        Request::get(format!("os-networks/{}", side.choices.network_id), "2.35")
    })
    .await;
    diff.compare("limits", |_| Request::get("limits", "2.67"))
        .await;
    diff.compare("no servers yet", |_| Request::get("servers/detail", "2.67"))
        .await;
    diff.compare("unsupported microversion", |_| {
        Request::get("flavors/detail", "2.999")
    })
    .await;
    diff.compare("malformed microversion", |_| {
        Request::get("flavors/detail", "abc")
    })
    .await;
    diff.compare("no microversion", |_| {
        Request::new(Method::GET, "os-availability-zone", None)
    })
    .await;
    diff.compare("no token", |_| {
        Request::get("flavors/detail", "2.67").token("")
    })
    .await;
    diff.compare("a forged token", |_| {
        Request::get("flavors/detail", "2.67").token("gAAAAABforged")
    })
    .await;
    diff.compare("another project's URL", |_| {
        Request::get(
            "root:/v2.1/0123456789abcdef0123456789abcdef/flavors/detail",
            "2.67",
        )
    })
    .await;
    diff.compare("compute preflight", |_| {
        Request::new(Method::OPTIONS, "servers", None)
            .token("")
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "content-type,x-auth-token,openstack-api-version,x-openstack-nova-api-version",
            )
    })
    .await;

    // Key pairs at 2.67: generate, import, the refusals, delete.
    diff.compare("no key pairs yet", |_| Request::get("os-keypairs", "2.67"))
        .await;
    diff.compare("generate a key pair", |_| {
        Request::post(
            "os-keypairs",
            "2.67",
            json!({"keypair": {"name": "diff-generated"}}),
        )
    })
    .await;
    diff.compare("import a key pair", |_| {
        Request::post(
            "os-keypairs",
            "2.67",
            json!({"keypair": {"name": "diff-imported", "public_key": PUBLIC_KEY}}),
        )
    })
    .await;
    diff.compare("a key pair name taken", |_| {
        Request::post(
            "os-keypairs",
            "2.67",
            json!({"keypair": {"name": "diff-generated"}}),
        )
    })
    .await;
    diff.compare("a key pair name with a slash", |_| {
        Request::post(
            "os-keypairs",
            "2.67",
            json!({"keypair": {"name": "bad/name"}}),
        )
    })
    .await;
    diff.compare("a public key that is not one", |_| {
        Request::post(
            "os-keypairs",
            "2.67",
            json!({"keypair": {"name": "diff-garbage", "public_key": "ssh-rsa not-a-key"}}),
        )
    })
    .await;
    diff.compare("key pairs", |_| Request::get("os-keypairs", "2.67"))
        .await;
    diff.compare("one key pair", |_| {
        Request::get("os-keypairs/diff-imported", "2.67")
    })
    .await;
    diff.compare("delete a key pair", |_| {
        Request::new(Method::DELETE, "os-keypairs/diff-imported", Some("2.67"))
    })
    .await;
    diff.compare("a deleted key pair", |_| {
        Request::get("os-keypairs/diff-imported", "2.67")
    })
    .await;
    issue12::key_pairs(&mut diff).await;

    // Servers: the guide's create and its refusals.
    let (sim_created, real_created) = diff
        .compare("create a server", |side| {
            Request::post("servers", "2.67", side.choices.server("diff-server"))
        })
        .await;
    diff.compare("create without networks", |side| {
        Request::post(
            "servers",
            "2.67",
            side.choices.server_with("diff-bad", |server| {
                server.remove("networks");
            }),
        )
    })
    .await;
    diff.compare("create with a volume smaller than the image", |side| {
        Request::post(
            "servers",
            "2.67",
            side.choices.server_with("diff-bad", |server| {
                server["block_device_mapping_v2"][0]["volume_size"] = json!(1);
            }),
        )
    })
    .await;
    let (sim_small, real_small) = diff
        .compare(
            "create with a volume smaller than the flavor's disk",
            |side| {
                Request::post(
                    "servers",
                    "2.67",
                    side.choices.server_with("diff-small", |server| {
                        server.insert("flavorRef".into(), json!(side.choices.roomy_flavor_id));
                        server.insert(
                            "block_device_mapping_v2".into(),
                            side.choices.small_volume.clone(),
                        );
                    }),
                )
            },
        )
        .await;
    diff.compare("create with an unknown flavor", |side| {
        Request::post(
            "servers",
            "2.67",
            side.choices.server_with("diff-bad", |server| {
                server.insert("flavorRef".into(), json!("no-such-flavor"));
            }),
        )
    })
    .await;
    diff.compare("create in an unknown zone", |side| {
        Request::post(
            "servers",
            "2.67",
            side.choices.server_with("diff-bad", |server| {
                server.insert("availability_zone".into(), json!("no-such-zone"));
            }),
        )
    })
    .await;
    diff.compare("create with an unknown key pair", |side| {
        Request::post(
            "servers",
            "2.67",
            side.choices.server_with("diff-bad", |server| {
                server.insert("key_name".into(), json!("no-such-key"));
            }),
        )
    })
    .await;
    diff.compare("create with a name that is too long", |side| {
        Request::post(
            "servers",
            "2.67",
            side.choices.server_with(&"n".repeat(256), |_| {}),
        )
    })
    .await;
    diff.compare("create with a bad body", |_| {
        Request::post("servers", "2.67", json!({"server": "not an object"}))
    })
    .await;

    let servers = Servers {
        sim: text(&sim_created.body["server"]["id"]),
        real: text(&real_created.body["server"]["id"]),
    };
    diff.sim.name_id(&servers.sim, "SERVER_ID");
    diff.real.name_id(&servers.real, "SERVER_ID");
    diff.sim.wait_for_status(&servers.sim, "ACTIVE").await;
    diff.real.wait_for_status(&servers.real, "ACTIVE").await;
    let (sim_server, real_server) = diff
        .compare("an ACTIVE server", |side| {
            Request::get(format!("servers/{}", servers.of(side)), "2.67")
        })
        .await;
    // Its volumes (issue 12): the root volume as Nova lists it, and Nova's refusal to detach it.
    let root_volume = |server: &Reply| {
        text(&server.body["server"]["os-extended-volumes:volumes_attached"][0]["id"])
    };
    let roots = Servers {
        sim: root_volume(&sim_server),
        real: root_volume(&real_server),
    };
    diff.compare("a server's volumes", |side| {
        Request::get(
            format!("servers/{}/os-volume_attachments", servers.of(side)),
            "2.67",
        )
    })
    .await;
    diff.compare("its root volume", |side| {
        Request::get(
            format!(
                "servers/{}/os-volume_attachments/{}",
                servers.of(side),
                roots.of(side)
            ),
            "2.67",
        )
    })
    .await;
    diff.compare("detach the root volume", |side| {
        Request::new(
            Method::DELETE,
            format!(
                "servers/{}/os-volume_attachments/{}",
                servers.of(side),
                roots.of(side)
            ),
            Some("2.67"),
        )
    })
    .await;
    diff.compare("servers", |_| Request::get("servers/detail", "2.67"))
        .await;
    diff.compare("servers, first page", |_| {
        Request::get("servers/detail?limit=1", "2.67")
    })
    .await;
    // Reaching the server (issue 11): its boot log, a remote console, its password, its
    // security groups, and Nova's security group proxy, which a Nova-only cloud lists.
    diff.compare("console output, last 200 lines", |side| {
        console_output(servers.of(side), json!({"length": 200}))
    })
    .await;
    diff.compare("console output, all of it", |side| {
        console_output(servers.of(side), json!({}))
    })
    .await;
    diff.compare("console output of an unknown server", |_| {
        console_output(UNKNOWN_SERVER, json!({"length": 200}))
    })
    .await;
    diff.compare("a noVNC console", |side| {
        Request::post(
            format!("servers/{}/remote-consoles", servers.of(side)),
            "2.67",
            json!({"remote_console": {"protocol": "vnc", "type": "novnc"}}),
        )
    })
    .await;
    diff.compare("a console protocol the cloud does not enable", |side| {
        Request::post(
            format!("servers/{}/remote-consoles", servers.of(side)),
            "2.67",
            json!({"remote_console": {"protocol": "spice", "type": "spice-html5"}}),
        )
    })
    .await;
    diff.compare("a console type that is not the protocol's", |side| {
        Request::post(
            format!("servers/{}/remote-consoles", servers.of(side)),
            "2.67",
            json!({"remote_console": {"protocol": "vnc", "type": "spice-html5"}}),
        )
    })
    .await;
    diff.compare("a console of an unknown type", |side| {
        Request::post(
            format!("servers/{}/remote-consoles", servers.of(side)),
            "2.67",
            json!({"remote_console": {"protocol": "vnc", "type": "no-such-type"}}),
        )
    })
    .await;
    diff.compare("a console below 2.6", |side| {
        Request::post(
            format!("servers/{}/remote-consoles", servers.of(side)),
            "2.5",
            json!({"remote_console": {"protocol": "vnc", "type": "novnc"}}),
        )
    })
    .await;
    diff.compare("a console of an unknown server", |_| {
        Request::post(
            format!("servers/{UNKNOWN_SERVER}/remote-consoles"),
            "2.67",
            json!({"remote_console": {"protocol": "vnc", "type": "novnc"}}),
        )
    })
    .await;
    diff.compare("the password of a server that posted none", |side| {
        Request::get(
            format!("servers/{}/os-server-password", servers.of(side)),
            "2.67",
        )
    })
    .await;
    diff.compare("the password of an unknown server", |_| {
        Request::get(
            format!("servers/{UNKNOWN_SERVER}/os-server-password"),
            "2.67",
        )
    })
    .await;
    diff.compare("a server's security groups", |side| {
        Request::get(
            format!("servers/{}/os-security-groups", servers.of(side)),
            "2.67",
        )
    })
    .await;
    diff.compare("the security groups of an unknown server", |_| {
        Request::get(
            format!("servers/{UNKNOWN_SERVER}/os-security-groups"),
            "2.67",
        )
    })
    .await;
    let (sim_groups, real_groups) = diff
        .compare("security groups at 2.35", |_| {
            Request::get("os-security-groups", "2.35")
        })
        .await;
    // `default`: the group both clouds have.
    let group_id = |groups: &Value| {
        groups["security_groups"]
            .as_array()
            .and_then(|groups| groups.iter().find(|group| group["name"] == "default"))
            .map(|group| text(&group["id"]))
            .expect("a group named default")
    };
    let (sim_group, real_group) = (group_id(&sim_groups.body), group_id(&real_groups.body));
    diff.compare("one security group at 2.35", |side| {
        Request::get(
            format!("os-security-groups/{}", side.pick(&sim_group, &real_group)),
            "2.35",
        )
    })
    .await;
    diff.compare("security groups at 2.67", |_| {
        Request::get("os-security-groups", "2.67")
    })
    .await;
    diff.compare("start an ACTIVE server", |side| {
        Request::post(
            format!("servers/{}/action", servers.of(side)),
            "2.67",
            json!({"os-start": null}),
        )
    })
    .await;
    diff.compare("reboot of an unknown type", |side| {
        Request::post(
            format!("servers/{}/action", servers.of(side)),
            "2.67",
            json!({"reboot": {"type": "MEDIUM"}}),
        )
    })
    .await;
    diff.compare("an unknown action", |side| {
        Request::post(
            format!("servers/{}/action", servers.of(side)),
            "2.67",
            json!({"bogus": null}),
        )
    })
    .await;
    diff.action("stop", &servers, json!({"os-stop": null}), "SHUTOFF")
        .await;
    diff.compare("a stopped server", |side| {
        Request::get(format!("servers/{}", servers.of(side)), "2.67")
    })
    .await;
    diff.action("start", &servers, json!({"os-start": null}), "ACTIVE")
        .await;
    diff.action(
        "soft reboot",
        &servers,
        json!({"reboot": {"type": "SOFT"}}),
        "ACTIVE",
    )
    .await;
    diff.action(
        "hard reboot",
        &servers,
        json!({"reboot": {"type": "HARD"}}),
        "ACTIVE",
    )
    .await;
    // Issue 12: the list's filters, sorting and paging; then the actions, watched with the
    // simulator's transitions slowed so that every state it goes through is seen.
    issue12::server_list(&mut diff).await;
    let knobs = sim.simulator().knobs();
    sim.simulator()
        .set_knobs(ecs_sim::Knobs {
            build_ms: 4_000,
            transition_ms: 1_500,
            ..knobs.clone()
        })
        .expect("slower transitions are valid knobs");
    issue12::actions(&mut diff, &servers).await;
    sim.simulator()
        .set_knobs(knobs)
        .expect("the knobs the simulator had");
    diff.compare("delete the server", |side| {
        Request::new(
            Method::DELETE,
            format!("servers/{}", servers.of(side)),
            Some("2.67"),
        )
    })
    .await;
    diff.sim.wait_for_status(&servers.sim, "DELETED").await;
    diff.real.wait_for_status(&servers.real, "DELETED").await;
    diff.compare("a deleted server", |side| {
        Request::get(format!("servers/{}", servers.of(side)), "2.67")
    })
    .await;
    // The boot log of a server still building. Each cloud is asked as soon as it accepted the
    // server; the simulator's build is made long enough to still be scheduling then. Real Nova
    // places a server within a fraction of a second, so its answer is compared only when it
    // came before that ("not ready", 409).
    let knobs = sim.simulator().knobs();
    sim.simulator()
        .set_knobs(ecs_sim::Knobs {
            build_ms: 60_000,
            ..knobs.clone()
        })
        .expect("a longer build is a valid knob");
    let mut building = Vec::new();
    for side in [&diff.sim, &diff.real] {
        let created = side
            .send(&Request::post(
                "servers",
                "2.67",
                side.choices.server("diff-building"),
            ))
            .await;
        assert_eq!(created.status_code(), 202, "{}", created.text);
        let id = text(&created.body["server"]["id"]);
        let output = side
            .send(&console_output(&id, json!({"length": 200})))
            .await;
        building.push((id, output));
    }
    sim.simulator()
        .set_knobs(knobs)
        .expect("the knobs the simulator had");
    let [(sim_building, sim_output), (real_building, real_output)] =
        <[_; 2]>::try_from(building).expect("one server per cloud");
    let step = "console output of a building server";
    if real_output.status_code() == 409 {
        diff.record(step, &sim_output, &real_output);
    } else {
        diff.skipped.push(format!(
            "{step}: real Nova had placed the server before it was asked (it said {})",
            real_output.status_code()
        ));
    }
    for (side, id) in [(&diff.sim, &sim_building), (&diff.real, &real_building)] {
        let deleted = side
            .send(&Request::new(
                Method::DELETE,
                format!("servers/{id}"),
                Some("2.67"),
            ))
            .await;
        assert_eq!(deleted.status_code(), 204, "{}", deleted.text);
        side.wait_for_status(id, "DELETED").await;
    }
    // The server of a volume smaller than the flavor's disk, where a cloud made it.
    for (side, created) in [(&diff.sim, &sim_small), (&diff.real, &real_small)] {
        if created.status_code() == 202 {
            let id = text(&created.body["server"]["id"]);
            side.wait_for_status(&id, "ACTIVE").await;
            let deleted = side
                .send(&Request::new(
                    Method::DELETE,
                    format!("servers/{id}"),
                    Some("2.67"),
                ))
                .await;
            assert_eq!(deleted.status_code(), 204, "{}", deleted.text);
        }
    }
    diff.compare("delete a key pair generated by the cloud", |_| {
        Request::new(Method::DELETE, "os-keypairs/diff-generated", Some("2.67"))
    })
    .await;

    println!(
        "differential: {} requests compared; {} differences allowed, {} unexplained",
        diff.compared,
        diff.allowed.len(),
        diff.unexplained.len()
    );
    for line in &diff.allowed {
        println!("  {line}");
    }
    for line in &diff.skipped {
        println!("  skipped: {line}");
    }
    for line in &diff.sequences {
        println!("  states: {line}");
    }
    assert!(
        diff.unexplained.is_empty(),
        "the simulator differs from real OpenStack ({} differences):\n{}",
        diff.unexplained.len(),
        diff.unexplained.join("\n")
    );
    sim.shutdown().await;
}

#[test]
fn messages_differing_only_in_a_sets_order_are_told_apart_from_other_wording() {
    let nova = "sort_key. Value: bogus. 'bogus' is not one of ['node', 'uuid', 'locked']";
    let same_set = "sort_key. Value: bogus. 'bogus' is not one of ['locked', 'node', 'uuid']";
    let other_set = "sort_key. Value: bogus. 'bogus' is not one of ['locked', 'node']";
    assert_eq!(message_difference(Some(nova), Some(nova)), None);
    assert_eq!(
        message_difference(Some(same_set), Some(nova)).as_deref(),
        Some("message: the same list in another order")
    );
    for (sim, real) in [(Some(other_set), Some(nova)), (None, Some(nova))] {
        let difference = message_difference(sim, real).expect("a difference");
        assert!(
            difference.starts_with("message: simulator "),
            "{difference}"
        );
    }
}
