//! State that outlives the page showing it, so a form survives a trip through sign-in.
//!
//! A page's own signals are dropped when the router unmounts it, e.g. when a 401 sends the user to
//! sign-in. A page that must keep its form calls [`use_kept`]: the value is created once, under an
//! owner that belongs to the whole signed-in session rather than to the page, and the same value
//! is handed back when the page is mounted again. Only [`KeptState::clear`] (sign-out) drops it.

use std::any::{Any, TypeId};
use std::collections::HashMap;

use leptos::prelude::*;

type Values = HashMap<TypeId, Box<dyn Any>>;

#[derive(Clone, Copy)]
pub struct KeptState {
    values: StoredValue<Values, LocalStorage>,
    owner: StoredValue<Owner, LocalStorage>,
}

impl KeptState {
    /// Creates the store under the current (application-level) owner.
    pub fn new() -> Self {
        Self {
            values: StoredValue::new_local(HashMap::new()),
            owner: StoredValue::new_local(Owner::new()),
        }
    }

    /// Returns the kept value of type `T`, creating it with `init` the first time. `init` runs
    /// under the session-wide owner, so signals it creates live until [`KeptState::clear`].
    pub fn get_or_init<T: Clone + 'static>(&self, init: impl FnOnce() -> T) -> T {
        let existing = self.values.with_value(|values| {
            values
                .get(&TypeId::of::<T>())
                .and_then(|value| value.downcast_ref::<T>())
                .cloned()
        });
        if let Some(value) = existing {
            return value;
        }
        let value = self.owner.with_value(|owner| owner.with(init));
        let stored = value.clone();
        self.values.update_value(|values| {
            values.insert(TypeId::of::<T>(), Box::new(stored));
        });
        value
    }

    /// Drops every kept value and the signals they own (sign-out).
    pub fn clear(&self) {
        self.values.update_value(HashMap::clear);
        let fresh = self.owner.with_value(|owner| {
            owner.cleanup();
            owner
                .parent()
                .map_or_else(Owner::new, |parent| parent.child())
        });
        self.owner.set_value(fresh);
    }
}

impl Default for KeptState {
    fn default() -> Self {
        Self::new()
    }
}

/// The value of type `T` kept for this signed-in session (see the module docs).
///
/// ```
/// use ecs_console::session::kept::{KeptState, use_kept};
/// use leptos::prelude::*;
///
/// #[derive(Clone, Copy)]
/// struct CreateForm {
///     name: RwSignal<String>,
/// }
///
/// Owner::new().with(|| {
///     provide_context(KeptState::new());
///     let form = use_kept(|| CreateForm { name: RwSignal::new(String::new()) });
///     form.name.set("web-1".to_owned());
///     // The page is mounted again (e.g. after a re-sign-in): the same form comes back.
///     let again = use_kept(|| CreateForm { name: RwSignal::new(String::new()) });
///     assert_eq!(again.name.get_untracked(), "web-1");
/// });
/// ```
pub fn use_kept<T: Clone + 'static>(init: impl FnOnce() -> T) -> T {
    expect_context::<KeptState>().get_or_init(init)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    struct Form {
        name: RwSignal<String>,
    }

    #[test]
    fn the_same_value_comes_back_until_cleared() {
        let root = Owner::new();
        root.with(|| {
            let kept = KeptState::new();
            let page = Owner::new();
            let form = page.with(|| {
                kept.get_or_init(|| Form {
                    name: RwSignal::new(String::new()),
                })
            });
            form.name.set("web-1".to_owned());
            // The page goes away (e.g. a 401 sent the user to sign-in); the form does not.
            page.cleanup();
            drop(page);
            let again = kept.get_or_init(|| Form {
                name: RwSignal::new("fresh".to_owned()),
            });
            assert_eq!(again.name.get_untracked(), "web-1");

            kept.clear();
            assert!(
                form.name.try_get_untracked().is_none(),
                "sign-out drops the kept signals"
            );
            let after_sign_out = kept.get_or_init(|| Form {
                name: RwSignal::new("fresh".to_owned()),
            });
            assert_eq!(after_sign_out.name.get_untracked(), "fresh");
        });
    }
}
