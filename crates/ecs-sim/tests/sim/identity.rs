//! Keystone v3: password and token methods, scopes, the catalog, projects and 401s.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Cloud, assert_keystone_error, compute_endpoint, fast_config, password_auth};

async fn issue(
    cloud: &Cloud,
    body: &Value,
    host: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let mut request = cloud
        .http
        .post(format!("{}/identity/v3/auth/tokens", cloud.sim.base_url()))
        .json(body);
    if let Some(host) = host {
        request = request.header("Host", host);
    }
    let response = request.send().await.expect("answered");
    let status = response.status();
    let token = response
        .headers()
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, token, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn tokens_by_name_by_id_and_from_a_token() {
    let cloud = Cloud::start(fast_config()).await;
    let (status, token, body) = issue(&cloud, &password_auth(), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let token = token.expect("X-Subject-Token");
    let project_id = body["token"]["project"]["id"]
        .as_str()
        .expect("project id")
        .to_owned();
    let user_id = body["token"]["user"]["id"]
        .as_str()
        .expect("user id")
        .to_owned();
    assert_eq!(body["token"]["project"]["name"], "demo");
    assert!(
        body["token"]["expires_at"]
            .as_str()
            .is_some_and(|at| at.ends_with('Z'))
    );
    assert!(
        body["token"]["roles"]
            .as_array()
            .is_some_and(|roles| !roles.is_empty())
    );
    assert_eq!(
        compute_endpoint(&body).as_deref(),
        Some(format!("{}/compute/v2.1/{project_id}", cloud.sim.base_url()).as_str())
    );

    let by_ids = json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {"id": user_id, "password": "demo"}}},
        "scope": {"project": {"id": project_id}}
    }});
    assert_eq!(issue(&cloud, &by_ids, None).await.0, StatusCode::CREATED);

    let from_token = json!({"auth": {
        "identity": {"methods": ["token"], "token": {"id": token}},
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}
    }});
    let (status, rescoped, _) = issue(&cloud, &from_token, None).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(
        rescoped.as_deref(),
        Some(token.as_str()),
        "a new token is issued"
    );

    let projects = cloud
        .http
        .get(format!(
            "{}/identity/v3/auth/projects",
            cloud.sim.base_url()
        ))
        .header("X-Auth-Token", &token)
        .send()
        .await
        .expect("answered");
    assert_eq!(projects.status(), StatusCode::OK);
    let projects: Value = projects.json().await.expect("json");
    assert_eq!(projects["projects"][0]["id"], project_id.as_str());
}

#[tokio::test]
async fn wrong_credentials_and_scopes_get_keystones_401() {
    let cloud = Cloud::start(fast_config()).await;
    for body in [
        json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo", "domain": {"name": "Default"}, "password": "wrong"}}}}}),
        json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo", "domain": {"name": "Other"}, "password": "demo"}}}}}),
        json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
                        "scope": {"project": {"name": "someone-else", "domain": {"name": "Default"}}}}}),
        json!({"auth": {"identity": {"methods": ["token"], "token": {"id": "forged"}}}}),
    ] {
        let (status, token, body) = issue(&cloud, &body, None).await;
        let reply = crate::common::Reply {
            status,
            headers: Default::default(),
            body,
        };
        assert_keystone_error(&reply, 401);
        assert_eq!(
            reply.body["error"]["message"],
            "The request you have made requires authentication."
        );
        assert!(token.is_none());
    }
    let (status, _, body) = issue(&cloud, &json!({"nothing": true}), None).await;
    let message = body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_keystone_error(
        &crate::common::Reply {
            status,
            headers: Default::default(),
            body,
        },
        400,
    );
    assert!(
        message.starts_with("The request you have made is invalid: missing \"auth\""),
        "names what is missing in the request: {message}"
    );
}

#[tokio::test]
async fn a_method_keystone_does_not_serve_gets_its_405_body() {
    let cloud = Cloud::start(fast_config()).await;
    let response = cloud
        .http
        .patch(format!("{}/identity/v3/auth/tokens", cloud.sim.base_url()))
        .send()
        .await
        .expect("answered");
    assert_keystone_error(&crate::common::into_reply(response).await, 405);
}

#[tokio::test]
async fn the_catalog_follows_the_host_the_client_used_or_the_configured_base() {
    let cloud = Cloud::start(fast_config()).await;
    let (_, _, body) = issue(&cloud, &password_auth(), Some("cloud.example:8443")).await;
    assert!(
        compute_endpoint(&body)
            .is_some_and(|url| url.starts_with("http://cloud.example:8443/compute/v2.1/"))
    );

    let configured = Cloud::start(fast_config().public_base_url("https://ecs.example/")).await;
    let (_, _, body) = issue(&configured, &password_auth(), None).await;
    assert!(
        compute_endpoint(&body)
            .is_some_and(|url| url.starts_with("https://ecs.example/compute/v2.1/"))
    );
    // Reached on its real address; the links carry the configured one.
    let direct = format!(
        "{}/compute/v2.1/flavors/c1.large",
        configured.sim.base_url()
    );
    let flavor = configured.get(&direct, "2.67").await;
    assert!(
        flavor.body["flavor"]["links"][0]["href"]
            .as_str()
            .is_some_and(|href| href.starts_with("https://ecs.example/compute/v2.1/"))
    );
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let cloud = Cloud::start(fast_config().token_lifetime(Duration::from_secs(1))).await;
    assert_eq!(cloud.get("flavors", "2.67").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let reply = cloud.get("flavors", "2.67").await;
    assert_keystone_error(&reply, 401);
}

#[tokio::test]
async fn version_documents() {
    let cloud = Cloud::start(fast_config()).await;
    let v3: Value = cloud
        .http
        .get(format!("{}/identity/v3", cloud.sim.base_url()))
        .send()
        .await
        .expect("v3")
        .json()
        .await
        .expect("json");
    assert_eq!(v3["version"]["id"], "v3.14");
    assert_eq!(v3["version"]["status"], "stable");
}
