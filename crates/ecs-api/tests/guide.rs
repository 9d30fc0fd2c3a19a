//! The API guide's example bodies ("Creating an ECS", ../shared/creating-an-ecs.txt), kept as
//! our own fixtures in tests/fixtures/guide, decode with the shapes ECS really sends (strings
//! for numbers and booleans, `swap: ""`, Huawei image metadata, timestamps without a zone).

use ecs_api::models::*;
use ecs_api::requests::{CreateServer, ImportKeyPair, KeyPairRequest, NetworkChoice, NovaRequest};
use ecs_api::status::{PowerState, ServerStatus};
use ecs_api::{timestamp, validate};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/guide/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn decode<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_slice(&fixture(name)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

#[test]
fn availability_zones() {
    let zones: AvailabilityZoneList = decode("availability-zones.json");
    assert_eq!(zones.zones.len(), 2);
    assert!(
        zones
            .zones
            .iter()
            .all(|zone| zone.name == "zone_01" && zone.is_available() && zone.hosts.is_none())
    );
    validate::availability_zone("zone_01", &zones.zones).unwrap();
}

#[test]
fn flavors() {
    let flavors: FlavorList = decode("flavors.json");
    let flavor = &flavors.flavors[0];
    assert_eq!(
        (flavor.id.as_str(), flavor.name.as_str()),
        ("c1.2xlarge", "c1.2xlarge")
    );
    assert_eq!(
        (
            flavor.ram,
            flavor.vcpus,
            flavor.disk,
            flavor.swap,
            flavor.ephemeral
        ),
        (8192, 8, 0, 0, 0)
    );
    assert_eq!(
        (flavor.is_public, flavor.is_disabled()),
        (Some(true), false)
    );
    assert_eq!(flavor.rxtx_factor, Some(1.0));
}

#[test]
fn images_with_ecs_metadata() {
    let images: ImageList = decode("images.json");
    let image = &images.images[0];
    assert_eq!(image.id, "11e8f727-d439-4ed1-b3b8-33f46c0379c4");
    assert_eq!(
        (image.min_disk, image.min_ram, image.size),
        (40, 0, Some(0))
    );
    assert_eq!(image.os_type(), Some("Linux"));
    assert_eq!(image.platform(), Some("EulerOS"));
    assert_eq!(image.os_version(), Some("EulerOS 2.2 64bit"));
    assert!(image.is_active());
    assert_eq!(
        image
            .links
            .iter()
            .find(|link| link.rel == "alternate")
            .and_then(|link| link.media_type.as_deref()),
        Some("application/vnd.openstack.image")
    );
}

#[test]
fn networks() {
    let networks: NetworkList = decode("networks.json");
    assert_eq!(
        networks.networks[0].id,
        "07a9557d-4256-48ae-847c-415a9c8f7ff6"
    );
    assert_eq!(networks.networks[0].display_name(), "b_tt3_td1b");
    assert_eq!(networks.networks[0].cidr, None);
}

#[test]
fn key_pairs() {
    let request = KeyPairRequest::parse_body(&fixture("keypair-create-request.json")).unwrap();
    assert_eq!(
        (
            request.name.as_str(),
            request.public_key.as_deref(),
            request.user_id.as_deref()
        ),
        ("demo1", None, Some("fake"))
    );

    let created: CreatedKeyPairBody = decode("keypair-create-response.json");
    let private_key = created
        .keypair
        .private_key
        .as_ref()
        .expect("generated keys come with their private key");
    assert!(
        private_key
            .expose()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----\n")
    );
    assert!(!format!("{created:?}").contains("PRIVATE KEY"));
    assert_eq!(
        created.keypair.public_part().fingerprint,
        "57:a7:a2:ed:5f:aa:e7:54:62:2e:bb:e7:92:22:cb:40"
    );
    validate::public_key(&created.keypair.public_key).unwrap();

    let import = ImportKeyPair::parse_body(&fixture("keypair-import-request.json")).unwrap();
    let key = validate::public_key(&import.public_key).unwrap();
    assert_eq!(key.algorithm, validate::KeyAlgorithm::Rsa);
    assert_eq!(key.comment.as_deref(), Some("Generated-by-Nova"));
    let imported: CreatedKeyPairBody = decode("keypair-import-response.json");
    assert_eq!(imported.keypair.private_key, None);
    assert_eq!(imported.keypair.name, "demo2");
}

#[test]
fn server_create_request_with_strings_for_numbers() {
    let request = CreateServer::parse_body(&fixture("server-create-request.json")).unwrap();
    assert_eq!(
        (request.name.as_str(), request.flavor_ref.as_str()),
        ("zttestvm1", "c1.large")
    );
    let boot = request
        .boot_mapping()
        .expect("boot_index \"0\" is the boot disk");
    assert_eq!(boot.volume_size, Some(40));
    assert_eq!(boot.delete_on_termination, Some(true));
    assert_eq!(boot.volume_type.as_deref(), Some("SSD"));
    assert_eq!(
        request.networks,
        NetworkChoice::network("fb68519f-a7c0-476e-98d4-2e4cf6de6def")
    );
    assert_eq!(request.key_name.as_deref(), Some("demo2"));
    assert_eq!(request.requested_count(), 1);
    // Re-encoded, the numbers and booleans are Nova's canonical types.
    let body = request.to_body();
    assert_eq!(
        body["server"]["block_device_mapping_v2"][0]["volume_size"],
        40
    );
    assert_eq!(
        body["server"]["block_device_mapping_v2"][0]["boot_index"],
        0
    );
    assert_eq!(
        body["server"]["block_device_mapping_v2"][0]["delete_on_termination"],
        true
    );
}

#[test]
fn server_create_response() {
    let created: CreatedServerBody = decode("server-create-response.json");
    assert_eq!(created.server.id, "6d311127-bce1-48db-bf0f-cac9f8f7f077");
    assert_eq!(
        created.server.admin_pass.as_ref().map(|pass| pass.expose()),
        Some("WcC4QoVZPXpV")
    );
    assert_eq!(created.server.disk_config.as_deref(), Some("MANUAL"));
    assert_eq!(created.server.security_groups[0].name, "default");
    assert!(!format!("{created:?}").contains("WcC4QoVZPXpV"));
}

#[test]
fn server_details() {
    let body: ServerBody = decode("server-get-response.json");
    let server = body.server;
    assert_eq!(server.status, ServerStatus::Active);
    assert_eq!(server.power_state, Some(PowerState::Running));
    assert!(!server.is_transitional());
    assert_eq!(server.availability_zone.as_deref(), Some("az_test_01"));
    assert_eq!(server.flavor_label(), Some("c1.large"));
    assert_eq!(
        server.image_id(),
        Some("11e8f727-d439-4ed1-b3b8-33f46c0379c4")
    );
    assert_eq!(server.key_name, None);
    assert_eq!(
        server.volumes_attached[0].id,
        "b551445a-e749-4d53-932a-638a455cb6c3"
    );
    let (network, address) = server.all_addresses().next().unwrap();
    assert_eq!(network, "2a6f4aa6-d93e-45f5-a8cb-b030dbf8cd68");
    assert_eq!(
        (
            address.addr.as_str(),
            address.version,
            address.mac_addr.as_deref()
        ),
        ("192.168.2.192", Some(4), Some("fa:16:3e:88:01:1b"))
    );
    assert_eq!(server.host.as_deref(), Some("pod1_test_01"));
    // launched_at has no time zone; created has one. Both parse (as UTC).
    let launched = timestamp::parse_unix_seconds(server.launched_at.as_deref().unwrap()).unwrap();
    let created = timestamp::parse_unix_seconds(server.created.as_deref().unwrap()).unwrap();
    assert_eq!(launched - created, 44);
}
