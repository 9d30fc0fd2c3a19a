//! The one test client of the project (feature `test-client`): signs in to Keystone, finds the
//! compute endpoint in the token's catalog and makes compute calls with a microversion. The
//! simulator's, the gateway's and the browser tests all use it, against the simulator directly
//! or through the gateway's proxy.

use std::time::Duration;

use ecs_api::identity::Token;
use ecs_api::microversion::microversion_for;
use ecs_api::requests::AuthRequest;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::demo::DEMO;

/// Which microversion a call asks for.
#[derive(Debug, Clone, Copy)]
pub enum Version<'a> {
    /// No microversion headers (Nova answers at 2.1).
    Unset,
    /// The one the console asks for at that URL (`ecs_api::microversion::microversion_for`).
    Console,
    /// This one, e.g. `"2.67"`, in both of Nova's headers.
    Exact(&'a str),
}

/// An answer: status, headers, the body as JSON (`Null` when empty or not JSON) and as text.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub fn status_code(&self) -> u16 {
        self.status.as_u16()
    }

    /// Reads a response made without the client (a raw request, e.g. with a malformed body).
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("the answer's body is read");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            headers,
            body,
            text,
        }
    }
}

/// A signed-in client: the token and the compute endpoint from its catalog.
#[derive(Clone)]
pub struct TestClient {
    pub http: reqwest::Client,
    /// The identity endpoint signed in at, ending in `/v3`.
    pub identity: String,
    pub token: String,
    /// The public compute endpoint from the token's catalog (`.../v2.1/{project_id}` or the
    /// gateway's `/proxy/compute/...` rewrite of it).
    pub compute: String,
    /// The token's JSON body as Keystone sent it.
    pub token_body: Value,
}

impl TestClient {
    /// Signs in as [`DEMO`] at `identity` (e.g. `http://127.0.0.1:PORT/identity/v3`).
    pub async fn sign_in(identity: &str) -> Self {
        Self::sign_in_with(identity, &DEMO.auth_request()).await
    }

    /// Signs in with `auth` (expecting 201).
    pub async fn sign_in_with(identity: &str, auth: &AuthRequest) -> Self {
        Self::sign_in_on(reqwest::Client::new(), identity, auth).await
    }

    /// Signs in with `auth` on `http`, a client made beforehand: making one reads and parses the
    /// system's root certificates (tens of milliseconds in a test build), which a test starting
    /// many clients at once should not do between connecting and sending.
    pub async fn sign_in_on(http: reqwest::Client, identity: &str, auth: &AuthRequest) -> Self {
        let identity = identity.trim_end_matches('/').to_owned();
        let reply = Reply::read(
            http.post(format!("{identity}/auth/tokens"))
                .json(&auth.to_body())
                .send()
                .await
                .expect("the token request is answered"),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "sign-in refused: {}",
            reply.text
        );
        let token = reply
            .header("x-subject-token")
            .expect("X-Subject-Token header")
            .to_owned();
        let compute = Token::from_response(Some(&token), reply.text.as_bytes())
            .expect("Keystone's token body decodes")
            .compute_endpoint(None)
            .expect("a public compute endpoint in the catalog")
            .to_owned();
        Self {
            http,
            identity,
            token,
            compute,
            token_body: reply.body,
        }
    }

    /// The project id the token is scoped to.
    pub fn project_id(&self) -> &str {
        self.token_body["token"]["project"]["id"]
            .as_str()
            .unwrap_or_default()
    }

    /// A compute call. `path` is relative to the compute endpoint (`servers`, `/servers`) or
    /// an absolute URL; `body` is sent as JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        version: Version<'_>,
        body: Option<&Value>,
    ) -> Reply {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}/{}", self.compute, path.trim_start_matches('/'))
        };
        let mut request = self
            .http
            .request(method, &url)
            .header("X-Auth-Token", &self.token)
            .header("Accept", "application/json");
        match version {
            Version::Unset => {}
            Version::Console => {
                for (name, value) in microversion_for(&url).request_headers() {
                    request = request.header(name, value);
                }
            }
            Version::Exact(version) => {
                request = request
                    .header("X-OpenStack-Nova-API-Version", version)
                    .header("OpenStack-API-Version", format!("compute {version}"));
            }
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::read(
            request
                .send()
                .await
                .expect("the compute request is answered"),
        )
        .await
    }

    pub async fn get(&self, path: &str, version: &str) -> Reply {
        self.call(Method::GET, path, Version::Exact(version), None)
            .await
    }

    pub async fn post(&self, path: &str, version: &str, body: &Value) -> Reply {
        self.call(Method::POST, path, Version::Exact(version), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str, version: &str) -> Reply {
        self.call(Method::DELETE, path, Version::Exact(version), None)
            .await
    }

    /// A call at the microversion the console uses for that URL.
    pub async fn console_call(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        self.call(method, path, Version::Console, body).await
    }

    /// Revokes `token` at Keystone (the next call with it gets 401).
    pub async fn revoke(&self, token: &str) {
        let response = self
            .http
            .delete(format!("{}/auth/tokens", self.identity))
            .header("X-Auth-Token", &self.token)
            .header("X-Subject-Token", token)
            .send()
            .await
            .expect("the revocation is answered");
        assert_eq!(
            response.status(),
            StatusCode::NO_CONTENT,
            "token revocation refused"
        );
    }

    /// The first image with this name (from `images/detail`).
    pub async fn image_named(&self, name: &str) -> Value {
        let images = self.get("images/detail", "2.1").await.body;
        images["images"]
            .as_array()
            .and_then(|images| images.iter().find(|image| image["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("image {name} exists"))
    }

    /// The id of the network with this label (from `os-networks`).
    pub async fn network_id(&self, label: &str) -> String {
        let networks = self.get("os-networks", "2.1").await.body;
        networks["networks"]
            .as_array()
            .and_then(|networks| networks.iter().find(|network| network["label"] == label))
            .and_then(|network| network["id"].as_str())
            .unwrap_or_else(|| panic!("network {label} exists"))
            .to_owned()
    }

    /// The guide's create body on the simulator's catalogue: boot from a new volume made from
    /// an image.
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

    /// Creates the guide's server at 2.67 and returns its id.
    pub async fn create_server(&self, name: &str) -> String {
        let reply = self
            .post("servers", "2.67", &self.guide_server(name).await)
            .await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
        reply.body["server"]["id"]
            .as_str()
            .expect("server id")
            .to_owned()
    }

    /// Creates a server that boots from a volume with the first flavor, the first ACTIVE image
    /// that needs no minimum RAM and the first network, at the console's microversion, with
    /// `metadata`; returns its id. Works on any catalogue, not only the simulator's.
    pub async fn create_any_server(&self, name: &str, metadata: Value) -> String {
        let flavors = self
            .console_call(Method::GET, "flavors/detail", None)
            .await
            .body;
        let images = self
            .console_call(Method::GET, "images/detail", None)
            .await
            .body;
        let networks = self
            .console_call(Method::GET, "os-networks", None)
            .await
            .body;
        let image = images["images"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|image| image["status"] == "ACTIVE" && image["minRam"].as_u64().unwrap_or(0) == 0)
            .expect("an ACTIVE image without minRam");
        let min_disk = image["minDisk"].as_u64().unwrap_or(0).max(1);
        let flavor = &flavors["flavors"][0];
        let body = json!({"server": {
            "name": name,
            "flavorRef": flavor["id"],
            "networks": [{"uuid": networks["networks"][0]["id"]}],
            "metadata": metadata,
            "block_device_mapping_v2": [{
                "uuid": image["id"], "source_type": "image", "destination_type": "volume",
                "volume_size": min_disk.max(flavor["disk"].as_u64().unwrap_or(0)),
                "boot_index": 0, "delete_on_termination": true
            }]
        }});
        let created = self
            .console_call(Method::POST, "servers", Some(&body))
            .await;
        assert_eq!(
            created.status,
            StatusCode::ACCEPTED,
            "create server refused: {}",
            created.text
        );
        created.body["server"]["id"]
            .as_str()
            .expect("created server id")
            .to_owned()
    }

    /// Creates key pair `key_name` and a server that boots from `image` (a name of the
    /// simulator's catalogue) on `flavor`'s local disk with that key pair, at 2.67: `imageRef`,
    /// no `block_device_mapping_v2`. Returns its id.
    pub async fn create_image_backed_server(
        &self,
        name: &str,
        image: &str,
        flavor: &str,
        key_name: &str,
    ) -> String {
        let key = self
            .post(
                "os-keypairs",
                "2.67",
                &json!({"keypair": {"name": key_name}}),
            )
            .await;
        assert_eq!(key.status, StatusCode::CREATED, "{}", key.text);
        let image = self.image_named(image).await;
        let network = self.network_id("subnet-default").await;
        let body = json!({"server": {
            "name": name, "flavorRef": flavor, "imageRef": image["id"],
            "networks": [{"uuid": network}], "key_name": key_name
        }});
        let created = self.post("servers", "2.67", &body).await;
        assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
        created.body["server"]["id"]
            .as_str()
            .expect("created server id")
            .to_owned()
    }

    /// Polls `servers/{id}` at 2.67 until `done` holds (or panics after `limit`).
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
                reply.text
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
