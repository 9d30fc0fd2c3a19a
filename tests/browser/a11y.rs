//! An automatic accessibility audit: axe-core (npm `axe-core`, installed by scripts/setup.sh's
//! `ensure_axe_core`) runs in the page on every page and state of the guide — sign-in (both
//! tabs), the create form (empty, with its problems listed, filled, the private-key notice, the
//! review), the servers list (empty, full) and the details page (BUILD, ACTIVE, ERROR, the delete
//! question, deleted) — at 1280 and 360 px wide, in the light and the dark scheme, with the
//! WCAG 2.0/2.1/2.2 A and AA rules and axe's best practices (`target-size` included). Any
//! violation of impact serious or critical fails the test, listed with its page, state, width,
//! scheme, rule and elements.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use ecs_sim::test_client::TestClient;
use ecs_sim::{Quota, SimConfig};
use serde_json::{Value, json};

use crate::create::{FLAVOR, IMAGE, by_id, click_xpath, property};
use crate::support::{Console, DEFAULT_WAIT, Harness, HarnessOptions};

/// axe-core's rule sets: WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe-core 4.14 has no rule
/// tagged `wcag22a`: 2.2's new level-A criteria are not machine-checkable), and best practices.
const RULE_TAGS: &[&str] = &[
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// A window size and a colour scheme the audit walks the pages in.
#[derive(Clone, Copy)]
struct View {
    width: u32,
    height: u32,
    scheme: &'static str,
}

const VIEWS: [View; 4] = [
    View {
        width: 1280,
        height: 900,
        scheme: "light",
    },
    View {
        width: 1280,
        height: 900,
        scheme: "dark",
    },
    View {
        width: 360,
        height: 800,
        scheme: "light",
    },
    View {
        width: 360,
        height: 800,
        scheme: "dark",
    },
];

/// Long enough for a page in BUILD to be audited before the server is ACTIVE.
const BUILD: Duration = Duration::from_secs(12);
const LIFECYCLE_WAIT: Duration = Duration::from_secs(60);

/// axe-core's browser bundle: `AXE_CORE_JS`, or `axe.min.js` of the `axe-core` that
/// `npm install -g` put in npm's global folder (as scripts/setup.sh does).
fn axe_source() -> String {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .or_else(|| {
            let output = Command::new("npm").args(["root", "-g"]).output().ok()?;
            let root = String::from_utf8(output.stdout).ok()?;
            Some(PathBuf::from(root.trim()).join("axe-core/axe.min.js"))
        })
        .unwrap_or_default();
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "axe-core is missing ({}: {error}). Install it with `. scripts/setup.sh; ensure_axe_core` \
             (npm install -g axe-core), or point AXE_CORE_JS at its axe.min.js.",
            path.display()
        )
    })
}

/// The audit's findings so far, one line per violation and element.
struct Audit<'a> {
    h: &'a Console,
    axe: String,
    view: View,
    findings: Vec<String>,
    /// Moderate and minor findings: reported, not failures.
    lesser: Vec<String>,
    audited: Vec<String>,
}

impl<'a> Audit<'a> {
    fn new(h: &'a Console) -> Self {
        Self {
            h,
            axe: axe_source(),
            view: VIEWS[0],
            findings: Vec::new(),
            lesser: Vec::new(),
            audited: Vec::new(),
        }
    }

    /// Resizes the window and switches the system colour scheme the page sees.
    async fn switch_to(&mut self, view: View) {
        self.view = view;
        self.h
            .browser
            .set_window_size(view.width, view.height)
            .await
            .expect("resize the window");
        self.h.emulate_color_scheme(view.scheme).await;
        let inner_width = self.h.eval("return window.innerWidth;").await;
        assert!(
            inner_width
                .as_u64()
                .is_some_and(|width| width <= u64::from(view.width)),
            "the window was resized to {} px; the page is {inner_width} px wide",
            view.width
        );
    }

    fn describe(&self, state: &str) -> String {
        format!("{state} at {} px, {}", self.view.width, self.view.scheme)
    }

    /// Loads axe-core into the page unless it is there already (a page load drops it).
    async fn inject(&self) {
        let present = self.h.eval("return typeof window.axe === 'object';").await;
        if present != json!(true) {
            self.h.eval(&format!("{}\n;return true;", self.axe)).await;
        }
    }

    /// Runs axe-core on the whole page in `context` (a CSS selector, or the document).
    async fn run(&self, context: &str) -> Value {
        self.inject().await;
        let script = format!(
            "const done = arguments[arguments.length - 1];\
             const context = {context};\
             axe.run(context, {{runOnly: {{type: 'tag', values: {tags}}}, resultTypes: ['violations']}})\
               .then((results) => done({{violations: results.violations.map((rule) => ({{\
                   id: rule.id, impact: rule.impact, help: rule.help,\
                   nodes: rule.nodes.map((node) => ({{target: node.target.join(' '), impact: node.impact,\
                     summary: node.failureSummary}}))}})), rules: [...results.passes, ...results.violations, ...results.incomplete, ...results.inapplicable].map((rule) => rule.id)}}),\
                     (error) => done({{error: String(error)}}));",
            tags = json!(RULE_TAGS),
        );
        let result = self
            .h
            .browser
            .execute_async(&script, Vec::new())
            .await
            .unwrap_or_else(|error| panic!("run axe-core: {error}"));
        assert!(result.get("error").is_none(), "axe-core failed: {result}");
        result
    }

    /// Audits the page as it is now; `state` names the page and its state.
    async fn check(&mut self, state: &str) {
        let what = self.describe(state);
        let result = self.run("document").await;
        for rule in result["violations"].as_array().into_iter().flatten() {
            for node in rule["nodes"].as_array().into_iter().flatten() {
                let impact = node["impact"].as_str().or(rule["impact"].as_str());
                if !matches!(impact, Some("serious" | "critical")) {
                    self.lesser.push(format!(
                        "{what}: {} ({})",
                        rule["id"].as_str().unwrap_or_default(),
                        impact.unwrap_or_default()
                    ));
                } else {
                    self.findings.push(format!(
                        "{what}: {} ({}): {}\n    at {}\n    {}",
                        rule["id"].as_str().unwrap_or_default(),
                        impact.unwrap_or_default(),
                        rule["help"].as_str().unwrap_or_default(),
                        node["target"].as_str().unwrap_or_default(),
                        node["summary"]
                            .as_str()
                            .unwrap_or_default()
                            .replace('\n', "\n    "),
                    ));
                }
            }
        }
        self.audited.push(what);
    }

    /// axe-core finds what it should in this page (an image without a text alternative, put in
    /// for the check and taken out again), and its run includes `target-size`.
    async fn check_the_auditor(&self) {
        self.h
            .eval(
                "const probe = document.createElement('div');\
                 probe.id = 'axe-probe';\
                 probe.innerHTML = '<img src=\"data:,\">';\
                 document.body.append(probe); return true;",
            )
            .await;
        let result = self.run("'#axe-probe'").await;
        self.h
            .eval("document.getElementById('axe-probe').remove(); return true;")
            .await;
        let found: Vec<&str> = result["violations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|rule| rule["id"].as_str())
            .collect();
        assert_eq!(found, ["image-alt"], "axe-core on the probe: {result}");
        let rules = result["rules"].as_array().expect("the rules run");
        assert!(
            rules.contains(&json!("target-size")) && rules.contains(&json!("color-contrast")),
            "the rules run: {rules:?}"
        );
    }

    fn assert_clean(&self, expected_audits: usize) {
        println!(
            "axe-core: {} page states audited; moderate or minor findings: {}\n{}",
            self.audited.len(),
            self.lesser.len(),
            self.lesser.join("\n")
        );
        assert_eq!(
            self.audited.len(),
            expected_audits,
            "audited: {:#?}",
            self.audited
        );
        assert!(
            self.findings.is_empty(),
            "{} serious or critical accessibility violations in {} audited page states:\n{}",
            self.findings.len(),
            self.audited.len(),
            self.findings.join("\n")
        );
    }
}

/// A fresh start on the sign-in page: no session, no kept form.
async fn signed_out(h: &Console) {
    h.open("/sign-in").await;
    h.eval("window.sessionStorage.clear(); return true;").await;
    h.open("/sign-in").await;
    h.wait_for("#sign-in-password").await;
}

/// The pages before any server exists, in one window size and scheme.
async fn walk_before_servers(audit: &mut Audit<'_>, api: &TestClient, walk: usize) {
    let h = audit.h;
    signed_out(h).await;
    audit.check("sign-in, password tab").await;
    h.click("#tab-token").await;
    h.wait_for("#sign-in-token").await;
    audit.check("sign-in, token tab").await;
    h.click("#tab-password").await;

    h.sign_in_demo().await;
    h.wait_for("#no-servers").await;
    audit.check("servers list, empty").await;

    h.click("header a[href='/create']").await;
    h.wait_for("select#zone option[value='az1.dc1']").await;
    h.wait_for(&by_id(&format!("flavor-{FLAVOR}"))).await;
    h.wait_for("input[type='checkbox'][id^='network-']").await;
    h.wait_for("select#key-pair").await;
    audit.check("create form, empty").await;

    click_xpath(h, "//button[normalize-space()='Create server']").await;
    h.wait_for("ul.problems").await;
    audit.check("create form, problems listed").await;

    h.wait_for("select#zone")
        .await
        .select_by_value("az1.dc1")
        .await
        .expect("choose the zone");
    h.click(&by_id(&format!("flavor-{FLAVOR}"))).await;
    click_xpath(h, &format!("//label[normalize-space()='{IMAGE}']")).await;
    h.click("input[type='checkbox'][id^='network-']").await;
    h.fill("#server-name", &format!("a11y-{walk}")).await;
    h.wait_until("the problems to be fixed", DEFAULT_WAIT, || async {
        h.browser
            .find(fantoccini::Locator::Css("ul.problems"))
            .await
            .is_err()
    })
    .await;
    audit.check("create form, filled").await;

    let key_name = format!("a11y-key-{walk}");
    click_xpath(h, "//summary[normalize-space()='Create a new key pair']").await;
    h.fill("#new-key-name", &key_name).await;
    click_xpath(h, "//button[normalize-space()='Create key pair']").await;
    h.wait_for_focus("private-key-notice").await;
    audit.check("create form, private-key notice").await;

    click_xpath(
        h,
        "//button[normalize-space()='I have saved the private key']",
    )
    .await;
    h.wait_for_text(&format!("\"key_name\": \"{key_name}\""))
        .await;
    assert_eq!(property(h, "#key-pair", "value").await, key_name);
    audit.check("create form, review").await;
    let listed = api.get(&format!("os-keypairs/{key_name}"), "2.67").await;
    assert_eq!(listed.status.as_u16(), 200, "{}", listed.text);
}

/// The servers list and the details page in every state, in one window size and scheme.
async fn walk_with_servers(audit: &mut Audit<'_>, api: &TestClient, error_id: &str, walk: usize) {
    let h = audit.h;
    signed_out(h).await;
    h.sign_in_demo().await;
    let name = format!("a11y-walk-{walk}");
    let server_id = api.create_server(&name).await;
    h.open("/servers").await;
    h.wait_for_text(&name).await;
    h.wait_for_text("ERROR").await;
    audit.check("servers list, full").await;

    h.open(&format!("/servers/{server_id}")).await;
    h.wait_for_element_text("#server-status", "BUILD", DEFAULT_WAIT)
        .await;
    audit.check("details, BUILD").await;
    h.wait_for_element_text("#server-status", "ACTIVE", LIFECYCLE_WAIT)
        .await;
    h.wait_for("#addresses").await;
    audit.check("details, ACTIVE").await;

    h.click("#action-delete").await;
    h.wait_for("[role='alertdialog'] #confirm-delete-text")
        .await;
    audit.check("details, delete question").await;
    h.click("#confirm-delete").await;
    h.wait_for_within("#server-gone", LIFECYCLE_WAIT).await;
    h.wait_for_focus("server-gone").await;
    audit.check("details, deleted").await;

    h.open(&format!("/servers/{error_id}")).await;
    h.wait_for_within("#server-fault-advice", LIFECYCLE_WAIT)
        .await;
    audit.check("details, ERROR").await;
}

/// States audited per window size and scheme: 8 before servers exist, 6 with servers.
const STATES_PER_VIEW: usize = 8 + 6;

#[tokio::test(flavor = "multi_thread")]
async fn every_page_passes_axe_core_at_both_widths_in_both_schemes() {
    let options = HarnessOptions {
        sim: SimConfig::default()
            .build_duration(BUILD)
            .transition_duration(Duration::from_secs(1))
            .quota(Quota {
                instances: 50,
                cores: 200,
                ram_mb: 512_000,
                ..Quota::default()
            }),
        direct: false,
    };
    let h = Harness::start_with(options).await;
    let api = h.demo_client().await;
    let mut audit = Audit::new(&h);

    h.open("/sign-in").await;
    h.wait_for("#sign-in-password").await;
    audit.check_the_auditor().await;

    for (walk, view) in VIEWS.into_iter().enumerate() {
        audit.switch_to(view).await;
        walk_before_servers(&mut audit, &api, walk).await;
    }

    // A full list: a page of servers, one that failed to build (a system disk larger than one
    // volume may be), one stopped; each walk adds one in BUILD.
    let mut many = api.guide_server("a11y-many").await;
    many["server"]["min_count"] = json!(6);
    let created = api.post("servers", "2.67", &many).await;
    assert_eq!(created.status.as_u16(), 202, "{}", created.text);
    let mut huge = api.guide_server("a11y-error").await;
    huge["server"]["block_device_mapping_v2"][0]["volume_size"] = json!(501);
    let created = api.post("servers", "2.67", &huge).await;
    assert_eq!(created.status.as_u16(), 202, "{}", created.text);
    let error_id = created.body["server"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let stopped_id = api.create_server("a11y-stopped").await;
    api.wait_for(&stopped_id, LIFECYCLE_WAIT, |reply| {
        reply.body["server"]["status"] == "ACTIVE"
    })
    .await;
    let stop = api
        .post(
            &format!("servers/{stopped_id}/action"),
            "2.67",
            &json!({"os-stop": null}),
        )
        .await;
    assert_eq!(stop.status.as_u16(), 202, "{}", stop.text);
    api.wait_for(&error_id, LIFECYCLE_WAIT, |reply| {
        reply.body["server"]["status"] == "ERROR"
    })
    .await;

    for (walk, view) in VIEWS.into_iter().enumerate() {
        audit.switch_to(view).await;
        walk_with_servers(&mut audit, &api, &error_id, walk).await;
    }

    audit.assert_clean(STATES_PER_VIEW * VIEWS.len());
    h.shutdown().await;
}
