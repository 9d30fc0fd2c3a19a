//! Integration tests of the simulator over loopback HTTP (one binary, shared helpers).

mod common;
mod console;
mod cors;
mod differential;
mod errors;
mod identity;
mod keypairs;
mod knobs;
mod lifecycle;
mod listing;
mod load;
mod requests;
mod schemas;
