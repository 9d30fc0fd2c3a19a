//! Every shape of error body the clouds of this family send (Nova, Cinder, Keystone, Neutron,
//! Glance, Huawei ECS and its API gateway, a proxy's HTML or text page): which shape is
//! recognised, the message and fault or code shown, the status and kind. Then hostile bodies
//! (non-object JSON, nested nulls, huge and invalid UTF-8 bodies): a clear error, never a panic.
//! Nova's own fault samples come from `../shared/nova-api` (missing data fails the test).

use std::collections::HashSet;

use ecs_api::decode::{DecodeKind, decode_kind};
use ecs_api::error::{ApiError, ErrorKind, ErrorShape};
use proptest::prelude::*;

/// One error response and what the console must make of it.
struct Case {
    what: &'static str,
    status: u16,
    body: &'static [u8],
    shape: ErrorShape,
    /// The message shown, exactly.
    message: &'static str,
    fault: Option<&'static str>,
    kind: ErrorKind,
    retry_after: Option<u64>,
}

const CASES: &[Case] = &[
    Case {
        what: "Nova badRequest (Nova's unit-test body)",
        status: 400,
        body: br#"{"badRequest": {"message": "scram", "code": 400}}"#,
        shape: ErrorShape::OpenstackFault,
        message: "scram",
        fault: Some("badRequest"),
        kind: ErrorKind::BadRequest,
        retry_after: None,
    },
    Case {
        what: "Nova computeFault for an unexpected error",
        status: 500,
        body: br#"{"computeFault": {"code": 500, "message": "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'nova.exception.Invalid'>"}}"#,
        shape: ErrorShape::OpenstackFault,
        message: "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'nova.exception.Invalid'>",
        fault: Some("computeFault"),
        kind: ErrorKind::ServerError,
        retry_after: None,
    },
    Case {
        what: "Nova overLimit with retryAfter as text",
        status: 413,
        body: br#"{"overLimit": {"message": "sorry", "code": 413, "retryAfter": "4"}}"#,
        shape: ErrorShape::OpenstackFault,
        message: "sorry",
        fault: Some("overLimit"),
        kind: ErrorKind::OverLimit,
        retry_after: Some(4),
    },
    Case {
        what: "Nova conflictingRequest",
        status: 409,
        body: br#"{"conflictingRequest": {"code": 409, "message": "Cannot 'os-stop' instance 7d1b while it is in vm_state stopped"}}"#,
        shape: ErrorShape::OpenstackFault,
        message: "Cannot 'os-stop' instance 7d1b while it is in vm_state stopped",
        fault: Some("conflictingRequest"),
        kind: ErrorKind::Conflict,
        retry_after: None,
    },
    Case {
        what: "Cinder itemNotFound (same shape as Nova's)",
        status: 404,
        body: br#"{"itemNotFound": {"message": "Volume 5aa119a8-d25b-45a7-8d1b-88e127885635 could not be found.", "code": 404}}"#,
        shape: ErrorShape::OpenstackFault,
        message: "Volume 5aa119a8-d25b-45a7-8d1b-88e127885635 could not be found.",
        fault: Some("itemNotFound"),
        kind: ErrorKind::NotFound,
        retry_after: None,
    },
    Case {
        what: "Cinder overLimit on the gigabytes quota",
        status: 413,
        body: br#"{"overLimit": {"message": "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 10G, quota is 1000G and 995G has been consumed.", "code": 413, "retryAfter": "0"}}"#,
        shape: ErrorShape::OpenstackFault,
        message: "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 10G, quota is 1000G and 995G has been consumed.",
        fault: Some("overLimit"),
        kind: ErrorKind::OverLimit,
        retry_after: Some(0),
    },
    Case {
        what: "Keystone (and keystonemiddleware's) 401",
        status: 401,
        body: br#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#,
        shape: ErrorShape::KeystoneError,
        message: "The request you have made requires authentication.",
        fault: Some("Unauthorized"),
        kind: ErrorKind::Unauthorized,
        retry_after: None,
    },
    Case {
        what: "Keystone 404 for an unknown project",
        status: 404,
        body: br#"{"error": {"code": 404, "title": "Not Found", "message": "Could not find project: demo."}}"#,
        shape: ErrorShape::KeystoneError,
        message: "Could not find project: demo.",
        fault: Some("Not Found"),
        kind: ErrorKind::NotFound,
        retry_after: None,
    },
    Case {
        what: "Keystone error with only a title",
        status: 403,
        body: br#"{"error": {"code": 403, "title": "Forbidden", "message": ""}}"#,
        shape: ErrorShape::KeystoneError,
        message: "Forbidden",
        fault: Some("Forbidden"),
        kind: ErrorKind::Forbidden,
        retry_after: None,
    },
    Case {
        what: "Huawei ECS error: a string code kept as the code, not read as the status",
        status: 400,
        body: br#"{"error": {"code": "Ecs.0605", "message": "The operation is not allowed in the current state of the server."}}"#,
        shape: ErrorShape::HuaweiError,
        message: "The operation is not allowed in the current state of the server.",
        fault: Some("Ecs.0605"),
        kind: ErrorKind::BadRequest,
        retry_after: None,
    },
    Case {
        what: "Huawei ECS error with no message",
        status: 409,
        body: br#"{"error": {"code": "Ecs.0005", "message": null}}"#,
        shape: ErrorShape::HuaweiError,
        message: "HTTP 409 Conflict (Ecs.0005)",
        fault: Some("Ecs.0005"),
        kind: ErrorKind::Conflict,
        retry_after: None,
    },
    Case {
        what: "Huawei API gateway error with its request id",
        status: 401,
        body: br#"{"error_msg": "Incorrect IAM authentication information: decrypt token fail", "error_code": "APIGW.0301", "request_id": "9a1c2f3e4d5b"}"#,
        shape: ErrorShape::HuaweiFlatError,
        message: "Incorrect IAM authentication information: decrypt token fail (request ID 9a1c2f3e4d5b)",
        fault: Some("APIGW.0301"),
        kind: ErrorKind::Unauthorized,
        retry_after: None,
    },
    Case {
        what: "a Huawei service in the gateway's format, no request id",
        status: 404,
        body: br#"{"error_code": "Ecs.0114", "error_msg": "flavor not found"}"#,
        shape: ErrorShape::HuaweiFlatError,
        message: "flavor not found",
        fault: Some("Ecs.0114"),
        kind: ErrorKind::NotFound,
        retry_after: None,
    },
    Case {
        what: "Neutron: the fault is its type",
        status: 404,
        body: br#"{"NeutronError": {"type": "NetworkNotFound", "message": "Network 9c1b2a7e could not be found.", "detail": ""}}"#,
        shape: ErrorShape::NeutronError,
        message: "Network 9c1b2a7e could not be found.",
        fault: Some("NetworkNotFound"),
        kind: ErrorKind::NotFound,
        retry_after: None,
    },
    Case {
        what: "Neutron without a type",
        status: 409,
        body: br#"{"NeutronError": {"type": "", "message": "In use.", "detail": ""}}"#,
        shape: ErrorShape::NeutronError,
        message: "In use.",
        fault: Some("NeutronError"),
        kind: ErrorKind::Conflict,
        retry_after: None,
    },
    Case {
        what: "Glance (webob JSON) with its <br /> breaks",
        status: 404,
        body: br#"{"message": "No image found with ID 1bea47ed<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}"#,
        shape: ErrorShape::GlanceError,
        message: "No image found with ID 1bea47ed",
        fault: Some("Not Found"),
        kind: ErrorKind::NotFound,
        retry_after: None,
    },
    Case {
        what: "Glance (webob) HTML page",
        status: 404,
        body: b"<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>",
        shape: ErrorShape::HtmlPage,
        message: "HTTP 404 Not Found: the server answered with an HTML page instead of an API error (usually a proxy, load balancer or wrong endpoint URL): \"404 Not Found\"",
        fault: None,
        kind: ErrorKind::NotFound,
        retry_after: None,
    },
    Case {
        what: "a proxy's HTML page",
        status: 502,
        body: b"<!DOCTYPE html>\n<html><head><TITLE> 502  Bad Gateway </TITLE></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
        shape: ErrorShape::HtmlPage,
        message: "HTTP 502 Bad Gateway: the server answered with an HTML page instead of an API error (usually a proxy, load balancer or wrong endpoint URL): \"502 Bad Gateway\"",
        fault: None,
        kind: ErrorKind::BadGateway,
        retry_after: None,
    },
    Case {
        what: "an HTML page without a title",
        status: 503,
        body: b"<html><body>down for maintenance</body></html>",
        shape: ErrorShape::HtmlPage,
        message: "HTTP 503 Service Unavailable: the server answered with an HTML page instead of an API error (usually a proxy, load balancer or wrong endpoint URL)",
        fault: None,
        kind: ErrorKind::ServiceUnavailable,
        retry_after: None,
    },
    Case {
        what: "plain text from a proxy",
        status: 504,
        body: b"upstream request timeout\n",
        shape: ErrorShape::PlainText,
        message: "HTTP 504 Gateway Timeout: upstream request timeout",
        fault: None,
        kind: ErrorKind::GatewayTimeout,
        retry_after: None,
    },
    Case {
        what: "an empty body",
        status: 503,
        body: b" \r\n",
        shape: ErrorShape::Empty,
        message: "HTTP 503 Service Unavailable with an empty response body",
        fault: None,
        kind: ErrorKind::ServiceUnavailable,
        retry_after: None,
    },
    Case {
        what: "JSON in no known shape",
        status: 400,
        body: br#"{"weird": 1}"#,
        shape: ErrorShape::OtherJson,
        message: r#"HTTP 400 Bad Request: {"weird": 1}"#,
        fault: None,
        kind: ErrorKind::BadRequest,
        retry_after: None,
    },
];

fn check(case: &Case, error: &ApiError, shape: ErrorShape) {
    let what = case.what;
    assert_eq!(shape, case.shape, "{what}: shape");
    assert_eq!(error.message, case.message, "{what}: message");
    assert_eq!(error.fault.as_deref(), case.fault, "{what}: fault");
    assert_eq!(error.status, case.status, "{what}: status");
    assert_eq!(error.kind, case.kind, "{what}: kind");
    assert_eq!(error.retry_after, case.retry_after, "{what}: retry_after");
}

#[test]
fn every_shape_shows_the_clouds_own_message() {
    for case in CASES {
        let recognised = ApiError::recognise(case.status, case.body);
        check(case, &recognised.error, recognised.shape);
        assert_eq!(
            ApiError::from_response(case.status, case.body),
            recognised.error,
            "{}: from_response is recognise's error",
            case.what
        );
    }
    let covered: HashSet<ErrorShape> = CASES.iter().map(|case| case.shape).collect();
    assert_eq!(
        covered,
        ErrorShape::ALL.into_iter().collect(),
        "every shape has a case"
    );
}

#[test]
fn shape_names_are_unique_snake_case_and_serialized() {
    let names: HashSet<&str> = ErrorShape::ALL.map(ErrorShape::name).into_iter().collect();
    assert_eq!(names.len(), ErrorShape::ALL.len());
    for shape in ErrorShape::ALL {
        let name = shape.name();
        assert!(
            name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{name}"
        );
        assert_eq!(serde_json::to_value(shape).unwrap(), name);
    }
}

#[test]
fn novas_fault_samples_are_openstack_faults() {
    let reference = nova_ref::reference();
    let samples = reference.list("responses/errors");
    assert_eq!(samples.len(), 6, "Nova's fault samples");
    for path in samples {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let status: u16 = name.split('-').nth(2).unwrap().parse().unwrap();
        let recognised = ApiError::recognise(status, &std::fs::read(&path).unwrap());
        assert_eq!(recognised.shape, ErrorShape::OpenstackFault, "{name}");
        let fault = name.split('-').nth(1).unwrap();
        assert_eq!(recognised.error.fault.as_deref(), Some(fault), "{name}");
    }
}

/// The decode tool's `fault` kind: an error document prints its shape; anything else is an
/// error that names its shape and what the console would show.
#[test]
fn the_decode_tool_names_the_shape() {
    for case in CASES {
        match decode_kind(DecodeKind::Fault, case.body) {
            Ok(value) => {
                assert_eq!(value["shape"], case.shape.name(), "{}", case.what);
                // The tool does not know the status: a message naming it may differ.
                let unknown_status = ApiError::from_response(0, case.body);
                assert_eq!(value["message"], unknown_status.message, "{}", case.what);
                assert_eq!(value["fault"].as_str(), case.fault, "{}", case.what);
            }
            Err(err) => {
                let err = err.to_string();
                assert!(
                    matches!(
                        case.shape,
                        ErrorShape::HtmlPage
                            | ErrorShape::PlainText
                            | ErrorShape::Empty
                            | ErrorShape::OtherJson
                    ),
                    "{}: {err}",
                    case.what
                );
                assert!(
                    err.contains(&format!("(shape {})", case.shape.name())),
                    "{}: {err}",
                    case.what
                );
            }
        }
    }
    // The status is unknown to the tool: the body's numeric code stands for it, a Huawei code
    // never does.
    let nova = decode_kind(
        DecodeKind::Fault,
        br#"{"itemNotFound": {"code": 404, "message": "x"}}"#,
    )
    .unwrap();
    assert_eq!(
        (nova["status"].as_u64(), nova["kind"].as_str()),
        (Some(404), Some("not_found"))
    );
    let huawei = decode_kind(
        DecodeKind::Fault,
        br#"{"error": {"code": "Ecs.0605", "message": "x"}}"#,
    )
    .unwrap();
    assert_eq!(
        (huawei["status"].as_u64(), huawei["fault"].as_str()),
        (Some(0), Some("Ecs.0605"))
    );
    let page = decode_kind(DecodeKind::Fault, b"<html><title>Bad</title></html>")
        .unwrap_err()
        .to_string();
    assert!(
        page.contains("an HTML page (shape html_page)") && page.contains("\"Bad\""),
        "{page}"
    );
}

/// How the app's error notice reads each shape: "HTTP 400 (Ecs.0605)" above the cloud's own
/// words, and `Display` for logs and the activity panel.
#[test]
fn the_display_reads_well_for_each_shape() {
    let huawei = ApiError::from_response(
        400,
        br#"{"error": {"code": "Ecs.0605", "message": "Not allowed now."}}"#,
    );
    assert_eq!(huawei.to_string(), "Not allowed now. (HTTP 400)");
    let gateway = ApiError::from_response(
        401,
        br#"{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: decrypt token fail"}"#,
    );
    assert!(gateway.needs_reauthentication());
    assert_eq!(
        gateway.to_string(),
        "Incorrect IAM authentication information: decrypt token fail (HTTP 401)"
    );
}

// ---------------------------------------------------------------- hostile bodies

/// Never a panic, never an empty message, never a fault made up from nothing.
fn assert_clear(what: &str, status: u16, body: &[u8], shape: ErrorShape) -> ApiError {
    let recognised = ApiError::recognise(status, body);
    assert_eq!(recognised.shape, shape, "{what}");
    assert!(!recognised.error.message.trim().is_empty(), "{what}");
    recognised.error
}

#[test]
fn non_object_json_is_other_json() {
    for body in [
        &b"[]"[..],
        b"[{\"badRequest\": {\"message\": \"x\"}}]",
        b"\"oops\"",
        b"42",
        b"null",
        b"true",
    ] {
        let error = assert_clear(
            &String::from_utf8_lossy(body),
            400,
            body,
            ErrorShape::OtherJson,
        );
        assert_eq!(error.fault, None);
        assert!(
            error.message.starts_with("HTTP 400 Bad Request: "),
            "{}",
            error.message
        );
    }
}

#[test]
fn nested_nulls_are_no_shape_they_do_not_fill() {
    for body in [
        &br#"{"error": null}"#[..],
        br#"{"NeutronError": null}"#,
        br#"{"NeutronError": {"type": null, "message": null}}"#,
        br#"{"badRequest": null}"#,
        br#"{"badRequest": {"message": null, "code": null}}"#,
        br#"{"error": {"code": null, "message": null, "title": null}}"#,
        br#"{"error_code": null, "error_msg": null}"#,
        br#"{"message": null, "title": null, "code": null}"#,
    ] {
        let error = assert_clear(
            &String::from_utf8_lossy(body),
            500,
            body,
            ErrorShape::OtherJson,
        );
        assert_eq!(error.fault, None, "{}", String::from_utf8_lossy(body));
    }
    let fault = assert_clear(
        "null code and retryAfter",
        404,
        br#"{"itemNotFound": {"message": "gone", "code": null, "retryAfter": null}}"#,
        ErrorShape::OpenstackFault,
    );
    assert_eq!((fault.message.as_str(), fault.retry_after), ("gone", None));
    let keystone = assert_clear(
        "null message, a title",
        401,
        br#"{"error": {"code": 401, "title": "Unauthorized", "message": null}}"#,
        ErrorShape::KeystoneError,
    );
    assert_eq!(keystone.message, "Unauthorized");
    let gateway = assert_clear(
        "a gateway error with a blank message",
        429,
        br#"{"error_code": "APIGW.0308", "error_msg": " ", "request_id": "r1"}"#,
        ErrorShape::HuaweiFlatError,
    );
    assert_eq!(gateway.message, "HTTP 429 Too Many Requests (APIGW.0308)");
}

#[test]
fn odd_codes_never_become_a_status() {
    for (body, status) in [
        (
            &br#"{"badRequest": {"code": 99999, "message": "x"}}"#[..],
            0,
        ),
        (br#"{"badRequest": {"code": -1, "message": "x"}}"#, 0),
        (br#"{"badRequest": {"code": "400", "message": "x"}}"#, 400),
        (br#"{"error": {"code": "Ecs.0605", "message": "x"}}"#, 0),
        (
            br#"{"error": {"code": "401", "title": "Unauthorized", "message": "x"}}"#,
            401,
        ),
        (br#"{"error_code": "APIGW.0301", "error_msg": "x"}"#, 0),
    ] {
        let error = ApiError::from_response(0, body);
        assert_eq!(error.status, status, "{}", String::from_utf8_lossy(body));
    }
    // A response's own status always wins over the body's code.
    assert_eq!(
        ApiError::from_response(503, br#"{"badRequest": {"code": 400, "message": "x"}}"#).status,
        503
    );
}

#[test]
fn huge_bodies_give_short_messages() {
    let mut page = b"<html><head><title>Gateway Timeout</title></head><body>".to_vec();
    page.extend(std::iter::repeat_n(b'x', 8 << 20));
    page.extend(b"</body></html>");
    let error = assert_clear("8 MiB HTML", 504, &page, ErrorShape::HtmlPage);
    assert!(
        error.message.ends_with("\"Gateway Timeout\""),
        "{}",
        error.message
    );

    let text = "y".repeat(8 << 20);
    let error = assert_clear("8 MiB text", 500, text.as_bytes(), ErrorShape::PlainText);
    assert!(error.message.chars().count() < 300);

    // Nova quotes a refused value in its message: a long one is cut, not shown whole.
    let long = format!(
        r#"{{"badRequest": {{"code": 400, "message": "Invalid input for field/attribute user_data. Value: {}"}}}}"#,
        "A".repeat(70_000)
    );
    let error = assert_clear(
        "long fault",
        400,
        long.as_bytes(),
        ErrorShape::OpenstackFault,
    );
    assert!(
        error
            .message
            .starts_with("Invalid input for field/attribute user_data.")
    );
    assert_eq!(
        error.message.chars().count(),
        2001,
        "2000 characters and an ellipsis"
    );
    assert!(error.message.ends_with('…'));

    // Nesting deeper than the JSON parser follows is not JSON: an excerpt, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let error = assert_clear("deep nesting", 400, deep.as_bytes(), ErrorShape::PlainText);
    assert!(error.message.chars().count() < 300);
}

#[test]
fn invalid_utf8_still_shows_what_it_can() {
    let mut fault = br#"{"itemNotFound": {"code": 404, "message": "Volume caf"#.to_vec();
    fault.push(0xe9); // Latin-1 'é'
    fault.extend(br#" could not be found."}}"#);
    let error = assert_clear(
        "Latin-1 in a fault",
        404,
        &fault,
        ErrorShape::OpenstackFault,
    );
    assert_eq!(error.message, "Volume caf\u{fffd} could not be found.");
    assert_eq!(error.fault.as_deref(), Some("itemNotFound"));

    let binary = assert_clear(
        "binary",
        500,
        &[0xff, 0xfe, 0x00, 0x41],
        ErrorShape::PlainText,
    );
    assert!(
        binary
            .message
            .starts_with("HTTP 500 Internal Server Error: ")
    );
    assert!(
        !binary.message.contains('\0'),
        "control characters are not shown"
    );

    let bom = assert_clear(
        "a byte order mark before the JSON",
        401,
        b"\xEF\xBB\xBF{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", \"message\": \"m\"}}",
        ErrorShape::KeystoneError,
    );
    assert_eq!(bom.message, "m");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever a Huawei code and message hold, the code is the fault shown and the status is
    /// the response's.
    #[test]
    fn huawei_codes_are_kept_as_codes(
        service in "[A-Za-z]{2,6}",
        number in "[0-9]{4}",
        message in "\\PC{1,40}",
        status in 400u16..600,
        flat in any::<bool>(),
    ) {
        let code = format!("{service}.{number}");
        let body = if flat {
            serde_json::json!({"error_code": code, "error_msg": message})
        } else {
            serde_json::json!({"error": {"code": code, "message": message}})
        };
        let recognised = ApiError::recognise(status, body.to_string().as_bytes());
        let shape = if flat { ErrorShape::HuaweiFlatError } else { ErrorShape::HuaweiError };
        prop_assert_eq!(recognised.shape, shape);
        prop_assert_eq!(recognised.error.fault.as_deref(), Some(code.as_str()));
        prop_assert_eq!(recognised.error.status, status);
        prop_assert!(!recognised.error.message.trim().is_empty());
        if !message.trim().is_empty() {
            prop_assert_eq!(recognised.error.message, message);
        }
    }

    /// A fault of any name with any message is an OpenStack fault showing that message.
    #[test]
    fn any_fault_name_is_an_openstack_fault(
        fault in "[a-zA-Z]{1,20}",
        message in "\\PC{1,40}",
        status in 400u16..600,
    ) {
        prop_assume!(!["error", "NeutronError"].contains(&fault.as_str()));
        let body = serde_json::json!({ &fault: {"code": status, "message": message} });
        let recognised = ApiError::recognise(status, body.to_string().as_bytes());
        prop_assert_eq!(recognised.shape, ErrorShape::OpenstackFault);
        prop_assert_eq!(recognised.error.fault.as_deref(), Some(fault.as_str()));
        if !message.trim().is_empty() {
            prop_assert_eq!(recognised.error.message, message);
        }
    }

    /// Arbitrary text after a known prefix (cut-short bodies, HTML fragments) never panics and
    /// always says something.
    #[test]
    fn cut_short_bodies_say_something(
        prefix in prop::sample::select(vec![
            "{\"badRequest\": {\"message\": \"",
            "{\"error\": {\"code\": \"Ecs.0605\", \"message\": ",
            "{\"error_code\": \"APIGW.0301\", \"error_msg\": \"",
            "<html><head><title>",
            "<!DOCTYPE html><body>",
            "",
        ]),
        tail in prop::collection::vec(any::<u8>(), 0..64),
        status in any::<u16>(),
    ) {
        let mut body = prefix.as_bytes().to_vec();
        body.extend(tail);
        let error = ApiError::from_response(status, &body);
        prop_assert!(!error.message.trim().is_empty());
    }
}
