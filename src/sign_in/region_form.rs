//! Choosing the region when the token's catalog offers compute in several.

use leptos::prelude::*;

use super::Page;
use super::logic::{compute_regions, session_from_token};

#[component]
pub fn RegionForm(page: Page) -> impl IntoView {
    let pending_token = page.pending_token;
    let region = page.region;
    let choose = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen = region.get_untracked();
        let mode = page.form.mode.get_untracked();
        let built = pending_token.with_untracked(|token| {
            token
                .as_ref()
                .map(|token| session_from_token(token, Some(&chosen), mode))
        });
        match built {
            Some(Ok(new_session)) => {
                pending_token.set(None);
                page.finish.run(new_session);
            }
            Some(Err(message)) => page.refuse.run(message),
            None => {}
        }
    };
    let options = move || {
        pending_token
            .with(|token| token.as_ref().map(compute_regions).unwrap_or_default())
            .into_iter()
            .map(|name| {
                let selected = region.get_untracked() == name;
                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
            })
            .collect_view()
    };
    view! {
        <form id="choose-region" on:submit=choose>
            <div class="field">
                <label for="region">"Region"</label>
                <select id="region" on:change=move |event| region.set(event_target_value(&event))>
                    {options}
                </select>
                <span class="hint">"Your token's catalog offers compute in several regions."</span>
            </div>
            <button type="submit" class="primary">"Continue"</button>
        </form>
    }
}
