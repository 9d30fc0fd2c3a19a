//! Inputs the fuzz targets in fuzz/ found failing (scripts/fuzz), kept as stable tests.

use ecs_gateway::Upstream;
use ecs_gateway::fuzzing::{LinkRewriter, StaticFiles, framing_verdicts, scan_json_strings};

fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok()
}

/// gateway_json_scan: the scanner took numbers beyond f64's range and lone UTF-16 surrogate
/// escapes for JSON, which serde_json refuses.
#[test]
fn the_scan_refuses_what_serde_json_refuses() {
    let too_many_digits = format!("1{}", "0".repeat(309));
    let many_digits = format!("1{}", "0".repeat(300));
    let found: [&[u8]; 9] = [
        b"{\n    \"links\": [\n    5E548]\n}\n",
        b"1e400",
        b"-1E+309",
        too_many_digits.as_bytes(),
        br#""\ud800""#,
        br#""\udc00""#,
        br#""\ud800\u0041""#,
        br#""\uDBFF x""#,
        br#"{"a": "\ud83d\ud83d"}"#,
    ];
    for body in found {
        assert!(!is_json(body), "{}", String::from_utf8_lossy(body));
        assert!(
            scan_json_strings(body).is_none(),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let still_json: [&[u8]; 6] = [
        b"1e308",
        b"-1.7976931348623157e308",
        b"1e-400",
        many_digits.as_bytes(),
        br#""\ud83d\ude00 \u00e9 \uffff""#,
        br#"{"a": "\uD83D\uDE00"}"#,
    ];
    for body in still_json {
        assert!(is_json(body), "{}", String::from_utf8_lossy(body));
        assert!(
            scan_json_strings(body).is_some(),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

/// gateway_rewrite: a body serde_json refuses is relayed as the very same bytes, links and all.
#[test]
fn bodies_that_are_not_json_keep_their_links() {
    let upstream = Upstream::new("compute", "http://127.0.0.1:9000/compute").expect("an upstream");
    let rewriter = LinkRewriter::new(&[upstream]);
    let link = r#"{"links": [{"href": "http://127.0.0.1:9000/compute/v2.1"}]"#;
    let valid = format!("{link}}}");
    let rewritten = rewriter.rewrite_json_body(valid.as_bytes(), "http://gw");
    assert_eq!(
        &rewritten[..],
        br#"{"links": [{"href": "http://gw/proxy/compute/v2.1"}]}"#
    );
    for tail in [r#", "n": 5E548}"#, r#", "s": "\ud800"}"#] {
        let body = format!("{link}{tail}");
        assert_eq!(
            &rewriter.rewrite_json_body(body.as_bytes(), "http://gw")[..],
            body.as_bytes()
        );
    }
}

/// gateway_static: a request target in authority form (`GET GET HTTP/1.1`, which hyper parses
/// as a host) reached the file service, which answered 500; the guard answers it with 400 first,
/// as the router runs it before every route.
#[test]
fn an_authority_form_target_is_refused_before_the_files() {
    let dist = std::env::temp_dir().join(format!(
        "ecs-gateway-fuzz-regression-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dist).expect("a dist folder");
    std::fs::write(dist.join("index.html"), "<!doctype html><title>app</title>")
        .expect("index.html");
    let files = StaticFiles::new(&dist).expect("the dist folder opens");
    let refused = files.get(b"GET", b"GET", &[]).expect("an HTTP request");
    let served = files.get(b"GET", b"/", &[]).expect("an HTTP request");
    std::fs::remove_dir_all(&dist).expect("the dist folder is removed");
    assert_eq!(refused.status, 400);
    assert_eq!(served.status, 200);
}

/// gateway_static: a path with an encoded NUL (`/s-4%002.ppppppp`) or a name over 255 bytes made
/// ServeDir fail to open the file and answer 500; no file has such a name: 404, as for any
/// missing file. A client route (no extension) of any length still gets the app.
#[test]
fn names_no_file_can_have_are_no_such_file() {
    let dist = std::env::temp_dir().join(format!("ecs-gateway-fuzz-nul-{}", std::process::id()));
    std::fs::create_dir_all(&dist).expect("a dist folder");
    std::fs::write(dist.join("index.html"), "<!doctype html><title>app</title>")
        .expect("index.html");
    let files = StaticFiles::new(&dist).expect("the dist folder opens");
    let accept: [(&[u8], &[u8]); 1] = [(b"accept-encoding", b"identity;q=0~, gzip")];
    let long_name = format!("/app-0123456789ab,def.{}js99", ",".repeat(250));
    let long_path = format!("/{}.js", "a/".repeat(2100));
    let long_route = format!("/servers/{}", "a".repeat(300));
    let answers: Vec<u16> = [
        (&b"HEAD"[..], &b"/s-4%002.ppppppp"[..], &accept[..]),
        (b"GET", b"/s-4%002.ppppppp", &[]),
        (b"GET", b"/index.html%00", &accept),
        (b"GET", b"/%00/index.html", &[]),
        (b"GET", long_name.as_bytes(), &[]),
        (b"GET", long_path.as_bytes(), &accept),
        (b"GET", long_route.as_bytes(), &[]),
    ]
    .into_iter()
    .map(|(method, target, headers)| {
        files
            .get(method, target, headers)
            .expect("an HTTP request")
            .status
    })
    .collect();
    std::fs::remove_dir_all(&dist).expect("the dist folder is removed");
    assert_eq!(answers, [404, 404, 404, 404, 404, 404, 200]);
}

/// gateway_framing: the watcher knew only CRLF CRLF as a head's end, but hyper takes bare LFs
/// too, so the request after such a head went unjudged (found as a crash of the target).
#[test]
fn a_head_ended_by_bare_line_feeds_does_not_hide_the_next_request() {
    let next = b"POST /x HTTP/1.1\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc";
    for first in [
        &b"GET / HTTP/1.1\nHost: g\n\n"[..],
        b"GET / HTTP/1.1\r\nHost: g\n\r\n",
        b"GET /L HTTP/1.1\r\nHost: g\xff\xff\n\r\n",
    ] {
        let stream = [first, next].concat();
        for piece in [1, 2, 3, stream.len()] {
            let verdicts = framing_verdicts(&stream, piece, 2);
            assert_eq!(verdicts[0], None, "{first:?} in pieces of {piece}");
            assert!(verdicts[1].is_some(), "{first:?} in pieces of {piece}");
        }
    }
}
