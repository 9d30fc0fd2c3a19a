//! Getting into a server: the rules behind the create form's security group field and the
//! server page's Connect section, in plain Rust shared by the console (and its tests).
//!
//! - [`security`]: a one-line summary of a group's ingress rules, and whether the chosen
//!   groups let SSH (TCP 22) or Remote Desktop (TCP 3389) in from anywhere;
//! - [`login`]: the user to log in as (from the image), the key file's name, the `ssh` command
//!   and the Remote Desktop line;
//! - [`host_keys`]: cloud-init's SSH host key fingerprints, read from the boot log;
//! - [`address`]: which address to connect to (floating first).

pub mod address;
pub mod host_keys;
pub mod login;
pub mod security;

pub use address::{AddressKind, ChosenAddress, address_to_show};
pub use host_keys::{HostKeyFingerprint, HostKeys, host_key_fingerprints};
pub use login::{
    LoginMethod, LoginSource, LoginUser, chmod_command, key_file_name, login_user, rdp_address,
    rdp_line, ssh_command,
};
pub use security::{
    PortAccess, RDP_PORT, SSH_PORT, login_port_warning, summarize_ingress, tcp_port_access,
};
