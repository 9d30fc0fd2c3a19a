//! Request bodies: the exact JSON sent, and tolerant decoding of what other clients send.

use ecs_api::requests::*;
use ecs_api::{Secret, validate};
use serde_json::json;

#[test]
fn console_create_server_body_is_exact() {
    let boot = BlockDeviceMapping::boot_volume_from_image(
        "11e8f727-d439-4ed1-b3b8-33f46c0379c4",
        40,
        Some("SSD".into()),
        true,
    );
    let request = CreateServer {
        key_name: Some("demo2".into()),
        availability_zone: Some("az_test_01".into()),
        user_data: Some(validate::encode_user_data(b"#!/bin/sh\n").unwrap()),
        admin_pass: Some(Secret::new("Passw0rd!")),
        ..CreateServer::boot_from_volume(
            "zttestvm1",
            "c1.large",
            boot,
            NetworkChoice::network("fb68519f-a7c0-476e-98d4-2e4cf6de6def"),
        )
    };
    assert_eq!(
        request.to_body(),
        json!({"server": {
            "name": "zttestvm1",
            "flavorRef": "c1.large",
            "block_device_mapping_v2": [{
                "source_type": "image", "destination_type": "volume", "uuid": "11e8f727-d439-4ed1-b3b8-33f46c0379c4",
                "boot_index": 0, "volume_size": 40, "volume_type": "SSD", "delete_on_termination": true
            }],
            "networks": [{"uuid": "fb68519f-a7c0-476e-98d4-2e4cf6de6def"}],
            "key_name": "demo2",
            "availability_zone": "az_test_01",
            "user_data": "IyEvYmluL3NoCg==",
            "adminPass": "Passw0rd!"
        }})
    );
    assert!(
        !format!("{request:?}").contains("Passw0rd!"),
        "adminPass must not reach logs"
    );
    assert_eq!(
        CreateServer::parse_body(request.to_body_string().as_bytes()).unwrap(),
        request
    );
}

#[test]
fn networks_choices() {
    assert_eq!(
        serde_json::to_value(NetworkChoice::Auto).unwrap(),
        json!("auto")
    );
    assert_eq!(
        serde_json::to_value(NetworkChoice::None).unwrap(),
        json!("none")
    );
    assert_eq!(
        serde_json::from_value::<NetworkChoice>(json!("AUTO")).unwrap(),
        NetworkChoice::Auto
    );
    assert_eq!(
        serde_json::from_value::<NetworkChoice>(json!([])).unwrap(),
        NetworkChoice::List(vec![])
    );
    assert!(
        serde_json::from_value::<NetworkChoice>(json!("some"))
            .unwrap_err()
            .to_string()
            .contains("\"some\"")
    );
    assert!(serde_json::from_value::<NetworkChoice>(json!(5)).is_err());
    // A pre-2.37 body without networks decodes as auto.
    let old =
        CreateServer::parse_body(br#"{"server": {"name": "a", "flavorRef": 1, "imageRef": "x"}}"#)
            .unwrap();
    assert_eq!(
        (old.networks, old.flavor_ref.as_str()),
        (NetworkChoice::Auto, "1")
    );
}

#[test]
fn block_device_mapping_accepts_what_nova_accepts() {
    let mapping: BlockDeviceMapping = serde_json::from_value(json!({
        "source_type": "image", "destination_type": "volume", "uuid": "u", "boot_index": "0",
        "volume_size": "40", "delete_on_termination": "True", "unknown_field": [1, 2]
    }))
    .unwrap();
    assert_eq!(
        (
            mapping.boot_index,
            mapping.volume_size,
            mapping.delete_on_termination
        ),
        (Some(0), Some(40), Some(true))
    );
    for (word, expected) in [
        ("yes", true),
        ("1", true),
        ("ON", true),
        ("0", false),
        ("no", false),
        ("False", false),
    ] {
        let mapping: BlockDeviceMapping =
            serde_json::from_value(json!({"source_type": "blank", "delete_on_termination": word}))
                .unwrap();
        assert_eq!(mapping.delete_on_termination, Some(expected), "{word}");
    }
    let nulls: BlockDeviceMapping =
        serde_json::from_value(json!({"source_type": "volume", "boot_index": null})).unwrap();
    assert_eq!(nulls.boot_index, None);
    assert!(
        serde_json::from_value::<BlockDeviceMapping>(
            json!({"source_type": "image", "volume_size": "big"})
        )
        .is_err()
    );
    let negative: BlockDeviceMapping =
        serde_json::from_value(json!({"source_type": "blank", "boot_index": "-1"})).unwrap();
    assert_eq!(negative.boot_index, Some(-1));
}

#[test]
fn key_pair_bodies() {
    let create = CreateKeyPair {
        name: "demo1".into(),
        key_type: Some("ssh".into()),
    };
    assert_eq!(
        create.to_body(),
        json!({"keypair": {"name": "demo1", "type": "ssh"}})
    );
    let import = ImportKeyPair {
        name: "demo2".into(),
        public_key: "ssh-ed25519 AAAA".into(),
        key_type: None,
    };
    assert_eq!(
        import.to_body(),
        json!({"keypair": {"name": "demo2", "public_key": "ssh-ed25519 AAAA"}})
    );
    let received = KeyPairRequest::parse_body(import.to_body_string().as_bytes()).unwrap();
    assert_eq!(received.public_key.as_deref(), Some("ssh-ed25519 AAAA"));
    let error = KeyPairRequest::parse_body(br#"{"server": {}}"#).unwrap_err();
    assert!(
        error.to_string().contains("no \"keypair\" object"),
        "{error}"
    );
    assert!(KeyPairRequest::parse_body(b"<html>").is_err());
}

#[test]
fn server_actions() {
    assert_eq!(ServerAction::Start.to_body(), json!({"os-start": null}));
    assert_eq!(ServerAction::Stop.to_body(), json!({"os-stop": null}));
    assert_eq!(
        ServerAction::Reboot(RebootType::Soft).to_body(),
        json!({"reboot": {"type": "SOFT"}})
    );
    assert_eq!(
        ServerAction::Reboot(RebootType::Hard).to_body(),
        json!({"reboot": {"type": "HARD"}})
    );
    assert_eq!(
        ServerAction::parse_body(br#"{"reboot": {"type": "hard"}}"#).unwrap(),
        ServerAction::Reboot(RebootType::Hard)
    );
    assert_eq!(
        ServerAction::parse_body(br#"{"os-start": {}}"#).unwrap(),
        ServerAction::Start
    );
    assert!(
        ServerAction::parse_body(br#"{"reboot": {"type": "WARM"}}"#)
            .unwrap_err()
            .to_string()
            .contains("SOFT or HARD")
    );
    assert!(
        ServerAction::parse_body(br#"{"pause": null}"#)
            .unwrap_err()
            .to_string()
            .contains("\"pause\"")
    );
    assert!(ServerAction::parse_body(br#"{"os-start": null, "os-stop": null}"#).is_err());
}

#[test]
fn keystone_auth_bodies() {
    let by_name =
        AuthRequest::password("demo", "Default", "demo").scoped_to_project_name("demo", "Default");
    assert_eq!(
        by_name.to_body(),
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
            "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}
        }})
    );
    let by_id = AuthRequest::password_by_user_id("u-1", "pw").scoped_to_project_id("p-1");
    assert_eq!(
        by_id.to_body(),
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {"id": "u-1", "password": "pw"}}},
            "scope": {"project": {"id": "p-1"}}
        }})
    );
    let token = AuthRequest::token("gAAAA-token").scoped_to_project_id("p-2");
    assert_eq!(
        token.to_body(),
        json!({"auth": {"identity": {"methods": ["token"], "token": {"id": "gAAAA-token"}}, "scope": {"project": {"id": "p-2"}}}})
    );
    let unscoped = AuthRequest::password("demo", "Default", "demo");
    assert!(unscoped.to_body()["auth"].get("scope").is_none());
    for request in [by_name, by_id, token, unscoped] {
        let debug = format!("{request:?}");
        assert!(debug.contains("Secret(***)"), "{debug}");
        assert!(
            !debug.contains("gAAAA-token") && !debug.contains("\"pw\""),
            "secrets leak through Debug: {debug}"
        );
        assert_eq!(
            AuthRequest::parse_body(request.to_body().to_string().as_bytes()).unwrap(),
            request
        );
    }
    // Domain by id, as other clients send it.
    let received = AuthRequest::parse_body(
        br#"{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo", "domain": {"id": "default"}, "password": "x"}}}}}"#,
    )
    .unwrap();
    assert!(
        matches!(received.identity, AuthIdentity::Password { user: PasswordUser::Name { domain: DomainRef::Id(ref id), .. }, .. } if id == "default")
    );
    for bad in [
        r#"{}"#,
        r#"{"auth": {}}"#,
        r#"{"auth": {"identity": {"methods": ["totp"]}}}"#,
        r#"{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo", "password": "x"}}}}}"#,
        r#"{"auth": {"identity": {"methods": ["token"], "token": {}}}}"#,
    ] {
        assert!(AuthRequest::parse_body(bad.as_bytes()).is_err(), "{bad}");
    }
}
