//! Helpers: a running simulator with a signed-in client (`ecs_sim::test_client`), and checks
//! against Nova's schemas and fault shapes.

use std::time::Duration;

use ecs_sim::test_client::{Reply, TestClient};
use ecs_sim::{RunningSim, SimConfig};
use serde_json::Value;

/// A simulator and a client signed in to it as the demo account.
pub struct Cloud {
    pub sim: RunningSim,
    pub client: TestClient,
}

impl Cloud {
    pub async fn start(config: SimConfig) -> Cloud {
        let sim = ecs_sim::spawn(config).await.expect("simulator starts");
        let client = TestClient::sign_in(&format!("{}/identity/v3", sim.base_url())).await;
        Cloud { sim, client }
    }
}

/// Short lifecycle times so tests run fast.
pub fn fast_config() -> SimConfig {
    SimConfig::default()
        .build_duration(Duration::from_millis(400))
        .transition_duration(Duration::from_millis(300))
        .rng_seed(42)
}

/// Validates `body` against Nova's schema for the endpoint at `version`; returns a problem
/// description instead of panicking so a test can report every failure at once.
pub fn schema_problems(endpoint: &str, version: &str, body: &Value) -> Option<String> {
    let reference = nova_ref::reference();
    let Some(schema) = reference.schema_for(endpoint, "response body", version) else {
        return Some(format!("no Nova schema for {endpoint} at {version}"));
    };
    reference
        .validate(&schema, body)
        .err()
        .map(|errors| format!("{endpoint} at {version} vs {schema}: {errors:?}"))
}

/// Asserts a Nova fault body: one key named for the status, with code and message.
pub fn assert_fault(reply: &Reply, status: u16, name: &str, message_part: &str) {
    assert_eq!(reply.status.as_u16(), status, "status of {}", reply.text);
    let object = reply
        .body
        .as_object()
        .unwrap_or_else(|| panic!("a fault is a JSON object: {}", reply.text));
    assert_eq!(object.len(), 1, "one fault key in {}", reply.body);
    let fault = &reply.body[name];
    assert_eq!(fault["code"], status, "fault {name} code in {}", reply.body);
    let message = fault["message"].as_str().expect("fault message");
    assert!(
        message.contains(message_part),
        "message {message:?} should contain {message_part:?}"
    );
}

/// Asserts Keystone's error body.
pub fn assert_keystone_error(reply: &Reply, status: u16) {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.text);
    assert_eq!(reply.body["error"]["code"], status);
    assert!(reply.body["error"]["title"].is_string());
    assert!(reply.body["error"]["message"].is_string());
}

/// What `ssh-keygen FLAG -f FILE` prints (trimmed) for `contents` written to a private (0600)
/// temporary file: `-y` gives a private key's public half, `-l` a public key's fingerprint.
pub fn ssh_keygen(flag: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("ecs-sim-ssh-keygen-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("key");
    std::fs::write(&path, format!("{}\n", contents.trim_end())).expect("write key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let output = std::process::Command::new("ssh-keygen")
        .arg(flag)
        .arg("-f")
        .arg(&path)
        .output()
        .expect("ssh-keygen (openssh-client) is installed");
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert!(
        output.status.success(),
        "ssh-keygen {flag} refused the key: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim_end()
        .to_owned()
}
