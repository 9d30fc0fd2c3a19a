//! The console end to end in real headless Chromium, against the gateway and the simulator on
//! random loopback ports, and against real Keystone and Nova from PyPI (`real_openstack`; needs
//! python3 >= 3.11 and, the first time, PyPI). One binary, shared harness in `support`.
//!
//! Needs the built app (`trunk build --release --offline`, or ECS_CONSOLE_DIST) and chromedriver
//! (CHROMEDRIVER). The `measure` tests are `#[ignore]`d: `scripts/measure` runs them.
#![cfg(not(target_arch = "wasm32"))]

mod a11y;
mod connect;
mod console;
mod create;
mod create_fixes;
mod disks;
mod flaky_cloud;
mod keyboard;
mod keypairs;
mod measure;
mod real_openstack;
mod security_groups;
mod server_actions;
mod servers_list;
mod support;
mod windows_password;
