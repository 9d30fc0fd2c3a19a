//! The Web Worker's message loop. The console's side is `src/browser/worker.rs`; the messages:
//! - the worker, once it listens: the string `"ready"` (messages sent before that are lost);
//! - the console: `{key: <the key file's text>, encrypted: <os-server-password's password>}`;
//! - the worker: `{password: <the password>}` or `{error: <a sentence for the user>}`.
//!
//! Nothing is kept between messages; the console terminates the worker when it is done.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::decrypt_password;

#[wasm_bindgen(start)]
fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        // A reply the browser cannot send leaves the console waiting until it gives up.
        let _ = replies.post_message(&answer(&event.data()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

fn answer(request: &JsValue) -> JsValue {
    let text = |name: &str| {
        Reflect::get(request, &JsValue::from_str(name))
            .ok()
            .and_then(|value| value.as_string())
    };
    let (field, value) = match (text("key"), text("encrypted")) {
        (Some(key), Some(encrypted)) => match decrypt_password(&key, &encrypted) {
            Ok(password) => ("password", password),
            Err(error) => ("error", error.to_string()),
        },
        _ => (
            "error",
            "The console sent the password tool a request it does not understand.".to_owned(),
        ),
    };
    let reply = Object::new();
    let _ = Reflect::set(
        &reply,
        &JsValue::from_str(field),
        &JsValue::from_str(&value),
    );
    reply.into()
}
