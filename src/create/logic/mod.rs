//! The create form's logic as plain Rust (no browser), unit-tested natively: one module per job,
//! too many to share one `logic.rs`.

pub mod curl;
pub mod disk;
pub mod fields;
pub mod flavors;
pub mod images;
pub mod keyfile;
pub mod leaving;
pub mod listing;
pub mod metadata;
pub mod names;
pub mod numbers;
pub mod quota;
pub mod request;
pub mod review;
pub mod security_groups;
#[cfg(test)]
mod test_data;
pub mod zones;
