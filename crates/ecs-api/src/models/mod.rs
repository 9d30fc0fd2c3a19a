//! Response models for the compute API (Nova v2.1 as ECS serves it), and for the image (Glance
//! v2) and network (Neutron v2.0) APIs where the cloud has them. Every struct ignores unknown
//! fields, accepts the number/string, null and missing variations Nova's microversions and ECS
//! produce, and serializes back with the API's field names.
//!
//! Single-resource responses come wrapped (`{"flavor": {...}}`): use the `*Body` wrappers or
//! the functions in [`crate::decode`].

mod cinder;
mod compute;
mod console;
mod glance;
mod neutron;
mod server;

pub use crate::identity;
pub use cinder::*;
pub use compute::*;
pub use console::*;
pub use glance::*;
pub use neutron::*;
pub use server::*;

use serde::{Deserialize, Serialize};

/// A link in `links` / `*_links` arrays.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Link {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub href: String,
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub rel: String,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub media_type: Option<String>,
}

/// The `href` of the first link with relation `rel`.
pub fn find_link<'a>(links: &'a [Link], rel: &str) -> Option<&'a str> {
    links
        .iter()
        .find(|link| link.rel == rel)
        .map(|link| link.href.as_str())
}

/// The `next` page link of a paginated collection, if any.
pub fn next_link(links: &[Link]) -> Option<&str> {
    find_link(links, "next")
}
