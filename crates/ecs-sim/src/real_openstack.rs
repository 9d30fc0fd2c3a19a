//! Real OpenStack for the tests (feature `test-client`): Keystone 30 and Nova 34 from PyPI,
//! started by the workspace's `tests/openstack/launch.py` on free loopback ports, stopped and
//! removed when the value drops. The launcher also stops when its stdin closes, so a test
//! process that dies takes both services down with it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// What the launcher prints once both services answer (its `READY` line).
#[derive(Debug, Clone, Deserialize)]
pub struct Endpoints {
    /// `http://127.0.0.1:PORT/v3`
    pub identity: String,
    /// `http://127.0.0.1:PORT/v2.1`; the token's catalog adds the project id.
    pub compute: String,
    /// A token of the cloud's admin, e.g. to revoke a user's token.
    pub admin_token: String,
    /// Package name → version, as installed.
    pub versions: BTreeMap<String, String>,
}

/// A running real cloud.
pub struct RealOpenStack {
    pub endpoints: Endpoints,
    /// From start to both services answering (installing, when needed, included).
    pub started_in: Duration,
    child: Child,
    // Kept open for as long as the cloud should run: the launcher stops when it closes.
    _stdin: ChildStdin,
}

impl RealOpenStack {
    /// Installs what is missing (a venv under the target folder, reused when present) and
    /// starts both services with CORS allowing `allow_origin` (`*` for any). Panics with the
    /// launcher's own message (which names a package PyPI did not serve) when it cannot.
    pub fn start(allow_origin: &str) -> Self {
        let launcher = launcher_path();
        let started = Instant::now();
        let mut child = Command::new("python3")
            .arg(&launcher)
            .args(["--allow-origin", allow_origin])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run python3 {}: {error}", launcher.display()));
        let stdin = child.stdin.take().expect("the launcher's stdin is piped");
        let stdout = child.stdout.take().expect("the launcher's stdout is piped");
        let mut line = String::new();
        // The launcher prints nothing else on stdout; EOF means it stopped.
        let _ = BufReader::new(stdout).read_line(&mut line);
        let Some(ready) = line.strip_prefix("READY ") else {
            let status = child.wait();
            panic!(
                "real OpenStack (Keystone and Nova from PyPI) did not start: the launcher {} \
                 ended with {status:?}; its own message is printed above",
                launcher.display()
            );
        };
        let endpoints = serde_json::from_str(ready.trim())
            .unwrap_or_else(|error| panic!("the launcher's READY line: {error}"));
        Self {
            endpoints,
            started_in: started.elapsed(),
            child,
            _stdin: stdin,
        }
    }
}

impl Drop for RealOpenStack {
    fn drop(&mut self) {
        // SIGTERM: the launcher stops both services and removes its files (about 2 s).
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tests/openstack/launch.py` of the workspace this crate is built in.
fn launcher_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/openstack/launch.py")
}
