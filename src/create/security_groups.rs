//! The security groups: any number of the project's groups, each with what it lets in, and
//! advice when the choice would keep the user out of the server.

use leptos::prelude::*;

use super::fields::LoadedList;
use super::logic::security_groups::{group_advice, group_choices};
use super::{loaded, use_page};

/// The legend, which labels the group of checkboxes.
const LEGEND_ID: &str = "security-groups-label";
/// What the form says about the choice (advice, not a problem that blocks creating).
const ADVICE_ID: &str = "security-groups-advice";

#[component]
pub fn SecurityGroupSection() -> impl IntoView {
    let page = use_page();
    let draft = page.draft;
    // Empty until the groups are listed: nothing is known about them before.
    let advice = move || {
        page.lists.security_groups.with(|groups| {
            let groups = loaded(groups)?;
            Some(page.image.with(|image| {
                draft.with(|draft| group_advice(&draft.security_groups, groups, image.as_ref()))
            }))
        })
    };
    view! {
        <fieldset class="section" aria-describedby=ADVICE_ID>
            <legend id=LEGEND_ID>"Security groups"</legend>
            <p class="hint">"Choose any number: the server lets in what any of them allows."</p>
            <div role="group" aria-labelledby=LEGEND_ID>
                <LoadedList what="security groups" resource=page.lists.security_groups let:groups>
                    {if groups.is_empty() {
                        view! { <p class="hint">"The project lists no security group."</p> }.into_any()
                    } else {
                        let items = group_choices(&groups)
                            .into_iter()
                            .enumerate()
                            .map(|(index, group)| {
                                let input_id = format!("security-group-{index}");
                                let key = group.key;
                                let checked = {
                                    let key = key.clone();
                                    move || draft.with(|draft| draft.security_groups.contains(&key))
                                };
                                let toggle = {
                                    let key = key.clone();
                                    move |ev: leptos::ev::Event| {
                                        let chosen = event_target_checked(&ev);
                                        draft.update(|draft| draft.choose_security_group(&key, chosen));
                                    }
                                };
                                view! {
                                    <li>
                                        <input
                                            type="checkbox"
                                            id=input_id.clone()
                                            value=key
                                            prop:checked=checked
                                            on:change=toggle
                                        />
                                        <label for=input_id>
                                            <span>{group.name}</span>
                                            <span class="hint">{group.ingress}</span>
                                        </label>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! { <ul class="choice-list">{items}</ul> }.into_any()
                    }}
                </LoadedList>
            </div>
            <div id=ADVICE_ID class="advice" role="status">{advice}</div>
        </fieldset>
    }
}
