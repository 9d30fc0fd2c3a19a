//! Component tests in headless Chromium (wasm-bindgen-test):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p ecs-console --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use ecs_api::ApiError;
use ecs_console::api::activity::{ActivityLog, RequestState, RetryNote};
use ecs_console::components::activity_panel::ActivityPanel;
use ecs_console::components::announcer::{LiveRegion, use_announcer};
use ecs_console::components::error_notice::ErrorNotice;
use ecs_console::{App, provide_app_context};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|window| window.document())
        .expect("a document")
}

/// A fresh element to mount into, so tests do not see each other's DOM.
fn container() -> web_sys::HtmlElement {
    let element = document()
        .create_element("div")
        .expect("create a container")
        .unchecked_into::<web_sys::HtmlElement>();
    document()
        .body()
        .expect("a body")
        .append_child(&element)
        .expect("attach");
    element
}

/// Lets effects and async tasks run.
async fn settle() {
    for _ in 0..5 {
        leptos::task::tick().await;
    }
}

/// Lets the browser run its next task (a `<details>` element's `toggle` event is one).
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback(&resolve)
            .expect("a timeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("the timeout fired");
}

#[wasm_bindgen_test]
async fn sign_in_labels_are_exact_and_tied_to_their_inputs() {
    web_sys::window()
        .expect("window")
        .history()
        .expect("history")
        .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/sign-in"))
        .expect("go to /sign-in");
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), App);
    settle().await;

    for (label_text, kind) in [
        ("User domain", "text"),
        ("User name", "text"),
        ("Password", "password"),
        ("Project", "text"),
    ] {
        let labels = root.query_selector_all("label").expect("labels");
        let label = (0..labels.length())
            .filter_map(|index| labels.item(index))
            .filter_map(|node| node.dyn_into::<web_sys::HtmlLabelElement>().ok())
            .find(|label| label.text_content().as_deref() == Some(label_text))
            .unwrap_or_else(|| panic!("a label reading exactly {label_text:?}"));
        let input = document()
            .get_element_by_id(&label.html_for())
            .unwrap_or_else(|| panic!("{label_text:?} points at an existing control"))
            .dyn_into::<web_sys::HtmlInputElement>()
            .expect("an input");
        assert_eq!(input.type_(), kind, "{label_text} input type");
    }
    let submit = root
        .query_selector("#sign-in-password button[type='submit']")
        .expect("query")
        .expect("a submit button");
    assert_eq!(submit.text_content().as_deref(), Some("Sign in"));
    // An empty form is refused with a message, before any request.
    submit.unchecked_ref::<web_sys::HtmlElement>().click();
    settle().await;
    let alert = root
        .query_selector("[role='alert']")
        .expect("query")
        .expect("an error");
    assert!(alert.text_content().unwrap_or_default().contains("Enter"));
}

#[wasm_bindgen_test]
async fn the_activity_panel_shows_requests_without_secrets() {
    let root = container();
    let log = StoredValue::new(None::<ActivityLog>);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_app_context();
        log.set_value(Some(expect_context::<ActivityLog>()));
        view! { <ActivityPanel /> }
    });
    let log = log.get_value().expect("the log was provided");
    let listed = log.start(
        "GET",
        "http://gw.example/proxy/compute/v2.1/p/servers/detail?limit=5&token=s3cr3t",
        js_sys::Date::now(),
        1,
    );
    let unanswered = log.start(
        "POST",
        "/proxy/identity/v3/auth/tokens",
        js_sys::Date::now(),
        1,
    );
    // Still in flight at the end.
    log.start(
        "GET",
        "/proxy/compute/v2.1/p/flavors/detail",
        js_sys::Date::now(),
        1,
    );
    settle().await;
    // Closed, the panel counts the requests but holds no rows.
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("(3 requests)"), "{text}");
    assert_eq!(
        root.query_selector_all("#activity-panel tbody tr")
            .expect("query")
            .length(),
        0,
        "no rows while closed"
    );
    root.query_selector("#activity-panel summary")
        .expect("query")
        .expect("the panel's summary")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    next_task().await;
    settle().await;
    let text = root.text_content().unwrap_or_default();
    assert_eq!(
        text.matches("waiting…").count(),
        3,
        "sent requests are listed at once: {text}"
    );

    log.finish(listed, RequestState::Answered(200), 12);
    log.finish(unanswered, RequestState::NoResponse, 3);
    settle().await;

    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("(3 requests)"), "{text}");
    assert_eq!(
        text.matches("waiting…").count(),
        1,
        "answered requests show their outcome: {text}"
    );
    assert!(text.contains("12 ms"), "{text}");
    assert!(text.contains("/proxy/compute/v2.1/p/servers/detail?limit=5&token=[redacted]"));
    assert!(text.contains("no response"));
    assert!(!text.contains("s3cr3t"), "secrets never shown");
    assert!(!text.contains("gw.example"), "only paths are shown");

    // A read that failed in passing says when it is sent again, and as which attempt.
    let failed = log.start(
        "GET",
        "/proxy/compute/v2.1/p/os-keypairs",
        js_sys::Date::now(),
        1,
    );
    log.finish(failed, RequestState::Answered(503), 4);
    log.retrying(
        failed,
        RetryNote {
            delay_ms: 600,
            next_attempt: 2,
        },
    );
    settle().await;
    let text = root.text_content().unwrap_or_default();
    assert!(
        text.contains("503, retrying in 0.6 s (attempt 2 of 3)"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn api_messages_render_as_text_and_announcements_reach_the_live_region() {
    let root = container();
    let error = ApiError::from_response(
        400,
        br#"{"badRequest": {"code": 400, "message": "Invalid name <img src=x onerror=alert(1)>"}}"#,
    );
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_app_context();
        let announcer = use_announcer();
        announcer.announce("Server status: ACTIVE");
        view! {
            <ErrorNotice error title="Creating the server failed" />
            <LiveRegion />
        }
    });
    settle().await;

    assert!(
        root.query_selector("img").expect("query").is_none(),
        "no markup injected"
    );
    let message = root
        .query_selector(".api-message")
        .expect("query")
        .expect("the message");
    assert_eq!(
        message.text_content().as_deref(),
        Some("Invalid name <img src=x onerror=alert(1)>")
    );
    assert!(
        root.text_content()
            .unwrap_or_default()
            .contains("HTTP 400 (badRequest)")
    );
    let live = root
        .query_selector("[aria-live='polite']")
        .expect("query")
        .expect("live region");
    assert_eq!(
        live.text_content().as_deref(),
        Some("Server status: ACTIVE")
    );
}

#[wasm_bindgen_test]
async fn a_signed_out_visitor_is_sent_to_sign_in() {
    let window = web_sys::window().expect("window");
    window
        .session_storage()
        .expect("sessionStorage")
        .expect("sessionStorage")
        .clear()
        .expect("clear");
    window
        .history()
        .expect("history")
        .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/servers/abc"))
        .expect("go to a server");
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), App);
    settle().await;

    assert_eq!(window.location().pathname().expect("path"), "/sign-in");
    assert!(
        root.query_selector("#sign-in-password")
            .expect("query")
            .is_some()
    );
    assert!(
        root.query_selector("#servers-page")
            .expect("query")
            .is_none()
    );
}
