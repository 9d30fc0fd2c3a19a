//! Conformance with the reference data of the services beside Nova (`../shared/glance-api`,
//! `../shared/neutron-api`, read with `nova_ref::shared`) and with Nova's samples for what a
//! server offers once created (console output, remote consoles, security groups, password):
//! every response sample decodes, what the models keep equals the sample, Glance images
//! validate against Glance's own image schema, request bodies equal the samples. Also the
//! catalog lookups and error bodies of Glance and Neutron.

use std::path::Path;

use base64::Engine as _;
use ecs_api::CONSOLE_MICROVERSION;
use ecs_api::connect;
use ecs_api::decode::{DecodeKind, decode_kind};
use ecs_api::error::{ApiError, ErrorKind};
use ecs_api::identity::{Token, service_type};
use ecs_api::models::*;
use ecs_api::os::ImageProperties;
use ecs_api::requests::{
    ConsoleOutputRequest, CreateFloatingIp, CreateServer, NovaRequest, RemoteConsoleRequest,
    UpdateFloatingIp,
};
use ecs_api::urls::{ImageEndpoint, ImageQuery, NetworkEndpoint};
use nova_ref::SharedRef;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn raw(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Decodes `raw` as `T`, checks a serialize/decode round trip, and returns the model
/// re-serialized.
fn decode_as<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    context: &str,
    raw: &Value,
) -> (T, Value) {
    let decoded: T = serde_json::from_value(raw.clone()).unwrap_or_else(|err| {
        panic!(
            "{context} does not decode as {}: {err}",
            std::any::type_name::<T>()
        )
    });
    let encoded = serde_json::to_value(&decoded).unwrap();
    let again: T = serde_json::from_value(encoded.clone()).unwrap();
    assert_eq!(again, decoded, "{context} does not round-trip");
    (decoded, encoded)
}

/// Every field the model kept holds the sample's value (objects and lists of objects
/// compared member by member; keys the model leaves out, or the sample lacks, are skipped).
fn assert_kept_as_in_sample(context: &str, sample: &Value, kept: &Value) {
    match (sample, kept) {
        (Value::Object(sample), Value::Object(kept)) => {
            for (key, value) in kept {
                if let Some(original) = sample.get(key) {
                    assert_kept_as_in_sample(&format!("{context}.{key}"), original, value);
                }
            }
        }
        (Value::Array(sample), Value::Array(kept)) if sample.len() == kept.len() => {
            for (index, (original, value)) in sample.iter().zip(kept).enumerate() {
                assert_kept_as_in_sample(&format!("{context}[{index}]"), original, value);
            }
        }
        (original, value) => assert_eq!(value, original, "{context}"),
    }
}

fn check<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    context: &str,
    raw: &Value,
) -> T {
    let (decoded, encoded) = decode_as::<T>(context, raw);
    assert_kept_as_in_sample(context, raw, &encoded);
    decoded
}

// ---------------------------------------------------------------- Glance

fn glance() -> &'static SharedRef {
    nova_ref::shared("glance-api")
}

const IMAGE_SCHEMA: &str = "schemas/image-show-response.json";

#[test]
fn glance_samples_decode_and_validate_against_glances_schema() {
    let glance = glance();
    let mut images_checked = 0;
    for path in glance.list("responses") {
        let name = file_name(&path);
        let sample = raw(&path);
        let images: Vec<(String, Value)> = match sample.get("images") {
            Some(Value::Array(list)) => {
                let decoded: GlanceImageList = check(&name, &sample);
                assert_eq!(decoded.images.len(), list.len(), "{name}");
                assert_eq!(decoded.first.as_deref(), sample["first"].as_str(), "{name}");
                assert_eq!(decoded.next_page(), sample["next"].as_str(), "{name}");
                let encoded = serde_json::to_value(&decoded).unwrap();
                glance
                    .validate("schemas/images-list-response.json", &encoded)
                    .unwrap_or_else(|errors| panic!("{name} re-encoded: {errors:?}"));
                list.iter()
                    .enumerate()
                    .map(|(index, image)| (format!("{name}[{index}]"), image.clone()))
                    .collect()
            }
            _ => vec![(name.clone(), sample)],
        };
        for (context, image) in images {
            glance
                .validate(IMAGE_SCHEMA, &image)
                .unwrap_or_else(|errors| panic!("the sample {context} itself: {errors:?}"));
            let decoded: GlanceImage = check(&context, &image);
            assert_eq!(decoded.id, image["id"].as_str().unwrap(), "{context}");
            assert_eq!(
                decoded.name,
                image["name"].as_str().map(str::to_owned),
                "{context}"
            );
            assert_eq!(
                decoded.status,
                image["status"].as_str().unwrap(),
                "{context}"
            );
            assert_eq!(decoded.size, image["size"].as_u64(), "{context}");
            assert_eq!(
                decoded.min_disk,
                image["min_disk"].as_u64().unwrap(),
                "{context}"
            );
            assert_eq!(
                decoded.min_ram,
                image["min_ram"].as_u64().unwrap(),
                "{context}"
            );
            let encoded = serde_json::to_value(&decoded).unwrap();
            glance
                .validate(IMAGE_SCHEMA, &encoded)
                .unwrap_or_else(|errors| panic!("{context} re-encoded: {errors:?}"));
            images_checked += 1;
        }
    }
    assert!(images_checked >= 5, "{images_checked} images");
}

#[test]
fn glance_images_with_properties_validate_and_reach_the_console_view() {
    let glance = glance();
    let mut sample = glance.json("responses/image-show-response.json");
    sample["os_distro"] = json!("ubuntu");
    sample["os_version"] = json!("22.04");
    sample["os_type"] = json!("linux");
    sample["os_admin_user"] = json!("ubuntu");
    sample["__os_bit"] = json!("64");
    glance.validate(IMAGE_SCHEMA, &sample).unwrap();
    let image: GlanceImage = check("with properties", &sample);
    assert_eq!(image.os_admin_user(), Some("ubuntu"));
    glance
        .validate(IMAGE_SCHEMA, &serde_json::to_value(&image).unwrap())
        .unwrap();
    let view = image.to_image();
    assert_eq!(
        (view.id.as_str(), view.status.as_deref(), view.size),
        (
            "1bea47ed-f6a9-463b-b423-14b9cca9ad27",
            Some("ACTIVE"),
            Some(13_167_616)
        )
    );
    assert_eq!(
        (view.os_type(), view.platform(), view.os_version()),
        (Some("Linux"), Some("Ubuntu"), Some("22.04"))
    );
    assert_eq!(view.metadata["__os_bit"], "64");
    assert_eq!(connect::login_user(Some(&image)).user, "ubuntu");

    // The plain sample: a CirrOS image known by its name only.
    let cirros: GlanceImage = check("show", &glance.json("responses/image-show-response.json"));
    assert_eq!(connect::login_user(Some(&cirros)).user, "cirros");
    assert_eq!(cirros.os_type(), None);

    // Glance rejects a non-string property: so does its schema, and the model keeps it as
    // text, which Glance would accept.
    let mut bad = sample.clone();
    bad["hw_disk_bus_count"] = json!(2);
    assert!(glance.validate(IMAGE_SCHEMA, &bad).is_err());
    let image: GlanceImage = serde_json::from_value(bad).unwrap();
    glance
        .validate(IMAGE_SCHEMA, &serde_json::to_value(&image).unwrap())
        .unwrap();
}

#[test]
fn glance_pages_are_followed_from_the_endpoint() {
    let list: GlanceImageList = serde_json::from_value(json!({
        "images": [],
        "first": "/v2/images?status=active",
        "next": "/v2/images?marker=781b3762-9469-4cec-b58d-3349e5de4e9c&status=active",
        "schema": "/v2/schemas/images"
    }))
    .unwrap();
    let glance = ImageEndpoint::new("/proxy/image").unwrap();
    assert_eq!(
        glance.images(&ImageQuery::active()),
        "/proxy/image/v2/images?status=active"
    );
    assert_eq!(
        list.next_page()
            .and_then(|next| glance.follow(next))
            .as_deref(),
        Some("/proxy/image/v2/images?marker=781b3762-9469-4cec-b58d-3349e5de4e9c&status=active")
    );
    let last: GlanceImageList = serde_json::from_value(json!({"images": [], "next": ""})).unwrap();
    assert_eq!(last.next_page(), None);
}

// ---------------------------------------------------------------- Neutron

fn neutron() -> &'static SharedRef {
    nova_ref::shared("neutron-api")
}

/// Top-level keys of Neutron samples the console does not read (subnet pools, availability
/// zones, the onboard-subnets answer `{subnetpool_id, cidr}`, version documents).
const UNREAD_NEUTRON_KEYS: [&str; 8] = [
    "availability_zones",
    "floatingip_pools",
    "subnetpool",
    "subnetpools",
    "subnetpool_id",
    "prefixes",
    "resources",
    "versions",
];

#[test]
fn neutron_response_samples_decode_as_sent() {
    let neutron = neutron();
    let mut decoded_files = 0;
    for folder in [
        "networks",
        "subnets",
        "ports",
        "security-groups",
        "floatingips",
        "availability-zones",
    ] {
        for path in neutron.list(folder) {
            let name = file_name(&path);
            if !name.ends_with("-response.json") {
                continue;
            }
            let sample = raw(&path);
            let keys: Vec<&String> = sample.as_object().unwrap().keys().collect();
            let key = match keys.as_slice() {
                [only] => (*only).clone(),
                several => several
                    .iter()
                    .find(|key| UNREAD_NEUTRON_KEYS.contains(&key.as_str()))
                    .map(|key| (*key).clone())
                    .unwrap_or_else(|| panic!("{name}: keys {several:?}")),
            };
            let context = format!("{folder}/{name}");
            match key.as_str() {
                "networks" => {
                    let list: NeutronNetworkList = check(&context, &sample);
                    for (network, original) in list
                        .networks
                        .iter()
                        .zip(sample["networks"].as_array().unwrap())
                    {
                        assert_eq!(
                            network.external,
                            original["router:external"].as_bool().unwrap_or(false),
                            "{context}"
                        );
                    }
                }
                "network" => {
                    check::<NeutronNetworkBody>(&context, &sample);
                }
                "subnets" => {
                    let list: SubnetList = check(&context, &sample);
                    assert!(
                        list.subnets.iter().all(|subnet| subnet.version().is_some()),
                        "{context}"
                    );
                }
                "subnet" => {
                    check::<SubnetBody>(&context, &sample);
                }
                "ports" => {
                    check::<PortList>(&context, &sample);
                }
                "port" => {
                    let body: PortBody = check(&context, &sample);
                    assert_eq!(
                        body.port.fixed_ips.len(),
                        sample["port"]["fixed_ips"].as_array().map_or(0, Vec::len),
                        "{context}"
                    );
                }
                "security_groups" => {
                    check::<SecurityGroupList>(&context, &sample);
                }
                "security_group" => {
                    check::<SecurityGroupBody>(&context, &sample);
                }
                "security_group_rules" => {
                    check::<SecurityGroupRuleList>(&context, &sample);
                }
                "security_group_rule" => {
                    check::<SecurityGroupRuleBody>(&context, &sample);
                }
                "floatingips" => {
                    check::<FloatingIpList>(&context, &sample);
                }
                "floatingip" => {
                    check::<FloatingIpBody>(&context, &sample);
                }
                other if UNREAD_NEUTRON_KEYS.contains(&other) => continue,
                other => panic!("{context}: unexpected top-level key {other:?}"),
            }
            decoded_files += 1;
        }
    }
    assert!(decoded_files >= 30, "{decoded_files} files");
}

#[test]
fn neutron_samples_read_right() {
    let neutron = neutron();
    let groups: SecurityGroupList = check(
        "list",
        &neutron.json("security-groups/security-groups-list-response.json"),
    );
    let default = &groups.security_groups[0];
    assert_eq!(default.name, "default");
    assert_eq!(default.ingress_rules().count(), 2);
    assert_eq!(
        connect::summarize_ingress(default, &groups.security_groups),
        "all traffic from this group"
    );
    assert_eq!(
        connect::tcp_port_access([default], connect::SSH_PORT),
        connect::PortAccess::Closed,
        "Neutron's default group admits its own members only"
    );

    let rule: SecurityGroupRuleBody = check(
        "rule",
        &neutron.json("security-groups/security-group-rule-show-response.json"),
    );
    let rule = rule.security_group_rule;
    assert!(!rule.is_ingress() && rule.is_ipv6() && !rule.is_from_group());
    assert_eq!((rule.protocol, rule.port_range_min), (None, None));

    let ips: FloatingIpList = check(
        "fips",
        &neutron.json("floatingips/floating-ips-list-response.json"),
    );
    assert_eq!(ips.floatingips.len(), 3);
    assert!(ips.floatingips[0].is_associated());
    assert_eq!(
        ips.unassociated(Some("376da547-b977-4cfe-9cba-275c80debf57"))
            .map(|ip| ip.floating_ip_address.as_str()),
        Some("172.24.4.227")
    );

    let ports: PortList = check("ports", &neutron.json("ports/ports-list-response.json"));
    assert_eq!(
        ports.ports[0].device_id,
        "9ae135f4-b6e0-4dad-9e91-3c223e385824"
    );
    assert_eq!(ports.ports[0].ipv4_address(), Some("172.24.4.2"));
    assert_eq!(ports.ports[0].mac_address, "fa:16:3e:58:42:ed");

    let networks: NeutronNetworkList = check(
        "nets",
        &neutron.json("networks/networks-list-response.json"),
    );
    let subnet: SubnetBody = check("subnet", &neutron.json("subnets/subnet-show-response.json"));
    let view = networks.networks[0].to_network(std::slice::from_ref(&subnet.subnet));
    assert_eq!(
        (
            view.label.as_str(),
            view.cidr.as_deref(),
            view.gateway.as_deref()
        ),
        ("net1", Some("192.0.0.0/8"), Some("192.0.0.1"))
    );
    assert_eq!(networks.nic_choices().count(), 2);
    assert_eq!(networks.floating_ip_pools().count(), 0);
}

#[test]
fn neutron_request_bodies_equal_the_samples() {
    let neutron = neutron();
    assert_eq!(
        UpdateFloatingIp::associate("fc861431-0e6c-4842-a0ed-e2363f9bc3a8").to_body(),
        neutron.json("floatingips/floatingip-update-request.json")
    );
    assert_eq!(
        UpdateFloatingIp::disassociate().to_body(),
        neutron.json("floatingips/floatingip-disassociate-request.json")
    );
    let sample = neutron.json("floatingips/floatingip-create-request.json");
    let create = CreateFloatingIp::parse_body(sample.to_string().as_bytes()).unwrap();
    assert_eq!(
        create.floating_network_id,
        "376da547-b977-4cfe-9cba-275c80debf57"
    );
    assert_eq!(
        create.port_id.as_deref(),
        Some("ce705c24-c1ef-408a-bda3-7bbd946164ab")
    );
    assert_kept_as_in_sample("create", &sample, &create.to_body());
    assert_eq!(
        CreateFloatingIp::from_pool("376da547-b977-4cfe-9cba-275c80debf57").to_body(),
        json!({"floatingip": {"floating_network_id": "376da547-b977-4cfe-9cba-275c80debf57"}})
    );
    let neutron_urls = NetworkEndpoint::new("/proxy/network").unwrap();
    assert_eq!(
        neutron_urls.floating_ip("2f245a7b-796b-4f26-9cf9-9e82d248fda7"),
        "/proxy/network/v2.0/floatingips/2f245a7b-796b-4f26-9cf9-9e82d248fda7"
    );
}

// ---------------------------------------------------------------- Nova: after create

#[test]
fn nova_console_samples() {
    let nova = nova_ref::reference();
    assert_eq!(
        ConsoleOutputRequest::last_lines(50).to_body(),
        nova.json("requests/os-console-output/console-output-post-req.json")
    );
    assert_eq!(
        ConsoleOutputRequest::parse_body(br#"{"os-getConsoleOutput": {"length": "-1"}}"#)
            .unwrap()
            .lines(),
        None,
        "-1 is the whole log"
    );
    assert_eq!(
        ConsoleOutputRequest::parse_body(br#"{"os-getConsoleOutput": {}}"#).unwrap(),
        ConsoleOutputRequest::default()
    );
    let output: ConsoleOutput = check(
        "console output",
        &nova.json("responses/os-console-output/console-output-post-resp.json"),
    );
    assert_eq!(output.output, "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE");
    assert_eq!(connect::host_key_fingerprints(&output.output), None);

    assert_eq!(
        RemoteConsoleRequest::novnc().to_body(),
        nova.json("requests/os-remote-consoles/create-vnc-console-req-v2.6.json")
    );
    let mut consoles = 0;
    for path in nova.list("responses/os-remote-consoles") {
        let name = file_name(&path);
        let sample = raw(&path);
        let body: RemoteConsoleBody =
            serde_json::from_value(sample.clone()).unwrap_or_else(|err| panic!("{name}: {err}"));
        let original = sample
            .get("remote_console")
            .or(sample.get("console"))
            .unwrap();
        assert_eq!(
            body.remote_console.url,
            original["url"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            body.remote_console.console_type,
            original["type"].as_str().unwrap(),
            "{name}"
        );
        consoles += 1;
    }
    assert_eq!(consoles, 7);
    let vnc: RemoteConsoleBody = check(
        "vnc",
        &nova.json("responses/os-remote-consoles/create-vnc-console-resp-v2.6.json"),
    );
    assert_eq!(
        vnc.remote_console.browser_url(),
        Some(
            "http://example.com:6080/vnc_auto.html?path=%3Ftoken%3Db60bcfc3-5fd4-4d21-986c-e83379107819"
        )
    );
    let serial: RemoteConsoleBody = check(
        "serial",
        &nova.json("responses/os-remote-consoles/get-serial-console-post-resp.json"),
    );
    assert_eq!(
        serial.remote_console.browser_url(),
        None,
        "ws:// is not opened in a tab"
    );
}

#[test]
fn nova_security_group_samples() {
    let nova = nova_ref::reference();
    for sample in [
        "responses/os-security-groups/security-groups-list-get-resp.json",
        "responses/os-security-groups/server-security-groups-list-resp.json",
    ] {
        let list: NovaSecurityGroupList = check(sample, &nova.json(sample));
        let groups = list.to_security_groups();
        assert_eq!(groups[0].name, "default", "{sample}");
        assert_eq!(groups[0].id, "4e469db4-3b60-43c7-8dfa-2c60e2f27075");
        assert_eq!(
            connect::summarize_ingress(&groups[0], &groups),
            "no inbound rules"
        );
    }
    for sample in [
        "responses/os-security-groups/security-groups-get-resp.json",
        "responses/os-security-groups/security-groups-create-resp.json",
    ] {
        check::<NovaSecurityGroupBody>(sample, &nova.json(sample));
    }
    let rule: NovaSecurityGroupRuleBody = check(
        "rule",
        &nova.json("responses/os-security-groups/security-group-rules-post-resp.json"),
    );
    let group = NovaSecurityGroup {
        id: "d6f86d8c-06ef-4bef-8e7c-8bf8f9ba9b7a".into(),
        name: "ssh-office".into(),
        rules: vec![rule.security_group_rule],
        ..NovaSecurityGroup::default()
    }
    .to_security_group();
    assert_eq!(
        connect::summarize_ingress(&group, &[]),
        "SSH (22) from 10.0.0.0/24"
    );
    assert_eq!(
        connect::tcp_port_access([&group], connect::SSH_PORT),
        connect::PortAccess::OnlyFrom(vec!["10.0.0.0/24".into()])
    );
}

#[test]
fn nova_server_password_sample() {
    let nova = nova_ref::reference();
    let sample = nova.json("responses/os-server-password/get-password-resp.json");
    let password: ServerPassword = check("password", &sample);
    assert!(password.is_set());
    let ciphertext = base64::engine::general_purpose::STANDARD
        .decode(&password.password)
        .unwrap();
    assert_eq!(ciphertext.len(), 256, "one RSA-2048 block");
}

#[test]
fn creating_with_security_groups_validates_against_novas_schema() {
    let nova = nova_ref::reference();
    let schema = nova
        .schema_for(
            "POST /servers",
            "request body",
            &CONSOLE_MICROVERSION.to_string(),
        )
        .unwrap();
    let boot = ecs_api::requests::BlockDeviceMapping::boot_volume_from_image(
        "70a599e0-31e7-49b7-b260-868f441e862b",
        40,
        None,
        true,
    );
    let request = CreateServer::boot_from_volume(
        "web-01",
        "c1.large",
        boot,
        ecs_api::requests::NetworkChoice::Auto,
    )
    .with_security_groups(["default", "web", "default", " "]);
    let body = request.to_body();
    assert_eq!(
        body["server"]["security_groups"],
        json!([{"name": "default"}, {"name": "web"}])
    );
    nova.validate(&schema, &body)
        .unwrap_or_else(|errors| panic!("{errors:?}"));
    assert_eq!(
        request.security_group_names().collect::<Vec<_>>(),
        ["default", "web"]
    );
    let none = request.with_security_groups(Vec::<String>::new()).to_body();
    assert!(
        none["server"].get("security_groups").is_none(),
        "omitted when empty"
    );
}

// ---------------------------------------------------------------- decode kinds

#[test]
fn every_new_kind_decodes_a_reference_sample() {
    let nova = nova_ref::reference();
    let glance = glance();
    let neutron = neutron();
    let cases: [(DecodeKind, Vec<u8>); 14] = [
        (
            DecodeKind::ConsoleOutput,
            nova.bytes("responses/os-console-output/console-output-post-resp.json"),
        ),
        (
            DecodeKind::RemoteConsole,
            nova.bytes("responses/os-remote-consoles/create-vnc-console-resp-v2.6.json"),
        ),
        (
            DecodeKind::ServerPassword,
            nova.bytes("responses/os-server-password/get-password-resp.json"),
        ),
        (
            DecodeKind::NovaSecurityGroups,
            nova.bytes("responses/os-security-groups/server-security-groups-list-resp.json"),
        ),
        (
            DecodeKind::GlanceImages,
            glance.bytes("responses/images-list-response.json"),
        ),
        (
            DecodeKind::GlanceImage,
            glance.bytes("responses/image-show-response.json"),
        ),
        (
            DecodeKind::NeutronNetworks,
            neutron.bytes("networks/networks-list-response.json"),
        ),
        (
            DecodeKind::NeutronNetwork,
            neutron.bytes("networks/network-show-response.json"),
        ),
        (
            DecodeKind::Subnets,
            neutron.bytes("subnets/subnets-list-response.json"),
        ),
        (
            DecodeKind::SecurityGroups,
            neutron.bytes("security-groups/security-groups-list-response.json"),
        ),
        (
            DecodeKind::SecurityGroup,
            neutron.bytes("security-groups/security-group-show-response.json"),
        ),
        (
            DecodeKind::Ports,
            neutron.bytes("ports/ports-list-response.json"),
        ),
        (
            DecodeKind::FloatingIps,
            neutron.bytes("floatingips/floating-ips-list-response.json"),
        ),
        (
            DecodeKind::FloatingIp,
            neutron.bytes("floatingips/floatingip-show-response.json"),
        ),
    ];
    for (kind, body) in cases {
        let value = decode_kind(kind, &body).unwrap_or_else(|err| panic!("{}: {err}", kind.name()));
        assert!(value.is_object(), "{}", kind.name());
        assert_eq!(kind.name().parse::<DecodeKind>().unwrap(), kind);
    }
    let wrong = decode_kind(
        DecodeKind::FloatingIps,
        br#"{"floatingips": [{"port_id": []}]}"#,
    )
    .unwrap_err();
    assert_eq!(wrong.what, "floating-ips");
    assert!(wrong.to_string().contains("floating-ips"), "{wrong}");
    let wrong = decode_kind(DecodeKind::GlanceImages, br#"{"images": {}}"#).unwrap_err();
    assert_eq!(wrong.what, "glance-images");
}

// ---------------------------------------------------------------- catalog and errors

fn token(catalog: Value) -> Token {
    let body = json!({"token": {"expires_at": "2099-01-01T00:00:00Z", "catalog": catalog}});
    Token::from_response(Some("t"), body.to_string().as_bytes()).unwrap()
}

fn service(kind: &str, endpoints: &[(&str, &str, &str)]) -> Value {
    json!({
        "type": kind,
        "name": kind,
        "endpoints": endpoints
            .iter()
            .map(|(interface, region, url)| json!({"interface": interface, "region_id": region, "region": region, "url": url}))
            .collect::<Vec<_>>(),
    })
}

#[test]
fn image_and_network_endpoints_follow_the_compute_rules() {
    let full = token(json!([
        service(
            "compute",
            &[
                ("public", "r1", "https://nova.r1/v2.1"),
                ("public", "r2", "https://nova.r2/v2.1")
            ]
        ),
        service(
            "image",
            &[
                ("internal", "r1", "http://glance.internal:9292"),
                ("public", "r1", "https://glance.r1"),
                ("public", "r2", "https://glance.r2/v2"),
            ]
        ),
        service(
            "network",
            &[
                ("admin", "r1", "http://neutron.admin:9696"),
                ("public", "r1", "https://neutron.r1:9696")
            ]
        ),
    ]));
    assert_eq!(full.image_endpoint(None), Some("https://glance.r1"));
    assert_eq!(
        full.image_endpoint(Some("r2")),
        Some("https://glance.r2/v2")
    );
    assert_eq!(
        full.network_endpoint(Some("r1")),
        Some("https://neutron.r1:9696")
    );
    assert_eq!(
        full.network_endpoint(Some("r2")),
        None,
        "no Neutron in r2: use Nova's proxies"
    );
    assert_eq!(full.image_endpoint(Some("r3")), None);
    assert_eq!(
        full.service_endpoint(service_type::COMPUTE, Some("r2")),
        full.compute_endpoint(Some("r2"))
    );
    let urls = ImageEndpoint::new(full.image_endpoint(Some("r2")).unwrap()).unwrap();
    assert_eq!(urls.image("i1"), "https://glance.r2/v2/images/i1");

    let nova_only = token(json!([service(
        "compute",
        &[("public", "r1", "https://nova/v2.1")]
    )]));
    assert_eq!(
        (
            nova_only.image_endpoint(None),
            nova_only.network_endpoint(None)
        ),
        (None, None)
    );
    let blank = token(json!([
        service("image", &[("public", "r1", " ")]),
        service("network", &[("public", "r1", "")])
    ]));
    assert_eq!(
        (blank.image_endpoint(None), blank.network_endpoint(None)),
        (None, None)
    );
}

#[test]
fn neutron_and_glance_errors_say_what_went_wrong() {
    let neutron = ApiError::from_response(
        409,
        br#"{"NeutronError": {"type": "FloatingIPPortAlreadyAssociated", "message": "Cannot associate floating IP 172.24.4.228 with port p1: it already has a floating IP.", "detail": ""}}"#,
    );
    assert_eq!(neutron.kind, ErrorKind::Conflict);
    assert_eq!(
        neutron.fault.as_deref(),
        Some("FloatingIPPortAlreadyAssociated")
    );
    assert!(
        neutron.message.starts_with("Cannot associate floating IP"),
        "{}",
        neutron.message
    );

    let not_found = ApiError::from_response(
        404,
        br#"{"message": "No image found with ID abc<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}"#,
    );
    assert_eq!(
        (
            not_found.kind,
            not_found.message.as_str(),
            not_found.fault.as_deref()
        ),
        (
            ErrorKind::NotFound,
            "No image found with ID abc",
            Some("Not Found")
        )
    );
    let status_from_body = ApiError::from_response(
        0,
        br#"{"message": "", "code": "403 Forbidden", "title": "Forbidden"}"#,
    );
    assert_eq!(
        (status_from_body.status, status_from_body.message.as_str()),
        (403, "Forbidden")
    );
}
