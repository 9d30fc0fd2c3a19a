//! Property tests: no input panics a decoder, built requests survive a round trip, and the
//! name rule agrees with Nova's own schema regex.

use ecs_api::decode::{DecodeKind, decode_kind};
use ecs_api::error::ApiError;
use ecs_api::identity::Token;
use ecs_api::requests::*;
use ecs_api::{Secret, timestamp, urls, validate};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just(String::new()),
            Just("0".to_owned()),
            Just("true".to_owned()),
            Just("-1".to_owned()),
            ".{0,12}".prop_map(String::from)
        ]
        .prop_map(Value::String),
    ]
}

/// Keys the models know, so generated objects reach the field decoders, not just "unknown".
const KEYS: &[&str] = &[
    "server",
    "servers",
    "flavor",
    "flavors",
    "image",
    "images",
    "networks",
    "keypair",
    "keypairs",
    "limits",
    "absolute",
    "versions",
    "version",
    "choices",
    "availabilityZoneInfo",
    "zoneState",
    "zoneName",
    "token",
    "catalog",
    "endpoints",
    "id",
    "name",
    "status",
    "OS-EXT-STS:task_state",
    "OS-EXT-STS:power_state",
    "addresses",
    "metadata",
    "links",
    "href",
    "rel",
    "created",
    "fault",
    "message",
    "code",
    "retryAfter",
    "error",
    "title",
    "swap",
    "ram",
    "disk",
    "minDisk",
    "minRam",
    "volume_size",
    "boot_index",
    "delete_on_termination",
    "block_device_mapping_v2",
    "networks",
    "private_key",
    "adminPass",
    "expires_at",
    "maxTotalInstances",
    "extra_specs",
    "original_name",
    "os-extended-volumes:volumes_attached",
    "security_groups",
    "auth",
    "identity",
    "methods",
    "password",
    "user",
];

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (prop::sample::select(KEYS).prop_map(str::to_owned), inner),
                0..6
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_json_never_panics_a_decoder(value in json_value()) {
        let bytes = value.to_string().into_bytes();
        for kind in DecodeKind::ALL {
            let _ = decode_kind(kind, &bytes);
        }
        let _ = ApiError::from_response(400, &bytes);
        let _ = Token::from_response(Some("t"), &bytes).map(|token| (token.compute_endpoint(None).map(str::len), token.is_expired(0, 0)));
        let _ = CreateServer::parse_body(&bytes);
        let _ = KeyPairRequest::parse_body(&bytes);
        let _ = ServerAction::parse_body(&bytes);
        let _ = AuthRequest::parse_body(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256), status in any::<u16>()) {
        let error = ApiError::from_response(status, &bytes);
        prop_assert!(!error.message.is_empty());
        let _ = decode_kind(DecodeKind::Server, &bytes);
    }

    /// Random text rarely looks like a date; a valid prefix reaches the time and zone parsers.
    #[test]
    fn timestamps_with_odd_tails_never_panic(tail in "[0-9:.+\\-TZ ]{0,6}\\PC{0,6}") {
        let _ = timestamp::parse_unix_seconds(&format!("2018-05-25{tail}"));
        let _ = timestamp::parse_unix_seconds(&format!("2018-05-25T01:47:11{tail}"));
    }

    #[test]
    fn text_helpers_never_panic(text in "\\PC{0,40}") {
        let _ = timestamp::parse_unix_seconds(&text);
        let _ = validate::public_key(&text);
        let _ = validate::server_name(&text);
        let _ = validate::key_pair_name(&text);
        let _ = validate::user_data(&text);
        if let Ok(endpoint) = urls::ComputeEndpoint::new(&text, "p") {
            let _ = endpoint.follow(&text);
            let _ = endpoint.keypair(&text);
        }
        let _ = urls::IdentityEndpoint::new(&text);
        let _ = text.parse::<ecs_api::Microversion>();
    }

    #[test]
    fn create_server_round_trips(
        name in "\\PC{1,20}",
        flavor in "[a-z0-9.]{1,12}",
        size in 1u64..=u64::from(u32::MAX),
        boot_index in proptest::option::of(-1i32..4),
        delete in proptest::option::of(any::<bool>()),
        volume_type in proptest::option::of("[A-Z]{2,5}"),
        networks in prop_oneof![
            Just(NetworkChoice::Auto),
            Just(NetworkChoice::None),
            prop::collection::vec("[0-9a-f-]{36}", 0..3).prop_map(|ids| NetworkChoice::List(
                ids.into_iter().map(|uuid| NetworkRequest { uuid: Some(uuid), ..NetworkRequest::default() }).collect()
            )),
        ],
        key_name in proptest::option::of("[a-z]{1,8}"),
        metadata in prop::collection::btree_map("[a-z]{1,5}", "\\PC{0,8}", 0..3),
        counts in proptest::option::of((1u32..5, 5u32..10)),
        admin_pass in proptest::option::of("\\PC{1,10}"),
    ) {
        let mapping = BlockDeviceMapping {
            boot_index,
            delete_on_termination: delete,
            ..BlockDeviceMapping::boot_volume_from_image("11e8f727-d439-4ed1-b3b8-33f46c0379c4", size, volume_type, false)
        };
        let request = CreateServer {
            key_name,
            metadata,
            min_count: counts.map(|(min, _)| min),
            max_count: counts.map(|(_, max)| max),
            admin_pass: admin_pass.map(Secret::new),
            ..CreateServer::boot_from_volume(name, flavor, mapping, networks)
        };
        let decoded = CreateServer::parse_body(request.to_body_string().as_bytes()).unwrap();
        prop_assert_eq!(decoded, request);
    }

    #[test]
    fn other_requests_round_trip(name in "\\PC{1,16}", secret in "\\PC{1,16}", scope_by_id in any::<bool>(), reboot_hard in any::<bool>()) {
        let create = CreateKeyPair { name: name.clone(), key_type: Some("ssh".into()) };
        prop_assert_eq!(CreateKeyPair::parse_body(create.to_body_string().as_bytes()).unwrap(), create);
        let import = ImportKeyPair { name: name.clone(), public_key: secret.clone(), key_type: None };
        prop_assert_eq!(ImportKeyPair::parse_body(import.to_body_string().as_bytes()).unwrap(), import);
        let auth = AuthRequest::password(name.clone(), "Default", secret.as_str());
        let auth = if scope_by_id { auth.scoped_to_project_id(name.clone()) } else { auth.scoped_to_project_name(name.clone(), "Default") };
        prop_assert_eq!(AuthRequest::parse_body(auth.to_body().to_string().as_bytes()).unwrap(), auth);
        let action = ServerAction::Reboot(if reboot_hard { RebootType::Hard } else { RebootType::Soft });
        prop_assert_eq!(ServerAction::parse_body(action.to_body().to_string().as_bytes()).unwrap(), action);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// ecs-api's server name rule accepts exactly what Nova's schema (its real regex) accepts.
    #[test]
    fn server_name_rule_matches_nova_schema(name in prop_oneof![
        "\\PC{1,12}",
        "[ \\t\u{a0}\u{3000}a-z]{1,6}",
        any::<String>().prop_filter("short", |name| name.chars().count() <= 12),
    ]) {
        let reference = nova_ref::reference();
        let body = json!({"server": {"name": name, "flavorRef": "1", "networks": "auto"}});
        let nova_accepts = reference.validate("servers-create-v2.67.json", &body).is_ok();
        prop_assert_eq!(validate::server_name(&name).is_ok(), nova_accepts, "name {:?}", name);
    }
}
