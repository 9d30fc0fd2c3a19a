//! Rename (and, at 2.19+, describe) the server.

use ecs_api::requests::DESCRIPTION_MICROVERSION;
use leptos::prelude::*;

use super::dialog::ManageDialog;
use super::logic::{RenameErrors, cloud_supports, rename_request};
use super::{DialogContext, Manage};
use crate::components::text_field::TextField;
use crate::server_details::logic::Request;

#[component]
pub fn RenameDialog(context: DialogContext) -> impl IntoView {
    let (name, description) = context.polling.data.with_untracked(|server| {
        server.as_ref().map_or_else(Default::default, |server| {
            (
                server.name.clone(),
                server.description.clone().unwrap_or_default(),
            )
        })
    });
    let name = RwSignal::new(name);
    let description = RwSignal::new(description);
    // Errors show after the first try, then follow the typing (a fixed field clears at once).
    let checked = RwSignal::new(false);
    let errors = Memo::new(move |_| {
        if !checked.get() {
            return RenameErrors::default();
        }
        name.with(|name| {
            description.with(|description| {
                rename_request(name, description, context.max.get())
                    .err()
                    .unwrap_or_default()
            })
        })
    });
    let with_description = move || cloud_supports(context.max.get(), DESCRIPTION_MICROVERSION);
    let submit = Callback::new(move |()| {
        checked.set(true);
        let request = rename_request(
            &name.get_untracked(),
            &description.get_untracked(),
            context.max.get_untracked(),
        );
        if request.is_err() {
            crate::browser::focus::focus_after_render("rename-name");
        }
        request.ok().map(Request::Rename)
    });
    view! {
        <ManageDialog which=Manage::Rename context submit_label="Rename" submit>
            <TextField id="rename-name" label="Name" value=name no_spellcheck=true
                error=Signal::derive(move || errors.with(|errors| errors.name.clone()))
                hint="1 to 255 printable characters, not starting or ending with a space." />
            {move || {
                if with_description() {
                    view! {
                        <TextField id="rename-description" label="Description" value=description
                            multiline=true
                            error=Signal::derive(move || errors.with(|errors| errors.description.clone()))
                            hint="Up to 255 characters; empty removes it." />
                    }
                    .into_any()
                } else {
                    view! {
                        <p class="hint">
                            "This cloud keeps no description for a server (that needs compute API 2.19)."
                        </p>
                    }
                    .into_any()
                }
            }}
        </ManageDialog>
    }
}
