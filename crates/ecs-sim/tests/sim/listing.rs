//! Flavor, image and server listings: filters, sorting, limit/marker and next links.

use std::time::Duration;

use serde_json::Value;

use crate::common::{Cloud, fast_config};

fn ids(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn flavor_filters_and_sorting() {
    let cloud = Cloud::start(fast_config()).await;
    let all = cloud.client.get("flavors/detail", "2.67").await.body;
    let flavors = all["flavors"].as_array().expect("flavors");
    assert!(
        flavors
            .iter()
            .all(|f| f["os-flavor-access:is_public"] == true),
        "public by default"
    );
    assert!(
        flavors
            .iter()
            .any(|f| f["OS-FLV-DISABLED:disabled"] == true),
        "a disabled flavor is listed for clients to hide"
    );
    let listed = ids(&all, "flavors");
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "default order is flavorid ascending");

    let big = cloud
        .client
        .get("flavors/detail?minRam=8192&minDisk=0", "2.67")
        .await
        .body;
    assert!(
        big["flavors"]
            .as_array()
            .expect("flavors")
            .iter()
            .all(|f| f["ram"].as_u64() >= Some(8192))
    );
    let disks = cloud
        .client
        .get("flavors/detail?minDisk=30", "2.67")
        .await
        .body;
    assert_eq!(ids(&disks, "flavors"), ["m1.medium"]);
    let private = cloud
        .client
        .get("flavors/detail?is_public=false", "2.67")
        .await
        .body;
    assert_eq!(ids(&private, "flavors"), ["p1.dedicated"]);
    let everything = cloud
        .client
        .get("flavors/detail?is_public=none", "2.67")
        .await
        .body;
    assert_eq!(ids(&everything, "flavors").len(), listed.len() + 1);

    let by_ram = cloud
        .client
        .get("flavors/detail?sort_key=memory_mb&sort_dir=desc", "2.67")
        .await
        .body;
    let rams: Vec<u64> = by_ram["flavors"]
        .as_array()
        .expect("flavors")
        .iter()
        .filter_map(|f| f["ram"].as_u64())
        .collect();
    assert!(rams.windows(2).all(|pair| pair[0] >= pair[1]), "{rams:?}");

    let at_255 = cloud.client.get("flavors/c1.large", "2.55").await.body;
    assert!(at_255["flavor"]["description"].is_string());
    assert!(at_255["flavor"].get("extra_specs").is_none());
    let at_261 = cloud.client.get("flavors/c1.large", "2.61").await.body;
    assert!(at_261["flavor"]["extra_specs"].is_object());
    let at_21 = cloud.client.get("flavors/c1.large", "2.1").await.body;
    assert!(at_21["flavor"].get("description").is_none());
}

#[tokio::test]
async fn pages_of_ten_thousand_flavors_and_images_follow_next_links() {
    let cloud = Cloud::start(fast_config().catalogue_size(10_000)).await;
    for (collection, path) in [
        ("flavors", "flavors/detail?is_public=none&limit=2500"),
        ("images", "images/detail?limit=2500"),
    ] {
        let mut seen = std::collections::HashSet::new();
        let mut next = Some(path.to_owned());
        let mut pages = 0;
        while let Some(path) = next.take() {
            let reply = cloud.client.get(&path, "2.1").await;
            assert_eq!(reply.status, reqwest::StatusCode::OK);
            let page = ids(&reply.body, collection);
            assert!(page.len() <= 1000, "Nova caps pages at max_limit 1000");
            for id in page {
                assert!(seen.insert(id), "no item twice");
            }
            next = reply.body[format!("{collection}_links")][0]["href"]
                .as_str()
                .map(str::to_owned);
            pages += 1;
        }
        // The last page is exactly full, so one more, empty page follows (Nova's rule).
        assert_eq!(seen.len(), 10_000, "{collection}");
        assert_eq!(pages, 11, "{collection}");
    }
}

#[tokio::test]
async fn server_lists_filter_and_page_newest_first() {
    let cloud = Cloud::start(fast_config().build_duration(Duration::from_millis(0))).await;
    let mut created = Vec::new();
    for name in ["alpha", "beta", "gamma"] {
        created.push(cloud.client.create_server(name).await);
    }
    let all = cloud.client.get("servers", "2.67").await.body;
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!(ids(&all, "servers"), newest_first);

    let page = cloud
        .client
        .get("servers/detail?limit=2", "2.67")
        .await
        .body;
    assert_eq!(ids(&page, "servers"), newest_first[..2]);
    let next = page["servers_links"][0]["href"]
        .as_str()
        .expect("next link");
    assert!(
        next.contains(&format!(
            "servers/detail?limit=2&marker={}",
            newest_first[1]
        )),
        "{next}"
    );
    assert_eq!(
        ids(&cloud.client.get(next, "2.67").await.body, "servers"),
        newest_first[2..]
    );

    let named = cloud
        .client
        .get("servers/detail?name=bet", "2.67")
        .await
        .body;
    assert_eq!(ids(&named, "servers"), [created[1].clone()]);
    let active = cloud.client.get("servers?status=ACTIVE", "2.67").await.body;
    assert_eq!(ids(&active, "servers").len(), 3);
    let shutoff = cloud
        .client
        .get("servers?status=SHUTOFF", "2.67")
        .await
        .body;
    assert!(ids(&shutoff, "servers").is_empty());
}

#[tokio::test]
async fn the_catalogue_has_the_guides_awkward_cases() {
    let cloud = Cloud::start(fast_config()).await;

    // Zones: one unavailable, and one name listed twice, as in the guide.
    let zones = cloud.client.get("os-availability-zone", "2.67").await.body;
    let zones = zones["availabilityZoneInfo"].as_array().unwrap();
    assert!(
        zones
            .iter()
            .any(|zone| zone["zoneState"]["available"] == false)
    );
    let names: Vec<&str> = zones
        .iter()
        .filter_map(|zone| zone["zoneName"].as_str())
        .collect();
    let distinct: std::collections::HashSet<&str> = names.iter().copied().collect();
    assert!(
        distinct.len() < names.len(),
        "a repeated zone name: {names:?}"
    );

    // Images: Huawei metadata, minDisk and minRam above 0, one not ACTIVE; each one by id.
    let images = cloud.client.get("images/detail", "2.1").await.body;
    let images = images["images"].as_array().unwrap();
    for image in images {
        for key in ["__os_type", "__platform", "__os_version"] {
            assert!(
                image["metadata"][key]
                    .as_str()
                    .is_some_and(|v| !v.is_empty()),
                "{key} on {}",
                image["name"]
            );
        }
        let id = image["id"].as_str().unwrap();
        let one = cloud.client.get(&format!("images/{id}"), "2.1").await.body;
        assert_eq!(&one["image"], image);
    }
    assert!(
        images
            .iter()
            .any(|image| image["minDisk"].as_u64() > Some(0) && image["minRam"].as_u64() > Some(0))
    );
    assert!(images.iter().any(|image| image["status"] != "ACTIVE"));

    // Flavors by id.
    let flavors = cloud.client.get("flavors/detail", "2.67").await.body;
    let flavor = &flavors["flavors"][0];
    let id = flavor["id"].as_str().unwrap();
    let one = cloud
        .client
        .get(&format!("flavors/{id}"), "2.67")
        .await
        .body;
    assert_eq!(&one["flavor"], flavor);

    // Networks: id and label; the rest null, as Nova with Neutron shows them to a member.
    let networks = cloud.client.get("os-networks", "2.1").await.body;
    let networks = networks["networks"].as_array().unwrap();
    assert!(!networks.is_empty());
    for network in networks {
        assert!(network["id"].as_str().is_some_and(|id| !id.is_empty()));
        assert!(network["label"].as_str().is_some_and(|l| !l.is_empty()));
        assert_eq!(network.as_object().map(|fields| fields.len()), Some(11));
        assert!(network["cidr"].is_null() && network["gateway"].is_null());
    }
}
