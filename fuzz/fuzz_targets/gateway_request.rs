//! The checks every request to the gateway's proxy meets (request target form, Host headers,
//! header size, the `/proxy/NAME/...` path, the target URL, Content-Length, the Host echoed into
//! links) on any request. Input: a method line, a request-target line, then `name:value` header
//! lines. A request that passes is forwarded under the upstream's base URL, never elsewhere.
#![no_main]

use std::sync::LazyLock;

use ecs_gateway::Upstream;
use ecs_gateway::fuzzing::vet_request;
use libfuzzer_sys::fuzz_target;

const MAX_HEADER_BYTES: usize = 1024;

static UPSTREAM: LazyLock<Upstream> = LazyLock::new(|| {
    Upstream::new("compute", "http://127.0.0.1:9000/compute/v2.1").expect("a valid upstream")
});

fuzz_target!(|data: &[u8]| {
    let mut lines = data.split(|&byte| byte == b'\n');
    let (Some(method), Some(target)) = (lines.next(), lines.next()) else {
        return;
    };
    let headers: Vec<(&[u8], &[u8])> = lines
        .filter_map(|line| {
            let colon = line.iter().position(|&byte| byte == b':')?;
            Some((&line[..colon], &line[colon + 1..]))
        })
        .collect();
    let Some(Ok(vetted)) = vet_request(method, target, &headers, &UPSTREAM, MAX_HEADER_BYTES)
    else {
        return;
    };
    let base = UPSTREAM.url();
    let url = &vetted.url;
    assert_eq!(
        (url.scheme(), url.host(), url.port_or_known_default()),
        (base.scheme(), base.host(), base.port_or_known_default())
    );
    assert!(url.username().is_empty() && url.password().is_none());
    let under = url
        .path()
        .strip_prefix("/compute/v2.1")
        .expect("under the base path");
    assert!(under.is_empty() || under.starts_with('/'), "{url}");
    assert!(
        !under
            .split('/')
            .any(|segment| segment == ".." || segment == "."),
        "{url}"
    );
    if let Some(host) = &vetted.echoed_host {
        assert!(!host.contains(['@', '/', ' ']), "{host:?}");
    }
});
