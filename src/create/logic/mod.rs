//! The create form's logic as plain Rust (no browser), unit-tested natively.

pub mod curl;
pub mod flavors;
pub mod images;
pub mod keyfile;
pub mod leaving;
pub mod listing;
pub mod request;
pub mod review;
pub mod zones;
