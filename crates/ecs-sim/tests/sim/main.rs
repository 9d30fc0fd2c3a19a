//! Integration tests of the simulator over loopback HTTP (one binary, shared helpers).

mod actions;
mod cinder;
mod common;
mod console;
mod cors;
mod day_two;
mod differential;
mod errors;
mod glance;
mod guest;
mod identity;
mod keypairs;
mod keypairs_page;
mod knobs;
mod lifecycle;
mod listing;
mod load;
mod neutron;
mod read_faults;
mod requests;
mod schemas;
mod security_groups;
mod server_list;
mod server_states;
mod services;
