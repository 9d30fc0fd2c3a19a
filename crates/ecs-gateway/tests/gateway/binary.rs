//! The `ecs-gateway` binary as people run it: `--simulate` prints the console URL and the demo
//! account, serves, and stops cleanly (exit status 0) on SIGTERM and on SIGINT.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts the binary on a random loopback port; returns it, its URL and everything it printed
/// up to the demo account line.
fn start() -> (Child, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-gateway"))
        .args(["--simulate", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the ecs-gateway binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
    let mut printed = String::new();
    while !printed.contains("sign in as") {
        match lines.next() {
            Some(Ok(line)) => {
                printed.push_str(&line);
                printed.push('\n');
            }
            _ => {
                let _ = child.kill();
                panic!("ecs-gateway stopped before printing the demo account:\n{printed}");
            }
        }
    }
    let url = printed
        .lines()
        .find_map(|line| line.strip_prefix("ecs-console: "))
        .expect("the console URL is printed")
        .trim_end_matches('/')
        .to_owned();
    (child, url, printed)
}

/// `GET path` over plain HTTP/1.1; the status code.
fn get_status(url: &str, path: &str) -> u16 {
    let authority = url.strip_prefix("http://").expect("an http URL");
    let mut stream = TcpStream::connect(authority).expect("the gateway listens");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

fn stop_with(mut child: Child, signal: &str) {
    let sent = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -{signal} failed");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit after SIG{signal}: {status}");
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ecs-gateway did not stop within 10 s of SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn simulate_prints_the_url_and_demo_account_and_stops_cleanly_on_signals() {
    for signal in ["TERM", "INT"] {
        let (child, url, printed) = start();
        assert!(
            printed.contains("user demo, password demo, domain Default, project demo"),
            "{printed}"
        );
        assert_eq!(get_status(&url, "/config.json"), 200);
        assert_eq!(
            get_status(&url, "/proxy/identity/v3"),
            200,
            "the embedded simulator answers through the proxy"
        );
        stop_with(child, signal);
    }
}
