//! Secrets never reach the logs: a sign-in (a wrong password, then the right one), a key pair
//! creation and a server creation through the gateway in simulate mode, with every tracing event
//! of every crate captured at TRACE level, and the log searched for each secret that went by.
//!
//! The test installs the global subscriber, once for the whole test binary: the log it searches
//! holds the other tests' traffic too.

use std::io::Write;
use std::sync::{Arc, Mutex};

use ecs_api::requests::{
    AuthRequest, BlockDeviceMapping, CreateKeyPair, CreateServer, NetworkChoice, NovaRequest,
};
use ecs_api::urls::{ComputeEndpoint, FlavorQuery, PageQuery};
use ecs_sim::DEMO;
use ecs_sim::test_client::TestClient;
use reqwest::{Method, StatusCode};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

const WRONG_PASSWORD: &str = "Wr0ng-Passw0rd-7f3a91";

/// Every formatted log line, in one buffer.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl CapturedLog {
    fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLog {
    type Writer = CapturedLog;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_passwords_private_keys_and_admin_passwords_stay_out_of_the_log() {
    let log = CapturedLog::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("trace"))
        .with_writer(log.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let gateway = ecs_gateway::spawn(ecs_gateway::GatewayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        simulate: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let identity = format!("{}/proxy/identity/v3", gateway.url());

    let wrong = AuthRequest::password(DEMO.user, DEMO.domain, WRONG_PASSWORD)
        .scoped_to_project_name(DEMO.project, DEMO.domain);
    let refused = reqwest::Client::new()
        .post(format!("{identity}/auth/tokens"))
        .json(&wrong.to_body())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let client = TestClient::sign_in(&identity).await;
    let subject = client.token.clone();
    let compute = ComputeEndpoint::new(&client.compute, client.project_id()).unwrap();

    let created_key = client
        .console_call(
            Method::POST,
            &compute.keypairs(&PageQuery::default()),
            Some(
                &CreateKeyPair {
                    name: "log-check".to_owned(),
                    key_type: None,
                }
                .to_body(),
            ),
        )
        .await;
    assert_eq!(
        created_key.status,
        StatusCode::CREATED,
        "{}",
        created_key.text
    );
    let private_key = created_key.body["keypair"]["private_key"]
        .as_str()
        .unwrap()
        .to_owned();

    let flavors = client
        .console_call(
            Method::GET,
            &compute.flavors_detail(&FlavorQuery::default()),
            None,
        )
        .await
        .body;
    let images = client
        .console_call(
            Method::GET,
            &compute.images_detail(&PageQuery::default()),
            None,
        )
        .await
        .body;
    let networks = client
        .console_call(Method::GET, &compute.networks(), None)
        .await
        .body;
    let image = images["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|image| image["status"] == "ACTIVE")
        .unwrap();
    let flavor = flavors["flavors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|flavor| flavor["ram"].as_u64() >= image["minRam"].as_u64())
        .unwrap();
    let mut request = CreateServer::boot_from_volume(
        "log-check".to_owned(),
        flavor["id"].as_str().unwrap().to_owned(),
        BlockDeviceMapping::boot_volume_from_image(
            image["id"].as_str().unwrap().to_owned(),
            image["minDisk"].as_u64().unwrap().max(10),
            None,
            true,
        ),
        NetworkChoice::network(networks["networks"][0]["id"].as_str().unwrap().to_owned()),
    );
    request.key_name = Some("log-check".to_owned());
    let created_server = client
        .console_call(Method::POST, &compute.servers(), Some(&request.to_body()))
        .await;
    assert_eq!(
        created_server.status,
        StatusCode::ACCEPTED,
        "{}",
        created_server.text
    );
    let admin_pass = created_server.body["server"]["adminPass"]
        .as_str()
        .unwrap()
        .to_owned();
    gateway.shutdown().await;

    let text = log.text();
    // The capture works: the access log of each call is there.
    for expected in [
        "/proxy/identity/v3/auth/tokens",
        "status=401",
        "/os-keypairs",
        "/servers",
        "status=202",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from the log");
    }
    let private_key_body = private_key
        .lines()
        .find(|line| line.len() >= 60)
        .expect("a PEM or OpenSSH private key has full base64 lines");
    for (what, secret) in [
        ("the token", subject.as_str()),
        ("the wrong password", WRONG_PASSWORD),
        ("a password field", "\"password\""),
        ("the private key", private_key_body),
        ("a private key marker", "PRIVATE KEY"),
        ("the admin password", admin_pass.as_str()),
    ] {
        assert!(
            !text.contains(secret),
            "{what} ({secret:?}) appears in the log"
        );
    }
}
