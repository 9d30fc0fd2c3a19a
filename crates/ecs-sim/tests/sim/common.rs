//! Helpers: a running simulator with a scoped token, HTTP calls with a microversion, and
//! checks against Nova's schemas and fault shapes.

use std::time::Duration;

use ecs_sim::{RunningSim, SimConfig};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

pub struct Cloud {
    pub sim: RunningSim,
    pub http: reqwest::Client,
    pub token: String,
    /// The compute endpoint from the token's catalog (`.../compute/v2.1/{project_id}`).
    pub compute: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Short lifecycle times so tests run fast.
pub fn fast_config() -> SimConfig {
    SimConfig::default()
        .build_duration(Duration::from_millis(400))
        .transition_duration(Duration::from_millis(300))
        .rng_seed(42)
}

pub fn password_auth() -> Value {
    json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}
    }})
}

impl Cloud {
    pub async fn start(config: SimConfig) -> Cloud {
        let sim = ecs_sim::spawn(config).await.expect("simulator starts");
        let http = reqwest::Client::new();
        let response = http
            .post(format!("{}/identity/v3/auth/tokens", sim.base_url()))
            .json(&password_auth())
            .send()
            .await
            .expect("token request");
        assert_eq!(response.status(), StatusCode::CREATED);
        let token = response
            .headers()
            .get("x-subject-token")
            .and_then(|value| value.to_str().ok())
            .expect("X-Subject-Token")
            .to_owned();
        let body: Value = response.json().await.expect("token body");
        let compute = compute_endpoint(&body).expect("compute endpoint in the catalog");
        Cloud {
            sim,
            http,
            token,
            compute,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        version: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}/{path}", self.compute)
        };
        let mut request = self
            .http
            .request(method, url)
            .header("X-Auth-Token", &self.token);
        if let Some(version) = version {
            request = request
                .header("X-OpenStack-Nova-API-Version", version)
                .header("OpenStack-API-Version", format!("compute {version}"));
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request is answered");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| panic!("JSON body, got {}", String::from_utf8_lossy(&bytes)))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, version: &str) -> Reply {
        self.call(Method::GET, path, Some(version), None).await
    }

    pub async fn post(&self, path: &str, version: &str, body: &Value) -> Reply {
        self.call(Method::POST, path, Some(version), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str, version: &str) -> Reply {
        self.call(Method::DELETE, path, Some(version), None).await
    }

    /// The first image with this name.
    pub async fn image_named(&self, name: &str) -> Value {
        let images = self.get("images/detail", "2.1").await.body;
        images["images"]
            .as_array()
            .and_then(|images| images.iter().find(|image| image["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("image {name} exists"))
    }

    pub async fn network_id(&self, label: &str) -> String {
        let networks = self.get("os-networks", "2.1").await.body;
        networks["networks"]
            .as_array()
            .and_then(|networks| networks.iter().find(|network| network["label"] == label))
            .and_then(|network| network["id"].as_str())
            .unwrap_or_else(|| panic!("network {label} exists"))
            .to_owned()
    }

    /// The guide's create body: boot from a new volume made from an image.
    pub async fn guide_server(&self, name: &str) -> Value {
        let image = self.image_named("CentOS 7.9 64bit").await;
        let network = self.network_id("subnet-default").await;
        json!({"server": {
            "flavorRef": "c1.large",
            "name": name,
            "block_device_mapping_v2": [{
                "source_type": "image", "destination_type": "volume", "volume_type": "SSD",
                "volume_size": "40", "delete_on_termination": "true", "uuid": image["id"], "boot_index": "0"
            }],
            "networks": [{"uuid": network}],
            "availability_zone": "az1.dc1"
        }})
    }

    /// Creates a server at 2.67 and returns its id.
    pub async fn create_server(&self, name: &str) -> String {
        let reply = self
            .post("servers", "2.67", &self.guide_server(name).await)
            .await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
        reply.body["server"]["id"]
            .as_str()
            .expect("server id")
            .to_owned()
    }

    /// Polls the server until `done` holds (or panics after `limit`).
    pub async fn wait_for(
        &self,
        id: &str,
        limit: Duration,
        mut done: impl FnMut(&Reply) -> bool,
    ) -> Reply {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let reply = self.get(&format!("servers/{id}"), "2.67").await;
            if done(&reply) {
                return reply;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "server {id} never reached the state; last: {}",
                reply.body
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

pub fn compute_endpoint(token_body: &Value) -> Option<String> {
    token_body["token"]["catalog"]
        .as_array()?
        .iter()
        .find(|service| service["type"] == "compute")?["endpoints"]
        .as_array()?
        .iter()
        .find(|endpoint| endpoint["interface"] == "public")?["url"]
        .as_str()
        .map(str::to_owned)
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
    assert_eq!(reply.status.as_u16(), status, "status of {}", reply.body);
    let object = reply.body.as_object().expect("fault is an object");
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
    assert_eq!(reply.status.as_u16(), status, "{}", reply.body);
    assert_eq!(reply.body["error"]["code"], status);
    assert!(reply.body["error"]["title"].is_string());
    assert!(reply.body["error"]["message"].is_string());
}

/// An error answer as a `Reply` (a body that is not JSON becomes `null`).
pub async fn into_reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_ne!(status, StatusCode::OK);
    Reply {
        status,
        headers,
        body,
    }
}
