//! The gateway's link rewriter on any body: a body that is not JSON comes back as the very same
//! bytes, a JSON body stays JSON, and a rewritten URL points at the gateway. The upstreams are
//! the hosts the seed samples (../shared) link to, so the rewriting paths are reached.
#![no_main]

use std::sync::LazyLock;

use ecs_gateway::Upstream;
use ecs_gateway::fuzzing::LinkRewriter;
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "http://gateway.test:8080";

static REWRITER: LazyLock<LinkRewriter> = LazyLock::new(|| {
    let upstreams = [
        ("compute", "http://openstack.example.com/v2.1"),
        ("compute-root", "http://openstack.example.com"),
        ("image", "http://glance.openstack.example.com"),
        ("identity", "http://127.0.0.1:45839/v3"),
        ("network", "http://23.253.228.211:9696/v2.0/"),
        ("servers", "https://servers.api.openstack.org/v2.1"),
    ]
    .map(|(name, url)| Upstream::new(name, url).expect("a valid upstream"));
    LinkRewriter::new(&upstreams)
});

fuzz_target!(|data: &[u8]| {
    let rewritten = REWRITER.rewrite_json_body(data, ORIGIN);
    match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(_) => {
            serde_json::from_slice::<serde_json::Value>(&rewritten)
                .expect("a rewritten JSON body is JSON");
        }
        Err(_) => assert_eq!(
            &rewritten[..],
            data,
            "a body that is not JSON is relayed as it is"
        ),
    }
    if let Ok(url) = std::str::from_utf8(data)
        && let Some(proxied) = REWRITER.rewrite_url(url, ORIGIN)
    {
        assert!(
            proxied.starts_with(&format!("{ORIGIN}/proxy/")),
            "{proxied}"
        );
    }
});
