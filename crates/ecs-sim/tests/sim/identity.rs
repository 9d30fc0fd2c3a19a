//! Keystone v3: password and token methods, scopes, the catalog, projects and 401s.

use std::time::Duration;

use ecs_api::identity::{TokenResponse, find_endpoint};
use ecs_api::requests::{AuthRequest, AuthScope, DomainRef};
use ecs_sim::DEMO;
use ecs_sim::test_client::Reply;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Cloud, assert_keystone_error, fast_config};

/// `POST /v3/auth/tokens` with `body`, as sent to the host `host` when given.
async fn issue(cloud: &Cloud, body: &Value, host: Option<&str>) -> Reply {
    let mut request = cloud
        .client
        .http
        .post(format!("{}/identity/v3/auth/tokens", cloud.sim.base_url()))
        .json(body);
    if let Some(host) = host {
        request = request.header("Host", host);
    }
    Reply::read(request.send().await.expect("answered")).await
}

/// The issued token's id (`X-Subject-Token`).
fn subject_token(reply: &Reply) -> Option<String> {
    reply.header("x-subject-token").map(str::to_owned)
}

/// The public compute endpoint in the token body's catalog.
fn compute_endpoint(reply: &Reply) -> Option<String> {
    let token: TokenResponse = serde_json::from_value(reply.body.clone()).ok()?;
    find_endpoint(&token.token.catalog, "compute", "public", None).map(str::to_owned)
}

#[tokio::test]
async fn tokens_by_name_by_id_and_from_a_token() {
    let cloud = Cloud::start(fast_config()).await;
    let reply = issue(&cloud, &DEMO.auth_request().to_body(), None).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let token = subject_token(&reply).expect("X-Subject-Token");
    let body = &reply.body;
    let project_id = body["token"]["project"]["id"]
        .as_str()
        .expect("project id")
        .to_owned();
    let user_id = body["token"]["user"]["id"]
        .as_str()
        .expect("user id")
        .to_owned();
    assert_eq!(body["token"]["project"]["name"], DEMO.project);
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
        compute_endpoint(&reply).as_deref(),
        Some(format!("{}/compute/v2.1/{project_id}", cloud.sim.base_url()).as_str())
    );

    let by_ids =
        AuthRequest::password_by_user_id(&user_id, DEMO.password).scoped_to_project_id(&project_id);
    assert_eq!(
        issue(&cloud, &by_ids.to_body(), None).await.status,
        StatusCode::CREATED
    );

    // The project's domain by id this time.
    let from_token = AuthRequest {
        scope: Some(AuthScope::ProjectName {
            name: DEMO.project.to_owned(),
            domain: DomainRef::Id("default".to_owned()),
        }),
        ..AuthRequest::token(token.as_str())
    };
    let rescoped = issue(&cloud, &from_token.to_body(), None).await;
    assert_eq!(rescoped.status, StatusCode::CREATED);
    assert_ne!(
        subject_token(&rescoped).as_deref(),
        Some(token.as_str()),
        "a new token is issued"
    );

    let projects = cloud
        .client
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
        AuthRequest::password(DEMO.user, DEMO.domain, "wrong"),
        AuthRequest::password(DEMO.user, "Other", DEMO.password),
        AuthRequest::password(DEMO.user, DEMO.domain, DEMO.password)
            .scoped_to_project_name("someone-else", DEMO.domain),
        AuthRequest::token("forged"),
    ] {
        let reply = issue(&cloud, &body.to_body(), None).await;
        assert_keystone_error(&reply, 401);
        assert_eq!(
            reply.body["error"]["message"],
            "The request you have made requires authentication."
        );
        assert!(subject_token(&reply).is_none());
    }
    let reply = issue(&cloud, &json!({"nothing": true}), None).await;
    assert_keystone_error(&reply, 400);
    let message = reply.body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("The request you have made is invalid: missing \"auth\""),
        "names what is missing in the request: {message}"
    );
}

#[tokio::test]
async fn a_method_keystone_does_not_serve_gets_its_405_body() {
    let cloud = Cloud::start(fast_config()).await;
    let response = cloud
        .client
        .http
        .patch(format!("{}/identity/v3/auth/tokens", cloud.sim.base_url()))
        .send()
        .await
        .expect("answered");
    assert_keystone_error(&Reply::read(response).await, 405);
}

#[tokio::test]
async fn the_catalog_follows_the_host_the_client_used_or_the_configured_base() {
    let cloud = Cloud::start(fast_config()).await;
    let reply = issue(
        &cloud,
        &DEMO.auth_request().to_body(),
        Some("cloud.example:8443"),
    )
    .await;
    assert!(
        compute_endpoint(&reply)
            .is_some_and(|url| url.starts_with("http://cloud.example:8443/compute/v2.1/"))
    );

    let configured = Cloud::start(fast_config().public_base_url("https://ecs.example/")).await;
    let reply = issue(&configured, &DEMO.auth_request().to_body(), None).await;
    assert!(
        compute_endpoint(&reply)
            .is_some_and(|url| url.starts_with("https://ecs.example/compute/v2.1/"))
    );
    // Reached on its real address; the links carry the configured one.
    let direct = format!(
        "{}/compute/v2.1/flavors/c1.large",
        configured.sim.base_url()
    );
    let flavor = configured.client.get(&direct, "2.67").await;
    assert!(
        flavor.body["flavor"]["links"][0]["href"]
            .as_str()
            .is_some_and(|href| href.starts_with("https://ecs.example/compute/v2.1/"))
    );
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let cloud = Cloud::start(fast_config().token_lifetime(Duration::from_secs(1))).await;
    assert_eq!(
        cloud.client.get("flavors", "2.67").await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let reply = cloud.client.get("flavors", "2.67").await;
    assert_keystone_error(&reply, 401);
}

#[tokio::test]
async fn version_documents() {
    let cloud = Cloud::start(fast_config()).await;
    let v3: Value = cloud
        .client
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
