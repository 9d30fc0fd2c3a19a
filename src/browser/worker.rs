//! The password worker: `crates/password-worker`, which trunk builds to its own wasm
//! (`data-type="worker"` in index.html) so that RSA stays out of the app's download. It is
//! started when first needed and stopped when done. The messages are described in
//! `crates/password-worker/src/worker.rs`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::{BrowserError, js_error, window};

/// trunk's loader for the worker (`data-loader-shim`), under the app's `public_url` (`/`).
const LOADER_URL: &str = "/password-worker_loader.js";
/// How long loading the worker, and then its answer, may take before it counts as broken.
const ANSWER_TIMEOUT_MS: i32 = 30_000;

#[wasm_bindgen]
extern "C" {
    /// The browser's `Worker` (in web-sys behind a feature only this file would use).
    type Worker;

    #[wasm_bindgen(constructor, catch)]
    fn new(url: &str) -> Result<Worker, JsValue>;

    #[wasm_bindgen(method, catch, js_name = postMessage)]
    fn post_message(this: &Worker, message: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn terminate(this: &Worker);

    #[wasm_bindgen(method, setter)]
    fn set_onmessage(this: &Worker, handler: Option<&Function>);

    #[wasm_bindgen(method, setter)]
    fn set_onerror(this: &Worker, handler: Option<&Function>);
}

thread_local! {
    /// The running worker: one at a time, for the one dialog that asks it.
    static RUNNING: RefCell<Option<Rc<PasswordWorker>>> = const { RefCell::new(None) };
}

/// The password `encrypted` (base64, as `os-server-password` holds it) decrypted with the private
/// key in `key_text`, by the worker (started now if none runs); the error is a sentence for the
/// user.
pub async fn decrypt_password(key_text: &str, encrypted: &str) -> Result<String, BrowserError> {
    let running = match RUNNING.with_borrow(Clone::clone) {
        Some(running) => running,
        None => {
            let started = Rc::new(PasswordWorker::start()?);
            RUNNING.set(Some(Rc::clone(&started)));
            started
        }
    };
    running.decrypt(key_text, encrypted).await
}

/// Terminates the worker, if one runs: a decryption under way ends with an error.
pub fn stop_password_worker() {
    if let Some(running) = RUNNING.take() {
        running.terminate();
    }
}

/// A running password worker; [`stop_password_worker`] terminates it.
struct PasswordWorker {
    worker: Worker,
    /// The worker has said it listens (messages posted before that would be lost).
    ready: Cell<bool>,
    /// Ends the current wait for a message: termination rejects it rather than leave it hanging.
    waiting: RefCell<Option<Function>>,
}

impl PasswordWorker {
    fn start() -> Result<Self, BrowserError> {
        let worker = Worker::new(LOADER_URL)
            .map_err(|error| js_error("The password tool could not start", error))?;
        Ok(Self {
            worker,
            ready: Cell::new(false),
            waiting: RefCell::new(None),
        })
    }

    async fn decrypt(&self, key_text: &str, encrypted: &str) -> Result<String, BrowserError> {
        if !self.ready.get() {
            self.next_message().await?;
            self.ready.set(true);
        }
        let request = Object::new();
        for (name, value) in [("key", key_text), ("encrypted", encrypted)] {
            let _ = Reflect::set(&request, &name.into(), &value.into());
        }
        self.worker
            .post_message(&request)
            .map_err(|error| js_error("The password tool could not be asked", error))?;
        // The key's text is the worker's now: not kept reachable here while it answers.
        drop(request);
        let reply = self.next_message().await?;
        let text = |name: &str| {
            Reflect::get(&reply, &name.into())
                .ok()
                .and_then(|value| value.as_string())
        };
        text("password").ok_or_else(|| BrowserError(text("error").unwrap_or_else(unusable)))
    }

    /// Stops the worker at once; a decryption under way ends with an error.
    fn terminate(&self) {
        self.worker.terminate();
        if let Some(reject) = self.waiting.take() {
            let _ = reject.call0(&JsValue::NULL);
        }
    }

    /// The data of the worker's next message; an error when the worker fails to load, does not
    /// answer in time, or is terminated meanwhile.
    async fn next_message(&self) -> Result<JsValue, BrowserError> {
        let window = window()?;
        let mut timer = None;
        let message = Promise::new(&mut |resolve, reject| {
            self.worker.set_onmessage(Some(&resolve));
            self.worker.set_onerror(Some(&reject));
            timer = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&reject, ANSWER_TIMEOUT_MS)
                .ok();
            self.waiting.replace(Some(reject));
        });
        let settled = JsFuture::from(message).await;
        if let Some(timer) = timer {
            window.clear_timeout_with_handle(timer);
        }
        self.waiting.take();
        let event = settled.map_err(|_| BrowserError(unusable()))?;
        Reflect::get(&event, &"data".into()).map_err(|_| BrowserError(unusable()))
    }
}

fn unusable() -> String {
    "The password tool did not work. Reload the page and try again.".to_owned()
}
