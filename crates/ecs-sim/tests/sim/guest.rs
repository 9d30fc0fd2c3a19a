//! Reaching a server's guest over HTTP: the boot log (`os-getConsoleOutput`) with cloud-init's
//! SSH host key blocks for the keys the simulator made, remote consoles and the page their URL
//! leads to, and a Windows guest's password encrypted with the key pair (`os-server-password`).
//! Shapes are checked against Nova's samples in ../shared/nova-api, errors against Nova's.

use std::time::Duration;

use base64::Engine as _;
use ecs_sim::test_client::Reply;
use reqwest::StatusCode;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};
use serde_json::{Value, json};

use crate::common::{Cloud, assert_fault, fast_config, ssh_keygen};

const WAIT: Duration = Duration::from_secs(20);
const LINUX_IMAGE: &str = "Ubuntu 22.04 server 64bit";
const WINDOWS_IMAGE: &str = "Windows Server 2019 Datacenter 64bit";

/// A cloud whose servers are ACTIVE as soon as they are created and stay in a transition long
/// enough to be seen in it.
async fn instant_cloud() -> Cloud {
    Cloud::start(
        fast_config()
            .build_duration(Duration::ZERO)
            .transition_duration(Duration::from_secs(30)),
    )
    .await
}

/// Creates a server booting from a 60 GB volume of `image` (with `key_name` when given).
async fn create(cloud: &Cloud, name: &str, image: &str, key_name: Option<&str>) -> String {
    let mut body = cloud.client.guide_server(name).await;
    let image = cloud.client.image_named(image).await;
    body["server"]["block_device_mapping_v2"][0]["uuid"] = image["id"].clone();
    body["server"]["block_device_mapping_v2"][0]["volume_size"] = json!("60");
    if let Some(key_name) = key_name {
        body["server"]["key_name"] = json!(key_name);
    }
    let reply = cloud.client.post("servers", "2.67", &body).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    reply.body["server"]["id"]
        .as_str()
        .expect("server id")
        .to_owned()
}

async fn wait_status(cloud: &Cloud, id: &str, status: &str) {
    cloud
        .client
        .wait_for(id, WAIT, |reply| reply.body["server"]["status"] == status)
        .await;
}

async fn console_output(cloud: &Cloud, id: &str, argument: Value) -> Reply {
    cloud
        .client
        .post(
            &format!("servers/{id}/action"),
            "2.67",
            &json!({"os-getConsoleOutput": argument}),
        )
        .await
}

fn output(reply: &Reply) -> &str {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["output"].as_str().expect("output is a string")
}

/// Same keys and JSON types as Nova's sample, at every path (values are not compared).
fn assert_same_shape(sample: &Value, actual: &Value, path: &str) {
    match (sample, actual) {
        (Value::Object(expected), Value::Object(got)) => {
            let expected_keys: Vec<&String> = expected.keys().collect();
            let got_keys: Vec<&String> = got.keys().collect();
            assert_eq!(got_keys, expected_keys, "keys at {path}");
            for (key, value) in expected {
                assert_same_shape(value, &got[key], &format!("{path}.{key}"));
            }
        }
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Null, Value::Null) => {}
        (expected, got) => panic!("{path}: sample {expected} vs {got}"),
    }
}

fn sample(path: &str) -> Value {
    nova_ref::reference().json(path)
}

/// The lines between `begin` and `end` markers (each line's text after `strip`, when given).
fn block<'a>(log: &'a str, begin: &str, end: &str) -> Vec<&'a str> {
    let lines: Vec<&str> = log.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.ends_with(begin))
        .unwrap_or_else(|| panic!("{begin} in the log:\n{log}"));
    let stop = lines[start..]
        .iter()
        .position(|line| line.ends_with(end))
        .unwrap_or_else(|| panic!("{end} in the log"))
        + start;
    lines[start + 1..stop].to_vec()
}

#[tokio::test]
async fn the_boot_log_grows_while_the_server_builds_and_ends_with_its_host_keys() {
    let cloud = Cloud::start(fast_config().build_duration(Duration::from_secs(6))).await;
    let id = create(&cloud, "grower", LINUX_IMAGE, None).await;
    let mut seen: Vec<(u16, String)> = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let status = cloud.client.get(&format!("servers/{id}"), "2.67").await;
        let active = status.body["server"]["status"] == "ACTIVE";
        let reply = console_output(&cloud, &id, json!({})).await;
        let text = match reply.status_code() {
            200 => output(&reply).to_owned(),
            _ => reply.body.to_string(),
        };
        seen.push((reply.status_code(), text));
        if active {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never ACTIVE");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Scheduling (no host yet), then a host without the domain, then the domain's console.
    let codes: Vec<u16> = seen.iter().map(|(code, _)| *code).collect();
    let order = |code| [409, 404, 200].iter().position(|known| *known == code);
    assert!(
        codes
            .windows(2)
            .all(|pair| order(pair[0]) <= order(pair[1])),
        "{codes:?}"
    );
    assert!(
        codes.first().is_some_and(|code| *code != 200),
        "no console before the build spawns the guest: {codes:?}"
    );
    for (code, body) in &seen {
        match code {
            409 => assert!(
                body.contains(&format!("Instance {id} is not ready")),
                "{body}"
            ),
            404 => assert!(
                body.contains(&format!("Instance {id} could not be found.")),
                "{body}"
            ),
            200 => {}
            other => panic!("unexpected {other}: {body}"),
        }
    }
    let logs: Vec<&str> = seen
        .iter()
        .filter(|(code, _)| *code == 200)
        .map(|(_, text)| text.as_str())
        .collect();
    assert!(
        logs.windows(2).all(|pair| pair[1].starts_with(pair[0])),
        "each log continues the one before"
    );
    let full = *logs.last().expect("a log once ACTIVE");
    assert!(
        logs.iter()
            .any(|log| !log.is_empty() && !log.contains("HOST KEY") && log.len() < full.len()),
        "a boot in progress shows part of the log"
    );
    assert!(full.starts_with("[    0.000000] Linux version "), "{full}");
    assert!(full.contains("Welcome to Ubuntu 22.04 server 64bit!"));
    // systemd's colours as Nova returns them: the escape character removed.
    assert!(full.contains("[[0;32m  OK  [0m] Started Journal Service."));
    assert!(!full.contains('\r') && !full.contains('\u{1b}'));
    assert!(full.contains("cloud-init[601]: ci-info: |  ens3  | True | 192.168.0."));
    assert!(full.contains("-----END SSH HOST KEY KEYS-----"));
}

#[tokio::test]
async fn the_fingerprint_block_lists_the_simulator_s_host_keys_as_ssh_keygen_does() {
    let cloud = instant_cloud().await;
    let id = create(&cloud, "web 1", LINUX_IMAGE, None).await;
    let request = sample("requests/os-console-output/console-output-post-req.json");
    let reply = cloud
        .client
        .post(&format!("servers/{id}/action"), "2.67", &request)
        .await;
    assert_same_shape(
        &sample("responses/os-console-output/console-output-post-resp.json"),
        &reply.body,
        "",
    );
    let tail = output(&reply);
    assert_eq!(
        tail.split('\n').count(),
        50,
        "the sample asks for the last 50 lines"
    );

    let full = console_output(&cloud, &id, json!({"length": null})).await;
    let log = output(&full);
    assert!(log.ends_with(tail));
    let fingerprints: Vec<&str> = block(
        log,
        "-----BEGIN SSH HOST KEY FINGERPRINTS-----",
        "-----END SSH HOST KEY FINGERPRINTS-----",
    );
    // Every line went through logger: `<14>Mon DD HH:MM:SS cloud-init: ...`.
    let fingerprints: Vec<&str> = fingerprints
        .iter()
        .map(|line| {
            assert!(line.starts_with("<14>"), "{line}");
            line.split_once(" cloud-init: ")
                .map(|(_, text)| text)
                .unwrap_or_else(|| panic!("logger's tag in {line}"))
        })
        .collect();
    let expected = cloud
        .sim
        .simulator()
        .host_key_fingerprints(&id)
        .await
        .expect("host keys")
        .expect("a server");
    assert_eq!(fingerprints, expected);
    let types: Vec<&str> = fingerprints
        .iter()
        .map(|line| line.rsplit(' ').next().unwrap_or_default())
        .collect();
    assert_eq!(types, ["(ECDSA)", "(ED25519)", "(RSA)"]);
    for line in &fingerprints {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 4, "{line}");
        assert!(fields[1].starts_with("SHA256:") && fields[1].len() == 50);
        assert_eq!(fields[2], "root@web-1", "the hostname Nova derives");
    }

    let public_keys = block(
        log,
        "-----BEGIN SSH HOST KEY KEYS-----",
        "-----END SSH HOST KEY KEYS-----",
    );
    assert_eq!(public_keys.len(), 3);
    for (public_key, fingerprint) in public_keys.iter().zip(&fingerprints) {
        assert_eq!(ssh_keygen("-l", public_key), *fingerprint);
    }
    let keys = cloud
        .sim
        .simulator()
        .host_keys(&id)
        .await
        .expect("host keys")
        .expect("a server");
    let published: Vec<&str> = keys.iter().map(|key| key.public_key.as_str()).collect();
    assert_eq!(public_keys, published);
    assert_eq!(keys[2].bits, 3072);

    // The keys stay the server's own: asked again, the log shows the same block.
    let again = console_output(&cloud, &id, json!({})).await;
    assert_eq!(output(&again), log);
}

#[tokio::test]
async fn length_takes_the_tail_as_nova_does() {
    let cloud = instant_cloud().await;
    let id = create(&cloud, "tail", LINUX_IMAGE, None).await;
    let full = output(&console_output(&cloud, &id, json!({})).await).to_owned();
    let pieces: Vec<&str> = full.split('\n').collect();
    // The log ends with a line feed, so its last piece is empty, as on a real console.
    assert_eq!(pieces.last(), Some(&""));
    for (length, expected) in [
        (json!(5), pieces[pieces.len() - 5..].join("\n")),
        (json!("5"), pieces[pieces.len() - 5..].join("\n")),
        (json!(0), String::new()),
        (json!("0"), String::new()),
        // Nova's "unlimited" -1 drops the first line (its slice [-(-1):]).
        (json!(-1), pieces[1..].join("\n")),
        (json!(100_000), full.clone()),
        (json!(null), full.clone()),
    ] {
        let reply = console_output(&cloud, &id, json!({ "length": length })).await;
        assert_eq!(output(&reply), expected, "length {length}");
    }
}

#[tokio::test]
async fn console_output_errors_are_nova_s() {
    let cloud = instant_cloud().await;
    let id = create(&cloud, "errors", LINUX_IMAGE, None).await;
    for (argument, message) in [
        (
            json!({"length": "abc"}),
            "Invalid input for field/attribute length. Value: abc. 'abc' does not match '^-?[0-9]+$'",
        ),
        (
            json!({"length": -2}),
            "Invalid input for field/attribute length. Value: -2. -2 is less than the minimum of -1",
        ),
        (
            json!({"length": 1.5}),
            "Invalid input for field/attribute length. Value: 1.5. 1.5 is not of type 'integer', 'string', 'null'",
        ),
        (
            json!({"length": 1, "x": 2}),
            "Invalid input for field/attribute os-getConsoleOutput. Value: {'length': 1, 'x': 2}. Additional properties are not allowed ('x' was unexpected)",
        ),
        (
            json!(null),
            "Invalid input for field/attribute os-getConsoleOutput. Value: None. None is not of type 'object'",
        ),
    ] {
        let reply = console_output(&cloud, &id, argument).await;
        assert_fault(&reply, 400, "badRequest", message);
    }
    // The schema is checked before the server is looked up.
    let unknown = "00000000-0000-4000-8000-000000000000";
    assert_fault(
        &console_output(&cloud, unknown, json!({"length": "x"})).await,
        400,
        "badRequest",
        "does not match",
    );
    assert_fault(
        &console_output(&cloud, unknown, json!({})).await,
        404,
        "itemNotFound",
        &format!("Instance {unknown} could not be found."),
    );

    // A stopped guest: libvirt has no console to read.
    let stop = cloud
        .client
        .post(
            &format!("servers/{id}/action"),
            "2.67",
            &json!({"os-stop": null}),
        )
        .await;
    assert_eq!(stop.status, StatusCode::ACCEPTED);
    // Still shutting down: the domain runs and its log is there.
    assert!(output(&console_output(&cloud, &id, json!({})).await).contains("login:"));
    let quick = Cloud::start(fast_config().build_duration(Duration::ZERO)).await;
    let stopped = create(&quick, "stopped", LINUX_IMAGE, None).await;
    quick
        .client
        .post(
            &format!("servers/{stopped}/action"),
            "2.67",
            &json!({"os-stop": null}),
        )
        .await;
    wait_status(&quick, &stopped, "SHUTOFF").await;
    assert_fault(
        &console_output(&quick, &stopped, json!({})).await,
        404,
        "itemNotFound",
        "Guest does not have a console available.",
    );

    // Not on a host yet.
    let slow = Cloud::start(fast_config().build_duration(Duration::from_secs(3_600))).await;
    let building = create(&slow, "slow", LINUX_IMAGE, None).await;
    assert_fault(
        &console_output(&slow, &building, json!({})).await,
        409,
        "conflictingRequest",
        &format!("Instance {building} is not ready"),
    );
}

async fn remote_console(cloud: &Cloud, id: &str, version: &str, console: Value) -> Reply {
    cloud
        .client
        .post(
            &format!("servers/{id}/remote-consoles"),
            version,
            &json!({ "remote_console": console }),
        )
        .await
}

#[tokio::test]
async fn a_remote_console_url_leads_to_a_page_the_simulator_serves() {
    let cloud = instant_cloud().await;
    let id = create(&cloud, "<b>console</b>", LINUX_IMAGE, None).await;
    let request = sample("requests/os-remote-consoles/create-vnc-console-req-v2.6.json");
    let reply = cloud
        .client
        .post(&format!("servers/{id}/remote-consoles"), "2.6", &request)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_same_shape(
        &sample("responses/os-remote-consoles/create-vnc-console-resp-v2.6.json"),
        &reply.body,
        "",
    );
    assert_eq!(reply.body["remote_console"]["protocol"], "vnc");
    assert_eq!(reply.body["remote_console"]["type"], "novnc");
    let url = reply.body["remote_console"]["url"].as_str().expect("url");
    let prefix = format!(
        "{}/console/vnc_auto.html?path=%3Ftoken%3D",
        cloud.sim.base_url()
    );
    let token = url
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("noVNC's URL shape: {url}"));
    assert!(
        uuid::Uuid::parse_str(token).is_ok(),
        "a UUID token: {token}"
    );

    let page = cloud.client.http.get(url).send().await.expect("the page");
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page
        .headers()
        .get("content-security-policy")
        .and_then(|value| value.to_str().ok())
        .expect("a CSP")
        .to_owned();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(
        page.headers().get("content-type").expect("type"),
        "text/html; charset=utf-8"
    );
    let html = page.text().await.expect("html");
    assert!(html.contains("&lt;b&gt;console&lt;/b&gt;"), "{html}");
    assert!(!html.contains("<b>console"), "the name is escaped");
    assert!(html.contains(&id) && html.contains("ACTIVE"));
    assert!(!html.to_ascii_lowercase().contains("<script"));

    // Another token is refused.
    let forged = url.replace(token, "00000000-0000-4000-8000-000000000000");
    let refused = cloud
        .client
        .http
        .get(forged)
        .send()
        .await
        .expect("answered");
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    // A stopped server still gets a URL (libvirt's domain keeps its VNC port); the page says so.
    let quick = Cloud::start(fast_config().build_duration(Duration::ZERO)).await;
    let stopped = create(&quick, "stopped", LINUX_IMAGE, None).await;
    quick
        .client
        .post(
            &format!("servers/{stopped}/action"),
            "2.67",
            &json!({"os-stop": null}),
        )
        .await;
    wait_status(&quick, &stopped, "SHUTOFF").await;
    let reply = remote_console(
        &quick,
        &stopped,
        "2.67",
        json!({"protocol": "vnc", "type": "novnc"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let url = reply.body["remote_console"]["url"].as_str().expect("url");
    let html = quick
        .client
        .http
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("SHUTOFF") && html.contains("not running"),
        "{html}"
    );
}

#[tokio::test]
async fn remote_console_errors_are_nova_s() {
    let cloud = instant_cloud().await;
    let id = create(&cloud, "consoles", LINUX_IMAGE, None).await;
    let vnc = json!({"protocol": "vnc", "type": "novnc"});
    assert_fault(
        &remote_console(&cloud, &id, "2.5", vnc.clone()).await,
        404,
        "itemNotFound",
        "The resource could not be found.",
    );
    for (version, console, message) in [
        (
            "2.67",
            json!({"protocol": "vnc", "type": "xvpvnc"}),
            "Invalid console type xvpvnc",
        ),
        (
            "2.67",
            json!({"protocol": "spice", "type": "spice-html5"}),
            "Unavailable console type spice-html5.",
        ),
        (
            "2.67",
            json!({"protocol": "serial", "type": "serial"}),
            "Unavailable console type serial.",
        ),
        (
            "2.8",
            json!({"protocol": "mks", "type": "webmks"}),
            "Unavailable console type webmks.",
        ),
        (
            "2.67",
            json!({"protocol": "rdp", "type": "rdp-html5"}),
            "The server could not comply with the request since it is either malformed or otherwise incorrect.",
        ),
        (
            "2.6",
            json!({"protocol": "mks", "type": "webmks"}),
            "Invalid input for field/attribute protocol. Value: mks. 'mks' is not one of ['vnc', 'spice', 'serial', 'rdp']",
        ),
        (
            "2.67",
            json!({"protocol": "vnc"}),
            "Invalid input for field/attribute remote_console. Value: {'protocol': 'vnc'}. 'type' is a required property",
        ),
    ] {
        let reply = remote_console(&cloud, &id, version, console.clone()).await;
        assert_fault(&reply, 400, "badRequest", message);
    }
    let unknown = "00000000-0000-4000-8000-000000000000";
    assert_fault(
        &remote_console(&cloud, unknown, "2.67", vnc.clone()).await,
        404,
        "itemNotFound",
        &format!("Instance {unknown} could not be found."),
    );

    // Being deleted: Nova's compute API refuses with an exception this API does not expect.
    let deleted = cloud.client.delete(&format!("servers/{id}"), "2.67").await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_fault(
        &remote_console(&cloud, &id, "2.67", vnc.clone()).await,
        500,
        "computeFault",
        "Unexpected API Error.",
    );
    // Its console log can still be read until the domain is gone.
    assert!(output(&console_output(&cloud, &id, json!({})).await).contains("login:"));

    let slow = Cloud::start(fast_config().build_duration(Duration::from_secs(3_600))).await;
    let building = create(&slow, "slow", LINUX_IMAGE, None).await;
    assert_fault(
        &remote_console(&slow, &building, "2.67", vnc.clone()).await,
        409,
        "conflictingRequest",
        &format!("Instance {building} is not ready"),
    );

    // A build that failed never reached a host: no console of either kind.
    let failed = create(&cloud, "web-sim-error", LINUX_IMAGE, None).await;
    wait_status(&cloud, &failed, "ERROR").await;
    let not_ready = format!("Instance {failed} is not ready");
    assert_fault(
        &remote_console(&cloud, &failed, "2.67", vnc).await,
        409,
        "conflictingRequest",
        &not_ready,
    );
    assert_fault(
        &console_output(&cloud, &failed, json!({})).await,
        409,
        "conflictingRequest",
        &not_ready,
    );
}

/// A key pair the simulator generates; returns its private key (PKCS#1 PEM).
async fn generated_key_pair(cloud: &Cloud, name: &str) -> RsaPrivateKey {
    let reply = cloud
        .client
        .post("os-keypairs", "2.67", &json!({"keypair": {"name": name}}))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let pem = reply.body["keypair"]["private_key"]
        .as_str()
        .expect("private key");
    RsaPrivateKey::from_pkcs1_pem(pem).expect("PKCS#1 PEM")
}

async fn encrypted_password(cloud: &Cloud, id: &str) -> Reply {
    cloud
        .client
        .get(&format!("servers/{id}/os-server-password"), "2.67")
        .await
}

fn decrypt(private_key: &RsaPrivateKey, encrypted: &str) -> String {
    let ciphertext = base64::engine::general_purpose::STANDARD
        .decode(encrypted)
        .expect("base64");
    let clear = private_key
        .decrypt(Pkcs1v15Encrypt, &ciphertext)
        .expect("PKCS#1 v1.5 decrypts");
    String::from_utf8(clear).expect("utf-8")
}

#[tokio::test]
async fn a_windows_password_decrypts_with_the_key_pair_s_private_key() {
    let cloud = instant_cloud().await;
    let private_key = generated_key_pair(&cloud, "rdp").await;
    let id = create(&cloud, "win", WINDOWS_IMAGE, Some("rdp")).await;
    let reply = encrypted_password(&cloud, &id).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let sample = sample("responses/os-server-password/get-password-resp.json");
    assert_same_shape(&sample, &reply.body, "");
    let encrypted = reply.body["password"].as_str().expect("password");
    let block_len = |text: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .expect("base64")
            .len()
    };
    assert_eq!(
        block_len(encrypted),
        block_len(sample["password"].as_str().expect("sample password")),
        "one RSA 2048 block, as in Nova's sample"
    );
    let clear = decrypt(&private_key, encrypted);
    assert_eq!(
        Some(clear.clone()),
        cloud.sim.simulator().windows_password(&id)
    );
    assert_eq!(clear.len(), 20);

    // The guest logs cloudbase-init, not SSH host keys.
    let log = output(&console_output(&cloud, &id, json!({})).await).to_owned();
    assert!(log.contains("cloudbaseinit.plugins.common.setuserpassword [-] Password succesfully updated for user Administrator"));
    assert!(!log.contains("SSH HOST KEY"));
    let keys = cloud.sim.simulator().host_keys(&id).await.expect("keys");
    assert_eq!(keys, Some(Vec::new()));

    // Clearing empties what Nova shows; the guest keeps its password.
    let cleared = cloud
        .client
        .delete(&format!("servers/{id}/os-server-password"), "2.67")
        .await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    assert_eq!(
        encrypted_password(&cloud, &id).await.body,
        json!({"password": ""})
    );
    assert_eq!(cloud.sim.simulator().windows_password(&id), Some(clear));
}

#[tokio::test]
async fn an_imported_rsa_key_encrypts_the_windows_password_too() {
    let cloud = instant_cloud().await;
    let private_key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("a local RSA key");
    let public_key = ssh_key::PublicKey::new(
        ssh_key::public::KeyData::Rsa(
            private_key
                .to_public_key()
                .try_into()
                .expect("an SSH RSA key"),
        ),
        "me@laptop",
    )
    .to_openssh()
    .expect("OpenSSH form");
    let imported = cloud
        .client
        .post(
            "os-keypairs",
            "2.67",
            &json!({"keypair": {"name": "mine", "public_key": public_key}}),
        )
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text);
    let id = create(&cloud, "win-imported", WINDOWS_IMAGE, Some("mine")).await;
    let reply = encrypted_password(&cloud, &id).await;
    let clear = decrypt(
        &private_key,
        reply.body["password"].as_str().expect("password"),
    );
    assert_eq!(Some(clear), cloud.sim.simulator().windows_password(&id));
}

#[tokio::test]
async fn servers_without_a_posted_password_show_an_empty_one() {
    let cloud = instant_cloud().await;
    generated_key_pair(&cloud, "ssh").await;
    let linux = create(&cloud, "linux", LINUX_IMAGE, Some("ssh")).await;
    let keyless = create(&cloud, "keyless-win", WINDOWS_IMAGE, None).await;
    for id in [&linux, &keyless] {
        let reply = encrypted_password(&cloud, id).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, json!({"password": ""}));
        assert_eq!(cloud.sim.simulator().windows_password(id), None);
    }
    // Without a key, cloudbase-init says why it posted nothing.
    let log = output(&console_output(&cloud, &keyless, json!({})).await).to_owned();
    assert!(log.contains("No SSH public key available for password encryption"));

    // Still building: cloudbase-init has not run yet.
    let slow = Cloud::start(fast_config().build_duration(Duration::from_secs(3_600))).await;
    generated_key_pair(&slow, "rdp").await;
    let building = create(&slow, "win-building", WINDOWS_IMAGE, Some("rdp")).await;
    assert_eq!(
        encrypted_password(&slow, &building).await.body,
        json!({"password": ""})
    );
    assert!(slow.sim.simulator().windows_password(&building).is_some());

    let unknown = "00000000-0000-4000-8000-000000000000";
    assert_fault(
        &encrypted_password(&cloud, unknown).await,
        404,
        "itemNotFound",
        &format!("Instance {unknown} could not be found."),
    );
    assert_fault(
        &cloud
            .client
            .delete(&format!("servers/{unknown}/os-server-password"), "2.67")
            .await,
        404,
        "itemNotFound",
        &format!("Instance {unknown} could not be found."),
    );
}
