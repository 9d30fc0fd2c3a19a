//! Shared end-to-end harness: a simulator (or a real cloud, see `real_openstack`), the gateway
//! serving the built app in front of it, chromedriver with a throw-away profile, and a fantoccini
//! client driving headless Chromium.

use std::net::TcpListener as StdTcpListener;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ecs_gateway::{GatewayConfig, RunningGateway, Upstream};
use ecs_sim::test_client::TestClient;
use ecs_sim::{DEMO, RunningSim, SimConfig};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use url::Url;

/// How long waits give the browser by default: generous, because CI machines are slow.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(20);

/// Chromium flags for a quiet, deterministic headless browser.
pub const HEADLESS_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
];

/// The built app (`dist/`): `ECS_CONSOLE_DIST`, or `<workspace>/dist`.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("ECS_CONSOLE_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("dist"));
    assert!(
        dir.join("index.html").is_file(),
        "the built console is missing: {} has no index.html. Build it first with \
         `trunk build --release --offline` in the workspace root (or point ECS_CONSOLE_DIST at a built dist/).",
        dir.display()
    );
    dir
}

/// Options for [`Harness::start_with`].
pub struct HarnessOptions {
    pub sim: SimConfig,
    /// Let the browser call the simulator directly (CORS for the gateway's origin, and the
    /// simulator listed as a direct endpoint so the gateway's CSP allows it).
    pub direct: bool,
}

impl Default for HarnessOptions {
    fn default() -> Self {
        Self {
            // Fast lifecycles keep the tests short; the shape of each transition stays the same.
            // Image and network APIs only up to 2.35, as upstream Nova: the strictest cloud.
            sim: SimConfig::default()
                .build_duration(Duration::from_secs(3))
                .transition_duration(Duration::from_secs(1))
                .proxy_apis_at_all_versions(false),
            direct: false,
        }
    }
}

impl HarnessOptions {
    /// A cloud whose catalog lists Keystone and Nova only (no Glance, no Neutron).
    pub fn nova_only() -> Self {
        let defaults = Self::default();
        Self {
            sim: defaults.sim.nova_only(true),
            ..defaults
        }
    }
}

/// The simulator with the console in front of it. Everything a test does in the browser is a
/// method of [`Console`], which `Harness` dereferences to, so one step serves both clouds.
pub struct Harness {
    pub sim: RunningSim,
    console: Console,
}

impl Deref for Harness {
    type Target = Console;

    fn deref(&self) -> &Console {
        &self.console
    }
}

impl Harness {
    pub async fn start() -> Self {
        Self::start_with(HarnessOptions::default()).await
    }

    pub async fn start_with(options: HarnessOptions) -> Self {
        let gateway_port = free_port();
        let gateway_origin = format!("http://127.0.0.1:{gateway_port}");
        let mut sim_config = options.sim;
        let services: &[&str] = if sim_config.nova_only {
            &["identity", "compute"]
        } else {
            &["identity", "compute", "image", "network", "volume"]
        };
        if options.direct {
            sim_config = sim_config.cors_allowed_origins([gateway_origin.clone()]);
        }
        let sim = ecs_sim::spawn(sim_config)
            .await
            .expect("start the simulator on a loopback port");
        let upstream = |name: &str| {
            Upstream::new(name, &format!("{}/{name}", sim.base_url()))
                .expect("the simulator's base URL is a valid upstream")
        };
        let direct_endpoints = if options.direct {
            vec![Url::parse(&sim.base_url()).expect("the simulator's base URL parses")]
        } else {
            Vec::new()
        };
        let console = Console::start(
            gateway_port,
            services.iter().map(|name| upstream(name)).collect(),
            direct_endpoints,
        )
        .await;
        Self { sim, console }
    }

    /// A client signed in as the demo account straight at the simulator (for test set-up).
    pub async fn demo_client(&self) -> TestClient {
        TestClient::sign_in(&format!("{}/identity/v3", self.sim.base_url())).await
    }

    pub async fn shutdown(self) {
        let Self { sim, console } = self;
        console.shutdown().await;
        sim.shutdown().await;
    }
}

/// The console as its user meets it: the gateway serving the built app and proxying to a cloud,
/// and headless Chromium with a throw-away profile driving it.
pub struct Console {
    pub gateway: RunningGateway,
    pub browser: Client,
    chromedriver: Chromedriver,
}

impl Console {
    /// The gateway in front of real clouds (proxy mode): `upstreams` as `--upstream` gives them.
    pub async fn start_against(upstreams: Vec<Upstream>) -> Self {
        Self::start(free_port(), upstreams, Vec::new()).await
    }

    async fn start(
        gateway_port: u16,
        upstreams: Vec<Upstream>,
        direct_endpoints: Vec<Url>,
    ) -> Self {
        let gateway_config = GatewayConfig {
            listen: ([127, 0, 0, 1], gateway_port).into(),
            dist: Some(dist_dir()),
            upstreams,
            direct_endpoints,
            ..GatewayConfig::default()
        };
        let gateway = ecs_gateway::spawn(gateway_config)
            .await
            .expect("start the gateway on a loopback port");
        let chromedriver = Chromedriver::start();
        let browser = chromedriver.connect().await;
        Self {
            gateway,
            browser,
            chromedriver,
        }
    }

    /// Absolute URL of `path` on the gateway.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.gateway.url().trim_end_matches('/'))
    }

    /// Where Chromium saves downloads for this browser (empty at start).
    pub fn download_dir(&self) -> &Path {
        &self.chromedriver.download_dir
    }

    pub async fn open(&self, path: &str) {
        self.browser
            .goto(&self.url(path))
            .await
            .unwrap_or_else(|error| panic!("open {path}: {error}"));
    }

    /// Signs in as the demo account through the password form, in the given connection mode
    /// ("proxy" or "direct"), and waits for the servers list.
    pub async fn sign_in_demo(&self) {
        self.sign_in_demo_with_mode("proxy", None).await;
    }

    pub async fn sign_in_demo_with_mode(&self, mode: &str, identity_endpoint: Option<&str>) {
        if !self
            .browser
            .current_url()
            .await
            .is_ok_and(|url| url.path() == "/sign-in")
        {
            self.open("/sign-in").await;
        }
        self.submit_demo_sign_in(mode, identity_endpoint).await;
        self.wait_for("#servers-page").await;
    }

    /// Fills the password form already on screen with the demo account and submits it
    /// (e.g. after a 401 sent the user here), without waiting for where it lands.
    pub async fn submit_demo_sign_in(&self, mode: &str, identity_endpoint: Option<&str>) {
        self.wait_for("#sign-in-password").await;
        self.click(&format!("input[name='connection-mode'][value='{mode}']"))
            .await;
        if let Some(endpoint) = identity_endpoint {
            self.fill("#identity-endpoint", endpoint).await;
        }
        self.fill("#user-domain", DEMO.domain).await;
        self.fill("#user-name", DEMO.user).await;
        self.fill("#password", DEMO.password).await;
        self.fill("#project", DEMO.project).await;
        self.click("#sign-in-password button[type='submit']").await;
    }

    /// Waits until an element matching `css` exists.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.wait_for_within(css, DEFAULT_WAIT).await
    }

    pub async fn wait_for_within(&self, css: &str, timeout: Duration) -> Element {
        self.browser
            .wait()
            .at_most(timeout)
            .every(Duration::from_millis(100))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("no element matches `{css}` after {timeout:?}: {error}"))
    }

    /// Waits until the page's visible text contains `text`.
    pub async fn wait_for_text(&self, text: &str) {
        self.wait_for_text_within(text, DEFAULT_WAIT).await;
    }

    pub async fn wait_for_text_within(&self, text: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let body = self.body_text().await;
            if body.contains(text) {
                return;
            }
            if Instant::now() > deadline {
                panic!("the page did not show {text:?} within {timeout:?}; it shows:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `condition` holds, polling every 100 ms.
    pub async fn wait_until<F, Fut>(&self, what: &str, timeout: Duration, mut condition: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + timeout;
        while !condition().await {
            if Instant::now() > deadline {
                panic!("timed out after {timeout:?} waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element matching `css` reads exactly `expected`.
    pub async fn wait_for_element_text(&self, css: &str, expected: &str, timeout: Duration) {
        let what = format!("`{css}` to read {expected:?}");
        self.wait_until(&what, timeout, || async {
            match self.browser.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.is_ok_and(|text| text == expected),
                Err(_) => false,
            }
        })
        .await;
    }

    pub async fn body_text(&self) -> String {
        match self.browser.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("click `{css}`: {error}"));
    }

    /// Replaces the value of the input matching `css`.
    pub async fn fill(&self, css: &str, value: &str) {
        let input = self.wait_for(css).await;
        input
            .clear()
            .await
            .unwrap_or_else(|error| panic!("clear `{css}`: {error}"));
        input
            .send_keys(value)
            .await
            .unwrap_or_else(|error| panic!("type into `{css}`: {error}"));
    }

    /// Asserts that the element a script expression gives (`document.documentElement` for the
    /// whole page) does not scroll sideways in a window already resized to `window_width`.
    pub async fn assert_no_sideways_scrolling(&self, element: &str, what: &str, window_width: u64) {
        let widths = self
            .eval(&format!(
                "const element = {element};\
                 return [window.innerWidth, element.scrollWidth, element.clientWidth];"
            ))
            .await;
        let [viewport, content, visible]: [u64; 3] =
            serde_json::from_value(widths.clone()).expect("three widths");
        assert!(
            viewport <= window_width,
            "the window was resized to {window_width} px: {widths}"
        );
        assert!(
            content <= visible,
            "{what} scrolls sideways at {viewport} px (content {content} px, visible {visible} px)"
        );
    }

    /// The id of the focused element ("" for one without an id, such as the page body).
    pub async fn focused_id(&self) -> String {
        let id = self
            .eval("const active = document.activeElement; return active ? active.id : '';")
            .await;
        id.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the element with `id` has keyboard focus (focus moves after the DOM updates).
    pub async fn wait_for_focus(&self, id: &str) {
        let what = format!("focus on #{id}");
        self.wait_until(&what, DEFAULT_WAIT, || async {
            self.focused_id().await == id
        })
        .await;
    }

    /// Runs `script` in the page and returns its result.
    pub async fn eval(&self, script: &str) -> Value {
        self.browser
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|error| panic!("script failed: {error}\n{script}"))
    }

    /// Makes the browser report `scheme` ("light" or "dark") as the system's colour scheme, as
    /// when the user switches it in their OS (Chrome DevTools `Emulation.setEmulatedMedia`).
    pub async fn emulate_color_scheme(&self, scheme: &str) {
        devtools(
            &self.browser,
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        )
        .await;
    }

    /// Makes requests whose URL matches one of `patterns` (`*` wildcards) fail, as when the
    /// network is down for them (Chrome DevTools `Network.setBlockedURLs`); none unblocks all.
    pub async fn block_requests(&self, patterns: &[&str]) {
        devtools(&self.browser, "Network.enable", json!({})).await;
        devtools(
            &self.browser,
            "Network.setBlockedURLs",
            json!({ "urls": patterns }),
        )
        .await;
    }

    /// Everything the page has put into browser storage.
    pub async fn storage(&self) -> StorageDump {
        let web_storage = self
            .eval(
                "const dump = (s) => Object.fromEntries(Array.from({length: s.length}, (_, i) => s.key(i)).map((k) => [k, s.getItem(k)]));\
                 return {local: dump(window.localStorage), session: dump(window.sessionStorage)};",
            )
            .await;
        let databases = self
            .browser
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 (indexedDB.databases ? indexedDB.databases() : Promise.resolve([]))\
                   .then((dbs) => done(dbs.map((db) => db.name)), () => done([]));",
                Vec::new(),
            )
            .await
            .unwrap_or_else(|error| panic!("list IndexedDB databases: {error}"));
        StorageDump {
            local: string_pairs(&web_storage["local"]),
            session: string_pairs(&web_storage["session"]),
            indexed_db: databases
                .as_array()
                .map(|names| {
                    names
                        .iter()
                        .filter_map(|name| name.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The token the page keeps in sessionStorage (the signed-in session), if any.
    pub async fn browser_token(&self) -> Option<String> {
        let stored = self
            .eval("return window.sessionStorage.getItem('ecs-console.session');")
            .await;
        let session: Value = serde_json::from_str(stored.as_str()?).ok()?;
        session["token"].as_str().map(str::to_owned)
    }

    pub async fn shutdown(self) {
        let Self {
            gateway,
            browser,
            chromedriver,
        } = self;
        let _ = browser.close().await;
        drop(chromedriver);
        gateway.shutdown().await;
    }
}

/// localStorage, sessionStorage and IndexedDB as seen by the page.
#[derive(Debug, Default)]
pub struct StorageDump {
    pub local: Vec<(String, String)>,
    pub session: Vec<(String, String)>,
    pub indexed_db: Vec<String>,
}

impl StorageDump {
    /// True when any stored key or value contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.local
            .iter()
            .chain(&self.session)
            .any(|(key, value)| key.contains(needle) || value.contains(needle))
            || self.indexed_db.iter().any(|name| name.contains(needle))
    }
}

fn string_pairs(object: &Value) -> Vec<(String, String)> {
    object
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// A chromedriver process on a free loopback port, with its own profile and download folders.
struct Chromedriver {
    child: Child,
    port: u16,
    profile_dir: PathBuf,
    download_dir: PathBuf,
}

impl Chromedriver {
    fn start() -> Self {
        let binary = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("chromedriver"));
        let port = free_port();
        let scratch =
            std::env::temp_dir().join(format!("ecs-console-e2e-{}-{port}", std::process::id()));
        let profile_dir = scratch.join("profile");
        let download_dir = scratch.join("downloads");
        std::fs::create_dir_all(&profile_dir).expect("create the browser profile folder");
        std::fs::create_dir_all(&download_dir).expect("create the download folder");
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot start {}: {error}. Install chromedriver (scripts/test does) or set CHROMEDRIVER.",
                    binary.display()
                )
            });
        Self {
            child,
            port,
            profile_dir,
            download_dir,
        }
    }

    async fn connect(&self) -> Client {
        let mut args: Vec<String> = HEADLESS_ARGS.iter().map(|arg| (*arg).to_owned()).collect();
        args.push(format!("--user-data-dir={}", self.profile_dir.display()));
        let mut chrome_options = json!({
            "args": args,
            "prefs": {
                "download.default_directory": self.download_dir.display().to_string(),
                "download.prompt_for_download": false
            }
        });
        if let Some(chrome) = std::env::var_os("CHROME") {
            chrome_options["binary"] = json!(chrome.to_string_lossy());
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".to_owned(), chrome_options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let webdriver = format!("http://127.0.0.1:{}", self.port);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match ClientBuilder::new(connector.clone())
                .capabilities(capabilities.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => return client,
                Err(error) if Instant::now() > deadline => {
                    panic!(
                        "chromedriver on port {} never accepted a session: {error}",
                        self.port
                    )
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(150)).await,
            }
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A test that failed never closed its session: end the browser it left, found by its
        // profile folder (unique to this driver), so it does not live on in the background.
        let _ = Command::new("pkill")
            .arg("-KILL")
            .args(["-f", "--"])
            .arg(format!("--user-data-dir={}", self.profile_dir.display()))
            .status();
        if let Some(scratch) = self.profile_dir.parent() {
            let _ = std::fs::remove_dir_all(scratch);
        }
    }
}

/// A loopback port that was free a moment ago (the OS picks it; the caller binds it next).
pub fn free_port() -> u16 {
    StdTcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("find a free loopback port")
}

/// Sends the Chrome DevTools command `cmd` with `params` and returns its result.
pub async fn devtools(browser: &Client, cmd: &'static str, params: Value) -> Value {
    browser
        .issue_cmd(ChromeDevTools { cmd, params })
        .await
        .unwrap_or_else(|error| panic!("DevTools {cmd}: {error}"))
}

/// A Chrome DevTools command sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct ChromeDevTools {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for ChromeDevTools {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}
