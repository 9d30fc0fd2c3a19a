//! Error bodies, Keystone tokens and the decode tool's dispatch.

use ecs_api::decode::{DecodeKind, decode_kind, decode_named};
use ecs_api::error::{ApiError, ErrorKind};
use ecs_api::identity::Token;

const TOKEN_ID: &str = "gAAAAABk-secret-token";

fn token_fixture() -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/keystone/token-response.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn nova_faults() {
    let conflict = ApiError::from_response(
        409,
        br#"{"conflictingRequest": {"code": 409, "message": "Cannot 'os-stop' instance abc while it is in vm_state stopped"}}"#,
    );
    assert_eq!(
        (conflict.kind, conflict.fault.as_deref()),
        (ErrorKind::Conflict, Some("conflictingRequest"))
    );
    assert!(conflict.message.starts_with("Cannot 'os-stop'"));
    assert!(!conflict.is_retryable());
    assert_eq!(
        conflict.to_string(),
        format!("{} (HTTP 409)", conflict.message)
    );

    let forbidden = ApiError::from_response(
        403,
        br#"{"forbidden": {"code": 403, "message": "Quota exceeded, too many key pairs."}}"#,
    );
    assert_eq!(
        (forbidden.kind, forbidden.message.as_str()),
        (ErrorKind::Forbidden, "Quota exceeded, too many key pairs.")
    );

    let compute = ApiError::from_response(
        500,
        br#"{"computeFault": {"code": 500, "message": "Unexpected API Error."}}"#,
    );
    assert_eq!(
        (compute.kind, compute.is_retryable()),
        (ErrorKind::ServerError, false)
    );

    let over = ApiError::from_response(
        429,
        br#"{"overLimit": {"code": 429, "message": "slow down", "retryAfter": 30}}"#,
    );
    assert_eq!((over.retry_after, over.is_retryable()), (Some(30), true));
    let header_only = ApiError::from_response_with_retry_after(503, b"", Some(" 7 "));
    assert_eq!(
        (
            header_only.retry_after,
            header_only.kind,
            header_only.is_retryable()
        ),
        (Some(7), ErrorKind::ServiceUnavailable, true)
    );

    let unavailable = ApiError::from_response(
        503,
        br#"{"serviceUnavailable": {"code": 503, "message": "try later"}}"#,
    );
    assert!(unavailable.is_retryable());
}

#[test]
fn keystone_errors() {
    let unauthorized = ApiError::from_response(
        401,
        br#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#,
    );
    assert_eq!(unauthorized.kind, ErrorKind::Unauthorized);
    assert_eq!(
        unauthorized.message,
        "The request you have made requires authentication."
    );
    assert_eq!(unauthorized.fault.as_deref(), Some("Unauthorized"));
    assert!(unauthorized.needs_reauthentication() && !unauthorized.is_retryable());
}

#[test]
fn non_json_bodies_get_a_clear_message() {
    let html = ApiError::from_response(
        502,
        b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>",
    );
    assert_eq!(
        (html.kind, html.fault.clone()),
        (ErrorKind::BadGateway, None)
    );
    assert!(
        html.message.contains("HTML page") && html.message.contains("\"502 Bad Gateway\""),
        "{}",
        html.message
    );
    assert!(html.is_retryable());

    let empty = ApiError::from_response(503, b"  \n");
    assert_eq!(
        empty.message,
        "HTTP 503 Service Unavailable with an empty response body"
    );

    let text = ApiError::from_response(404, b"404 page not found\n");
    assert_eq!(text.message, "HTTP 404 Not Found: 404 page not found");

    let long = ApiError::from_response(400, "x".repeat(5000).as_bytes());
    assert!(long.message.chars().count() < 260, "long bodies are cut");

    let binary = ApiError::from_response(500, &[0xff, 0xfe, 0x00, 0x41]);
    assert!(
        binary
            .message
            .starts_with("HTTP 500 Internal Server Error: ")
    );

    // JSON, but not an error document.
    let other_json = ApiError::from_response(400, br#"{"weird": 1}"#);
    assert_eq!(other_json.fault, None);
    assert!(other_json.message.contains("weird"));

    let network = ApiError::network("connection refused");
    assert_eq!(
        (network.status, network.kind, network.is_retryable()),
        (0, ErrorKind::Network, true)
    );
}

#[test]
fn token_from_header_and_body() {
    let token = Token::from_response(Some(TOKEN_ID), &token_fixture()).unwrap();
    assert_eq!(token.id.expose(), TOKEN_ID);
    assert!(
        !format!("{token:?}").contains(TOKEN_ID),
        "the token id must not reach logs"
    );
    assert_eq!(token.body.user.name, "demo");
    assert_eq!(
        token.project().map(|project| project.name.as_str()),
        Some("demo")
    );
    assert_eq!(
        token
            .body
            .roles
            .iter()
            .map(|role| role.name.as_str())
            .collect::<Vec<_>>(),
        ["member", "reader"]
    );
    assert_eq!(
        token.compute_endpoint(None),
        Some("https://ecs.eu-west-0.example.com/v2.1/74610f3a5ad941998e91f076297ecf27")
    );
    assert_eq!(
        token.compute_endpoint(Some("ap-southeast-1")),
        Some("https://ecs.ap-southeast-1.example.com/v2.1/$(tenant_id)s")
    );
    assert_eq!(token.compute_endpoint(Some("nowhere")), None);
    assert_eq!(token.compute_regions(), ["eu-west-0", "ap-southeast-1"]);

    let expiry = token.expires_at_unix().unwrap();
    assert_eq!(expiry, 1_795_788_000);
    assert!(!token.is_expired(expiry - 3600, 60));
    assert!(
        token.is_expired(expiry - 30, 60),
        "inside the safety margin"
    );
    assert!(token.is_expired(expiry + 1, 0));

    // The catalog template resolves through ComputeEndpoint.
    let compute = ecs_api::urls::ComputeEndpoint::new(
        token.compute_endpoint(Some("ap-southeast-1")).unwrap(),
        "p9",
    )
    .unwrap();
    assert_eq!(
        compute.limits(),
        "https://ecs.ap-southeast-1.example.com/v2.1/p9/limits"
    );
}

#[test]
fn token_errors() {
    let missing = Token::from_response(None, &token_fixture()).unwrap_err();
    assert!(missing.to_string().contains("X-Subject-Token"), "{missing}");
    assert!(Token::from_response(Some("  "), &token_fixture()).is_err());
    assert!(Token::from_response(Some(TOKEN_ID), b"<html>").is_err());
    let unreadable =
        Token::from_response(Some(TOKEN_ID), br#"{"token": {"expires_at": "soon"}}"#).unwrap();
    assert!(
        unreadable.is_expired(0, 0),
        "an unreadable expiry counts as expired"
    );
}

#[test]
fn decode_tool_dispatch() {
    for kind in DecodeKind::ALL {
        assert_eq!(kind.name().parse::<DecodeKind>().unwrap(), kind);
    }
    let unknown = decode_named("servres", b"{}").unwrap_err().to_string();
    assert!(
        unknown.contains("unknown kind \"servres\"") && unknown.contains("server-created"),
        "{unknown}"
    );

    let token = decode_kind(DecodeKind::Token, &token_fixture()).unwrap();
    assert_eq!(
        token["token"]["project"]["id"],
        "74610f3a5ad941998e91f076297ecf27"
    );

    let fault = decode_kind(
        DecodeKind::Fault,
        br#"{"itemNotFound": {"code": 404, "message": "Flavor x could not be found."}}"#,
    )
    .unwrap();
    assert_eq!(
        (
            fault["status"].as_u64(),
            fault["kind"].as_str(),
            fault["fault"].as_str()
        ),
        (Some(404), Some("not_found"), Some("itemNotFound"))
    );
    assert!(decode_kind(DecodeKind::Fault, br#"{"servers": []}"#).is_err());
    assert!(decode_kind(DecodeKind::Fault, b"<html>").is_err());

    // Wrong document for the kind: a clear one-line error, not an empty success.
    let wrong = decode_kind(
        DecodeKind::Servers,
        br#"{"badRequest": {"code": 400, "message": "x"}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        wrong.starts_with("cannot decode the servers response: missing field `servers`"),
        "{wrong}"
    );
    assert!(!wrong.contains('\n'));

    let image_less = decode_kind(DecodeKind::Server, br#"{"server": {"id": "s1", "image": "", "status": "BUILD", "OS-EXT-STS:task_state": "spawning"}}"#).unwrap();
    assert_eq!(
        (
            image_less["server"]["image"].as_str(),
            image_less["server"]["status"].as_str()
        ),
        (Some(""), Some("BUILD"))
    );

    let created = decode_kind(DecodeKind::KeyPair, br#"{"keypair": {"name": "k", "fingerprint": "f", "public_key": "p", "private_key": "PRIV"}}"#).unwrap();
    assert_eq!(created["keypair"]["private_key"], "PRIV");
    let shown = decode_kind(
        DecodeKind::KeyPair,
        br#"{"keypair": {"name": "k", "fingerprint": "f", "public_key": "p", "id": 3}}"#,
    )
    .unwrap();
    assert_eq!(
        (
            shown["keypair"]["id"].as_u64(),
            shown["keypair"].get("private_key")
        ),
        (Some(3), None)
    );
}

#[test]
fn every_kind_decodes_a_nova_sample() {
    let reference = nova_ref::reference();
    for (kind, sample) in [
        (
            DecodeKind::Versions,
            "responses/versions/versions-get-resp.json",
        ),
        (
            DecodeKind::AvailabilityZones,
            "responses/os-availability-zone/availability-zone-list-resp.json",
        ),
        (
            DecodeKind::Flavors,
            "responses/flavors/flavors-detail-resp-v2.75.json",
        ),
        (DecodeKind::Flavor, "responses/flavors/flavor-get-resp.json"),
        (
            DecodeKind::Images,
            "responses/images/images-details-get-resp.json",
        ),
        (DecodeKind::Image, "responses/images/image-get-resp.json"),
        (
            DecodeKind::Networks,
            "responses/os-networks/networks-list-resp.json",
        ),
        (
            DecodeKind::KeyPairs,
            "responses/os-keypairs/keypairs-list-resp-v2.35.json",
        ),
        (
            DecodeKind::KeyPair,
            "responses/os-keypairs/keypairs-post-resp-v2.2.json",
        ),
        (
            DecodeKind::ServerCreated,
            "responses/servers/server-create-resp-v2.67.json",
        ),
        (
            DecodeKind::Server,
            "responses/servers/server-get-resp-v2.63.json",
        ),
        (
            DecodeKind::Servers,
            "responses/servers/servers-details-resp-v2.63.json",
        ),
        (
            DecodeKind::Limits,
            "responses/limits/limit-get-resp-v2.57.json",
        ),
        (
            DecodeKind::Fault,
            "responses/errors/fault-overLimit-413-unittest.json",
        ),
    ] {
        let value = decode_kind(kind, &reference.bytes(sample))
            .unwrap_or_else(|err| panic!("{sample}: {err}"));
        assert!(value.is_object(), "{sample}");
    }
}
