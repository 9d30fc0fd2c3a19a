//! Create an image (snapshot) of the server, then watch it until it is active: from Glance when
//! the catalog has it, else through Nova's image proxy (`Api::get_image` picks).

use ecs_api::models::Image;
use leptos::prelude::*;
use leptos_router::components::A;

use super::dialog::ManageDialog;
use super::logic::{
    ImageProgress, default_snapshot_name, image_progress, snapshot_name_error, snapshot_status_text,
};
use super::{DialogContext, Manage, WatchedImage};
use crate::api::use_api;
use crate::components::text_field::TextField;
use crate::hooks::polling::schedule::Outcome;
use crate::hooks::polling::{NotFound, use_polling};
use crate::server_details::logic::Request;
use crate::servers::logic::shown_name;

#[component]
pub fn SnapshotDialog(context: DialogContext, snapshot_name: RwSignal<String>) -> impl IntoView {
    let today = String::from(js_sys::Date::new_0().to_iso_string())
        .chars()
        .take(10)
        .collect::<String>();
    let server_name = context
        .polling
        .data
        .with_untracked(|server| server.as_ref().map(shown_name).unwrap_or_default());
    let name = RwSignal::new(default_snapshot_name(&server_name, &today));
    let checked = RwSignal::new(false);
    let error = Signal::derive(move || {
        checked
            .get()
            .then(|| name.with(|name| snapshot_name_error(name)))
            .flatten()
    });
    let submit = Callback::new(move |()| {
        checked.set(true);
        let name = name.get_untracked();
        if snapshot_name_error(&name).is_some() {
            return None;
        }
        snapshot_name.set(name.clone());
        Some(Request::Snapshot { name })
    });
    view! {
        <ManageDialog which=Manage::Snapshot context submit_label="Create image" submit>
            <p>{Manage::Snapshot.explanation()}</p>
            <TextField id="snapshot-name" label="Image name" value=name error no_spellcheck=true
                hint="The new image's name, as in the image list of the create page." />
        </ManageDialog>
    }
}

/// The snapshot's image, refreshed until it is active (or failed).
#[component]
pub fn SnapshotWatch(image: WatchedImage) -> impl IntoView {
    let api = use_api();
    let image_id = image.id.clone();
    let polling = use_polling(
        move || {
            let id = image_id.clone();
            async move { api.get_image(&id).await }
        },
        |image: &Image| match image_progress(image.status.as_deref()) {
            ImageProgress::Saving => Outcome::Transitional,
            ImageProgress::Active | ImageProgress::Failed => Outcome::Steady,
        },
        NotFound::MeansGone,
    );
    let name = image.name.clone();
    let status = move || {
        if polling.gone.get() {
            return snapshot_status_text(&name, Some("deleted"));
        }
        polling.data.with(|image| {
            snapshot_status_text(
                &name,
                image.as_ref().and_then(|image| image.status.as_deref()),
            )
        })
    };
    let active = move || {
        polling.data.with(|image| {
            image.as_ref().is_some_and(|image| {
                image_progress(image.status.as_deref()) == ImageProgress::Active
            })
        })
    };
    view! {
        <div class="notice snapshot-watch" id="snapshot-watch">
            <p id="snapshot-status" role="status">{status}</p>
            <p class="small">
                "Image id: " <span class="mono" id="snapshot-image-id">{image.id.clone()}</span>
            </p>
            {move || {
                polling
                    .error()
                    .map(|error| view! {
                        <p class="small">{format!("Checking the image failed: {} It is checked again shortly.", error.message)}</p>
                    })
            }}
            <Show when=active>
                <p><A href="/create">"Create a server from it"</A></p>
            </Show>
        </div>
    }
}
