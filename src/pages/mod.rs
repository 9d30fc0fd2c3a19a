//! One module per page.

pub mod server_details;
pub mod server_view;
pub mod servers;
pub mod sign_in;

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. " <A href="/servers">"Go to the servers list"</A> "."</p>
        </section>
    }
}
