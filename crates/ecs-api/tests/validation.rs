//! Every validation rule at its boundaries. Keys below were made with `ssh-keygen`; their MD5
//! fingerprints are what `ssh-keygen -l -E md5` printed (and what Nova stores).

use ecs_api::models::{AbsoluteLimits, AvailabilityZone, ZoneState};
use ecs_api::validate::{
    self, KeyAlgorithm, METADATA_MAX_CHARS, NAME_MAX_CHARS, USER_DATA_MAX_BYTES,
};

const ED25519: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDRVu0qyFBTkigYlBwcX60XM8pD0vYIbMT4srk0Urir+ user@ed25519";
const P256: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEUN+SZaFLhUKmMkxrZFD2nI/gBBtcRDgq2ZilBy+S94f+8a1FjDaZoXIVe7WmxsIIxBChmS9oeZjbwKNgt6EtE= user@ecdsab256";
const P384: &str = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBKLhcT3ZhmOtqih00ZTGeZfa7gtYH0g7K10ghse7SkapEFcbLlTctMF90VOrY+x9ah2THvy4Rbq9NgxJNk2dBsXvAP9nW1VGXjokWQT+5ZA6Cy5J1Z4GalnqDyw6jPqbEg== user@ecdsab384";
const P521: &str = "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAAEq/CYsQLdRaYRwnz16KYKvUr9cdlhP41hsbY+0Nq2kZbgSAX6+Lc1t8uy14pWRsABEB+SRiciNB5d7dNNtf0XygAmlKCu7OOJ6r+/tiP7rYHzf7OFj3wwaotxKEk7W2r5NlRCUReNxY/RWUPm4tuc1hCtKyYXOATjeFDYZvt89BDucg== user@ecdsab521";
const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCmwvvXzOyN1KrJVd8QRdizNLZn5DB56gz6DotFPAnUfCH1u5K+/Fdo+dVrbThfa2m6pHdTiunydqpnEegBs1Ue9Cf4X52nHqm9rzkHBlDKy4pMv8qWEJzl9mOdfG01mAay/twMXHI8wQV3ZFBSA2iTpERKPpoJB5zblMj8FMAg5+WZXr3w7yYXvSdJ9jP7rWoavWNISvu59NMgKV0zWf66/CubcIZviKMh2ttKMG2T+CwucthLgTDyKp/+4PVB7+qajDizwj2Ut+fMe72l20sfySpfJNkK09Da3notlPr8vMnLn54tJSttzWYfNtkp9hZZsghjgJpy9444H88dr8TX user@rsab2048";

fn message<T: std::fmt::Debug>(result: Result<T, validate::ValidationError>) -> String {
    result.expect_err("expected a validation error").message
}

#[test]
fn server_name_boundaries() {
    validate::server_name("a").unwrap();
    validate::server_name("web server 01").unwrap();
    validate::server_name("服务器-ümlaut_ok.1").unwrap();
    validate::server_name(&"x".repeat(NAME_MAX_CHARS)).unwrap();
    assert!(
        message(validate::server_name(&"x".repeat(NAME_MAX_CHARS + 1))).contains("at most 255")
    );
    assert!(message(validate::server_name("")).contains("Enter a server name"));
    assert!(message(validate::server_name(" web")).contains("spaces at the start or end"));
    assert!(message(validate::server_name("web ")).contains("spaces at the start or end"));
    assert!(
        message(validate::server_name("web\u{3000}")).contains("start or end"),
        "ideographic space"
    );
    assert!(message(validate::server_name("a\tb")).contains("not allowed"));
    assert!(message(validate::server_name("a\u{0}b")).contains("not allowed"));
    assert!(
        validate::server_name("emoji 😀").is_err(),
        "Nova's ranges stop at the BMP"
    );
    assert_eq!(validate::server_name("").unwrap_err().field, "name");
}

#[test]
fn key_pair_name_boundaries() {
    validate::key_pair_name("demo2").unwrap();
    validate::key_pair_name("my key_1-a").unwrap();
    validate::key_pair_name(&"k".repeat(255)).unwrap();
    assert!(validate::key_pair_name(&"k".repeat(256)).is_err());
    assert!(message(validate::key_pair_name("me@laptop")).contains("letters, digits, spaces"));
    assert!(
        validate::key_pair_name("dotted.name").is_err(),
        "'.' only allowed from 2.92"
    );
    assert!(validate::key_pair_name(" lead").is_err());
    assert!(validate::key_pair_name("").is_err());
    assert_eq!(
        validate::key_pair_name("a/b").unwrap_err().field,
        "key_name"
    );
}

#[test]
fn volume_size_boundaries() {
    validate::volume_size(40, 40).unwrap();
    validate::volume_size(41, 40).unwrap();
    assert!(message(validate::volume_size(39, 40)).contains("at least 40 GB"));
    validate::volume_size(1, 0).unwrap();
    // Nova's schema bounds the size by a 32-bit signed integer.
    let largest = u64::from(validate::MAX_VOLUME_SIZE_GB);
    validate::volume_size(largest, 40).unwrap();
    assert!(message(validate::volume_size(largest + 1, 40)).contains("at most 2147483647 GB"));
    assert!(validate::volume_size(0, 0).is_err());
}

#[test]
fn flavor_ram_boundaries() {
    validate::flavor_ram(1024, 1024).unwrap();
    validate::flavor_ram(2048, 0).unwrap();
    let error = validate::flavor_ram(1023, 1024).unwrap_err();
    assert_eq!(
        error.message,
        "The image needs at least 1 GB of RAM but the flavor has 1023 MB; choose a larger flavor."
    );
}

#[test]
fn availability_zone_rule() {
    let zone = |name: &str, available| AvailabilityZone {
        name: name.into(),
        state: ZoneState { available },
        hosts: None,
    };
    let zones = [zone("az1", true), zone("az2", false)];
    validate::availability_zone("az1", &zones).unwrap();
    assert!(message(validate::availability_zone("az2", &zones)).contains("unavailable"));
    assert!(message(validate::availability_zone("az3", &zones)).contains("choose one of: az1."));
    assert!(message(validate::availability_zone("az1", &[])).contains("no zone is available"));
}

#[test]
fn user_data_limit() {
    // 49149 raw bytes encode to exactly 65532 base64 bytes; 49152 to 65536.
    let at_limit = validate::encode_user_data(&vec![b'x'; 49_149]).unwrap();
    assert!(at_limit.len() <= USER_DATA_MAX_BYTES);
    assert!(message(validate::encode_user_data(&vec![b'x'; 49_152])).contains("65535"));
    validate::user_data("").unwrap();
    validate::user_data("IyEvYmluL3NoCg==").unwrap();
    assert!(message(validate::user_data("#!/bin/sh")).contains("base64"));
    assert!(validate::user_data(&"A".repeat(USER_DATA_MAX_BYTES + 1)).is_err());
}

#[test]
fn metadata_key_boundaries() {
    for key in ["a", "role", "os:type", "a-b_c.d e", "Z9"] {
        validate::metadata_key(key).unwrap();
    }
    validate::metadata_key(&"k".repeat(METADATA_MAX_CHARS)).unwrap();
    assert_eq!(message(validate::metadata_key("")), "Enter a metadata key.");
    assert_eq!(
        message(validate::metadata_key(&"k".repeat(METADATA_MAX_CHARS + 1))),
        "A metadata key is 256 characters long; Nova allows at most 255."
    );
    assert_eq!(
        message(validate::metadata_key(&"é".repeat(METADATA_MAX_CHARS + 1))),
        "A metadata key is 256 characters long; Nova allows at most 255.",
        "characters, not bytes"
    );
    assert_eq!(
        message(validate::metadata_key("bad/key")),
        "Metadata key \"bad/key\" is not allowed: use 1-255 letters, digits, spaces and - _ : . only."
    );
    for key in [
        "a/b",
        "tab\there",
        "ümlaut",
        "x@y",
        "semi;colon",
        "new\nline",
    ] {
        assert!(validate::metadata_key(key).is_err(), "{key:?}");
    }
    assert_eq!(validate::metadata_key("").unwrap_err().field, "metadata");
}

#[test]
fn metadata_value_boundaries() {
    validate::metadata_value("role", "").unwrap();
    validate::metadata_value("role", "any text / ümlaut \u{3000}").unwrap();
    validate::metadata_value("role", &"é".repeat(METADATA_MAX_CHARS)).unwrap();
    assert_eq!(
        message(validate::metadata_value(
            "role",
            &"v".repeat(METADATA_MAX_CHARS + 1)
        )),
        "The value of metadata key \"role\" is longer than 255 characters; shorten it."
    );
    assert_eq!(
        validate::metadata_value("role", &"v".repeat(256))
            .unwrap_err()
            .field,
        "metadata"
    );
}

#[test]
fn a_flavor_larger_than_the_quota_left_is_named() {
    let limits = AbsoluteLimits {
        max_total_cores: Some(20),
        total_cores_used: Some(0),
        max_total_ram_size: Some(8192),
        total_ram_used: Some(4096),
        ..AbsoluteLimits::default()
    };
    validate::flavor_within_quota(20, 4096, &limits).unwrap();
    assert_eq!(
        message(validate::flavor_within_quota(32, 1024, &limits)),
        "This flavor needs 32 vCPUs; your quota allows 20 more. Pick a smaller flavor or ask for a higher quota."
    );
    assert_eq!(
        message(validate::flavor_within_quota(2, 8192, &limits)),
        "This flavor needs 8 GB of RAM; your quota allows 4 GB more. Pick a smaller flavor or ask for a higher quota."
    );
    // Unknown or unlimited quota never rules a flavor out.
    validate::flavor_within_quota(512, 1 << 30, &AbsoluteLimits::default()).unwrap();
}

#[test]
fn server_count_and_quota() {
    let limits = AbsoluteLimits {
        max_total_instances: Some(10),
        total_instances_used: Some(8),
        max_total_cores: Some(20),
        total_cores_used: Some(12),
        max_total_ram_size: Some(51200),
        total_ram_used: Some(0),
        ..AbsoluteLimits::default()
    };
    validate::server_count(2, 4, 8192, &limits).unwrap();
    assert_eq!(
        message(validate::server_count(3, 1, 512, &limits)),
        "Your quota allows 2 more servers; create at most 2."
    );
    assert_eq!(
        message(validate::server_count(2, 5, 512, &limits)),
        "Your quota allows 8 more vCPUs, but 2 servers of this flavor need 10 vCPUs. Create fewer servers, pick a smaller flavor or ask for a higher quota."
    );
    assert_eq!(
        message(validate::server_count(1, 1, 51201, &limits)),
        "Your quota allows 50 GB more RAM, but 1 server of this flavor needs 50.0 GB. Create fewer servers, pick a smaller flavor or ask for a higher quota."
    );
    let full = AbsoluteLimits {
        total_instances_used: Some(10),
        ..limits.clone()
    };
    assert!(message(validate::server_count(1, 1, 512, &full)).contains("no more servers"));
    assert!(message(validate::server_count(0, 1, 512, &limits)).contains("at least 1"));
    // -1 is unlimited.
    let unlimited = AbsoluteLimits {
        max_total_instances: Some(-1),
        max_total_cores: Some(-1),
        ..AbsoluteLimits::default()
    };
    validate::server_count(1000, 64, 1 << 20, &unlimited).unwrap();
}

#[test]
fn public_keys_of_every_supported_type() {
    for (line, algorithm, fingerprint) in [
        (
            ED25519,
            KeyAlgorithm::Ed25519,
            "11:12:0c:fe:6c:af:be:7c:d4:e7:8c:5c:92:d3:d5:fb",
        ),
        (
            P256,
            KeyAlgorithm::EcdsaP256,
            "e3:b5:c0:43:29:79:8d:72:f1:8d:04:ff:6d:4b:8d:a4",
        ),
        (
            P384,
            KeyAlgorithm::EcdsaP384,
            "95:a6:47:e4:22:58:61:c9:69:37:fa:f1:21:57:b5:1e",
        ),
        (
            P521,
            KeyAlgorithm::EcdsaP521,
            "8a:ad:e2:b4:2b:01:e4:2b:e9:53:34:f5:74:b7:b2:82",
        ),
        (
            RSA,
            KeyAlgorithm::Rsa,
            "f0:e8:5f:21:4e:c7:05:7c:3a:8b:de:2a:02:6d:8e:43",
        ),
    ] {
        let key = validate::public_key(line).unwrap_or_else(|err| panic!("{line}: {err}"));
        assert_eq!(key.algorithm, algorithm);
        assert_eq!(key.fingerprint(), fingerprint, "{line}");
        assert_eq!(key.to_openssh(), line);
        // Surrounding whitespace and a trailing newline (as in files) are fine.
        assert_eq!(validate::public_key(&format!("  {line}\n")).unwrap(), key);
    }
    let no_comment = ED25519.rsplit_once(' ').unwrap().0;
    assert_eq!(validate::public_key(no_comment).unwrap().comment, None);
}

#[test]
fn public_key_errors_are_actionable() {
    assert!(message(validate::public_key("")).contains("Paste a public key"));
    assert!(
        message(validate::public_key(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nabc"
        ))
        .contains("private key")
    );
    assert!(
        message(validate::public_key("ssh-dss AAAAB3NzaC1kc3M=")).contains("Unsupported key type")
    );
    assert!(message(validate::public_key("ssh-ed25519")).contains("no base64 body"));
    assert!(message(validate::public_key("ssh-ed25519 not*base64")).contains("not valid base64"));
    // The body names another type.
    let ed25519_body = ED25519.split(' ').nth(1).unwrap();
    assert!(
        message(validate::public_key(&format!("ssh-rsa {ed25519_body}")))
            .contains("its body is a \"ssh-ed25519\" key")
    );
    // An ECDSA body for another curve.
    let p256_body = P256.split(' ').nth(1).unwrap();
    assert!(validate::public_key(&format!("ecdsa-sha2-nistp384 {p256_body}")).is_err());
    // Truncated: drop bytes from the blob.
    use base64::Engine as _;
    let blob = base64::engine::general_purpose::STANDARD
        .decode(ed25519_body)
        .unwrap();
    let truncated = base64::engine::general_purpose::STANDARD.encode(&blob[..blob.len() - 1]);
    assert!(
        message(validate::public_key(&format!("ssh-ed25519 {truncated}"))).contains("truncated")
    );
    let padded =
        base64::engine::general_purpose::STANDARD.encode([&blob[..], &[0, 0, 0, 1, 7]].concat());
    assert!(
        validate::public_key(&format!("ssh-ed25519 {padded}")).is_err(),
        "extra field"
    );
    assert_eq!(validate::public_key("x").unwrap_err().field, "public_key");
}

#[test]
fn md5_fingerprint_matches_known_vectors() {
    assert_eq!(
        validate::md5_fingerprint(b""),
        "d4:1d:8c:d9:8f:00:b2:04:e9:80:09:98:ec:f8:42:7e"
    );
    assert_eq!(
        validate::md5_fingerprint(b"abc"),
        "90:01:50:98:3c:d2:4f:b0:d6:96:3f:7d:28:e1:7f:72"
    );
}

#[test]
fn create_server_applies_every_rule() {
    use ecs_api::models::{Flavor, Image};
    use ecs_api::requests::{BlockDeviceMapping, CreateServer, NetworkChoice};

    let flavor = Flavor {
        id: "c1.large".into(),
        ram: 4096,
        vcpus: 2,
        disk: 0,
        ..Flavor::default()
    };
    let image = Image {
        id: "img".into(),
        min_disk: 40,
        min_ram: 1024,
        ..Image::default()
    };
    let zones = [AvailabilityZone {
        name: "az1".into(),
        state: ZoneState { available: true },
        hosts: None,
    }];
    let limits = AbsoluteLimits {
        max_total_instances: Some(10),
        total_instances_used: Some(9),
        ..AbsoluteLimits::default()
    };
    let context = validate::CreateServerContext {
        flavor: &flavor,
        image: &image,
        zones: &zones,
        limits: Some(&limits),
    };
    let boot = BlockDeviceMapping::boot_volume_from_image("img", 40, None, true);
    let good = CreateServer {
        key_name: Some("demo".into()),
        availability_zone: Some("az1".into()),
        ..CreateServer::boot_from_volume("web", "c1.large", boot.clone(), NetworkChoice::Auto)
    };
    assert_eq!(validate::create_server(&good, &context), vec![]);

    let bad = CreateServer {
        name: " web".into(),
        key_name: Some("me@host".into()),
        availability_zone: Some("az9".into()),
        user_data: Some("not base64".into()),
        min_count: Some(3),
        max_count: Some(2),
        block_device_mapping_v2: vec![BlockDeviceMapping {
            volume_size: Some(20),
            ..boot
        }],
        ..good.clone()
    };
    let fields: Vec<&str> = validate::create_server(&bad, &context)
        .iter()
        .map(|error| error.field)
        .collect();
    assert_eq!(
        fields,
        [
            "name",
            "key_name",
            "volume_size",
            "availability_zone",
            "user_data",
            "min_count",
            "max_count"
        ]
    );

    let small_flavor = Flavor {
        ram: 512,
        ..flavor.clone()
    };
    let context = validate::CreateServerContext {
        flavor: &small_flavor,
        limits: None,
        ..context
    };
    let errors = validate::create_server(&good, &context);
    assert_eq!(
        errors.iter().map(|error| error.field).collect::<Vec<_>>(),
        ["flavorRef"]
    );

    let no_disk = CreateServer {
        block_device_mapping_v2: vec![],
        ..good
    };
    assert_eq!(
        validate::create_server(
            &no_disk,
            &validate::CreateServerContext {
                flavor: &flavor,
                ..context
            }
        )[0]
        .field,
        "block_device_mapping_v2"
    );
}
