//! Integration tests of the gateway (one binary, shared helpers): the proxy against fake and TLS
//! upstreams, the image and network upstreams, the served app, the guide end to end, the log,
//! and the built `ecs-gateway` binary.

mod binary;
mod common;
mod guide_flow;
mod hostile;
mod load;
mod log_secrets;
mod panic;
mod pool;
mod proxy;
mod services;
mod static_files;
mod tls;
