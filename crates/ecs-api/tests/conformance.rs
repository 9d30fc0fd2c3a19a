//! Conformance with OpenStack Nova's own reference data (`../shared/nova-api`, located by
//! nova-ref): every response sample the console relies on decodes, key fields come out right,
//! and every request body ecs-api builds validates against Nova's schema for the microversion
//! the console sends.

use std::path::Path;

use ecs_api::CONSOLE_MICROVERSION;
use ecs_api::error::{ApiError, ErrorKind};
use ecs_api::models::*;
use ecs_api::requests::{
    BlockDeviceMapping, CreateKeyPair, CreateServer, ImportKeyPair, NetworkChoice, NetworkRequest,
    NovaRequest, RebootType, SecurityGroupName, ServerAction,
};
use ecs_api::status::{PowerState, ServerStatus};
use ecs_api::{Secret, validate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn raw(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Decodes a sample as `T`, and checks the decoded value survives a serialize/decode round trip.
fn decode<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(path: &Path) -> T {
    let bytes = std::fs::read(path).unwrap();
    let decoded: T = serde_json::from_slice(&bytes).unwrap_or_else(|err| {
        panic!(
            "{} does not decode as {}: {err}",
            path.display(),
            std::any::type_name::<T>()
        )
    });
    let again: T = serde_json::from_value(serde_json::to_value(&decoded).unwrap()).unwrap();
    assert_eq!(again, decoded, "{} does not round-trip", path.display());
    decoded
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// Key fields of a decoded server against the raw sample object.
fn check_server(path: &Path, server: &Server, raw: &Value) {
    let context = path.display();
    assert_eq!(Some(server.id.clone()), text(&raw["id"]), "{context}: id");
    if let Some(name) = raw.get("name") {
        assert_eq!(Some(server.name.clone()), text(name), "{context}: name");
    }
    match raw.get("status").and_then(Value::as_str) {
        Some(status) => assert_eq!(server.status.as_str(), status, "{context}: status"),
        None => assert_eq!(
            server.status,
            ServerStatus::Unknown,
            "{context}: status defaults to UNKNOWN"
        ),
    }
    assert_eq!(
        server.task_state.as_ref().map(|state| state.to_string()),
        text(&raw["OS-EXT-STS:task_state"]),
        "{context}"
    );
    assert_eq!(
        server.power_state.map(PowerState::code),
        raw["OS-EXT-STS:power_state"].as_i64(),
        "{context}: power_state"
    );
    assert_eq!(
        server.key_name,
        text(&raw["key_name"]),
        "{context}: key_name"
    );
    assert_eq!(server.created, text(&raw["created"]), "{context}: created");
    if let Some(created) = &server.created {
        assert!(
            ecs_api::timestamp::parse_unix_seconds(created).is_some(),
            "{context}: created {created:?} parses"
        );
    }
    match &raw["image"] {
        Value::String(empty) if empty.is_empty() => assert!(server.is_volume_backed(), "{context}"),
        Value::Object(image) => assert_eq!(
            server.image_id(),
            image["id"].as_str(),
            "{context}: image id"
        ),
        Value::Null => assert!(server.image.is_none(), "{context}"),
        other => panic!("{context}: unexpected image {other}"),
    }
    match &raw["flavor"] {
        Value::Object(flavor) if flavor.contains_key("original_name") => {
            let embedded = server.flavor.as_ref().unwrap();
            assert!(embedded.is_embedded(), "{context}");
            assert_eq!(
                embedded.ram,
                flavor["ram"].as_u64(),
                "{context}: flavor ram"
            );
            assert_eq!(
                embedded.vcpus,
                flavor["vcpus"].as_u64(),
                "{context}: flavor vcpus"
            );
        }
        Value::Object(flavor) => assert_eq!(
            server.flavor_label(),
            flavor["id"].as_str(),
            "{context}: flavor id"
        ),
        _ => assert!(server.flavor.is_none(), "{context}"),
    }
    let raw_addresses: usize = raw["addresses"].as_object().map_or(0, |networks| {
        networks
            .values()
            .map(|list| list.as_array().unwrap().len())
            .sum()
    });
    assert_eq!(
        server.all_addresses().count(),
        raw_addresses,
        "{context}: addresses"
    );
    for (_, address) in server.all_addresses() {
        assert!(!address.addr.is_empty(), "{context}");
    }
    let raw_volumes = raw["os-extended-volumes:volumes_attached"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(
        server.volumes_attached.len(),
        raw_volumes,
        "{context}: volumes"
    );
    assert_eq!(
        server.fault.as_ref().map(|fault| fault.message.clone()),
        text(&raw["fault"]["message"]),
        "{context}: fault"
    );
    assert_eq!(
        server.availability_zone,
        text(&raw["OS-EXT-AZ:availability_zone"]),
        "{context}: az"
    );
}

#[derive(Default)]
struct Counts {
    samples: usize,
    schemas: usize,
}

fn check_response_samples(counts: &mut Counts) {
    let reference = nova_ref::reference();
    let dir = |rel: &str| reference.list(rel);

    for path in dir("responses/versions") {
        let document: VersionsDocument = decode(&path);
        if file_name(&path).starts_with("v2-") {
            // The legacy v2.0 document: no microversions.
            let legacy = &document.versions[0];
            assert_eq!(
                (legacy.id.as_str(), legacy.max_microversion()),
                ("v2.0", None)
            );
            assert!(!legacy.supports(CONSOLE_MICROVERSION));
        } else {
            let v21 = document
                .v2_1()
                .unwrap_or_else(|| panic!("{}: no v2.1", path.display()));
            assert_eq!(v21.status, "CURRENT");
            if !v21.version.is_empty() {
                assert!(v21.supports(CONSOLE_MICROVERSION), "{}", path.display());
            }
        }
        counts.samples += 1;
    }

    for path in dir("responses/os-availability-zone") {
        let zones: AvailabilityZoneList = decode(&path);
        let raw = raw(&path);
        assert_eq!(
            zones.zones.len(),
            raw["availabilityZoneInfo"].as_array().unwrap().len()
        );
        assert!(
            zones
                .zones
                .iter()
                .any(|zone| zone.name == "nova" && zone.is_available())
        );
        assert!(zones.selectable().all(|zone| zone.name != "internal"));
        counts.samples += 1;
    }

    for path in dir("responses/flavors") {
        let name = file_name(&path);
        let raw = raw(&path);
        let check = |flavor: &Flavor, raw: &Value| {
            assert_eq!(Some(flavor.id.clone()), text(&raw["id"]));
            assert_eq!(Some(flavor.name.clone()), text(&raw["name"]));
            assert_eq!(flavor.ram, raw["ram"].as_u64().unwrap_or(0), "{name}");
            assert_eq!(flavor.disk, raw["disk"].as_u64().unwrap_or(0), "{name}");
            // swap is "" before 2.75 and 0 since.
            assert_eq!(flavor.swap, raw["swap"].as_u64().unwrap_or(0), "{name}");
            assert!(!flavor.links.is_empty());
        };
        if name.starts_with("flavor-get") {
            let body: FlavorBody = decode(&path);
            check(&body.flavor, &raw["flavor"]);
        } else {
            let list: FlavorList = decode(&path);
            let items = raw["flavors"].as_array().unwrap();
            assert_eq!(list.flavors.len(), items.len(), "{name}");
            list.flavors
                .iter()
                .zip(items)
                .for_each(|(flavor, raw)| check(flavor, raw));
        }
        counts.samples += 1;
    }

    for path in dir("responses/images") {
        let name = file_name(&path);
        if name.contains("meta") {
            continue; // image metadata APIs: not used by the console.
        }
        let raw = raw(&path);
        if name.starts_with("image-get") {
            let body: ImageBody = decode(&path);
            assert_eq!(Some(body.image.id.clone()), text(&raw["image"]["id"]));
            assert_eq!(
                body.image.min_disk,
                raw["image"]["minDisk"].as_u64().unwrap()
            );
        } else {
            let list: ImageList = decode(&path);
            let items = raw["images"].as_array().unwrap();
            assert_eq!(list.images.len(), items.len());
            for (image, raw) in list.images.iter().zip(items) {
                assert_eq!(Some(image.id.clone()), text(&raw["id"]));
                assert_eq!(image.min_ram, raw["minRam"].as_u64().unwrap_or(0));
                // Null metadata values mean "unset" and are dropped.
                let set = raw["metadata"].as_object().map_or(0, |map| {
                    map.values().filter(|value| !value.is_null()).count()
                });
                assert_eq!(image.metadata.len(), set);
            }
        }
        counts.samples += 1;
    }

    for path in dir("responses/os-networks") {
        let raw = raw(&path);
        if let Some(items) = raw.get("networks") {
            let list: NetworkList = decode(&path);
            assert_eq!(list.networks.len(), items.as_array().unwrap().len());
            assert!(
                list.networks
                    .iter()
                    .all(|network| !network.id.is_empty() && !network.display_name().is_empty())
            );
        } else {
            let body: NetworkBody = decode(&path);
            assert_eq!(Some(body.network.id.clone()), text(&raw["network"]["id"]));
        }
        counts.samples += 1;
    }

    for path in dir("responses/os-keypairs") {
        let name = file_name(&path);
        let raw = raw(&path);
        if name.contains("-list-") {
            let list: KeyPairList = decode(&path);
            let items = raw["keypairs"].as_array().unwrap();
            assert_eq!(list.keypairs.len(), items.len());
            for (keypair, raw) in list.keypairs.iter().zip(items) {
                assert_eq!(Some(keypair.name.clone()), text(&raw["keypair"]["name"]));
                assert_eq!(
                    Some(keypair.fingerprint.clone()),
                    text(&raw["keypair"]["fingerprint"])
                );
            }
            assert_eq!(
                list.next_page().is_some(),
                raw.get("keypairs_links").is_some(),
                "{name}"
            );
        } else if name.contains("-post-resp") {
            let body: CreatedKeyPairBody = decode(&path);
            let generated = !name.contains("import");
            assert_eq!(body.keypair.private_key.is_some(), generated, "{name}");
            if let Some(private_key) = &body.keypair.private_key {
                assert!(private_key.expose().starts_with("-----BEGIN"));
                assert!(
                    !format!("{body:?}").contains("BEGIN"),
                    "the private key leaks through Debug"
                );
            }
            check_fingerprint(&name, &body.keypair.public_key, &body.keypair.fingerprint);
        } else {
            let body: KeyPairBody = decode(&path);
            assert_eq!(body.keypair.id, raw["keypair"]["id"].as_u64());
            assert_eq!(body.keypair.created_at, text(&raw["keypair"]["created_at"]));
            check_fingerprint(&name, &body.keypair.public_key, &body.keypair.fingerprint);
        }
        counts.samples += 1;
    }

    for path in dir("responses/limits") {
        let body: LimitsBody = decode(&path);
        let raw = raw(&path);
        let absolute = &body.limits.absolute;
        assert_eq!(
            absolute.max_total_instances,
            raw["limits"]["absolute"]["maxTotalInstances"].as_i64()
        );
        assert_eq!(
            absolute.max_total_ram_size,
            raw["limits"]["absolute"]["maxTotalRAMSize"].as_i64()
        );
        assert_eq!(
            absolute.total_cores_used,
            raw["limits"]["absolute"]["totalCoresUsed"].as_i64()
        );
        assert_eq!(absolute.instances_remaining(), Some(10));
        counts.samples += 1;
    }

    for path in dir("responses/servers")
        .into_iter()
        .chain(dir("responses/servers-sort"))
    {
        let name = file_name(&path);
        let raw = raw(&path);
        if name.starts_with("server-create-resp") {
            let body: CreatedServerBody = decode(&path);
            assert_eq!(Some(body.server.id.clone()), text(&raw["server"]["id"]));
            assert_eq!(
                body.server
                    .admin_pass
                    .as_ref()
                    .map(|pass| pass.expose().to_owned()),
                text(&raw["server"]["adminPass"])
            );
            assert_eq!(
                body.server.security_groups.len(),
                raw["server"]["security_groups"]
                    .as_array()
                    .map_or(0, Vec::len)
            );
            assert!(
                !format!("{body:?}").contains(body.server.admin_pass.as_ref().unwrap().expose()),
                "adminPass leaks"
            );
        } else if name.starts_with("servers-") {
            let list: ServerList = decode(&path);
            let items = raw["servers"].as_array().unwrap();
            assert_eq!(list.servers.len(), items.len(), "{name}");
            list.servers
                .iter()
                .zip(items)
                .for_each(|(server, raw)| check_server(&path, server, raw));
            assert_eq!(
                list.next_page().is_some(),
                raw.get("servers_links").is_some(),
                "{name}"
            );
        } else if name.starts_with("server-fault-objects") {
            for (case, raw) in raw.as_object().unwrap() {
                let server: Server = serde_json::from_value(raw.clone())
                    .unwrap_or_else(|err| panic!("{case}: {err}"));
                assert_eq!(
                    server.fault.as_ref().map(|fault| fault.message.as_str()),
                    raw["fault"]["message"].as_str()
                );
                assert_eq!(
                    server
                        .fault
                        .as_ref()
                        .and_then(|fault| fault.details.clone()),
                    text(&raw["fault"]["details"])
                );
            }
        } else if raw
            .get("server")
            .is_some_and(|server| server.get("id").is_some())
        {
            // GET/PUT/rebuild responses: the full server.
            let body: ServerBody = decode(&path);
            check_server(&path, &body.server, &raw["server"]);
        } else {
            continue; // createImage / server groups: not console APIs.
        }
        counts.samples += 1;
    }

    for path in dir("responses/errors") {
        let name = file_name(&path);
        let status: u16 = name.split('-').nth(2).unwrap().parse().unwrap();
        let error = ApiError::from_response(status, &std::fs::read(&path).unwrap());
        let raw = raw(&path);
        let (fault, detail) = raw.as_object().unwrap().iter().next().unwrap();
        assert_eq!(error.fault.as_deref(), Some(fault.as_str()), "{name}");
        assert_eq!(error.message, detail["message"].as_str().unwrap(), "{name}");
        assert_eq!(error.status, status);
        let over_limit = fault == "overLimit";
        assert_eq!(error.kind == ErrorKind::OverLimit, over_limit, "{name}");
        assert_eq!(
            error.retry_after,
            over_limit.then_some(4),
            "{name}: retryAfter is a string in Nova"
        );
        assert_eq!(error.is_retryable(), over_limit, "{name}");
        counts.samples += 1;
    }
}

fn check_fingerprint(name: &str, public_key: &str, fingerprint: &str) {
    let key = validate::public_key(public_key).unwrap_or_else(|err| panic!("{name}: {err}"));
    assert_eq!(
        key.fingerprint(),
        fingerprint,
        "{name}: Nova's fingerprint is the MD5 of the key blob"
    );
}

/// Requests ecs-api builds, with the schema Nova applies at the console's microversion.
fn built_requests() -> Vec<(&'static str, &'static str, Value)> {
    let boot = BlockDeviceMapping::boot_volume_from_image(
        "70a599e0-31e7-49b7-b260-868f441e862b",
        40,
        Some("SSD".into()),
        true,
    );
    let full = CreateServer {
        key_name: Some("demo2".into()),
        availability_zone: Some("az1".into()),
        security_groups: vec![SecurityGroupName {
            name: "default".into(),
        }],
        metadata: [("purpose".to_owned(), "web".to_owned())].into(),
        user_data: Some(validate::encode_user_data(b"#!/bin/sh\necho hello\n").unwrap()),
        min_count: Some(1),
        max_count: Some(2),
        admin_pass: Some(Secret::new("s3cret-Pass")),
        ..CreateServer::boot_from_volume(
            "web-01",
            "c1.large",
            boot.clone(),
            NetworkChoice::network("fb68519f-a7c0-476e-98d4-2e4cf6de6def"),
        )
    };
    let ports = NetworkChoice::List(vec![
        NetworkRequest {
            uuid: Some("fb68519f-a7c0-476e-98d4-2e4cf6de6def".into()),
            fixed_ip: Some("192.168.0.10".into()),
            ..Default::default()
        },
        NetworkRequest {
            port: Some("ac7b8f0e-3a9c-4b4e-9c55-2b7d1f1c0a11".into()),
            ..Default::default()
        },
    ]);
    let create = "POST /servers";
    let keypairs = "POST /os-keypairs";
    vec![
        (create, "request body", full.to_body()),
        (
            create,
            "request body",
            CreateServer::boot_from_volume("minimal", "1", boot.clone(), NetworkChoice::Auto)
                .to_body(),
        ),
        (
            create,
            "request body",
            CreateServer::boot_from_volume("no-net", "1", boot.clone(), NetworkChoice::None)
                .to_body(),
        ),
        (
            create,
            "request body",
            CreateServer::boot_from_volume("ports", "1", boot.clone(), ports).to_body(),
        ),
        (
            create,
            "request body",
            CreateServer {
                image_ref: Some("70a599e0-31e7-49b7-b260-868f441e862b".into()),
                block_device_mapping_v2: Vec::new(),
                ..CreateServer::boot_from_volume("from-image", "1", boot, NetworkChoice::Auto)
            }
            .to_body(),
        ),
        (
            keypairs,
            "request body",
            CreateKeyPair {
                name: "demo1".into(),
                key_type: Some("ssh".into()),
            }
            .to_body(),
        ),
        (
            keypairs,
            "request body",
            CreateKeyPair {
                name: "demo 1_a-b".into(),
                key_type: None,
            }
            .to_body(),
        ),
        (
            keypairs,
            "request body",
            ImportKeyPair {
                name: "demo2".into(),
                public_key: "ssh-ed25519 AAAA x".into(),
                key_type: Some("ssh".into()),
            }
            .to_body(),
        ),
        (
            "POST /servers/{id}/action (os-start)",
            "request body",
            ServerAction::Start.to_body(),
        ),
        (
            "POST /servers/{id}/action (os-stop)",
            "request body",
            ServerAction::Stop.to_body(),
        ),
        (
            "POST /servers/{id}/action (reboot)",
            "request body",
            ServerAction::Reboot(RebootType::Soft).to_body(),
        ),
        (
            "POST /servers/{id}/action (reboot)",
            "request body",
            ServerAction::Reboot(RebootType::Hard).to_body(),
        ),
    ]
}

fn check_request_schemas(counts: &mut Counts) {
    let reference = nova_ref::reference();
    let version = CONSOLE_MICROVERSION.to_string();
    for (endpoint, kind, body) in built_requests() {
        let schema = reference
            .schema_for(endpoint, kind, &version)
            .unwrap_or_else(|| panic!("no Nova schema for {endpoint} at {version}"));
        reference.validate(&schema, &body).unwrap_or_else(|errors| {
            panic!("{endpoint} body {body} is invalid against {schema}: {errors:#?}")
        });
        counts.schemas += 1;
    }
    assert_eq!(
        reference
            .schema_for("POST /servers", "request body", &version)
            .as_deref(),
        Some("servers-create-v2.67.json")
    );

    // The boot mapping against the BDM v2 item schema for 2.67+ on its own.
    let boot = BlockDeviceMapping::boot_volume_from_image(
        "70a599e0-31e7-49b7-b260-868f441e862b",
        1,
        Some("SSD".into()),
        false,
    );
    reference
        .validate(
            "servers-block-device-mapping-v2-item-v2.67.json",
            &serde_json::to_value(&boot).unwrap(),
        )
        .unwrap();
    counts.schemas += 1;

    // The guide's body (strings for numbers and booleans) is what ECS accepts; after a tolerant
    // decode and re-encode it is valid for Nova too.
    let guide: CreateServer = CreateServer::parse_body(
        json!({"server": {"flavorRef": "c1.large", "name": "zttestvm1", "block_device_mapping_v2": [{
            "source_type": "image", "destination_type": "volume", "volume_type": "SSD", "volume_size": "40",
            "delete_on_termination": "true", "uuid": "11e8f727-d439-4ed1-b3b8-33f46c0379c4", "boot_index": "0"}],
            "networks": [{"uuid": "fb68519f-a7c0-476e-98d4-2e4cf6de6def"}], "key_name": "demo2", "availability_zone": "az_test_01"}})
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    reference
        .validate("servers-create-v2.67.json", &guide.to_body())
        .unwrap();
    counts.schemas += 1;

    // Nova's own request samples decode with our (tolerant) request types, as the simulator needs.
    for path in reference.list("requests/servers") {
        let name = file_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        if name.starts_with("server-create-req") {
            let request =
                CreateServer::parse_body(&bytes).unwrap_or_else(|err| panic!("{name}: {err}"));
            assert!(
                !request.name.is_empty() && !request.flavor_ref.is_empty(),
                "{name}"
            );
        } else if [
            "server-action-start.json",
            "server-action-stop.json",
            "server-action-reboot.json",
        ]
        .contains(&name.as_str())
        {
            ServerAction::parse_body(&bytes).unwrap_or_else(|err| panic!("{name}: {err}"));
        }
    }
    for path in reference.list("requests/os-keypairs") {
        let request =
            ecs_api::requests::KeyPairRequest::parse_body(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            request.public_key.is_some(),
            file_name(&path).contains("import"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn conformance_with_nova_reference_data() {
    let mut counts = Counts::default();
    check_response_samples(&mut counts);
    check_request_schemas(&mut counts);
    println!(
        "checked {} samples, {} schemas",
        counts.samples, counts.schemas
    );
    assert!(
        counts.samples >= 130,
        "only {} samples checked",
        counts.samples
    );
    assert!(counts.schemas >= 12);
}

#[test]
fn spot_checks() {
    let reference = nova_ref::reference();
    let server: ServerBody =
        serde_json::from_value(reference.json("responses/servers/server-get-resp.json")).unwrap();
    let server = server.server;
    assert_eq!(server.id, "0e44cc9c-e052-415d-afbf-469b0d384170");
    assert_eq!(server.status, ServerStatus::Active);
    assert_eq!(server.power_state, Some(PowerState::Running));
    assert_eq!(server.task_state, None);
    assert!(!server.is_transitional());
    assert_eq!(server.flavor_label(), Some("1"));
    assert_eq!(
        server.launched_at.as_deref(),
        Some("2013-09-23T13:37:00.880302")
    );
    assert_eq!(
        server
            .volumes_attached
            .iter()
            .map(|volume| volume.id.as_str())
            .collect::<Vec<_>>(),
        ["volume_id1", "volume_id2"]
    );
    let (network, address) = server.all_addresses().next().unwrap();
    assert_eq!(
        (network, address.addr.as_str(), address.ip_type.as_deref()),
        ("private", "192.168.1.30", Some("fixed"))
    );
    assert_eq!(address.mac_addr.as_deref(), Some("00:0c:29:0d:11:74"));

    let down: ServerBody = serde_json::from_value(
        reference.json("responses/servers/server-get-down-cell-resp-v2.71.json"),
    )
    .unwrap();
    assert_eq!(down.server.status, ServerStatus::Unknown);
    assert_eq!(down.server.power_state, Some(PowerState::NoState));
    assert_eq!(
        down.server
            .flavor
            .as_ref()
            .and_then(|flavor| flavor.original_name.as_deref()),
        Some("m1.tiny")
    );

    let flavor: FlavorBody =
        serde_json::from_value(reference.json("responses/flavors/flavor-get-resp-v2.75.json"))
            .unwrap();
    assert_eq!(
        flavor
            .flavor
            .extra_specs
            .get("hw:cpu_policy")
            .map(String::as_str),
        Some("shared")
    );
    assert_eq!(
        flavor.flavor.description.as_deref(),
        Some("test description")
    );

    let keypairs: KeyPairList = serde_json::from_value(
        reference.json("responses/os-keypairs/keypairs-list-user2-resp-v2.35.json"),
    )
    .unwrap();
    let compute =
        ecs_api::urls::ComputeEndpoint::new("/proxy/compute", "6f70656e737461636b20342065766572")
            .unwrap();
    assert_eq!(
        compute.next_page(&keypairs.keypairs_links).as_deref(),
        Some(
            "/proxy/compute/v2.1/6f70656e737461636b20342065766572/os-keypairs?limit=1&marker=keypair-5d935425-31d5-48a7-a0f1-e76e9813f2c3&user_id=user2"
        )
    );

    let versions: VersionsDocument =
        serde_json::from_value(reference.json("responses/versions/versions-get-resp.json"))
            .unwrap();
    let v21 = versions.v2_1().unwrap();
    assert_eq!(v21.min_microversion(), Some("2.1".parse().unwrap()));
    assert_eq!(v21.max_microversion(), Some("2.104".parse().unwrap()));
}
