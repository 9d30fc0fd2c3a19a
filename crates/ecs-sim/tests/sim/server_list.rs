//! The servers list as Nova serves it to a project user: regex name filter, status, flavor,
//! `sort_key`/`sort_dir` and limit/marker paging over the sorted list, with Nova's errors; the
//! pages validate against Nova's response schema, and the console's parameters against its query
//! schema.

use std::time::Duration;

use ecs_sim::test_client::TestClient;
use serde_json::{Value, json};

use crate::common::{Cloud, assert_fault, fast_config, schema_problems};

/// (name, flavor, zone) of the servers made for these tests, oldest first.
const SERVERS: [(&str, &str, &str); 6] = [
    ("web-1", "s6.small.1", "az1.dc1"),
    ("Web-2", "m1.small", "az2.dc1"),
    ("db.main", "s6.medium.2", "az1.dc1"),
    ("dbxmain", "m1.small", "az2.dc1"),
    ("cache", "s6.small.1", "az1.dc1"),
    ("web-3", "s6.medium.2", "az1.dc1"),
];

async fn create(client: &TestClient, name: &str, flavor: &str, zone: &str) -> String {
    let mut body = client.guide_server(name).await;
    body["server"]["flavorRef"] = json!(flavor);
    body["server"]["availability_zone"] = json!(zone);
    let reply = client.post("servers", "2.67", &body).await;
    assert_eq!(reply.status.as_u16(), 202, "{}", reply.text);
    reply.body["server"]["id"]
        .as_str()
        .expect("server id")
        .to_owned()
}

async fn cloud_with_servers(transition: Duration) -> Cloud {
    let cloud = Cloud::start(
        fast_config()
            .build_duration(Duration::from_millis(0))
            .transition_duration(transition),
    )
    .await;
    for (name, flavor, zone) in SERVERS {
        create(&cloud.client, name, flavor, zone).await;
    }
    cloud
}

fn names(body: &Value) -> Vec<String> {
    body["servers"]
        .as_array()
        .expect("a servers list")
        .iter()
        .map(|server| server["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// GET `path` at 2.67; the answer must be a 200 that Nova's list schema accepts.
async fn listed(cloud: &Cloud, path: &str) -> Value {
    let reply = cloud.client.get(path, "2.67").await;
    assert_eq!(reply.status.as_u16(), 200, "{path}: {}", reply.text);
    let endpoint = if path.contains("servers/detail") {
        "GET /servers/detail"
    } else {
        "GET /servers"
    };
    if let Some(problem) = schema_problems(endpoint, "2.67", &reply.body) {
        panic!("{path}: {problem}");
    }
    reply.body
}

#[tokio::test]
async fn the_consoles_parameters_are_nova_s() {
    // What the servers page sends (see src/servers/query.rs), as Nova's query schema at the
    // console's microversion reads a query string: every parameter a list of strings.
    let reference = nova_ref::reference();
    let schema = reference
        .schema_for("GET /servers/detail", "query string", "2.67")
        .expect("Nova has a query schema for the list at 2.67");
    let query = json!({
        "name": [r"web\.1"], "status": ["ACTIVE"], "flavor": ["m1.small"],
        "sort_key": ["display_name"], "sort_dir": ["asc"], "limit": ["51"], "marker": ["x"],
    });
    reference
        .validate(&schema, &query)
        .unwrap_or_else(|errors| panic!("{schema}: {errors:?}"));
    for key in [
        "vm_state",
        "instance_type_id",
        "availability_zone",
        "created_at",
    ] {
        let query = json!({"sort_key": [key]});
        assert!(reference.validate(&schema, &query).is_ok(), "{key}");
    }
    let unknown = json!({"sort_key": ["addresses"]});
    assert!(
        reference.validate(&schema, &unknown).is_err(),
        "Nova cannot sort by addresses: the console sorts those itself"
    );
}

#[tokio::test]
async fn names_are_case_insensitive_regular_expressions() {
    let cloud = cloud_with_servers(Duration::from_millis(300)).await;
    let web = listed(&cloud, "servers/detail?name=%5Eweb").await;
    assert_eq!(names(&web), ["web-3", "Web-2", "web-1"], "newest first");
    let literal = listed(&cloud, "servers?name=db%5C.main").await;
    assert_eq!(names(&literal), ["db.main"], "an escaped dot is a dot");
    let any = listed(&cloud, "servers?name=db.main").await;
    assert_eq!(
        names(&any),
        ["dbxmain", "db.main"],
        "an unescaped dot is any character"
    );
    let bad = cloud.client.get("servers?name=%5B", "2.67").await;
    assert_fault(&bad, 400, "badRequest", "'[' is not a 'regex'");
    let empty = cloud.client.get("servers?name=", "2.67").await;
    assert_fault(&empty, 400, "badRequest", "is not a 'regex'");
}

#[tokio::test]
async fn sorting_follows_nova() {
    let cloud = cloud_with_servers(Duration::from_millis(300)).await;
    let by_name = listed(&cloud, "servers/detail?sort_key=display_name&sort_dir=asc").await;
    assert_eq!(
        names(&by_name),
        ["cache", "db.main", "dbxmain", "web-1", "Web-2", "web-3"],
        "names sort without regard to case"
    );
    let reversed = listed(&cloud, "servers?sort_key=display_name&sort_dir=desc").await;
    let mut expected = names(&by_name);
    expected.reverse();
    assert_eq!(names(&reversed), expected);
    let default_dir = listed(&cloud, "servers?sort_key=display_name").await;
    assert_eq!(
        names(&default_dir),
        expected,
        "Nova's default direction is desc"
    );
    // Flavors in their catalogue (id) order; servers of one flavor by creation, in that direction.
    let by_flavor = listed(&cloud, "servers?sort_key=instance_type_id&sort_dir=asc").await;
    assert_eq!(
        names(&by_flavor),
        ["Web-2", "dbxmain", "db.main", "web-3", "web-1", "cache"]
    );
    let by_zone = listed(&cloud, "servers?sort_key=availability_zone&sort_dir=desc").await;
    assert_eq!(
        names(&by_zone),
        ["dbxmain", "Web-2", "web-3", "cache", "db.main", "web-1"]
    );
    let oldest_first = listed(&cloud, "servers?sort_dir=asc").await;
    assert_eq!(
        names(&oldest_first),
        ["web-1", "Web-2", "db.main", "dbxmain", "cache", "web-3"],
        "a direction alone sorts by created_at"
    );
    // An ignored key goes with its direction: Nova's default order is left.
    let ignored = listed(&cloud, "servers?sort_key=vcpus&sort_dir=asc").await;
    let newest_first = listed(&cloud, "servers").await;
    assert_eq!(names(&ignored), names(&newest_first));
    assert_eq!(names(&newest_first)[0], "web-3");

    let unknown = cloud.client.get("servers?sort_key=addresses", "2.67").await;
    assert_fault(
        &unknown,
        400,
        "badRequest",
        "'addresses' is not one of ['access_ip_v4'",
    );
    let admin_only = cloud.client.get("servers?sort_key=host", "2.67").await;
    assert_fault(
        &admin_only,
        403,
        "forbidden",
        "Only administrators can sort servers by host",
    );
    let sideways = cloud
        .client
        .get("servers?sort_key=display_name&sort_dir=up", "2.67")
        .await;
    assert_fault(
        &sideways,
        400,
        "badRequest",
        "Unknown sort direction, must be 'desc' or 'asc'",
    );
    let too_many = cloud
        .client
        .get(
            "servers?sort_key=display_name&sort_dir=asc&sort_dir=desc",
            "2.67",
        )
        .await;
    assert_fault(
        &too_many,
        400,
        "badRequest",
        "Sort direction size exceeds sort key size",
    );
}

#[tokio::test]
async fn pages_follow_the_sort_and_the_filters() {
    let cloud = cloud_with_servers(Duration::from_millis(300)).await;
    let mut path =
        "servers/detail?name=%5E%28web%7Cdb%29&sort_key=display_name&sort_dir=asc&limit=2"
            .to_owned();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let page = listed(&cloud, &path).await;
        seen.extend(names(&page));
        let Some(next) = page["servers_links"][0]["href"].as_str() else {
            break;
        };
        assert!(next.contains("sort_key=display_name"), "{next}");
        path = next.to_owned();
    }
    assert_eq!(seen, ["db.main", "dbxmain", "web-1", "Web-2", "web-3"]);

    let all = listed(&cloud, "servers?sort_key=display_name&sort_dir=asc").await;
    let cache = all["servers"][0]["id"].as_str().expect("cache's id");
    // The marker is found among all servers, even one the filter leaves out.
    let after_cache = listed(
        &cloud,
        &format!("servers?name=%5Eweb&sort_key=display_name&sort_dir=asc&marker={cache}"),
    )
    .await;
    assert_eq!(names(&after_cache), ["web-1", "Web-2", "web-3"]);
    let gone = cloud
        .client
        .get("servers?marker=no-such-server", "2.67")
        .await;
    assert_fault(
        &gone,
        400,
        "badRequest",
        "marker [no-such-server] not found",
    );
}

#[tokio::test]
async fn status_flavor_and_zone_filters() {
    let cloud = cloud_with_servers(Duration::from_secs(60)).await;
    let all = listed(&cloud, "servers?sort_key=display_name&sort_dir=asc").await;
    let cache = all["servers"][0]["id"]
        .as_str()
        .expect("cache's id")
        .to_owned();
    let reboot = cloud
        .client
        .post(
            &format!("servers/{cache}/action"),
            "2.67",
            &json!({"reboot": {"type": "SOFT"}}),
        )
        .await;
    assert_eq!(reboot.status.as_u16(), 202, "{}", reboot.text);
    let rebooting = listed(&cloud, "servers/detail?status=REBOOT").await;
    assert_eq!(names(&rebooting), ["cache"]);
    let active = listed(&cloud, "servers?status=active").await;
    assert_eq!(
        names(&active).len(),
        SERVERS.len(),
        "ACTIVE is a vm state: a rebooting server is in it"
    );
    let shutoff = listed(&cloud, "servers?status=SHUTOFF").await;
    assert!(names(&shutoff).is_empty());
    let unknown = cloud.client.get("servers?status=NAPPING", "2.67").await;
    assert_fault(&unknown, 400, "badRequest", "Invalid status value");
    let before_2_38 = cloud.client.get("servers?status=NAPPING", "2.37").await;
    assert_eq!(before_2_38.status.as_u16(), 200, "{}", before_2_38.text);
    assert_eq!(before_2_38.body, json!({"servers": []}));

    let small = listed(&cloud, "servers?flavor=m1.small").await;
    assert_eq!(names(&small), ["dbxmain", "Web-2"]);
    let no_flavor = listed(&cloud, "servers?flavor=no-such-flavor").await;
    assert!(
        names(&no_flavor).is_empty(),
        "an unknown flavor lists nothing"
    );
    // A project user filters by zone from 2.83 only; before, Nova drops the filter.
    let zone = listed(&cloud, "servers?availability_zone=az2.dc1").await;
    assert_eq!(names(&zone).len(), SERVERS.len());
}
