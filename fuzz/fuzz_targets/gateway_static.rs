//! The app's files as the gateway serves them, with brotli and gzip copies chosen by
//! `Accept-Encoding` (and `Range`, conditional headers, any path). Input: a method line, a
//! request-target line, then `name:value` header lines. No request gets a 500, and a compressed
//! copy goes only to a client whose Accept-Encoding names its encoding.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use ecs_gateway::fuzzing::StaticFiles;
use libfuzzer_sys::fuzz_target;

static FILES: LazyLock<StaticFiles> = LazyLock::new(|| {
    let dist = std::env::temp_dir().join(format!("ecs-gateway-fuzz-dist-{}", std::process::id()));
    let page = "<!doctype html><title>app</title>".repeat(40);
    let script = "export function start() { return 42; }\n".repeat(60);
    let files: [(PathBuf, &[u8]); 5] = [
        (dist.join("index.html"), page.as_bytes()),
        (dist.join("app-0123456789abcdef.js"), script.as_bytes()),
        (dist.join("style.css"), b"body { color: black; }"),
        (dist.join("icons/logo.png"), b"\x89PNG\r\n\x1a\n not really"),
        (dist.join("empty.txt"), b""),
    ];
    for (path, content) in files {
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("a dist folder");
        std::fs::write(path, content).expect("a dist file");
    }
    StaticFiles::new(&dist).expect("the dist folder opens")
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
    let Some(served) = FILES.get(method, target, &headers) else {
        return;
    };
    assert_ne!(served.status, 500, "a static file request failed");
    if let Some(encoding) = &served.content_encoding {
        let encoding = encoding.to_str().expect("an ASCII Content-Encoding");
        let accepted = headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case(b"accept-encoding")
                && String::from_utf8_lossy(value)
                    .to_ascii_lowercase()
                    .contains(encoding)
        });
        assert!(accepted, "{encoding} sent without being accepted");
    }
});
