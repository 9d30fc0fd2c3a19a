//! Asking before the browser's Back or Forward leaves a page that holds something unsaved.
//!
//! Back and Forward within the app fire `popstate` after the address has already changed, and
//! the router reacts to it by swapping the page. A listener the page itself adds would come too
//! late: listeners run in the order they were added, and the router's (added when the app
//! starts) unmounts the page, removing the page's listener before it runs. So the app adds one
//! listener before the router ([`listen`]), and a page arms it with [`arm_while_mounted`].

use std::cell::RefCell;

use leptos::prelude::on_cleanup;
use wasm_bindgen::closure::Closure;

use super::confirm;
use super::listener::listen_while_mounted;

/// The armed guard: the question to ask, and the address to restore when the user stays.
struct Armed {
    question: &'static str,
    address: String,
}

thread_local! {
    static ARMED: RefCell<Option<Armed>> = const { RefCell::new(None) };
}

/// While the calling owner lives, Back and Forward ask `question` first; declining stays at the
/// current address. Needs [`listen`] to have run (the app does).
pub fn arm_while_mounted(question: &'static str) {
    let Some(address) = web_sys::window().and_then(|window| window.location().href().ok()) else {
        return;
    };
    ARMED.with(|armed| *armed.borrow_mut() = Some(Armed { question, address }));
    on_cleanup(|| ARMED.with(|armed| *armed.borrow_mut() = None));
}

/// For a way out of the page that is not a history move (signing out): true when nothing is
/// armed, or when the user confirms the armed guard's question.
pub fn may_leave() -> bool {
    let question = ARMED.with(|armed| armed.borrow().as_ref().map(|armed| armed.question));
    question.is_none_or(confirm)
}

/// Adds the app's `popstate` listener; call it before the router is created. It is removed when
/// the calling component (the app) goes.
pub fn listen() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(on_history_move);
    let _ = listen_while_mounted(window.into(), "popstate", true, listener);
}

fn on_history_move(event: web_sys::Event) {
    let Some((question, address)) = ARMED.with(|armed| {
        armed
            .borrow()
            .as_ref()
            .map(|armed| (armed.question, armed.address.clone()))
    }) else {
        return;
    };
    if confirm(question) {
        return;
    }
    // Staying: the router must not see this move, and the address goes back to this page's.
    event.stop_immediate_propagation();
    if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
}
