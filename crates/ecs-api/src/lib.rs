//! Typed ECS / OpenStack Nova v2.1 (+ Keystone v3, Glance v2, Neutron v2.0) API shared by the
//! ecs-console app and the ecs-sim simulator: serde models that decode every microversion shape
//! tolerantly, request bodies that serialize to the exact JSON the APIs expect, URL building,
//! error decoding, the validation rules the UI and the simulator both apply, the server status
//! model, image OS detection ([`os`]) and the rules for connecting to a server ([`connect`]).
//!
//! No I/O: everything here works on bytes and strings, so it builds for native and wasm32.

mod de;
mod name_chars;

pub mod connect;
pub mod decode;
pub mod error;
pub mod identity;
pub mod microversion;
pub mod models;
pub mod order;
pub mod os;
pub mod requests;
pub mod secret;
pub mod status;
pub mod timestamp;
pub mod units;
pub mod urls;
pub mod validate;

pub use error::{ApiError, DecodeError, ErrorKind};
pub use microversion::{CONSOLE_MICROVERSION, Microversion};
pub use secret::Secret;
