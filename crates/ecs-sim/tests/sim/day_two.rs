//! What the tests of day-two work on one server share (actions.rs, cinder.rs): the guide's
//! server made and ACTIVE, its status and task, waiting for a state, sending it an action, and
//! Nova's refusal of an action in the wrong state.

use std::time::Duration;

use ecs_sim::test_client::Reply;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Cloud, assert_fault};

/// How long a server may take to reach a state (the slowest phases of `observable` configs).
pub const WAIT: Duration = Duration::from_secs(15);

pub fn status(reply: &Reply) -> &str {
    reply.body["server"]["status"].as_str().unwrap_or_default()
}

pub fn task_state(reply: &Reply) -> Option<&str> {
    reply.body["server"]["OS-EXT-STS:task_state"].as_str()
}

/// Asserts the server's status and task state as one step.
pub fn assert_step(reply: &Reply, wanted_status: &str, wanted_task: Option<&str>) {
    assert_eq!(
        (status(reply), task_state(reply)),
        (wanted_status, wanted_task),
        "{}",
        reply.text
    );
}

pub async fn show(cloud: &Cloud, id: &str, version: &str) -> Reply {
    cloud.client.get(&format!("servers/{id}"), version).await
}

/// Polls until the server is `wanted` with no task running.
pub async fn wait_status(cloud: &Cloud, id: &str, wanted: &str) -> Reply {
    cloud
        .client
        .wait_for(id, WAIT, |reply| {
            status(reply) == wanted && task_state(reply).is_none()
        })
        .await
}

/// The guide's server (boots from a volume, flavor c1.large), ACTIVE.
pub async fn active_server(cloud: &Cloud, name: &str) -> String {
    let id = cloud.client.create_server(name).await;
    wait_status(cloud, &id, "ACTIVE").await;
    id
}

/// `POST /servers/{id}/action` at `version`.
pub async fn act(cloud: &Cloud, id: &str, version: &str, body: &Value) -> Reply {
    cloud
        .client
        .post(&format!("servers/{id}/action"), version, body)
        .await
}

/// Sends an action at 2.67 expected to be accepted with an empty body (202, or 204).
pub async fn accepted(cloud: &Cloud, id: &str, body: &Value, expected: StatusCode) {
    let reply = act(cloud, id, "2.67", body).await;
    assert_eq!(reply.status, expected, "{body}: {}", reply.text);
    assert_eq!(reply.text, "", "{body} answers without a body");
}

/// Nova's 409 for `action` on server `id` while it is in `state` (`vm_state stopped`,
/// `task_state resize_`, ...).
pub fn assert_refused(reply: &Reply, action: &str, id: &str, state: &str) {
    assert_fault(
        reply,
        409,
        "conflictingRequest",
        &format!("Cannot '{action}' instance {id} while it is in {state}"),
    );
}
