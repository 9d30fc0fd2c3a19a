//! The review: a summary of the choices, the exact request body, and the same request as a
//! curl command (token left out), each shown and copyable.

use ecs_api::requests::CreateServer;
use leptos::prelude::*;

use super::logic::review::{body_text, curl_text, security_groups_text};
use super::{loaded, use_page};
use crate::api::use_api;
use crate::browser::absolute_url;
use crate::browser::focus::focus_control;
use crate::components::copy_button::CopyButton;
use crate::components::format::{counted, ram_text};

#[component]
pub fn ReviewSection() -> impl IntoView {
    let page = use_page();
    let api = use_api();
    let servers_url = move || {
        api.compute_endpoint()
            .map(|endpoint| absolute_url(endpoint.servers()))
            .unwrap_or_default()
    };
    let summary = move |request: &CreateServer| {
        let flavor = page.flavor.get().map(|flavor| {
            format!(
                "{} ({}, {} RAM)",
                flavor.name,
                counted(flavor.vcpus, "vCPU", "vCPUs"),
                ram_text(flavor.ram)
            )
        });
        let image = page.image.get().map(|image| image.name);
        let networks = page.lists.networks.with(|networks| {
            page.draft.with(|draft| {
                draft
                    .network_ids
                    .iter()
                    .map(|id| {
                        loaded(networks)
                            .and_then(|networks| networks.iter().find(|network| &network.id == id))
                            .map_or_else(|| id.clone(), |network| network.display_name().to_owned())
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        });
        let disk = request.boot_mapping().map(|disk| {
            format!(
                "{} GB{}{}",
                disk.volume_size.unwrap_or_default(),
                disk.volume_type
                    .as_ref()
                    .map(|kind| format!(", {kind}"))
                    .unwrap_or_default(),
                if disk.delete_on_termination == Some(true) {
                    ", deleted with the server"
                } else {
                    ", kept after the server is deleted"
                }
            )
        });
        let rows = [
            ("Server name", Some(request.name.clone())),
            ("Count", Some(request.requested_count().to_string())),
            ("Availability zone", request.availability_zone.clone()),
            ("Flavor", flavor),
            ("Image", image),
            ("Network", Some(networks)),
            ("Security groups", Some(security_groups_text(request))),
            (
                "Key pair",
                Some(
                    request
                        .key_name
                        .clone()
                        .unwrap_or_else(|| "none".to_owned()),
                ),
            ),
            ("System disk", disk),
        ];
        rows.into_iter()
            .map(|(term, value)| {
                view! {
                    <dt>{term}</dt>
                    <dd>{value.unwrap_or_default()}</dd>
                }
            })
            .collect_view()
    };
    let content = move || {
        page.request.with(|request| match request {
            Ok(request) => {
                let url = servers_url();
                let body = body_text(request);
                let curl = curl_text(&url, request);
                // Both blocks scroll sideways rather than wrap, so they are focusable for
                // keyboard scrolling.
                view! {
                    <dl class="summary">{summary(request)}</dl>
                    <h3 id="request-body-label" class="review-part">"Request body"</h3>
                    <p class="hint request-line">"POST " <span class="mono">{url}</span></p>
                    <pre aria-labelledby="request-body-label" tabindex="0">{body.clone()}</pre>
                    <div class="actions">
                        <CopyButton value=body label="request body" text="JSON body" />
                    </div>
                    <h3 id="request-curl-label" class="review-part">"The same request as curl"</h3>
                    <p class="hint">
                        "The token is left out: the command reads it from $OS_TOKEN when it runs."
                    </p>
                    <pre aria-labelledby="request-curl-label" tabindex="0">{curl.clone()}</pre>
                    <div class="actions">
                        <CopyButton value=curl label="request as curl" text="as curl" />
                    </div>
                }
                .into_any()
            }
            Err(problems) => {
                let items = problems
                    .iter()
                    .map(|(field, message)| {
                        view! {
                            <li>
                                <a
                                    href=format!("#{}", field.control_id())
                                    on:click=move |event| {
                                        // A fragment link only scrolls; take the keyboard there too.
                                        if focus_control(field.control_id()) {
                                            event.prevent_default();
                                        }
                                    }
                                >
                                    {field.label()}
                                </a>
                                ": "
                                {message.to_owned()}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <p>{format!("{} to fix before the request can be built:", counted(problems.len() as u64, "thing", "things"))}</p>
                    <ul class="problems">{items}</ul>
                }
                .into_any()
            }
        })
    };
    view! {
        <fieldset class="section">
            <legend>"Review"</legend>
            {content}
        </fieldset>
    }
}
