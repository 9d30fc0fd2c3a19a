//! Rebuild the server from one of the cloud's images (the create form's image list), confirmed
//! in the dialog itself: its system disk is erased; the key pair is kept.

use ecs_api::requests::RebuildServer;
use leptos::prelude::*;

use super::dialog::ManageDialog;
use super::logic::{rebuild_microversion, rebuild_refused, rebuild_unfit_reason, rebuild_warning};
use super::{DialogContext, Manage};
use crate::api::use_api;
use crate::server_details::logic::Request;

const IMAGE_SELECT_ID: &str = "rebuild-image";

#[component]
pub fn RebuildDialog(context: DialogContext) -> impl IntoView {
    let api = use_api();
    let images = LocalResource::new(move || async move {
        api.list_images().await.map(|mut images| {
            images.sort_by_key(|image| image.name.to_lowercase());
            images
        })
    });
    let server = move || context.polling.data.get();
    let chosen = RwSignal::new(
        context
            .polling
            .data
            .with_untracked(|server| {
                server
                    .as_ref()
                    .and_then(|server| server.image_id().map(str::to_owned))
            })
            .unwrap_or_default(),
    );
    let refused = move || server().and_then(|server| rebuild_refused(&server, context.max.get()));
    let ready = Signal::derive(move || !chosen.with(String::is_empty) && refused().is_none());
    let submit = Callback::new(move |()| {
        let server = context.polling.data.get_untracked()?;
        let image_ref = chosen.get_untracked();
        if image_ref.is_empty() {
            return None;
        }
        Some(Request::Rebuild {
            request: RebuildServer {
                key_name: server.key_name.clone().filter(|key| !key.is_empty()),
                ..RebuildServer::from_image(image_ref)
            },
            microversion: rebuild_microversion(&server),
        })
    });
    let options = move || {
        let server = server()?;
        let listed = images.get()?;
        Some(match listed {
            Ok(images) => {
                let options = images
                    .iter()
                    .map(|image| {
                        let unfit = rebuild_unfit_reason(image, &server);
                        let label = match &unfit {
                            Some(reason) => format!("{} — {reason}", image.name),
                            None => image.name.clone(),
                        };
                        let id = image.id.clone();
                        let selected = chosen.with_untracked(|chosen| *chosen == id);
                        view! { <option value=id disabled=unfit.is_some() selected=selected>{label}</option> }
                    })
                    .collect_view();
                view! {
                    <p class="field">
                        <label for=IMAGE_SELECT_ID>"Image"</label>
                        <select id=IMAGE_SELECT_ID on:change=move |event| chosen.set(event_target_value(&event))>
                            <option value="" selected=move || chosen.with(String::is_empty)>"Choose an image"</option>
                            {options}
                        </select>
                    </p>
                }
                .into_any()
            }
            Err(error) => view! {
                <p class="error" role="alert">{format!("The images could not be listed: {}", error.message)}</p>
            }
            .into_any(),
        })
    };
    view! {
        <ManageDialog which=Manage::Rebuild context submit_label="Rebuild (erases the system disk)"
            submit danger=true ready>
            <p id="rebuild-warning">{move || server().map(|server| rebuild_warning(&server))}</p>
            {move || refused().map(|text| view! { <p class="notice" id="rebuild-refused">{text}</p> })}
            {move || options().unwrap_or_else(|| view! { <p class="loading">"Loading images…"</p> }.into_any())}
        </ManageDialog>
    }
}
