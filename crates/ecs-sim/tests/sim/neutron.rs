//! The simulator's Neutron: bodies with the keys and JSON types of neutron-lib's api-ref
//! samples (`../shared/neutron-api`), the networks of Nova's os-networks plus the external
//! `public`, one port per server NIC, and the floating IP life: allocate, associate (Nova shows
//! it in the server's addresses), disassociate, release; errors as `NeutronError`.

use std::time::Duration;

use ecs_sim::test_client::Reply;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Cloud, fast_config};
use crate::services::service_call;

/// Types Neutron's api-ref documents for an attribute that its samples never show: null
/// where nothing is attached (no QoS policy), a CIDR string for a rule's remote prefix.
const DOCUMENTED: [(&str, &str); 3] = [
    ("qos_policy_id", "null"),
    ("qos_network_policy_id", "null"),
    ("remote_ip_prefix", "string"),
];

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Problems of `actual` against `samples` (the same resource in several samples): every key
/// all samples have is there, every value has a JSON type a sample has there (or one of the
/// [`DOCUMENTED`] ones), objects and list items checked alike.
pub fn shape_problems(path: &str, actual: &Value, samples: &[&Value], problems: &mut Vec<String>) {
    let key = path.rsplit('.').next().unwrap_or_default();
    let kinds: Vec<&str> = samples.iter().map(|sample| type_name(sample)).collect();
    let documented = DOCUMENTED.contains(&(key, type_name(actual)));
    if actual.is_null() {
        if !kinds.contains(&"null") && !documented {
            problems.push(format!("{path}: null, the samples have {kinds:?}"));
        }
        return;
    }
    if !kinds.contains(&type_name(actual)) && !documented {
        problems.push(format!(
            "{path}: {}, the samples have {kinds:?}",
            type_name(actual)
        ));
        return;
    }
    match actual {
        Value::Object(object) => {
            let objects: Vec<&serde_json::Map<String, Value>> = samples
                .iter()
                .filter_map(|sample| sample.as_object())
                .collect();
            let mut keys: Vec<&String> = objects.iter().flat_map(|sample| sample.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let values: Vec<&Value> = objects
                    .iter()
                    .filter_map(|sample| sample.get(key))
                    .collect();
                match object.get(key) {
                    Some(value) => {
                        shape_problems(&format!("{path}.{key}"), value, &values, problems)
                    }
                    None if values.len() == objects.len() => {
                        problems.push(format!("{path}.{key}: missing"));
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) => {
            let sample_items: Vec<&Value> = samples
                .iter()
                .filter_map(|sample| sample.as_array())
                .flatten()
                .collect();
            if !sample_items.is_empty() {
                for item in items {
                    shape_problems(&format!("{path}[]"), item, &sample_items, problems);
                }
            }
        }
        _ => {}
    }
}

/// One resource as the samples show it: the items of `list_file`'s `collection` and the
/// `resource` objects of `object_files`.
pub fn samples(
    list_file: &str,
    collection: &str,
    object_files: &[&str],
    resource: &str,
) -> Vec<Value> {
    let neutron = nova_ref::shared("neutron-api");
    let mut samples: Vec<Value> = neutron.json(list_file)[collection]
        .as_array()
        .unwrap_or_else(|| panic!("{list_file} lists {collection}"))
        .clone();
    for file in object_files {
        samples.push(neutron.json(file)[resource].clone());
    }
    samples
}

/// Checks a list body (`{collection: [...]}`) and its items against `samples`.
fn check_list(
    what: &str,
    reply: &Reply,
    collection: &str,
    samples: &[Value],
    problems: &mut Vec<String>,
) {
    assert_eq!(reply.status, StatusCode::OK, "{what}: {}", reply.text);
    let items = reply.body[collection]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: a {collection} list in {}", reply.text));
    assert!(!items.is_empty(), "{what}: nothing to check");
    let refs: Vec<&Value> = samples.iter().collect();
    for item in items {
        shape_problems(what, item, &refs, problems);
    }
}

/// Checks the list at `list_path` (whose items are under `{item_key}s`) and the first listed
/// item, shown at the same path without its query plus `/{id}` (under `item_key`); returns
/// that item's id.
async fn check_list_and_first(
    cloud: &Cloud,
    list_path: &str,
    item_key: &str,
    samples: &[Value],
    problems: &mut Vec<String>,
) -> String {
    let list_key = format!("{item_key}s");
    let list = get(cloud, list_path).await;
    check_list(&list_key, &list, &list_key, samples, problems);
    let id = list.body[&list_key][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let collection = list_path.split('?').next().unwrap_or(list_path);
    let shown = get(cloud, &format!("{collection}/{id}")).await;
    check_object(item_key, &shown.body[item_key], samples, problems);
    id
}

fn check_object(what: &str, value: &Value, samples: &[Value], problems: &mut Vec<String>) {
    let refs: Vec<&Value> = samples.iter().collect();
    shape_problems(what, value, &refs, problems);
}

/// Asserts a `NeutronError` body of `status` and `kind` whose message starts with `message`.
pub fn assert_neutron_error(reply: &Reply, status: u16, kind: &str, message: &str) {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.text);
    let object = reply.body.as_object().expect("a JSON object");
    assert_eq!(object.len(), 1, "only NeutronError in {}", reply.text);
    let error = &reply.body["NeutronError"];
    assert_eq!(error["type"], kind, "{}", reply.text);
    assert_eq!(error["detail"], "", "{}", reply.text);
    let text = error["message"].as_str().expect("message");
    assert!(
        text.starts_with(message),
        "{text:?} should start with {message:?}"
    );
}

async fn neutron(cloud: &Cloud, method: Method, path: &str, body: Option<&Value>) -> Reply {
    service_call(&cloud.client, "network", method, path, body).await
}

async fn get(cloud: &Cloud, path: &str) -> Reply {
    neutron(cloud, Method::GET, path, None).await
}

/// Creates the guide's server and waits until it is ACTIVE; returns its id.
async fn active_server(cloud: &Cloud, name: &str) -> String {
    let id = cloud.client.create_server(name).await;
    cloud
        .client
        .wait_for(&id, Duration::from_secs(10), |reply| {
            reply.body["server"]["status"] == "ACTIVE"
        })
        .await;
    id
}

fn addresses_of(server: &Value) -> Vec<(String, String)> {
    server["addresses"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(_, entries)| entries.as_array().into_iter().flatten())
        .map(|entry| {
            (
                entry["OS-EXT-IPS:type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                entry["addr"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn bodies_have_the_samples_keys_and_types() {
    let cloud = Cloud::start(fast_config()).await;
    let server = active_server(&cloud, "shapes").await;
    let mut problems = Vec::new();

    let networks = samples(
        "networks/networks-list-response.json",
        "networks",
        &[
            "networks/network-show-response.json",
            "networks/network-create-response.json",
        ],
        "network",
    );
    check_list_and_first(&cloud, "v2.0/networks", "network", &networks, &mut problems).await;

    let subnets = samples(
        "subnets/subnets-list-response.json",
        "subnets",
        &["subnets/subnet-show-response.json"],
        "subnet",
    );
    check_list_and_first(&cloud, "v2.0/subnets", "subnet", &subnets, &mut problems).await;

    let ports = samples(
        "ports/ports-list-response.json",
        "ports",
        &["ports/port-show-response.json"],
        "port",
    );
    let ports_path = format!("v2.0/ports?device_id={server}");
    let port_id = check_list_and_first(&cloud, &ports_path, "port", &ports, &mut problems).await;

    // Every sample rule allows any protocol from anywhere: the create sample has ports.
    let rules = samples(
        "security-groups/security-group-rules-list-response.json",
        "security_group_rules",
        &[
            "security-groups/security-group-rule-show-response.json",
            "security-groups/security-group-rule-create-response.json",
        ],
        "security_group_rule",
    );
    let groups = samples(
        "security-groups/security-groups-list-response.json",
        "security_groups",
        &["security-groups/security-group-show-response.json"],
        "security_group",
    );
    let list = get(&cloud, "v2.0/security-groups").await;
    let mut bare = list.clone();
    for group in bare.body["security_groups"].as_array_mut().expect("groups") {
        for rule in group["security_group_rules"].as_array().expect("rules") {
            check_object("a group's rule", rule, &rules, &mut problems);
        }
        // Its rules are checked as rules.
        group["security_group_rules"] = json!([]);
    }
    check_list(
        "security groups",
        &bare,
        "security_groups",
        &groups,
        &mut problems,
    );
    let id = list.body["security_groups"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let shown = get(&cloud, &format!("v2.0/security-groups/{id}")).await;
    assert_eq!(
        shown.body["security_group"],
        list.body["security_groups"][0]
    );

    let rules_path = "v2.0/security-group-rules";
    check_list_and_first(
        &cloud,
        rules_path,
        "security_group_rule",
        &rules,
        &mut problems,
    )
    .await;

    let floating = samples(
        "floatingips/floating-ips-list-response.json",
        "floatingips",
        &[
            "floatingips/floatingip-create-response.json",
            "floatingips/floatingip-show-response.json",
            "floatingips/floatingip-update-response.json",
            "floatingips/floatingip-disassociate-response.json",
        ],
        "floatingip",
    );
    let public = get(&cloud, "v2.0/networks?router:external=true").await;
    let public_id = public.body["networks"][0]["id"]
        .as_str()
        .expect("public")
        .to_owned();
    let created = neutron(
        &cloud,
        Method::POST,
        "v2.0/floatingips",
        Some(&json!({"floatingip": {"floating_network_id": public_id}})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    check_object(
        "created floating IP",
        &created.body["floatingip"],
        &floating,
        &mut problems,
    );
    let fip = created.body["floatingip"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let associated = neutron(
        &cloud,
        Method::PUT,
        &format!("v2.0/floatingips/{fip}"),
        Some(&json!({"floatingip": {"port_id": port_id}})),
    )
    .await;
    assert_eq!(associated.status, StatusCode::OK, "{}", associated.text);
    check_object(
        "associated floating IP",
        &associated.body["floatingip"],
        &floating,
        &mut problems,
    );
    let list = get(&cloud, "v2.0/floatingips").await;
    check_list(
        "floating IPs",
        &list,
        "floatingips",
        &floating,
        &mut problems,
    );

    let pools = samples(
        "floatingips/floating-ip-pools-list-response.json",
        "floatingip_pools",
        &[],
        "",
    );
    let list = get(&cloud, "v2.0/floatingip_pools").await;
    check_list("pools", &list, "floatingip_pools", &pools, &mut problems);

    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_shape_check_catches_missing_keys_and_wrong_types() {
    let samples = samples(
        "networks/networks-list-response.json",
        "networks",
        &["networks/network-show-response.json"],
        "network",
    );
    let refs: Vec<&Value> = samples.iter().collect();
    let mut network = samples[0].clone();
    let mut problems = Vec::new();
    shape_problems("network", &network, &refs, &mut problems);
    assert!(problems.is_empty(), "a sample passes: {problems:?}");
    network.as_object_mut().expect("object").remove("mtu");
    network["router:external"] = json!("false");
    network["subnets"] = json!([7]);
    network["qos_policy_id"] = Value::Null;
    network["name"] = Value::Null;
    shape_problems("network", &network, &refs, &mut problems);
    problems.sort();
    assert_eq!(
        problems,
        [
            "network.mtu: missing",
            "network.name: null, the samples have [\"string\", \"string\", \"string\"]",
            "network.router:external: string, the samples have [\"boolean\", \"boolean\", \"boolean\"]",
            "network.subnets[]: number, the samples have [\"string\", \"string\", \"string\"]",
        ]
    );
}

#[tokio::test]
async fn networks_are_novas_plus_the_external_one_with_their_subnets() {
    let cloud = Cloud::start(fast_config()).await;
    let nova = cloud.client.get("os-networks", "2.35").await.body;
    let nova: Vec<(Value, Value)> = nova["networks"]
        .as_array()
        .expect("os-networks")
        .iter()
        .map(|network| (network["id"].clone(), network["label"].clone()))
        .collect();
    let internal = get(&cloud, "v2.0/networks?router:external=false").await;
    let internal: Vec<(Value, Value)> = internal.body["networks"]
        .as_array()
        .expect("networks")
        .iter()
        .map(|network| (network["id"].clone(), network["name"].clone()))
        .collect();
    assert_eq!(
        internal, nova,
        "the same networks as Nova's proxy, same ids"
    );
    let external = get(&cloud, "v2.0/networks?router:external=True").await;
    let external = external.body["networks"]
        .as_array()
        .expect("networks")
        .clone();
    assert_eq!(external.len(), 1);
    assert_eq!(external[0]["name"], "public");
    assert!(
        !nova.iter().any(|(id, _)| *id == external[0]["id"]),
        "os-networks does not offer the external network as a NIC"
    );
    // Its own, shown once: `fields`, one subnet with a CIDR per network.
    let subnets = get(&cloud, "v2.0/subnets?fields=network_id&fields=cidr").await;
    let subnets = subnets.body["subnets"].as_array().expect("subnets").clone();
    assert_eq!(subnets.len(), 4);
    assert_eq!(
        subnets[0],
        json!({"network_id": nova[0].0, "cidr": "192.168.0.0/24"})
    );
    assert!(
        subnets
            .iter()
            .any(|subnet| subnet["cidr"] == "203.0.113.0/24"
                && subnet["network_id"] == external[0]["id"])
    );
    // Creating a server on the external network: Nova does not find it among the project's.
    let mut body = cloud.client.guide_server("on-public").await;
    body["server"]["networks"] = json!([{"uuid": external[0]["id"]}]);
    let refused = cloud.client.post("servers", "2.67", &body).await;
    crate::common::assert_fault(&refused, 400, "badRequest", "could not be found");

    let paged = get(&cloud, "v2.0/networks?limit=3").await;
    assert_eq!(paged.body["networks"].as_array().map(Vec::len), Some(3));
    let next = paged.body["networks_links"][0]["href"]
        .as_str()
        .expect("next")
        .to_owned();
    let rest = service_call_url(&cloud, &next).await;
    assert_eq!(rest.body["networks"].as_array().map(Vec::len), Some(1));

    for (path, status, kind, message) in [
        (
            "v2.0/networks/nope",
            404,
            "NetworkNotFound",
            "Network nope could not be found.",
        ),
        (
            "v2.0/subnets/nope",
            404,
            "SubnetNotFound",
            "Subnet nope could not be found.",
        ),
        (
            "v2.0/ports/nope",
            404,
            "PortNotFound",
            "Port nope could not be found.",
        ),
        (
            "v2.0/security-groups/nope",
            404,
            "SecurityGroupNotFound",
            "Security group nope does not exist",
        ),
        (
            "v2.0/floatingips/nope",
            404,
            "FloatingIPNotFound",
            "Floating IP nope could not be found",
        ),
        (
            "v2.0/routers",
            404,
            "HTTPNotFound",
            "The resource could not be found.",
        ),
        (
            "v2.0/networks?colour=red",
            400,
            "HTTPBadRequest",
            "['colour'] is invalid attribute for filtering",
        ),
        (
            "v2.0/networks?limit=x",
            400,
            "BadRequest",
            "Bad limit request",
        ),
    ] {
        assert_neutron_error(&get(&cloud, path).await, status, kind, message);
    }
}

async fn service_call_url(cloud: &Cloud, url: &str) -> Reply {
    crate::services::call_with(&cloud.client, Method::GET, url, None, true).await
}

#[tokio::test]
async fn each_nic_has_a_port_with_the_servers_address_until_the_server_is_deleted() {
    let cloud = Cloud::start(fast_config()).await;
    let default = cloud.client.network_id("subnet-default").await;
    let db = cloud.client.network_id("subnet-db").await;
    let mut body = cloud.client.guide_server("two-nics").await;
    body["server"]["networks"] = json!([{"uuid": default}, {"uuid": db}]);
    body["server"]["security_groups"] = json!([{"name": "web"}, {"name": "default"}]);
    let created = cloud.client.post("servers", "2.67", &body).await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    let id = created.body["server"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let server = cloud
        .client
        .wait_for(&id, Duration::from_secs(10), |reply| {
            reply.body["server"]["status"] == "ACTIVE"
        })
        .await
        .body;
    let ports = get(&cloud, &format!("v2.0/ports?device_id={id}")).await;
    let ports = ports.body["ports"].as_array().expect("ports").clone();
    assert_eq!(ports.len(), 2, "one port per NIC");
    let groups = get(&cloud, "v2.0/security-groups?fields=id&fields=name").await;
    let group_id = |name: &str| {
        groups.body["security_groups"]
            .as_array()
            .expect("groups")
            .iter()
            .find(|group| group["name"] == name)
            .map(|group| group["id"].clone())
            .expect("group")
    };
    for (port, network) in ports.iter().zip([&default, &db]) {
        assert_eq!(port["network_id"], network.as_str());
        assert_eq!(port["device_id"], id.as_str());
        assert_eq!(port["status"], "ACTIVE");
        assert!(
            port["device_owner"]
                .as_str()
                .is_some_and(|owner| owner.starts_with("compute:"))
        );
        assert_eq!(
            port["security_groups"],
            json!([group_id("web"), group_id("default")])
        );
        let ip = port["fixed_ips"][0]["ip_address"].as_str().expect("ip");
        let label = if network == &default {
            "subnet-default"
        } else {
            "subnet-db"
        };
        let entry = &server["server"]["addresses"][label][0];
        assert_eq!(entry["addr"], ip);
        assert_eq!(entry["OS-EXT-IPS-MAC:mac_addr"], port["mac_address"]);
    }
    assert_eq!(
        server["server"]["security_groups"],
        json!([{"name": "web"}, {"name": "default"}])
    );
    let by_network = get(&cloud, &format!("v2.0/ports?network_id={db}")).await;
    assert_eq!(by_network.body["ports"].as_array().map(Vec::len), Some(1));

    let deleted = cloud.client.delete(&format!("servers/{id}"), "2.67").await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    cloud
        .client
        .wait_for(&id, Duration::from_secs(10), |reply| {
            reply.status == StatusCode::NOT_FOUND
        })
        .await;
    let gone = get(&cloud, &format!("v2.0/ports?device_id={id}")).await;
    assert_eq!(gone.body["ports"], json!([]));
}

#[tokio::test]
async fn a_floating_ip_is_allocated_associated_shown_by_nova_and_released() {
    let cloud = Cloud::start(fast_config()).await;
    let server = active_server(&cloud, "reachable").await;
    let ports = get(&cloud, &format!("v2.0/ports?device_id={server}")).await;
    let port = ports.body["ports"][0].clone();
    let port_id = port["id"].as_str().expect("port").to_owned();
    let public = get(&cloud, "v2.0/networks?router:external=true&fields=id").await;
    let public_id = public.body["networks"][0]["id"]
        .as_str()
        .expect("public")
        .to_owned();

    let created = neutron(
        &cloud,
        Method::POST,
        "v2.0/floatingips",
        Some(&json!({"floatingip": {"floating_network_id": public_id, "description": "ssh"}})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let fip = created.body["floatingip"].clone();
    let fip_id = fip["id"].as_str().expect("id").to_owned();
    let address = fip["floating_ip_address"]
        .as_str()
        .expect("address")
        .to_owned();
    assert!(address.starts_with("203.0.113."), "{address}");
    assert_eq!(address, "203.0.113.3", "the router's gateway holds .2");
    assert!(fip["port_id"].is_null() && fip["router_id"].is_null());
    assert_eq!(fip["status"], "DOWN");
    assert_eq!(fip["description"], "ssh");

    let associated = neutron(
        &cloud,
        Method::PUT,
        &format!("v2.0/floatingips/{fip_id}"),
        Some(&json!({"floatingip": {"port_id": port_id}})),
    )
    .await;
    assert_eq!(associated.status, StatusCode::OK, "{}", associated.text);
    let shown = &associated.body["floatingip"];
    assert_eq!(shown["port_id"], port_id.as_str());
    assert_eq!(
        shown["fixed_ip_address"],
        port["fixed_ips"][0]["ip_address"]
    );
    assert_eq!(shown["status"], "ACTIVE");
    assert!(shown["router_id"].is_string());
    assert_eq!(shown["port_details"]["device_id"], server.as_str());

    let nova = cloud
        .client
        .get(&format!("servers/{server}"), "2.67")
        .await
        .body;
    let addresses = addresses_of(&nova["server"]);
    assert!(
        addresses.contains(&("floating".to_owned(), address.clone())),
        "Nova shows the floating IP: {addresses:?}"
    );
    assert_eq!(addresses[0].0, "fixed", "after the fixed address");

    // A second one for the same port is refused; another allocation is fine.
    let second = neutron(
        &cloud,
        Method::POST,
        "v2.0/floatingips",
        Some(&json!({"floatingip": {"floating_network_id": public_id, "port_id": port_id}})),
    )
    .await;
    assert_neutron_error(
        &second,
        409,
        "FloatingIPPortAlreadyAssociated",
        "Cannot associate floating IP",
    );
    let listed = get(&cloud, &format!("v2.0/floatingips?port_id={port_id}")).await;
    assert_eq!(listed.body["floatingips"].as_array().map(Vec::len), Some(1));

    let disassociated = neutron(
        &cloud,
        Method::PUT,
        &format!("v2.0/floatingips/{fip_id}"),
        Some(&json!({"floatingip": {"port_id": null}})),
    )
    .await;
    assert_eq!(
        disassociated.status,
        StatusCode::OK,
        "{}",
        disassociated.text
    );
    assert!(disassociated.body["floatingip"]["fixed_ip_address"].is_null());
    assert!(disassociated.body["floatingip"]["port_details"].is_null());
    let nova = cloud
        .client
        .get(&format!("servers/{server}"), "2.67")
        .await
        .body;
    assert!(
        addresses_of(&nova["server"])
            .iter()
            .all(|(kind, _)| kind == "fixed")
    );

    let deleted = neutron(
        &cloud,
        Method::DELETE,
        &format!("v2.0/floatingips/{fip_id}"),
        None,
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_neutron_error(
        &get(&cloud, &format!("v2.0/floatingips/{fip_id}")).await,
        404,
        "FloatingIPNotFound",
        "Floating IP",
    );
    assert_eq!(
        get(&cloud, "v2.0/floatingips").await.body["floatingips"],
        json!([])
    );
}

#[tokio::test]
async fn deleting_a_server_disassociates_its_floating_ip() {
    let cloud = Cloud::start(fast_config()).await;
    let server = active_server(&cloud, "short-lived").await;
    let ports = get(&cloud, &format!("v2.0/ports?device_id={server}")).await;
    let port_id = ports.body["ports"][0]["id"].clone();
    let public = get(&cloud, "v2.0/networks?router:external=true").await;
    let created = neutron(
        &cloud,
        Method::POST,
        "v2.0/floatingips",
        Some(&json!({"floatingip": {
            "floating_network_id": public.body["networks"][0]["id"],
            "port_id": port_id,
        }})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(
        created.body["floatingip"]["status"], "ACTIVE",
        "associated at creation"
    );
    let fip_id = created.body["floatingip"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    cloud
        .client
        .delete(&format!("servers/{server}"), "2.67")
        .await;
    cloud
        .client
        .wait_for(&server, Duration::from_secs(10), |reply| {
            reply.status == StatusCode::NOT_FOUND
        })
        .await;
    let kept = get(&cloud, &format!("v2.0/floatingips/{fip_id}")).await;
    assert_eq!(
        kept.status,
        StatusCode::OK,
        "the address stays the project's"
    );
    assert!(kept.body["floatingip"]["port_id"].is_null());
    assert_eq!(kept.body["floatingip"]["status"], "DOWN");
}

#[tokio::test]
async fn floating_ip_requests_neutron_refuses() {
    let cloud = Cloud::start(fast_config()).await;
    let server = active_server(&cloud, "target").await;
    let ports = get(&cloud, &format!("v2.0/ports?device_id={server}")).await;
    let port = ports.body["ports"][0].clone();
    let public = get(&cloud, "v2.0/networks?router:external=true").await;
    let public_id = public.body["networks"][0]["id"].clone();
    let project_network = cloud.client.network_id("subnet-default").await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    let cases: Vec<(Value, u16, &str, String)> = vec![
        (
            json!({}),
            400,
            "HTTPBadRequest",
            "Unable to find 'floatingip' in request body".to_owned(),
        ),
        (
            json!({"floatingip": {}}),
            400,
            "HTTPBadRequest",
            "Failed to parse request. Required attribute 'floating_network_id' not specified"
                .to_owned(),
        ),
        (
            json!({"floatingip": {"floating_network_id": public_id, "colour": "red"}}),
            400,
            "HTTPBadRequest",
            "Unrecognized attribute(s) 'colour'".to_owned(),
        ),
        (
            json!({"floatingip": {"floating_network_id": public_id, "status": "ACTIVE"}}),
            400,
            "HTTPBadRequest",
            "Attribute 'status' not allowed in POST".to_owned(),
        ),
        (
            json!({"floatingip": {"floating_network_id": "public"}}),
            400,
            "HTTPBadRequest",
            "Invalid input for floating_network_id. Reason: 'public' is not a valid UUID."
                .to_owned(),
        ),
        (
            json!({"floatingip": {"floating_network_id": unknown}}),
            404,
            "NetworkNotFound",
            format!("Network {unknown} could not be found."),
        ),
        (
            json!({"floatingip": {"floating_network_id": project_network}}),
            400,
            "BadRequest",
            format!(
                "Bad floatingip request: Network {project_network} is not a valid external network."
            ),
        ),
        (
            json!({"floatingip": {"floating_network_id": public_id, "floating_ip_address": "203.0.113.9"}}),
            403,
            "PolicyNotAuthorized",
            "(rule:create_floatingip and rule:create_floatingip:floating_ip_address)".to_owned(),
        ),
        (
            json!({"floatingip": {"floating_network_id": public_id, "port_id": unknown}}),
            404,
            "PortNotFound",
            format!("Port {unknown} could not be found."),
        ),
        (
            json!({"floatingip": {"floating_network_id": public_id, "port_id": port["id"], "fixed_ip_address": "10.9.9.9"}}),
            400,
            "BadRequest",
            format!(
                "Bad floatingip request: Port {} does not have fixed ip 10.9.9.9.",
                port["id"].as_str().unwrap_or_default()
            ),
        ),
    ];
    for (body, status, kind, message) in &cases {
        let reply = neutron(&cloud, Method::POST, "v2.0/floatingips", Some(body)).await;
        assert_neutron_error(&reply, *status, kind, message);
    }
    let unparsable = cloud
        .client
        .http
        .post(format!("{}/network/v2.0/floatingips", cloud.sim.base_url()))
        .header("X-Auth-Token", &cloud.client.token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("answered");
    assert_neutron_error(
        &Reply::read(unparsable).await,
        400,
        "HTTPBadRequest",
        "Body contains invalid data",
    );
    assert_eq!(
        get(&cloud, "v2.0/floatingips").await.body["floatingips"],
        json!([]),
        "nothing allocated"
    );

    let created = neutron(
        &cloud,
        Method::POST,
        "v2.0/floatingips",
        Some(&json!({"floatingip": {"floating_network_id": public_id}})),
    )
    .await;
    let fip_id = created.body["floatingip"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let read_only = neutron(
        &cloud,
        Method::PUT,
        &format!("v2.0/floatingips/{fip_id}"),
        Some(&json!({"floatingip": {"floating_network_id": public_id}})),
    )
    .await;
    assert_neutron_error(
        &read_only,
        400,
        "HTTPBadRequest",
        "Cannot update read-only attribute floating_network_id",
    );
    let missing = neutron(
        &cloud,
        Method::PUT,
        &format!("v2.0/floatingips/{unknown}"),
        Some(&json!({"floatingip": {"port_id": null}})),
    )
    .await;
    assert_neutron_error(&missing, 404, "FloatingIPNotFound", "Floating IP");
    let deleted = neutron(
        &cloud,
        Method::DELETE,
        &format!("v2.0/floatingips/{unknown}"),
        None,
    )
    .await;
    assert_neutron_error(&deleted, 404, "FloatingIPNotFound", "Floating IP");
}

#[tokio::test]
async fn floating_ips_stop_at_neutrons_quota() {
    let cloud = Cloud::start(fast_config()).await;
    let public = get(&cloud, "v2.0/networks?router:external=true").await;
    let body = json!({"floatingip": {"floating_network_id": public.body["networks"][0]["id"]}});
    for _ in 0..50 {
        let created = neutron(&cloud, Method::POST, "v2.0/floatingips", Some(&body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    }
    let over = neutron(&cloud, Method::POST, "v2.0/floatingips", Some(&body)).await;
    assert_neutron_error(
        &over,
        409,
        "OverQuota",
        "Quota exceeded for resources: ['floatingip'].",
    );
    let page = get(
        &cloud,
        "v2.0/floatingips?limit=20&sort_key=floating_ip_address&sort_dir=asc",
    )
    .await;
    assert_eq!(page.body["floatingips"].as_array().map(Vec::len), Some(20));
}
