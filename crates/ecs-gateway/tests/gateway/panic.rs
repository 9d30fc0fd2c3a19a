//! A bug in one request: the test build's `/test-panic` route panics with a message quoting the
//! request's token. The request gets 500 in the gateway's error shape, without the message; the
//! requests around it are answered; the binary's log says where, not what.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{FakeUpstream, gateway};

const TOKEN: &str = "gAAAAABpanic-secret-token";

async fn assert_panic_answer(client: &reqwest::Client, url: &str) {
    let response = client
        .get(format!("{url}/test-panic"))
        .header("x-auth-token", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = response.text().await.unwrap();
    assert!(!text.contains(TOKEN), "the answer quotes the panic: {text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"]["code"], 500);
    assert_eq!(body["error"]["title"], "Internal Server Error");
    assert_eq!(
        body["error"]["message"],
        "the gateway failed while answering this request"
    );
}

#[tokio::test]
async fn a_panicking_request_answers_500_and_the_others_go_on() {
    let upstream = FakeUpstream::start().await;
    let gw = gateway(&[("identity", upstream.url())], |_| {}).await;
    let client = reqwest::Client::new();
    // In flight while the other request panics: the fake upstream answers it after 3 s.
    let slow = tokio::spawn({
        let client = client.clone();
        let url = format!("{}/proxy/identity/sleep", gw.url());
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_panic_answer(&client, &gw.url()).await;
    // The same client (its pooled connection) and the gateway go on.
    let after = client
        .get(format!("{}/config.json", gw.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_eq!(slow.await.unwrap(), "late");
    gw.shutdown().await;
}

#[tokio::test]
async fn the_binary_survives_a_panic_and_logs_where_not_what() {
    let upstream = FakeUpstream::start().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-gateway"))
        .args(["--listen", "127.0.0.1:0", "--upstream"])
        .arg(format!("identity={}", upstream.url()))
        .env("RUST_LOG", "info")
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the ecs-gateway binary starts");
    let log = Arc::new(Mutex::new(String::new()));
    let mut stderr = child.stderr.take().unwrap();
    let stderr_log = Arc::clone(&log);
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        stderr_log.lock().unwrap().push_str(&text);
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("ecs-gateway printed its URL").unwrap();
        if let Some(url) = line.strip_prefix("ecs-console: ") {
            break url.trim_end_matches('/').to_owned();
        }
    };
    let stdout_log = Arc::clone(&log);
    let stdout_reader = std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let mut log = stdout_log.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });

    let client = reqwest::Client::new();
    assert_panic_answer(&client, &url).await;
    assert_panic_answer(&client, &url).await;
    let after = client
        .get(format!("{url}/config.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert!(
        child.try_wait().unwrap().is_none(),
        "the gateway exited after a panic"
    );

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    stdout_reader.join().unwrap();
    stderr_reader.join().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");
    let log = log.lock().unwrap();
    assert!(!log.contains(TOKEN), "the log quotes the panic:\n{log}");
    assert!(
        log.contains("panic") && log.contains("src/service.rs:"),
        "the log does not say where the panic was:\n{log}"
    );
    assert!(
        log.contains("status=500"),
        "the access log misses the 500:\n{log}"
    );
}
