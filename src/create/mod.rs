//! The create-server page (`/create`): the guide's procedure as one form.
//!
//! Every list loads in parallel as soon as the page opens, each with its own loading, error and
//! retry state. What the user enters lives in one [`CreateDraft`] kept for the signed-in session
//! ([`use_kept`]), so a 401 re-sign-in round trip brings the user back to the same form. The
//! private keys of key pairs created here are held by the page only and go when the page goes.
//!
//! The rules (filtering, sorting, default disk size, validation, request building) are plain Rust
//! in [`logic`] and [`draft`]; the section modules only render them.

mod details;
mod disk;
pub mod draft;
pub(crate) mod fields;
mod flavor;
mod image;
mod keypair;
pub mod logic;
mod network;
mod one_time;
mod review;
mod security_groups;
mod submit;
mod zone;

use std::sync::Arc;

use ecs_api::ApiError;
use ecs_api::models::{
    AbsoluteLimits, AvailabilityZone, Flavor, Image, KeyPair, Network, SecurityGroup,
};
use ecs_api::requests::CreateServer;
use ecs_api::urls::{FlavorQuery, SortDir};
use leptos::prelude::*;

use crate::api::{Api, use_api};
use crate::session::kept::use_kept;
use draft::CreateDraft;
use logic::fields::{Field, is_filled};
use logic::keyfile::GeneratedKey;
use logic::request::{Catalog, Problems, build_request};
use logic::zones::{ZoneChoice, merge_zones};

/// The form's values, kept across a 401 re-sign-in (see [`use_kept`]).
#[derive(Clone, Copy)]
pub struct CreateForm {
    pub draft: RwSignal<CreateDraft>,
    /// "Create server" was pressed: from then on every problem is shown, not only those of
    /// fields the user filled in.
    pub attempted: RwSignal<bool>,
}

impl CreateForm {
    fn new() -> Self {
        Self {
            draft: RwSignal::new(CreateDraft::default()),
            attempted: RwSignal::new(false),
        }
    }
}

/// A list loaded from the API; `Arc` so handing it to the view does not copy it.
type Loaded<T> = LocalResource<Result<Arc<T>, ApiError>>;

/// Every list the form offers, each loading on its own.
#[derive(Clone, Copy)]
struct Lists {
    zones: Loaded<Vec<AvailabilityZone>>,
    flavors: Loaded<Vec<Flavor>>,
    images: Loaded<Vec<Image>>,
    networks: Loaded<Vec<Network>>,
    security_groups: Loaded<Vec<SecurityGroup>>,
    keypairs: Loaded<Vec<KeyPair>>,
    limits: Loaded<AbsoluteLimits>,
    /// Volume types and the room the volume quota leaves (never an error: typing stays possible).
    volumes: LocalResource<disk::VolumeFacts>,
}

impl Lists {
    /// Starts every request at once, so the form is ready after about one round trip.
    fn load(api: Api) -> Self {
        Self {
            zones: LocalResource::new(move || async move {
                api.list_availability_zones().await.map(Arc::new)
            }),
            flavors: LocalResource::new(move || async move {
                // Pages arrive in the table's first order. No minRam filter: flavors too small
                // for the chosen image stay listed, disabled with the reason.
                let query = FlavorQuery {
                    sort_key: Some("name".to_owned()),
                    sort_dir: Some(SortDir::Asc),
                    ..FlavorQuery::default()
                };
                api.list_flavors(&query).await.map(Arc::new)
            }),
            images: LocalResource::new(
                move || async move { api.list_images().await.map(Arc::new) },
            ),
            networks: LocalResource::new(
                move || async move { api.list_networks().await.map(Arc::new) },
            ),
            security_groups: LocalResource::new(move || async move {
                api.list_security_groups().await.map(Arc::new)
            }),
            keypairs: LocalResource::new(
                move || async move { api.list_keypairs().await.map(Arc::new) },
            ),
            limits: LocalResource::new(move || async move { api.get_limits().await.map(Arc::new) }),
            volumes: LocalResource::new(move || disk::volume_facts(api)),
        }
    }
}

/// A loaded list, or `None` while it loads or after it failed.
fn loaded<T>(value: &Option<Result<Arc<T>, ApiError>>) -> Option<&T> {
    value.as_ref()?.as_ref().ok().map(Arc::as_ref)
}

/// What every section of the page shares (a context; cheap to copy).
#[derive(Clone, Copy)]
struct CreatePage {
    draft: RwSignal<CreateDraft>,
    attempted: RwSignal<bool>,
    lists: Lists,
    zone_choices: Memo<Option<Vec<ZoneChoice>>>,
    flavor: Memo<Option<Flavor>>,
    image: Memo<Option<Image>>,
    /// The request as it would be sent now, or what is wrong with the form.
    request: Memo<Result<CreateServer, Problems>>,
    /// The request just created, while its outcome is on screen.
    created: RwSignal<Option<CreateServer>>,
    /// The private keys of key pairs created on this page; never leave this page's memory.
    generated_keys: RwSignal<Vec<GeneratedKey>>,
    /// A server was created and its admin password is on screen, not yet confirmed as noted.
    admin_password_unnoted: RwSignal<bool>,
}

impl CreatePage {
    fn new(form: CreateForm, lists: Lists) -> Self {
        let draft = form.draft;
        let zone_choices = Memo::new(move |_| {
            lists.zones.with(|zones| {
                loaded(zones).map(|zones| {
                    merge_zones(
                        zones
                            .iter()
                            .map(|zone| (zone.name.as_str(), zone.is_available())),
                    )
                })
            })
        });
        let flavor = Memo::new(move |_| {
            let id = draft.with(|d| d.flavor_id.clone());
            lists.flavors.with(|flavors| {
                loaded(flavors)?
                    .iter()
                    .find(|flavor| flavor.id == id)
                    .cloned()
            })
        });
        let image = Memo::new(move |_| {
            let id = draft.with(|d| d.image_id.clone());
            lists
                .images
                .with(|images| loaded(images)?.iter().find(|image| image.id == id).cloned())
        });
        let created = RwSignal::new(None::<CreateServer>);
        let request = Memo::new(move |_| {
            let flavor = flavor.get();
            let image = image.get();
            let choices = zone_choices.get();
            let built = lists.zones.with(|zones| {
                lists.limits.with(|limits| {
                    lists.security_groups.with(|groups| {
                        lists.volumes.with(|volumes| {
                            let catalog = Catalog {
                                zones: loaded(zones).map(Vec::as_slice),
                                zone_choices: choices.as_deref(),
                                flavor: flavor.as_ref(),
                                image: image.as_ref(),
                                limits: loaded(limits),
                                security_groups: loaded(groups).map(Vec::as_slice),
                                volume_left: volumes
                                    .as_ref()
                                    .map(|facts| facts.quota_left)
                                    .unwrap_or_default(),
                                volume_types: volumes
                                    .as_ref()
                                    .and_then(|facts| facts.types.as_deref()),
                            };
                            draft.with(|draft| build_request(draft, &catalog))
                        })
                    })
                })
            });
            // Until "Create another server", the form stands for what was just created: checked
            // against the quota that now counts it, it would advise against itself. (Built all
            // the same, so the memo keeps following the lists.)
            created.get().map_or(built, Ok)
        });
        Self {
            draft,
            attempted: form.attempted,
            lists,
            zone_choices,
            flavor,
            image,
            request,
            created,
            generated_keys: RwSignal::new(Vec::new()),
            admin_password_unnoted: RwSignal::new(false),
        }
    }

    /// The problem to show next to `field`: once the user filled it in, or after they tried to
    /// create the server.
    fn problem(self, field: Field) -> Signal<Option<String>> {
        Signal::derive(move || {
            let shown = self.attempted.get() || self.draft.with(|draft| is_filled(draft, field));
            if !shown {
                return None;
            }
            self.request
                .with(|request| request.as_ref().err()?.get(field).map(str::to_owned))
        })
    }
}

fn use_page() -> CreatePage {
    expect_context::<CreatePage>()
}

#[component]
pub fn CreateServerPage() -> impl IntoView {
    let api = use_api();
    let form = use_kept(CreateForm::new);
    let page = CreatePage::new(form, Lists::load(api));
    provide_context(page);
    one_time::guard_leaving(page);

    view! {
        <section class="create-page" aria-labelledby="create-title">
            <h1 id="create-title">"Create server"</h1>
            <p class="hint">
                "The guide's procedure in one form: the server boots from a new volume made from the image."
            </p>
            <div class="create-form">
                <zone::ZoneSection />
                <flavor::FlavorSection />
                <image::ImageSection />
                <network::NetworkSection />
                <security_groups::SecurityGroupSection />
                <keypair::KeyPairSection />
                <disk::DiskSection />
                <details::DetailsSection />
                <review::ReviewSection />
                <submit::CreateButton />
            </div>
        </section>
    }
}
