//! Lock the server, with a reason where the cloud records one (2.73+).

use ecs_api::CONSOLE_MICROVERSION;
use ecs_api::requests::LOCKED_REASON_MICROVERSION;
use leptos::prelude::*;

use super::dialog::ManageDialog;
use super::logic::{cloud_supports, lock_reason_error, lock_request};
use super::{DialogContext, Manage};
use crate::components::text_field::TextField;
use crate::server_details::logic::Request;

#[component]
pub fn LockDialog(context: DialogContext) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let with_reason = move || cloud_supports(context.max.get(), LOCKED_REASON_MICROVERSION);
    let error = Signal::derive(move || {
        with_reason()
            .then(|| reason.with(|reason| lock_reason_error(reason)))
            .flatten()
    });
    let submit = Callback::new(move |()| {
        if error.get_untracked().is_some() {
            return None;
        }
        let (request, microversion) =
            lock_request(&reason.get_untracked(), context.max.get_untracked());
        Some(Request::Lock {
            request,
            microversion: microversion.unwrap_or(CONSOLE_MICROVERSION),
        })
    });
    let supported = move || {
        let max = context
            .max
            .get()
            .map_or_else(|| CONSOLE_MICROVERSION.to_string(), |max| max.to_string());
        if with_reason() {
            view! {
                <TextField id="lock-reason" label="Reason (optional)" value=reason error
                    hint="Shown with the lock, so others know why; up to 255 characters." />
            }
            .into_any()
        } else {
            view! {
                <p class="hint" id="lock-no-reason">
                    {format!(
                        "This cloud's compute API (up to {max}) cannot record why a server is locked (that needs {LOCKED_REASON_MICROVERSION}): it is locked without a reason."
                    )}
                </p>
            }
            .into_any()
        }
    };
    view! {
        <ManageDialog which=Manage::Lock context submit_label="Lock" submit>
            <p>{Manage::Lock.explanation()}</p>
            {supported}
        </ManageDialog>
    }
}
