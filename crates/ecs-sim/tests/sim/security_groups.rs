//! Security groups through Nova, for a Nova-only cloud: the `os-security-groups` proxy (up to
//! 2.35) and a server's groups, in the shapes of Nova's samples; groups chosen at create.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Cloud, assert_fault, fast_config};
use crate::neutron::shape_problems;
use crate::services::service_call;

fn nova_sample(name: &str) -> Value {
    nova_ref::reference().json(&format!("responses/os-security-groups/{name}"))
}

/// Checks Nova's security group list body against its sample, rules against the rule sample.
fn check_groups(body: &Value, sample_file: &str) {
    let sample = nova_sample(sample_file);
    let rule = nova_sample("security-group-rules-post-resp.json")["security_group_rule"].clone();
    let mut problems = Vec::new();
    let groups = body["security_groups"].as_array().expect("security_groups");
    assert!(!groups.is_empty());
    let sample_groups: Vec<&Value> = sample["security_groups"]
        .as_array()
        .expect("sample")
        .iter()
        .collect();
    for group in groups {
        // The samples' groups have no rules; a rule is checked against the rule sample.
        let mut bare = group.clone();
        bare["rules"] = json!([]);
        shape_problems("group", &bare, &sample_groups, &mut problems);
        for item in group["rules"].as_array().expect("rules") {
            let mut kinds = vec![&rule];
            // A rule from a group instead of a CIDR: `group` filled, `ip_range` empty.
            let from_group =
                json!({"group": {"name": "default", "tenant_id": "t"}, "ip_range": {}});
            let mut as_group_rule = rule.clone();
            as_group_rule["group"] = from_group["group"].clone();
            as_group_rule["ip_range"] = from_group["ip_range"].clone();
            // A rule for any protocol has no ports (null), as Nova converts Neutron's.
            let mut any_protocol = rule.clone();
            for key in ["from_port", "to_port", "ip_protocol"] {
                any_protocol[key] = Value::Null;
            }
            kinds.push(&as_group_rule);
            kinds.push(&any_protocol);
            shape_problems("rule", item, &kinds, &mut problems);
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

fn group<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["security_groups"]
        .as_array()
        .and_then(|groups| groups.iter().find(|group| group["name"] == name))
        .unwrap_or_else(|| panic!("group {name} in {body}"))
}

#[tokio::test]
async fn novas_proxy_lists_the_groups_with_their_ingress_rules() {
    let cloud = Cloud::start(fast_config().nova_only(true)).await;
    let listed = cloud.client.get("os-security-groups", "2.35").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    check_groups(&listed.body, "security-groups-list-get-resp.json");
    let names: Vec<&str> = listed.body["security_groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|group| group["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["closed", "default", "web"],
        "sorted by tenant, then name"
    );

    let default = group(&listed.body, "default");
    let rules = default["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 4, "ingress only: egress rules are left out");
    assert!(rules.iter().any(|rule| rule["ip_protocol"] == "tcp"
        && rule["from_port"] == 22
        && rule["to_port"] == 22
        && rule["ip_range"] == json!({"cidr": "0.0.0.0/0"})));
    assert!(rules.iter().any(|rule| rule["ip_protocol"] == "icmp"
        && rule["from_port"] == -1
        && rule["to_port"] == -1));
    assert!(rules.iter().any(|rule| rule["group"]["name"] == "default"
        && rule["ip_range"] == json!({})
        && rule["ip_protocol"].is_null()));
    assert!(
        rules
            .iter()
            .all(|rule| rule["parent_group_id"] == default["id"])
    );
    assert_eq!(group(&listed.body, "closed")["rules"], json!([]));
    let web: Vec<(Value, Value)> = group(&listed.body, "web")["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|rule| (rule["from_port"].clone(), rule["to_port"].clone()))
        .collect();
    assert_eq!(web, [(json!(80), json!(80)), (json!(443), json!(443))]);

    let id = default["id"].as_str().expect("id");
    let shown = cloud
        .client
        .get(&format!("os-security-groups/{id}"), "2.35")
        .await;
    assert_eq!(&shown.body["security_group"], default);
    let first = cloud
        .client
        .get("os-security-groups?limit=1&offset=1", "2.35")
        .await;
    assert_eq!(
        first.body["security_groups"].as_array().map(Vec::len),
        Some(1)
    );

    let bad_id = cloud
        .client
        .get("os-security-groups/not-a-uuid", "2.35")
        .await;
    assert_fault(
        &bad_id,
        400,
        "badRequest",
        "Security group id should be uuid",
    );
    let unknown = "00000000-0000-4000-8000-000000000000";
    let missing = cloud
        .client
        .get(&format!("os-security-groups/{unknown}"), "2.35")
        .await;
    assert_fault(
        &missing,
        404,
        "itemNotFound",
        &format!("Security group {unknown} does not exist"),
    );
}

#[tokio::test]
async fn the_proxy_ends_at_2_35_where_nova_ends_it() {
    let strict = Cloud::start(fast_config().proxy_apis_at_all_versions(false)).await;
    let gone = strict.client.get("os-security-groups", "2.36").await;
    assert_fault(&gone, 404, "itemNotFound", "could not be found");
    // ECS keeps its proxies at every version.
    let ecs = Cloud::start(fast_config()).await;
    assert_eq!(
        ecs.client.get("os-security-groups", "2.67").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_server_gets_the_groups_chosen_at_create() {
    let cloud = Cloud::start(fast_config()).await;
    let mut body = cloud.client.guide_server("guarded").await;
    let groups = service_call(
        &cloud.client,
        "network",
        Method::GET,
        "v2.0/security-groups",
        None,
    )
    .await;
    let closed_id = group(&groups.body, "closed")["id"].clone();
    // By name or by id; a group named twice counts once.
    body["server"]["security_groups"] =
        json!([{"name": "web"}, {"name": closed_id}, {"name": "web"}]);
    let created = cloud.client.post("servers", "2.67", &body).await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    let id = created.body["server"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let before = cloud
        .client
        .get(&format!("servers/{id}/os-security-groups"), "2.67")
        .await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(
        before.body["security_groups"],
        json!([]),
        "no port bound yet"
    );
    let server = cloud
        .client
        .wait_for(&id, Duration::from_secs(10), |reply| {
            reply.body["server"]["status"] == "ACTIVE"
        })
        .await;
    assert_eq!(
        server.body["server"]["security_groups"],
        json!([{"name": "web"}, {"name": "closed"}])
    );
    let listed = cloud
        .client
        .get(&format!("servers/{id}/os-security-groups"), "2.67")
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    check_groups(&listed.body, "server-security-groups-list-resp.json");
    let names: Vec<&str> = listed.body["security_groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|group| group["name"].as_str())
        .collect();
    assert_eq!(names, ["closed", "web"]);

    let unknown = cloud
        .client
        .get(
            "servers/00000000-0000-4000-8000-000000000000/os-security-groups",
            "2.67",
        )
        .await;
    assert_fault(&unknown, 404, "itemNotFound", "could not be found");

    // Without a choice: default.
    let plain = cloud.client.create_server("plain").await;
    let plain = cloud
        .client
        .wait_for(&plain, Duration::from_secs(10), |reply| {
            reply.body["server"]["status"] == "ACTIVE"
        })
        .await;
    assert_eq!(
        plain.body["server"]["security_groups"],
        json!([{"name": "default"}])
    );
}
