//! Resize: choose the new flavor in the create form's flavor table, with the form's checks (the
//! image's minimum RAM) and the quota checked for what the new flavor adds. What is sent is
//! remembered, so that the confirmation can name the flavor the server came from.

use std::sync::Arc;

use ecs_api::urls::FlavorQuery;
use leptos::prelude::*;

use super::dialog::ManageDialog;
use super::logic::{
    CurrentFlavor, StartedResize, resize_dialog_text, resize_unfit_reason, resized_while_stopped,
};
use super::{DialogContext, Manage};
use crate::api::use_api;
use crate::components::flavor_table::{FlavorTable, UnfitReason};
use crate::components::text_field::TextField;
use crate::create::draft::FlavorSort;
use crate::server_details::logic::Request;

#[component]
pub fn ResizeDialog(
    context: DialogContext,
    /// Set to the resize sent from here.
    started: RwSignal<Option<StartedResize>>,
) -> impl IntoView {
    let api = use_api();
    let flavors = LocalResource::new(move || async move {
        api.list_flavors(&FlavorQuery::default())
            .await
            .map(Arc::new)
    });
    // The quota and the image's minimum RAM refine the reasons; without them the cloud checks.
    let limits = LocalResource::new(move || async move { api.get_limits().await.ok() });
    let image_id = context.polling.data.with_untracked(|server| {
        server
            .as_ref()
            .and_then(|server| server.image_id().map(str::to_owned))
    });
    let image_min_ram = LocalResource::new(move || {
        let id = image_id.clone();
        async move {
            match id {
                Some(id) => api.get_image(&id).await.map_or(0, |image| image.min_ram),
                None => 0,
            }
        }
    });
    let current = Memo::new(move |_| {
        context
            .polling
            .data
            .with(|server| server.as_ref().map(CurrentFlavor::of).unwrap_or_default())
    });
    let chosen = RwSignal::new(String::new());
    let filter = RwSignal::new(String::new());
    let order = RwSignal::new(FlavorSort::default());
    let sort = Memo::new(move |_| order.get());
    let choose = Callback::new(move |id: String| chosen.set(id));
    let chosen_id = Memo::new(move |_| chosen.get());
    let filter_text = Memo::new(move |_| filter.get());
    let set_sort = Callback::new(move |sort: FlavorSort| order.set(sort));
    let unfit = UnfitReason::new(move |flavor| {
        let min_ram = image_min_ram.get().unwrap_or(0);
        limits.with(|limits| {
            current.with(|current| {
                resize_unfit_reason(
                    flavor,
                    current,
                    min_ram,
                    limits.as_ref().and_then(Option::as_ref),
                )
            })
        })
    });
    let ready = Signal::derive(move || !chosen.with(String::is_empty));
    let submit = Callback::new(move |()| {
        let flavor_id = chosen.get_untracked();
        if flavor_id.is_empty() {
            return None;
        }
        let listed = flavors.with_untracked(|flavors| match flavors {
            Some(Ok(flavors)) => Arc::clone(flavors),
            _ => Arc::default(),
        });
        context.polling.data.with_untracked(|server| {
            started.set(
                server
                    .as_ref()
                    .map(|server| StartedResize::of(server, &flavor_id, &listed)),
            );
        });
        Some(Request::Resize { flavor_id })
    });
    let title_id = "manage-resize-title";
    let stopped = move || {
        context
            .polling
            .data
            .with(|server| server.as_ref().is_some_and(resized_while_stopped))
    };
    let current_text = move || current.with(|current| resize_dialog_text(current, stopped()));
    view! {
        <ManageDialog which=Manage::Resize context submit_label="Resize" submit ready>
            <div class="create-form resize-flavors">
                <p id="resize-current">{current_text}</p>
                <TextField id="resize-filter" label="Filter flavors" value=filter
                    hint="Part of a name or id." />
                {move || match flavors.get() {
                    None => view! { <p class="loading">"Loading flavors…"</p> }.into_any(),
                    Some(Err(error)) => view! {
                        <p class="error" role="alert">{format!("The flavors could not be listed: {}", error.message)}</p>
                    }
                    .into_any(),
                    Some(Ok(flavors)) => view! {
                        <FlavorTable
                            flavors
                            chosen=chosen_id
                            choose
                            filter=filter_text
                            sort
                            set_sort
                            unfit=unfit.clone()
                            labelled_by=title_id
                        />
                    }
                    .into_any(),
                }}
            </div>
        </ManageDialog>
    }
}
